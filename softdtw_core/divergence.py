r"""Quantities derived from soft-DTW: divergence, sharp soft-DTW, path entropy.

Why raw values go negative: ``dtw_γ = min^γ_A <A, Δ>`` is a soft *minimum* over
Delannoy(n-1, m-1) paths, so ``dtw_γ <= dtw_0 - ...`` can drop below zero, and
``dtw_γ(X, X) < 0`` for γ > 0. Two fixes (Blondel, Mensch & Vert, AISTATS 2021):

- divergence ``D_γ(X, Y) = dtw_γ(X, Y) - ½ (dtw_γ(X, X) + dtw_γ(Y, Y))``: symmetric, zero at
  X = Y, and non-negative whenever the kernel ``exp(-dtw_γ/γ)`` is positive definite (Blondel
  et al. give conditions on the ground cost). With the plain squared Euclidean cost this is
  not guaranteed: between *nearly identical* series it can dip slightly below zero (seen:
  -7e-5 at γ = 1 for a length-30 series and its divergence barycenter). Between distinct
  series it is positive in practice, and it removes the entropic bias that makes raw values
  negative;
- sharp soft-DTW ``<E_γ[A], Δ>``: the expected cost of a Gibbs-random path, >= dtw_0.

Their difference gives the Shannon entropy of the Gibbs distribution over paths,

.. math::

    H_\gamma = \frac{\langle E_\gamma, \Delta \rangle - \operatorname{dtw}_\gamma}{\gamma},
    \qquad \text{since} \quad \log p_\gamma(A)
    = \frac{\operatorname{dtw}_\gamma - \langle A, \Delta \rangle}{\gamma}.

References
----------
.. [1] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021, PMLR 130:3853-3861 (the divergence and sharp soft-DTW).
.. [2] M. Cuturi, J.-P. Vert, Ø. Birkenes and T. Matsui, "A kernel for time series based
   on global alignments", ICASSP 2007 (the kernel ``exp(-dtw_γ/γ)``).
.. [3] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017.
"""

from __future__ import annotations

import numpy as np

from ._internal.dp import (
    expected_alignment,
    forward_table,
    gibbs,
    grad_x,
    problem,
    tangent_alignment,
    value,
    wave_grad_x,
)
from ._internal.interpreted import interpreted_gibbs, interpreting
from ._internal.validation import check_memory

__all__ = [
    "path_entropy",
    "sharp_soft_dtw",
    "sharp_soft_dtw_value_and_grad",
    "soft_dtw_divergence",
    "soft_dtw_divergence_value_and_grad",
]


def _check_series_cost(cost, what):
    if cost == "precomputed":
        raise ValueError(
            f"{what} needs the series themselves (it compares each series with itself); "
            "cost='precomputed' is not supported here."
        )


def soft_dtw_divergence(X, Y, gamma=1.0, *, cost="sqeuclidean", band=None):
    r"""Soft-DTW divergence.

    .. math::

        D_\gamma(X, Y) = \operatorname{dtw}_\gamma(X, Y)
        - \tfrac12 \left(\operatorname{dtw}_\gamma(X, X) + \operatorname{dtw}_\gamma(Y, Y)\right)

    Symmetric, zero at ``X = Y``, and non-negative in practice (tiny negative values are
    possible between nearly identical series; see the module docstring). Uses the
    O(min(n, m))-memory value path.

    Parameters
    ----------
    X, Y : array_like, shapes (n,) or (n, d) and (m,) or (m, d)
        The series (``cost="precomputed"`` is refused: the self-terms need them).
    gamma, cost, band
        As in :func:`~softdtw_core.soft_dtw`.

    Returns
    -------
    float
        ``D_γ(X, Y)``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    >>> sd.soft_dtw_divergence(x, x, gamma=1.0)
    0.0
    >>> round(sd.soft_dtw_divergence(x, y, gamma=1.0), 4)
    0.7359
    """
    _check_series_cost(cost, "soft_dtw_divergence")
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    pxx = problem(p.X, p.X, gamma, cost, band, need_cost_matrix=False)
    pyy = problem(p.Y, p.Y, gamma, cost, band, need_cost_matrix=False)
    return value(p) - 0.5 * (value(pxx) + value(pyy))


def soft_dtw_divergence_value_and_grad(
    X, Y, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None, memory="auto"
):
    r"""Soft-DTW divergence and its gradient with respect to ``X``.

    .. math::

        \nabla_X D_\gamma(X, Y)
        = \left(\frac{\partial \Delta(X, Y)}{\partial X}\right)^{\!\top} E_{XY}
        - \left(\frac{\partial \Delta(X, X)}{\partial X_1}\right)^{\!\top} E_{XX}

    (``E_XX`` is symmetric, so the two arguments of ``dtw_γ(X, X)`` contribute equally and
    the ½ cancels).

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`soft_dtw_divergence`.
    max_cells : int, optional
        Cap on ``n * n`` and ``n * m`` for full storage (default
        :data:`~softdtw_core.DEFAULT_MAX_CELLS`); the checkpointed pass has no cap.
    memory : {"auto", "full", "checkpoint"} or int, default "auto"
        Full storage of the soft-min weights or the checkpointed pass, for each of the two
        gradients: as in :func:`~softdtw_core.soft_dtw_value_and_grad`.

    Returns
    -------
    value : float
        ``D_γ(X, Y)``.
    grad : ndarray, same shape as ``X``
        ``∇_X D_γ(X, Y)``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> value, grad = sd.soft_dtw_divergence_value_and_grad([0.0, 1.0], [0.0, 1.0], 1.0)
    >>> value, grad.tolist()  # the minimum: X = Y
    (0.0, [0.0, 0.0])
    """
    _check_series_cost(cost, "soft_dtw_divergence_value_and_grad")
    memory = check_memory(memory)
    cap = (max_cells, "soft_dtw_divergence")
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    pxx = problem(p.X, p.X, gamma, cost, band, need_cost_matrix=False)
    pyy = problem(p.Y, p.Y, gamma, cost, band, need_cost_matrix=False)
    wave = gibbs(p, statistics=True, memory=memory, cap=cap)
    g = wave_grad_x(p, wave)
    wave_xx = gibbs(pxx, statistics=True, memory=memory, cap=cap)
    g_xx = wave_grad_x(pxx, wave_xx).reshape(p.x_shape)  # pxx saw X as (n, d)
    divergence = wave.value - 0.5 * (wave_xx.value + value(pyy))
    return divergence, g - g_xx


