"""Averaging a class of series: the Euclidean mean, DBA and soft-DTW barycenters at several γ.

Run from the repository root after the README's install command:

    python examples/barycenter.py                    # class 1 of CBF's training set
    python examples/barycenter.py --quick            # 8 series, fewer iterations
    python examples/barycenter.py --dataset GunPoint --label 2

Each method's DTW loss (the paper's Table 1 measure: the mean DTW from the average to the
series, divided by their lengths; lower is better) and time are printed, with the
optimiser's iterations. The barycenters are saved to a CSV file with ``--out``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import softdtw_core as sd
from explorer.data import list_datasets, load_dataset


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    parser.add_argument("--dataset", default="CBF", choices=list_datasets(),
                        help="a bundled dataset (default CBF)")
    parser.add_argument("--label", default=None, help="the class to average (default: the first)")
    parser.add_argument("--out", default=None, help="write the barycenters to this CSV file")
    args = parser.parse_args(argv)

    X, labels, _ = load_dataset(args.dataset, split="train")
    label = labels[0] if args.label is None else type(labels[0])(args.label)
    members = [s for s, lab in zip(X, labels, strict=True) if lab == label]
    if not members:
        raise SystemExit(f"--label {args.label!r}: no series of that class in {args.dataset}; "
                         f"classes: {sorted(set(labels.tolist()))}")
    if args.quick:
        members = members[:8]
    max_iter = 30 if args.quick else 300
    gammas = (1.0, 0.1) if args.quick else (10.0, 1.0, 0.1, 0.01)
    print(f"{args.dataset}, class {label}: {len(members)} series; suggest_gamma: "
          f"{sd.suggest_gamma(members).gamma:.3g}")

    averages = {}
    start = time.perf_counter()
    mean = np.mean(members, axis=0) if len({len(s) for s in members}) == 1 else None
    if mean is not None:
        averages["Euclidean mean"] = (mean, time.perf_counter() - start, "-")
    start = time.perf_counter()
    dba = sd.dba_barycenter(members, max_iter=max_iter)
    averages["DBA"] = (dba.solution, time.perf_counter() - start, dba.n_iter)
    for gamma in gammas:
        start = time.perf_counter()
        res = sd.softdtw_barycenter(members, gamma=gamma, max_iter=max_iter)
        averages[f"soft-DTW gamma={gamma:g}"] = (res.solution, time.perf_counter() - start,
                                                 res.n_iter)

    print(f"{'method':24s} {'DTW loss':>10s} {'seconds':>8s} {'iterations':>10s}")
    for name, (average, seconds, iterations) in averages.items():
        loss = sd.dtw_loss(average, members)
        print(f"{name:24s} {loss:10.4f} {seconds:8.3f} {iterations!s:>10s}")

    if args.out:
        names = list(averages)
        table = np.column_stack([np.ravel(averages[n][0]) for n in names])
        np.savetxt(args.out, table, delimiter=",", header=",".join(names), comments="")
        print(f"barycenters written to {args.out}")


if __name__ == "__main__":
    main()
