"""The estimator registry of studies: name -> :class:`~venecon.study.adapters.base.Adapter`.

Registration order is the order of preference for the default headline and
of the ``estimator`` dimension of the robustness grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..checks import StudyError, check_table
from .base import Adapter

__all__ = ["register", "adapter", "adapters", "names", "parse_estimators", "run_estimator"]

_REGISTRY: dict[str, Adapter] = {}


def register(item: Adapter) -> Adapter:
    """Add an adapter; its :attr:`~Adapter.name` becomes a ``[study.estimators]`` table.

    Raises
    ------
    TypeError
        Not an :class:`Adapter`, or the name is taken.
    """
    if not isinstance(item, Adapter):
        raise TypeError(f"register takes an Adapter, got {type(item).__name__}")
    if item.name in _REGISTRY and _REGISTRY[item.name] is not item:
        raise TypeError(f"an estimator named {item.name!r} is already registered")
    _REGISTRY[item.name] = item
    return item


def names() -> tuple[str, ...]:
    """The registered estimator names, in registration order."""
    return tuple(_REGISTRY)


def adapters() -> tuple[Adapter, ...]:
    """The registered adapters, in registration order."""
    return tuple(_REGISTRY.values())


def adapter(name: str, key: str = "study.estimators") -> Adapter:
    """The adapter of ``name``; a :class:`StudyError` at ``key.name`` if there is none."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise StudyError(f"{key}.{name}", "unknown key", f"use one of {', '.join(_REGISTRY)}"
                         ) from None


def parse_estimators(key: str, value: Any) -> dict[str, Any]:
    """``[study.estimators]``: each table parsed by its adapter into its options object."""
    if not isinstance(value, Mapping):
        raise StudyError(key, f"{value!r} is not a table", f"write a [{key}] table")
    table = check_table(key, value, names())
    if not table:
        raise StudyError(key, "names no estimator", f"add one of {', '.join(names())}")
    return {name: adapter(name, key).parse(f"{key}.{name}", opts) for name, opts in table.items()}


def run_estimator(name: str, ctx: Any, opts: Any, n_jobs: int = 1, inference: bool = True) -> Any:
    """Run one estimator on a design; module-level so joblib/Dask can pickle it."""
    return _REGISTRY[name].run(ctx, opts, n_jobs=n_jobs, inference=inference)
