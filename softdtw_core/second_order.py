r"""Second-order information of soft-DTW: Hessian-vector products and the derivative of E.

With :math:`f(X) = \operatorname{dtw}_\gamma(\Delta(X, Y))` and its gradient
:math:`\nabla_X f = (\partial \Delta / \partial X)^\top E` (:mod:`softdtw_core.recursion`),
the derivative of the gradient along a direction :math:`V` of :math:`X` is

.. math::

    \nabla^2_X f(X)\, V
    = \left(\frac{\partial \Delta}{\partial X}\right)^{\!\top} \dot E
      + \frac{d}{dt}\left(\frac{\partial \Delta}{\partial X}(X + tV)\right)^{\!\top}
        \Big|_{t=0} E,
    \qquad
    \dot E = \nabla^2_\Delta \operatorname{dtw}_\gamma\, Z,
    \quad Z = \frac{\partial \Delta}{\partial X} V .

:math:`\dot E`, the directional derivative of the expected alignment, costs O(nm) like the
gradient: it is forward-mode differentiation through both recursions (Mensch & Blondel,
2018). The forward pass's tangent is

.. math::

    \dot r_{ij} = z_{ij} + \sum_k w^{(k)}_{ij}\, \dot r_{k}

over the three predecessors k of cell (i, j), and differentiating the backward recursion
:math:`e_{ij} = \sum_s w_s e_s` over the successors s gives
:math:`\dot e_{ij} = \sum_s (\dot w_s e_s + w_s \dot e_s)` with the moving soft-min weights
:math:`\dot w_k = -\tfrac{w_k}{\gamma} \big(\dot r_k - \sum_l w_l \dot r_l\big)`.
Equivalently :math:`\nabla^2_\Delta \operatorname{dtw}_\gamma = -\tfrac1\gamma
\operatorname{Cov}_{p_\gamma}(A)`, the covariance of the random alignment (what the tests
check by enumerating every path).

Ground costs:

- ``"sqeuclidean"``: :math:`z_{ij} = 2 \langle x_i - y_j, v_i \rangle` and the second term is
  :math:`2 \operatorname{diag}(E \mathbf{1}) V`, so
  :math:`\nabla^2_X f\, V = 2 (\operatorname{diag}(\dot E \mathbf 1) X - \dot E Y
  + \operatorname{diag}(E \mathbf 1) V)`;
- ``"absolute"``: Δ is piecewise linear in X, so :math:`z_{ij} = \sum_k
  \operatorname{sign}(x_{ik} - y_{jk}) v_{ik}` and the second term vanishes. The result is the
  exact Hessian-vector product wherever no :math:`x_{ik}` equals a :math:`y_{jk}`; at such
  ties :math:`f` is not twice differentiable (the curvature of :math:`|\cdot|` is a Dirac
  mass there) and the formula drops that mass;
- ``"precomputed"``: the derivatives are taken w.r.t. Δ itself, and both functions return
  :math:`\dot E = \nabla^2_\Delta \operatorname{dtw}_\gamma\, V`.

At ``γ = 0`` the optimal alignment is locally constant and jumps where it is not unique:
DTW has no Hessian there, and both functions refuse ``gamma=0``.

References
----------
.. [1] A. Mensch and M. Blondel, "Differentiable dynamic programming for structured
   prediction and attention", ICML 2018, PMLR 80:3462-3471 (Section 3.2: gradients and
   Hessian-vector products of smoothed DP in O(nm)).
.. [2] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017.
"""

from __future__ import annotations

import numpy as np

from ._internal.dp import (
    Problem,
    alignment_matrix,
    expected_alignment,
    forward_table,
    grad_x,
    problem,
    tangent_alignment,
    tangent_grad_x,
    tangent_wave,
)
from ._internal.validation import as_real_array
from .costs import cost_tangent_

__all__ = ["expected_alignment_jvp", "soft_dtw_hvp"]


def second_order_problem(X, Y, gamma, cost, band, max_cells, what,
                         need_cost_matrix=True) -> Problem:
    """:func:`softdtw_core._internal.dp.problem` (Δ formed unless asked not to), refusing
    ``γ = 0``."""
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=need_cost_matrix,
                max_cells=max_cells, what=what)
    if p.gamma == 0.0:
        raise ValueError(
            f"{what} needs gamma > 0; got gamma={gamma!r}. At γ = 0 the optimal alignment "
            "jumps wherever it is not unique: DTW has no second derivative there, and E is "
            "piecewise constant. Use a small γ > 0 (e.g. 0.001) for a smooth approximation."
        )
    return p


