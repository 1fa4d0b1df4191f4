"""One series against a collection: values and weighted alignment statistics, on all cores.

For a series ``Z`` (n, d), a collection ``Y_1 … Y_N`` (lengths m_j) and weights ``c_j``, with
``E_j = E_γ[A]`` the expected alignment of ``(Z, Y_j)`` and the squared Euclidean cost:

- ``values[j] = dtw_γ(Z, Y_j)``;
- ``RS = Σ_j c_j E_j 1``  (n,), how much mass each time step of Z carries;
- ``EY = Σ_j c_j E_j Y_j`` (n, d), the E-weighted sum of the points matched to each step;

so that ``∇_Z Σ_j c_j dtw_γ(Z, Y_j) = 2 (RS ⊙ Z - EY)`` and the majorisation-minimisation
(DBA-like) update is ``Z' = EY / RS``. Barycenters, k-means and interpolation evaluate these
thousands of times; one Numba call per evaluation (series split over threads with
``prange``, scratch buffers allocated once per thread) replaces N Python-level calls.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from ._validation import as_series, check_band, check_gamma
from ._wavefront import backward, diagonal_layout, forward
from .band import band_limits, band_limits_checked
from .pairwise import as_dataset

_EMPTY = np.zeros((0, 0))


@njit(cache=True, error_model="numpy", nogil=True)
def _chunk(c, n_chunks, Zt, data, offsets, coef, gamma, radius, values, RS, EYt):
    """Series c, c + n_chunks, … of the collection, with buffers reused between them."""
    n = Zt.shape[1]
    N = offsets.shape[0] - 1
    size = 0
    WA = np.empty(0)
    WB = np.empty(0)
    WC = np.empty(0)
    Ed = np.empty(0)
    for j in range(c, N, n_chunks):
        m = offsets[j + 1] - offsets[j]
        Yrt = np.ascontiguousarray(data[offsets[j] : offsets[j + 1]][::-1].T)
        lo, hi = band_limits(n, m, radius)
        ilo, ihi, base, total = diagonal_layout(n, m, lo, hi)
        if total > size:  # grow this chunk's buffers; reused for its other series
            size = total
            WA = np.empty(size)
            WB = np.empty(size)
            WC = np.empty(size)
            Ed = np.empty(size)
        values[j] = forward(Zt, Yrt, _EMPTY, 0, n, m, gamma, lo, hi, ilo, ihi, base, WA, WB, WC)
        backward(n, m, ilo, ihi, base, WA, WB, WC, Ed, Yrt, coef[j], RS[c], EYt[c])


@njit(cache=True, parallel=True, nogil=True)
def _one_vs_many_parallel(Zt, data, offsets, coef, gamma, radius, n_chunks, values, RS, EYt):
    for c in prange(n_chunks):
        _chunk(c, n_chunks, Zt, data, offsets, coef, gamma, radius, values, RS, EYt)


#: Below this many DP cells an evaluation runs on the calling thread: waking the thread
#: pool costs more than it saves (and much more on a loaded machine).
PARALLEL_MIN_CELLS = 2_000_000


class PackedCollection:
    """A validated collection packed for :func:`alignment_statistics_packed` (pack once)."""

    def __init__(self, Ys, name="Y"):
        series = as_dataset(Ys, name)
        self.d = series[0].shape[1]
        self.lengths = np.array([s.shape[0] for s in series], dtype=np.int64)
        self.offsets = np.zeros(len(series) + 1, dtype=np.int64)
        self.offsets[1:] = np.cumsum(self.lengths)
        self.data = np.ascontiguousarray(np.concatenate(series, axis=0))

    def __len__(self):
        return len(self.lengths)


def alignment_statistics_packed(Z, packed, coef, gamma, radius):
    """Unvalidated core of :func:`alignment_statistics`; ``Z`` is (n, d) float64."""
    n, d = Z.shape
    cells = n * int(packed.offsets[-1])
    threads = numba.get_num_threads() if cells >= PARALLEL_MIN_CELLS else 1
    chunks = max(1, min(threads, len(packed)))
    values = np.empty(len(packed))
    RS = np.zeros((chunks, n))
    EYt = np.zeros((chunks, d, n))
    Zt = np.ascontiguousarray(Z.T)
    args = (Zt, packed.data, packed.offsets, coef, gamma, radius)
    if chunks == 1:
        _chunk(0, 1, *args, values, RS, EYt)
    else:
        _one_vs_many_parallel(*args, chunks, values, RS, EYt)
    return values, RS.sum(axis=0), EYt.sum(axis=0).T.copy()


def alignment_statistics(Z, Ys, gamma=1.0, *, weights=None, band=None):
    """Soft-DTW of one series against many, with the weighted alignment statistics.

    Parameters
    ----------
    Z : array_like, shape (n,) or (n, d)
    Ys : list of series or ndarray (N, length[, d])
        Lengths may differ; squared Euclidean cost.
    gamma : float
    weights : array_like, shape (N,), optional
        ``c_j``; default 1.
    band : float or None
        Sakoe-Chiba radius.

    Returns
    -------
    values : ndarray (N,)
        ``dtw_γ(Z, Y_j)``.
    RS : ndarray (n,)
        ``Σ_j c_j E_j 1``.
    EY : ndarray (n, d)
        ``Σ_j c_j E_j Y_j``; the gradient of ``Σ_j c_j dtw_γ(Z, Y_j)`` is ``2 (RS Z - EY)``.
    """
    gamma = check_gamma(gamma)
    radius = check_band(band)
    Zs = as_series(Z, "Z")
    packed = PackedCollection(Ys, "Ys")
    if packed.d != Zs.shape[1]:
        raise ValueError(
            f"Z and Ys must have the same dimension d; got d={Zs.shape[1]} and d={packed.d}."
        )
    if weights is None:
        coef = np.ones(len(packed))
    else:
        coef = np.asarray(weights, dtype=np.float64)
        if coef.shape != (len(packed),) or not np.isfinite(coef).all():
            raise ValueError(
                f"weights must be {len(packed)} finite numbers (one per series); got shape "
                f"{coef.shape}."
            )
    if radius >= 0:
        for m in set(packed.lengths.tolist()):
            band_limits_checked(Zs.shape[0], m, radius)
    return alignment_statistics_packed(Zs, packed, coef, gamma, radius)
