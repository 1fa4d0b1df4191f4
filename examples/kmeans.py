"""Soft-DTW k-means on a bundled dataset (CBF), against Euclidean k-means.

Run from the repository root after the README's install command:

    python examples/kmeans.py              # 150 series of CBF (train + part of test)
    python examples/kmeans.py --quick      # its 30 training series, fewer iterations

Cylinder-Bell-Funnel has three classes of shapes whose events start and end at random
times: shifts that a point-by-point (Euclidean) distance penalises and soft-DTW forgives.
The script clusters the series without their labels, then compares the clusters with the
classes (adjusted Rand index: 1 = the classes exactly, 0 = chance) and prints each method's
DTW inertia (the sum of DTW losses of the series to their centres; lower is better).
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.metrics import adjusted_rand_score

import softdtw_core as sd
from explorer.data import load_dataset


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    parser.add_argument("--gamma", type=float, default=None,
                        help="smoothing γ (default: suggest_gamma's value for the data)")
    args = parser.parse_args(argv)

    X, labels, _ = load_dataset("CBF", split="train")
    if not args.quick:
        X_test, labels_test, _ = load_dataset("CBF", split="test")
        X = np.concatenate([X, X_test[:120]])
        labels = np.concatenate([labels, labels_test[:120]])
    k = len(np.unique(labels))
    hint = sd.suggest_gamma(X)
    gamma = args.gamma if args.gamma is not None else hint.gamma
    print(f"CBF: {len(X)} series of length {X.shape[1]}, {k} classes; gamma = {gamma:.3g}"
          f" (suggest_gamma: {hint.gamma:.3g})")

    iterations = 4 if args.quick else 20
    soft = sd.SoftDTWKMeans(n_clusters=k, gamma=gamma, max_iter=iterations, random_state=0)
    for step in soft.iterate(X):  # fits the model, yielding after every assignment
        print(f"  soft-DTW k-means iteration {step.iteration}: "
              f"cluster sizes {np.bincount(step.labels, minlength=k).tolist()}")
    euclid = sd.EuclideanKMeans(n_clusters=k, max_iter=100, random_state=0).fit(X)

    for name, model in (("soft-DTW k-means", soft), ("Euclidean k-means", euclid)):
        print(f"{name:18s} adjusted Rand index {adjusted_rand_score(labels, model.labels_):.3f}, "
              f"DTW inertia {model.dtw_inertia_:.1f}")

if __name__ == "__main__":
    main()
