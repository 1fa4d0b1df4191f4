r"""Checkpointed backward pass: E and gradients of long pairs in little memory.

The full passes of :mod:`._wavefront` keep every cell's three soft-min weights (24 bytes a
cell: 9.6 GB at 20,000 x 20,000) because E's backward recursion reads them in reverse
order. Here the forward pass keeps only R on two consecutive anti-diagonals every ``S``
diagonals (the *checkpoints*); the backward pass then walks the segments from the last to
the first, recomputes each segment's weights from its checkpoint into a buffer of ``S + 2``
diagonals (the two extra ones are the successors of the segment's last diagonals) and runs
E's recursion over them in three rolling rows, folding each diagonal's E into what the
caller wants (gradient statistics, the dense E, block sums of E) while it is in cache.

With ``K = n + m - 1`` diagonals of at most ``L = min(n, m)`` cells, the memory is about

.. math::

    24 (S + 2) L + 16 \frac{K}{S} L \quad \text{bytes, least at } S = \sqrt{2K/3}:
    \quad 160 \text{ MB at } 20{,}000 \times 20{,}000,

against ``24 K L`` for full storage; the extra work is one forward sweep without weights.
The recomputed weights are bit for bit those of full storage, and E's recursion runs in
the same order, so both modes give the same results. float32 problems run as in full
storage: R (and its checkpoints) in float64, the weights and E in float32; their sweep
runs the weights' kernel into a scratch diagonal, so that R stays bit for bit the same.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .fastmath import is_single
from .wavefront import (
    ONE,
    _diagonal_costs,
    _fence,
    _softmin_row,
    _start,
    _weights_row,
    backward_rolling,
    forward_range,
    zero_tail,
)

__all__ = ["checkpointed", "checkpoint_bytes", "segment_length"]

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})


def segment_length(n: int, m: int) -> int:
    """Diagonals per segment: ``sqrt(2K/3)`` balances the weights and the checkpoints."""
    return max(1, round(math.sqrt(2.0 * (n + m - 1) / 3.0)))


def checkpoint_bytes(n: int, m: int, width: int) -> int:
    """About the bytes the checkpointed pass holds for diagonals of ``width`` cells at most."""
    seg = segment_length(n, m)
    return 24 * (seg + 4) * (width + 2) + 16 * ((n + m - 1) // seg + 1) * (width + 3)


@njit(**_FLAGS)
def _plan(n, m, ilo_k, ihi_k, base, seg):
    """Segment starts (diagonals ``starts[s] .. starts[s+1] - 1``, ``starts[-1] = n+m+1``),
    each checkpoint's offset in the checkpoint store (rows ``ilo - 1 .. ihi + 1`` of
    diagonals ``start - 2`` and ``start - 1``), its size, and the largest weight span."""
    count = (n + m - 2) // seg + 1
    starts = np.empty(count + 1, dtype=np.int64)
    offsets = np.empty(count + 1, dtype=np.int64)
    total = 0
    for s in range(count):
        k = 2 + s * seg
        starts[s] = k
        offsets[s] = total
        total += max(ihi_k[k - 2] - ilo_k[k - 2] + 3, 0) + max(ihi_k[k - 1] - ilo_k[k - 1] + 3, 0)
    starts[count] = n + m + 1
    offsets[count] = total
    span = 0
    for s in range(count):
        last = min(starts[s + 1] + 1, n + m)  # the segment and its two successor diagonals
        top = base[n + m + 2] if last == n + m else base[last + 1]
        span = max(span, top - base[starts[s]])
    return starts, offsets, total, span


@njit(**_FLAGS)
def _save(row, ilo, ihi, store, at):
    count = max(ihi - ilo + 3, 0)
    for q in range(count):
        store[at + q] = row[ilo - 1 + q]
    return at + count


@njit(**_FLAGS)
def _restore(store, at, row, ilo, ihi):
    count = max(ihi - ilo + 3, 0)
    for q in range(count):
        row[ilo - 1 + q] = store[at + q]
    return at + count


@njit(**_FLAGS)  # not inlined: one function inlining both soft-min kernels (two copies of
def _sweep_row(prev2, prev1, cost, cur, WS, lse, ilo, ihi, gamma):  # the log) upsets Numba
    """R on one diagonal by the weights' kernel, the weights into the scratch ``WS``."""
    _weights_row(prev2, prev1, cost, cur, WS[0], WS[1], WS[2], ilo, ihi, 0, gamma, 1, lse)


