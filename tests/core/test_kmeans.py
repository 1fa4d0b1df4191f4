import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import softdtw_core as sd
from softdtw_core._internal.collection import LocalCollection


def _planted(rng, n_per=8, length=50):
    """Three shapes (bump, plateau, wiggle), each placed at a random shift, plus noise."""
    t = np.arange(length, dtype=float)
    shapes = [
        lambda u: np.exp(-0.5 * (u / 2.5) ** 2),
        lambda u: (np.abs(u) < 5).astype(float),
        lambda u: np.sin(u / 2.0) * np.exp(-0.5 * (u / 5.0) ** 2),
    ]
    X, y = [], []
    for c, f in enumerate(shapes):
        for _ in range(n_per):
            shift = rng.integers(12, length - 12)
            X.append(f(t - shift) + 0.05 * rng.standard_normal(length))
            y.append(c)
    return np.array(X), np.array(y)


def test_soft_dtw_kmeans_recovers_shifted_shapes_better_than_euclidean(rng):
    X, y = _planted(rng)
    # small γ: at γ = 0.1 the soft-DTW inertia has local minima that mix these shapes
    # (more n_init finds the planted clustering, at a lower inertia)
    soft = sd.SoftDTWKMeans(3, 0.01, n_init=2, random_state=0, barycenter_max_iter=30).fit(X)
    div = sd.SoftDTWKMeans(
        3, 0.01, n_init=2, random_state=0, assignment="divergence", barycenter_max_iter=30
    ).fit(X)
    dba = sd.DBAKMeans(3, n_init=2, random_state=0).fit(X)
    eu = sd.EuclideanKMeans(3, n_init=2, random_state=0).fit(X)
    ari = {name: adjusted_rand_score(y, m.labels_) for name, m in
           [("soft", soft), ("div", div), ("dba", dba), ("eu", eu)]}
    assert ari["soft"] >= 0.9 and ari["div"] >= 0.9 and ari["dba"] >= 0.9
    assert ari["soft"] > ari["eu"] + 0.3
    assert soft.cluster_centers_.shape == (3, 50)
    assert soft.labels_.shape == (24,)
    np.testing.assert_array_equal(soft.predict(X), soft.labels_)
    np.testing.assert_array_equal(soft.fit_predict(X), soft.labels_)
    assert soft.n_iter_ >= 1
    assert soft.dtw_inertia_ == pytest.approx(sd.dtw_inertia(X, soft.cluster_centers_))
    assert soft.dtw_inertia_ < eu.dtw_inertia_


def test_iterate_yields_every_assignment_and_sets_attributes(rng):
    X, _ = _planted(rng, n_per=4, length=30)
    km = sd.SoftDTWKMeans(3, 1.0, assignment="divergence", max_iter=4, random_state=1,
                          barycenter_max_iter=20)
    steps = list(km.iterate(X))
    assert steps[0].iteration == 0 and steps[0].run == 0
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert len(steps) <= km.max_iter + 1
    assert steps[-1].centers.shape == (3, 30)
    np.testing.assert_array_equal(steps[-1].labels, km.labels_)
    assert steps[-1].inertia == pytest.approx(km.inertia_)
    assert km.n_iter_ == steps[-1].iteration
    D = sd.soft_dtw_cdist(X, km.cluster_centers_, 1.0, divergence=True)
    assert km.inertia_ == pytest.approx(D[np.arange(len(X)), km.labels_].sum())
    np.testing.assert_allclose(km.transform(X), D)
    # the inertia goes down from the first assignment to the last
    assert steps[-1].inertia <= steps[0].inertia


def test_runs_are_deterministic_and_n_init_keeps_the_best(rng):
    X, _ = _planted(rng, n_per=4, length=30)
    a = sd.SoftDTWKMeans(3, 1.0, random_state=5, max_iter=3, barycenter_max_iter=10).fit(X)
    b = sd.SoftDTWKMeans(3, 1.0, random_state=5, max_iter=3, barycenter_max_iter=10).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_)
    km = sd.SoftDTWKMeans(3, 1.0, n_init=3, random_state=5, max_iter=3, barycenter_max_iter=10)
    steps = list(km.iterate(X))
    finals = {}
    for s in steps:
        finals[s.run] = s.inertia
    assert sorted(finals) == [0, 1, 2]
    assert km.inertia_ == pytest.approx(min(finals.values()))


