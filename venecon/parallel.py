"""Repeated-fit work on one machine or a cluster: the executor, nothing model-specific.

Every repeated-fit procedure in venecon (synthetic-control placebos and
leave-one-out, placebo-in-time, a study's robustness grid, a specification curve,
:func:`venecon.models.synth.grid.specification_grid`) hands its independent
fits to :func:`parallel_map`; synthetic DiD's placebo, bootstrap and jackknife
hand it fixed blocks of replications (``venecon.models.synth.sdid_blocks``).
Where they run is chosen by one option, a :class:`Compute` (``scheduler``,
``address``, ``n_jobs``), made active with :func:`compute` or given to
:meth:`venecon.study.Study.run`:

- ``"serial"``: in this process, one after the other;
- ``"loky"``: ``n_jobs`` local worker processes through joblib (``n_jobs=-1``:
  every core); without a :class:`Compute` the active joblib backend is used,
  so ``joblib.parallel_config(backend=...)`` still works;
- ``"dask"``: the workers of a Dask distributed cluster, the scheduler at
  ``address`` (``"tcp://host:8786"``), the current ``distributed.Client`` when
  no address is given, or else a ``LocalCluster`` of ``n_jobs`` single-threaded
  worker processes started for the duration of the :func:`compute` block::

      from venecon.parallel import compute

      with compute("dask", address="tcp://scheduler-host:8786"):
          res = study.run()             # placebos and the grid run on the cluster

  Needs the ``dask`` extra (``pip install "venecon[dask]"``).

Results do not depend on the scheduler or on ``n_jobs``: each task is a pure
function of its inputs, random draws come from per-task seeds
(:func:`task_seeds`, :class:`numpy.random.SeedSequence` spawned children) or
are made before the tasks are handed out, and results are collected in task
order. Inside a task every nested :func:`parallel_map` runs serially.

Local worker processes (``loky``, ``multiprocessing``) watch the process that
started them and exit as soon as it is gone, so a killed ``venecon report``
leaves no workers computing. :func:`check_n_jobs` refuses ``n_jobs=0`` and
non-integers with a clear error; :func:`cap_n_jobs` limits a request to the
cores this process may use and :func:`capped_jobs` does so with a note on
standard error (``--n-jobs`` and the report's ``synth.n_jobs``).

This module imports no model: the synthetic-control robustness grid and the
simulated factor-model panel live in :mod:`venecon.models.synth.grid`.
"""

from __future__ import annotations

import contextlib
import contextvars
import numbers
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .exceptions import OptionError

__all__ = [
    "SCHEDULERS",
    "Compute",
    "available_cores",
    "cap_n_jobs",
    "capped_jobs",
    "active_compute",
    "check_n_jobs",
    "compute",
    "parallel_map",
    "task_seeds",
]

#: Where repeated fits can run (see the module docstring).
SCHEDULERS = ("serial", "loky", "dask")
#: joblib backends that run tasks in child processes of this one.
_LOCAL_PROCESS_BACKENDS = ("LokyBackend", "MultiprocessingBackend")
_watching: list[int] = []  # the parent pid a worker watches (set once per worker process)


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_n_jobs(n_jobs: Any, what: str = "n_jobs") -> int | None:
    """``n_jobs`` if it is None, -1 or an int >= 1; else an :class:`OptionError` saying so."""
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0 \
            or n_jobs < -1:
        raise OptionError(f"{what} must be a positive number of jobs or -1 (every core), got "
                          f"{n_jobs!r}")
    return int(n_jobs)


def cap_n_jobs(n_jobs: int, what: str = "n_jobs") -> tuple[int, str | None]:
    """``(jobs, note)``: ``n_jobs`` (checked) limited to :func:`available_cores`.

    ``note`` says what was capped (None when nothing was): more local worker
    processes than cores only add memory and start-up time.
    """
    n = check_n_jobs(n_jobs, what)
    cores = available_cores()
    if n is None or n == -1 or n <= cores:
        return (cores if n == -1 else (n or 1)), None
    return cores, f"{what} {n} capped at the {cores} core(s) available"


