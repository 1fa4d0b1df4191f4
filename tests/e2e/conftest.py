"""End-to-end harness: a real ``streamlit run`` server and Debian's Chromium via Playwright.

The server is session-scoped (one per xdist worker; every e2e test is in the "e2e" xdist
group, so one worker runs them all) and is killed at the end of the session.

No fixed sleeps: every wait is on the page's state. A script counter is installed in every
page before Streamlit's own scripts (:data:`SCRIPT_RUNS`), so a test can wait for the run an
interaction requested (:func:`rerun`) without guessing how long the request takes to reach
the server, and can tell that a client-side interaction (a Plotly slider) ran no script.
"""

from __future__ import annotations

import contextlib
import json
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

def _forward_msg_fields() -> dict:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    fields = ForwardMsg.DESCRIPTOR.fields_by_name
    return {"NEW_SESSION": fields["new_session"].number,
            "SCRIPT_FINISHED": fields["script_finished"].number,
            "EARLY_FOR_RERUN": ForwardMsg.FINISHED_EARLY_FOR_RERUN}


# window.__scriptRuns counts the script runs the page has seen, full runs and fragment runs:
# ``started`` (the server's ``new_session`` message, which opens every run) and ``finished``
# (its ``script_finished`` message, unless the run was cut short for another). They are read
# from the websocket's messages (the top level of each ForwardMsg, a few lines of protobuf
# decoding), not from the page: a run of a few milliseconds can come and go between two
# renders, and the app's ``data-test-script-state`` then never shows it (seen: a Bellman step
# run missed under load, and a test waiting for it forever). A count goes up one task and
# two animation frames after its message, once the front end has handled it and drawn.
SCRIPT_RUNS = """
window.__scriptRuns = {started: 0, finished: 0};
(() => {
  const F = FIELDS;
  const runs = window.__scriptRuns;
  const later = (f) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(f)));
  const varint = (b, i) => {
    let v = 0, scale = 1;
    for (;;) {
      const x = b[i++];
      v += (x & 127) * scale;
      if (x < 128 || i >= b.length) return [v, i];
      scale *= 128;
    }
  };
  const count = (buffer) => {
    const b = new Uint8Array(buffer);
    let i = 0;
    while (i < b.length) {
      let key, v;
      [key, i] = varint(b, i);
      const field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) {
        [v, i] = varint(b, i);
        if (field === F.SCRIPT_FINISHED && v !== F.EARLY_FOR_RERUN) later(() => runs.finished++);
      } else if (wire === 2) {
        [v, i] = varint(b, i);
        if (field === F.NEW_SESSION) later(() => runs.started++);
        i += v;
      } else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return;
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (event.data instanceof ArrayBuffer) count(event.data);
        else if (event.data instanceof Blob) event.data.arrayBuffer().then(count);
      });
    }
  };
})();
""".replace("FIELDS", json.dumps(_forward_msg_fields()))
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


@contextlib.contextmanager
def streamlit_server(env: dict | None = None):
    """``streamlit run streamlit_app.py`` on a free localhost port, with ``env`` added to
    its environment; yields its URL once healthy, kills it afterwards."""
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
                            start_new_session=True, env={**os.environ, **(env or {})})
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
def app_url():
    """The app's URL, served without a Dask cluster (the variable is removed)."""
    with streamlit_server({"SOFTDTW_DASK_SCHEDULER": ""}) as url:
        yield url


@pytest.fixture(scope="session")
def e2e_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def new_page(browser):
    """A page in a fresh browser context (its own session), counting its script runs."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.add_init_script(SCRIPT_RUNS)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


@pytest.fixture
def app_page(e2e_browser):
    pg = new_page(e2e_browser)
    yield pg
    pg.context.close()


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

# true once the web fonts are in and no chart changes size between two animation frames
LAYOUT_SETTLED = """
async () => {
  if (document.fonts.status !== 'loaded') return false;
  const sizes = () => Array.from(document.querySelectorAll('.js-plotly-plot'), (gd) => {
    const box = gd.getBoundingClientRect();
    return `${box.width}x${box.height}`;
  }).join();
  const before = sizes();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return sizes() === before;
}
"""


#: The first Plotly chart's graph div, in page scripts.
GD = "document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"


def script_runs(page, which: str = "finished") -> int:
    """How many script runs the page has ``"started"`` or ``"finished"`` so far."""
    return page.evaluate(f"window.__scriptRuns.{which}")


def wait_for_app(page) -> None:
    """Wait until no script runs, no spinner spins and every Plotly chart has drawn."""
    page.wait_for_function(APP_READY, polling=100)


@contextlib.contextmanager
def rerun(page):
    """Wait, after the interaction in the block, for the script run it requested to finish
    and the charts to draw (call it with the app idle)."""
    before = script_runs(page)
    yield
    page.wait_for_function("n => window.__scriptRuns.finished > n", arg=before, polling=50)
    wait_for_app(page)


def goto(page, url: str, *, charts: bool = True) -> None:
    """Open a URL and wait for its first script run, the page's title and its charts."""
    page.goto(url)
    page.wait_for_function("() => window.__scriptRuns.finished >= 1", polling=50)
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    if charts:
        page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(
            state="attached")
    wait_for_app(page)


def click_slider_step(page, rail, *, last: bool, frame: int) -> None:
    """Click the first or last step of the first chart's Plotly slider (``rail``, its
    ``.slider-rail-rect``); wait until Plotly has drawn the frame (its ``plotly_animated``
    event), then check the slider stands on step ``frame``."""
    page.evaluate(f"() => {{ window.__animated = false; "
                  f"{GD}.once('plotly_animated', () => {{ window.__animated = true; }}); }}")
    rail.scroll_into_view_if_needed()  # a mouse click outside the window reaches nothing
    box = rail.bounding_box()
    x = box["x"] + box["width"] - 2 if last else box["x"] + 2
    page.mouse.click(x, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.__animated", polling=50)
    assert page.evaluate(f"{GD}._fullLayout.sliders[0].active") == frame


def assert_no_exception(page) -> None:
    """No traceback, no "page not found" and no error message on the page."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, errors.first.inner_text()


def shot(page, name: str) -> None:
    """Screenshot of the whole app in ``screenshots/``: the viewport is grown to the main
    area's height first (Streamlit scrolls inside its own container, so ``full_page`` alone
    would cut it). The README's screenshots (``docs/screenshots/``) are taken at a laptop's
    width by ``test_layout_e2e.py``."""
    height = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 1500, "height": max(900, min(int(height) + 20, 4000))})
    wait_for_app(page)
    page.wait_for_function(LAYOUT_SETTLED, polling=100)
    page.screenshot(path=str(SCREENSHOTS / name))
