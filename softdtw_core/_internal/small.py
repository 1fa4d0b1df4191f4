"""The fast path of small squared-Euclidean problems: one kernel call per public call.

At n = m = 16 the recursions are a few hundred cells, and what costs is everything around
them: validation, band limits, diagonal layout, workspace look-ups, half a dozen kernel
calls (25 µs of Python around 5 µs of arithmetic, before this path). For the
common case (float64 C-contiguous ndarrays, the squared Euclidean cost, at most
:data:`SMALL_MAX_CELLS` cells) :func:`small_value_and_grad` and :func:`small_value` check
only types and shapes in Python and make one kernel call, which checks finiteness and the
band itself and does the whole computation. Any input they do not take, or that their
kernel flags (a non-finite entry, a band that admits no path), goes through
:func:`softdtw_core._internal.dp.problem`, whose messages are unchanged.

Why a kernel of its own
-----------------------
The wavefront kernels of :mod:`.wavefront` sweep anti-diagonals (cells with the same
``k = i + j`` do not depend on each other), but LLVM only enters a vector loop for a run of
at least 16 doubles (its vector width times its interleave count), and a 16 x 16 problem
has no longer diagonal: every cell went through the scalar remainder loop, at ~20 ns a
cell. :func:`_small_value_and_grad` sweeps the same diagonals in chunks of exactly
:data:`CHUNK` cells, a loop of constant trip count that LLVM vectorises whole. The cells a
chunk computes past the end of a diagonal are garbage that nothing reads: every diagonal
is stored with ``CHUNK`` spare slots, and the slot just past its last cell is re-fenced
(``+inf`` for R, ``0`` for the weights and E) once the chunk is written. The backward pass
is chunked the same way, and folds E into the gradient's statistics as it goes.

Layout (1-based rows ``i``): diagonal ``k`` holds the in-band rows ``ilo_k .. ihi_k``;
cell ``(k, i)`` sits at slot ``i - ilo_k + 1`` of the diagonal, slot 0 and slot
``L_k + 1`` being its fences; the weights and E of diagonal k start at ``base[k]`` and
take ``L_k + 2 + CHUNK + 1`` slots, R rolls over three diagonals of
``min(n, m) + 2 + CHUNK + 1`` slots.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..band import band_admits_path, band_limits
from .validation import COST_CODES
from .wavefront import _TINY_E, _hardmin3_weights, _softmin3_weights
from .wavefront import value as wave_value

__all__ = ["CHUNK", "SMALL_MAX_CELLS", "small_value", "small_value_and_grad"]

#: Largest ``n * m`` taken by the fast path: its kernel allocates its scratch on every
#: call, which is free at these sizes (the general path's per-thread workspace pays off
#: above).
SMALL_MAX_CELLS = 128 * 128

#: Cells per vector chunk: the shortest loop LLVM vectorises (8 doubles of AVX-512 times
#: an interleave of 2). Shorter, the chunk loop stays scalar; longer, short diagonals
#: compute more garbage.
CHUNK = 16

_FLOAT64 = np.dtype(np.float64)
_OK, _NOT_FINITE, _NO_PATH = 0, 1, 2
_SQEUCLIDEAN = COST_CODES["sqeuclidean"]  # the value kernel's code of the cost
_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"}, nogil=True)


@njit(cache=True, error_model="numpy", nogil=True, inline="always")
def _check(X, Y, radius):
    """Status (``_NOT_FINITE`` when X or Y holds a non-finite entry, ``_NO_PATH`` when the
    band admits no path, else ``_OK``) and the band limits."""
    lo, hi = band_limits(X.shape[0], Y.shape[0], radius)
    for v in X.ravel():
        if not np.isfinite(v):
            return _NOT_FINITE, lo, hi
    for v in Y.ravel():
        if not np.isfinite(v):
            return _NOT_FINITE, lo, hi
    if radius >= 0 and not band_admits_path(lo, hi, Y.shape[0]):
        return _NO_PATH, lo, hi
    return _OK, lo, hi


@njit(**_FLAGS)
def _small_value_and_grad(X, Y, gamma, radius):
    """Value and gradient of one (n, d) vs (m, d) squared-Euclidean problem, in one call.

    Returns ``(value, grad, status)`` (:func:`_check`; value and grad are meaningless
    unless the status is ``_OK``).
    """
    n, d = X.shape
    m = Y.shape[0]
    grad = np.empty((n, d))
    status, lo, hi = _check(X, Y, radius)
    if status != _OK:
        return np.nan, grad, status
    P = CHUNK
    U = np.uint64(P)
    one = np.uint64(1)
    K = n + m + 2
    # X transposed and Y reversed and transposed (Y's column j = k - i at m - k + i), with
    # room for the last chunk's overhang; then the rows' statistics likewise
    NX, NY = n + P, m + P
    Xt = np.zeros(d * NX)
    Yrt = np.zeros(d * NY)
    for t in range(d):
        for i in range(n):
            Xt[t * NX + i] = X[i, t]
        for j in range(m):
            Yrt[t * NY + j] = Y[m - 1 - j, t]
    # diagonals: rows, offsets (diagonals 0 and 1 hold only the boundary: R(0, 0) = 0)
    ilo_k = np.empty(K, dtype=np.int64)
    ihi_k = np.empty(K, dtype=np.int64)
    base = np.empty(K + 1, dtype=np.int64)
    ilo, ihi, total = 1, 0, 0
    for k in range(K):
        if 2 <= k <= n + m:
            while ilo <= n and hi[ilo - 1] + ilo < k - 1:
                ilo += 1
            while ihi < n and lo[ihi] + ihi + 1 <= k - 1:
                ihi += 1
        elif k > n + m:
            ilo, ihi = n + 1, n
        ilo_k[k] = ilo
        ihi_k[k] = ihi
        base[k] = total
        total += max(ihi - ilo + 1, 0) + P + 3
    base[K] = total
    WA = np.empty(total)
    WB = np.empty(total)
    WC = np.empty(total)
    S = min(n, m) + P + 3
    R = np.full(3 * S, np.inf)
    R[0] = 0.0  # diagonal 0, row 0
    cost = np.empty(P)
    inv = 1.0 / gamma if gamma > 0.0 else 0.0
    for k in range(2, n + m + 1):
        ilo, ihi = ilo_k[k], ihi_k[k]
        L = ihi - ilo + 1
        pc = (k % 3) * S
        # slots of (k-2, i-1), (k-1, i-1) for i = ilo; (k-1, i) is one further
        o2 = np.uint64(((k - 2) % 3) * S + ilo - ilo_k[k - 2])
        o1 = np.uint64(((k - 1) % 3) * S + ilo - ilo_k[k - 1])
        oc = np.uint64(pc + 1)
        ow = np.uint64(base[k] + 1)
        xo = np.uint64(ilo - 1)
        yo = np.uint64(m - k + ilo)
        for c in range((L + P - 1) // P):
            cb = np.uint64(c * P)
            for u in range(U):
                diff = Xt[xo + cb + u] - Yrt[yo + cb + u]
                cost[u] = diff * diff
            for t in range(1, d):
                xt = np.uint64(t * NX) + xo + cb
                yt = np.uint64(t * NY) + yo + cb
                for u in range(U):
                    diff = Xt[xt + u] - Yrt[yt + u]
                    cost[u] += diff * diff
            if gamma == 0.0:
                for u in range(U):
                    q = cb + u
                    mn, WA[ow + q], WB[ow + q], WC[ow + q] = _hardmin3_weights(
                        R[o2 + q], R[o1 + q], R[o1 + q + one]
                    )
                    R[oc + q] = cost[u] + mn
            else:
                for u in range(U):
                    q = cb + u
                    mn, WA[ow + q], WB[ow + q], WC[ow + q] = _softmin3_weights(
                        R[o2 + q], R[o1 + q], R[o1 + q + one], gamma, inv
                    )
                    R[oc + q] = cost[u] + mn
        R[pc] = np.inf
        R[pc + L + 1] = np.inf
        w = base[k]
        WA[w] = WB[w] = WC[w] = 0.0
        for s in range(w + L + 1, base[k + 1]):
            WA[s] = WB[s] = WC[s] = 0.0
    value = R[((n + m) % 3) * S + 1]
    for s in range(base[n + m + 1], total):  # past the last cell: read, never written
        WA[s] = WB[s] = WC[s] = 0.0

    # E, diagonal by diagonal from (n, m); rs[i-1] = Σ_j e_ij, ey[t, i-1] = Σ_j e_ij y_jt
    E = np.empty(total)
    for s in range(base[n + m], total):
        E[s] = 0.0
    E[base[n + m] + 1] = 1.0
    NR = n + P
    rs = np.zeros(NR)
    ey = np.zeros(d * NR)
    rs[n - 1] = 1.0
    for t in range(d):
        ey[t * NR + n - 1] = Y[m - 1, t]
    for k in range(n + m - 1, 1, -1):
        ilo, ihi = ilo_k[k], ihi_k[k]
        L = ihi - ilo + 1
        oe = np.uint64(base[k] + 1)
        a2 = np.uint64(base[k + 2] + 1 + ilo + 1 - ilo_k[k + 2])  # (k+2, i+1)
        b1 = np.uint64(base[k + 1] + 1 + ilo + 1 - ilo_k[k + 1])  # (k+1, i+1)
        c1 = b1 - one  # (k+1, i)
        chunks = (L + P - 1) // P
        for c in range(chunks):
            cb = np.uint64(c * P)
            for u in range(U):
                q = cb + u
                e = WA[a2 + q] * E[a2 + q] + WB[b1 + q] * E[b1 + q] + WC[c1 + q] * E[c1 + q]
                E[oe + q] = e if e > _TINY_E else 0.0
        E[base[k]] = 0.0
        for s in range(base[k] + L + 1, base[k + 1]):
            E[s] = 0.0
        ro = np.uint64(ilo - 1)
        yo = np.uint64(m - k + ilo)
        for c in range(chunks):
            cb = np.uint64(c * P)
            for u in range(U):
                rs[ro + cb + u] += E[oe + cb + u]
            for t in range(d):
                er = np.uint64(t * NR) + ro + cb
                yt = np.uint64(t * NY) + yo + cb
                for u in range(U):
                    ey[er + u] += E[oe + cb + u] * Yrt[yt + u]
    for i in range(n):
        for t in range(d):
            grad[i, t] = 2.0 * (rs[i] * X[i, t] - ey[t * NR + i])
    return value, grad, _OK


@njit(**_FLAGS)
def _small_value(X, Y, gamma, radius):
    """``(value, status)`` of one (n, d) vs (m, d) squared-Euclidean problem, in one call
    (the wavefront value kernel: it keeps no weights, and its three rolling diagonals are
    cheap to lay out)."""
    status, lo, hi = _check(X, Y, radius)
    if status != _OK:
        return np.nan, status
    n, d = X.shape
    m = Y.shape[0]
    Xt = np.empty((d, n))
    Yrt = np.empty((d, m))
    for t in range(d):
        for i in range(n):
            Xt[t, i] = X[i, t]
        for j in range(m):
            Yrt[t, j] = Y[m - 1 - j, t]
    # a writable empty Δ and a kind typed int64, not the read-only global NO_ARRAY and the
    # literal 0: the argument types of the general path's call (dp.value), so that both
    # share one compiled specialisation of the value kernel (4 s of compilation less)
    no_cost = np.empty((0, 0))
    return wave_value(Xt, Yrt, no_cost, np.int64(_SQEUCLIDEAN), n, m, gamma, lo, hi), _OK


def _series(A):
    """``A`` as the (length, d) float64 C-contiguous view the fast kernels take, or None."""
    if type(A) is not np.ndarray or A.dtype is not _FLOAT64 or not A.flags.c_contiguous:
        return None
    if A.ndim == 2:
        return A
    if A.ndim == 1:
        return A.reshape(A.shape[0], 1)
    return None


def _inputs(X, Y, gamma, cost, band, max_cells):
    """``(X, Y, gamma, radius)`` as the fast kernels take them, or None when the inputs are
    not the fast path's common case (module docstring)."""
    if cost != "sqeuclidean" or Y is None or max_cells is not None:
        return None
    Xs, Ys = _series(X), _series(Y)
    if Xs is None or Ys is None or X.ndim != Y.ndim:
        return None
    n, d = Xs.shape
    cells = n * Ys.shape[0]
    if cells == 0 or d == 0 or Ys.shape[1] != d or cells > SMALL_MAX_CELLS:
        return None
    kind = type(gamma)
    if (kind is not float and kind is not np.float64) or not 0.0 <= gamma < np.inf:
        return None
    if band is None:
        return Xs, Ys, float(gamma), -1.0
    kind = type(band)
    if (kind is not float and kind is not int) or not 0 <= band < np.inf:
        return None
    return Xs, Ys, float(gamma), float(band)


def small_value_and_grad(X, Y, gamma, cost, band, max_cells):
    """``(value, grad)`` of :func:`~softdtw_core.soft_dtw_value_and_grad` by the fast path,
    or None when the inputs are not its common case (the caller then validates them).

    The common case: X and Y float64 C-contiguous ndarrays of one shape kind ((n,) and
    (m,), or (n, d) and (m, d)), ``cost="sqeuclidean"``, γ and the band plain numbers,
    ``max_cells`` left to its default, and ``n * m <= SMALL_MAX_CELLS``.
    """
    inputs = _inputs(X, Y, gamma, cost, band, max_cells)
    if inputs is None:
        return None
    value, grad, status = _small_value_and_grad(*inputs)
    if status != _OK:
        return None
    return float(value), grad.reshape(X.shape)


def small_value(X, Y, gamma, cost, band):
    """dtw_γ of :func:`~softdtw_core.soft_dtw` by the fast path, or None (as
    :func:`small_value_and_grad`)."""
    inputs = _inputs(X, Y, gamma, cost, band, None)
    if inputs is None:
        return None
    value, status = _small_value(*inputs)
    return float(value) if status == _OK else None
