"""Repeated-fit work on one machine or a cluster: joblib plumbing, nothing model-specific.

Every repeated-fit procedure in venecon (synthetic-control placebos and
leave-one-out, placebo-in-time,
:func:`venecon.models.synth.grid.specification_grid`) takes
``n_jobs`` and runs its independent fits through :func:`joblib.Parallel`. The
joblib *backend* is not fixed by venecon: whatever backend is active in the
caller's context is used. So the same code runs

- serially (``n_jobs=1``, the default),
- on local processes (``n_jobs=2`` or ``n_jobs=-1``: joblib's ``loky`` backend),
- on a Dask cluster, with the backend choice as the only change::

      from dask.distributed import Client
      import joblib

      client = Client("tcp://scheduler-host:8786")   # or Client(LocalCluster(...))
      with joblib.parallel_backend("dask"):
          res = model.fit(placebo=True, n_jobs=-1)
          grid = specification_grid(df, ..., n_jobs=-1)  # venecon.models.synth.grid

  (``joblib.parallel_config(backend="dask")`` is the newer spelling.) Inside a
  ``dask`` backend context ``n_jobs=-1`` means "all the cluster's workers".

Results do not depend on the backend or on ``n_jobs``: each task is a pure
function of its inputs (any random V starts are seeded ``rng + position``),
and results are collected in task order.

Local worker processes (``loky``, ``multiprocessing``) watch the process that
started them and exit as soon as it is gone, so a killed ``venecon report``
leaves no workers computing. :func:`check_n_jobs` refuses ``n_jobs=0`` and
non-integers with a clear error; :func:`cap_n_jobs` limits a request to the
cores this process may use (the command line caps ``--n-jobs`` with a note).

This module imports no model: the synthetic-control robustness grid and the
simulated factor-model panel live in :mod:`venecon.models.synth.grid`.
"""

from __future__ import annotations

import numbers
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from .exceptions import OptionError

__all__ = ["available_cores", "cap_n_jobs", "check_n_jobs", "parallel_map"]

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


def parallel_map(
    func: Callable[..., Any],
    tasks: Iterable[tuple],
    n_jobs: int | None = 1,
    *,
    desc: str | None = None,
    **parallel: Any,
) -> list[Any]:
    """``[func(*task) for task in tasks]``, through joblib when ``n_jobs != 1``.

    The active joblib backend is used (``loky`` processes by default; Dask inside
    ``joblib.parallel_backend("dask")``), so choosing the engine never needs a
    change to venecon calls. Results come back in task order.

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
        shown on a terminal unless silenced); None shows none.
    **parallel
        Extra keyword arguments for :class:`joblib.Parallel` (e.g. ``batch_size``).
    """
    from .progress import progress

    n_jobs = check_n_jobs(n_jobs)
    tasks = list(tasks)
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

        backend, _ = get_active_backend()
        if type(backend).__name__ in _LOCAL_PROCESS_BACKENDS:
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
