"""k-means for time series: soft-DTW k-means and the Euclidean and DBA baselines.

All three run the same Lloyd loop on ``N`` series ``x_i`` (lengths ``m_i``) and ``k`` centres
``c_1 … c_k`` (length ``n``), minimising the inertia::

    I(c, l) = Σ_i L(x_i, c_{l_i})

- :class:`SoftDTWKMeans`: ``L = dtw_γ`` (``assignment="softdtw"``) or the soft-DTW divergence
  (``assignment="divergence"``); the update step is the soft-DTW barycenter of each cluster
  (:func:`softdtw_core.softdtw_barycenter` with weights ``m_i``, which cancel its ``1/m_i``
  so that it minimises exactly the cluster's share of ``I``), warm-started from the previous
  centre.
- :class:`DBAKMeans`: ``L = dtw_0``, update by DBA (:func:`softdtw_core.dba_barycenter`).
- :class:`EuclideanKMeans`: ``L = ||x - c||²`` (equal lengths), update by the mean.

Assignment: ``l_i = argmin_c L(x_i, c)``, all pairs at once with
:func:`softdtw_core.soft_dtw_cdist` (parallel over pairs). An empty cluster is re-seeded
deterministically with the series that is worst fitted by its centre (largest ``L``), taken
from a cluster with at least two members. The loop stops when the labels no longer change,
when an iteration lowers ``I`` by less than ``tol * |I|``, or after ``max_iter`` updates.

k-means++ seeding samples each next centre with probability proportional to a
*non-negative* dissimilarity to the nearest chosen centre: the divergence for soft-DTW
(raw ``dtw_γ`` can be negative, and squaring it, as some libraries do, loses its sign),
``dtw_0`` for DBA, ``||·||²`` for Euclidean.

``iterate(X)`` is a generator yielding a :class:`KMeansStep` after every assignment, so an
app can draw the iterations while they run; ``fit`` consumes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._validation import as_series, check_band, check_gamma
from .barycenter import (
    _check_choice,
    _check_positive_int,
    _check_tol,
    _dataset,
    _default_length,
    dba_barycenter,
    resample,
    softdtw_barycenter,
)
from .pairwise import as_dataset, soft_dtw_cdist

__all__ = ["DBAKMeans", "EuclideanKMeans", "KMeansStep", "SoftDTWKMeans", "dtw_inertia"]

ASSIGNMENTS = ("softdtw", "divergence")


@dataclass
class KMeansStep:
    """State of a k-means run right after an assignment step.

    Attributes
    ----------
    run : int
        Index of the run among ``n_init``.
    iteration : int
        Number of centre updates done before this assignment (0 = initial centres).
    centers : ndarray, shape (k, n) or (k, n, d)
    labels : ndarray of int, shape (N,)
    inertia : float
        ``Σ_i L(x_i, c_{l_i})``.
    reseeded : tuple of int
        Clusters that were empty and got re-seeded in this step.
    """

    run: int
    iteration: int
    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    reseeded: tuple = ()


def _stack(centers, univariate):
    C = np.stack(centers)
    return C[:, :, 0] if univariate else C


def dtw_inertia(X, centers, labels=None, *, band=None):
    """DTW inertia ``Σ_i dtw_0(x_i, c_{l_i})`` (the score of the paper's Table 2).

    Parameters
    ----------
    X : list of series or ndarray, shape (N, m) or (N, m, d)
    centers : list of series or ndarray, shape (k, n) or (k, n, d)
    labels : array_like of int, shape (N,), optional
        Cluster of each series; default the DTW-nearest centre (``min_c dtw_0(x_i, c)``).
    band : float, optional

    Returns
    -------
    float
    """
    series = as_dataset(X, "X")
    C = as_dataset(centers, "centers")
    if C[0].shape[1] != series[0].shape[1]:
        raise ValueError(
            f"centers have d={C[0].shape[1]} but the series have d={series[0].shape[1]}."
        )
    D = soft_dtw_cdist(series, C, 0.0, band=band)
    if labels is None:
        return float(D.min(axis=1).sum())
    lab = np.asarray(labels)
    if lab.shape != (len(series),) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be {len(series)} integers; got shape {lab.shape}.")
    if lab.min() < 0 or lab.max() >= len(C):
        raise ValueError(f"labels must be in [0, {len(C) - 1}].")
    return float(D[np.arange(len(series)), lab].sum())


class _KMeansBase:
    """The Lloyd loop shared by the three k-means classes (subclasses give L and the update)."""

    def __init__(self, n_clusters, init, n_init, max_iter, tol, random_state, band):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.band = band

    # -- hooks
    def _distances(self, series, centers):  # (N, k) values of L
        raise NotImplementedError

    def _seed_distances(self, series, center):  # (N,) non-negative dissimilarity
        raise NotImplementedError

    def _update(self, members, center):
        raise NotImplementedError

    def _check_data(self, series):
        pass

    # -- validation
    def _validate(self, X):
        k = self.n_clusters
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
            raise ValueError(f"n_clusters must be an integer >= 1; got {k!r}.")
        _check_positive_int(self.n_init, "n_init")
        _check_positive_int(self.max_iter, "max_iter", minimum=0)
        _check_tol(self.tol)
        check_band(self.band)
        series, univariate = _dataset(X)
        if k > len(series):
            raise ValueError(
                f"n_clusters={k} is larger than the number of series ({len(series)}); "
                "k-means needs at least one series per cluster."
            )
        self._check_data(series)
        return series, univariate

    def _initial_centers(self, series, n, rng):
        k = self.n_clusters
        init = self.init
        if isinstance(init, str):
            _check_choice(init, ("k-means++", "random"), "init")
            if init == "random":
                idx = rng.choice(len(series), k, replace=False)
                return [resample(series[i], n) for i in idx]
            first = int(rng.integers(len(series)))
            centers = [resample(series[first], n)]
            closest = self._seed_distances(series, centers[0])
            for _ in range(1, k):
                p = np.clip(closest, 0.0, None)
                total = p.sum()
                if not total > 0:  # every series coincides with a centre: pick uniformly
                    idx = int(rng.integers(len(series)))
                else:
                    idx = int(rng.choice(len(series), p=p / total))
                centers.append(resample(series[idx], n))
                closest = np.minimum(closest, self._seed_distances(series, centers[-1]))
            return centers
        C = as_dataset(init, "init")
        if len(C) != k:
            raise ValueError(f"init has {len(C)} centres but n_clusters={k}.")
        d = series[0].shape[1]
        if C[0].shape[1] != d:
            raise ValueError(f"init centres have d={C[0].shape[1]} but the series have d={d}.")
        lengths = {c.shape[0] for c in C}
        if len(lengths) != 1:
            raise ValueError("init centres must all have the same length.")
        return [c.copy() for c in C]

    def _center_length(self, series):
        if not isinstance(self.init, str):
            return as_series(as_dataset(self.init, "init")[0], "init[0]").shape[0]
        return _default_length(series)

    def _reseed(self, series, D, labels, centers, n):
        """Give each empty cluster the worst-fitted series of a cluster of size >= 2."""
        reseeded = []
        k = len(centers)
        for _ in range(k):  # at most k re-seeds
            counts = np.bincount(labels, minlength=k)
            empty = np.flatnonzero(counts == 0)
            if empty.size == 0:
                break
            c = int(empty[0])
            fit = D[np.arange(len(series)), labels].copy()
            fit[counts[labels] < 2] = -np.inf
            i = int(np.argmax(fit))
            centers[c] = resample(series[i], n)
            D[:, c] = self._distances(series, [centers[c]])[:, 0]
            labels[i] = c
            reseeded.append(c)
        return labels, reseeded

    # -- the loop
    def _run(self, series, univariate, centers, run):
        n = centers[0].shape[0]
        prev_labels = None
        prev_inertia = np.inf
        n_updates = 0
        converged = False
        while True:
            D = self._distances(series, centers)
            labels = np.argmin(D, axis=1)
            labels, reseeded = self._reseed(series, D, labels, centers, n)
            inertia = float(D[np.arange(len(series)), labels].sum())
            yield KMeansStep(
                run, n_updates, _stack(centers, univariate), labels.copy(), inertia,
                tuple(reseeded),
            )
            if prev_labels is not None and not reseeded:
                if np.array_equal(labels, prev_labels):
                    converged = True
                elif prev_inertia - inertia <= self.tol * abs(inertia):
                    converged = True
            if converged or n_updates >= self.max_iter:
                break
            for c in range(len(centers)):
                members = [series[i] for i in np.flatnonzero(labels == c)]
                centers[c] = self._update(members, centers[c])
            n_updates += 1
            prev_labels, prev_inertia = labels, inertia
        self._last_run = (centers, labels, inertia, n_updates, converged)

    def iterate(self, X):
        """Fit, yielding a :class:`KMeansStep` after every assignment of every run.

        The fitted attributes (``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``,
        ``converged_``, ``dtw_inertia_``) are set once the generator is exhausted, from the
        run with the lowest inertia.
        """
        series, univariate = self._validate(X)
        n = self._center_length(series)
        rng = np.random.default_rng(self.random_state)
        n_runs = self.n_init if isinstance(self.init, str) else 1
        best = None
        for run in range(n_runs):
            centers = self._initial_centers(series, n, rng)
            yield from self._run(series, univariate, centers, run)
            if best is None or self._last_run[2] < best[2]:
                best = self._last_run
        centers, labels, inertia, n_updates, converged = best
        self.cluster_centers_ = _stack(centers, univariate)
        self.labels_ = labels
        self.inertia_ = inertia
        self.n_iter_ = n_updates
        self.converged_ = converged
        self.dtw_inertia_ = dtw_inertia(series, centers, band=self.band)
        self._univariate = univariate

    def fit(self, X):
        """Fit on ``X`` (list of series or ``(N, m[, d])`` array); returns ``self``."""
        for _ in self.iterate(X):
            pass
        return self

    def _check_fitted(self):
        if not hasattr(self, "cluster_centers_"):
            raise ValueError("this model is not fitted yet: call fit(X) first.")

    def transform(self, X):
        """``L(x_i, c)`` for every series and centre, shape (N, k)."""
        self._check_fitted()
        series, _ = _dataset(X)
        C = as_dataset(self.cluster_centers_, "cluster_centers_")
        if series[0].shape[1] != C[0].shape[1]:
            raise ValueError(
                f"X has d={series[0].shape[1]} but the model was fitted with d={C[0].shape[1]}."
            )
        self._check_data(series)
        return self._distances(series, C)

    def predict(self, X):
        """Nearest centre under ``L`` for each series, shape (N,)."""
        return np.argmin(self.transform(X), axis=1)

    def fit_predict(self, X):
        """``fit(X).labels_``."""
        return self.fit(X).labels_


class SoftDTWKMeans(_KMeansBase):
    """Soft-DTW k-means (module docstring).

    Parameters
    ----------
    n_clusters : int
        ``k``, at most the number of series.
    gamma : float >= 0
    init : {"k-means++", "random"} or array_like, shape (k, n) or (k, n, d)
        k-means++ with the divergence, ``k`` distinct random series, or given centres.
    n_init : int
        Runs from different seeds (``init`` strings only); the lowest inertia wins.
    max_iter : int
        Cap on centre updates per run.
    tol : float
        Stop when an iteration lowers the inertia by less than ``tol * |inertia|``.
    random_state : int, optional
    assignment : {"softdtw", "divergence"}
        ``L`` for both the assignment and the barycenter update.
    band : float, optional
        Sakoe-Chiba radius.
    barycenter_max_iter, barycenter_tol : int, float
        Passed to :func:`softdtw_core.softdtw_barycenter` for each update. Each update is
        warm-started from the previous centre, so a few iterations per update suffice
        (raise them for a tighter final centre).

    Attributes
    ----------
    cluster_centers_ : ndarray, shape (k, n) or (k, n, d)
    labels_ : ndarray, shape (N,)
    inertia_ : float
        ``Σ_i L(x_i, c_{l_i})`` (negative values are possible with raw soft-DTW).
    dtw_inertia_ : float
        ``Σ_i min_c dtw_0(x_i, c)``, for comparisons across methods.
    n_iter_ : int
        Centre updates of the best run.
    converged_ : bool
    """

    def __init__(
        self,
        n_clusters=3,
        gamma=1.0,
        *,
        init="k-means++",
        n_init=1,
        max_iter=50,
        tol=1e-6,
        random_state=None,
        assignment="softdtw",
        band=None,
        barycenter_max_iter=10,
        barycenter_tol=1e-6,
    ):
        super().__init__(n_clusters, init, n_init, max_iter, tol, random_state, band)
        self.gamma = gamma
        self.assignment = assignment
        self.barycenter_max_iter = barycenter_max_iter
        self.barycenter_tol = barycenter_tol

    def _validate(self, X):
        check_gamma(self.gamma)
        _check_choice(self.assignment, ASSIGNMENTS, "assignment")
        _check_positive_int(self.barycenter_max_iter, "barycenter_max_iter", minimum=0)
        _check_tol(self.barycenter_tol, "barycenter_tol")
        return super()._validate(X)

    def _distances(self, series, centers):
        return soft_dtw_cdist(
            series, centers, self.gamma, divergence=self.assignment == "divergence",
            band=self.band,
        )

    def _seed_distances(self, series, center):
        return soft_dtw_cdist(series, [center], self.gamma, divergence=True, band=self.band)[:, 0]

    def _update(self, members, center):
        res = softdtw_barycenter(
            members,
            self.gamma,
            weights=[float(s.shape[0]) for s in members],
            init=center,
            objective=self.assignment,
            band=self.band,
            max_iter=self.barycenter_max_iter,
            tol=self.barycenter_tol,
            keep_history=False,
        )
        return np.asarray(res.barycenter, dtype=np.float64).reshape(center.shape)


class DBAKMeans(_KMeansBase):
    """k-means under DTW with DBA updates (the paper's baseline). ``L = dtw_0``.

    Parameters as in :class:`SoftDTWKMeans` (no ``gamma``/``assignment``);
    ``barycenter_max_iter``/``barycenter_tol`` go to :func:`softdtw_core.dba_barycenter`.
    """

    def __init__(
        self,
        n_clusters=3,
        *,
        init="k-means++",
        n_init=1,
        max_iter=50,
        tol=1e-6,
        random_state=None,
        band=None,
        barycenter_max_iter=100,
        barycenter_tol=1e-9,
    ):
        super().__init__(n_clusters, init, n_init, max_iter, tol, random_state, band)
        self.barycenter_max_iter = barycenter_max_iter
        self.barycenter_tol = barycenter_tol

    def _distances(self, series, centers):
        return soft_dtw_cdist(series, centers, 0.0, band=self.band)

    def _seed_distances(self, series, center):
        return self._distances(series, [center])[:, 0]

    def _update(self, members, center):
        res = dba_barycenter(
            members,
            weights=[float(s.shape[0]) for s in members],
            init=center,
            band=self.band,
            max_iter=self.barycenter_max_iter,
            tol=self.barycenter_tol,
            keep_history=False,
        )
        return np.asarray(res.barycenter, dtype=np.float64).reshape(center.shape)


class EuclideanKMeans(_KMeansBase):
    """k-means with ``L = ||x - c||² = Σ_t ||x_t - c_t||²`` (all series of one length).

    Parameters as in :class:`SoftDTWKMeans` without ``gamma``, ``assignment``, ``band``.
    """

    def __init__(
        self, n_clusters=3, *, init="k-means++", n_init=1, max_iter=100, tol=1e-6,
        random_state=None,
    ):
        super().__init__(n_clusters, init, n_init, max_iter, tol, random_state, None)

    def _check_data(self, series):
        lengths = {s.shape[0] for s in series}
        if len(lengths) != 1:
            raise ValueError(
                "EuclideanKMeans needs series of one length; got lengths "
                f"{sorted(lengths)[:5]}. Resample them first or use DBAKMeans/SoftDTWKMeans."
            )
        if not isinstance(self.init, str):
            n = as_dataset(self.init, "init")[0].shape[0]
            if n != series[0].shape[0]:
                raise ValueError(f"init centres have length {n}, the series {series[0].shape[0]}.")

    def _distances(self, series, centers):
        A = np.stack(series).reshape(len(series), -1)
        C = np.stack(centers).reshape(len(centers), -1)
        if A.shape[1] != C.shape[1]:
            raise ValueError(f"series have {A.shape[1]} values, centres {C.shape[1]}.")
        D = (A * A).sum(1)[:, None] - 2.0 * A @ C.T + (C * C).sum(1)[None, :]
        return np.maximum(D, 0.0)

    def _seed_distances(self, series, center):
        return self._distances(series, [center])[:, 0]

    def _update(self, members, center):
        return np.mean(np.stack(members), axis=0)
