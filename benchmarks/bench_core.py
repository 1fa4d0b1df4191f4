"""Speed of the soft-DTW core against tslearn, single thread, in one process.

Run:  pip install -r benchmarks/requirements.txt && python benchmarks/bench_core.py

Prints, for n = m in {16, 256, 1024, 2048}, d in {1, 3}, gamma in {1, 0.01}: the time per
call and per DP cell of the value and of value + gradient w.r.t. X, for this package and for
tslearn, and their ratio (ours / tslearn; lower is better). Also the time to import the
package and make a first call from a warm Numba cache (in a fresh interpreter).

Then the collection kernels by series length (32 series, random walks, γ = 0.1): ns per DP
cell of ``alignment_statistics`` (value, E and the gradient statistics of one series against
all; what barycenters and k-means evaluate) and of ``soft_dtw_cdist`` (values of all pairs),
with B = 1, 2, 4, 8 problems interleaved as lanes and with the number the package picks
(``softdtw_core._internal.wavefront.lanes_for``). ``--no-lanes`` skips it.

The n = 16 rows measure the cost of a short call, mostly Python around the kernels: small
float64 problems take a fast path of one kernel call
(``softdtw_core._internal.small.small_value_and_grad``).
``--sizes 16 --no-tslearn --no-lanes`` prints only them. The load average is printed first:
on a shared machine, rerun on an idle one before quoting a figure. ``--quick``: n = 16 and
128, lanes at length 64 only, short timings (seconds). Without tslearn its columns are
skipped (said so on the first line).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from functools import partial

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import softdtw_core as sd  # noqa: E402


def best_time(fn, min_total=0.3, repeats=5):
    """Median over `repeats` of the mean time of enough calls to last `min_total`/repeats."""
    fn()  # warm-up (and compilation)
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    loops = max(1, int(min_total / repeats / once))
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - t0) / loops)
    return float(np.median(samples))


def tslearn_functions():
    from tslearn.metrics import soft_dtw as ts_value
    from tslearn.metrics.soft_dtw_fast import _njit_soft_dtw  # noqa: F401  (compiled on import)
    from tslearn.metrics.softdtw_variants import SoftDTW, SquaredEuclidean

    def value(X, Y, gamma):
        return ts_value(X, Y, gamma=gamma)

    def value_and_grad(X, Y, gamma):
        # what tslearn's own barycenter does for its objective
        D = SquaredEuclidean(X, Y)
        sdtw = SoftDTW(D, gamma=gamma)
        v = sdtw.compute()
        E = sdtw.grad()
        return v, D.jacobian_product(E)

    return value, value_and_grad


def warm_start_time():
    code = (
        "import time; t=time.perf_counter(); import numpy as np; import softdtw_core as sd;"
        "x=np.sin(np.arange(64.0)); sd.soft_dtw(x, x[::-1], 1.0);"
        "sd.soft_dtw_value_and_grad(x, x[::-1], 1.0); print(time.perf_counter()-t)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fill cache
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def lanes_table(lengths=(32, 64, 128, 275, 512, 1024), n_series=32, min_total=0.5):
    from softdtw_core import batch, pairwise
    from softdtw_core._internal import wavefront

    def one_vs_all(X):
        return batch.alignment_statistics(X[0], X, 0.1)

    def all_pairs(X):
        return sd.soft_dtw_cdist(X[:8], X, 0.1)

    def fixed(lanes):
        return lambda width, full: lanes

    rng = np.random.default_rng(1)
    lanes_cols = " ".join(f"{'B=' + str(b):>6}" for b in (1, 2, 4, 8))
    print(f"\n{'length':>6} {'kernel':>10} | {lanes_cols} | {'auto':>6} (ns/cell)")
    for n in lengths:
        X = np.cumsum(rng.normal(size=(n_series, n)), axis=1)
        cells_one = n_series * n * n
        for name, fn, cells, full in [
            ("one-vs-all", one_vs_all, cells_one, True),
            ("pairwise", all_pairs, 8 * cells_one, False),
        ]:
            row = []
            for lanes in (1, 2, 4, 8, None):
                chosen = fixed(lanes) if lanes else wavefront.lanes_for
                batch.lanes_for = pairwise.lanes_for = chosen
                row.append(best_time(partial(fn, X), min_total=min_total, repeats=3)
                           / cells * 1e9)
            batch.lanes_for = pairwise.lanes_for = wavefront.lanes_for
            print(f"{n:>6} {name:>10} | " + " ".join(f"{t:>6.2f}" for t in row[:4])
                  + f" | {row[4]:>6.2f}  (auto B={wavefront.lanes_for(n, full)})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 256, 1024, 2048])
    parser.add_argument("--no-tslearn", action="store_true", help="only time this package")
    parser.add_argument("--no-lanes", action="store_true", help="skip the lanes table")
    parser.add_argument("--quick", action="store_true", help="small sizes, short timings")
    args = parser.parse_args()
    min_total = 0.05 if args.quick else 0.3
    if args.quick:
        args.sizes = [16, 128]

    print("load average (1, 5, 15 min): " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    ts = None
    if not args.no_tslearn:
        try:
            ts = tslearn_functions()
        except ImportError:
            print("skipped: the tslearn columns (not installed: pip install -r "
                  "benchmarks/requirements.txt)")
    rng = np.random.default_rng(0)
    header = (f"{'n':>5} {'d':>2} {'gamma':>6} | {'value':>10} {'ns/cell':>8} {'tslearn':>10} "
              f"{'ratio':>6} | {'val+grad':>10} {'ns/cell':>8} {'tslearn':>10} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        for d in (1, 3):
            X = np.cumsum(rng.normal(size=(n, d)), axis=0)
            Y = np.cumsum(rng.normal(size=(n, d)), axis=0)
            for gamma in (1.0, 0.01):
                cells = n * n
                t_v = best_time(partial(sd.soft_dtw, X, Y, gamma), min_total)
                t_g = best_time(partial(sd.soft_dtw_value_and_grad, X, Y, gamma), min_total)
                row = f"{n:>5} {d:>2} {gamma:>6g} | {fmt(t_v)} {t_v / cells * 1e9:>8.2f} "
                if ts:
                    tt_v = best_time(partial(ts[0], X, Y, gamma), min_total)
                    tt_g = best_time(partial(ts[1], X, Y, gamma), min_total)
                    row += f"{fmt(tt_v)} {t_v / tt_v:>6.3f} | {fmt(t_g)} {t_g / cells * 1e9:>8.2f} "
                    row += f"{fmt(tt_g)} {t_g / tt_g:>6.3f}"
                else:
                    row += f"{'-':>10} {'-':>6} | {fmt(t_g)} {t_g / cells * 1e9:>8.2f}"
                print(row, flush=True)
    if args.quick:
        print("\nskipped in --quick: import + first calls in a fresh interpreter")
    else:
        print(f"\nimport + first value and gradient calls from a warm Numba cache: "
              f"{warm_start_time():.2f} s")
    if not args.no_lanes:
        lanes_table(lengths=(64,), n_series=8, min_total=0.05) if args.quick else lanes_table()


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:>8.1f}us"
    if seconds < 1:
        return f"{seconds * 1e3:>8.2f}ms"
    return f"{seconds:>9.2f}s"


if __name__ == "__main__":
    main()
