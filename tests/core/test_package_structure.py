"""Module boundaries of softdtw_core, checked on the source: public modules by concept at the
top, every private module in the one private subpackage ``softdtw_core._internal``; no module
reaches into another public module's private names; nothing outside the library (but its
tests and benchmarks) imports ``_internal``."""

from tests.test_layers import ROOT, imports, module_name, project_modules

PACKAGE = ROOT / "softdtw_core"
INTERNAL = "softdtw_core._internal"


def library_modules() -> set[str]:
    return {module_name(p) for p in PACKAGE.rglob("*.py")}


def _private_imports(module: str, source: str, modules: set[str], *, is_package=False):
    """``(module, name)`` for every import of a private name ``_name`` (not a module) from a
    public module (one with no ``_``-prefixed part), relative imports resolved."""
    found = []
    for _, names in imports(module, source, is_package=is_package):
        for name in sorted(names):
            owner, _, last = name.rpartition(".")
            public = owner in modules and not any(p.startswith("_") for p in owner.split("."))
            if public and last.startswith("_") and name not in modules:
                found.append((owner.rpartition(".")[2], last))
    return found


def test_the_checker_sees_a_private_import():
    modules = {"softdtw_core", "softdtw_core.barycenter", "softdtw_core.recursion",
               "softdtw_core._internal", "softdtw_core._internal.dp",
               "softdtw_core._internal.numba_cache"}

    def check(module, source):
        return _private_imports(module, source, modules)

    assert check("softdtw_core.kmeans", "from .barycenter import _setup, resample\n") == [
        ("barycenter", "_setup")]
    assert check("softdtw_core.kmeans", "from softdtw_core.recursion import _x\n") == [
        ("recursion", "_x")]
    assert check("softdtw_core._internal.dp", "from ..recursion import _x, y\n") == [
        ("recursion", "_x")]
    assert check("softdtw_core.kmeans", "from ._internal.dp import _kernel\n") == []
    assert check("softdtw_core._internal.small", "from .dp import _kernel\n") == []
    assert _private_imports("softdtw_core", "from ._internal import numba_cache\n", modules,
                            is_package=True) == []


def test_no_module_imports_private_names_of_a_public_module():
    modules = library_modules()
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if (found := _private_imports(module_name(path), path.read_text(), modules,
                                      is_package=path.name == "__init__.py"))
    }
    assert offenders == {}


def test_public_modules_at_the_top_private_ones_in_internal():
    top = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith(("__pycache__", ".")))
    private = [n for n in top if n.startswith("_") and n != "__init__.py"]
    assert private == ["_internal"], "a private module belongs in softdtw_core/_internal/"
    for name in top:  # a public subpackage (a framework adapter, say) is public throughout
        if name != "_internal" and (PACKAGE / name).is_dir():
            assert not [p for p in (PACKAGE / name).rglob("_*.py") if p.name != "__init__.py"]
    inside = sorted(p.name for p in (PACKAGE / "_internal").iterdir() if p.suffix == ".py")
    assert "__init__.py" in inside and not [n for n in inside if n.startswith("_")
                                            and n != "__init__.py"]
    assert not [p for p in (PACKAGE / "_internal").iterdir() if p.is_dir()
                and p.name != "__pycache__"]


def test_the_internal_package_lists_its_modules():
    import softdtw_core._internal as internal

    modules = sorted(p.stem for p in (PACKAGE / "_internal").glob("*.py")
                     if p.stem != "__init__")
    assert len(modules) >= 10
    missing = [m for m in modules if f":mod:`.{m}`" not in internal.__doc__]
    assert missing == []


def importers_of_internal(sources: dict[str, tuple[str, bool]]) -> dict[str, list[int]]:
    """``{module: lines}`` of the modules that import ``softdtw_core._internal`` (or anything
    in it), from ``{module: (source, is_package)}``."""
    found = {}
    for module, (source, is_package) in sources.items():
        for line, names in imports(module, source, is_package=is_package):
            if any(n == INTERNAL or n.startswith(INTERNAL + ".") for n in names):
                found.setdefault(module, []).append(line)
    return found


def outside_sources() -> dict[str, tuple[str, bool]]:
    """The project's Python files outside the library, its tests and its benchmarks."""
    files = [p for p in project_modules() if not module_name(p).startswith("softdtw_core")]
    for folder in ("docs", "examples", "assets"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return {module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
            for p in files}


def test_nothing_outside_the_library_imports_internal():
    sources = outside_sources()
    assert {"streamlit_app", "explorer.web.jobs", "docs._ext.numpydoc_markup"} <= set(sources)
    assert importers_of_internal(sources) == {}


def test_the_importer_check_sees_an_import_of_internal():
    planted = {
        "from softdtw_core._internal.dp import problem": [1],
        "import numpy\ndef f():\n    from softdtw_core import _internal": [3],
        "import softdtw_core._internal.wavefront as wf": [1],
        "import softdtw_core as sd\nfrom softdtw_core.recursion import soft_dtw": None,
    }
    for source, lines in planted.items():
        found = importers_of_internal({"explorer.logic.planted": (source, False)})
        assert found == ({"explorer.logic.planted": lines} if lines else {}), source
