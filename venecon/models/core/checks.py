"""Checks of a model's options and fitted arrays: counts, alpha, rank, residuals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...exceptions import (
    InsufficientDataError,
    ModelSpecificationError,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "check_count",
    "check_partial",
    "check_alpha",
    "check_outcome_unit",
    "require",
    "check_rank",
    "check_residuals",
    "hac_lags",
]


def check_count(value: Any, name: str, minimum: int) -> int:
    """An int option (``n_simulations``, ``seed``, ...) of at least ``minimum``, else a clear error.

    Floats, text and booleans are refused rather than truncated, so ``seed=2.7``
    or ``seed="5"`` cannot silently become another seed.
    """
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ModelSpecificationError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)



def check_partial(partial: Any) -> str:
    """``partial`` if it is one of ``"start"``, ``"next"``, ``"fraction"``, else a clear error."""
    allowed = ("start", "next", "fraction")
    if partial not in allowed:
        raise ModelSpecificationError(
            f"partial must be one of {', '.join(map(repr, allowed))}, got {partial!r}: it says "
            "how an event dated inside a period is placed (see venecon.policy.regressors)"
        )
    return partial



def hac_lags(rule: int | str, nobs: int) -> int:
    """Newey-West lag length.

    ``"nw"`` applies the Newey and West (1994) rule of thumb
    ``floor(4 * (nobs / 100) ** (2 / 9))``; an integer is used as given.
    """
    if isinstance(rule, str):
        if rule.lower() != "nw":
            raise ModelSpecificationError(
                f"hac_lags must be 'nw' or a non-negative int, got {rule!r}")
        return int(4 * (nobs / 100.0) ** (2.0 / 9.0))
    if isinstance(rule, bool) or not isinstance(rule, int) or rule < 0:
        raise ModelSpecificationError(f"hac_lags must be 'nw' or a non-negative int, got {rule!r}")
    return int(rule)



def check_alpha(alpha: Any, what: str = "alpha") -> float:
    """``alpha`` as a float in (0, 1), else :class:`ModelSpecificationError`.

    Outside (0, 1) the critical values or quantiles of an interval swap sides
    or become NaN, so every interval level is checked here.
    """
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(alpha, bool) or not 0 < value < 1:
        raise ModelSpecificationError(f"{what} must be in (0, 1), got {alpha!r}")
    return value



def check_outcome_unit(value: Any) -> str | None:
    """``outcome_unit`` as given when it is a string or None, else :class:`ModelSpecificationError`.

    The unit is matched against the flow units (``"kb/d"``) that turn effects
    into barrels, so a non-string would fail only later and less clearly.
    """
    if value is not None and not isinstance(value, str):
        raise ModelSpecificationError(
            f"outcome_unit must be a string such as 'kb/d' (the outcome's unit of measure), "
            f"got {type(value).__name__} {value!r} (a panel's unit column is unit=)")
    return value


def require(n: int, need: int, what: str) -> None:
    """Raise :class:`InsufficientDataError` when ``n < need``."""
    if n < need:
        raise InsufficientDataError(f"{what}: {n} observation(s), at least {need} required")



def check_rank(x: np.ndarray, names: Sequence[str], model: str) -> None:
    """Raise when the design matrix lacks full column rank, naming a culprit column."""
    import numpy as np

    rank = np.linalg.matrix_rank(x)
    if rank == x.shape[1]:
        return
    culprits = []
    for j in range(x.shape[1]):
        others = np.delete(x, j, axis=1)
        if np.linalg.matrix_rank(others) == rank:
            culprits.append(names[j])
    raise ModelSpecificationError(
        f"{model}: the regressors are collinear (rank {rank} < {x.shape[1]} columns); "
        f"columns involved: {', '.join(culprits) or 'unknown'}. Events too close together "
        "or to the sample's ends, a constant control, or seasonal dummies with too few "
        "months can cause this"
    )



def check_residuals(resid: np.ndarray, y: np.ndarray, model: str) -> None:
    """Warn when a fit is exact up to rounding: its standard errors are then rounding noise.

    Exact means a residual root mean square below ``1e-10`` of the outcome's
    largest absolute value (real data never come that close; a constructed
    series, e.g. a straight line, does). A warning rather than an error: the
    point estimates are right, and a constructed series is a legitimate test
    input. A constant outcome is an error earlier (:func:`check_variation`).
    """
    import numpy as np

    resid = np.asarray(resid, dtype="float64")
    scale = max(float(np.max(np.abs(y))) if len(y) else 0.0, 1e-300)
    rms = float(np.sqrt(np.mean(resid**2))) if len(resid) else 0.0
    if rms <= 1e-10 * scale:
        warnings.warn(
            f"{model}: the regressors fit the outcome exactly (residual root mean square "
            f"{rms:.3g} against values up to {scale:.3g}); the standard errors, intervals and "
            "p-values are rounding noise. Check that the outcome is observed data, not a "
            "constructed or interpolated series",
            UserWarning,
            stacklevel=3,
        )

