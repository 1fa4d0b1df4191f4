r"""k-means for time series: soft-DTW k-means and the Euclidean and DBA baselines.

All three run the same Lloyd loop on ``N`` series :math:`x_i` (lengths :math:`m_i`) and
``k`` centres :math:`c_1, \dots, c_k` (length ``n``), minimising the inertia

.. math::

    I(c, l) = \sum_{i=1}^N L(x_i, c_{l_i})

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

The classes are scikit-learn estimators (``transform`` gives the ``(N, k)`` matrix of ``L``)
that also take lists of series of different lengths and ``(N, length, d)`` arrays.
``score(X)`` is ``-I`` on ``X`` under the model's own ``L`` (like
:meth:`sklearn.cluster.KMeans.score`); ``L`` depends on γ, so comparing models across γ
needs a γ-independent score, such as :func:`dtw_inertia_score`.

``iterate(X)`` is a generator yielding a :class:`KMeansStep` after every assignment, so an
app can draw the iterations while they run; ``fit`` consumes it.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, Section 5.2 (k-means clustering).
.. [2] F. Petitjean, A. Ketterlin and P. Gançarski, "A global averaging method for dynamic
   time warping, with applications to clustering", Pattern Recognition 44(3):678-693, 2011.
.. [3] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding",
   SODA 2007, 1027-1035.
.. [4] S. P. Lloyd, "Least squares quantization in PCM", IEEE Transactions on Information
   Theory 28(2):129-137, 1982.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._internal.barycenter_solver import solve_barycenter
from ._internal.collection import cdist_rows
from ._internal.lloyd import LloydKMeans, band_of
from ._internal.validation import (
    as_dataset,
    check_band,
    check_choice,
    check_gamma,
    check_int,
    check_non_negative,
)
from .barycenter import dba_barycenter
from .pairwise import soft_dtw_cdist
from .results import KMeansStep

__all__ = [
    "DBAKMeans",
    "EuclideanKMeans",
    "KMeansStep",
    "SoftDTWKMeans",
    "dtw_inertia",
    "dtw_inertia_score",
]

ASSIGNMENTS = ("softdtw", "divergence")


def dtw_inertia(X, centers, labels=None, *, band=None):
    r"""DTW inertia of a clustering, the score of the paper's Table 2.

    .. math::

        I_0 = \sum_i \operatorname{dtw}_0(x_i, c_{l_i})

    Parameters
    ----------
    X : list of series or ndarray, shape (N, m) or (N, m, d)
        The series ``x_i``.
    centers : list of series or ndarray, shape (k, n) or (k, n, d)
        The centres ``c``.
    labels : array_like of int, shape (N,), optional
        Cluster of each series; default the DTW-nearest centre (``min_c dtw_0(x_i, c)``).
    band : float, optional
        Sakoe-Chiba radius.

    Returns
    -------
    float
        ``I_0`` (lower is better; independent of any γ).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.dtw_inertia([[0.0, 1.0], [5.0, 5.0, 6.0]], [[0.0, 1.0], [5.0, 6.0]])
    0.0
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


def dtw_inertia_score(estimator, X, y=None):
    r"""Minus the DTW inertia of a fitted k-means model on ``X``: a γ-independent score.

    .. math::

        s(X) = -\sum_i \min_c \operatorname{dtw}_0(x_i, c)

    A scikit-learn scorer (``scoring=dtw_inertia_score`` in
    :class:`~sklearn.model_selection.GridSearchCV`), for comparing models whose own
    :meth:`~SoftDTWKMeans.score` is not comparable, e.g. soft-DTW k-means across γ.

    Parameters
    ----------
    estimator : SoftDTWKMeans, DBAKMeans or EuclideanKMeans
        A fitted model (its ``band``, if it has one, is used).
    X : list of series or ndarray, shape (N, m) or (N, m, d)
        The series to score.
    y : None
        Ignored.

    Returns
    -------
    float
        ``-Σ_i min_c dtw_0(x_i, c)`` over the model's centres (higher is better).

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> X = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.1], [5.0, 4.0, 3.0], [5.0, 4.0, 3.1]])
    >>> model = sd.DBAKMeans(2, random_state=0).fit(X)
    >>> round(sd.dtw_inertia_score(model, X), 4)
    -0.01
    """
    check_is_fitted(estimator, "cluster_centers_")
    return -dtw_inertia(X, estimator.cluster_centers_, band=band_of(estimator))


