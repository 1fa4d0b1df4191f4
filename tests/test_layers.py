"""The layers import only downwards: pages -> web -> plots -> logic -> data / softdtw_core.

Every module of ``explorer/``, ``softdtw_core/`` and ``streamlit_app.py`` is parsed (``ast``)
and its imports, including those inside functions, are checked against the rules below;
then a fresh interpreter imports the Streamlit-free layers and must not have loaded Streamlit.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (the modules a rule applies to, the imports they may not make, why)
RULES = [
    (lambda m: not m.startswith(("explorer.web", "explorer.pages", "streamlit_app")),
     ("streamlit",), "only explorer.web, explorer.pages and streamlit_app import Streamlit"),
    (lambda m: m.startswith(("explorer.logic", "explorer.data")),
     ("plotly", "explorer.plots", "explorer.web", "explorer.pages"),
     "logic and data are pure: no Plotly, nothing from the layers above"),
    (lambda m: m.startswith("explorer.data"), ("explorer.logic",),
     "data is the bottom layer of the explorer"),
    (lambda m: m.startswith("explorer.plots"), ("explorer.web", "explorer.pages"),
     "figure builders know nothing of Streamlit or the pages"),
    (lambda m: m.startswith("explorer.web"), ("explorer.pages",),
     "the Streamlit layer serves the pages, never imports them"),
    (lambda m: m.startswith("softdtw_core"), ("explorer", "streamlit", "plotly"),
     "the core library has no UI"),
]


def module_name(path: Path) -> str:
    """``explorer/web/memo.py`` -> ``explorer.web.memo`` (``__init__`` -> its package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(module: str, source: str, *, is_package: bool = False) -> list[tuple[int, set]]:
    """Each import statement of a source: its line and the modules it names, relative imports
    resolved; ``from a import b`` names both ``a`` and ``a.b`` (``b`` may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.append((node.lineno, {alias.name for alias in node.names}))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, {base} | {f"{base}.{a.name}" for a in node.names}))
    return found


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """The rules ``module`` breaks, one line per import statement and rule."""
    found = []
    for line, names in imports(module, source, is_package=is_package):
        for applies, forbidden, why in RULES:
            hits = sorted(n for n in names if any(n == f or n.startswith(f + ".")
                                                  for f in forbidden))
            if applies(module) and hits:
                found.append(f"{module}, line {line}: imports {hits[-1]}: {why}")
    return found


def project_modules() -> list[Path]:
    files = [ROOT / "streamlit_app.py"]
    for package in ("explorer", "softdtw_core"):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_every_module_imports_only_downwards():
    files = project_modules()
    assert len(files) > 40 and ROOT / "explorer" / "pages" / "use" / "kmeans.py" in files
    found = []
    for path in files:
        found += violations(module_name(path), path.read_text(encoding="utf-8"),
                            is_package=path.name == "__init__.py")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module, source, broken", [
    ("explorer.logic.cost_table", "import streamlit as st", "only explorer.web"),
    ("explorer.logic.bellman", "def f():\n    import plotly.graph_objects as go",
     "logic and data are pure"),
    ("explorer.logic.kmeans", "from explorer.plots import style", "logic and data are pure"),
    ("explorer.logic.common", "from ..web import memo", "logic and data are pure"),
    ("explorer.data.export", "from explorer.logic import formatting", "bottom layer"),
    ("explorer.plots.style", "from explorer import web", "figure builders"),
    ("explorer.plots.style", "from streamlit import cache_data", "only explorer.web"),
    ("explorer.web.cached.kmeans", "from explorer.pages import home", "never imports them"),
    ("softdtw_core.recursion", "import explorer.data", "no UI"),
    ("softdtw_core.recursion", "from plotly import io", "no UI"),
])
def test_the_check_catches_an_upward_import(module, source, broken):
    found = violations(module, source)
    assert len(found) == 1 and broken in found[0], found


@pytest.mark.parametrize("module, source", [
    ("explorer.web.cached.loss", "import streamlit as st\nfrom explorer.plots import loss"),
    ("explorer.pages.home", "from explorer.web import registry"),
    ("streamlit_app", "import streamlit as st"),
    ("explorer.plots.style", "from explorer.logic.common import block_average"),
    ("explorer.logic.gamma_explorer", "from . import formatting\nimport softdtw_core as sd"),
    ("explorer.data", "from .export import series_to_csv"),
])
def test_the_check_allows_a_downward_import(module, source):
    assert violations(module, source, is_package=module == "explorer.data") == []


def test_relative_imports_are_resolved():
    assert imports("explorer.logic.softmin", "from . import formatting") == [
        (1, {"explorer.logic", "explorer.logic.formatting"})]
    assert "explorer.web.memo" in imports("explorer.plots.style", "from ..web import memo")[0][1]
    assert "explorer.web.memo" in imports("explorer.web.cached.loss", "from ..memo import x")[0][1]
    assert "explorer.data.export" in imports("explorer.data", "from .export import x",
                                             is_package=True)[0][1]


def test_the_pure_layers_load_without_streamlit():
    modules = sorted(module_name(p) for p in project_modules()
                     if module_name(p).startswith(("explorer.logic", "explorer.plots",
                                                   "explorer.data", "softdtw_core")))
    assert "explorer.plots.cost_table" in modules and "explorer.logic.barycenters" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "    if 'streamlit' in sys.modules:\n"
            "        print(name, 'loaded streamlit')\n"
            "        break\n"
            "else:\n"
            f"    print({len(modules)}, 'modules, no streamlit')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=True)
    assert out.stdout.strip() == f"{len(modules)} modules, no streamlit", out.stdout
