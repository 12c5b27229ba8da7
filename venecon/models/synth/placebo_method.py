"""``SyntheticControlResults.placebo``: a method that also answers the old attribute reads.

``results.placebo(...)`` returns the placebo-in-space test. Up to venecon 0.4
``results.placebo`` was an attribute (the test a fit had run, or None), so
existing code reads ``results.placebo.pvalue``. A name cannot be both a method and
an attribute; as pandas' ``Series.plot`` is both callable and a namespace,
:class:`PlaceboMethod` is callable and forwards public attribute reads to the
test the result already has, with a ``FutureWarning`` naming the new spelling
(``results.placebo_result.pvalue``, what the attribute was). Only identity
checks (``results.placebo is None``) cannot be kept: they are now always False.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.vocabulary import warn_renamed

if TYPE_CHECKING:
    from .inference import PlaceboResult

__all__ = ["AS_FITTED", "PlaceboMethod"]


class _AsFitted:
    """The default ``pre_fit_filter`` of ``placebo()``: the one given to ``fit()``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<as fitted>"

    def __reduce__(self) -> str:
        return "AS_FITTED"


#: ``placebo(pre_fit_filter=AS_FITTED)``: use the filter given to ``fit()`` (none unless given).
AS_FITTED: Any = _AsFitted()


class PlaceboMethod:
    """``results.placebo``: call it for the placebo-in-space test (Abadie, Diamond and
    Hainmueller 2010); reading an attribute of it is the deprecated spelling of
    ``results.placebo_result.<attribute>``.

    Parameters
    ----------
    run : callable
        ``run(pre_fit_filter, n_jobs)`` returns the test (the result's own, cached).
    carried : PlaceboResult or None
        The test the result already has (what ``results.placebo`` was up to 0.4).
    owner : str
        Name of the results class, for messages.
    """

    __slots__ = ("_carried", "_owner", "_run")

    def __init__(self, run: Callable[[Any, int], PlaceboResult], carried: PlaceboResult | None,
                 owner: str) -> None:
        self._run = run
        self._carried = carried
        self._owner = owner

    def __call__(self, *, pre_fit_filter: float | None = AS_FITTED,
                 n_jobs: int = 1) -> PlaceboResult:
        """The placebo-in-space test, run now unless the result already has it.

        Parameters
        ----------
        pre_fit_filter : float or None, default: as fitted
            Drop placebos whose pre-period MSPE exceeds this multiple of the
            treated unit's (ADH 2010 use 20, 5 and 2); None keeps all. The
            default is the filter given to ``fit()`` (None unless given).
        n_jobs : int, default 1
            joblib workers (-1: all cores); the result does not depend on it.

        Returns
        -------
        PlaceboResult
            With the fit's filter: the test ``fit(placebo=True)`` ran, or the one
            run by the first such call, kept by the result so that its
            ``pvalue``, ``summary()`` and ``to_dict()`` show it from then on. With
            another filter: a test run now, which the result does not keep.
        """
        return self._run(pre_fit_filter, n_jobs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        warn_renamed(f"{self._owner}.placebo.{name}",
                     f"{self._owner}.placebo_result.{name} (or placebo().{name}, which runs the "
                     "test when none was run)")
        if self._carried is None:
            raise AttributeError(
                f"{self._owner} has no placebo-in-space test yet (placebo_result is None); "
                f"call results.placebo() to run it")
        return getattr(self._carried, name)

    def __bool__(self) -> bool:
        warn_renamed(f"bool({self._owner}.placebo)",
                     f"{self._owner}.placebo_result is not None")
        return self._carried is not None

    def __repr__(self) -> str:
        state = ("not run yet" if self._carried is None
                 else f"carried, p = {self._carried.pvalue:.4g}")
        return f"<{self._owner}.placebo(): placebo-in-space test ({state})>"
