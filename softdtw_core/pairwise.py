r"""Pairwise soft-DTW matrices between two collections of series, on all cores.

:math:`M_{ab} = \operatorname{dtw}_\gamma(A_a, B_b)` (or the divergence) for every pair.
Each pair runs the O(min(n, m))-memory anti-diagonal kernel, up to 8 pairs of one shape
at a time as interleaved lanes; lane groups are spread over the library's thread pool
(``softdtw_core._internal.threads.run_chunks``, chunks claimed dynamically; parallelising
inside one small DP does not pay on 2 cores), or run on the calling thread when Numba is
limited to one thread there (``numba.set_num_threads(1)``, as the explorer's long jobs are)
or there is a single group: no pool thread is woken then.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, PMLR 70:894-903.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
from numba import njit

from ._internal.threads import chunks_for, run_chunks
from ._internal.validation import COST_CODES, as_dataset, check_band, check_cost, check_gamma
from ._internal.wavefront import interleave, lanes_for, value_lanes
from .band import band_limits, band_limits_checked

__all__ = ["soft_dtw_cdist"]


class Packed(NamedTuple):
    """A collection packed for the kernels: series ``k`` is ``data[offsets[k]:offsets[k+1]]``."""

    data: np.ndarray  # (total length, d), C-contiguous float64
    offsets: np.ndarray  # (N + 1,) int64


def pack(series) -> Packed:
    """Validated ``(length, d)`` series packed into one array (:class:`Packed`)."""
    offsets = np.zeros(len(series) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([s.shape[0] for s in series])
    return Packed(np.ascontiguousarray(np.concatenate(series, axis=0)), offsets)


@njit(cache=True, error_model="numpy", nogil=True)
def _pair_group(g, data_a, off_a, data_b, off_b, pairs, gstart, kind, gamma, radius, out):
    """out[p] = dtw_γ(A[pairs[p, 0]], B[pairs[p, 1]]) for the pairs of lane group g.

    Series are packed as (total, d) rows. The pairs ``gstart[g] .. gstart[g+1]-1`` have one
    shape and run as the lanes of one wavefront pass (:mod:`softdtw_core._internal.wavefront`).
    """
    d = data_a.shape[1]
    p0 = gstart[g]
    B = gstart[g + 1] - p0
    starts_a = np.empty(B, dtype=np.int64)
    starts_b = np.empty(B, dtype=np.int64)
    for b in range(B):
        starts_a[b] = off_a[pairs[p0 + b, 0]]
        starts_b[b] = off_b[pairs[p0 + b, 1]]
    na = off_a[pairs[p0, 0] + 1] - starts_a[0]
    nb = off_b[pairs[p0, 1] + 1] - starts_b[0]
    if na <= nb:  # sweep the shorter axis (the value is symmetric)
        n, m = na, nb
        Xt = interleave(data_a, starts_a, n, False, np.empty((d, n * B)))
        Yrt = interleave(data_b, starts_b, m, True, np.empty((d, m * B)))
    else:
        n, m = nb, na
        Xt = interleave(data_b, starts_b, n, False, np.empty((d, n * B)))
        Yrt = interleave(data_a, starts_a, m, True, np.empty((d, m * B)))
    lo, hi = band_limits(n, m, radius)
    vals = value_lanes(Xt, Yrt, np.empty((0, 0)), kind, n, m, gamma, lo, hi, B, np.empty(B))
    for b in range(B):
        out[p0 + b] = vals[b]


@njit(cache=True, error_model="numpy", nogil=True)
def _pairs_chunk(c, n_chunks, slot, data_a, off_a, data_b, off_b, pairs, gstart, kind, gamma,
                 radius, out):
    """Lane groups c, c + n_chunks, … on one thread (:func:`_pair_group`)."""
    for g in range(c, gstart.shape[0] - 1, n_chunks):
        _pair_group(g, data_a, off_a, data_b, off_b, pairs, gstart, kind, gamma, radius, out)


def group_lanes(keys, widths, full):
    """Order items so that equal ``keys`` rows are adjacent and cut them into lane groups.

    Parameters
    ----------
    keys : ndarray, shape (N, k)
        What a lane group must share (shapes, orientation).
    widths : ndarray, shape (N,)
        Diagonal width of each item's DP, for :func:`lanes_for`.
    full : bool
        Whether the groups run the full (weight-storing) passes.

    Returns
    -------
    perm, gstart : ndarray
        Group g is the items ``perm[gstart[g]:gstart[g+1]]``.
    """
    keys = np.asarray(keys).reshape(len(widths), -1)
    perm = np.lexsort(keys.T[::-1])
    keys, widths = keys[perm], np.asarray(widths)[perm]
    unique = np.unique(widths)
    lanes = np.array([lanes_for(int(w), full) for w in unique])[np.searchsorted(unique, widths)]
    new_run = np.ones(len(perm), dtype=bool)
    new_run[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(perm)), 0))
    cut = (np.arange(len(perm)) - run_start) % lanes == 0
    return perm, np.append(np.flatnonzero(cut), len(perm)).astype(np.int64)


def band_width(n, m, radius):
    """Cells on a diagonal of an (n, m) DP, about: min(n, m), or the band's 2r + 1."""
    w = np.minimum(n, m)
    return w if radius < 0 else np.minimum(w, 2 * int(radius) + 1)


