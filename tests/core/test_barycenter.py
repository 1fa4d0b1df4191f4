import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core._internal.barycenter_solver import Objective
from softdtw_core._internal.collection import LocalCollection

from .conftest import fd_grad


def _manual_objective(Z, series, lam, gamma, objective, band=None):
    total = 0.0
    for w, Y in zip(lam, series):
        if objective == "softdtw":
            v = sd.soft_dtw(Z, Y, gamma, band=band)
        else:
            v = sd.soft_dtw_divergence(Z, Y, gamma, band=band)
        total += w / len(Y) * v
    return total


@pytest.mark.parametrize("objective", ["softdtw", "divergence"])
@pytest.mark.parametrize("band", [None, 3.0])
def test_objective_value_and_gradient_match_definition_and_finite_differences(
    rng, objective, band
):
    series = [rng.standard_normal((m, 2)) for m in (7, 9, 8)]
    lam = np.array([0.2, 0.5, 0.3])
    coef = lam / np.array([7, 9, 8])
    obj = Objective(LocalCollection(series), coef, 0.5, objective, band)
    Z = rng.standard_normal((8, 2))
    value, G = obj.value_and_grad(Z)
    expected = _manual_objective(Z, series, lam, 0.5, objective, band)
    assert value == pytest.approx(expected, rel=1e-10)
    assert obj.value(Z) == pytest.approx(value, rel=1e-10)
    fd = fd_grad(lambda z: obj.value_and_grad(z)[0], Z)
    np.testing.assert_allclose(G, fd, rtol=1e-5, atol=1e-7)


def test_mm_step_never_increases_the_soft_dtw_objective(rng):
    series = [np.cumsum(rng.standard_normal(m)) for m in (20, 25, 30, 22)]
    coef = np.full(4, 0.25) / np.array([20, 25, 30, 22])
    obj = Objective(LocalCollection([s[:, None] for s in series]), coef, 0.3, "softdtw", None)
    Z = rng.standard_normal((24, 1))
    f, rs, ey = obj.mm_stats(Z)
    assert f == pytest.approx(obj.value(Z), rel=1e-10)
    for _ in range(5):
        Z = ey / rs[:, None]
        f_new, rs, ey = obj.mm_stats(Z)
        assert f_new <= f + 1e-12 * abs(f)
        f = f_new


def test_barycenter_of_identical_series_is_that_series_with_the_divergence(rng):
    y = np.sin(np.linspace(0, 5, 30))
    X = np.stack([y] * 4)
    # the series is a stationary point: started there (the Euclidean mean), it stays exactly
    r = sd.softdtw_barycenter(X, 1.0, objective="divergence", init="euclidean")
    assert r.solution.shape == (30,)
    np.testing.assert_allclose(r.solution, y, atol=1e-12)
    assert r.objective == pytest.approx(0.0, abs=1e-12)
    # from a random start it comes back to the series (to within the small displacement
    # allowed by the divergence, which is not exactly minimised at y: it dips ~1e-8 below 0)
    r = sd.softdtw_barycenter(X, 1.0, objective="divergence", init="random", random_state=1)
    np.testing.assert_allclose(r.solution, y, atol=0.05)
    assert abs(r.objective) < 1e-6
    # the raw soft-DTW barycenter of identical series is *not* the series (it is smoother)
    raw = sd.softdtw_barycenter(X, 1.0, init="euclidean")
    assert np.abs(raw.solution - y).max() > 0.05


def test_soft_dtw_barycenter_decreases_objective_and_records_history(rng):
    X = np.cumsum(rng.standard_normal((6, 40)), axis=1)
    steps = []
    r = sd.softdtw_barycenter(X, 0.1, callback=steps.append)
    assert r.history[0].phase == "init" and r.history[0].iteration == 0
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert len(steps) == len(r.history) == r.n_iter + 1
    objs = [s.objective for s in r.history]
    assert objs[-1] < objs[0]
    assert all(b <= a + 1e-9 * abs(a) for a, b in zip(objs, objs[1:]))  # MM + L-BFGS descend
    lam = np.full(6, 1 / 6)
    assert r.objective == pytest.approx(
        _manual_objective(r.solution[:, None], list(X[:, :, None]), lam, 0.1, "softdtw"),
        rel=1e-9,
    )
    assert r.converged
    # the optimum is stationary: the gradient is small compared with the initial one
    obj = Objective(LocalCollection(list(X[:, :, None])), lam / 40, 0.1, "softdtw", None)
    g0 = obj.value_and_grad(r.history[0].solution[:, None])[1]
    g1 = obj.value_and_grad(r.solution[:, None])[1]
    assert np.abs(g1).max() < 1e-3 * np.abs(g0).max()


def test_callback_returning_true_stops(rng):
    X = np.cumsum(rng.standard_normal((5, 30)), axis=1)
    r = sd.softdtw_barycenter(X, 0.1, callback=lambda step: step.iteration >= 2)
    assert r.n_iter == 2 and not r.converged and "callback" in r.message


def test_ragged_multivariate_input_keeps_lengths_and_uses_median_length(rng):
    series = [rng.standard_normal((m, 3)) for m in (10, 14, 31)]
    r = sd.softdtw_barycenter(series, 1.0, max_iter=20)
    assert r.solution.shape == (14, 3)
    r = sd.softdtw_barycenter(series, 1.0, length=8, max_iter=5)
    assert r.solution.shape == (8, 3)
    assert sd.euclidean_barycenter(series).shape == (14, 3)


