r"""Soft-DTW for batches of pairs on a CUDA GPU (numba-cuda), with no length cap.

For ``X`` of shape ``(B, n, d)`` and ``Y`` of shape ``(B, m, d)``, pair ``b`` is
``(X[b, :n_b], Y[b, :m_b])`` (``n_b = x_lengths[b]``, ``m_b = y_lengths[b]``, default ``n``
and ``m``), with the squared Euclidean cost ``Δ_ij = ||x_i - y_j||²`` (the package's
default), the absolute cost ``Σ_t |x_it - y_jt|`` (``cost="absolute"``) or a cost array
computed on the device (``cost="precomputed"``: ``X`` of shape ``(B, n, m)``, ``Y=None``),
and the recursion of :mod:`softdtw_core.recursion`:

.. math::

    r_{ij} = \Delta_{ij} + {\min}^\gamma(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1}), \qquad
    \nabla_{x_i} \operatorname{dtw}_\gamma = \sum_j e_{ij}\, \partial_{x_i} \Delta_{ij}
    \quad (2 (x_i - y_j) \text{ or } \operatorname{sign}(x_i - y_j))

where ``E = (e_ij)`` is the expected alignment (the gradient w.r.t. a precomputed Δ).
``band`` is a Sakoe-Chiba radius applied to each pair's own lengths, exactly as on the CPU
(:mod:`softdtw_core.band`); cells outside it are never visited.

Inputs are any arrays with ``__cuda_array_interface__`` (PyTorch CUDA tensors, CuPy, Numba
device arrays; taken without a copy) or host NumPy arrays. Device inputs give Numba device
arrays (wrap them with ``torch.as_tensor`` or ``cupy.asarray``, no copy); host inputs give
NumPy arrays. float32 and float64 are computed in their own precision; other host dtypes are
computed in float64.

Kernel
------
One thread block per pair (grid = B). The block sweeps the anti-diagonals ``k = i + j``; the
cells of one diagonal are independent and its threads take them in tiles of ``blockDim.x``
cells, so a diagonal longer than the block takes several tile passes, with one
``syncthreads`` between diagonals: there is no length cap. R lives on three rolling
diagonals (``3 (n + 2)`` values per pair). The backward pass never takes exponentials of
differences of R values (which lose every digit at small γ in float32): the forward pass
stores each cell's three soft-min weights, as the CPU kernels do, in a compact diagonal
layout of the in-band cells only, and the backward pass runs

.. math::

    e_{ij} = w^{a}_{i+1,j+1} e_{i+1,j+1} + w^{b}_{i+1,j} e_{i+1,j} + w^{c}_{i,j+1} e_{i,j+1}

diagonal by diagonal from ``e_nm = 1``, keeping the three products ``w e`` of the last two
diagonals (so that a diagonal needs only its own weights). Each cell adds ``2 e (x_i - y_j)``
to row i of the gradient with respect to X (and ``-2 e (x_i - y_j)`` to row j of the one with
respect to Y): one cell per row and per column on a diagonal, so no atomics and results that
do not depend on the schedule. Those sums run over up to ``m`` (or ``n``) cells: they are
Kahan-compensated, which keeps float32 gradients of long pairs at float32 accuracy.

Memory (``mode``)
-----------------
- ``"stored"``: the weights of every in-band cell, ``3 × itemsize`` bytes per cell (12 in
  float32, 24 in float64), plus O(n + m) per pair;
- ``"recompute"``: the forward pass keeps only checkpoints (R on two consecutive diagonals
  every ``c`` diagonals); the backward pass recomputes one segment of ``c`` diagonals at a time
  from its checkpoint, storing that segment's weights, and runs backward over it. Twice the
  forward work, and ``2 (n + m) / c × (n + 2) + 3 c × min(n, m)`` values per pair, least at
  ``c ≈ √(4 (n + 2) (n + m) / (6 min(n, m)))`` (74 for n = m = 4096): 32 pairs of length
  4096 in float32 need 0.23 GiB (0.46 bytes per cell, everything included) instead of
  6.0 GiB;
- ``"auto"`` (default): ``"stored"`` when it needs at most :data:`AUTO_STORED_BYTES`, else
  ``"recompute"``. :func:`memory_estimate` gives the bytes of each mode.

The value alone (:func:`soft_dtw`, :func:`soft_dtw_divergence`) keeps only R's three
diagonals.

Second order
------------
:func:`soft_dtw_hvp` (Hessian-vector products) and :func:`expected_alignment_vjp` (the
backward pass of E, hence of DILATE's timing term) run forward-mode differentiation through
both recursions, as :mod:`softdtw_core.second_order` does on the CPU: with
:math:`z_{ij}` the direction of :math:`\Delta_{ij}`,

.. math::

    \dot r_{ij} = z_{ij} + \sum_l w^{l}_{ij} \dot r_l, \qquad
    \dot e_{ij} = \sum_s \left(w_s \dot e_s - \frac{w_s e_s}{\gamma}
    \big(\dot r_{ij} - (\dot r_s - z_s)\big)\right)

over the predecessors l and the successors s of cell (i, j). One block per pair: the forward
pass stores the three weights and :math:`\dot r` of every in-band cell (``4 × itemsize``
bytes per cell: 16 in float32, 32 in float64; no recompute mode), recomputing
:math:`z_{ij}` from the series where needed; the backward pass pulls E and Ė from the two
next diagonals (rolling) and folds Ė into the products row by row (Kahan-compensated), as
the gradient does.

numba-cuda is imported on first use (never by ``import softdtw_core``). Without a GPU, set
``NUMBA_ENABLE_CUDASIM=1`` before Numba is imported to run the same kernels in Numba's CUDA
simulator (slow: one Python thread per GPU thread; the test suite does this).

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, PMLR 70:894-903.
.. [2] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021, PMLR 130:3853-3861.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._internal.validation import (
    COST_CODES,
    _check_finite,
    as_real_array,
    check_band,
    check_choice,
    check_gamma,
)
from ._internal.wavefront import diagonal_layout
from .band import band_limits, band_limits_checked

__all__ = [
    "AUTO_STORED_BYTES",
    "COSTS",
    "MODES",
    "expected_alignment",
    "expected_alignment_vjp",
    "memory_estimate",
    "soft_dtw",
    "soft_dtw_divergence",
    "soft_dtw_divergence_value_and_grad",
    "soft_dtw_hvp",
    "soft_dtw_value_and_grad",
]

#: The memory modes of the backward pass (see the module docstring).
MODES = ("auto", "stored", "recompute")

#: ``mode="auto"`` stores every cell's weights up to this many bytes of work memory, and
#: recomputes beyond (1 GiB).
AUTO_STORED_BYTES = 2**30

#: The ground costs: ``"precomputed"`` takes a ``(B, n, m)`` cost array as X (and Y=None).
COSTS = ("sqeuclidean", "absolute", "precomputed")

_WHATS = ("value", "value_and_grad", "alignment", "tangent")
_INDEX = np.int64
_PRECOMPUTED = COST_CODES["precomputed"]


def _cuda():
    """numba.cuda, imported on first use (numba-cuda replaces Numba's built-in target)."""
    from numba import cuda

    return cuda


# --------------------------------------------------------------------------- kernels


#: numba.cuda once imported. The kernels name it as a module global: the simulator runs
#: them with every global bound to numba.cuda swapped for its fake module (a closure
#: variable would not be swapped).
_nbcuda = None


@functools.cache
def _kernels(dtype_name: str):
    """The kernels for one floating-point type (literals typed so that float32 stays
    float32: an untyped ``1.0`` would promote every expression to float64)."""
    import numba

    global _nbcuda
    cuda = _nbcuda = _cuda()
    ft = numba.float32 if dtype_name == "float32" else numba.float64
    zero, one, two = ft(0.0), ft(1.0), ft(2.0)
    inf = ft(math.inf)

    @cuda.jit(device=True)
    def sign(v):
        return one if v > zero else (-one if v < zero else zero)

    @cuda.jit(device=True)
    def cost(X, Y, p, i, j, kind):
        """Δ_ij of pair p (1-based i, j): kind 0 squared Euclidean, 1 absolute, 2 X holds Δ."""
        if kind == 2:
            return X[p, i - 1, j - 1]
        s = zero
        for t in range(X.shape[2]):
            diff = X[p, i - 1, t] - Y[p, j - 1, t]
            s += diff * diff if kind == 0 else abs(diff)
        return s

    @cuda.jit(device=True)
    def direction(X, Y, U, V, p, i, j, kind, zmat):
        """z_ij = (∂Δ_ij/∂X) U + (∂Δ_ij/∂Y) V, or U[p, i-1, j-1] itself when ``zmat`` (U is
        then a direction of Δ, (B, n, m))."""
        if zmat:
            return U[p, i - 1, j - 1]
        s = zero
        for t in range(X.shape[2]):
            diff = X[p, i - 1, t] - Y[p, j - 1, t]
            du = U[p, i - 1, t] - V[p, j - 1, t]
            s += two * diff * du if kind == 0 else sign(diff) * du
        return s

    @cuda.jit(device=True)
    def softmin_weights(a, b, c, gamma, inv):
        """min^γ(a, b, c) and its gradient (the Gibbs weights of a, b, c); the minimum's
        exponential is 1 exactly, as in the CPU kernels."""
        lo_ab = a if a < b else b
        hi_ab = b if a < b else a
        mn = lo_ab if lo_ab < c else c
        mx = hi_ab if hi_ab > c else c
        md = hi_ab if hi_ab < c else (lo_ab if lo_ab > c else c)
        e_md = math.exp((mn - md) * inv)
        e_mx = math.exp((mn - mx) * inv)
        total = one + e_md + e_mx
        r = one / total
        wa = (one if a == mn else (e_md if a == md else e_mx)) * r
        wb = (one if b == mn else (e_md if b == md else e_mx)) * r
        wc = (one if c == mn else (e_md if c == md else e_mx)) * r
        return mn - gamma * math.log(total), wa, wb, wc

    @cuda.jit(device=True)
    def forward_diagonal(X, Y, p, k, ilo, ihi, gamma, inv, R, W, w0, store, kind):
        """R on diagonal k (slot k % 3) from diagonals k-1 and k-2, in tiles of the block;
        with ``store``, the weights of cell i at W[:, w0 + i - ilo]. Fenced with +inf."""
        s0, s1, s2 = k % 3, (k - 1) % 3, (k - 2) % 3
        i = ilo + _nbcuda.threadIdx.x
        while i <= ihi:
            sm, wa, wb, wc = softmin_weights(
                R[p, s2, i - 1], R[p, s1, i - 1], R[p, s1, i], gamma, inv
            )
            R[p, s0, i] = cost(X, Y, p, i, k - i, kind) + sm
            if store:
                q = w0 + i - ilo
                W[0, q] = wa
                W[1, q] = wb
                W[2, q] = wc
            i += _nbcuda.blockDim.x
        if _nbcuda.threadIdx.x == 0:
            R[p, s0, ilo - 1] = inf
            R[p, s0, ihi + 1] = inf

    @cuda.jit(device=True)
    def kahan_add(S, C, p, r, t, v):
        """S[p, r, t] += v with the compensation kept in C."""
        y = v - C[p, r, t]
        s = S[p, r, t]
        tot = s + y
        C[p, r, t] = (tot - s) - y
        S[p, r, t] = tot

    @cuda.jit(device=True)
    def backward_diagonal(X, Y, p, k, last, ilo, ihi, W, w0, P, GX, CX, GY, CY, E, flags):
        """E on diagonal k from the products w e of diagonals k+1 and k+2 (P[kind, slot]),
        then this diagonal's products, the gradient rows and, when asked, E itself."""
        s0, s1, s2 = k % 3, (k + 1) % 3, (k + 2) % 3
        i = ilo + _nbcuda.threadIdx.x
        while i <= ihi:
            j = k - i
            if k == last:
                e = one
            else:
                e = P[p, 0, s2, i + 1] + P[p, 1, s1, i + 1] + P[p, 2, s1, i]
            q = w0 + i - ilo
            P[p, 0, s0, i] = W[0, q] * e
            P[p, 1, s0, i] = W[1, q] * e
            P[p, 2, s0, i] = W[2, q] * e
            if flags[0]:
                for t in range(X.shape[2]):
                    diff = X[p, i - 1, t] - Y[p, j - 1, t]
                    g = two * e * diff if flags[4] == 0 else e * sign(diff)
                    kahan_add(GX, CX, p, i - 1, t, g)
                    if flags[1]:
                        kahan_add(GY, CY, p, j - 1, t, -g)
            if flags[2]:
                E[p, i - 1, j - 1] = e
            i += _nbcuda.blockDim.x
        if _nbcuda.threadIdx.x == 0:
            for kind in range(3):
                P[p, kind, s0, ilo - 1] = zero
                P[p, kind, s0, ihi + 1] = zero

    @cuda.jit(device=True)
    def zero_rows(A, p, rows):
        """A[p, :rows, :] = 0 by the block's threads."""
        cols = A.shape[2]
        u = _nbcuda.threadIdx.x
        while u < rows * cols:
            A[p, u // cols, u % cols] = zero
            u += _nbcuda.blockDim.x

    @cuda.jit(device=True)
    def checkpoint(R, CK, p, s, k0, rows, save):
        """Save (or restore) R on diagonals k0-2 and k0-1 as checkpoint s, rows 0..n+1."""
        a, b = (k0 - 2) % 3, (k0 - 1) % 3
        u = _nbcuda.threadIdx.x
        while u < rows:
            if save:
                CK[p, 2 * s, u] = R[p, a, u]
                CK[p, 2 * s + 1, u] = R[p, b, u]
            else:
                R[p, a, u] = CK[p, 2 * s, u]
                R[p, b, u] = CK[p, 2 * s + 1, u]
            u += _nbcuda.blockDim.x

    @cuda.jit
    def soft_dtw_kernel(X, Y, NL, ML, ILO, IHI, OFF, gamma, seg, R, CK, W, WOFF, P, GX, CX,
                        GY, CY, E, values, flags):
        """One block per pair: forward over all diagonals, then (flags[3]) backward.

        flags: 0 gradient wrt X, 1 also wrt Y, 2 write E, 3 any backward pass, 4 the cost's
        kind (0 squared Euclidean, 1 absolute, 2 precomputed: X is Δ). ``seg``:
        diagonals per recompute segment (the whole pair in one segment: stored mode).
        """
        p = _nbcuda.blockIdx.x
        n = NL[p]
        m = ML[p]
        last = n + m
        rows = R.shape[2]
        inv = one / gamma
        backward = flags[3] != 0
        nseg = (last - 1 + seg - 1) // seg
        store = backward and nseg == 1
        checkpoints = backward and nseg > 1
        u = _nbcuda.threadIdx.x
        while u < 3 * rows:
            R[p, u // rows, u % rows] = inf
            u += _nbcuda.blockDim.x
        _nbcuda.syncthreads()
        if _nbcuda.threadIdx.x == 0:
            R[p, 0, 0] = zero  # r_00 = 0 on diagonal 0
        if backward:
            if flags[0]:
                zero_rows(GX, p, GX.shape[1])
                zero_rows(CX, p, CX.shape[1])
            if flags[1]:
                zero_rows(GY, p, GY.shape[1])
                zero_rows(CY, p, CY.shape[1])
            if flags[2]:
                zero_rows(E, p, E.shape[1])
        _nbcuda.syncthreads()
        w_pair = WOFF[p]
        for k in range(2, last + 1):
            if checkpoints and (k - 2) % seg == 0:
                checkpoint(R, CK, p, (k - 2) // seg, k, rows, True)
            forward_diagonal(X, Y, p, k, ILO[p, k], IHI[p, k], gamma, inv, R, W,
                             w_pair + OFF[p, k], store, flags[4])
            _nbcuda.syncthreads()
        if _nbcuda.threadIdx.x == 0:
            values[p] = R[p, last % 3, n]
        if not backward:
            return
        u = _nbcuda.threadIdx.x
        while u < 9 * rows:
            P[p, u // (3 * rows), (u // rows) % 3, u % rows] = zero
            u += _nbcuda.blockDim.x
        _nbcuda.syncthreads()
        for s in range(nseg - 1, -1, -1):
            k0 = 2 + s * seg
            k1 = min(k0 + seg, last + 1)
            w_seg = w_pair - OFF[p, k0]  # segment-local offsets in recompute mode
            if checkpoints:
                checkpoint(R, CK, p, s, k0, rows, False)
                _nbcuda.syncthreads()
                for k in range(k0, k1):
                    forward_diagonal(X, Y, p, k, ILO[p, k], IHI[p, k], gamma, inv, R, W,
                                     w_seg + OFF[p, k], True, flags[4])
                    _nbcuda.syncthreads()
            else:
                w_seg = w_pair
            for k in range(k1 - 1, k0 - 1, -1):
                backward_diagonal(X, Y, p, k, last, ILO[p, k], IHI[p, k], W,
                                  w_seg + OFF[p, k], P, GX, CX, GY, CY, E, flags)
                _nbcuda.syncthreads()

    @cuda.jit(device=True)
    def tangent_forward_diagonal(X, Y, U, V, p, k, ilo, ihi, W, w0, RD, RDc, kind, zmat):
        """ṙ_ij = z_ij + Σ_l w_l ṙ_l on diagonal k (slot k % 3, fenced with 0), from the
        weights just stored by this thread; kept in RDc (compact) for the backward pass."""
        s0, s1, s2 = k % 3, (k - 1) % 3, (k - 2) % 3
        i = ilo + _nbcuda.threadIdx.x
        while i <= ihi:
            q = w0 + i - ilo
            rd = (direction(X, Y, U, V, p, i, k - i, kind, zmat) + W[0, q] * RD[p, s2, i - 1]
                  + W[1, q] * RD[p, s1, i - 1] + W[2, q] * RD[p, s1, i])
            RD[p, s0, i] = rd
            RDc[q] = rd
            i += _nbcuda.blockDim.x
        if _nbcuda.threadIdx.x == 0:
            RD[p, s0, ilo - 1] = zero
            RD[p, s0, ihi + 1] = zero

    @cuda.jit(device=True)
    def successor(X, Y, U, V, p, i, j, ks, slot, kind, zmat, ILO, IHI, OFF, w_pair, W, RDc,
                  EE, ED, gamma, rd, which):
        """(w_s e_s, w_s ė_s + e_s ẇ_s) for the successor s = (i, j) on diagonal ks, which
        reaches its predecessor (of tangent ṙ = rd) by move ``which``; zeros outside the band.
        ẇ_s = -(w_s / γ) (ṙ_pred - (ṙ_s - z_s))."""
        if not ILO[p, ks] <= i <= IHI[p, ks]:
            return zero, zero
        q = w_pair + OFF[p, ks] + i - ILO[p, ks]
        w = W[which, q]
        base = RDc[q] - direction(X, Y, U, V, p, i, j, kind, zmat)
        wdot = -w / gamma * (rd - base)
        es = EE[p, slot, i]
        return es * w, ED[p, slot, i] * w + es * wdot

    @cuda.jit(device=True)
    def tangent_outputs(X, Y, U, V, p, i, j, e, ed, kind, hvp, HX, CX, HY, CY):
        """Ė folded into (∂Δ/∂X)ᵀ Ė and (∂Δ/∂Y)ᵀ Ė (and, for the Hessian of the squared
        Euclidean cost, its own curvature 2 e (u_i - v_j)); Ė itself when X holds Δ."""
        if kind == 2:
            HX[p, i - 1, j - 1] = ed
            return
        for t in range(X.shape[2]):
            diff = X[p, i - 1, t] - Y[p, j - 1, t]
            if kind == 0:
                g = two * ed * diff
                if hvp:
                    g += two * e * (U[p, i - 1, t] - V[p, j - 1, t])
            else:
                g = ed * sign(diff)
            kahan_add(HX, CX, p, i - 1, t, g)
            kahan_add(HY, CY, p, j - 1, t, -g)

    @cuda.jit(device=True)
    def tangent_backward_diagonal(X, Y, U, V, p, k, last, ILO, IHI, OFF, w_pair, W, RDc, EE,
                                  ED, gamma, kind, zmat, hvp, HX, CX, HY, CY):
        """E and Ė on diagonal k, pulled from the successors on diagonals k+1 and k+2 in the
        CPU kernel's order (diagonal, vertical, horizontal move), then folded into H."""
        s0, s1, s2 = k % 3, (k + 1) % 3, (k + 2) % 3
        ilo = ILO[p, k]
        i = ilo + _nbcuda.threadIdx.x
        while i <= IHI[p, k]:
            j = k - i
            e, ed = one, zero
            if k < last:
                rd = RDc[w_pair + OFF[p, k] + i - ilo]
                e, ed = zero, zero
                if k + 2 <= last:
                    a, b = successor(X, Y, U, V, p, i + 1, j + 1, k + 2, s2, kind, zmat, ILO,
                                     IHI, OFF, w_pair, W, RDc, EE, ED, gamma, rd, 0)
                    e, ed = e + a, ed + b
                a, b = successor(X, Y, U, V, p, i + 1, j, k + 1, s1, kind, zmat, ILO, IHI,
                                 OFF, w_pair, W, RDc, EE, ED, gamma, rd, 1)
                e, ed = e + a, ed + b
                a, b = successor(X, Y, U, V, p, i, j + 1, k + 1, s1, kind, zmat, ILO, IHI,
                                 OFF, w_pair, W, RDc, EE, ED, gamma, rd, 2)
                e, ed = e + a, ed + b
            EE[p, s0, i] = e
            ED[p, s0, i] = ed
            tangent_outputs(X, Y, U, V, p, i, j, e, ed, kind, hvp, HX, CX, HY, CY)
            i += _nbcuda.blockDim.x

    @cuda.jit
    def tangent_kernel(X, Y, U, V, NL, ML, ILO, IHI, OFF, WOFF, gamma, kind, zmat, hvp, R,
                       W, RD, RDc, EE, ED, HX, CX, HY, CY):
        """One block per pair: R, the weights and ṙ forward (stored for every in-band cell),
        then E and Ė backward, folded into HX, HY (Ė itself in HX when X holds Δ)."""
        p = _nbcuda.blockIdx.x
        last = NL[p] + ML[p]
        rows = R.shape[2]
        inv = one / gamma
        u = _nbcuda.threadIdx.x
        while u < 3 * rows:
            R[p, u // rows, u % rows] = inf
            RD[p, u // rows, u % rows] = zero
            u += _nbcuda.blockDim.x
        zero_rows(HX, p, HX.shape[1])
        if kind != 2:
            zero_rows(CX, p, CX.shape[1])
            zero_rows(HY, p, HY.shape[1])
            zero_rows(CY, p, CY.shape[1])
        _nbcuda.syncthreads()
        if _nbcuda.threadIdx.x == 0:
            R[p, 0, 0] = zero
        _nbcuda.syncthreads()
        w_pair = WOFF[p]
        for k in range(2, last + 1):
            w0 = w_pair + OFF[p, k]
            forward_diagonal(X, Y, p, k, ILO[p, k], IHI[p, k], gamma, inv, R, W, w0, True,
                             kind)
            tangent_forward_diagonal(X, Y, U, V, p, k, ILO[p, k], IHI[p, k], W, w0, RD, RDc,
                                     kind, zmat)
            _nbcuda.syncthreads()
        for k in range(last, 1, -1):
            tangent_backward_diagonal(X, Y, U, V, p, k, last, ILO, IHI, OFF, w_pair, W, RDc,
                                      EE, ED, gamma, kind, zmat, hvp, HX, CX, HY, CY)
            _nbcuda.syncthreads()

    @cuda.jit
    def nonfinite_kernel(A, first):
        """first[0] = the smallest flat index of a NaN or infinite entry of A (B, r, c)."""
        p = _nbcuda.blockIdx.x
        rows, cols = A.shape[1], A.shape[2]
        u = _nbcuda.threadIdx.x
        while u < rows * cols:
            v = A[p, u // cols, u % cols]
            if math.isnan(v) or math.isinf(v):
                _nbcuda.atomic.min(first, 0, p * rows * cols + u)
            u += _nbcuda.blockDim.x

    @cuda.jit
    def divergence_kernel(vxy, vxx, vyy, out):
        p = _nbcuda.grid(1)
        if p < out.shape[0]:
            out[p] = vxy[p] - (vxx[p] + vyy[p]) / two

    @cuda.jit
    def subtract_kernel(G, H):
        """G[p] -= H[p], one block per pair."""
        p = _nbcuda.blockIdx.x
        rows, cols = G.shape[1], G.shape[2]
        u = _nbcuda.threadIdx.x
        while u < rows * cols:
            G[p, u // cols, u % cols] -= H[p, u // cols, u % cols]
            u += _nbcuda.blockDim.x

    return dict(
        soft_dtw=soft_dtw_kernel,
        tangent=tangent_kernel,
        nonfinite=nonfinite_kernel,
        divergence=divergence_kernel,
        subtract=subtract_kernel,
    )


# --------------------------------------------------------------------------- host side


def _alloc(shape, dtype):
    """Every work and output array of this module is allocated here (the memory test
    records these calls)."""
    return _cuda().device_array(shape, dtype=dtype)


def _upload(host_array):
    """Host -> device copy of the small index arrays (also counted by the memory test)."""
    return _cuda().to_device(np.ascontiguousarray(host_array))


def _device_view(A):
    """A Numba device array viewing A when A lives on the GPU (no copy), else None."""
    if getattr(A, "__cuda_ndarray__", False):  # a Numba (or simulator) device array
        return A
    if hasattr(A, "__cuda_array_interface__"):  # torch, CuPy, …
        return _cuda().as_cuda_array(A)
    return None


_SERIES_HINT = ("a batch of series of d values each", "Add the missing axes: {name}[None] "
                "for one pair, {name}[..., None] for univariate series.")


def _as_batch(A, name, shape_name, hint=_SERIES_HINT):
    """(array, on_device) for a (B, ·, ·) batch; device arrays are not copied."""
    dev = _device_view(A)
    if dev is None:
        arr = np.asarray(A) if isinstance(A, np.ndarray) else A
        if not (isinstance(arr, np.ndarray) and arr.dtype == np.float32):
            arr = as_real_array(A, name, f"a real array of shape {shape_name}")
        arr = np.ascontiguousarray(arr)
    else:
        arr = dev
        if arr.dtype not in (np.float32, np.float64):
            raise ValueError(
                f"{name} is a device array of dtype {arr.dtype}; pass float32 or float64 "
                f"(e.g. {name}.float() in PyTorch)."
            )
    if len(arr.shape) != 3:
        raise ValueError(
            f"{name} must have shape {shape_name} ({hint[0]}); got shape "
            f"{tuple(arr.shape)}. {hint[1].format(name=name)}"
        )
    if min(arr.shape) == 0:
        raise ValueError(f"{name} is empty (shape {tuple(arr.shape)}): every axis needs >= 1.")
    return arr, dev is not None


def _check_finite_device(A, name):
    """The host check's message, for a device array: one small kernel, one index back."""
    cuda = _cuda()
    size = int(np.prod(A.shape))
    first = cuda.to_device(np.array([size], dtype=np.int64))
    _kernels(str(A.dtype))["nonfinite"][A.shape[0], 128](A, first)
    flat = int(first.copy_to_host()[0])
    if flat < size:
        idx = np.unravel_index(flat, A.shape)
        value = float(A[idx[0]:idx[0] + 1, idx[1]:idx[1] + 1, idx[2]:idx[2] + 1]
                      .copy_to_host().ravel()[0])
        kind = "NaN" if math.isnan(value) else "an infinite value"
        raise ValueError(
            f"{name} contains {kind} at index {tuple(int(i) for i in idx)}; remove or "
            f"interpolate it first."
        )


def _check_lengths(lengths, B, full, name, axis):
    """Per-pair lengths as host int64 (B,), each in [1, full]; None gives ``full``."""
    if lengths is None:
        return np.full(B, full, dtype=_INDEX)
    dev = _device_view(lengths)
    raw = dev.copy_to_host() if dev is not None else np.asarray(lengths)
    if raw.ndim == 0 and isinstance(lengths, Integral):
        raw = np.full(B, int(lengths))
    if raw.shape != (B,):
        raise ValueError(
            f"{name} must have one length per pair: shape ({B},); got shape {raw.shape}."
        )
    if raw.dtype.kind not in "iu" and not (
        raw.dtype.kind == "f" and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw))
    ):
        raise ValueError(f"{name} must hold integers; got dtype {raw.dtype} ({raw[:4]!r}…).")
    out = raw.astype(_INDEX)
    bad = np.flatnonzero((out < 1) | (out > full))
    if bad.size:
        b = int(bad[0])
        raise ValueError(
            f"{name}[{b}] = {int(out[b])} is out of range: lengths must be in [1, {full}] "
            f"({axis} has {full} time steps)."
        )
    return out


def _check_gamma(gamma):
    g = check_gamma(gamma)
    if g == 0:
        raise ValueError(
            "gamma must be > 0 on the GPU (the soft-min weights need 1/γ); got 0. Use a small "
            "γ such as 1e-3, or softdtw_core.dtw_path on the CPU for hard DTW."
        )
    return g


@dataclass
class _Batch:
    """Validated inputs: device arrays X, Y, host lengths, dtype, the band's radius and the
    cost's code (``Y`` is ``X`` itself, never read, when X holds Δ)."""

    X: object
    Y: object
    on_device: bool
    dtype: np.dtype
    nl: np.ndarray
    ml: np.ndarray
    radius: float
    kind: int = 0

    @property
    def shape(self):
        """(B, n, m, d); d = 1 when X holds Δ, (B, n, m)."""
        if self.kind == _PRECOMPUTED:
            return (*self.X.shape, 1)
        return self.X.shape[0], self.X.shape[1], self.Y.shape[1], self.X.shape[2]


def _check_cost(cost, Y, costs=COSTS):
    """The cost's code; Y must be None exactly when X holds Δ (``cost="precomputed"``)."""
    check_choice(cost, costs, "cost")
    kind = COST_CODES[cost]
    if kind == _PRECOMPUTED and Y is not None:
        raise ValueError("with cost='precomputed', pass the (B, n, m) cost array as X and "
                         "leave Y=None.")
    if kind != _PRECOMPUTED and Y is None:
        raise ValueError("Y is missing: pass two batches of series, or cost='precomputed' "
                         "with a (B, n, m) cost array as X.")
    return kind


def _check_same(Xa, x_dev, Ya, y_dev, names=("X", "Y"), axis=2, what="dimension d"):
    """Two batches on the same side, with the same B, the same size on ``axis`` and (on
    the GPU) the same dtype."""
    a, b = names
    if x_dev != y_dev:
        where = (a, b) if x_dev else (b, a)
        raise ValueError(
            f"{where[0]} is on the GPU but {where[1]} is a host array; pass both on the same "
            f"device (e.g. {where[1]}.cuda() in PyTorch)."
        )
    if Xa.shape[0] != Ya.shape[0]:
        raise ValueError(
            f"{a} and {b} must hold the same number of pairs B; got {a} with B={Xa.shape[0]} "
            f"and {b} with B={Ya.shape[0]}."
        )
    if Xa.shape[axis] != Ya.shape[axis]:
        raise ValueError(
            f"{a} and {b} must have the same {what}; got {a} with shape {tuple(Xa.shape)} "
            f"and {b} with shape {tuple(Ya.shape)}."
        )
    if x_dev and Xa.dtype != Ya.dtype:
        raise ValueError(
            f"{a} and {b} must have the same dtype on the GPU; got {a} {Xa.dtype} and {b} "
            f"{Ya.dtype}: cast one of them."
        )


def _finite_on_device(named, on_device, dtype=None):
    """The arrays checked for NaN and inf where they are, host ones then copied to the
    device in ``dtype`` (default: their common type); returns (dtype, device arrays)."""
    if on_device:
        for A, name in named:
            _check_finite_device(A, name)
        return np.dtype(named[0][0].dtype), [A for A, _ in named]
    dtype = np.result_type(*(A.dtype for A, _ in named)) if dtype is None else dtype
    for A, name in named:
        _check_finite(A, name)
    return dtype, [_cuda().to_device(A.astype(dtype, copy=False)) for A, _ in named]


_COST_HINT = ("the cost matrix of each pair, cost='precomputed'",
              "Add the batch axis for one pair: {name}[None].")


def _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost="sqeuclidean", costs=COSTS):
    g = _check_gamma(gamma)
    radius = check_band(band)
    kind = _check_cost(cost, Y, costs)
    if kind == _PRECOMPUTED:
        Xa, on_device = _as_batch(X, "X", "(B, n, m)", _COST_HINT)
        named = [(Xa, "X")]
    else:
        Xa, on_device = _as_batch(X, "X", "(B, n, d)")
        Ya, y_dev = _as_batch(Y, "Y", "(B, m, d)")
        _check_same(Xa, on_device, Ya, y_dev)
        named = [(Xa, "X"), (Ya, "Y")]
    dtype, arrays = _finite_on_device(named, on_device)
    Xa, Ya = arrays[0], arrays[-1]  # Y = X when X holds Δ: never read
    B, n = Xa.shape[:2]
    m, y_axis = (Xa.shape[2], "X's last axis") if kind == _PRECOMPUTED else (Ya.shape[1], "Y")
    nl = _check_lengths(x_lengths, B, n, "x_lengths", "X")
    ml = _check_lengths(y_lengths, B, m, "y_lengths", y_axis)
    return _Batch(Xa, Ya, on_device, dtype, nl, ml, radius, kind), g


@functools.lru_cache(maxsize=4096)
def _pair_layout(n, m, radius):
    """Row range of every diagonal k = 0 .. n+m+1 and the in-band cells before each."""
    lo, hi = band_limits(n, m, radius)
    ilo, ihi, _, _ = diagonal_layout(n, m, lo, hi)
    cells = np.concatenate(([0], np.cumsum(np.maximum(ihi - ilo + 1, 0))))
    return ilo, ihi, cells


def _checked_layout(n, m, radius, b):
    try:
        band_limits_checked(n, m, radius)
    except ValueError as exc:
        raise ValueError(f"pair {b}: {exc}") from None
    return _pair_layout(n, m, radius)


def _default_segment(n, m, d_min):
    """Diagonals per recompute segment: minimises 2 (n+m)/c (n+2) + 3 c min(n, m)."""
    return max(1, round(math.sqrt(4 * (n + 2) * (n + m) / (6 * max(d_min, 1)))))


def _segment_cells(cells, last, seg):
    """Most in-band cells in one segment of ``seg`` diagonals (diagonals 2 .. last)."""
    starts = np.arange(2, last + 1, seg)
    ends = np.minimum(starts + seg, last + 1)
    return int(np.max(cells[ends] - cells[starts]))


@dataclass
class _Plan:
    """Shapes of every device array one call allocates, and the index arrays."""

    shapes: dict
    dtype: np.dtype
    seg: int
    ILO: np.ndarray
    IHI: np.ndarray
    OFF: np.ndarray
    WOFF: np.ndarray

    def nbytes(self):
        total = 0
        for shape, kind in self.shapes.values():
            item = self.dtype.itemsize if kind == "float" else 8
            total += int(np.prod(shape)) * item
        return total + sum(a.nbytes for a in (self.ILO, self.IHI, self.OFF, self.WOFF)) + 16 * len(
            self.WOFF
        )  # + NL, ML


def _layouts(nl, ml, radius, check):
    """Row ranges (ILO, IHI) and in-band cells before each diagonal (OFF) of the B pairs,
    and their layouts by (n, m)."""
    B = len(nl)
    K = int((nl + ml).max()) + 2
    ILO = np.ones((B, K), dtype=_INDEX)
    IHI = np.zeros((B, K), dtype=_INDEX)
    OFF = np.zeros((B, K + 1), dtype=_INDEX)
    layouts = {}
    for b in range(B):
        key = (int(nl[b]), int(ml[b]))
        if key not in layouts:
            layouts[key] = (_checked_layout(*key, radius, b) if check
                            else _pair_layout(*key, radius))
        ilo, ihi, cells = layouts[key]
        ILO[b, : len(ilo)] = ilo
        IHI[b, : len(ihi)] = ihi
        OFF[b, : len(cells)] = cells
    return ILO, IHI, OFF, layouts


def _shapes(B, n, m, d, nseg, cells, what, with_grad_y, kind, full=None):
    """The work and output arrays of ``what`` (``cells``: weights kept, over all pairs;
    ``n``, ``m``: the longest lengths; ``full``: the padded (n, m) of the outputs, default
    ``(n, m)``)."""
    tiny = (1, 1, 1)
    rows = n + 2
    n, m = (n, m) if full is None else full
    if what == "tangent":
        precomputed = kind == _PRECOMPUTED
        hx = (B, n, m) if precomputed else (B, n, d)
        return {
            "R": ((B, 3, rows), "float"),
            "W": ((3, cells), "float"),
            "RDc": ((cells,), "float"),
            **{name: ((B, 3, rows), "float") for name in ("RD", "EE", "ED")},
            "HX": (hx, "float"),
            "CX": (tiny if precomputed else hx, "float"),
            "HY": (tiny if precomputed else (B, m, d), "float"),
            "CY": (tiny if precomputed else (B, m, d), "float"),
        }
    backward = what != "value"
    return {
        "R": ((B, 3, rows), "float"),
        "values": ((B,), "float"),
        "CK": ((B, 2 * nseg, rows) if backward and nseg > 1 else tiny, "float"),
        "W": ((3, cells) if backward else (3, 1), "float"),
        "P": ((B, 3, 3, rows) if backward else (1, 1, 1, 1), "float"),
        "GX": ((B, n, d) if what == "value_and_grad" else tiny, "float"),
        "CX": ((B, n, d) if what == "value_and_grad" else tiny, "float"),
        "GY": ((B, m, d) if what == "value_and_grad" and with_grad_y else tiny, "float"),
        "CY": ((B, m, d) if what == "value_and_grad" and with_grad_y else tiny, "float"),
        "E": ((B, n, m) if what == "alignment" else tiny, "float"),
        "flags": ((5,), "int"),
    }


def _plan(nl, ml, d, radius, dtype, what, mode, checkpoint_every, with_grad_y, check=True,
          kind=0, full=None):
    """Layouts of the B pairs and the shapes of the arrays for ``what`` in ``mode`` (the
    tangent pass stores every cell); outputs of the padded shape ``full`` (n, m)."""
    ILO, IHI, OFF, layouts = _layouts(nl, ml, radius, check)
    if what in ("value", "tangent"):
        mode = "stored"
    elif mode == "auto":
        stored = _plan(nl, ml, d, radius, dtype, what, "stored", None, with_grad_y, False, kind,
                       full)
        mode = "stored" if stored.nbytes() <= AUTO_STORED_BYTES else "recompute"
    if mode == "stored":
        seg = ILO.shape[1]  # one segment: every pair's weights from the forward pass
        per_pair = np.array([layouts[(int(a), int(c))][2][-1] for a, c in zip(nl, ml)])
        nseg = 1
    else:
        if checkpoint_every is None:
            seg = max(_default_segment(int(a), int(c), min(int(a), int(c)))
                      for a, c in layouts)
        else:
            seg = int(checkpoint_every)
        per_pair = np.array([
            _segment_cells(layouts[(int(a), int(c))][2], int(a + c), seg) for a, c in zip(nl, ml)
        ])
        nseg = int(((nl + ml - 1 + seg - 1) // seg).max())
    WOFF = np.concatenate(([0], np.cumsum(per_pair)[:-1])).astype(_INDEX)
    shapes = _shapes(len(nl), int(nl.max()), int(ml.max()), d, nseg, int(per_pair.sum()), what,
                     with_grad_y, kind, full)
    return _Plan(shapes, np.dtype(dtype), seg, ILO, IHI, OFF, WOFF)


def _threads(plan, threads_per_block):
    if threads_per_block is not None:
        if isinstance(threads_per_block, bool) or not isinstance(threads_per_block, Integral) \
                or not 1 <= threads_per_block <= 1024:
            raise ValueError(
                f"threads_per_block must be an integer in [1, 1024]; got {threads_per_block!r}."
            )
        return int(threads_per_block)
    widest = int(np.max(plan.IHI - plan.ILO + 1))
    return int(min(256, 32 * max(1, math.ceil(widest / 32))))


def _check_mode(mode, checkpoint_every):
    check_choice(mode, MODES, "mode")
    if checkpoint_every is not None and (
        isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, Integral)
        or checkpoint_every < 1
    ):
        raise ValueError(
            f"checkpoint_every must be None (automatic) or an integer >= 1 (diagonals per "
            f"recomputed segment); got {checkpoint_every!r}."
        )


def _setup(batch, what, mode="stored", checkpoint_every=None, with_grad_y=False,
           threads_per_block=None, flags=None):
    """The plan, the threads per block, the allocated arrays and the uploaded index
    arrays of one launch."""
    _check_mode(mode, checkpoint_every)
    B, n, m, d = batch.shape
    plan = _plan(batch.nl, batch.ml, d, batch.radius, batch.dtype, what, mode,
                 checkpoint_every, with_grad_y, kind=batch.kind, full=(n, m))
    threads = _threads(plan, threads_per_block)
    arrays = {
        name: _alloc(shape, batch.dtype if kind == "float" else _INDEX)
        for name, (shape, kind) in plan.shapes.items() if name != "flags"
    }
    index = [("NL", batch.nl), ("ML", batch.ml), ("ILO", plan.ILO), ("IHI", plan.IHI),
             ("OFF", plan.OFF), ("WOFF", plan.WOFF)]
    up = {name: _upload(a) for name, a in index + ([] if flags is None else [("flags", flags)])}
    return plan, threads, arrays, up


def _run(batch, gamma, what, *, mode="auto", checkpoint_every=None, with_grad_y=False,
         threads_per_block=None):
    """Launch the kernel on the batch; the device arrays of the results by name."""
    flags = np.array([what == "value_and_grad", what == "value_and_grad" and with_grad_y,
                      what == "alignment", what != "value", batch.kind], dtype=_INDEX)
    plan, threads, arrays, up = _setup(batch, what, mode, checkpoint_every, with_grad_y,
                                       threads_per_block, flags)
    _kernels(batch.dtype.name)["soft_dtw"][batch.shape[0], threads](
        batch.X, batch.Y, up["NL"], up["ML"], up["ILO"], up["IHI"], up["OFF"],
        batch.dtype.type(gamma), plan.seg, arrays["R"], arrays["CK"], arrays["W"],
        up["WOFF"], arrays["P"], arrays["GX"], arrays["CX"], arrays["GY"], arrays["CY"],
        arrays["E"], arrays["values"], up["flags"],
    )
    return arrays


def _run_tangent(batch, gamma, U, V, *, hvp, threads_per_block=None):
    """Launch the tangent kernel: U, V directions of X and Y (``hvp``), or U a direction of
    Δ, (B, n, m), with V unused; the device arrays of the results by name."""
    plan, threads, arrays, up = _setup(batch, "tangent", threads_per_block=threads_per_block)
    zmat = int(batch.kind == _PRECOMPUTED or not hvp)
    _kernels(batch.dtype.name)["tangent"][batch.shape[0], threads](
        batch.X, batch.Y, U, V, up["NL"], up["ML"], up["ILO"], up["IHI"], up["OFF"],
        up["WOFF"], batch.dtype.type(gamma), batch.kind, zmat, int(bool(hvp)), arrays["R"],
        arrays["W"], arrays["RD"], arrays["RDc"], arrays["EE"], arrays["ED"], arrays["HX"],
        arrays["CX"], arrays["HY"], arrays["CY"],
    )
    return arrays


def _out(batch, *arrays):
    """Device arrays for device inputs, host copies for host inputs."""
    result = tuple(a if batch.on_device else a.copy_to_host() for a in arrays)
    return result if len(result) > 1 else result[0]


# --------------------------------------------------------------------------- public API

def soft_dtw(X, Y, gamma=1.0, *, band=None, cost="sqeuclidean", x_lengths=None,
             y_lengths=None, threads_per_block=None):
    r"""Soft-DTW values of B pairs on the GPU.

    .. math::

        v_b = \operatorname{dtw}_\gamma(X_b[:n_b], Y_b[:m_b])

    with the squared Euclidean cost (or ``cost``). Keeps R on three rolling diagonals per
    pair (``3 (n + 2)`` values).

    Parameters
    ----------
    X : array, shape (B, n, d)
        The first series of each pair: a device array (``__cuda_array_interface__``) or a
        host NumPy array. With ``cost="precomputed"``: the cost matrices, shape (B, n, m).
    Y : array, shape (B, m, d), or None
        The second series, on the same side as ``X``; None with ``cost="precomputed"``.
    gamma : float
        Smoothing parameter γ > 0, in the units of the cost.
    band : float or None
        Sakoe-Chiba radius in time steps, on each pair's own lengths
        (:mod:`softdtw_core.band`); ``None``: no band.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        The ground cost: ``||x_i - y_j||²`` (default), ``Σ_t |x_it - y_jt|``, or ``X[b]``
        itself (any cost computed on the device).
    x_lengths, y_lengths : array of int, shape (B,), optional
        Lengths of the pairs' series (host or device; default n and m): rows past them are
        padding, never read, and get a zero gradient.
    threads_per_block : int, optional
        Threads of each pair's block (default: the widest diagonal rounded up to a warp,
        at most 256); diagonals longer than the block are swept in several tiles.

    Returns
    -------
    array, shape (B,)
        The values, in the inputs' dtype: a device array for device inputs, else NumPy.

    Examples
    --------
    On a GPU, or with ``NUMBA_ENABLE_CUDASIM=1`` set before Numba is imported (not run
    here: the doctests may run without either); three steps of cost 1 on the best path:

    >>> import numpy as np
    >>> from softdtw_core import cuda as sdc
    >>> X = np.zeros((2, 3, 1)); Y = np.ones((2, 3, 1))
    >>> sdc.soft_dtw(X, Y, gamma=0.01).round(2)  # doctest: +SKIP
    array([3., 3.])
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost)
    arrays = _run(batch, g, "value", threads_per_block=threads_per_block)
    return _out(batch, arrays["values"])


def soft_dtw_value_and_grad(X, Y, gamma=1.0, *, band=None, cost="sqeuclidean",
                            x_lengths=None, y_lengths=None, mode="auto", checkpoint_every=None,
                            with_grad_y=False, threads_per_block=None):
    r"""Soft-DTW values and their gradients with respect to X (and Y) on the GPU.

    .. math::

        \nabla_{x_i} v_b = \sum_j e_{ij}\, \partial_{x_i} \Delta_{ij}, \qquad
        \nabla_{y_j} v_b = \sum_i e_{ij}\, \partial_{y_j} \Delta_{ij}

    with ``E`` the expected alignment of pair b, folded into the gradient as it is computed
    (never stored): :math:`\partial_{x_i} \Delta_{ij} = 2 (x_i - y_j)` for the squared
    Euclidean cost, :math:`\operatorname{sign}(x_i - y_j)` for the absolute one. With
    ``cost="precomputed"`` the gradient is with respect to Δ: it is E itself. Rows past a
    pair's length get exactly zero.

    Parameters
    ----------
    X, Y, gamma, band, cost, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    mode : {"auto", "stored", "recompute"}
        Memory of the backward pass (see the module docstring and :func:`memory_estimate`).
    checkpoint_every : int, optional
        Diagonals per recomputed segment in ``"recompute"`` mode (default: the one that
        needs the least memory).
    with_grad_y : bool
        Also return the gradient with respect to Y (not with ``cost="precomputed"``).

    Returns
    -------
    values : array, shape (B,)
    grad_X : array, shape (B, n, d)
        ``E``, shape (B, n, m), with ``cost="precomputed"``.
    grad_Y : array, shape (B, m, d)
        Only with ``with_grad_y=True``.
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost)
    kw = dict(mode=mode, checkpoint_every=checkpoint_every, threads_per_block=threads_per_block)
    if batch.kind == _PRECOMPUTED:
        if with_grad_y:
            raise ValueError("with_grad_y=True needs Y; with cost='precomputed' the gradient "
                             "is with respect to the costs X (it is E): pass "
                             "with_grad_y=False.")
        arrays = _run(batch, g, "alignment", **kw)
        return _out(batch, arrays["values"], arrays["E"])
    arrays = _run(batch, g, "value_and_grad", with_grad_y=bool(with_grad_y), **kw)
    if with_grad_y:
        return _out(batch, arrays["values"], arrays["GX"], arrays["GY"])
    return _out(batch, arrays["values"], arrays["GX"])


def expected_alignment(X, Y, gamma=1.0, *, band=None, cost="sqeuclidean", x_lengths=None,
                       y_lengths=None, mode="auto", checkpoint_every=None,
                       threads_per_block=None, with_values=False):
    r"""Expected alignment matrices ``E_γ[A]`` of B pairs on the GPU.

    .. math::

        E_b = \nabla_{\Delta} \operatorname{dtw}_\gamma(X_b, Y_b)
        = \mathbb{E}_{p_\gamma}[A]

    Parameters
    ----------
    X, Y, gamma, band, cost, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    mode, checkpoint_every
        As in :func:`soft_dtw_value_and_grad`.
    with_values : bool
        Also return the values (computed by the same pass).

    Returns
    -------
    array, shape (B, n, m)
        ``E`` of pair b in ``[b, :n_b, :m_b]``; zero outside the band and in the padding.
        ``(values, E)`` with ``with_values=True``.
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost)
    arrays = _run(batch, g, "alignment", mode=mode, checkpoint_every=checkpoint_every,
                  threads_per_block=threads_per_block)
    if with_values:
        return _out(batch, arrays["values"], arrays["E"])
    return _out(batch, arrays["E"])


def _self_terms(batch, g, what, **kw):
    """Runs on (X, X) and (Y, Y), each with its own lengths."""
    xx = _Batch(batch.X, batch.X, batch.on_device, batch.dtype, batch.nl, batch.nl,
                batch.radius, batch.kind)
    yy = _Batch(batch.Y, batch.Y, batch.on_device, batch.dtype, batch.ml, batch.ml,
                batch.radius, batch.kind)
    return _run(xx, g, what, **kw), _run(yy, g, "value", threads_per_block=kw.get(
        "threads_per_block"))


def _divergence_values(batch, vxy, vxx, vyy):
    B = vxy.shape[0]
    out = _alloc((B,), batch.dtype)
    _kernels(batch.dtype.name)["divergence"][(B + 127) // 128, 128](vxy, vxx, vyy, out)
    return out


#: The divergence's costs: its self-terms need the series (no ``"precomputed"``).
_DIVERGENCE_COSTS = ("sqeuclidean", "absolute")


def soft_dtw_divergence(X, Y, gamma=1.0, *, band=None, cost="sqeuclidean", x_lengths=None,
                        y_lengths=None, threads_per_block=None):
    r"""Soft-DTW divergences of B pairs on the GPU.

    .. math::

        D_\gamma(X, Y) = \operatorname{dtw}_\gamma(X, Y)
        - \tfrac12 \left(\operatorname{dtw}_\gamma(X, X) + \operatorname{dtw}_\gamma(Y, Y)\right)

    as :func:`softdtw_core.soft_dtw_divergence`, each self-term on the pair's own length.

    Parameters
    ----------
    X, Y, gamma, band, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    cost : {"sqeuclidean", "absolute"}
        The ground cost (the self-terms need the series: no ``"precomputed"``).

    Returns
    -------
    array, shape (B,)
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost, _DIVERGENCE_COSTS)
    kw = dict(threads_per_block=threads_per_block)
    vxy = _run(batch, g, "value", **kw)["values"]
    xx, yy = _self_terms(batch, g, "value", **kw)
    return _out(batch, _divergence_values(batch, vxy, xx["values"], yy["values"]))


def soft_dtw_divergence_value_and_grad(X, Y, gamma=1.0, *, band=None, cost="sqeuclidean",
                                       x_lengths=None, y_lengths=None, mode="auto",
                                       checkpoint_every=None, threads_per_block=None):
    r"""Soft-DTW divergences and their gradients with respect to X on the GPU.

    .. math::

        \nabla_X D_\gamma(X, Y) = \nabla_X \operatorname{dtw}_\gamma(X, Y)
        - \nabla_{1} \operatorname{dtw}_\gamma(X, X)

    (the two arguments of ``dtw_γ(X, X)`` contribute equally, so the ½ cancels), as
    :func:`softdtw_core.soft_dtw_divergence_value_and_grad`.

    Parameters
    ----------
    X, Y, gamma, band, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    cost
        As in :func:`soft_dtw_divergence`.
    mode, checkpoint_every
        As in :func:`soft_dtw_value_and_grad`.

    Returns
    -------
    values : array, shape (B,)
    grad_X : array, shape (B, n, d)
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost, _DIVERGENCE_COSTS)
    kw = dict(mode=mode, checkpoint_every=checkpoint_every, threads_per_block=threads_per_block)
    xy = _run(batch, g, "value_and_grad", **kw)
    xx, yy = _self_terms(batch, g, "value_and_grad", **kw)
    values = _divergence_values(batch, xy["values"], xx["values"], yy["values"])
    B = values.shape[0]
    _kernels(batch.dtype.name)["subtract"][B, 128](xy["GX"], xx["GX"])
    return _out(batch, values, xy["GX"])


# --------------------------------------------------------------------------- second order


def _direction(U, name, shape, batch):
    """A direction (host or device) validated against ``shape`` and the batch's side and
    dtype, as a device array; None gives zeros."""
    if U is None:
        return _upload(np.zeros(shape, dtype=batch.dtype))
    A, dev = _as_batch(U, name, str(tuple(shape)), ("a direction", "Give it that shape."))
    if dev != batch.on_device:
        raise ValueError(
            f"{name} must be on the same side as X (both on the GPU or both host arrays); "
            f"got {name} {'on the GPU' if dev else 'on the host'}."
        )
    if tuple(A.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}; got {tuple(A.shape)}.")
    if dev and A.dtype != batch.dtype:
        raise ValueError(f"{name} must have X's dtype {batch.dtype}; got {A.dtype}: cast it.")
    return _finite_on_device([(A, name)], dev, batch.dtype)[1][0]


def _tangent_out(batch, arrays):
    if batch.kind == _PRECOMPUTED:
        return _out(batch, arrays["HX"])
    return _out(batch, arrays["HX"], arrays["HY"])


def soft_dtw_hvp(X, Y, V_X, V_Y=None, gamma=1.0, *, band=None, cost="sqeuclidean",
                 x_lengths=None, y_lengths=None, threads_per_block=None):
    r"""Hessian-vector products of soft-DTW for B pairs on the GPU.

    .. math::

        \begin{pmatrix} H_X \\ H_Y \end{pmatrix} = \nabla^2_{(X, Y)}
        \operatorname{dtw}_\gamma(X_b, Y_b) \begin{pmatrix} V_X \\ V_Y \end{pmatrix},
        \qquad H_{x_i} = \sum_j \dot e_{ij}\, \partial_{x_i} \Delta_{ij}
        + 2 \sum_j e_{ij} (v_i - w_j) \ \text{(squared Euclidean)}

    with :math:`\dot E = \nabla^2_\Delta \operatorname{dtw}_\gamma\, Z` the directional
    derivative of E along :math:`Z = \partial_X \Delta\, V_X + \partial_Y \Delta\, V_Y`,
    by forward-mode differentiation of both recursions as :mod:`softdtw_core.second_order`
    does on the CPU (its docstring states the maths; the absolute cost has no curvature of
    its own). The forward pass stores the three soft-min weights and :math:`\dot r` of
    every in-band cell (4 values per cell: 16 bytes in float32, 32 in float64; no recompute
    mode), the backward pass keeps E and Ė on rolling diagonals and folds Ė into H as it
    goes. Padding rows get exactly zero.

    Parameters
    ----------
    X, Y, gamma, band, cost, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw` (with ``cost="precomputed"``, the product is w.r.t. Δ).
    V_X : array, X's shape
        The direction of X (of Δ with ``cost="precomputed"``), on X's side, in its dtype.
    V_Y : array, Y's shape, optional
        The direction of Y (default zero; None with ``cost="precomputed"``).

    Returns
    -------
    H_X, H_Y : arrays of X's and Y's shapes
        Only ``H_X`` (shape (B, n, m): Ė) with ``cost="precomputed"``.
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost)
    U = _direction(V_X, "V_X", batch.X.shape, batch)
    if batch.kind == _PRECOMPUTED:
        if V_Y is not None:
            raise ValueError("V_Y must be None with cost='precomputed' (V_X is a direction of "
                             "the costs X).")
        V = U
    else:
        V = _direction(V_Y, "V_Y", batch.Y.shape, batch)
    arrays = _run_tangent(batch, g, U, V, hvp=True, threads_per_block=threads_per_block)
    return _tangent_out(batch, arrays)


def expected_alignment_vjp(X, Y, G, gamma=1.0, *, band=None, cost="sqeuclidean",
                           x_lengths=None, y_lengths=None, threads_per_block=None):
    r"""The backward pass of :func:`expected_alignment`: gradients of :math:`\langle E, G
    \rangle` for B pairs on the GPU.

    .. math::

        \nabla_X \langle E, G \rangle = \left(\frac{\partial \Delta}{\partial X}
        \right)^{\!\top} \dot E, \qquad \dot E = \nabla^2_\Delta
        \operatorname{dtw}_\gamma\, G

    (the Hessian is symmetric), and likewise for Y: what DILATE's timing term and any loss
    on E need. Same kernel and memory as :func:`soft_dtw_hvp`.

    Parameters
    ----------
    X, Y, gamma, band, cost, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    G : array, shape (B, n, m)
        The cotangent of E (only each pair's in-band block is read).

    Returns
    -------
    grad_X, grad_Y : arrays of X's and Y's shapes
        Only the gradient w.r.t. the costs, ``Ė`` (B, n, m), with ``cost="precomputed"``.
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths, cost)
    B, n, m, _ = batch.shape
    U = _direction(G, "G", (B, n, m), batch)
    arrays = _run_tangent(batch, g, U, U, hvp=False, threads_per_block=threads_per_block)
    return _tangent_out(batch, arrays)


def memory_estimate(B, n, m, dtype="float32", mode="stored", *, d=1, band=None,
                    what="value_and_grad", checkpoint_every=None, with_grad_y=False,
                    cost="sqeuclidean"):
    r"""Bytes of device memory one call allocates besides its inputs (X, Y, directions).

    For B pairs of lengths ``(n, m)``: work arrays, outputs and index arrays, exactly as the
    call allocates them. The backward pass of ``mode="stored"`` keeps

    .. math::

        3 \times \mathrm{itemsize} \ \text{bytes per in-band cell}

    (the three soft-min weights: 12 in float32, 24 in float64); ``mode="recompute"`` keeps
    checkpoints and one segment's weights, about :math:`\sqrt{n}` times less for long pairs.
    The second-order pass (``what="tangent"``: :func:`soft_dtw_hvp`,
    :func:`expected_alignment_vjp`) keeps 4 values per in-band cell (the weights and
    :math:`\dot r`: 16 bytes in float32, 32 in float64), whatever ``mode``.

    Parameters
    ----------
    B, n, m : int
        Pairs and their lengths.
    dtype : {"float32", "float64"}
    mode : {"stored", "recompute", "auto"}
    d : int
        Dimension of the series (ignored with ``cost="precomputed"``).
    band : float or None
        Sakoe-Chiba radius.
    what : {"value", "value_and_grad", "alignment", "tangent"}
        :func:`soft_dtw`, :func:`soft_dtw_value_and_grad`, :func:`expected_alignment`, or
        the second-order functions.
    checkpoint_every, with_grad_y
        As in :func:`soft_dtw_value_and_grad`.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        As in :func:`soft_dtw` (``"precomputed"``: the gradient is E, ``what="alignment"``).

    Returns
    -------
    int
        Bytes.

    Examples
    --------
    >>> from softdtw_core.cuda import memory_estimate
    >>> gib = 2**30
    >>> round(memory_estimate(32, 4096, 4096, "float32", "stored") / gib, 2)
    6.01
    >>> round(memory_estimate(32, 4096, 4096, "float32", "recompute") / gib, 2)
    0.23
    >>> round(memory_estimate(32, 1024, 1024, "float32", what="tangent") / gib, 2)
    0.5
    """
    from ._internal.validation import check_int

    B, n, m, d = (check_int(v, name) for v, name in ((B, "B"), (n, "n"), (m, "m"), (d, "d")))
    dtype = np.dtype(check_choice(str(np.dtype(dtype)) if dtype is not None else dtype,
                                  ("float32", "float64"), "dtype"))
    _check_mode(mode, checkpoint_every)
    check_choice(what, _WHATS, "what")
    kind = COST_CODES[check_choice(cost, COSTS, "cost")]
    radius = check_band(band)
    plan = _plan(np.full(B, n, dtype=_INDEX), np.full(B, m, dtype=_INDEX), d, radius, dtype,
                 what, mode, checkpoint_every, with_grad_y, kind=kind)
    return plan.nbytes()
