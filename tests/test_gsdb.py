"""read_gsdb maps a file in the GSDB format (written here; invented rows) to the episodes schema."""

from __future__ import annotations

import pandas as pd
import pytest

import venecon
from venecon.data.gsdb import ENV_VAR, GSDBFileError, read_gsdb
from venecon.exceptions import SchemaError

HEADER = ("case_id,sanctioned_state,sanctioning_state,begin,end,trade,descr_trade,arms,military,"
          "financial,travel,other,target_mult,sender_mult,objective,success\n")
# Invented test rows in the GSDB v3 layout (not GSDB data).
ROWS = [
    '1,Venezuela,United States,2015,2022,1,"exp_part, imp_part",0,0,1,1,0,0,0,democracy,ongoing\n',
    '2,"Syria, Iran",EU,2011,2013,0,,1,0,1,0,0,1,1,human_rights,failed\n',
    '3,"Korea, South",Japan,2019,2020,1,exp_part,0,0,0,0,0,0,0,other,nego_settlement\n',
    '4,Atlantis,UN,1990,1995,0,,1,1,0,0,0,0,1,end_war,success_part\n',
]


def write(tmp_path, rows=ROWS, header=HEADER, name="gsdb_test.csv"):
    path = tmp_path / name
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def test_maps_to_the_episodes_schema(tmp_path):
    out = read_gsdb(write(tmp_path))
    curated = venecon.load("oil_sanction_episodes")
    assert list(out.columns) == list(curated.columns)
    assert out["start"].dtype == curated["start"].dtype == "int64"
    assert out["end"].dtype == curated["end"].dtype == "float64"
    by_id = out.set_index("episode_id")
    ven = by_id.loc["GSDB-1"]
    assert ven["country"] == "VEN" and ven["sender"] == "United States" and ven["start"] == 2015
    assert pd.isna(ven["end"])  # 2022 is the file's last year: open
    assert ven["type"] == "trade (exp_part, imp_part); financial; travel"
    assert ven["citation"] == "GSDB case 1 (gsdb_test.csv)" and ven["verification"] == "GSDB"
    # a multi-target case is split, one row per target
    assert by_id.loc["GSDB-2-SYR", "country"] == "SYR" and by_id.loc["GSDB-2-IRN", "end"] == 2013
    # a name containing a comma stays one target
    assert by_id.loc["GSDB-3", "country"] == "KOR"
    # an unknown name is kept, flagged, and can be mapped by the caller
    assert pd.isna(by_id.loc["GSDB-4", "country"]) and "names=" in by_id.loc["GSDB-4", "remarks"]
    assert read_gsdb(write(tmp_path), names={"Atlantis": "ATL"}).set_index("episode_id").loc[
        "GSDB-4", "country"] == "ATL"


def test_path_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(write(tmp_path)))
    assert len(read_gsdb()) == 5


def test_missing_path_or_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(GSDBFileError, match=ENV_VAR):
        read_gsdb()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_gsdb(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (ROWS, "case_id,target,sender,begin,end\n", "missing columns"),
        (['1,Iran,UN,199x,2000,0,,0,0,0,0,0,0,0,other,failed\n'], HEADER, "must hold integers"),
        (['1,Iran,UN,2000,1999,0,,0,0,0,0,0,0,0,other,failed\n'], HEADER, "ends \\(1999\\) before"),
        ([ROWS[0], ROWS[0]], HEADER, "occurs twice"),
        (['1,Iran,UN,2000,2001,0,,yes,0,0,0,0,0,0,other,failed\n'], HEADER, "must hold 0/1"),
    ],
)
def test_malformed_files_are_refused(tmp_path, rows, header, message):
    with pytest.raises(SchemaError, match=message):
        read_gsdb(write(tmp_path, rows, header))


def test_a_blank_measure_cell_is_not_coded(tmp_path):
    out = read_gsdb(write(tmp_path, ['1,Iran,UN,2000,2001,,,1,,0,0,0,0,0,other,failed\n']))
    assert out.loc[0, "type"] == "arms"
