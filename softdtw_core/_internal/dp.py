"""The dynamic programme behind :mod:`softdtw_core.recursion` and :mod:`softdtw_core.divergence`.

The recursions themselves are stated in :mod:`softdtw_core.recursion`. This module holds
what the public functions share and users never call:

- :func:`problem`, the one validating entry point: it checks the inputs of a public
  function and gathers what the kernels need in a :class:`Problem`;
- the row-major kernels that keep whole tables (R, the local soft-min weights W, E and
  their tangents) for display, sharp soft-DTW and the hard path;
- the calls into the vectorised anti-diagonal kernels of :mod:`.wavefront` (the fast path
  for values, E and gradients), through :func:`value` and :func:`gibbs`;
- a per-thread :data:`workspace` of scratch buffers.

Every function here takes validated arrays: call :func:`problem` first. Small
squared-Euclidean problems skip all of it: :mod:`.small`.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np
from numba import njit

from ..band import band_limits_checked
from ..costs import cost_matrix_, jacobian_product_
from . import wavefront as wf
from .checkpoint import checkpointed
from .validation import (
    COST_CODES,
    DEFAULT_MEMORY_BUDGET,
    as_cost_matrix,
    check_band,
    check_cells,
    check_cost,
    check_gamma,
    check_pair,
)

__all__ = [
    "Problem",
    "TangentWave",
    "Wave",
    "alignment_matrix",
    "as_float32",
    "float32_requested",
    "backtrack",
    "expected_alignment",
    "forward_table",
    "gibbs",
    "grad_x",
    "problem",
    "tangent_alignment",
    "tangent_grad_x",
    "tangent_wave",
    "value",
    "wave_grad_x",
    "workspace",
]

# --------------------------------------------------------------------------- kernels


@njit(cache=True, error_model="numpy")
def _forward_full(D, gamma, lo, hi, R, W):
    """Fill R ((n+1) x (m+1)) and the local weights W ((n, m, 3)) inside the band."""
    n, m = D.shape
    inf = np.inf
    R[:, :] = inf
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(lo[i - 1] + 1, hi[i - 1] + 2):
            a = R[i - 1, j - 1]
            b = R[i - 1, j]
            c = R[i, j - 1]
            mn = min(a, min(b, c))
            if mn == inf:  # unreachable inside the band
                W[i - 1, j - 1, 0] = 0.0
                W[i - 1, j - 1, 1] = 0.0
                W[i - 1, j - 1, 2] = 0.0
                continue
            if gamma == 0.0:
                wa = 1.0 if a == mn else 0.0
                wb = 1.0 if (b == mn and wa == 0.0) else 0.0
                wc = 1.0 - wa - wb
                R[i, j] = D[i - 1, j - 1] + mn
            else:
                ea = np.exp(-(a - mn) / gamma)
                eb = np.exp(-(b - mn) / gamma)
                ec = np.exp(-(c - mn) / gamma)
                s = ea + eb + ec
                R[i, j] = D[i - 1, j - 1] + mn - gamma * np.log(s)
                wa = ea / s
                wb = eb / s
                wc = ec / s
            W[i - 1, j - 1, 0] = wa
            W[i - 1, j - 1, 1] = wb
            W[i - 1, j - 1, 2] = wc


@njit(cache=True, error_model="numpy")
def _backward(W, lo, hi, E):
    """Expected alignment E (n x m, zero on entry) from the local weights."""
    n, m = E.shape
    for i in range(n - 1, -1, -1):
        for j in range(hi[i], lo[i] - 1, -1):
            if i == n - 1 and j == m - 1:
                E[i, j] = 1.0
                continue
            acc = 0.0
            if i + 1 < n:
                if lo[i + 1] <= j + 1 <= hi[i + 1]:
                    acc += E[i + 1, j + 1] * W[i + 1, j + 1, 0]
                if lo[i + 1] <= j <= hi[i + 1]:
                    acc += E[i + 1, j] * W[i + 1, j, 1]
            if j + 1 <= hi[i]:
                acc += E[i, j + 1] * W[i, j + 1, 2]
            E[i, j] = acc


@njit(cache=True, error_model="numpy")
def _tangent_forward(Z, W, lo, hi, Rdot):
    """Directional derivative of R in direction Z: ṙ_ij = Z_ij + Σ_k w_k ṙ_k."""
    n, m = Z.shape
    Rdot[:, :] = 0.0
    for i in range(1, n + 1):
        for j in range(lo[i - 1] + 1, hi[i - 1] + 2):
            w = W[i - 1, j - 1]
            Rdot[i, j] = (
                Z[i - 1, j - 1]
                + w[0] * Rdot[i - 1, j - 1]
                + w[1] * Rdot[i - 1, j]
                + w[2] * Rdot[i, j - 1]
            )


@njit(cache=True, error_model="numpy")
def _tangent_backward(Z, W, E, Rdot, gamma, lo, hi, Edot):
    """Directional derivative of E in direction Z (Hessian-vector product of dtw_γ).

    With ṙ the forward tangent, the local weights move by
    ``ẇ_k = -(w_k/γ) (ṙ_{pred_k} - (ṙ_cell - Z_cell))`` and E's backward recursion is
    differentiated term by term.
    """
    n, m = E.shape
    for i in range(n - 1, -1, -1):
        for j in range(hi[i], lo[i] - 1, -1):
            if i == n - 1 and j == m - 1:
                Edot[i, j] = 0.0
                continue
            acc = 0.0
            # successor (i+1, j+1) reaches (i, j) by its diagonal move, etc.
            if i + 1 < n:
                if lo[i + 1] <= j + 1 <= hi[i + 1]:
                    w = W[i + 1, j + 1, 0]
                    base = Rdot[i + 2, j + 2] - Z[i + 1, j + 1]
                    wdot = -w / gamma * (Rdot[i + 1, j + 1] - base)
                    acc += Edot[i + 1, j + 1] * w + E[i + 1, j + 1] * wdot
                if lo[i + 1] <= j <= hi[i + 1]:
                    w = W[i + 1, j, 1]
                    base = Rdot[i + 2, j + 1] - Z[i + 1, j]
                    wdot = -w / gamma * (Rdot[i + 1, j + 1] - base)
                    acc += Edot[i + 1, j] * w + E[i + 1, j] * wdot
            if j + 1 <= hi[i]:
                w = W[i, j + 1, 2]
                base = Rdot[i + 1, j + 2] - Z[i, j + 1]
                wdot = -w / gamma * (Rdot[i + 1, j + 1] - base)
                acc += Edot[i, j + 1] * w + E[i, j + 1] * wdot
            Edot[i, j] = acc


@njit(cache=True)
def _backtrack(W, n, m):
    """Hard path from the γ = 0 weights (each cell's weight 1 names its predecessor)."""
    path = np.empty((n + m - 1, 2), dtype=np.int64)
    i, j = n - 1, m - 1
    count = 0
    while True:
        path[count, 0] = i
        path[count, 1] = j
        count += 1
        if i == 0 and j == 0:
            break
        if W[i, j, 0] == 1.0:
            i -= 1
            j -= 1
        elif W[i, j, 1] == 1.0:
            i -= 1
        else:
            j -= 1
    return path[:count][::-1].copy()


# --------------------------------------------------------------------------- workspace


class _Workspace(threading.local):
    """Per-thread scratch buffers, grown on demand and reused across calls.

    Allocating O(nm) fresh memory on every call costs page faults that dominate at
    n >= 1024; the app and the learning loops call these functions thousands of times.
    Buffers above ``keep_elements`` are not kept, so one huge call does not pin gigabytes.
    """

    #: float64 elements: the weights of the largest full storage ``memory="auto"`` takes
    #: (:data:`._validation.DEFAULT_MEMORY_BUDGET`, 24 bytes a cell), about 85 MiB a buffer
    keep_elements = DEFAULT_MEMORY_BUDGET // 24

    def __init__(self):
        self.buffers = {}

    def get(self, name, shape):
        size = int(np.prod(shape))
        if size > self.keep_elements:
            self.buffers.pop(name, None)
            return np.empty(shape)
        buf = self.buffers.get(name)
        if buf is None or buf.size < size:
            buf = np.empty(max(size, 1))
            self.buffers[name] = buf
        return buf[:size].reshape(shape)


workspace = _Workspace()


# --------------------------------------------------------------------------- problem setup


class Problem(NamedTuple):
    """Validated inputs of one soft-DTW problem, as the kernels take them."""

    X: np.ndarray | None  # (n, d) or None for a precomputed cost
    Y: np.ndarray | None
    D: np.ndarray | None  # (n, m) cost, when precomputed or already formed
    cost: str
    gamma: float
    lo: np.ndarray  # band: row i visits columns lo[i] .. hi[i]
    hi: np.ndarray
    n: int
    m: int
    x_shape: tuple  # the caller's shape of X, for gradients


def problem(X, Y, gamma, cost, band, *, need_cost_matrix, max_cells=None, what=""):
    """Validate the inputs of a public function and gather what the kernels need.

    ``what`` names a function that holds full n x m tables: the cell cap applies to it.
    ``need_cost_matrix`` forms Δ (the wavefront kernels compute costs on the fly instead).
    """
    gamma = check_gamma(gamma)
    cost = check_cost(cost)
    radius = check_band(band)
    if cost == "precomputed":
        if Y is not None:
            raise ValueError(
                "with cost='precomputed', pass the (n, m) cost matrix as X and leave Y=None."
            )
        D = as_cost_matrix(X, "X (the precomputed cost matrix)")
        Xs = Ys = None
        n, m = D.shape
        x_shape = D.shape
    else:
        if Y is None:
            raise ValueError(
                "Y is missing: pass two series, or cost='precomputed' with a cost matrix."
            )
        x_shape = np.shape(X)
        Xs, Ys = check_pair(X, Y)
        n, m = Xs.shape[0], Ys.shape[0]
        D = None
    if what:  # a function that holds full n x m tables
        check_cells(n, m, max_cells, what)
    if need_cost_matrix and D is None:
        D = cost_matrix_(Xs, Ys, cost)
    lo, hi = band_limits_checked(n, m, radius)
    return Problem(Xs, Ys, D, cost, gamma, lo, hi, n, m, x_shape)


def float32_requested(X, Y) -> bool:
    """Whether the caller opted in to float32 kernels: X (and Y, unless None) are float32
    ndarrays. Everything else, lists and mixed dtypes included, runs in float64."""
    f32 = np.dtype(np.float32)
    return (isinstance(X, np.ndarray) and X.dtype == f32
            and (Y is None or (isinstance(Y, np.ndarray) and Y.dtype == f32)))


def as_float32(p: Problem) -> Problem:
    """``p`` with its arrays and γ in float32: the wavefront kernels then specialise to
    float32 (twice the vector width, half the memory traffic). See :func:`gibbs` and
    :mod:`._wavefront` ("float32") for what stays in float64."""
    def f32(a):
        return None if a is None else np.ascontiguousarray(a, dtype=np.float32)
    return p._replace(X=f32(p.X), Y=f32(p.Y), D=f32(p.D), gamma=np.float32(p.gamma))


def _buffer(name, size, dtype):
    """A workspace vector of ``size`` entries of ``dtype`` (float32 ones share the float64
    pool, viewed)."""
    if dtype == np.float64:
        return workspace.get(name, (size,))
    return workspace.get(name + "/f32", ((size + 1) // 2,)).view(np.float32)[:size]


def _dtype(p: Problem):
    return np.dtype(np.float32) if isinstance(p.gamma, np.float32) else np.dtype(np.float64)


# --------------------------------------------------------------------------- full tables


def forward_table(p: Problem):
    """Row-major forward pass keeping the whole table R (display, sharp soft-DTW).

    Needs ``p.D``. Returns ``(value, R, W)`` with R, W workspace views.
    """
    R = workspace.get("R", (p.n + 1, p.m + 1))
    W = workspace.get("W", (p.n, p.m, 3))
    _forward_full(p.D, p.gamma, p.lo, p.hi, R, W)
    return float(R[p.n, p.m]), R, W


def expected_alignment(p: Problem, W):
    """E (n, m) from the local weights W of :func:`forward_table`."""
    E = np.zeros((p.n, p.m))
    _backward(W, p.lo, p.hi, E)
    return E


def tangent_alignment(p: Problem, W, E, Z):
    """Directional derivative of E in the direction Z (n, m) of the cost matrix, i.e. the
    Hessian-vector product ``∇²_Δ dtw_γ · Z``, by forward mode through both recursions."""
    Rdot = workspace.get("Rdot", (p.n + 1, p.m + 1))
    _tangent_forward(Z, W, p.lo, p.hi, Rdot)
    Edot = np.zeros((p.n, p.m))
    _tangent_backward(Z, W, E, Rdot, p.gamma, p.lo, p.hi, Edot)
    return Edot


def backtrack(p: Problem, W):
    """The optimal path as 0-based cells, from the γ = 0 weights of :func:`forward_table`."""
    return _backtrack(W, p.n, p.m)


def grad_x(p: Problem, G):
    """``(∂Δ/∂X)^T G`` in the caller's shape of X."""
    g = jacobian_product_(p.X, p.Y, G, p.cost)
    return g.reshape(p.x_shape)


# --------------------------------------------------------------------------- wavefront


def value(p: Problem) -> float:
    """dtw_γ by the O(min(n, m))-memory anti-diagonal sweep (cost computed on the fly)."""
    Xt, Yrt, D, kind = _wave_inputs(p)
    if p.n > p.m:  # soft-DTW is symmetric under transposition: sweep the short axis
        lo, hi = _transposed_band(p)
        if p.cost == "precomputed":
            Dt = np.ascontiguousarray(D.T)
            return float(wf.value(wf.NO_ARRAY, wf.NO_ARRAY, Dt, kind, p.m, p.n, p.gamma, lo, hi))
        Yt = np.ascontiguousarray(p.Y.T)
        Xrt = np.ascontiguousarray(p.X[::-1].T)
        return float(wf.value(Yt, Xrt, wf.NO_ARRAY, kind, p.m, p.n, p.gamma, lo, hi))
    return float(wf.value(Xt, Yrt, D, kind, p.n, p.m, p.gamma, p.lo, p.hi))


def _transposed_band(p: Problem):
    """Row limits of the transposed problem (the band is symmetric under transposition)."""
    j = np.arange(p.m)
    # column j's rows are {i : lo[i] <= j <= hi[i]}; lo, hi non-decreasing in i
    lo_t = np.searchsorted(p.hi, j, side="left")
    hi_t = np.searchsorted(p.lo, j, side="right") - 1
    return lo_t.astype(np.int64), hi_t.astype(np.int64)


class Wave(NamedTuple):
    """Result of the wavefront forward + backward passes (E in compact diagonal layout, or
    folded into what was asked for: see :func:`gibbs`)."""

    value: float
    Xt: np.ndarray
    Yrt: np.ndarray
    kind: int
    ilo: np.ndarray
    ihi: np.ndarray
    base: np.ndarray
    Ed: np.ndarray
    rs: np.ndarray  # E 1, when the backward pass folded the statistics
    eyt: np.ndarray  # (E Y)^T
    Gt: np.ndarray | None = None  # ((∂Δ/∂X)^T E)^T, absolute cost, when folded
    E: np.ndarray | None = None  # the dense E (n, m), when folded
    blocks: np.ndarray | None = None  # block means of E, when asked for
    checkpointed: bool = False


def _wave_inputs(p: Problem):
    """Kernel inputs: X transposed (d, n), Y reversed and transposed (d, m), D, cost code."""
    kind = COST_CODES[p.cost]
    if p.cost == "precomputed":
        return wf.NO_ARRAY, wf.NO_ARRAY, p.D, kind
    Xt = np.ascontiguousarray(p.X.T)
    Yrt = np.ascontiguousarray(p.Y[::-1].T)
    return Xt, Yrt, wf.NO_ARRAY, kind


_SQEUCLIDEAN = COST_CODES["sqeuclidean"]
_NO_STATS = (np.zeros(0), np.zeros((0, 0)))
_NO_E = np.zeros(0)


_CHECKPOINT_HINT = "use memory='checkpoint' or 'auto' (recomputes instead of storing), "


def full_storage_bytes(total, keep_e, itemsize=8):
    """Bytes the full passes hold: three weights per cell of the compact layout (``total``
    cells), plus the compact E when it is kept (``itemsize``: 4 for float32 problems)."""
    return itemsize * total * (4 if keep_e else 3)


def uses_checkpoint(p: Problem, memory, total, statistics=False, block_size=None) -> bool:
    """Whether :func:`gibbs` takes the checkpointed passes (``total``: the compact layout's
    size, from :func:`._wavefront.diagonal_layout`)."""
    mode, budget = memory
    if mode != "auto":
        return mode == "checkpoint"
    sqeuclidean_grad = statistics and p.cost == "sqeuclidean"
    keep_e = block_size is None and not sqeuclidean_grad
    return full_storage_bytes(total, keep_e, _dtype(p).itemsize) > budget


def gibbs(p: Problem, statistics=False, memory=("full", 0), block_size=None, cap=None) -> Wave:
    """Value and expected alignment by the vectorised wavefront passes (the fast path).

    ``statistics`` (squared Euclidean cost only) folds E into ``rs = E 1`` and ``ey = E Y``
    during the backward pass, for :func:`wave_grad_x`, and does not keep E itself.

    ``memory`` is a checked ``(mode, budget)`` (:func:`._validation.check_memory`): with
    ``"checkpoint"``, or ``"auto"`` when full storage would pass the budget, the
    checkpointed passes of :mod:`._checkpoint` run instead, and E is folded as it is
    computed into the gradient (``statistics``), the dense E, or the block means of E over
    ``block_size = (fi, fj)`` blocks (then no n x m array is formed at all).
    ``cap = (max_cells, what)`` refuses full storage past ``max_cells`` cells
    (:func:`._validation.check_cells`; under ``"auto"`` only when ``max_cells`` is given:
    the budget already bounds full storage); the checkpointed passes have no cell cap.

    float32 problems (:func:`as_float32`) keep R in float64 here (γ is passed as a float64)
    and the weights, E and the data in float32 (:mod:`._wavefront`, "float32"); the
    statistics ``rs`` and ``ey``, sums of up to m products per row, accumulate in float64
    (the gradient ``2 (rs ⊙ x - ey)`` is a difference of such sums). The checkpointed and
    block-mean passes do the same (their R checkpoints in float64, the recomputed weights
    in float32), bit for bit as full storage. Value, gradient and E come out within a few
    1e-6 (relative) of float64 on the same data (``tests/core/test_float32.py``).
    """
    Xt, Yrt, D, kind = _wave_inputs(p)
    ilo, ihi, base, total = wf.diagonal_layout(p.n, p.m, p.lo, p.hi)
    grad_only = statistics and p.cost != "precomputed"
    checkpoint = uses_checkpoint(p, memory, total, statistics, block_size)
    if not checkpoint and cap is not None and (memory[0] == "full" or cap[0] is not None):
        check_cells(p.n, p.m, *cap, hint=_CHECKPOINT_HINT)
    if not checkpoint and block_size is None:
        return _gibbs_full(p, statistics, Xt, Yrt, D, kind, ilo, ihi, base, total)
    dtype = _dtype(p)
    folds, fields = _folds(p, Xt.shape[0], kind, grad_only, block_size)
    if checkpoint:
        v = checkpointed(p.n, p.m, float(p.gamma), Xt, Yrt, D, kind, ilo, ihi, base, folds,
                         _buffer, dtype)
    else:  # full storage, E folded into block sums
        WA, WB, WC = (_buffer(name, total, dtype) for name in ("WA", "WB", "WC"))
        v = wf.forward(Xt, Yrt, D, kind, p.n, p.m, float(p.gamma), p.lo, p.hi, ilo, ihi, base,
                       WA, WB, WC)
        rows = [np.zeros(p.n + 2, dtype) for _ in range(3)]
        wf.backward_rolling(p.n, p.m, ilo, ihi, base, 0, p.n + p.m, 2, WA, WB, WC, *rows,
                            Xt, Yrt, *folds)
    if block_size is not None:
        fields["blocks"] = _block_means(p, folds[4], block_size).astype(dtype, copy=False)
    return Wave(float(v), Xt, Yrt, kind, ilo, ihi, base, _NO_E, checkpointed=checkpoint,
                **fields)


def _folds(p: Problem, d, kind, grad_only, block_size):
    """The arrays E is folded into by :func:`._wavefront.backward_rolling` (empty ones ask
    for nothing), and the :class:`Wave` fields they fill."""
    rs, eyt = _NO_STATS
    Gt = E = S = _NO_STATS[1]
    fi, fj = block_size if block_size is not None else (1, 1)
    fields = {"rs": rs, "eyt": eyt}
    if block_size is not None:
        S = np.zeros((-(-p.n // fi), -(-p.m // fj)))
    elif grad_only and kind == _SQEUCLIDEAN:
        rs, eyt = np.zeros(p.n), np.zeros((d, p.n))
        fields = {"rs": rs, "eyt": eyt}
    elif grad_only:
        Gt = fields["Gt"] = np.zeros((d, p.n))
    else:
        E = fields["E"] = np.zeros((p.n, p.m), _dtype(p))
    return (rs, eyt, Gt, E, S, fi, fj), fields


def _block_means(p: Problem, S, block_size):
    """Block sums of E -> block means (edge blocks averaged over their own cells)."""
    fi, fj = block_size
    rows = np.minimum(fi, p.n - fi * np.arange(S.shape[0]))
    cols = np.minimum(fj, p.m - fj * np.arange(S.shape[1]))
    return S / np.outer(rows, cols)


def _gibbs_full(p: Problem, statistics, Xt, Yrt, D, kind, ilo, ihi, base, total) -> Wave:
    dtype = _dtype(p)
    WA = _buffer("WA", total, dtype)
    WB = _buffer("WB", total, dtype)
    WC = _buffer("WC", total, dtype)
    # R in float64 (γ as a Python float), the weights in WA's type: module docstring
    v = wf.forward(Xt, Yrt, D, kind, p.n, p.m, float(p.gamma), p.lo, p.hi, ilo, ihi, base,
                   WA, WB, WC)
    if statistics and kind == _SQEUCLIDEAN:  # the gradient needs only the statistics:
        rs = np.zeros(p.n)  # E lives in rolling rows
        eyt = np.zeros((Yrt.shape[0], p.n))
        Ed = _NO_E if dtype == np.float64 else _NO_E.astype(dtype)
    else:
        rs, eyt = _NO_STATS
        Ed = _buffer("Ed", total, dtype)
    wf.backward(p.n, p.m, ilo, ihi, base, WA, WB, WC, Ed, Yrt, rs, eyt, 1)
    return Wave(float(v), Xt, Yrt, kind, ilo, ihi, base, Ed, rs, eyt)


def alignment_matrix(p: Problem, w: Wave):
    """E (n, m) from the compact E of :func:`gibbs` (called without ``statistics``)."""
    if w.E is not None:  # folded by the checkpointed pass
        return w.E
    E = np.zeros((p.n, p.m), dtype=w.Ed.dtype)
    wf.scatter(p.n, p.m, w.ilo, w.ihi, w.base, w.Ed, E)
    return E


def wave_grad_x(p: Problem, w: Wave):
    """(∂Δ/∂X)^T E straight from the compact E (no n x m matrix formed).

    Squared Euclidean: ``2 (rs ⊙ X - E Y)`` from the statistics the backward pass folded
    (call :func:`gibbs` with ``statistics=True``); absolute: Σ_j e_ij sign(x_i - y_j).
    """
    if w.kind == _SQEUCLIDEAN:
        g = 2.0 * (w.rs[:, None] * p.X - w.eyt.T)
    elif w.Gt is not None:  # folded by the checkpointed pass
        g = w.Gt.T
    else:
        Gt = np.zeros((p.X.shape[1], p.n))
        wf.absolute_jacobian_product(w.Xt, w.Yrt, p.n, p.m, w.ilo, w.ihi, w.base, w.Ed, Gt)
        g = Gt.T
    return g.reshape(p.x_shape).astype(p.X.dtype, copy=False)


class TangentWave(NamedTuple):
    """Result of :func:`tangent_wave`: the passes of :func:`gibbs` (E kept, compact) and the
    directional derivative Ė along a direction Z, all in the compact diagonal layout."""

    wave: Wave  # rs, eyt: statistics of E (squared Euclidean cost)
    Edot: np.ndarray
    rs: np.ndarray  # Ė 1 (squared Euclidean cost)
    eyt: np.ndarray  # (Ė Y)^T
    ez: float  # <E, Z>


def tangent_wave(p: Problem, Z=None) -> TangentWave:
    """E and Ė = ∇²_Δ dtw_γ · Z by the vectorised wavefront passes (γ > 0).

    ``Z`` is an (n, m) direction of Δ, or None for DILATE's Ω
    (:func:`softdtw_core.temporal_distortion_matrix`, filled diagonal by diagonal). For the
    squared Euclidean cost the statistics E 1, (E Y)^T, Ė 1 and (Ė Y)^T are folded during
    the backward pass (:func:`wave_grad_x` takes them).
    """
    Xt, Yrt, D, kind = _wave_inputs(p)
    ilo, ihi, base, total = wf.diagonal_layout(p.n, p.m, p.lo, p.hi)
    WA, WB, WC, Ed, Zd, Rd, Edot = (
        workspace.get(name, (total,)) for name in ("WA", "WB", "WC", "Ed", "Zd", "Rd", "Edot")
    )
    if Z is not None:
        wf.gather(p.n, p.m, ilo, ihi, base, Z, Zd)
    out = np.empty(1)
    wf.forward_tangent_lanes(Xt, Yrt, D, kind, p.n, p.m, p.gamma, p.lo, p.hi, ilo, ihi, base,
                             WA, WB, WC, Zd, Z is None, Rd, 1, out)
    if kind == _SQEUCLIDEAN:
        d = Yrt.shape[0]
        rs, eyt = np.zeros(p.n), np.zeros((d, p.n))
        rs_dot, eyt_dot = np.zeros(p.n), np.zeros((d, p.n))
    else:
        rs, eyt = rs_dot, eyt_dot = _NO_STATS
    ez = np.empty(1)
    wf.backward_tangent_lanes(p.n, p.m, ilo, ihi, base, WA, WB, WC, Zd, p.gamma, Rd, Ed, Edot,
                              Yrt, rs, eyt, rs_dot, eyt_dot, ez)
    wave = Wave(float(out[0]), Xt, Yrt, kind, ilo, ihi, base, Ed, rs, eyt)
    return TangentWave(wave, Edot, rs_dot, eyt_dot, float(ez[0]))


def tangent_grad_x(p: Problem, t: TangentWave, a: float, b: float):
    """``(∂Δ/∂X)^T (a E + b Ė)`` in the caller's shape of X (``(n, m)`` for a precomputed
    cost), from the compact E and Ė of :func:`tangent_wave`."""
    w = t.wave
    if w.kind == _SQEUCLIDEAN:  # linear in E: combine the statistics
        return wave_grad_x(p, w._replace(rs=a * w.rs + b * t.rs, eyt=a * w.eyt + b * t.eyt))
    Gd = a * w.Ed + b * t.Edot
    if p.cost == "precomputed":
        return alignment_matrix(p, w._replace(Ed=Gd))
    return wave_grad_x(p, w._replace(Ed=Gd))
