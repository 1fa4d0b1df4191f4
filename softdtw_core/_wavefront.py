"""Anti-diagonal (wavefront) kernels: the fast path for values, E and gradients.

Cells (i, j) with the same ``k = i + j`` do not depend on each other, so sweeping
anti-diagonals makes every inner loop free of loop-carried dependencies; with the
branch-free exp/log of :mod:`._fastmath` LLVM vectorises them. Conventions (1-based i, j):

- diagonal ``k`` holds the in-band rows ``i`` in ``[ilo_k, ihi_k]``; both ends are
  non-decreasing in k and move by at most one per diagonal;
- the rolling R buffers are indexed by row ``i`` and fenced with ``+inf`` just outside
  ``[ilo_k, ihi_k]``, which is all the next two diagonals read;
- the full passes store per-cell data diagonal by diagonal in a compact array, cell
  ``(k, i)`` at ``base[k] + 1 + i - ilo_k``, with one zero pad on each side of every diagonal
  so the backward pass reads its successors without bounds checks;
- ``Xt`` is X transposed ``(d, n)``; ``Yrt`` is Y reversed and transposed ``(d, m)`` so that
  column ``j = k - i`` is ``Yrt[:, m - k + i]`` and all accesses move forward with ``i``.

``kind``: 0 squared Euclidean on (X, Y), 1 absolute, 2 precomputed cost ``D`` (n, m).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._fastmath import exp_nonpositive, log_1_to_3

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})


@njit(**_FLAGS)
def diagonal_layout(n, m, lo, hi):
    """Row ranges and compact offsets of all anti-diagonals k = 0 .. n+m+1.

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


@njit(**_FLAGS)
def _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, out):
    """Costs of the cells (i, k-i), i in [ilo, ihi], into out[i]."""
    if ihi < ilo:
        return
    L = np.uint64(ihi - ilo + 1)
    oo = np.uint64(ilo)
    if kind == 2:
        for u in range(L):
            i = ilo + np.int64(u)
            out[oo + u] = D[i - 1, k - i - 1]
        return
    xo = np.uint64(ilo - 1)
    yo = np.uint64(m - k + ilo)  # >= 0: column k - i <= m
    for t in range(Xt.shape[0]):
        if kind == 0:
            if t == 0:
                for u in range(L):
                    diff = Xt[t, xo + u] - Yrt[t, yo + u]
                    out[oo + u] = diff * diff
            else:
                for u in range(L):
                    diff = Xt[t, xo + u] - Yrt[t, yo + u]
                    out[oo + u] += diff * diff
        else:
            if t == 0:
                for u in range(L):
                    out[oo + u] = abs(Xt[t, xo + u] - Yrt[t, yo + u])
            else:
                for u in range(L):
                    out[oo + u] += abs(Xt[t, xo + u] - Yrt[t, yo + u])


@njit(**_FLAGS)
def _softmin_row(prev2, prev1, cost, cur, ilo, ihi, gamma):
    """cur[i] = cost[i] + min^γ(prev2[i-1], prev1[i-1], prev1[i]) for i in [ilo, ihi].

    The minimum contributes exp(0) = 1 exactly, so only the median and the maximum need
    an exp. Unsigned offsets keep Numba from emitting negative-index wraparound checks,
    which would stop LLVM from vectorising (slicing would too, at a refcount per slice).
    """
    if ihi < ilo:
        return
    L = np.uint64(ihi - ilo + 1)
    s = np.uint64(ilo - 1)
    one = np.uint64(1)
    if gamma == 0.0:
        for u in range(L):
            i = s + u
            a = prev2[i]
            b = prev1[i]
            c = prev1[i + one]
            mn = _min3(a, b, c)
            cur[i + one] = cost[i + one] + mn
        return
    inv = 1.0 / gamma
    for u in range(L):
        i = s + u
        a = prev2[i]
        b = prev1[i]
        c = prev1[i + one]
        mn, md, mx = _order3(a, b, c)
        total = 1.0 + exp_nonpositive((mn - md) * inv) + exp_nonpositive((mn - mx) * inv)
        cur[i + one] = cost[i + one] + mn - gamma * log_1_to_3(total)


