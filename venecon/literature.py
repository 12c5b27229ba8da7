"""Published figures on Venezuela's oil output and revenue: one registry, one row per study.

Every number here comes from the project's literature note
(``research/literature.md``). Each entry holds the study, its full citation, the
method and scope, the published figure(s) with their values and units, the
verification tag of the note (**[V]** verified in the source itself,
**[V-sec]** verified only in a secondary source quoting it) and the sentence of
the note it rests on (``quote``, verbatim, checked by the tests). Where the note
does its own consistency arithmetic, that line is kept verbatim too
(``arithmetic``).

Other modules take their published facts from here:
:mod:`venecon.revenue.published` (the revenue figures and their arithmetic) and
:mod:`venecon.report.analysis` (which venecon number each figure is set beside).

>>> from venecon.literature import published
>>> published("rodriguez2019").value("kbd")
(797.0, 'kb/d')

pandas is imported only by :func:`published_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Figure", "Published", "REGISTRY", "published", "published_figures", "keys",
           "on_window"]

Number = float | tuple[float, float]  # a value or a (low, high) range


@dataclass(frozen=True)
class Figure:
    """One published number of a study.

    ``measure`` is ``"kbd"`` (output, kb/d) or ``"usd_bn"`` (revenue, USD bn);
    ``value`` a number or a ``(low, high)`` range; ``unit`` states the basis
    (``"USD bn/yr"``, ``"USD bn (12 months)"``, ...); ``text`` describes the
    figure in words; ``method`` is set only where this figure was derived
    differently from the study's headline method (e.g. a volume valued at a price).
    ``window`` (first and last month, ``"YYYY-MM"``) and ``concept`` say what a
    venecon estimate must measure to be set beside the figure, and
    ``window_note`` how the window was chosen and what about it is unverified.
    """

    measure: str
    value: Number
    unit: str
    text: str
    method: str | None = None
    window: tuple[str, str] | None = None
    concept: str | None = None
    window_note: str | None = None


@dataclass(frozen=True)
class Published:
    """A study's published figures, citation, verification tag and verbatim source sentence."""

    key: str
    study: str
    citation: str
    method: str
    scope: str
    kind: str  # "revenue loss" or "output level"
    figures: tuple[Figure, ...]
    basis: str
    tag: str
    quote: str
    price_usd_bbl: float | None = None
    arithmetic: str | None = None

    @property
    def figure(self) -> str:
        """The published figure(s) in words (the texts of :attr:`figures`, joined)."""
        return "; ".join(f.text for f in self.figures)

    def get(self, measure: str) -> Figure | None:
        """The :class:`Figure` of ``measure`` (``"kbd"`` or ``"usd_bn"``), or None."""
        for f in self.figures:
            if f.measure == measure:
                return f
        return None

    def value(self, measure: str) -> tuple[Number, str]:
        """``(value, unit)`` of ``measure``; KeyError if the study publishes no such figure."""
        f = self.get(measure)
        if f is None:
            raise KeyError(f"{self.key} publishes no {measure!r} figure")
        return f.value, f.unit

    @property
    def kbd(self) -> float | None:
        """The published output figure (kb/d), or None."""
        f = self.get("kbd")
        return None if f is None else f.value  # type: ignore[return-value]

    @property
    def usd_bn(self) -> Number | None:
        """The published revenue figure (USD bn, on :attr:`basis`), or None."""
        f = self.get("usd_bn")
        return None if f is None else f.value

    def to_dict(self) -> dict[str, Any]:
        """Flat dict: the study's fields, ``figure`` text, ``kbd``, ``usd_bn`` and ``usd_unit``."""
        usd = self.get("usd_bn")
        return {
            "key": self.key,
            "study": self.study,
            "citation": self.citation,
            "method": self.method,
            "scope": self.scope,
            "kind": self.kind,
            "figure": self.figure,
            "kbd": self.kbd,
            "usd_bn": self.usd_bn,
            "usd_unit": None if usd is None else usd.unit,
            "basis": self.basis,
            "price_usd_bbl": self.price_usd_bbl,
            "tag": self.tag,
            "quote": self.quote,
            "arithmetic": self.arithmetic,
        }


#: The concept of a published national crude-output level (a data check against EIA).
CRUDE_LEVEL = "national crude output, observed level (kb/d)"