class SoftDTWKMeans(LloydKMeans):
    """Soft-DTW k-means (module docstring).

    Parameters
    ----------
    n_clusters : int, default 3
        ``k``, at most the number of series.
    gamma : float, default 1.0
        Smoothing ``γ >= 0``.
    init : {"k-means++", "random"} or array_like, shape (k, n) or (k, n, d)
        k-means++ with the divergence, ``k`` distinct random series, or given centres.
    n_init : int, default 1
        Runs from different seeds (``init`` strings only); the lowest inertia wins.
    max_iter : int, default 50
        Cap on centre updates per run.
    tol : float, default 1e-6
        Stop when an iteration lowers the inertia by less than ``tol * |inertia|``.
    random_state : int or numpy Generator, optional
        Seeds the initialisation.
    assignment : {"softdtw", "divergence"}
        ``L`` for both the assignment and the barycenter update.
    band : float, optional
        Sakoe-Chiba radius.
    barycenter_max_iter : int, default 10
        ``max_iter`` of :func:`softdtw_core.softdtw_barycenter` for each update. Each update
        is warm-started from the previous centre, so a few iterations per update suffice
        (raise it for a tighter final centre).
    barycenter_tol : float, default 1e-6
        ``tol`` of each update.

    Attributes
    ----------
    cluster_centers_ : ndarray, shape (k, n) or (k, n, d)
        The centres, without a d axis when the series came without one.
    labels_ : ndarray, shape (N,)
        Cluster of each training series.
    inertia_ : float
        ``Σ_i L(x_i, c_{l_i})`` (negative values are possible with raw soft-DTW).
    dtw_inertia_ : float
        ``Σ_i min_c dtw_0(x_i, c)``, for comparisons across methods and γ.
    n_iter_ : int
        Centre updates of the best run.
    converged_ : bool
        Whether the best run stopped by its tolerance rather than ``max_iter``.

    See Also
    --------
    DBAKMeans, EuclideanKMeans : the paper's baselines.
    dtw_inertia_score : a γ-independent score for model selection.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> t = np.arange(20.0)
    >>> bumps = [np.exp(-0.5 * (t - c) ** 2) for c in (6, 9, 12)]
    >>> steps = [(t > c).astype(float) for c in (6, 9, 12)]
    >>> model = sd.SoftDTWKMeans(2, gamma=0.1, random_state=0).fit(bumps + steps)
    >>> model.labels_.tolist()
    [1, 1, 1, 0, 0, 0]

    Model selection over γ with a γ-independent score:

    >>> from sklearn.model_selection import GridSearchCV
    >>> search = GridSearchCV(sd.SoftDTWKMeans(2, random_state=0), {"gamma": [0.1, 1.0]},
    ...                       scoring=sd.dtw_inertia_score, cv=2)
    >>> search.fit(np.stack(bumps + steps)).best_params_
    {'gamma': 0.1}
    """

    def __init__(
        self, n_clusters=3, gamma=1.0, *, init="k-means++", n_init=1, max_iter=50, tol=1e-6,
        random_state=None, assignment="softdtw", band=None, barycenter_max_iter=10,
        barycenter_tol=1e-6,
    ):
        self.n_clusters = n_clusters
        self.gamma = gamma
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.assignment = assignment
        self.band = band
        self.barycenter_max_iter = barycenter_max_iter
        self.barycenter_tol = barycenter_tol

    def _check_params(self):
        check_gamma(self.gamma)
        check_choice(self.assignment, ASSIGNMENTS, "assignment")
        check_band(self.band)
        check_int(self.barycenter_max_iter, "barycenter_max_iter", minimum=0)
        check_non_negative(self.barycenter_tol, "barycenter_tol")

    def _distances(self, data, centers):
        return cdist_rows(data, centers, self.gamma, self.assignment == "divergence",
                          check_band(self.band))

    def _seed_distances(self, data, center):
        return cdist_rows(data, [center], self.gamma, True, check_band(self.band))[:, 0]

    def _update(self, data, members, center):
        # weights m_i cancel the barycenter's 1/m_i: the update minimises exactly the
        # cluster's share of the inertia
        res = solve_barycenter(
            data.subset(members), False, data.lengths[members].astype(np.float64),
            check_gamma(self.gamma), init=center, objective=self.assignment, length=None,
            band=self.band, max_iter=self.barycenter_max_iter, tol=self.barycenter_tol,
            mm_steps=3, precondition=True, callback=None, keep_history=False,
            random_state=None,
        )
        return res.solution


