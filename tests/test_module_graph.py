"""The house: no import circles and no cross-module private names in ``venecon``.

Every ``import`` in the package is read with :mod:`ast`, including imports
inside functions (a function-level import hides a circle from Python but not
from a reader or a refactoring). Imports under ``if TYPE_CHECKING:`` are left
out: they never run. A module may import a private *module* (``_qp``) but not
another module's private names (``from .synth import _Engine``,
``_inputs._event_date(...)``).

"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "venecon"

def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(current: str, level: int, module: str | None) -> str:
    """Absolute name of a (possibly relative) import in module ``current``."""
    if level == 0:
        return module or ""
    base = current.split(".")
    if not _is_package(current):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skip.update(id(n) for n in ast.walk(child))
    return skip


def _scan(name: str, path: Path) -> tuple[set[str], list[str]]:
    """(modules of ``venecon`` that ``name`` imports at run time, private-name uses)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    edges: set[str] = set()
    private: list[str] = []
    module_aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "venecon":
                    edges.add(a.name)
                    module_aliases[a.asname or a.name.split(".")[0]] = a.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node.level, node.module)
            if target.split(".")[0] != "venecon":
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                if sub in MODULES:  # ``from . import x`` imports the module x
                    edges.add(sub)
                    module_aliases[a.asname or a.name] = sub
                    continue
                edges.add(target)
                if a.name.startswith("_") and not a.name.startswith("__"):
                    private.append(f"{name} imports {target}.{a.name}")
    for node in ast.walk(tree):
        if (
            id(node) not in skip
            and isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            private.append(f"{name} uses {module_aliases[node.value.id]}.{node.attr}")
    edges = {e for e in edges if e in MODULES and e != name}
    return edges, sorted(set(private))


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    graph, private = {}, []
    for name, path in MODULES.items():
        graph[name], found = _scan(name, path)
        private += found
    # importing a package's own submodule from its __init__ (or the reverse through
    # the package object) is how packages are built, not a circle between modules
    for name in graph:
        graph[name] = {e for e in graph[name] if not (_is_package(e) and name.startswith(e + "."))}
    return graph, private


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_scanner_sees_function_level_imports_and_private_names(tmp_path):
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .b import _Hidden\n"
        "def f():\n    from .b import _Engine\n    from . import qp\n    return qp._solve_ones\n"
    )
    path = PACKAGE / "models" / "synth" / "qp.py"  # the module the fake code imports
    fake = tmp_path / "a.py"
    fake.write_text(code)
    edges, private = _scan("venecon.models.synth.model", fake)
    assert edges == {"venecon.models.synth.qp"}  # b is no module: no edge; TYPE_CHECKING skipped
    assert private == [
        "venecon.models.synth.model imports venecon.models.synth.b._Engine",
        "venecon.models.synth.model uses venecon.models.synth.qp._solve_ones",
    ]
    assert path.is_file()
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles():
    graph, _ = _graph()
    found = {("circle", " -> ".join(c)) for c in _cycles(graph)}
    assert found == set(), sorted(found)


def test_no_cross_module_private_names():
    _, private = _graph()
    found = {("private", p) for p in private}
    assert found == set(), "\n".join(sorted(p for _, p in found))
