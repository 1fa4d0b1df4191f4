"""explorer.logic.kmeans and explorer.logic.collection: adjusted Rand index (against
scikit-learn), clustered ordering, caps, k-means helpers; explorer.plots.kmeans and
explorer.plots.your_data: figures carry the arrays they are given."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import softdtw_core as sd
from explorer.data import cylinder_bell_funnel, warped_copies
from explorer.logic import collection, kmeans
from explorer.plots import kmeans as kmeans_plots
from explorer.plots import your_data as plots

from .conftest import decode


@pytest.mark.parametrize("seed", range(8))
def test_ari_matches_sklearn_on_random_labelings(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    a = rng.integers(0, int(rng.integers(1, 6)), n)
    b = rng.integers(0, int(rng.integers(1, 7)), n)
    assert kmeans.adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b),
                                                               abs=1e-12)


@pytest.mark.parametrize("a, b", [
    ([0, 0, 1, 1], [1, 1, 0, 0]),            # renamed clusters
    ([0, 0, 0, 0], [0, 0, 0, 0]),            # one cluster each
    ([0, 1, 2, 3], [3, 2, 1, 0]),            # singletons
    ([0, 0, 0, 0], [0, 1, 2, 3]),            # one cluster vs singletons
    ([0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1]),  # worse than chance
    ([5], [1]),
    (["a", "a", "b", "c"], [1, 1, 2, 2]),    # string labels
])
def test_ari_edge_cases_match_sklearn(a, b):
    assert kmeans.adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b),
                                                               abs=1e-12)


def test_ari_refuses_different_lengths():
    with pytest.raises(ValueError, match="same items"):
        kmeans.adjusted_rand_index([0, 1], [0, 1, 1])


def test_dissimilarity_from_raw_values_is_the_clipped_divergence():
    X = list(warped_copies(3, 30, templates=("sine", "square"), seed=1).series)
    raw = sd.soft_dtw_cdist(X, gamma=1.0)
    div = sd.soft_dtw_cdist(X, gamma=1.0, divergence=True)
    D = collection.dissimilarity(raw)
    assert np.all(np.diag(raw) < 0)  # raw values are not dissimilarities
    np.testing.assert_allclose(D, np.clip(div, 0, None), atol=1e-9)
    assert np.all(D >= 0) and np.all(np.diag(D) == 0)
    np.testing.assert_array_equal(D, D.T)


def test_cluster_order_groups_the_classes():
    ds = warped_copies(6, 40, templates=("sine", "bumps", "square"), noise=0.05, seed=3)
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(ds.series))
    X = [ds.series[k] for k in perm]
    labels = ds.labels[perm]
    M = sd.soft_dtw_cdist(X, gamma=0.1)
    order = collection.cluster_order(M)
    assert sorted(order.tolist()) == list(range(len(X)))
    ordered = labels[order]
    # each class is one contiguous block: exactly two class boundaries along the order
    assert int(np.count_nonzero(ordered[1:] != ordered[:-1])) == 2
    # the same order from the divergence matrix given as a dissimilarity
    div = sd.soft_dtw_cdist(X, gamma=0.1, divergence=True)
    np.testing.assert_array_equal(collection.cluster_order(div, raw=False), order)


@pytest.mark.parametrize("n", [1, 2])
def test_cluster_order_tiny(n):
    assert collection.cluster_order(np.zeros((n, n))).tolist() == list(range(n))


def test_cluster_order_refuses_bad_matrices():
    with pytest.raises(ValueError, match="square"):
        collection.cluster_order(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="non-finite"):
        collection.cluster_order(np.array([[0.0, np.inf], [np.inf, 0.0]]))


def test_prepare_collection_caps_and_says_so():
    series = [np.arange(n, dtype=float) for n in (10, 50, 300, 20, 400)] * 4
    labels = np.arange(20) % 3
    c = collection.prepare_collection(series, labels, [f"s{k}" for k in range(20)],
                                    max_series=7, max_length=100)
    assert len(c.series) == 7 == len(c.names) == len(c.labels) == len(c.index)
    assert c.index[0] == 0 and c.index[-1] == 19
    np.testing.assert_array_equal(c.labels, labels[c.index])
    assert [len(s) for s in c.series] == [min(len(series[k]), 100) for k in c.index]
    kept_long = [k for k in c.index if len(series[k]) > 100]
    assert kept_long
    np.testing.assert_allclose(c.series[list(c.index).index(kept_long[0])],
                               np.linspace(0, len(series[kept_long[0]]) - 1, 100))
    assert len(c.notes) == 2
    assert "20 series" in c.notes[0] and "cap on this page being 7" in c.notes[0]
    assert "cap of 100 points" in c.notes[1]


def test_prepare_collection_keeps_small_collections_untouched():
    X = cylinder_bell_funnel(2, 32, seed=0).series
    c = collection.prepare_collection(X, max_series=10, max_length=100)
    assert c.notes == () and c.labels is None and c.equal_length and c.dim == 1
    for a, b in zip(c.series, X):
        np.testing.assert_array_equal(a, b)


def test_label_changes():
    assert kmeans.label_changes(None, [0, 1]) == 0
    assert kmeans.label_changes([0, 1, 1, 2], [0, 2, 1, 0]) == 2


def test_make_kmeans_matches_the_library_and_refuses_unknown_methods():
    X = cylinder_bell_funnel(5, 40, seed=2).series
    ours = kmeans.make_kmeans("soft-DTW", 3, gamma=0.5, init="random", seed=4, max_iter=3,
                                barycenter_max_iter=4).fit(X)
    ref = sd.SoftDTWKMeans(3, 0.5, init="random", random_state=4, max_iter=3,
                           barycenter_max_iter=4).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    with pytest.raises(ValueError, match="method must be one of"):
        kmeans.make_kmeans("median", 2)


def test_run_baselines_scores_and_variable_lengths():
    ds = cylinder_bell_funnel(5, 40, seed=2)
    rows = kmeans.run_baselines(ds.series, 3, true_labels=ds.labels, seed=1, max_iter=5)
    assert [r.method for r in rows] == ["DBA", "Euclidean"]
    dba = sd.DBAKMeans(3, random_state=1, max_iter=5).fit(ds.series)
    np.testing.assert_array_equal(rows[0].labels, dba.labels_)
    assert rows[0].dtw_inertia == pytest.approx(sd.dtw_inertia(ds.series, dba.cluster_centers_))
    assert rows[0].ari == pytest.approx(adjusted_rand_score(ds.labels, dba.labels_))
    ragged = [np.sin(np.linspace(0, 3, n)) for n in (20, 25, 30, 22)]
    rows = kmeans.run_baselines(ragged, 2, seed=0)
    assert rows[0].labels is not None and rows[0].ari is None
    assert rows[1].labels is None and "one length" in rows[1].note


def test_kmeans_figure_draws_centres_and_moved_series():
    X = list(cylinder_bell_funnel(4, 30, seed=0).series)
    labels = np.array([0, 1, 2] * 4)
    C = np.stack([X[0], X[1], X[2]])
    moved = np.zeros(12, bool)
    moved[[4, 5]] = True
    fig = json.loads(kmeans_plots.kmeans_figure(X, labels, C, moved=moved, max_members=2).to_json())
    names = [t["name"] for t in fig["data"]]
    assert names == [f"{kind} {c}" for c in range(3) for kind in ("members", "moved into",
                                                                  "centre")]
    np.testing.assert_allclose(decode(fig["data"][2]["y"]), X[0], rtol=1e-6)
    # cluster 1: 4 members, one moved (index 4), at most 2 of the other 3 drawn
    members_1 = decode(fig["data"][3]["y"]).astype(float)
    assert np.isnan(members_1).sum() == 2
    moved_1 = decode(fig["data"][4]["y"]).astype(float)
    np.testing.assert_allclose(moved_1[:-1], X[4], rtol=1e-6)
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles[1] == "cluster 1: 4 series, 1 moved in"


def test_pairwise_figure_is_ordered_and_match_lines_follow_E():
    X = list(warped_copies(2, 20, templates=("sine", "square"), seed=0).series)
    M = sd.soft_dtw_cdist(X, gamma=0.1)
    order = collection.cluster_order(M)
    spec = json.loads(plots.pairwise_figure(M, order, [f"s{k}" for k in range(4)]).to_json())
    np.testing.assert_allclose(decode(spec["data"][0]["z"]), M[np.ix_(order, order)],
                               rtol=1e-6)
    assert spec["layout"]["xaxis"]["ticktext"] == [f"s{k}" for k in order]
    _, path = sd.dtw_path(X[0], X[1])
    E = sd.path_to_matrix(path, 20, 20)
    spec = json.loads(plots.match_lines_figure(X[0], X[1], E).to_json())
    lines = [t for t in spec["data"] if t["name"] == "matches (opacity ∝ E)"]
    assert len(lines) == 1  # 0/1 alignment: one opacity level, one line per path cell
    assert len(decode(lines[0]["x"])) == 3 * len(path)


def test_figures_escape_user_supplied_names():
    X = [np.sin(np.linspace(0, 3, 12)), np.cos(np.linspace(0, 3, 10))]
    names = ['<a href="https://x.example">click</a>', "<b>bold</b>"]
    M = sd.soft_dtw_cdist(X, gamma=0.1)
    spec = json.loads(plots.pairwise_figure(M, [0, 1], names, groups=["<i>", "y"]).to_json())
    ticks = spec["layout"]["xaxis"]["ticktext"]
    assert all("<" not in t for t in ticks) and "&lt;b&gt;bold&lt;/b&gt; (y)" in ticks
    E = sd.soft_dtw_alignment(X[0], X[1], 0.1)[1]
    spec = json.loads(plots.match_lines_figure(X[0], X[1], E, names=names).to_json())
    assert all("<" not in t["name"] for t in spec["data"])
