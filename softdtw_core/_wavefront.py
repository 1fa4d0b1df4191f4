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


@njit(**_FLAGS)
def _diagonal_costs(Xt, Yrt, D, kind, k, m, ilo, ihi, out):
    """Costs of the cells (i, k-i), i in [ilo, ihi], into out[i].

    Loops run over 0-based slices: LLVM vectorises those, not offset index loops.
    """
    L = ihi - ilo + 1
    if L <= 0:
        return
    O = out[ilo : ihi + 1]
    if kind == 2:
        for u in range(L):
            i = ilo + u
            O[u] = D[i - 1, k - i - 1]
        return
    shift = m - k
    for t in range(Xt.shape[0]):
        xs = Xt[t, ilo - 1 : ihi]
        ys = Yrt[t, shift + ilo : shift + ihi + 1]
        if kind == 0:
            if t == 0:
                for u in range(L):
                    diff = xs[u] - ys[u]
                    O[u] = diff * diff
            else:
                for u in range(L):
                    diff = xs[u] - ys[u]
                    O[u] += diff * diff
        else:
            if t == 0:
                for u in range(L):
                    O[u] = abs(xs[u] - ys[u])
            else:
                for u in range(L):
                    O[u] += abs(xs[u] - ys[u])


@njit(**_FLAGS)
def _softmin_row(prev2, prev1, cost, cur, ilo, ihi, gamma):
    """cur[i] = cost[i] + min^γ(prev2[i-1], prev1[i-1], prev1[i]) for i in [ilo, ihi].

    The minimum contributes exp(0) = 1 exactly, so only the median and the maximum need
    an exp.
    """
    L = ihi - ilo + 1
    if L <= 0:
        return
    A = prev2[ilo - 1 : ihi]
    B = prev1[ilo - 1 : ihi]
    C = prev1[ilo : ihi + 1]
    Co = cost[ilo : ihi + 1]
    O = cur[ilo : ihi + 1]
    if gamma == 0.0:
        for u in range(L):
            a = A[u]
            b = B[u]
            c = C[u]
            mn = a if a < b else b
            mn = mn if mn < c else c
            O[u] = Co[u] + mn
        return
    inv = 1.0 / gamma
    for u in range(L):
        a = A[u]
        b = B[u]
        c = C[u]
        lo_ab = a if a < b else b
        hi_ab = b if a < b else a
        mn = lo_ab if lo_ab < c else c
        mx = hi_ab if hi_ab > c else c
        md = hi_ab if hi_ab < c else (lo_ab if lo_ab > c else c)
        s = 1.0 + exp_nonpositive((mn - md) * inv) + exp_nonpositive((mn - mx) * inv)
        O[u] = Co[u] + mn - gamma * log_1_to_3(s)


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
def _weights_row(prev2, prev1, cost, cur, wa, wb, wc, L, gamma):
    """As :func:`_softmin_row` on 0-based slices, also storing the three soft-min weights."""
    A = prev2
    B = prev1[:L]
    C = prev1[1 : L + 1]
    if gamma == 0.0:  # weight 1 on the minimiser; ties: diagonal, then up, then left
        for u in range(L):
            a = A[u]
            b = B[u]
            c = C[u]
            mn = a if a < b else b
            mn = mn if mn < c else c
            fa = 1.0 if a == mn else 0.0
            fb = (1.0 - fa) if b == mn else 0.0
            wa[u] = fa
            wb[u] = fb
            wc[u] = 1.0 - fa - fb
            cur[u] = cost[u] + mn
        return
    inv = 1.0 / gamma
    for u in range(L):
        a = A[u]
        b = B[u]
        c = C[u]
        lo_ab = a if a < b else b
        hi_ab = b if a < b else a
        mn = lo_ab if lo_ab < c else c
        mx = hi_ab if hi_ab > c else c
        md = hi_ab if hi_ab < c else (lo_ab if lo_ab > c else c)
        e_md = exp_nonpositive((mn - md) * inv)
        e_mx = exp_nonpositive((mn - mx) * inv)
        s = 1.0 + e_md + e_mx
        r = 1.0 / s
        wa[u] = (1.0 if a == mn else (e_md if a == md else e_mx)) * r
        wb[u] = (1.0 if b == mn else (e_md if b == md else e_mx)) * r
        wc[u] = (1.0 if c == mn else (e_md if c == md else e_mx)) * r
        cur[u] = cost[u] + mn - gamma * log_1_to_3(s)


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
            _weights_row(
                prev2[ilo - 1 : ihi],
                prev1[ilo - 1 : ihi + 1],
                cost[ilo : ihi + 1],
                cur[ilo : ihi + 1],
                WA[p + 1 : p + 1 + L],
                WB[p + 1 : p + 1 + L],
                WC[p + 1 : p + 1 + L],
                L,
                gamma,
            )
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
def _backward_row(out, wa2, e2, wb1, eb1, wc1, ec1, L):
    for u in range(L):
        out[u] = wa2[u] * e2[u] + wb1[u] * eb1[u] + wc1[u] * ec1[u]


@njit(**_FLAGS)
def backward(n, m, ilo_k, ihi_k, base, WA, WB, WC, Ed):
    """Expected alignment in compact layout: e_ij = Σ_successors w e_successor."""
    for p in range(base[n + m], base[n + m + 2]):
        Ed[p] = 0.0
    Ed[base[n + m] + 1] = 1.0  # cell (n, m): the only row on the last diagonal
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
        s2 = base[k + 2] + 1 - ilo_k[k + 2] + ilo + 1
        s1 = base[k + 1] + 1 - ilo_k[k + 1] + ilo
        _backward_row(
            Ed[p + 1 : p + 1 + L],
            WA[s2 : s2 + L],
            Ed[s2 : s2 + L],
            WB[s1 + 1 : s1 + 1 + L],
            Ed[s1 + 1 : s1 + 1 + L],
            WC[s1 : s1 + L],
            Ed[s1 : s1 + L],
            L,
        )


@njit(**_FLAGS)
def scatter(n, m, ilo_k, ihi_k, base, Ed, E):
    """Compact layout -> (n, m) matrix (cells outside the band untouched)."""
    for k in range(2, n + m + 1):
        off = base[k] + 1 - ilo_k[k]
        for i in range(ilo_k[k], ihi_k[k] + 1):
            E[i - 1, k - i - 1] = Ed[off + i]


@njit(**_FLAGS)
def jacobian_product(Xt, Yrt, kind, n, m, ilo_k, ihi_k, base, Ed, Gt):
    """Gt (d, n) += (∂Δ/∂X)^T E, reading E in compact layout (kind 0 or 1)."""
    for k in range(2, n + m + 1):
        ilo = ilo_k[k]
        ihi = ihi_k[k]
        L = ihi - ilo + 1
        if L <= 0:
            continue
        e = Ed[base[k] + 1 : base[k] + 1 + L]
        shift = m - k
        for t in range(Xt.shape[0]):
            xs = Xt[t, ilo - 1 : ihi]
            ys = Yrt[t, shift + ilo : shift + ihi + 1]
            gs = Gt[t, ilo - 1 : ihi]
            if kind == 0:
                for u in range(L):
                    gs[u] += 2.0 * e[u] * (xs[u] - ys[u])
            else:
                for u in range(L):
                    diff = xs[u] - ys[u]
                    sgn = 1.0 if diff > 0 else (-1.0 if diff < 0 else 0.0)
                    gs[u] += e[u] * sgn
