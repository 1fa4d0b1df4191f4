"""Sakoe-Chiba band, rescaled to the diagonal when n != m.

A cell (i, j) (0-based) is inside the band of radius ``r`` when its distance to the line
from (0, 0) to (n-1, m-1), measured along the longer axis, is at most ``r``:

- ``m >= n``: ``|j - i (m-1)/(n-1)| <= r``;
- ``n > m``:  ``|i - j (n-1)/(m-1)| <= r``.

With a single row or column there is only one alignment and the band constrains nothing.
The band of each row is the interval ``lo[i] <= j <= hi[i]``; both bounds are
non-decreasing in i, and the kernels only ever visit those cells. A band too narrow to hold
any path from (0, 0) to (n-1, m-1) is refused, with the smallest radius that does.

References
----------
.. [1] H. Sakoe and S. Chiba, "Dynamic programming algorithm optimization for spoken word
   recognition", IEEE Transactions on Acoustics, Speech, and Signal Processing
   26(1):43-49, 1978.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "band_limits",
    "band_limits_checked",
    "band_mask",
    "minimal_radius",
]

_EPS = 1e-9  # keeps cells that sit exactly on the band's edge despite rounding


@njit(cache=True)
def band_limits(n, m, radius):
    """Per-row column limits of the band (a Numba function; no validation).

    Parameters
    ----------
    n, m : int
        Series lengths.
    radius : float
        Sakoe-Chiba radius; ``radius < 0`` means no band (every cell).

    Returns
    -------
    lo, hi : ndarray of int64, shape (n,)
        Row ``i`` holds the columns ``lo[i] <= j <= hi[i]`` (0-based, inclusive).
    """
    lo = np.zeros(n, dtype=np.int64)
    hi = np.full(n, m - 1, dtype=np.int64)
    if radius < 0 or n == 1 or m == 1:
        return lo, hi
    if m >= n:
        slope = (m - 1) / (n - 1)
        for i in range(n):
            c = i * slope
            lo[i] = max(0, int(math.ceil(c - radius - _EPS)))
            hi[i] = min(m - 1, int(math.floor(c + radius + _EPS)))
    else:
        slope = (n - 1) / (m - 1)
        for i in range(n):
            lo[i] = max(0, int(math.ceil((i - radius) / slope - _EPS)))
            hi[i] = min(m - 1, int(math.floor((i + radius) / slope + _EPS)))
    return lo, hi


@njit(cache=True)
def band_admits_path(lo, hi, m):
    """True when the band holds at least one alignment path from (0, 0) to (n-1, m-1)."""
    n = lo.shape[0]
    if lo[0] != 0 or hi[n - 1] != m - 1:
        return False
    for i in range(n):
        if lo[i] > hi[i]:
            return False
        if i + 1 < n and lo[i + 1] > hi[i] + 1:
            return False
    return True


def minimal_radius(n: int, m: int) -> float:
    """Smallest Sakoe-Chiba radius whose band admits a path (to 1e-3).

    Parameters
    ----------
    n, m : int
        Series lengths.

    Returns
    -------
    float
        The radius, rounded up to a multiple of 0.001.

    Examples
    --------
    >>> from softdtw_core.band import minimal_radius
    >>> minimal_radius(10, 10), minimal_radius(3, 9)
    (0.0, 2.0)
    """
    if band_admits_path(*band_limits(n, m, 0.0), m):
        return 0.0
    low, high = 0.0, float(max(n, m))
    for _ in range(60):
        mid = 0.5 * (low + high)
        lo, hi = band_limits(n, m, mid)
        if band_admits_path(lo, hi, m):
            high = mid
        else:
            low = mid
    return math.ceil(high * 1000) / 1000


def band_limits_checked(n: int, m: int, radius: float):
    """:func:`band_limits` that raises a clear ``ValueError`` when no path fits.

    Parameters
    ----------
    n, m : int
        Series lengths.
    radius : float
        Sakoe-Chiba radius (``< 0``: no band).

    Returns
    -------
    lo, hi : ndarray of int64, shape (n,)
        As in :func:`band_limits`.
    """
    lo, hi = band_limits(n, m, radius)
    if radius >= 0 and not band_admits_path(lo, hi, m):
        raise ValueError(
            f"band={radius:g} admits no alignment path for lengths n={n}, m={m}; "
            f"use a radius of at least {minimal_radius(n, m):g} (or band=None)."
        )
    return lo, hi


def band_mask(n: int, m: int, band=None) -> np.ndarray:
    """The cells inside a Sakoe-Chiba band.

    Parameters
    ----------
    n, m : int
        Series lengths.
    band : float or None
        Radius in time steps; ``None``: no band.

    Returns
    -------
    ndarray of bool, shape (n, m)
        True inside the band (everywhere for ``band=None``).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.band_mask(4, 6, band=1).astype(int)
    array([[1, 1, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0],
           [0, 0, 0, 1, 1, 0],
           [0, 0, 0, 0, 1, 1]])
    """
    from ._internal.validation import check_band

    lo, hi = band_limits(n, m, check_band(band))
    j = np.arange(m)[None, :]
    return (j >= lo[:, None]) & (j <= hi[:, None])
