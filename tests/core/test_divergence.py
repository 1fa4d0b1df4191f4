"""Divergence, sharp soft-DTW and entropy against enumeration and finite differences."""

import math

import numpy as np
import pytest

import softdtw_core as sd

from .conftest import fd_grad


@pytest.mark.parametrize("gamma", [0.01, 0.3, 3.0, 100.0])
def test_divergence_is_nonnegative_and_zero_on_the_diagonal(gamma, rng):
    X, Y = rng.normal(size=(12, 2)), rng.normal(size=(9, 2))
    assert sd.soft_dtw(X, X, gamma) <= 0  # the question the divergence answers
    if gamma >= 0.3:
        assert sd.soft_dtw(X, X, gamma) < 0
    assert sd.soft_dtw_divergence(X, Y, gamma) > 0
    assert sd.soft_dtw_divergence(X, X, gamma) == pytest.approx(0.0, abs=1e-10)
    assert sd.soft_dtw_divergence(X, Y, gamma) == pytest.approx(
        sd.soft_dtw_divergence(Y, X, gamma), rel=1e-12
    )
    expected = sd.soft_dtw(X, Y, gamma) - 0.5 * (
        sd.soft_dtw(X, X, gamma) + sd.soft_dtw(Y, Y, gamma)
    )
    assert sd.soft_dtw_divergence(X, Y, gamma) == pytest.approx(expected, rel=1e-12)


def test_divergence_at_gamma_zero_is_dtw(rng):
    X, Y = rng.normal(size=10), rng.normal(size=14)
    assert sd.soft_dtw_divergence(X, Y, 0.0) == pytest.approx(sd.dtw_path(X, Y)[0], rel=1e-13)


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
@pytest.mark.parametrize("gamma", [0.1, 2.0])
@pytest.mark.parametrize("shape", [(2,), ()])  # multivariate, and univariate without a d axis
def test_divergence_gradient_matches_finite_differences(cost, gamma, shape, rng):
    X, Y = rng.normal(size=(7, *shape)), rng.normal(size=(5, *shape))
    value, grad = sd.soft_dtw_divergence_value_and_grad(X, Y, gamma, cost=cost)
    assert value == pytest.approx(sd.soft_dtw_divergence(X, Y, gamma, cost=cost), rel=1e-12)
    num = fd_grad(lambda Z: sd.soft_dtw_divergence(Z, Y, gamma, cost=cost), X)
    assert grad.shape == X.shape
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("gamma", [0.01, 0.5, 5.0])
def test_sharp_and_entropy_match_enumeration(gamma, rng):
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(4, 2))
    bf = sd.brute_force_soft_dtw(X, Y, gamma)
    sharp = float(bf.probabilities @ bf.path_costs)
    assert sd.sharp_soft_dtw(X, Y, gamma) == pytest.approx(sharp, rel=1e-11)
    p = bf.probabilities[bf.probabilities > 0]
    entropy = float(-(p * np.log(p)).sum())
    assert sd.path_entropy(X, Y, gamma) == pytest.approx(entropy, rel=1e-7, abs=1e-9)
    assert 0 <= sd.path_entropy(X, Y, gamma) <= math.log(sd.delannoy(4, 3)) + 1e-12
    assert sd.sharp_soft_dtw(X, Y, gamma) >= sd.soft_dtw(X, Y, 0.0) - 1e-12


def test_entropy_limits(rng):
    X, Y = rng.normal(size=6), rng.normal(size=6)
    assert sd.path_entropy(X, Y, 0.0) == 0.0
    assert sd.path_entropy(X, Y, 1e-6) < 1e-3
    # γ -> ∞: the Gibbs law becomes uniform over the Delannoy(5, 5) paths
    assert sd.path_entropy(X, Y, 1e7) == pytest.approx(math.log(sd.delannoy(5, 5)), rel=1e-5)
    assert sd.sharp_soft_dtw(X, Y, 0.0) == pytest.approx(sd.dtw_path(X, Y)[0], rel=1e-13)


@pytest.mark.parametrize("gamma", [0.05, 1.0, 10.0])
def test_sharp_gradient_wrt_cost_matches_finite_differences(gamma, rng):
    D = rng.uniform(0, 2, size=(5, 6))
    value, G = sd.sharp_soft_dtw_value_and_grad(D, gamma=gamma, cost="precomputed")
    num = fd_grad(lambda Z: sd.sharp_soft_dtw(Z, gamma=gamma, cost="precomputed"), D)
    np.testing.assert_allclose(G, num, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("gamma", [0.1, 1.0])
def test_sharp_gradient_wrt_x_matches_finite_differences(gamma, rng):
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(7, 2))
    value, grad = sd.sharp_soft_dtw_value_and_grad(X, Y, gamma)
    num = fd_grad(lambda Z: sd.sharp_soft_dtw(Z, Y, gamma), X)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


def test_sharp_gradient_with_band_matches_finite_differences(rng):
    X, Y = rng.normal(size=(8, 1)), rng.normal(size=(10, 1))
    _, grad = sd.sharp_soft_dtw_value_and_grad(X, Y, 0.5, band=2)
    num = fd_grad(lambda Z: sd.sharp_soft_dtw(Z, Y, 0.5, band=2), X)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


def test_precomputed_cost_is_refused_for_the_divergence():
    with pytest.raises(ValueError, match="needs the series themselves"):
        sd.soft_dtw_divergence(np.zeros((3, 3)), None, cost="precomputed")
