"""Results API shared by every venecon model.

:class:`ModelResults` is what ``fit()`` returns: an immutable record of the
estimates (``params``, ``std_errors``, ``pvalues``, ``conf_int``), a
:class:`Summary` that renders as text, HTML (Jupyter) and LaTeX, JSON-safe
export (``to_dict``), a plot, and ``provenance``: which data (by sha256), which
versions of venecon and its dependencies, which options and seed produced the
numbers. Provenance contains no wall-clock time, so the same inputs give
identical output.

:class:`PathResults` adds what models with a counterfactual path share
(interrupted time series, intervention ARIMA, synthetic control): a per-period
``effects`` frame, :meth:`PathResults.cumulative_effect`, and the public
protocol other modules (``venecon.revenue.lost``) build on, at any regular
frequency (months, quarters, years): :attr:`PathResults.alpha`,
:attr:`PathResults.frequency`, :meth:`PathResults.window_positions`,
:meth:`PathResults.period_days` and :meth:`PathResults.weighted_sum`. A
subclass provides the uncertainty of a weighted sum of effects by overriding
the hook ``_cumulative_interval``; without it the sum has NaN bounds.

The results protocol (docs/guide/results.md) every result follows: the
headline parameter as :attr:`ModelResults.headline` (also ``estimate``,
``std_error``, ``pvalue``), the path table :meth:`ModelResults.path` with the
columns :data:`PATH_COLUMNS`, ``alpha``, ``conf_int(alpha)``, ``summary()``,
``to_frame()``, ``to_latex()``, ``_repr_html_``, ``plot(alpha)``,
``provenance``, and one immutability mechanism, :class:`Frozen`.
"""

from __future__ import annotations

import copy
import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ..._periods import period_days
from ...canonical import canonical
from ...exceptions import DateRangeError, ModelSpecificationError
from .calendar import FREQUENCIES, frequency_of, period_label, period_start
from .checks import check_alpha
from .flow_units import PER_UNIT_DAY
from .vocabulary import warn_renamed

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "PATH_COLUMNS",
    "CumulativeEffect",
    "Frozen",
    "Headline",
    "HeadlineFields",
    "WeightedSum",
    "ModelResults",
    "PathResults",
    "Summary",
    "build_provenance",
    "jsonable",
]

# --------------------------------------------------------------------------- helpers


def jsonable(value: Any) -> Any:
    """``value`` in plain JSON types, every float bit kept (:func:`venecon.canonical.canonical`).

    Timestamps become ISO dates, NaN and infinities become ``None``, numpy
    scalars and arrays become Python numbers and lists, pandas objects become
    dicts (Series) or lists of records (DataFrame).
    """
    return canonical(value, digits=None)


def _floats(values: Any) -> np.ndarray:
    """The values of a Series, DataFrame or array-like as float64.

    pandas objects go through ``to_numpy``: ``numpy.asarray`` first probes them for
    array attributes, which pandas answers by building the hash table of a text index.
    """
    import numpy as np

    if hasattr(values, "to_numpy"):
        return values.to_numpy(dtype="float64")
    return np.asarray(values, dtype="float64")


#: Numerical libraries every result depends on (their versions are in every provenance).
CORE_DEPENDENCIES = ("numpy", "pandas", "scipy", "statsmodels")


def package_versions(extra: Sequence[str] = ()) -> dict[str, str]:
    """Versions of venecon, :data:`CORE_DEPENDENCIES` and the ``extra`` packages a result used."""
    return dict(_installed_versions(tuple(extra)))


@cache
def _installed_versions(extra: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    # read once per process: importlib.metadata parses package metadata files on
    # every call (6 ms, the largest cost of a small synthetic-control fit)
    from importlib import metadata

    from ..._version import __version__

    versions = {"venecon": __version__}
    for package in (*CORE_DEPENDENCIES, *extra):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:  # pragma: no cover
            versions[package] = "not installed"
    return tuple(versions.items())


def build_provenance(
    *,
    model: str,
    data: Mapping[str, Any],
    sample: pd.DatetimeIndex | None,
    options: Mapping[str, Any],
    seed: int | None = None,
    dependencies: Sequence[str] = (),
) -> dict[str, Any]:
    """The provenance record stored in every result.

    Parameters
    ----------
    model : str
        Qualified class name of the estimator (``"venecon.models.ITS"``).
    data : mapping
        ``{"datasets": {name: sha256}, "data_version": ...}``, as stored in a
        loaded frame's ``attrs["venecon"]``, or ``{"user-supplied": sha256}``
        of the values for data that did not come from :func:`venecon.load`.
    sample : DatetimeIndex, optional
        The estimation sample; its first and last date and length are recorded.
    options : mapping
        Every option the model was configured with (converted with :func:`jsonable`).
    seed : int, optional
        Seed of any simulation.
    dependencies : sequence of str
        Numerical packages beyond :data:`CORE_DEPENDENCIES` the numbers come
        from (``("linearmodels", "pyfixest")`` for the panel estimators); their
        versions are recorded too.
    """
    record: dict[str, Any] = {
        "model": model,
        "data": jsonable(dict(data)),
        "versions": package_versions(dependencies),
        "options": jsonable(dict(options)),
        "seed": seed,
    }
    if sample is not None and len(sample):
        record["data"]["sample"] = {
            "start": f"{sample[0]:%Y-%m-%d}",
            "end": f"{sample[-1]:%Y-%m-%d}",
            "nobs": len(sample),
        }
    return record


def _fmt(value: Any, digits: int = 4) -> str:
    import numpy as np

    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return ""
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-4):
            return f"{value:.{digits}e}"
        return f"{value:,.{digits}f}"
    return str(value)


