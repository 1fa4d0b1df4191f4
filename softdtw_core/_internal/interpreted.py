"""The row-major tables without compiling, while Numba compiles the kernels.

:func:`interpreted` (public as :func:`softdtw_core.warmup.interpreted`) marks a block of a
thread in which :func:`~softdtw_core.soft_dtw_tables` and :func:`~softdtw_core.dtw_path`
call :func:`interpreted_tables` / :func:`interpreted_path` instead of their usual path: the
row-major kernels of :mod:`.dp` (``_forward_full``, ``_backward``, ``_backtrack``), swept
by anti-diagonals in NumPy (:mod:`.diagonals`; the backtrack, n + m steps, as Python code)
while they are not compiled in this process, compiled once they are (the warm-up's first
stage, or the block itself once its sweeps took :data:`SWEEP_BUDGET`: 1 s of CPU). The same
results to the last bit.

In the block the value, alignment, gradient and entropy functions
(:func:`~softdtw_core.soft_dtw`, :func:`~softdtw_core.soft_dtw_alignment`,
:func:`~softdtw_core.soft_dtw_value_and_grad`, :func:`~softdtw_core.path_entropy`,
:func:`~softdtw_core.accumulated_cost`) take the same tables too
(:func:`interpreted_gibbs`), instead of the anti-diagonal (wavefront) kernels, whose
compilation takes 20 s of CPU. Their results are those of
:func:`~softdtw_core.soft_dtw_tables` to the last bit (R's corner, E, ``∂Δ/∂X^T E``), which
the wavefront kernels reproduce up to the order of their floating-point sums (a relative
difference of about 1e-14, tested).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import numpy as np

from ..band import band_admits_path, band_limits, band_limits_checked
from ..costs import cost_matrix_, jacobian_product_
from . import diagonals
from .dp import _backtrack, _backward, _forward_full, float32_requested
from .validation import check_band, check_cells, check_cost, check_gamma, check_pair

#: Above this many cells (n·m) :func:`interpreted_tables`, :func:`interpreted_path` and
#: :func:`interpreted_gibbs` compile the row-major kernels first (:func:`compile_row_major`,
#: 1 s of CPU once) while they are not compiled, rather than sweep in NumPy (about 1 µs a
#: cell).
INTERPRETED_MAX_CELLS = 40_000

#: Above this many cells :func:`interpreted_gibbs` returns None even with the row-major
#: kernels compiled: their tables take 56 bytes a cell, where the wavefront kernels need
#: O(min(n, m)) memory for a value.
GIBBS_MAX_CELLS = 1_000_000
_thread = threading.local()


def _compiled() -> bool:
    """Whether this process has the row-major kernels compiled (or loaded from the cache)."""
    return bool(_forward_full.signatures and _backward.signatures)


def compile_row_major() -> None:
    """Compile (or load from the on-disk cache) the two kernels :func:`interpreted` runs
    once they are compiled, ``_forward_full`` and ``_backward`` (1 s of CPU), with the
    argument types it passes them; the backtrack (n + m steps) stays Python code."""
    D, lo, hi = np.zeros((1, 1)), np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    R, W, E = np.empty((2, 2)), np.zeros((1, 1, 3)), np.zeros((1, 1))
    _forward_full(D, 0.1, lo, hi, R, W)
    _backward(W, lo, hi, E)


#: Seconds of NumPy sweeps after which the thread compiles the two kernels itself
#: (:func:`compile_row_major`, about 1 s of CPU): a page of a few dozen tables never pays
#: for the compiler, one of thousands (*DTW as a loss*) pays at most twice what it would
#: have paid knowing its count in advance.
SWEEP_BUDGET = 1.0
_swept = [0.0]  # seconds of NumPy sweeps in this process, all threads


def _sweeping(kernel):
    """``kernel`` (of :mod:`.diagonals`), adding its seconds to ``_swept``; once they pass
    :data:`SWEEP_BUDGET` the call compiles the row-major kernels first."""
    def timed(*args):
        if _swept[0] > SWEEP_BUDGET:
            compile_row_major()
        t = time.perf_counter()
        kernel(*args)
        _swept[0] += time.perf_counter() - t
    return timed


def _forward():
    return _forward_full if _compiled() else _sweeping(diagonals.forward_full)


def _backward_pass():
    return _backward if _compiled() else _sweeping(diagonals.backward)


def _backtrack_pass():
    return _backtrack if _backtrack.signatures else _backtrack.py_func


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
    """Validate as the compiled path does, then Δ, the band and the forward table (NumPy
    sweep or compiled row-major kernels); None for a precomputed cost, or more than
    :data:`GIBBS_MAX_CELLS` cells for a function without a cell cap (``what`` empty)."""
    gamma, cost, radius = check_gamma(gamma), check_cost(cost), check_band(band)
    if cost == "precomputed" or Y is None:
        return None
    Xs, Ys = check_pair(X, Y)
    n, m = Xs.shape[0], Ys.shape[0]
    if what:
        check_cells(n, m, max_cells, what)
    elif n * m > GIBBS_MAX_CELLS:
        return None
    if n * m > INTERPRETED_MAX_CELLS and not _compiled():
        compile_row_major()  # 1 s of CPU, where the other kernels take 1.5-20 s
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
    _forward()(D, gamma, lo, hi, R, W)
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
    _backward_pass()(W, lo, hi, E)
    return D, R, W, E, float(R[-1, -1])


def interpreted_path(X, Y=None, *, cost="sqeuclidean", band=None, max_cells=None):
    """:func:`~softdtw_core.dtw_path` by the kernels' Python code; None as in
    :func:`interpreted_tables`."""
    found = _interpreted_forward(X, Y, 0.0, cost, band, max_cells, "dtw_path")
    if found is None:
        return None
    D, R, W, _, _ = found
    path = _backtrack_pass()(W, *D.shape)
    return float(R[-1, -1]), [(i, j) for i, j in path.tolist()]


def interpreted_gibbs(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None,
                      what="", need="value"):
    """What the value, alignment and gradient functions return, from the row-major tables
    of :func:`interpreted_tables` (``need``: ``"value"``, ``"R"``, ``"E"``, ``"grad"`` or
    ``"entropy"``); None (their usual path) for float32 inputs, a precomputed cost, or
    inputs :func:`interpreted_tables` does not take. ``what``: the function's name when it
    caps the cells (``max_cells``), empty when it has no cap."""
    if float32_requested(X, Y):
        return None
    found = _interpreted_forward(X, Y, gamma, cost, band, max_cells, what)
    if found is None:
        return None
    D, R, W, lo, hi = found
    value = float(R[-1, -1])
    if need == "value":
        return value
    if need == "R":
        return R
    if need == "entropy" and check_gamma(gamma) == 0.0:
        return 0.0
    E = np.zeros(D.shape)
    _backward_pass()(W, lo, hi, E)
    if need == "E":
        return value, E
    if need == "entropy":  # as divergence.path_entropy from the same tables
        return max((float(np.sum(E * D)) - value) / check_gamma(gamma), 0.0)
    Xs, Ys = check_pair(X, Y)
    # the absolute cost's kernel runs as Python code while it is not compiled
    G = jacobian_product_(Xs, Ys, E, check_cost(cost), uncompiled=True)
    return value, G.reshape(np.shape(X))
