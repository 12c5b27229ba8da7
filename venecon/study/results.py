"""Immutable results of a study: :class:`Estimate`, :class:`Robustness`, :class:`StudyResults`.

``to_dict`` gives the JSON form written to ``results.json`` under
``studies.<name>``: :func:`venecon.canonical.canonical` with months as
``YYYY-MM`` (sorted keys, no timestamps, floats to :data:`DIGITS` significant
digits, NaN as null).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..canonical import DIGITS, canonical

__all__ = ["Estimate", "Robustness", "StudyResults", "canonical", "verdict_sentence", "DIGITS",
           "sensitivity_text"]

__all__ = ["Estimate", "Robustness", "StudyResults", "period_rows", "verdict_sentence", "DIGITS"]


def period_rows(frame: Any) -> list[dict[str, Any]] | None:
    """A path table as records, its index under ``period`` (``None`` stays ``None``)."""
    if frame is None:
        return None
    return [{"period": i, **row} for i, row in zip(frame.index, frame.to_dict("records"),
                                                   strict=True)]


def verdict_sentence(verdict: str, reasons: tuple[str, ...] | list[str]) -> str:
    """The verdict and its reasons as one sentence, numbered (reasons contain semicolons).

    For example ``Verdict: fragile. Reasons: (1) ...; (2) ...``.
    """
    text = f"Verdict: {verdict}."
    if reasons:
        text += " Reasons: " + "; ".join(
            f"({i}) {r.rstrip('.')}" for i, r in enumerate(reasons, start=1)
        ) + "."
    return text


def _frozen(d: Mapping | None) -> Mapping | None:
    return None if d is None else MappingProxyType(dict(d))



def sensitivity_text(e: Any) -> str:
    """An event-study estimate's pre-trend test and HonestDiD breakdown value ("" if none)."""
    parts = []
    pre = e.extra.get("pretrend_test") or {}
    if "pvalue" in pre:
        parts.append(f"pre-trend test p-value {pre['pvalue']:.3g} ({pre['df']} leads)")
    honest = e.extra.get("honest") or {}
    if "relative_magnitudes" in honest:
        b = honest["relative_magnitudes"]
        parts.append("HonestDiD breakdown value " + ("beyond the search range" if b is None
                                                       else f"Mbar = {b:.3g}")
                     + " (relative magnitudes, effect at event time 0)")
    elif "not_run" in honest:
        parts.append(f"no HonestDiD breakdown value ({honest['not_run']})")
    power = honest.get("pretrend_power")
    if power:
        parts.append(f"linear pre-trend detected with {100 * power['power']:g}% probability "
                     f"from a slope of {abs(power['slope']):.3g} per period (Roth 2022)")
    return "; ".join(parts)

@dataclass(frozen=True)
class Estimate:
    """One estimator's answer for a study (see the contract in the package docstring)."""

    estimator: str
    label: str
    average_effect: float
    lower: float | None
    upper: float | None
    alpha: float
    unit: str
    counterfactual_mean: float | None
    share_of_counterfactual: float | None
    placebo_pvalue: float | None
    pre_rmspe: float | None
    weights: Mapping[str, float] | None
    path: Any
    caveats: tuple[str, ...]
    window: tuple[str, str] = ("", "")
    extra: Mapping[str, Any] = field(default_factory=dict)
    result: Any = field(default=None, compare=False, repr=False)
    #: "credible", "fragile" or "not identified" (:mod:`venecon.study.verdict`); empty
    #: until the study has judged the estimate.
    verdict: str = ""
    verdict_reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", _frozen(self.weights))
        object.__setattr__(self, "extra", _frozen(self.extra))
        object.__setattr__(self, "verdict_reasons", tuple(self.verdict_reasons))

    @property
    def significant(self) -> bool | None:
        """Interval excludes zero, or placebo p-value <= alpha; None without inference."""
        if self.lower is not None and self.upper is not None:
            return not (self.lower <= 0 <= self.upper)
        if self.placebo_pvalue is not None:
            return self.placebo_pvalue <= self.alpha
        return None

    def to_dict(self) -> dict[str, Any]:
        return canonical(
            {
                "estimator": self.estimator,
                "label": self.label,
                "average_effect": self.average_effect,
                "lower": self.lower,
                "upper": self.upper,
                "alpha": self.alpha,
                "unit": self.unit,
                "counterfactual_mean": self.counterfactual_mean,
                "share_of_counterfactual": self.share_of_counterfactual,
                "placebo_pvalue": self.placebo_pvalue,
                "pre_rmspe": self.pre_rmspe,
                "weights": None if self.weights is None else dict(self.weights),
                "caveats": list(self.caveats),
                "window": list(self.window),
                "significant": self.significant,
                "extra": dict(self.extra),
                "path": period_rows(self.path),
                "verdict": self.verdict,
                "verdict_reasons": list(self.verdict_reasons),
            },
            dates="month",
        )


