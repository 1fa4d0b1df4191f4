"""Keep Numba's on-disk cache consistent with the package's sources.

Numba invalidates a cached function when *its own* source file changes, but not when a
function it inlines or calls from another module does: the exp/log helpers of
``_fastmath`` are inlined into the ``_wavefront`` kernels, which are compiled into the
kernels of ``batch`` and ``pairwise``. After an edit or an upgrade those callers would keep
running the old machine code. So, on import, the package hashes its own sources and, when
the digest differs from the one recorded beside the cache, deletes the package's cache
files; Numba then recompiles (10-20 s, once).

Only the in-tree ``__pycache__`` is handled (where Numba caches when it can write there);
a read-only install is left alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["STAMP", "refresh", "sources_digest"]

STAMP = "numba-sources.sha256"


def sources_digest(package_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(package_dir.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def refresh(package_dir: Path | None = None) -> bool:
    """Delete stale Numba cache files; return True when some were deleted."""
    package_dir = Path(__file__).parents[1] if package_dir is None else Path(package_dir)
    cache = package_dir / "__pycache__"
    try:
        digest = sources_digest(package_dir)
        stamp = cache / STAMP
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return False
        stale = list(cache.glob("*.nbi")) + list(cache.glob("*.nbc"))
        for path in stale:
            path.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest + "\n")
        return bool(stale)
    except OSError:  # read-only install, or another process raced us: nothing to do
        return False


refresh()  # on import, before any kernel is loaded from the cache
