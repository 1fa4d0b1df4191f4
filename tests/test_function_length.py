"""No function longer than 80 lines outside the Numba kernels (a kernel is one loop nest that
is read as a whole; everything else splits into named steps), and no function of a page
script longer than 60 (widgets, then one call per computation and per figure).

A function's length runs from its ``def`` line to its last line, less its docstring (a
numpydoc docstring with parameters, maths and examples is documentation, not code; the
issue's figures, ``body`` 117 and ``cost_figure`` 95, are counted so), its decorators and
the functions defined in it: methods and nested functions count on their own (so a factory
of Numba or CUDA kernels is as long as its own code, and each kernel is exempt).
"""

from __future__ import annotations

import ast

import pytest

from tests.test_layers import module_name, project_modules

MAX_LINES = 80
PAGE_MAX_LINES = 60
KERNEL_DECORATORS = {"njit", "jit", "vectorize", "guvectorize", "stencil", "cfunc"}


def _decorator_name(node: ast.expr) -> str:
    """``numba.njit(cache=True)`` -> ``njit``."""
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0]
    is_doc = (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
              and isinstance(first.value.value, str))
    return first.end_lineno - first.lineno + 1 if is_doc else 0


def _nested_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of the functions defined directly in ``node``'s body, decorators included."""
    return sum(child.end_lineno - min([child.lineno, *(d.lineno for d in child.decorator_list)])
               + 1 for child in node.body
               if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))


def long_functions(module: str, source: str, limit: int = MAX_LINES) -> dict[str, int]:
    """``{"module:qualified name": lines}`` of the functions over ``limit`` lines."""
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                lines = (child.end_lineno - child.lineno + 1 - _docstring_lines(child)
                         - _nested_lines(child))
                kernel = {_decorator_name(d) for d in child.decorator_list} & KERNEL_DECORATORS
                if lines > limit and not kernel:
                    found[f"{module}:{name}"] = lines
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def project_long_functions(package: str, limit: int = MAX_LINES) -> dict[str, int]:
    found = {}
    for path in project_modules():
        module = module_name(path)
        if module == package or module.startswith(package + "."):
            found |= long_functions(module, path.read_text(encoding="utf-8"), limit)
    return found


def test_the_checker_measures_functions_methods_and_nested_ones():
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    source = (f"def long():\n{body}\n\n"  # 81 lines
              f"def short():\n{body[:-len(chr(10) + '    x79 = 79')]}\n\n"  # 80 lines
              f"class C:\n    def method(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n"
              f"\n@numba.njit(cache=True)\ndef kernel():\n{body}\n"
              f"\n@njit\ndef kernel2():\n{body}\n"
              f"\n@functools.cache\ndef cached():\n{body}\n"
              f"\ndef outer():\n    def inner():\n    {body.replace(chr(10), chr(10) + '    ')}\n"
              f'\ndef documented():\n    """Docs.\n\n    More docs.\n    """\n{body[:-12]}\n'
              f'\ndef documented_long():\n    """Docs."""\n{body}\n')
    assert long_functions("m", source) == {"m:long": 81, "m:C.method": 81, "m:cached": 81,
                                           "m:outer.inner": 81,
                                           "m:documented_long": 81}


def test_the_core_has_no_long_function_outside_its_kernels():
    assert project_long_functions("softdtw_core") == {}


@pytest.mark.parametrize("package", ["explorer", "streamlit_app"])
def test_the_app_has_no_long_function(package):
    assert project_long_functions(package) == {}


def test_page_scripts_have_no_function_over_60_lines():
    assert project_long_functions("explorer.pages", PAGE_MAX_LINES) == {}