# --------------------------------------------------------------------------- protocol

#: Columns every path table (:meth:`ModelResults.path`) starts with; ``observed`` and
#: ``counterfactual`` follow where the estimator has them, then estimator-specific keys.
PATH_COLUMNS = ("period", "estimate", "std_error", "lower", "upper")


class Frozen:
    """Instances refuse attribute assignment and deletion once :meth:`_freeze` has run.

    The one immutability mechanism of venecon's results: a result sets its
    private attributes in ``__init__`` and then calls ``self._freeze()``;
    properties hand out copies of mutable data.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def _freeze(self) -> None:
        object.__setattr__(self, "_frozen", True)


@dataclass(frozen=True)
class Headline:
    """The headline parameter of a result (:attr:`ModelResults.headline`).

    ``name`` says what the number is (``"att"``, ``"average effect 2017-2025"``,
    ``"CAAR"``); ``estimate``, ``std_error``, ``pvalue`` (two-sided, of zero),
    ``lower`` and ``upper`` (the ``1 - alpha`` interval) are NaN where the
    estimator has none (a synthetic control's average effect has no standard
    error; its p-value is the placebo test's when one was run). ``window`` is
    the first and last period the estimate averages over (None when it is not
    an average), ``unit`` its unit, ``inference`` how the uncertainty was
    obtained.
    """

    name: str
    estimate: float
    std_error: float
    pvalue: float
    lower: float
    upper: float
    alpha: float
    window: tuple[Any, Any] | None = None
    unit: str | None = None
    inference: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return {k: jsonable(getattr(self, k)) for k in self.__dataclass_fields__}

    def __str__(self) -> str:
        pct = f"{100 * (1 - self.alpha):g}%"
        unit = f" {self.unit}" if self.unit else ""
        return (f"{self.name}: {_fmt(self.estimate)}{unit} (s.e. {_fmt(self.std_error) or 'n/a'}, "
                f"p {_fmt(self.pvalue) or 'n/a'}; {pct} interval "
                f"[{_fmt(self.lower) or 'n/a'}, {_fmt(self.upper) or 'n/a'}])")


class HeadlineFields:
    """``estimate``, ``std_error`` and ``pvalue`` of a result's ``headline``."""

    __slots__ = ()
    headline: Headline

    @property
    def estimate(self) -> float:
        """The headline estimate (:attr:`headline`)."""
        return self.headline.estimate

    @property
    def std_error(self) -> float:
        """Standard error of the headline estimate (NaN where the estimator has none)."""
        return self.headline.std_error

    @property
    def pvalue(self) -> float:
        """Two-sided p-value of the headline estimate (NaN where the estimator has none)."""
        return self.headline.pvalue


def two_sided_pvalue(stat: float, df_resid: float | None = None) -> float:
    """Two-sided p-value of a t (``df_resid``) or, with ``None``, normal statistic."""
    from scipy import stats

    if not math.isfinite(stat):
        return math.nan
    if df_resid is None:
        return float(2 * stats.norm.sf(abs(stat)))
    return float(2 * stats.t.sf(abs(stat), df_resid))


def path_frame(period: Any, estimate: Any, std_error: Any, lower: Any, upper: Any,
               **extra: Any) -> pd.DataFrame:
    """A path table: the :data:`PATH_COLUMNS`, then ``extra`` columns in the order given."""
    import numpy as np
    import pandas as pd

    columns = {"period": list(period)}
    for name, values in (("estimate", estimate), ("std_error", std_error), ("lower", lower),
                         ("upper", upper)):
        columns[name] = np.broadcast_to(np.asarray(values, dtype="float64"),
                                        (len(columns["period"]),)).copy()
    for name, values in extra.items():
        n = len(columns["period"])
        columns[name] = [values] * n if np.isscalar(values) else list(values)
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------- summary


class Summary:
    """A rendered model summary: text (``str``), HTML (Jupyter) and LaTeX.

    Parameters
    ----------
    title : str
        First line of the summary.
    header : sequence of (str, str)
        Key-value pairs describing the model and sample.
    tables : sequence of (str, DataFrame)
        Titled tables; the first is normally the parameter table.
    notes : sequence of str
        Footnotes (covariance estimator, counterfactual definition, warnings).
    """

    def __init__(
        self,
        title: str,
        header: Sequence[tuple[str, str]],
        tables: Sequence[tuple[str, pd.DataFrame]],
        notes: Sequence[str] = (),
    ) -> None:
        self.title = title
        self.header = [(str(k), str(v)) for k, v in header]
        self.tables = [(t, frame.copy()) for t, frame in tables]
        self.notes = [str(n) for n in notes]

    @staticmethod
    def _cells(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
        columns = [""] + [str(c) for c in frame.columns]
        rows = [[str(i)] + [_fmt(v) for v in row]
                for i, row in zip(frame.index, frame.to_numpy(), strict=False)]
        return columns, rows

    def as_text(self) -> str:
        """Plain-text rendering, fixed width."""
        lines = [self.title, "=" * max(len(self.title), 20)]
        width = max((len(k) for k, _ in self.header), default=0)
        lines += [f"{k:<{width}}  {v}" for k, v in self.header]
        for title, frame in self.tables:
            columns, rows = self._cells(frame)
            widths = [max(len(r[j]) for r in [columns, *rows]) for j in range(len(columns))]
            rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
            lines += ["", title, rule]
            lines.append("  ".join(c.rjust(w) if j else c.ljust(w)
                                   for j, (c, w) in enumerate(zip(columns, widths, strict=False))))
            lines.append(rule)
            for row in rows:
                lines.append("  ".join(c.rjust(w) if j else c.ljust(w)
                                       for j, (c, w) in enumerate(zip(row, widths, strict=False))))
            lines.append(rule)
        if self.notes:
            lines += ["", "Notes:"] + [f"[{i}] {n}" for i, n in enumerate(self.notes, 1)]
        return "\n".join(lines)

    def as_html(self) -> str:
        """HTML rendering (what Jupyter shows)."""
        e = html.escape
        parts = [f"<div class='venecon-summary'><h4>{e(self.title)}</h4>",
                 "<table class='simpletable'>"]
        parts += [f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>"
                  for k, v in self.header]
        parts.append("</table>")
        for title, frame in self.tables:
            columns, rows = self._cells(frame)
            parts.append(f"<table class='simpletable'><caption>{e(title)}</caption><tr>")
            parts += [f"<th>{e(c)}</th>" for c in columns]
            parts.append("</tr>")
            for row in rows:
                parts.append("<tr><th style='text-align:left'>" + e(row[0]) + "</th>"
                             + "".join(f"<td>{e(c)}</td>" for c in row[1:]) + "</tr>")
            parts.append("</table>")
        if self.notes:
            parts.append("<ol>" + "".join(f"<li>{e(n)}</li>" for n in self.notes) + "</ol>")
        parts.append("</div>")
        return "".join(parts)

    def as_latex(self) -> str:
        """LaTeX rendering (``tabular`` environments, booktabs rules)."""
        from ...escaping import latex_text as tex  # one escape per character, newlines too

        out = [f"% {tex(self.title)}", r"\begin{tabular}{ll}", r"\toprule"]
        out += [f"{tex(k)} & {tex(v)} \\\\" for k, v in self.header]
        out += [r"\bottomrule", r"\end{tabular}"]
        for title, frame in self.tables:
            columns, rows = self._cells(frame)
            out += ["", f"% {tex(title)}", r"\begin{tabular}{l" + "r" * (len(columns) - 1) + "}",
                    r"\toprule", " & ".join(tex(c) for c in columns) + r" \\", r"\midrule"]
            out += [" & ".join(tex(c) for c in row) + r" \\" for row in rows]
            out += [r"\bottomrule", r"\end{tabular}"]
        if self.notes:
            out += [""] + [f"% [{i}] {tex(n)}" for i, n in enumerate(self.notes, 1)]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


# --------------------------------------------------------------------------- results


class ModelResults(HeadlineFields, Frozen):
    """Immutable results of a fitted venecon model.

    Estimators construct it; users read it. Attributes return copies, so
    modifying what they return never changes the result.

    The protocol every result follows (docs/guide/results.md): :attr:`headline`
    (with :attr:`estimate`, :attr:`std_error`, :attr:`pvalue`), :meth:`path`,
    :attr:`alpha`, :meth:`conf_int`, :meth:`summary`, :meth:`to_frame`,
    :meth:`to_latex`, :meth:`plot` and :attr:`provenance`.

    Parameters
    ----------
    model : str
        Name of the estimator (shown in the summary).
    dependent : str
        Name of the outcome.
    params, std_errors : Series
        Estimates and standard errors, indexed by parameter name.
    cov : DataFrame
        Covariance matrix of the estimates.
    nobs : int
        Number of observations used.
    df_resid : float or None
        Degrees of freedom of a Student-t reference distribution; ``None``
        uses the normal distribution (as statsmodels does for HAC and
        state-space models).
    cov_type : str
        Description of the covariance estimator.
    provenance : dict or callable
        See :func:`build_provenance`; a zero-argument callable returning it
        (picklable, e.g. a :func:`functools.partial` of :func:`build_provenance`)
        is called when the provenance is first read.
    header : sequence of (str, str)
        Extra rows for the summary header.
    notes : sequence of str
        Footnotes for the summary.
    statistics : mapping
        Named scalar statistics (R-squared, AIC, ...), included in ``to_dict``.
    """

    #: Level of the intervals the estimator stored at fit time (subclasses set their own).
    _alpha = 0.05

    def __init__(
        self,
        *,
        model: str,
        dependent: str,
        params: pd.Series,
        std_errors: pd.Series,
        cov: pd.DataFrame,
        nobs: int,
        df_resid: float | None,
        cov_type: str,
        provenance: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
        header: Sequence[tuple[str, str]] = (),
        notes: Sequence[str] = (),
        statistics: Mapping[str, Any] | None = None,
    ) -> None:
        import pandas as pd

        # one index for the three: building an index of text costs more than the series
        names = pd.Index([str(n) for n in params.index])
        self._model = model
        self._dependent = dependent
        self._params = pd.Series(_floats(params), index=names, name="params")
        self._std_errors = pd.Series(_floats(std_errors), index=names, name="std_error")
        self._cov = pd.DataFrame(_floats(cov), index=names, columns=names)
        self._nobs = int(nobs)
        self._df_resid = None if df_resid is None else float(df_resid)
        self._cov_type = cov_type
        if callable(provenance):  # converted on first use (see _provenance)
            self._provenance_source = provenance
        else:
            self._provenance = copy.deepcopy(jsonable(dict(provenance)))
        self._header = list(header)
        self._notes = list(notes)
        self._statistics = {k: jsonable(v) for k, v in (statistics or {}).items()}
        self._freeze()

    # --- estimates -----------------------------------------------------------------
    @property
    def model(self) -> str:
        """Name of the estimator."""
        return self._model

    @property
    def dependent(self) -> str:
        """Name of the outcome."""
        return self._dependent

    @property
    def params(self) -> pd.Series:
        """Estimated parameters."""
        return self._params.copy()

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors of the parameters."""
        return self._std_errors.copy()

    @property
    def cov(self) -> pd.DataFrame:
        """Estimated covariance of the parameters."""
        return self._cov.copy()

    @property
    def tstats(self) -> pd.Series:
        """``params / std_errors``."""
        return (self._params / self._std_errors).rename("tstat")

    @property
    def distribution(self) -> str:
        """Reference distribution of the test statistics (``"normal"`` or ``"t(df)"``)."""
        return "normal" if self._df_resid is None else f"t({self._df_resid:g})"

    # --- the protocol ---------------------------------------------------------------
    @property
    def alpha(self) -> float:
        """One minus the coverage of the intervals stored at fit time (the model's ``alpha``)."""
        return self._alpha

    def _alpha_or_default(self, alpha: float | None) -> float:
        return self._alpha if alpha is None else check_alpha(alpha)

    def _headline_name(self) -> str:
        """Name of the headline parameter in :attr:`params` (the first by default)."""
        return str(self._params.index[0])

    def _headline(self, alpha: float) -> Headline:
        """The headline at ``alpha``; subclasses whose headline is no parameter override it."""
        return self._parameter_headline(self._headline_name(), alpha)

    def _parameter_headline(self, name: str, alpha: float) -> Headline:
        """The parameter ``name`` as a headline, with its ``1 - alpha`` interval."""
        ci = self._param_conf_int(alpha)
        return Headline(name=name, estimate=float(self._params[name]),
                        std_error=float(self._std_errors[name]),
                        pvalue=float(self.pvalues[name]), lower=float(ci.loc[name, "lower"]),
                        upper=float(ci.loc[name, "upper"]), alpha=alpha,
                        unit=getattr(self, "_unit", None), inference=self._cov_type)

    @property
    def headline(self) -> Headline:
        """The headline parameter with its standard error, p-value and ``1 - alpha`` interval."""
        return self._headline(self._alpha)

    def headline_at(self, alpha: float) -> Headline:
        """:attr:`headline` with a ``1 - alpha`` interval."""
        return self._headline(check_alpha(alpha))

    def path(self, alpha: float | None = None) -> pd.DataFrame:
        """The path table: one row per period (event time, horizon, parameter).

        Columns :data:`PATH_COLUMNS` (``period, estimate, std_error, lower,
        upper``), then ``observed`` and ``counterfactual`` where the estimator
        has them, then estimator-specific keys (``shock``, ``cohort``,
        ``event``). Intervals are ``1 - alpha`` (default: the model's ``alpha``)
        and are the ones :meth:`plot` draws.
        """
        return self._path(self._alpha_or_default(alpha))

    def _path(self, alpha: float) -> pd.DataFrame:
        """Default path: the parameters themselves."""
        ci = self._param_conf_int(alpha)
        return path_frame(self._params.index, self._params, self._std_errors, ci["lower"],
                          ci["upper"])

    def _critical(self, alpha: float) -> float:
        from scipy import stats

        alpha = check_alpha(alpha)
        if self._df_resid is None:
            return float(stats.norm.ppf(1 - alpha / 2))
        return float(stats.t.ppf(1 - alpha / 2, self._df_resid))

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of ``params = 0``."""
        import numpy as np
        from scipy import stats

        t = np.abs(self.tstats.to_numpy())
        if self._df_resid is None:
            p = 2 * stats.norm.sf(t)
        else:
            p = 2 * stats.t.sf(t, self._df_resid)
        return self._params.__class__(p, index=self._params.index, name="pvalue")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Confidence intervals ``params -/+ q * std_errors`` with columns ``lower``, ``upper``.

        Parameters
        ----------
        alpha : float, default 0.05
            One minus the coverage (0.05 gives 95% intervals).
        """
        import pandas as pd

        q = self._param_critical(alpha)
        return pd.DataFrame(
            {"lower": self._params - q * self._std_errors,
             "upper": self._params + q * self._std_errors}
        )

    def _param_conf_int(self, alpha: float) -> pd.DataFrame:
        """:meth:`conf_int` restricted to the rows of :attr:`params` (the parameter table's)."""
        return self.conf_int(alpha).reindex(self._params.index)

    def _param_critical(self, alpha: float) -> Any:
        """Critical value(s) of the parameters' intervals: one for all, or one per parameter."""
        return self._critical(alpha)

    @property
    def nobs(self) -> int:
        """Number of observations used in estimation."""
        return self._nobs

    @property
    def cov_type(self) -> str:
        """Description of the covariance estimator."""
        return self._cov_type

    @property
    def statistics(self) -> dict[str, Any]:
        """Named scalar statistics of the fit."""
        return copy.deepcopy(self._statistics)

    @cached_property
    def _provenance(self) -> dict[str, Any]:
        # reached only when __init__ was given a callable: a result built in a loop
        # (placebos, robustness grids) converts its record only if someone reads it
        return jsonable(dict(self._provenance_source()))

    def __getstate__(self) -> dict[str, Any]:
        # a pickled result carries its record as built here (the package versions of
        # this process), not a recipe another environment would complete
        state = dict(self.__dict__)
        if "_provenance_source" in state:
            state["_provenance"] = self._provenance
            del state["_provenance_source"]
        return state

    @property
    def provenance(self) -> dict[str, Any]:
        """Record of the data (sha256), versions, options and seed behind the result.

        A JSON-safe copy: modifying it does not change the result. Contains no
        wall-clock time, so identical inputs give identical provenance.
        """
        return copy.deepcopy(self._provenance)

    # --- presentation ------------------------------------------------------------------
    def to_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """Parameter table: estimate, std_error, stat, pvalue, lower, upper."""
        import pandas as pd

        ci = self._param_conf_int(alpha)
        return pd.DataFrame(
            {
                "estimate": self._params,
                "std_error": self._std_errors,
                "stat": self.tstats,
                "pvalue": self.pvalues,
                "lower": ci["lower"],
                "upper": ci["upper"],
            }
        )

    def _summary_tables(self, alpha: float) -> list[tuple[str, pd.DataFrame]]:
        table = self.to_frame(alpha)
        stat = "t" if self._df_resid is not None else "z"
        pct = f"{100 * (1 - alpha):g}%"
        table.columns = ["coef", "std err", stat, f"P>|{stat}|", f"{pct} lower", f"{pct} upper"]
        return [("Parameter estimates", table)]

    def _summary_header(self) -> list[tuple[str, str]]:
        prov = self._provenance
        sample = prov.get("data", {}).get("sample", {})
        rows = [("Dependent variable", self._dependent), ("Model", self._model)]
        if sample:
            rows.append(("Sample", f"{sample['start']} to {sample['end']}"))
        rows += [("No. observations", str(self._nobs)), ("Covariance", self._cov_type)]
        return rows + [(k, v) for k, v in self._header]

    def _provenance_note(self) -> str:
        data = self._provenance.get("data", {})
        sets = ", ".join(f"{k} (sha256 {str(v)[:12]}...)"
                         for k, v in data.get("datasets", {}).items())
        versions = self._provenance.get("versions", {})
        return (f"Data: {sets}; data version {data.get('data_version')}. "
                + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".")

    def summary(self, alpha: float = 0.05) -> Summary:
        """Summary of the fit; ``str()`` gives text, Jupyter shows HTML, ``.as_latex()`` LaTeX."""
        notes = [*self._notes, self._provenance_note()]
        return Summary(f"{self._model} results", self._summary_header(),
                       self._summary_tables(alpha), notes)

    def to_latex(self, alpha: float = 0.05) -> str:
        """The summary as LaTeX ``tabular`` environments."""
        return self.summary(alpha).as_latex()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def __str__(self) -> str:
        return self.summary().as_text()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._model}, {self._dependent}, nobs={self._nobs}>"

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        """Everything in the result as JSON-safe Python types (``json.dumps`` works on it)."""
        ci = self._param_conf_int(alpha)
        out = {
            "model": self._model,
            "dependent": self._dependent,
            "nobs": self._nobs,
            "cov_type": self._cov_type,
            "distribution": self.distribution,
            "alpha": alpha,
            "params": jsonable(self._params),
            "std_errors": jsonable(self._std_errors),
            "pvalues": jsonable(self.pvalues),
            "conf_int": {"lower": jsonable(ci["lower"]), "upper": jsonable(ci["upper"])},
            "statistics": copy.deepcopy(self._statistics),
            "provenance": self.provenance,
        }
        json.dumps(out)  # fail here, not in the user's serializer
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Figure:
        """Coefficient plot with ``1 - alpha`` confidence intervals; returns the Figure."""
        import matplotlib.pyplot as plt

        alpha = self._alpha_or_default(alpha)
        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 0.4 * len(self._params) + 1.5))
        else:
            fig = ax.figure
        ci = self._param_conf_int(alpha)
        y = range(len(self._params))
        ax.errorbar(self._params.to_numpy(), list(y),
                    xerr=[(self._params - ci["lower"]).to_numpy(),
                          (ci["upper"] - self._params).to_numpy()],
                    fmt="o", capsize=3)
        ax.set_yticks(list(y), list(self._params.index))
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"{self._model}: {self._dependent} ({100 * (1 - alpha):g}% CI)")
        return fig


