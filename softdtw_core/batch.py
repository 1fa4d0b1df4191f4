r"""One series against a collection: values and weighted alignment statistics, on all cores.

For a series ``Z`` (n, d), a collection ``Y_1 … Y_N`` (lengths m_j) and weights ``c_j``, with
``E_j = E_γ[A]`` the expected alignment of ``(Z, Y_j)`` and the squared Euclidean cost:

- ``values[j] = dtw_γ(Z, Y_j)``;
- ``RS = Σ_j c_j E_j 1``  (n,), how much mass each time step of Z carries;
- ``EY = Σ_j c_j E_j Y_j`` (n, d), the E-weighted sum of the points matched to each step;

so that

.. math::

    \nabla_Z \sum_j c_j \operatorname{dtw}_\gamma(Z, Y_j)
    = 2 \left(\mathrm{RS} \odot Z - \mathrm{EY}\right)

and the majorisation-minimisation (DBA-like) update is ``Z' = EY / RS``. Barycenters,
k-means and interpolation evaluate these thousands of times; one call per evaluation (lane
groups spread over threads by ``_internal.threads.run_chunks``, scratch buffers reused
between calls) replaces N Python-level calls.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit

from ._internal.threads import chunks_for, run_chunks, scratch
from ._internal.validation import COST_CODES, as_dataset, as_series, check_band, check_gamma
from ._internal.wavefront import backward, diagonal_layout, forward_lanes, interleave
from .band import band_limits, band_limits_checked
from .pairwise import Packed, band_width, group_lanes, pack

#: The cost code the kernels get, typed int64 (a literal would compile them once more).
_SQEUCLIDEAN = np.int64(COST_CODES["sqeuclidean"])

__all__ = ["alignment_statistics", "soft_dtw_value_and_grad_batch"]


@njit(cache=True, error_model="numpy", nogil=True)
def _lane_statistics(Xt, Yrt, n, m, gamma, radius, work, slot):
    """Full passes over one lane group (B = Xt.shape[1] // n problems of shape (n, m)).

    Returns ``values`` (B,), ``rs`` (n B,) and ``eyt`` (d, n B): per lane b, ``E 1`` at
    ``rs[i B + b]`` and ``(E Y)^T`` at ``eyt[:, i B + b]``. ``work[slot]`` holds the three
    compact weight buffers (WA, WB, WC), reused between calls (``threads.scratch``): fresh
    half-megabyte buffers on every call cost more than the backward pass at these sizes.
    E itself is not kept.
    """
    B = Xt.shape[1] // n
    lo, hi = band_limits(n, m, radius)
    ilo, ihi, base, _ = diagonal_layout(n, m, lo, hi)
    WA, WB, WC = work[slot, 0], work[slot, 1], work[slot, 2]
    out = np.empty(B)
    rs = np.zeros(n * B)
    eyt = np.zeros((Xt.shape[0], n * B))
    no_cost = np.empty((0, 0))  # writable, as a Python caller's: one specialisation
    forward_lanes(Xt, Yrt, no_cost, _SQEUCLIDEAN, n, m, gamma, lo, hi, ilo, ihi, base, WA, WB,
                  WC, B, out)
    backward(n, m, ilo, ihi, base, WA, WB, WC, np.empty(0), Yrt, rs, eyt, B)
    return out, rs, eyt


@njit(cache=True, error_model="numpy", nogil=True)
def _chunk(c, n_chunks, slot, Z, data, offsets, order, gstart, coef, gamma, radius, work,
           values, RS, EYt):
    """Lane groups c, c + n_chunks, … (a group: up to 8 series of one length, run as the
    lanes of one wavefront pass against Z), summed into RS[c] and EYt[c] with weights coef
    (scratch ``work[slot]``)."""
    n, d = Z.shape
    for g in range(c, gstart.shape[0] - 1, n_chunks):
        members = order[gstart[g] : gstart[g + 1]]
        B = members.shape[0]
        m = offsets[members[0] + 1] - offsets[members[0]]
        Zt = interleave(Z, np.zeros(B, dtype=np.int64), n, False, np.empty((d, n * B)))
        Yrt = interleave(data, offsets[members], m, True, np.empty((d, m * B)))
        out, rs, eyt = _lane_statistics(Zt, Yrt, n, m, gamma, radius, work, slot)
        for b in range(B):
            j = members[b]
            values[j] = out[b]
            cj = coef[j]
            for i in range(n):
                RS[c, i] += cj * rs[i * B + b]
            for t in range(d):
                for i in range(n):
                    EYt[c, t, i] += cj * eyt[t, i * B + b]


@njit(cache=True, error_model="numpy", nogil=True)
def _paired_chunk(c, n_chunks, slot, data_x, off_x, data_y, off_y, order, gstart, gamma,
                  radius, work, values, grad):
    """Lane groups c, c + n_chunks, … of the pairs (X_j, Y_j): values[j] = dtw_γ(X_j, Y_j)
    and grad (packed like data_x) = 2 (E_j 1 ⊙ X_j - E_j Y_j), the gradient w.r.t. X_j."""
    d = data_x.shape[1]
    for g in range(c, gstart.shape[0] - 1, n_chunks):
        members = order[gstart[g] : gstart[g + 1]]
        B = members.shape[0]
        n = off_x[members[0] + 1] - off_x[members[0]]
        m = off_y[members[0] + 1] - off_y[members[0]]
        Xt = interleave(data_x, off_x[members], n, False, np.empty((d, n * B)))
        Yrt = interleave(data_y, off_y[members], m, True, np.empty((d, m * B)))
        out, rs, eyt = _lane_statistics(Xt, Yrt, n, m, gamma, radius, work, slot)
        for b in range(B):
            j = members[b]
            values[j] = out[b]
            for i in range(n):
                row = off_x[j] + i
                for t in range(d):
                    grad[row, t] = 2.0 * (rs[i * B + b] * data_x[row, t] - eyt[t, i * B + b])


def _workspace_size(lengths_n, lengths_m, order, gstart, radius):
    """Compact entries the largest lane group needs (problems of shape (n_j, m_j))."""
    first = order[gstart[:-1]]
    lanes = np.diff(gstart)
    widest = {}  # shape -> most lanes in one group of that shape
    for n, m, b in zip(lengths_n[first].tolist(), lengths_m[first].tolist(), lanes.tolist()):
        widest[n, m] = max(widest.get((n, m), 0), b)
    size = 0
    for (n, m), b in widest.items():
        lo, hi = band_limits(n, m, radius)
        size = max(size, diagonal_layout(n, m, lo, hi)[3] * b)
    return size


#: Below this many DP cells an evaluation runs on the calling thread: waking the thread
#: pool costs more than it saves (and much more on a loaded machine).
PARALLEL_MIN_CELLS = 2_000_000

#: Chunks of a large :func:`alignment_statistics_packed` evaluation, whatever the threads
#: (each sums its lane groups into its own RS and EY rows, added up at the end).
STATISTICS_CHUNKS = 16


class PackedCollection:
    """A validated collection packed for :func:`alignment_statistics_packed` (pack once).

    It also keeps the lane groups and scratch buffers of each evaluated length, so one
    instance must not be evaluated from two threads at once (each barycenter call packs
    its own). Pickling drops those caches (a Dask worker receives the series only).
    """

    def __init__(self, Ys, name="Y"):
        series = as_dataset(Ys, name)
        self._set(pack(series), series[0].shape[1])

    @classmethod
    def from_packed(cls, packed: Packed) -> PackedCollection:
        """A collection of already validated, packed series (no copy)."""
        self = cls.__new__(cls)
        self._set(packed, packed.data.shape[1])
        return self

    def _set(self, packed: Packed, d):
        self.d = d
        self.packed = packed
        self.data, self.offsets = packed
        self.lengths = np.diff(self.offsets)
        self._groups = {}

    def __getstate__(self):
        return {"packed": tuple(self.packed), "d": self.d}

    def __setstate__(self, state):
        self._set(Packed(*state["packed"]), state["d"])

    def __getitem__(self, k) -> np.ndarray:
        """Series ``k``, a ``(length, d)`` view."""
        return self.data[self.offsets[k] : self.offsets[k + 1]]

    def subset(self, index) -> PackedCollection:
        """The series ``index`` (in that order), packed anew."""
        index = np.asarray(index, dtype=np.int64)
        return PackedCollection.from_packed(pack([self[k] for k in index]))

    def __len__(self):
        return len(self.lengths)

    def lane_groups(self, n, radius):
        """``order, gstart, size``: group g is the series
        ``order[gstart[g]:gstart[g+1]]``, all of one length, as many as :func:`lanes_for`
        advises against a series of length n; ``size`` is the largest group's compact size."""
        key = (n, radius)
        if key not in self._groups:
            order, gstart = group_lanes(self.lengths, band_width(n, self.lengths, radius), True)
            size = _workspace_size(np.full(len(self), n), self.lengths, order, gstart, radius)
            self._groups[key] = (order, gstart, size)
        return self._groups[key]


def alignment_statistics_packed(Z, packed, coef, gamma, radius, parallel=True):
    """Unvalidated core of :func:`alignment_statistics`; ``Z`` is (n, d) float64.

    ``parallel=False`` keeps the work on the calling thread (see
    :func:`softdtw_core.pairwise.pair_values`).
    """
    n, d = Z.shape
    order, gstart, size = packed.lane_groups(n, radius)
    cells = n * int(packed.offsets[-1])
    # The chunk count fixes the order of the sums over chunks: it depends on the size only,
    # so one thread and several (and parallel=False) give the same bits.
    chunks = 1 if cells < PARALLEL_MIN_CELLS else min(STATISTICS_CHUNKS, len(gstart) - 1)
    threads = min(numba.get_num_threads() if parallel else 1, chunks)
    values = np.empty(len(packed))
    RS = np.zeros((chunks, n))
    EYt = np.zeros((chunks, d, n))
    args = (np.ascontiguousarray(Z), packed.data, packed.offsets, order, gstart, coef, gamma,
            radius)
    with scratch((threads, 3, size)) as work:
        run_chunks(_chunk, chunks, *args, work, values, RS, EYt, threads=threads)
    return values, RS.sum(axis=0), EYt.sum(axis=0).T.copy()


def alignment_statistics(Z, Ys, gamma=1.0, *, weights=None, band=None):
    r"""Soft-DTW of one series against many, with the weighted alignment statistics.

    .. math::

        \mathrm{RS} = \sum_j c_j E_j \mathbf{1}, \qquad
        \mathrm{EY} = \sum_j c_j E_j Y_j

    Parameters
    ----------
    Z : array_like, shape (n,) or (n, d)
        The series.
    Ys : list of series or ndarray, shape (N, length) or (N, length, d)
        The collection; lengths may differ; squared Euclidean cost.
    gamma : float, default 1.0
        Smoothing ``γ >= 0``.
    weights : array_like, shape (N,), optional
        ``c_j``; default 1.
    band : float or None
        Sakoe-Chiba radius.

    Returns
    -------
    values : ndarray, shape (N,)
        ``dtw_γ(Z, Y_j)``.
    RS : ndarray, shape (n,)
        ``Σ_j c_j E_j 1``.
    EY : ndarray, shape (n, d)
        ``Σ_j c_j E_j Y_j``; the gradient of ``Σ_j c_j dtw_γ(Z, Y_j)`` is ``2 (RS Z - EY)``.

    Examples
    --------
    One majorisation-minimisation step towards the average of two series:

    >>> import softdtw_core as sd
    >>> values, RS, EY = sd.alignment_statistics([0.0, 1.0, 2.0], [[0.0, 1.0, 2.0],
    ...                                          [0.0, 2.0]], gamma=0.0)
    >>> values.tolist(), RS.tolist()
    ([0.0, 1.0], [2.0, 2.0, 2.0])
    >>> (EY[:, 0] / RS).tolist()
    [0.0, 0.5, 2.0]
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


def soft_dtw_value_and_grad_batch(X, Y, gamma=1.0, *, band=None):
    r"""Soft-DTW and its gradient for each pair of a batch.

    .. math::

        \left(\operatorname{dtw}_\gamma(X_j, Y_j),\;
        \nabla_{X_j} \operatorname{dtw}_\gamma(X_j, Y_j)\right), \quad j = 1, \dots, N

    The loss of a model that outputs series (``Σ_j dtw_γ(f_θ(x_j), y_j)``) needs exactly
    this; one Numba call serves the whole batch, with pairs of one shape run as interleaved
    lanes and lane groups spread over threads above 2·10⁶ cells.

    Parameters
    ----------
    X, Y : list of series or ndarray, shape (N, length) or (N, length, d)
        ``N`` pairs ``(X_j, Y_j)``; lengths may differ (also between X_j and Y_j), d may not.
    gamma : float, default 1.0
        Smoothing ``γ >= 0``.
    band : float or None
        Sakoe-Chiba radius.

    Returns
    -------
    values : ndarray, shape (N,)
        ``dtw_γ(X_j, Y_j)`` (squared Euclidean cost).
    grads : list of ndarray, or ndarray shaped like X
        ``∇_{X_j} dtw_γ(X_j, Y_j) = 2 (E_j 1 ⊙ X_j - E_j Y_j)``, each shaped like ``X_j``;
        an array when X is one.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> values, grads = sd.soft_dtw_value_and_grad_batch([[0.0, 1.0, 2.0], [1.0]],
    ...                                                  [[0.0, 2.0], [3.0]], gamma=0.0)
    >>> values.tolist(), [g.tolist() for g in grads]
    ([1.0, 4.0], [[0.0, 2.0, 0.0], [-4.0]])
    """
    gamma = check_gamma(gamma)
    radius = check_band(band)
    xs = as_dataset(X, "X")
    ys = as_dataset(Y, "Y")
    if len(xs) != len(ys):
        raise ValueError(
            f"X and Y must hold the same number of series (pairs X[j], Y[j]); got {len(xs)} "
            f"and {len(ys)}."
        )
    if xs[0].shape[1] != ys[0].shape[1]:
        raise ValueError(
            f"X and Y must have the same dimension d; got d={xs[0].shape[1]} and "
            f"d={ys[0].shape[1]}."
        )
    nx = np.array([s.shape[0] for s in xs], dtype=np.int64)
    ny = np.array([s.shape[0] for s in ys], dtype=np.int64)
    if radius >= 0:
        for n, m in set(zip(nx.tolist(), ny.tolist())):
            band_limits_checked(n, m, radius)
    order, gstart = group_lanes(np.stack([nx, ny], axis=1), band_width(nx, ny, radius), True)
    off_x = np.concatenate([[0], np.cumsum(nx)]).astype(np.int64)
    off_y = np.concatenate([[0], np.cumsum(ny)]).astype(np.int64)
    data_x = np.ascontiguousarray(np.concatenate(xs, axis=0))
    data_y = np.ascontiguousarray(np.concatenate(ys, axis=0))
    values = np.empty(len(xs))
    grad = np.empty_like(data_x)
    cells = int(nx @ ny)
    threads = numba.get_num_threads() if cells >= PARALLEL_MIN_CELLS else 1
    chunks = chunks_for(threads, len(gstart) - 1)
    threads = min(threads, chunks)
    args = (data_x, off_x, data_y, off_y, order.astype(np.int64), gstart, gamma, radius)
    with scratch((threads, 3, _workspace_size(nx, ny, order, gstart, radius))) as work:
        run_chunks(_paired_chunk, chunks, *args, work, values, grad, threads=threads)
    if isinstance(X, np.ndarray):
        return values, grad.reshape(X.shape)
    return values, [grad[off_x[j] : off_x[j + 1]].reshape(np.shape(x)) for j, x in enumerate(X)]
