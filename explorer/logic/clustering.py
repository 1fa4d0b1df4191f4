"""Pure computations behind the *k-means* and *Your data* pages (no Streamlit, no Plotly).

- :func:`adjusted_rand_index`: agreement of two labelings, corrected for chance (Hubert &
  Arabie, 1985), written here so the app does not need scikit-learn.
- :func:`dissimilarity` and :func:`cluster_order`: turn a soft-DTW matrix into a
  non-negative dissimilarity and order its rows by average-linkage hierarchical clustering
  with optimal leaf ordering (SciPy), so that similar series sit next to each other;
  :func:`pairwise_matrix` computes the matrix and its order.
- :func:`prepare_collection`: cap a collection's size for the interactive pages and say what
  was capped (the caps of each page are the ``*_MAX_*`` constants below).
- :func:`synthetic_set`, :func:`sample_csv`: the generated collections of the k-means page and
  the example file of the Your data page.
- :func:`make_kmeans`, :func:`run_baselines`: the three k-means of :mod:`softdtw_core` with
  the page's settings, and the comparison table (DTW inertia, adjusted Rand index, time);
  :func:`kmeans_record` records a soft-DTW run step by step, with its baselines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

import softdtw_core as sd
from explorer import data

__all__ = [
    "KMEANS_MAX_LENGTH",
    "KMEANS_MAX_SERIES",
    "KMEANS_METHODS",
    "MATRIX_MAX_LENGTH",
    "MATRIX_MAX_SERIES",
    "SYNTHETIC_SETS",
    "BaselineResult",
    "Collection",
    "adjusted_rand_index",
    "cluster_order",
    "dissimilarity",
    "label_changes",
    "kmeans_record",
    "make_kmeans",
    "pairwise_matrix",
    "prepare_collection",
    "run_baselines",
    "sample_csv",
    "synthetic_set",
]

KMEANS_METHODS = ("soft-DTW", "DBA", "Euclidean")
KMEANS_MAX_SERIES = 150  # k-means page: an evenly spaced subset beyond this
KMEANS_MAX_LENGTH = 200  # k-means page: longer series are resampled to this many points
MATRIX_MAX_SERIES = 150  # Your data page, pairwise matrix
MATRIX_MAX_LENGTH = 500
SYNTHETIC_SETS = {
    "cbf": "Cylinder–Bell–Funnel (3 classes, random onsets and lengths)",
    "warped": "warped copies of 3 templates (sine, bumps, square)",
}


# --------------------------------------------------------------------------- ARI


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


# --------------------------------------------------------------------------- ordering


def dissimilarity(M, *, raw: bool = True) -> np.ndarray:
    """A symmetric, non-negative dissimilarity with a zero diagonal from a soft-DTW matrix.

    Raw ``dtw_γ`` values are not dissimilarities (``dtw_γ(x, x) < 0`` for γ > 0), so for
    ``raw=True`` the self-similarities are subtracted first, which is the soft-DTW
    divergence ``D_γ(x, y) = dtw_γ(x, y) − ½(dtw_γ(x, x) + dtw_γ(y, y))``. The divergence
    can dip a hair below zero between nearly identical series; those values are clipped at 0.
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise ValueError(f"a square matrix is needed; got shape {M.shape}.")
    if not np.all(np.isfinite(M)):
        raise ValueError("the matrix has non-finite values (NaN or inf).")
    if raw:
        d = np.diag(M).copy()
        M = M - 0.5 * (d[:, None] + d[None, :])
    D = 0.5 * (M + M.T)
    D = np.clip(D, 0.0, None)
    np.fill_diagonal(D, 0.0)
    return D


def cluster_order(M, *, raw: bool = True, method: str = "average") -> np.ndarray:
    """Leaf order of a hierarchical clustering of the series behind a soft-DTW matrix.

    Parameters
    ----------
    M : (N, N) array
        Soft-DTW values (``raw=True``) or divergences / any dissimilarity (``raw=False``).
    method : str
        SciPy linkage method for a precomputed dissimilarity (``"average"``, ``"complete"``,
        ``"single"``, ``"weighted"``).

    Returns
    -------
    ndarray of int, shape (N,)
        A permutation: ``M[np.ix_(order, order)]`` is the reordered matrix. Optimal leaf
        ordering (Bar-Joseph et al., 2001) makes neighbouring leaves as similar as possible.
    """
    D = dissimilarity(M, raw=raw)
    n = D.shape[0]
    if n <= 2:
        return np.arange(n)
    Z = hierarchy.linkage(squareform(D, checks=False), method=method, optimal_ordering=True)
    return hierarchy.leaves_list(Z).astype(np.int64)


