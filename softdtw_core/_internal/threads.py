"""Launching the ``parallel=True`` kernels safely from several Python threads.

A Streamlit server runs every session in its own thread, so the pairwise and batch kernels
can be launched from two threads at once. Numba's ``tbb`` and ``omp`` threading layers
allow that; its fallback ``workqueue`` layer (used when neither TBB nor GNU OpenMP's
libgomp is installed) aborts the whole process when it detects concurrent launches. When
no thread-safe layer can be loaded, launches are serialised by a lock instead.
"""

from __future__ import annotations

import contextlib
import importlib
import threading

import numba

__all__ = ["parallel_launch", "thread_safe_layer"]

_SAFE_LAYERS = ("tbb", "omp", "safe", "threadsafe")


def thread_safe_layer(layer: str | None = None) -> bool:
    """Whether Numba will run parallel kernels on a layer that allows concurrent launches."""
    layer = numba.config.THREADING_LAYER if layer is None else layer
    if layer in _SAFE_LAYERS:  # Numba raises a clear error itself if it cannot load one
        return True
    if layer == "workqueue":
        return False
    for pool in ("tbbpool", "omppool"):  # "default": tbb, then omp, then workqueue
        try:
            importlib.import_module(f"numba.np.ufunc.{pool}")
            return True
        except ImportError:
            continue
    return False


_LOCK = threading.Lock()
_SERIALISE = not thread_safe_layer()


def parallel_launch():
    """Context for one launch of a ``parallel=True`` kernel (a lock only when needed)."""
    return _LOCK if _SERIALISE else contextlib.nullcontext()
