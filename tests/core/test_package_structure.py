"""Module boundaries of softdtw_core, checked on the source: no module reaches into another
public module's private names; shared helpers live in the underscore modules made for it."""

import ast
from pathlib import Path

import softdtw_core

PACKAGE = Path(softdtw_core.__file__).parent


def _private_imports(source: str):
    """``(module, name)`` for every ``from .module import _name`` (or
    ``from softdtw_core.module import _name``) where ``module`` is public (its name does not
    start with an underscore)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.level >= 1 or node.module.startswith("softdtw_core."):
            module = node.module.split(".")[-1]
            if module.startswith("_"):
                continue  # _validation, _dp, _wavefront, ...: designed for sharing
            found += [(module, a.name) for a in node.names if a.name.startswith("_")]
    return found


def test_the_checker_sees_a_private_import():
    assert _private_imports("from .barycenter import _setup, resample\n") == [
        ("barycenter", "_setup")
    ]
    assert _private_imports("from softdtw_core.recursion import _x\n") == [("recursion", "_x")]
    assert _private_imports("from ._barycenter import setup\nfrom . import _cache\n") == []


def test_no_module_imports_private_names_of_a_public_module():
    offenders = {
        path.name: found
        for path in sorted(PACKAGE.glob("*.py"))
        if (found := _private_imports(path.read_text()))
    }
    assert offenders == {}
