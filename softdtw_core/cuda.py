r"""Soft-DTW for batches of pairs on a CUDA GPU (numba-cuda), with no length cap.

For ``X`` of shape ``(B, n, d)`` and ``Y`` of shape ``(B, m, d)``, pair ``b`` is
``(X[b, :n_b], Y[b, :m_b])`` (``n_b = x_lengths[b]``, ``m_b = y_lengths[b]``, default ``n``
and ``m``), with the squared Euclidean cost ``Δ_ij = ||x_i - y_j||²`` (the package's
default) and the recursion of :mod:`softdtw_core.recursion`:

.. math::

    r_{ij} = \Delta_{ij} + {\min}^\gamma(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1}), \qquad
    \nabla_{x_i} \operatorname{dtw}_\gamma = 2 \sum_j e_{ij} (x_i - y_j)

where ``E = (e_ij)`` is the expected alignment. ``band`` is a Sakoe-Chiba radius applied to
each pair's own lengths, exactly as on the CPU (:mod:`softdtw_core.band`); cells outside it
are never visited.

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
    "MODES",
    "expected_alignment",
    "memory_estimate",
    "soft_dtw",
    "soft_dtw_divergence",
    "soft_dtw_divergence_value_and_grad",
    "soft_dtw_value_and_grad",
]

#: The memory modes of the backward pass (see the module docstring).
MODES = ("auto", "stored", "recompute")

#: ``mode="auto"`` stores every cell's weights up to this many bytes of work memory, and
#: recomputes beyond (1 GiB).
AUTO_STORED_BYTES = 2**30

_WHATS = ("value", "value_and_grad", "alignment")
_INDEX = np.int64


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
    def sqeuclidean(X, Y, p, i, j):
        s = zero
        for t in range(X.shape[2]):
            diff = X[p, i - 1, t] - Y[p, j - 1, t]
            s += diff * diff
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
    def forward_diagonal(X, Y, p, k, ilo, ihi, gamma, inv, R, W, w0, store):
        """R on diagonal k (slot k % 3) from diagonals k-1 and k-2, in tiles of the block;
        with ``store``, the weights of cell i at W[:, w0 + i - ilo]. Fenced with +inf."""
        s0, s1, s2 = k % 3, (k - 1) % 3, (k - 2) % 3
        i = ilo + _nbcuda.threadIdx.x
        while i <= ihi:
            sm, wa, wb, wc = softmin_weights(
                R[p, s2, i - 1], R[p, s1, i - 1], R[p, s1, i], gamma, inv
            )
            R[p, s0, i] = sqeuclidean(X, Y, p, i, k - i) + sm
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
                    g = two * e * (X[p, i - 1, t] - Y[p, j - 1, t])
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

        flags: 0 gradient wrt X, 1 also wrt Y, 2 write E, 3 any backward pass. ``seg``:
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
                             w_pair + OFF[p, k], store)
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
                                     w_seg + OFF[p, k], True)
                    _nbcuda.syncthreads()
            else:
                w_seg = w_pair
            for k in range(k1 - 1, k0 - 1, -1):
                backward_diagonal(X, Y, p, k, last, ILO[p, k], IHI[p, k], W,
                                  w_seg + OFF[p, k], P, GX, CX, GY, CY, E, flags)
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


def _as_batch(A, name, shape_name):
    """(array, on_device) for a (B, length, d) batch; device arrays are not copied."""
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
            f"{name} must have shape {shape_name} (a batch of series of d values each); got "
            f"shape {tuple(arr.shape)}. Add the missing axes: {name}[None] for one pair, "
            f"{name}[..., None] for univariate series."
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
    """Validated inputs: device arrays X, Y, host lengths, dtype and the band's radius."""

    X: object
    Y: object
    on_device: bool
    dtype: np.dtype
    nl: np.ndarray
    ml: np.ndarray
    radius: float

    @property
    def shape(self):
        return self.X.shape[0], self.X.shape[1], self.Y.shape[1], self.X.shape[2]


