"""Bellman recursions of soft-DTW: value, DP table R, expected alignment E, gradients.

Forward recursion (cells 1-based, borders ``r_00 = 0``, ``r_0j = r_i0 = +inf``)::

    r_ij = Δ_ij + min^γ(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1}),     dtw_γ(X, Y) = r_nm.

Each cell also stores the three local soft-min weights
``w_ij^(k) = exp(-u_k/γ) / Σ_l exp(-u_l/γ)`` (k = diagonal, up, left predecessor). The
expected alignment ``E = E_γ[A] = ∇_Δ dtw_γ`` then satisfies the *linear* backward recursion::

    e_nm = 1,
    e_ij = w_{i+1,j+1}^diag e_{i+1,j+1} + w_{i+1,j}^up e_{i+1,j} + w_{i,j+1}^left e_{i,j+1}

which has no ``exp`` and no cancellation, so E stays exact as γ -> 0 (at γ = 1e-8 it equals
the 0/1 optimal path). At ``γ = 0`` the weight 1 goes to the minimising predecessor with the
tie-break diagonal, then up, then left; E is then the optimal path A*.

Cells outside a Sakoe-Chiba band are never visited: their E is exactly 0 and they show as
``+inf`` in R. The value-only path sweeps anti-diagonals with O(min(n, m)) memory.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np
from numba import njit

from . import _wavefront as wf
from ._validation import (
    as_cost_matrix,
    check_band,
    check_cells,
    check_cost,
    check_gamma,
    check_pair,
)
from .band import band_limits_checked
from .costs import COST_CODES, cost_matrix_, jacobian_product_

_DIAG, _UP, _LEFT = 0, 1, 2
_EMPTY = np.zeros((0, 0))  # stands for "no array" in kernel calls


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

    keep_elements = 8 * 1024 * 1024  # 64 MiB of float64 per buffer (n = m = 2048 fits)

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


_workspace = _Workspace()


# --------------------------------------------------------------------------- problem setup


class _Problem(NamedTuple):
    X: np.ndarray | None  # (n, d) or None for a precomputed cost
    Y: np.ndarray | None
    D: np.ndarray | None  # (n, m) cost, when precomputed or already formed
    cost: str
    gamma: float
    lo: np.ndarray
    hi: np.ndarray
    n: int
    m: int
    x_shape: tuple


def _problem(X, Y, gamma, cost, band, *, need_cost_matrix, max_cells=None, what=""):
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
    return _Problem(Xs, Ys, D, cost, gamma, lo, hi, n, m, x_shape)


def _forward(p: _Problem):
    """Row-major forward pass keeping the whole table R (display, sharp soft-DTW).

    Returns (value, R, W) with R, W workspace views.
    """
    R = _workspace.get("R", (p.n + 1, p.m + 1))
    W = _workspace.get("W", (p.n, p.m, 3))
    _forward_full(p.D, p.gamma, p.lo, p.hi, R, W)
    return float(R[p.n, p.m]), R, W


def _expected_alignment(p: _Problem, W):
    E = np.zeros((p.n, p.m))
    _backward(W, p.lo, p.hi, E)
    return E


def _grad_x(p: _Problem, G):
    g = jacobian_product_(p.X, p.Y, G, p.cost)
    return g.reshape(p.x_shape)


class _Wave(NamedTuple):
    """Result of the wavefront forward + backward passes (E in compact diagonal layout)."""

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


def _wave_inputs(p: _Problem):
    """Kernel inputs: X transposed (d, n), Y reversed and transposed (d, m), D, cost code."""
    if p.cost == "precomputed":
        return _EMPTY, _EMPTY, p.D, 2
    Xt = np.ascontiguousarray(p.X.T)
    Yrt = np.ascontiguousarray(p.Y[::-1].T)
    return Xt, Yrt, _EMPTY, COST_CODES[p.cost]


def _gibbs(p: _Problem, statistics=False) -> _Wave:
    """Value and expected alignment by the vectorised wavefront passes (the fast path).

    ``statistics`` (squared Euclidean cost only) folds E into ``rs = E 1`` and ``ey = E Y``
    during the backward pass, for :func:`_wave_grad_x`, and does not keep E itself.
    """
    Xt, Yrt, D, kind = _wave_inputs(p)
    ilo, ihi, base, total = wf.diagonal_layout(p.n, p.m, p.lo, p.hi)
    WA = _workspace.get("WA", (total,))
    WB = _workspace.get("WB", (total,))
    WC = _workspace.get("WC", (total,))
    value = wf.forward(Xt, Yrt, D, kind, p.n, p.m, p.gamma, p.lo, p.hi, ilo, ihi, base, WA, WB, WC)
    if statistics and kind == 0:  # the gradient needs only the statistics: E in rolling rows
        rs = np.zeros(p.n)
        eyt = np.zeros((Yrt.shape[0], p.n))
        Ed = _NO_E
    else:
        rs, eyt = _NO_STATS
        Ed = _workspace.get("Ed", (total,))
    wf.backward(p.n, p.m, ilo, ihi, base, WA, WB, WC, Ed, Yrt, rs, eyt, 1)
    return _Wave(float(value), Xt, Yrt, kind, ilo, ihi, base, Ed, rs, eyt)


_NO_STATS = (np.zeros(0), np.zeros((0, 0)))
_NO_E = np.zeros(0)


def _alignment_matrix(p: _Problem, w: _Wave):
    E = np.zeros((p.n, p.m))
    wf.scatter(p.n, p.m, w.ilo, w.ihi, w.base, w.Ed, E)
    return E


def _wave_grad_x(p: _Problem, w: _Wave):
    """(∂Δ/∂X)^T E straight from the compact E (no n x m matrix formed).

    Squared Euclidean: ``2 (rs ⊙ X - E Y)`` from the statistics the backward pass folded
    (call :func:`_gibbs` with ``statistics=True``); absolute: Σ_j e_ij sign(x_i - y_j).
    """
    if w.kind == 0:
        g = 2.0 * (w.rs[:, None] * p.X - w.eyt.T)
    else:
        Gt = np.zeros((p.X.shape[1], p.n))
        wf.absolute_jacobian_product(w.Xt, w.Yrt, p.n, p.m, w.ilo, w.ihi, w.base, w.Ed, Gt)
        g = Gt.T
    return g.reshape(p.x_shape)


# --------------------------------------------------------------------------- public API


def soft_dtw(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None):
    """Soft-DTW value ``dtw_γ(X, Y) = r_nm``.

    Uses O(min(n, m)) memory (anti-diagonal sweep, cost computed on the fly), so it has
    no cell cap.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, d)
        First series; with ``cost="precomputed"``, the ``(n, m)`` cost matrix Δ.
    Y : array_like, shape (m,) or (m, d), or None
        Second series (``None`` with ``cost="precomputed"``).
    gamma : float, default 1.0
        Smoothing ``γ >= 0``; ``0`` gives DTW.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        Ground cost ``Δ_ij = ||x_i - y_j||²``, ``Σ_k |x_ik - y_jk|``, or given.
    band : float or None
        Sakoe-Chiba radius in time steps (see :mod:`softdtw_core.band`).

    Returns
    -------
    float
        ``-γ log Σ_{A ∈ A(n,m)} exp(-<A, Δ>/γ)``; it can be negative for γ > 0 (see
        :func:`soft_dtw_divergence` for a variant that is 0 at X = Y).
    """
    p = _problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    return _value(p)


def _value(p: _Problem) -> float:
    Xt, Yrt, D, kind = _wave_inputs(p)
    if p.n > p.m:  # soft-DTW is symmetric under transposition: sweep the short axis
        lo, hi = _transposed_band(p)
        if kind == 2:
            return float(
                wf.value(_EMPTY, _EMPTY, np.ascontiguousarray(D.T), 2, p.m, p.n, p.gamma, lo, hi)
            )
        Yt = np.ascontiguousarray(p.Y.T)
        Xrt = np.ascontiguousarray(p.X[::-1].T)
        return float(wf.value(Yt, Xrt, _EMPTY, kind, p.m, p.n, p.gamma, lo, hi))
    return float(wf.value(Xt, Yrt, D, kind, p.n, p.m, p.gamma, p.lo, p.hi))


def _transposed_band(p: _Problem):
    """Row limits of the transposed problem (the band is symmetric under transposition)."""
    j = np.arange(p.m)
    # column j's rows are {i : lo[i] <= j <= hi[i]}; lo, hi non-decreasing in i
    lo_t = np.searchsorted(p.hi, j, side="left")
    hi_t = np.searchsorted(p.lo, j, side="right") - 1
    return lo_t.astype(np.int64), hi_t.astype(np.int64)


def accumulated_cost(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """The DP table R with its borders, shape ``(n+1, m+1)``.

    ``R[0, 0] = 0``, ``R[0, j] = R[i, 0] = +inf``, cells outside the band are ``+inf``, and
    ``R[n, m] = dtw_γ(X, Y)``. Parameters as in :func:`soft_dtw`; ``max_cells`` caps n*m
    (default :data:`softdtw_core.DEFAULT_MAX_CELLS`).
    """
    p = _problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="accumulated_cost"
    )
    _, R, _ = _forward(p)
    return R.copy()


def soft_dtw_alignment(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """Soft-DTW value and expected alignment ``E = E_γ[A] = ∇_Δ dtw_γ``.

    Returns
    -------
    value : float
    E : ndarray, shape (n, m)
        Gibbs expectation of the alignment matrices, each entry in [0, 1]; 0 outside the
        band; the 0/1 optimal path A* at ``γ = 0``.
    """
    p = _problem(
        X,
        Y,
        gamma,
        cost,
        band,
        need_cost_matrix=False,
        max_cells=max_cells,
        what="soft_dtw_alignment",
    )
    w = _gibbs(p)
    return w.value, _alignment_matrix(p, w)


def soft_dtw_value_and_grad(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """Soft-DTW value and its gradient w.r.t. ``X`` (``(∂Δ/∂X)^T E``).

    With ``cost="precomputed"`` the gradient is w.r.t. the cost matrix, i.e. E itself.
    At ``γ = 0`` the gradient is the one of the optimal path (a subgradient of DTW).

    Returns
    -------
    value : float
    grad : ndarray, same shape as ``X``
    """
    p = _problem(
        X,
        Y,
        gamma,
        cost,
        band,
        need_cost_matrix=False,
        max_cells=max_cells,
        what="soft_dtw_value_and_grad",
    )
    if p.cost == "precomputed":
        w = _gibbs(p)
        return w.value, _alignment_matrix(p, w)
    w = _gibbs(p, statistics=True)
    return w.value, _wave_grad_x(p, w)


def dtw_path(X, Y=None, *, cost="sqeuclidean", band=None, max_cells=None):
    """Hard DTW: an optimal alignment path and its cost (``γ = 0``).

    Ties are broken deterministically: at each cell the diagonal predecessor is preferred,
    then the one above (i-1, j), then the one to the left (i, j-1).

    Returns
    -------
    path : list of (int, int)
        0-based cells from (0, 0) to (n-1, m-1).
    value : float
        ``dtw_0(X, Y) = min_A <A, Δ>``.
    """
    p = _problem(X, Y, 0.0, cost, band, need_cost_matrix=True, max_cells=max_cells, what="dtw_path")
    value, _, W = _forward(p)
    path = _backtrack(W, p.n, p.m)
    return [(int(i), int(j)) for i, j in path], value


def path_to_matrix(path, n, m):
    """0/1 alignment matrix of shape ``(n, m)`` from a list of cells."""
    A = np.zeros((n, m))
    idx = np.asarray(path, dtype=np.int64).reshape(-1, 2)
    A[idx[:, 0], idx[:, 1]] = 1.0
    return A


class SoftDTWTables(NamedTuple):
    """Everything the recursions compute, for display (teaching pages).

    Attributes
    ----------
    cost : (n, m) ndarray
        Δ.
    R : (n+1, m+1) ndarray
        DP table with borders.
    weights : (n, m, 3) ndarray
        Local soft-min weights of each cell's predecessors (diagonal, up, left).
    E : (n, m) ndarray
        Expected alignment.
    value : float
        dtw_γ = R[n, m].
    """

    cost: np.ndarray
    R: np.ndarray
    weights: np.ndarray
    E: np.ndarray
    value: float


def soft_dtw_tables(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """Δ, R, the local soft-min weights and E in one pass (see :class:`SoftDTWTables`)."""
    p = _problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="soft_dtw_tables"
    )
    value, R, W = _forward(p)
    E = _expected_alignment(p, W)
    return SoftDTWTables(p.D.copy(), R.copy(), W.copy(), E, value)
