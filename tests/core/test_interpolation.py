import numpy as np
import pytest

import softdtw_core as sd


def _pair():
    t = np.linspace(0, 1, 40)
    Y1 = np.exp(-((t - 0.3) ** 2) / 0.005)
    Y2 = np.exp(-((t - 0.7) ** 2) / 0.005)
    return Y1, Y2


@pytest.mark.parametrize("gamma", [1.0, 0.1])
def test_endpoints_reproduce_the_inputs_with_the_divergence(gamma):
    Y1, Y2 = _pair()
    r1 = sd.interpolate(Y1, Y2, 1.0, gamma, objective="divergence")
    r0 = sd.interpolate(Y1, Y2, 0.0, gamma, objective="divergence")
    np.testing.assert_allclose(r1.solution, Y1, atol=1e-10)
    np.testing.assert_allclose(r0.solution, Y2, atol=1e-10)
    assert r1.objective == pytest.approx(0.0, abs=1e-10)


def test_endpoints_with_different_lengths_keep_each_length():
    Y1 = np.sin(np.linspace(0, 3, 30))
    Y2 = np.cos(np.linspace(0, 3, 45))
    assert sd.interpolate(Y1, Y2, 1.0, 0.5, objective="divergence").solution.shape == (30,)
    r0 = sd.interpolate(Y1, Y2, 0.0, 0.5, objective="divergence")
    np.testing.assert_allclose(r0.solution, Y2, atol=1e-10)
    assert sd.interpolate(Y1, Y2, 0.5, 0.5, max_iter=5).solution.shape == (38,)


def test_raw_soft_dtw_endpoint_is_close_at_small_gamma():
    Y1, Y2 = _pair()
    r = sd.interpolate(Y1, Y2, 1.0, 0.001)
    assert np.abs(r.solution - Y1).max() < 0.05


def test_midpoint_improves_on_the_euclidean_interpolation():
    Y1, Y2 = _pair()
    eu = sd.euclidean_interpolation(Y1, Y2, 0.5)
    np.testing.assert_allclose(eu, 0.5 * (Y1 + Y2))
    r = sd.interpolate(Y1, Y2, 0.5, 0.1)
    start = r.history[0]
    np.testing.assert_allclose(start.solution, eu)  # initialised at the convex combination
    assert r.objective < start.objective
    expected = 0.5 * sd.soft_dtw(r.solution, Y1, 0.1) + 0.5 * sd.soft_dtw(r.solution, Y2, 0.1)
    assert r.objective == pytest.approx(expected, rel=1e-9)
    # in hard DTW too, the soft-DTW interpolant sits closer to both inputs than the Euclidean one
    def dtw_sum(z):
        return sd.dtw_path(z, Y1)[0] + sd.dtw_path(z, Y2)[0]

    assert dtw_sum(r.solution) < dtw_sum(eu)


def test_interpolation_path_order_warm_start_and_callback():
    Y1, Y2 = _pair()
    lams = [1.0, 0.0, 0.5, 0.25]
    path = sd.interpolation_path(Y1, Y2, lams, 0.1, objective="divergence")
    assert [p.lam for p in path] == lams
    np.testing.assert_allclose(path[0].solution, Y1, atol=1e-6)
    np.testing.assert_allclose(path[1].solution, Y2, atol=1e-10)
    cold = sd.interpolation_path(Y1, Y2, lams, 0.1, objective="divergence", warm_start=False)
    assert all(p.objective <= c.objective + 0.05 * abs(c.objective) + 1e-6
               for p, c in zip(path, cold))
    seen = []
    part = sd.interpolation_path(
        Y1, Y2, [0.0, 0.5, 1.0], 0.1, max_iter=3, callback=lambda i, r: seen.append(i) or True
    )
    assert seen == [0] and len(part) == 1


def test_multivariate_interpolation(rng):
    Y1 = rng.standard_normal((12, 2))
    Y2 = rng.standard_normal((12, 2))
    r = sd.interpolate(Y1, Y2, 0.3, 1.0, max_iter=10)
    assert r.solution.shape == (12, 2)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: sd.interpolate(np.zeros(3), np.zeros(3), 1.5), r"\[0, 1\]"),
        (lambda: sd.interpolate(np.zeros(3), np.zeros(3), -0.1), r"\[0, 1\]"),
        (lambda: sd.interpolate(np.zeros(3), np.zeros(3), np.nan), r"\[0, 1\]"),
        (lambda: sd.interpolate(np.zeros((3, 2)), np.zeros(3), 0.5), "dimension d"),
        (lambda: sd.interpolate(np.array([0, np.nan]), np.zeros(3), 0.5), "NaN"),
        (lambda: sd.interpolate(np.zeros(3), np.zeros(3), 0.5, gamma=-1), "gamma"),
        (lambda: sd.interpolate(np.zeros(0), np.zeros(3), 0.5), "empty"),
        (lambda: sd.interpolation_path(np.zeros(3), np.zeros(3), []), "non-empty"),
        (lambda: sd.interpolation_path(np.zeros(3), np.zeros(3), [0.2, 2.0]), r"lams\[1\]"),
        (lambda: sd.euclidean_interpolation(np.zeros(3), np.zeros(3), 0.5, length=0), "length"),
    ],
)
def test_bad_input_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
