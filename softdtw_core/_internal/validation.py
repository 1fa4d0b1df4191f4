"""Input validation and dataset layout shared by every public function of :mod:`softdtw_core`.

Every check raises :class:`ValueError` whose message names the argument, says what was
received and what is expected, so that the app can show it to a user verbatim. The other
modules import their checks from here, never from each other.

Layout: a series is validated into a C-contiguous float64 ``(length, d)`` array and a
dataset into a list of them (:func:`as_dataset`); :func:`given_without_d_axis` remembers
whether the caller's series had no d axis, so that :func:`output_series` can give results
back in the caller's layout.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from scipy import sparse

__all__ = [
    "BYTES_PER_CELL",
    "COST_CODES",
    "DEFAULT_MAX_CELLS",
    "as_cost_matrix",
    "as_dataset",
    "as_real_array",
    "as_series",
    "check_band",
    "check_block_size",
    "check_cells",
    "check_choice",
    "check_cost",
    "check_gamma",
    "check_int",
    "check_memory",
    "check_non_negative",
    "check_unit_interval",
    "check_pair",
    "check_weights",
    "given_without_d_axis",
    "median_length",
    "output_series",
]

DEFAULT_MAX_CELLS = 200_000_000
"""Default cap on the number of cells ``n * m`` of the functions that hold full ``n x m``
tables (their ``max_cells`` argument): about 9 GiB at 48 bytes per cell."""

DEFAULT_MEMORY_BUDGET = 2**28
"""Default budget in bytes (256 MiB) of the gradient and E functions' ``memory="auto"``:
past it they switch from full storage (every cell's soft-min weights, 24 bytes a cell, up
to about 3,300 x 3,300 cells) to the checkpointed backward pass, which keeps R on a few
anti-diagonals only. Full storage within the budget reuses a per-thread workspace from
call to call; past it, every call would fault in fresh memory (``benchmarks/bench_memory.py``
measures both modes at every size: past the budget they take about the same time)."""

#: The ``memory`` modes of the gradient and E functions.
MEMORY_MODES = ("auto", "full", "checkpoint")

#: Bytes held per cell by the full-table functions (cost, R, three local probabilities, E).
BYTES_PER_CELL = 8 * 6

#: The ground costs, each with the code the Numba kernels take as their ``kind`` argument.
COST_CODES = {"sqeuclidean": 0, "absolute": 1, "precomputed": 2}


def as_series(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a C-contiguous float64 array of shape ``(length, d)``.

    Accepts ``(length,)`` (univariate) or ``(length, d)`` array-likes.
    """
    arr = as_real_array(X, name, "a numeric array of shape (length,) or (length, d)")
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


def as_real_array(X, name: str, expected: str) -> np.ndarray:
    """``X`` as float64; refuses what is not real numbers, complex ones included (a cast
    would drop their imaginary part silently)."""
    if isinstance(X, np.ndarray) and X.dtype == np.float64:  # the common case, kept fast
        return X
    _refuse_sparse(X, name)
    try:
        arr = np.asarray(X)
        complex_data = np.iscomplexobj(arr)
        if not complex_data:
            return arr.astype(np.float64, copy=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be {expected}; it could not be converted to numbers ({exc})."
        ) from None
    raise ValueError(
        f"{name} must be {expected}; got complex numbers. Complex data not supported: pass "
        "the real part, the modulus or both as channels."
    )


def _refuse_sparse(X, name: str) -> None:
    if sparse.issparse(X):
        raise ValueError(
            f"{name} is a scipy sparse {type(X).__name__}; sparse input is not supported "
            f"(time series are dense): pass {name}.toarray()."
        )


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
    arr = as_real_array(D, name, "a numeric (n, m) cost matrix")
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
    """Validate a ground-cost name (a key of :data:`COST_CODES`)."""
    return check_choice(cost, tuple(COST_CODES), "cost")


