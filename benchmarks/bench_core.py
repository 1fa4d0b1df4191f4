"""Speed of the soft-DTW core against tslearn, single thread, in one process.

Run:  pip install -r benchmarks/requirements.txt && python benchmarks/bench_core.py

Prints, for n = m in {16, 256, 1024, 2048}, d in {1, 3}, gamma in {1, 0.01}: the time per
call and per DP cell of the value and of value + gradient w.r.t. X, for this package and for
tslearn, and their ratio (ours / tslearn; lower is better). Also the time to import the
package and make a first call from a warm Numba cache (in a fresh interpreter).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from functools import partial

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 256, 1024, 2048])
    parser.add_argument("--no-tslearn", action="store_true", help="only time this package")
    args = parser.parse_args()

    ts = None if args.no_tslearn else tslearn_functions()
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
                t_v = best_time(partial(sd.soft_dtw, X, Y, gamma))
                t_g = best_time(partial(sd.soft_dtw_value_and_grad, X, Y, gamma))
                row = f"{n:>5} {d:>2} {gamma:>6g} | {fmt(t_v)} {t_v / cells * 1e9:>8.2f} "
                if ts:
                    tt_v = best_time(partial(ts[0], X, Y, gamma))
                    tt_g = best_time(partial(ts[1], X, Y, gamma))
                    row += f"{fmt(tt_v)} {t_v / tt_v:>6.3f} | {fmt(t_g)} {t_g / cells * 1e9:>8.2f} "
                    row += f"{fmt(tt_g)} {t_g / tt_g:>6.3f}"
                else:
                    row += f"{'-':>10} {'-':>6} | {fmt(t_g)} {t_g / cells * 1e9:>8.2f}"
                print(row, flush=True)
    print(f"\nimport + first value and gradient calls from a warm Numba cache: "
          f"{warm_start_time():.2f} s")


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:>8.1f}us"
    if seconds < 1:
        return f"{seconds * 1e3:>8.2f}ms"
    return f"{seconds:>9.2f}s"


if __name__ == "__main__":
    main()
