"""The Numba cache guard: stale cache files go when the package's sources change."""

from softdtw_core import _cache


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


def test_installed_package_stamp_matches_its_sources():
    from pathlib import Path

    package = Path(_cache.__file__).parent
    stamp = package / "__pycache__" / _cache.STAMP
    assert stamp.read_text().strip() == _cache.sources_digest(package)