def test_initialisations(rng):
    X = rng.standard_normal((5, 12))
    r0 = sd.softdtw_barycenter(X, 1.0, init="euclidean", max_iter=0)
    np.testing.assert_allclose(r0.solution, X.mean(0))
    med = sd.softdtw_barycenter(X, 1.0, init="medoid", objective="divergence", max_iter=0)
    D = sd.soft_dtw_cdist(X, gamma=1.0, divergence=True)
    np.testing.assert_allclose(med.solution, X[np.argmin(D.sum(1))])
    a = sd.softdtw_barycenter(X, 1.0, init="random", random_state=3, max_iter=0).solution
    b = sd.softdtw_barycenter(X, 1.0, init="random", random_state=3, max_iter=0).solution
    c = sd.softdtw_barycenter(X, 1.0, init="random", random_state=4, max_iter=0).solution
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    given = rng.standard_normal(9)
    r = sd.softdtw_barycenter(X, 1.0, init=given, max_iter=0)
    np.testing.assert_array_equal(r.solution, given)
    # weights move the Euclidean init towards the heavier series
    w = np.array([10.0, 1, 1, 1, 1])
    np.testing.assert_allclose(sd.euclidean_barycenter(X, weights=w), w @ X / w.sum())


def test_weights_pull_the_barycenter():
    a = np.zeros(10)
    b = np.ones(10)
    # squared cost: the weighted mean 0.25 is the minimiser along the diagonal alignment
    r = sd.softdtw_barycenter([a, b], 1e-4, weights=[3.0, 1.0])
    np.testing.assert_allclose(r.solution, 0.25, atol=1e-6)
    r = sd.dba_barycenter([a, b], weights=[3.0, 1.0], init=np.full(10, 0.5))
    np.testing.assert_allclose(r.solution, 0.25, atol=1e-12)


def test_dba_hand_checked_case():
    # Z0 = (0, 1, 3); Y1 = Z0 aligns diagonally; Y2 = (0, 3, 3) aligns z0,z1 -> y0 and
    # z2 -> y1, y2 (cost 1, the unique optimum). One DBA step: (0, (1+0)/2, (3+3+3)/3).
    Y1 = np.array([0.0, 1.0, 3.0])
    Y2 = np.array([0.0, 3.0, 3.0])
    r = sd.dba_barycenter([Y1, Y2], init=Y1.copy(), max_iter=1)
    np.testing.assert_allclose(r.solution, [0.0, 0.5, 3.0])
    assert r.history[0].objective == pytest.approx(0.5 * (0 / 3 + 1 / 3))
    assert r.objective == pytest.approx(sd.dtw_loss(r.solution, [Y1, Y2]))
    assert r.objective < r.history[0].objective


def test_dba_is_monotone_and_matches_dtw_loss(rng):
    X = [np.cumsum(rng.standard_normal(m)) for m in (30, 35, 28, 40)]
    r = sd.dba_barycenter(X, init="random", random_state=0, max_iter=50)
    objs = [s.objective for s in r.history]
    assert all(b <= a + 1e-12 for a, b in zip(objs, objs[1:]))
    assert r.objective == pytest.approx(sd.dtw_loss(r.solution, X), rel=1e-12)


def test_soft_dtw_barycenter_at_small_gamma_competes_with_dba(rng):
    X = np.cumsum(rng.standard_normal((8, 50)), axis=1)
    init = sd.euclidean_barycenter(X)
    soft = sd.softdtw_barycenter(X, 0.01, init=init)
    dba = sd.dba_barycenter(X, init=init)
    sub = sd.subgradient_barycenter(X, init=init, max_iter=50)
    base = sd.dtw_loss(init, X)
    for r in (soft, dba, sub):
        assert sd.dtw_loss(r.solution, X) < base
    assert sub.objective == pytest.approx(sd.dtw_loss(sub.solution, X), rel=1e-12)


def test_dtw_loss_definition(rng):
    X = [rng.standard_normal(m) for m in (5, 8)]
    Z = rng.standard_normal(6)
    w = np.array([2.0, 1.0])
    expected = sum(wj / len(y) * sd.dtw_path(Z, y)[0] for wj, y in zip(w, X))
    assert sd.dtw_loss(Z, X, weights=w) == pytest.approx(expected)


def test_resample():
    y = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(sd.resample(y, 5)[:, 0], [0, 0.5, 1, 1.5, 2])
    assert sd.resample(y, 3).shape == (3, 1)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: sd.softdtw_barycenter([]), "empty"),
        (lambda: sd.softdtw_barycenter(np.zeros(5)), "list of series"),
        (lambda: sd.softdtw_barycenter([np.array([1.0, np.nan])]), "NaN"),
        (lambda: sd.softdtw_barycenter([np.zeros((3, 2)), np.zeros((3, 1))]), "dimension d"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, weights=[1.0]), "one entry per"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, weights=[1.0, 0.0]), "> 0"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, weights=[1.0, -2.0]), "> 0"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, weights=[1, np.nan]), "NaN"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, gamma=-1.0), "gamma"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, objective="l2"), "objective"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, init="mean"), "init"),
        (lambda: sd.softdtw_barycenter([np.zeros((3, 2))] * 2, init=np.zeros(3)), "d=2"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, length=0), "length"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, max_iter=-1), "max_iter"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, tol=-1), "tol"),
        (lambda: sd.softdtw_barycenter([np.zeros(3)] * 2, callback=3), "callback"),
        (lambda: sd.dba_barycenter([]), "empty"),
        (lambda: sd.subgradient_barycenter([np.zeros(3)] * 2, step_size=0), "step_size"),
        (lambda: sd.dtw_loss(np.zeros((3, 2)), [np.zeros(3)]), "d="),
        (lambda: sd.euclidean_barycenter([np.zeros(3)] * 2, weights=[1, 2, 3]), "one entry"),
    ],
)
def test_bad_input_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
