"""softdtw_core: soft-DTW (Cuturi & Blondel, ICML 2017) on a Numba core.

Conventions
-----------
- A series is a NumPy array of shape ``(length,)`` or ``(length, d)``; lengths may differ.
- A dataset is a list of series or an ``(n_series, length, d)`` array.
- Ground cost ``Δ_ij = ||x_i - y_j||²`` by default (``cost="absolute"``: ``Σ_k |x_ik - y_jk|``;
  ``cost="precomputed"``: pass Δ as ``X`` and ``Y=None``).
- ``min^γ(u) = -γ log Σ_k exp(-u_k/γ)``, the hard min at ``γ = 0``.
- ``r_ij = Δ_ij + min^γ(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1})`` with ``r_00 = 0`` and
  ``r_0j = r_i0 = +inf``; ``dtw_γ(X, Y) = r_nm``.
- ``band`` is a Sakoe-Chiba radius in time steps, rescaled to the diagonal when n != m.

Every public function validates its inputs and raises ``ValueError`` with a message that
names the argument and what was expected.
"""

from . import _cache  # noqa: F401  (first: drops a stale Numba cache, see _cache.py)
from ._validation import DEFAULT_MAX_CELLS
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
from .divergence import (
    path_entropy,
    sharp_soft_dtw,
    sharp_soft_dtw_value_and_grad,
    soft_dtw_divergence,
    soft_dtw_divergence_value_and_grad,
)
from .enumeration import alignment_matrices, brute_force_soft_dtw, delannoy
from .interpolation import (
    euclidean_interpolation,
    interpolate,
    interpolation_path,
)
from .kmeans import (
    DBAKMeans,
    EuclideanKMeans,
    KMeansStep,
    SoftDTWKMeans,
    dtw_inertia,
    dtw_inertia_score,
)
from .pairwise import soft_dtw_cdist
from .predictor import MLPPredictor, neg_mean_dtw_score, split_series
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
from .softmin import softmin, softmin_weights

__all__ = [
    "alignment_statistics",
    "BarycenterResult",
    "DBAKMeans",
    "DEFAULT_MAX_CELLS",
    "EuclideanKMeans",
    "InterpolationResult",
    "KMeansStep",
    "MLPPredictor",
    "OptimizationResult",
    "OptimizationStep",
    "SoftDTWKMeans",
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
    "dtw_inertia",
    "dtw_inertia_score",
    "dtw_loss",
    "dtw_path",
    "euclidean_barycenter",
    "euclidean_interpolation",
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
    "soft_dtw_tables",
    "soft_dtw_value_and_grad",
    "soft_dtw_value_and_grad_batch",
    "softdtw_barycenter",
    "softmin",
    "softmin_weights",
    "split_series",
    "subgradient_barycenter",
]
