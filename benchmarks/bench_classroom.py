"""A class on one server: N students' browsers through the same lesson, and the server's cost.

Run:  pip install -r benchmarks/requirements.txt && python benchmarks/bench_classroom.py

Needs Debian's Chromium (``apt-get install chromium``) and Playwright (requirements-dev.txt).
Each measurement starts its own ``streamlit run streamlit_app.py`` (like the browser tests)
and drives headless Chromium sessions with Playwright's async API (one browser, one context
per student). The browsers share the machine with the server, so the server's own figures
(CPU seconds of its process and its children, resident memory, sampled with psutil) are
reported apart from the browsers' wall times. The load average is printed with every table:
on a shared machine, rerun on an idle one before quoting a figure.

Modes (``--mode``, default ``lesson fairness``):

``lesson``
    For each N in ``--students`` (default 1 4 8 16), on a fresh server: N students at once
    through the Overview, the Learn pages (a γ scrub on the γ explorer), a k-means run with
    the defaults, the Barycenters page with its γ sweep, and an upload on Your data. Reports
    the lesson's wall time per student against one student alone, the p50/p95 time to the
    first chart of each page, the server's CPU seconds per student (and against a solo
    lesson's), its peak resident memory, and errors.
``fairness``
    Three students run long jobs back to back at the page caps (γ sweeps of six γ on 40
    series of 300 points, each with a new seed, so nothing is shared) while a fourth opens
    the Cost & DP table repeatedly (a new γ each time): its time to first chart against the
    same when the server is idle (target ≤ 1.5×), and the server's part of it (from the
    page's websocket opening to the server's last message before the chart). In a class the
    busy students' browsers run on their own machines; here (``--busy-clients remote``, the
    default) they are :class:`RemoteStudent` s, which ask for their page's runs over the
    front end's protocol and receive every message without drawing it (``--mode clients``
    checks that the server does the same work for them as for a browser).
    ``--busy-clients browser`` puts them in headless Chromium on this machine instead, in
    the ``SCHED_IDLE`` class, where they still take from the fourth student's browser: an
    upper bound. Half the idle probes come before the busy ones, half after (once the server
    is quiet again), so that a drift of the machine's speed shows in neither; the
    hypervisor's steal time is printed for both. ``--busy one-job``: each busy student runs
    one sweep and then stays on its page (three jobs queued and running, without the new
    page loads between back-to-back jobs), which separates the jobs' effect from that of the
    busy students' own page loads.
``clients``
    The check behind ``fairness``'s remote students: one long-job page load at a time from a
    browser on this machine and from a :class:`RemoteStudent`, on an idle server, and the
    server's CPU seconds for each (its main process, and with the job worker).
``memory``
    500 reruns in one session (γ changes on the Cost & DP table), then 200 sessions opened
    and closed; the server's resident memory before and after (target: within 50 MB).
``cold``
    A fresh clone's first visit: the repository is copied without any ``__pycache__`` (cold
    Numba cache), the server started, and the time from "server up" to the Overview's first
    chart, to the k-means page being ready and from the Run click to the first live frame.

``cold-pages``
    The same for every page opened first (``--pages``, by URL path): a fresh clone's server
    per visit, the page opened by a direct link (and, for the Cost & DP table and k-means,
    from the sidebar right after the entry page); the time from "server up" to the page's own
    first chart (k-means: from the Run click to the first frame), the server's CPU seconds
    meanwhile, ``--repeats`` times; then the whole warm-up's CPU seconds from a fresh clone.

``--quick`` is a smoke run: without ``--mode``, the ``memory`` mode alone with 6 reruns and
3 sessions (one server, one browser); with ``--mode``, those modes shrunk (N = 1 2, fewer
reruns and sessions). Without Chromium or Playwright it prints what it skips and exits 0.
Results also go to ``benchmarks/results/classroom-<mode>.json`` (not with ``--quick``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.data import series_to_csv, warped_copies  # noqa: E402
from tests.e2e.conftest import APP_READY, CHROMIUM, CHROMIUM_ARGS, SCRIPT_RUNS  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
TIMEOUT_MS = 300_000
FIRST_CHART = "[data-testid='stPlotlyChart'] .main-svg"
#: A live k-means frame has arrived: the run's status names its iteration (the chart beside
#: it may still be drawing, and under load the browser can skip drawing frames that are
#: replaced 0.2 s later).
FIRST_FRAME = "text=/Running soft-DTW k-means… iteration \\d+/"
#: True once the page shows at least ``n`` drawn Plotly charts.
CHARTS_DRAWN = """n => Array.from(document.querySelectorAll("[data-testid='stPlotlyChart']"))
  .filter(c => c.querySelector('.main-svg')).length >= n"""


def load_average() -> str:
    return "load average (1, 5, 15 min): " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


# --------------------------------------------------------------------------- the server


class Server:
    """``streamlit run`` on a free port, with psutil on its process (and children)."""

    def __init__(self, root: Path = ROOT):
        self.root = root
        with contextlib.closing(__import__("socket").socket()) as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.started = None
        self.rss_peak = 0
        self._sampling = False

    def start(self, timeout: float = 300) -> float:
        """Start; return seconds until ``/_stcore/health`` answers."""
        cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
               "--server.headless", "true", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=self.root, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.ps = psutil.Process(self.proc.pid)
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        self.started = time.perf_counter()
        self._sampling = True
        threading.Thread(target=self._sample, daemon=True).start()
        return self.started - t0

    def _sample(self) -> None:
        while self._sampling:
            with contextlib.suppress(psutil.Error):
                self.rss_peak = max(self.rss_peak, self.rss())
            time.sleep(0.25)

    def cpu(self) -> float:
        """CPU seconds of the server process and its (live and finished) children."""
        t = self.ps.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for child in self.ps.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                c = child.cpu_times()
                total += c.user + c.system
        return total

    def rss(self) -> int:
        return self.ps.memory_info().rss

    def wait_quiet(self, timeout: float = 300, window: float = 1.0) -> None:
        """Wait until the server (with its job worker) uses under 5 % of a core over
        ``window`` seconds: the jobs left running are done."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            before = self.cpu()
            time.sleep(window)
            if self.cpu() - before < 0.05 * window:
                return
        raise RuntimeError(f"the server was still busy after {timeout} s")

    def stop(self) -> None:
        self._sampling = False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


