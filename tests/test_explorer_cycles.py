"""No import cycle in the explorer: every module of ``explorer/`` and ``streamlit_app.py`` is
parsed (``ast``, with :func:`tests.test_layers.imports`: imports inside functions included,
relative imports resolved) into a graph of which module imports which, and the graph must
have no cycle. A cycle "broken at run time" by an import inside a function still counts:
such a pair of modules cannot be understood, tested or moved one without the other.

An edge goes to the module an import loads: ``from explorer.web import jobs`` to
``explorer.web.jobs``; ``from explorer.data import load_dataset`` to the package
``explorer.data`` (its ``__init__``). The implicit import of parent packages is left out, as
Python handles it.
"""

from __future__ import annotations

import pytest

from .test_layers import ROOT, imports, module_name

FILES = [ROOT / "streamlit_app.py", *sorted((ROOT / "explorer").rglob("*.py"))]


def sources() -> dict[str, tuple[str, bool]]:
    """Every module of the explorer: name -> (source, is a package)."""
    return {module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
            for p in FILES}


def graph(modules: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the modules of ``modules`` it imports (anywhere in its source)."""
    edges: dict[str, set[str]] = {}
    for name, (source, is_package) in modules.items():
        out = edges.setdefault(name, set())
        for _, names in imports(name, source, is_package=is_package):
            known = {n for n in names if n in modules}
            for n in known:
                # "from P import a, b": P itself is loaded for a name that is not a module
                children = [m for m in names if m.startswith(n + ".")]
                if children and all(m in modules for m in children):
                    continue
                if n != name:
                    out.add(n)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component that has one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan; the graph is small, recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_cycle_in(set(component), edges))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _cycle_in(component: set[str], edges: dict[str, set[str]]) -> list[str]:
    """A cycle through the first module of a strongly connected component (breadth first)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & component):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def test_the_explorer_has_no_import_cycle():
    modules = sources()
    edges = graph(modules)
    assert len(modules) > 60 and "explorer.web.jobs" in edges["explorer.web.cached.kmeans"]
    assert "explorer.web.memo" in edges["explorer.web.jobs"]
    found = cycles(edges)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize("leaf", ["explorer.web.memo", "explorer.web.job_types"])
def test_the_job_and_cache_machinery_imports_nothing_else_of_the_web_layer(leaf):
    """The caching machinery and the jobs' shared types are what the rest of the web layer
    builds on: they import no module of it (so no loop can pass through them)."""
    edges = graph(sources())
    assert not {m for m in edges[leaf] if m.startswith("explorer.web")}, edges[leaf]
    assert not {m for m in edges[leaf] if m.startswith("explorer.pages")}


@pytest.mark.parametrize("module, planted", [
    # an import inside a function (the old cache.py <-> jobs.py loop)
    ("explorer.web.memo", "\ndef f():\n    from explorer.web import jobs\n"),
    # a relative import: jobs -> cached.kmeans -> jobs
    ("explorer.web.jobs", "\nfrom .cached import kmeans\n"),
    # through a package: explorer.logic's __init__ -> common -> formatting -> explorer.logic
    ("explorer.logic", "\nfrom . import common\n"),
])
def test_the_check_catches_a_planted_cycle(module, planted):
    modules = sources()
    source, is_package = modules[module]
    modules[module] = (source + planted, is_package)
    if module == "explorer.logic":  # and formatting loads the package for a name of it
        text, pkg = modules["explorer.logic.formatting"]
        modules["explorer.logic.formatting"] = (text + "\nfrom explorer.logic import NAME\n", pkg)
    found = cycles(graph(modules))
    assert len(found) == 1 and module in found[0], found
    assert found[0][0] == found[0][-1]


def test_a_package_that_imports_its_submodules_is_no_cycle():
    modules = {"p": ("from .a import x\nfrom . import b\n", True),
               "p.a": ("from . import b\n", False),
               "p.b": ("x = 1\n", False)}
    assert graph(modules) == {"p": {"p.a", "p.b"}, "p.a": {"p.b"}, "p.b": set()}
    assert cycles(graph(modules)) == []
    modules["p.b"] = ("from p import x\n", False)  # x lives in p's __init__: p is loaded
    assert cycles(graph(modules)) == [["p", "p.b", "p"]]