def capped_jobs(n_jobs: int, what: str = "n_jobs") -> int:
    """:func:`cap_n_jobs`, its note (if any) printed on standard error (``venecon: note: ...``)."""
    n, note = cap_n_jobs(n_jobs, what)
    if note:
        print(f"venecon: note: {note}", file=sys.stderr)
    return n


def task_seeds(seed: int | None, n: int) -> list[int | None]:
    """``n`` independent integer seeds, one per task, from ``SeedSequence(seed).spawn(n)``.

    Task ``i`` gets the same seed whatever the scheduler, the number of workers
    or the order tasks finish in, and the streams of two tasks do not overlap
    (unlike ``seed + i``, which gives task ``i`` of seed 0 the stream of task
    ``i - 1`` of seed 1). ``seed=None`` gives ``None`` for every task (an
    unseeded fit stays unseeded).
    """
    import numpy as np

    if seed is None:
        return [None] * n
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
            for c in np.random.SeedSequence(seed).spawn(n)]


@dataclass(frozen=True)
class Compute:
    """Where repeated fits run: ``scheduler`` (one of :data:`SCHEDULERS`), ``address``, ``n_jobs``.

    ``scheduler=None`` means ``"serial"`` for ``n_jobs=1``, ``"loky"`` otherwise,
    and ``"dask"`` when an ``address`` is given. ``n_jobs`` is the number of
    local processes (``loky``) or of the workers of a ``LocalCluster`` started
    for ``"dask"`` without an address; a remote cluster uses all its workers.
    """

    scheduler: str | None = None
    address: str | None = None
    n_jobs: int = 1
    key: str = field(default="compute", compare=False, repr=False)

    def _name(self, part: str) -> str:
        """How the message names an option: ``study.compute.n_jobs``, or ``--n-jobs`` (key "--")."""
        return f"--{part.replace('_', '-')}" if self.key == "--" else f"{self.key}.{part}"

    def __post_init__(self) -> None:
        check_n_jobs(self.n_jobs, self._name("n_jobs"))
        if self.n_jobs is None:
            object.__setattr__(self, "n_jobs", 1)
        if self.address is not None and (not isinstance(self.address, str)
                                         or not self.address.strip()):
            raise OptionError(f"{self._name('address')} must be a scheduler address such as "
                              f"'tcp://127.0.0.1:8786', got {self.address!r}")
        s = self.scheduler
        if s is None:
            s = "dask" if self.address else ("serial" if self.n_jobs == 1 else "loky")
        if s not in SCHEDULERS:
            raise OptionError(f"{self._name('scheduler')} must be one of {', '.join(SCHEDULERS)}, "
                              f"got {self.scheduler!r}")
        if self.address is not None and s != "dask":
            raise OptionError(f"{self._name('address')} is a Dask scheduler's address: use it "
                              f"with scheduler 'dask', not {s!r}")
        object.__setattr__(self, "scheduler", s)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], key: str = "compute") -> Compute:
        """From a TOML table such as ``[study.compute]``; unknown keys are refused by name."""
        if not isinstance(table, Mapping):
            raise OptionError(f"{key} must be a table (scheduler, address, n_jobs), got {table!r}")
        unknown = sorted(set(table) - {"scheduler", "address", "n_jobs"})
        if unknown:
            raise OptionError(f"{key}.{unknown[0]} is not a key of {key}: use scheduler, "
                              "address or n_jobs")
        return cls(table.get("scheduler"), table.get("address"), table.get("n_jobs", 1), key=key)


def active_compute() -> Compute | None:
    """The :class:`Compute` of the innermost :func:`compute` block, or None outside one."""
    session = _ACTIVE.get()
    return None if session is None else session.spec


