"""Ground costs Δ and the Jacobian-transpose product ``(∂Δ/∂X)^T E``.

Conventions: a series is an ``(n, d)`` array (``(n,)`` is read as ``d = 1``).

- ``"sqeuclidean"``: ``Δ_ij = ||x_i - y_j||²`` (the paper's and tslearn's; not ½||·||²);
- ``"absolute"``: ``Δ_ij = Σ_k |x_ik - y_jk|``;
- ``"precomputed"``: the caller passes Δ itself.

The gradient of any function ``f(Δ(X, Y))`` w.r.t. ``X`` is ``(∂Δ/∂X)^T ∇_Δ f``; with
``G = ∇_Δ f`` (for soft-DTW, the expected alignment E) this module returns it without
forming the ``(n, m, n, d)`` Jacobian:

- sq-Euclid: ``g_i = 2 (Σ_j G_ij) x_i - 2 Σ_j G_ij y_j``, i.e. ``2 (diag(G 1) X - G Y)``;
- absolute: ``g_ik = Σ_j G_ij sign(x_ik - y_jk)`` (sign(0) = 0, a valid subgradient).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._validation import COST_CODES, check_cost, check_pair


@njit(cache=True, error_model="numpy")
def _cost_matrix_kernel(X, Y, kind, out):
    n, d = X.shape
    m = Y.shape[0]
    for i in range(n):
        for j in range(m):
            acc = 0.0
            for k in range(d):
                diff = X[i, k] - Y[j, k]
                if kind == 0:
                    acc += diff * diff
                else:
                    acc += abs(diff)
            out[i, j] = acc
    return out


@njit(cache=True, error_model="numpy")
def _absolute_jacobian_product(X, Y, G, out):
    n, d = X.shape
    m = Y.shape[0]
    for i in range(n):
        for j in range(m):
            g = G[i, j]
            if g == 0.0:
                continue
            for k in range(d):
                diff = X[i, k] - Y[j, k]
                if diff > 0:
                    out[i, k] += g
                elif diff < 0:
                    out[i, k] -= g
    return out


def cost_matrix_(X, Y, cost):
    """Unvalidated :func:`cost_matrix` for ``(n, d)`` float64 inputs (internal fast path)."""
    n, m = X.shape[0], Y.shape[0]
    if cost == "sqeuclidean" and X.shape[1] > 4:
        # BLAS form for wide series; clip the tiny negatives it makes by cancellation.
        D = (X * X).sum(1)[:, None] + (Y * Y).sum(1)[None, :] - 2.0 * X @ Y.T
        return np.maximum(D, 0.0, out=D)
    return _cost_matrix_kernel(X, Y, COST_CODES[cost], np.empty((n, m)))


def cost_matrix(X, Y, cost="sqeuclidean"):
    """Pairwise ground-cost matrix Δ between the time steps of two series.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, d)
    Y : array_like, shape (m,) or (m, d)
    cost : {"sqeuclidean", "absolute"}
        ``Δ_ij = ||x_i - y_j||²`` or ``Σ_k |x_ik - y_jk|``.

    Returns
    -------
    ndarray, shape (n, m)
    """
    cost = check_cost(cost)
    if cost == "precomputed":
        raise ValueError("cost_matrix computes Δ; 'precomputed' means you already have it.")
    X, Y = check_pair(X, Y)
    return cost_matrix_(X, Y, cost)


def jacobian_product_(X, Y, G, cost):
    """Unvalidated :func:`cost_jacobian_product` on ``(n, d)``/``(m, d)``/``(n, m)`` arrays."""
    if cost == "sqeuclidean":
        return 2.0 * (G.sum(axis=1)[:, None] * X - G @ Y)
    return _absolute_jacobian_product(X, Y, G, np.zeros_like(X))


def cost_jacobian_product(X, Y, G, cost="sqeuclidean"):
    """Gradient w.r.t. ``X`` of ``f(Δ(X, Y))`` given ``G = ∇_Δ f``: ``(∂Δ/∂X)^T G``.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, d)
    Y : array_like, shape (m,) or (m, d)
    G : array_like, shape (n, m)
        Gradient w.r.t. the cost matrix, e.g. the expected alignment E.
    cost : {"sqeuclidean", "absolute"}

    Returns
    -------
    ndarray, shape (n, d)
        (The caller reshapes to ``(n,)`` for univariate input.)
    """
    cost = check_cost(cost)
    if cost == "precomputed":
        raise ValueError("with a precomputed cost there is no X to differentiate; use G itself.")
    X, Y = check_pair(X, Y)
    G = np.asarray(G, dtype=np.float64)
    if G.shape != (X.shape[0], Y.shape[0]):
        raise ValueError(f"G must have shape (n, m) = ({X.shape[0]}, {Y.shape[0]}); got {G.shape}.")
    return jacobian_product_(X, Y, np.ascontiguousarray(G), cost)
