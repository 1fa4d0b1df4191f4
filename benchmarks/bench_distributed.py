"""softdtw_core.distributed on a two-worker LocalCluster (issue 11). Not a test: run it by
hand and read the tables (each printed with the load average of the machine).

    python benchmarks/bench_distributed.py            # the issue's sizes (several minutes)
    python benchmarks/bench_distributed.py --quick    # a smoke run: tiny sizes, three clusters
    python benchmarks/bench_distributed.py --only cdist --series 800

1. *Matrix efficiency*: ``soft_dtw_cdist`` on 2,000 series of length 128 on a
   ``LocalCluster(n_workers=2, threads_per_worker=1)`` against the in-process
   ``softdtw_core.soft_dtw_cdist`` with 2 Numba threads: efficiency = in-process time /
   cluster time (target >= 0.85), with the tile tasks' mean compute time and result size.
2. *k-means*: ``kmeans`` on 100,000 series of length 128, k = 8, 3 iterations, on a fresh
   two-worker cluster: seconds per iteration and each worker's peak resident memory (the
   process's high-water mark, VmHWM; target <= 2 GB), and the time of one chunk task.
3. *Nearest neighbours*: ``soft_dtw_knn`` over >= 10^7 pairs (5,000 series of length 64 with
   themselves: 12.5 million pairs): pairs per second per core.

Figures for a real cluster (weak scaling) follow from the per-task costs printed here; see
the README's section on Dask.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numba  # noqa: E402
import numpy as np  # noqa: E402
from distributed import Client, LocalCluster, get_task_stream  # noqa: E402

import softdtw_core as sd  # noqa: E402
from softdtw_core import distributed as sdd  # noqa: E402

GAMMA = 0.1
WORKERS = 2


def load() -> str:
    return "load average: " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}  ({load()})")
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")


def series(n: int, length: int, seed: int = 0) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).standard_normal((n, length)), axis=1)


def cluster():
    return LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                        dashboard_address=":0")


def peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux: VmHWM)."""
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024


def task_times(stream, prefix: str) -> list[float]:
    """Compute seconds of the tasks whose key starts with ``prefix``."""
    out = []
    for t in stream.data:
        if str(t["key"]).startswith(prefix):
            out += [s["stop"] - s["start"] for s in t["startstops"] if s["action"] == "compute"]
    return out


def bench_cdist(n: int, length: int) -> None:
    X = series(n, length)
    numba.set_num_threads(min(WORKERS, numba.config.NUMBA_NUM_THREADS))
    sd.soft_dtw_cdist(X[:20], gamma=GAMMA)  # compiled or loaded before timing
    t = time.perf_counter()
    M_local = sd.soft_dtw_cdist(X, gamma=GAMMA)
    local = time.perf_counter() - t
    with cluster() as c, Client(c) as client:
        sdd.soft_dtw_cdist(client, X[:20], gamma=GAMMA)  # workers import and load kernels
        with get_task_stream(client) as stream:
            t = time.perf_counter()
            M = sdd.soft_dtw_cdist(client, X, gamma=GAMMA)
            remote = time.perf_counter() - t
    tiles = task_times(stream, "softdtw-tile-values")
    cells = n * (n + 1) / 2 * length * length
    block = int(np.ceil(n / ((np.sqrt(8 * len(tiles) + 1) - 1) / 2)))
    table(f"Matrix: {n} series of length {length}, {n * (n + 1) // 2:,} pairs", [
        ("in process, 2 Numba threads", f"{local:.2f} s  ({cells / local / 1e9:.2f} Gcell/s)"),
        (f"LocalCluster, {WORKERS} workers x 1 thread",
         f"{remote:.2f} s  ({cells / remote / 1e9:.2f} Gcell/s)"),
        ("efficiency (in process / cluster)", f"{local / remote:.3f}  (target >= 0.85)"),
        ("tile tasks", f"{len(tiles)}, {np.mean(tiles):.2f} s each on average "
                       f"(max {np.max(tiles):.2f} s)"),
        ("tile result", f"~{block} x {block} float64 = {block * block * 8 / 1e6:.2f} MB"),
        ("largest difference to in process", f"{np.abs(M - M_local).max():.1e}"),
    ])


