"""Synthetic-control robustness grid and simulated factor-model panels.

- :func:`specification_grid` fits a :class:`~venecon.models.SyntheticControl`
  for every donor pool x fit window x predictor set, each an independent task
  of :func:`venecon.parallel.parallel_map` (local processes with ``n_jobs``, a
  Dask cluster inside ``joblib.parallel_backend("dask")``; the result does not
  depend on either).
- :func:`simulated_panel` draws a panel from a linear factor model with one
  treated unit (benchmarks, scaling studies, tests).

Both lived in :mod:`venecon.parallel` until it was made generic (no model imports).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...exceptions import ModelSpecificationError
from ...parallel import parallel_map
from .model import SyntheticControl

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["specification_grid", "simulated_panel"]


# --------------------------------------------------------------------------- simulated panel


def simulated_panel(
    n_donors: int = 200,
    n_periods: int = 300,
    *,
    treatment_period: int | None = None,
    n_factors: int = 3,
    n_covariates: int = 2,
    effect: float = -5.0,
    noise: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A long panel from a linear factor model with one treated unit.

    ``y_it = mu_i + lambda_i' f_t + beta' x_it + e_it`` for ``n_donors`` donors and
    a treated unit (``"treated"``) whose intercept, loadings and covariates are
    a convex combination of three donors', so a good synthetic control exists.
    From ``treatment_period`` (default: 80% of the way through) the treated
    unit's outcome is shifted by ``effect``.

    Returns
    -------
    DataFrame
        Columns ``unit``, ``period`` (1..n_periods), ``y`` and ``x1``.. ``xK``.
    """
    import numpy as np
    import pandas as pd

    if n_donors < 3 or n_periods < 4:
        raise ModelSpecificationError("simulated_panel needs at least 3 donors and 4 periods")
    rng = np.random.default_rng(seed)
    t_treat = int(0.8 * n_periods) + 1 if treatment_period is None else int(treatment_period)
    if not 2 <= t_treat <= n_periods:
        # outside 2..n_periods the panel would have no pre- or no post-treatment period
        raise ModelSpecificationError(
            f"treatment_period must be in 2..{n_periods} (the periods), got {treatment_period!r}"
        )
    n = n_donors + 1
    f = np.cumsum(rng.normal(0, 0.3, size=(n_periods, n_factors)), axis=0)
    f += np.sin(np.arange(n_periods)[:, None] * 2 * np.pi / 12 * (1 + np.arange(n_factors)))
    lam = rng.gamma(2.0, 1.0, size=(n, n_factors))
    mu = rng.normal(50, 10, size=n)
    xbar = rng.normal(0, 1, size=(n, n_covariates))
    mix = rng.dirichlet(np.ones(3))
    src = rng.choice(np.arange(1, n), size=3, replace=False)
    lam[0] = mix @ lam[src]
    mu[0] = mix @ mu[src]
    xbar[0] = mix @ xbar[src]
    beta = rng.normal(1, 0.5, size=n_covariates)
    x = xbar[None, :, :] + rng.normal(0, 0.5, size=(n_periods, n, n_covariates))
    y = mu[None, :] + f @ lam.T + x @ beta + rng.normal(0, noise, size=(n_periods, n))
    periods = np.arange(1, n_periods + 1)
    y[periods >= t_treat, 0] += effect
    units = ["treated"] + [f"donor{j:04d}" for j in range(1, n)]
    frame = pd.DataFrame(
        {
            "unit": np.tile(units, n_periods),
            "period": np.repeat(periods, n),
            "y": y.ravel(),
        }
    )
    for c in range(n_covariates):
        frame[f"x{c + 1}"] = x[:, :, c].ravel()
    frame.attrs["treatment_period"] = t_treat
    return frame


# --------------------------------------------------------------------------- specification grid


