"""Issue 23, defect 1 (and the output parts of 6 and 7): venecon replaces only what it wrote.

An ``--out`` is replaced only when it is empty or holds exactly the files of an
earlier venecon run (its manifest, with sha256); the user's own files are never
deleted, a symlinked ``--out`` stays a symlink, stale staging directories of a
killed run are cleaned by the next, and a full disk is a clear error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import venecon.report.render as render_module
import venecon.study.output as study_output
from venecon.cli import main
from venecon.exceptions import ConfigError, OutputError, VeneconError
from venecon.report.output import MANIFEST, clean_stale, staged_output

FAST = '[report]\nsections = ["data"]\nstudies = []\n'


def _write(out: Path, files: dict[str, str]) -> None:
    with staged_output(out) as stage:
        for name, text in files.items():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            (stage / name).write_text(text)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("entry", ["figures", "tables"])
def test_user_files_in_report_named_directories_are_kept(tmp_path: Path, entry: str,
                                                         capsys) -> None:
    """``paper/figures/fig1_final.pdf`` survives ``venecon study run ... --out paper``."""
    paper = tmp_path / "paper"
    (paper / "figures").mkdir(parents=True)
    (paper / "tables").mkdir()
    (paper / entry / "fig1_final.pdf").write_text("keep")
    assert main(["study", "run", "iran-2012", "--out", str(paper), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and f"{entry}/fig1_final.pdf" in err
    assert (paper / entry / "fig1_final.pdf").read_text() == "keep"


@pytest.mark.parametrize("name", ["report.md", "report.html", "results.json"])
def test_user_report_file_without_a_manifest_is_kept(tmp_path: Path, name: str) -> None:
    out = tmp_path / "paper"
    out.mkdir()
    (out / name).write_text("my own draft")
    with pytest.raises(ConfigError, match="other than a venecon report") as info:
        render_module.build_report(out, {"report": {"sections": ["data"], "studies": []}},
                                   quiet=True)
    assert info.value.key == "--out"
    assert (out / name).read_text() == "my own draft"


def test_rerun_replaces_only_an_unchanged_venecon_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, {"report.md": "one", "figures/a.png": "A"})
    manifest = json.loads((out / MANIFEST).read_text())
    assert sorted(manifest["files"]) == ["figures/a.png", "report.md"]
    _write(out, {"report.md": "two"})
    assert _tree(out).keys() == {"report.md", MANIFEST}
    assert (out / "report.md").read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_file_added_to_a_venecon_output_is_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, {"report.md": "one", "figures/a.png": "A"})
    (out / "figures" / "fig1_final.pdf").write_text("keep")
    with pytest.raises(ConfigError, match="fig1_final.pdf"):
        _write(out, {"report.md": "two"})
    assert (out / "figures" / "fig1_final.pdf").read_text() == "keep"
    assert (out / "report.md").read_text() == "one"


def test_an_edited_output_file_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, {"report.md": "one"})
    (out / "report.md").write_text("one, with my corrections")
    with pytest.raises(ConfigError, match="changed since venecon wrote it"):
        _write(out, {"report.md": "two"})
    assert (out / "report.md").read_text() == "one, with my corrections"


def test_files_appearing_during_the_run_stop_the_swap(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, {"report.md": "one"})
    with pytest.raises(ConfigError, match="late.txt"):
        with staged_output(out) as stage:
            (stage / "report.md").write_text("two")
            (out / "late.txt").write_text("written while venecon ran")
    assert _tree(out).keys() == {"report.md", MANIFEST, "late.txt"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_symlinked_out_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    link = tmp_path / "link"
    _write(real, {"report.md": "one"})
    link.symlink_to(real, target_is_directory=True)
    _write(link, {"report.md": "two"})
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "report.md").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_full_disk_is_an_output_error_and_changes_nothing(tmp_path: Path, capsys,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _write(out, {"report.md": "one"})
    before = _tree(out)
    with pytest.raises(OutputError, match="No space left") as info:
        with staged_output(out):
            raise OSError(28, "No space left on device")
    assert isinstance(info.value, VeneconError)
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(study_output, "run_studies", lambda *_a, **_k: [])
    monkeypatch.setattr(study_output, "write_results", full)
    assert main(["study", "run", "iran-2012", "--out", str(out), "--quiet"]) == 2
    assert "No space left" in capsys.readouterr().err
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_staging_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    import socket

    out = tmp_path / "out"
    owner = json.dumps({"pid": _dead_pid(), "host": socket.gethostname()})
    stale = tmp_path / ".out.venecon-report-abc123"
    stale.mkdir()
    (stale / ".venecon-staging").write_text(owner)
    (stale / "report.md").write_text("half")
    alive = tmp_path / ".out.venecon-report-live"
    alive.mkdir()
    (alive / ".venecon-staging").write_text(json.dumps({"pid": os.getpid(),
                                                        "host": socket.gethostname()}))
    foreign = tmp_path / ".out.venecon-report-notours"  # no owner file: not venecon's to remove
    foreign.mkdir()
    _write(out, {"report.md": "one"})
    assert not stale.exists()
    assert alive.exists() and foreign.exists()


def test_a_report_caught_between_the_renames_is_put_back(tmp_path: Path) -> None:
    import socket

    out = tmp_path / "out"
    _write(out, {"report.md": "one"})
    old = tmp_path / ".out.venecon-old-xyz"
    old.mkdir()
    (old / ".venecon-staging").write_text(json.dumps({"pid": _dead_pid(),
                                                      "host": socket.gethostname()}))
    os.replace(out, old / "report")  # killed after moving the earlier report aside
    assert clean_stale(out) == [old]
    assert (out / "report.md").read_text() == "one" and not old.exists()


def test_concurrent_writers_end_with_a_whole_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            with staged_output(out) as stage:
                for k in range(20):
                    (stage / f"f{k}.txt").write_text(f"{i}")
                barrier.wait()
        except BaseException as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tree = _tree(out)
    values = {v for k, v in tree.items() if k != MANIFEST}
    assert len(tree) == 21 and len(values) == 1  # one writer's output, whole
    assert all(isinstance(e, ConfigError) for e in errors), errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _signal_during(monkeypatch, name: str, signum: int) -> None:
    """Make ``venecon.report.output.<name>`` receive ``signum`` as its first act."""
    import signal

    import venecon.report.output as output

    original = getattr(output, name)

    def interrupted(*args, **kwargs):
        signal.raise_signal(signum)
        return original(*args, **kwargs)

    monkeypatch.setattr(output, name, interrupted)


def test_a_signal_while_the_staging_directory_is_made_leaves_nothing(tmp_path: Path,
                                                                     monkeypatch) -> None:
    # CI once saw Ctrl-C/SIGTERM land between mkdtemp and the clean-up's try, and the
    # staging directory stayed; the signal is now held until the directory is owned
    import signal

    _signal_during(monkeypatch, "_mark_owner", signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        _write(tmp_path / "out", {"report.md": "new\n"})
    assert list(tmp_path.iterdir()) == []


def test_a_signal_during_the_swap_leaves_a_whole_output(tmp_path: Path, monkeypatch) -> None:
    import signal

    class Stop(Exception):
        pass

    def stop(_n, _frame):
        raise Stop

    out = tmp_path / "out"
    _write(out, {"report.md": "old\n"})
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        _signal_during(monkeypatch, "_swap", signal.SIGTERM)
        with pytest.raises(Stop) as stopped:
            _write(out, {"report.md": "new\n"})
        assert stopped.value.__notes__ == ["the new output was already complete at --out"]
        assert signal.getsignal(signal.SIGTERM) is stop
    finally:
        signal.signal(signal.SIGTERM, previous)
    # the signal took effect after the renames: the new output is there, whole, and alone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "report.md").read_text() == "new\n"
    assert json.loads((out / MANIFEST).read_text())["files"].keys() == {"report.md"}
