"""Computations of the Learn page *Cost & DP table* (no Streamlit, no Plotly).

Indices follow the DP table ``R`` of :func:`softdtw_core.accumulated_cost`: cell ``(i, j)``
with ``1 <= i <= n``, ``1 <= j <= m`` is ``r_ij``; row 0 and column 0 are the borders
(``r_00 = 0``, the rest ``+inf``). Δ, E and the local weights are 0-based arrays, so
``Δ_ij`` is ``cost[i - 1, j - 1]``. The tables themselves come from
:func:`softdtw_core.soft_dtw_tables`; a clicked cell's update is
:func:`explorer.logic.bellman.bellman_update`.

- :func:`optimal_path`: the DTW (γ → 0) path drawn over the tables, and its value.
"""

from __future__ import annotations

import softdtw_core as sd

__all__ = [
    "optimal_path",
]


def optimal_path(x, y, *, cost="sqeuclidean", band=None) -> tuple[list[tuple[int, int]], float]:
    """An optimal DTW path (0-based cells, as plain int pairs) and the DTW value."""
    value, path = sd.dtw_path(x, y, cost=cost, band=band)
    return [tuple(map(int, c)) for c in path], float(value)
