r"""Classifiers on soft-DTW: nearest centroid (one barycenter per class) and k nearest neighbours.

Both compare a series ``x`` with references under a loss ``L``: the soft-DTW divergence
(``metric="divergence"``, the default) or raw soft-DTW (``metric="softdtw"``),

.. math::

    D_\gamma(x, y) = \operatorname{dtw}_\gamma(x, y)
    - \tfrac12 \left(\operatorname{dtw}_\gamma(x, x) + \operatorname{dtw}_\gamma(y, y)\right).

Raw ``dtw_γ`` is not a dissimilarity (``dtw_γ(x, x) < 0`` for γ > 0, and a smooth series can
be "closer" to ``x`` than ``x`` itself); the divergence is zero at ``x = y`` and removes that
entropic bias (Blondel, Mensch & Vert, 2021). All pairs are computed at once with
:func:`softdtw_core.soft_dtw_cdist` (parallel over pairs).

- :class:`SoftDTWNearestCentroid`: each class is summarised by its soft-DTW barycenter
  (:func:`softdtw_core.softdtw_barycenter`, minimising the same ``L``); a series goes to the
  class whose centroid is nearest under ``L``. Probabilities are a softmax of ``-L / T``,

  .. math::

      p(k \mid x) = \frac{e^{-L(x, c_k) / T}}{\sum_l e^{-L(x, c_l) / T}},

  with the temperature ``T = γ`` by default. Then, for raw soft-DTW,
  ``e^{-dtw_γ(x, c)/γ} = Σ_A e^{-<A, Δ(x, c)>/γ}`` is the total Gibbs weight of the
  alignments between ``x`` and ``c`` (the global alignment kernel of Cuturi et al., 2007),
  so ``p(k | x)`` is the share of all alignments to all centroids that go to ``c_k``; for the
  divergence it is the same with the kernel normalised. At γ = 0 the probabilities are
  one-hot.
- :class:`SoftDTWKNeighborsClassifier`: the ``k`` training series nearest under ``L`` vote;
  probabilities are the (weighted) shares of the votes, as in scikit-learn's
  :class:`~sklearn.neighbors.KNeighborsClassifier`. With ``γ = 0`` and ``k = 1`` it is the
  classic 1-NN DTW classifier.

Both are scikit-learn classifiers (``classes_``, ``predict_proba``, ``score`` = accuracy;
``GridSearchCV``, ``cross_val_score``, ``Pipeline``) that take lists of series of different
lengths and ``(N, length, d)`` arrays. γ is only meaningful relative to the scale of the
data: :func:`softdtw_core.gamma_grid` gives a grid to search.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017 (barycenters, Section 4; nearest centroid classification,
   Section 5.2).
.. [2] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021, PMLR 130:3853-3861.
.. [3] M. Cuturi, J.-P. Vert, Ø. Birkenes and T. Matsui, "A kernel for time series based
   on global alignments", ICASSP 2007.
"""

from __future__ import annotations

import inspect

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._internal.validation import (
    as_dataset,
    check_band,
    check_choice,
    check_gamma,
    check_int,
    check_non_negative,
    given_without_d_axis,
    median_length,
)
from .barycenter import softdtw_barycenter
from .pairwise import soft_dtw_cdist

__all__ = ["DEFAULT_BARYCENTER_PARAMS", "SoftDTWKNeighborsClassifier", "SoftDTWNearestCentroid"]

METRICS = ("divergence", "softdtw")
WEIGHTS = ("uniform", "distance")
#: Options of each class's barycenter unless ``barycenter_params`` says otherwise.
DEFAULT_BARYCENTER_PARAMS = {"max_iter": 50, "tol": 1e-6}
# softdtw_barycenter's options that barycenter_params may set (the estimator gives X, γ, the
# band and the per-class weights, and keeps no history)
_BARYCENTER_OPTIONS = sorted(
    set(inspect.signature(softdtw_barycenter).parameters)
    - {"X", "gamma", "band", "weights", "callback", "keep_history"}
)


