"""Reproduce Tables 1-3 of Cuturi & Blondel (ICML 2017) on the bundled UCR datasets.

Run (defaults finish in roughly 10-15 minutes on 2 cores)::

    python benchmarks/paper_tables.py
    python benchmarks/paper_tables.py --tables 1 --datasets GunPoint,CBF --gammas 1,0.1

Protocols (our reading of the paper, on the datasets bundled in ``assets/``, which are
far fewer than the paper's 79 UCR datasets: percentages move in steps of 100/n_datasets):

- Table 1 (barycenters): for every class of the training set (at most ``--max-series``
  series per class, first ones), soft-DTW barycenters (γ grid) and DBA from the *same*
  initialisation: ``random`` (i.i.d. Gaussian with the data's mean and std, seeded) or
  ``euclidean`` (Euclidean mean). Score: the DTW loss Σ_j dtw_0(X, Y_j)/(N m_j) averaged over
  classes. Reported: % of datasets where soft-DTW's score is lower than DBA's. The
  subgradient method's score is shown for reference.
- Table 2 (k-means): k = number of classes on the training set (at most ``--max-series``
  series, first ones); soft-DTW k-means (γ grid) and DBA k-means from the same initial
  centres: ``random`` (k random series, seeded) or ``euclidean`` (the centres of Euclidean
  k-means). Score: DTW inertia Σ_i min_c dtw_0(x_i, c). Reported: % of datasets where
  soft-DTW k-means has the lower DTW inertia.
- Table 3 (prediction): an MLP (one tanh hidden layer) maps the first 60% of each series
  to the rest; trained on the whole training set (``--pred-max-series`` caps it) with the
  Euclidean loss or soft-DTW (γ grid),
  from random weights (``random``) or from the Euclidean-loss solution (``euclidean``);
  scored by the mean dtw_0 of the test predictions. Reported: the average rank (1 = best)
  of each loss over datasets.

Every series is z-normalised first (``--no-znorm`` to skip), as in the UCR archive the paper
used (some bundled 2018 datasets, e.g. Chinatown, are raw counts; γ is only comparable
across datasets on a common scale). The paper's numbers are printed next to ours.
Variable-length datasets are included where the method allows (Table 3 needs equal
lengths); multivariate ones can be named with ``--datasets``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

PAPER = {
    1: {
        "random": {1.0: 40.51, 0.1: 93.67, 0.01: 100.0, 0.001: 97.47},
        "euclidean": {1.0: 3.80, 0.1: 46.83, 0.01: 79.75, 0.001: 89.87},
    },
    2: {
        "random": {1.0: 15.78, 0.1: 24.56, 0.01: 59.64, 0.001: 77.19},
        "euclidean": {1.0: 29.31, 0.1: 24.13, 0.01: 55.17, 0.001: 68.97},
    },
    3: {  # the talk's Table 3 (evaluation with dtw_0), both initialisations
        "random": {"Euclidean": 3.46, "soft-DTW γ=1": 3.55, "soft-DTW γ=0.1": 3.33,
                   "soft-DTW γ=0.01": 2.79, "soft-DTW γ=0.001": 1.87},
        "euclidean": {"Euclidean": 4.21, "soft-DTW γ=1": 3.96, "soft-DTW γ=0.1": 3.42,
                      "soft-DTW γ=0.01": 2.12, "soft-DTW γ=0.001": 1.29},
    },
}


def _load(name, split, max_series=None):
    from explorer.data import load_dataset

    ds = load_dataset(name, split)
    series = [np.asarray(s, dtype=np.float64) for s in ds.series]
    if os.environ.get("PAPER_TABLES_ZNORM", "1") == "1":  # per-series z-normalisation
        series = [(s - s.mean(axis=0)) / np.where(s.std(axis=0) > 0, s.std(axis=0), 1.0)
                  for s in series]
    labels = np.asarray(ds.labels)
    if max_series is not None and len(series) > max_series:
        series, labels = series[:max_series], labels[:max_series]
    return series, labels


def table1(name, gammas, max_series, seed, bary_iter):
    import softdtw_core as sd

    series, labels = _load(name, "train")
    classes = sorted(set(labels.tolist()), key=str)
    out = {}
    for init in ("random", "euclidean"):
        scores = {("softdtw", g): [] for g in gammas}
        scores["dba"] = []
        scores["subgradient"] = []
        for ci, c in enumerate(classes):
            Y = [s for s, lab in zip(series, labels) if lab == c][:max_series]
            if init == "random":
                Z0 = sd.softdtw_barycenter(Y, init="random", max_iter=0, random_state=seed + ci)
                Z0 = Z0.solution
            else:
                Z0 = sd.euclidean_barycenter(Y)
            for g in gammas:
                r = sd.softdtw_barycenter(Y, g, init=Z0, max_iter=bary_iter, keep_history=False)
                scores[("softdtw", g)].append(sd.dtw_loss(r.solution, Y))
            r = sd.dba_barycenter(Y, init=Z0, max_iter=bary_iter, keep_history=False)
            scores["dba"].append(sd.dtw_loss(r.solution, Y))
            r = sd.subgradient_barycenter(Y, init=Z0, max_iter=bary_iter, keep_history=False)
            scores["subgradient"].append(sd.dtw_loss(r.solution, Y))
        out[init] = {k: float(np.mean(v)) for k, v in scores.items()}
    return name, out


def table2(name, gammas, max_series, seed, kmeans_iter, bary_iter):
    import softdtw_core as sd

    series, labels = _load(name, "train", max_series)
    k = len(set(labels.tolist()))
    rng = np.random.default_rng(seed)
    n = int(round(float(np.median([s.shape[0] for s in series]))))
    out = {}
    inits = {}
    idx = rng.choice(len(series), k, replace=False)
    inits["random"] = np.stack([sd.resample(series[i], n) for i in idx])
    resampled = np.stack([sd.resample(s, n) for s in series])
    eu = sd.EuclideanKMeans(k, random_state=seed).fit(resampled)
    inits["euclidean"] = eu.cluster_centers_
    for init_name, C0 in inits.items():
        res = {}
        for g in gammas:
            km = sd.SoftDTWKMeans(
                k, g, init=C0, max_iter=kmeans_iter, barycenter_max_iter=bary_iter,
                barycenter_tol=1e-9,
            ).fit(series)
            res[("softdtw", g)] = km.dtw_inertia_
        km = sd.DBAKMeans(k, init=C0, max_iter=kmeans_iter, barycenter_max_iter=bary_iter)
        res["dba"] = km.fit(series).dtw_inertia_
        out[init_name] = res
    return name, out


def table3(name, gammas, max_series, seed, pred_iter):
    import softdtw_core as sd

    Xtr, _ = _load(name, "train", max_series)
    Xte, _ = _load(name, "test")
    if len({s.shape for s in Xtr + Xte}) != 1:
        return name, None  # the MLP needs one length
    Xtr, Xte = np.stack(Xtr), np.stack(Xte)
    itr, ttr = sd.split_series(Xtr, 0.6)
    ite, tte = sd.split_series(Xte, 0.6)
    common = dict(hidden=(50,), max_iter=pred_iter, random_state=seed)
    euc = sd.MLPPredictor(loss="euclidean", **common).fit(itr, ttr)
    out = {"random": {"Euclidean": euc.evaluate(ite, tte)["dtw"]},
           "euclidean": {"Euclidean": euc.evaluate(ite, tte)["dtw"]}}
    for g in gammas:
        label = f"soft-DTW γ={g:g}"
        m = sd.MLPPredictor(loss="softdtw", gamma=g, **common).fit(itr, ttr)
        out["random"][label] = m.evaluate(ite, tte)["dtw"]
        m = sd.MLPPredictor(loss="softdtw", gamma=g, **common).fit(itr, ttr, init=euc)
        out["euclidean"][label] = m.evaluate(ite, tte)["dtw"]
    return name, out


def _ranks(values):
    """Average ranks (1 = lowest), ties share the mean rank."""
    keys = list(values)
    v = np.array([values[k] for k in keys])
    order = np.argsort(v, kind="stable")
    ranks = np.empty(len(v))
    ranks[order] = np.arange(1, len(v) + 1)
    for val in np.unique(v):
        tie = v == val
        ranks[tie] = ranks[tie].mean()
    return dict(zip(keys, ranks))


def main(argv=None):
    from explorer.data import DATASETS

    default_ds = [n for n, info in DATASETS.items() if info.dim == 1]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--datasets", default=",".join(default_ds), help="comma-separated names")
    ap.add_argument("--gammas", default="1,0.1,0.01,0.001")
    ap.add_argument("--tables", default="1,2,3")
    ap.add_argument("--max-series", type=int, default=30,
                    help="Table 1: series per class; Table 2: training series")
    ap.add_argument("--pred-max-series", type=int, default=None,
                    help="Table 3: training series (default: all; with 30, most bundled "
                         "datasets leave an MLP of 50 hidden units overfitting)")
    ap.add_argument("--bary-iter", type=int, default=100,
                    help="iterations of each barycenter (Table 1) / k-means update (Table 2)")
    ap.add_argument("--kmeans-iter", type=int, default=10)
    ap.add_argument("--pred-iter", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-znorm", action="store_true",
                    help="keep the raw values (default: z-normalise every series)")
    args = ap.parse_args(argv)
    os.environ["PAPER_TABLES_ZNORM"] = "0" if args.no_znorm else "1"  # read by the workers
    names = [s.strip() for s in args.datasets.split(",") if s.strip()]
    gammas = [float(g) for g in args.gammas.split(",")]
    tables = {int(t) for t in args.tables.split(",")}
    t0 = time.perf_counter()
    jobs = []
    with ProcessPoolExecutor(max_workers=args.workers) as ex:
        for name in names:
            if 1 in tables:
                jobs.append((1, ex.submit(table1, name, gammas, args.max_series, args.seed,
                                          args.bary_iter)))
            if 2 in tables:
                jobs.append((2, ex.submit(table2, name, gammas, args.max_series, args.seed,
                                          args.kmeans_iter, min(args.bary_iter, 50))))
            if 3 in tables:
                jobs.append((3, ex.submit(table3, name, gammas, args.pred_max_series,
                                          args.seed, args.pred_iter)))
        results = {1: {}, 2: {}, 3: {}}
        for t, fut in jobs:
            name, res = fut.result()
            if res is not None:
                results[t][name] = res
    elapsed = time.perf_counter() - t0
    print(f"# Paper tables on {len(names)} bundled datasets, gammas {gammas}, "
          f"seed {args.seed}, {elapsed:.0f} s")
    for t in (1, 2):
        if t not in tables or not results[t]:
            continue
        what = "barycenter DTW loss" if t == 1 else "k-means DTW inertia"
        print(f"\n## Table {t}: % of datasets where soft-DTW has a lower {what} than DBA "
              f"({len(results[t])} datasets)")
        print(f"{'init':10s} {'gamma':>7s} {'ours %':>8s} {'paper %':>8s}")
        for init in ("random", "euclidean"):
            for g in gammas:
                wins = [r[init][("softdtw", g)] < r[init]["dba"] for r in results[t].values()]
                paper = PAPER[t][init].get(g)
                ptxt = f"{paper:8.2f}" if paper is not None else f"{'-':>8s}"
                print(f"{init:10s} {g:7g} {100 * np.mean(wins):8.2f} {ptxt}")
        print(f"\nPer dataset ({what}; lower is better):")
        for init in ("random", "euclidean"):
            cols = [("softdtw", g) for g in gammas] + ["dba"] + (["subgradient"] if t == 1 else [])
            head = " ".join(f"{('γ=' + format(c[1], 'g')) if isinstance(c, tuple) else c:>12s}"
                            for c in cols)
            print(f"[{init} init] {'dataset':22s} {head}")
            for name, r in results[t].items():
                row = " ".join(f"{r[init][c]:12.4g}" for c in cols)
                print(f"{'':13s}{name:22s} {row}")
    if 3 in tables and results[3]:
        print(f"\n## Table 3: average rank of the test DTW loss ({len(results[3])} datasets; "
              "1 = best)")
        for init in ("random", "euclidean"):
            ranks = [_ranks(r[init]) for r in results[3].values()]
            keys = list(ranks[0])
            print(f"[{init} init]")
            for k in keys:
                paper = PAPER[3].get(init, {}).get(k)
                ptxt = f"   paper {paper:.2f}" if paper is not None else ""
                print(f"  {k:20s} {np.mean([r[k] for r in ranks]):6.2f}{ptxt}")
        for init in ("random", "euclidean"):
            print(f"\nPer dataset (mean test dtw_0 of the predictions, {init} init):")
            for name, r in results[3].items():
                print(f"  {name:22s} " + " ".join(f"{k}={v:.4g}" for k, v in r[init].items()))


if __name__ == "__main__":
    main()
