"""explorer.logic.tune_gamma against the estimators and by-hand computations; the figures of
explorer.plots.tune_gamma carry the numbers they are given."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold, cross_val_predict

import softdtw_core as sd
from explorer.logic import tune_gamma
from explorer.plots import tune_gamma as plots
from explorer.web.sidebar import GAMMA_OPTIONS

from ..core.conftest import bumps_and_steps
from .conftest import decode


@pytest.fixture(scope="module")
def shapes():
    """6 bumps and 6 steps of length 24, labels 'bump' and 'step'."""
    return bumps_and_steps(np.random.default_rng(5), length=24, labels=("bump", "step"))


@pytest.fixture(scope="module")
def run(shapes):
    X, y = shapes
    td = tune_gamma.prepare(X, y, n_folds=3)
    calls = []
    result = tune_gamma.tune(td, [0.01, 0.3], seed=1, progress=lambda f, t: calls.append((f, t)))
    return td, result, calls


def test_accuracies_are_those_of_the_estimators_on_the_same_folds(shapes, run):
    X, y = shapes
    td, result, _ = run
    cv = StratifiedKFold(3, shuffle=True, random_state=1)
    for point in result.points:
        nc = sd.SoftDTWNearestCentroid(point.gamma, barycenter_params={
            "max_iter": tune_gamma.BARYCENTER_MAX_ITER, "objective": "softdtw"})
        pred = cross_val_predict(nc, X, y, cv=cv)
        assert point.centroid_predictions.tolist() == pred.tolist()
        assert point.centroid_accuracy == pytest.approx(np.mean(pred == y))
        nn = cross_val_predict(sd.SoftDTWKNeighborsClassifier(1, point.gamma), X, y, cv=cv)
        assert point.nn_predictions.tolist() == nn.tolist()
        assert point.nn_accuracy == pytest.approx(np.mean(nn == y))
        full = nc.fit(X, y)
        for k, label in enumerate(full.classes_):
            assert point.losses[k] == pytest.approx(sd.dtw_loss(full.centroids_[k], X[y == label]))
        np.testing.assert_allclose(point.centers, full.centroids_)


def test_path_entropy_grows_with_gamma_within_its_bounds(run):
    td, result, _ = run
    small, large = result.points
    log_paths = math.log(sd.delannoy(23, 23))
    assert 0 < small.entropy < large.entropy < log_paths


def test_progress_is_reported_between_points_and_the_run_says_it_is_complete(run):
    _, result, calls = run
    assert [round(f, 3) for f, _ in calls] == [0.0, 0.5, 1.0]
    assert calls[0][1] == "γ = 0.01 (1 of 2)" and result.complete
    assert result.message.startswith("All 2 values of γ done in")


def test_stop_request_budget_and_points_as_they_come(shapes):
    X, y = shapes
    td = tune_gamma.prepare(X, y, n_folds=2)
    seen = []
    stopped = tune_gamma.tune(td, [0.01, 0.1, 1.0], should_stop=lambda: len(seen) >= 1,
                          on_point=seen.append)
    assert len(stopped.points) == 1 and seen == stopped.points and not stopped.complete
    assert stopped.message == "Stopped by request after 1 of 3 values of γ."
    budget = tune_gamma.tune(td, [0.01, 0.1, 1.0], budget_seconds=0.0)
    assert len(budget.points) == 1 and not budget.complete
    assert budget.message.startswith("Time budget of 0 s spent after 1 of 3 values of γ")


def test_without_labels_kmeans_inertia_and_a_hand_computed_silhouette(shapes):
    X, _ = shapes
    td = tune_gamma.prepare(X, None, n_folds=3)
    point = tune_gamma.tune(td, [0.1], k=2, seed=0).points[0]
    model = sd.SoftDTWKMeans(2, 0.1, assignment="softdtw", random_state=0, max_iter=10,
                             barycenter_max_iter=10).fit(X)
    assert point.kmeans_inertia == pytest.approx(model.dtw_inertia_)
    assert point.cluster_labels.tolist() == model.labels_.tolist()
    D = np.array([[max(sd.soft_dtw_divergence(a, b, 0.1), 0.0) if i != j else 0.0
                   for j, b in enumerate(X)] for i, a in enumerate(X)])
    lab = point.cluster_labels
    s = []
    for i in range(len(X)):
        own = lab == lab[i]
        a = D[i, own & (np.arange(len(X)) != i)].mean() if own.sum() > 1 else 0.0
        b = min(D[i, lab == c].mean() for c in set(lab.tolist()) - {lab[i]})
        s.append(0.0 if own.sum() == 1 else (b - a) / max(a, b))
    assert point.silhouette == pytest.approx(np.mean(s), abs=1e-9)


@pytest.mark.parametrize("labels, match", [
    (np.array([1.0, np.nan] * 6), "2 series have no label|6 series have no label"),
    (np.array(["a", ""] * 6), "have no label"),
    (np.array(["a"] * 12), "same label"),
    (np.array(["a"] * 11 + ["b"]), "'b' has a single series"),
])
def test_labels_that_forbid_cross_validation_are_refused(shapes, labels, match):
    with pytest.raises(ValueError, match=match):
        tune_gamma.prepare(shapes[0], labels, n_folds=3)


def test_folds_are_lowered_to_the_smallest_class_and_caps_apply():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 20))
    td = tune_gamma.prepare(X, ["a"] * 7 + ["b"] * 3, n_folds=5)
    assert td.n_folds == 3 and "class 'b' has only 3 series: 3 folds are used" in td.notes[0]
    with pytest.raises(ValueError, match="folds must be between 2"):
        tune_gamma.prepare(X, None, n_folds=1)
    big = tune_gamma.prepare(rng.standard_normal((130, 200)), None, max_series=120, max_length=150)
    assert len(big.series) == 120 and {len(s) for s in big.series} == {150}
    assert len(big.notes) == 2
    with pytest.raises(ValueError, match="at least two series"):
        tune_gamma.prepare(X[:1], None)


def test_parse_grid():
    assert tune_gamma.parse_grid(" 1, 0.1;0.01  0.1 ") == [0.01, 0.1, 1.0]
    for text, match in [("", "empty"), ("0.1, x", "'x' in the γ grid is not a number"),
                        ("-1", "negative"), ("0", "logarithmic"), ("inf", "not a finite"),
                        (", ".join(str(k + 1) for k in range(tune_gamma.MAX_GRID + 1)),
                         "at most 12")]:
        with pytest.raises(ValueError, match=match):
            tune_gamma.parse_grid(text)


def test_choose_breaks_ties_towards_the_reference(run):
    _, result, _ = run
    a, b = result.points
    pts = [tune_gamma.GammaPoint(g, 0.0, a.centers, 0.0, centroid_accuracy=acc, nn_accuracy=1 - acc)
           for g, acc in [(0.01, 0.9), (0.1, 0.95), (1.0, 0.95), (10.0, 0.5)]]
    assert tune_gamma.choose(pts, reference=0.8) == (
        2, "γ = 1 has the highest cross-validated nearest centroid accuracy (0.95); 2 values "
           "tie, the one closest to the suggested γ is kept.")
    assert tune_gamma.choose(pts)[0] == 1
    assert tune_gamma.choose(pts, criterion="1-NN")[0] == 3
    cls, M = tune_gamma.confusion(a, run[0].labels)
    assert cls.tolist() == ["bump", "step"] and M.sum() == 12
    assert np.trace(M) == round(a.centroid_accuracy * 12)


@pytest.mark.parametrize("gamma, option, snapped", [
    (0.2817, "0.3", True), (0.1, "0.1", False), (1e-5, "0.001", True), (5000.0, "100", True),
])
def test_nearest_option_on_a_log_scale(gamma, option, snapped):
    assert tune_gamma.nearest_option(gamma, GAMMA_OPTIONS) == (option, snapped)


def test_figures_carry_the_curves_and_the_choice(run):
    td, result, _ = run
    table = tune_gamma.curves_table(result, td.classes)
    assert list(table)[:4] == ["gamma", "nearest centroid accuracy (CV)", "1-NN accuracy (CV)",
                               "barycenter DTW loss, class bump"]
    fig = plots.curves_figure(table, supervised=True, chosen=0.3, suggested=0.05,
                              explanation="why").to_plotly_json()
    by_name = {}
    for t in fig["data"]:
        by_name.setdefault(t["name"], []).append(t)
    np.testing.assert_allclose(decode(by_name["1-NN accuracy (CV)"][0]["y"]),
                               table["1-NN accuracy (CV)"], rtol=1e-6)
    chosen = by_name["chosen γ = 0.3"]
    assert len(chosen) == 3 and all(list(decode(t["x"])) == [0.3, 0.3] for t in chosen)
    assert len(by_name["suggested γ = 0.05"]) == 3
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["title"]["text"] == "why"
    bary = plots.barycenters_figure([0.01, 0.3], [p.centers for p in result.points],
                                    ["bump", "step"]).to_plotly_json()
    assert len(bary["data"]) == 4
    np.testing.assert_allclose(decode(bary["data"][3]["y"]), result.points[1].centers[1],
                               rtol=1e-6)
    conf = plots.confusion_figure(["a<b>", "c"], [[3, 1], [0, 4]], title="t").to_plotly_json()
    assert conf["data"][0]["x"] == ("a&lt;b&gt;", "c") or list(conf["data"][0]["x"]) == [
        "a&lt;b&gt;", "c"]
    np.testing.assert_allclose(decode(conf["data"][0]["z"]), [[3, 1], [0, 4]])


def _roughness(c) -> float:
    """Σ (second difference)² of a series: ~0 for a smooth curve, large for a zigzag."""
    return float(np.sum(np.diff(np.asarray(c, dtype=np.float64).ravel(), 2) ** 2))


def test_class_barycenters_are_as_smooth_as_those_of_the_barycenters_page():
    """GunPoint at γ = 0.65: the divergence's minimiser zigzags (its self-term rewards
    roughness); Tune γ's class barycenters minimise raw dtw_γ like the Barycenters page."""
    from explorer.data import load_dataset
    from explorer.logic import barycenters

    d = load_dataset("GunPoint", "train")
    X, y = [np.asarray(s, dtype=np.float64) for s in d.series], np.asarray(d.labels)
    point = tune_gamma.tune(tune_gamma.prepare(X, y, n_folds=2), [0.65]).points[0]
    for k, c in enumerate(np.unique(y)):
        members = [X[i] for i in np.flatnonzero(y == c)]
        page = barycenters.barycenter_comparison(members, 1.0).methods["softdtw"].barycenter
        divergence = sd.softdtw_barycenter(members, 0.65, objective="divergence",
                                           max_iter=tune_gamma.BARYCENTER_MAX_ITER).solution
        assert _roughness(point.centers[k]) < 3 * _roughness(page) + 0.05
        assert _roughness(divergence) > 100 * _roughness(point.centers[k])  # the old zigzag
