r"""softdtw_core: soft-DTW (Cuturi & Blondel, ICML 2017) on a Numba core.

Soft-DTW replaces the minimum over alignments of dynamic time warping by a smoothed
minimum, which makes it differentiable in its inputs:

.. math::

    \operatorname{dtw}_\gamma(X, Y) = {\min}^\gamma_{A \in \mathcal{A}(n, m)}
    \langle A, \Delta(X, Y) \rangle, \qquad
    {\min}^\gamma(u_1, \dots, u_k) = -\gamma \log \sum_i e^{-u_i / \gamma}

where :math:`\mathcal{A}(n, m)` is the set of alignment matrices between series of lengths
:math:`n` and :math:`m`, and :math:`{\min}^0 = \min` gives DTW.

Conventions
-----------
- A series is a NumPy array (or array-like) of shape ``(length,)`` or ``(length, d)``.
- A dataset is a list of series (lengths may differ) or an array of shape
  ``(n_series, length)`` or ``(n_series, length, d)``. Results computed from series given
  without a d axis come back without one.
- The ground cost is ``Δ_ij = ||x_i - y_j||²`` by default (the paper's, not ½||·||²);
  ``cost="absolute"`` gives ``Σ_k |x_ik - y_jk|``; ``cost="precomputed"`` takes Δ itself
  as ``X``, with ``Y=None``.
- The recursion is ``r_ij = Δ_ij + min^γ(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1})`` with
  ``r_00 = 0`` and ``r_0j = r_i0 = +inf``; ``dtw_γ(X, Y) = r_nm``.
- ``band`` is a Sakoe-Chiba radius in time steps (:mod:`softdtw_core.band`).
- γ is in the units of Δ (squared units of the data for the default cost): scaling the
  data by ``s`` calls for ``γ s²``. :func:`suggest_gamma` gives a data-driven starting
  value with its reasoning, :func:`gamma_grid` a grid around it.
- Functions that return a pair return the value first: ``(value, grad)``,
  ``(value, E)``, ``(value, path)``.
- Every iterative routine (barycenters, interpolation, the predictor's training) returns
  a result with the same fields, ``solution``, ``objective``, ``n_iter``, ``n_evals``,
  ``converged``, ``message`` and ``history`` (:mod:`softdtw_core.results`).
- The k-means classes, the classifiers (:class:`SoftDTWNearestCentroid`,
  :class:`SoftDTWKNeighborsClassifier`) and :class:`MLPPredictor` are scikit-learn estimators
  (``get_params``, ``clone``, ``GridSearchCV``, ``Pipeline``) that also take what
  scikit-learn's own validation would refuse: lists of series of different lengths and
  ``(n_series, length, d)`` arrays.
- Every public function validates its inputs and raises :class:`ValueError` with a message
  that names the argument, says what it received and how to fix it.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, PMLR 70:894-903.
.. [2] H. Sakoe and S. Chiba, "Dynamic programming algorithm optimization for spoken word
   recognition", IEEE Transactions on Acoustics, Speech, and Signal Processing
   26(1):43-49, 1978.
.. [3] M. Cuturi, J.-P. Vert, Ø. Birkenes and T. Matsui, "A kernel for time series based
   on global alignments", ICASSP 2007.
.. [4] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021, PMLR 130:3853-3861.

Examples
--------
>>> import numpy as np
>>> import softdtw_core as sd
>>> x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0])
>>> dtw, path = sd.dtw_path(x, y)
>>> dtw, path
(1.0, [(0, 0), (1, 0), (2, 1)])
>>> round(sd.soft_dtw(x, y, gamma=0.01), 4)  # two paths of cost 1: 1 - 0.01 log 2
0.9931
"""

import importlib

