"""Input validation shared by every public function of :mod:`softdtw_core`.

Every check raises :class:`ValueError` whose message names the argument, says what was
received and what is expected, so that the app can show it to a user verbatim.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

#: Default cap on the number of cells (n * m) of functions that hold full n x m tables.
DEFAULT_MAX_CELLS = 200_000_000

#: Bytes held per cell by the full-table functions (cost, R, three local probabilities, E).
BYTES_PER_CELL = 8 * 6

COSTS = ("sqeuclidean", "absolute", "precomputed")


def as_series(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a C-contiguous float64 array of shape ``(length, d)``.

    Accepts ``(length,)`` (univariate) or ``(length, d)`` array-likes.
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a numeric array of shape (length,) or (length, d); "
            f"it could not be converted to numbers ({exc})."
        ) from None
    if arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim != 2:
        raise ValueError(
            f"{name} must have shape (length,) or (length, d); got an array with "
            f"{arr.ndim} dimensions and shape {arr.shape}."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: a series needs at least one time step.")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has shape {arr.shape}: each time step needs at least one value.")
    _check_finite(arr, name)
    return np.ascontiguousarray(arr)


def _check_finite(arr: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(bad)[0]
        kind = "NaN" if np.isnan(arr[tuple(where)]) else "an infinite value"
        raise ValueError(
            f"{name} contains {kind} at index {tuple(int(w) for w in where)} "
            f"({int(bad.sum())} non-finite entries in all); remove or interpolate them first."
        )


def as_cost_matrix(D, name: str = "D") -> np.ndarray:
    """Return a precomputed cost matrix as a C-contiguous float64 ``(n, m)`` array."""
    try:
        arr = np.asarray(D, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric (n, m) cost matrix ({exc}).") from None
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D cost matrix of shape (n, m); got shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs n >= 1 and m >= 1.")
    _check_finite(arr, name)
    return np.ascontiguousarray(arr)


def check_pair(X, Y, names=("X", "Y")):
    """Validate two series and check that they have the same dimension d."""
    X = as_series(X, names[0])
    Y = as_series(Y, names[1])
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same dimension d; got "
            f"{names[0]} with d={X.shape[1]} (shape {X.shape}) and {names[1]} with "
            f"d={Y.shape[1]} (shape {Y.shape})."
        )
    return X, Y


def check_gamma(gamma, name: str = "gamma") -> float:
    """Validate the smoothing parameter: a finite real number >= 0."""
    if isinstance(gamma, bool) or not isinstance(gamma, (Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a real number >= 0; got {gamma!r}.")
    g = float(gamma)
    if not math.isfinite(g) or g < 0:
        raise ValueError(f"{name} must be a finite number >= 0 (0 gives hard DTW); got {gamma!r}.")
    return g


def check_cost(cost) -> str:
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(map(repr, COSTS))}; got {cost!r}.")
    return cost


def check_band(band) -> float:
    """Validate a Sakoe-Chiba radius; ``None`` means no band (returned as -1)."""
    if band is None:
        return -1.0
    if isinstance(band, bool) or not isinstance(band, (Real, np.floating, np.integer)):
        raise ValueError(
            f"band must be None or a Sakoe-Chiba radius (a number >= 0, in time steps); "
            f"got {band!r}."
        )
    r = float(band)
    if not math.isfinite(r) or r < 0:
        raise ValueError(
            f"band must be None or a Sakoe-Chiba radius >= 0 (in time steps); got {band!r}."
        )
    return r


def check_cells(n: int, m: int, max_cells, what: str) -> None:
    """Refuse full-table computations that would exceed the cell budget."""
    limit = DEFAULT_MAX_CELLS if max_cells is None else int(max_cells)
    cells = n * m
    if cells > limit:
        gib = cells * BYTES_PER_CELL / 2**30
        raise ValueError(
            f"{what} needs the full {n} x {m} table ({cells:,} cells, about {gib:.1f} GiB); "
            f"that exceeds max_cells={limit:,}. Shorten or downsample the series, use a band, "
            f"use the value-only soft_dtw (O(min(n, m)) memory), or raise max_cells."
        )
