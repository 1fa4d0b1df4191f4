"""*Your data* on a Dask cluster, in Chromium: a LocalCluster in a child process, a second
app server whose ``SOFTDTW_DASK_SCHEDULER`` points at it, jobs run from the browser and
checked against the in-process numbers, and a job that goes on through a rerun of the page,
then cancelled from the browser, leaves no task on the cluster."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import numpy as np
import pytest

import softdtw_core as sd
from explorer.data import parse_series_file, series_to_csv, warped_copies
from explorer.logic import your_data

from ..dask_cluster import cluster_process
from .conftest import assert_no_exception, goto, rerun, streamlit_server, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

GAMMA = 0.1  # the sidebar's default γ

# The tiles done according to the page's progress text (0 without one), and whether
# more than ``done`` are.
TILES_DONE = """
() => {
  const m = document.body.innerText.match(/Pairwise matrix: (\\d+) of/);
  return m === null ? 0 : Number(m[1]);
}
"""
MORE_TILES_DONE = f"done => ({TILES_DONE})() > done"


@pytest.fixture(scope="module")
def cluster_address():
    with cluster_process() as address:
        yield address


@pytest.fixture(scope="module")
def cluster_app_url(cluster_address):
    with streamlit_server({your_data.ENV_VAR: cluster_address}) as url:
        yield url


def _upload(page, tmp_path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with rerun(page):
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
            str(path))
    page.get_by_role("button", name="Run on the cluster").wait_for()
    wait_for_app(page)


def _download(page, label: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def _run_job(page, result_button: str) -> None:
    """Run the chosen job and wait for a download button only its result has."""
    page.get_by_role("button", name="Run on the cluster").click()
    page.get_by_role("button", name=result_button).wait_for(timeout=120_000)
    wait_for_app(page)
    assert_no_exception(page)


def test_neighbours_and_the_whole_matrix_from_the_browser(cluster_app_url, app_page,
                                                          tmp_path):
    ds = warped_copies(6, 40, templates=("sine", "bumps"), seed=3)
    names = [f"s{k}" for k in range(len(ds.series))]
    content = series_to_csv(ds.series, names=names)
    series = parse_series_file(content, "twelve.csv").series
    goto(app_page, f"{cluster_app_url}/your-data?yd_job=neighbours", charts=False)
    _upload(app_page, tmp_path, "twelve.csv", content)
    assert app_page.get_by_role("link", name="Dask dashboard").count() == 1
    _run_job(app_page, "Nearest neighbours (CSV)")
    D = sd.soft_dtw_cdist(series, gamma=GAMMA, divergence=True)
    np.fill_diagonal(D, np.inf)
    order = np.argsort(D, axis=1, kind="stable")[:, :5]
    rows = list(csv.DictReader(io.StringIO(_download(app_page, "Nearest neighbours (CSV)"))))
    assert [r["series"] for r in rows] == names
    for j in range(5):
        assert [r[f"neighbour {j + 1}"] for r in rows] == [names[i] for i in order[:, j]]
        np.testing.assert_allclose([float(r[f"D_γ {j + 1}"]) for r in rows],
                                   D[np.arange(len(names)), order[:, j]], rtol=1e-12)
    # the whole matrix (the divergence, the page's default), downloaded through a file built
    # on click
    with rerun(app_page):
        app_page.locator("[data-testid='stButtonGroup']").get_by_text(
            "matrix", exact=True).click()
    _run_job(app_page, "Whole D_γ matrix (CSV)")
    assert app_page.get_by_text("earlier settings").count() == 0
    text = _download(app_page, "Whole D_γ matrix (CSV)")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1:] == names
    np.testing.assert_allclose([[float(v) for v in r[1:]] for r in rows[1:]],
                               sd.soft_dtw_cdist(series, gamma=GAMMA, divergence=True),
                               rtol=1e-12, atol=1e-12)


def test_cancel_stops_the_job_on_the_cluster(cluster_address, cluster_app_url, app_page,
                                             tmp_path):
    from distributed import Client

    # 320,000 pairs of 300 x 300 cells: a minute of work on an idle machine
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.standard_normal((800, 300)), axis=1).round(3)
    names = [f"s{k}" for k in range(len(series))]
    goto(app_page, f"{cluster_app_url}/your-data?yd_job=matrix", charts=False)
    _upload(app_page, tmp_path, "many.csv", series_to_csv(series, names=names))
    app_page.get_by_role("button", name="Run on the cluster").click()
    # wait until the cluster has finished a tile (any count: two may end together)
    app_page.wait_for_function(MORE_TILES_DONE, arg=0, polling=50, timeout=180_000)
    done = app_page.evaluate(TILES_DONE)
    # a widget used meanwhile reruns the page (the run watching the job stops before the
    # new one draws the pair): the job goes on, and the new run watches it
    field = app_page.get_by_test_id("stMainBlockContainer").get_by_label("Series x #")
    field.fill("1")
    field.press("Enter")
    app_page.get_by_text("x = s1 (300 points)").wait_for()
    app_page.wait_for_function(MORE_TILES_DONE, arg=max(done, app_page.evaluate(TILES_DONE)),
                               polling=50, timeout=180_000)
    app_page.get_by_role("button", name="Cancel").click()
    app_page.get_by_text("Job cancelled: its tasks were cancelled on the cluster.").wait_for()
    wait_for_app(app_page)
    assert app_page.get_by_text("Done in ").count() == 0  # no result was shown
    with Client(cluster_address, set_as_default=False, timeout=30) as client:
        deadline = time.monotonic() + 60
        while client.run_on_scheduler(lambda dask_scheduler: [
                k for k in dask_scheduler.tasks if "softdtw" in str(k)]):
            assert time.monotonic() < deadline, "tasks left on the cluster"
            time.sleep(0.1)
