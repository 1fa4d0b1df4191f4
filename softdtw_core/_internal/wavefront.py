"""Anti-diagonal (wavefront) kernels: the fast path for values, E and gradients.

Cells (i, j) with the same ``k = i + j`` do not depend on each other, so sweeping
anti-diagonals makes every inner loop free of loop-carried dependencies; with the
branch-free exp/log of :mod:`.fastmath` LLVM vectorises them. Conventions (1-based i, j):

- diagonal ``k`` holds the in-band rows ``i`` in ``[ilo_k, ihi_k]``; both ends are
  non-decreasing in k and move by at most one per diagonal;
- ``B`` *lanes*: the kernels run B independent problems of the same shape ``(n, m)`` (and
  band) at once, interleaved cell by cell: lane ``b`` of cell ``i`` sits at ``i B + b``. The
  inner loops then run over ``L B`` contiguous entries instead of ``L`` (a diagonal's
  length), which amortises the fixed cost of each diagonal and the scalar remainder of
  each vector loop over B problems: for series of a few hundred points, which have few
  cells per diagonal, that is most of the gain. ``B = 1`` is the plain single problem;
- the rolling R buffers are indexed by ``i B + b`` and fenced with ``+inf`` just outside
  ``[ilo_k, ihi_k]``, which is all the next two diagonals read;
- the full passes store per-cell data diagonal by diagonal in a compact array, cell
  ``(k, i)`` lane ``b`` at ``(base[k] + 1 + i - ilo_k) B + b``, with one zero pad cell on each
  side of every diagonal so the backward pass reads its successors without bounds checks;
- ``Xt`` is X transposed and lane-interleaved, ``(d, n B)``; ``Yrt`` is Y reversed,
  transposed and interleaved, ``(d, m B)`` (:func:`interleave`) so that column
  ``j = k - i`` is at ``(m - k + i) B + b`` and all accesses move forward with ``i``.

``kind``: 0 squared Euclidean on (X, Y), 1 absolute, 2 precomputed cost ``D`` (n, m; B = 1).

float32
-------
The kernels specialise on their arrays' dtype (float32 problems: :func:`._dp.as_float32`).
R itself grows like the sum of the costs along a path (~1e3 at n = 1024 on z-normalised
data, ~-1.5e4 at γ = 10), and a float32 R carries an absolute rounding of ~ulp(R) ~ 1e-4,
which the soft-min weights ``exp(-(r - r_min)/γ)`` see divided by γ: E's weights were off
by up to 4e-2 at n = 1024, γ = 0.01 (E by 1e-2, the gradient by 1e-4). Hence:

- the value pass (:func:`value_lanes`) keeps R in float32 *relative to a frame*: diagonal
  k is stored minus a float64 offset ``o_k``, the offset of diagonal k-1 plus the minimum
  of its stored values (:func:`_frame_step`); the soft-min arguments then come out as
  float32 differences plus the shifts of the last two diagonals, all small numbers near
  the diagonal's minimum. The value is ``o_{n+m} + (stored r_nm)`` in float64. (With
  B > 1 lanes the frame is shared: the minimum over all lanes.) Its cost: one vectorised
  integer-keyed minimum per diagonal, two subtractions per cell;
- the full passes (:func:`forward_range`, behind the gradient and E) keep R in float64
  and the weights in float32 (γ is passed as a float64): the frame is not enough there,
  as the likely paths run up to ~100-250 above their diagonal's minimum (ulp 1.5e-5).
  :func:`_mixed_weights_row` forms the arguments ``(min - r)/γ`` in float64, rounds them
  to float32, and takes the exp, the log and the weights in float32 in a loop of its own
  (a loop mixing both types runs at float64's vector width). E's backward recursion and
  the stored weights are float32; the gradient's statistics accumulate in float64.

Measured (``benchmarks/bench_dilate_float32.py --accuracy``): value, gradient and E
within a few 1e-6 (relative) of float64 on the same data up to n = 4096, γ in [0.01, 10].
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .fastmath import exp_nonpositive, is_single, like, log_1_to_3, pick

__all__ = [
    "NO_ARRAY",
    "absolute_jacobian_product",
    "backward",
    "backward_rolling",
    "backward_tangent_lanes",
    "diagonal_layout",
    "forward",
    "forward_lanes",
    "forward_range",
    "forward_tangent_lanes",
    "gather",
    "interleave",
    "lanes_for",
    "omega_dot",
    "scatter",
    "value",
    "value_lanes",
    "zero_tail",
]

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})
_INNER = dict(_FLAGS, inline="always")

#: Stands for "no array" in kernel calls (``D`` when the cost is computed on the fly, ``Xt``
#: and ``Yrt`` when it is precomputed): Numba needs an array of the right type there.
NO_ARRAY = np.zeros((0, 0))
# Integer arguments that kernels pass to other kernels: typed int64, not literal constants (a
# literal ``1`` compiles the callee once more than the int64 a Python caller passes; see
# ``benchmarks/bench_warmup.py``). ``np.int64(k)`` in a kernel is typed int64 too.
ZERO, ONE, TWO = np.int64(0), np.int64(1), np.int64(2)

# Flush thresholds that keep subnormal numbers out of the E recursion. A product that
# underflows into the subnormal range costs a ~100-cycle microcode assist on x86, and E,
# a sum of products of weights along paths, decays geometrically away from the likely
# paths: without the flush the backward pass ran twice as slow on some inputs. Weights
# below _TINY_WEIGHT and E entries below _TINY_E become exactly 0, so every product w * e
# is >= 1e-301 or 0. An entry of E moves by at most n m 1e-100 (each flush drops at most
# 1e-100 of probability mass); the value is unchanged (the flush comes after the log-sum).
_TINY_WEIGHT = 1e-100
_TINY_E = 1e-200
# float32 (smallest normal 1.2e-38): the same rule with 1e-19 for both, so w * e >= 1e-38
_TINY_32 = 1e-19


@njit(**_FLAGS)
def diagonal_layout(n, m, lo, hi):
    """Row ranges and compact offsets (in cells) of all anti-diagonals k = 0 .. n+m+1.

    Returns ``ilo, ihi, base`` (each of length n+m+2) and the compact size.
    """
    K = n + m + 2
    ilo_k = np.empty(K, dtype=np.int64)
    ihi_k = np.empty(K, dtype=np.int64)
    base = np.empty(K + 1, dtype=np.int64)
    ilo, ihi = 1, 0
    total = 0
    for k in range(K):
        if k >= 2:
            while ilo <= n and hi[ilo - 1] + ilo < k - 1:
                ilo += 1
            while ihi < n and lo[ihi] + ihi + 1 <= k - 1:
                ihi += 1
        if k > n + m:  # past the last cell: empty, pads only
            ilo, ihi = n + 1, n
        ilo_k[k] = ilo if k >= 2 else 1
        ihi_k[k] = ihi if k >= 2 else 0
        base[k] = total
        total += max(ihi_k[k] - ilo_k[k] + 1, 0) + 2
    base[K] = total
    return ilo_k, ihi_k, base, total


@njit(**_FLAGS)
def interleave(data, starts, length, reverse, out):
    """The lane layout: out[t, p B + b] = data[starts[b] + p', t], p' = p (or length-1-p
    when ``reverse``), for the B = len(starts) series of ``length`` rows starting at
    ``starts`` in ``data`` (rows, d). ``out`` is (d, length B)."""
    B = starts.shape[0]
    for p in range(length):
        src = length - 1 - p if reverse else p
        for b in range(B):
            row = starts[b] + src
            for t in range(data.shape[1]):
                out[t, p * B + b] = data[row, t]
    return out


@njit(**_FLAGS)
def lanes_for(width, full):
    """How many problems to interleave, for diagonals of about ``width`` cells.

    Measured on the project's 2-core AVX-512 machines (``benchmarks/bench_core.py``
    prints the table): short diagonals gain most (2x at width 32, 1.35x at 128). The full
    passes keep every cell's weights for B problems, which must stay in the L2 cache, so
    they gain nothing past ~400 cells and lose past ~500.
    """
    if full:
        if width <= 96:
            return 8
        if width <= 400:
            return 4
        if width <= 700:
            return 2
        return 1
    return 8 if width <= 192 else 4


@njit(inline="always", error_model="numpy")
def _min3(a, b, c):
    m = a if a < b else b
    return m if m < c else c


@njit(inline="always", error_model="numpy")
def _order3(a, b, c):
    """(min, median, max) with selects only, so the loops calling it stay vectorised."""
    lo_ab = a if a < b else b
    hi_ab = b if a < b else a
    mn = lo_ab if lo_ab < c else c
    mx = hi_ab if hi_ab > c else c
    md = hi_ab if hi_ab < c else (lo_ab if lo_ab > c else c)
    return mn, md, mx


@njit(inline="always", error_model="numpy", fastmath={"contract"})
def _softmin3(a, b, c, gamma, inv):
    """min^γ(a, b, c) for γ > 0 (``inv = 1/γ``).

    The minimum contributes exp(0) = 1 exactly, so only the median and the maximum need
    an exp.
    """
    mn, md, mx = _order3(a, b, c)
    total = like(a, 1.0) + exp_nonpositive((mn - md) * inv) + exp_nonpositive((mn - mx) * inv)
    return mn - gamma * log_1_to_3(total)


@njit(inline="always", error_model="numpy", fastmath={"contract"})
def _softmin3_weights(a, b, c, gamma, inv):
    """min^γ(a, b, c) and its gradient (the Gibbs weights of a, b and c), for γ > 0."""
    mn, md, mx = _order3(a, b, c)
    e_md = exp_nonpositive((mn - md) * inv)
    e_mx = exp_nonpositive((mn - mx) * inv)
    one = like(a, 1.0)
    zero = like(a, 0.0)
    tiny = pick(a, _TINY_WEIGHT, _TINY_32)
    total = one + e_md + e_mx
    r = one / total
    e_md = e_md if e_md > tiny else zero  # after the sum: the value stays exact
    e_mx = e_mx if e_mx > tiny else zero
    wa = (one if a == mn else (e_md if a == md else e_mx)) * r
    wb = (one if b == mn else (e_md if b == md else e_mx)) * r
    wc = (one if c == mn else (e_md if c == md else e_mx)) * r
    return mn - gamma * log_1_to_3(total), wa, wb, wc


@njit(inline="always", error_model="numpy")
def _hardmin3_weights(a, b, c):
    """min(a, b, c) and weight 1 on the minimiser (ties: diagonal, then up, then left)."""
    mn = _min3(a, b, c)
    fa = 1.0 if a == mn else 0.0
    fb = (1.0 - fa) if b == mn else 0.0
    return mn, fa, fb, 1.0 - fa - fb


@njit(**_INNER)
def _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, out, B):
    """Costs of the cells (i, k-i), i in [ilo, ihi], all lanes, into out[i B + b], computed
    in out's type (float64 from float32 data in the float32 problems' full passes)."""
    if ihi < ilo:
        return
    L = np.uint64((ihi - ilo + 1) * B)
    oo = np.uint64(ilo * B)
    if kind == 2:  # a single problem (B = 1)
        for u in range(L):
            i = ilo + np.int64(u)
            out[oo + u] = D[i - 1, k - i - 1]
        return
    xo = np.uint64((ilo - 1) * B)
    yo = np.uint64((m - k + ilo) * B)  # >= 0: column k - i <= m
    z = out[0]
    for t in range(Xt.shape[0]):
        if kind == 0:
            if t == 0:
                for u in range(L):
                    diff = like(z, Xt[t, xo + u]) - like(z, Yrt[t, yo + u])
                    out[oo + u] = diff * diff
            else:
                for u in range(L):
                    diff = like(z, Xt[t, xo + u]) - like(z, Yrt[t, yo + u])
                    out[oo + u] += diff * diff
        else:
            if t == 0:
                for u in range(L):
                    out[oo + u] = abs(like(z, Xt[t, xo + u]) - like(z, Yrt[t, yo + u]))
            else:
                for u in range(L):
                    out[oo + u] += abs(like(z, Xt[t, xo + u]) - like(z, Yrt[t, yo + u]))


@njit(**_INNER)
def _softmin_row(prev2, prev1, cost, cur, ilo, ihi, gamma, B, frame):
    """cur[q] = cost[q] + min^γ(prev2[q-B], prev1[q-B], prev1[q]), q = i B + b, i in [ilo, ihi]
    (float32: in the relative frame of ``frame``, :func:`_frame_step`).

    Unsigned offsets keep Numba from emitting negative-index wraparound checks, which would
    stop LLVM from vectorising (slicing would too, at a refcount per slice). The branches
    on ``single`` are compile-time constants: float64 code has no shift at all.
    """
    if ihi < ilo:
        return
    L = np.uint64((ihi - ilo + 1) * B)
    s = np.uint64((ilo - 1) * B)
    nb = np.uint64(B)
    single = is_single(gamma)
    mu2 = like(gamma, frame[1])
    mu1 = like(gamma, frame[2])
    if gamma == 0.0:
        for u in range(L):
            q = s + u
            mn = _min3(prev2[q] - mu2 if single else prev2[q], prev1[q], prev1[q + nb])
            cur[q + nb] = cost[q + nb] + (mn - mu1 if single else mn)
        return
    inv = like(gamma, 1.0) / gamma
    for u in range(L):
        q = s + u
        sm = _softmin3(prev2[q] - mu2 if single else prev2[q], prev1[q], prev1[q + nb], gamma,
                       inv)
        cur[q + nb] = cost[q + nb] + (sm - mu1 if single else sm)


@njit(**_FLAGS)
def _start(n, B, gamma=0.0):
    """Rolling buffers for B lanes: R on diagonals k-2, k-1, k (R[0, 0] = 0) and the costs,
    of gamma's floating type (the kernels' working precision)."""
    inf = like(gamma, np.inf)
    prev2 = np.full((n + 2) * B, inf)
    prev1 = np.full((n + 2) * B, inf)
    cur = np.full((n + 2) * B, inf)
    cost = np.full((n + 2) * B, like(gamma, 0.0))
    prev2[:B] = 0.0
    return prev2, prev1, cur, cost


@njit(**_INNER)
def _fence(cur, ilo, ihi, B):
    for b in range(B):
        cur[(ilo - 1) * B + b] = np.inf
        cur[(ihi + 1) * B + b] = np.inf


@njit(**_INNER)
def _frame_step(cur, ilo, ihi, B, frame):
    """float32: move the relative frame past diagonal k (just written into ``cur``).

    ``frame = (o, μ'', μ')`` before diagonal k: R on diagonal k-1 is ``o + (stored value)``
    in float64, μ'' and μ' are the minima of the stored diagonals k-2 and k-1. Diagonal k
    is stored relative to ``o + μ'``, so after it ``frame = (o + μ', μ', μ_k)``. The minimum
    is taken on the float32 bit patterns read as integers (flipped for negative numbers:
    an order-preserving map), a reduction LLVM vectorises, which a float minimum without
    fast-math flags is not. No-op for float64 (its frame stays ``(0, 0, 0)``).
    """
    if not is_single(cur[0]):
        return
    key = np.int32(0x7F800000)  # +inf: an empty or unreachable diagonal shifts nothing
    for u in range(np.uint64(ilo * B), np.uint64((ihi + 1) * B)):
        b = np.float32(cur[u]).view(np.int32)
        k = b ^ ((b >> np.int32(31)) & np.int32(0x7FFFFFFF))
        key = k if k < key else key
    key = key ^ ((key >> np.int32(31)) & np.int32(0x7FFFFFFF))
    mu = np.int32(key).view(np.float32)
    frame[0] += frame[2]
    frame[1] = frame[2]
    frame[2] = mu if mu < np.inf else 0.0


@njit(**_FLAGS)
def value_lanes(Xt, Yrt, D, kind, n, m, gamma, lo, hi, B, out):
    """out[b] = dtw_γ of lane b, with three rolling diagonals: O(n B) memory."""
    prev2, prev1, cur, cost = _start(n, B, gamma)
    frame = np.zeros(3)
    ilo, ihi = 1, 0
    for k in range(2, n + m + 1):
        while ilo <= n and hi[ilo - 1] + ilo < k - 1:
            ilo += 1
        while ihi < n and lo[ihi] + ihi + 1 <= k - 1:
            ihi += 1
        _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, cost, B)
        _softmin_row(prev2, prev1, cost, cur, ilo, ihi, gamma, B, frame)
        _fence(cur, ilo, ihi, B)
        _frame_step(cur, ilo, ihi, B, frame)
        prev2, prev1, cur = prev1, cur, prev2
    for b in range(B):
        out[b] = frame[0] + prev1[n * B + b]
    return out


@njit(**_FLAGS)
def value(Xt, Yrt, D, kind, n, m, gamma, lo, hi):
    """dtw_γ of one problem (call with n <= m for the least memory)."""
    return value_lanes(Xt, Yrt, D, kind, n, m, gamma, lo, hi, ONE, np.empty(1))[0]


@njit(**_INNER)
def _weights_row(prev2, prev1, cost, cur, WA, WB, WC, ilo, ihi, w0, gamma, B, lse):
    """As :func:`_softmin_row` (R of γ's type, without a relative frame), also storing the
    three soft-min weights (of WA's type) from WA[w0] on (``lse``: scratch of WA's type,
    4 rows of a diagonal's length, for float32 weights of float64 R)."""
    L = np.uint64((ihi - ilo + 1) * B)
    s = np.uint64((ilo - 1) * B)
    w = np.uint64(w0)
    nb = np.uint64(B)
    if gamma == 0.0:
        for u in range(L):
            q = s + u
            mn, WA[w + u], WB[w + u], WC[w + u] = _hardmin3_weights(
                prev2[q], prev1[q], prev1[q + nb]
            )
            cur[q + nb] = cost[q + nb] + mn
        return
    inv = like(gamma, 1.0) / gamma
    if is_single(WA[0]) and not is_single(gamma):
        _mixed_weights_row(prev2, prev1, cost, cur, WA, WB, WC, s, L, w, gamma, inv, nb, lse)
        return
    for u in range(L):
        q = s + u
        sm, WA[w + u], WB[w + u], WC[w + u] = _softmin3_weights(
            prev2[q], prev1[q], prev1[q + nb], gamma, inv
        )
        cur[q + nb] = cost[q + nb] + sm


@njit(**_FLAGS)  # not inlined: a second inlined copy of the log upsets Numba's SSA checks
def _mixed_weights_row(prev2, prev1, cost, cur, WA, WB, WC, s, L, w, gamma, inv, nb, lse):
    """:func:`_weights_row` for float64 R and float32 weights, in three loops so that the
    float32 one (the exp and log) runs at the full vector width (a loop mixing both types
    runs at float64's): the arguments ``(min - r) / γ`` in float64, rounded to float32
    (into the scratch rows ``lse[0:3]``); the weights from them in float32 (their log-sum
    into ``lse[3]``); then R in float64.
    """
    ta, tb, tc, ls = lse[0], lse[1], lse[2], lse[3]  # 1-D rows: no index checks in loops
    for u in range(L):
        q = s + u
        a, b, c = prev2[q], prev1[q], prev1[q + nb]
        mn = _min3(a, b, c)
        cur[q + nb] = cost[q + nb] + mn
        ta[u] = np.float32((mn - a) * inv)
        tb[u] = np.float32((mn - b) * inv)
        tc[u] = np.float32((mn - c) * inv)
    one = np.float32(1.0)
    zero = np.float32(0.0)
    tiny = np.float32(_TINY_32)
    for u in range(L):
        xa, xb, xc = ta[u], tb[u], tc[u]
        lo, md, hi = _order3(xa, xb, xc)  # hi = 0: the minimum's own argument
        e_md = exp_nonpositive(md)
        e_lo = exp_nonpositive(lo)
        total = one + e_md + e_lo
        r = one / total
        ls[u] = log_1_to_3(total)
        e_md = e_md if e_md > tiny else zero  # after the sum: R stays exact
        e_lo = e_lo if e_lo > tiny else zero
        WA[w + u] = (one if xa == hi else (e_md if xa == md else e_lo)) * r
        WB[w + u] = (one if xb == hi else (e_md if xb == md else e_lo)) * r
        WC[w + u] = (one if xc == hi else (e_md if xc == md else e_lo)) * r
    o = s + nb
    for u in range(L):
        cur[o + u] -= gamma * ls[u]


@njit(**_FLAGS)
def forward_range(Xt, Yrt, D, kind, n, m, gamma, ilo_k, ihi_k, base, shift, k_first, k_last,
                  prev2, prev1, cur, cost, WA, WB, WC, B):
    """Diagonals ``k_first .. k_last`` of the forward pass, storing their soft-min weights.

    ``prev2``, ``prev1`` hold R on diagonals ``k_first - 2`` and ``k_first - 1`` (rows
    ``ilo - 1 .. ihi + 1`` are all that is read); diagonal k's weights go to the compact
    layout shifted by ``shift`` cells: from ``(base[k] - shift) B`` on. Returns the rolled
    buffers ``(prev2, prev1, cur)``: R on ``k_last - 1`` and ``k_last`` in the first two.
    R has γ's type, the weights WA's: float32 problems keep R in float64 here (module
    docstring).
    """
    lse = np.empty((4, (n + 2) * B), dtype=WA.dtype)
    for k in range(k_first, k_last + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, cost, B)
        p = (base[k] - shift) * B  # pad, then the L cells, then pad
        for b in range(B):
            WA[p + b] = 0.0
            WB[p + b] = 0.0
            WC[p + b] = 0.0
        if L > 0:
            _weights_row(prev2, prev1, cost, cur, WA, WB, WC, ilo, ihi, p + B, gamma, B, lse)
        for b in range((L + 1) * B, (L + 2) * B):
            WA[p + b] = 0.0
            WB[p + b] = 0.0
            WC[p + b] = 0.0
        _fence(cur, ilo, ihi, B)
        prev2, prev1, cur = prev1, cur, prev2
    return prev2, prev1, cur


@njit(**_FLAGS)
def zero_tail(n, m, base, shift, WA, WB, WC, B):
    """Zero the pads of the empty diagonal n+m+1 (read as successors of diagonal n+m-1)."""
    for q in range((base[n + m + 1] - shift) * B, (base[n + m + 2] - shift) * B):
        WA[q] = 0.0
        WB[q] = 0.0
        WC[q] = 0.0


@njit(**_FLAGS)
def forward_lanes(Xt, Yrt, D, kind, n, m, gamma, lo, hi, ilo_k, ihi_k, base, WA, WB, WC, B, out):
    """out[b] = dtw_γ of lane b, storing every cell's soft-min weights (diagonal, up, left)
    in the compact layout (WA, WB, WC hold at least ``base[-1] * B`` entries)."""
    prev2, prev1, cur, cost = _start(n, B, gamma)
    prev2, prev1, cur = forward_range(Xt, Yrt, D, kind, n, m, gamma, ilo_k, ihi_k, base, ZERO,
                                      TWO, n + m, prev2, prev1, cur, cost, WA, WB, WC, B)
    zero_tail(n, m, base, ZERO, WA, WB, WC, B)
    for b in range(B):
        out[b] = prev1[n * B + b]
    return out


@njit(**_FLAGS)
def forward(Xt, Yrt, D, kind, n, m, gamma, lo, hi, ilo_k, ihi_k, base, WA, WB, WC):
    """dtw_γ of one problem, storing its soft-min weights (:func:`forward_lanes`, B = 1)."""
    out = np.empty(1)
    forward_lanes(Xt, Yrt, D, kind, n, m, gamma, lo, hi, ilo_k, ihi_k, base, WA, WB, WC, ONE, out)
    return out[0]


@njit(**_INNER)
def _row_statistics(Yrt, m, k, ilo, ihi, eo, Ed, rs, eyt, B):
    """rs[q] += e and eyt[t, q] += e y over diagonal k, q = (i-1) B + b (E at Ed[eo:])."""
    L = np.uint64((ihi - ilo + 1) * B)
    xo = np.uint64((ilo - 1) * B)
    yo = np.uint64((m - k + ilo) * B)
    e0 = np.uint64(eo)
    for u in range(L):
        rs[xo + u] += Ed[e0 + u]
    for t in range(Yrt.shape[0]):
        for u in range(L):
            eyt[t, xo + u] += Ed[e0 + u] * Yrt[t, yo + u]


@njit(**_INNER)
def _e_diagonal(ilo_k, base, shift, k, ilo, L, WA, WB, WC, E2, a2, E1, b1, c1, out, o, B):
    """E on diagonal k, rows ilo .. ilo+L-1, into out[o:]: each cell sums its successors'
    E weighted by their soft-min weights: (i+1, j+1) at E2[a2:] (diagonal k+2), (i+1, j) at
    E1[b1:] and (i, j+1) at E1[c1:] (diagonal k+1); the weights are in the compact layout
    shifted by ``shift`` cells (:func:`forward_range`)."""
    nb = np.uint64(B)
    w2 = np.uint64((base[k + 2] - shift + 1 - ilo_k[k + 2] + ilo + 1) * B)
    w1 = np.uint64((base[k + 1] - shift + 1 - ilo_k[k + 1] + ilo) * B)
    tiny = pick(WA[0], _TINY_E, _TINY_32)
    zero = like(WA[0], 0.0)
    for u in range(np.uint64(L * B)):
        e = WA[w2 + u] * E2[a2 + u] + WB[w1 + nb + u] * E1[b1 + u] + WC[w1 + u] * E1[c1 + u]
        out[o + u] = e if e > tiny else zero


@njit(**_FLAGS)
def backward(n, m, ilo_k, ihi_k, base, WA, WB, WC, Ed, Yrt, rs, eyt, B):
    """Expected alignment: e_ij = Σ_successors w e_successor, diagonal by diagonal from (n, m).

    ``Ed`` receives E in the compact layout; pass an empty ``Ed`` when only the statistics
    are wanted: E then lives in three rolling rows, like R in the forward pass, which keeps
    a quarter of the memory traffic (and of the cache footprint) out of the pass.

    When ``rs`` has n B entries, each diagonal's E is also folded, while still in cache, into
    ``rs[(i-1) B + b] += Σ_j e_ij`` and ``eyt[t, (i-1) B + b] += Σ_j e_ij y_jt`` (lane b; Yrt
    as in :func:`forward_lanes`): the statistics of the squared-Euclidean gradient
    ``2 (rs ⊙ x - ey)`` and of the majorisation step ``ey / rs``.
    """
    stats = rs.shape[0] == n * B
    keep = Ed.shape[0] > 0
    nb = np.uint64(B)
    # E on diagonals k+2, k+1 and k: compact (all three in Ed) or rolling rows i B + b
    e2 = np.zeros(0 if keep else (n + 2) * B, dtype=WA.dtype)
    e1 = np.zeros(0 if keep else (n + 2) * B, dtype=WA.dtype)
    cur = np.zeros(0 if keep else (n + 2) * B, dtype=WA.dtype)
    if keep:
        last = base[n + m] * B
        for p in range(last, base[n + m + 2] * B):
            Ed[p] = 0.0
        for b in range(B):
            Ed[last + B + b] = 1.0  # cell (n, m): the only row on the last diagonal
        if stats:
            _row_statistics(Yrt, m, n + m, n, n, last + B, Ed, rs, eyt, B)
    else:
        for b in range(B):
            e1[n * B + b] = 1.0
        if stats:
            _row_statistics(Yrt, m, n + m, n, n, n * B, e1, rs, eyt, B)
    for k in range(n + m - 1, 1, -1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        s = np.uint64((ilo - 1) * B)
        if keep:  # zero pads around the diagonal, then E at o, successors at s2 / s1
            p = base[k] * B
            for b in range(B):
                Ed[p + b] = 0.0
            if L <= 0:
                continue
            for b in range((L + 1) * B, (L + 2) * B):
                Ed[p + b] = 0.0
            E2, E1, out = Ed, Ed, Ed
            a2 = np.uint64((base[k + 2] + 1 - ilo_k[k + 2] + ilo + 1) * B)
            c1 = np.uint64((base[k + 1] + 1 - ilo_k[k + 1] + ilo) * B)
            o = np.uint64(p + B)
        else:  # rows i+1 and i of the two previous diagonals; fence this one with zeros
            for b in range(B):
                cur[(ilo - 1) * B + b] = 0.0
                cur[(ihi + 1) * B + b] = 0.0
            E2, E1, out = e2, e1, cur
            a2 = s + nb + nb
            c1 = s + nb
            o = s + nb
        if L > 0:
            # successor (i+1, j+1) on diagonal k+2, (i+1, j) and (i, j+1) on diagonal k+1;
            # their weights are in the compact layout whichever way E is kept
            b1 = a2 if not keep else c1 + nb
            _e_diagonal(ilo_k, base, 0, k, ilo, L, WA, WB, WC, E2, a2, E1, b1, c1, out, o, B)
            if stats:
                _row_statistics(Yrt, m, k, ilo, ihi, o, out, rs, eyt, B)
        if not keep:
            e2, e1, cur = e1, cur, e2


#: Columns per block of :func:`scatter` (its diagonals' lines stay in the L1 cache)
_SCATTER_COLUMNS = 256


@njit(**_FLAGS)
def scatter(n, m, ilo_k, ihi_k, base, Ed, E):
    """Compact layout -> (n, m) matrix (cells outside the band untouched).

    A diagonal of the compact layout is an anti-diagonal of E: written diagonal by
    diagonal, each entry of E lands in another cache line, at ~2 ns an entry (as long as
    the backward pass in float32). So E is written row by row instead, each row's entry
    ``(i, j)`` gathered from diagonal ``i + j``, in blocks of :data:`_SCATTER_COLUMNS`
    columns: row i + 1 of a block reads the next entry of the diagonals row i read, which
    are still in the L1 cache. (Cells outside the band of row i are not read: ``ihi_k``
    is not needed.)
    """
    off = np.empty(n + m + 1, dtype=np.int64)  # diagonal k's row i is at Ed[off[k] + i]
    for k in range(2, n + m + 1):
        off[k] = base[k] + 1 - ilo_k[k]
    lo, hi = _row_limits(n, m, ilo_k, ihi_k)
    for j0 in range(0, m, _SCATTER_COLUMNS):
        j1 = min(j0 + _SCATTER_COLUMNS, m)
        for i in range(1, n + 1):
            for j in range(max(lo[i - 1], j0), min(hi[i - 1] + 1, j1)):  # j 0-based
                E[i - 1, j] = Ed[off[i + j + 1] + i]


@njit(**_FLAGS)
def _row_limits(n, m, ilo_k, ihi_k):
    """Each row's in-band columns (0-based, ``lo[i-1] .. hi[i-1]``) from the diagonals'
    row ranges: row i is on diagonal k exactly when ``ilo_k <= i <= ihi_k``."""
    lo = np.full(n, m, dtype=np.int64)
    hi = np.full(n, -1, dtype=np.int64)
    for k in range(2, n + m + 1):
        for i in (ilo_k[k], ihi_k[k]):
            if 1 <= i <= n and ilo_k[k] <= ihi_k[k]:
                lo[i - 1] = min(lo[i - 1], k - i - 1)
                hi[i - 1] = max(hi[i - 1], k - i - 1)
    return lo, hi


@njit(**_INNER)
def _absolute_row(Xt, Yrt, m, k, ilo, ihi, Ed, eo, Gt):
    """Gt[t, i-1] += e_ij sign(x_it - y_jt) over diagonal k (one lane; E at Ed[eo:])."""
    L = np.uint64(ihi - ilo + 1)
    e0 = np.uint64(eo)
    xo = np.uint64(ilo - 1)
    yo = np.uint64(m - k + ilo)
    for t in range(Xt.shape[0]):
        for u in range(L):
            diff = Xt[t, xo + u] - Yrt[t, yo + u]
            sgn = 1.0 if diff > 0 else (-1.0 if diff < 0 else 0.0)
            Gt[t, xo + u] += Ed[e0 + u] * sgn


@njit(**_FLAGS)
def absolute_jacobian_product(Xt, Yrt, n, m, ilo_k, ihi_k, base, Ed, Gt):
    """Gt (d, n) += Σ_j e_ij sign(x_i - y_j): (∂Δ/∂X)^T E for the absolute cost."""
    for k in range(2, n + m + 1):
        if ihi_k[k] >= ilo_k[k]:
            _absolute_row(Xt, Yrt, m, k, ilo_k[k], ihi_k[k], Ed, base[k] + 1, Gt)


@njit(**_INNER)
def _block_row(k, ilo, ihi, e, S, fi, fj):
    """S[(i-1) // fi, (j-1) // fj] += e[i] over diagonal k (j = k - i), without divisions
    in the loop: the block indices move by at most one per cell."""
    bi, ri = (ilo - 1) // fi, (ilo - 1) % fi
    bj, rj = (k - ilo - 1) // fj, (k - ilo - 1) % fj
    for i in range(ilo, ihi + 1):
        S[bi, bj] += e[i]
        ri += 1
        if ri == fi:
            ri = 0
            bi += 1
        rj -= 1
        if rj < 0:
            rj = fj - 1
            bj -= 1


@njit(**_FLAGS)
def backward_rolling(n, m, ilo_k, ihi_k, base, shift, k_hi, k_lo, WA, WB, WC, e2, e1, cur,
                     Xt, Yrt, rs, eyt, Gt, E, S, fi, fj):
    """E on diagonals ``k_hi`` down to ``k_lo`` of one problem (B = 1) in three rolling rows
    (``e2``, ``e1``: E on diagonals k_hi+2 and k_hi+1, indexed by row i, zeros when
    ``k_hi = n + m``, where E starts with ``e_nm = 1``; ``cur`` scratch),
    from the weights of diagonals ``k_lo+1 .. k_hi+2`` in the compact layout shifted by
    ``shift`` (:func:`forward_range`). Returns the rolled rows (E on k_lo+1, k_lo first).

    Each diagonal's E is folded, while in cache, into whatever is asked for (an argument
    with no entries asks for nothing): the squared-Euclidean statistics ``rs``, ``eyt``
    (:func:`backward`), the absolute-cost product ``Gt`` (:func:`absolute_jacobian_product`),
    the dense ``E`` (n, m), and block sums ``S[(i-1) // fi, (j-1) // fj] += e_ij``.
    """
    stats = rs.shape[0] == n
    absolute = Gt.shape[0] > 0
    dense = E.shape[0] == n
    blocks = S.shape[0] > 0
    for k in range(k_hi, k_lo - 1, -1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        cur[ilo - 1] = 0.0
        cur[ihi + 1] = 0.0
        if L > 0:
            s = np.uint64(ilo - 1)
            if k == n + m:  # cell (n, m), the only one on its diagonal: e_nm = 1
                cur[n] = 1.0
            else:
                _e_diagonal(ilo_k, base, shift, k, ilo, L, WA, WB, WC, e2, s + 2, e1, s + 2,
                            s + 1, cur, s + 1, 1)
            if stats:
                _row_statistics(Yrt, m, k, ilo, ihi, ilo, cur, rs, eyt, 1)
            if absolute:
                _absolute_row(Xt, Yrt, m, k, ilo, ihi, cur, ilo, Gt)
            if dense:
                for i in range(ilo, ihi + 1):
                    E[i - 1, k - i - 1] = cur[i]
            if blocks:
                _block_row(k, ilo, ihi, cur, S, fi, fj)
        e2, e1, cur = e1, cur, e2
    return e2, e1, cur


# --------------------------------------------------------------------------- tangents
#
# Forward mode through both recursions along a direction Z of Δ (Mensch & Blondel, 2018;
# :mod:`softdtw_core.second_order`), fused diagonal by diagonal with the passes above so
# that each diagonal's weights are reused from the L1 cache rather than read back from
# memory: predecessors p of a cell c with weights w_p,
#
#     ṙ_c = z_c + Σ_p w_p ṙ_p                                   (forward, with R)
#     ė_c = Σ_s (w ė_s - (w e_s / γ) (ṙ_c - (ṙ_s - z_s)))        (backward, with E)
#
# over the successors s of c (w: c's weight in s), so Ė = ∇²_Δ dtw_γ · Z. DILATE's
# direction Ω is filled diagonal by diagonal in the forward pass (``omega``).


@njit(**_FLAGS)
def gather(n, m, ilo_k, ihi_k, base, M, Z):
    """(n, m) matrix -> compact layout (B = 1, zero pads): the inverse of :func:`scatter`."""
    for q in range(base[n + m + 2]):
        Z[q] = 0.0
    for k in range(2, n + m + 1):
        off = base[k] + 1 - ilo_k[k]
        for i in range(ilo_k[k], ihi_k[k] + 1):
            Z[off + i] = M[i - 1, k - i - 1]


@njit(**_INNER)
def _zero_pads(A, p, L, B):
    """The pad cells on both sides of a diagonal of L cells at A[p] (all of it if L <= 0)."""
    for b in range(B):
        A[p + b] = 0.0
    for b in range((max(L, 0) + 1) * B, (max(L, 0) + 2) * B):
        A[p + b] = 0.0


@njit(**_INNER)
def _omega_row(Z, o, n, m, k, ilo, ihi, B):
    """Ω_ij = ((i - ½)/n - (j - ½)/m)² on diagonal k (j = k - i), all lanes, from Z[o]."""
    a = 1.0 / n + 1.0 / m
    c = -0.5 / n - (k - 0.5) / m
    if B == 1:  # the common case, as one vectorised loop
        for u in range(ihi - ilo + 1):
            t = a * (ilo + u) + c
            Z[o + u] = t * t
        return
    for i in range(ilo, ihi + 1):
        t = a * i + c
        for b in range(B):
            Z[o + (i - ilo) * B + b] = t * t


@njit(**_FLAGS)
def forward_tangent_lanes(Xt, Yrt, D, kind, n, m, gamma, lo, hi, ilo_k, ihi_k, base,
                          WA, WB, WC, Z, omega, Rd, B, out):
    """:func:`forward_lanes` (γ > 0) and the forward tangent ṙ along Z into ``Rd`` (compact).

    With ``omega`` the direction is DILATE's Ω, written into ``Z`` on the way; otherwise Z
    holds the direction (compact, zero pads: :func:`gather`).
    """
    prev2, prev1, cur, cost = _start(n, B, gamma)
    lse = np.empty((0, 0), dtype=WA.dtype)  # float64 weights: no scratch
    nb = np.uint64(B)
    for q in range(base[2] * B):  # diagonals 0 and 1: pads only (ṙ_00 = 0 and borders)
        Rd[q] = 0.0
        if omega:
            Z[q] = 0.0
    for k in range(2, n + m + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, cost, B)
        p = base[k] * B
        _zero_pads(WA, p, L, B)
        _zero_pads(WB, p, L, B)
        _zero_pads(WC, p, L, B)
        _zero_pads(Rd, p, L, B)
        if omega:
            _zero_pads(Z, p, L, B)
        if L > 0:
            _weights_row(prev2, prev1, cost, cur, WA, WB, WC, ilo, ihi, p + B, gamma, B, lse)
            o = np.uint64(p + B)
            if omega:
                _omega_row(Z, o, n, m, k, ilo, ihi, B)
            a2 = np.uint64((base[k - 2] + 1 - ilo_k[k - 2] + ilo - 1) * B)  # (i-1, j-1)
            c1 = np.uint64((base[k - 1] + 1 - ilo_k[k - 1] + ilo - 1) * B)  # (i-1, j)
            for u in range(np.uint64(L * B)):
                Rd[o + u] = (
                    Z[o + u]
                    + WA[o + u] * Rd[a2 + u]
                    + WB[o + u] * Rd[c1 + u]
                    + WC[o + u] * Rd[c1 + nb + u]  # (i, j-1)
                )
        _fence(cur, ilo, ihi, B)
        prev2, prev1, cur = prev1, cur, prev2
    for q in range(base[n + m + 1] * B, base[n + m + 2] * B):  # past the end: pads only
        WA[q] = 0.0
        WB[q] = 0.0
        WC[q] = 0.0
        Rd[q] = 0.0
        if omega:
            Z[q] = 0.0
    for b in range(B):
        out[b] = prev1[n * B + b]
    return out


@njit(**_FLAGS)
def backward_tangent_lanes(n, m, ilo_k, ihi_k, base, WA, WB, WC, Z, gamma, Rd, Ed, Edot,
                           Yrt, rs, eyt, rs_dot, eyt_dot, ez):
    """E (as :func:`backward`, kept in ``Ed``) and its tangent Ė along Z into ``Edot``, after
    :func:`forward_tangent_lanes`; |ė| below ``_TINY_E`` is flushed to 0 like E.

    When ``rs`` has n B entries, E and Ė are folded into their statistics (``rs``, ``eyt``
    and ``rs_dot``, ``eyt_dot``: :func:`backward`); ``ez[b]`` receives <E, Z> of lane b
    (B = len(ez)).
    """
    B = ez.shape[0]
    stats = rs.shape[0] == n * B
    nb = np.uint64(B)
    inv = 1.0 / gamma
    last = base[n + m] * B
    for q in range(last, base[n + m + 2] * B):
        Ed[q] = 0.0
        Edot[q] = 0.0  # ė_nm = 0: every path ends at (n, m)
    ezr = np.zeros(n * B)  # <E, Z> by row i and lane b, at (i-1) B + b
    for b in range(B):
        Ed[last + B + b] = 1.0
        ezr[(n - 1) * B + b] = Z[last + B + b]
    if stats:
        _row_statistics(Yrt, m, n + m, n, n, last + B, Ed, rs, eyt, B)
    for k in range(n + m - 1, 1, -1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        p = base[k] * B
        _zero_pads(Ed, p, L, B)
        _zero_pads(Edot, p, L, B)
        if L <= 0:
            continue
        o = np.uint64(p + B)
        s2 = np.uint64((base[k + 2] + 1 - ilo_k[k + 2] + ilo + 1) * B)  # (i+1, j+1)
        s1 = np.uint64((base[k + 1] + 1 - ilo_k[k + 1] + ilo) * B)  # (i, j+1); + B: (i+1, j)
        for u in range(np.uint64(L * B)):
            wa = WA[s2 + u]
            wb = WB[s1 + nb + u]
            wc = WC[s1 + u]
            ea = wa * Ed[s2 + u]
            eb = wb * Ed[s1 + nb + u]
            ec = wc * Ed[s1 + u]
            e = ea + eb + ec
            Ed[o + u] = e if e > _TINY_E else 0.0
            r = Rd[o + u]
            drift = (
                ea * (r - (Rd[s2 + u] - Z[s2 + u]))
                + eb * (r - (Rd[s1 + nb + u] - Z[s1 + nb + u]))
                + ec * (r - (Rd[s1 + u] - Z[s1 + u]))
            )
            t = wa * Edot[s2 + u] + wb * Edot[s1 + nb + u] + wc * Edot[s1 + u] - inv * drift
            Edot[o + u] = t if abs(t) > _TINY_E else 0.0
        xo = np.uint64((ilo - 1) * B)
        for u in range(np.uint64(L * B)):  # by row, as rs: no loop-carried sum
            ezr[xo + u] += Ed[o + u] * Z[o + u]
        if stats:
            _row_statistics(Yrt, m, k, ilo, ihi, o, Ed, rs, eyt, B)
            _row_statistics(Yrt, m, k, ilo, ihi, o, Edot, rs_dot, eyt_dot, B)
    for b in range(B):
        acc = 0.0
        for i in range(n):
            acc += ezr[i * B + b]
        ez[b] = acc


@njit(**_FLAGS)
def omega_dot(n, m, ilo_k, ihi_k, base, Ed):
    """<E, Ω> from E in the compact layout (B = 1), Ω of :func:`_omega_row` on the fly."""
    Z = np.empty(n + 2)
    acc = 0.0
    for k in range(2, n + m + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        if ihi < ilo:
            continue
        _omega_row(Z, 0, n, m, k, ilo, ihi, 1)
        o = base[k] + 1
        for u in range(ihi - ilo + 1):
            acc += Ed[o + u] * Z[u]
    return acc
