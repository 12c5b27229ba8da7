"""Options shared by the panel estimators (:class:`~venecon.models.PanelDiD`,
:class:`~venecon.models.PanelEventStudy`, :class:`~venecon.models.SunAbraham`).

>>> from venecon.models.did.options import PanelOptions
>>> opts = PanelOptions(unit="iso3", time="year", cov_type="kernel", bandwidth=2)
>>> opts.fit_keywords(nperiods=30, model="PanelDiD")["bandwidth"]
2.0

Each estimator takes ``options=PanelOptions(...)``; its keywords of the same
names (``unit=``, ``cov_type=``, ...) still work and override the object's
fields.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from ...exceptions import ModelSpecificationError
from ..core.vocabulary import renamed_arguments, warn_renamed

__all__ = ["PanelOptions", "COV_TYPES", "event_time", "event_window"]

COV_TYPES = ("clustered", "kernel")


@dataclass(frozen=True)
class PanelOptions:
    """Panel layout, controls and covariance of a two-way fixed-effects estimator.

    Parameters
    ----------
    unit, time : str, default "country", "date"
        Unit (entity) and integer period (year) columns. ``entity=`` is the
        deprecated spelling of ``unit=``.
    controls : sequence of str, default ()
        Time-varying covariates ``x_it``.
    require_balanced : bool, default False
        Raise if some unit lacks some period.
    cov_type : {"clustered", "kernel"}, default "clustered"
        Clustered by unit, or Driscoll-Kraay (``"kernel"``, Bartlett weights).
    bandwidth : float, optional
        Driscoll-Kraay lag truncation (Stata ``xtscc, lag()``); ``None`` uses
        linearmodels' rule ``floor(4 (T/100)^(2/9))``.
    debiased : bool, default True
        Small-sample scaling ``n / (n - d - k)`` and t-based inference.
    group_debias : bool, default True
        Clustered only: also scale by ``G / (G - 1)`` (as Stata does).
    """

    unit: str = "country"
    time: str = "date"
    controls: tuple[str, ...] = ()
    require_balanced: bool = False
    cov_type: str = "clustered"
    bandwidth: float | None = None
    debiased: bool = True
    group_debias: bool = True

    def __post_init__(self) -> None:
        controls = self.controls
        if isinstance(controls, str):
            controls = (controls,)
        if not isinstance(controls, Iterable):
            raise ModelSpecificationError(
                f"controls must be a list of column names, got {controls!r}")
        object.__setattr__(self, "controls", tuple(str(c) for c in controls))
        if self.cov_type not in COV_TYPES:
            raise ModelSpecificationError(
                f"cov_type must be one of {COV_TYPES}, got {self.cov_type!r}")
        if self.bandwidth is not None:
            if self.cov_type != "kernel":
                raise ModelSpecificationError("bandwidth applies to cov_type='kernel' only")
            try:
                bandwidth = float(self.bandwidth)
            except (TypeError, ValueError):
                raise ModelSpecificationError(
                    f"bandwidth must be a number of periods, got {self.bandwidth!r}") from None
            if not bandwidth >= 0:
                raise ModelSpecificationError(f"bandwidth must be >= 0, got {self.bandwidth!r}")

    @classmethod
    def resolve(cls, options: PanelOptions | None, *, model: str, **overrides: Any) -> PanelOptions:
        """``options`` (default: all defaults) with the keywords that are not ``None`` replaced.

        Errors name ``model``.
        """
        if options is not None and not isinstance(options, PanelOptions):
            raise ModelSpecificationError(
                f"{model}: options must be a PanelOptions, got {type(options).__name__}")
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return replace(options or cls(), **given)
        except ModelSpecificationError as exc:
            raise ModelSpecificationError(f"{model}: {exc}") from None

    def fit_keywords(self, nperiods: int, model: str) -> dict[str, Any]:
        """``PanelOLS.fit`` keywords of the covariance for a panel of ``nperiods`` periods."""
        if self.cov_type == "clustered":
            return {"cov_type": "clustered", "cluster_entity": True,
                    "debiased": bool(self.debiased), "group_debias": bool(self.group_debias)}
        bandwidth = self.bandwidth
        if bandwidth is not None and not float(bandwidth) < nperiods:
            raise ModelSpecificationError(
                f"{model}: bandwidth must be in [0, {nperiods}) (the number of periods), "
                f"got {bandwidth!r}")
        if bandwidth is None:
            # linearmodels' own default, made explicit so that it is recorded and reported.
            bandwidth = float(math.floor(4 * (nperiods / 100) ** (2 / 9)))
        return {"cov_type": "kernel", "kernel": "bartlett", "bandwidth": float(bandwidth),
                "debiased": bool(self.debiased)}

    @property
    def entity(self) -> str:
        """Deprecated spelling of :attr:`unit`."""
        warn_renamed("PanelOptions.entity", "PanelOptions.unit")
        return self.unit

    def to_dict(self) -> dict[str, Any]:
        """The options as JSON-ready values (for provenance)."""
        out = asdict(self)
        out["controls"] = list(self.controls)
        return out



# ``PanelOptions(entity=...)``, the spelling before the one argument vocabulary, still works
PanelOptions.__init__ = renamed_arguments(entity="unit")(PanelOptions.__init__)  # type: ignore[method-assign]

def event_time(value: Any, name: str, model: str) -> int:
    """``value`` as an event time (an integer number of periods relative to treatment).

    Integral floats (``-1.0``) are accepted; text, booleans, NaN, infinities and
    fractions raise a :class:`~venecon.exceptions.ModelSpecificationError` naming ``model``.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and float(value).is_integer()):
        return int(value)
    raise ModelSpecificationError(
        f"{model}: {name} must be an integer event time (periods relative to treatment, "
        f"e.g. -1), got {value!r}")


def event_window(value: Any, model: str) -> tuple[int, int]:
    """``value`` as an event window ``(first, last)`` of integer event times."""
    if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
        raise ModelSpecificationError(
            f"{model}: window must be a pair (first, last) of event times, e.g. (-5, 10), "
            f"got {value!r}")
    pair = list(value)
    if len(pair) != 2:
        raise ModelSpecificationError(
            f"{model}: window must be a pair (first, last) of event times, e.g. (-5, 10), "
            f"got {value!r}")
    return event_time(pair[0], "window[0]", model), event_time(pair[1], "window[1]", model)
