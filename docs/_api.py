"""Write the API reference pages from the public names of each package.

Each public package lists its names in ``__all__``; every name gets an
autosummary entry under the module that defines it, so a function or class
added to a package's ``__all__`` gets its own page at the next build, and a
name that cannot be imported fails the build.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

# (package, title, one-line description) in the order of the data flow.
PACKAGES = [
    ("venecon", "Data, events and errors", "Loading the bundled tables, the events registry and the exceptions."),
    ("venecon.sources", "Live sources", "EIA, FRED and Yahoo clients behind a verified on-disk cache."),
    ("venecon.policy", "Events and regimes", "The sanctions and licence registry turned into regressors and regimes."),
    ("venecon.models", "Models", "Estimators and their immutable results objects."),
    ("venecon.revenue", "Revenue accounting", "Oil revenue, revenue lost and its decomposition."),
    ("venecon.literature", "Published estimates", "The registry of published figures used for comparisons."),
    ("venecon.study", "Studies", "Declared designs that run every applicable estimator with robustness."),
    ("venecon.report", "Report", "The report composed from studies."),
    ("venecon.parallel", "Parallel execution", "joblib locally, Dask on a cluster, deterministic for any backend."),
    ("venecon.limits", "Work bounds", "Documented ceilings on replications and simulations, raised on purpose."),
]


def _entries(package: str) -> list[tuple[str, str]]:
    """``(kind, dotted path)`` for each public name, at its defining module."""
    try:
        mod = importlib.import_module(package)
    except ModuleNotFoundError:
        return []
    out = []
    for name in getattr(mod, "__all__", []):
        if name.startswith("__"):
            continue
        obj = getattr(mod, name)
        home = getattr(obj, "__module__", None) if (inspect.isclass(obj) or callable(obj)) else None
        if home is None or not home.startswith("venecon"):
            home = _defining_module(mod, name)
        kind = "class" if inspect.isclass(obj) else "function" if callable(obj) else "data"
        out.append((kind, f"{home}.{name}"))
    return sorted(set(out), key=lambda e: (e[0] != "function", e[0] != "class", e[1]))


def _defining_module(mod, name: str) -> str:
    lazy = getattr(mod, "_LAZY", {})
    return lazy.get(name, mod.__name__)


def write_api_pages(target: Path) -> None:
    target.mkdir(exist_ok=True)
    toc = []
    for package, title, blurb in PACKAGES:
        entries = _entries(package)
        if not entries:
            continue
        slug = package.replace(".", "_")
        toc.append(slug)
        lines = [title, "=" * len(title), "", blurb, ""]
        for kind, label in (("function", "Functions"), ("class", "Classes"), ("data", "Constants")):
            names = [p for k, p in entries if k == kind]
            if not names:
                continue
            lines += [label, "-" * len(label), "", ".. autosummary::", "   :toctree: generated", ""]
            lines += [f"   ~{p}" for p in names]
            lines.append("")
        _write(target / f"{slug}.rst", "\n".join(lines))
    index = ["API reference", "=============", "",
             "Every public name of venecon, grouped in the order of the data flow: data in, events,",
             "models, results, studies, report. Each model page names the published result or",
             "independent computation it is validated against.", "",
             ".. toctree::", "   :maxdepth: 1", ""] + [f"   {s}" for s in toc]
    _write(target / "index.rst", "\n".join(index) + "\n")


def _write(path: Path, text: str) -> None:
    # Rewrite only on change, so incremental builds stay incremental.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
