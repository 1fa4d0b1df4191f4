"""The recipe for a new page (``explorer/web/registry.py``'s docstring and
``docs/guides/new-page.md``) holds for every page: each registered page has its script and
the modules of its family, named as the page is, and every module of ``logic/``, ``plots/``
and ``web/cached/`` belongs to a page family or is declared neutral in the registry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.web import registry

ROOT = Path(__file__).resolve().parents[1]
EXPLORER = ROOT / "explorer"
#: The folders with one module per page family: (folder, every family must have one).
FAMILY_FOLDERS = (("logic", True), ("plots", True), ("web/cached", False))


def modules(folder: str) -> set[str]:
    """The module names of ``explorer/<folder>/`` (not its ``__init__``)."""
    return {p.stem for p in (EXPLORER / folder).glob("*.py") if p.stem != "__init__"}


def families(pages=registry.PAGES) -> set[str]:
    return {p.family for p in pages if p.family is not None}


def missing_modules(pages, present: dict[str, set[str]]) -> list[str]:
    """What the recipe asks for and ``present`` (folder -> module names) lacks."""
    found = []
    names = {p.name for p in pages}
    for p in pages:
        if not (ROOT / p.script).is_file():
            found.append(f"{p.name}: no page script {p.script}")
        if p.script != f"explorer/pages/{p.section.lower()}/{p.name}.py" and p.section:
            found.append(f"{p.name}: its script is not explorer/pages/<section>/<name>.py")
        if p.family is not None and p.family not in names:
            found.append(f"{p.name}: its family {p.family!r} is no registered page")
    for family in sorted(families(pages)):
        for folder, required in FAMILY_FOLDERS:
            if required and family not in present[folder]:
                found.append(f"family {family}: no explorer/{folder}/{family}.py")
    return found


def strays(pages, present: dict[str, set[str]], neutral: dict) -> list[str]:
    """Modules that belong to no page family and are not declared neutral."""
    return [f"explorer/{folder}/{name}.py belongs to no page family and is not neutral"
            for folder, _ in FAMILY_FOLDERS
            for name in sorted(present[folder] - families(pages) - set(neutral.get(folder, ())))]


def present_modules() -> dict[str, set[str]]:
    return {folder: modules(folder) for folder, _ in FAMILY_FOLDERS}


def test_every_page_has_its_script_and_modules():
    present = present_modules()
    assert {"kmeans", "cost_table", "your_data"} <= present["logic"]
    assert missing_modules(registry.PAGES, present) == []


def test_every_module_belongs_to_a_page_family_or_is_neutral():
    assert strays(registry.PAGES, present_modules(), registry.NEUTRAL) == []


def test_the_neutral_modules_exist_and_are_no_family():
    present = present_modules()
    for folder, names in registry.NEUTRAL.items():
        assert set(names) <= present[folder], folder
        assert not set(names) & families(), folder


def test_a_page_that_shares_says_so():
    home = registry.page("home")
    assert home.family is None
    assert registry.page("kmeans").family == "kmeans"
    info = registry.PageInfo("Use", "explorer/pages/use/x.py", "X", ":material/home:", "x", "x",
                             family="kmeans")
    assert info.family == "kmeans" and info.name == "x"


def test_a_family_page_imports_its_own_modules():
    """Each page script imports its family's plots module and its logic module (directly or
    through its cached entry points): that is what makes them its own. A page without a
    family imports no family's module."""
    folders = ("logic", "plots", "web.cached")
    for p in registry.PAGES:
        text = (ROOT / p.script).read_text(encoding="utf-8")
        imported = set()
        for folder in folders:
            for line in re.findall(rf"^from explorer\.{folder} import (.+)$", text, re.M):
                imported |= {f"{folder}.{n.split(' as ')[0].strip()}" for n in line.split(",")}
        owned = {f"{folder}.{f}" for folder in folders for f in families()}
        if p.family is None:
            assert not imported & owned, p.name
        else:
            assert f"plots.{p.family}" in imported, p.name
            assert {f"logic.{p.family}", f"web.cached.{p.family}"} & imported, p.name


@pytest.mark.parametrize("broken, message", [
    ("drop logic", "family kmeans: no explorer/logic/kmeans.py"),
    ("drop plots", "family kmeans: no explorer/plots/kmeans.py"),
    ("stray", "explorer/logic/teaching.py belongs to no page family"),
    ("bad family", "its family 'clustering' is no registered page"),
    ("no script", "no page script explorer/pages/use/nowhere.py"),
])
def test_the_check_catches_a_broken_recipe(broken, message):
    pages = list(registry.PAGES)
    present = present_modules()
    if broken == "drop logic":
        present["logic"].discard("kmeans")
    elif broken == "drop plots":
        present["plots"].discard("kmeans")
    elif broken == "stray":
        present["logic"].add("teaching")
    elif broken == "bad family":
        pages.append(registry.PageInfo("Use", "explorer/pages/use/kmeans.py", "K", "", "k2", "",
                                       family="clustering"))
    else:
        pages.append(registry.PageInfo("Use", "explorer/pages/use/nowhere.py", "N", "", "n", ""))
    found = missing_modules(pages, present) + strays(pages, present, registry.NEUTRAL)
    assert any(message in f for f in found), found
