"""The soft-DTW classifiers against independent computations: brute-force DTW, the pairwise
two-series functions, enumeration of every alignment; scikit-learn model selection; bad input."""

import math

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import softdtw_core as sd

from .conftest import bumps_and_steps, naive_dtw


@pytest.fixture(scope="module")
def shapes():
    """6 bumps and 6 steps of length 30, labels 'bump' and 'step'."""
    return bumps_and_steps(np.random.default_rng(13), length=30, labels=("bump", "step"))


def _dtw(x, y):
    x, y = np.asarray(x, float).reshape(len(x), -1), np.asarray(y, float).reshape(len(y), -1)
    return naive_dtw(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))[-1, -1]


def test_nearest_centroid_fits_one_barycenter_per_class_and_predicts_the_nearest(shapes):
    X, y = shapes
    model = sd.SoftDTWNearestCentroid(0.1, barycenter_params={"max_iter": 20}).fit(X, y)
    assert model.classes_.tolist() == ["bump", "step"] and model.centroids_.shape == (2, 30)
    for k, label in enumerate(model.classes_):
        ref = sd.softdtw_barycenter(X[y == label], 0.1, objective="divergence", max_iter=20,
                                    tol=1e-6, length=30)
        np.testing.assert_allclose(model.centroids_[k], ref.solution, atol=1e-10)
        assert model.barycenter_results_[k].n_iter == ref.n_iter
    Xt = X[::2] + 0.1
    L = np.array([[sd.soft_dtw_divergence(x, c, 0.1) for c in model.centroids_] for x in Xt])
    np.testing.assert_allclose(model.transform(Xt), L, atol=1e-9)
    assert model.predict(Xt).tolist() == model.classes_[L.argmin(axis=1)].tolist()
    assert model.score(X, y) == 1.0
    # raw soft-DTW: the barycenters minimise dtw_γ and the comparisons use it
    raw = sd.SoftDTWNearestCentroid(0.1, metric="softdtw",
                                    barycenter_params={"max_iter": 5}).fit(X, y)
    L_raw = np.array([[sd.soft_dtw(x, c, 0.1) for c in raw.centroids_] for x in Xt])
    np.testing.assert_allclose(raw.transform(Xt), L_raw, atol=1e-9)


def test_probabilities_share_the_gibbs_weight_of_all_alignments():
    # raw soft-DTW at T = γ: p(k | x) = Σ_A exp(-<A, Δ(x, c_k)>/γ) / Σ_l Σ_A exp(-<A, Δ(x, c_l)>/γ)
    X = np.array([[0.0, 1.0, 2.0, 1.0], [0.2, 1.1, 2.0, 0.9], [2.0, 0.0, 0.5, 2.0],
                  [2.1, 0.1, 0.4, 1.9]])
    gamma = 0.7
    model = sd.SoftDTWNearestCentroid(gamma, metric="softdtw",
                                      barycenter_params={"max_iter": 5}).fit(X, [0, 0, 1, 1])
    x = np.array([1.0, 0.0, 2.0])
    mass = []
    for c in model.centroids_:
        D = (x[:, None] - c[None, :]) ** 2
        costs = [float((A * D).sum()) for A in sd.alignment_matrices(len(x), len(c))]
        mass.append(sum(math.exp(-v / gamma) for v in costs))
    np.testing.assert_allclose(model.predict_proba([x])[0], np.array(mass) / sum(mass),
                               rtol=1e-9)
    # a temperature changes the probabilities, not the prediction
    hot = clone(model).set_params(temperature=50.0).fit(X, [0, 0, 1, 1])
    L = hot.transform([x])[0]
    np.testing.assert_allclose(hot.predict_proba([x])[0],
                               np.exp(-L / 50) / np.exp(-L / 50).sum(), rtol=1e-12)
    assert hot.predict([x]) == model.predict([x])
    # γ = 0: one-hot on the nearest centroid
    hard = sd.SoftDTWNearestCentroid(0.0).fit(X, [0, 0, 1, 1])
    assert hard.predict_proba(X).tolist() == [[1.0, 0.0]] * 2 + [[0.0, 1.0]] * 2


def test_one_nn_at_gamma_zero_is_brute_force_dtw(shapes):
    X, y = shapes
    train, test = list(range(0, 12, 2)), list(range(1, 12, 2))
    model = sd.SoftDTWKNeighborsClassifier(1, 0.0).fit(X[train], y[train])
    expected = [y[train][np.argmin([_dtw(X[i], X[j]) for j in train])] for i in test]
    assert model.predict(X[test]).tolist() == expected
    # the raw metric at γ = 0 is the same DTW
    raw = sd.SoftDTWKNeighborsClassifier(1, 0.0, metric="softdtw").fit(X[train], y[train])
    assert raw.predict(X[test]).tolist() == expected


def test_k_neighbours_vote_uniformly_or_by_inverse_divergence():
    X = [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [3.0, 3.0], [2.0, 3.0, 3.0], [0.1, 0.9]]
    y = np.array([0, 0, 1, 1, 1])
    x = [[0.0, 1.0]]
    L = np.array([sd.soft_dtw_divergence(x[0], s, 0.5) for s in X])
    nearest = np.argsort(L, kind="stable")[:3]
    uniform = sd.SoftDTWKNeighborsClassifier(3, 0.5).fit(X, y)
    expected = np.bincount(y[nearest], minlength=2) / 3
    np.testing.assert_allclose(uniform.predict_proba(x)[0], expected)
    weighted = sd.SoftDTWKNeighborsClassifier(3, 0.5, weights="distance").fit(X, y)
    w = np.bincount(y[nearest], weights=1 / L[nearest], minlength=2)
    np.testing.assert_allclose(weighted.predict_proba(x)[0], w / w.sum(), rtol=1e-9)
    assert weighted.predict(x)[0] == np.argmax(w)
    # a training series met exactly takes every vote
    assert weighted.predict_proba([X[2]]).tolist() == [[0.0, 1.0]]


