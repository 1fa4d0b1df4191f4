"""The estimators as scikit-learn sees them: its own estimator checks, clone, model
selection and pipelines, and the scores."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import check_estimator

import softdtw_core as sd

from .conftest import bumps_and_steps

# scikit-learn's checks that do not apply to time-series estimators, and why. The test below
# requires each of them to fail (so that this list cannot go stale) and every other check
# to pass.
_N_FEATURES = (
    "n_features_in_ is not defined: a time step is not a feature (the DTW models take "
    "series of any length, and (N, length, d) arrays have no feature axis)"
)
_NOT_APPLICABLE = {
    "check_n_features_in": _N_FEATURES,
    "check_n_features_in_after_fitting": _N_FEATURES,
    "check_dtype_object": (
        "a value that is not a number raises ValueError, the package's one error type for "
        "bad input (with the argument named), not the TypeError this check expects"
    ),
    "check_estimators_empty_data_messages": (
        "series without time steps are refused with the package's own message "
        "('X[0] is empty: a series needs at least one time step'), not scikit-learn's "
        "'0 feature(s)' wording"
    ),
}
_ANY_LENGTH = {
    "check_transformer_general": (
        "transforming series of another length than the training series is valid for a "
        "DTW model (the check expects an error)"
    ),
}
_ANY_LENGTH_CLASSIFIER = {
    "check_classifiers_train": (
        "predicting series of another length than the training series is valid for a DTW "
        "model (the check expects an error); the rest of that check (fit on lists, classes_, "
        "predict_proba agreeing with predict, rows summing to one) is asserted in "
        "test_classification.py"
    ),
}
# scikit-learn skips this one itself unless SCIPY_ARRAY_API=1; it does not apply either: the
# estimators run NumPy arrays through Numba kernels (no array API support is claimed).
_SKIPPED_BY_SCIKIT_LEARN = {"check_array_api_input"}
ESTIMATORS = [
    (sd.SoftDTWKMeans(3, gamma=0.1, max_iter=5, barycenter_max_iter=5),
     _NOT_APPLICABLE | _ANY_LENGTH),
    (sd.DBAKMeans(3, max_iter=5, barycenter_max_iter=5), _NOT_APPLICABLE | _ANY_LENGTH),
    (sd.EuclideanKMeans(3), _NOT_APPLICABLE),
    (sd.MLPPredictor((10,), max_iter=50), _NOT_APPLICABLE),
    (sd.SoftDTWNearestCentroid(0.1, barycenter_params={"max_iter": 5}),
     _NOT_APPLICABLE | _ANY_LENGTH | _ANY_LENGTH_CLASSIFIER),
    (sd.SoftDTWKNeighborsClassifier(1, 0.1), _NOT_APPLICABLE | _ANY_LENGTH_CLASSIFIER),
]


@pytest.mark.parametrize(
    "estimator, not_applicable", ESTIMATORS, ids=[type(e).__name__ for e, _ in ESTIMATORS]
)
@pytest.mark.filterwarnings("ignore")
def test_scikit_learn_estimator_checks(estimator, not_applicable):
    results = check_estimator(
        estimator, on_fail=None, expected_failed_checks=not_applicable
    )
    by_status = {}
    for r in results:
        by_status.setdefault(r["status"], set()).add(r["check_name"])
    failed = {r["check_name"]: f"{type(r['exception']).__name__}: {r['exception']}"
              for r in results if r["status"] == "failed"}
    assert not failed, failed
    assert by_status.get("xfail", set()) == set(not_applicable)  # each one really fails
    assert by_status.get("skipped", set()) == _SKIPPED_BY_SCIKIT_LEARN
    assert len(by_status["passed"]) >= 40


def test_params_clone_and_not_fitted_error(rng):
    model = sd.SoftDTWKMeans(2, 0.3, band=4, barycenter_max_iter=3)
    params = model.get_params()
    assert params["gamma"] == 0.3 and params["band"] == 4 and params["n_clusters"] == 2
    copy = clone(model)
    assert copy is not model and copy.get_params() == params
    assert model.set_params(gamma=0.5) is model and model.gamma == 0.5
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict(np.zeros((2, 5)))
    with pytest.raises(NotFittedError):
        sd.MLPPredictor().predict(np.zeros((2, 5)))
    # bad parameters are reported by fit, not by the constructor or set_params
    bad = sd.SoftDTWKMeans(2, gamma=-1.0)
    with pytest.raises(ValueError, match="gamma"):
        bad.fit(bumps_and_steps(rng)[0])
    fitted = sd.EuclideanKMeans(2, random_state=0).fit(bumps_and_steps(rng)[0])
    assert not hasattr(clone(fitted), "cluster_centers_")


def test_kmeans_score_is_minus_its_own_inertia_and_dtw_score_is_gamma_free(rng):
    X, _ = bumps_and_steps(rng)
    model = sd.SoftDTWKMeans(2, 0.1, random_state=0).fit(X)
    D = sd.soft_dtw_cdist(X, model.cluster_centers_, 0.1)
    assert model.score(X) == pytest.approx(-D.min(axis=1).sum(), rel=1e-12)
    assert model.score(X) == pytest.approx(-model.inertia_, rel=1e-12)  # labels are argmins
    assert sd.dtw_inertia_score(model, X) == pytest.approx(
        -sd.dtw_inertia(X, model.cluster_centers_), rel=1e-12)
    assert sd.dtw_inertia_score(model, X) == pytest.approx(-model.dtw_inertia_, rel=1e-12)
    # raw soft-DTW scores of two γ are on different scales: the γ = 10 one is far higher
    # although its centres fit no better under DTW
    smooth = sd.SoftDTWKMeans(2, 10.0, random_state=0).fit(X)
    assert smooth.score(X) > model.score(X) + 100
    assert sd.dtw_inertia_score(smooth, X) < sd.dtw_inertia_score(model, X)


def test_grid_search_over_gamma_and_pipeline(rng):
    X, y = bumps_and_steps(rng)
    folds = KFold(2, shuffle=True, random_state=0)  # both shapes in each fold
    search = GridSearchCV(sd.SoftDTWKMeans(2, random_state=0, max_iter=10),
                          {"gamma": [0.1, 10.0]}, scoring=sd.dtw_inertia_score, cv=folds)
    search.fit(X)
    assert search.best_params_ == {"gamma": 0.1}
    assert search.best_estimator_.cluster_centers_.shape == (2, 40)
    # the default scorer is the model's own score: it favours the large γ (see above)
    default = GridSearchCV(sd.SoftDTWKMeans(2, random_state=0, max_iter=10),
                           {"gamma": [0.1, 10.0]}, cv=folds).fit(X)
    assert default.best_params_ == {"gamma": 10.0}
    # distances to the centres as features of a classifier
    pipe = make_pipeline(sd.SoftDTWKMeans(2, 0.1, random_state=0), LogisticRegression())
    pipe.fit(X, y)
    assert pipe.predict(X).shape == y.shape
    assert pipe.score(X, y) == 1.0
    assert pipe[0].transform(X).shape == (len(X), 2)


def test_estimators_keep_accepting_ragged_and_multivariate_series(rng):
    ragged = [np.sin(np.linspace(0, 6, m) + s) for m, s in
              [(30, 0), (34, 0.1), (28, 0.2), (40, 3), (36, 3.1), (31, 3.2)]]
    model = clone(sd.SoftDTWKMeans(2, 0.1, random_state=0)).fit(ragged)
    assert model.transform(ragged[:2]).shape == (2, 2)
    assert model.score(ragged) == pytest.approx(-model.transform(ragged).min(1).sum())
    X3 = rng.standard_normal((6, 12, 2))
    X3[3:] += 3
    dba = clone(sd.DBAKMeans(2, random_state=0)).fit(X3)
    assert dba.cluster_centers_.shape == (2, 12, 2)
    assert dba.predict(X3).tolist() == dba.labels_.tolist()


def test_predictor_scores(rng):
    t = np.linspace(0, 2 * np.pi, 30)
    X = np.sin(t[None, :] * 1.5 + rng.uniform(0, 2, size=(16, 1)))
    inputs, targets = sd.split_series(X)
    model = sd.MLPPredictor((8,), gamma=0.1, max_iter=40, random_state=0).fit(inputs, targets)
    P = model.predict(inputs)
    assert model.score(inputs, targets) == pytest.approx(r2_score(targets, P), rel=1e-12)
    dtw = np.mean([sd.dtw_path(p, y)[0] for p, y in zip(P, targets)])
    assert sd.neg_mean_dtw_score(model, inputs, targets) == pytest.approx(-dtw, rel=1e-12)
    # multivariate targets: R² over every time step and channel
    X2 = np.stack([X, np.cos(X)], axis=2)
    i2, t2 = sd.split_series(X2)
    m2 = sd.MLPPredictor((8,), max_iter=20, random_state=0).fit(i2, t2)
    P2 = m2.predict(i2)
    assert P2.shape == t2.shape
    assert m2.score(i2, t2) == pytest.approx(
        r2_score(t2.reshape(16, -1), P2.reshape(16, -1)), rel=1e-12)
    # one value per series: y of shape (N,) gives predictions of shape (N,)
    one = sd.MLPPredictor((8,), max_iter=20, random_state=0).fit(inputs, targets[:, 0])
    assert one.predict(inputs).shape == (16,)
    with pytest.raises(ValueError, match="requires y"):
        sd.MLPPredictor().fit(inputs, None)
    search = GridSearchCV(sd.MLPPredictor((8,), max_iter=20, random_state=0),
                          {"gamma": [0.1, 1.0]}, scoring=sd.neg_mean_dtw_score, cv=2)
    assert search.fit(inputs, targets).best_params_["gamma"] in (0.1, 1.0)