#: Every published figure venecon uses, from research/literature.md (sections 1 and 1.8).
REGISTRY: tuple[Published, ...] = (
    Published(
        key="rodriguez2019",
        study="Rodríguez (2019), Torino Economics",
        citation=(
            "Rodríguez, F. (2019, June 24). Sanctions and the Venezuelan Economy: "
            "What the Data Say. Torino Economics, LatAm Economics Viewpoint."
        ),
        method="synthetic control, cross-country panel of producers",
        scope="national crude output; financial sanctions (2017)",
        kind="revenue loss",
        figures=(
            Figure(
                "kbd",
                797.0,
                "kb/d",
                "797 kb/d decline associated with the 2017 financial sanctions",
                window=("2017-09", "2018-12"),
                concept="national crude output, actual minus counterfactual (kb/d)",
                window_note=(
                    "The literature note leaves Rodríguez's treatment month and sample end "
                    "unverified [U]. The figure is attributed to the 2017 financial sanctions "
                    "and was published in June 2019, so the matching window runs from the "
                    "first month after EO 13808 to the month before the 2019 oil sanctions. "
                    "Whether 797 kb/d is the average gap or the gap at the end of the sample "
                    "is also [U]: venecon gives both."
                ),
            ),
            Figure(
                "usd_bn",
                16.9,
                "USD bn/yr",
                "USD 16.9 bn a year of forgone revenue",
                method="797 kb/d valued 'at today's prices' (about USD 58/bbl, our arithmetic)",
            ),
        ),
        basis="per year",
        tag="[V]",
        quote=(
            '**Headline numbers [V].** Financial sanctions are "associated with a decline '
            "in production of **797tbd**, which at today's oil prices would represent "
            '**USD 16.9bn a year**".'
        ),
        arithmetic=(
            "Consistency check (our arithmetic): 16.9e9 / (797e3 × 365) gives about USD 58/bbl."
        ),
    ),
    Published(
        key="rodriguez2022",
        study="Rodríguez (2022), Latin American Economic Review",
        citation=(
            "Rodríguez, F. Sanctions and Oil Production: Evidence from Venezuela's Orinoco "
            "Basin. Latin American Economic Review, "
            "https://ojs.latinaer.org/laer/article/view/33"
        ),
        method="difference-in-differences across Orinoco Basin firms (credit access)",
        scope="Orinoco Basin firms with pre-sanction credit access (not national output)",
        kind="revenue loss",
        figures=(
            Figure(
                "usd_bn",
                6.2,
                "USD bn/yr",
                "about USD 6.2 bn a year (implied 260-290 kb/d at USD 60-65/bbl, our arithmetic)",
            ),
        ),
        basis="per year",
        tag="[V]",
        quote='  - The total loss is "around USD 6.2bn a year at current oil prices".',
        arithmetic="That is roughly 260–290 kb/d at USD 60–65/bbl.",
    ),
    Published(
        key="weisbrot_sachs2019",
        study="Weisbrot & Sachs (2019), CEPR",
        citation=(
            "Weisbrot, M. & Sachs, J. (2019). Economic Sanctions as Collective Punishment: "
            "The Case of Venezuela. CEPR, Washington DC."
        ),
        method="before/after comparison with Colombia",
        scope="national oil revenue, 12 months after August 2017",
        kind="revenue loss",
        figures=(
            Figure(
                "usd_bn",
                6.0,
                "USD bn (12 months)",
                "about USD 6 bn of oil revenue lost in the 12 months after August 2017",
                window=("2017-09", "2018-08"),
                concept="national oil revenue lost (USD bn)",
                window_note="the 12 months after August 2017, as the quoted sentence states",
            ),
        ),
        basis="total, 2017-09 to 2018-08",
        tag="[V-sec]",
        quote=(
            '  - The August 2017 sanctions meant "an estimated **US$6 billion in lost oil '
            'revenue over the ensuing 12 months**" [V-sec, Venezuelanalysis news report of '
            "2019-04-25]."
        ),
        arithmetic="  - Our arithmetic: about 270 kb/d at USD 60/bbl.",
    ),
    Published(
        key="oliveros2020",
        study="Oliveros (2020), WOLA",
        citation=(
            "Oliveros, L. (2020, October). The Impact of Financial and Oil Sanctions on the "
            "Venezuelan Economy. Washington Office on Latin America (WOLA)."
        ),
        method="descriptive / accounting counterfactuals",
        scope="state revenue; window not verified",
        kind="revenue loss",
        figures=(
            Figure(
                "usd_bn",
                (17.0, 31.0),
                "USD bn (total)",
                "USD 17-31 bn of revenue lost (period [U])",
            ),
        ),
        basis="total, window not verified",
        tag="[V-sec]",
        quote=(
            "  - Sanctions caused a loss of **USD 17–31 bn in revenue** "
            "for the Venezuelan state [V-sec]."
        ),
    ),
    Published(
        key="monaldi2020",
        study="Monaldi, Hernández & La Rosa (2020), Baker Institute",
        citation=(
            "Monaldi, Hernández & La Rosa (2020, February). The Collapse of the Venezuelan "
            "Oil Industry: The Role of Above-Ground Risks Limiting FDI. Rice University "
            "Baker Institute working paper."
        ),
        method="descriptive",
        scope="national crude output, end-2018",
        kind="output level",
        figures=(Figure("kbd", 1300.0, "kb/d", "1.3 mb/d at end-2018",
                        window=("2018-12", "2018-12"), concept=CRUDE_LEVEL,
                        window_note="end-2018 read as December 2018"),),
        basis="level, end-2018",
        tag="[V]",
        quote=(
            "Production peaked at **3.4 mb/d in 1998** and was **1.3 mb/d at end-2018**, "
            '"before US oil sanctions further contributed to additional declines" [V].'
        ),
    ),
    Published(
        key="iai2023",
        study="IAI commentary (2023)",
        citation=(
            "Istituto Affari Internazionali (IAI), commentary (October 2023); "
            "title not recorded in the literature note."
        ),
        method="descriptive",
        scope="national crude output when the 2019 oil sanctions were imposed",
        kind="output level",
        figures=(
            Figure("kbd", 1150.0, "kb/d", "1.15 mb/d when the 2019 oil sanctions were imposed",
                   window=("2019-01", "2019-01"), concept=CRUDE_LEVEL,
                   window_note="the month of the PdVSA designation (2019-01-28)"),
        ),
        basis="level, early 2019",
        tag="[V-sec]",
        quote=(
            "Production was 1.15 mb/d when the 2019 oil sanctions were imposed, against a "
            "2013 average of 3.02 mb/d, a loss of 1.87 mb/d [V-sec]."
        ),
    ),
    Published(
        key="guacamaya2025",
        study="Guacamaya (2025), citing PDVSA",
        citation="Guacamaya (2025, March 4), citing PDVSA production figures.",
        method="descriptive (PDVSA figures)",
        scope="total production (PDVSA), January 2025",
        kind="output level",
        figures=(Figure("kbd", 1068.0, "kb/d", "1,068 kb/d total production in January 2025",
                        window=("2025-01", "2025-01"),
                        concept="national total production incl. condensate (PDVSA, kb/d)"),),
        basis="level, 2025-01",
        tag="[V-sec]",
        quote=(
            "In January 2025 total production was **1,068 kb/d**. Chevron's JVs produced "
            "**242 kb/d** and the Eni, Maurel & Prom and Repsol JVs **88 kb/d**; together "
            "these are about 30% of national output [V-sec]."
        ),
    ),
)

