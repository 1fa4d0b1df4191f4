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


def _rel_max(a, b):
    """max |a - b| over the largest |b|: the error norm of the float32 targets."""
    return np.abs(np.asarray(a, np.float64) - b).max() / np.abs(b).max()


def _rel_l2(a, b):
    return np.linalg.norm(np.asarray(a, np.float64) - b) / np.linalg.norm(b)


def _rounded(X, Y):
    """float32 inputs and the float64 reference inputs (the same numbers): the errors below
    are the kernels' own, not the rounding of the data to float32."""
    X32 = X.astype(np.float32)
    Y32 = None if Y is None else Y.astype(np.float32)
    return X32, Y32, X32.astype(np.float64), None if Y32 is None else Y32.astype(np.float64)


@pytest.mark.parametrize("gamma", [10.0, 1.0, 0.1])
@pytest.mark.parametrize("n, m, d, band", [(64, 64, 1, None), (200, 150, 3, None),
                                           (257, 300, 2, 40), (600, 600, 1, None),
                                           (1024, 1024, 1, None)])
def test_float32_within_1e_5_of_float64_on_z_normalised_walks(n, m, d, band, gamma, rng):
    """Value, gradient and E within 1e-5 (relative; max norm over the largest entry, and L2)
    of float64 on the same data, banded and unequal lengths included (issue 24's target;
    γ = 0.01 is looser: see the next test)."""
    X32, Y32, X, Y = _rounded(*_walks(rng, n, m, d))
    v64, grad64 = sd.soft_dtw_value_and_grad(X, Y, gamma, band=band)
    assert sd.soft_dtw(X32, Y32, gamma, band=band) == pytest.approx(v64, rel=1e-5)
    value, grad = sd.soft_dtw_value_and_grad(X32, Y32, gamma, band=band)
    assert value == pytest.approx(v64, rel=1e-5)
    assert _rel_max(grad, grad64) <= 1e-5 and _rel_l2(grad, grad64) <= 1e-5
    value_e, E = sd.soft_dtw_alignment(X32, Y32, gamma, band=band)
    _, E64 = sd.soft_dtw_alignment(X, Y, gamma, band=band)
    assert value_e == pytest.approx(v64, rel=1e-5)
    assert _rel_max(E, E64) <= 1e-5 and _rel_l2(E, E64) <= 1e-5


@pytest.mark.parametrize("n, m, d, band", [(200, 150, 3, None), (600, 600, 1, None),
                                           (1024, 1024, 1, None)])
def test_float32_at_gamma_0_01(n, m, d, band, rng):
    """At γ = 0.01 the soft-min weights exp(-(r - r')/γ) see R's float32 rounding (ulp of R
    relative to its diagonal's minimum, up to ~1e-5 on the likely paths) times 100: the
    value and gradient stay within 1e-5, E within 1e-4 (max norm) and 2e-5 (L2)."""
    X32, Y32, X, Y = _rounded(*_walks(rng, n, m, d))
    v64, grad64 = sd.soft_dtw_value_and_grad(X, Y, 0.01, band=band)
    value, grad = sd.soft_dtw_value_and_grad(X32, Y32, 0.01, band=band)
    assert value == pytest.approx(v64, rel=1e-5)
    assert _rel_max(grad, grad64) <= 1e-5 and _rel_l2(grad, grad64) <= 1e-5
    _, E = sd.soft_dtw_alignment(X32, Y32, 0.01, band=band)
    _, E64 = sd.soft_dtw_alignment(X, Y, 0.01, band=band)
    assert _rel_max(E, E64) <= 1e-4 and _rel_l2(E, E64) <= 2e-5


