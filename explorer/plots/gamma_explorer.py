"""Figures of the Learn page *γ explorer*: E for every γ as animation frames (scrubbed in
the browser), with the curves of soft-DTW along γ.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .style import (
    E_SCALE,
    X_COLOUR,
    f32,
    finish,
    frame_slider,
    legend_below,
    play_button,
)

__all__ = [
    "gamma_animation_figure",
    "with_active_frame",
]


def _frame_heatmap(E: np.ndarray, rows, cols) -> go.Heatmap:
    """One γ frame of E, its colour scale running from 0 to the frame's maximum."""
    E = np.asarray(E, dtype=np.float64)
    zmax = float(np.nanmax(E)) if np.isfinite(np.nanmax(E)) else 1.0
    return go.Heatmap(
        z=f32(E), x=cols, y=rows, colorscale=E_SCALE, zmin=0.0, zmax=max(zmax, 1e-12),
        colorbar={"title": {"text": "E (0 to frame max)", "side": "top"}, "orientation": "h",
                  "x": 0.215, "xanchor": "center", "y": 1.01, "yanchor": "bottom",
                  "len": 0.3, "thickness": 10},
        hovertemplate="i=%{y}, j=%{x}<br>E=%{z:.3g}<extra></extra>", name="E",
    )


def _add_gamma_curves(fig: go.Figure, sweep, mode: str):
    """The static curves over γ in the right-hand panels (rows 1–3 of column 2).

    Returns the top panel's curve and its γ → 0 limit (``None`` for the divergence, whose
    limit is not drawn), where the γ markers sit.
    """
    g = sweep.gammas
    ends = [float(g.min()), float(g.max())]
    if mode == "divergence":
        fig.add_trace(go.Scatter(x=g, y=sweep.divergence, mode="lines", name="D_γ(x, y)",
                                 line={"color": "#ff4b4b", "width": 2.5}), row=1, col=2)
        top_curve, top_limit = sweep.divergence, None
    else:
        fig.add_trace(go.Scatter(x=g, y=sweep.value, mode="lines", name="dtw_γ(x, y)",
                                 line={"color": "#ff4b4b", "width": 2.5}), row=1, col=2)
        fig.add_trace(go.Scatter(x=g, y=sweep.value_xx, mode="lines", name="dtw_γ(x, x)",
                                 line={"color": X_COLOUR, "width": 1.2, "dash": "dot"}),
                      row=1, col=2)
        fig.add_trace(go.Scatter(x=g, y=sweep.value_yy, mode="lines", name="dtw_γ(y, y)",
                                 line={"color": "#2ca02c", "width": 1.2, "dash": "dot"}),
                      row=1, col=2)
        fig.add_trace(go.Scatter(x=ends, y=[sweep.dtw, sweep.dtw],
                                 mode="lines", name="DTW (γ → 0 limit)",
                                 line={"color": "#444444", "dash": "dash"}), row=1, col=2)
        fig.add_trace(go.Scatter(x=ends, y=[0.0, 0.0], mode="lines",
                                 name="zero", showlegend=False,
                                 line={"color": "#999999", "width": 0.8}), row=1, col=2)
        top_curve, top_limit = sweep.value, sweep.dtw
    fig.add_trace(go.Scatter(x=g, y=sweep.entropy, mode="lines", name="H_γ",
                             line={"color": "#21918c", "width": 2.5}), row=2, col=2)
    fig.add_trace(go.Scatter(x=ends, y=[sweep.log_paths] * 2, mode="lines",
                             name="log #paths (max H)",
                             line={"color": "#444444", "dash": "dash"}), row=2, col=2)
    fig.add_trace(go.Scatter(x=g, y=sweep.log_kga, mode="lines", name="log k_GA",
                             line={"color": "#3b528b", "width": 2.5}), row=3, col=2)
    return top_curve, top_limit


def _gamma_markers(sweep, gamma: float, top_curve, top_limit) -> list[go.Scatter]:
    """One marker per curve panel at ``gamma`` (γ = 0 is drawn at the grid's left end,
    on the limits: DTW, zero entropy, and no log k_GA)."""
    g = sweep.gammas

    def on(values):
        return float(np.interp(np.log(gamma), np.log(g), values))

    if gamma > 0:
        gx, ys = gamma, (on(top_curve), on(sweep.entropy), on(sweep.log_kga))
    else:
        gx, ys = float(g.min()), (top_limit if top_limit is not None else 0.0, 0.0, None)
    marker = {"size": 11, "color": "#ff9f1c", "line": {"width": 1}}
    return [go.Scatter(x=[gx] if y is not None else [], y=[y] if y is not None else [],
                       mode="markers", showlegend=False, name="γ", marker=marker)
            for y in ys]


