"""The ``venecon`` command line."""

from __future__ import annotations

import json

import pytest

import venecon
from venecon.cli import main


def test_data_list_prints_the_catalogue(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for name in venecon.datasets()["name"]:
        assert name in out


def test_data_describe_prints_json(capsys):
    assert main(["data", "describe", "production_monthly"]) == 0
    summary, _, body = capsys.readouterr().out.partition("\n\n")  # summary, then the JSON
    entry = json.loads(body)
    assert summary.startswith("production_monthly: ")
    assert entry["name"] == "production_monthly" and entry["sources"]


def test_data_cite(capsys):
    assert main(["data", "cite", "production_monthly"]) == 0
    assert capsys.readouterr().out.startswith("@misc{venecon_production_monthly,")
    assert main(["data", "cite"]) == 0
    assert capsys.readouterr().out.startswith("@software{venecon,")


def test_unknown_dataset_is_a_clean_error(capsys):
    assert main(["data", "describe", "prices"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("venecon: error: unknown dataset 'prices'") and "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert venecon.__version__ in capsys.readouterr().out
