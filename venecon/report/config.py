"""Configuration of ``venecon report``: defaults, TOML loading and validation.

The defaults are the standard analysis (the specifications validated in the
model tests). A TOML file given with ``--config`` overrides any of them; every
key is checked and a bad one raises :class:`~venecon.exceptions.ConfigError`
naming the key (dotted, e.g. ``synth.donors``) and the allowed values.

Example ``venecon.toml``::

    [report]
    sections = ["data", "sanctions", "chevron"]   # skip the synthetic control

    [sanctions]
    effect_window = ["YYYY-MM", "YYYY-MM"]   # two months, start <= end

    [synth]
    donors = ["MEX", "NOR", "AGO", "GBR", "SAU", "COL"]
    placebo = false
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..exceptions import ConfigError
from ..userfiles import parse_toml, read_user_toml

__all__ = ["DEFAULTS", "SECTIONS", "load_config", "validate", "ConfigError"]

#: Report sections, in report order.
SECTIONS = ("data", "sanctions", "synth", "chevron", "reopening", "revenue", "literature")

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

#: The declaration of the standard analysis (TOML next to this module): every country code,
#: date and event id of the report lives there or in the bundled studies, not in code.
STANDARD_ANALYSIS = "standard-analysis.toml"


def _standard() -> dict[str, dict[str, Any]]:
    from importlib import resources

    text = resources.files(__package__).joinpath("bundled", STANDARD_ANALYSIS).read_text(
        encoding="utf-8")
    return parse_toml(text)


#: The defaults: the standard analysis (the specifications validated in the model tests).
DEFAULTS: dict[str, dict[str, Any]] = _standard()

_ALLOWED_MODELS = ("sanctions_its", "sanctions_arima", "chevron_its", "chevron_arima")
_ALLOWED_BENCHMARKS = ("brent", "opec_basket")
_SOURCES = ("ei_sr2026", "ei_sr2024")


def _err(key: str, problem: str, allowed: str) -> ConfigError:
    return ConfigError(
        f"config key '{key}': {problem}; allowed: {allowed}", key=key, allowed=allowed
    )


def _check_month(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise _err(key, f"{value!r} is not a month", 'a month as "YYYY-MM"')
    return value


def _check_day(key: str, value: Any) -> str:
    if not isinstance(value, str) or not (_DAY.match(value) or _MONTH.match(value)):
        raise _err(key, f"{value!r} is not a date", 'a date as "YYYY-MM-DD" (or "YYYY-MM")')
    if _DAY.match(value):
        import datetime

        try:
            datetime.date.fromisoformat(value)
        except ValueError as exc:  # the pattern admits impossible days (February 30)
            raise _err(key, f"{value!r} is not a calendar date ({exc})",
                       'a date that exists, as "YYYY-MM-DD"') from exc
    return value


_EVENT_CATEGORIES = ("financial", "oil-trade", "company-licence", "secondary",
                     "military-enforcement", "context")


def _check_event_id(key: str, value: Any) -> str:
    from ..exceptions import EventNotFoundError
    from ..policy.registry import event

    if not isinstance(value, str):
        raise _err(key, f"{value!r} is not an event id", "an id of venecon.events()")
    try:
        event(value)
    except EventNotFoundError as exc:  # its message suggests the closest id
        raise _err(key, f"{value!r} is not an event of the registry ({exc})",
                   "an id of venecon.events()") from None
    return value


def _check_window(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) != 2:
        raise _err(
            key, f"{value!r} is not a window", 'two months ["YYYY-MM", "YYYY-MM"], start <= end'
        )
    a, b = (_check_month(f"{key}[{i}]", v) for i, v in enumerate(value))
    if a > b:
        raise _err(
            key, f"start {a} is after end {b}", 'two months ["YYYY-MM", "YYYY-MM"], start <= end'
        )
    return [a, b]


def _check_int(key: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _err(key, f"{value!r} is out of range", f"an integer from {lo} to {hi}")
    return value


def _check_year_window(key: str, value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) != 2:
        raise _err(
            key, f"{value!r} is not a window of years", "two years [start, end], start <= end"
        )
    a, b = (_check_int(f"{key}[{i}]", v, 1960, 2100) for i, v in enumerate(value))
    if a > b:
        raise _err(key, f"start {a} is after end {b}", "two years [start, end], start <= end")
    return [a, b]


def _check_float(key: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = (lo < value if lo_open else lo <= value) and value <= hi
    if not ok:
        bound = "(" if lo_open else "["
        raise _err(key, f"{value!r} is out of range", f"a number in {bound}{lo}, {hi}]")
    return float(value)


def _check_bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _err(key, f"{value!r} is not a boolean", "true or false")
    return value


def _check_choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise _err(key, f"{value!r} is not allowed", ", ".join(choices))
    return value


def _check_list(key: str, value: Any, item: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _err(key, f"{value!r} is not a list", "a non-empty list")
    return [item(f"{key}[{i}]", v) for i, v in enumerate(value)]


def _check_events(key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise _err(
            key,
            f"{value!r} is not a table of events",
            'a non-empty table {label = "YYYY-MM-DD"}',
        )
    return {str(k): _check_day(f"{key}.{k}", v) for k, v in value.items()}


def _check_codes(key: str, value: Any) -> list[str]:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(v, str) and re.fullmatch(r"[A-Z]{3}", v) for v in value)
    ):
        raise _err(
            key,
            f"{value!r} is not a donor pool",
            'a list of at least two ISO 3166 alpha-3 country codes, e.g. ["MEX", "NOR"]',
        )
    if len(set(value)) != len(value):
        raise _err(key, "duplicated codes in the pool", "distinct ISO alpha-3 codes")
    return list(value)


def _check_studies(key: str, value: Any) -> list[str]:
    from ..study.bundled import bundled_names

    names = bundled_names()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err(key, f"{value!r} is not a list of study names", '["all"], [] or names')
    if value == ["all"]:
        return value
    bad = [v for v in value if v not in names]
    if bad:
        raise _err(key, f"unknown bundled study {', '.join(bad)}", ", ".join(["all", *names]))
    return list(dict.fromkeys(value))


def _check_code(key: str, value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9]{2,8}", value):
        raise _err(key, f"{value!r} is not a unit code", "an ISO 3166 alpha-3 code")
    return value


def _check_windows(key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, Mapping) or not value:
        raise _err(key, f"{value!r} is not a table of windows", '{name = ["YYYY-MM", "YYYY-MM"]}')
    return {str(k): _check_window(f"{key}.{k}", v) for k, v in value.items()}


def _check_str_table(key: str, value: Any, allowed: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise _err(key, f"{value!r} is not a table of strings", allowed)
    return {str(k): v for k, v in value.items()}


def _check_sections(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _err(key, f"{value!r} is not a list of sections", ", ".join(SECTIONS))
    for v in value:
        _check_choice(key, v, SECTIONS)
    return [s for s in SECTIONS if s in value]  # report order, no duplicates


_CHECKS: dict[str, dict[str, Any]] = {
    "report": {
        "treated": lambda k, v: _check_code(k, v),
        "data_months": lambda k, v: _check_list(k, v, _check_month),
        "alpha": lambda k, v: _check_float(k, v, 0.0, 0.5, lo_open=True),
        "sections": _check_sections,
        "chart_start": _check_month,
        "studies": lambda k, v: _check_studies(k, v),
        "reuse": lambda k, v: _check_str_table(k, v, '{model = "study.estimator"}'),
    },
    "sanctions": {
        "start": _check_month,
        "end": _check_month,
        "events": _check_events,
        "financial_window": _check_window,
        "effect_window": _check_window,
        "arima_seed": lambda k, v: _check_int(k, v, 0, 2**32 - 1),
        "lp_horizons": lambda k, v: _check_int(k, v, 1, 24),
        "lp_lags": lambda k, v: _check_int(k, v, 0, 12),
    },
    "chevron": {
        "start": _check_month,
        "exports_series": lambda k, v: _check_choice(k, v, ("exports_value",)),
        "exports_source": lambda k, v: _check_choice(k, v, ("imf_imts",)),
        "deflate_benchmark": lambda k, v: _check_choice(k, v, ("brent", "wti")),
        "deflate_discount_usd": lambda k, v: _check_float(k, v, 0.0, 100.0),
        "deflate_observed_merey": _check_bool,
        "events": _check_events,
        "effect_window": _check_window,
        "regime_windows": _check_windows,
        "arima_seed": lambda k, v: _check_int(k, v, 0, 2**32 - 1),
        "lp_horizons": lambda k, v: _check_int(k, v, 1, 24),
        "lp_lags": lambda k, v: _check_int(k, v, 0, 12),
        "regimes_since": _check_month,
        "output_start": _check_month,
        "output_events": _check_events,
        "output_window": _check_window,
    },
    "reopening": {
        "pre": _check_window,
        "post_start": _check_month,
        "count_after": lambda k, v: _check_list(k, v, _check_event_id),
        "marked_since": _check_month,
        "chart_start": _check_month,
        "marked_categories": lambda k, v: _check_list(
            k, v, lambda kk, x: _check_choice(kk, x, _EVENT_CATEGORIES)),
    },
    "synth": {
        "source": lambda k, v: _check_choice(k, v, _SOURCES),
        "start": lambda k, v: _check_int(k, v, 1965, 2015),
        "treatment": lambda k, v: _check_int(k, v, 1970, 2025),
        "oil_sanctions_year": lambda k, v: _check_int(k, v, 1970, 2025),
        "end": lambda k, v: _check_int(k, v, 1970, 2025),
        "fit_window": _check_year_window,
        "predictor_windows": lambda k, v: (
            [_check_year_window(f"{k}[{i}]", w) for i, w in enumerate(v)]
            if isinstance(v, list) and v
            else _check_year_window(k, v)
        ),
        "predictor_years": lambda k, v: (
            [_check_int(f"{k}[{i}]", y, 1960, 2100) for i, y in enumerate(v)]
            if isinstance(v, list)
            else _check_int(k, v, 1960, 2100)
        ),
        "left_out": lambda k, v: (
            [_check_int(f"{k}[{i}]", y, 1960, 2100) for i, y in enumerate(v)]
            if isinstance(v, list)
            else _check_int(k, v, 1960, 2100)
        ),
        "quota_variant": _check_bool,
        "donors": _check_codes,
        "placebo": _check_bool,
        "leave_one_out": _check_bool,
        "n_jobs": lambda k, v: _check_int(k, v, 1, 64),
        "seed": lambda k, v: _check_int(k, v, 0, 2**32 - 1),
    },
    "revenue": {
        "model": lambda k, v: _check_choice(k, v, _ALLOWED_MODELS),
        "window": _check_window,
        "benchmark": lambda k, v: _check_choice(k, v, _ALLOWED_BENCHMARKS),
        "discount_observed": _check_bool,
        "discount_usd": lambda k, v: _check_float(k, v, 0.0, 100.0),
        "discount_fallback": lambda k, v: _check_choice(k, v, ("median_observed", "fixed")),
        "counterfactual_discount_years": _check_year_window,
        "deflator": lambda k, v: _check_choice(k, v, ("us_cpi", "none")),
        "deflator_base": lambda k, v: _check_int(k, v, 1913, 2025),
        "export_share": lambda k, v: _check_float(k, v, 0.0, 1.0, lo_open=True),
        "sensitivity_discounts_usd": lambda k, v: _check_list(
            k, v, lambda kk, x: _check_float(kk, x, 0.0, 100.0)
        ),
        "comparison_window": _check_window,
        "sensitivity_export_shares": lambda k, v: _check_list(
            k, v, lambda kk, x: _check_float(kk, x, 0.0, 1.0, lo_open=True)
        ),
    },
}


def validate(overrides: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Merge ``overrides`` into the defaults and check every key.

    Returns the full, resolved configuration (a fresh dict).

    Raises
    ------
    ConfigError
        An unknown table or key, or a value of the wrong type or range; the
        message names the dotted key and the allowed values.
    """
    config = copy.deepcopy(DEFAULTS)
    for section, table in (overrides or {}).items():
        if section not in _CHECKS:
            raise _err(section, "unknown table", ", ".join(f"[{s}]" for s in _CHECKS))
        if not isinstance(table, Mapping):
            raise _err(section, f"{table!r} is not a table", f"a [{section}] table")
        for key, value in table.items():
            if key not in _CHECKS[section]:
                raise _err(f"{section}.{key}", "unknown key", ", ".join(_CHECKS[section]))
            config[section][key] = value
    for section, checks in _CHECKS.items():
        for key, check in checks.items():
            config[section][key] = check(f"{section}.{key}", config[section][key])
    s = config["synth"]
    if not s["fit_window"][1] < s["treatment"] <= s["oil_sanctions_year"] <= s["end"]:
        raise _err(
            "synth.treatment",
            f"{s['treatment']} is inconsistent with the other years",
            "fit_window end < treatment <= oil_sanctions_year <= end",
        )
    for i, y in enumerate(s["left_out"]):
        if not s["fit_window"][1] < y < s["treatment"]:
            raise _err(
                f"synth.left_out[{i}]",
                f"{y} is not between the fit window and the first treated year",
                f"years from {s['fit_window'][1] + 1} to {s['treatment'] - 1}",
            )
    if s["start"] > s["fit_window"][0]:
        raise _err(
            "synth.fit_window",
            f"starts before synth.start ({s['start']})",
            "years from synth.start to treatment - 1",
        )
    for i, (a, b) in enumerate(s["predictor_windows"]):
        if a < s["start"] or b >= s["treatment"]:
            raise _err(
                f"synth.predictor_windows[{i}]",
                f"[{a}, {b}] is outside the pre-period",
                f"years from {s['start']} to {s['treatment'] - 1}",
            )
    for i, y in enumerate(s["predictor_years"]):
        if not s["start"] <= y < s["treatment"]:
            raise _err(
                f"synth.predictor_years[{i}]",
                f"{y} is outside the pre-period",
                f"years from {s['start']} to {s['treatment'] - 1}",
            )
    if config["report"]["treated"] in s["donors"]:
        raise _err("synth.donors", "the treated unit is in the pool",
                   f"distinct ISO alpha-3 codes other than {config['report']['treated']}")
    sc = config["sanctions"]
    if sc["start"] >= sc["end"]:
        raise _err(
            "sanctions.end",
            f"{sc['end']} is not after sanctions.start",
            f"a month after {sc['start']}",
        )
    return config


def load_config(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Read a TOML file (or nothing: the defaults) and validate it.

    Raises
    ------
    ConfigError
        The file is missing, is not valid TOML, or fails :func:`validate`.
    """
    if path is None:
        return validate({})
    data = read_user_toml(path, lambda problem, fix: ConfigError(
        f"config file: {problem}; {fix}", key="--config", allowed="a regular UTF-8 TOML file"))
    return validate(data)
