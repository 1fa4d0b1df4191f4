r"""The Lloyd loop shared by the k-means classes of :mod:`softdtw_core.kmeans`.

:class:`LloydKMeans` alternates the assignment ``l_i = argmin_c L(x_i, c)`` and the update of
each centre from its members, with k-means++ or random seeding and the re-seeding of empty
clusters (the rules are in the docstring of :mod:`softdtw_core.kmeans`). It reads the
series through a collection (:mod:`softdtw_core._internal.collection`), so the same loop clusters
series held in this process or on Dask workers (:func:`softdtw_core.distributed.kmeans`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..results import KMeansStep
from .collection import LocalCollection, cdist_rows, resample
from .validation import (
    as_dataset,
    as_series,
    check_band,
    check_choice,
    check_int,
    check_non_negative,
    given_without_d_axis,
    median_length,
)

__all__ = ["INITS", "LloydKMeans", "band_of"]

INITS = ("k-means++", "random")


class _RunOutcome(NamedTuple):
    """The end of one run of the Lloyd loop (its last assignment)."""

    centers: list
    labels: np.ndarray
    inertia: float
    n_updates: int
    converged: bool


def _stack(centers, univariate):
    C = np.stack(centers)
    return C[:, :, 0] if univariate else C


def band_of(model):
    """The Sakoe-Chiba radius of a k-means model (None for the Euclidean one, which has no
    ``band`` parameter)."""
    return model.get_params().get("band")


class LloydKMeans(TransformerMixin, ClusterMixin, BaseEstimator):
    """The Lloyd loop shared by the three k-means classes (subclasses give L and the update).

    Subclasses store their constructor's parameters unchanged (scikit-learn's rule: they
    are validated in ``fit``) and implement the hooks below. The loop reads the series
    through a collection (:mod:`softdtw_core._internal.collection`): the hooks receive it and the
    global indices of the series they concern, so the same loop runs on Dask
    (:func:`softdtw_core.distributed.kmeans`).
    """

    # -- hooks
    def _distances(self, data, centers):  # (N, k) values of L
        raise NotImplementedError

    def _seed_distances(self, data, center):  # (N,) non-negative dissimilarity
        raise NotImplementedError

    def _update(self, data, members, center):  # members: ascending indices into data
        raise NotImplementedError

    def _check_params(self):
        """Validate the subclass's own parameters."""

    def _check_data(self, data):
        """Refuse data the subclass cannot handle."""

    # -- validation
    def _validate(self, X):
        """``X`` as a :class:`LocalCollection`, and whether it came without a d axis."""
        data = LocalCollection(as_dataset(X))
        self.validate_collection(data)
        return data, given_without_d_axis(X)

    def validate_collection(self, data):
        """Check the parameters, and that the collection ``data`` can be clustered."""
        k = check_int(self.n_clusters, "n_clusters")
        check_int(self.n_init, "n_init")
        check_int(self.max_iter, "max_iter", minimum=0)
        check_non_negative(self.tol, "tol")
        self._check_params()
        if k > len(data):
            raise ValueError(
                f"n_clusters={k} is larger than the number of series (n_samples = "
                f"{len(data)}); k-means needs at least one series per cluster."
            )
        self._check_data(data)

    def _initial_centers(self, data, n, rng):
        k = self.n_clusters
        init = self.init
        if isinstance(init, str):
            check_choice(init, INITS, "init")
            if init == "random":
                idx = rng.choice(len(data), k, replace=False)
                return [resample(data.series(i), n) for i in idx]
            first = int(rng.integers(len(data)))
            centers = [resample(data.series(first), n)]
            closest = self._seed_distances(data, centers[0])
            for _ in range(1, k):
                p = np.clip(closest, 0.0, None)
                total = p.sum()
                if not total > 0:  # every series coincides with a centre: pick uniformly
                    idx = int(rng.integers(len(data)))
                else:
                    idx = int(rng.choice(len(data), p=p / total))
                centers.append(resample(data.series(idx), n))
                closest = np.minimum(closest, self._seed_distances(data, centers[-1]))
            return centers
        C = as_dataset(init, "init")
        if len(C) != k:
            raise ValueError(f"init has {len(C)} centres but n_clusters={k}.")
        d = data.d
        if C[0].shape[1] != d:
            raise ValueError(f"init centres have d={C[0].shape[1]} but the series have d={d}.")
        lengths = {c.shape[0] for c in C}
        if len(lengths) != 1:
            raise ValueError("init centres must all have the same length.")
        return [c.copy() for c in C]

    def _center_length(self, data):
        if not isinstance(self.init, str):
            return as_series(as_dataset(self.init, "init")[0], "init[0]").shape[0]
        return median_length(data.lengths)

    def _reseed(self, data, D, labels, centers, n):
        """Give each empty cluster the worst-fitted series of a cluster of size >= 2."""
        reseeded = []
        k = len(centers)
        for _ in range(k):  # at most k re-seeds
            counts = np.bincount(labels, minlength=k)
            empty = np.flatnonzero(counts == 0)
            if empty.size == 0:
                break
            c = int(empty[0])
            fit = D[np.arange(len(data)), labels].copy()
            fit[counts[labels] < 2] = -np.inf
            i = int(np.argmax(fit))
            centers[c] = resample(data.series(i), n)
            D[:, c] = self._distances(data, [centers[c]])[:, 0]
            labels[i] = c
            reseeded.append(c)
        return labels, reseeded

    # -- the loop
    def _run(self, data, univariate, centers, run):
        """One run from ``centers``: yields a :class:`KMeansStep` per assignment and
        returns the :class:`_RunOutcome` of the last one."""
        n = centers[0].shape[0]
        prev_labels = None
        prev_inertia = np.inf
        n_updates = 0
        converged = False
        while True:
            D = self._distances(data, centers)
            labels = np.argmin(D, axis=1)
            labels, reseeded = self._reseed(data, D, labels, centers, n)
            inertia = float(D[np.arange(len(data)), labels].sum())
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
                return _RunOutcome(centers, labels, inertia, n_updates, converged)
            for c in range(len(centers)):
                centers[c] = self._update(data, np.flatnonzero(labels == c), centers[c])
            n_updates += 1
            prev_labels, prev_inertia = labels, inertia

    def iterate(self, X):
        """Fit, yielding a :class:`KMeansStep` after every assignment of every run.

        The fitted attributes (``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``,
        ``converged_``, ``dtw_inertia_``) are set once the generator is exhausted, from the
        run with the lowest inertia.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, m) or (N, m, d)
            The series; lengths may differ (except for :class:`EuclideanKMeans`).

        Yields
        ------
        KMeansStep
            The state after each assignment.

        Examples
        --------
        >>> import softdtw_core as sd
        >>> X = [[0.0, 1.0, 2.0], [0.0, 1.0, 2.5], [5.0, 4.0, 3.0], [5.0, 4.5, 3.0]]
        >>> model = sd.DBAKMeans(2, init=[[0.0, 1.0, 2.0], [0.0, 1.0, 2.5]])
        >>> for step in model.iterate(X):
        ...     print(step.iteration, step.labels.tolist(), round(step.inertia, 3))
        0 [0, 1, 1, 1] 71.75
        1 [0, 0, 1, 1] 5.304
        2 [0, 0, 1, 1] 0.812
        >>> model.n_iter_, model.converged_
        (2, True)
        """
        return self.iterate_collection(*self._validate(X))

    def iterate_collection(self, data, univariate):
        """:meth:`iterate` on a validated collection (:meth:`validate_collection`);
        ``univariate``: the centres are returned without a d axis."""
        n = self._center_length(data)
        rng = np.random.default_rng(self.random_state)
        n_runs = self.n_init if isinstance(self.init, str) else 1
        best = None
        for run in range(n_runs):
            centers = self._initial_centers(data, n, rng)
            outcome = yield from self._run(data, univariate, centers, run)
            if best is None or outcome.inertia < best.inertia:
                best = outcome
        self.cluster_centers_ = _stack(best.centers, univariate)
        self.labels_ = best.labels
        self.inertia_ = best.inertia
        self.n_iter_ = best.n_updates
        self.converged_ = best.converged
        self.dtw_inertia_ = float(cdist_rows(data, best.centers, 0.0, False,
                                             check_band(band_of(self))).min(axis=1).sum())

    def fit(self, X, y=None):
        """Fit on ``X``.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, m) or (N, m, d)
            The series; lengths may differ (except for :class:`EuclideanKMeans`).
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        self
        """
        for _ in self.iterate(X):
            pass
        return self

    def transform(self, X):
        """``L(x_i, c)`` for every series and centre.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, m) or (N, m, d)
            The series (of the fitted dimension d).

        Returns
        -------
        ndarray, shape (N, k)
        """
        check_is_fitted(self, "cluster_centers_")
        data = LocalCollection(as_dataset(X))
        C = as_dataset(self.cluster_centers_, "cluster_centers_")
        if data.d != C[0].shape[1]:
            raise ValueError(
                f"X has d={data.d} but the model was fitted with d={C[0].shape[1]}."
            )
        self._check_data(data)
        return self._distances(data, C)

    def predict(self, X):
        """Nearest centre under ``L`` for each series.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, m) or (N, m, d)
            The series.

        Returns
        -------
        ndarray of int, shape (N,)
        """
        return np.argmin(self.transform(X), axis=1)

    def score(self, X, y=None):
        """Minus the inertia of ``X`` under the model's own ``L``: ``-Σ_i min_c L(x_i, c)``.

        Higher is better, as scikit-learn's scorers want. ``L`` depends on the model's
        parameters (γ, ``assignment``), so scores of models with different ones are not
        comparable: use :func:`dtw_inertia_score` for that.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, m) or (N, m, d)
            The series.
        y : None
            Ignored.

        Returns
        -------
        float
        """
        return -float(self.transform(X).min(axis=1).sum())