@dataclass(frozen=True)
class CumulativeEffect:
    """Cumulative effect over a window of periods, in barrels and as an average flow.

    ``barrels`` is ``sum_t effect_t * days_t * barrels_per_unit_day``;
    ``average`` is the day-weighted mean effect in the outcome's unit (kb/d).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    periods: int
    days: int
    unit: str
    alpha: float
    barrels: float
    barrels_lower: float
    barrels_upper: float
    average: float
    average_lower: float
    average_upper: float
    method: str = field(default="")
    frequency: str = field(default="M")  # "M", "Q" or "Y": how start and end are written

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (``frequency`` only when not monthly, as before it existed)."""
        return {k: jsonable(getattr(self, k)) for k in self.__dataclass_fields__
                if k != "frequency" or self.frequency != "M"}

    def to_frame(self) -> pd.DataFrame:
        """Two rows (``barrels``, ``average <unit>``) with estimate, lower, upper."""
        import pandas as pd

        return pd.DataFrame(
            {"estimate": [self.barrels, self.average],
             "lower": [self.barrels_lower, self.average_lower],
             "upper": [self.barrels_upper, self.average_upper]},
            index=["barrels", f"average {self.unit}"],
        )

    def __str__(self) -> str:
        pct = f"{100 * (1 - self.alpha):g}%"
        first, last = (period_label(self.start, self.frequency),
                       period_label(self.end, self.frequency))
        return (f"Cumulative effect {first} to {last} ({self.periods} periods): "
                f"{self.barrels / 1e6:,.1f} million barrels "
                f"[{pct}: {self.barrels_lower / 1e6:,.1f}, "
                f"{self.barrels_upper / 1e6:,.1f}]; average {self.average:,.1f} {self.unit} "
                f"[{self.average_lower:,.1f}, {self.average_upper:,.1f}]")


