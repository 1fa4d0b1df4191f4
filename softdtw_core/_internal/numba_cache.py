"""Keep Numba's on-disk cache consistent with the package's sources.

Numba invalidates a cached function when *its own* source file changes, but not when a
function it inlines or calls from another module does: the exp/log helpers of
:mod:`.fastmath` are inlined into the :mod:`.wavefront` kernels, which are compiled into
the kernels of ``batch`` and ``pairwise``. After an edit or an upgrade those callers would
keep running the old machine code. So, on import, the package hashes its own sources (every
``.py`` file of ``softdtw_core/`` and its subpackages, ``_internal/`` included) and, when the
digest differs from the one recorded beside the cache, deletes the Numba cache files of every
``__pycache__`` folder of the package; Numba then recompiles (10-20 s, once).

Only the in-tree ``__pycache__`` folders are handled (where Numba caches when it can write
there); a read-only install is left alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["PACKAGE_DIR", "STAMP", "refresh", "sources_digest"]

STAMP = "numba-sources.sha256"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # softdtw_core/, not _internal/


def _sources(package_dir: Path) -> list[Path]:
    """The package's ``.py`` files, subpackages included, in a stable order."""
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def sources_digest(package_dir: Path) -> str:
    h = hashlib.sha256()
    for path in _sources(package_dir):
        h.update(path.relative_to(package_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def refresh(package_dir: Path | None = None) -> bool:
    """Delete stale Numba cache files of ``package_dir`` (default: this package) and its
    subpackages; return True when some were deleted. The stamp lives in
    ``package_dir/__pycache__``."""
    package_dir = PACKAGE_DIR if package_dir is None else Path(package_dir)
    cache = package_dir / "__pycache__"
    try:
        digest = sources_digest(package_dir)
        stamp = cache / STAMP
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return False
        stale = [path for folder in package_dir.rglob("__pycache__")
                 for pattern in ("*.nbi", "*.nbc") for path in folder.glob(pattern)]
        for path in stale:
            path.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest + "\n")
        return bool(stale)
    except OSError:  # read-only install, or another process raced us: nothing to do
        return False


refresh()  # on import, before any kernel is loaded from the cache
