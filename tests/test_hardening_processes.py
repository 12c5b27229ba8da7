"""Issue 23, defect 6: processes.

Local workers exit when the process that started them is killed; SIGTERM
unwinds like Ctrl-C (the staging directory is removed, ``--out`` untouched);
both print one line, not a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.timeout(180)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    script = tmp_path / "busy.py"
    pids = tmp_path / "pids"
    pids.mkdir()
    script.write_text(textwrap.dedent(f"""
        import os, time
        from venecon.parallel import parallel_map

        def work(i):
            open(os.path.join({str(pids)!r}, str(os.getpid())), "w").close()
            end = time.time() + 300
            while time.time() < end:
                pass
            return i

        if __name__ == "__main__":
            parallel_map(work, [(i,) for i in range(4)], n_jobs=2)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: len(list(pids.iterdir())) >= 2, 90), "workers never started"
        workers = [int(p.name) for p in pids.iterdir()]
        assert all(_alive(w) for w in workers)
        proc.kill()  # kill -9: no clean-up runs in the parent
        proc.wait()
        assert _wait_for(lambda: not any(_alive(w) for w in workers), 10), workers
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in pids.iterdir():
            if _alive(int(p.name)):
                os.kill(int(p.name), signal.SIGKILL)


@pytest.mark.parametrize("sig, rc, word", [(signal.SIGTERM, 143, "terminated"),
                                           (signal.SIGINT, 130, "interrupted")])
def test_a_signal_cleans_up_and_prints_one_line(tmp_path: Path, sig, rc: int, word: str) -> None:
    config = tmp_path / "fast.toml"
    config.write_text('[report]\nsections = ["data"]\nstudies = []\n')
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "venecon", "report", "--out", str(out),
                             "--config", str(config), "--quiet"], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        staged = lambda: [p for p in tmp_path.iterdir() if "venecon-report" in p.name]  # noqa
        assert _wait_for(lambda: bool(staged()), 120), "no staging directory appeared"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    # 128 + n (what main returns) or death by the signal itself: a shell shows 128 + n for both;
    # the latter was seen once on a loaded machine (after the one line was printed)
    assert proc.returncode in (rc, -sig), err
    assert "Traceback" not in err and word in err
    assert len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fast.toml"]