class DBAKMeans(LloydKMeans):
    """k-means under DTW with DBA updates (the paper's baseline): ``L = dtw_0``.

    Parameters
    ----------
    n_clusters, init, n_init, max_iter, tol, random_state, band
        As in :class:`SoftDTWKMeans` (k-means++ seeds with ``dtw_0``).
    barycenter_max_iter : int, default 100
        ``max_iter`` of :func:`softdtw_core.dba_barycenter` for each update.
    barycenter_tol : float, default 1e-9
        ``tol`` of each update.

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, dtw_inertia_, n_iter_, converged_
        As in :class:`SoftDTWKMeans` (here ``inertia_ == dtw_inertia_`` up to the
        assignment of ties).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> X = [[0.0, 1.0, 2.0], [0.0, 0.0, 1.0, 2.0], [5.0, 4.0, 3.0], [5.0, 4.0, 4.0, 3.0]]
    >>> sd.DBAKMeans(2, random_state=0).fit(X).labels_.tolist()
    [1, 1, 0, 0]
    """

    def __init__(
        self, n_clusters=3, *, init="k-means++", n_init=1, max_iter=50, tol=1e-6,
        random_state=None, band=None, barycenter_max_iter=100, barycenter_tol=1e-9,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.band = band
        self.barycenter_max_iter = barycenter_max_iter
        self.barycenter_tol = barycenter_tol

    def _check_params(self):
        check_band(self.band)
        check_int(self.barycenter_max_iter, "barycenter_max_iter", minimum=0)
        check_non_negative(self.barycenter_tol, "barycenter_tol")

    def _distances(self, data, centers):
        return cdist_rows(data, centers, 0.0, False, check_band(self.band))

    def _seed_distances(self, data, center):
        return self._distances(data, [center])[:, 0]

    def _update(self, data, members, center):
        res = dba_barycenter(
            [data.series(i) for i in members],
            weights=data.lengths[members].astype(np.float64),
            init=center,
            band=self.band,
            max_iter=self.barycenter_max_iter,
            tol=self.barycenter_tol,
            keep_history=False,
        )
        return np.asarray(res.solution, dtype=np.float64).reshape(center.shape)


class EuclideanKMeans(LloydKMeans):
    """k-means with ``L = ||x - c||² = Σ_t ||x_t - c_t||²`` (all series of one length).

    Parameters
    ----------
    n_clusters, init, n_init, tol, random_state
        As in :class:`SoftDTWKMeans` (k-means++ seeds with ``||·||²``).
    max_iter : int, default 100
        Cap on centre updates per run.

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, dtw_inertia_, n_iter_, converged_
        As in :class:`SoftDTWKMeans`.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> X = [[0.0, 1.0], [0.0, 1.2], [5.0, 4.0], [5.0, 4.2]]
    >>> model = sd.EuclideanKMeans(2, random_state=0).fit(X)
    >>> model.labels_.tolist(), round(model.inertia_, 4)
    ([1, 1, 0, 0], 0.04)
    """

    def __init__(
        self, n_clusters=3, *, init="k-means++", n_init=1, max_iter=100, tol=1e-6,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _check_data(self, data):
        lengths = set(data.lengths.tolist())
        if len(lengths) != 1:
            raise ValueError(
                "EuclideanKMeans needs series of one length; got lengths "
                f"{sorted(lengths)[:5]}. Resample them first or use DBAKMeans/SoftDTWKMeans."
            )
        if not isinstance(self.init, str):
            n = as_dataset(self.init, "init")[0].shape[0]
            if n != data.lengths[0]:
                raise ValueError(f"init centres have length {n}, the series {data.lengths[0]}.")

    def _distances(self, data, centers):
        A = np.stack([data.series(i) for i in range(len(data))]).reshape(len(data), -1)
        C = np.stack(centers).reshape(len(centers), -1)
        if A.shape[1] != C.shape[1]:
            raise ValueError(f"series have {A.shape[1]} values, centres {C.shape[1]}.")
        D = (A * A).sum(1)[:, None] - 2.0 * A @ C.T + (C * C).sum(1)[None, :]
        return np.maximum(D, 0.0)

    def _seed_distances(self, data, center):
        return self._distances(data, [center])[:, 0]

    def _update(self, data, members, center):
        return np.mean(np.stack([data.series(i) for i in members]), axis=0)