class _Session:
    """An active :class:`Compute` and the Dask client it opened (closed on exit)."""

    def __init__(self, spec: Compute) -> None:
        self.spec = spec
        self.jobs = (capped_jobs(spec.n_jobs, spec._name("n_jobs")) if spec.scheduler == "loky"
                     else spec.n_jobs)
        self._client: Any = None
        self._owned: list[Any] = []

    def client(self) -> Any:
        if self._client is None:
            self._client = _dask_client(self.spec, self._owned)
        return self._client

    def close(self) -> None:
        while self._owned:
            with contextlib.suppress(Exception):
                self._owned.pop().close()


_ACTIVE: contextvars.ContextVar[_Session | None] = contextvars.ContextVar(
    "venecon_compute", default=None)


@contextlib.contextmanager
def compute(
    scheduler: str | Compute | None = None, *, address: str | None = None, n_jobs: int = 1
) -> Iterator[Compute]:
    """Run every :func:`parallel_map` inside the block on ``scheduler`` (see :class:`Compute`).

    A Dask client or ``LocalCluster`` this opens is closed when the block ends;
    one the caller opened (the current ``distributed.Client``) is left alone.

    Raises
    ------
    OptionError
        An unknown scheduler, an address without ``"dask"``, a bad ``n_jobs``, or
        ``"dask"`` without the ``dask`` extra installed.
    """
    spec = scheduler if isinstance(scheduler, Compute) else Compute(scheduler, address, n_jobs)
    if spec.scheduler == "dask":
        _require_dask()
    session = _Session(spec)
    token = _ACTIVE.set(session)
    try:
        yield spec
    finally:
        _ACTIVE.reset(token)
        session.close()


def _require_dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise OptionError(
            "scheduler 'dask' needs Dask distributed, an optional extra: "
            "pip install 'venecon[dask]'"
        ) from None
    return distributed


