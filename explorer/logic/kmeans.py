"""Computations of the Use page *k-means, live* (no Streamlit, no Plotly).

- :func:`adjusted_rand_index`: agreement of two labelings, corrected for chance (Hubert &
  Arabie, 1985), written here so the app does not need scikit-learn.
- :func:`synthetic_set`: the generated collections of the page.
- :func:`make_kmeans`, :func:`run_baselines`: the three k-means of :mod:`softdtw_core` with
  the page's settings, and the comparison table (DTW inertia, adjusted Rand index, time);
  :func:`kmeans_record` records a soft-DTW run step by step, with its baselines.

The collection is capped by :func:`explorer.logic.collection.prepare_collection` with
:data:`KMEANS_MAX_SERIES` and :data:`KMEANS_MAX_LENGTH`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import softdtw_core as sd
from explorer import data

__all__ = [
    "KMEANS_MAX_LENGTH",
    "KMEANS_MAX_SERIES",
    "KMEANS_METHODS",
    "NEGATIVE_OBJECTIVE",
    "SYNTHETIC_SETS",
    "BaselineResult",
    "adjusted_rand_index",
    "kmeans_record",
    "label_changes",
    "make_kmeans",
    "run_baselines",
    "synthetic_set",
]

KMEANS_METHODS = ("soft-DTW", "DBA", "Euclidean")
KMEANS_MAX_SERIES = 150  # k-means page: an evenly spaced subset beyond this
KMEANS_MAX_LENGTH = 200  # k-means page: longer series are resampled to this many points
SYNTHETIC_SETS = {
    "cbf": "Cylinder–Bell–Funnel (3 classes, random onsets and lengths)",
    "warped": "warped copies of 3 templates (sine, bumps, square)",
}


def _comb2(n: np.ndarray) -> np.ndarray | float:
    n = np.asarray(n, dtype=np.float64)
    return n * (n - 1.0) / 2.0


def adjusted_rand_index(labels_true, labels_pred) -> float:
    """Adjusted Rand index between two labelings of the same items.

    ``ARI = (Σ_ij C(n_ij, 2) − E) / (½ (Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) − E)`` with
    ``E = Σ_i C(a_i, 2) Σ_j C(b_j, 2) / C(n, 2)``, where ``n_ij`` is the contingency table
    and ``a``, ``b`` its row and column sums. 1 for identical partitions (up to renaming the
    clusters), about 0 for independent ones, and negative when worse than chance. Labels may
    be any hashable values (numbers or strings).

    Follows scikit-learn's conventions for the degenerate cases: 1.0 when both labelings put
    everything in one cluster, or every item in its own cluster, or there are fewer than two
    items.
    """
    a = np.asarray(labels_true)
    b = np.asarray(labels_pred)
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"two labelings of the same items are needed; got shapes {a.shape} "
                         f"and {b.shape}.")
    n = a.shape[0]
    if n < 2:
        return 1.0
    _, ia = np.unique(a.astype(str) if a.dtype.kind == "O" else a, return_inverse=True)
    _, ib = np.unique(b.astype(str) if b.dtype.kind == "O" else b, return_inverse=True)
    ka, kb = ia.max() + 1, ib.max() + 1
    if (ka == kb == 1) or (ka == kb == n):
        return 1.0
    table = np.zeros((ka, kb), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)
    sum_ij = float(_comb2(table).sum())
    sum_a = float(_comb2(table.sum(axis=1)).sum())
    sum_b = float(_comb2(table.sum(axis=0)).sum())
    expected = sum_a * sum_b / float(_comb2(n))
    maximum = 0.5 * (sum_a + sum_b)
    if maximum == expected:
        return 1.0
    return float((sum_ij - expected) / (maximum - expected))


def synthetic_set(kind: str, n_per_class: int, length: int, seed: int) -> data.Dataset:
    """A generated labelled collection: CBF or warped copies of three templates."""
    if kind == "cbf":
        return data.cylinder_bell_funnel(n_per_class, length, seed=seed)
    if kind == "warped":
        return data.warped_copies(n_per_class, length, templates=("sine", "bumps", "square"),
                                  warp=0.4, noise=0.1, seed=seed)
    raise ValueError(f"unknown synthetic set {kind!r}; choose from {list(SYNTHETIC_SETS)}")


#: Why the soft-DTW objective can be negative, said next to it on the page.
NEGATIVE_OBJECTIVE = (
    "dtw_γ is a *soft* minimum over all alignments A: dtw_γ = −γ log Σ_A exp(−⟨A, Δ⟩/γ) "
    "lies between dtw₀ − γ log(number of alignments) and dtw₀, so with many near-optimal "
    "alignments it drops below zero, even for a series against itself. It is the objective "
    "these iterations lower (compare it across iterations at one γ, not across γ); the DTW "
    "inertia in the table below (≥ 0) compares the methods.")


def label_changes(previous, current) -> int:
    """How many series changed cluster between two assignments (0 for the first one)."""
    if previous is None:
        return 0
    return int(np.count_nonzero(np.asarray(previous) != np.asarray(current)))


def make_kmeans(method: str, k: int, *, gamma: float = 1.0, init: str = "k-means++",
                seed: int = 0, max_iter: int = 10, barycenter_max_iter: int = 10):
    """One of the three k-means of :mod:`softdtw_core` with the page's settings."""
    if method == "soft-DTW":
        return sd.SoftDTWKMeans(k, gamma, init=init, random_state=seed, max_iter=max_iter,
                                barycenter_max_iter=barycenter_max_iter)
    if method == "DBA":
        return sd.DBAKMeans(k, init=init, random_state=seed, max_iter=max_iter)
    if method == "Euclidean":
        return sd.EuclideanKMeans(k, init=init, random_state=seed, max_iter=max_iter)
    raise ValueError(f"method must be one of {KMEANS_METHODS}; got {method!r}.")


