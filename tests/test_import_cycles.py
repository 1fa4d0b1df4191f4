"""No import cycle in the project: the import graph of ``softdtw_core``, ``explorer`` and
``streamlit_app.py``, built from the source (``ast``, imports inside functions included,
relative imports resolved by the helpers of :mod:`tests.test_layers`), has no cycle.

An edge ``a -> b`` means a statement of ``a`` imports project module ``b``; ``from p import
m`` where ``p.m`` is a module is an edge to ``p.m`` only (Python runs the package ``p``
first, but that is not ``a``'s doing). A cycle is reported as a strongly connected component
(the modules that reach each other) with one concrete loop through it.
"""

from __future__ import annotations

import pytest

from tests.test_layers import imports, module_name, project_modules


def import_targets(names: set[str], modules: set[str]) -> set[str]:
    """The project modules one import statement names (see the module docstring)."""
    found = {n for n in names if n in modules}
    for base in list(found):
        children = {n for n in names if n.rpartition(".")[0] == base}
        if children and children <= modules:  # from base import submodule(s)
            found.discard(base)
    return found


def import_graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """``{module: the project modules it imports}`` from ``{module: (source, is_package)}``."""
    modules = set(sources)
    graph = {}
    for module, (source, is_package) in sources.items():
        graph[module] = set()
        for _, names in imports(module, source, is_package=is_package):
            graph[module] |= import_targets(names, modules) - {module}
    return graph


def project_graph() -> dict[str, set[str]]:
    return import_graph({module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
                         for p in project_modules()})


def strongly_connected(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def one_loop(graph: dict[str, set[str]], component: frozenset[str]) -> list[str]:
    """A loop ``a -> b -> ... -> a`` inside ``component``, for the failure message."""
    start = min(component)
    parents, queue = {start: None}, [start]
    while queue:  # breadth first: a shortest way back to start
        node = queue.pop(0)
        for child in sorted(graph[node] & component):
            if child == start:
                path = [node]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if child not in parents:
                parents[child] = node
                queue.append(child)
    raise AssertionError(f"{sorted(component)} is not strongly connected")


def describe(graph, components) -> str:
    return "\n".join(" -> ".join(one_loop(graph, c)) for c in components)


def test_the_checker_finds_a_planted_cycle():
    graph = import_graph({
        "pkg": ("from .a import f", True),
        "pkg.a": ("def f():\n    from .b import g  # inside a function: still an edge", False),
        "pkg.b": ("from pkg import c", False),
        "pkg.c": ("import pkg.a\nimport numpy", False),
        "pkg.d": ("from . import a, b", False),  # imports into the loop, is not part of it
    })
    assert graph["pkg.d"] == {"pkg.a", "pkg.b"} and graph["pkg.b"] == {"pkg.c"}
    components = strongly_connected(graph)
    assert components == [frozenset({"pkg.a", "pkg.b", "pkg.c"})]
    assert describe(graph, components) == "pkg.a -> pkg.b -> pkg.c -> pkg.a"


def test_a_package_importing_its_submodules_is_no_cycle():
    graph = import_graph({
        "pkg": ("from .a import f\nfrom . import b", True),
        "pkg.a": ("from pkg import b", False),
        "pkg.b": ("X = 1", False),
    })
    assert graph == {"pkg": {"pkg.a", "pkg.b"}, "pkg.a": {"pkg.b"}, "pkg.b": set()}
    assert strongly_connected(graph) == []
    graph["pkg.b"].add("pkg")  # b importing a name of its package's __init__ closes a loop
    assert strongly_connected(graph) == [frozenset({"pkg", "pkg.a", "pkg.b"})]


def test_the_project_graph_is_complete():
    graph = project_graph()
    assert {"softdtw_core", "softdtw_core._internal.dp", "explorer.web.jobs",
            "streamlit_app"} <= set(graph)
    assert "softdtw_core._internal.wavefront" in graph["softdtw_core._internal.dp"]
    assert "softdtw_core.warmup" not in graph["softdtw_core.recursion"]


@pytest.mark.parametrize("package", ["softdtw_core", "explorer", "streamlit_app"])
def test_no_import_cycle(package):
    graph = project_graph()
    found = [c for c in strongly_connected(graph)
             if any(m == package or m.startswith(package + ".") for m in c)]
    assert not found, "import cycles:\n" + describe(graph, found)


@pytest.mark.parametrize("leaf", ["explorer.web.memo", "explorer.web.job_types"])
def test_the_job_and_cache_machinery_imports_nothing_else_of_the_web_layer(leaf):
    """The caching machinery and the jobs' shared types are what the rest of the web layer
    builds on: they import no other module of it (so no loop can pass through them)."""
    out = project_graph()[leaf]
    assert not {m for m in out if m.startswith(("explorer.web", "explorer.pages"))}, out
