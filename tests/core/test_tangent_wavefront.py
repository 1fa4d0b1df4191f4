"""The second-order passes in the vectorised wavefront (DILATE, E's directional derivative,
Hessian-vector products) against the row-major passes they replaced, kept here as the
reference (softdtw_core._internal.dp's full-table kernels, an independent code path:
different layout, libm exp/log)."""

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core._internal import wavefront as wf
from softdtw_core._internal.dp import (
    expected_alignment,
    forward_table,
    gibbs,
    grad_x,
    problem,
    tangent_alignment,
)
from softdtw_core.costs import cost_tangent_

CASES = [  # (n, m, d, band, cost, gamma)
    (30, 30, 1, None, "sqeuclidean", 0.01),
    (37, 29, 3, 5, "sqeuclidean", 0.1),
    (23, 41, 3, None, "sqeuclidean", 1.0),
    (40, 50, 3, None, "absolute", 0.3),
    (33, 26, 1, 6, "absolute", 0.05),
    (20, 25, 1, 4, "precomputed", 1.0),
    (120, 90, 2, 20, "sqeuclidean", 0.01),
]


def _inputs(rng, n, m, d, cost):
    X, Y = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    if cost == "precomputed":
        return ((X[:, None, :] - Y[None]) ** 2).sum(-1), None
    return X, Y


def _row_major(X, Y, gamma, cost, band):
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=True)
    value, _, W = forward_table(p)
    return p, value, W.copy(), expected_alignment(p, W)


def _close(a, b, rtol=1e-12):
    scale = max(np.abs(b).max(), 1e-300)
    assert np.abs(np.asarray(a) - b).max() <= rtol * scale


@pytest.mark.parametrize("case", CASES)
def test_dilate_equals_the_row_major_passes(case, rng):
    n, m, d, band, cost, gamma = case
    X, Y = _inputs(rng, n, m, d, cost)
    p, value, W, E = _row_major(X, Y, gamma, cost, band)
    omega = sd.temporal_distortion_matrix(p.n, p.m)
    G = 0.4 * E + 0.6 * tangent_alignment(p, W, E, omega)
    loss_ref = 0.4 * value + 0.6 * float(np.sum(E * omega))
    grad_ref = G if cost == "precomputed" else grad_x(p, G)
    loss, grad = sd.dilate_value_and_grad(X, Y, 0.4, gamma, cost=cost, band=band)
    assert loss == pytest.approx(loss_ref, rel=1e-12)
    assert sd.dilate_loss(X, Y, 0.4, gamma, cost=cost, band=band) == pytest.approx(
        loss_ref, rel=1e-12)
    assert grad.shape == np.shape(X)
    _close(grad, grad_ref)


@pytest.mark.parametrize("case", CASES)
def test_jvp_and_hvp_equal_the_row_major_passes(case, rng):
    n, m, d, band, cost, gamma = case
    X, Y = _inputs(rng, n, m, d, cost)
    V = rng.standard_normal(np.shape(X))
    p, _, W, E = _row_major(X, Y, gamma, cost, band)
    Z = V if cost == "precomputed" else cost_tangent_(p.X, p.Y, V, cost)
    Edot = tangent_alignment(p, W, E, Z)
    # Ė carries a factor 1/γ: its rounding (e.g. at the corners, where it is 0) scales so
    rtol = max(1e-12, 1e-13 / gamma)
    _close(sd.expected_alignment_jvp(X, Y, V, gamma, cost=cost, band=band), Edot, rtol)
    hv = Edot if cost == "precomputed" else grad_x(p, Edot)
    if cost == "sqeuclidean":
        hv = hv + 2.0 * E.sum(axis=1)[:, None] * V
    _close(sd.soft_dtw_hvp(X, Y, V, gamma, cost=cost, band=band), hv, rtol)


def test_dilate_loss_at_gamma_zero_is_the_tdi_of_the_path(rng):
    x, y = rng.standard_normal((17, 2)), rng.standard_normal((23, 2))
    assert sd.dilate_loss(x, y, 0.0, 0.0) == pytest.approx(
        sd.temporal_distortion_index(x, y), rel=1e-14)


def test_omega_dot_is_the_sum_over_the_band(rng):
    n, m = 19, 31
    x, y = rng.standard_normal(n), rng.standard_normal(m)
    p = problem(x, y, 0.2, "sqeuclidean", 7, need_cost_matrix=False)
    w = gibbs(p)
    E = np.zeros((n, m))
    wf.scatter(n, m, w.ilo, w.ihi, w.base, w.Ed, E)
    expected = float(np.sum(E * sd.temporal_distortion_matrix(n, m)))
    assert wf.omega_dot(n, m, w.ilo, w.ihi, w.base, w.Ed) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("shape, band", [((11, 17, 21, 3), None), ((9, 30, 24, 1), 6),
                                         ((3, 8, 8, 2), None)])
def test_interleaved_pairs_equal_one_pair_at_a_time(shape, band, rng):
    """The lanes (8 pairs per group at these widths, then a remainder) change nothing."""
    from softdtw_core.dilate import pairs_value_and_grad

    N, n, m, d = shape
    P, Y = rng.standard_normal((N, n, d)), rng.standard_normal((N, m, d))
    values, grads = pairs_value_and_grad(P, Y, 0.3, 0.05, band=band)
    assert grads.shape == P.shape
    for j in range(N):
        v, g = sd.dilate_value_and_grad(P[j], Y[j], 0.3, 0.05, band=band)
        assert values[j] == pytest.approx(v, rel=1e-12)
        _close(grads[j], g)


def test_interleaved_pairs_refuse_bad_input():
    from softdtw_core.dilate import pairs_value_and_grad

    P = np.zeros((2, 5, 1))
    with pytest.raises(ValueError, match=r"shapes \(N, n, d\) and \(N, m, d\)"):
        pairs_value_and_grad(P, np.zeros((3, 5, 1)))
    with pytest.raises(ValueError, match="needs gamma > 0"):
        pairs_value_and_grad(P, P, 0.5, 0.0)
    with pytest.raises(ValueError, match="NaN"):
        pairs_value_and_grad(P, np.full((2, 5, 1), np.nan))
