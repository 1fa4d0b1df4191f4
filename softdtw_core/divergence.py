"""Quantities derived from soft-DTW: divergence, sharp soft-DTW, path entropy.

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
``H = (<E, Δ> - dtw_γ) / γ`` (since log p(A) = (dtw_γ - <A, Δ>)/γ).
"""

from __future__ import annotations

import numpy as np

from ._dp import (
    expected_alignment,
    forward_table,
    gibbs,
    grad_x,
    problem,
    tangent_alignment,
    value,
    wave_grad_x,
)


def _check_series_cost(cost, what):
    if cost == "precomputed":
        raise ValueError(
            f"{what} needs the series themselves (it compares each series with itself); "
            "cost='precomputed' is not supported here."
        )


def soft_dtw_divergence(X, Y, gamma=1.0, *, cost="sqeuclidean", band=None):
    """Soft-DTW divergence ``dtw_γ(X,Y) - ½ (dtw_γ(X,X) + dtw_γ(Y,Y))``.

    Symmetric, zero at ``X = Y``, and non-negative in practice (tiny negative values are
    possible between nearly identical series; see the module docstring). Uses the
    O(min(n, m))-memory value path. Parameters as in :func:`softdtw_core.soft_dtw`
    (``cost="precomputed"`` is refused: the self-terms need the series).
    """
    _check_series_cost(cost, "soft_dtw_divergence")
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    pxx = problem(p.X, p.X, gamma, cost, band, need_cost_matrix=False)
    pyy = problem(p.Y, p.Y, gamma, cost, band, need_cost_matrix=False)
    return value(p) - 0.5 * (value(pxx) + value(pyy))


def soft_dtw_divergence_value_and_grad(
    X, Y, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None
):
    """Divergence and its gradient w.r.t. ``X``.

    ``∇_X D = (∂Δ(X,Y)/∂X)^T E_XY - (∂Δ(X,X)/∂X_1)^T E_XX`` (``E_XX`` is symmetric, so the
    two arguments of ``dtw_γ(X, X)`` contribute equally and the ½ cancels).

    Returns
    -------
    value : float
    grad : ndarray, same shape as ``X``
    """
    _check_series_cost(cost, "soft_dtw_divergence_value_and_grad")
    kw = dict(need_cost_matrix=False, max_cells=max_cells, what="soft_dtw_divergence")
    p = problem(X, Y, gamma, cost, band, **kw)
    pxx = problem(p.X, p.X, gamma, cost, band, **kw)
    pyy = problem(p.Y, p.Y, gamma, cost, band, need_cost_matrix=False)
    wave = gibbs(p, statistics=True)
    g = wave_grad_x(p, wave)
    wave_xx = gibbs(pxx, statistics=True)
    g_xx = wave_grad_x(pxx, wave_xx)
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
    """Sharp soft-DTW ``<E_γ[A], Δ>``: the expected cost of a path under the Gibbs law.

    Always ``>= dtw_0(X, Y)`` and equal to it at ``γ = 0``. Parameters as in
    :func:`softdtw_core.soft_dtw`.
    """
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="sharp_soft_dtw"
    )
    return _sharp(p, with_grad=False)[1]


def sharp_soft_dtw_value_and_grad(
    X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None
):
    """Sharp soft-DTW and its gradient w.r.t. ``X`` (w.r.t. Δ for a precomputed cost).

    Returns
    -------
    value : float
    grad : ndarray, same shape as ``X`` (``(n, m)`` for ``cost="precomputed"``)
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
    """Shannon entropy (nats) of the Gibbs distribution over alignment paths.

    ``H = (<E, Δ> - dtw_γ) / γ``; between 0 and ``log Delannoy(n-1, m-1)``; 0 at ``γ = 0``.
    """
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="path_entropy"
    )
    if p.gamma == 0.0:
        return 0.0
    dtw, sharp, _ = _sharp(p, with_grad=False)
    return max((sharp - dtw) / p.gamma, 0.0)
