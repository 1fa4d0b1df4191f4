"""A collection of series for the pages that draw many (k-means, Your data, Tune γ), and
its clustered order (no Streamlit, no Plotly).

- :func:`prepare_collection`: cap a collection's size for the interactive pages and say what
  was capped (the caps of each page are its family's ``*_MAX_*`` constants);
- :func:`dissimilarity` and :func:`cluster_order`: turn a soft-DTW matrix into a
  non-negative dissimilarity and order its rows by average-linkage hierarchical clustering
  with optimal leaf ordering (SciPy), so that similar series sit next to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

import softdtw_core as sd
from explorer import data

__all__ = [
    "Collection",
    "cluster_order",
    "dissimilarity",
    "prepare_collection",
]


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
