"""Speed of the learning modules against tslearn, single thread, same process.

Run:  pip install -r benchmarks/requirements.txt && python benchmarks/bench_learning.py

1. Barycenter of 50 Gaussian random walks of length 275, γ = 0.1, both from the Euclidean
   mean, objective Σ_j dtw_γ(X, Y_j) (tslearn's; ours is the same up to the constant factor
   1/(N m)). Reported: wall time and final objective of tslearn's ``softdtw_barycenter``
   (defaults: L-BFGS-B, tol=1e-3, max_iter=50) and of ours (defaults), plus the time ours
   takes to first reach an objective <= tslearn's final one (from the callback's clock),
   and a run of ours with ``tol=1e-7`` instead of the default 1e-9.
2. k-means on 100 Cylinder-Bell-Funnel series of length 128, k = 3, γ = 0.1, 10 iterations,
   both from the same initial centres (our k-means++ seeding): tslearn's
   ``TimeSeriesKMeans(metric="softdtw")`` and our ``SoftDTWKMeans``; wall time and DTW
   inertia Σ_i min_c dtw_0(x_i, c) of the final centres (lower is better).

Targets (issue 3): ours <= 0.2x tslearn's time at an equal or lower objective / inertia.

``--quick``: 10 walks of length 64 and 30 series, 3 iterations (seconds). Without tslearn
its columns print as skipped and only ours are timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

os.environ["NUMBA_NUM_THREADS"] = "1"
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import softdtw_core as sd  # noqa: E402


def _tslearn():
    """tslearn's barycenter and k-means, or ``(None, None)`` when it is not installed."""
    try:
        warnings.filterwarnings("ignore")
        from tslearn.barycenters import softdtw_barycenter
        from tslearn.clustering import TimeSeriesKMeans
    except ImportError:
        return None, None
    return softdtw_barycenter, TimeSeriesKMeans


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def bench_barycenter(ts_bary, gamma=0.1, count=50, length=275):
    rng = np.random.default_rng(0)
    X = np.cumsum(rng.standard_normal((count, length)), axis=1)
    init = X.mean(axis=0)

    def objective(z):
        return float(sd.soft_dtw_cdist([z], X, gamma)[0].sum())

    # warm-up (compilation) for both
    sd.softdtw_barycenter(X[:3, :20], gamma, max_iter=2)
    t_ts = f_ts = float("nan")
    if ts_bary is not None:
        ts_bary(X[:3, :20], gamma=gamma, max_iter=2)
        z_ts, t_ts = _timed(lambda: ts_bary(X, gamma=gamma, init=init[:, None]).ravel())
        f_ts = objective(z_ts)

    scale = X.shape[0] * X.shape[1]  # ours minimises (1/(N m)) Σ_j dtw_γ
    stamps = []
    t0 = time.perf_counter()
    res = sd.softdtw_barycenter(
        X, gamma, init=init,
        callback=lambda s: stamps.append((time.perf_counter() - t0, s.objective * scale)),
    )
    t_ours = time.perf_counter() - t0
    f_ours = objective(res.solution)
    reach = next((t for t, f in stamps if f <= f_ts), None)
    # the default tol=1e-9 spends its last ~35 iterations on the 6th significant digit
    loose, t_loose = _timed(lambda: sd.softdtw_barycenter(X, gamma, init=init, tol=1e-7,
                                                          keep_history=False))
    return dict(t_ts=t_ts, f_ts=f_ts, t_ours=t_ours, f_ours=f_ours, reach=reach,
                n_iter=res.n_iter, n_evals=res.n_evals, t_loose=t_loose,
                f_loose=objective(loose.solution))


def bench_kmeans(TimeSeriesKMeans, gamma=0.1, count=100, iterations=10):
    from explorer.data import cylinder_bell_funnel

    X = np.asarray(cylinder_bell_funnel(34, 128, seed=0).series)[:count]
    seed_model = sd.SoftDTWKMeans(3, gamma, random_state=0, max_iter=0).fit(X)
    C0 = seed_model.cluster_centers_
    t_ts = i_ts = float("nan")
    n_iter_ts = -1
    if TimeSeriesKMeans is not None:
        TimeSeriesKMeans(3, metric="softdtw", max_iter=1, metric_params={"gamma": gamma},
                         init=C0[:, :20, None]).fit(X[:6, :20, None])  # warm-up
        ts, t_ts = _timed(lambda: TimeSeriesKMeans(
            3, metric="softdtw", max_iter=iterations, metric_params={"gamma": gamma},
            init=C0[:, :, None], random_state=0).fit(X[:, :, None]))
        i_ts, n_iter_ts = sd.dtw_inertia(X, ts.cluster_centers_[:, :, 0]), int(ts.n_iter_)
    ours, t_ours = _timed(lambda: sd.SoftDTWKMeans(3, gamma, init=C0,
                                                   max_iter=iterations).fit(X))
    return dict(t_ts=t_ts, i_ts=i_ts, t_ours=t_ours, i_ours=ours.dtw_inertia_,
                n_iter=ours.n_iter_, n_iter_ts=n_iter_ts)


def main():
    import numba

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    args = parser.parse_args()
    numba.set_num_threads(1)
    ts_bary, TimeSeriesKMeans = _tslearn()
    if ts_bary is None:
        print("skipped: tslearn's columns (not installed: pip install -r "
              "benchmarks/requirements.txt)")
    N, T, K, it = (10, 64, 30, 3) if args.quick else (50, 275, 100, 10)
    b = bench_barycenter(ts_bary, count=N, length=T)
    k = bench_kmeans(TimeSeriesKMeans, count=K, iterations=it)
    print("# bench_learning (single thread)")
    print(f"{'task':44s} {'tslearn':>14s} {'ours':>14s} {'ratio':>7s}")
    print(f"{f'barycenter {N}x{T}, γ=0.1: time (s)':44s} {b['t_ts']:14.2f} {b['t_ours']:14.2f} "
          f"{b['t_ours'] / b['t_ts']:7.3f}")
    print(f"{'  objective Σ_j dtw_γ (lower is better)':44s} {b['f_ts']:14.1f} "
          f"{b['f_ours']:14.1f}")
    reach = "never" if b["reach"] is None else f"{b['reach']:.2f}"
    ratio = "" if b["reach"] is None else f"{b['reach'] / b['t_ts']:7.3f}"
    print(f"{'  ours: time to reach tslearn objective (s)':44s} {'':14s} {reach:>14s} {ratio}")
    print(f"{'  ours: iterations / evaluations':44s} {'':14s} "
          f"{str(b['n_iter']) + ' / ' + str(b['n_evals']):>14s}")
    print(f"{'  ours, tol=1e-7: time (s)':44s} {'':14s} {b['t_loose']:14.2f} "
          f"{b['t_loose'] / b['t_ts']:7.3f}")
    print(f"{'  ours, tol=1e-7: objective':44s} {'':14s} {b['f_loose']:14.1f}")
    print(f"{f'k-means {K}x128, k=3, γ=0.1, {it} it: time (s)':44s} {k['t_ts']:14.2f} "
          f"{k['t_ours']:14.2f} {k['t_ours'] / k['t_ts']:7.3f}")
    print(f"{'  DTW inertia (lower is better)':44s} {k['i_ts']:14.1f} {k['i_ours']:14.1f}")
    print(f"{'  centre updates':44s} {k['n_iter_ts']:14d} {k['n_iter']:14d}")


if __name__ == "__main__":
    main()