def check_choice(value, choices, name: str) -> str:
    """Validate a string option against its allowed values."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def check_int(value, name: str, minimum: int = 1) -> int:
    """Validate an integer ``>= minimum`` (``bool`` is refused: ``True`` is not a count)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def check_non_negative(value, name: str) -> float:
    """Validate a finite real number ``>= 0`` (tolerances, step sizes, penalties)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number >= 0; got {value!r}.") from None
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return v


def check_unit_interval(value, name: str, meaning: str) -> float:
    """Validate a number in [0, 1]; ``meaning`` says what it weighs, for the message."""
    v = check_non_negative(value, name)
    if v > 1.0:
        raise ValueError(f"{name} ({meaning}) must be in [0, 1]; got {value!r}.")
    return v


def check_weights(weights, n_series: int, name: str = "weights") -> np.ndarray:
    """Per-series weights as a float array of length ``n_series``, all finite and > 0.

    ``None`` gives ``1 / n_series`` each.
    """
    if weights is None:
        return np.full(n_series, 1.0 / n_series)
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of positive numbers.") from None
    if w.ndim != 1 or w.shape[0] != n_series:
        raise ValueError(
            f"{name} must have one entry per series: expected shape ({n_series},), got "
            f"shape {w.shape}."
        )
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if np.any(w <= 0):
        k = int(np.argmin(w))
        raise ValueError(f"{name} must be > 0; {name}[{k}] = {float(w[k]):g}.")
    return w


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


def check_cells(n: int, m: int, max_cells, what: str, hint: str = "") -> None:
    """Refuse full-table computations that would exceed the cell budget (``hint``: one more
    way out, appended to the message)."""
    limit = DEFAULT_MAX_CELLS if max_cells is None else int(max_cells)
    cells = n * m
    if cells > limit:
        gib = cells * BYTES_PER_CELL / 2**30
        raise ValueError(
            f"{what} needs the full {n} x {m} table ({cells:,} cells, about {gib:.1f} GiB); "
            f"that exceeds max_cells={limit:,}. Shorten or downsample the series, use a band, "
            f"use the value-only soft_dtw (O(min(n, m)) memory), {hint}or raise max_cells."
        )


def check_memory(memory) -> tuple[str, int]:
    """``(mode, budget)`` from a ``memory`` argument: a mode of :data:`MEMORY_MODES`, or a
    budget in bytes (``"auto"`` with that budget instead of :data:`DEFAULT_MEMORY_BUDGET`)."""
    if isinstance(memory, str) and memory in MEMORY_MODES:
        return memory, DEFAULT_MEMORY_BUDGET
    if isinstance(memory, Integral) and not isinstance(memory, bool) and memory > 0:
        return "auto", int(memory)
    raise ValueError(
        f"memory must be 'auto', 'full', 'checkpoint' or a budget in bytes (a positive "
        f"integer, e.g. 2**30); got {memory!r}."
    )


def check_block_size(block_size) -> tuple[int, int]:
    """``(rows, columns)`` of the blocks E is averaged over: two integers >= 1."""
    if (
        not isinstance(block_size, (tuple, list))
        or len(block_size) != 2
        or not all(isinstance(b, Integral) and not isinstance(b, bool) and b >= 1
                   for b in block_size)
    ):
        raise ValueError(
            f"block_size must be two integers >= 1, the rows and columns of a block "
            f"(e.g. (40, 40)); got {block_size!r}."
        )
    return int(block_size[0]), int(block_size[1])


def as_dataset(data, name: str = "X") -> list[np.ndarray]:
    """A dataset as a list of validated ``(length, d)`` float64 series.

    Accepts a list/tuple of series (lengths may differ) or an array (or array-like, such as
    a pandas DataFrame) of shape ``(n_series, length)`` or ``(n_series, length, d)``.
    """
    _refuse_sparse(data, name)
    if not isinstance(data, (np.ndarray, list, tuple)) and hasattr(data, "__array__"):
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        if data.ndim not in (2, 3):
            hint = ""
            if data.ndim == 1:
                hint = " Reshape your data: a single series x is [x] or x[None, :]."
            raise ValueError(
                f"{name} must be a list of series or an array of shape (n_series, length) or "
                f"(n_series, length, d); got an array of shape {data.shape}.{hint}"
            )
        items = list(data)
    elif isinstance(data, (list, tuple)):
        items = list(data)
    else:
        raise ValueError(
            f"{name} must be a list of series or an (n_series, length[, d]) array; "
            f"got {type(data).__name__}."
        )
    if not items:
        raise ValueError(f"{name} is empty: it needs at least one series.")
    series = [as_series(s, f"{name}[{k}]") for k, s in enumerate(items)]
    d = series[0].shape[1]
    for k, s in enumerate(series):
        if s.shape[1] != d:
            raise ValueError(
                f"all series of {name} must have the same dimension d; {name}[0] has d={d} "
                f"but {name}[{k}] has d={s.shape[1]}."
            )
    return series


def given_without_d_axis(data) -> bool:
    """Whether every series of a dataset was given without a d axis (``(N, m)`` array or
    ``(m,)`` series): results computed from it are then returned without one too."""
    if isinstance(data, (list, tuple)):
        return all(np.ndim(s) == 1 for s in data)
    return np.asarray(data).ndim == 2


def output_series(Z, univariate: bool) -> np.ndarray:
    """A copy of the ``(n, d)`` result ``Z`` in the caller's layout: ``(n,)`` when
    ``univariate``."""
    Z = np.array(Z, dtype=np.float64, copy=True)
    return Z[:, 0] if univariate else Z


def median_length(lengths) -> int:
    """The median of series lengths: the default length of barycenters and k-means
    centres."""
    return max(1, int(round(float(np.median(lengths)))))