def _direction(V, p: Problem, what: str) -> np.ndarray:
    """The direction as an ``(n, d)`` array (``(n, m)`` for a precomputed cost)."""
    expected = p.x_shape
    arr = as_real_array(V, "V", f"an array of X's shape {expected}")
    if arr.shape != expected:
        raise ValueError(
            f"V (the direction of {what}) must have X's shape {expected}; got {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("V contains NaN or infinite values.")
    if p.cost == "precomputed":
        return np.ascontiguousarray(arr)
    return np.ascontiguousarray(arr.reshape(p.X.shape))


def tangent_pass(p: Problem, V: np.ndarray):
    """E and its derivative Ė along the direction ``V`` of X (of Δ when precomputed), as
    (n, m) matrices, by the row-major kernels (needs ``p.D``; the public functions take the
    vectorised wavefront of :func:`softdtw_core._internal.dp.tangent_wave`)."""
    _, _, W = forward_table(p)
    E = expected_alignment(p, W)
    return E, tangent_alignment(p, W, E, _cost_direction(p, V))


def _cost_direction(p: Problem, V: np.ndarray) -> np.ndarray:
    """Z = (∂Δ/∂X) V, the direction of Δ (V itself for a precomputed cost)."""
    return V if p.cost == "precomputed" else cost_tangent_(p.X, p.Y, V, p.cost)


def hvp_from(p: Problem, V: np.ndarray, E: np.ndarray, Edot: np.ndarray) -> np.ndarray:
    """``∇²_X dtw_γ · V`` from E and Ė (module docstring), in the caller's shape of X."""
    if p.cost == "precomputed":
        return Edot
    out = grad_x(p, Edot)
    if p.cost == "sqeuclidean":  # the curvature of the cost itself
        out = out + (2.0 * E.sum(axis=1)[:, None] * V).reshape(p.x_shape)
    return out


def expected_alignment_jvp(X, Y=None, V=None, gamma=1.0, *, cost="sqeuclidean", band=None,
                           max_cells=None):
    r"""Directional derivative of the expected alignment E along a direction V of X.

    .. math::

        \dot E = \frac{d}{dt} E_\gamma(X + tV, Y) \Big|_{t=0}
        = \nabla^2_\Delta \operatorname{dtw}_\gamma \left(\frac{\partial \Delta}{\partial X}
          V\right)

    by forward-mode differentiation of both recursions, O(nm) (module docstring).

    Parameters
    ----------
    X, Y, cost, band
        As in :func:`~softdtw_core.soft_dtw` (with ``cost="precomputed"``, X is Δ and V a
        direction of Δ).
    V : array_like, same shape as ``X``
        The direction.
    gamma : float, default 1.0
        Smoothing ``γ > 0`` (``γ = 0`` is refused: E jumps there).
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    ndarray, shape (n, m)
        ``Ė``: zero outside the band, and at both corners up to rounding (every path visits
        them).

    Examples
    --------
    Moving the middle point of x down, towards y's first point, makes the paths through
    cell (1, 0) likelier and those through (1, 1) less likely:

    >>> import softdtw_core as sd
    >>> x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    >>> Edot = sd.expected_alignment_jvp(x, y, [0.0, -1.0, 0.0], gamma=1.0)
    >>> Edot[1].round(3)
    array([ 0.847, -0.847])
    """
    what = "expected_alignment_jvp"
    p = second_order_problem(X, Y, gamma, cost, band, max_cells, what, need_cost_matrix=False)
    t = tangent_wave(p, _cost_direction(p, _direction(V, p, what)))
    return alignment_matrix(p, t.wave._replace(Ed=t.Edot))


def soft_dtw_hvp(X, Y=None, V=None, gamma=1.0, *, cost="sqeuclidean", band=None,
                 max_cells=None):
    r"""Hessian-vector product of soft-DTW w.r.t. ``X``: ``∇²_X dtw_γ(X, Y) · V``.

    .. math::

        \nabla^2_X \operatorname{dtw}_\gamma(X, Y)\, V
        = 2 \left(\operatorname{diag}(\dot E \mathbf 1) X - \dot E Y
          + \operatorname{diag}(E \mathbf 1) V\right)
        \quad \text{(squared Euclidean cost)}

    with :math:`\dot E` from :func:`expected_alignment_jvp`; O(nm) time, without forming the
    Hessian (module docstring; the absolute cost drops the cost's own curvature).

    Parameters
    ----------
    X, Y, cost, band
        As in :func:`~softdtw_core.soft_dtw` (with ``cost="precomputed"`` the product is
        w.r.t. Δ: ``∇²_Δ dtw_γ · V``).
    V : array_like, same shape as ``X``
        The direction.
    gamma : float, default 1.0
        Smoothing ``γ > 0`` (``γ = 0`` is refused: DTW has no Hessian where the path jumps).
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    ndarray, same shape as ``X``
        ``∇²_X dtw_γ(X, Y) · V``.

    Examples
    --------
    With one point on each side the only path is the diagonal: ``dtw_γ = (x - y)²`` and the
    Hessian is 2.

    >>> import softdtw_core as sd
    >>> sd.soft_dtw_hvp([0.3], [1.0], [1.0], gamma=0.1)
    array([2.])
    >>> hv = sd.soft_dtw_hvp([0.0, 1.0, 2.0], [0.0, 2.0], [0.0, 1.0, 0.0], gamma=1.0)
    >>> hv.round(3)  # negative: soft-DTW is concave along this direction here
    array([-0.061, -1.082, -0.061])
    """
    what = "soft_dtw_hvp"
    p = second_order_problem(X, Y, gamma, cost, band, max_cells, what, need_cost_matrix=False)
    V = _direction(V, p, what)
    t = tangent_wave(p, _cost_direction(p, V))
    out = tangent_grad_x(p, t, 0.0, 1.0)
    if p.cost == "sqeuclidean":  # the curvature of the cost itself: 2 diag(E 1) V
        out = out + (2.0 * t.wave.rs[:, None] * V).reshape(p.x_shape)
    return out