def _grid_task(
    data: pd.DataFrame,
    common: dict[str, Any],
    pool_name: str,
    donors: Sequence[Any] | None,
    window_name: str,
    window: tuple[Any, Any],
    pred_name: str,
    predictors: Sequence[Any] | None,
    placebo: bool,
) -> dict[str, Any]:
    """Fit one specification (serially: the grid is the parallel layer)."""
    model = SyntheticControl(
        data, donors=donors, predictors=predictors, fit_window=window, **common
    )
    res = model.fit(placebo=placebo, n_jobs=1)
    row: dict[str, Any] = {
        "donor_pool": pool_name,
        "window": window_name,
        "predictors": pred_name,
        "n_donors": len(model.donors),
        "fit_start": model.fit_window[0],
        "fit_end": model.fit_window[-1],
        "average_effect": float(res.params.iloc[0]),
        "pre_rmspe": float(res.rmspe_pre),
        "mspe_fit": float(res.statistics["mspe_fit"]),
        "placebo_p": float(res.placebo_result.pvalue) if placebo else float("nan"),
        "top_donor": str(res.weights.idxmax()),
        "top_weight": float(res.weights.max()),
    }
    return row


def _named(items: Any, what: str) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        return [(str(k), v) for k, v in items.items()]
    out = []
    for j, v in enumerate(items):
        out.append((f"{what}{j}", v))
    return out


def specification_grid(
    data: pd.DataFrame,
    *,
    donor_pools: Mapping[str, Sequence[Any] | None] | Sequence[Sequence[Any] | None],
    windows: Mapping[str, tuple[Any, Any]] | Sequence[tuple[Any, Any]],
    predictor_sets: Mapping[str, Sequence[Any] | None] | Sequence[Sequence[Any] | None],
    placebo: bool = False,
    n_jobs: int | None = 1,
    **model: Any,
) -> pd.DataFrame:
    """Fit a synthetic control for every donor pool x fit window x predictor set.

    A robustness table in one call: each combination is a
    :class:`~venecon.models.SyntheticControl` fit (optionally with its full
    placebo-in-space test), run as an independent joblib task, so the grid
    uses local processes with ``n_jobs`` or a Dask cluster inside
    ``joblib.parallel_backend("dask")`` (see the module docstring). The result
    does not depend on ``n_jobs`` or the backend.

    Parameters
    ----------
    data : DataFrame
        Long panel, as for :class:`~venecon.models.SyntheticControl`.
    donor_pools : dict or sequence
        Donor pools (``None`` = every other unit), named by the dict keys or
        ``pool0, pool1, ...``.
    windows : dict or sequence of (start, end)
        Fit windows (inclusive) of the nested V search.
    predictor_sets : dict or sequence
        Predictor lists in any form :class:`SyntheticControl` accepts
        (``None`` = the outcome in each fit-window period).
    placebo : bool, default False
        Also run each specification's placebo-in-space test and report its p-value
        (every placebo of a specification runs inside that specification's task).
    n_jobs : int or None, default 1
        joblib workers; -1 = all (all cluster workers under the Dask backend).
    **model
        Everything else for :class:`SyntheticControl`: ``outcome``, ``unit``,
        ``time``, ``treated``, ``treatment_time``, ``v``, ``starts``, ``rng``, ...

    Returns
    -------
    DataFrame
        One row per specification (pools vary slowest, predictor sets fastest):
        ``donor_pool``, ``window``, ``predictors``, ``n_donors``, ``fit_start``,
        ``fit_end``, ``average_effect``, ``pre_rmspe``, ``mspe_fit``,
        ``placebo_p`` (NaN unless ``placebo``), ``top_donor``, ``top_weight``.

    Examples
    --------
    >>> grid = specification_grid(
    ...     df, outcome="y", unit="unit", time="period", treated="treated",
    ...     treatment_time=41,
    ...     donor_pools={"all": None, "first 20": donors[:20]},
    ...     windows={"full": (1, 40), "late": (21, 40)},
    ...     predictor_sets={"lags": None, "covariates": ["x1", "x2", ("y", slice(1, 40), "mean")]},
    ...     n_jobs=-1)  # doctest: +SKIP
    """
    import pandas as pd

    for key in ("donors", "predictors", "fit_window"):
        if key in model:
            raise TypeError(f"pass {key!r} through donor_pools / predictor_sets / windows")
    pools = _named(donor_pools, "pool")
    wins = _named(windows, "window")
    preds = _named(predictor_sets, "predictors")
    if not pools or not wins or not preds:
        raise ModelSpecificationError(
            "donor_pools, windows and predictor_sets must each be non-empty"
        )
    tasks = [
        (data, model, pn, pool, wn, win, sn, pset, bool(placebo))
        for (pn, pool), (wn, win), (sn, pset) in itertools.product(pools, wins, preds)
    ]
    rows = parallel_map(_grid_task, tasks, n_jobs)
    return pd.DataFrame(rows)
