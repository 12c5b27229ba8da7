"""Configuration of ``venecon report``: defaults, TOML loading and validation.

The defaults are the standard analysis (the specifications validated in the
model tests). A TOML file given with ``--config`` overrides any of them; every
key is checked and a bad one raises :class:`~venecon.exceptions.ConfigError`
naming the key (dotted, e.g. ``synth.donors``) and the allowed values.

Example ``venecon.toml``::

    [report]
    sections = ["data", "sanctions", "chevron"]   # skip the synthetic control

    [synth]
    study = "my-annual-study"   # a study passed to build_report(studies=...) under this name

The designs (windows, donors, estimator options) are declared in the studies the
sections read (``[sanctions]``, ``[synth]``, ``[chevron]`` name them); change a
design by changing or replacing its study.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..exceptions import ConfigError
from ..userfiles import parse_toml, read_user_toml

__all__ = ["DEFAULTS", "SECTIONS", "SECTION_STUDIES", "load_config", "validate", "section_studies",
           "ConfigError"]

#: Report sections, in report order.
SECTIONS = ("data", "sanctions", "synth", "chevron", "reopening", "revenue", "literature")

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

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


def _err(key: str, problem: str, allowed: str) -> ConfigError:
    return ConfigError(
        f"config key '{key}': {problem}; allowed: {allowed}", key=key, allowed=allowed
    )


def _check_month(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise _err(key, f"{value!r} is not a month", 'a month as "YYYY-MM"')
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


def _check_year(key: str, value: Any) -> int:
    """A calendar year; whether the data cover it is checked where the data are read."""
    import datetime

    return _check_int(key, value, datetime.MINYEAR, datetime.MAXYEAR)


def _check_year_window(key: str, value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) != 2:
        raise _err(
            key, f"{value!r} is not a window of years", "two years [start, end], start <= end"
        )
    a, b = (_check_year(f"{key}[{i}]", v) for i, v in enumerate(value))
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


def _check_study(key: str, value: Any) -> str:
    """The name of the study a section reads (a bundled one unless build_report is given it)."""
    from ..study.spec import StudyError, check_name

    try:
        return check_name(key, value)
    except StudyError:
        raise _err(key, f"{value!r} is not a study name", "a study name, e.g. one of "
                   "venecon.study.bundled_names()") from None


#: ``(section, key)`` of every study a section reads.
SECTION_STUDIES = (
    ("sanctions", "financial"), ("sanctions", "oil"), ("sanctions", "breaks"),
    ("synth", "study"), ("chevron", "study"), ("chevron", "output"), ("reopening", "study"),
)


def section_studies(config: Mapping[str, Any], given: Any = ()) -> list[str]:
    """Names of the studies the configured sections read, in report order, once each.

    Raises
    ------
    ConfigError
        A name that is neither a bundled study nor among ``given`` (study names),
        naming the config key.
    """
    from ..study.bundled import bundled_names

    wanted = config["report"]["sections"]
    known = set(bundled_names()) | set(given)
    for sec, key in SECTION_STUDIES:
        if sec in wanted and config[sec][key] not in known:
            raise _err(f"{sec}.{key}", f"{config[sec][key]!r} is neither a bundled study nor "
                       "a study given to the report",
                       ", ".join(sorted(known)) + " (or pass the Study to "
                       "build_report(studies=...))")
    return list(dict.fromkeys(
        config[sec][key] for sec, key in SECTION_STUDIES if sec in wanted))


def _check_code(key: str, value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9]{2,8}", value):
        raise _err(key, f"{value!r} is not a unit code", "an ISO 3166 alpha-3 code")
    return value


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
    },
    "sanctions": {
        "financial": lambda k, v: _check_study(k, v),
        "oil": lambda k, v: _check_study(k, v),
        "breaks": lambda k, v: _check_study(k, v),
    },
    "chevron": {
        "study": lambda k, v: _check_study(k, v),
        "output": lambda k, v: _check_study(k, v),
        "regimes_since": _check_month,
    },
    "reopening": {
        "study": lambda k, v: _check_study(k, v),
        "count_after": lambda k, v: _check_list(k, v, _check_event_id),
        "marked_since": _check_month,
        "chart_start": _check_month,
        "marked_categories": lambda k, v: _check_list(
            k, v, lambda kk, x: _check_choice(kk, x, _EVENT_CATEGORIES)),
    },
    "synth": {
        "study": lambda k, v: _check_study(k, v),
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
        "deflator_base": lambda k, v: _check_year(k, v),
        "export_share": lambda k, v: _check_float(k, v, 0.0, 1.0, lo_open=True),
        "sensitivity_discounts_usd": lambda k, v: _check_list(
            k, v, lambda kk, x: _check_float(kk, x, 0.0, 100.0)
        ),
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
    _check_deflator_base(config["revenue"])
    return config


def _check_deflator_base(c: dict[str, Any]) -> None:
    """The real-dollar base year lies within the bundled deflator's coverage."""
    if c["deflator"] != "us_cpi":
        return
    from ..exceptions import DateRangeError
    from ..revenue import us_cpi_deflator

    try:
        us_cpi_deflator(str(c["deflator_base"]))
    except DateRangeError as exc:
        raise _err("revenue.deflator_base", f"{c['deflator_base']} is not covered ({exc})",
                   "a year the bundled US CPI covers") from None


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