def test_float32_keeps_its_accuracy_where_r_is_large(rng):
    """R far from 0 (here ~ -1.5e4 at γ = 10, ~ 2e4 with an offset between the series): in
    float32 its ulp would be ~1e-3, i.e. 1e-4 of γ in every soft-min weight; the kernels
    keep R relative to each diagonal's minimum (a float64 offset per diagonal), so the
    stored numbers stay small."""
    X, Y = _walks(rng, 1024, 1024, 1)
    for A, B, gamma in ((X, Y, 10.0), (X + 4.0, Y, 0.1)):
        X32, Y32, X64, Y64 = _rounded(A, B)
        v64, grad64 = sd.soft_dtw_value_and_grad(X64, Y64, gamma)
        assert abs(v64) > 1e4
        value, grad = sd.soft_dtw_value_and_grad(X32, Y32, gamma)
        assert value == pytest.approx(v64, rel=1e-6)
        assert _rel_max(grad, grad64) <= 1e-5


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute", "precomputed"])
def test_float32_through_the_checkpointed_and_block_passes(cost, rng):
    """The checkpointed pass and block-averaged E run float32 problems in float32 too: the
    same results as float32 full storage (the checkpoints keep the relative frame)."""
    X, Y = _walks(rng, 70, 55, 2)
    if cost == "precomputed":
        X, Y = ((X[:, None] - Y[None]) ** 2).sum(-1), None
    X32, Y32, _, _ = _rounded(X, Y)
    value, grad = sd.soft_dtw_value_and_grad(X32, Y32, 0.1, cost=cost, memory="checkpoint")
    value_f, grad_f = sd.soft_dtw_value_and_grad(X32, Y32, 0.1, cost=cost, memory="full")
    assert isinstance(value, np.float32) and grad.dtype == np.float32
    assert value == value_f
    np.testing.assert_allclose(grad, grad_f, rtol=1e-6, atol=1e-7)
    value_e, E = sd.soft_dtw_alignment(X32, Y32, 0.1, cost=cost, memory="checkpoint")
    _, E_f = sd.soft_dtw_alignment(X32, Y32, 0.1, cost=cost, memory="full")
    assert isinstance(value_e, np.float32) and E.dtype == np.float32
    np.testing.assert_array_equal(E, E_f)
    _, blocks = sd.soft_dtw_alignment(X32, Y32, 0.1, cost=cost, block_size=(8, 5))
    assert blocks.dtype == np.float32 and blocks.shape == (9, 11)
    E64 = E_f.astype(np.float64)
    means = np.add.reduceat(np.add.reduceat(E64, np.arange(0, 70, 8), 0),
                            np.arange(0, 55, 5), 1) / np.outer(
        np.minimum(8, 70 - np.arange(0, 70, 8)), np.minimum(5, 55 - np.arange(0, 55, 5)))
    np.testing.assert_allclose(blocks, means, rtol=1e-6, atol=1e-7)


def test_float32_value_lanes_share_one_frame_and_agree_with_single_problems(rng):
    """Interleaved float32 problems (B lanes) share one relative frame per diagonal (the
    minimum over all lanes): each lane's value still matches its own single-problem value
    and float64's."""
    from softdtw_core._internal import wavefront as wf
    n, m, B = 90, 70, 3
    pairs = [_walks(rng, n, m, 1) for _ in range(B)]
    pairs[1] = (pairs[1][0] + 3.0, pairs[1][1])  # lanes far apart in R
    P = np.concatenate([x for x, _ in pairs]).astype(np.float32)
    Q = np.concatenate([y for _, y in pairs]).astype(np.float32)
    lanes = np.arange(B)
    Xt = wf.interleave(P, lanes * n, n, False, np.empty((1, n * B), np.float32))
    Yrt = wf.interleave(Q, lanes * m, m, True, np.empty((1, m * B), np.float32))
    lo, hi = np.zeros(n, np.int64), np.full(n, m - 1, np.int64)
    out = wf.value_lanes(Xt, Yrt, wf.NO_ARRAY, 0, n, m, np.float32(0.1), lo, hi, B,
                         np.empty(B))
    for b in range(B):
        x, y = P[b * n:(b + 1) * n], Q[b * m:(b + 1) * m]
        v64 = sd.soft_dtw(x.astype(np.float64), y.astype(np.float64), 0.1)
        assert out[b] == pytest.approx(sd.soft_dtw(x, y, 0.1), rel=1e-5)
        assert out[b] == pytest.approx(v64, rel=1e-5)