@njit(**_FLAGS)
def value(Xt, Yrt, D, kind, n, m, gamma, lo, hi):
    """dtw_γ with three rolling diagonals: O(n) memory (call with n <= m for the least)."""
    inf = np.inf
    prev2 = np.full(n + 2, inf)
    prev1 = np.full(n + 2, inf)
    cur = np.full(n + 2, inf)
    cost = np.zeros(n + 2)
    prev2[0] = 0.0
    ilo, ihi = 1, 0
    for k in range(2, n + m + 1):
        while ilo <= n and hi[ilo - 1] + ilo < k - 1:
            ilo += 1
        while ihi < n and lo[ihi] + ihi + 1 <= k - 1:
            ihi += 1
        _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, cost)
        _softmin_row(prev2, prev1, cost, cur, ilo, ihi, gamma)
        cur[ilo - 1] = inf
        cur[ihi + 1] = inf
        prev2, prev1, cur = prev1, cur, prev2
    return prev1[n]


@njit(**_FLAGS)
def _weights_row(prev2, prev1, cost, cur, WA, WB, WC, ilo, ihi, w0, gamma):
    """As :func:`_softmin_row`, also storing the three soft-min weights from WA[w0] on."""
    L = np.uint64(ihi - ilo + 1)
    s = np.uint64(ilo - 1)
    w = np.uint64(w0)
    one = np.uint64(1)
    if gamma == 0.0:  # weight 1 on the minimiser; ties: diagonal, then up, then left
        for u in range(L):
            i = s + u
            a = prev2[i]
            b = prev1[i]
            c = prev1[i + one]
            mn = _min3(a, b, c)
            fa = 1.0 if a == mn else 0.0
            fb = (1.0 - fa) if b == mn else 0.0
            WA[w + u] = fa
            WB[w + u] = fb
            WC[w + u] = 1.0 - fa - fb
            cur[i + one] = cost[i + one] + mn
        return
    inv = 1.0 / gamma
    for u in range(L):
        i = s + u
        a = prev2[i]
        b = prev1[i]
        c = prev1[i + one]
        mn, md, mx = _order3(a, b, c)
        e_md = exp_nonpositive((mn - md) * inv)
        e_mx = exp_nonpositive((mn - mx) * inv)
        total = 1.0 + e_md + e_mx
        r = 1.0 / total
        WA[w + u] = (1.0 if a == mn else (e_md if a == md else e_mx)) * r
        WB[w + u] = (1.0 if b == mn else (e_md if b == md else e_mx)) * r
        WC[w + u] = (1.0 if c == mn else (e_md if c == md else e_mx)) * r
        cur[i + one] = cost[i + one] + mn - gamma * log_1_to_3(total)


@njit(**_FLAGS)
def forward(Xt, Yrt, D, kind, n, m, gamma, lo, hi, ilo_k, ihi_k, base, WA, WB, WC):
    """dtw_γ, storing each cell's soft-min weights (diagonal, up, left) in compact layout."""
    inf = np.inf
    prev2 = np.full(n + 2, inf)
    prev1 = np.full(n + 2, inf)
    cur = np.full(n + 2, inf)
    cost = np.zeros(n + 2)
    prev2[0] = 0.0
    for k in range(2, n + m + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, cost)
        p = base[k]  # pad, then the L cells, then pad
        WA[p] = 0.0
        WB[p] = 0.0
        WC[p] = 0.0
        if L > 0:
            _weights_row(prev2, prev1, cost, cur, WA, WB, WC, ilo, ihi, p + 1, gamma)
        WA[p + L + 1] = 0.0
        WB[p + L + 1] = 0.0
        WC[p + L + 1] = 0.0
        cur[ilo - 1] = inf
        cur[ihi + 1] = inf
        prev2, prev1, cur = prev1, cur, prev2
    for q in range(base[n + m + 1], base[n + m + 2]):  # the diagonal past the end: pads only
        WA[q] = 0.0
        WB[q] = 0.0
        WC[q] = 0.0
    return prev1[n]