def test_empty_cluster_is_reseeded_deterministically(rng):
    X, _ = _planted(rng, n_per=4, length=30)
    far = np.full(30, 100.0)
    init = np.stack([X[0], X[5], far])
    for Model, kw in [(sd.SoftDTWKMeans, {"gamma": 0.1}), (sd.DBAKMeans, {}),
                      (sd.EuclideanKMeans, {})]:
        km = Model(3, init=init, max_iter=3, **kw)
        steps = list(km.iterate(X))
        assert steps[0].reseeded == (2,)
        assert np.bincount(km.labels_, minlength=3).min() >= 1
        again = Model(3, init=init, max_iter=3, **kw).fit(X)
        np.testing.assert_array_equal(again.labels_, km.labels_)


def test_kmeans_plus_plus_uses_a_non_negative_dissimilarity(rng):
    X, _ = _planted(rng, n_per=4, length=30)
    km = sd.SoftDTWKMeans(3, 1.0)
    d = km._seed_distances(LocalCollection(list(X[:, :, None])), X[0][:, None])
    raw = sd.soft_dtw_cdist(X, X[:1], 1.0)[:, 0]
    assert raw.max() < 0  # raw soft-DTW is negative here: useless as a sampling weight
    assert d.min() > -1e-6 and d[0] == pytest.approx(0.0, abs=1e-9)
    km = sd.SoftDTWKMeans(3, 1.0, random_state=0, max_iter=0).fit(X)
    centres = km.cluster_centers_
    assert len({tuple(np.round(c, 12)) for c in centres}) == 3  # three distinct series


def test_ragged_input_for_dtw_models_and_refused_by_euclidean(rng):
    series = [np.sin(np.linspace(0, 6, m) + s) for m, s in
              [(30, 0), (34, 0.1), (28, 0.2), (40, 3), (36, 3.1), (31, 3.2)]]
    km = sd.SoftDTWKMeans(2, 0.1, random_state=0, barycenter_max_iter=20).fit(series)
    assert km.cluster_centers_.shape == (2, 32)
    assert len(set(km.labels_[:3])) == 1 and len(set(km.labels_[3:])) == 1
    assert km.labels_[0] != km.labels_[3]
    dba = sd.DBAKMeans(2, random_state=0).fit(series)
    assert adjusted_rand_score(km.labels_, dba.labels_) == 1.0
    with pytest.raises(ValueError, match="one length"):
        sd.EuclideanKMeans(2).fit(series)


def test_multivariate(rng):
    X = rng.standard_normal((6, 20, 2))
    X[3:] += 3
    km = sd.SoftDTWKMeans(2, 1.0, random_state=0, barycenter_max_iter=10).fit(X)
    assert km.cluster_centers_.shape == (2, 20, 2)
    assert len(set(km.labels_[:3])) == 1 and km.labels_[0] != km.labels_[5]


def test_dtw_inertia_definition(rng):
    X = [rng.standard_normal(m) for m in (5, 7, 6)]
    C = rng.standard_normal((2, 6))
    D = np.array([[sd.dtw_path(x, c)[0] for c in C] for x in X])
    assert sd.dtw_inertia(X, C) == pytest.approx(D.min(1).sum())
    assert sd.dtw_inertia(X, C, labels=[1, 1, 0]) == pytest.approx(D[0, 1] + D[1, 1] + D[2, 0])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda X: sd.SoftDTWKMeans(5).fit(X[:3]), "larger than the number of series"),
        (lambda X: sd.SoftDTWKMeans(0).fit(X), "n_clusters"),
        (lambda X: sd.SoftDTWKMeans(2).fit([]), "empty"),
        (lambda X: sd.SoftDTWKMeans(2).fit(X[0]), "list of series"),
        (lambda X: sd.SoftDTWKMeans(2, gamma=-1.0).fit(X), "gamma"),
        (lambda X: sd.SoftDTWKMeans(2, assignment="l1").fit(X), "assignment"),
        (lambda X: sd.SoftDTWKMeans(2, init="kmeans").fit(X), "init"),
        (lambda X: sd.SoftDTWKMeans(2, init=X[:3]).fit(X), "3 centres"),
        (lambda X: sd.SoftDTWKMeans(2, n_init=0).fit(X), "n_init"),
        (lambda X: sd.SoftDTWKMeans(2, max_iter=-1).fit(X), "max_iter"),
        (lambda X: sd.SoftDTWKMeans(2).fit(np.where(X > 0.5, np.nan, X)), "NaN"),
        (lambda X: sd.SoftDTWKMeans(2).fit([X[0], X[1][:, None].repeat(2, 1)]), "dimension d"),
        (lambda X: sd.SoftDTWKMeans(2).predict(X), "not fitted"),
        (lambda X: sd.DBAKMeans(7).fit(X[:2]), "larger than"),
        (lambda X: sd.dtw_inertia(X, X[:2], labels=[0] * 5), "labels"),
    ],
)
def test_bad_input_messages(rng, call, match):
    X = rng.standard_normal((6, 10))
    with pytest.raises(ValueError, match=match):
        call(X)