def test_what_check_classifiers_train_asks_besides_the_length_check(shapes):
    X, y = shapes
    for model in (sd.SoftDTWNearestCentroid(0.1, barycenter_params={"max_iter": 10}),
                  sd.SoftDTWKNeighborsClassifier(3, 0.1)):
        with pytest.raises(ValueError, match="12 series but y has 11 labels"):
            clone(model).fit(X, y[:-1])
        fitted = clone(model).fit(X.tolist(), y.tolist())  # lists work too
        pred = fitted.predict(X)
        assert pred.shape == (12,) and np.mean(pred == y) > 0.83
        P = fitted.predict_proba(X)
        assert P.shape == (12, 2)
        np.testing.assert_allclose(P.sum(axis=1), 1.0)
        assert fitted.classes_[P.argmax(axis=1)].tolist() == pred.tolist()


def test_model_selection_and_pipelines(shapes):
    X, y = shapes
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = sd.gamma_grid(X, num=3)
    search = GridSearchCV(sd.SoftDTWKNeighborsClassifier(1), {"gamma": grid}, cv=cv).fit(X, y)
    assert search.best_params_["gamma"] in grid and search.best_score_ >= 0.9
    ragged = [s[: 26 + k % 5] for k, s in enumerate(X)]
    scores = cross_val_score(sd.SoftDTWNearestCentroid(0.1, barycenter_params={"max_iter": 10}),
                             ragged, y, cv=cv)
    assert scores.shape == (3,) and scores.mean() >= 0.9
    znorm = FunctionTransformer(lambda S: [(s - s.mean()) / s.std() for s in S])
    pipe = make_pipeline(znorm, sd.SoftDTWKNeighborsClassifier(1, 0.1)).fit(ragged, y)
    assert pipe.score(ragged, y) == 1.0
    # distances to the class centroids as features of another classifier
    pipe = make_pipeline(sd.SoftDTWNearestCentroid(0.1, barycenter_params={"max_iter": 10}),
                         LogisticRegression()).fit(X, y)
    assert pipe.score(X, y) == 1.0 and pipe[0].transform(X).shape == (12, 2)


def test_multivariate_series_and_string_or_integer_labels(rng):
    X = rng.standard_normal((8, 15, 2))
    X[4:] += 2.0
    y = [3, 3, 3, 3, 7, 7, 7, 7]
    model = sd.SoftDTWNearestCentroid(0.1, barycenter_params={"max_iter": 5}).fit(X, y)
    assert model.centroids_.shape == (2, 15, 2) and model.predict(X).tolist() == y
    with pytest.raises(ValueError, match="d=1 channels but the model was fitted on d=2"):
        model.predict(X[:, :, 0])
    knn = sd.SoftDTWKNeighborsClassifier(1, 0.1).fit(list(X), y)
    assert knn.predict(X).tolist() == y


@pytest.mark.parametrize("make, y, match", [
    (lambda: sd.SoftDTWNearestCentroid(), ["a"] * 6, "only one class"),
    (lambda: sd.SoftDTWKNeighborsClassifier(), [1.0, np.nan, 1.0, 2.0, 2.0, 2.0],
     r"y contains NaN.*index 1"),
    (lambda: sd.SoftDTWNearestCentroid(), ["a", None, "a", "b", "b", "b"], "index 1"),
    (lambda: sd.SoftDTWKNeighborsClassifier(), None, "requires y"),
    (lambda: sd.SoftDTWNearestCentroid(), [0.5, 1.5, 2.5, 0.1, 0.2, 0.3], "continuous"),
    (lambda: sd.SoftDTWNearestCentroid(gamma=-1), [0, 0, 0, 1, 1, 1], "gamma"),
    (lambda: sd.SoftDTWNearestCentroid(metric="dtw"), [0, 0, 0, 1, 1, 1], "metric"),
    (lambda: sd.SoftDTWNearestCentroid(barycenter_params={"weights": 1}), [0, 0, 0, 1, 1, 1],
     r"barycenter_params has options .*\['weights'\]"),
    (lambda: sd.SoftDTWNearestCentroid(barycenter_params=3), [0, 0, 0, 1, 1, 1],
     "barycenter_params must be a dict"),
    (lambda: sd.SoftDTWNearestCentroid(temperature=0), [0, 0, 0, 1, 1, 1], "temperature"),
    (lambda: sd.SoftDTWKNeighborsClassifier(7), [0, 0, 0, 1, 1, 1], "n_neighbors=7"),
    (lambda: sd.SoftDTWKNeighborsClassifier(weights="distance", metric="softdtw"),
     [0, 0, 0, 1, 1, 1], "needs metric='divergence'"),
    (lambda: sd.SoftDTWKNeighborsClassifier(weights="closest"), [0, 0, 0, 1, 1, 1], "weights"),
    (lambda: sd.SoftDTWKNeighborsClassifier(band=-1), [0, 0, 0, 1, 1, 1], "band"),
], ids=["one-class", "nan-label", "none-label", "no-y", "continuous", "gamma", "metric",
        "barycenter-option", "barycenter-type", "temperature", "too-many-neighbours",
        "distance-weights-raw", "weights", "band"])
def test_bad_input_is_refused_by_fit_with_a_message(rng, make, y, match):
    X = rng.standard_normal((6, 10))
    with pytest.raises(ValueError, match=match):
        make().fit(X, y)