@njit(**_FLAGS)
def _row_statistics(Yrt, m, k, ilo, ihi, eo, Ed, coef, rs, eyt):
    """rs[i-1] += coef e_ij and eyt[:, i-1] += coef e_ij y_j over diagonal k (E at Ed[eo:])."""
    L = np.uint64(ihi - ilo + 1)
    xo = np.uint64(ilo - 1)
    yo = np.uint64(m - k + ilo)
    e0 = np.uint64(eo)
    for u in range(L):
        rs[xo + u] += coef * Ed[e0 + u]
    for t in range(Yrt.shape[0]):
        for u in range(L):
            eyt[t, xo + u] += coef * Ed[e0 + u] * Yrt[t, yo + u]


@njit(**_FLAGS)
def backward(n, m, ilo_k, ihi_k, base, WA, WB, WC, Ed, Yrt, coef, rs, eyt):
    """Expected alignment in compact layout: e_ij = Σ_successors w e_successor.

    When ``rs`` has n entries, each diagonal's E is also folded, while still in cache, into
    ``rs[i-1] += coef Σ_j e_ij`` and ``eyt[t, i-1] += coef Σ_j e_ij y_jt`` (Yrt as in
    :func:`forward`): the statistics of the squared-Euclidean gradient
    ``2 (rs ⊙ x - ey)`` and of the majorisation step ``ey / rs``.
    """
    stats = rs.shape[0] == n
    for p in range(base[n + m], base[n + m + 2]):
        Ed[p] = 0.0
    Ed[base[n + m] + 1] = 1.0  # cell (n, m): the only row on the last diagonal
    if stats:
        _row_statistics(Yrt, m, n + m, n, n, base[n + m] + 1, Ed, coef, rs, eyt)
    one = np.uint64(1)
    for k in range(n + m - 1, 1, -1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        p = base[k]
        Ed[p] = 0.0
        Ed[p + L + 1] = 0.0
        if L <= 0:
            continue
        # successor (i+1, j+1) on diagonal k+2, (i+1, j) and (i, j+1) on diagonal k+1
        s2 = np.uint64(base[k + 2] + 1 - ilo_k[k + 2] + ilo + 1)
        s1 = np.uint64(base[k + 1] + 1 - ilo_k[k + 1] + ilo)
        o = np.uint64(p + 1)
        for u in range(np.uint64(L)):
            Ed[o + u] = (
                WA[s2 + u] * Ed[s2 + u]
                + WB[s1 + one + u] * Ed[s1 + one + u]
                + WC[s1 + u] * Ed[s1 + u]
            )
        if stats:
            _row_statistics(Yrt, m, k, ilo, ihi, p + 1, Ed, coef, rs, eyt)


@njit(**_FLAGS)
def scatter(n, m, ilo_k, ihi_k, base, Ed, E):
    """Compact layout -> (n, m) matrix (cells outside the band untouched)."""
    for k in range(2, n + m + 1):
        off = base[k] + 1 - ilo_k[k]
        for i in range(ilo_k[k], ihi_k[k] + 1):
            E[i - 1, k - i - 1] = Ed[off + i]


@njit(**_FLAGS)
def absolute_jacobian_product(Xt, Yrt, n, m, ilo_k, ihi_k, base, Ed, Gt):
    """Gt (d, n) += Σ_j e_ij sign(x_i - y_j): (∂Δ/∂X)^T E for the absolute cost."""
    for k in range(2, n + m + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        if ihi < ilo:
            continue
        L = np.uint64(ihi - ilo + 1)
        eo = np.uint64(base[k] + 1)
        xo = np.uint64(ilo - 1)
        yo = np.uint64(m - k + ilo)
        for t in range(Xt.shape[0]):
            for u in range(L):
                diff = Xt[t, xo + u] - Yrt[t, yo + u]
                sgn = 1.0 if diff > 0 else (-1.0 if diff < 0 else 0.0)
                Gt[t, xo + u] += Ed[eo + u] * sgn
