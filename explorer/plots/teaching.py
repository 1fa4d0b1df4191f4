"""Figures of the *Learn* pages: cost matrix, DP table, Bellman steps, soft-min, γ animation.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit). The conventions (matrix
orientation, float32 payloads, block-averaged big matrices, explicit colour scales,
``uirevision``) are those of :mod:`explorer.plots.style`. Heatmap cells send no click
events, so clickable tables carry a near-transparent marker per cell (:func:`cell_overlay`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .style import (
    COST_SCALE,
    E_OVERLAY_SCALE,
    E_SCALE,
    PATH_COLOUR,
    R_SCALE,
    SERIES_COLOURS,
    X_COLOUR,
    Y_COLOUR,
    channel_of,
    display_matrix,
    f32,
    finish,
    frame_slider,
    n_channels,
    play_button,
    reduced_note,
)

__all__ = [
    "MAX_CLICK_POINTS",
    "MAX_NUMBERS",
    "cell_overlay",
    "click_stride",
    "cost_figure",
    "dp_table_figure",
    "gamma_animation_figure",
    "series_figure",
    "softmin_quadratics_figure",
    "softmin_three_figure",
    "step_figure",
    "with_active_frame",
]

MAX_NUMBERS = 31  # numbers are written in cells up to this many rows/columns (incl. borders)
MAX_CLICK_POINTS = 2_601  # 51×51: every cell clickable up to 50×50, strided beyond (SVG cost)


def _text(M: np.ndarray) -> list[list[str]]:
    return [[formatting.cell(v) for v in row] for row in M]


def click_stride(n: int, m: int, max_points: int = MAX_CLICK_POINTS) -> int:
    """Every how many cells :func:`cell_overlay` puts a clickable marker (1 = every cell)."""
    stride = 1
    while (n // stride + 1) * (m // stride + 1) > max_points:
        stride += 1
    return stride


def cell_overlay(n: int, m: int, *, offset: int = 0, max_points: int = MAX_CLICK_POINTS,
                 xaxis: str = "x", yaxis: str = "y") -> go.Scatter:
    """Near-transparent markers, one per cell (strided when there are more than ``max_points``).

    Heatmap cells send no selection events; these markers do. ``customdata`` holds the cell's
    (i, j) in 1-based DP-table indices; the marker sits at (j - 1 + offset, i - 1 + offset) in
    the heatmap's coordinates.
    """
    stride = click_stride(n, m, max_points)
    ii = np.arange(0, n, stride)
    jj = np.arange(0, m, stride)
    I, J = np.meshgrid(ii, jj, indexing="ij")
    I, J = I.ravel(), J.ravel()
    return go.Scatter(
        x=(J + offset).astype(np.int32),
        y=(I + offset).astype(np.int32),
        customdata=np.stack([I + 1, J + 1], axis=1).astype(np.int32),
        mode="markers",
        marker={"size": max(4, min(24, int(600 / max(n, m)))), "opacity": 0.01,
                "color": "#000000", "symbol": "square"},
        hoverinfo="none",
        showlegend=False,
        name="cells",
        xaxis=xaxis,
        yaxis=yaxis,
        meta={"stride": stride},
    )


def cost_figure(
    x: np.ndarray,
    y: np.ndarray,
    D: np.ndarray,
    *,
    path=None,
    E: np.ndarray | None = None,
    selected: tuple[int, int] | None = None,
    clickable: bool = True,
    cost_label: str = "Δ",
    uirevision: str = "cost",
    height: int = 620,
) -> go.Figure:
    """Δ heatmap with x down the left margin and y along the top, optional path/E/click layers.

    Parameters
    ----------
    x, y : (n,) / (n, d) and (m,) / (m, d) arrays
    D : (n, m) cost matrix
    path : list of (i, j) 0-based cells, optional (drawn as a line)
    E : (n, m) expected alignment, optional (semi-transparent overlay with its colour bar)
    selected : (i, j) 1-based cell to outline, optional
    clickable : add the transparent per-cell scatter used for click selection
    """
    n, m = D.shape
    fig = make_subplots(
        rows=2, cols=2, column_widths=[0.16, 0.84], row_heights=[0.18, 0.82],
        shared_xaxes="columns", shared_yaxes="rows",
        horizontal_spacing=0.012, vertical_spacing=0.015,
    )
    z, rows, cols, factors = display_matrix(D)
    fig.add_trace(
        go.Heatmap(
            z=z, x=cols, y=rows, colorscale=COST_SCALE, name=cost_label,
            colorbar={"title": {"text": cost_label}, "x": 1.0, "len": 0.8, "y": 0.41,
                      "thickness": 14},
            hovertemplate="i=%{y}, j=%{x}<br>" + cost_label + "=%{z:.4g}<extra></extra>",
        ),
        row=2, col=2,
    )
    if E is not None:
        ze, rows_e, cols_e, _ = display_matrix(E)
        fig.add_trace(
            go.Heatmap(
                z=ze, x=cols_e, y=rows_e, colorscale=E_OVERLAY_SCALE, zmin=0.0,
                zmax=float(max(np.nanmax(ze), 1e-12)), name="E",
                colorbar={"title": {"text": "E"}, "x": 1.09, "len": 0.8, "y": 0.41,
                          "thickness": 14},
                hovertemplate="i=%{y}, j=%{x}<br>E=%{z:.3g}<extra></extra>",
            ),
            row=2, col=2,
        )
    if path is not None and len(path):
        P = np.asarray(path)
        fig.add_trace(
            go.Scatter(
                x=P[:, 1].astype(np.int32), y=P[:, 0].astype(np.int32), mode="lines",
                line={"color": PATH_COLOUR, "width": 2.5}, name="optimal path A*",
                hoverinfo="skip", showlegend=True,
            ),
            row=2, col=2,
        )
    if clickable:
        overlay = cell_overlay(n, m)
        fig.add_trace(overlay, row=2, col=2)
    if selected is not None:
        i, j = selected
        fig.add_shape(type="rect", x0=j - 1.5, x1=j - 0.5, y0=i - 1.5, y1=i - 0.5,
                      line={"color": "#00e5ff", "width": 3}, row=2, col=2)
    # margins: x (rows) on the left, values to the left; y (columns) on top
    dx, dy = n_channels(x), n_channels(y)
    for k in range(dx):
        fig.add_trace(
            go.Scatter(x=f32(channel_of(x, k)), y=np.arange(n, dtype=np.int32), mode="lines",
                       line={"color": SERIES_COLOURS[k % 6] if dx > 1 else X_COLOUR,
                             "width": 1.5},
                       name=f"x (ch {k})" if dx > 1 else "x", showlegend=False,
                       hovertemplate="i=%{y}<br>x=%{x:.3g}<extra></extra>"),
            row=2, col=1,
        )
    for k in range(dy):
        fig.add_trace(
            go.Scatter(x=np.arange(m, dtype=np.int32), y=f32(channel_of(y, k)), mode="lines",
                       line={"color": SERIES_COLOURS[k % 6] if dy > 1 else Y_COLOUR,
                             "width": 1.5},
                       name=f"y (ch {k})" if dy > 1 else "y", showlegend=False,
                       hovertemplate="j=%{x}<br>y=%{y:.3g}<extra></extra>"),
            row=1, col=2,
        )
    fig.update_yaxes(autorange="reversed", row=2, col=2)
    fig.update_yaxes(autorange="reversed", row=2, col=1, title_text="i (series x)")
    fig.update_xaxes(autorange="reversed", row=2, col=1, showticklabels=False, title_text="x")
    fig.update_xaxes(row=2, col=2, title_text="j (series y)")
    fig.update_yaxes(row=1, col=2, showticklabels=False, title_text="y")
    fig.update_xaxes(row=1, col=2, showticklabels=False)
    fig.update_xaxes(visible=False, row=1, col=1)
    fig.update_yaxes(visible=False, row=1, col=1)
    note = reduced_note(factors, D.shape)
    finish(
        fig, height=height, margin={"l": 10, "r": 10, "t": 30, "b": 40},
        uirevision=uirevision, clickmode="event+select", dragmode="zoom",
        legend={"orientation": "h", "x": 0.16, "y": -0.08, "bgcolor": "rgba(128,128,128,0.25)"},
        plot_bgcolor="rgba(0,0,0,0)",
        meta={"reduced": note, "factors": list(factors)},
    )
    return fig


def dp_table_figure(
    R: np.ndarray,
    *,
    selected: tuple[int, int] | None = None,
    path=None,
    clickable: bool = True,
    numbers: bool | None = None,
    uirevision: str = "dp",
    height: int = 620,
    title: str | None = None,
) -> go.Figure:
    """The (n+1)×(m+1) DP table with its borders (``∞`` shown blank or as ``∞`` text).

    ``selected`` (1-based) is outlined together with its three predecessors; ``path``
    (0-based cells of Δ) is drawn shifted by one into R's indices.
    """
    n1, m1 = R.shape
    z, rows, cols, factors = display_matrix(R)
    if numbers is None:
        numbers = max(n1, m1) <= MAX_NUMBERS
    kwargs = {}
    if numbers and factors == (1, 1):
        kwargs = {"text": _text(R), "texttemplate": "%{text}", "textfont": {"size": 10}}
    fig = go.Figure(
        go.Heatmap(
            z=z, x=cols, y=rows, colorscale=R_SCALE, name="R",
            colorbar={"title": {"text": "r_ij"}, "thickness": 14},
            hovertemplate="i=%{y}, j=%{x}<br>r=%{z:.4g}<extra></extra>",
            xgap=1 if numbers else 0, ygap=1 if numbers else 0,
            **kwargs,
        )
    )
    if path is not None and len(path):
        P = np.asarray(path) + 1
        fig.add_trace(go.Scatter(x=P[:, 1].astype(np.int32), y=P[:, 0].astype(np.int32),
                                 mode="lines", line={"color": "#ff4b4b", "width": 2},
                                 name="optimal path A*", hoverinfo="skip"))
    if clickable:
        fig.add_trace(cell_overlay(n1 - 1, m1 - 1, offset=1))
    if selected is not None:
        i, j = selected
        for (a, b), colour, width in (
            ((i - 1, j - 1), "#ff9f1c", 2), ((i - 1, j), "#ff9f1c", 2), ((i, j - 1), "#ff9f1c", 2),
            ((i, j), "#00e5ff", 3),
        ):
            fig.add_shape(type="rect", x0=b - 0.5, x1=b + 0.5, y0=a - 0.5, y1=a + 0.5,
                          line={"color": colour, "width": width})
    fig.update_yaxes(autorange="reversed", title_text="i", constrain="domain")
    fig.update_xaxes(title_text="j", side="top")
    finish(
        fig, height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        uirevision=uirevision, clickmode="event+select", showlegend=False,
        title={"text": title, "y": 0.99, "x": 0.01, "font": {"size": 14}} if title else None,
        meta={"reduced": reduced_note(factors, R.shape), "factors": list(factors)},
    )
    return fig


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
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=("forward: DP table R", "backward: expected alignment E"))
    if r_range is None:
        finite_R = R_shown[np.isfinite(R_shown)]
        r_range = (float(finite_R.min()), float(finite_R.max())) if finite_R.size else (0, 1)
    if r_range[1] <= r_range[0]:
        r_range = (r_range[0], r_range[0] + 1.0)
    fig.add_trace(go.Heatmap(
        z=f32(R_shown), x=np.arange(m1), y=np.arange(n1), colorscale=R_SCALE,
        text=_text(R_shown), texttemplate="%{text}", textfont={"size": 10}, xgap=1, ygap=1,
        zmin=float(r_range[0]), zmax=float(r_range[1]),
        colorbar={"title": {"text": "r_ij"}, "x": 0.45, "thickness": 12},
        hovertemplate="i=%{y}, j=%{x}<br>r=%{z:.4g}<extra></extra>", name="R"), row=1, col=1)
    E_text = _text(E_shown)
    fig.add_trace(go.Heatmap(
        z=f32(E_shown), x=np.arange(1, m1), y=np.arange(1, n1), colorscale=E_SCALE,
        zmin=0.0, zmax=1.0, text=E_text, texttemplate="%{text}", textfont={"size": 10},
        xgap=1, ygap=1, colorbar={"title": {"text": "e_ij"}, "x": 1.0, "thickness": 12},
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
    finish(fig, height=460, plot_bgcolor="#e9ecef", margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      uirevision=uirevision, showlegend=False)
    return fig


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
            legend={"orientation": "h", "y": -0.18, "x": 0})
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
            uirevision=uirevision, legend={"orientation": "h", "y": -0.2, "x": 0})
    return fig


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
    sweep : :class:`explorer.logic.teaching.GammaSweep` on a finer grid (γ > 0)
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
        sliders=[frame_slider(labels, active, "γ = ", pad={"t": 40, "b": 0}, x=0.0, len=0.5)],
        updatemenus=[play_button("▶ play", 500, x=0.0, y=-0.2, xanchor="right",
                                 direction="left", pad={"r": 10, "t": 40})],
        height=620, margin={"l": 60, "r": 10, "t": 40, "b": 90}, uirevision=uirevision,
        legend={"orientation": "h", "x": 0.55, "y": -0.12, "font": {"size": 11}},
    )
    fig.update_yaxes(autorange="reversed", title_text="i (series x)", row=1, col=1)
    fig.update_xaxes(title_text="j (series y)", row=1, col=1)
    for r in (1, 2, 3):
        fig.update_xaxes(type="log", row=r, col=2, showticklabels=r == 3,
                         matches="x2" if r > 1 else None)
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


def series_figure(x, y, *, names=("x", "y"), uirevision: str = "series",
                  height: int = 300) -> go.Figure:
    """The two series in play over their time index (one line per channel)."""
    fig = go.Figure()
    for s, name, colour in ((x, names[0], X_COLOUR), (y, names[1], Y_COLOUR)):
        d = n_channels(s)
        for k in range(d):
            fig.add_trace(go.Scatter(
                x=np.arange(len(s), dtype=np.int32), y=f32(channel_of(s, k)), mode="lines",
                name=name if d == 1 else f"{name} ch {k}",
                line={"color": colour, "width": 2 if d == 1 else 1,
                      "dash": "solid" if k == 0 else ["dot", "dash", "dashdot", "longdash",
                                                      "longdashdot"][(k - 1) % 5]},
            ))
    fig.update_xaxes(title_text="time index")
    finish(fig, height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
            uirevision=uirevision, legend={"orientation": "h", "y": 1.1})
    return fig
