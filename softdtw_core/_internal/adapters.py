r"""Batched kernels behind the PyTorch and JAX adapters (:mod:`softdtw_core.torch`,
:mod:`softdtw_core.jax`): NumPy in, NumPy out, no framework imported here.

A batch is ``B`` pairs padded to common shapes: ``X`` ``(B, N, d)``, ``Y`` ``(B, M, d)``
(or a precomputed cost ``D`` ``(B, N, M)``), pair ``b`` being ``X[b, :nx[b]]`` against
``Y[b, :ny[b]]``. For each pair the forward pass stores the soft-min weights and the backward
pass the expected alignment ``E`` (both in the compact anti-diagonal layout of
:mod:`._wavefront`, pairs of one shape run as interleaved lanes); then one more sweep over
``E`` gives the gradients with respect to **both** series,

.. math::

    \nabla_{x_i} = \sum_j e_{ij}\, \partial_{x_i} \Delta_{ij}, \qquad
    \nabla_{y_j} = \sum_i e_{ij}\, \partial_{y_j} \Delta_{ij}
    \qquad (\partial_{x_i} \Delta_{ij} = 2 (x_i - y_j) \text{ or }
    \operatorname{sign}(x_i - y_j)),

without ever forming an ``n x m`` matrix (only the compact weights and E, 32 bytes per cell
of a lane group, reused between groups). Padding is never read, and its gradient is exactly
zero. Lane groups are spread over the library's thread pool (``threads.run_chunks``,
up to four chunks per thread claimed dynamically, one work buffer per thread); every kernel
releases the GIL.

Second order (double backward, the gradient of ``<E, U>``) runs the full-table tangent
kernels of :mod:`softdtw_core.second_order` pair by pair:

.. math::

    \nabla^2 f\, (u_x, u_y) \quad\text{with}\quad
    \dot E = \nabla^2_\Delta \operatorname{dtw}_\gamma\, Z, \quad
    Z = \tfrac{\partial \Delta}{\partial X} u_x + \tfrac{\partial \Delta}{\partial Y} u_y .
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit

from ..band import band_limits, band_limits_checked
from ..costs import cost_matrix_, cost_tangent_, jacobian_product_
from ..pairwise import band_width, group_lanes
from .dp import Problem, expected_alignment, forward_table, tangent_alignment
from .threads import chunks_for, run_chunks
from .validation import COST_CODES, _check_finite, check_unit_interval
from .wavefront import backward, diagonal_layout, forward_lanes, lanes_for

__all__ = [
    "check_alpha",
    "check_batch",
    "check_divergence_cost",
    "pairs_tangent",
    "pairs_value_grad",
]

_PRECOMPUTED = COST_CODES["precomputed"]

#: Below this many DP cells a batch runs on the calling thread. A training step's batch is
#: usually smaller than the 2·10⁶ cells of :data:`softdtw_core.batch.PARALLEL_MIN_CELLS`
#: (256 pairs of length 64 hold 10⁶) and still gains from the second core: waking the pool
#: costs tens of microseconds, a 2.5·10⁵-cell batch about a millisecond.
PARALLEL_MIN_CELLS = 250_000
_SQEUCLIDEAN = COST_CODES["sqeuclidean"]

# --------------------------------------------------------------------------- kernels


@njit(cache=True, error_model="numpy", fastmath={"contract"}, nogil=True)
def _cost_gradients(Xt, Yrt, kind, n, m, ilo_k, ihi_k, base, Ed, B, Gxt, Gyrt):
    """Gxt += Σ_j e_ij ∂Δ_ij/∂x_i and Gyrt += Σ_i e_ij ∂Δ_ij/∂y_j over all lanes.

    Lane layout of :mod:`._wavefront` (Gyrt reversed like Yrt); the squared-Euclidean factor
    2 is left to the caller.
    """
    for k in range(2, n + m + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        if ihi < ilo:
            continue
        L = np.uint64((ihi - ilo + 1) * B)
        eo = np.uint64((base[k] + 1) * B)
        xo = np.uint64((ilo - 1) * B)
        yo = np.uint64((m - k + ilo) * B)
        for t in range(Xt.shape[0]):
            if kind == 0:
                for u in range(L):
                    g = Ed[eo + u] * (Xt[t, xo + u] - Yrt[t, yo + u])
                    Gxt[t, xo + u] += g
                    Gyrt[t, yo + u] -= g
            else:
                for u in range(L):
                    diff = Xt[t, xo + u] - Yrt[t, yo + u]
                    g = Ed[eo + u] * (1.0 if diff > 0 else (-1.0 if diff < 0 else 0.0))
                    Gxt[t, xo + u] += g
                    Gyrt[t, yo + u] -= g


@njit(cache=True, error_model="numpy", nogil=True)
def _scatter_lane(n, m, ilo_k, ihi_k, base, Ed, B, b, E):
    """Lane b of the compact E -> E[:n, :m] (cells outside the band untouched)."""
    for k in range(2, n + m + 1):
        off = base[k] + 1 - ilo_k[k]
        for i in range(ilo_k[k], ihi_k[k] + 1):
            E[i - 1, k - i - 1] = Ed[(off + i) * B + b]


@njit(cache=True, error_model="numpy", nogil=True)
def _group(g, X, Y, D, nx, ny, order, gstart, kind, gamma, radius, want_grad, want_E, work,
           slot, values, GX, GY, E):
    """Lane group g: values, and (on request) gradients w.r.t. X and Y and E."""
    members = order[gstart[g] : gstart[g + 1]]
    B = members.shape[0]
    n = nx[members[0]]
    m = ny[members[0]]
    lo, hi = band_limits(n, m, radius)
    ilo, ihi, base, _ = diagonal_layout(n, m, lo, hi)
    WA, WB, WC, Ed = work[slot, 0], work[slot, 1], work[slot, 2], work[slot, 3]
    out = np.empty(B)
    none = np.zeros((0, 0))
    if kind == 2:  # one lane: the pair's own (n, m) block of its cost matrix
        j = members[0]
        forward_lanes(none, none, D[j, :n, :m], 2, n, m, gamma, lo, hi, ilo, ihi, base, WA,
                      WB, WC, 1, out)
        values[j] = out[0]
        if want_grad or want_E:  # the gradient w.r.t. Δ is E
            backward(n, m, ilo, ihi, base, WA, WB, WC, Ed, none, np.zeros(0), none, 1)
            _scatter_lane(n, m, ilo, ihi, base, Ed, 1, 0, GX[j] if want_grad else E[j])
        return
    d = X.shape[2]
    Xt = np.empty((d, n * B))
    Yrt = np.empty((d, m * B))
    for b in range(B):
        for p in range(n):
            for t in range(d):
                Xt[t, p * B + b] = X[members[b], p, t]
        for p in range(m):
            for t in range(d):
                Yrt[t, p * B + b] = Y[members[b], m - 1 - p, t]
    forward_lanes(Xt, Yrt, none, kind, n, m, gamma, lo, hi, ilo, ihi, base, WA, WB, WC, B, out)
    for b in range(B):
        values[members[b]] = out[b]
    if not (want_grad or want_E):
        return
    backward(n, m, ilo, ihi, base, WA, WB, WC, Ed, Yrt, np.zeros(0), none, B)
    if want_E:
        for b in range(B):
            _scatter_lane(n, m, ilo, ihi, base, Ed, B, b, E[members[b]])
    if want_grad:
        Gxt = np.zeros((d, n * B))
        Gyrt = np.zeros((d, m * B))
        _cost_gradients(Xt, Yrt, kind, n, m, ilo, ihi, base, Ed, B, Gxt, Gyrt)
        f = 2.0 if kind == 0 else 1.0
        for b in range(B):
            j = members[b]
            for p in range(n):
                for t in range(d):
                    GX[j, p, t] = f * Gxt[t, p * B + b]
            for p in range(m):
                for t in range(d):
                    GY[j, m - 1 - p, t] = f * Gyrt[t, p * B + b]


@njit(cache=True, nogil=True)
def _work_size(nx, ny, order, gstart, radius):
    """Entries of each work buffer: the largest lane group's compact size times its lanes."""
    size = 0
    for g in range(gstart.shape[0] - 1):
        j = order[gstart[g]]
        lo, hi = band_limits(nx[j], ny[j], radius)
        size = max(size, diagonal_layout(nx[j], ny[j], lo, hi)[3] * (gstart[g + 1] - gstart[g]))
    return size