def bench_kmeans(n: int, length: int, k: int, iterations: int) -> None:
    X = series(n, length, seed=1)
    with cluster() as c, Client(c) as client:
        sdd.kmeans(client, X[:50], 2, gamma=GAMMA, max_iter=1)  # imports, kernels
        marks = []
        with get_task_stream(client) as stream:
            t = time.perf_counter()
            model = sdd.kmeans(client, X, k, gamma=GAMMA, max_iter=iterations, tol=0.0,
                               random_state=0,
                               progress=lambda done, total: marks.append(
                                   (done, time.perf_counter())))
            total = time.perf_counter() - t
        peaks = client.run(peak_rss)
    ends = {}
    for done, at in marks:
        ends.setdefault(done, at)  # first report of each assignment: it just finished
    first = ends[1] - t  # k-means++ seeding and the first assignment
    per_iter = [(ends[i + 1] - ends[i]) for i in range(1, max(ends)) if i + 1 in ends]
    stats = task_times(stream, "softdtw-chunk-statistics")
    rows = task_times(stream, "softdtw-chunk-rows")
    table(f"k-means: {n:,} series of length {length}, k = {k}, {iterations} iterations", [
        ("total", f"{total:.1f} s ({model.n_iter_} centre updates, converged: "
                  f"{model.converged_})"),
        ("seeding (k-means++) + first assignment", f"{first:.1f} s"),
        ("seconds per iteration (update + assignment)",
         ", ".join(f"{s:.1f}" for s in per_iter)),
        ("peak memory per worker (VmHWM)",
         ", ".join(f"{v / 2**30:.2f} GiB" for v in peaks.values()) + "  (target <= 2 GB)"),
        ("assignment/seeding tasks", f"{len(rows)}, {np.mean(rows):.3f} s each on average"),
        ("barycenter evaluation tasks", f"{len(stats)}, {np.mean(stats):.3f} s each on "
                                        "average"),
    ])


def bench_knn(n: int, length: int, neighbours: int) -> None:
    X = series(n, length, seed=2)
    with cluster() as c, Client(c) as client:
        sdd.soft_dtw_knn(client, X[:20], n_neighbors=3, gamma=GAMMA)
        t = time.perf_counter()
        sdd.soft_dtw_knn(client, X, n_neighbors=neighbours, gamma=GAMMA, divergence=True)
        seconds = time.perf_counter() - t
    pairs = n * (n + 1) // 2
    table(f"Nearest neighbours: {n} series of length {length} with themselves", [
        ("pairs computed", f"{pairs:,}"),
        ("time", f"{seconds:.1f} s"),
        ("pairs per second per core", f"{pairs / seconds / WORKERS:,.0f}  "
                                      f"({pairs * length * length / seconds / WORKERS / 1e9:.2f}"
                                      " Gcell/s/core)"),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    parser.add_argument("--only", choices=["cdist", "kmeans", "knn"], action="append")
    parser.add_argument("--series", type=int, help="series of the matrix (default 2000)")
    parser.add_argument("--kmeans-series", type=int, help="default 100000")
    parser.add_argument("--knn-series", type=int, help="default 5000")
    args = parser.parse_args()
    quick = args.quick
    only = set(args.only or ["cdist", "kmeans", "knn"])
    print(f"softdtw_core.distributed benchmark; {os.cpu_count()} cores; {load()}")
    if "cdist" in only:
        bench_cdist(args.series or (100 if quick else 2000), 128)
    if "kmeans" in only:
        bench_kmeans(args.kmeans_series or (60 if quick else 100_000), 128,
                     *((2, 1) if quick else (8, 3)))
    if "knn" in only:
        bench_knn(args.knn_series or (200 if quick else 5000), 64, 10)


if __name__ == "__main__":
    main()