def _targets(estimator, y, n_series):
    """Validated labels: ``(classes, index of each label in classes)``."""
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target "
                         "y is None: give one class label per series.")
    y = column_or_1d(y, warn=True)
    if len(y) != n_series:
        raise ValueError(f"X holds {n_series} series but y has {len(y)} labels; give one "
                         "label per series.")
    missing = np.array([v is None or (isinstance(v, float | np.floating) and not np.isfinite(v))
                        for v in y.tolist()]) if y.dtype.kind in "fO" else np.zeros(0, bool)
    if missing.any():
        k = int(np.argmax(missing))
        raise ValueError(f"y contains NaN, an infinite value or None (first at index {k}; "
                         f"{int(missing.sum())} in all): every series needs a class label. "
                         "Drop the unlabelled series or label them.")
    check_classification_targets(y)
    classes, index = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"y has only one class ({classes[0]!r}); a classifier needs at least "
                         "two classes to tell apart.")
    return classes, index


def _series(X, d=None):
    series = as_dataset(X, "X")
    if d is not None and series[0].shape[1] != d:
        raise ValueError(f"X has d={series[0].shape[1]} channels but the model was fitted on "
                         f"d={d}; give series of the fitted dimension.")
    return series


class _SoftDTWClassifier(ClassifierMixin, BaseEstimator):
    """What both classifiers share: ``predict`` is the class of highest probability."""

    def predict(self, X):
        """The class of highest probability: the nearest centroid (nearest centroid), the
        class with the most (weighted) votes (k-NN); ties go to the first in ``classes_``.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, length) or (N, length, d)
            The series.

        Returns
        -------
        ndarray, shape (N,)
        """
        most_likely = np.argmax(self.predict_proba(X), axis=1)
        return self.classes_[most_likely]


