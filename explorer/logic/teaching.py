"""Pure computations behind the *Learn* pages (no Streamlit, no Plotly).

Indices follow the DP table ``R`` of :func:`softdtw_core.accumulated_cost`: cell ``(i, j)``
with ``1 <= i <= n``, ``1 <= j <= m`` is ``r_ij``; row 0 and column 0 are the borders
(``r_00 = 0``, the rest ``+inf``). Δ, E and the local weights are 0-based arrays, so
``Δ_ij`` is ``cost[i - 1, j - 1]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import softdtw_core as sd

from . import formatting

__all__ = [
    "ENUM_MAX_PATHS",
    "MAX_STEP_LENGTH",
    "PRED_NAMES",
    "BackwardUpdate",
    "BellmanUpdate",
    "EnumerationCheck",
    "GammaSweep",
    "GammaFrames",
    "backward_update",
    "bellman_update",
    "block_average",
    "delannoy_text",
    "enumeration_check",
    "forward_cells",
    "frame_gammas",
    "gamma_frames",
    "gamma_sweep",
    "log_delannoy",
    "optimal_path",
    "softmin_curves",
    "step_tables",
    "sweep_gammas",
    "truncate",
]

MAX_STEP_LENGTH = 12
PRED_NAMES = ("diagonal", "up", "left")


# --------------------------------------------------------------------------- display helpers


def block_average(M: np.ndarray, max_size: int = 500):
    """Average ``M`` over blocks so that neither side exceeds ``max_size``.

    Non-finite entries (``±inf``, NaN) are ignored inside a block; an all-non-finite block
    gives NaN.

    Returns
    -------
    (small, rows, cols, factors)
        ``small`` (float64), the block-centre coordinates of its rows and columns in the
        original index units, and the block sizes ``(fi, fj)`` (``(1, 1)`` when unchanged).
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got shape {M.shape}")
    n, m = M.shape
    fi = max(1, math.ceil(n / max_size))
    fj = max(1, math.ceil(m / max_size))
    if fi == 1 and fj == 1:
        return M, np.arange(n, dtype=np.float64), np.arange(m, dtype=np.float64), (1, 1)
    ni, nj = math.ceil(n / fi), math.ceil(m / fj)
    padded = np.full((ni * fi, nj * fj), np.nan)
    finite = np.where(np.isfinite(M), M, np.nan)
    padded[:n, :m] = finite
    blocks = padded.reshape(ni, fi, nj, fj)
    count = np.sum(~np.isnan(blocks), axis=(1, 3))
    total = np.nansum(blocks, axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        small = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    rows = np.array([(k * fi + min(n, (k + 1) * fi) - 1) / 2 for k in range(ni)])
    cols = np.array([(k * fj + min(m, (k + 1) * fj) - 1) / 2 for k in range(nj)])
    return small, rows, cols, (fi, fj)


def truncate(x: np.ndarray, limit: int = MAX_STEP_LENGTH) -> tuple[np.ndarray, bool]:
    """The first ``limit`` points of a series, and whether anything was cut."""
    x = np.asarray(x)
    return x[:limit], len(x) > limit


def log_delannoy(n: int, m: int) -> float:
    """``log Delannoy(n - 1, m - 1)``, the log of the number of alignments (exact for big n)."""
    return math.log(sd.delannoy(n - 1, m - 1))


def delannoy_text(n: int, m: int) -> str:
    """Number of alignment paths of lengths n and m, readable (exact when short)."""
    return formatting.count(sd.delannoy(n - 1, m - 1))


def optimal_path(x, y, *, cost="sqeuclidean", band=None) -> tuple[list[tuple[int, int]], float]:
    """An optimal DTW path (0-based cells, as plain int pairs) and the DTW value."""
    value, path = sd.dtw_path(x, y, cost=cost, band=band)
    return [tuple(map(int, c)) for c in path], float(value)


# --------------------------------------------------------------------------- Bellman updates


@dataclass(frozen=True)
class BellmanUpdate:
    """One forward Bellman update ``r_ij = Δ_ij + min^γ(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1})``."""

    i: int
    j: int
    cost: float
    predecessors: tuple[tuple[int, int], ...]
    values: tuple[float, float, float]
    weights: tuple[float, float, float]
    softmin: float
    result: float
    in_band: bool


@dataclass(frozen=True)
class BackwardUpdate:
    """One backward update ``e_ij = Σ_k w_k e_k`` over the successors of cell (i, j)."""

    i: int
    j: int
    successors: tuple[tuple[int, int], ...]
    weights: tuple[float, float, float]
    values: tuple[float, float, float]
    result: float


def bellman_update(tables: sd.SoftDTWTables, i: int, j: int, gamma: float) -> BellmanUpdate:
    """The forward update of cell (i, j) (1-based R indices) read from the core's tables.

    The soft-min is recomputed with :func:`softdtw_core.softmin` from the three predecessor
    values, so ``result`` checks the table: ``result == R[i, j]`` up to rounding.
    """
    n, m = tables.cost.shape
    if not (1 <= i <= n and 1 <= j <= m):
        raise ValueError(f"cell ({i}, {j}) is outside the table: need 1 <= i <= {n}, 1 <= j <= {m}")
    R = tables.R
    preds = ((i - 1, j - 1), (i - 1, j), (i, j - 1))
    values = tuple(float(R[a, b]) for a, b in preds)
    cost = float(tables.cost[i - 1, j - 1])
    in_band = bool(np.isfinite(R[i, j]))
    if np.all(np.isinf(values)):
        return BellmanUpdate(i, j, cost, preds, values, (0.0, 0.0, 0.0), np.inf, np.inf, in_band)
    smin = float(sd.softmin(np.array(values), gamma))
    weights = tuple(float(w) for w in sd.softmin_weights(np.array(values), gamma))
    result = cost + smin if in_band else np.inf
    if not in_band:
        weights = (0.0, 0.0, 0.0)
    return BellmanUpdate(i, j, cost, preds, values, weights, smin, result, in_band)


def backward_update(tables: sd.SoftDTWTables, i: int, j: int) -> BackwardUpdate:
    """The backward update of cell (i, j) (1-based) of the expected alignment E.

    ``e_ij = w^diag_{i+1,j+1} e_{i+1,j+1} + w^up_{i+1,j} e_{i+1,j} + w^left_{i,j+1} e_{i,j+1}``
    with the local soft-min weights stored by the forward pass (``e_nm = 1``).
    """
    n, m = tables.cost.shape
    if not (1 <= i <= n and 1 <= j <= m):
        raise ValueError(f"cell ({i}, {j}) is outside the table: need 1 <= i <= {n}, 1 <= j <= {m}")
    W, E = tables.weights, tables.E
    succ = ((i + 1, j + 1), (i + 1, j), (i, j + 1))
    weights, values = [], []
    for k, (a, b) in enumerate(succ):
        if a <= n and b <= m:
            weights.append(float(W[a - 1, b - 1, k]))
            values.append(float(E[a - 1, b - 1]))
        else:
            weights.append(0.0)
            values.append(0.0)
    if i == n and j == m:
        result = 1.0
    else:
        result = float(sum(w * v for w, v in zip(weights, values)))
    return BackwardUpdate(i, j, succ, tuple(weights), tuple(values), result)


def forward_cells(tables: sd.SoftDTWTables) -> list[tuple[int, int]]:
    """Cells (1-based) visited by the forward recursion, in order (row by row, inside the band)."""
    n, m = tables.cost.shape
    R = tables.R
    return [(i, j) for i in range(1, n + 1) for j in range(1, m + 1) if np.isfinite(R[i, j])]


def step_tables(tables: sd.SoftDTWTables, step: int):
    """R and E as filled after ``step`` steps of the step-through.

    Steps ``1..F`` compute the forward cells in order, steps ``F+1..2F`` the backward cells in
    reverse order. Not yet computed cells are NaN; R keeps its borders.

    Returns
    -------
    (R_shown, E_shown, phase, cell)
        ``phase`` is ``"start"``, ``"forward"``, ``"backward"`` or ``"done"``; ``cell`` the
        (1-based) cell of the current step or ``None``.
    """
    cells = forward_cells(tables)
    F = len(cells)
    step = int(min(max(step, 0), 2 * F))
    n, m = tables.cost.shape
    R_shown = np.full((n + 1, m + 1), np.nan)
    R_shown[0, :] = np.inf
    R_shown[:, 0] = np.inf
    R_shown[0, 0] = 0.0
    E_shown = np.full((n, m), np.nan)
    outside = ~np.isfinite(tables.R[1:, 1:])
    R_shown[1:, 1:][outside] = np.inf
    E_shown[outside] = 0.0
    done_fwd = cells[: min(step, F)]
    for i, j in done_fwd:
        R_shown[i, j] = tables.R[i, j]
    done_bwd = cells[::-1][: max(0, step - F)]
    for i, j in done_bwd:
        E_shown[i - 1, j - 1] = tables.E[i - 1, j - 1]
    if step == 0:
        return R_shown, E_shown, "start", None
    if step <= F:
        return R_shown, E_shown, "forward", cells[step - 1]
    phase = "done" if step == 2 * F else "backward"
    return R_shown, E_shown, phase, cells[::-1][step - F - 1]


# --------------------------------------------------------------------------- min^γ


def softmin_curves(t: np.ndarray, centers, offsets, gamma: float):
    """Soft-min of the quadratics ``f_k(t) = (t - c_k)² + h_k``.

    Returns
    -------
    (F, soft, hard, weights)
        ``F`` the ``(K, len(t))`` quadratics, ``soft = min^γ_k f_k(t)``, ``hard = min_k f_k(t)``
        and the Gibbs weights ``(K, len(t))``.
    """
    t = np.asarray(t, dtype=np.float64)
    c = np.asarray(centers, dtype=np.float64)[:, None]
    h = np.asarray(offsets, dtype=np.float64)[:, None]
    F = (t[None, :] - c) ** 2 + h
    soft = np.asarray(sd.softmin(F, gamma, axis=0), dtype=np.float64)
    hard = F.min(axis=0)
    weights = np.asarray(sd.softmin_weights(F, gamma, axis=0), dtype=np.float64)
    return F, soft, hard, weights


# --------------------------------------------------------------------------- γ sweeps


def frame_gammas() -> np.ndarray:
    """γ values of the γ explorer's animation frames: 0, then 1, 2, 5 per decade 1e-3..1e2."""
    grid = [m * 10.0**e for e in range(-3, 2) for m in (1, 2, 5)] + [100.0]
    return np.array([0.0] + grid)


def sweep_gammas(count: int = 31) -> np.ndarray:
    """The γ explorer's curve grid: ``count`` log-spaced values from 1e-3 to 1e2."""
    return np.logspace(-3, 2, count)


@dataclass(frozen=True)
class GammaFrames:
    """E for each γ of :func:`frame_gammas`, reduced for display (float32 frames).

    ``rows`` and ``cols`` are the frames' block-centre coordinates and ``factors`` the block
    sizes (``(1, 1)`` when the frames are full size), as from :func:`block_average`.
    """

    gammas: np.ndarray
    frames: list[np.ndarray]
    rows: np.ndarray
    cols: np.ndarray
    factors: tuple[int, int]


def gamma_frames(x, y, *, cost="sqeuclidean", band=None, max_size: int = 200) -> GammaFrames:
    """E for each γ of :func:`frame_gammas`, block-averaged to at most ``max_size`` per side."""
    gammas = frame_gammas()
    frames = []
    rows = cols = None
    factors = (1, 1)
    for g in gammas:
        E = sd.soft_dtw_tables(x, y, float(g), cost=cost, band=band).E
        small, rows, cols, factors = block_average(E, max_size)
        frames.append(small.astype(np.float32))
    return GammaFrames(gammas, frames, rows, cols, factors)


@dataclass(frozen=True)
class GammaSweep:
    """Soft-DTW quantities over a grid of γ (all arrays aligned with ``gammas``)."""

    gammas: np.ndarray
    value: np.ndarray
    value_xx: np.ndarray
    value_yy: np.ndarray
    divergence: np.ndarray
    entropy: np.ndarray
    log_kga: np.ndarray
    dtw: float
    log_paths: float


def gamma_sweep(x, y, gammas, *, cost="sqeuclidean", band=None) -> GammaSweep:
    """dtw_γ, the self terms, the divergence, the path entropy and log k_GA over ``gammas``.

    ``gammas`` must be > 0. The divergence is built from the same three values, so
    ``divergence = value - (value_xx + value_yy) / 2`` exactly.
    """
    gammas = np.asarray(gammas, dtype=np.float64)
    if gammas.size == 0 or np.any(gammas <= 0):
        raise ValueError("gammas must be a non-empty array of positive values")
    dtw, _ = sd.dtw_path(x, y, cost=cost, band=band)
    value = np.empty_like(gammas)
    vxx = np.empty_like(gammas)
    vyy = np.empty_like(gammas)
    ent = np.empty_like(gammas)
    for k, g in enumerate(gammas):
        value[k] = sd.soft_dtw(x, y, g, cost=cost, band=band)
        vxx[k] = sd.soft_dtw(x, x, g, cost=cost, band=band)
        vyy[k] = sd.soft_dtw(y, y, g, cost=cost, band=band)
        ent[k] = sd.path_entropy(x, y, g, cost=cost, band=band)
    n, m = len(x), len(y)
    return GammaSweep(
        gammas=gammas,
        value=value,
        value_xx=vxx,
        value_yy=vyy,
        divergence=value - 0.5 * (vxx + vyy),
        entropy=ent,
        log_kga=-value / gammas,
        dtw=float(dtw),
        log_paths=log_delannoy(n, m),
    )


# --------------------------------------------------------------------------- enumeration check


@dataclass(frozen=True)
class EnumerationCheck:
    """The Gibbs expectation of the alignment by enumerating every path, against the DP."""

    n: int
    m: int
    truncated: bool
    n_paths: int
    E_enum: np.ndarray
    E_dp: np.ndarray
    value_enum: float
    value_dp: float
    max_abs_diff: float


ENUM_MAX_PATHS = 5_000


def enumeration_check(x, y, gamma, *, cost="sqeuclidean", band=None,
                      max_paths: int = ENUM_MAX_PATHS) -> EnumerationCheck:
    """Compare E from the DP with the Gibbs expectation over all enumerated paths.

    When the pair has more than ``max_paths`` alignments, both series are cut to the longest
    prefixes that keep the count within ``max_paths`` (the longer one is shortened first),
    and ``truncated`` is True.
    """
    n, m = len(x), len(y)
    truncated = False
    if sd.delannoy(n - 1, m - 1) > max_paths:
        truncated = True
        # Delannoy(11, 11) > 10^8: start the search there instead of at huge n, m
        n, m = min(n, 12), min(m, 12)
        while sd.delannoy(n - 1, m - 1) > max_paths:
            if n >= m and n > 1:
                n -= 1
            else:
                m -= 1
        x, y = x[:n], y[:m]
    band_used = band
    if band is not None:
        # a band that admitted the full pair may be too narrow for the prefixes
        try:
            sd.band_mask(n, m, band)
            sd.accumulated_cost(x, y, gamma, cost=cost, band=band)
        except ValueError:
            band_used = None
    enum = sd.brute_force_soft_dtw(x, y, gamma, cost=cost, band=band_used, max_paths=max_paths)
    tables = sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band_used)
    n_paths = int(len(enum.path_costs))
    return EnumerationCheck(
        n=n, m=m, truncated=truncated, n_paths=n_paths,
        E_enum=np.asarray(enum.E), E_dp=np.asarray(tables.E),
        value_enum=float(enum.value), value_dp=float(tables.value),
        max_abs_diff=float(np.max(np.abs(np.asarray(enum.E) - tables.E))),
    )
