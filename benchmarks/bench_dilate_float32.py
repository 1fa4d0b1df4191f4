"""DILATE against soft-DTW, MLPPredictor(loss="dilate") against loss="softdtw", and the
float32 kernels against float64: one process per code tree, side by side.

Run:  python benchmarks/bench_dilate_float32.py [--before /path/to/old/tree] [--quick]

Prints, single thread, CPU time (``time.process_time``), medians over repeats:

1. ns per DP cell of ``soft_dtw_value_and_grad`` and ``dilate_value_and_grad`` (γ = 0.01,
   n = m in {256, 512, 1024}, d = 1) and their ratio, each ratio taken from timings
   alternated in the same process;
2. the training time of ``MLPPredictor((20,), loss=...)`` on the same noisy sines
   (N = 100 pairs, 100 inputs -> 50 outputs, 30 L-BFGS iterations, γ = 0.1) for
   ``"softdtw"`` and ``"dilate"``, and their ratio (and the objective evaluations run);
3. ns per cell of the value, value + gradient and E (``soft_dtw_alignment``) for float64 and
   float32 inputs (n = m = 1024, γ = 0.1) and the ratio float32 / float64 (a tree without
   float32 kernels converts float32 inputs to float64: ratio ~1);
4. (with ``--accuracy``, alone: it times nothing, so it need not hold the benchmark lock;
   ``--quick`` runs a small one after parts 1-3) the accuracy of the float32 kernels:
   for z-normalised random walks (3 seeds)
   and z-normalised stretches of the UCR Trace series (bundled in ``assets/``, concatenated
   to length n), n = m, d = 1, the worst over the pairs of the relative errors of the value
   ``|v32 - v64| / |v64|``, and of the gradient and E in the max norm over the largest entry
   ``max|a32 - a64| / max|a64|`` and in the L2 norm ``||a32 - a64|| / ||a64||``, where the
   float64 results are computed on the float32-rounded inputs (the kernels' own error); the
   last column is the gradient's error against float64 on the unrounded inputs (which adds
   the rounding of the inputs to float32: no float32 kernel can do better).

``--before PATH`` runs the same measurements on the code tree at PATH (e.g. the main
branch) in a subprocess first and prints both columns. ``--quick`` runs small sizes and few
repeats (a smoke test, seconds; its figures mean little). The load average is printed
first: on a shared machine the medians of ratios are the figures to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
ROOT = os.environ.get("BENCH_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "..")
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

import softdtw_core as sd  # noqa: E402


def _cpu(fn):
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def paired(fa, fb, repeats):
    """Median CPU times of fa and fb, alternated, and the median of their ratios b / a."""
    fa(), fb()  # compile / warm the workspaces
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(_cpu(fa))
        tb.append(_cpu(fb))
    ta, tb = np.array(ta), np.array(tb)
    return float(np.median(ta)), float(np.median(tb)), float(np.median(tb / ta))


def _walk(rng, n):
    w = np.cumsum(rng.standard_normal((n, 1)), 0)
    return (w - w.mean()) / w.std()


def dilate_rows(sizes, repeats):
    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        X, Y = _walk(rng, n), _walk(rng, n)
        a, b, r = paired(lambda X=X, Y=Y: sd.soft_dtw_value_and_grad(X, Y, 0.01),
                         lambda X=X, Y=Y: sd.dilate_value_and_grad(X, Y, 0.5, 0.01), repeats)
        rows.append(dict(n=n, softdtw=a * 1e9 / n**2, dilate=b * 1e9 / n**2, ratio=r))
    return rows


def predictor_row(N, n_in, n_out, max_iter, repeats):
    rng = np.random.default_rng(1)
    t = np.linspace(0, 6, n_in + n_out)
    S = np.sin(t[None] * rng.uniform(0.5, 2, (N, 1)) + rng.uniform(0, 6, (N, 1)))
    S += 0.1 * rng.standard_normal(S.shape)
    X, Y = S[:, :n_in], S[:, n_in:]
    evals = {}

    def fit(loss):
        model = sd.MLPPredictor((20,), loss=loss, gamma=0.1, max_iter=max_iter, tol=0.0,
                                random_state=0).fit(X, Y)
        evals[loss] = len(model.training_result_.history)

    a, b, r = paired(lambda: fit("softdtw"), lambda: fit("dilate"), repeats)
    return dict(N=N, n_in=n_in, n_out=n_out, softdtw=a, dilate=b, ratio=r,
                evals_softdtw=evals["softdtw"], evals_dilate=evals["dilate"])


def float32_rows(n, repeats):
    rng = np.random.default_rng(2)
    X, Y = _walk(rng, n), _walk(rng, n)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    rows = []
    for name, f in (("value", sd.soft_dtw), ("value+grad", sd.soft_dtw_value_and_grad),
                    ("E", sd.soft_dtw_alignment)):
        a, b, r = paired(lambda f=f: f(X, Y, 0.1), lambda f=f: f(X32, Y32, 0.1), repeats)
        rows.append(dict(what=name, n=n, float64=a * 1e9 / n**2, float32=b * 1e9 / n**2,
                         ratio=r))
    return rows


def _pairs(n, seeds):
    """z-normalised random walks (one pair per seed) and two stretches of UCR Trace."""
    for seed in range(seeds):
        rng = np.random.default_rng(100 + seed)
        yield f"walk{seed}", _walk(rng, n), _walk(rng, n)
    trace = np.load(os.path.join(ROOT, "assets", "Trace.npz"))["X_train"]
    series = np.concatenate(list(trace))[:, None]
    for start in (0, len(series) // 2 - n):
        x, y = series[start:start + n], series[start + n:start + 2 * n]
        yield f"Trace{start}", (x - x.mean()) / x.std(), (y - y.mean()) / y.std()


def _errors(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.abs(a - b).max() / np.abs(b).max(), np.linalg.norm(a - b) / np.linalg.norm(b)


def accuracy_rows(sizes, gammas, seeds):
    """Worst relative errors of float32 against float64, by n and γ (docstring, part 4)."""
    rows = []
    for n in sizes:
        pairs = list(_pairs(n, seeds))
        for gamma in gammas:
            worst = np.zeros(6)
            for _, X, Y in pairs:
                X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
                Xr, Yr = X32.astype(np.float64), Y32.astype(np.float64)
                v32, g32 = sd.soft_dtw_value_and_grad(X32, Y32, gamma)
                v64, g64 = sd.soft_dtw_value_and_grad(Xr, Yr, gamma)
                _, E32 = sd.soft_dtw_alignment(X32, Y32, gamma)
                _, E64 = sd.soft_dtw_alignment(Xr, Yr, gamma)
                g_raw = sd.soft_dtw_value_and_grad(X, Y, gamma)[1]
                errs = (abs(v32 - v64) / abs(v64), *_errors(g32, g64), *_errors(E32, E64),
                        _errors(g32, g_raw)[0])
                worst = np.maximum(worst, errs)
            rows.append(dict(n=n, gamma=gamma, pairs=len(pairs), value=worst[0],
                             grad_max=worst[1], grad_l2=worst[2], E_max=worst[3],
                             E_l2=worst[4], grad_raw=worst[5]))
    return rows


def measure(quick):
    if quick:
        return dict(dilate=dilate_rows((64, 128), 3), predictor=predictor_row(10, 20, 10, 3, 2),
                    float32=float32_rows(128, 3), accuracy=accuracy_rows((64,), (0.1,), 1))
    return dict(dilate=dilate_rows((256, 512, 1024), 15),
                predictor=predictor_row(100, 100, 50, 30, 7),
                float32=float32_rows(1024, 15))


def accuracy_only(quick):
    sizes, seeds = ((64,), 1) if quick else ((64, 256, 1024, 4096), 3)
    return dict(predictor=None, accuracy=accuracy_rows(sizes, (0.01, 0.1, 1.0, 10.0), seeds))


def report(after, before=None):
    tags = ("before", "after") if before else ("after",)
    runs = (before, after) if before else (after,)
    if after["predictor"] is None:  # --accuracy
        return _accuracy_table(tags, runs)
    print("\n1. ns per cell, value + gradient, gamma = 0.01, d = 1 (ratio = DILATE / soft-DTW)")
    print(f"{'n':>6}" + "".join(f"  {'sdtw-' + t:>11} {'dil-' + t:>10} {'ratio':>7}"
                                for t in tags))
    for i, row in enumerate(after["dilate"]):
        line = f"{row['n']:6d}"
        for run in runs:
            r = run["dilate"][i]
            line += f"  {r['softdtw']:11.1f} {r['dilate']:10.1f} {r['ratio']:6.2f}x"
        print(line)
    p = after["predictor"]
    print("\n2. MLPPredictor training (seconds; ratio = dilate / softdtw)")
    print(f"   N={p['N']}, {p['n_in']} -> {p['n_out']}, evaluations softdtw/dilate: "
          f"{p['evals_softdtw']}/{p['evals_dilate']}")
    for tag, run in zip(tags, runs):
        q = run["predictor"]
        print(f"   {tag:<6} softdtw {q['softdtw']:.3f} s  dilate {q['dilate']:.3f} s  "
              f"ratio {q['ratio']:.2f}x")
    print("\n3. float32 against float64, ns per cell, gamma = 0.1 (ratio = float32 / float64)")
    print(f"{'':>12} {'n':>6}" + "".join(f"  {'f64-' + t:>10} {'f32-' + t:>10} {'ratio':>7}"
                                         for t in tags))
    for i, row in enumerate(after["float32"]):
        line = f"{row['what']:>12} {row['n']:6d}"
        for run in runs:
            r = run["float32"][i]
            line += f"  {r['float64']:10.2f} {r['float32']:10.2f} {r['ratio']:6.2f}x"
        print(line)
    _accuracy_table(tags, runs)


def _accuracy_table(tags, runs):
    print("\n4. float32 against float64 on the same (float32-rounded) inputs: worst relative "
          "errors over the pairs\n   (max: over the largest entry; raw: gradient against "
          "float64 on the unrounded inputs)")
    for tag, run in zip(tags, runs):
        if "accuracy" not in run:  # a tree from before this table
            continue
        print(f"   {tag}\n{'n':>6} {'gamma':>6} {'pairs':>5} {'value':>8} {'grad max':>9} "
              f"{'grad L2':>8} {'E max':>8} {'E L2':>8} {'grad raw':>9}")
        for r in run["accuracy"]:
            print(f"{r['n']:6d} {r['gamma']:6g} {r['pairs']:5d} {r['value']:8.1e} "
                  f"{r['grad_max']:9.1e} {r['grad_l2']:8.1e} {r['E_max']:8.1e} "
                  f"{r['E_l2']:8.1e} {r['grad_raw']:9.1e}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    ap.add_argument("--before", metavar="PATH", help="also measure the code tree at PATH")
    ap.add_argument("--accuracy", action="store_true",
                    help="print only the accuracy table (part 4; no timing, any load)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # worker mode
    args = ap.parse_args(argv)
    run = accuracy_only if args.accuracy else measure
    if args.json:
        print(json.dumps(run(args.quick)))
        return
    print(f"load average: {os.getloadavg()}; code tree: {os.path.abspath(ROOT)}")
    before = None
    if args.before:
        env = dict(os.environ, BENCH_ROOT=os.path.abspath(args.before))
        env.pop("PYTHONPATH", None)
        cmd = [sys.executable, os.path.abspath(__file__), "--json"]
        cmd += ["--quick"] if args.quick else []
        cmd += ["--accuracy"] if args.accuracy else []
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
        before = json.loads(out.strip().splitlines()[-1])
    report(run(args.quick), before)


if __name__ == "__main__":
    main()
