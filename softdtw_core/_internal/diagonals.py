"""The row-major kernels of :mod:`.dp` in NumPy, one anti-diagonal at a time.

:func:`forward_full` and :func:`backward` compute what ``dp._forward_full`` and
``dp._backward`` compute, to the last bit, without compiling anything: for use while Numba
compiles (:func:`softdtw_core.warmup.interpreted`).

The cells of an anti-diagonal ``i + j = k`` depend only on the two previous ones,

.. math::

    r_{ij} = \\Delta_{ij} + \\min{}^\\gamma(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1}), \\qquad
    e_{ij} = w^{(0)}_{i+1,j+1} e_{i+1,j+1} + w^{(1)}_{i+1,j} e_{i+1,j}
             + w^{(2)}_{i,j+1} e_{i,j+1},

so each diagonal is a handful of vector operations (about 40 µs for a diagonal of 100 cells,
where the kernels' Python code takes 10-20 µs a cell). Every operation is the kernel's, in
the kernel's order, each one correctly rounded in both; ``exp`` and ``log`` are the C
library's (:mod:`math`'s, which the compiled kernels call too; NumPy's vector ``exp`` may
differ by an ulp). A term the kernel skips (a neighbour outside the band or the table) is
an exact ``+0.0`` here, which changes no sum.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["backward", "forward_full"]


def _libm(f, v: np.ndarray) -> np.ndarray:
    """``f`` (:func:`math.exp` or :func:`math.log`) on each entry of ``v``."""
    return np.fromiter(map(f, v.tolist()), dtype=np.float64, count=v.size)


def _skewed(n: int, m: int, offset: int):
    """Index arrays ``(k, i)`` of the skewed layout for the cells ``(i, j)``, ``0 <= i < n``,
    ``0 <= j < m``: the cell sits at row ``i + offset`` of diagonal ``k = i + j + 2 offset``
    (offset 1: the 1-based cells of R, 0: those of E)."""
    i, j = np.indices((n, m))
    return i + j + 2 * offset, i + offset


def _band(n: int, m: int, lo, hi, offset: int) -> np.ndarray:
    """Skewed in-band mask, ``(n + m + 1, n + 1)``."""
    inside = np.zeros((n + m + 1, n + 1), dtype=bool)
    rows = np.zeros((n, m), dtype=bool)
    for r in range(n):
        rows[r, lo[r]:hi[r] + 1] = True
    inside[_skewed(n, m, offset)] = rows
    return inside


def forward_full(D, gamma, lo, hi, R, W) -> None:
    """``dp._forward_full``: R ((n+1) x (m+1)) and the weights W ((n, m, 3)) inside the band
    (W's other entries are set to zero)."""
    n, m = D.shape
    cells = _skewed(n, m, 1)
    Rs = np.full((n + m + 1, n + 1), np.inf)  # Rs[i + j, i] = R[i, j]
    Rs[0, 0] = 0.0
    Ds = np.zeros((n + m + 1, n + 1))
    Ds[cells] = D
    Ws = np.zeros((n + m + 1, n + 1, 3))
    inside = _band(n, m, lo, hi, 1)
    for k in range(2, n + m + 1):
        rows = slice(max(1, k - m), min(n, k - 1) + 1)  # R's rows i on diagonal i + j = k
        a = Rs[k - 2, rows.start - 1:rows.stop - 1]  # r[i-1, j-1]
        b = Rs[k - 1, rows.start - 1:rows.stop - 1]  # r[i-1, j]
        c = Rs[k - 1, rows]  # r[i, j-1]
        mn = np.minimum(a, np.minimum(b, c))
        live = inside[k, rows] & (mn != np.inf)  # unreachable: R = inf, zero weights
        a, b, c, mn, d = a[live], b[live], c[live], mn[live], Ds[k, rows][live]
        if gamma == 0.0:
            wa = np.where(a == mn, 1.0, 0.0)
            wb = np.where((b == mn) & (wa == 0.0), 1.0, 0.0)
            wc = 1.0 - wa - wb
            r = d + mn
        else:
            ea = _libm(math.exp, -(a - mn) / gamma)
            eb = _libm(math.exp, -(b - mn) / gamma)
            ec = _libm(math.exp, -(c - mn) / gamma)
            s = ea + eb + ec
            r = d + mn - gamma * _libm(math.log, s)
            wa, wb, wc = ea / s, eb / s, ec / s
        Rs[k, rows][live] = r
        w = Ws[k, rows]
        w[live, 0], w[live, 1], w[live, 2] = wa, wb, wc
    i, j = np.indices((n + 1, m + 1))
    R[:, :] = Rs[i + j, i]
    W[:, :, :] = Ws[cells]


def backward(W, lo, hi, E) -> None:
    """``dp._backward``: the expected alignment E (n x m) from the weights W of
    :func:`forward_full` (zero outside the band)."""
    n, m = E.shape
    cells = _skewed(n, m, 0)
    Ws = np.zeros((n + m + 1, n + 1, 3))  # Ws[i + j, i] = W[i, j]; zero past the table
    Ws[cells] = W
    Es = np.zeros((n + m + 1, n + 1))
    Es[n + m - 2, n - 1] = 1.0
    inside = _band(n, m, lo, hi, 0)
    for k in range(n + m - 3, -1, -1):  # 0-based diagonals i + j = k, the last cell's done
        lo_k, hi_k = max(0, k - m + 1), min(n - 1, k) + 1
        # the kernel's terms, in its order; a neighbour outside the band or the table has
        # E = 0: an exact +0.0
        t1 = Es[k + 2, lo_k + 1:hi_k + 1] * Ws[k + 2, lo_k + 1:hi_k + 1, 0]  # (i+1, j+1)
        t2 = Es[k + 1, lo_k + 1:hi_k + 1] * Ws[k + 1, lo_k + 1:hi_k + 1, 1]  # (i+1, j)
        t3 = Es[k + 1, lo_k:hi_k] * Ws[k + 1, lo_k:hi_k, 2]  # (i, j+1)
        Es[k, lo_k:hi_k] = np.where(inside[k, lo_k:hi_k], (t1 + t2) + t3, 0.0)
    E[:, :] = Es[cells]
