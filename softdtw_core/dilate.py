r"""DILATE, a forecasting loss with a shape term and a timing term, and the TDI score.

Le Guen & Thome (NeurIPS 2019) add to soft-DTW, which matches *shapes* whatever their
timing, a term that penalises *temporal distortion*: the expected alignment's distance from
the diagonal,

.. math::

    \operatorname{DILATE}(x, y) = \alpha\, \operatorname{dtw}_\gamma(x, y)
    + (1 - \alpha)\, \langle E_\gamma(x, y), \Omega \rangle, \qquad
    \Omega_{ij} = \left(\frac{i - \tfrac12}{n} - \frac{j - \tfrac12}{m}\right)^{\!2}
    \quad (1 \le i \le n,\ 1 \le j \le m).

For ``n = m`` this is the paper's :math:`\Omega_{ij} = (i - j)^2 / n^2`. For ``n != m`` (our
choice; the paper predicts as many steps as it is scored on) the time steps are placed at
the centres of ``n`` and ``m`` equal cells of [0, 1] and compared there, so Ω measures a
distance in *relative* time; reversing both series in time leaves it unchanged, and Ω of
``(m, n)`` is the transpose of Ω of ``(n, m)``.

Gradient. With :math:`H = \nabla^2_\Delta \operatorname{dtw}_\gamma` (symmetric),
:math:`\nabla_\Delta \langle E_\gamma(\Delta), \Omega \rangle = H \Omega`, the directional
derivative of E along Ω (:func:`softdtw_core.expected_alignment_jvp`, O(nm)), so

.. math::

    \nabla_x \operatorname{DILATE}
    = \left(\frac{\partial \Delta}{\partial x}\right)^{\!\top}
      \left(\alpha E_\gamma + (1 - \alpha) H \Omega\right).

The temporal distortion index (TDI) scores a forecast's timing the same way with the hard
DTW path :math:`A^*`: :math:`\operatorname{TDI}(x, y) = \langle A^*, \Omega \rangle`, as in the
DILATE paper's evaluation code (:math:`\sum_{(i, j) \in A^*} (i - j)^2 / n^2` for ``n = m``).

References
----------
.. [1] V. Le Guen and N. Thome, "Shape and time distortion loss for training deep time
   series forecasting models", NeurIPS 2019.
.. [2] A. Mensch and M. Blondel, "Differentiable dynamic programming for structured
   prediction and attention", ICML 2018 (the Hessian-vector product).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._internal import wavefront as wf
from ._internal.dp import (
    backtrack,
    forward_table,
    gibbs,
    problem,
    tangent_grad_x,
    tangent_wave,
)
from ._internal.validation import check_band, check_int, check_unit_interval
from .band import band_limits_checked
from .second_order import second_order_problem

__all__ = [
    "dilate_loss",
    "dilate_value_and_grad",
    "temporal_distortion_index",
    "temporal_distortion_matrix",
]


def temporal_distortion_matrix(n, m=None):
    r"""The timing penalty Ω of DILATE and of the TDI.

    .. math::

        \Omega_{ij} = \left(\frac{i - \tfrac12}{n} - \frac{j - \tfrac12}{m}\right)^{\!2}
        \qquad \left(= \frac{(i - j)^2}{n^2} \text{ when } n = m\right)

    Parameters
    ----------
    n : int
        Length of the first series (rows).
    m : int, optional
        Length of the second (columns); default ``n``.

    Returns
    -------
    ndarray, shape (n, m)
        Ω, 0-based: ``Ω[i - 1, j - 1] = Ω_ij``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> (9 * sd.temporal_distortion_matrix(3)).round(12)
    array([[0., 1., 4.],
           [1., 0., 1.],
           [4., 1., 0.]])
    >>> 64 * sd.temporal_distortion_matrix(2, 4)  # times 1/4, 3/4 against 1/8, 3/8, 5/8, 7/8
    array([[ 1.,  1.,  9., 25.],
           [25.,  9.,  1.,  1.]])
    """
    n = check_int(n, "n")
    m = n if m is None else check_int(m, "m")
    u = (np.arange(n) + 0.5) / n
    v = (np.arange(m) + 0.5) / m
    return (u[:, None] - v[None, :]) ** 2


def _check_alpha(alpha) -> float:
    return check_unit_interval(alpha, "alpha", "the weight of the shape term dtw_γ; the "
                               "timing term gets 1 - alpha")


def dilate_loss(X, Y=None, alpha=0.5, gamma=0.01, *, cost="sqeuclidean", band=None,
                max_cells=None):
    r"""DILATE: soft-DTW (shape) plus the expected alignment's temporal distortion (timing).

    .. math::

        \operatorname{DILATE}(x, y) = \alpha\, \operatorname{dtw}_\gamma(x, y)
        + (1 - \alpha)\, \langle E_\gamma(x, y), \Omega \rangle

    with Ω of :func:`temporal_distortion_matrix` (module docstring).

    Parameters
    ----------
    X, Y, cost, band
        As in :func:`~softdtw_core.soft_dtw` (a prediction and its target).
    alpha : float, default 0.5
        Weight of the shape term, in [0, 1] (the paper's default 0.5).
    gamma : float, default 0.01
        Smoothing ``γ >= 0`` (the paper's default 0.01); at ``γ = 0`` the timing term is
        the TDI of the DTW path.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    float
        The loss.

    Examples
    --------
    With ``alpha=0`` and ``γ = 0`` only the timing of the DTW path counts (the TDI): zero
    for y itself, 7/8² for a copy of y one step late (seven cells of its path are one step
    off the diagonal):

    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> y = np.exp(-0.5 * (np.arange(8.0) - 3.0) ** 2)
    >>> sd.dilate_loss(y, y, alpha=0.0, gamma=0.0)
    0.0
    >>> sd.dilate_loss(np.roll(y, 1), y, alpha=0.0, gamma=0.0) * 64
    7.0
    """
    alpha = _check_alpha(alpha)
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False, max_cells=max_cells,
                what="dilate_loss")
    w = gibbs(p)
    timing = wf.omega_dot(p.n, p.m, w.ilo, w.ihi, w.base, w.Ed)
    return alpha * w.value + (1.0 - alpha) * float(timing)


def dilate_value_and_grad(X, Y=None, alpha=0.5, gamma=0.01, *, cost="sqeuclidean",
                          band=None, max_cells=None):
    r"""DILATE and its gradient w.r.t. ``X`` (w.r.t. Δ for a precomputed cost).

    .. math::

        \nabla_x \operatorname{DILATE}
        = \left(\frac{\partial \Delta}{\partial x}\right)^{\!\top}
          \left(\alpha E_\gamma + (1 - \alpha) \nabla^2_\Delta \operatorname{dtw}_\gamma\,
          \Omega\right)

    (the timing term's gradient is one Hessian-vector product, O(nm); module docstring).

    Parameters
    ----------
    X, Y, alpha, cost, band, max_cells
        As in :func:`dilate_loss`.
    gamma : float, default 0.01
        Smoothing ``γ > 0``. ``γ = 0`` is refused: the timing term is then piecewise
        constant (the hard path only jumps), so its gradient carries no information.

    Returns
    -------
    value : float
        :func:`dilate_loss`.
    grad : ndarray, same shape as ``X``
        Its gradient (``(n, m)`` for ``cost="precomputed"``).

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> t = np.arange(8.0)
    >>> y = np.exp(-0.5 * (t - 3.0) ** 2)
    >>> late = np.exp(-0.5 * (t - 4.0) ** 2)
    >>> value, grad = sd.dilate_value_and_grad(late, y, alpha=0.5, gamma=0.01)
    >>> bool(np.isclose(value, sd.dilate_loss(late, y, alpha=0.5, gamma=0.01), rtol=1e-12))
    True
    >>> eps = 1e-6  # the gradient moves the bump back in time: the loss decreases
    >>> bool(sd.dilate_loss(late - eps * grad, y, 0.5, 0.01) < value)
    True
    """
    alpha = _check_alpha(alpha)
    p = second_order_problem(X, Y, gamma, cost, band, max_cells, "dilate_value_and_grad",
                             need_cost_matrix=False)
    t = tangent_wave(p)  # Ė along Ω: the timing term's gradient H Ω
    loss = alpha * t.wave.value + (1.0 - alpha) * t.ez
    return loss, tangent_grad_x(p, t, alpha, 1.0 - alpha)


@njit(cache=True, error_model="numpy", nogil=True)
def _dilate_lanes(P, Y, alpha, gamma, lo, hi, values, G):
    """DILATE and its gradient for the pairs (P[j], Y[j]) of one shape, run as interleaved
    lanes of the wavefront passes (squared Euclidean cost; :mod:`._internal.wavefront`)."""
    N, n, d = P.shape
    m = Y.shape[1]
    ilo, ihi, base, total = wf.diagonal_layout(n, m, lo, hi)
    B = min(wf.lanes_for(min(n, m, int(np.max(hi - lo)) + 1), True), N)
    work = np.empty((7, total * B))
    WA, WB, WC, Ed, Zd, Rd, Edot = work[0], work[1], work[2], work[3], work[4], work[5], work[6]
    Pf = P.reshape(N * n, d)
    Yf = Y.reshape(N * m, d)
    for g in range(0, N, B):
        L = min(B, N - g)
        lanes = np.arange(g, g + L)
        Xt = wf.interleave(Pf, lanes * n, n, False, np.empty((d, n * L)))
        Yrt = wf.interleave(Yf, lanes * m, m, True, np.empty((d, m * L)))
        out, ez = np.empty(L), np.empty(L)
        rs, rs_dot = np.zeros(n * L), np.zeros(n * L)
        eyt, eyt_dot = np.zeros((d, n * L)), np.zeros((d, n * L))
        # int64 and bool, not the literals 0 and True: the argument types of the Learn
        # pages' call (second_order), one compiled specialisation for both (3 s less)
        wf.forward_tangent_lanes(Xt, Yrt, wf.NO_ARRAY, np.int64(0), n, m, gamma, lo, hi, ilo,
                                 ihi, base, WA, WB, WC, Zd, np.bool_(True), Rd, L, out)
        wf.backward_tangent_lanes(n, m, ilo, ihi, base, WA, WB, WC, Zd, gamma, Rd, Ed, Edot,
                                  Yrt, rs, eyt, rs_dot, eyt_dot, ez)
        for b in range(L):
            values[g + b] = alpha * out[b] + (1.0 - alpha) * ez[b]
            for i in range(n):
                q = i * L + b
                r = alpha * rs[q] + (1.0 - alpha) * rs_dot[q]
                for t in range(d):
                    ey = alpha * eyt[t, q] + (1.0 - alpha) * eyt_dot[t, q]
                    G[g + b, i, t] = 2.0 * (r * P[g + b, i, t] - ey)


def pairs_value_and_grad(P, Y, alpha=0.5, gamma=0.01, *, band=None):
    r"""DILATE and its gradient for each pair of a batch of equal shapes (squared Euclidean).

    .. math::

        \left(\operatorname{DILATE}(P_j, Y_j),\ \nabla_{P_j} \operatorname{DILATE}(P_j, Y_j)
        \right), \quad j = 1, \dots, N

    what :class:`~softdtw_core.MLPPredictor` needs for ``loss="dilate"``: one Numba call for
    the whole batch, the pairs run as interleaved lanes of the wavefront passes (the loss
    of :func:`dilate_value_and_grad` pair by pair, without N Python-level calls).

    Parameters
    ----------
    P, Y : array_like, shape (N, n, d) and (N, m, d)
        The pairs (forecasts and targets).
    alpha, gamma, band
        As in :func:`dilate_value_and_grad` (``γ > 0``).

    Returns
    -------
    values : ndarray, shape (N,)
    grads : ndarray, shape (N, n, d)

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> from softdtw_core.dilate import pairs_value_and_grad
    >>> P = np.random.default_rng(0).standard_normal((3, 6, 1))
    >>> Y = np.random.default_rng(1).standard_normal((3, 5, 1))
    >>> values, grads = pairs_value_and_grad(P, Y, 0.5, 0.1)
    >>> v1, g1 = sd.dilate_value_and_grad(P[1], Y[1], 0.5, 0.1)
    >>> bool(np.isclose(values[1], v1, rtol=1e-12)), bool(np.allclose(grads[1], g1, rtol=1e-10))
    (True, True)
    """
    alpha = _check_alpha(alpha)
    radius = check_band(band)
    P = np.ascontiguousarray(P, dtype=np.float64)
    Y = np.ascontiguousarray(Y, dtype=np.float64)
    if P.ndim != 3 or Y.ndim != 3 or P.shape[0] != Y.shape[0] or P.shape[2] != Y.shape[2]:
        raise ValueError(
            f"P and Y must be arrays of shapes (N, n, d) and (N, m, d) (N pairs of one shape); "
            f"got {P.shape} and {Y.shape}."
        )
    if not (np.all(np.isfinite(P)) and np.all(np.isfinite(Y))):
        raise ValueError("P and Y must be finite: they contain NaN or infinite values.")
    gamma = second_order_problem(P[0], Y[0], gamma, "sqeuclidean", band, None,
                                 "pairs_value_and_grad", need_cost_matrix=False).gamma
    lo, hi = band_limits_checked(P.shape[1], Y.shape[1], radius)
    values = np.empty(P.shape[0])
    grads = np.empty_like(P)
    if P.shape[0]:
        _dilate_lanes(P, Y, alpha, gamma, lo, hi, values, grads)
    return values, grads


def temporal_distortion_index(X, Y=None, *, cost="sqeuclidean", band=None, max_cells=None):
    r"""Temporal distortion index (TDI) of the DTW path between a forecast and its target.

    .. math::

        \operatorname{TDI}(x, y) = \langle A^*, \Omega \rangle
        = \sum_{(i, j) \in A^*} \Omega_{ij}
        \quad \left(= \sum_{(i, j) \in A^*} \frac{(i - j)^2}{n^2} \text{ when } n = m\right)

    with :math:`A^*` the optimal DTW path (ties broken as in
    :func:`~softdtw_core.dtw_path`) and Ω of :func:`temporal_distortion_matrix`; 0 when the
    path is the diagonal, larger when the forecast is early or late.

    Parameters
    ----------
    X, Y, cost, band
        As in :func:`~softdtw_core.soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    float
        The TDI (>= 0).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.temporal_distortion_index([0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0])
    0.0
    >>> late = [0.0, 0.0, 1.0, 0.0]  # three cells of its path are one step off: 3/4²
    >>> sd.temporal_distortion_index(late, [0.0, 1.0, 0.0, 0.0])
    0.1875
    """
    p = problem(X, Y, 0.0, cost, band, need_cost_matrix=True, max_cells=max_cells,
                what="temporal_distortion_index")
    _, _, W = forward_table(p)
    path = backtrack(p, W)
    omega = temporal_distortion_matrix(p.n, p.m)
    return float(omega[path[:, 0], path[:, 1]].sum())
