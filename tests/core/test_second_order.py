"""Hessian-vector products and the derivative of E, against finite differences and against
the covariance of the Gibbs law over every enumerated path."""

import numpy as np
import pytest

import softdtw_core as sd

CASES = [  # (cost, band, shape of a time step: () = univariate without a d axis)
    ("sqeuclidean", None, ()),
    ("sqeuclidean", None, (2,)),
    ("sqeuclidean", 2.0, ()),
    ("absolute", None, (2,)),
    ("absolute", 2.0, ()),
]


def _central(f, X, V, eps):
    return (f(X + eps * V) - f(X - eps * V)) / (2 * eps)


def _assert_close(got, expected, rel=1e-6, floor=1e-9):
    """Every entry within ``rel`` of the largest entry, plus the rounding floor of a central
    difference with step 1e-6 on quantities of order 1 (~1e-16 / 1e-6)."""
    scale = np.abs(expected).max()
    assert scale > 1e-5  # a direction that moves something
    error = np.abs(got - expected).max()
    assert error <= rel * scale + floor, (error, scale)


@pytest.mark.parametrize("gamma", [0.05, 1.0])
@pytest.mark.parametrize(("cost", "band", "step"), CASES)
def test_hvp_is_the_derivative_of_the_gradient(cost, band, step, gamma, rng):
    X, Y = rng.normal(size=(7, *step)), rng.normal(size=(9, *step))
    V = rng.normal(size=X.shape)
    hv = sd.soft_dtw_hvp(X, Y, V, gamma, cost=cost, band=band)
    assert hv.shape == X.shape
    fd = _central(lambda Z: sd.soft_dtw_value_and_grad(Z, Y, gamma, cost=cost, band=band)[1],
                  X, V, 1e-6)
    _assert_close(hv, fd)


@pytest.mark.parametrize("gamma", [0.05, 1.0])
@pytest.mark.parametrize(("cost", "band", "step"), CASES)
def test_jvp_is_the_derivative_of_e(cost, band, step, gamma, rng):
    X, Y = rng.normal(size=(6, *step)), rng.normal(size=(8, *step))
    V = rng.normal(size=X.shape)
    Edot = sd.expected_alignment_jvp(X, Y, V, gamma, cost=cost, band=band)
    fd = _central(lambda Z: sd.soft_dtw_alignment(Z, Y, gamma, cost=cost, band=band)[1],
                  X, V, 1e-6)
    _assert_close(Edot, fd)
    if band is not None:
        assert np.all(Edot[~sd.band_mask(6, 8, band)] == 0.0)


@pytest.mark.parametrize("gamma", [0.1, 1.0, 10.0])
def test_jvp_is_minus_the_path_covariance_over_gamma(gamma, rng):
    """∇²_Δ dtw_γ = -Cov(A)/γ under the Gibbs law, by enumerating all Delannoy(4, 5) paths."""
    D, Z = rng.uniform(0, 2, size=(5, 6)), rng.normal(size=(5, 6))
    bf = sd.brute_force_soft_dtw(D, gamma=gamma, cost="precomputed")
    A, p = bf.matrices, bf.probabilities
    scores = np.einsum("kij,ij->k", A, Z)  # <A, Z> for every path
    E = np.einsum("k,kij->ij", p, A)
    expected = -(np.einsum("k,k,kij->ij", p, scores, A) - E * (p @ scores)) / gamma
    Edot = sd.expected_alignment_jvp(D, None, Z, gamma, cost="precomputed")
    np.testing.assert_allclose(Edot, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(sd.soft_dtw_hvp(D, None, Z, gamma, cost="precomputed"), Edot)


def test_hvp_is_symmetric_and_exact_for_one_point_each(rng):
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(6, 3))
    U, V = rng.normal(size=X.shape), rng.normal(size=X.shape)
    hu, hv = sd.soft_dtw_hvp(X, Y, U, 0.3), sd.soft_dtw_hvp(X, Y, V, 0.3)
    assert np.sum(V * hu) == pytest.approx(np.sum(U * hv), rel=1e-10)
    # one point against one: dtw_γ = ||x - y||², Hessian 2 I whatever γ
    np.testing.assert_allclose(sd.soft_dtw_hvp(X[:1], Y[:1], V[:1], 5.0), 2 * V[:1])


def test_bad_inputs_are_refused_with_a_message():
    x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    with pytest.raises(ValueError, match=r"soft_dtw_hvp needs gamma > 0; got gamma=0"):
        sd.soft_dtw_hvp(x, y, [1.0, 0.0, 0.0], gamma=0)
    with pytest.raises(ValueError, match=r"expected_alignment_jvp needs gamma > 0"):
        sd.expected_alignment_jvp(x, y, [1.0, 0.0, 0.0], gamma=0.0)
    with pytest.raises(ValueError, match=r"V .* must have X's shape \(3,\); got \(2,\)"):
        sd.soft_dtw_hvp(x, y, [1.0, 0.0], gamma=1.0)
    with pytest.raises(ValueError, match="V contains NaN"):
        sd.soft_dtw_hvp(x, y, [1.0, np.nan, 0.0], gamma=1.0)