_BY_KEY = {p.key: p for p in REGISTRY}


def keys(kind: str | None = None) -> tuple[str, ...]:
    """Registry keys in order; only those of ``kind`` ("revenue loss", "output level") if given.

    Raises :class:`~venecon.exceptions.UnknownValueError` for a ``kind`` no entry has.
    """
    kinds = sorted({p.kind for p in REGISTRY})
    if kind is not None and kind not in kinds:
        from .exceptions import UnknownValueError

        raise UnknownValueError(f"no published figures of kind {kind!r}; kinds: {kinds}")
    return tuple(p.key for p in REGISTRY if kind is None or p.kind == kind)


def published(key: str) -> Published:
    """The registry entry ``key`` (e.g. ``"rodriguez2019"``); KeyError (listing keys) if unknown."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no published figure {key!r}; known: {', '.join(_BY_KEY)}") from None


def published_figures(kind: str | None = None) -> pd.DataFrame:
    """The registry as a table indexed by key (``usd_bn`` ranges split into low/high)."""
    import pandas as pd

    rows = []
    for key in keys(kind):
        row = published(key).to_dict()
        usd = row.pop("usd_bn")
        row["usd_bn_low"], row["usd_bn_high"] = usd if isinstance(usd, tuple) else (usd, usd)
        rows.append(row)
    return pd.DataFrame(rows).set_index("key")


def on_window(effect: Any, window: tuple[str, str]) -> dict[str, Any] | None:
    """An effect path read on a published figure's window: its average and its last value.

    ``effect`` is a series indexed by month-start timestamps (monthly) or
    integer years (annual); ``window`` is ``(first month, last month)``. A year
    belongs to the window when at least 6 of its months do, so an annual path
    is compared on the years the window mostly covers. Monthly effects are
    averaged with days-in-month weights and annual ones with equal weights, as
    the studies' average effects are. Returns ``average``,
    ``end`` (the effect in the window's last period), ``first``, ``last`` and
    ``n`` (periods), or None when no period of the path falls in the window.

    >>> import pandas as pd
    >>> on_window(pd.Series([-100.0, -300.0, -900.0], index=[2017, 2018, 2019]),
    ...           ("2017-09", "2018-12"))["average"]
    -300.0
    """
    import pandas as pd

    lo, hi = pd.Period(window[0], "M"), pd.Period(window[1], "M")
    s = pd.Series(effect).dropna()
    if isinstance(s.index, pd.DatetimeIndex):
        months = s.index.to_period("M")
        s = s[(months >= lo) & (months <= hi)]
    else:
        covered = [y for y in s.index
                   if sum(lo <= pd.Period(year=int(y), month=m, freq="M") <= hi
                          for m in range(1, 13)) >= 6]
        s = s[s.index.isin(covered)]
    if s.empty:
        return None
    if isinstance(s.index, pd.DatetimeIndex):
        first, last = f"{s.index[0]:%Y-%m}", f"{s.index[-1]:%Y-%m}"
        days = s.index.days_in_month.to_numpy(dtype="float64")
        average = float((s.to_numpy(dtype="float64") * days).sum() / days.sum())
    else:
        first, last = str(s.index[0]), str(s.index[-1])
        average = float(s.mean())
    return {"average": average, "end": float(s.iloc[-1]), "first": first,
            "last": last, "n": int(len(s))}
