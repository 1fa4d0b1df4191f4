"""End-to-end harness: a real ``streamlit run`` server and Debian's Chromium via Playwright.

The server is session-scoped (one per xdist worker; every e2e test is in the "e2e" xdist
group, so one worker runs them all) and is killed at the end of the session.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# Counts the script runs of the page (window.__runs): a client-side interaction must not rerun.
SCRIPT_RUNS = """
() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__runs = 0;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}
"""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
STARTUP_TIMEOUT = 90  # seconds; a cold Numba cache compiles on the first page load
PAGE_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="session")
def app_url():
    """Start ``streamlit run streamlit_app.py`` on a free localhost port; yield its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = SCREENSHOTS / f"server-{port}.log"  # gitignored, beside the screenshots
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 - closed in the teardown
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT} s; "
                                   f"see {log_path}")
            time.sleep(0.25)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def e2e_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def app_page(e2e_browser):
    context = e2e_browser.new_context(viewport={"width": 1500, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    yield pg
    context.close()


APP_READY = """
() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSpinner']")) return false;
  for (const c of document.querySelectorAll("[data-testid='stPlotlyChart']")) {
    const gd = c.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout || !c.querySelector('.main-svg')) return false;
  }
  return true;
}
"""


def wait_for_app(page, *, settle_ms: int = 300) -> None:
    """Wait until the script has finished and every Plotly chart has drawn."""
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(APP_READY, polling=100)


def goto(page, url: str, *, charts: bool = True) -> None:
    """Open a URL and wait for the page's title, the end of its script and its charts."""
    page.goto(url)
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    if charts:
        page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(
            state="attached")
    wait_for_app(page, settle_ms=500)
