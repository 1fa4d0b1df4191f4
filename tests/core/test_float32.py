"""float32 in, float32 out: the wavefront kernels specialised to float32 (opt-in by dtype),
their dtypes, and their accuracy against the float64 kernels on z-normalised data."""

import numpy as np
import pytest

import softdtw_core as sd
from tests.core.fastmath_hooks import exp_array, log_array


def _z(a):
    return (a - a.mean(0)) / a.std(0)


def _walks(rng, n, m, d):
    walk = np.cumsum(rng.standard_normal((n + m, d)), 0)
    return _z(walk[:n]), _z(walk[n:])


def test_float32_exp_and_log_are_within_an_ulp_or_two_of_libm():
    t = np.linspace(-87.0, 0.0, 100_001).astype(np.float32)
    e = exp_array(t, np.empty_like(t))
    assert e.dtype == np.float32
    ref = np.exp(t.astype(np.float64))
    assert np.max(np.abs(e - ref) / ref) < 2 * np.finfo(np.float32).eps
    assert exp_array(np.array([-np.inf, -1e4], np.float32), np.empty(2, np.float32)).max() < 1e-37
    s = np.linspace(1.0, 3.0, 100_001).astype(np.float32)
    lg = log_array(s, np.empty_like(s))
    assert lg.dtype == np.float32
    assert np.max(np.abs(lg - np.log(s.astype(np.float64)))) < 2 * np.finfo(np.float32).eps


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute", "precomputed"])
def test_float32_in_float32_out_and_float64_stays_the_default(cost, rng):
    X, Y = _walks(rng, 40, 33, 2)
    if cost == "precomputed":
        X, Y = ((X[:, None] - Y[None]) ** 2).sum(-1), None
    X32 = X.astype(np.float32)
    Y32 = None if Y is None else Y.astype(np.float32)
    v = sd.soft_dtw(X32, Y32, 0.1, cost=cost)
    value, grad = sd.soft_dtw_value_and_grad(X32, Y32, 0.1, cost=cost)
    value_e, E = sd.soft_dtw_alignment(X32, Y32, 0.1, cost=cost)
    assert isinstance(v, np.float32) and isinstance(value, np.float32)
    assert isinstance(value_e, np.float32)
    assert grad.dtype == np.float32 and grad.shape == X.shape
    assert E.dtype == np.float32 and E.shape == (40, 33)
    # lists, float64 and mixed inputs run in float64 as before
    assert isinstance(sd.soft_dtw(X.tolist(), None if Y is None else Y.tolist(), 0.1,
                                  cost=cost), float)
    if Y is not None:
        _, g = sd.soft_dtw_value_and_grad(X32, Y, 0.1, cost=cost)
        assert g.dtype == np.float64


@pytest.mark.parametrize("gamma", [1.0, 0.1, 0.01])
@pytest.mark.parametrize("n, m, d, band", [(64, 64, 1, None), (200, 150, 3, None),
                                           (257, 300, 2, 40), (600, 600, 1, None)])
def test_float32_against_float64_on_z_normalised_walks(n, m, d, band, gamma, rng):
    """The value is within 1e-5 (relative) of float64. E and the gradient inherit R's float32
    rounding divided by γ (E's weights are exp(-(r - r')/γ)): they are only checked to the
    looser bounds documented in softdtw_core._internal.dp.gibbs."""
    X, Y = _walks(rng, n, m, d)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    v64 = sd.soft_dtw(X, Y, gamma, band=band)
    assert sd.soft_dtw(X32, Y32, gamma, band=band) == pytest.approx(v64, rel=1e-5)
    value, grad = sd.soft_dtw_value_and_grad(X32, Y32, gamma, band=band)
    _, grad64 = sd.soft_dtw_value_and_grad(X, Y, gamma, band=band)
    assert value == pytest.approx(v64, rel=1e-5)
    assert np.linalg.norm(grad - grad64) <= 2e-3 * np.linalg.norm(grad64)
    _, E = sd.soft_dtw_alignment(X32, Y32, gamma, band=band)
    _, E64 = sd.soft_dtw_alignment(X, Y, gamma, band=band)
    assert np.abs(E - E64).max() <= 2e-2
    assert np.abs(E.sum() - E64.sum()) <= 1e-3 * E64.sum()


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute", "precomputed"])
def test_float32_through_the_checkpointed_and_block_passes(cost, rng):
    """The checkpointed pass and block-averaged E run float32 problems in float64 and give
    float32 back: the results are float64's on the same (float32-rounded) data, cast."""
    X, Y = _walks(rng, 70, 55, 2)
    if cost == "precomputed":
        X, Y = ((X[:, None] - Y[None]) ** 2).sum(-1), None
    X32 = X.astype(np.float32)
    Y32 = None if Y is None else Y.astype(np.float32)
    X64 = X32.astype(np.float64)
    Y64 = None if Y32 is None else Y32.astype(np.float64)
    value, grad = sd.soft_dtw_value_and_grad(X32, Y32, 0.1, cost=cost, memory="checkpoint")
    value64, grad64 = sd.soft_dtw_value_and_grad(X64, Y64, 0.1, cost=cost, memory="full")
    assert isinstance(value, np.float32) and grad.dtype == np.float32
    assert value == pytest.approx(value64, rel=1e-6)
    np.testing.assert_allclose(grad, grad64, rtol=1e-6, atol=1e-7)
    value_e, E = sd.soft_dtw_alignment(X32, Y32, 0.1, cost=cost, memory="checkpoint")
    _, E64 = sd.soft_dtw_alignment(X64, Y64, 0.1, cost=cost, memory="full")
    assert isinstance(value_e, np.float32) and E.dtype == np.float32
    np.testing.assert_allclose(E, E64, rtol=1e-6, atol=1e-7)
    _, blocks = sd.soft_dtw_alignment(X32, Y32, 0.1, cost=cost, block_size=(8, 5))
    assert blocks.dtype == np.float32 and blocks.shape == (9, 11)
    means = np.add.reduceat(np.add.reduceat(E64, np.arange(0, 70, 8), 0),
                            np.arange(0, 55, 5), 1) / np.outer(
        np.minimum(8, 70 - np.arange(0, 70, 8)), np.minimum(5, 55 - np.arange(0, 55, 5)))
    np.testing.assert_allclose(blocks, means, rtol=1e-6, atol=1e-7)