@dataclass(frozen=True)
class BaselineResult:
    """A fitted k-means for the comparison table (``labels``/``centers`` None if not run)."""

    method: str
    labels: np.ndarray | None
    centers: np.ndarray | None
    dtw_inertia: float
    ari: float | None
    n_iter: int
    seconds: float
    note: str = ""


def _ari(true_labels, labels):
    if true_labels is None or labels is None:
        return None
    return adjusted_rand_index(true_labels, labels)


def run_baselines(series, k: int, *, true_labels=None, init: str = "k-means++", seed: int = 0,
                  max_iter: int = 10) -> list[BaselineResult]:
    """DBA and Euclidean k-means on the same series, seed and init.

    Euclidean k-means needs series of one length; on variable-length collections its row says
    so instead of silently resampling.
    """
    out = []
    for method in ("DBA", "Euclidean"):
        if method == "Euclidean" and len({len(s) for s in series}) > 1:
            out.append(BaselineResult(method, None, None, float("nan"), None, 0, 0.0,
                                      "needs series of one length"))
            continue
        model = make_kmeans(method, k, init=init, seed=seed, max_iter=max_iter)
        t0 = time.perf_counter()
        model.fit(series)
        seconds = time.perf_counter() - t0
        out.append(BaselineResult(method, np.asarray(model.labels_),
                                  np.asarray(model.cluster_centers_),
                                  float(model.dtw_inertia_),
                                  _ari(true_labels, model.labels_), int(model.n_iter_),
                                  seconds))
    return out


def kmeans_record(series, true_labels=None, *, k: int, gamma: float, init: str = "k-means++",
                  seed: int = 0, max_iter: int = 10, barycenter_max_iter: int = 10,
                  publish=None) -> dict:
    """A soft-DTW k-means run recorded step by step, then its DBA and Euclidean baselines.

    Each assignment step is a dict (``iteration``, ``labels``, ``centers``, ``inertia``,
    ``changes`` since the previous step, ``reseeded`` clusters, ``elapsed`` seconds), passed to
    ``publish(step)`` as soon as it is computed (the page draws it) and kept in order.

    Returns
    -------
    dict
        ``steps`` (the list), ``converged`` and ``baselines`` (:func:`run_baselines`).
    """
    model = make_kmeans("soft-DTW", k, gamma=gamma, init=init, seed=seed, max_iter=max_iter,
                        barycenter_max_iter=barycenter_max_iter)
    steps = []
    prev = None
    t0 = time.perf_counter()
    for step in model.iterate(series):
        steps.append({
            "iteration": int(step.iteration), "labels": np.asarray(step.labels),
            "centers": np.asarray(step.centers), "inertia": float(step.inertia),
            "changes": label_changes(prev, step.labels), "reseeded": tuple(step.reseeded),
            "elapsed": time.perf_counter() - t0,
        })
        if publish is not None:
            publish(steps[-1])
        prev = step.labels
    baselines = run_baselines(series, k, true_labels=true_labels, init=init, seed=seed,
                              max_iter=max_iter)
    return {"steps": steps, "converged": bool(model.converged_), "baselines": baselines}