@njit(cache=True, error_model="numpy", nogil=True)
def _chunk(c, n_chunks, slot, X, Y, D, nx, ny, order, gstart, kind, gamma, radius, want_grad,
           want_E, work, values, GX, GY, E):
    """Lane groups c, c + n_chunks, … on one thread (scratch ``work[slot]``)."""
    for g in range(c, gstart.shape[0] - 1, n_chunks):
        _group(g, X, Y, D, nx, ny, order, gstart, kind, gamma, radius, want_grad, want_E,
               work, slot, values, GX, GY, E)


# --------------------------------------------------------------------------- checks


def check_batch(X, Y, nx, ny, radius, names=("x", "y"), *, finite=True):
    """Data checks of a padded batch (the shape checks are the adapter's): finite values
    in every pair's own rows (unless ``finite=False``: the caller checks them where the
    data lives), lengths in range, a band that admits a path for each pair.

    ``Y`` is None for a precomputed cost (X is then ``(B, N, M)``); raises ``ValueError``.
    """
    arrays = [(X, nx, names[0])] + ([] if Y is None else [(Y, ny, names[1])])
    limits = (X.shape[1], X.shape[2] if Y is None else Y.shape[1])
    for (lengths, name), limit in zip(((nx, "x_lengths"), (ny, "y_lengths")), limits):
        bad = (lengths < 1) | (lengths > limit)
        if bad.any():
            b = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name}[{b}] = {int(lengths[b])} is out of range: each length must be in "
                f"[1, {limit}] (the padded length of that side)."
            )
    for arr, lengths, name in arrays if finite else ():
        if not np.isfinite(arr).all():  # only the pairs' own rows count, padding is not read
            rows = np.arange(arr.shape[1])[None, :] < lengths[:, None]
            if Y is None:
                cols = np.arange(arr.shape[2])[None, :] < ny[:, None]
                own = np.where(rows[:, :, None] & cols[:, None, :], arr, 0.0)
            else:
                own = np.where(rows[:, :, None], arr, 0.0)
            _check_finite(own, name)
    if radius >= 0:
        for n, m in set(zip(nx.tolist(), ny.tolist())):
            band_limits_checked(n, m, radius)


