r"""Computations of the Learn page *Bellman step-through* (no Streamlit, no Plotly).

Indices as in :mod:`explorer.logic.cost_table`: ``R`` is 1-based with its borders, Δ and E
0-based. The forward recursion
:math:`r_{ij} = \delta_{ij} + \min{}^\gamma(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1})` and the
backward one for :math:`E = \nabla_\Delta r_{nm}`, one cell at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import softdtw_core as sd

__all__ = [
    "MAX_STEP_LENGTH",
    "PRED_NAMES",
    "BackwardUpdate",
    "BellmanUpdate",
    "backward_update",
    "bellman_update",
    "forward_cells",
    "step_tables",
    "shorten",
]

MAX_STEP_LENGTH = 12
PRED_NAMES = ("diagonal", "up", "left")


def shorten(x: np.ndarray, limit: int = MAX_STEP_LENGTH) -> tuple[np.ndarray, bool]:
    """A series linearly resampled to ``limit`` points when it is longer, and whether it was.

    Resampling keeps the whole shape, where the first ``limit`` points are often flat (those
    of GunPoint: Δ ≈ 1e-5 in every cell, R only γ-log terms, E a blur).
    """
    x = np.asarray(x, dtype=np.float64)
    if len(x) <= limit:
        return x, False
    return np.asarray(sd.resample(x, limit), dtype=np.float64).reshape(limit, *x.shape[1:]), True


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
