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

from typing import NamedTuple

import numpy as np

from ._dp import (
    alignment_matrix,
    backtrack,
    expected_alignment,
    forward_table,
    gibbs,
    problem,
    value,
    wave_grad_x,
)

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
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    return value(p)


def accumulated_cost(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """The DP table R with its borders, shape ``(n+1, m+1)``.

    ``R[0, 0] = 0``, ``R[0, j] = R[i, 0] = +inf``, cells outside the band are ``+inf``, and
    ``R[n, m] = dtw_γ(X, Y)``. Parameters as in :func:`soft_dtw`; ``max_cells`` caps n*m
    (default :data:`softdtw_core.DEFAULT_MAX_CELLS`).
    """
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="accumulated_cost"
    )
    _, R, _ = forward_table(p)
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
    p = problem(
        X,
        Y,
        gamma,
        cost,
        band,
        need_cost_matrix=False,
        max_cells=max_cells,
        what="soft_dtw_alignment",
    )
    w = gibbs(p)
    return w.value, alignment_matrix(p, w)


def soft_dtw_value_and_grad(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """Soft-DTW value and its gradient w.r.t. ``X`` (``(∂Δ/∂X)^T E``).

    With ``cost="precomputed"`` the gradient is w.r.t. the cost matrix, i.e. E itself.
    At ``γ = 0`` the gradient is the one of the optimal path (a subgradient of DTW).

    Returns
    -------
    value : float
    grad : ndarray, same shape as ``X``
    """
    p = problem(
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
        w = gibbs(p)
        return w.value, alignment_matrix(p, w)
    w = gibbs(p, statistics=True)
    return w.value, wave_grad_x(p, w)


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
    p = problem(X, Y, 0.0, cost, band, need_cost_matrix=True, max_cells=max_cells, what="dtw_path")
    dtw, _, W = forward_table(p)
    return dtw, [(int(i), int(j)) for i, j in backtrack(p, W)]


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
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="soft_dtw_tables"
    )
    dtw, R, W = forward_table(p)
    E = expected_alignment(p, W)
    return SoftDTWTables(p.D.copy(), R.copy(), W.copy(), E, dtw)
