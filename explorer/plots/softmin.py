"""Figures of the Learn page *min^γ*: the soft minimum of quadratics and of three numbers.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .style import (
    f32,
    finish,
    legend_below,
)

__all__ = [
    "softmin_quadratics_figure",
    "softmin_three_figure",
]


def softmin_quadratics_figure(t, F, soft_by_gamma: dict, hard, gamma_current: float,
                              uirevision: str = "quad") -> go.Figure:
    """Quadratics f_k (thin grey), their hard min (dashed) and min^γ for several γ.

    ``soft_by_gamma`` maps γ to the curve ``min^γ_k f_k(t)``; the curve of
    ``gamma_current`` is drawn thick.
    """
    fig = go.Figure()
    for k, f in enumerate(F):
        fig.add_trace(go.Scatter(x=f32(t), y=f32(f), mode="lines",
                                 line={"color": "rgba(128,128,128,0.6)", "width": 1},
                                 name=f"f_{k + 1}(t)", showlegend=k == 0,
                                 legendgroup="f"))
    fig.add_trace(go.Scatter(x=f32(t), y=f32(hard), mode="lines",
                             line={"color": "#444444", "dash": "dash", "width": 2},
                             name="min_k f_k (γ = 0)"))
    gammas = sorted(soft_by_gamma)
    palette = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
    for idx, g in enumerate(gammas):
        current = bool(np.isclose(g, gamma_current))
        fig.add_trace(go.Scatter(
            x=f32(t), y=f32(soft_by_gamma[g]), mode="lines",
            line={"color": "#ff4b4b" if current else palette[idx % len(palette)],
                  "width": 4 if current else 1.5},
            name=f"min^γ, γ = {formatting.number(g)}" + (" (sidebar)" if current else "")))
    finite = np.concatenate([np.asarray(v)[np.isfinite(v)] for v in soft_by_gamma.values()])
    lo = float(min(finite.min(), np.min(hard))) if finite.size else 0.0
    hi = float(np.max(F.min(axis=0))) + 2.0
    fig.update_yaxes(range=[lo - 0.3, hi], title_text="value")
    fig.update_xaxes(title_text="t")
    finish(fig, height=440, margin={"l": 10, "r": 10, "t": 10, "b": 10},
            uirevision=uirevision,
            legend=legend_below(-0.24))
    return fig


def softmin_three_figure(t, soft, hard, weights, b: float, c: float,
                         uirevision: str = "three") -> go.Figure:
    """min^γ(t, b, c) vs the hard min as t varies, with the three soft-min weights below."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38],
                        vertical_spacing=0.06)
    fig.add_trace(go.Scatter(x=f32(t), y=f32(hard), mode="lines",
                             line={"color": "#444444", "dash": "dash", "width": 2},
                             name="min(t, b, c)"), row=1, col=1)
    fig.add_trace(go.Scatter(x=f32(t), y=f32(soft), mode="lines",
                             line={"color": "#ff4b4b", "width": 3}, name="min^γ(t, b, c)"),
                  row=1, col=1)
    names = ("weight of t", "weight of b", "weight of c")
    colours = ("#1f77b4", "#2ca02c", "#9467bd")
    for k in range(3):
        fig.add_trace(go.Scatter(x=f32(t), y=f32(weights[k]), mode="lines",
                                 line={"color": colours[k], "width": 2}, name=names[k]),
                      row=2, col=1)
    fig.update_yaxes(title_text="value", row=1, col=1)
    fig.update_yaxes(title_text="weight", range=[-0.05, 1.05], row=2, col=1)
    fig.update_xaxes(title_text="t (first argument)", row=2, col=1)
    finish(fig, height=440, margin={"l": 10, "r": 10, "t": 10, "b": 10},
            uirevision=uirevision, legend=legend_below(-0.2, 150))
    return fig
