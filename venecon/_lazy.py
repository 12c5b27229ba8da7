"""Lazy attribute loading for venecon's packages (PEP 562).

Each package maps its public names to the module defining them; the module is
imported on first access, so ``import venecon`` does not pull in pandas,
statsmodels or matplotlib.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def attach(
    package: str, names: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict
        Public name -> defining module, absolute (``"venecon.data.load"``) or
        relative to the package (``"registry"``).
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        path = module if module.startswith("venecon.") else f"{package}.{module}"
        value = getattr(import_module(path), name)
        setattr(sys.modules[package], name, value)  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__


def moved(package: str, names: dict[str, str], version: str) -> Callable[[str], Any]:
    """``__getattr__`` for names that moved out of ``package`` in ``version``.

    The old spelling keeps working with a :class:`FutureWarning` that names the new home
    (``names``: old name -> defining module, absolute).
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import warnings

        warnings.warn(f"{package}.{name} moved to {module}.{name} in venecon {version}; "
                      f"import it from there", FutureWarning, stacklevel=2)
        return getattr(import_module(module), name)

    return __getattr__
