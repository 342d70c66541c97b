"""No import cycles among the package's modules (issue 9).

Every ``import`` statement is read with :mod:`ast` — at module level *and* inside functions —
and resolved to the package module it names (``from pkg import name`` is an edge to
``pkg.name`` when that is a module, else to ``pkg``), plus the parent packages whose ``__init__`` the import runs. The resulting directed graph must be
acyclic; a failure prints one cycle.
"""
import ast
from pathlib import Path

import approxbounds

ROOT = Path(approxbounds.__file__).resolve().parent
PKG = "approxbounds"


def _modules() -> dict:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_pkg: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def import_graph() -> dict:
    mods = _modules()
    graph = {m: set() for m in mods}
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(mod, is_pkg, node.level, node.module)
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    names.append(sub if sub in mods else base)
            for name in names:
                # "import a.b.c" names a.b.c; keep the longest prefix that is a package module
                while name and name not in mods:
                    name = name.rpartition(".")[0]
                if name.startswith(PKG) and name != mod:
                    graph[mod].add(name)
                    graph[mod].update(_implicit_parents(mod, name))
    return graph


def _ancestors(mod: str) -> set:
    out = set()
    while "." in mod:
        mod = mod.rpartition(".")[0]
        out.add(mod)
    return out


def _implicit_parents(mod: str, target: str) -> set:
    """Importing ``a.b.c`` first runs ``a/__init__`` and ``a/b/__init__``: those are edges too,
    except to the importing module's own packages (already running)."""
    return _ancestors(target) - _ancestors(mod) - {mod}


def find_cycle(graph: dict):
    colour = {m: 0 for m in graph}
    stack = []

    def visit(m):
        colour[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if colour[n] == 1:
                return stack[stack.index(n):] + [n]
            if colour[n] == 0:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        colour[m] = 2
        return None

    for m in sorted(graph):
        if colour[m] == 0:
            found = visit(m)
            if found:
                return found
    return None


def test_graph_sees_function_level_imports():
    graph = import_graph()
    assert "approxbounds.norms" in graph
    assert sum(len(v) for v in graph.values()) > 100


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_detector_finds_a_planted_cycle():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(g) is not None
    assert find_cycle({"a": {"b"}, "b": set()}) is None
