"""Issue 23, defect 5: no unbounded work.

A slow-drip server is cut off by a wall-clock deadline on the whole request;
options asking for absurd amounts of work are refused unless raised on
purpose; ``--n-jobs`` is capped at the cores available and 0 is refused.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from venecon.cli import main
from venecon.exceptions import ModelSpecificationError, OptionError, SourceError, VeneconError
from venecon.limits import BOUNDS, raised
from venecon.parallel import available_cores, cap_n_jobs, check_n_jobs, parallel_map
from venecon.sources import eia
from venecon.sources._live import Session
from venecon.sources.cache import Cache
from venecon.sources.http import HttpClient

pytestmark = pytest.mark.timeout(60)


class DripServer:
    """Answers every request on 127.0.0.1 with a valid header, then one body byte every 0.3 s."""

    def __init__(self, interval: float = 0.3, size: int = 200, headers: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.interval, self.size, self.stop = interval, size, threading.Event()
        self.headers = headers  # drip the header lines too
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"X-Pad: {'x' * self.size}\r\nContent-Length: {self.size}\r\n\r\n".encode())
            for k in range(len(head) if self.headers else 1):
                if self.stop.is_set():
                    return
                conn.sendall(head[k:k + 1] if self.headers else head)
                if self.headers:
                    time.sleep(self.interval)
            for _ in range(self.size):
                if self.stop.is_set():
                    break
                conn.sendall(b" ")
                time.sleep(self.interval)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def drip():
    server = DripServer()
    yield server
    server.close()


def test_a_slow_drip_body_is_cut_off_by_the_client_deadline(drip) -> None:
    client = HttpClient(timeout=1, retries=3, backoff=0.01, max_time=2, sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(SourceError, match="past its deadline"):
        client.get(drip.url + "/x", {})
    assert time.monotonic() - started < 4  # before: 200 x 0.3 s per attempt


def test_slow_drip_headers_are_cut_off_too() -> None:
    server = DripServer(headers=True)
    try:
        client = HttpClient(timeout=1, retries=2, max_time=2, sleep=lambda s: None)
        started = time.monotonic()
        with pytest.raises(SourceError, match="past its deadline"):
            client.get(server.url + "/x", {})
        assert time.monotonic() - started < 4
    finally:
        server.close()


def test_a_slow_drip_is_cut_off_by_the_session_deadline(drip, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(eia, "BASE_URL", drip.url + "/v2")
    monkeypatch.setenv("EIA_API_KEY", "k" * 40)
    monkeypatch.delenv("VENECON_OFFLINE", raising=False)
    session = Session(cache=Cache(tmp_path / "cache"), deadline=2,
                      client=HttpClient(timeout=1, retries=3, sleep=lambda s: None))
    started = time.monotonic()
    with pytest.raises(VeneconError, match="past its deadline"):
        eia.crude_production(session=session)
    assert time.monotonic() - started < 4  # before: 21 s and more


def _panel():
    import pandas as pd

    from venecon.models.synth.grid import simulated_panel

    p = simulated_panel(n_donors=5, n_periods=8, treatment_period=6, effect=-1.0, noise=0.1,
                        seed=0, n_covariates=0)
    return pd.DataFrame({"unit": p["unit"], "period": p["period"], "y": p["y"],
                         "d": ((p["unit"] == "treated") & (p["period"] >= 6)).astype(int)})


def _sdid(v):
    from venecon.models import SyntheticDiD

    return SyntheticDiD(_panel(), outcome="y", unit="unit", time="period", treated="d",
                        replications=v)


def _sc(v):
    from venecon.models import SyntheticControl

    return SyntheticControl(_panel(), outcome="y", unit="unit", time="period", treated="treated",
                            treatment_time=6, n_random_starts=v)


def _fixedb(v):
    from venecon.models import FixedB

    return FixedB(n_sim=v)


@pytest.mark.parametrize("build, option", [(_sdid, "replications"), (_sc, "n_random_starts"),
                                           (_fixedb, "n_sim")])
def test_work_beyond_the_documented_bound_is_refused(build, option: str) -> None:
    huge = {"replications": 10**9, "n_random_starts": 10**7, "n_sim": 10**8}[option]
    with pytest.raises(ModelSpecificationError, match=f"{option}=.*beyond the documented bound"):
        build(huge)
    build(BOUNDS[option])  # the bound itself is accepted
    with raised(**{option: huge}):
        build(huge)  # raised on purpose: accepted (nothing runs until fit)
    with pytest.raises(ModelSpecificationError):
        build(huge)  # and only inside the block


def test_nested_v_placebos_beyond_the_bound_are_refused() -> None:
    """Every nested-V placebo repeats the V search: 9,999 of them would run for hours."""
    from venecon.models import SyntheticControl

    model = SyntheticControl(_panel(), outcome="y", unit="unit", time="period",
                             treated="treated", treatment_time=6, v="nested")
    assert BOUNDS["nested_placebos"] == 1_000
    with raised(nested_placebos=4):  # 5 donors: 5 placebo refits, one beyond
        with pytest.raises(ModelSpecificationError,
                           match=r"5 placebo refits.*nested V search.*bound of 4 "
                                 r"\(nested_placebos\).*v='equal'.*raised\(nested_placebos=5\)"):
            model.fit(placebo=True)
        res = model.fit()  # no placebos: no bound
        with pytest.raises(ModelSpecificationError, match="nested_placebos"):
            res.placebo()
        # a fixed V makes each refit one quadratic program: not bounded
        assert model.respecify(v="equal").fit().placebo().n_units == 6
    with raised(nested_placebos=5):
        assert res.placebo().n_units == 6


def test_unknown_bound_names_are_refused() -> None:
    with pytest.raises(ModelSpecificationError, match="unknown option"):
        with raised(n_simulation=5):
            pass


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_n_jobs_zero_or_nonsense_is_a_clear_error(bad) -> None:
    with pytest.raises(OptionError, match="positive number of jobs or -1"):
        check_n_jobs(bad)
    with pytest.raises(OptionError):
        parallel_map(abs, [(1,), (2,)], n_jobs=bad)


@pytest.mark.parametrize("command", [["report"], ["study", "run", "iran-2012"]])
def test_cli_n_jobs_zero_is_a_usage_error(command, capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--out", str(tmp_path / "o"), "--n-jobs", "0"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--n-jobs" in err and "positive integer" in err and "Traceback" not in err


def test_n_jobs_is_capped_at_the_cores(capsys, tmp_path, monkeypatch) -> None:
    cores = available_cores()
    assert cap_n_jobs(64) == (cores, f"n_jobs 64 capped at the {cores} core(s) available") \
        if cores < 64 else cap_n_jobs(64) == (64, None)
    assert cap_n_jobs(-1) == (cores, None) and cap_n_jobs(1) == (1, None)
    import venecon.study.cli as study_cli

    seen = {}

    def fake_run(files, out, *, n_jobs, quiet):
        seen["n_jobs"] = n_jobs
        return tmp_path

    monkeypatch.setattr(study_cli, "run_command", fake_run)
    monkeypatch.setattr("venecon.parallel.available_cores", lambda: 2)
    assert main(["study", "run", "iran-2012", "--n-jobs", "64", "--quiet"]) == 0
    assert seen["n_jobs"] == 2
    assert "--n-jobs 64 capped at the 2 core(s) available" in capsys.readouterr().err
