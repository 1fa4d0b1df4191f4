"""The first minute of a fresh server: sessions that start together, and nothing from outside.

- Several browsers open pages at the same moment on a server that has just started, so
  that their first script runs overlap while the server imports its modules: no page shows
  a traceback and the server logs none (issue 21: a session's early chart read pandas from
  ``sys.modules`` while another session was still importing it). The race depends on
  timing, so the test starts :data:`SERVERS` fresh servers and opens :data:`AT_ONCE` pages
  on each.
- Offline: every request the browser makes while every page opens goes to the server
  itself (a classroom may have no internet), recorded with Playwright's ``request`` event.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from explorer.web import registry

from ..page_lists import WAIT_FOR_AN_ACTION
from .conftest import (
    SCREENSHOTS,
    assert_no_exception,
    goto,
    new_page,
    streamlit_server,
    wait_for_app,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SERVERS = 5
#: Opened at once on each fresh server, each in its own browser context (its own session):
#: the entry page and pages that draw at once even on a cold Numba cache (no kernels, or
#: interpreted tables: the Learn pages), so that no wait for the compiler separates their
#: first runs.
AT_ONCE = ["", "cost-table", "bellman", "softmin", "gamma-explorer", "loss"]


def server_log(url: str) -> str:
    """The log of the server at ``url`` (:func:`~tests.e2e.conftest.streamlit_server`)."""
    return (SCREENSHOTS / f"server-{urlparse(url).port}.log").read_text()


@pytest.mark.parametrize("attempt", range(SERVERS))
def test_sessions_starting_together_show_no_traceback(e2e_browser, attempt):
    with streamlit_server({"SOFTDTW_DASK_SCHEDULER": ""}) as url:
        pages = [new_page(e2e_browser) for _ in AT_ONCE]
        try:
            for page, path in zip(pages, AT_ONCE):  # each goes on loading in the background
                page.goto(f"{url}/{path}", wait_until="commit")
            for page, path in zip(pages, AT_ONCE):
                page.wait_for_function("() => window.__scriptRuns.finished >= 1", polling=50)
                wait_for_app(page)
                assert_no_exception(page), path
                assert page.locator("[data-testid='stMain'] h1").count() >= 1, path
            # a second page in a session that opened the entry page, soon after the start
            with pages[0].expect_navigation():
                pages[0].locator("[data-testid='stSidebarNav'] a[href$='/cost-table']").click()
            wait_for_app(pages[0])
            assert_no_exception(pages[0])
        finally:
            for page in pages:
                page.context.close()
        log = server_log(url)
    assert "Traceback" not in log and "Error" not in log, log


#: Every address the page's document refers to (icons, style sheets, scripts, images), for
#: what a browser may fetch later or not at all in headless mode (the tab's icon).
REFERENCED = """() => Array.from(
  document.querySelectorAll('link[href], script[src], img[src], iframe[src], source[src]'),
  (el) => el.href || el.src)"""


def test_nothing_is_fetched_from_outside_the_server(app_url, e2e_browser):
    page = new_page(e2e_browser)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    referenced: set[str] = set()
    try:
        for info in registry.PAGES:
            goto(page, f"{app_url}/{'' if info.default else info.url_path}",
                 charts=info.name not in WAIT_FOR_AN_ACTION)
            assert_no_exception(page)
            page.wait_for_load_state("networkidle")  # late fonts and icons too
            referenced.update(page.evaluate(REFERENCED))
    finally:
        page.context.close()
    origin = f"{urlparse(app_url).scheme}://{urlparse(app_url).netloc}/"
    outside = sorted({u for u in [*requests, *referenced]
                      if not u.startswith((origin, "data:", "blob:"))})
    assert len(requests) > len(registry.PAGES) and not outside, outside
    # the tab's icon is the app's own, inline
    assert any(u.startswith("data:image/svg+xml") for u in referenced)