@njit(**_FLAGS)
def _forward_checkpoints(Xt, Yrt, D, kind, n, m, gamma, ilo_k, ihi_k, starts, offsets, store,
                         wt):
    """dtw_γ by the value sweep, saving R on diagonals ``k-2``, ``k-1`` at each segment start.

    R is float64; with float32 weights (``wt``) the sweep runs the weights' kernel into a
    scratch diagonal, so that R is bit for bit that of :func:`._wavefront.forward_range`.
    """
    prev2, prev1, cur, cost = _start(n, ONE, gamma)
    frame = np.zeros(3)  # no relative frame: R is float64 (float32 data included)
    mixed = is_single(wt)
    WS = np.empty((3, n + 2) if mixed else (3, 0), dtype=np.float32)
    lse = np.empty((4, n + 2) if mixed else (0, 0), dtype=np.float32)
    s = 0
    for k in range(2, n + m + 1):
        if k == starts[s]:
            at = _save(prev2, ilo_k[k - 2], ihi_k[k - 2], store, offsets[s])
            _save(prev1, ilo_k[k - 1], ihi_k[k - 1], store, at)
            s += 1
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, cost, 1)
        if mixed and ihi >= ilo:
            _sweep_row(prev2, prev1, cost, cur, WS, lse, ilo, ihi, gamma)
        elif not mixed:
            _softmin_row(prev2, prev1, cost, cur, ilo, ihi, gamma, 1, frame)
        _fence(cur, ilo, ihi, 1)
        prev2, prev1, cur = prev1, cur, prev2
    return prev1[n]


@njit(**_FLAGS)
def _backward_segments(Xt, Yrt, D, kind, n, m, gamma, ilo_k, ihi_k, base, starts, offsets,
                       store, WA, WB, WC, rs, eyt, Gt, E, S, fi, fj):
    """E segment by segment from the last: recompute the weights, then E's recursion."""
    prev2, prev1, cur, cost = _start(n, ONE, gamma)
    e2 = np.zeros(n + 2, dtype=WA.dtype)
    e1 = np.zeros(n + 2, dtype=WA.dtype)
    ec = np.zeros(n + 2, dtype=WA.dtype)
    for s in range(starts.shape[0] - 2, -1, -1):
        first = starts[s]
        last = starts[s + 1] - 1
        upto = min(last + 2, n + m)
        at = _restore(store, offsets[s], prev2, ilo_k[first - 2], ihi_k[first - 2])
        _restore(store, at, prev1, ilo_k[first - 1], ihi_k[first - 1])
        shift = base[first]
        prev2, prev1, cur = forward_range(Xt, Yrt, D, kind, n, m, gamma, ilo_k, ihi_k, base,
                                          shift, first, upto, prev2, prev1, cur, cost,
                                          WA, WB, WC, ONE)
        if upto == n + m:
            zero_tail(n, m, base, shift, WA, WB, WC, ONE)
        e2, e1, ec = backward_rolling(n, m, ilo_k, ihi_k, base, shift, last, first, WA, WB,
                                      WC, e2, e1, ec, Xt, Yrt, rs, eyt, Gt, E, S, fi, fj)


def checkpointed(n, m, gamma, Xt, Yrt, D, kind, ilo, ihi, base, folds, buffer, dtype):
    """dtw_γ by the checkpointed passes; E is folded into ``folds`` = ``(rs, eyt, Gt, E, S,
    fi, fj)`` (see :func:`._wavefront.backward_rolling`). Buffers come from
    ``buffer(name, size, dtype)``; R (and γ) are float64, the weights and E of ``dtype``
    (float32 problems: as in the full passes, :func:`._dp.gibbs`)."""
    starts, offsets, size, span = _plan(n, m, ilo, ihi, base, segment_length(n, m))
    store = buffer("checkpoints", size, np.float64)
    value = _forward_checkpoints(Xt, Yrt, D, kind, n, m, gamma, ilo, ihi, starts, offsets, store,
                                 dtype.type(0))
    WA, WB, WC = (buffer(name, span, dtype) for name in ("WA", "WB", "WC"))
    _backward_segments(Xt, Yrt, D, kind, n, m, gamma, ilo, ihi, base, starts, offsets, store,
                       WA, WB, WC, *folds)
    return float(value)