def pairwise_matrix(series, gamma: float, *, divergence: bool = False, cost="sqeuclidean",
                    band=None) -> tuple[np.ndarray, np.ndarray]:
    """The pairwise soft-DTW (or divergence) matrix and its :func:`cluster_order`."""
    M = sd.soft_dtw_cdist(series, gamma=gamma, divergence=divergence, cost=cost, band=band)
    return M, cluster_order(M, raw=not divergence)


# --------------------------------------------------------------------------- collections


@dataclass(frozen=True)
class Collection:
    """Series ready for an interactive page, and what was done to fit the caps.

    ``series`` is a list of float64 ``(length,)`` or ``(length, d)`` arrays; ``index`` holds
    their positions in the original collection; ``notes`` are sentences for the user.
    """

    series: list
    labels: np.ndarray | None
    names: list
    index: np.ndarray
    notes: tuple = field(default=())

    @property
    def equal_length(self) -> bool:
        return len({len(s) for s in self.series}) == 1

    @property
    def dim(self) -> int:
        s = self.series[0]
        return 1 if s.ndim == 1 else s.shape[1]


def _squeeze(s: np.ndarray) -> np.ndarray:
    s = np.asarray(s, dtype=np.float64)
    return s[:, 0] if s.ndim == 2 and s.shape[1] == 1 else s


def prepare_collection(series, labels=None, names=None, *, max_series: int | None = None,
                       max_length: int | None = None) -> Collection:
    """Cap a collection at ``max_series`` series and ``max_length`` points per series.

    When there are more series than the cap, an evenly spaced subset is kept (so every class
    of a sorted dataset stays represented); series longer than the cap are resampled (linear
    interpolation, :func:`softdtw_core.resample`) to ``max_length`` points, keeping their
    whole shape. Each cap that applies adds a note that says it.
    """
    items = [_squeeze(s) for s in data.as_series_list(series)]
    if not items:
        raise ValueError("the collection holds no series.")
    n = len(items)
    names = [f"series {k}" for k in range(n)] if names is None else [str(v) for v in names]
    if len(names) != n:
        raise ValueError(f"{len(names)} names for {n} series.")
    lab = None if labels is None else np.asarray(labels)
    if lab is not None and lab.shape[0] != n:
        raise ValueError(f"{lab.shape[0]} labels for {n} series.")
    notes = []
    index = np.arange(n)
    if max_series is not None and n > max_series:
        index = np.unique(np.linspace(0, n - 1, max_series).round().astype(np.int64))
        notes.append(f"The collection has {n} series; {len(index)} of them (evenly spaced) are "
                     f"used, the cap on this page being {max_series}.")
    kept = [items[i] for i in index]
    if max_length is not None:
        longest = max(len(s) for s in kept)
        if longest > max_length:
            count = sum(len(s) > max_length for s in kept)
            kept = [_squeeze(sd.resample(s, max_length)) if len(s) > max_length else s
                    for s in kept]
            notes.append(f"{count} series are longer than this page's cap of {max_length} "
                         f"points (longest {longest}); they are resampled to {max_length} "
                         "points.")
    return Collection(series=kept, labels=None if lab is None else lab[index],
                      names=[names[i] for i in index], index=index, notes=tuple(notes))


def synthetic_set(kind: str, n_per_class: int, length: int, seed: int) -> data.Dataset:
    """A generated labelled collection: CBF or warped copies of three templates."""
    if kind == "cbf":
        return data.cylinder_bell_funnel(n_per_class, length, seed=seed)
    if kind == "warped":
        return data.warped_copies(n_per_class, length, templates=("sine", "bumps", "square"),
                                  warp=0.4, noise=0.1, seed=seed)
    raise ValueError(f"unknown synthetic set {kind!r}; choose from {list(SYNTHETIC_SETS)}")


def sample_csv() -> bytes:
    """A small labelled example file in the wide layout (CBF, 3 × 3 series of 64 points)."""
    ds = data.cylinder_bell_funnel(3, 64, seed=1)
    classes = ds.metadata.get("classes", {})
    names = [f"{classes.get(str(c), c)}_{k + 1}" for k, c in enumerate(np.asarray(ds.labels))]
    return data.series_to_csv(np.round(ds.series, 4), labels=ds.labels, names=names)


# --------------------------------------------------------------------------- k-means


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
