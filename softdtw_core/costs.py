r"""Ground costs Δ and the Jacobian-transpose product ``(∂Δ/∂X)^T E``.

Conventions: a series is an ``(n, d)`` array (``(n,)`` is read as ``d = 1``).

- ``"sqeuclidean"``: :math:`\Delta_{ij} = \lVert x_i - y_j \rVert^2` (the paper's and
  tslearn's; not ½||·||²);
- ``"absolute"``: ``Δ_ij = Σ_k |x_ik - y_jk|``;
- ``"precomputed"``: the caller passes Δ itself.

The gradient of any function ``f(Δ(X, Y))`` w.r.t. ``X`` is ``(∂Δ/∂X)^T ∇_Δ f``; with
``G = ∇_Δ f`` (for soft-DTW, the expected alignment E) this module returns it without
forming the ``(n, m, n, d)`` Jacobian:

- sq-Euclid: ``g_i = 2 (Σ_j G_ij) x_i - 2 Σ_j G_ij y_j``, i.e. ``2 (diag(G 1) X - G Y)``;
- absolute: ``g_ik = Σ_j G_ij sign(x_ik - y_jk)`` (sign(0) = 0, a valid subgradient).

Second-order code (:mod:`softdtw_core.second_order`, :mod:`softdtw_core.dilate`) also needs
the directional derivative of Δ along a direction ``V`` of X, ``Z = (∂Δ/∂X) V``:

- sq-Euclid: ``Z_ij = 2 <x_i - y_j, v_i>``;
- absolute: ``Z_ij = Σ_k sign(x_ik - y_jk) v_ik``.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, Section 2.2 (the gradient w.r.t. X).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._internal.validation import COST_CODES, check_cost, check_pair

__all__ = ["cost_jacobian_product", "cost_matrix"]


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
def _absolute_tangent(X, Y, V, out):
    n, d = X.shape
    m = Y.shape[0]
    for i in range(n):
        for j in range(m):
            acc = 0.0
            for k in range(d):
                diff = X[i, k] - Y[j, k]
                if diff > 0:
                    acc += V[i, k]
                elif diff < 0:
                    acc -= V[i, k]
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
    r"""Pairwise ground-cost matrix Δ between the time steps of two series.

    .. math::

        \Delta_{ij} = \lVert x_i - y_j \rVert_2^2 \quad \text{or} \quad
        \Delta_{ij} = \sum_k \lvert x_{ik} - y_{jk} \rvert

    Parameters
    ----------
    X : array_like, shape (n,) or (n, d)
        First series.
    Y : array_like, shape (m,) or (m, d)
        Second series.
    cost : {"sqeuclidean", "absolute"}
        ``Δ_ij = ||x_i - y_j||²`` or ``Σ_k |x_ik - y_jk|``.

    Returns
    -------
    ndarray, shape (n, m)
        Δ.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.cost_matrix([0.0, 1.0, 2.0], [0.0, 2.0])
    array([[0., 4.],
           [1., 1.],
           [4., 0.]])
    >>> sd.cost_matrix([[0.0, 0.0]], [[1.0, -2.0]], cost="absolute")
    array([[3.]])
    """
    cost = check_cost(cost)
    if cost == "precomputed":
        raise ValueError("cost_matrix computes Δ; 'precomputed' means you already have it.")
    X, Y = check_pair(X, Y)
    return cost_matrix_(X, Y, cost)


def cost_tangent_(X, Y, V, cost):
    """``Z = (∂Δ/∂X) V`` (n, m) on validated ``(n, d)``/``(m, d)``/``(n, d)`` arrays."""
    if cost == "sqeuclidean":
        return 2.0 * (np.sum(X * V, axis=1)[:, None] - V @ Y.T)
    return _absolute_tangent(X, Y, V, np.empty((X.shape[0], Y.shape[0])))


def jacobian_product_(X, Y, G, cost, *, uncompiled=False):
    """Unvalidated :func:`cost_jacobian_product` on ``(n, d)``/``(m, d)``/``(n, m)`` arrays.

    ``uncompiled=True`` (for :func:`softdtw_core.warmup.interpreted`) runs the absolute
    cost's kernel as Python code while it is not compiled yet: the same sums in the same
    order."""
    if cost == "sqeuclidean":
        return 2.0 * (G.sum(axis=1)[:, None] * X - G @ Y)
    kernel = _absolute_jacobian_product
    if uncompiled and not kernel.signatures:
        kernel = kernel.py_func
    return kernel(X, Y, G, np.zeros_like(X))


def cost_jacobian_product(X, Y, G, cost="sqeuclidean"):
    r"""Gradient w.r.t. ``X`` of ``f(Δ(X, Y))`` given ``G = ∇_Δ f``.

    .. math::

        \left(\frac{\partial \Delta}{\partial X}\right)^{\!\top} G
        = 2 \left(\operatorname{diag}(G \mathbf{1}) X - G Y\right)
        \quad \text{(squared Euclidean cost)}

    Parameters
    ----------
    X : array_like, shape (n,) or (n, d)
        First series.
    Y : array_like, shape (m,) or (m, d)
        Second series.
    G : array_like, shape (n, m)
        Gradient w.r.t. the cost matrix, e.g. the expected alignment E.
    cost : {"sqeuclidean", "absolute"}
        The ground cost of Δ.

    Returns
    -------
    ndarray, shape (n, d)
        The gradient (``(n, d)`` also for univariate input).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> E = sd.path_to_matrix([(0, 0), (1, 0), (2, 1)], 3, 2)
    >>> sd.cost_jacobian_product([0.0, 1.0, 2.0], [0.0, 2.0], E).ravel().tolist()
    [0.0, 2.0, 0.0]
    """
    cost = check_cost(cost)
    if cost == "precomputed":
        raise ValueError("with a precomputed cost there is no X to differentiate; use G itself.")
    X, Y = check_pair(X, Y)
    G = np.asarray(G, dtype=np.float64)
    if G.shape != (X.shape[0], Y.shape[0]):
        raise ValueError(f"G must have shape (n, m) = ({X.shape[0]}, {Y.shape[0]}); got {G.shape}.")
    return jacobian_product_(X, Y, np.ascontiguousarray(G), cost)