async def wait_ready(page) -> None:
    await page.wait_for_function(APP_READY, polling=100, timeout=TIMEOUT_MS)


async def open_url(page, url: str) -> float:
    """Open a URL; seconds until its first chart is drawn."""
    t0 = time.perf_counter()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.locator(FIRST_CHART).first.wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t0
    await wait_ready(page)
    return seconds


async def navigate(page, url_path: str, *, chart: bool = True) -> float:
    """Click a sidebar link (same session); seconds until the page's first chart (or its
    title when ``chart`` is False)."""
    t0 = time.perf_counter()
    await page.locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']").click()
    await page.wait_for_url(f"**/{url_path}*", timeout=TIMEOUT_MS)
    if chart:
        await page.locator(f"[data-testid='stMain'] {FIRST_CHART}").first.wait_for(
            timeout=TIMEOUT_MS)
    else:
        await page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t0
    await wait_ready(page)
    return seconds


async def errors(page) -> int:
    return (await page.locator("[data-testid='stException']").count()
            + await page.locator("[data-testid='stAlertContentError']").count())


# --------------------------------------------------------------------------- the lesson


async def lesson(browser, url: str, upload: Path) -> dict:
    """One student's lesson; per page the seconds to its first chart."""
    context = await browser.new_context(viewport={"width": 1400, "height": 950})
    await context.add_init_script(SCRIPT_RUNS)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    times, n_errors = {}, 0
    t0 = time.perf_counter()
    try:
        times["overview"] = await open_url(page, url)
        for path in ("cost-table", "bellman", "softmin", "gamma-explorer"):
            times[path] = await navigate(page, path)
            n_errors += await errors(page)
        rail = page.locator(".slider-container .slider-rail-rect").first
        box = await rail.bounding_box()
        for x in (box["x"] + box["width"] - 2, box["x"] + 2):  # scrub γ to the ends
            await page.mouse.click(x, box["y"] + box["height"] / 2)
        times["kmeans"] = await navigate(page, "kmeans", chart=False)
        t_run = time.perf_counter()
        await page.get_by_role("button", name="Run k-means").click()
        await page.locator(FIRST_FRAME).first.wait_for(timeout=TIMEOUT_MS)
        times["kmeans first frame"] = time.perf_counter() - t_run
        await page.get_by_role("heading", name="Step through the recorded iterations").wait_for(
            timeout=TIMEOUT_MS)
        await wait_ready(page)
        times["kmeans run"] = time.perf_counter() - t_run
        n_errors += await errors(page)
        times["barycenters"] = await navigate(page, "barycenters")
        t_sweep = time.perf_counter()
        await page.get_by_text("Run the γ sweep").click()
        await page.wait_for_function(CHARTS_DRAWN, arg=3, polling=100, timeout=TIMEOUT_MS)
        await wait_ready(page)
        times["barycenter sweep"] = time.perf_counter() - t_sweep
        n_errors += await errors(page)
        times["your-data"] = await navigate(page, "your-data", chart=False)
        t_up = time.perf_counter()
        await page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
            str(upload))
        await page.locator(FIRST_CHART).first.wait_for(timeout=TIMEOUT_MS)
        times["upload first chart"] = time.perf_counter() - t_up
        await wait_ready(page)
        n_errors += await errors(page)
    except Exception as exc:  # a failed lesson is counted, not fatal
        n_errors += 1
        times["failure"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    times["lesson"] = time.perf_counter() - t0
    await context.close()
    return {"times": times, "errors": n_errors}


def upload_file(directory: Path) -> Path:
    ds = warped_copies(4, 60, templates=("sine", "bumps", "square"), seed=3)
    path = directory / "class.csv"
    path.write_bytes(series_to_csv(ds.series, labels=ds.labels))
    return path


async def start_browser(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                            headless=True)


async def warm_server(browser, url: str) -> None:
    """One visit to the last page to need kernels (its stage loads after every other)."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{url}/prediction", timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Train the three models").wait_for(timeout=TIMEOUT_MS)
    await context.close()


def percentile(values, q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def run_lesson(n: int, upload: Path) -> dict:
    from playwright.async_api import async_playwright

    server = Server()
    server.start()
    try:
        async with async_playwright() as p:
            browser = await start_browser(p)
            await warm_server(browser, server.url)
            cpu0, rss0 = server.cpu(), server.rss()
            server.rss_peak = rss0
            t0 = time.perf_counter()
            results = await asyncio.gather(*[lesson(browser, server.url, upload)
                                             for _ in range(n)])
            wall = time.perf_counter() - t0
            cpu = server.cpu() - cpu0
            await browser.close()
    finally:
        server.stop()
    pages = {}
    for r in results:
        for name, v in r["times"].items():
            if isinstance(v, float):
                pages.setdefault(name, []).append(v)
    return {"students": n, "wall": wall, "server_cpu": cpu, "cpu_per_student": cpu / n,
            "rss_start_mb": rss0 / 2**20, "rss_peak_mb": server.rss_peak / 2**20,
            "errors": sum(r["errors"] for r in results),
            "failures": [r["times"]["failure"] for r in results if "failure" in r["times"]],
            "lesson_p50": percentile(pages.get("lesson", []), 0.5),
            "pages": {k: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95)}
                      for k, v in pages.items()}}


def lesson_mode(students, tmp: Path) -> dict:
    upload = upload_file(tmp)
    rows = [asyncio.run(run_lesson(n, upload)) for n in students]
    solo = next((r for r in rows if r["students"] == 1), rows[0])
    print(f"\nLesson per student ({load_average()})")
    print(f"{'N':>3} | {'lesson p50 s':>12} {'vs solo':>7} | {'server CPU s':>12} "
          f"{'CPU/student':>11} {'vs solo':>7} | {'RSS start MB':>12} {'peak MB':>8} | errors")
    for r in rows:
        print(f"{r['students']:>3} | {r['lesson_p50']:>12.1f} "
              f"{r['lesson_p50'] / solo['lesson_p50']:>7.2f} | {r['server_cpu']:>12.1f} "
              f"{r['cpu_per_student']:>11.2f} "
              f"{r['cpu_per_student'] / solo['cpu_per_student']:>7.2f} | "
              f"{r['rss_start_mb']:>12.0f} {r['rss_peak_mb']:>8.0f} | {r['errors']}")
        for f in r["failures"][:3]:
            print(f"      failure: {f}")
    names = list(rows[0]["pages"])
    print(f"\nTime to first chart (browser wall time, s; p50 / p95) ({load_average()})")
    print(f"{'page':>20} | " + " | ".join(f"{'N=' + str(r['students']):>13}" for r in rows))
    for name in names:
        if name == "lesson":
            continue
        cells = []
        for r in rows:
            v = r["pages"].get(name)
            cells.append(f"{v['p50']:>6.2f}/{v['p95']:>6.2f}" if v else f"{'-':>13}")
        print(f"{name:>20} | " + " | ".join(cells))
    return {"rows": rows}


# --------------------------------------------------------------------------- fairness


def background_chromium(directory: Path) -> str:
    """A launcher that runs Chromium, and every process it forks, in the ``SCHED_IDLE``
    scheduling class: it gets the CPU only when nothing else wants it. (Not ``nice``:
    running as root, Chromium resets its renderers to niceness 0 and its compositor
    threads to -8.)"""
    path = directory / "chromium-background"
    path.write_text(f'#!/bin/sh\nexec chrt --idle 0 "{CHROMIUM}" "$@"\n')
    path.chmod(0o755)
    return str(path)


def steal_seconds() -> float:
    """CPU seconds the hypervisor has taken from this machine since boot (``/proc/stat``'s
    steal column; 0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def long_job_url(url: str, seed: int) -> str:
    """The Barycenters page at its caps: its comparison, then its γ sweep, are long jobs."""
    return (f"{url}/barycenters?bc_src=warped+copies&bc_n=40&bc_len=300&bc_seed={seed}"
            "&bc_sweep_on=true&bc_gammas=0.01&bc_gammas=0.1&bc_gammas=0.3&bc_gammas=1"
            "&bc_gammas=3&bc_gammas=10")


async def busy_student(browser, url: str, k: int, started: asyncio.Event,
                       stop: asyncio.Event, finished: list, one_job: bool = False) -> None:
    """A student running long jobs back to back until ``stop``: the Barycenters page at its
    caps with a new seed each time (nothing shared). ``started`` once the first job shows
    its progress or its place in the queue; ``finished`` gets one entry per job done. With
    ``one_job`` the student runs one sweep and then stays on its page."""
    context = await browser.new_context(viewport={"width": 1400, "height": 950})
    page = await context.new_page()
    seed = 100 + k
    try:
        while not stop.is_set():
            await page.goto(long_job_url(url, seed), timeout=TIMEOUT_MS)
            await page.locator("[data-testid='stProgress']").or_(page.get_by_text("Queued:"))\
                .first.wait_for(timeout=TIMEOUT_MS)
            started.set()
            drawn = asyncio.create_task(page.wait_for_function(
                CHARTS_DRAWN, arg=3, polling=500, timeout=TIMEOUT_MS))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({drawn, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if drawn.done() and drawn.exception() is None:
                finished.append(seed)
                if one_job:
                    await stop.wait()
            for task in (drawn, stopped):
                task.cancel()
            await asyncio.gather(drawn, stopped, return_exceptions=True)
            seed += 3
    finally:
        await context.close()


class RemoteStudent:
    """A student whose browser runs on another machine, as in a class: what the server
    sees of a page load, without the drawing.

    :meth:`load` fetches the page's HTML and the front end's first requests (its scripts
    and styles are in the browser's cache after the first visit), opens the session's
    websocket, asks for the page's run with the URL's query string, as the front end does,
    and receives every message the server sends until the run ends. The server does exactly
    the work it does for a browser (it cannot tell); this process only reads the messages'
    types. So the benchmark's machine does not also draw the busy students' charts, which
    a class's server never does.
    """

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.stream = f"ws://{parts.netloc}/_stcore/stream"
        self.page_name = parts.path.strip("/")
        self.query = parts.query
        self.url = url
        self.queued_or_running = asyncio.Event()
        self.errors = 0
        #: Elements received, by type ("plotly_chart", "progress", ...).
        self.elements: dict[str, int] = {}

    def _fetch(self) -> None:
        for address in (self.url, f"{self.base}/_stcore/health",
                        f"{self.base}/_stcore/host-config"):
            with urllib.request.urlopen(address, timeout=TIMEOUT_MS / 1000) as response:
                response.read()

    def _read(self, data: bytes):
        """The message's end-of-run status, or None; notes progress and errors."""
        from streamlit.proto.Alert_pb2 import Alert
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            return msg.script_finished
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            self.elements[which] = self.elements.get(which, 0) + 1
            if which == "progress" or (which == "markdown"
                                       and element.markdown.body.startswith("Queued:")):
                self.queued_or_running.set()
            elif which == "exception" or (which == "alert"
                                          and element.alert.format == Alert.ERROR):
                self.errors += 1
        return None

    async def load(self) -> None:
        """Load the page and wait until its run has ended (jobs it waits for included)."""
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        await asyncio.to_thread(self._fetch)
        async with websockets.connect(self.stream, subprotocols=["streamlit"],
                                      max_size=None, open_timeout=TIMEOUT_MS / 1000) as ws:
            request = BackMsg()
            request.rerun_script.query_string = self.query
            request.rerun_script.page_name = self.page_name
            await ws.send(request.SerializeToString())
            while True:
                status = self._read(await ws.recv())
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.errors += 1
                    return


async def busy_remote_student(url: str, k: int, started: asyncio.Event, stop: asyncio.Event,
                              finished: list, errors: list, one_job: bool = False) -> None:
    """:func:`busy_student` with its browser on another machine (:class:`RemoteStudent`)."""
    seed = 100 + k
    while not stop.is_set():
        student = RemoteStudent(long_job_url(url, seed))
        loaded = asyncio.create_task(student.load())
        stopped = asyncio.create_task(stop.wait())
        shown = asyncio.create_task(student.queued_or_running.wait())
        await asyncio.wait({loaded, shown}, return_when=asyncio.FIRST_COMPLETED)
        started.set()
        await asyncio.wait({loaded, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if loaded.done():
            loaded.result()  # a failed page load is the benchmark's failure
            finished.append(seed)
            if one_job:
                await stop.wait()
        for task in (loaded, stopped, shown):
            task.cancel()  # a page still loading: the student leaves it (closes the socket)
        await asyncio.gather(loaded, stopped, shown, return_exceptions=True)
        errors.append(student.errors)
        seed += 3


class CostTableProbe:
    """The fourth student: opens the Cost & DP table once per γ, each a new page load and
    session, in one browser context (its HTTP cache warm after the first load, as a
    student's would be).

    :meth:`times` returns the seconds to the first chart and the server's part of them:
    from the page's websocket opening (the browser has then loaded the front end) to the
    last message the server sent before the chart. Playwright hears of both from Chromium's
    network service, not from the page's main thread, so the browser's own load on the
    machine does not delay them."""

    def __init__(self, url: str):
        self.url = url
        self.marks = {"open": 0.0, "last": 0.0}

    async def open(self, browser) -> None:
        self.context = await browser.new_context(viewport={"width": 1400, "height": 950})
        self.page = await self.context.new_page()
        self.page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:
        marks = self.marks
        marks["open"] = marks["last"] = time.perf_counter()
        ws.on("framereceived", lambda _: marks.__setitem__("last", time.perf_counter()))

    async def times(self, gammas) -> tuple[list[float], list[float]]:
        charts, server = [], []
        for g in gammas:
            t0 = time.perf_counter()
            t_chart = await open_url(self.page, f"{self.url}/cost-table?gamma={g}")
            charts.append(t_chart)
            server.append(min(self.marks["last"], t0 + t_chart) - self.marks["open"])
        return charts, server

    async def close(self) -> None:
        await self.context.close()


async def run_fairness(repeats: int, tmp: Path, busy_mode: str = "back-to-back",
                       clients: str = "remote") -> dict:
    """The fourth student's Cost & DP table, idle and while three run long jobs.

    In a class the busy students' browsers run on their own machines. With ``clients``
    ``"remote"`` they are :class:`RemoteStudent` s: the server does all it does for a browser,
    and this machine draws nothing for them. With ``"browser"`` they are headless Chromium
    sessions here, at the lowest priority (``SCHED_IDLE``), which still take some of the
    CPU and memory bandwidth the fourth student's browser draws with: the ratio of the page
    loads is then an upper bound. Their jobs run back to back through all the probes, so the
    server's job pool never idles meanwhile.
    """
    from playwright.async_api import async_playwright

    from explorer.web.sidebar import GAMMA_OPTIONS

    options = [g for g in GAMMA_OPTIONS if g not in ("0", "1")]  # "1": the first visit's
    idle_g, busy_g = options[0:2 * repeats:2], options[1:2 * repeats:2]
    half = len(idle_g) // 2
    server = Server()
    server.start()
    background = None
    try:
        async with async_playwright() as p:
            browser = await start_browser(p)
            await warm_server(browser, server.url)
            probe = CostTableProbe(server.url)
            await probe.open(browser)
            await probe.times(["1"])  # first visit: imports, the browser's cache
            steal0, t_idle = steal_seconds(), time.perf_counter()
            idle, idle_server = await probe.times(idle_g[:half])
            idle_wall, steal_idle = time.perf_counter() - t_idle, steal_seconds() - steal0
            stop = asyncio.Event()
            started = [asyncio.Event() for _ in range(3)]
            finished: list = []
            busy_errors: list = []
            one_job = busy_mode == "one-job"
            if clients == "browser":
                background = await p.chromium.launch(
                    executable_path=background_chromium(tmp), args=CHROMIUM_ARGS,
                    headless=True)
                students = [asyncio.create_task(busy_student(background, server.url, k,
                                                             started[k], stop, finished,
                                                             one_job=one_job))
                            for k in range(3)]
            else:
                students = [asyncio.create_task(busy_remote_student(
                    server.url, k, started[k], stop, finished, busy_errors, one_job=one_job))
                    for k in range(3)]
            for e in started:
                await e.wait()
            cpu0, steal1 = server.cpu(), steal_seconds()
            t0 = time.perf_counter()
            busy, busy_server = await probe.times(busy_g)
            probe_wall = time.perf_counter() - t0
            probe_cpu, steal2 = server.cpu() - cpu0, steal_seconds()
            jobs_during = len(finished)
            stop.set()
            outcomes = await asyncio.gather(*students, return_exceptions=True)
            if background is not None:
                await background.close()
            await asyncio.to_thread(server.wait_quiet)  # the last jobs end: idle again
            steal0, t_idle = steal_seconds(), time.perf_counter()
            after, after_server = await probe.times(idle_g[half:])
            idle_wall += time.perf_counter() - t_idle
            steal_idle += steal_seconds() - steal0
            idle += after
            idle_server += after_server
            await probe.close()
            await browser.close()
    finally:
        server.stop()
    med = statistics.median
    ratio = med(busy) / med(idle)
    server_ratio = med(busy_server) / med(idle_server)
    how = "back to back" if busy_mode == "back-to-back" else "one each, then stay on the page"
    where = ("their browsers elsewhere (protocol clients)" if clients == "remote"
             else "their browsers on this machine, SCHED_IDLE")
    failures = [f"{type(o).__name__}: {o}" for o in outcomes if isinstance(o, Exception)]
    print(f"\nFairness: Cost & DP table while 3 students run γ sweeps at the caps ({how}; "
          f"{where}) ({load_average()})")
    print(f"  idle probes: {half} before the busy ones, {len(idle_g) - half} after")
    print("  to the first chart (page load in the browser, new session each time):")
    print(f"    idle: median {med(idle):.2f} s {[round(v, 2) for v in idle]}")
    print(f"    busy: median {med(busy):.2f} s {[round(v, 2) for v in busy]}")
    print(f"    ratio busy/idle: {ratio:.2f} (target <= 1.5)")
    print("  the server's part: websocket open to its last message before the chart:")
    print(f"    idle: median {med(idle_server):.2f} s {[round(v, 2) for v in idle_server]}")
    print(f"    busy: median {med(busy_server):.2f} s {[round(v, 2) for v in busy_server]}")
    print(f"    ratio busy/idle: {server_ratio:.2f}")
    print(f"  {jobs_during} long jobs finished during the {probe_wall:.0f} s of probes (one runs "
          f"at a time, the others queue); the server used {probe_cpu / probe_wall:.2f} cores "
          "meanwhile")
    shown = sum(busy_errors) if clients == "remote" else "not counted (browsers)"
    print(f"  busy students' errors shown: {shown}; failed: {failures or 'none'}")
    print(f"  CPU taken by the hypervisor (steal), per second: {(steal2 - steal1) / probe_wall:.2f}"
          f" while busy, {steal_idle / idle_wall:.2f} while idle")
    return {"idle": idle, "busy": busy, "ratio": ratio, "idle_server": idle_server,
            "busy_server": busy_server, "server_ratio": server_ratio,
            "steal_busy": (steal2 - steal1) / probe_wall, "steal_idle": steal_idle / idle_wall,
            "busy_students": busy_mode, "busy_clients": clients,
            "busy_errors": sum(busy_errors) if clients == "remote" else None,
            "busy_failures": failures,
            "jobs_finished_during_probe": jobs_during,
            "probe_seconds": probe_wall,
            "server_cores": probe_cpu / probe_wall}


async def run_clients(repeats: int) -> dict:
    """Check :class:`RemoteStudent` against a browser: one long-job page load (the
    Barycenters page at its caps, a new seed each time) from each in turn, on an otherwise
    idle server; the server's CPU seconds for it (its main process, where the pages run,
    and with the job worker) and the wall time to the end of the run. The browser's context
    is warmed first, its scripts cached, as a busy student's is in ``fairness``."""
    from playwright.async_api import async_playwright

    server = Server()
    server.start()
    rows: dict[str, dict[str, list]] = {k: {"main": [], "total": [], "wall": []}
                                        for k in ("browser", "remote")}
    try:
        async with async_playwright() as p:
            browser = await start_browser(p)
            await warm_server(browser, server.url)
            context = await browser.new_context(viewport={"width": 1400, "height": 950})
            page = await context.new_page()
            await open_url(page, server.url)  # the front end's files into its cache
            for rep in range(repeats):
                for kind in ("browser", "remote"):
                    url = long_job_url(server.url, 1000 + 2 * rep + (kind == "remote"))
                    await asyncio.to_thread(server.wait_quiet)
                    main0, total0 = sum(server.ps.cpu_times()[:2]), server.cpu()
                    t0 = time.perf_counter()
                    if kind == "browser":
                        await page.goto(url, timeout=TIMEOUT_MS)
                        await page.wait_for_function(CHARTS_DRAWN, arg=3, polling=200,
                                                     timeout=TIMEOUT_MS)
                    else:
                        await RemoteStudent(url).load()
                    rows[kind]["wall"].append(time.perf_counter() - t0)
                    await asyncio.to_thread(server.wait_quiet)
                    rows[kind]["main"].append(sum(server.ps.cpu_times()[:2]) - main0)
                    rows[kind]["total"].append(server.cpu() - total0)
            await browser.close()
    finally:
        server.stop()
    med = statistics.median
    print(f"\nA long-job page load from a browser on this machine vs a remote student "
          f"(medians of {repeats}; {load_average()})")
    print(f"  {'client':<9} {'server main process':>20} {'with the job worker':>20} "
          f"{'wall':>8}")
    for kind, r in rows.items():
        print(f"  {kind:<9} {med(r['main']):>18.2f} s {med(r['total']):>18.2f} s "
              f"{med(r['wall']):>6.2f} s")
    return rows


# --------------------------------------------------------------------------- memory


async def run_memory(reruns: int, sessions: int) -> dict:
    from playwright.async_api import async_playwright

    server = Server()
    server.start()
    try:
        async with async_playwright() as p:
            browser = await start_browser(p)
            await warm_server(browser, server.url)
            context = await browser.new_context()
            await context.add_init_script(SCRIPT_RUNS)
            page = await context.new_page()
            await open_url(page, f"{server.url}/cost-table")
            rss0 = server.rss()
            thumb = page.locator("[data-testid='stSidebar'] input[type='range']"
                                 "[aria-label^='γ (smoothing']")
            await thumb.focus()
            done, k = 0, 0
            while done < reruns:  # γ up 8 options, down 8, …: a rerun (and new tables) each
                before = await page.evaluate("window.__scriptRuns.finished")
                await thumb.press("ArrowRight" if (k // 8) % 2 == 0 else "ArrowLeft")
                k += 1
                with contextlib.suppress(Exception):  # a lost key press: press again
                    await page.wait_for_function("n => window.__scriptRuns.finished > n",
                                                 arg=before, polling=50, timeout=30_000)
                done = await page.evaluate("window.__scriptRuns.finished") - 1
            await wait_ready(page)
            rss_reruns = server.rss()
            await context.close()
            for _ in range(sessions):
                c = await browser.new_context()
                pg = await c.new_page()
                await open_url(pg, server.url)
                await c.close()
            await asyncio.sleep(2.0)  # the server notices closed sockets
            rss_end = server.rss()
            await browser.close()
    finally:
        server.stop()
    mb = 2**20
    print(f"\nMemory ({load_average()})")
    print(f"  RSS after warm-up and one Cost & DP table: {rss0 / mb:.0f} MB")
    print(f"  after {reruns} reruns in one session: {rss_reruns / mb:.0f} MB "
          f"({(rss_reruns - rss0) / mb:+.0f})")
    print(f"  after {sessions} sessions opened and closed: {rss_end / mb:.0f} MB "
          f"({(rss_end - rss0) / mb:+.0f}; target within 50 MB)")
    return {"rss_start": rss0, "rss_after_reruns": rss_reruns, "rss_end": rss_end,
            "reruns": reruns, "sessions": sessions}


# --------------------------------------------------------------------------- cold start


async def run_cold(tmp: Path) -> dict:
    from playwright.async_api import async_playwright

    clone = tmp / "clone"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(
        "__pycache__", ".git", "*.egg-info", "screenshots", "results"))
    server = Server(clone)
    env_cache = os.environ.pop("NUMBA_CACHE_DIR", None)
    try:
        up = server.start()
        async with async_playwright() as p:
            browser = await start_browser(p)
            context = await browser.new_context(viewport={"width": 1400, "height": 950})
            page = await context.new_page()
            overview = await open_url(page, server.url)
            await page.goto(f"{server.url}/kmeans", timeout=TIMEOUT_MS)
            await page.get_by_role("button", name="Run k-means").wait_for(timeout=TIMEOUT_MS)
            kmeans_ready = time.perf_counter() - server.started
            t_click = time.perf_counter()
            await page.get_by_role("button", name="Run k-means").click()
            await page.locator(FIRST_FRAME).first.wait_for(timeout=TIMEOUT_MS)
            first_frame = time.perf_counter() - t_click
            again = await browser.new_context(viewport={"width": 1400, "height": 950})
            overview_again = await open_url(await again.new_page(), server.url)
            await browser.close()
    finally:
        server.stop()
        if env_cache is not None:
            os.environ["NUMBA_CACHE_DIR"] = env_cache
    print(f"\nFresh clone, cold Numba cache ({load_average()})")
    print(f"  server up (health ok) after {up:.1f} s")
    print(f"  Overview's first chart: {overview:.2f} s after the server was up (target <= 3); "
          f"the same in a new session once warm: {overview_again:.2f} s (what the browser "
          "alone takes here)")
    print(f"  k-means page ready (kernels compiled in the background): {kmeans_ready:.0f} s "
          "after the server was up")
    print(f"  Run k-means click to the first live frame: {first_frame:.2f} s (target <= 3)")
    return {"server_up": up, "overview": overview, "overview_warm": overview_again,
            "kmeans_ready": kmeans_ready, "first_frame": first_frame}


# --------------------------------------------------------------------------- cold pages

#: True once the page's own first chart is drawn: a Plotly chart in the main area taller than
#: the 10-pixel empty one the app sends first (to have the browser load Plotly early).
PAGE_CHART_DRAWN = """() => Array.from(
  document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart']"))
  .some(c => c.querySelector('.main-svg') && c.getBoundingClientRect().height > 50)"""
#: The pages measured by ``--mode cold-pages``, opened first by a direct link; the pages
#: that draw nothing before an action (k-means: the Run button) are timed to their action.
COLD_PAGES = ["overview", "cost-table", "bellman", "softmin", "gamma-explorer", "loss",
              "interpolation", "barycenters", "kmeans"]


def cold_clone(tmp: Path) -> Path:
    """A copy of the repository without any ``__pycache__`` (no Numba cache: a fresh clone)."""
    clone = Path(tempfile.mkdtemp(dir=tmp))
    shutil.copytree(ROOT, clone, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
        "__pycache__", ".git", "*.egg-info", "screenshots", "results"))
    return clone


async def first_chart(page, server: Server, t0: float | None = None) -> float:
    """Seconds from ``t0`` (default: the server being up) to the page's own first chart."""
    await page.wait_for_function(PAGE_CHART_DRAWN, polling=50, timeout=TIMEOUT_MS)
    return time.perf_counter() - (server.started if t0 is None else t0)


async def kmeans_first_frame(page) -> float:
    """Click Run k-means once the page is ready; seconds from the click to the first frame."""
    run = page.get_by_role("button", name="Run k-means")
    await run.wait_for(timeout=TIMEOUT_MS)
    await wait_ready(page)
    t_click = time.perf_counter()
    await run.click()
    await page.locator(FIRST_FRAME).first.wait_for(timeout=TIMEOUT_MS)
    return time.perf_counter() - t_click


async def cold_visit(browser, tmp: Path, path: str, after_entry: bool) -> dict:
    """A fresh clone's server; ``path`` opened first (``after_entry``: the entry page first,
    then ``path`` from the sidebar in the same session). Times from the server being up, the
    server's CPU seconds (its process and children: the warm-up's compiler) at that moment."""
    server = Server(cold_clone(tmp))
    env_cache = os.environ.pop("NUMBA_CACHE_DIR", None)
    try:
        server.start()
        cpu0 = server.cpu()
        context = await browser.new_context(viewport={"width": 1400, "height": 950})
        page = await context.new_page()
        out = {"page": path, "after_entry": after_entry}
        if after_entry:
            await page.goto(server.url, timeout=TIMEOUT_MS)
            out["entry_chart"] = await first_chart(page, server)
            await page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").click()
            await page.wait_for_url(f"**/{path}*", timeout=TIMEOUT_MS)
        else:
            await page.goto(f"{server.url}/{'' if path == 'overview' else path}",
                            timeout=TIMEOUT_MS)
        if path == "kmeans":
            out["first_frame"] = await kmeans_first_frame(page)
            out["first_chart"] = time.perf_counter() - server.started
        else:
            out["first_chart"] = await first_chart(page, server)
        out["server_cpu"] = server.cpu() - cpu0
        out["errors"] = await errors(page)
        await context.close()
        return out
    finally:
        server.stop()
        if env_cache is not None:
            os.environ["NUMBA_CACHE_DIR"] = env_cache


async def warmup_cpu(tmp: Path) -> dict:
    """A fresh clone's server, the entry page opened, then left alone until the warm-up is
    over: the server's CPU seconds in all (the compiler child included), and the wall time."""
    from playwright.async_api import async_playwright

    server = Server(cold_clone(tmp))
    env_cache = os.environ.pop("NUMBA_CACHE_DIR", None)
    try:
        server.start()
        cpu0 = server.cpu()
        async with async_playwright() as p:
            browser = await start_browser(p)
            page = await (await browser.new_context()).new_page()
            await page.goto(server.url, timeout=TIMEOUT_MS)
            await first_chart(page, server)
            server.wait_quiet(timeout=600, window=3.0)
            await browser.close()
        return {"cpu": server.cpu() - cpu0, "wall": time.perf_counter() - server.started}
    finally:
        server.stop()
        if env_cache is not None:
            os.environ["NUMBA_CACHE_DIR"] = env_cache


async def run_cold_pages(tmp: Path, repeats: int, pages: list[str],
                         warmup_runs: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    visits = []
    async with async_playwright() as p:
        browser = await start_browser(p)
        for r in range(repeats):
            for path in pages:
                for after_entry in ((False, True) if path in ("cost-table", "kmeans")
                                    else (False,)):
                    visit = await cold_visit(browser, tmp, path, after_entry)
                    visit["repeat"] = r
                    visits.append(visit)
                    print("  ", visit, flush=True)
        await browser.close()
    warm = [await warmup_cpu(tmp) for _ in range(repeats if warmup_runs is None else warmup_runs)]
    print(f"\nFresh clone, cold Numba cache, each page opened first ({load_average()}; "
          f"{os.cpu_count()} cores, shared: wall times are noisy, server CPU seconds beside)")
    print(f"{'page (opened first)':<34} {'first chart, s after server up':>31} "
          f"{'k-means click to frame, s':>26} {'server CPU, s':>14}")
    for path in pages:
        for after_entry in (False, True):
            rows = [v for v in visits if v["page"] == path and v["after_entry"] == after_entry]
            if not rows:
                continue
            name = f"{path}{' (after the entry page)' if after_entry else ''}"
            charts = ", ".join(f"{v['first_chart']:.2f}" for v in rows)
            frames = ", ".join(f"{v['first_frame']:.2f}" for v in rows if "first_frame" in v)
            cpu = ", ".join(f"{v['server_cpu']:.1f}" for v in rows)
            print(f"{name:<34} {charts:>31} {frames or '-':>26} {cpu:>14}")
    print("whole warm-up from the entry page (the server alone, the page left open): CPU "
          + ", ".join(f"{w['cpu']:.1f}" for w in warm) + " s; until quiet "
          + ", ".join(f"{w['wall']:.1f}" for w in warm) + " s wall")
    print("errors on the pages:", sum(v["errors"] for v in visits))
    return {"visits": visits, "warmup": warm}


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", nargs="+",
                        choices=["lesson", "fairness", "memory", "cold", "cold-pages", "clients"],
                        help="default: lesson fairness (memory alone with --quick)")
    parser.add_argument("--repeats", type=int, default=3, help="cold-pages: runs of each page")
    parser.add_argument("--pages", nargs="+", default=COLD_PAGES,
                        help="cold-pages: the pages to open first (URL paths)")
    parser.add_argument("--warmup-runs", type=int, default=None,
                        help="cold-pages: runs of the whole warm-up (default --repeats)")
    parser.add_argument("--students", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--busy", choices=["back-to-back", "one-job"], default="back-to-back",
                        help="fairness: the busy students run sweeps back to back (a new page "
                             "load after each), or one sweep each and then stay on the page")
    parser.add_argument("--busy-clients", choices=["remote", "browser"], default="remote",
                        help="fairness: the busy students' browsers on other machines "
                             "(protocol-level clients, the default), or headless Chromium on "
                             "this machine at the lowest priority")
    args = parser.parse_args()
    students = [1, 2] if args.quick else args.students
    smoke = args.quick and not args.mode
    modes = args.mode or (["memory"] if args.quick else ["lesson", "fairness"])
    print(load_average(), f"; {os.cpu_count()} cores")
    missing = [what for what, ok in (("Chromium at " + CHROMIUM, Path(CHROMIUM).exists()),
                                     ("playwright", _importable("playwright"))) if not ok]
    if missing:
        print(f"skipped: every mode ({', '.join(missing)} missing: see the docstring)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            if mode == "lesson":
                out = lesson_mode(students, Path(tmp))
            elif mode == "fairness":
                out = asyncio.run(run_fairness(4 if args.quick else 12, Path(tmp), args.busy,
                                                args.busy_clients))
            elif mode == "clients":
                out = {"clients": asyncio.run(run_clients(2 if args.quick else 5))}
            elif mode == "memory":
                reruns, sessions = (6, 3) if smoke else (60, 20) if args.quick else (500, 200)
                out = asyncio.run(run_memory(reruns, sessions))
            elif mode == "cold-pages":
                out = asyncio.run(run_cold_pages(Path(tmp), 1 if args.quick else args.repeats,
                                                 args.pages, args.warmup_runs))
            else:
                out = asyncio.run(run_cold(Path(tmp)))
            out["load_average"] = os.getloadavg()
            if args.quick:
                print(f"(--quick: benchmarks/results/classroom-{mode}.json left as it was)")
                continue
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / f"classroom-{mode}.json").write_text(json.dumps(out, indent=1))


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    main()
