"""The classroom benchmark's remote student against a real server.

``bench_classroom.py --mode fairness`` plays the busy students with
:class:`RemoteStudent`, a client of the front end's websocket protocol that draws
nothing. Its figures mean something only while that client gets what a browser gets:
these tests fail, rather than the benchmark measuring an empty page, when a Streamlit
upgrade changes the protocol or the app stops reading the page from the request.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_classroom.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_classroom", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(student) -> None:
    """Run the student's page load on its own event loop (the browser tests' sync
    Playwright owns this thread's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(student.load(), 120)).result()


def test_remote_student_gets_the_page_it_asks_for(bench, app_url):
    student = bench.RemoteStudent(f"{app_url}/cost-table?gamma=0.3")
    load(student)
    assert student.errors == 0
    # The Cost & DP table's heatmaps, not the Overview's (the page comes from page_name).
    assert student.elements.get("plotly_chart", 0) >= 2
    assert not student.queued_or_running.is_set()  # no job on this page


def test_remote_student_waits_for_the_pages_jobs(bench, app_url):
    student = bench.RemoteStudent(
        f"{app_url}/barycenters?bc_src=warped+copies&bc_n=6&bc_len=40&bc_seed=11"
        "&bc_sweep_on=true&bc_gammas=0.1&bc_gammas=1")
    load(student)
    assert student.queued_or_running.is_set()  # the jobs' progress came
    assert student.elements.get("progress", 0) >= 1
    assert student.elements.get("plotly_chart", 0) >= 3  # and their results after them
    assert student.errors == 0


def test_remote_student_counts_the_errors_shown(bench, app_url):
    # A band of radius 0 admits no path between series of lengths 10 and 40: the sidebar
    # says so in an error box (the query string reaches the widgets).
    student = bench.RemoteStudent(
        f"{app_url}/cost-table?src=synthetic&n=10&m=40&band_on=true&band=0")
    load(student)
    assert student.errors >= 1
