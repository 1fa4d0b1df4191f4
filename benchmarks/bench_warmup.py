"""Where the kernels' warm-up spends its CPU: per stage, per kernel and per specialisation.

Run:  python benchmarks/bench_warmup.py [--stages tables learn ...] [--top 25]

Each run is a fresh interpreter with an empty Numba cache (``NUMBA_CACHE_DIR`` set to a new
temporary folder), as on a fresh clone. It times the imports (NumPy and Numba, then
``softdtw_core``), then runs :func:`softdtw_core.warmup.warm_up` stage by stage
(:data:`softdtw_core.warmup.STAGES`, in that order unless ``--stages`` says otherwise) and
prints each stage's CPU seconds. Every compilation is recorded with Numba's
``numba:compile`` event (one per new specialisation of a dispatcher: a new combination of
argument types, literal values and array layouts), in CPU seconds of the compiling thread,
*exclusive* of the compilations it triggered (a kernel calling another compiles the callee
first); the table lists the kernels by that time, with their specialisations and the
stages that compiled them. A kernel with more than one specialisation is compiled more than
once: the argument types that differ are printed under it (read-only vs writable arrays,
a literal vs an int64, ``uint64`` from a ``prange`` index...).

It ends with the time of one Cost & DP table (60 x 80, γ = 0.1) swept in NumPy by
:func:`softdtw_core.warmup.interpreted` (what the Learn pages use before their kernels are
compiled), against the same with the compiled kernels.

``--quick``: the ``tables`` stage alone, the ten costliest kernels.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs in the fresh interpreter; prints one JSON line.
CHILD = r"""
import json, sys, time
t0 = time.process_time()
import numpy, numba
from numba.core import event
t_numba = time.process_time() - t0
import softdtw_core
t_import = time.process_time() - t0 - t_numba
from softdtw_core.warmup import STAGES, warm_up

class Recorder(event.Listener):
    def __init__(self):
        self.stack, self.rows, self.stage = [], [], None
    def on_start(self, ev):
        self.stack.append([time.thread_time(), 0.0])
    def on_end(self, ev):
        start, children = self.stack.pop()
        spent = time.thread_time() - start
        if self.stack:
            self.stack[-1][1] += spent
        d = ev.data["dispatcher"].py_func
        self.rows.append([f"{d.__module__}.{d.__qualname__}", str(ev.data["args"]),
                          spent - children, self.stage])

rec = Recorder()
stages = json.loads(sys.argv[1]) or list(STAGES)
cpu = {}
with event.install_listener("numba:compile", rec):
    for stage in stages:
        rec.stage = stage
        c = time.process_time()
        warm_up([stage])
        cpu[stage] = time.process_time() - c

import numpy as np
from softdtw_core import soft_dtw_tables
from softdtw_core._internal import interpreted as interp
from softdtw_core.warmup import interpreted
rng = np.random.default_rng(0)
x, y = rng.normal(size=60), rng.normal(size=80)
sweep = {}
for label, compiled in (("numpy", False), ("compiled", True)):
    interp._compiled = lambda compiled=compiled: compiled
    soft_dtw_tables(x, y, 0.1)  # the compiled kernels, loaded
    with interpreted():
        t = time.perf_counter()
        for _ in range(10):
            soft_dtw_tables(x, y, 0.1)
    sweep[label] = (time.perf_counter() - t) / 10
print(json.dumps({"numba": t_numba, "import": t_import, "stages": cpu, "rows": rec.rows,
                  "sweep": sweep}))
"""


def profile(stages: list[str]) -> dict:
    """Run :data:`CHILD` in a fresh interpreter on an empty Numba cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache,
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(stages)], cwd=ROOT,
                             env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def kernels(rows: list) -> list[tuple[str, float, list[str], list[str]]]:
    """``(kernel, exclusive CPU s, signatures, stages)`` by kernel, costliest first."""
    by: dict[str, list] = {}
    for name, sig, spent, stage in rows:
        entry = by.setdefault(name, [0.0, [], []])
        entry[0] += spent
        entry[1].append(sig)
        if stage not in entry[2]:
            entry[2].append(stage)
    return sorted(((k, v[0], v[1], v[2]) for k, v in by.items()), key=lambda r: -r[1])


def arguments(signature: str) -> list[str]:
    """The argument types of a signature ``"(t1, t2, ...)"``, split at its top-level commas."""
    out, depth, current = [], 0, ""
    for ch in signature[1:-1]:
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    return [*out, current.strip()]


def differing(signatures: list[str]) -> list[str]:
    """The arguments whose types differ between the specialisations, one line each
    (``argument k: type | type ...``)."""
    split = [arguments(s) for s in signatures]
    if len({len(s) for s in split}) != 1:
        return signatures
    return [f"argument {k}: " + " | ".join(s[k].replace(", aligned=True", "") for s in split)
            for k in range(len(split[0])) if len({s[k] for s in split}) > 1]


def report(result: dict, top: int) -> None:
    print(f"imports (CPU s): numpy + numba {result['numba']:.2f}, "
          f"softdtw_core {result['import']:.2f}")
    print(f"{'stage':<12} {'CPU s':>7}")
    for stage, cpu in result["stages"].items():
        print(f"{stage:<12} {cpu:7.2f}")
    print(f"{'all':<12} {sum(result['stages'].values()):7.2f}")
    rows = kernels(result["rows"])
    ours = [r for r in rows if r[0].startswith("softdtw_core")]
    print(f"\n{len(result['rows'])} compilations; {len(ours)} kernels of softdtw_core with "
          f"{sum(len(r[2]) for r in ours)} specialisations, "
          f"{sum(len(r[2]) - 1 for r in ours)} of them beyond the first")
    print(f"{'kernel (exclusive compile CPU)':<58} {'CPU s':>6} {'specs':>5}  stages")
    for name, cpu, sigs, stages in rows[:top]:
        print(f"{name[-58:]:<58} {cpu:6.2f} {len(sigs):5d}  {' '.join(stages)}")
        if len(sigs) > 1 and name.startswith("softdtw_core"):
            for line in differing(sigs):
                print(f"{'':8}{line[:110]}")
    sweep = result["sweep"]
    print(f"\nCost & DP table 60 x 80, γ = 0.1, in interpreted(): NumPy sweep "
          f"{sweep['numpy'] * 1e3:.1f} ms, compiled kernels {sweep['compiled'] * 1e3:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stages", nargs="+", default=[], help="default: every stage")
    parser.add_argument("--top", type=int, default=25, help="kernels listed")
    parser.add_argument("--quick", action="store_true", help="the tables stage alone")
    args = parser.parse_args()
    stages = ["tables"] if args.quick else args.stages
    report(profile(stages), 10 if args.quick else args.top)


if __name__ == "__main__":
    main()