def check_alpha(alpha) -> float:
    """DILATE's weight of the shape term, in [0, 1]."""
    return check_unit_interval(alpha, "alpha", "the weight of the shape term dtw_γ in DILATE; "
                               "the timing term gets 1 - alpha")


def check_divergence_cost(cost) -> None:
    """The divergence's self-terms need the series: refuse a precomputed cost."""
    if cost == "precomputed":
        raise ValueError("soft_dtw_divergence needs the series themselves (its self-terms "
                         "compare x with x and y with y); cost='precomputed' is not accepted.")


# --------------------------------------------------------------------------- entry points


def _groups(nx, ny, kind, radius):
    if kind == _PRECOMPUTED:  # one lane per pair
        return np.arange(len(nx), dtype=np.int64), np.arange(len(nx) + 1, dtype=np.int64)
    B = len(nx)
    if B and nx.min() == nx.max() and ny.min() == ny.max():  # one shape: what group_lanes gives
        lanes = lanes_for(int(band_width(nx[:1], ny[:1], radius)[0]), True)
        return np.arange(B, dtype=np.int64), np.append(np.arange(0, B, lanes), B).astype(np.int64)
    order, gstart = group_lanes(np.stack([nx, ny], axis=1), band_width(nx, ny, radius), True)
    return order.astype(np.int64), gstart


