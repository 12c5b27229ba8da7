"""Synthetic-DiD replications in fixed blocks, run on the active scheduler.

The placebo, bootstrap and jackknife replications of
:class:`venecon.models.SyntheticDiD` are solved many at a time (the Frank-Wolfe
iterations of a batch share their work), so the unit of parallel work is a
block of replications rather than one. The draws (permutations, bootstrap
samples, left-out units) are made first, in this process, from the model's
seeded generator; they are then cut into consecutive blocks whose layout
depends only on the number of replications and the width of the problem
(never on the scheduler or the number of workers), each block is solved by one
task of :func:`venecon.parallel.parallel_map`, and the results are joined in
block order. So a standard error is the same to the last bit whether the
blocks run serially, in loky processes or on a Dask cluster.

A block costs a fixed overhead per Frank-Wolfe iteration (a few dozen array
operations) and the slowest problem of a block sets its number of iterations
(up to R ``synthdid``'s 10,000), so blocks of narrow problems are large: a
block holds at least :data:`BLOCK_WORK` replication-controls and at least
:data:`MIN_BLOCK` replications. Prop 99's 200 placebos (38 controls) are one
block; 200 placebos on 1,000 controls two; on 5,000 controls four.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...parallel import parallel_map

__all__ = ["BLOCK_WORK", "MIN_BLOCK", "block_slices", "in_blocks"]

#: Replications times controls (the width of each replication's weight problem) per block.
BLOCK_WORK = 100_000
#: Fewest replications per block (with more than that in all).
MIN_BLOCK = 50


def block_slices(n: int, width: int = 1) -> list[slice]:
    """Consecutive slices of ``range(n)`` of near-equal length (differing by at most one),
    each at least ``max(MIN_BLOCK, BLOCK_WORK / width)`` long (one slice when ``n`` is less).

    With ``n >= 2`` no block holds a single replication (the solver has a separate
    one-problem path, whose rounding differs from the batched one).
    """
    size = max(MIN_BLOCK, -(-BLOCK_WORK // max(1, width)))
    count = max(1, n // size)
    edges = [i * n // count for i in range(count + 1)]
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def in_blocks(
    func: Callable[..., Any], draws: Sequence[Any], width: int, *shared: Any
) -> list[Any]:
    """``[func(draws[s], *shared) for s in block_slices(len(draws), width)]`` through
    :func:`~venecon.parallel.parallel_map`, in block order.

    ``func`` is a module-level function and ``width`` the number of controls of each
    replication's problem; ``shared`` (the panel, the problem, the fitted weights) is the
    same object in every task, so a Dask run sends it to the cluster once.
    """
    return parallel_map(func, [(draws[s], *shared) for s in block_slices(len(draws), width)])
