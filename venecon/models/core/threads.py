"""Limit BLAS threads around small-matrix numerics.

venecon's time-series fits multiply matrices of a few hundred rows: too small
for a second BLAS thread to help, and on a busy machine the threads contend
for cores. One InterventionARIMA fit took 3.3 s with one OpenBLAS thread and
20.9 s with two on a loaded 2-core machine. The models therefore
fit inside :func:`limit_blas_threads`; a caller running many models (the
report) can wrap its whole run in it as well. Limiting threads changes
nothing but speed: the same BLAS routines run on the same data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["limit_blas_threads"]


_CONTROLLER: list = []  # one threadpoolctl controller, created at first use


def _controller() -> object:
    """A cached ``ThreadpoolController``: scanning the loaded libraries costs ~25 ms a time.

    Created at the first fit, after numpy, scipy and statsmodels have loaded
    their BLAS libraries, so it sees all of them.
    """
    from threadpoolctl import ThreadpoolController

    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


@contextlib.contextmanager
def limit_blas_threads(limit: int = 1) -> Iterator[None]:
    """Run the ``with`` block with at most ``limit`` BLAS threads (threadpoolctl).

    Parameters
    ----------
    limit : int, default 1
        Maximum BLAS threads inside the block; the previous setting is restored on exit.

    Examples
    --------
    >>> from venecon.models import limit_blas_threads
    >>> with limit_blas_threads():
    ...     pass
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        from ...exceptions import ModelSpecificationError

        raise ModelSpecificationError(f"limit must be an int >= 1, got {limit!r}")
    with _controller().limit(limits=limit, user_api="blas"):
        yield
