"""Thin layers: no function of the explorer (``explorer/``, ``streamlit_app.py``) is longer
than 80 lines, and no function of a page script longer than 60 (widgets, then one call per
computation and per figure). Numba kernels (``@njit``, ``@numba.jit``...) are left out: a
hot loop is best read whole. Lines run from the ``def`` to the function's last line,
docstring included; nested functions count on their own too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .test_layers import ROOT

LIMIT = 80
PAGE_LIMIT = 60
FILES = [ROOT / "streamlit_app.py", *sorted((ROOT / "explorer").rglob("*.py"))]
#: Functions over the limit that another branch owns ("path:function": why). Each entry must
#: still be over it (test below): remove it once the function is shortened.
KNOWN = {
    "explorer/data/upload/parse.py:parse_series_file":
        "83 lines; explorer/data/upload/ is rewritten on the uploads branch",
}


def _is_kernel(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in {"njit", "jit", "vectorize", "guvectorize", "stencil", "cfunc"}:
            return True
    return False


def long_functions(source: str, limit: int) -> list[tuple[str, int, int]]:
    """``(name, first line, length)`` of every function of ``source`` longer than ``limit``
    lines, Numba kernels aside."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_kernel(node):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return sorted(found, key=lambda f: f[1])


def limit_of(path: Path) -> int:
    pages = ROOT / "explorer" / "pages"
    return PAGE_LIMIT if pages in path.parents else LIMIT


def test_no_function_of_the_explorer_is_too_long():
    assert len(FILES) > 60 and ROOT / "explorer" / "pages" / "use" / "kmeans.py" in FILES
    found = [f"{path.relative_to(ROOT)}:{line} {name}: {length} lines (limit {limit_of(path)})"
             for path, name, line, length in _over_the_limit()
             if f"{path.relative_to(ROOT)}:{name}" not in KNOWN]
    assert not found, "\n".join(found)


def _over_the_limit():
    for path in FILES:
        for name, line, length in long_functions(path.read_text(encoding="utf-8"),
                                                 limit_of(path)):
            yield path, name, line, length


def test_every_known_exception_is_still_needed():
    over = {f"{path.relative_to(ROOT)}:{name}" for path, name, _, _ in _over_the_limit()}
    assert set(KNOWN) <= over, f"shortened since: remove {sorted(set(KNOWN) - over)} from KNOWN"


def _function(name: str, lines: int, decorator: str = "") -> str:
    body = "".join(f"    x{k} = {k}\n" for k in range(lines - 1))
    return f"{decorator}def {name}():\n{body}"


@pytest.mark.parametrize("decorator", ["", "@cached('x')\n", "@st.fragment\n"])
def test_the_check_counts_every_line_of_a_long_function(decorator):
    source = _function("ok", 80, decorator) + "\n" + _function("long", 81, decorator)
    line = source.splitlines().index("def long():") + 1
    assert long_functions(source, 80) == [("long", line, 81)]


def test_the_check_finds_nested_functions_and_methods():
    source = ("class A:\n" + "".join("    " + line + "\n" for line in
                                     _function("method", 61).splitlines()))
    source += "def outer():\n" + "".join("    " + line + "\n" for line in
                                         _function("inner", 61).splitlines())
    assert [name for name, _, _ in long_functions(source, 60)] == ["method", "outer", "inner"]


@pytest.mark.parametrize("decorator", ["@njit\n", "@numba.njit(cache=True)\n",
                                       "@nb.jit(nopython=True)\n"])
def test_numba_kernels_are_left_out(decorator):
    assert long_functions(_function("kernel", 200, decorator), 80) == []


def test_pages_have_the_lower_limit():
    assert limit_of(ROOT / "explorer" / "pages" / "use" / "kmeans.py") == PAGE_LIMIT
    assert limit_of(ROOT / "explorer" / "web" / "jobs.py") == LIMIT
    assert limit_of(ROOT / "streamlit_app.py") == LIMIT
