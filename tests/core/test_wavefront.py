"""The vectorised wavefront kernels against the plain row-major recursion and libm."""

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core._internal.dp import expected_alignment, forward_table, problem
from tests.core.fastmath_hooks import exp_array, log_array


def test_polynomial_exp_is_accurate_to_an_ulp_or_two():
    t = -np.concatenate([np.linspace(0, 2, 20001), np.geomspace(1e-300, 1, 2001),
                         np.linspace(2, 700, 20001)])
    got = exp_array(t, np.empty_like(t))
    np.testing.assert_allclose(got, np.exp(t), rtol=5e-16, atol=0)
    assert exp_array(np.array([0.0]), np.empty(1))[0] == 1.0
    assert exp_array(np.array([-np.inf]), np.empty(1))[0] < 1e-300  # clamped, finite


def test_polynomial_log_is_accurate_on_one_to_three():
    s = np.concatenate([np.linspace(1, 3, 40001), 1 + np.geomspace(1e-300, 1e-3, 200)])
    got = log_array(s, np.empty_like(s))
    np.testing.assert_allclose(got, np.log(s), rtol=1e-15, atol=3e-16)
    assert log_array(np.array([1.0]), np.empty(1))[0] == 0.0


CASES = [
    # n, m, d, gamma, band, cost
    (1, 1, 1, 1.0, None, "sqeuclidean"),
    (1, 9, 2, 0.5, None, "absolute"),
    (9, 1, 1, 0.5, None, "sqeuclidean"),
    (37, 52, 3, 0.05, None, "sqeuclidean"),
    (52, 37, 1, 2.0, 4, "absolute"),
    (64, 64, 2, 0.0, None, "sqeuclidean"),
    (64, 64, 1, 0.3, 0, "sqeuclidean"),
    (80, 31, 1, 1e-8, 7.5, "sqeuclidean"),
    (45, 45, 1, 1e3, None, "precomputed"),
]


@pytest.mark.parametrize("n,m,d,gamma,band,cost", CASES)
def test_wavefront_matches_row_major_reference(n, m, d, gamma, band, cost, rng):
    X = np.cumsum(rng.normal(size=(n, d)), axis=0)
    Y = np.cumsum(rng.normal(size=(m, d)), axis=0)
    if cost == "precomputed":
        X, Y = sd.cost_matrix(X, Y), None
    ref = problem(X, Y, gamma, cost, band, need_cost_matrix=True)
    value_ref, _, W = forward_table(ref)
    E_ref = expected_alignment(ref, W)

    value, E = sd.soft_dtw_alignment(X, Y, gamma, cost=cost, band=band)
    assert value == pytest.approx(value_ref, rel=1e-13, abs=1e-13)
    np.testing.assert_allclose(E, E_ref, rtol=1e-11, atol=1e-13)
    assert sd.soft_dtw(X, Y, gamma, cost=cost, band=band) == pytest.approx(value_ref, rel=1e-13)
    if cost != "precomputed":
        _, grad = sd.soft_dtw_value_and_grad(X, Y, gamma, cost=cost, band=band)
        expected = sd.cost_jacobian_product(X, Y, E_ref, cost=cost).reshape(grad.shape)
        np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-11)


def test_workspace_reuse_does_not_leak_between_calls(rng):
    big = rng.normal(size=(300, 2)), rng.normal(size=(280, 2))
    small = rng.normal(size=(7, 2)), rng.normal(size=(5, 2))
    first = sd.soft_dtw_alignment(*small, 0.1)
    sd.soft_dtw_alignment(*big, 0.1)
    second = sd.soft_dtw_alignment(*small, 0.1)
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_expected_alignment_has_no_subnormal_entries(rng):
    """E decays geometrically away from the likely paths; the kernels flush it to 0 before it
    turns subnormal (a ~100-cycle penalty per operation on x86). Weights below 1e-100 are
    flushed too, so entries move by at most n m 1e-100."""
    X = np.cumsum(rng.normal(size=(150, 1)), axis=0)
    Y = np.cumsum(rng.normal(size=(170, 1)), axis=0)
    for gamma in (1.0, 0.1, 0.01):
        _, E = sd.soft_dtw_alignment(X, Y, gamma)
        assert not ((E != 0) & (np.abs(E) < np.finfo(float).tiny)).any()
        assert (E == 0).any()  # the flush did happen on this input
        ref = problem(X, Y, gamma, "sqeuclidean", None, need_cost_matrix=True)
        _, _, W = forward_table(ref)
        np.testing.assert_allclose(E, expected_alignment(ref, W), rtol=1e-11,
                                   atol=E.size * 1e-100)
