"""Gradients of long pairs: time per cell and peak memory, full storage vs checkpointed;
first call vs later calls.

Run:  python benchmarks/bench_memory.py            (a few minutes; needs ~3 GB free)
      python benchmarks/bench_memory.py --quick    (small sizes, seconds)
      python benchmarks/bench_memory.py --library /path/to/other/checkout   (its figures)

Every figure comes from a fresh interpreter (one subprocess per row), single thread,
random walks, d = 1, γ = 1, squared Euclidean cost:

- *long pairs*: ``soft_dtw_value_and_grad`` on an n x n pair with ``memory="full"``
  (every cell's soft-min weights kept, ~24 bytes a cell), ``memory="checkpoint"`` (R kept
  on a few anti-diagonals, each segment's weights recomputed for the backward pass) and the
  default ``memory="auto"``; CPU ns per DP cell (user + system time, which counts the
  kernel's page faults and is not inflated by other processes on a shared machine) of the
  best of the later calls, and the peak resident memory of the process (``ru_maxrss``,
  imports included). On a library without
  the ``memory`` keyword (main before issue 24) the one default call is measured, and a
  refusal (the cell cap) is printed as such.
- *first calls*: after a warm-up call at 300 x 300 (Numba loads its cache), CPU ns per
  cell of the first call at n x n and the median of the next three (the default call).

The load average is printed first: on a shared machine, compare rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
ROOT = os.environ.get("BENCH_LIBRARY") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..")


def _pair(n, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=n)), np.cumsum(rng.normal(size=n))


def _child(kind, n, mode, calls):
    """Runs in the subprocess: prints one JSON line."""
    import inspect
    import resource

    sys.path.insert(0, ROOT)
    import softdtw_core as sd

    has_memory = "memory" in inspect.signature(sd.soft_dtw_value_and_grad).parameters
    kw = {"memory": mode} if (has_memory and mode != "default") else {}
    if mode != "default" and not has_memory:
        print(json.dumps({"skip": "no memory= keyword in this library"}))
        return
    x0, y0 = _pair(300)
    sd.soft_dtw_value_and_grad(x0, y0, 1.0, **kw)  # compile / load the cache
    x, y = _pair(n)
    times = []
    for _ in range(calls):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        try:
            sd.soft_dtw_value_and_grad(x, y, 1.0, **kw)
        except ValueError as err:
            print(json.dumps({"refused": str(err)[:90]}))
            return
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        times.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    cells = n * n
    later = sorted(times[1:]) if len(times) > 1 else times
    out = {"first_ns": times[0] / cells * 1e9, "later_ns": later[len(later) // 2] / cells * 1e9,
           "best_ns": later[0] / cells * 1e9, "peak_mb": peak / 2**20}
    print(json.dumps(out))


def run(kind, n, mode, calls):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, str(n), mode, str(calls)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1][:90]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(cells):
    print("| " + " | ".join(str(c) for c in cells) + " |")


def _fmt(r, key, digits=1):
    for flag in ("skip", "refused", "error"):
        if flag in r:
            return f"{flag}: {r[flag]}"
    return f"{r[key]:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    parser.add_argument("--sizes", type=int, nargs="*", help="long-pair sizes n (n x n)")
    parser.add_argument("--first", type=int, nargs="*", help="first-call sizes")
    parser.add_argument("--library", help="measure the softdtw_core of this checkout instead "
                        "(e.g. main's, for the 'before' figures)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    global ROOT
    if args.library:
        ROOT = os.environ["BENCH_LIBRARY"] = os.path.abspath(args.library)
    if args.child:
        kind, n, mode, calls = args.child
        _child(kind, int(n), mode, int(calls))
        return
    sizes = args.sizes or ([600] if args.quick else [1000, 2000, 3000, 5000, 10000, 20000])
    first = args.first or ([600] if args.quick else [1000, 2000, 5000])
    print(f"load average {os.getloadavg()[0]:.2f}; library at {os.path.abspath(ROOT)}")
    print("\nLong pairs: soft_dtw_value_and_grad, n x n, d = 1, γ = 1 (CPU ns per cell, best "
          "of the later calls; peak RSS of the process)\n")
    _row(["n", "memory", "CPU ns / cell", "peak RSS (MB)"])
    _row(["---"] * 4)
    for n in sizes:
        calls = 2 if n >= 10000 else 3
        for mode in ("full", "checkpoint", "default"):
            if mode == "full" and n > 10000:
                _row([n, mode, "not run (about 24 bytes a cell)", ""])
                continue
            r = run("grad", n, mode, calls)
            _row([n, mode, _fmt(r, "best_ns"), _fmt(r, "peak_mb", 0)])
    print("\nFirst call vs later calls (default call, fresh process, after a 300 x 300 "
          "warm-up)\n")
    _row(["n", "first call (CPU ns / cell)", "later calls (CPU ns / cell, median)"])
    _row(["---"] * 3)
    for n in first:
        r = run("first", n, "default", 4)
        _row([n, _fmt(r, "first_ns"), _fmt(r, "later_ns")])


if __name__ == "__main__":
    main()
