"""Computations of the Learn page *Cost & DP table* (no Streamlit, no Plotly).

Indices follow the DP table ``R`` of :func:`softdtw_core.accumulated_cost`: cell ``(i, j)``
with ``1 <= i <= n``, ``1 <= j <= m`` is ``r_ij``; row 0 and column 0 are the borders
(``r_00 = 0``, the rest ``+inf``). Δ, E and the local weights are 0-based arrays, so
``Δ_ij`` is ``cost[i - 1, j - 1]``. The tables themselves come from
:func:`softdtw_core.soft_dtw_tables`; a clicked cell's update is
:func:`explorer.logic.bellman.bellman_update`.

- :func:`optimal_path`: the DTW (γ → 0) path drawn over the tables, and its value.
- :func:`e_spread_text`: why E sits off A* (or on it), in this pair's numbers.
"""

from __future__ import annotations

import math

import numpy as np

import softdtw_core as sd

from . import formatting

__all__ = [
    "e_spread_text",
    "optimal_path",
]


def optimal_path(x, y, *, cost="sqeuclidean", band=None) -> tuple[list[tuple[int, int]], float]:
    """An optimal DTW path (0-based cells, as plain int pairs) and the DTW value."""
    value, path = sd.dtw_path(x, y, cost=cost, band=band)
    return [tuple(map(int, c)) for c in path], float(value)


def e_spread_text(t, path, dtw: float, gamma: float) -> str:
    r"""Why the expected alignment E sits where it does, in the numbers of this pair.

    E's mass off A* (``1 - Σ_{A*} E / Σ E``), the entropy of the Gibbs distribution over
    paths :math:`H = (\langle E, \Delta\rangle - \mathrm{dtw}_\gamma) / \gamma`, and γ
    next to ``c = dtw_0 / |A*|``, the typical cost of an aligned pair: a path costing γ more
    than A* keeps ``e^{-1} ≈ 37 %`` of its weight, so with γ large next to ``c`` many paths
    weigh almost as much as A* and E spreads.
    """
    number = formatting.number
    if gamma == 0:
        return "At γ = 0 (hard DTW), E is the optimal path A* itself (where it is unique)."
    E, cost = np.asarray(t.E), np.asarray(t.cost)
    finite = np.isfinite(cost) & (E > 0)
    rows, cols = zip(*path)
    off = 1.0 - float(E[list(rows), list(cols)].sum()) / float(E.sum())
    H = max(float((np.sum(E[finite] * cost[finite]) - t.value) / gamma), 0.0)
    c = dtw / len(path)
    text = (f"At γ = {number(gamma)}, E puts {off:.0%} of its mass off A*: the Gibbs "
            f"distribution over paths has an entropy of {number(H, 3)} nats, as much as "
            f"≈ {number(math.exp(min(H, 700.0)), 2)} equally likely paths. ")
    if c <= 0:
        return text + "A* costs 0 here: every other path costs more than γ allows to hide."
    ratio = gamma / c
    text += (f"γ is {number(ratio, 2)} × the typical cost of an aligned pair, dtw₀ / |A*| = "
             f"{number(c, 3)} (a path that costs γ more than A* keeps e⁻¹ ≈ 37 % of its "
             "weight). ")
    if ratio >= 0.3:
        return text + (f"With γ that large next to the costs along A*, many paths weigh almost "
                       f"as much as A*, so E spreads; E hugs A* once γ is well below that "
                       f"cost (try γ ≈ {number(c / 10, 1)}).")
    return text + "γ is small next to the costs along A*: E stays close to A*."
