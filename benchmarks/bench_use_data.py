"""How long one live k-means iteration takes to compute and draw (issue 6: ≤ 1 s for 100 series
of length 128, k = 3), and the *Your data* page's pairwise matrix.

Not a test: run it by hand (``python benchmarks/bench_use_data.py``) and read the table
(``--quick``: a small smoke run).

1. *Library + figures*: for each iteration of :class:`softdtw_core.SoftDTWKMeans` (the page's
   settings: k-means++, 10 warm-started barycenter steps per update), the time the generator
   takes to yield it (assignment + centre update) plus building the page's two figures and
   serialising them to JSON (what Streamlit ships to the browser).
2. *Through the page*: the k-means page under AppTest on the same 100 series (handed over as
   an upload), timing the recorded iterations, whose interval includes drawing the previous
   one into the live placeholders.
3. The pairwise soft-DTW matrix + hierarchical ordering of the *Your data* page at its cap.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import softdtw_core as sd  # noqa: E402
from explorer.data import cylinder_bell_funnel  # noqa: E402
from explorer.logic import collection, kmeans  # noqa: E402
from explorer.plots import kmeans as plots  # noqa: E402
from explorer.web import registry, sidebar  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
N, LENGTH, K = 100, 128, 3
GAMMAS = (1.0, 0.1, 0.01)
MAX_ITER = 8


def data():
    ds = cylinder_bell_funnel(34, LENGTH, seed=0)
    return list(ds.series[:N]), ds.labels[:N]


def library_iterations(X, gamma: float, seed: int, max_iter: int = MAX_ITER):
    model = kmeans.make_kmeans("soft-DTW", K, gamma=gamma, seed=seed, max_iter=max_iter)
    compute, draw = [], []
    prev = None
    t = time.perf_counter()
    for step in model.iterate(X):
        compute.append(time.perf_counter() - t)
        t0 = time.perf_counter()
        moved = None if prev is None else prev != step.labels
        plots.kmeans_figure(X, step.labels, step.centers, moved=moved).to_json()
        plots.progress_figure(list(range(step.iteration + 1)), np.arange(step.iteration + 1.0),
                           np.zeros(step.iteration + 1), current=step.iteration).to_json()
        draw.append(time.perf_counter() - t0)
        prev = step.labels
        t = time.perf_counter()
    return compute, draw


def page_iterations(X, labels, gamma: float, seed: int, max_iter: int = MAX_ITER):
    up = {"series": X, "names": [f"cbf {k}" for k in range(len(X))], "labels": labels,
          "filename": "cbf100.csv"}
    at = AppTest.from_file(APP, default_timeout=600)
    at.query_params = {"km_src": "upload", "km_k": str(K), "km_gamma": f"{gamma:g}",
                       "km_seed": str(seed), "km_iter": str(max_iter)}
    at.session_state[sidebar.UPLOAD_KEY] = up
    at.run()
    at.switch_page(registry.page("kmeans").script)
    at.run()
    t0 = time.perf_counter()
    at.button(key="km_run").click().run()
    total = time.perf_counter() - t0
    if at.exception or at.error:
        raise SystemExit(f"page failed: {[e.value for e in at.exception or at.error]}")
    elapsed = [s["elapsed"] for s in at.session_state["km_record"]["steps"]]
    return np.diff(elapsed).tolist(), total


def fmt(values) -> str:
    return (f"median {statistics.median(values):.3f} s, max {max(values):.3f} s "
            f"({len(values)} its)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 30 series, γ = 0.1, seed 0, 2 updates, a 30-series "
                             "matrix")
    args = parser.parse_args()
    X, labels = data()
    count, max_iter = (30, 2) if args.quick else (N, MAX_ITER)
    X, labels = X[:count], labels[:count]
    gammas, seeds = ((0.1,), (0,)) if args.quick else (GAMMAS, (0, 1))
    sd.SoftDTWKMeans(K, 0.1, max_iter=1, random_state=0).fit(X[:10])  # compile / load kernels
    print(f"k-means on {count} CBF series of length {LENGTH}, k = {K}, 10 barycenter steps "
          f"per update, up to {max_iter} updates\n")
    print(f"{'γ':>6} {'seed':>4} | {'compute per iteration (updates)':<38} | "
          f"{'compute + draw':<38} | through the page (AppTest)")
    print("-" * 140)
    for gamma in gammas:
        for seed in seeds:
            compute, draw = library_iterations(X, gamma, seed, max_iter)
            updates = compute[1:]  # iteration 0 is the initial assignment only
            both = [c + d for c, d in zip(compute[1:], draw[1:])]
            page, total = page_iterations(X, labels, gamma, seed, max_iter)
            print(f"{gamma:>6g} {seed:>4} | {fmt(updates):<38} | {fmt(both):<38} | "
                  f"{fmt(page)}, whole run {total:.1f} s")
    print()
    for n in (30,) if args.quick else (50, 150):
        Xs = [np.asarray(s) for s in cylinder_bell_funnel(n // 3 + 1, 128, seed=1).series[:n]]
        t0 = time.perf_counter()
        M = sd.soft_dtw_cdist(Xs, gamma=0.1)
        t1 = time.perf_counter()
        collection.cluster_order(M)
        t2 = time.perf_counter()
        print(f"Your data: pairwise matrix of {n} series of length 128: {t1 - t0:.2f} s, "
              f"clustered ordering {1000 * (t2 - t1):.1f} ms")


if __name__ == "__main__":
    main()
