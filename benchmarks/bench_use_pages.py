"""Speed of the Interpolation, Barycenters and Prediction pages (not a test: run by hand).

``python benchmarks/bench_use_pages.py`` prints one table (``--quick``: a small smoke run).
The issue's budget: the barycenter of 30 series of length 150 at γ = 0.1 *shown* in ≤ 2 s.
Measured here:

- the computations alone (:mod:`explorer.logic.interpolation`, ``barycenters`` and
  ``prediction``, which never cache; Numba kernels already compiled), median of ``REPEATS`` runs;
- the Barycenters page rendered by AppTest on that set (30 warped copies of length 150,
  γ = 0.1): first render with an empty memo (what a visitor waits for after changing a
  setting: the three methods, the scores, both figures), and a rerun on a memo hit;
- the Interpolation page's 21-frame λ grid on GunPoint (length 150) and the Prediction
  page's two trainings on GunPoint (100 iterations).

The machine load is printed too: on a shared 2-core machine the numbers grow with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import softdtw_core as sd  # noqa: E402
from explorer.data import load_dataset, warped_copies  # noqa: E402
from explorer.logic import barycenters, common, interpolation, prediction  # noqa: E402
from explorer.web import memo, registry  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
REPEATS = 5
BARY_QUERY = {"bc_src": "warped copies", "bc_n": "30", "bc_len": "150", "gamma": "0.1"}


def median_time(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def page_times(page: str, query: dict, repeats: int = REPEATS) -> tuple[float, float]:
    """(first render with an empty memo, rerun on a memo hit), medians over repeats."""
    first, rerun = [], []
    for _ in range(repeats):
        memo.clear_memo()
        at = AppTest.from_file(APP, default_timeout=300)
        at.query_params = dict(query)
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        first.append(time.perf_counter() - t0)
        if at.exception or at.error:
            raise SystemExit(f"page failed: {[e.value for e in at.exception or at.error]}")
        t0 = time.perf_counter()
        at.run()
        rerun.append(time.perf_counter() - t0)
    return statistics.median(first), statistics.median(rerun)


def _other_rows(rows, X, gp) -> None:
    rows.append(("compute: γ sweep 0.01, 0.1, 1, 10 on 30 × 150",
                 median_time(lambda: barycenters.barycenter_sweep(X, [0.01, 0.1, 1, 10]),
                             repeats=3)))
    rows.append(("compute: interpolation, 21 λ, GunPoint #0/#1 (150), γ = 0.1",
                 median_time(lambda: interpolation.interpolation_grid(gp[0], gp[1], 0.1),
                             repeats=3)))
    first, rerun = page_times(registry.page("interpolation").script, {}, repeats=3)
    rows.append(("Interpolation page (GunPoint default): first render", first))
    rows.append(("Interpolation page: rerun (memo hit)", rerun))
    d = prediction.prediction_data("GunPoint", 0.6)
    rows.append(("compute: train both predictors, GunPoint, 100 iterations",
                 median_time(lambda: prediction.train_predictors(d, 0.1, max_iter=100),
                             repeats=3)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 6 series of length 40, one run each, the "
                             "Barycenters page only (the other rows are skipped)")
    args = parser.parse_args()
    n, length, repeats = (6, 40, 1) if args.quick else (30, 150, REPEATS)
    query = dict(BARY_QUERY, bc_n=str(n), bc_len=str(length))
    X = warped_copies(n, length, seed=0).series
    gp = load_dataset("GunPoint", "train").series
    # compile / load the kernels and start the app once, outside the measurements
    warm = AppTest.from_file(APP, default_timeout=300)
    warm.query_params = {"bc_src": "warped copies", "bc_n": "3", "bc_len": "20"}
    warm.switch_page(registry.page("barycenters").script)
    warm.run()
    interpolation.interpolation_grid(gp[0][:20], gp[1][:20], 0.1, steps=3)

    rows = []
    size = f"{n} × {length}"
    with common.numba_threads(1):
        rows.append((f"soft-DTW barycenter alone, {size}, γ = 0.1",
                     median_time(lambda: sd.softdtw_barycenter(X, 0.1, max_iter=200), repeats)))
    rows.append((f"compute: Euclidean + DBA + soft-DTW + DTW losses, {size}",
                 median_time(lambda: barycenters.barycenter_comparison(X, 0.1), repeats)))
    first, rerun = page_times(registry.page("barycenters").script, query, repeats)
    rows.append((f"Barycenters page, {size}, γ = 0.1: first render", first))
    rows.append(("Barycenters page, same inputs: rerun (memo hit)", rerun))
    if args.quick:
        print("skipped in --quick: the γ sweep, interpolation and prediction rows")
    else:
        _other_rows(rows, X, gp)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; "
          f"median of up to {REPEATS} runs; Numba kernels warm")
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}} | seconds")
    print("-" * (width + 10))
    for name, t in rows:
        print(f"{name:<{width}} | {t:7.3f}")
    if args.quick:
        return
    budget = rows[2][1]
    print(f"\nbudget: barycenter of 30 series of length 150 at γ = 0.1 shown in ≤ 2 s: "
          f"{budget:.2f} s ({'met' if budget <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