class WeightedSum(NamedTuple):
    """A weighted sum of a path model's effects with its interval.

    Returned by :meth:`PathResults.weighted_sum`.
    """

    estimate: float
    lower: float
    upper: float
    method: str


class PathResults(ModelResults):
    """Results of a model with a counterfactual path (ITS, intervention ARIMA, synthetic control).

    Other Parameters
    ----------------
    actual : Series
        The outcome over the whole estimation sample (for plots).
    effects : DataFrame
        One row per period with at least ``actual``, ``counterfactual``,
        ``effect``, ``effect_lower``, ``effect_upper`` (intervals at ``alpha``).
    events : DataFrame
        One row per event: ``date`` (as given) and ``period`` (first treated period).
    unit : str or None
        Unit of the outcome (:attr:`outcome_unit`); needed for barrels.
    alpha : float
        Level of the intervals in ``effects``.

    Subclasses give the interval of a weighted sum of effects by overriding
    ``_cumulative_interval`` (used by :meth:`weighted_sum`).
    """

    #: Plot wording: the counterfactual path, the effect axis, the effect line's legend
    #: entry (None: no entry) and the interval's (None: "95% interval" at the fitted level).
    _plot_counterfactual = "counterfactual"
    _plot_effect = "effect"
    _plot_effect_legend: str | None = None
    _plot_interval: str | None = None

    def __init__(
        self,
        *,
        actual: pd.Series,
        effects: pd.DataFrame,
        events: pd.DataFrame,
        unit: str | None,
        alpha: float,
        **kwargs: Any,
    ) -> None:
        required = {"actual", "counterfactual", "effect", "effect_lower", "effect_upper"}
        missing = required - set(effects.columns)
        if missing:
            raise ValueError(f"effects lacks columns {sorted(missing)}")
        self._actual = actual.copy()
        self._effects = effects.copy()
        self._events = events.copy()
        self._unit = unit
        self._alpha = float(alpha)
        super().__init__(**kwargs)

    @property
    def effects(self) -> pd.DataFrame:
        """Per-period actual, counterfactual, effect and its ``1 - alpha`` interval."""
        return self._effects.copy()

    @property
    def events(self) -> pd.DataFrame:
        """The events with their dates and first treated periods."""
        return self._events.copy()

    @property
    def outcome_unit(self) -> str | None:
        """Unit of the outcome (``"kb/d"``), the model's ``outcome_unit``."""
        return self._unit

    @property
    def unit(self) -> str | None:
        """Old name of :attr:`outcome_unit` (a panel's ``unit`` is its unit column)."""
        warn_renamed(f"{type(self).__name__}.unit", "outcome_unit")
        return self._unit

    @property
    def alpha(self) -> float:
        """Level of the intervals in :attr:`effects` (the ``alpha`` the model was fitted with)."""
        return self._alpha

    @property
    def frequency(self) -> str:
        """``"M"``, ``"Q"`` or ``"Y"``: the periods of :attr:`effects`.

        Integer years are ``"Y"``.
        """
        return frequency_of(self._effects.index)

    def _period_starts(self) -> pd.DatetimeIndex:
        """First day of each period of ``effects`` (integer years become 1 January)."""
        import pandas as pd

        index = self._effects.index
        if isinstance(index, pd.DatetimeIndex):
            return index
        return pd.DatetimeIndex([pd.Timestamp(int(y), 1, 1) for y in index])

    def window_positions(self, start: Any = None, end: Any = None) -> np.ndarray:
        """Positions in :attr:`effects` of the periods with an effect from ``start`` to ``end``.

        Parameters
        ----------
        start, end : date-like or int, optional
            Inclusive; read as the period (month, quarter or year) that holds
            the date; an int is a calendar year. Default: the first treated
            period of the first event and the last period.

        Raises
        ------
        DateRangeError
            Unreadable dates, ``start`` after ``end``, a window outside the
            effects or one without an effect.
        """
        import numpy as np

        freq = self.frequency
        index = self._period_starts()
        label = lambda stamp: period_label(stamp, freq)  # noqa: E731
        treated = self._effects["effect"].notna().to_numpy()
        default_start = self._period_starts_of(self._events["period"]).min()
        lo = (period_start(start, freq, "cumulative_effect: start", DateRangeError)
              if start is not None else default_start)
        hi = (period_start(end, freq, "cumulative_effect: end", DateRangeError)
              if end is not None else index[-1])
        if lo > hi:
            raise DateRangeError(f"cumulative_effect: start {start!r} is after end {end!r}")
        if lo < index[0] or hi > index[-1]:
            raise DateRangeError(
                f"cumulative_effect: {label(lo)} to {label(hi)} is outside the effects, which "
                f"cover {label(index[0])} to {label(index[-1])}"
            )
        mask = np.asarray((index >= lo) & (index <= hi)) & treated
        if not mask.any():
            raise DateRangeError(
                f"cumulative_effect: no periods with an effect in {label(lo)} to {label(hi)}")
        return np.flatnonzero(mask)

    @staticmethod
    def _period_starts_of(values: Any) -> pd.DatetimeIndex:
        import pandas as pd

        return pd.DatetimeIndex([pd.Timestamp(int(v), 1, 1) if not hasattr(v, "year")
                                 else pd.Timestamp(v) for v in values])

    def period_days(self, positions: np.ndarray | None = None) -> np.ndarray:
        """Calendar days of each period of :attr:`effects` (or of those at ``positions``).

        28-31 for months, 90-92 for quarters, 365 or 366 for years: what a
        flow in units per day is multiplied by to give a stock (barrels).
        """
        import numpy as np

        code = FREQUENCIES[self.frequency][0]
        days = period_days(self._period_starts().to_period(code))
        return days if positions is None else days[np.asarray(positions)]

    def weighted_sum(self, positions: np.ndarray, weights: np.ndarray,
                     alpha: float | None = None) -> WeightedSum:
        """``sum_i weights_i * effect[positions_i]`` with the model's ``1 - alpha`` interval.

        The interval is the model's own for the sum (exact linear combination
        for ITS, re-weighted simulated paths for intervention ARIMA), not a
        sum of pointwise bounds. A model without one (synthetic control) gives
        NaN bounds and says so in ``method``.
        """
        import numpy as np

        alpha = self._alpha if alpha is None else check_alpha(alpha)
        positions = np.asarray(positions)
        weights = np.asarray(weights, dtype="float64")
        try:
            return WeightedSum(*self._cumulative_interval(positions, weights, alpha))
        except NotImplementedError:
            effect = self._effects["effect"].to_numpy()[positions]
            return WeightedSum(float(weights @ effect), math.nan, math.nan,
                               "no interval for sums from this model")

    def _cumulative_interval(
        self, positions: np.ndarray, weights: np.ndarray, alpha: float
    ) -> tuple[float, float, float, str]:
        """Hook for subclasses: (estimate, lower, upper, method) of a weighted sum of effects."""
        raise NotImplementedError

    def cumulative_effect(
        self, start: Any = None, end: Any = None, alpha: float | None = None
    ) -> CumulativeEffect:
        """Cumulative effect from ``start`` to ``end`` (inclusive periods).

        Parameters
        ----------
        start, end : date-like or int, optional
            Window; defaults to the first treated period of the first event and
            the end of the sample (see :meth:`window_positions`).
        alpha : float, optional
            Interval level; defaults to the ``alpha`` the model was fitted with.

        Returns
        -------
        CumulativeEffect
            Barrels (``effect x days in the period x barrels per unit-day``, the
            unit's factor in :mod:`venecon.models.core.flow_units`; a
            month, quarter or year has its calendar days) and the day-weighted
            average effect in the outcome's unit, each with an interval.
        """
        if self._unit not in PER_UNIT_DAY:
            raise ModelSpecificationError(
                f"cumulative_effect needs a flow unit ({', '.join(PER_UNIT_DAY)}) to count "
                f"barrels; the outcome's unit is {self._unit!r}. Pass "
                "outcome_unit='kb/d' to the model"
            )
        alpha = self._alpha if alpha is None else check_alpha(alpha)
        positions = self.window_positions(start, end)
        index = self._period_starts()[positions]
        days = self.period_days(positions)
        scale = PER_UNIT_DAY[self._unit]
        est, lo, hi, method = self.weighted_sum(positions, days * scale, alpha)
        total = days.sum() * scale
        return CumulativeEffect(
            start=index[0], end=index[-1], periods=len(positions), days=int(days.sum()),
            unit=self._unit, alpha=alpha, barrels=est, barrels_lower=lo, barrels_upper=hi,
            average=est / total, average_lower=lo / total, average_upper=hi / total, method=method,
            frequency=self.frequency,
        )

    def _effect_path(self) -> pd.Series:
        """The path drawn in the lower panel of :meth:`plot` (the effects)."""
        return self._effects["effect"]

    # --- the protocol: headline and path ----------------------------------------------
    def _path_band(self, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(std_error, lower, upper) of every period's effect at level ``alpha``.

        The stored interval at the fitted ``alpha``; at another level
        ``effect -/+ q * effect_se`` where the model stored a standard error,
        else NaN (subclasses with another kind of interval override this).
        """
        import numpy as np

        eff = self._effects
        effect = eff["effect"].to_numpy(dtype="float64")
        se = (eff["effect_se"].to_numpy(dtype="float64") if "effect_se" in eff
              else np.full(len(eff), np.nan))
        if math.isclose(alpha, self._alpha):
            return se, eff["effect_lower"].to_numpy(dtype="float64"), \
                eff["effect_upper"].to_numpy(dtype="float64")
        q = self._critical(alpha)
        return se, effect - q * se, effect + q * se

    def _path(self, alpha: float) -> pd.DataFrame:
        """Per period: the effect, its standard error and interval, observed and counterfactual."""
        eff = self._effects
        se, lower, upper = self._path_band(alpha)
        return path_frame(eff.index, eff["effect"], se, lower, upper,
                          observed=eff["actual"], counterfactual=eff["counterfactual"])

    def _headline_window(self) -> tuple[Any, Any]:
        """First and last period of the headline average (every period with an effect)."""
        positions = self.window_positions()
        index = self._effects.index
        return index[positions[0]], index[positions[-1]]

    def _sum_std_error(self, positions: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
        """(standard error, two-sided p-value) of a weighted sum of effects; NaN without one."""
        return math.nan, math.nan

    def _headline(self, alpha: float) -> Headline:
        """The average effect over the periods with an effect, with the model's interval for it."""
        import numpy as np

        positions = self.window_positions()
        weights = np.full(len(positions), 1.0 / len(positions))
        est, lo, hi, method = self.weighted_sum(positions, weights, alpha)
        se, p = self._sum_std_error(positions, weights)
        first, last = self._headline_window()
        freq = self.frequency
        starts = self._period_starts_of([first, last])
        first_label, last_label = (period_label(t, freq) for t in starts)
        return Headline(name=f"average effect {first_label}-{last_label}",
                        estimate=est, std_error=se, pvalue=p, lower=lo, upper=hi, alpha=alpha,
                        window=(first, last), unit=self._unit, inference=method)

    def to_dict(self, alpha: float = 0.05) -> dict[str, Any]:
        out = super().to_dict(alpha)
        out["unit"] = self._unit
        out["effects_alpha"] = self._alpha
        out["events"] = jsonable(self._events)
        out["effects"] = jsonable(self._effects)
        json.dumps(out)
        return out

    def plot(self, alpha: float | None = None, ax: Any = None) -> Figure:
        """Actual vs counterfactual (top) and the effect with its ``1 - alpha`` interval (bottom).

        ``alpha`` defaults to the model's; the band is :meth:`path`'s.
        """
        import matplotlib.pyplot as plt

        alpha = self._alpha_or_default(alpha)
        eff = self._effects
        band = self._path(alpha)
        if ax is None:
            fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 6),
                                              gridspec_kw={"height_ratios": [2, 1]})
        else:
            top, bottom = ax
            fig = top.figure
        top.plot(self._actual.index, self._actual.to_numpy(), color="black", lw=1.2, label="actual")
        top.plot(eff.index, eff["counterfactual"].to_numpy(), color="C0", ls="--",
                 label=self._plot_counterfactual)
        if {"counterfactual_lower", "counterfactual_upper"} <= set(eff.columns):
            # observed minus the effect's band: the counterfactual's band at this level
            top.fill_between(eff.index, (band["observed"] - band["upper"]).to_numpy(),
                             (band["observed"] - band["lower"]).to_numpy(), color="C0", alpha=0.2)
        path = self._effect_path()
        bottom.plot(path.index, path.to_numpy(), color="C3", label=self._plot_effect_legend)
        if band["lower"].notna().any():  # no empty band (and legend entry) without bounds
            pct = f"{100 * (1 - alpha):g}%"
            interval = f"{pct} {self._plot_interval}" if self._plot_interval else f"{pct} interval"
            bottom.fill_between(eff.index, band["lower"].to_numpy(),
                                band["upper"].to_numpy(), color="C3", alpha=0.2,
                                label=interval)
        bottom.axhline(0, color="grey", lw=0.8)
        for _, row in self._events.iterrows():
            for a in (top, bottom):
                a.axvline(row["period"], color="grey", ls=":", lw=1)
            top.annotate(str(row.name), (row["period"], 1), xycoords=("data", "axes fraction"),
                         rotation=90, va="top", ha="right", fontsize=8)
        unit = f" ({self._unit})" if self._unit else ""
        top.set_ylabel(f"{self._dependent}{unit}")
        bottom.set_ylabel(self._plot_effect)
        top.legend(loc="best")
        if bottom.get_legend_handles_labels()[0]:  # nothing to list without a band or label
            bottom.legend(loc="best")
        top.set_title(self._model)
        import pandas as pd

        if pd.api.types.is_integer_dtype(self._actual.index):
            # integer years: whole-number ticks ("2000", not "1997.5")
            from matplotlib.ticker import MaxNLocator

            bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        return fig
