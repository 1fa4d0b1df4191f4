"""Figures of the Learn page *Bellman step-through*: R and E filled up to the current cell.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..logic import formatting
from .style import (
    E_SCALE,
    R_SCALE,
    f32,
    finish,
)

__all__ = [
    "CELL_FONT",
    "CELL_WIDTH",
    "cell_texts",
    "step_figure",
]


#: Font size of the numbers written in the cells.
CELL_FONT = 10
#: How many characters a cell's number takes (:func:`explorer.logic.formatting.compact`):
#: at most 3 significant digits, a compact exponent (``1e-5``) for tiny values.
CELL_WIDTH = 4


def cell_texts(M: np.ndarray) -> list[list[str]]:
    """Each cell of ``M`` as written in it: at most :data:`CELL_WIDTH` characters."""
    return [[formatting.compact(v, CELL_WIDTH) for v in row] for row in M]


def _colorbar(title: str, left: float) -> dict:
    """A horizontal colour bar under the subplot whose domain starts at ``left`` (paper
    coordinates): it takes no width from the cells and covers no axis title."""
    return {"title": {"text": title, "side": "top"}, "orientation": "h", "x": left,
            "xanchor": "left", "y": -0.13, "yanchor": "top", "len": 0.3, "thickness": 10}


def step_figure(R_shown: np.ndarray, E_shown: np.ndarray, *, cell=None, phase: str = "forward",
                r_range: tuple[float, float] | None = None,
                uirevision: str = "step") -> go.Figure:
    """Bellman step-through: R (with borders) and E side by side, filled so far.

    Cells not computed yet are NaN (drawn as empty grey cells). The current cell is outlined
    in cyan and the cells it reads in orange (its predecessors in the forward phase, its
    successors in the backward phase). ``r_range`` fixes R's colour scale (use the range of
    the finished table so that colours do not shift from step to step).
    """
    n1, m1 = R_shown.shape
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.07,
                        subplot_titles=("forward: DP table R", "backward: expected alignment E"))
    if r_range is None:
        finite_R = R_shown[np.isfinite(R_shown)]
        r_range = (float(finite_R.min()), float(finite_R.max())) if finite_R.size else (0, 1)
    if r_range[1] <= r_range[0]:
        r_range = (r_range[0], r_range[0] + 1.0)
    fig.add_trace(go.Heatmap(
        z=f32(R_shown), x=np.arange(m1), y=np.arange(n1), colorscale=R_SCALE,
        text=cell_texts(R_shown), texttemplate="%{text}", textfont={"size": CELL_FONT},
        xgap=1, ygap=1, zmin=float(r_range[0]), zmax=float(r_range[1]),
        colorbar=_colorbar("r_ij", 0.0),
        hovertemplate="i=%{y}, j=%{x}<br>r=%{z:.4g}<extra></extra>", name="R"), row=1, col=1)
    E_text = cell_texts(E_shown)
    fig.add_trace(go.Heatmap(
        z=f32(E_shown), x=np.arange(1, m1), y=np.arange(1, n1), colorscale=E_SCALE,
        zmin=0.0, zmax=1.0, text=E_text, texttemplate="%{text}", textfont={"size": CELL_FONT},
        xgap=1, ygap=1, colorbar=_colorbar("e_ij", 0.535),
        hovertemplate="i=%{y}, j=%{x}<br>e=%{z:.4g}<extra></extra>", name="E"), row=1, col=2)
    if cell is not None:
        i, j = cell
        if phase == "forward":
            others = [(i - 1, j - 1), (i - 1, j), (i, j - 1)]
            col = 1
        else:
            others = [(a, b) for a, b in ((i + 1, j + 1), (i + 1, j), (i, j + 1))
                      if a < n1 and b < m1]
            col = 2
        for (a, b), colour, width in [((p, q), "#ff9f1c", 2) for p, q in others] + [
            ((i, j), "#00e5ff", 3)
        ]:
            fig.add_shape(type="rect", x0=b - 0.5, x1=b + 0.5, y0=a - 0.5, y1=a + 0.5,
                          line={"color": colour, "width": width}, row=1, col=col)
    fig.update_yaxes(range=[n1 - 0.5, -0.5], title_text="i (x)", dtick=1, showgrid=False,
                     zeroline=False)
    fig.update_xaxes(range=[-0.5, m1 - 0.5], title_text="j (y)", dtick=1, showgrid=False,
                     zeroline=False)
    finish(fig, height=520, plot_bgcolor="#e9ecef", margin={"l": 10, "r": 10, "t": 40, "b": 90},
                      uirevision=uirevision, showlegend=False)
    return fig
