"""Figures of the Use page *Your data*: a pair's expected alignment and its matches, and
the clustered pairwise matrix. Names typed by users are HTML-escaped
(:func:`explorer.plots.style.safe`) before Plotly renders them.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import (
    COST_SCALE,
    E_SCALE,
    PATH_COLOUR,
    X_COLOUR,
    Y_COLOUR,
    channel_of,
    display_matrix,
    f32,
    finish,
    reduced_note,
    rgba,
    safe,
)

__all__ = [
    "MAX_TICK_NAMES",
    "alignment_figure",
    "block_alignment_figure",
    "match_lines_figure",
    "pairwise_figure",
]

MAX_TICK_NAMES = 60


def alignment_figure(E, path=None, *, uirevision: str = "E") -> go.Figure:
    """The expected alignment E (matrix orientation) with the hard DTW path on top."""
    z, rows, cols, factors = display_matrix(E)
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=rows, colorscale=E_SCALE, zmin=0.0, name="E",
        colorbar={"title": {"text": "E"}, "thickness": 14},
        hovertemplate="i=%{y}, j=%{x}<br>E=%{z:.3g}<extra></extra>"))
    if path is not None and len(path):
        P = np.asarray(path)
        fig.add_trace(go.Scatter(x=P[:, 1].astype(np.int32), y=P[:, 0].astype(np.int32),
                                 mode="lines", name="hard DTW path",
                                 line={"color": PATH_COLOUR, "width": 1.5, "dash": "dot"},
                                 hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", title_text="i (series x)")
    fig.update_xaxes(title_text="j (series y)")
    finish(fig, height=560, margin={"l": 10, "r": 10, "t": 30, "b": 10},
            legend={"orientation": "h", "y": -0.12, "x": 0},
            plot_bgcolor="rgba(0,0,0,0)", uirevision=uirevision,
            meta={"reduced": reduced_note(factors, np.shape(E)), "factors": list(factors)})
    return fig


def block_alignment_figure(blocks, block: int, shape, *, uirevision: str = "E-blocks"
                           ) -> go.Figure:
    """A long pair's block-averaged E: each cell the mean of ``block x block`` cells of E
    (edge blocks: of their own cells), placed at its block's centre in the series' indices
    (``shape`` = (n, m))."""
    blocks = np.asarray(blocks, dtype=np.float64)
    n, m = (int(v) for v in shape)
    centres = [(np.arange(k) * block + np.minimum(np.arange(1, k + 1) * block, size) - 1) / 2
               for k, size in zip(blocks.shape, (n, m))]
    fig = go.Figure(go.Heatmap(
        z=f32(blocks), x=f32(centres[1]), y=f32(centres[0]), colorscale=E_SCALE, zmin=0.0,
        name="block mean of E", colorbar={"title": {"text": "mean E"}, "thickness": 14},
        hovertemplate=f"block of {block} × {block} cells centred at i ≈ %{{y:.0f}}, "
                      "j ≈ %{x:.0f}<br>mean E = %{z:.3g}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title_text="i (series x)")
    # below the corner's y label (the last i, thousands wide, at the bottom edge)
    fig.update_xaxes(title_text="j (series y)", ticklabelstandoff=8)
    finish(fig, height=560, margin={"l": 10, "r": 10, "t": 30, "b": 10},
           plot_bgcolor="rgba(0,0,0,0)", uirevision=uirevision,
           meta={"block": int(block), "shape": [n, m]})
    return fig


def match_lines_figure(x, y, E, *, channel: int = 0, names=("x", "y"),
                       max_lines: int = 2500, n_bins: int = 5,
                       uirevision: str = "match") -> go.Figure:
    """The two series, x above y, joined by lines i–j whose opacity grows with E_ij.

    Only cells with E_ij ≥ 1 % of E's maximum are drawn, and at most ``max_lines`` of them
    (the largest); lines are grouped into ``n_bins`` opacity levels (one trace each).
    """
    xv, yv = channel_of(x, channel), channel_of(y, channel)
    E = np.asarray(E, dtype=np.float64)
    span = float(max(np.ptp(xv), np.ptp(yv), 1e-12))
    off = 1.3 * span + float(np.max(yv) - np.min(xv))  # x sits above y with a gap
    xs_up = xv + off
    emax = float(E.max()) if E.size else 0.0
    fig = go.Figure()
    if emax > 0:
        I, J = np.nonzero(E >= 0.01 * emax)
        w = E[I, J] / emax
        if len(w) > max_lines:
            keep = np.argsort(w)[-max_lines:]
            I, J, w = I[keep], J[keep], w[keep]
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        for b in range(n_bins):
            sel = (w > edges[b]) & (w <= edges[b + 1]) if b else (w <= edges[1])
            if not sel.any():
                continue
            ii, jj = I[sel], J[sel]
            lx = np.stack([ii, jj, np.full(len(ii), np.nan)], axis=1).ravel()
            ly = np.stack([xs_up[ii], yv[jj], np.full(len(ii), np.nan)], axis=1).ravel()
            alpha = 0.08 + 0.8 * edges[b + 1]
            fig.add_trace(go.Scatter(x=f32(lx), y=f32(ly), mode="lines",
                                     line={"color": rgba("#555555", min(alpha, 0.9)),
                                           "width": 0.6 + 1.4 * edges[b + 1]},
                                     name="matches (opacity ∝ E)",
                                     hoverinfo="skip", showlegend=b == n_bins - 1))
    fig.add_trace(go.Scatter(x=np.arange(len(xv), dtype=np.float32), y=f32(xs_up),
                             mode="lines+markers", marker={"size": 3}, name=safe(names[0]),
                             line={"color": X_COLOUR, "width": 2},
                             customdata=f32(xv),
                             hovertemplate="i=%{x}<br>x=%{customdata:.3g}<extra></extra>"))
    fig.add_trace(go.Scatter(x=np.arange(len(yv), dtype=np.float32), y=f32(yv),
                             mode="lines+markers", marker={"size": 3}, name=safe(names[1]),
                             line={"color": Y_COLOUR, "width": 2},
                             hovertemplate="j=%{x}<br>y=%{y:.3g}<extra></extra>"))
    fig.update_yaxes(showticklabels=False, title_text="x (shifted up) and y")
    fig.update_xaxes(title_text="time index")
    finish(fig, height=420, margin={"l": 10, "r": 10, "t": 20, "b": 10},
            legend={"orientation": "h", "y": -0.18, "x": 0}, uirevision=uirevision)
    return fig


def pairwise_figure(M, order, names, *, label: str = "dtw_γ", groups=None,
                    uirevision: str = "pairwise") -> go.Figure:
    """A pairwise matrix with rows and columns in ``order`` (e.g. a dendrogram's leaves).

    ``names`` label the axes (up to 60 series, hover text beyond); ``groups`` (labels, one per
    series) are shown in the hover text.
    """
    M = np.asarray(M, dtype=np.float64)
    order = np.asarray(order, dtype=np.int64)
    P = M[np.ix_(order, order)]
    names = [safe(names[k]) for k in order]
    if groups is not None:
        g = [safe(groups[k]) for k in order]
        tick = [f"{nm} ({gg})" for nm, gg in zip(names, g)]
    else:
        tick = names
    n = len(order)
    pos = np.arange(n, dtype=np.int32)
    text = [[f"{tick[a]} ↔ {tick[b]}" for b in range(n)] for a in range(n)]
    fig = go.Figure(go.Heatmap(
        z=f32(P), x=pos, y=pos, colorscale=COST_SCALE, name=label, text=text,
        colorbar={"title": {"text": label}, "thickness": 14},
        hovertemplate="%{text}<br>" + label + " = %{z:.4g}<extra></extra>"))
    axis = {"tickmode": "array", "tickvals": pos, "ticktext": tick} if n <= MAX_TICK_NAMES \
        else {"title_text": "series (clustered order)"}
    fig.update_xaxes(tickangle=-60, **axis)
    fig.update_yaxes(autorange="reversed", **axis)
    finish(fig, height=max(420, min(900, 220 + 9 * n)),
            margin={"l": 10, "r": 10, "t": 20, "b": 10}, uirevision=uirevision,
            meta={"order": order.tolist()})
    return fig
