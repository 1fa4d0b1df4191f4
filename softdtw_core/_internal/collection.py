r"""Collections of series that the barycenters and k-means evaluate, here or on a cluster.

Every quantity the optimisers need from a collection ``Y_1 … Y_N`` is a sum over series
(or one row per series), so it is computed as a *map* of a chunk function over the
collection's chunks followed by a sum (or a concatenation) on the caller's side:

.. math::

    F(Z) = \sum_j c_j \operatorname{dtw}_\gamma(Z, Y_j)
         = \sum_{\text{chunks } K} \; \sum_{j \in K} c_j \operatorname{dtw}_\gamma(Z, Y_j)

and likewise for the majorisation-minimisation statistics ``RS`` and ``EY``
(:mod:`softdtw_core.batch`), the weighted mean of resampled series, the moments of the
values and the rows of a pairwise matrix.

- :class:`LocalCollection` is one chunk evaluated in this process with the parallel
  kernels; a sum over one partial is that partial, bit for bit.
- ``softdtw_core._internal.dask_chunks.DaskCollection`` keeps its chunks on Dask workers and
  runs the same chunk functions there, one task per chunk, on the worker's own thread.

A collection offers ``len()``, ``lengths``, ``d``, ``series(k)`` (one series, for seeding),
``subset(index)`` (a collection of the series ``index``, ascending), ``split(values)`` (a
per-series array cut into one piece per chunk, placed beside the chunks once, so that an
optimiser's weights do not travel with every evaluation) and ``map(fn, *args, pieces=())``,
which returns ``[fn(chunk, parallel, *args, *chunk_pieces)]`` for its chunks in order,
``chunk_pieces`` being the chunk's piece of each ``split`` result in ``pieces``. The chunk
functions below are module-level so that Dask pickles them by reference.
"""

from __future__ import annotations

import numpy as np

from ..batch import PackedCollection, alignment_statistics_packed
from ..pairwise import Packed, check_band_lengths, cross_values, pack, self_values
from .validation import as_series, check_int

__all__ = [
    "SQEUCLIDEAN",
    "LocalCollection",
    "cdist_rows",
    "chunk_rows",
    "chunk_self_sum",
    "chunk_resampled_sum",
    "chunk_squared_deviations",
    "chunk_statistics",
    "chunk_value_sums",
    "chunk_weighted_values",
    "resample",
]

#: The kernels' code for the squared Euclidean cost (``COST_CODES["sqeuclidean"]``).
SQEUCLIDEAN = 0


def resample(series, length):
    """Linear-interpolation resampling of a series to ``length`` time steps.

    Parameters
    ----------
    series : array_like, shape (m,) or (m, d)
        The series.
    length : int
        Number of time steps of the output, ``>= 1``.

    Returns
    -------
    ndarray, shape (length, d)
        ``out[t] = series(t (m-1)/(length-1))`` with linear interpolation between samples
        (a constant series when ``m == 1``; the first sample when ``length == 1``).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.resample([0.0, 1.0, 2.0], 5).ravel().tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    s = as_series(series, "series")
    length = check_int(length, "length")
    m = s.shape[0]
    if m == length:
        return s.copy()
    if m == 1:
        return np.repeat(s, length, axis=0)
    src = np.linspace(0.0, 1.0, m)
    dst = np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(dst, src, s[:, k]) for k in range(s.shape[1])], axis=1)


class LocalCollection:
    """Validated ``(length, d)`` series as one chunk, evaluated in this process."""

    #: Chunk functions may start Numba's thread pool.
    parallel = True

    def __init__(self, series):
        self.chunk = PackedCollection.from_packed(pack(series))
        self.lengths = self.chunk.lengths
        self.d = self.chunk.d

    def __len__(self):
        return len(self.lengths)

    def series(self, k) -> np.ndarray:
        """Series ``k``, ``(length, d)``."""
        return self.chunk[k]

    def subset(self, index) -> LocalCollection:
        """The series ``index`` (ascending) as a collection."""
        return LocalCollection([self.chunk[k] for k in index])

    def split(self, values) -> list:
        """``[values]``: one chunk, one piece."""
        return [values]

    def map(self, fn, *args, pieces=()):
        """``[fn(chunk, True, *args, *pieces_of_the_chunk)]`` (module docstring)."""
        return [fn(self.chunk, self.parallel, *args, *(p[0] for p in pieces))]


# --------------------------------------------------------------------------- chunk functions


def chunk_statistics(chunk, parallel, Z, gamma, radius, coef):
    """``(Σ_j c_j dtw_γ(Z, Y_j), Σ_j c_j E_j 1, Σ_j c_j E_j Y_j)`` over the chunk."""
    values, rs, ey = alignment_statistics_packed(Z, chunk, coef, gamma, radius, parallel)
    return float(values @ coef), rs, ey


def chunk_weighted_values(chunk, parallel, A: Packed, gamma, radius, divergence, coef):
    """``Σ_j c_j L(A_a, Y_j)`` for every series ``A_a`` (``L = dtw_γ`` or the divergence)."""
    M = cross_values(A, chunk.packed, SQEUCLIDEAN, gamma, radius, parallel)
    if divergence:
        self_a = self_values(A, SQEUCLIDEAN, gamma, radius, parallel)
        self_y = self_values(chunk.packed, SQEUCLIDEAN, gamma, radius, parallel)
        M = M - 0.5 * (self_a[:, None] + self_y[None, :])
    return M @ coef


def chunk_self_sum(chunk, parallel, gamma, radius, coef):
    """``Σ_j c_j dtw_γ(Y_j, Y_j)`` over the chunk."""
    return float(self_values(chunk.packed, SQEUCLIDEAN, gamma, radius, parallel) @ coef)


def chunk_rows(chunk, parallel, C: Packed, gamma, radius, divergence):
    """The chunk's rows ``L(Y_j, C_c)`` of a pairwise matrix against the series ``C``."""
    M = cross_values(chunk.packed, C, SQEUCLIDEAN, gamma, radius, parallel)
    if divergence:
        self_y = self_values(chunk.packed, SQEUCLIDEAN, gamma, radius, parallel)
        self_c = self_values(C, SQEUCLIDEAN, gamma, radius, parallel)
        M = M - 0.5 * (self_y[:, None] + self_c[None, :])
    return M


def chunk_resampled_sum(chunk, parallel, n, weights):
    """``Σ_j w_j resample(Y_j, n)``, ``(n, d)``."""
    stacked = np.stack([resample(chunk[k], n) for k in range(len(chunk))])
    return np.tensordot(weights, stacked, axes=1)


def chunk_value_sums(chunk, parallel):
    """``(number of time steps, Σ of the values per dimension)`` over the chunk."""
    return chunk.data.shape[0], chunk.data.sum(axis=0)


def chunk_squared_deviations(chunk, parallel, mean):
    """``Σ (y - mean)²`` per dimension over every time step of the chunk."""
    return ((chunk.data - mean) ** 2).sum(axis=0)


# --------------------------------------------------------------------------- on a collection


def cdist_rows(collection, centers, gamma, divergence, radius):
    """``(N, k)`` matrix ``L(Y_j, C_c)`` of a collection against validated centres."""
    check_band_lengths(radius, collection.lengths, [c.shape[0] for c in centers])
    parts = collection.map(chunk_rows, pack(list(centers)), gamma, radius, divergence)
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)

