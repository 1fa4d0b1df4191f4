"""The Numba cache guard: stale cache files go when the package's sources change, those of
``softdtw_core/_internal/`` included (its kernels cache in their own ``__pycache__``)."""

import os
import shutil
import subprocess
import sys

from softdtw_core._internal import numba_cache


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
    assert numba_cache.refresh(tmp_path) is True  # no stamp yet: whatever is cached is unproven
    assert sorted(p.name for p in cache.iterdir()) == [
        "kernel.cpython-311.pyc", numba_cache.STAMP,
    ]
    (cache / "kernel.f-1.py311.nbi").write_bytes(b"index")  # Numba caches again
    assert numba_cache.refresh(tmp_path) is False  # same sources: kept
    assert (cache / "kernel.f-1.py311.nbi").exists()
    (tmp_path / "kernel.py").write_text("x = 2\n")  # an edit
    assert numba_cache.refresh(tmp_path) is True
    assert not (cache / "kernel.f-1.py311.nbi").exists()
    assert (cache / "kernel.cpython-311.pyc").exists()


def test_an_edit_in_a_subpackage_drops_the_cache_of_every_folder(tmp_path):
    top = _package(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inlined.py").write_text("y = 1\n")
    sub = tmp_path / "sub" / "__pycache__"
    sub.mkdir()
    assert numba_cache.refresh(tmp_path) is True
    for folder in (top, sub):
        (folder / "k.f-1.py311.nbi").write_bytes(b"index")
    assert numba_cache.refresh(tmp_path) is False
    (tmp_path / "sub" / "inlined.py").write_text("y = 2\n")  # only the subpackage changes
    assert numba_cache.refresh(tmp_path) is True
    assert not (top / "k.f-1.py311.nbi").exists() and not (sub / "k.f-1.py311.nbi").exists()
    assert (top / "kernel.cpython-311.pyc").exists()
    (tmp_path / "sub" / "inlined.py").rename(tmp_path / "sub" / "moved.py")  # a rename too
    assert numba_cache.refresh(tmp_path) is False  # nothing cached since the last refresh
    assert numba_cache.sources_digest(tmp_path) == (top / numba_cache.STAMP).read_text().strip()


def test_the_guard_covers_the_whole_package():
    assert numba_cache.PACKAGE_DIR.name == "softdtw_core"
    sources = {p.relative_to(numba_cache.PACKAGE_DIR).as_posix()
               for p in numba_cache._sources(numba_cache.PACKAGE_DIR)}
    assert {"recursion.py", "_internal/fastmath.py", "_internal/wavefront.py",
            "_internal/dp.py"} <= sources


def _import_copy(root):
    """Import the copy of the package under ``root`` in a fresh interpreter; return the
    names of the files in its two ``__pycache__`` folders (``_internal/`` prefixed)."""
    code = "import softdtw_core, sys; sys.stdout.write(softdtw_core.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert out.stdout == str(root / "softdtw_core" / "__init__.py")  # the copy, not ours
    package = root / "softdtw_core"
    return {p.relative_to(package / "__pycache__").as_posix()
            for p in (package / "__pycache__").iterdir()} | {
        "_internal/" + p.name for p in (package / "_internal" / "__pycache__").iterdir()}


def test_importing_the_package_keeps_or_drops_numba_files_by_its_sources(tmp_path):
    """End to end, as a user meets it: the package's own import runs the guard."""
    copy = tmp_path / "softdtw_core"
    shutil.copytree(numba_cache.PACKAGE_DIR, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    numba_files = {"recursion.f-1.py311.nbi", "recursion.f-1.py311.1.nbc",
                   "_internal/wavefront.f-1.py311.nbi", "_internal/wavefront.f-1.py311.1.nbc"}
    bytecode = "unrelated.cpython-311.pyc"

    def cache_numba_files():
        for name in numba_files:
            folder, _, file = name.rpartition("/")
            (copy / folder / "__pycache__" / file).write_bytes(b"machine code")

    assert numba_cache.STAMP in _import_copy(tmp_path)  # first import: stamp written
    (copy / "__pycache__" / bytecode).write_bytes(b"bytecode")
    cache_numba_files()
    assert numba_files <= _import_copy(tmp_path)  # same sources: the cache is kept
    # an edit in the private module whose helpers the wavefront kernels inline
    with open(copy / "_internal" / "fastmath.py", "a") as f:
        f.write("\n# edited\n")
    left = _import_copy(tmp_path)
    assert not numba_files & left  # dropped, in softdtw_core/ and in _internal/
    assert numba_cache.STAMP in left and bytecode in left  # Python's bytecode is not Numba's
    cache_numba_files()
    assert numba_files <= _import_copy(tmp_path)  # the new stamp holds the edited sources