def _prepare(X, Y, gamma, band, x_lengths, y_lengths):
    g = _check_gamma(gamma)
    radius = check_band(band)
    Xa, x_dev = _as_batch(X, "X", "(B, n, d)")
    Ya, y_dev = _as_batch(Y, "Y", "(B, m, d)")
    if x_dev != y_dev:
        where = ("X", "Y") if x_dev else ("Y", "X")
        raise ValueError(
            f"{where[0]} is on the GPU but {where[1]} is a host array; pass both on the same "
            f"device (e.g. {where[1]}.cuda() in PyTorch)."
        )
    if Xa.shape[0] != Ya.shape[0]:
        raise ValueError(
            f"X and Y must hold the same number of pairs B; got X with B={Xa.shape[0]} and Y "
            f"with B={Ya.shape[0]}."
        )
    if Xa.shape[2] != Ya.shape[2]:
        raise ValueError(
            f"X and Y must have the same dimension d; got X with d={Xa.shape[2]} (shape "
            f"{tuple(Xa.shape)}) and Y with d={Ya.shape[2]} (shape {tuple(Ya.shape)})."
        )
    if x_dev:
        if Xa.dtype != Ya.dtype:
            raise ValueError(
                f"X and Y must have the same dtype on the GPU; got X {Xa.dtype} and Y "
                f"{Ya.dtype}: cast one of them."
            )
        dtype = np.dtype(Xa.dtype)
        _check_finite_device(Xa, "X")
        _check_finite_device(Ya, "Y")
    else:
        dtype = np.result_type(Xa.dtype, Ya.dtype)
        _check_finite(Xa, "X")
        _check_finite(Ya, "Y")
        cuda = _cuda()
        Xa = cuda.to_device(Xa.astype(dtype, copy=False))
        Ya = cuda.to_device(Ya.astype(dtype, copy=False))
    B, n, d = Xa.shape
    nl = _check_lengths(x_lengths, B, n, "x_lengths", "X")
    ml = _check_lengths(y_lengths, B, Ya.shape[1], "y_lengths", "Y")
    return _Batch(Xa, Ya, x_dev, dtype, nl, ml, radius), g


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


def _plan(nl, ml, d, radius, dtype, what, mode, checkpoint_every, with_grad_y, check=True):
    """Layouts of the B pairs and the shapes of the arrays for ``what`` in ``mode``."""
    B = len(nl)
    n, m = int(nl.max()), int(ml.max())
    rows = n + 2
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
    backward = what != "value"
    if not backward:
        mode = "stored"
    elif mode == "auto":
        stored = _plan(nl, ml, d, radius, dtype, what, "stored", None, with_grad_y, False)
        mode = "stored" if stored.nbytes() <= AUTO_STORED_BYTES else "recompute"
    if mode == "stored":
        seg = K  # one segment: every pair's weights from the forward pass
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
    tiny = (1, 1, 1)
    shapes = {
        "R": ((B, 3, rows), "float"),
        "values": ((B,), "float"),
        "CK": ((B, 2 * nseg, rows) if backward and nseg > 1 else tiny, "float"),
        "W": ((3, int(per_pair.sum())) if backward else (3, 1), "float"),
        "P": ((B, 3, 3, rows) if backward else (1, 1, 1, 1), "float"),
        "GX": ((B, n, d) if what == "value_and_grad" else tiny, "float"),
        "CX": ((B, n, d) if what == "value_and_grad" else tiny, "float"),
        "GY": ((B, m, d) if what == "value_and_grad" and with_grad_y else tiny, "float"),
        "CY": ((B, m, d) if what == "value_and_grad" and with_grad_y else tiny, "float"),
        "E": ((B, n, m) if what == "alignment" else tiny, "float"),
        "flags": ((4,), "int"),
    }
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


def _run(batch, gamma, what, *, mode="auto", checkpoint_every=None, with_grad_y=False,
         threads_per_block=None):
    """Launch the kernel on the batch; the device arrays of the results by name."""
    _check_mode(mode, checkpoint_every)
    B, n, m, d = batch.shape
    plan = _plan(batch.nl, batch.ml, d, batch.radius, batch.dtype, what, mode,
                 checkpoint_every, with_grad_y)
    threads = _threads(plan, threads_per_block)
    arrays = {
        name: _alloc(shape, batch.dtype if kind == "float" else _INDEX)
        for name, (shape, kind) in plan.shapes.items() if name != "flags"
    }
    flags = np.array([what == "value_and_grad", what == "value_and_grad" and with_grad_y,
                      what == "alignment", what != "value"], dtype=_INDEX)
    up = {name: _upload(a) for name, a in (
        ("NL", batch.nl), ("ML", batch.ml), ("ILO", plan.ILO), ("IHI", plan.IHI),
        ("OFF", plan.OFF), ("WOFF", plan.WOFF), ("flags", flags))}
    _kernels(batch.dtype.name)["soft_dtw"][B, threads](
        batch.X, batch.Y, up["NL"], up["ML"], up["ILO"], up["IHI"], up["OFF"],
        batch.dtype.type(gamma), plan.seg, arrays["R"], arrays["CK"], arrays["W"],
        up["WOFF"], arrays["P"], arrays["GX"], arrays["CX"], arrays["GY"], arrays["CY"],
        arrays["E"], arrays["values"], up["flags"],
    )
    return arrays