def _sharp(p, with_grad):
    dtw, _, W = forward_table(p)
    E = expected_alignment(p, W)
    sharp = float(np.sum(E * p.D))
    if not with_grad:
        return dtw, sharp, None
    if p.gamma == 0.0:
        grad_cost = E  # the path is locally constant: ∇ <A*, Δ> = A*
    else:
        # ∇_Δ <E(Δ), Δ> = E + H Δ, with H = ∇²_Δ dtw_γ symmetric: a directional
        # derivative of E in the direction Δ.
        grad_cost = E + tangent_alignment(p, W, E, p.D)
    return dtw, sharp, grad_cost


def sharp_soft_dtw(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    r"""Sharp soft-DTW: the expected cost of a path under the Gibbs law.

    .. math::

        \operatorname{sdtw}_\gamma(X, Y) = \langle \mathbb{E}_\gamma[A], \Delta \rangle
        = \sum_{A} p_\gamma(A) \langle A, \Delta \rangle

    Always ``>= dtw_0(X, Y)`` and equal to it at ``γ = 0``.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`~softdtw_core.soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    float
        ``<E_γ, Δ>``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    >>> round(sd.sharp_soft_dtw(x, y, gamma=1.0), 4), sd.sharp_soft_dtw(x, y, gamma=0.0)
    (1.2139, 1.0)
    """
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="sharp_soft_dtw"
    )
    return _sharp(p, with_grad=False)[1]


def sharp_soft_dtw_value_and_grad(
    X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None
):
    r"""Sharp soft-DTW and its gradient w.r.t. ``X`` (w.r.t. Δ for a precomputed cost).

    .. math::

        \nabla_\Delta \langle E_\gamma(\Delta), \Delta \rangle = E_\gamma + H \Delta,
        \qquad H = \nabla^2_\Delta \operatorname{dtw}_\gamma

    (the Hessian-vector product by forward mode through both recursions), then
    ``(∂Δ/∂X)^T`` of it for the gradient w.r.t. ``X``.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`~softdtw_core.soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    value : float
        ``<E_γ, Δ>``.
    grad : ndarray
        Same shape as ``X`` (``(n, m)`` for ``cost="precomputed"``).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> value, grad = sd.sharp_soft_dtw_value_and_grad([0.0, 1.0, 2.0], [0.0, 2.0], 1.0)
    >>> round(value, 4), grad.round(4).tolist()
    (1.2139, [0.0849, 0.0, -0.0849])
    """
    p = problem(
        X,
        Y,
        gamma,
        cost,
        band,
        need_cost_matrix=True,
        max_cells=max_cells,
        what="sharp_soft_dtw_value_and_grad",
    )
    _, sharp, grad_cost = _sharp(p, with_grad=True)
    if p.cost == "precomputed":
        return sharp, grad_cost
    return sharp, grad_x(p, grad_cost)


def path_entropy(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    r"""Shannon entropy (in nats) of the Gibbs distribution over alignment paths.

    .. math::

        H_\gamma = -\sum_A p_\gamma(A) \log p_\gamma(A)
        = \frac{\langle E_\gamma, \Delta \rangle - \operatorname{dtw}_\gamma}{\gamma}

    Between 0 and ``log Delannoy(n-1, m-1)`` (all paths equally likely); 0 at ``γ = 0``.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`~softdtw_core.soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    float
        ``H_γ >= 0``.

    Examples
    --------
    >>> import math
    >>> import softdtw_core as sd
    >>> x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    >>> round(sd.path_entropy(x, y, gamma=0.01), 4)  # two optimal paths: log 2
    0.6931
    >>> round(sd.path_entropy([0.0] * 3, [0.0] * 2, gamma=1.0) - math.log(5), 12)
    0.0
    """
    if interpreting() and (found := interpreted_gibbs(X, Y, gamma, cost=cost, band=band,
                                                      max_cells=max_cells, what="path_entropy",
                                                      need="entropy")) is not None:
        return found  # softdtw_core.warmup.interpreted(): the row-major tables
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="path_entropy"
    )
    if p.gamma == 0.0:
        return 0.0
    dtw, sharp, _ = _sharp(p, with_grad=False)
    return max((sharp - dtw) / p.gamma, 0.0)
