"""The cached entry points of the Learn page *Cost & DP table* (also drawn by *Bellman
step-through* and *Your data*'s pair view): the tables of a pair, its DTW path, the page's
figures.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import softdtw_core as sd
from explorer.logic import cost_table
from explorer.plots import cost_table as plots

from ..memo import LIMITS, cached

__all__ = [
    "cost_table_figures",
    "optimal_path",
    "tables",
]


@cached("tables")
def tables(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band) -> sd.SoftDTWTables:
    """Δ, R, local weights, E and the value (:func:`softdtw_core.soft_dtw_tables`)."""
    return sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)


@cached("optimal_path")
def optimal_path(x: np.ndarray, y: np.ndarray, cost: str, band):
    """:func:`explorer.logic.cost_table.optimal_path`: 0-based cells and the DTW value."""
    return cost_table.optimal_path(x, y, cost=cost, band=band)


@st.cache_resource(max_entries=LIMITS["cost_table_figures"].entries,
                   ttl=LIMITS["cost_table_figures"].ttl, show_spinner=False)
def cost_table_figures(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band,
                       show_path: bool, show_E: bool, cell: tuple[int, int]):
    """The Cost & DP table page's two figures (Δ with the margins, R), built once per view.

    Building them (``go.Figure`` validates every property) costs tens of milliseconds, their
    serialisation by ``st.plotly_chart`` two: every student opening the page with the same
    series and settings gets these same objects (``st.cache_resource``: shared, not copied,
    so never modify them; ``st.plotly_chart`` does not).
    """
    t = tables(x, y, gamma, cost, band)
    path, _ = optimal_path(x, y, cost, band)
    n, m = len(x), len(y)
    shown = path if show_path else None
    fig = plots.cost_figure(x, y, t.cost, path=shown, E=t.E if show_E else None,
                            selected=cell, cost_label="Δ", uirevision=f"cost-{n}-{m}")
    fig_r = plots.dp_table_figure(t.R, selected=cell, path=shown, uirevision=f"dp-{n}-{m}")
    return fig, fig_r