def gamma_animation_figure(
    E_frames: list[np.ndarray],
    frame_gammas,
    sweep,
    *,
    mode: str = "raw",
    active: int = 0,
    rows=None,
    cols=None,
    uirevision: str = "gamma",
) -> go.Figure:
    """E for each γ as animation frames + a Plotly slider, beside the curves over γ.

    Scrubbing the slider swaps frames in the browser (no server round trip). Each frame
    replaces the heatmap and moves one marker on each curve panel.

    Parameters
    ----------
    E_frames : list of (n, m) arrays, one per entry of ``frame_gammas`` (already reduced for
        display if needed)
    frame_gammas : γ of each frame (0 allowed: drawn at the left end of the log axis)
    sweep : :class:`explorer.logic.gamma_explorer.GammaSweep` on a finer grid (γ > 0)
    mode : "raw" (dtw_γ and its self terms) or "divergence"
    active : index of the frame shown first
    rows, cols : heatmap coordinates of the frames' rows and columns (block centres when
        the frames were block-averaged); default 0, 1, ...
    """
    frame_gammas = np.asarray(frame_gammas, dtype=np.float64)
    fig = make_subplots(
        rows=3, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.14,
        vertical_spacing=0.1,
        specs=[[{"rowspan": 3}, {}], [None, {}], [None, {}]],
        subplot_titles=("",
                        "soft-DTW divergence D_γ(x, y)" if mode == "divergence"
                        else "dtw_γ(x, y) vs γ, and the DTW limit",
                        "path entropy H_γ (nats)", "log k_GA = −dtw_γ / γ"),
    )
    fig.add_trace(_frame_heatmap(E_frames[active], rows, cols), row=1, col=1)
    top_curve, top_limit = _add_gamma_curves(fig, sweep, mode)

    def markers(k):
        return _gamma_markers(sweep, float(frame_gammas[k]), top_curve, top_limit)

    first_marker = len(fig.data)
    for r, tr in zip((1, 2, 3), markers(active)):
        fig.add_trace(tr, row=r, col=2)
    marker_idx = [first_marker, first_marker + 1, first_marker + 2]
    # frame traces carry no subplot: pin each marker to its panel's axes, or Plotly draws
    # them on the first axes (the heatmap) and stretches its range
    marker_axes = [(fig.data[i].xaxis, fig.data[i].yaxis) for i in marker_idx]

    def frame_markers(k):
        return [tr.update(xaxis=xa, yaxis=ya) for tr, (xa, ya) in zip(markers(k), marker_axes)]

    labels = ["0 (DTW)" if gm == 0 else formatting.number(gm) for gm in frame_gammas]
    fig.frames = [
        go.Frame(data=[_frame_heatmap(E_frames[k], rows, cols), *frame_markers(k)],
                 traces=[0, *marker_idx], name=labels[k])
        for k in range(len(frame_gammas))
    ]
    finish(
        fig,
        # under the plots, full width: the slider (room for its 17 labels) with the play
        # button at its left end, then the legend
        sliders=[frame_slider(labels, active, "γ = ", pad={"t": 0, "b": 0}, x=0.1, len=0.9,
                              y=-0.12, font={"size": 11})],
        updatemenus=[play_button("▶ play", 500, x=0.0, y=-0.12, xanchor="left",
                                 direction="left", pad={"t": 28})],
        height=780, margin={"l": 60, "r": 10, "t": 40, "b": 230}, uirevision=uirevision,
        legend={**legend_below(-0.31, 175), "font": {"size": 11}},
    )
    fig.update_yaxes(autorange="reversed", title_text="i (series x)", row=1, col=1)
    # the heatmap's x title as an annotation under its tick labels: as an axis title Plotly
    # draws it among them (a spanning subplot under a horizontal colour bar)
    domain = fig.layout.xaxis.domain
    fig.add_annotation(text="j (series y)", x=(domain[0] + domain[1]) / 2, y=0, xref="paper",
                       yref="paper", yanchor="top", yshift=-24, showarrow=False,
                       font={"size": 14})
    for r in (1, 2, 3):
        fig.update_xaxes(type="log", row=r, col=2, showticklabels=r == 3,
                         matches="x2" if r > 1 else None)
    fig.update_xaxes(title_text="γ (log scale)", title_standoff=4, row=3, col=2)
    return fig


def with_active_frame(fig: dict, k: int) -> dict:
    """Copy of an animated figure dict that opens on frame ``k`` (slider and traces).

    Lets the page cache the expensive figure once per data set and only move its starting
    frame when γ changes. ``fig`` is ``Figure.to_dict()`` output; it is not modified.
    """
    frames = fig.get("frames") or []
    if not 0 <= k < len(frames):
        raise ValueError(f"frame index {k} outside 0..{len(frames) - 1}")
    data = list(fig["data"])
    frame = frames[k]
    for idx, tr in zip(frame["traces"], frame["data"]):
        data[idx] = tr
    layout = dict(fig["layout"])
    sliders = [dict(sl) for sl in layout.get("sliders", [])]
    if sliders:
        sliders[0]["active"] = k
    layout["sliders"] = sliders
    return {"data": data, "layout": layout, "frames": frames}
