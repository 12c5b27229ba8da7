"""One argument vocabulary for the model constructors, and the old spellings it replaces.

Every model names its columns and options the same way: ``unit`` (the unit
column of a panel), ``time``, ``outcome``, ``outcome_unit`` (the outcome's unit
of measure, e.g. ``"kb/d"``), ``seed`` and ``control_group``. Earlier
spellings still work for now: :func:`renamed_arguments` maps them to the new
name with a ``FutureWarning`` that says which to use.

========================================  ===========================
old                                       new
========================================  ===========================
``PanelDiD(entity=)``                     ``unit=``
``PanelEventStudy(entity=)``              ``unit=``
``SunAbraham(entity=, control=)``         ``unit=``, ``control_group=``
``PanelOptions(entity=)``, ``.entity``    ``unit=``, ``.unit``
``SyntheticControl(rng=)``                ``seed=``
``ITS(unit=)``                            ``outcome_unit=``
``InterventionARIMA(unit=)``              ``outcome_unit=``
``LocalProjections(unit=)``               ``outcome_unit=``
``StructuralBreaks(unit=)``               ``outcome_unit=``
========================================  ===========================

Renamed results methods and attributes warn through :func:`warn_renamed`:

==============================================  ==============================================
old                                             new
==============================================  ==============================================
``SyntheticControlResults.placebo_space()``     ``placebo()``
``SyntheticControlResults.with_placebo()``      ``placebo()`` (the result then carries the test)
``SyntheticControlResults.placebo.<attr>``      ``placebo_result.<attr>`` or ``placebo().<attr>``
``.unit`` of ITS, ARIMA, SC and SDID results    ``outcome_unit``
==============================================  ==============================================
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ...exceptions import ModelSpecificationError

__all__ = ["renamed_arguments", "rename_keywords", "warn_renamed"]

F = TypeVar("F", bound=Callable[..., Any])


def warn_renamed(old: str, new: str, *, stacklevel: int = 2) -> None:
    """Warn (``FutureWarning``) that ``old`` is now called ``new`` and will be removed.

    ``stacklevel`` as the caller would pass it to :func:`warnings.warn` (2: the line
    that called the caller).
    """
    warnings.warn(f"{old} is now called {new}; the old name will be removed in a future "
                  "release", FutureWarning, stacklevel=stacklevel + 1)


def rename_keywords(kwargs: dict[str, Any], renames: Mapping[str, str],
                    where: str) -> dict[str, Any]:
    """``kwargs`` with every old name in ``renames`` replaced by its new name (and a warning).

    Giving both the old and the new name is an error: which one was meant is unknown.
    The warning points at the caller of the function that calls this one.
    """
    out = dict(kwargs)
    for old, new in renames.items():
        if old not in out:
            continue
        if new in out:
            raise ModelSpecificationError(
                f"{where}: {old}= is the old name of {new}=; give {new}= only")
        warn_renamed(f"{where}: {old}=", f"{new}=", stacklevel=3)
        out[new] = out.pop(old)
    return out


def renamed_arguments(**renames: str) -> Callable[[F], F]:
    """Decorate ``__init__``: each keyword ``old`` works as ``renames[old]``, with a warning.

    The wrapper is one more frame between the caller and ``__init__``: a warning
    raised in the decorated ``__init__`` needs ``stacklevel`` one higher to name
    the caller's line.
    """

    def wrap(init: F) -> F:
        @functools.wraps(init)
        def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            return init(self, *args, **rename_keywords(kwargs, renames, type(self).__name__))

        inner.renamed_arguments = dict(renames)  # type: ignore[attr-defined]
        return inner  # type: ignore[return-value]

    return wrap