def _dask_client(spec: Compute, owned: list[Any]) -> Any:
    """The client of ``spec.address``, else the current client, else a new ``LocalCluster``'s."""
    distributed = _require_dask()
    if spec.address is not None:
        try:
            client = distributed.Client(spec.address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise OptionError(
                f"no Dask scheduler answers at {spec.address} ({exc}); start one "
                "(`dask scheduler`, then `dask worker ADDRESS` on each machine) or fix the address"
            ) from None
        owned.append(client)
        return client
    with contextlib.suppress(ValueError):
        return distributed.get_client()
    n = capped_jobs(spec.n_jobs, spec._name("n_jobs"))
    cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    owned.append(cluster)
    client = distributed.Client(cluster, set_as_default=False)
    owned.append(client)
    return client


def _in_dask_worker() -> bool:
    if "distributed" not in sys.modules:
        return False
    try:
        sys.modules["distributed"].get_worker()
    except (ValueError, AttributeError):
        return False
    return True


def _watch_parent(parent: int) -> None:
    """In a worker: exit at once when ``parent`` (the process that started the work) is gone."""
    import time

    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


class _Watched:
    """``func`` run in a local worker that first starts a watch on its parent (once per worker)."""

    def __init__(self, func: Callable[..., Any], parent: int) -> None:
        self.func, self.parent = func, parent

    def __call__(self, *args: Any) -> Any:
        if os.getpid() != self.parent and not _watching and os.getppid() == self.parent:
            _watching.append(self.parent)
            threading.Thread(target=_watch_parent, args=(self.parent,), daemon=True,
                             name="venecon-parent-watch").start()
        return self.func(*args)


class _Chunk:
    """``[func(*t) for t in tasks]``: one Dask task runs several of ours (less scheduling)."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __call__(self, tasks: list[tuple], *shared: Any) -> list[Any]:
        out = []
        for t in tasks:
            args = list(t)
            for pos, value in zip(shared[::2], shared[1::2], strict=True):
                args[pos] = value
            out.append(self.func(*args))
        return out


_SCALARS = (str, bytes, numbers.Number, type(None))


def _dask_map(client: Any, func: Callable[..., Any], tasks: list[tuple]) -> list[Any]:
    """``[func(*t) for t in tasks]`` on ``client``'s workers, in task order.

    An argument that is the same object in every task (a fitted engine, a
    panel) is sent to the cluster once, not once per task; tasks are grouped
    into about eight chunks per worker.
    """
    import math

    shared: list[Any] = []
    if len({len(t) for t in tasks}) == 1:
        for pos, first in enumerate(tasks[0]):
            if not isinstance(first, _SCALARS) and all(t[pos] is first for t in tasks):
                shared += [pos, client.scatter(first, broadcast=True, hash=False)]
    positions = set(shared[::2])
    slim = [tuple(None if i in positions else a for i, a in enumerate(t)) for t in tasks]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    size = max(1, math.ceil(len(tasks) / (8 * workers)))
    chunks = [slim[i:i + size] for i in range(0, len(slim), size)]
    runner = _Chunk(func)
    futures = [client.submit(runner, c, *shared, pure=False) for c in chunks]
    try:
        return [r for part in client.gather(futures) for r in part]
    finally:
        client.cancel(futures + shared[1::2])


def parallel_map(
    func: Callable[..., Any],
    tasks: Iterable[tuple],
    n_jobs: int | None = 1,
    *,
    desc: str | None = None,
    **parallel: Any,
) -> list[Any]:
    """``[func(*task) for task in tasks]`` on the active scheduler; results in task order.

    Inside a :func:`compute` block its :class:`Compute` decides where the tasks
    run (``n_jobs`` here is then ignored). Outside one, ``n_jobs=1`` runs them in
    this process and any other ``n_jobs`` through joblib's active backend
    (``loky`` processes by default). Inside a task (a loky or Dask worker)
    everything runs serially.

    Parameters
    ----------
    func : callable
        A picklable (module-level) function.
    tasks : iterable of tuples
        Positional arguments of each call.
    n_jobs : int or None, default 1
        1 runs in this process without joblib; -1 uses every worker of the backend;
        None defers to the active joblib configuration.
    desc : str, optional
        Label of a progress bar over the tasks (:func:`venecon.progress.progress`:
        shown on a terminal unless silenced); None shows none. A Dask run shows none.
    **parallel
        Extra keyword arguments for :class:`joblib.Parallel` (e.g. ``batch_size``).
    """
    from .progress import progress

    n_jobs = check_n_jobs(n_jobs)
    tasks = list(tasks)
    session = _ACTIVE.get()
    backend: str | None = None
    if session is not None:
        scheduler = session.spec.scheduler
        if scheduler == "dask" and len(tasks) >= 2 and not _in_dask_worker():
            return _dask_map(session.client(), func, tasks)
        n_jobs = session.jobs if scheduler == "loky" else 1
        backend = "loky"
    with progress(total=len(tasks), desc=desc, unit="fit", leave=False,
                  enabled=None if desc else False) as bar:
        if n_jobs == 1 or len(tasks) < 2:
            out = []
            for t in tasks:
                out.append(func(*t))
                bar.update()
            return out
        from joblib import Parallel, delayed
        from joblib.parallel import get_active_backend

        if backend is None:
            backend = type(get_active_backend()[0]).__name__
        else:
            parallel.setdefault("backend", backend)
        if backend in ("loky", *_LOCAL_PROCESS_BACKENDS):
            func = _Watched(func, os.getpid())
        if not bar.active:
            return list(Parallel(n_jobs=n_jobs, **parallel)(delayed(func)(*t) for t in tasks))
        # results stream back in task order as they finish, so the bar moves with them
        out = []
        for r in Parallel(n_jobs=n_jobs, return_as="generator", **parallel)(
            delayed(func)(*t) for t in tasks
        ):
            out.append(r)
            bar.update()
        return out
