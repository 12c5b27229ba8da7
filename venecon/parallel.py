"""Repeated-fit work on one machine or a cluster: joblib plumbing, nothing model-specific.

Every repeated-fit procedure in venecon (synthetic-control placebos and
leave-one-out, placebo-in-time,
:func:`venecon.models.synth_grid.specification_grid`) takes
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
          grid = specification_grid(df, ..., n_jobs=-1)  # venecon.models.synth_grid

  (``joblib.parallel_config(backend="dask")`` is the newer spelling.) Inside a
  ``dask`` backend context ``n_jobs=-1`` means "all the cluster's workers".

Results do not depend on the backend or on ``n_jobs``: each task is a pure
function of its inputs (any random V starts are seeded ``rng + position``),
and results are collected in task order.

This module imports no model: the synthetic-control robustness grid and the
simulated factor-model panel live in :mod:`venecon.models.synth_grid`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["parallel_map"]


def parallel_map(
    func: Callable[..., Any], tasks: Iterable[tuple], n_jobs: int | None = 1, **parallel: Any
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
    **parallel
        Extra keyword arguments for :class:`joblib.Parallel` (e.g. ``batch_size``).
    """
    tasks = list(tasks)
    if n_jobs == 1 or len(tasks) < 2:
        return [func(*t) for t in tasks]
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=n_jobs, **parallel)(delayed(func)(*t) for t in tasks))
