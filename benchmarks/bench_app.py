"""Server-side render times of the Learn pages at n = m = 256, measured with AppTest.

Not a test: run it by hand (``python benchmarks/bench_app.py``) and read the table
(``--quick``: a smoke run on one page).

For each page: the *first render* (a fresh AppTest session on that page, Streamlit's data
caches cleared, Numba kernels already compiled in this process — i.e. what a visitor sees
after a warm server start), and the median of several *reruns* on a cache hit and after a
γ change (cache miss, the realistic "any rerun" the issue budgets at 250 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from explorer.web import registry  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
QUERY = {"src": "synthetic", "n": "256", "m": "256"}
PAGES = {info.title: info.script for info in registry.sections()["Learn"]}
GAMMAS = ["0.1", "0.15", "0.2", "0.3", "0.5", "0.7"]
REPEATS = 5


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def open_page(path: str, query: dict = QUERY) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params = dict(query)
    at.run()
    at.switch_page(path)
    return at


def check(at: AppTest) -> None:
    if at.exception or at.error:
        problems = [e.value for e in at.exception] or [e.value for e in at.error]
        raise SystemExit(f"page failed: {problems}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: the first Learn page at n = m = 64, one rerun each")
    args = parser.parse_args()
    query = dict(QUERY, n="64", m="64") if args.quick else QUERY
    pages = dict(list(PAGES.items())[:1]) if args.quick else PAGES
    repeats = 1 if args.quick else REPEATS
    # compile / load the Numba kernels once (server start), outside the measurements
    warm = open_page(registry.page("cost_table").script, query)
    warm.run()
    rows = []
    for name, path in pages.items():
        st.cache_data.clear()
        at = open_page(path, query)
        first = timed(at.run)
        check(at)
        hits = [timed(at.run) for _ in range(repeats)]
        misses = []
        for g in GAMMAS[1:repeats + 1]:
            at.select_slider(key="gamma").set_value(g)
            misses.append(timed(at.run))
            check(at)
        rows.append((name, first, statistics.median(hits), statistics.median(misses),
                     max(misses)))
    print(f"Learn pages, n = m = {query['n']} (synthetic sine pair), server-side seconds")
    print(f"{'page':<22} {'first render':>13} {'rerun (cached)':>15} "
          f"{'rerun (new γ) median':>21} {'max':>7}")
    for name, first, hit, miss, worst in rows:
        print(f"{name:<22} {first:13.3f} {hit:15.3f} {miss:21.3f} {worst:7.3f}")


if __name__ == "__main__":
    main()
