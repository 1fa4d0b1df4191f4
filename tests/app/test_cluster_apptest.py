"""*Your data* with and without a Dask cluster (``SOFTDTW_DASK_SCHEDULER``), under AppTest:
how to start one, the three jobs on a LocalCluster against the in-process numbers, the
downloads, jobs shared by students, a cancelled job, and a scheduler that does not
answer."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import numpy as np
import pytest

import softdtw_core as sd
from explorer.data import parse_series_file, series_to_csv
from explorer.logic import collection, your_data
from explorer.web import jobs, memo

from ..dask_cluster import cluster_process
from .conftest import assert_clean, assert_matrix, charts, downloaded, open_page, trace

pytestmark = pytest.mark.xdist_group("dask")

GAMMA = 0.1  # the sidebar's default γ


@pytest.fixture(scope="module")
def address():
    with cluster_process() as address:
        yield address


@pytest.fixture(scope="module")
def sample():
    return parse_series_file(your_data.sample_csv(), "soft-dtw-sample.csv")


@pytest.fixture(autouse=True)
def no_finished_cluster_jobs():
    """Each test starts without the cluster jobs that earlier ones finished."""
    memo.CLUSTER_JOB_STORE.clear()


def _with_sample(query=None, state=None):
    at = open_page("your_data", query, state)
    at.button(key="yd_try").click().run()
    return at


def test_without_an_address_the_page_says_how_to_start_a_cluster(monkeypatch):
    monkeypatch.delenv(your_data.ENV_VAR, raising=False)
    at = _with_sample()
    assert_clean(at)
    assert "Every series, on a Dask cluster" in [h.value for h in at.subheader]
    help_text = [i.value for i in at.info if your_data.ENV_VAR in i.value]
    assert help_text and "dask scheduler" in help_text[0] and "dask worker" in help_text[0]
    assert not [b for b in at.button if b.key == "yd_job_run"]


def test_nearest_neighbours_and_kmeans_on_the_cluster(monkeypatch, address, sample, media):
    monkeypatch.setenv(your_data.ENV_VAR, address)
    at = _with_sample({"yd_job_k": 2, "yd_job_iter": 3, "yd_job_bary": 4, "yd_job_seed": 1})
    assert_clean(at)
    assert any(address in m.value and "Dask dashboard" in m.value for m in at.markdown)
    at.button(key="yd_job_run").click().run()
    assert_clean(at)
    table = at.dataframe[0].value
    D = sd.soft_dtw_cdist(sample.series, gamma=GAMMA, divergence=True)
    np.fill_diagonal(D, np.inf)
    order = np.argsort(D, axis=1, kind="stable")[:, :5]
    names = list(sample.names)
    assert list(table["series"]) == names
    for j in range(5):
        assert list(table[f"neighbour {j + 1}"]) == [names[i] for i in order[:, j]]
        np.testing.assert_allclose(table[f"D_γ {j + 1}"], D[np.arange(9), order[:, j]],
                                   rtol=1e-12)
    rows = list(csv.DictReader(io.StringIO(downloaded(at, media, "yd_dl_job_knn").decode())))
    assert [r["neighbour 1"] for r in rows] == [names[i] for i in order[:, 0]]
    # k-means on every series: the in-process model's labels
    at.segmented_control(key="yd_job").set_value("k-means").run()
    assert any("earlier settings" in c.value for c in at.caption)
    at.button(key="yd_job_run").click().run()
    assert_clean(at)
    local = sd.SoftDTWKMeans(2, GAMMA, random_state=1, max_iter=3,
                             barycenter_max_iter=4).fit(sample.series)
    rows = list(csv.DictReader(io.StringIO(
        downloaded(at, media, "yd_dl_job_labels").decode())))
    assert [int(r["cluster"]) for r in rows] == local.labels_.tolist()
    assert at.metric[-3].value == str(local.n_iter_)
    assert not any("earlier settings" in c.value for c in at.caption)


def test_the_whole_matrix_on_the_cluster(monkeypatch, address, sample):
    monkeypatch.setenv(your_data.ENV_VAR, address)
    at = _with_sample({"yd_job": "matrix", "yd_kind": "divergence"})
    at.button(key="yd_job_run").click().run()
    assert_clean(at)
    D = sd.soft_dtw_cdist(sample.series, gamma=GAMMA, divergence=True)
    order = collection.cluster_order(D, raw=False)
    assert_matrix(trace(charts(at)[-1], "D_γ")["z"], D[np.ix_(order, order)], atol=1e-5)
    record = at.session_state["yd_job_record"]
    result = jobs.cluster_runner().find(record["key"]).value()
    assert result.n == 9 and record["settings"]["kind"] == "divergence"
    # the whole-matrix downloads are built on click (the browser test clicks one): here,
    # what they would serve
    assert {b.key for b in at.get("download_button")} >= {"yd_dl_job_matrix", "yd_dl_job_zarr"}
    text = your_data.matrix_csv(result.store, sample.names).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1:] == list(sample.names)
    np.testing.assert_allclose([[float(v) for v in r[1:]] for r in rows[1:]], D, rtol=1e-12,
                               atol=1e-12)
    # another file: this session forgets the job; its store on disk stays while the server
    # keeps the finished job for other students, and goes with it
    store = Path(result.store)
    assert store.is_dir()
    at.file_uploader(key="yd_file").upload(
        "other.csv", series_to_csv([np.sin(np.linspace(0, 3, n)) for n in (20, 24, 30)]),
        "text/csv")
    at.run()
    assert_clean(at)
    assert "yd_job_record" not in at.session_state and store.is_dir()
    memo.CLUSTER_JOB_STORE.clear()
    assert not store.parent.exists()


def test_students_with_the_same_upload_and_settings_share_one_job(monkeypatch, address):
    monkeypatch.setenv(your_data.ENV_VAR, address)
    calls = []
    run_job = your_data.run_job

    def spy(client, series, settings, **kwargs):
        calls.append(settings["job"])
        return run_job(client, series, settings, **kwargs)

    monkeypatch.setattr(your_data, "run_job", spy)
    tables = []
    for _ in range(2):  # two students, the same file and settings
        at = _with_sample()
        at.button(key="yd_job_run").click().run()
        assert_clean(at)
        tables.append(at.dataframe[0].value)
    assert calls == ["neighbours"]  # computed once, shown to both
    assert tables[0].equals(tables[1])


def test_a_matrix_job_that_stops_leaves_no_store_behind(address, sample, monkeypatch,
                                                        tmp_path):
    from distributed import Client

    directory = tmp_path / "matrix job"
    monkeypatch.setattr(your_data, "new_store_directory", lambda: str(directory))
    existed = []

    def stop(fraction, text):  # as a cancelled job's progress does
        existed.append(directory.is_dir())
        raise jobs.JobCancelled("stopped on request")

    settings = {"job": "matrix", "gamma": GAMMA, "cost": "sqeuclidean", "band": None,
                "kind": "raw"}
    with Client(address, set_as_default=False, timeout=30) as client, pytest.raises(
            jobs.JobCancelled):
        your_data.run_job(client, sample.series, settings, progress=stop)
    assert existed == [True] and not directory.exists()


def _reporting_until(gate: threading.Event):
    """A job function that reports progress until ``gate`` is set (or it is cancelled)."""

    def run(progress, publish):
        while not gate.wait(0.01):
            progress(0.5, "Pairwise matrix: 1 of 2 tiles")

    return run


def test_cancel_stops_a_job_unless_other_students_watch_it(monkeypatch, address):
    monkeypatch.setenv(your_data.ENV_VAR, address)
    at = _with_sample()
    at.button(key="yd_job_run").click().run()  # a job of this upload: its record
    record = at.session_state["yd_job_record"]
    gate = threading.Event()
    try:
        job = jobs.cluster_runner().submit("a long job", "Cluster: matrix",
                                           _reporting_until(gate))
        assert job.wait_until_started(30)
        # another student watches it: Cancel only stops this session's watch
        job.attach("another session")
        at.session_state["yd_job_record"] = {**record, "key": job.key}
        at.button(key="yd_job_cancel").click().run()
        assert_clean(at)
        assert any("other students asked for the same one" in i.value for i in at.info)
        assert not job.cancelled and not job.done
        assert "yd_job_record" not in at.session_state
        # nobody else watches: Cancel stops it
        job.detach("another session")
        at.session_state["yd_job_record"] = {**record, "key": job.key}
        at.button(key="yd_job_cancel").click().run()
        assert_clean(at)
        assert any("Job cancelled" in w.value for w in at.warning)
        assert job.done and isinstance(job.error, jobs.JobCancelled)
        assert "yd_job_record" not in at.session_state
    finally:
        gate.set()
    at.button(key="yd_job_cancel").click().run()
    assert any(i.value == "No job is running." for i in at.info)
    # a job the server no longer keeps: the page says so
    at.session_state["yd_job_record"] = {**record, "key": "a job not kept"}
    at.run()
    assert_clean(at)
    assert any("no longer kept on the server" in i.value for i in at.info)
    assert "yd_job_record" not in at.session_state


def test_a_scheduler_that_does_not_answer_gives_a_message(monkeypatch):
    monkeypatch.setenv(your_data.ENV_VAR, "tcp://127.0.0.1:9")
    at = _with_sample()
    assert not at.exception
    assert any("No Dask scheduler answered at 'tcp://127.0.0.1:9'" in e.value
               and "dask scheduler" in e.value for e in at.error)
