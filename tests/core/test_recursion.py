"""The dynamic programme against independent truths: enumeration, finite differences, limits."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import softdtw_core as sd
from softdtw_core import cost_matrix
from softdtw_core.band import minimal_radius

from .conftest import naive_dtw

GAMMAS = [1e-3, 1e-2, 1e-1, 1.0, 10.0, 1e3]


@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize(
    "n,m", list(itertools.product(range(1, 6), range(1, 6))) + [(6, 6), (6, 4)]
)
def test_value_and_expected_alignment_match_enumeration(n, m, d, rng):
    X = rng.normal(size=(n, d))
    Y = rng.normal(size=(m, d))
    for gamma in GAMMAS:
        bf = sd.brute_force_soft_dtw(X, Y, gamma)
        value, E = sd.soft_dtw_alignment(X, Y, gamma)
        assert value == pytest.approx(bf.value, rel=1e-12, abs=1e-12)
        assert sd.soft_dtw(X, Y, gamma) == pytest.approx(bf.value, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(E, bf.E, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n,m", [(3, 4), (5, 5), (5, 2)])
@pytest.mark.parametrize("gamma", [0.0, 0.05, 1.0, 30.0])
def test_every_cell_of_R_is_soft_dtw_of_the_prefixes(n, m, gamma, rng):
    X = rng.normal(size=n)
    Y = rng.normal(size=m)
    R = sd.accumulated_cost(X, Y, gamma)
    assert R.shape == (n + 1, m + 1)
    assert R[0, 0] == 0.0
    assert np.isinf(R[0, 1:]).all() and np.isinf(R[1:, 0]).all()
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            expected = sd.brute_force_soft_dtw(X[:i], Y[:j], gamma).value
            assert R[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
def test_costs_match_definition(cost, rng):
    X = rng.normal(size=(7, 3))
    Y = rng.normal(size=(4, 3))
    D = cost_matrix(X, Y, cost)
    diff = X[:, None, :] - Y[None, :, :]
    expected = (diff**2).sum(-1) if cost == "sqeuclidean" else np.abs(diff).sum(-1)
    np.testing.assert_allclose(D, expected, rtol=1e-13)
    wide = rng.normal(size=(6, 9)), rng.normal(size=(5, 9))  # BLAS branch
    diff = wide[0][:, None] - wide[1][None]
    np.testing.assert_allclose(cost_matrix(*wide), (diff**2).sum(-1), rtol=1e-10)


def test_precomputed_cost_equals_series_cost(rng):
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(9, 2))
    D = cost_matrix(X, Y, "absolute")
    v1, E1 = sd.soft_dtw_alignment(X, Y, 0.3, cost="absolute")
    v2, E2 = sd.soft_dtw_alignment(D, gamma=0.3, cost="precomputed")
    assert v1 == pytest.approx(v2, rel=1e-14)
    np.testing.assert_allclose(E1, E2, atol=1e-15)
    assert sd.soft_dtw(D, gamma=0.3, cost="precomputed") == pytest.approx(v1, rel=1e-12)
    assert sd.soft_dtw(D.T, gamma=0.3, cost="precomputed") == pytest.approx(v1, rel=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.1, 2.0])
def test_transposition_symmetry(gamma, rng):
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(13, 2))
    vxy, Exy = sd.soft_dtw_alignment(X, Y, gamma)
    vyx, Eyx = sd.soft_dtw_alignment(Y, X, gamma)
    assert vxy == pytest.approx(vyx, rel=1e-13)
    np.testing.assert_allclose(Exy, Eyx.T, atol=1e-13)
    assert sd.soft_dtw(X, Y, gamma) == pytest.approx(sd.soft_dtw(Y, X, gamma), rel=1e-13)


def test_value_only_path_equals_full_table_on_long_series(rng):
    X, Y = rng.normal(size=(301, 3)), rng.normal(size=(157, 3))
    for gamma in [0.0, 0.01, 1.0]:
        R = sd.accumulated_cost(X, Y, gamma)
        assert sd.soft_dtw(X, Y, gamma) == pytest.approx(R[-1, -1], rel=1e-12)


@pytest.mark.parametrize("n,m", [(1, 1), (1, 7), (7, 1), (12, 9), (40, 55)])
def test_gamma_zero_is_dtw(n, m, rng):
    X, Y = rng.normal(size=n), rng.normal(size=m)
    D = cost_matrix(X, Y)
    R = naive_dtw(D)
    assert sd.soft_dtw(X, Y, 0.0) == pytest.approx(R[n, m], rel=1e-13)
    np.testing.assert_allclose(sd.accumulated_cost(X, Y, 0.0), R, rtol=1e-13)
    value, path = sd.dtw_path(X, Y)
    assert value == pytest.approx(R[n, m], rel=1e-13)
    assert path[0] == (0, 0) and path[-1] == (n - 1, m - 1)
    steps = np.diff(np.array(path), axis=0)
    assert {tuple(s) for s in steps} <= {(1, 0), (0, 1), (1, 1)}
    assert sum(D[i, j] for i, j in path) == pytest.approx(value, rel=1e-12)
    # E at γ = 0 is the path, and tiny γ approaches the same value
    _, E0 = sd.soft_dtw_alignment(X, Y, 0.0)
    np.testing.assert_array_equal(E0, sd.path_to_matrix(path, n, m))
    assert sd.soft_dtw(X, Y, 1e-6) == pytest.approx(
        R[n, m], abs=1e-6 * math.log(sd.delannoy(n - 1, m - 1) + 1) + 1e-9
    )


def test_dtw_path_ties_are_broken_deterministically():
    # constant series: every path costs 0; backtracking from (n-1, m-1) prefers the
    # diagonal predecessor, so the path runs diagonally back to row 0, then left
    value, path = sd.dtw_path(np.zeros(4), np.zeros(6))
    assert value == 0.0
    assert path == [(0, 0), (0, 1), (0, 2), (1, 3), (2, 4), (3, 5)]
    assert sd.dtw_path(np.zeros(4), np.zeros(6))[1] == path


def test_expected_alignment_is_the_hard_path_at_tiny_gamma(rng):
    t = np.linspace(0, 1, 300)
    X = np.sin(2 * np.pi * 3 * t) + 0.05 * rng.normal(size=300)
    Y = np.sin(2 * np.pi * 3 * t**1.3) + 0.05 * rng.normal(size=300)
    _, path = sd.dtw_path(X, Y)
    A = sd.path_to_matrix(path, 300, 300)
    _, E = sd.soft_dtw_alignment(X, Y, 1e-8)
    assert np.abs(E - A).max() <= 1e-9


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
@pytest.mark.parametrize("gamma", [0.01, 0.5, 5.0])
def test_gradient_wrt_x_matches_finite_differences(cost, gamma, rng):
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(8, 2))
    value, grad = sd.soft_dtw_value_and_grad(X, Y, gamma, cost=cost)
    assert value == pytest.approx(sd.soft_dtw(X, Y, gamma, cost=cost), rel=1e-13)
    assert grad.shape == X.shape
    eps = 1e-6
    num = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += eps
        Xm[idx] -= eps
        num[idx] = (sd.soft_dtw(Xp, Y, gamma, cost=cost) - sd.soft_dtw(Xm, Y, gamma, cost=cost)) / (
            2 * eps
        )
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


def test_univariate_gradient_keeps_input_shape(rng):
    X, Y = rng.normal(size=7), rng.normal(size=5)
    _, grad = sd.soft_dtw_value_and_grad(X, Y, 1.0)
    assert grad.shape == (7,)


@pytest.mark.parametrize("gamma", [0.05, 1.0])
def test_gradient_wrt_cost_matrix_matches_finite_differences(gamma, rng):
    D = rng.uniform(0, 3, size=(5, 7))
    value, G = sd.soft_dtw_value_and_grad(D, gamma=gamma, cost="precomputed")
    assert G.shape == D.shape
    eps = 1e-6
    for i, j in np.ndindex(D.shape):
        Dp, Dm = D.copy(), D.copy()
        Dp[i, j] += eps
        Dm[i, j] -= eps
        num = (
            sd.soft_dtw(Dp, gamma=gamma, cost="precomputed")
            - sd.soft_dtw(Dm, gamma=gamma, cost="precomputed")
        ) / (2 * eps)
        assert G[i, j] == pytest.approx(num, rel=1e-5, abs=1e-7)


def test_expected_alignment_structure(rng):
    X, Y = rng.normal(size=30), rng.normal(size=45)
    _, E = sd.soft_dtw_alignment(X, Y, 0.7)
    assert E[0, 0] == pytest.approx(1.0) and E[-1, -1] == pytest.approx(1.0)
    assert (E >= 0).all() and (E <= 1 + 1e-12).all()
    # every path visits each row and each column at least once
    assert (E.sum(axis=1) >= 1 - 1e-12).all() and (E.sum(axis=0) >= 1 - 1e-12).all()


def test_tables_are_consistent(rng):
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(5, 2))
    t = sd.soft_dtw_tables(X, Y, 0.4)
    np.testing.assert_allclose(t.cost, cost_matrix(X, Y))
    np.testing.assert_allclose(t.weights.sum(-1), 1.0)
    # the Bellman update holds with the stored weights
    i, j = 4, 3
    prev = np.array([t.R[i - 1, j - 1], t.R[i - 1, j], t.R[i, j - 1]])
    assert t.R[i, j] == pytest.approx(t.cost[i - 1, j - 1] + sd.softmin(prev, 0.4), rel=1e-13)
    np.testing.assert_allclose(t.weights[i - 1, j - 1], sd.softmin_weights(prev, 0.4), rtol=1e-12)
    assert t.value == pytest.approx(t.R[-1, -1])


# ----------------------------------------------------------------------------- band


@pytest.mark.parametrize("n,m,radius", [(5, 5, 1), (5, 5, 0), (4, 6, 1), (6, 4, 1), (5, 6, 2.5)])
@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0])
def test_band_matches_enumeration_restricted_to_band(n, m, radius, gamma, rng):
    X, Y = rng.normal(size=(n, 2)), rng.normal(size=(m, 2))
    bf = sd.brute_force_soft_dtw(X, Y, gamma, band=radius)
    assert len(bf.matrices) < sd.delannoy(n - 1, m - 1)
    value, E = sd.soft_dtw_alignment(X, Y, gamma, band=radius)
    assert value == pytest.approx(bf.value, rel=1e-12)
    assert sd.soft_dtw(X, Y, gamma, band=radius) == pytest.approx(bf.value, rel=1e-12)
    assert sd.soft_dtw(Y, X, gamma, band=radius) == pytest.approx(bf.value, rel=1e-12)
    if gamma > 0:
        np.testing.assert_allclose(E, bf.E, atol=1e-12)
    mask = sd.band_mask(n, m, radius)
    assert (E[~mask] == 0.0).all()
    R = sd.accumulated_cost(X, Y, gamma, band=radius)
    assert np.isinf(R[1:, 1:][~mask]).all()
    assert not np.isnan(R).any()


def test_band_on_long_series_has_no_nan_and_zero_outside(rng):
    X, Y = rng.normal(size=200), rng.normal(size=130)
    value, E = sd.soft_dtw_alignment(X, Y, 0.01, band=5)
    assert np.isfinite(value)
    assert (E[~sd.band_mask(200, 130, 5)] == 0).all()
    assert sd.soft_dtw(X, Y, 0.01, band=5) == pytest.approx(value, rel=1e-12)
    assert value >= sd.soft_dtw(X, Y, 0.01) - 1e-9  # fewer paths, larger soft-min


def test_wide_band_is_no_band(rng):
    X, Y = rng.normal(size=9), rng.normal(size=14)
    assert sd.soft_dtw(X, Y, 0.3, band=100) == pytest.approx(sd.soft_dtw(X, Y, 0.3), rel=1e-14)


def test_band_that_admits_no_path_is_refused():
    with pytest.raises(ValueError, match=r"admits no alignment path.*at least"):
        sd.soft_dtw(np.zeros(10), np.zeros(25), 1.0, band=0)
    with pytest.raises(ValueError, match="admits no alignment path"):
        sd.soft_dtw_alignment(np.zeros(25), np.zeros(10), 1.0, band=0.2)


@pytest.mark.parametrize("n,m", [(10, 10), (3, 9), (10, 25), (25, 10), (7, 8), (1, 5)])
def test_minimal_radius_is_the_smallest_that_admits_a_path(n, m):
    r = minimal_radius(n, m)
    sd.soft_dtw(np.zeros(n), np.zeros(m), 1.0, band=r)  # admitted
    if r > 0:
        with pytest.raises(ValueError, match="admits no alignment path"):
            sd.soft_dtw(np.zeros(n), np.zeros(m), 1.0, band=r - 0.001)
    assert (r == 0) == (n == m or min(n, m) == 1)  # the diagonal alone is a path


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: sd.soft_dtw([1, np.nan, 2], [1, 2], 1.0), "X contains NaN at index"),
        (lambda: sd.soft_dtw([1, 2], [1, np.inf], 1.0), "Y contains an infinite value"),
        (lambda: sd.soft_dtw([], [1, 2], 1.0), "X is empty"),
        (lambda: sd.soft_dtw(np.zeros((3, 2)), np.zeros((3, 3))), "same dimension d"),
        (lambda: sd.soft_dtw([1, 2], [1, 2], -1.0), "gamma must be a finite number >= 0"),
        (lambda: sd.soft_dtw([1, 2], [1, 2], np.nan), "gamma must be a finite number"),
        (lambda: sd.soft_dtw([1, 2], [1, 2], "big"), "gamma must be a real number"),
        (lambda: sd.soft_dtw([1, 2], [1, 2], band=-2), "band must be None or a Sakoe-Chiba radius"),
        (lambda: sd.soft_dtw([1, 2], [1, 2], cost="cosine"), "cost must be one of"),
        (lambda: sd.soft_dtw(np.zeros((2, 2, 2)), [1, 2]), "must have shape"),
        (lambda: sd.soft_dtw(["a", "b"], [1, 2]), "could not be converted"),
        (lambda: sd.soft_dtw([1, 2]), "Y is missing"),
        (lambda: sd.soft_dtw(np.zeros(3), gamma=1.0, cost="precomputed"), "2-D cost matrix"),
        (lambda: sd.soft_dtw(np.zeros((2, 2)), np.zeros(2), cost="precomputed"), "leave Y=None"),
        (
            lambda: sd.soft_dtw_alignment(np.zeros(3000), np.zeros(3000), max_cells=10**6),
            r"9,000,000 cells, about 0\.4 GiB.*max_cells=1,000,000",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_value_only_path_has_no_cell_cap():
    # 15,000 x 15,000 = 225M cells, over the full-table cap (and ~10 GB as full tables);
    # the value path holds three anti-diagonals only
    X = np.sin(np.linspace(0, 20, 15000))
    with pytest.raises(ValueError, match="exceeds max_cells"):
        sd.soft_dtw_alignment(X, X[::-1], 1.0)
    assert np.isfinite(sd.soft_dtw(X, X[::-1], 1.0))


@pytest.mark.parametrize("gamma", [1e-8, 1e-3, 1.0, 1e4])
@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_no_nan_or_inf_over_the_supported_range(gamma, scale, rng):
    X, Y = scale * rng.uniform(-1, 1, size=(40, 2)), scale * rng.uniform(-1, 1, size=(33, 2))
    value, grad = sd.soft_dtw_value_and_grad(X, Y, gamma)
    _, E = sd.soft_dtw_alignment(X, Y, gamma)
    assert np.isfinite(value) and np.isfinite(grad).all() and np.isfinite(E).all()
    assert np.isfinite(sd.soft_dtw(X, Y, gamma))
    assert np.isfinite(sd.soft_dtw_divergence(X, Y, gamma))


# ----------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 25),
    m=st.integers(1, 25),
    d=st.integers(1, 3),
    log_gamma=st.floats(-3, 2),
    log_scale=st.floats(-3, 3),
    seed=st.integers(0, 2**31),
)
def test_soft_min_bounds_hold_for_any_shape(n, m, d, log_gamma, log_scale, seed):
    rng = np.random.default_rng(seed)
    gamma = 10.0**log_gamma
    X = 10.0**log_scale * rng.normal(size=(n, d))
    Y = 10.0**log_scale * rng.normal(size=(m, d))
    value = sd.soft_dtw(X, Y, gamma)
    dtw = sd.soft_dtw(X, Y, 0.0)
    # min^γ over P paths lies in [min - γ log P, min]
    log_paths = math.log(sd.delannoy(n - 1, m - 1))
    tol = 1e-9 * max(1.0, abs(dtw))
    assert dtw - gamma * log_paths - tol <= value <= dtw + tol
    v2, E = sd.soft_dtw_alignment(X, Y, gamma)
    assert v2 == pytest.approx(value, rel=1e-10, abs=1e-10)
    assert E.shape == (n, m) and np.isfinite(E).all()
    assert E[0, 0] == pytest.approx(1.0) and E[-1, -1] == pytest.approx(1.0)
