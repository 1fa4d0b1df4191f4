"""The kernels' Python code, run uncompiled on small inputs while Numba compiles.

:func:`interpreted` (public as :func:`softdtw_core.warmup.interpreted`) marks a block of a
thread in which :func:`~softdtw_core.soft_dtw_tables` and :func:`~softdtw_core.dtw_path`
call :func:`interpreted_tables` / :func:`interpreted_path` instead of the compiled kernels:
the same results to the last bit, at 10-20 µs a cell.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
import types
from collections.abc import Iterator

import numpy as np

from ..band import band_admits_path, band_limits, band_limits_checked
from ..costs import cost_matrix_
from .dp import _backtrack, _backward, _forward_full
from .validation import check_band, check_cells, check_cost, check_gamma, check_pair

#: Above this many cells (n·m) :func:`interpreted_tables` and :func:`interpreted_path`
#: return None: the caller compiles (1.5 s once) rather than interpret (about 20 µs a cell).
INTERPRETED_MAX_CELLS = 40_000
_thread = threading.local()


class _LibmNumPy:
    """NumPy with the C library's scalar ``exp`` and ``log`` (:mod:`math`'s): in the kernels'
    Python code they give the compiled kernels' results to the last bit (tested), where
    NumPy's own scalar ``exp`` differs from them by an ulp here and there."""

    exp, log = staticmethod(math.exp), staticmethod(math.log)

    def __getattr__(self, name):
        return getattr(np, name)


@functools.cache
def _python_forward():
    """The Python code of the forward kernel, its ``np`` being :class:`_LibmNumPy`."""
    code = _forward_full.py_func
    return types.FunctionType(code.__code__, {**code.__globals__, "np": _LibmNumPy()},
                              code.__name__)


@contextlib.contextmanager
def interpreted() -> Iterator[None]:
    """In the block, in this thread, :func:`~softdtw_core.soft_dtw_tables` and
    :func:`~softdtw_core.dtw_path` run their kernels' Python code, uncompiled, on inputs of
    at most :data:`INTERPRETED_MAX_CELLS` cells (the same results; other threads and larger
    inputs use the compiled kernels).

    For a first call that should not wait for Numba: the explorer runs a page in it while
    the kernels compile in the background.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> from softdtw_core.warmup import interpreted
    >>> with interpreted():
    ...     t = sd.soft_dtw_tables([0.0, 1.0, 2.0], [0.0, 2.0], gamma=1.0)
    >>> round(t.value, 4)
    0.1227
    """
    before = interpreting()
    _thread.on = True
    try:
        yield
    finally:
        _thread.on = before


def interpreting() -> bool:
    """Whether this thread is inside :func:`interpreted`."""
    return getattr(_thread, "on", False)


def _interpreted_forward(X, Y, gamma, cost, band, max_cells, what):
    """Validate as the compiled path does, then Δ, the band and the forward table in Python;
    None for a precomputed cost or more than :data:`INTERPRETED_MAX_CELLS` cells."""
    gamma, cost, radius = check_gamma(gamma), check_cost(cost), check_band(band)
    if cost == "precomputed" or Y is None:
        return None
    Xs, Ys = check_pair(X, Y)
    n, m = Xs.shape[0], Ys.shape[0]
    check_cells(n, m, max_cells, what)
    if n * m > INTERPRETED_MAX_CELLS:
        return None
    if cost == "sqeuclidean" and Xs.shape[1] > 4:
        D = cost_matrix_(Xs, Ys, cost)  # BLAS, no kernel
    else:  # the cost kernel's sum over the channels, in the same order
        diff = Xs[:, None, :] - Ys[None, :, :]
        D = np.zeros((n, m))
        for k in range(Xs.shape[1]):
            D += diff[:, :, k] ** 2 if cost == "sqeuclidean" else np.abs(diff[:, :, k])
    lo, hi = band_limits.py_func(n, m, radius)
    if radius >= 0 and not band_admits_path.py_func(lo, hi, m):
        band_limits_checked(n, m, radius)  # raises the library's message
    R, W = np.empty((n + 1, m + 1)), np.zeros((n, m, 3))
    _python_forward()(D, gamma, lo, hi, R, W)
    return D, R, W, lo, hi


def interpreted_tables(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None,
                       max_cells=None) -> tuple | None:
    """The fields of :func:`~softdtw_core.soft_dtw_tables` (``cost, R, weights, E, value``)
    by the kernels' Python code; None (compile instead) for a precomputed cost or more than
    :data:`INTERPRETED_MAX_CELLS` cells."""
    found = _interpreted_forward(X, Y, gamma, cost, band, max_cells, "soft_dtw_tables")
    if found is None:
        return None
    D, R, W, lo, hi = found
    E = np.zeros(D.shape)
    _backward.py_func(W, lo, hi, E)
    return D, R, W, E, float(R[-1, -1])


def interpreted_path(X, Y=None, *, cost="sqeuclidean", band=None, max_cells=None):
    """:func:`~softdtw_core.dtw_path` by the kernels' Python code; None as in
    :func:`interpreted_tables`."""
    found = _interpreted_forward(X, Y, 0.0, cost, band, max_cells, "dtw_path")
    if found is None:
        return None
    D, R, W, _, _ = found
    path = _backtrack.py_func(W, *D.shape)
    return float(R[-1, -1]), [(i, j) for i, j in path.tolist()]