def _out(batch, *arrays):
    """Device arrays for device inputs, host copies for host inputs."""
    result = tuple(a if batch.on_device else a.copy_to_host() for a in arrays)
    return result if len(result) > 1 else result[0]


# --------------------------------------------------------------------------- public API

def soft_dtw(X, Y, gamma=1.0, *, band=None, x_lengths=None, y_lengths=None,
             threads_per_block=None):
    r"""Soft-DTW values of B pairs on the GPU.

    .. math::

        v_b = \operatorname{dtw}_\gamma(X_b[:n_b], Y_b[:m_b])

    with the squared Euclidean cost. Keeps R on three rolling diagonals per pair
    (``3 (n + 2)`` values).

    Parameters
    ----------
    X : array, shape (B, n, d)
        The first series of each pair: a device array (``__cuda_array_interface__``) or a
        host NumPy array.
    Y : array, shape (B, m, d)
        The second series, on the same side as ``X``.
    gamma : float
        Smoothing parameter γ > 0, in the units of the cost.
    band : float or None
        Sakoe-Chiba radius in time steps, on each pair's own lengths
        (:mod:`softdtw_core.band`); ``None``: no band.
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
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths)
    arrays = _run(batch, g, "value", threads_per_block=threads_per_block)
    return _out(batch, arrays["values"])


def soft_dtw_value_and_grad(X, Y, gamma=1.0, *, band=None, x_lengths=None, y_lengths=None,
                            mode="auto", checkpoint_every=None, with_grad_y=False,
                            threads_per_block=None):
    r"""Soft-DTW values and their gradients with respect to X (and Y) on the GPU.

    .. math::

        \nabla_{x_i} v_b = 2 \sum_j e_{ij} (x_i - y_j), \qquad
        \nabla_{y_j} v_b = 2 \sum_i e_{ij} (y_j - x_i)

    with ``E`` the expected alignment of pair b, folded into the gradient as it is computed
    (never stored). Rows past a pair's length get exactly zero.

    Parameters
    ----------
    X, Y, gamma, band, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    mode : {"auto", "stored", "recompute"}
        Memory of the backward pass (see the module docstring and :func:`memory_estimate`).
    checkpoint_every : int, optional
        Diagonals per recomputed segment in ``"recompute"`` mode (default: the one that
        needs the least memory).
    with_grad_y : bool
        Also return the gradient with respect to Y.

    Returns
    -------
    values : array, shape (B,)
    grad_X : array, shape (B, n, d)
    grad_Y : array, shape (B, m, d)
        Only with ``with_grad_y=True``.
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths)
    arrays = _run(batch, g, "value_and_grad", mode=mode, checkpoint_every=checkpoint_every,
                  with_grad_y=bool(with_grad_y), threads_per_block=threads_per_block)
    if with_grad_y:
        return _out(batch, arrays["values"], arrays["GX"], arrays["GY"])
    return _out(batch, arrays["values"], arrays["GX"])