def _lane_groups(len_a, len_b, pairs, radius):
    """Pairs in lane groups of one shape and orientation (which side is swept)."""
    na = len_a[pairs[:, 0]]
    nb = len_b[pairs[:, 1]]
    keys = np.stack([np.minimum(na, nb), np.maximum(na, nb), na > nb], axis=1)
    return group_lanes(keys, band_width(na, nb, radius), full=False)


def pair_values(pa: Packed, pb: Packed, pairs, kind, gamma, radius, parallel=True):
    """``dtw_γ(A[pairs[p, 0]], B[pairs[p, 1]])`` for every pair (unvalidated).

    ``parallel=False`` runs on the calling thread only: for callers that parallelise
    themselves (a Dask worker runs one task per thread) and must not start a thread pool
    in each task.
    """
    out = np.empty(len(pairs))
    if len(pairs):
        perm, gstart = _lane_groups(np.diff(pa.offsets), np.diff(pb.offsets), pairs, radius)
        sorted_pairs = np.ascontiguousarray(pairs[perm])
        sorted_out = np.empty(len(pairs))
        args = (pa.data, pa.offsets, pb.data, pb.offsets, sorted_pairs, gstart, kind, gamma,
                radius, sorted_out)
        threads = numba.get_num_threads() if parallel else 1
        run_chunks(_pairs_chunk, chunks_for(threads, len(gstart) - 1), *args, threads=threads)
        out[perm] = sorted_out
    return out


def self_values(pa: Packed, kind, gamma, radius, parallel=True):
    """``dtw_γ(A_a, A_a)`` for every series of ``pa``."""
    diag = np.arange(len(pa.offsets) - 1, dtype=np.int64)
    return pair_values(pa, pa, np.stack([diag, diag], axis=1), kind, gamma, radius, parallel)


def cross_values(pa: Packed, pb: Packed, kind, gamma, radius, parallel=True):
    """The ``(n_a, n_b)`` matrix ``dtw_γ(A_a, B_b)`` (unvalidated)."""
    na, nb = len(pa.offsets) - 1, len(pb.offsets) - 1
    ii, jj = np.meshgrid(np.arange(na), np.arange(nb), indexing="ij")
    pairs = np.stack([ii.ravel(), jj.ravel()], axis=1).astype(np.int64)
    return pair_values(pa, pb, pairs, kind, gamma, radius, parallel).reshape(na, nb)


