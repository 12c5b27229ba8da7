"""The explicit assumptions behind every revenue number.

Revenue is never observed in venecon's data; it is computed as

    revenue_t = output_t [kb/d] x 1000 x days_t x export_share_t
                x (benchmark_t - discount_t) [USD/bbl] / 1e6   -> USD million

and every factor other than output is an assumption. :class:`Assumptions`
holds them; its :meth:`~Assumptions.to_dict` is written into the provenance of
every table and result of :mod:`venecon.revenue`, so a reader can always see
which export share, benchmark, discount and deflator produced a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import AssumptionError
from ._data import frame_provenance, require_cover, select_price, series_sha256, to_months

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Assumptions",
    "Discount",
    "Deflator",
    "DEFAULT_BENCHMARK_SOURCES",
    "ASB_SOURCE",
    "REPORTED_SOURCE",
    "REPORTED_DATASET",
    "observed_export_share",
    "central_assumptions",
    "merey_gap_2017",
    "observed_discounts",
    "median_observed_discount",
    "us_cpi_deflator",
]

#: Source id of the OPEC Annual Statistical Bulletin prices (bundled ``prices_monthly``,
#: the 2018 edition, to 2017-12): the first source of an observed Merey discount.
ASB_SOURCE = "opec_asb2018"

#: Press-reported OPEC MOMR prices (bundled ``reported_monthly``): the default second
#: source of an observed discount, for months the OPEC ASB series lacks.
REPORTED_SOURCE = "opec_momr_press"
REPORTED_DATASET = "reported_monthly"

#: Source used for a benchmark when ``benchmark_source`` is not given.
#: EIA Brent is the longest bundled monthly series (1987-05 to 2026-07); the
#: OPEC basket is bundled only from the OPEC ASB 2018 (to 2017-12).
DEFAULT_BENCHMARK_SOURCES = {
    "brent": "eia_spot",
    "wti": "eia_spot",
    "opec_basket": ASB_SOURCE,
    "dubai": "wb_pinksheet",
}


def _finite(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AssumptionError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise AssumptionError(f"{what} must be finite, got {value!r}")
    return number


@dataclass(frozen=True)
class Discount:
    """The Venezuelan discount: benchmark price minus the realised export price, USD/bbl.

    A positive discount lowers the realised price. Build one with a constructor:

    * :meth:`observed` -- the benchmark minus an observed grade price (Merey,
      OPEC ASB, bundled 2005-03 to 2017-12; for Merey also the press-reported
      OPEC MOMR prices of ``reported_monthly``, 2025-01 to 2026-01 and 2026-04,
      in months the ASB lacks), month by month; months without the grade raise
      :class:`~venecon.exceptions.DateRangeError` unless a ``fallback``
      assumption is given, which is then used and labelled. :meth:`sources`
      says which source (or the assumption) gives each month's discount;
    * :meth:`usd` -- a fixed USD/bbl amount (an assumption);
    * :meth:`percent` -- a fixed percentage of the benchmark (an assumption).

    For a range, pass several discounts to :func:`venecon.revenue.sensitivity`.
    """

    kind: str
    value: float | None = None
    grade: str | None = None
    grade_source: str | None = None
    fallback: Discount | None = None
    note: str = ""
    reported_source: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("observed", "usd", "percent"):
            raise AssumptionError(
                f"discount kind must be 'observed', 'usd' or 'percent', got {self.kind!r}"
            )
        if self.kind == "usd":
            object.__setattr__(self, "value", _finite(self.value, "discount (USD/bbl)"))
        if self.kind == "percent":
            pct = _finite(self.value, "discount (percent of the benchmark)")
            if not 0 <= pct < 100:
                raise AssumptionError(
                    f"discount percent must be in [0, 100) (percent of the benchmark price, so 20 "
                    f"means 20%), got {pct!r}"
                )
            object.__setattr__(self, "value", pct)
        if self.kind == "observed":
            if not self.grade:
                raise AssumptionError(
                    "an observed discount needs the grade's price series, e.g. 'merey'"
                )
            if self.fallback is not None and self.fallback.kind == "observed":
                raise AssumptionError(
                    "the fallback of an observed discount must be an assumption "
                    "(Discount.usd or Discount.percent), not another observed series"
                )

    @classmethod
    def observed(
        cls,
        grade: str = "merey",
        source: str | None = ASB_SOURCE,
        fallback: Discount | None = None,
        note: str = "",
        reported: str | None = REPORTED_SOURCE,
    ) -> Discount:
        """Benchmark minus the observed price of ``grade`` (from ``source``), month by month.

        ``reported`` names a second source of observed prices used only in months
        ``source`` lacks: by default the press-reported OPEC MOMR figures of the
        bundled ``reported_monthly`` table (its own source, never merged into the
        ASB series; each month's source is reported by :meth:`sources`). Pass
        ``reported=None`` to use ``source`` alone.
        """
        return cls("observed", grade=grade, grade_source=source, fallback=fallback, note=note,
                   reported_source=reported)

    @classmethod
    def usd(cls, value: float, note: str = "") -> Discount:
        """A fixed discount of ``value`` USD/bbl below the benchmark (negative: a premium)."""
        return cls("usd", value=value, note=note)

    @classmethod
    def percent(cls, value: float, note: str = "") -> Discount:
        """A fixed discount of ``value`` percent of the benchmark (``20`` means 20%)."""
        return cls("percent", value=value, note=note)

    @property
    def label(self) -> str:
        """Short text naming the assumption (used in tables)."""
        if self.kind == "usd":
            return f"{self.value:g} USD/bbl"
        if self.kind == "percent":
            return f"{self.value:g}% of benchmark"
        text = f"observed {self.grade}" + (f" ({self.grade_source})" if self.grade_source else "")
        if self.reported_source:
            text += f" or {self.reported_source}"
        return text + (f", else {self.fallback.label}" if self.fallback else "")

    def grade_prices(self, prices: Any) -> tuple[pd.Series, pd.Series]:
        """The observed grade price (USD/bbl) and each month's source code.

        Months ``grade_source`` lacks take the ``reported_source`` price (from
        ``prices`` if it holds those rows, else the bundled ``reported_monthly``).
        Only a tidy price frame gets reported prices added: a Series or wide
        frame is the user's own price data and is used as given.
        """
        import pandas as pd

        grade = select_price(prices, self.grade, self.grade_source, f"{self.grade} price")
        source = pd.Series(self.grade_source or "user-supplied", index=grade.index, dtype=object)
        source = source.where(grade.notna())
        tidy = isinstance(prices, pd.DataFrame) and {"date", "series", "source"} <= set(
            prices.columns
        )
        if not (self.reported_source and tidy):
            return grade, source
        rows = prices[(prices["series"] == self.grade) & (prices["source"] == self.reported_source)]
        if rows.empty:
            from ..data.load import load

            rows = load(REPORTED_DATASET)
            rows = rows[(rows["series"] == self.grade) & (rows["source"] == self.reported_source)]
        if rows.empty:
            return grade, source
        reported = select_price(rows, self.grade, self.reported_source, f"reported {self.grade}")
        fill = reported[~reported.index.isin(grade.dropna().index)]
        merged = pd.concat([grade.dropna(), fill]).sort_index()
        source = pd.concat([source.dropna(), pd.Series(self.reported_source, index=fill.index)])
        return merged.rename(self.grade), source.sort_index()

    def sources(self, months: pd.DatetimeIndex, prices: Any) -> pd.Series:
        """Per month: the price source of an observed discount, else ``"assumed: <label>"``."""
        import pandas as pd

        assumed = f"assumed: {self.fallback.label if self.fallback else self.label}"
        if self.kind != "observed":
            return pd.Series(assumed, index=months, dtype=object)
        _, source = self.grade_prices(prices)
        return source.reindex(months).fillna(assumed).astype(object)

    def amount(self, benchmark: pd.Series) -> pd.Series:
        """The discount in USD/bbl for an assumed (``usd``/``percent``) discount."""
        if self.kind == "usd":
            return benchmark * 0.0 + self.value
        if self.kind == "percent":
            return benchmark * (self.value / 100.0)
        raise AssumptionError("an observed discount needs the grade prices; see resolve()")

    def resolve(self, benchmark: pd.Series, prices: Any) -> tuple[pd.Series, pd.Series]:
        """Discount (USD/bbl) and its basis (observed/assumed) on ``benchmark``'s months."""
        import pandas as pd

        months = benchmark.index
        if self.kind != "observed":
            return self.amount(benchmark), pd.Series("assumed", index=months)
        grade = self.grade_prices(prices)[0].reindex(months)
        observed = benchmark - grade
        basis = pd.Series("observed", index=months).where(observed.notna(), "assumed")
        if self.fallback is None:
            hint = (
                " Give an explicit assumption for those months, e.g. "
                f"Discount.observed({self.grade!r}, fallback=Discount.usd(...)); the bundled "
                "Merey price (OPEC ASB) ends in 2017-12; press-reported OPEC figures cover "
                "2025-01 to 2026-01 and 2026-04."
            )
            require_cover(
                grade, months, f"the observed {self.grade} price (needed for the discount)", hint
            )
            return observed, basis
        return observed.fillna(self.fallback.amount(benchmark)), basis

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description, including the unit."""
        out: dict[str, Any] = {"kind": self.kind, "label": self.label}
        if self.kind == "usd":
            out.update(value=self.value, unit="USD/bbl")
        elif self.kind == "percent":
            out.update(value=self.value, unit="% of benchmark price")
        else:
            out.update(
                grade=self.grade,
                grade_source=self.grade_source,
                reported_source=self.reported_source,
                unit="USD/bbl",
                definition="benchmark price minus grade price, monthly",
                fallback=self.fallback.to_dict() if self.fallback else None,
            )
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, eq=False)
class Deflator:
    """A monthly price index that turns nominal dollars into dollars of ``base``.

    ``real_t = nominal_t x level(base) / index_t``, where ``level(base)`` is the
    index in the base month, or its mean over the base year's 12 months.

    :func:`us_cpi_deflator` gives the bundled US CPI (annual averages spread
    over the months); for a monthly index pass e.g. the FRED CPI-U series
    ``venecon.load("cpi_monthly", live=True)`` (needs network and a FRED key)
    via :meth:`from_frame`, or any monthly index Series with its name and source.

    Parameters
    ----------
    index : Series
        Monthly index values (positive), date index.
    name : str
        What the index is (``"US CPI-U, SA (FRED CPIAUCSL)"``); recorded in provenance.
    base : str
        ``"2024"`` (a year: mean of its months) or ``"2024-01"`` (a month).
    source : str, optional
        Where the values come from.
    """

    index: pd.Series
    name: str
    base: str
    source: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import pandas as pd

        if not isinstance(self.index, pd.Series):
            raise AssumptionError(
                f"deflator index must be a pandas Series, got {type(self.index).__name__}"
            )
        if not self.name:
            raise AssumptionError(
                "a deflator needs a name saying what it is (e.g. 'US CPI-U, FRED CPIAUCSL')"
            )
        values = pd.Series(
            self.index.to_numpy(dtype="float64"),
            index=to_months(self.index.index, "deflator"),
            name=self.name,
        ).sort_index()
        bad = values.index[(values.notna() & (values <= 0)).to_numpy()]
        if len(bad):
            raise AssumptionError(
                f"deflator {self.name!r} has non-positive values in "
                f"{', '.join(f'{d:%Y-%m}' for d in bad[:6])}"
            )
        object.__setattr__(self, "index", values)
        object.__setattr__(self, "base", str(self.base))
        self.base_level()  # fail now if the base is not covered
        if not self.provenance:
            object.__setattr__(self, "provenance", frame_provenance(None, values))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, base: str, name: str | None = None) -> Deflator:
        """A deflator from a one-series tidy frame, e.g. ``load("cpi_monthly", live=True)``."""
        import numpy as np
        import pandas as pd

        from ._data import tidy_to_series

        units = sorted({str(u) for u in frame.get("unit", pd.Series(dtype=str)).dropna().unique()})
        if any("index" not in u.lower() for u in units):
            from ..exceptions import UnitError

            raise UnitError(
                f"deflator: expected an index unit (e.g. 'index 1982-1984=100'), found {units}"
            )
        frame = frame.copy()
        if "unit" in frame.columns:
            frame["unit"] = "index"
        values = tidy_to_series(frame, "deflator", "index")
        series = "/".join(
            str(v) for v in frame.get("series", pd.Series(dtype=str)).dropna().unique()
        )
        source = "/".join(
            str(v) for v in frame.get("source", pd.Series(dtype=str)).dropna().unique()
        )
        label = name or f"{series} ({source}, {', '.join(units)})"
        values = pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), index=values.index)
        return cls(values, label, base, source or None, frame_provenance(frame, values))

    def base_level(self) -> float:
        """Index level of the base period (a month, or the mean of a year's 12 months)."""
        import pandas as pd

        base = self.base.strip()
        if len(base) == 4 and base.isdigit():
            months = pd.date_range(f"{base}-01-01", periods=12, freq="MS")
        else:
            try:
                months = pd.DatetimeIndex([pd.Period(base, "M").to_timestamp()])
            except (TypeError, ValueError):
                raise AssumptionError(
                    f"deflator base must be a year ('2024') or a month ('2024-01'), "
                    f"got {self.base!r}"
                ) from None
        values = require_cover(self.index, months, f"deflator {self.name!r} (base period {base})")
        return float(values.mean())

    def factors(self, months: pd.DatetimeIndex) -> pd.Series:
        """``level(base) / index_t`` on ``months``; a gap raises :class:`DateRangeError`."""
        values = require_cover(self.index, months, f"deflator {self.name!r}")
        return self.base_level() / values

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description: name, source, base, coverage and sha256 of the values."""
        covered = self.index.dropna()
        return {
            "name": self.name,
            "source": self.source,
            "base": self.base,
            "base_level": self.base_level(),
            "real_dollars": f"constant USD of {self.base}",
            "formula": "real = nominal x index(base) / index(t)",
            "coverage": [f"{covered.index.min():%Y-%m}", f"{covered.index.max():%Y-%m}"],
            "sha256": series_sha256(self.index),
            "data": self.provenance,
        }


@dataclass(frozen=True, eq=False)
class Assumptions:
    """Every assumption that turns output volumes into revenue.

    Parameters
    ----------
    export_share : float or Series
        Share of output that is exported (and earns the export price), in
        [0, 1]; a number, or a monthly Series for a time-varying share.
        ``1.0`` values all output at the export price (as the published
        per-year figures in the literature do).
    discount : Discount
        The Venezuelan discount to the benchmark (observed or assumed).
    benchmark : str
        Benchmark price series in ``prices_monthly``: ``"brent"`` (default) or
        ``"opec_basket"`` (or any other bundled series).
    benchmark_source : str, optional
        Source of the benchmark; defaults per :data:`DEFAULT_BENCHMARK_SOURCES`
        (Brent: ``eia_spot``; OPEC basket: ``opec_asb2018``, to 2017-12 only).
    deflator : Deflator, optional
        For real dollars; without it only nominal USD are reported.
    export_share_note : str
        Where the export share comes from (recorded in provenance).
    """

    export_share: float | pd.Series
    discount: Discount
    benchmark: str = "brent"
    benchmark_source: str | None = None
    deflator: Deflator | None = None
    export_share_note: str = ""

    def __post_init__(self) -> None:
        import pandas as pd

        if not isinstance(self.discount, Discount):
            raise AssumptionError(
                "discount must be a venecon.revenue.Discount (Discount.observed('merey', ...), "
                f"Discount.usd(x) or Discount.percent(x)), got {type(self.discount).__name__}"
            )
        if self.deflator is not None and not isinstance(self.deflator, Deflator):
            raise AssumptionError(
                f"deflator must be a venecon.revenue.Deflator, got {type(self.deflator).__name__}"
            )
        if self.benchmark_source is None:
            if self.benchmark not in DEFAULT_BENCHMARK_SOURCES:
                raise AssumptionError(
                    f"give benchmark_source for benchmark {self.benchmark!r} "
                    "(defaults exist only for "
                    f"{', '.join(DEFAULT_BENCHMARK_SOURCES)})"
                )
            object.__setattr__(self, "benchmark_source", DEFAULT_BENCHMARK_SOURCES[self.benchmark])
        share = self.export_share
        if isinstance(share, pd.Series):
            values = pd.Series(
                share.to_numpy(dtype="float64"),
                index=to_months(share.index, "export_share"),
                name="export_share",
            ).sort_index()
            bad = values.index[~values.between(0, 1).to_numpy() & values.notna().to_numpy()]
            if len(bad):
                raise AssumptionError(
                    f"export_share must be in [0, 1] (a share, not a percentage); months "
                    f"{', '.join(f'{d:%Y-%m}' for d in bad[:6])} are outside it "
                    f"(e.g. {values[bad[0]]:g})"
                )
            object.__setattr__(self, "export_share", values)
        else:
            value = _finite(share, "export_share")
            if not 0 <= value <= 1:
                raise AssumptionError(
                    f"export_share must be in [0, 1] (a share, not a percentage), got {share!r}"
                )
            object.__setattr__(self, "export_share", value)

    def share_on(self, months: pd.DatetimeIndex) -> pd.Series:
        """The export share on ``months`` (a series assumption must cover all of them)."""
        import pandas as pd

        if isinstance(self.export_share, pd.Series):
            return require_cover(self.export_share, months, "the export_share series")
        return pd.Series(self.export_share, index=months, dtype="float64")

    def replace(self, **changes: Any) -> Assumptions:
        """A copy with some assumptions changed (used by sensitivity analysis)."""
        from dataclasses import replace

        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record of every assumption, with units."""
        import pandas as pd

        share: Any = self.export_share
        if isinstance(share, pd.Series):
            share = {
                "kind": "monthly series",
                "sha256": series_sha256(share),
                "coverage": [f"{share.index.min():%Y-%m}", f"{share.index.max():%Y-%m}"],
                "mean": float(share.mean()),
            }
        return {
            "formula": (
                "revenue [USD million] = volume [kb/d] x 1000 x days in month x export_share "
                "x (benchmark - discount) [USD/bbl] / 1e6"
            ),
            "export_share": share,
            "export_share_unit": "fraction of output, in [0, 1]",
            "export_share_note": self.export_share_note or None,
            "benchmark": {
                "series": self.benchmark,
                "source": self.benchmark_source,
                "unit": "USD/bbl",
            },
            "discount": self.discount.to_dict(),
            "deflator": self.deflator.to_dict() if self.deflator else None,
            "price_treatment": "monthly average prices, applied to the month's exported barrels",
        }


def merey_gap_2017(benchmark: str = "brent", source: str | None = "eia_spot") -> Discount:
    """The mean observed benchmark-minus-Merey (OPEC ASB) gap of 2017 as a fixed discount.

    Computed from the bundled ``prices_monthly``; the assumption used for months
    without an observed Merey price.
    """
    from ..data.load import load

    prices = load("prices_monthly", start="2017-01", end="2017-12")
    bench = select_price(prices, benchmark, source, f"benchmark {benchmark}")
    merey = select_price(prices, "merey", ASB_SOURCE, "merey price")
    gap = float((bench - merey).mean())
    return Discount.usd(round(gap, 4), note=(
        f"mean observed {benchmark} ({source}) minus OPEC ASB Merey discount over "
        "2017-01..2017-12, used for months without an observed Merey price"))


def observed_discounts(
    grade: str = "merey", benchmark: str = "brent", source: str | None = "eia_spot"
) -> pd.DataFrame:
    """Every observed annual discount of ``grade`` to the benchmark (USD/bbl), by year.

    A month's discount is the benchmark minus the grade's observed price: the
    OPEC ASB 2018 series (Merey 2005-03 to 2017-12), else the press-reported
    OPEC MOMR prices of the bundled ``reported_monthly`` (2025-01 to 2026-01 and
    2026-04), as in :meth:`Discount.observed`. A year's value is the mean of
    its observed months; ``months`` says how many there are (2005 and 2026 are
    partial years) and ``source`` where they come from.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``discount`` (USD/bbl), ``months``, ``source``.
    """
    from ..data.load import load

    prices = load("prices_monthly")
    bench = select_price(prices, benchmark, source, f"benchmark {benchmark}")
    grade_prices, sources = Discount.observed(grade).grade_prices(prices)
    gap = (bench.reindex(grade_prices.index) - grade_prices).dropna()
    frame = gap.to_frame("discount")
    frame["source"] = sources.reindex(gap.index).to_numpy()
    years = frame.groupby(frame.index.year)
    out = years["discount"].agg(["mean", "count"]).rename(
        columns={"mean": "discount", "count": "months"})
    out["source"] = years["source"].agg(lambda s: "/".join(sorted(set(s))))
    out.index.name = "year"
    out.attrs["venecon"] = {
        "definition": f"{benchmark} ({source}) minus observed {grade}, mean of the year's "
                      "observed months, USD/bbl",
        "datasets": ["prices_monthly", REPORTED_DATASET],
    }
    return out


def median_observed_discount(
    years: tuple[int, int] | None = None,
    grade: str = "merey",
    benchmark: str = "brent",
    source: str | None = "eia_spot",
) -> Discount:
    """The median of the observed annual discounts (:func:`observed_discounts`) as a fixed one.

    ``years`` (inclusive) restricts the years, e.g. ``(2005, 2016)`` for the
    years before the 2017 sanctions; by default every observed year (the OPEC
    ASB years 2005-2017 and the press-reported 2025-2026). The median is the
    middle of the observed range: it is not pulled by the narrow heavy-sour
    differentials of 2009 and 2017 or the 2026 blockade discounts, and it is
    not the range's minimum. The note records the years and values used.
    """
    import numpy as np

    table = observed_discounts(grade, benchmark, source)
    if years is not None:
        table = table.loc[years[0]:years[1]]
    if table.empty:
        raise AssumptionError(f"no observed {grade} discount in the years {years}")
    value = float(np.median(table["discount"].to_numpy()))
    used = ", ".join(f"{y} {d:.2f}" for y, d in table["discount"].items())
    sources = ", ".join(sorted(set(table["source"])))
    return Discount.usd(round(value, 4), note=(
        f"median of the observed annual {benchmark} ({source}) minus {grade} discounts "
        f"{table.index.min()}-{table.index.max()} ({len(table)} years; sources {sources}): "
        f"{used}"))


def us_cpi_deflator(base: str = "2025") -> Deflator:
    """Real US dollars of ``base`` with the bundled US CPI (annual averages).

    The index is ``venecon.load("macro", country="USA", series="cpi_index")``:
    the US consumer price index implied by the Energy Institute Statistical
    Review 2026 crude prices in money of the day and in constant 2025 dollars
    (EI deflates with the US CPI; the ratios match the BLS CPI-U annual
    averages to rounding). It is annual, so every month of a year takes the
    year's average index: within-year inflation (2-3% a year in 2017-19) is
    not separated, which moves a month's real value by at most about 1.5%.
    Covers 1913 to 2025; months after 2025 raise
    :class:`~venecon.exceptions.DateRangeError` when deflated.
    """
    import pandas as pd

    from ..data.load import load

    frame = load("macro", country="USA", series="cpi_index", source="ei_sr2026")
    annual = frame.set_index("date")["value"].astype(float)
    months = pd.date_range(f"{annual.index.min()}-01-01", f"{annual.index.max()}-12-01",
                           freq="MS")
    monthly = pd.Series(annual.reindex(months.year).to_numpy(), index=months)
    return Deflator(
        monthly,
        name="US CPI, annual average (implied by EI Statistical Review 2026 nominal and "
             "constant-dollar crude prices); each month takes its year's average",
        base=base,
        source="venecon.load('macro', country='USA', series='cpi_index', source='ei_sr2026')",
        provenance=frame_provenance(frame, monthly),
    )


def observed_export_share(country: str = "VEN") -> pd.Series:
    """Crude exports as a share of crude production, by year, from the OPEC bulletin.

    ``share_y = crude exports (ASB Table 5.3, partner WLD) / crude production
    (ASB Table 3.6)``, both OPEC Annual Statistical Bulletin 2018 figures in
    kb/d (official, direct-communication numbers, so the ratio is internally
    consistent). Venezuela 2017: 1,596.36 / 2,034.80 = 0.785.

    Returns
    -------
    Series
        Shares in [0, 1] indexed by year (1982-2017 for Venezuela), named
        ``export_share``; ``attrs["venecon"]`` names the two tables.
    """
    from ..data.load import load

    exports = load("trade_annual", country=country, series="crude_exports_volume",
                   source=ASB_SOURCE, partner="WLD").set_index("date")["value"]
    output = load("production_annual", country=country, series="crude_oil",
                  source=ASB_SOURCE).set_index("date")["value"]
    share = (exports / output).dropna().rename("export_share")
    share.index.name = "year"
    share.attrs["venecon"] = {
        "definition": "crude exports / crude production, OPEC ASB 2018 (T53 partner WLD / T36)",
        "datasets": ["trade_annual", "production_annual"],
    }
    return share


def central_assumptions(benchmark: str = "brent") -> Assumptions:
    """Venecon's central, sourced revenue assumptions.

    * export share: the share observed in the OPEC bulletin for its last year
      (:func:`observed_export_share`, 0.785 for Venezuela in 2017), not 1;
    * discount: benchmark minus observed Merey (OPEC ASB to 2017-12, then the
      press-reported OPEC figures in 2025-26), else the mean observed
      Brent-minus-Merey gap of 2017 (computed from the bundled data);
    * benchmark: EIA Brent unless ``benchmark`` says otherwise.

    Each value is computed from the bundled tables, not typed in; ``to_dict()``
    records them. Pass the result to :func:`venecon.revenue.sensitivity` with a
    grid to see where it sits (the table's ``rank`` and ``headline`` columns).
    """
    share = observed_export_share()
    year = int(share.index.max())
    source = DEFAULT_BENCHMARK_SOURCES.get(benchmark)
    return Assumptions(
        export_share=round(float(share[year]), 4),
        discount=Discount.observed("merey", ASB_SOURCE,
                                   fallback=merey_gap_2017(benchmark, source)),
        benchmark=benchmark,
        benchmark_source=source,
        export_share_note=(
            f"observed in the OPEC Annual Statistical Bulletin 2018 for {year}: crude exports / "
            f"crude production = {share[year]:.4f} (T53 / T36); the bulletin's last year, used "
            "for every month"),
    )