def pairs_value_grad(X, Y, nx, ny, gamma, radius, kind, *, want_grad=True, want_E=False,
                     parallel=True):
    """Values, gradients and E of a padded batch (validated, float64, C-contiguous).

    Returns ``values (B,)``, ``GX`` (X's shape; E itself for a precomputed cost), ``GY``
    (Y's shape, or None) and ``E`` ``(B, N, M)`` (None unless ``want_E``; for a precomputed
    cost E is GX itself, from the same pass). Gradients are None unless ``want_grad``.
    """
    B = X.shape[0]
    nx = np.ascontiguousarray(nx, dtype=np.int64)
    ny = np.ascontiguousarray(ny, dtype=np.int64)
    order, gstart = _groups(nx, ny, kind, radius)
    n_groups = len(gstart) - 1
    cells = int(nx @ ny)
    threads = numba.get_num_threads() if parallel and cells >= PARALLEL_MIN_CELLS else 1
    chunks = chunks_for(threads, n_groups)
    slots = min(threads, chunks)
    size = _work_size(nx, ny, order, gstart, radius)
    values = np.empty(B)
    if kind == _PRECOMPUTED and want_E:  # E is the gradient w.r.t. the cost: one pass gives it
        want_grad, return_grad = True, want_grad
    else:
        return_grad = want_grad
    if kind == _PRECOMPUTED:
        empty3 = np.zeros((0, 0, 0))
        Xa, Ya, Da = empty3, empty3, X
        GX = np.zeros(X.shape) if want_grad else empty3
        GY = empty3
    else:
        Xa, Ya, Da = X, Y, np.zeros((0, 0, 0))
        GX = np.zeros(X.shape) if want_grad else np.zeros((0, 0, 0))
        GY = np.zeros(Y.shape) if want_grad else np.zeros((0, 0, 0))
    M = X.shape[2] if kind == _PRECOMPUTED else Y.shape[1]
    E = np.zeros((B, X.shape[1], M)) if want_E and kind != _PRECOMPUTED else np.zeros((0, 0, 0))
    args = (Xa, Ya, Da, nx, ny, order, gstart, kind, float(gamma), float(radius),
            bool(want_grad), bool(want_E and kind != _PRECOMPUTED))
    work = np.empty((slots, 4, size))
    run_chunks(_chunk, chunks, *args, work, values, GX, GY, E, threads=slots)
    if kind == _PRECOMPUTED and want_E:
        E = GX
    return (values, GX if return_grad else None,
            GY if return_grad and kind != _PRECOMPUTED else None, E if want_E else None)


def _pair_problem(X, Y, b, n, m, gamma, radius, cost):
    lo, hi = band_limits(n, m, radius)
    if cost == "precomputed":
        D = np.ascontiguousarray(X[b, :n, :m])
        return Problem(None, None, D, cost, gamma, lo, hi, n, m, D.shape)
    x = np.ascontiguousarray(X[b, :n])
    y = np.ascontiguousarray(Y[b, :m])
    return Problem(x, y, cost_matrix_(x, y, cost), cost, gamma, lo, hi, n, m, x.shape)


def pairs_tangent(X, Y, nx, ny, gamma, radius, cost, UX, UY, *, mode):
    r"""Second-order products of a padded batch, pair by pair (full tables).

    ``mode="hvp"``: the Hessian of ``dtw_γ`` w.r.t. ``(X, Y)`` (w.r.t. Δ when precomputed)
    times the direction ``(UX, UY)``; returns ``(HX, HY)``.
    ``mode="alignment"``: the vector-Jacobian product of ``E`` with the cotangent ``UX``
    ``(B, N, M)``, i.e. ``(∂Δ/∂X)^T Ė`` and ``(∂Δ/∂Y)^T Ė`` with ``Ė = ∇²_Δ dtw_γ · UX``
    (the Hessian is symmetric); Ė itself for a precomputed cost.
    """
    if gamma <= 0:
        raise ValueError(f"second derivatives need gamma > 0; got gamma={gamma!r}.")
    HX = np.zeros(X.shape)
    HY = None if Y is None else np.zeros(Y.shape)
    for b in range(X.shape[0]):
        n, m = int(nx[b]), int(ny[b])
        p = _pair_problem(X, Y, b, n, m, gamma, radius, cost)
        _, _, W = forward_table(p)
        E = expected_alignment(p, W)
        if mode == "alignment" or cost == "precomputed":
            Z = np.ascontiguousarray(UX[b, :n, :m])
        else:
            ux = np.ascontiguousarray(UX[b, :n])
            uy = np.ascontiguousarray(UY[b, :m])
            Z = cost_tangent_(p.X, p.Y, ux, cost) + cost_tangent_(p.Y, p.X, uy, cost).T
        Edot = tangent_alignment(p, W, E, Z)
        if cost == "precomputed":
            HX[b, :n, :m] = Edot
            continue
        HX[b, :n] = jacobian_product_(p.X, p.Y, Edot, cost)
        HY[b, :m] = jacobian_product_(p.Y, p.X, np.ascontiguousarray(Edot.T), cost)
        if mode == "hvp" and cost == "sqeuclidean":  # the curvature of the cost itself
            HX[b, :n] += 2.0 * (E.sum(axis=1)[:, None] * ux - E @ uy)
            HY[b, :m] += 2.0 * (E.sum(axis=0)[:, None] * uy - E.T @ ux)
    return HX, HY
