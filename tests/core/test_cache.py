"""The Numba cache guard: stale cache files go when the package's sources change."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from softdtw_core._internal import numba_cache as _cache


def _package(tmp_path):
    (tmp_path / "kernel.py").write_text("x = 1\n")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    (cache / "kernel.f-1.py311.nbi").write_bytes(b"index")
    (cache / "kernel.f-1.py311.1.nbc").write_bytes(b"code")
    (cache / "kernel.cpython-311.pyc").write_bytes(b"bytecode")
    return cache


def test_first_run_and_source_edit_drop_numba_files_only(tmp_path):
    cache = _package(tmp_path)
    assert _cache.refresh(tmp_path) is True  # no stamp yet: whatever is cached is unproven
    assert sorted(p.name for p in cache.iterdir()) == [
        "kernel.cpython-311.pyc", _cache.STAMP,
    ]
    (cache / "kernel.f-1.py311.nbi").write_bytes(b"index")  # Numba caches again
    assert _cache.refresh(tmp_path) is False  # same sources: kept
    assert (cache / "kernel.f-1.py311.nbi").exists()
    (tmp_path / "kernel.py").write_text("x = 2\n")  # an edit
    assert _cache.refresh(tmp_path) is True
    assert not (cache / "kernel.f-1.py311.nbi").exists()
    assert (cache / "kernel.cpython-311.pyc").exists()


def _import_copy(root):
    """Import the copy of the package under ``root`` in a fresh interpreter; return the
    names of the files in its ``__pycache__``."""
    code = "import softdtw_core, sys; sys.stdout.write(softdtw_core.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert out.stdout == str(root / "softdtw_core" / "__init__.py")  # the copy, not ours
    return {p.name for p in (root / "softdtw_core" / "__pycache__").iterdir()}


def test_importing_the_package_keeps_or_drops_numba_files_by_its_sources(tmp_path):
    """End to end, as a user meets it: the package's own import runs the guard."""
    package = Path(_cache.__file__).parent
    copy = tmp_path / "softdtw_core"
    copy.mkdir()
    for source in package.glob("*.py"):
        shutil.copy(source, copy / source.name)
    numba_files = {"recursion.f-1.py311.nbi", "recursion.f-1.py311.1.nbc"}
    bytecode = "unrelated.cpython-311.pyc"

    def cache_numba_files():
        for name in numba_files:
            (copy / "__pycache__" / name).write_bytes(b"machine code")

    assert _cache.STAMP in _import_copy(tmp_path)  # first import: stamp written
    (copy / "__pycache__" / bytecode).write_bytes(b"bytecode")
    cache_numba_files()
    assert numba_files <= _import_copy(tmp_path)  # same sources: the cache is kept
    with open(copy / "_fastmath.py", "a") as f:  # an edit in a module other kernels inline
        f.write("\n# edited\n")
    left = _import_copy(tmp_path)
    assert not numba_files & left  # dropped
    assert _cache.STAMP in left and bytecode in left  # Python's bytecode is not Numba's
    cache_numba_files()
    assert numba_files <= _import_copy(tmp_path)  # the new stamp holds the edited sources