def triangle_values(pa: Packed, kind, gamma, radius, parallel=True):
    """The symmetric ``(n_a, n_a)`` matrix ``dtw_γ(A_a, A_b)``, computed on and above the
    diagonal only."""
    na = len(pa.offsets) - 1
    iu, ju = np.triu_indices(na)
    pairs = np.stack([iu, ju], axis=1).astype(np.int64)
    vals = pair_values(pa, pa, pairs, kind, gamma, radius, parallel)
    M = np.empty((na, na))
    M[iu, ju] = vals
    M[ju, iu] = vals
    return M


def check_band_lengths(radius, lengths_a, lengths_b) -> None:
    """One clear message per impossible length pair of a band, before any work."""
    if radius >= 0:
        for n in set(np.asarray(lengths_a).tolist()):
            for m in set(np.asarray(lengths_b).tolist()):
                band_limits_checked(n, m, radius)


def check_same_d(sa, sb, names=("A", "B")) -> None:
    """Two validated collections have the same dimension d."""
    if sb[0].shape[1] != sa[0].shape[1]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same dimension d; got "
            f"d={sa[0].shape[1]} and d={sb[0].shape[1]}."
        )


def soft_dtw_cdist(A, B=None, gamma=1.0, *, divergence=False, cost="sqeuclidean", band=None):
    r"""Matrix of soft-DTW values (or divergences) between two collections.

    .. math::

        M_{ab} = \operatorname{dtw}_\gamma(A_a, B_b) \quad \text{or} \quad
        M_{ab} = D_\gamma(A_a, B_b)

    Parameters
    ----------
    A : list of series or ndarray, shape (n_a, length) or (n_a, length, d)
        First collection; lengths may differ.
    B : list of series or ndarray, or None
        Second collection; ``None`` compares ``A`` with itself (only the upper triangle is
        computed).
    gamma : float, default 1.0
        Smoothing ``γ >= 0``.
    divergence : bool, default False
        Return ``D_γ(a, b) = dtw_γ(a, b) - ½ (dtw_γ(a, a) + dtw_γ(b, b))`` instead of the raw
        value (zero on the diagonal; see :func:`softdtw_core.soft_dtw_divergence`).
    cost : {"sqeuclidean", "absolute"}
        The ground cost.
    band : float or None
        Sakoe-Chiba radius for every pair.

    Returns
    -------
    ndarray, shape (n_a, n_b)
        ``M``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> X = [[0.0, 1.0, 2.0], [0.0, 2.0], [5.0]]
    >>> sd.soft_dtw_cdist(X, gamma=0.0)
    array([[ 0.,  1., 50.],
           [ 1.,  0., 34.],
           [50., 34.,  0.]])
    >>> sd.soft_dtw_cdist(X, X[:2], gamma=1.0, divergence=True).round(3)
    array([[ 0.   ,  0.736],
           [ 0.736,  0.   ],
           [50.595, 34.018]])
    """
    gamma = check_gamma(gamma)
    cost = check_cost(cost)
    if cost == "precomputed":
        raise ValueError("soft_dtw_cdist compares series; cost='precomputed' is not supported.")
    radius = check_band(band)
    sa = as_dataset(A, "A")
    sb = sa if B is None else as_dataset(B, "B")
    check_same_d(sa, sb)
    check_band_lengths(radius, [s.shape[0] for s in sa], [s.shape[0] for s in sb])
    kind = COST_CODES[cost]
    pa = pack(sa)
    if B is None:
        M = triangle_values(pa, kind, gamma, radius)
        if divergence:
            self_vals = np.diag(M).copy()
            M = M - 0.5 * (self_vals[:, None] + self_vals[None, :])
            np.fill_diagonal(M, 0.0)
        return M
    pb = pack(sb)
    M = cross_values(pa, pb, kind, gamma, radius)
    if divergence:
        self_a = self_values(pa, kind, gamma, radius)
        self_b = self_values(pb, kind, gamma, radius)
        M = M - 0.5 * (self_a[:, None] + self_b[None, :])
    return M