@dataclass(frozen=True)
class Robustness:
    """The specification grid of a study and its summary."""

    table: Any
    n_specifications: int
    median: float | None
    min: float | None
    max: float | None
    share_same_sign: float | None
    share_significant: float | None
    headline: float | None = None
    n_with_inference: int = 0

    @classmethod
    def from_table(cls, table: Any, headline: float | None) -> Robustness:
        import numpy as np

        ok = table[table["status"] == "ok"]
        est = ok["estimate"].to_numpy(dtype="float64")
        if len(est) == 0:
            return cls(table, 0, None, None, None, None, None, headline)
        sign = np.sign(headline) if headline is not None else np.sign(np.median(est))
        sig = ok["significant"].dropna()
        return cls(
            table=table,
            n_specifications=int(len(est)),
            median=float(np.median(est)),
            min=float(est.min()),
            max=float(est.max()),
            share_same_sign=float(np.mean(np.sign(est) == sign)),
            share_significant=None if sig.empty else float(sig.astype(bool).mean()),
            headline=headline,
            n_with_inference=int(len(sig)),
        )

    @property
    def n_significant(self) -> int:
        """Specifications with a test whose result is significant."""
        ok = self.table[self.table["status"] == "ok"]
        return int(ok["significant"].dropna().astype(bool).sum())

    def shares_text(self) -> str:
        """The sign and significance shares with their denominators, in words.

        "10 of 10 specifications have the headline's sign; 3 of 3 specifications
        with a test are significant; 7 have no test".
        """
        n, m = self.n_specifications, self.n_with_inference
        same = round((self.share_same_sign or 0) * n)
        text = f"{same} of {n} specifications have the headline's sign; "
        if m == 0:
            return text + "none has a test"
        text += f"{self.n_significant} of {m} specification{'s' if m != 1 else ''} with a test "
        text += "are significant" if m != 1 else "is significant"
        if n > m:
            text += f"; {n - m} {'have' if n - m != 1 else 'has'} no test"
        return text

    def to_dict(self) -> dict[str, Any]:
        rows = self.table.to_dict("records")
        return canonical(
            {
                "n_specifications": self.n_specifications,
                "median": self.median,
                "min": self.min,
                "max": self.max,
                "share_same_sign": self.share_same_sign,
                "share_significant": self.share_significant,
                "n_with_inference": self.n_with_inference,
                "n_significant": self.n_significant,
                "shares": self.shares_text(),
                "headline": self.headline,
                "specifications": rows,
                "note": "share_significant is over the n_with_inference specifications with "
                "inference (an interval, or a placebo p-value); synthetic-control variants are "
                "refitted without placebos",
            },
            dates="month",
        )