def expected_alignment(X, Y, gamma=1.0, *, band=None, x_lengths=None, y_lengths=None,
                       mode="auto", checkpoint_every=None, threads_per_block=None):
    r"""Expected alignment matrices ``E_γ[A]`` of B pairs on the GPU.

    .. math::

        E_b = \nabla_{\Delta} \operatorname{dtw}_\gamma(X_b, Y_b)
        = \mathbb{E}_{p_\gamma}[A]

    Parameters
    ----------
    X, Y, gamma, band, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.
    mode, checkpoint_every
        As in :func:`soft_dtw_value_and_grad`.

    Returns
    -------
    array, shape (B, n, m)
        ``E`` of pair b in ``[b, :n_b, :m_b]``; zero outside the band and in the padding.
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths)
    arrays = _run(batch, g, "alignment", mode=mode, checkpoint_every=checkpoint_every,
                  threads_per_block=threads_per_block)
    return _out(batch, arrays["E"])


def _self_terms(batch, g, what, **kw):
    """Runs on (X, X) and (Y, Y), each with its own lengths."""
    xx = _Batch(batch.X, batch.X, batch.on_device, batch.dtype, batch.nl, batch.nl,
                batch.radius)
    yy = _Batch(batch.Y, batch.Y, batch.on_device, batch.dtype, batch.ml, batch.ml,
                batch.radius)
    return _run(xx, g, what, **kw), _run(yy, g, "value", threads_per_block=kw.get(
        "threads_per_block"))


def _divergence_values(batch, vxy, vxx, vyy):
    B = vxy.shape[0]
    out = _alloc((B,), batch.dtype)
    _kernels(batch.dtype.name)["divergence"][(B + 127) // 128, 128](vxy, vxx, vyy, out)
    return out


def soft_dtw_divergence(X, Y, gamma=1.0, *, band=None, x_lengths=None, y_lengths=None,
                        threads_per_block=None):
    r"""Soft-DTW divergences of B pairs on the GPU.

    .. math::

        D_\gamma(X, Y) = \operatorname{dtw}_\gamma(X, Y)
        - \tfrac12 \left(\operatorname{dtw}_\gamma(X, X) + \operatorname{dtw}_\gamma(Y, Y)\right)

    as :func:`softdtw_core.soft_dtw_divergence`, each self-term on the pair's own length.

    Parameters
    ----------
    X, Y, gamma, band, x_lengths, y_lengths, threads_per_block
        As in :func:`soft_dtw`.

    Returns
    -------
    array, shape (B,)
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths)
    kw = dict(threads_per_block=threads_per_block)
    vxy = _run(batch, g, "value", **kw)["values"]
    xx, yy = _self_terms(batch, g, "value", **kw)
    return _out(batch, _divergence_values(batch, vxy, xx["values"], yy["values"]))


def soft_dtw_divergence_value_and_grad(X, Y, gamma=1.0, *, band=None, x_lengths=None,
                                       y_lengths=None, mode="auto", checkpoint_every=None,
                                       threads_per_block=None):
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
    mode, checkpoint_every
        As in :func:`soft_dtw_value_and_grad`.

    Returns
    -------
    values : array, shape (B,)
    grad_X : array, shape (B, n, d)
    """
    batch, g = _prepare(X, Y, gamma, band, x_lengths, y_lengths)
    kw = dict(mode=mode, checkpoint_every=checkpoint_every, threads_per_block=threads_per_block)
    xy = _run(batch, g, "value_and_grad", **kw)
    xx, yy = _self_terms(batch, g, "value_and_grad", **kw)
    values = _divergence_values(batch, xy["values"], xx["values"], yy["values"])
    B = values.shape[0]
    _kernels(batch.dtype.name)["subtract"][B, 128](xy["GX"], xx["GX"])
    return _out(batch, values, xy["GX"])


def memory_estimate(B, n, m, dtype="float32", mode="stored", *, d=1, band=None,
                    what="value_and_grad", checkpoint_every=None, with_grad_y=False):
    r"""Bytes of device memory one call allocates besides its inputs X and Y.

    For B pairs of lengths ``(n, m)``: work arrays, outputs and index arrays, exactly as the
    call allocates them. The backward pass of ``mode="stored"`` keeps

    .. math::

        3 \times \mathrm{itemsize} \ \text{bytes per in-band cell}

    (the three soft-min weights: 12 in float32, 24 in float64); ``mode="recompute"`` keeps
    checkpoints and one segment's weights, about :math:`\sqrt{n}` times less for long pairs.

    Parameters
    ----------
    B, n, m : int
        Pairs and their lengths.
    dtype : {"float32", "float64"}
    mode : {"stored", "recompute", "auto"}
    d : int
        Dimension of the series.
    band : float or None
        Sakoe-Chiba radius.
    what : {"value", "value_and_grad", "alignment"}
        :func:`soft_dtw`, :func:`soft_dtw_value_and_grad` or :func:`expected_alignment`.
    checkpoint_every, with_grad_y
        As in :func:`soft_dtw_value_and_grad`.

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
    """
    from ._internal.validation import check_int

    B, n, m, d = (check_int(v, name) for v, name in ((B, "B"), (n, "n"), (m, "m"), (d, "d")))
    dtype = np.dtype(check_choice(str(np.dtype(dtype)) if dtype is not None else dtype,
                                  ("float32", "float64"), "dtype"))
    _check_mode(mode, checkpoint_every)
    check_choice(what, _WHATS, "what")
    radius = check_band(band)
    plan = _plan(np.full(B, n, dtype=_INDEX), np.full(B, m, dtype=_INDEX), d, radius, dtype,
                 what, mode, checkpoint_every, with_grad_y)
    return plan.nbytes()