from ._internal import numba_cache  # noqa: F401  (first: drops a stale Numba cache)
from ._internal.validation import DEFAULT_MAX_CELLS, DEFAULT_MEMORY_BUDGET
from .band import band_mask
from .barycenter import (
    dba_barycenter,
    dtw_loss,
    euclidean_barycenter,
    resample,
    softdtw_barycenter,
    subgradient_barycenter,
)
from .batch import alignment_statistics, soft_dtw_value_and_grad_batch
from .costs import cost_jacobian_product, cost_matrix
from .dilate import (
    dilate_loss,
    dilate_value_and_grad,
    temporal_distortion_index,
    temporal_distortion_matrix,
)
from .divergence import (
    path_entropy,
    sharp_soft_dtw,
    sharp_soft_dtw_value_and_grad,
    soft_dtw_divergence,
    soft_dtw_divergence_value_and_grad,
)
from .enumeration import alignment_matrices, brute_force_soft_dtw, delannoy
from .gamma import GammaSuggestion, gamma_grid, suggest_gamma
from .interpolation import (
    euclidean_interpolation,
    interpolate,
    interpolation_path,
)
from .pairwise import soft_dtw_cdist
from .recursion import (
    SoftDTWTables,
    accumulated_cost,
    dtw_path,
    path_to_matrix,
    soft_dtw,
    soft_dtw_alignment,
    soft_dtw_tables,
    soft_dtw_value_and_grad,
)
from .results import (
    BarycenterResult,
    InterpolationResult,
    OptimizationResult,
    OptimizationStep,
    TrainingResult,
)
from .second_order import expected_alignment_jvp, soft_dtw_hvp
from .softmin import softmin, softmin_weights
from .warmup import warm_up

__all__ = [
    "alignment_statistics",
    "BarycenterResult",
    "DBAKMeans",
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MEMORY_BUDGET",
    "EuclideanKMeans",
    "GammaSuggestion",
    "InterpolationResult",
    "KMeansStep",
    "MLPPredictor",
    "OptimizationResult",
    "OptimizationStep",
    "SoftDTWKMeans",
    "SoftDTWKNeighborsClassifier",
    "SoftDTWNearestCentroid",
    "SoftDTWTables",
    "TrainingResult",
    "accumulated_cost",
    "alignment_matrices",
    "band_mask",
    "brute_force_soft_dtw",
    "cost_jacobian_product",
    "cost_matrix",
    "dba_barycenter",
    "delannoy",
    "dilate_loss",
    "dilate_value_and_grad",
    "dtw_inertia",
    "dtw_inertia_score",
    "dtw_loss",
    "dtw_path",
    "euclidean_barycenter",
    "euclidean_interpolation",
    "expected_alignment_jvp",
    "gamma_grid",
    "interpolate",
    "interpolation_path",
    "neg_mean_dtw_score",
    "path_entropy",
    "path_to_matrix",
    "resample",
    "sharp_soft_dtw",
    "sharp_soft_dtw_value_and_grad",
    "soft_dtw",
    "soft_dtw_alignment",
    "soft_dtw_cdist",
    "soft_dtw_divergence",
    "soft_dtw_divergence_value_and_grad",
    "soft_dtw_hvp",
    "soft_dtw_tables",
    "soft_dtw_value_and_grad",
    "soft_dtw_value_and_grad_batch",
    "softdtw_barycenter",
    "softmin",
    "softmin_weights",
    "split_series",
    "subgradient_barycenter",
    "suggest_gamma",
    "temporal_distortion_index",
    "temporal_distortion_matrix",
    "warm_up",
]

# The estimators' modules import scikit-learn, which takes about 0.6 s: they are loaded on
# first use of one of their names, so that the rest of the package imports as fast as before.
_ESTIMATOR_MODULES = {
    "DBAKMeans": "kmeans",
    "EuclideanKMeans": "kmeans",
    "KMeansStep": "kmeans",
    "SoftDTWKMeans": "kmeans",
    "dtw_inertia": "kmeans",
    "dtw_inertia_score": "kmeans",
    "MLPPredictor": "predictor",
    "neg_mean_dtw_score": "predictor",
    "split_series": "predictor",
    "SoftDTWKNeighborsClassifier": "classification",
    "SoftDTWNearestCentroid": "classification",
}


def __getattr__(name):
    module = _ESTIMATOR_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
