"""softdtw_core.distributed on a two-process LocalCluster: the same numbers as in this
process (matrix to 1e-12, k-means labels identical and centres to 1e-8, barycenter
objective to 1e-9), a killed worker that changes nothing, cancelling, bad input and
unreachable schedulers, and the Numba cache the workers share."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time

import dask.array as da
import numpy as np
import pytest
import zarr

import softdtw_core as sd
from softdtw_core import distributed as sdd

from ..dask_cluster import TASK_KERNELS, kill_busiest_worker, local_cluster

pytestmark = pytest.mark.xdist_group("dask")

GAMMA = 0.1


@pytest.fixture(scope="module")
def client():
    with local_cluster() as (_, client):
        yield client


@pytest.fixture(scope="module")
def ragged():
    rng = np.random.default_rng(11)
    return [np.cumsum(rng.standard_normal(m)) for m in rng.integers(12, 30, 26)]


def _equal(got, expected, rtol=1e-12):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= rtol * np.abs(expected).max()


def _tasks_left(client) -> list:
    """Keys of this library's tasks the scheduler still knows about."""
    return client.run_on_scheduler(
        lambda dask_scheduler: [k for k in dask_scheduler.tasks if "softdtw" in str(k)])


def _wait(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


# --------------------------------------------------------------------------- import


def test_importing_the_core_does_not_import_dask():
    code = ("import sys, softdtw_core as sd; sd.SoftDTWKMeans; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'zarr')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- matrices


@pytest.mark.parametrize("divergence", [False, True])
def test_symmetric_matrix_equals_in_process_and_computes_the_upper_tiles_only(
        client, ragged, divergence):
    calls = []
    M = sdd.soft_dtw_cdist(client, ragged, gamma=GAMMA, divergence=divergence,
                           progress=lambda done, total: calls.append((done, total)))
    _equal(M, sd.soft_dtw_cdist(ragged, gamma=GAMMA, divergence=divergence))
    total = calls[-1][1]
    assert [c[0] for c in calls] == list(range(total + 1))
    blocks = int(round((np.sqrt(8 * total + 1) - 1) / 2))
    assert blocks >= 3 and blocks * (blocks + 1) // 2 == total  # a triangle of tiles


def test_cross_matrix_band_absolute_cost_and_multivariate_arrays(client):
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((9, 20, 2)), rng.standard_normal((5, 24, 2))
    for kwargs in ({"band": 3.0, "divergence": True}, {"cost": "absolute"}):
        _equal(sdd.soft_dtw_cdist(client, X, Y, gamma=GAMMA, **kwargs),
               sd.soft_dtw_cdist(X, Y, gamma=GAMMA, **kwargs))


def test_dask_array_input_and_zarr_output(client, tmp_path):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((23, 16))
    store = tmp_path / "matrix.zarr"
    Z = sdd.soft_dtw_cdist(client, da.from_array(X, chunks=(5, 8)), gamma=GAMMA, out=store)
    assert isinstance(Z, zarr.Array) and Z.shape == (23, 23)
    _equal(zarr.open_array(store, mode="r")[:], sd.soft_dtw_cdist(X, gamma=GAMMA))


def test_knn_equals_the_sorted_matrix_with_ties_by_index(client, ragged):
    X = ragged[:12] + [ragged[3], ragged[7], ragged[3]]  # duplicates: divergence ties at 0
    distances, indices = sdd.soft_dtw_knn(client, X, n_neighbors=4, gamma=GAMMA,
                                          divergence=True)
    F = sd.soft_dtw_cdist(X, gamma=GAMMA, divergence=True)
    np.fill_diagonal(F, np.inf)
    order = np.lexsort((np.broadcast_to(np.arange(len(X)), F.shape), F), axis=-1)[:, :4]
    np.testing.assert_array_equal(indices, order)
    _equal(distances, np.take_along_axis(F, order, axis=1))
    assert indices[3, 0] == 12 and indices[12, :2].tolist() == [3, 14]  # ties: lower index
    # against another collection, every row may pick any series of Y
    distances, indices = sdd.soft_dtw_knn(client, X, ragged[:6], n_neighbors=6, gamma=GAMMA)
    M = sd.soft_dtw_cdist(X, ragged[:6], gamma=GAMMA)
    np.testing.assert_array_equal(indices, np.argsort(M, axis=1, kind="stable"))
    _equal(distances, np.sort(M, axis=1))


# --------------------------------------------------------------------------- k-means, barycenters


def test_kmeans_gives_the_in_process_labels_and_centres(client, ragged):
    steps = []
    kwargs = dict(gamma=GAMMA, random_state=6, max_iter=4, barycenter_max_iter=5)
    model = sdd.kmeans(client, ragged, 3, progress=lambda done, total: steps.append(done),
                       **kwargs)
    local = sd.SoftDTWKMeans(3, **kwargs).fit(ragged)
    assert isinstance(model, sd.SoftDTWKMeans) and model.n_iter_ == local.n_iter_ >= 2
    np.testing.assert_array_equal(model.labels_, local.labels_)
    np.testing.assert_allclose(model.cluster_centers_, local.cluster_centers_, rtol=0,
                               atol=1e-8)
    assert model.inertia_ == pytest.approx(local.inertia_, rel=1e-10)
    assert model.dtw_inertia_ == pytest.approx(local.dtw_inertia_, rel=1e-10)
    assert steps[0] == 0 and steps == sorted(steps) and steps[-1] == model.n_iter_ + 1
    np.testing.assert_array_equal(model.predict(ragged), local.predict(ragged))


def test_kmeans_divergence_on_a_multivariate_dask_array(client):
    rng = np.random.default_rng(5)
    X = np.cumsum(rng.standard_normal((18, 15, 2)), axis=1)
    kwargs = dict(gamma=1.0, assignment="divergence", init="random", n_init=2,
                  random_state=1, max_iter=3, barycenter_max_iter=4)
    model = sdd.kmeans(client, da.from_array(X, chunks=(7, 15, 2)), 2, **kwargs)
    local = sd.SoftDTWKMeans(2, **kwargs).fit(X)
    assert model.cluster_centers_.shape == (2, 15, 2)
    np.testing.assert_array_equal(model.labels_, local.labels_)
    np.testing.assert_allclose(model.cluster_centers_, local.cluster_centers_, rtol=0,
                               atol=1e-8)


@pytest.mark.parametrize("init, objective", [("euclidean", "softdtw"),
                                             ("medoid", "divergence"),
                                             ("random", "softdtw")])
def test_barycenter_equals_in_process(client, ragged, init, objective):
    weights = np.linspace(1.0, 2.0, len(ragged))
    kwargs = dict(gamma=GAMMA, weights=weights, init=init, objective=objective,
                  random_state=2, max_iter=30)
    seen = []
    res = sdd.barycenter(client, ragged, callback=seen.append, **kwargs)
    local = sd.softdtw_barycenter(ragged, **kwargs)
    assert isinstance(res, sd.BarycenterResult) and res.solution.shape == local.solution.shape
    assert res.objective == pytest.approx(local.objective, rel=1e-9)
    assert res.n_iter == local.n_iter and len(seen) == res.n_iter + 1


# --------------------------------------------------------------------------- Numba cache


def test_workers_load_the_kernels_from_the_shared_cache(client, ragged):
    sdd.soft_dtw_cdist(client, ragged[:6], gamma=GAMMA)
    sdd.barycenter(client, ragged[:6], gamma=GAMMA, max_iter=2)

    def kernel_stats():
        stats = {}
        for module, names in TASK_KERNELS.items():
            for name in names:
                s = getattr(importlib.import_module(module), name).stats
                stats[name] = (sum(s.cache_hits.values()), sum(s.cache_misses.values()))
        return stats

    stats = client.run(kernel_stats)
    assert len(stats) == 2
    for address, kernels in stats.items():
        for name, (hits, misses) in kernels.items():
            assert misses == 0, (address, name, hits, misses)  # nothing was compiled
    for name in kernels:  # and every kernel was loaded from the cache by some worker
        assert max(k[name][0] for k in stats.values()) >= 1, (name, stats)


# --------------------------------------------------------------------------- faults


def test_a_worker_killed_during_the_matrix_changes_nothing(client, ragged):
    killed = []

    def kill_after_the_first_tile(done, total):
        if done == 1:
            assert total >= 10
            killed.append(kill_busiest_worker(client))

    M = sdd.soft_dtw_cdist(client, ragged, gamma=GAMMA, progress=kill_after_the_first_tile)
    address, held = killed[0]
    assert any("softdtw-load" in str(k) for k in held), held  # chunks of series were lost
    _wait(lambda: address not in client.nthreads())  # with their process
    _equal(M, sd.soft_dtw_cdist(ragged, gamma=GAMMA))
    client.wait_for_workers(2, timeout=300)  # the nanny's new process (the next test kills)


def test_a_worker_killed_during_kmeans_changes_nothing(client, ragged):
    killed = []

    def kill_after_the_first_assignment(done, total):
        if done == 1 and not killed:
            killed.append(kill_busiest_worker(client))

    kwargs = dict(gamma=GAMMA, random_state=7, max_iter=3, barycenter_max_iter=4)
    model = sdd.kmeans(client, ragged, 3, progress=kill_after_the_first_assignment, **kwargs)
    address, held = killed[0]
    assert any("softdtw-load" in str(k) for k in held), held
    _wait(lambda: address not in client.nthreads())
    local = sd.SoftDTWKMeans(3, **kwargs).fit(ragged)
    np.testing.assert_array_equal(model.labels_, local.labels_)
    np.testing.assert_allclose(model.cluster_centers_, local.cluster_centers_, rtol=0,
                               atol=1e-8)


def test_cancelling_stops_every_task(client, ragged):
    with pytest.raises(sdd.JobCancelled, match="after 1 of"):
        sdd.soft_dtw_cdist(client, ragged, gamma=GAMMA, progress=lambda done, total: done == 1)
    _wait(lambda: not _tasks_left(client))
    with pytest.raises(sdd.JobCancelled):
        sdd.kmeans(client, ragged, 3, gamma=GAMMA, progress=lambda done, total: done == 1)
    _wait(lambda: not _tasks_left(client))


def test_bad_input_and_closed_or_unreachable_clients(client, ragged):
    with pytest.raises(ValueError, match="same dimension d"):
        sdd.soft_dtw_cdist(client, ragged, [np.zeros((5, 2))])
    with pytest.raises(ValueError, match="X is empty"):
        sdd.soft_dtw_knn(client, [])
    with pytest.raises(ValueError, match="non-empty Dask array"):
        sdd.kmeans(client, da.zeros((0, 5)), 2)
    with pytest.raises(ValueError, match="n_neighbors=26 but each series has only 25"):
        sdd.soft_dtw_knn(client, ragged, n_neighbors=26)
    with pytest.raises(ValueError, match="precomputed"):
        sdd.soft_dtw_cdist(client, ragged, cost="precomputed")
    with pytest.raises(ValueError, match="n_clusters=30 is larger"):
        sdd.kmeans(client, ragged, 30)
    with pytest.raises(ValueError, match="distributed.Client"):
        sdd.soft_dtw_cdist("tcp://127.0.0.1:8786", ragged)
    bad = np.zeros((6, 10))
    bad[4, 2] = np.nan  # found by the loader task on a worker
    with pytest.raises(ValueError, match=r"X\[4\] contains NaN"):
        sdd.soft_dtw_cdist(client, da.from_array(bad, chunks=3))
    _wait(lambda: not _tasks_left(client))
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="dask scheduler"):
        sdd.connect("tcp://127.0.0.1:9", timeout=2)
    assert time.monotonic() - started < 30  # a time limit, not a hang
    closed = sdd.connect(client.scheduler.address)
    closed.close()
    with pytest.raises(ConnectionError, match="client is closed"):
        sdd.barycenter(closed, ragged)