@dataclass(frozen=True)
class StudyResults:
    """Everything a study produced (immutable); ``to_dict`` is its ``results.json`` entry."""

    study: Any
    #: True when the study ran (its estimators were fitted); ``reason`` says why not. Whether
    #: the estimate identifies the effect is ``verdict``, not this flag.
    identified: bool
    reason: str | None
    estimates: Mapping[str, Estimate]
    headline: str | None
    robustness: Robustness | None
    data_choices: Mapping[str, str]
    donors: tuple[str, ...]
    excluded_donors: Mapping[str, str]
    caveats: tuple[str, ...]
    provenance: Mapping[str, Any]
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    panel: Any = field(default=None, compare=False, repr=False)
    #: "credible", "fragile" or "not identified": the headline estimate's verdict, or
    #: "not identified" when the study could not run (:mod:`venecon.study.verdict`).
    verdict: str = "not identified"
    verdict_reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in (
            "estimates",
            "data_choices",
            "excluded_donors",
            "provenance",
            "not_applicable",
        ):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "verdict_reasons", tuple(self.verdict_reasons))

    @property
    def headline_estimate(self) -> Estimate | None:
        return None if self.headline is None else self.estimates[self.headline]

    def caveats_of(self, estimator: str | None = None) -> tuple[str, ...]:
        """The caveats of one estimate (default: the headline): its own, then the study's.

        The single list every table count and every listing of caveats is taken from.
        """
        key = self.headline if estimator is None else estimator
        own = () if key is None else tuple(self.estimates[key].caveats)
        return own + tuple(self.caveats)

    def caveats_beside_verdict(self, estimator: str | None = None) -> tuple[str, ...]:
        """The caveats of :meth:`caveats_of` whose topic the estimate's verdict reasons lack.

        What a paragraph writes after the verdict, so that no caveat appears twice
        (:func:`venecon.study.restated.beside_verdict`); ``results.json`` keeps them all.
        """
        from .restated import beside_verdict

        key = self.headline if estimator is None else estimator
        reasons = self.verdict_reasons if key is None else self.estimates[key].verdict_reasons
        return tuple(beside_verdict(self.caveats_of(key), reasons))

    @property
    def donors_excluded(self) -> list[dict[str, str]]:
        """Every unit left out of the donor pool with its reason, sorted by unit."""
        return [{"unit": u, "reason": why} for u, why in sorted(self.excluded_donors.items())]

    def verdict_text(self) -> str:
        """The verdict and its numbered reasons (see :func:`verdict_sentence`)."""
        return verdict_sentence(self.verdict, self.verdict_reasons)

    def summary(self, markdown: bool = False) -> str:
        """The headline sentence: what was estimated, interval, robustness, verdict, caveats.

        The one headline sentence of a study (``results.json`` ``summary``, the
        report's study paragraphs with ``markdown=True``, which sets the title and
        the estimate in bold). A study that did not run says why (its verdict is
        "not identified"); a headline never appears without its verdict and the
        caveats its own diagnostics raise (or the statement that none were raised).
        Each is said once: a caveat a verdict reason states is not listed again
        (:meth:`caveats_beside_verdict`).
        """
        from .._text import est, num, percent, pvalue_text

        s = self.study
        bold = "**" if markdown else ""
        if not self.identified or self.headline_estimate is None:
            return f"{bold}{s.title}{bold}: did not run: {self.reason}. {self.verdict_text()}"
        e = self.headline_estimate
        value = est(e.average_effect, e.lower, e.upper)
        text = (f"{bold}{s.title}{bold} ({e.label}; outcome in {e.unit}, post window "
                f"{e.window[0]} to {e.window[1]}): average effect {bold}{value} {e.unit}{bold}")
        text += (f" ({100 * (1 - e.alpha):g}% interval)" if e.lower is not None
                 else " (no interval for this estimator)")
        if e.share_of_counterfactual is not None:
            text += f", {percent(e.share_of_counterfactual)} of the counterfactual"
        if e.placebo_pvalue is not None:
            text += f", placebo p-value {pvalue_text(e.placebo_pvalue)}"
        if sensitivity_text(e):
            text += f"; {sensitivity_text(e)}"
        text += "."
        rob = self.robustness
        if rob is not None and rob.n_specifications:
            text += (f" Robustness: across {rob.n_specifications} specifications the estimate "
                     f"runs from {num(rob.min)} to {num(rob.max)} {e.unit} (median "
                     f"{num(rob.median)}); {rob.shares_text()}.")
        else:
            text += " Robustness: no alternative specification was run."
        text += " " + self.verdict_text()
        caveats = self.caveats_beside_verdict()
        if caveats:
            text += " Caveats: " + "; ".join(c.rstrip(".") for c in caveats) + "."
        elif self.caveats_of():
            text += " Caveats: none beyond the verdict's reasons."
        else:
            text += " Its diagnostics raised no caveat."
        return text

    def literature(self) -> list[dict[str, Any]]:
        """The declared literature comparisons (:mod:`venecon.literature`), as published.

        Published declines are positive numbers; venecon's effects are signed
        (a fall is negative): flip the sign of one side before plotting both.
        """
        from ..literature import published

        return [published(k).to_dict() for k in self.study.literature]

    def to_dict(self) -> dict[str, Any]:
        s = self.study
        return canonical(
            {
                "name": s.name,
                "title": s.title,
                "treated": s.treated,
                "frequency": s.frequency,
                "identified": self.identified,
                "reason": self.reason,
                "headline": self.headline,
                "estimates": {k: v.to_dict() for k, v in self.estimates.items()},
                "robustness": None if self.robustness is None else self.robustness.to_dict(),
                "data_choices": dict(self.data_choices),
                "donors": list(self.donors),
                "donors_excluded": self.donors_excluded,
                "donor_flags": dict(s.design.donor_flags),
                "confounders": list(s.design.confounders),
                "verdict": self.verdict,
                "verdict_reasons": list(self.verdict_reasons),
                "caveats": list(self.caveats),
                "not_applicable": dict(self.not_applicable),
                "provenance": dict(self.provenance),
                "literature": self.literature(),
                "declaration": s.to_dict(),
                "summary": self.summary(),
            },
            dates="month",
        )
