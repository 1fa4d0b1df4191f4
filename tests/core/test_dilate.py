"""DILATE and the TDI: Ω, the value against enumeration, the gradient against finite
differences, the TDI against the DTW path."""

import numpy as np
import pytest

import softdtw_core as sd

from .conftest import fd_grad


def test_omega_is_the_papers_for_equal_lengths_and_relative_time_otherwise():
    n = 7
    i, j = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
    np.testing.assert_allclose(sd.temporal_distortion_matrix(n), (i - j) ** 2 / n**2,
                               atol=1e-15)
    O = sd.temporal_distortion_matrix(4, 10)
    np.testing.assert_allclose(sd.temporal_distortion_matrix(10, 4), O.T)
    np.testing.assert_allclose(O[::-1, ::-1], O)  # reversing both series in time
    # relative time: steps 2 of 4 and 5 of 10 sit at 3/8 and 9/20 of the way
    assert O[1, 4] == pytest.approx((3 / 8 - 9 / 20) ** 2)


@pytest.mark.parametrize("gamma", [0.01, 0.5])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_dilate_value_against_every_path(alpha, gamma, rng):
    x, y = rng.normal(size=5), rng.normal(size=4)
    bf = sd.brute_force_soft_dtw(x, y, gamma)
    E = np.einsum("k,kij->ij", bf.probabilities, bf.matrices)
    omega = sd.temporal_distortion_matrix(5, 4)
    expected = alpha * bf.value + (1 - alpha) * float(np.sum(E * omega))
    assert sd.dilate_loss(x, y, alpha, gamma) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize(
    ("cost", "band", "shape"),
    [("sqeuclidean", None, ()), ("sqeuclidean", 2.0, (2,)), ("absolute", None, ())],
)
@pytest.mark.parametrize("gamma", [0.05, 1.0])
def test_dilate_gradient_matches_finite_differences(cost, band, shape, gamma, rng):
    x, y = rng.normal(size=(9, *shape)), rng.normal(size=(7, *shape))
    value, grad = sd.dilate_value_and_grad(x, y, 0.4, gamma, cost=cost, band=band)
    assert value == pytest.approx(sd.dilate_loss(x, y, 0.4, gamma, cost=cost, band=band),
                                  rel=1e-13)
    num = fd_grad(lambda z: sd.dilate_loss(z, y, 0.4, gamma, cost=cost, band=band), x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-8)


def test_dilate_gradient_wrt_a_precomputed_cost(rng):
    D = rng.uniform(0, 2, size=(5, 6))
    _, G = sd.dilate_value_and_grad(D, None, 0.5, 0.2, cost="precomputed")
    num = fd_grad(lambda Z: sd.dilate_loss(Z, None, 0.5, 0.2, cost="precomputed"), D)
    np.testing.assert_allclose(G, num, rtol=1e-6, atol=1e-9)


def test_tdi_is_the_timing_of_the_dtw_path(rng):
    x, y = rng.normal(size=12), rng.normal(size=12)
    _, path = sd.dtw_path(x, y)
    expected = sum((i - j) ** 2 for i, j in path) / 12**2  # the DILATE paper's formula
    assert sd.temporal_distortion_index(x, y) == pytest.approx(expected, rel=1e-14)
    assert sd.temporal_distortion_index(x, x) == 0.0
    assert sd.dilate_loss(x, y, alpha=0.0, gamma=0.0) == pytest.approx(expected, rel=1e-14)
    # a later copy is penalised more, the further it is shifted
    bump = np.exp(-0.5 * (np.arange(30.0) - 10) ** 2 / 4)
    tdis = [sd.temporal_distortion_index(np.roll(bump, s), bump) for s in (0, 2, 5)]
    assert tdis[0] == 0.0 < tdis[1] < tdis[2]


def test_bad_inputs_are_refused_with_a_message():
    x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    with pytest.raises(ValueError, match=r"alpha .* must be in \[0, 1\]; got 1.5"):
        sd.dilate_loss(x, y, alpha=1.5)
    with pytest.raises(ValueError, match=r"dilate_value_and_grad needs gamma > 0"):
        sd.dilate_value_and_grad(x, y, 0.5, gamma=0.0)
    with pytest.raises(ValueError, match=r"n must be an integer >= 1"):
        sd.temporal_distortion_matrix(0)