class SoftDTWNearestCentroid(TransformerMixin, _SoftDTWClassifier):
    r"""Nearest centroid under soft-DTW: one soft-DTW barycenter per class.

    ``fit`` computes, for each class, the barycenter of its series under ``L`` (module
    docstring); ``predict`` gives the class of the nearest centroid,
    ``argmin_k L(x, c_k)``; ``transform`` gives the ``(N, k)`` matrix of ``L(x, c_k)``, as
    the k-means classes do with their centres (features for a next step of a pipeline).

    Parameters
    ----------
    gamma : float, default 1.0
        Smoothing ``γ >= 0`` of the barycenters and of the comparisons.
    barycenter_params : dict, optional
        Options of :func:`softdtw_core.softdtw_barycenter` for every class (``max_iter``,
        ``tol``, ``init``, ``length``, ``mm_steps``, ``objective``, ...), on top of
        :data:`DEFAULT_BARYCENTER_PARAMS`. ``objective`` defaults to ``metric``; ``length``
        to the median length of the training series (one length for all centroids).
    band : float, optional
        Sakoe-Chiba radius.
    metric : {"divergence", "softdtw"}
        ``L``: the soft-DTW divergence or raw ``dtw_γ``.
    temperature : float, optional
        ``T > 0`` of the probabilities ``softmax(-L / T)``; default γ (module docstring).

    Attributes
    ----------
    classes_ : ndarray, shape (k,)
        The class labels, sorted.
    centroids_ : ndarray, shape (k, n) or (k, n, d)
        The barycenter of each class, in the order of ``classes_`` (without a d axis when
        the training series came without one).
    barycenter_results_ : list of BarycenterResult
        The optimisation of each centroid (``n_iter``, ``converged``, ``message``).

    See Also
    --------
    SoftDTWKNeighborsClassifier : k nearest neighbours under the same ``L``.
    gamma_grid : values of γ to cross-validate.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> t = np.arange(30.0)
    >>> bumps = [np.exp(-0.5 * ((t - c) / 2) ** 2) for c in (8, 12, 16, 20)]
    >>> steps = [(t > c).astype(float) for c in (8, 12, 16, 20)]
    >>> model = sd.SoftDTWNearestCentroid(gamma=0.1).fit(bumps + steps, ["bump"] * 4 + ["step"] * 4)
    >>> model.classes_.tolist(), model.centroids_.shape
    (['bump', 'step'], (2, 30))
    >>> model.predict([np.exp(-0.5 * ((t - 24) / 2) ** 2), (t > 5).astype(float)]).tolist()
    ['bump', 'step']
    >>> model.predict_proba([bumps[0]]).round(3).tolist()
    [[1.0, 0.0]]
    """

    def __init__(self, gamma=1.0, *, barycenter_params=None, band=None, metric="divergence",
                 temperature=None):
        self.gamma = gamma
        self.barycenter_params = barycenter_params
        self.band = band
        self.metric = metric
        self.temperature = temperature

    def _barycenter_options(self, series):
        params = self.barycenter_params
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise ValueError(f"barycenter_params must be a dict of softdtw_barycenter options "
                             f"or None; got {params!r}.")
        unknown = sorted(set(params) - set(_BARYCENTER_OPTIONS))
        if unknown:
            raise ValueError(f"barycenter_params has options softdtw_barycenter does not take "
                             f"here: {unknown}; allowed: {_BARYCENTER_OPTIONS}.")
        return {**DEFAULT_BARYCENTER_PARAMS, "objective": self.metric,
                "length": median_length([s.shape[0] for s in series]), **params}

    def _check_temperature(self):
        if self.temperature is None:
            return None
        t = check_non_negative(self.temperature, "temperature")
        if t == 0:
            raise ValueError("temperature must be > 0 (or None for T = γ).")
        return t

    def fit(self, X, y):
        """Fit one barycenter per class.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, length) or (N, length, d)
            The training series; lengths may differ.
        y : array_like, shape (N,)
            Their class labels (at least two classes).

        Returns
        -------
        self
        """
        gamma = check_gamma(self.gamma)
        check_choice(self.metric, METRICS, "metric")
        check_band(self.band)
        self._check_temperature()
        series = _series(X)
        classes, index = _targets(self, y, len(series))
        options = self._barycenter_options(series)
        results = [softdtw_barycenter([series[i] for i in np.flatnonzero(index == k)], gamma,
                                      band=self.band, keep_history=False, **options)
                   for k in range(len(classes))]
        centroids = np.stack([np.asarray(r.solution).reshape(options["length"], -1)
                              for r in results])
        self.classes_ = classes
        self.centroids_ = centroids[:, :, 0] if given_without_d_axis(X) else centroids
        self.barycenter_results_ = results
        self._d = series[0].shape[1]
        return self

    def transform(self, X):
        """``L(x_i, c_k)`` for every series and class centroid.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, length) or (N, length, d)
            The series.

        Returns
        -------
        ndarray, shape (N, k)
        """
        check_is_fitted(self, "centroids_")
        series = _series(X, self._d)
        return soft_dtw_cdist(series, list(self.centroids_), self.gamma,
                              divergence=self.metric == "divergence", band=self.band)

    def predict_proba(self, X):
        """``softmax(-L(x, c_k) / T)`` over the classes (module docstring).

        Parameters
        ----------
        X : list of series or ndarray, shape (N, length) or (N, length, d)
            The series.

        Returns
        -------
        ndarray, shape (N, k)
            Rows sum to one; columns in the order of ``classes_``.
        """
        L = self.transform(X)
        temperature = self._check_temperature() or self.gamma
        if temperature == 0:  # γ = 0: the limit is one-hot on the nearest centroid
            P = np.zeros_like(L)
            P[np.arange(len(L)), np.argmin(L, axis=1)] = 1.0
            return P
        Z = -(L - L.min(axis=1, keepdims=True)) / temperature
        P = np.exp(Z)
        return P / P.sum(axis=1, keepdims=True)


class SoftDTWKNeighborsClassifier(_SoftDTWClassifier):
    r"""k nearest neighbours under soft-DTW.

    ``predict`` takes the ``n_neighbors`` training series nearest to ``x`` under ``L``
    (module docstring) and returns the class with the most votes (ties: the first class in
    ``classes_``).

    Parameters
    ----------
    n_neighbors : int, default 1
        ``k``, at most the number of training series.
    gamma : float, default 1.0
        Smoothing ``γ >= 0`` (``γ = 0``: DTW).
    metric : {"divergence", "softdtw"}
        ``L``: the soft-DTW divergence or raw ``dtw_γ``.
    band : float, optional
        Sakoe-Chiba radius.
    weights : {"uniform", "distance"}
        Each neighbour votes 1, or ``1 / L`` (neighbours at ``L = 0`` then take every
        vote). ``"distance"`` needs ``metric="divergence"``: raw soft-DTW can be negative.

    Attributes
    ----------
    classes_ : ndarray, shape (k,)
        The class labels, sorted.
    series_ : list of ndarray
        The training series, each ``(length, d)``.

    See Also
    --------
    SoftDTWNearestCentroid : one barycenter per class.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> X = [[0.0, 1.0, 2.0], [0.0, 0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [2.0, 2.0, 1.0, 0.0]]
    >>> model = sd.SoftDTWKNeighborsClassifier(1, gamma=0.0).fit(X, ["up", "up", "down", "down"])
    >>> model.predict([[0.0, 1.0, 1.0, 2.0], [2.0, 0.0]]).tolist()
    ['up', 'down']
    >>> sd.SoftDTWKNeighborsClassifier(3, gamma=0.1).fit(X, [0, 0, 1, 1]).predict_proba(
    ...     [[0.0, 1.0, 2.0]]).round(3).tolist()
    [[0.667, 0.333]]
    """

    def __init__(self, n_neighbors=1, gamma=1.0, *, metric="divergence", band=None,
                 weights="uniform"):
        self.n_neighbors = n_neighbors
        self.gamma = gamma
        self.metric = metric
        self.band = band
        self.weights = weights

    def fit(self, X, y):
        """Store the training series and their labels.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, length) or (N, length, d)
            The training series; lengths may differ.
        y : array_like, shape (N,)
            Their class labels (at least two classes).

        Returns
        -------
        self
        """
        k = check_int(self.n_neighbors, "n_neighbors")
        check_gamma(self.gamma)
        check_choice(self.metric, METRICS, "metric")
        check_choice(self.weights, WEIGHTS, "weights")
        check_band(self.band)
        if self.weights == "distance" and self.metric != "divergence":
            raise ValueError("weights='distance' needs metric='divergence': raw soft-DTW "
                             "values can be negative and are no distances.")
        series = _series(X)
        classes, index = _targets(self, y, len(series))
        if k > len(series):
            raise ValueError(f"n_neighbors={k} is larger than the number of training series "
                             f"({len(series)}); lower n_neighbors.")
        self.classes_ = classes
        self.series_ = series
        self._index = index
        return self

    def predict_proba(self, X):
        """The (weighted) share of each class among the ``n_neighbors`` nearest series.

        Parameters
        ----------
        X : list of series or ndarray, shape (N, length) or (N, length, d)
            The series.

        Returns
        -------
        ndarray, shape (N, k)
            Rows sum to one; columns in the order of ``classes_``.
        """
        check_is_fitted(self, "series_")
        series = _series(X, self.series_[0].shape[1])
        L = soft_dtw_cdist(series, self.series_, self.gamma,
                           divergence=self.metric == "divergence", band=self.band)
        nearest = np.argsort(L, axis=1, kind="stable")[:, : self.n_neighbors]
        if self.weights == "uniform":
            w = np.ones(nearest.shape)
        else:
            dist = np.maximum(np.take_along_axis(L, nearest, axis=1), 0.0)
            exact = dist == 0
            with np.errstate(divide="ignore"):
                w = np.where(exact.any(axis=1, keepdims=True), exact.astype(float), 1.0 / dist)
        votes = np.zeros((len(series), len(self.classes_)))
        np.add.at(votes, (np.arange(len(series))[:, None], self._index[nearest]), w)
        return votes / votes.sum(axis=1, keepdims=True)
