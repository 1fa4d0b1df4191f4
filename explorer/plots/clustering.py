"""Figures of the *k-means* and *Your data* pages: clusters, progress, alignments, matrices.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`. Names typed by users are HTML-escaped
(:func:`explorer.plots.style.safe`) before Plotly renders them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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
    joined,
    reduced_note,
    rgba,
    safe,
)

__all__ = [
    "CLUSTER_COLOURS",
    "MAX_MEMBERS",
    "alignment_figure",
    "kmeans_figure",
    "match_lines_figure",
    "pairwise_figure",
    "progress_figure",
]

CLUSTER_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
MAX_MEMBERS = 40  # member series drawn per cluster (payload); the rest are counted
MAX_TICK_NAMES = 60


def kmeans_figure(series, labels, centers, *, moved=None, channel: int = 0,
                  max_members: int = MAX_MEMBERS, title: str = "",
                  uirevision: str = "kmeans") -> go.Figure:
    """One panel per cluster: its member series (faint), its centre (thick) and the series
    that just moved into it (dashed black).

    Parameters
    ----------
    series : list of (m_i,) or (m_i, d) arrays
    labels : (N,) int array, cluster of each series
    centers : (k, n) or (k, n, d) array
    moved : (N,) bool array, optional
        Series whose cluster changed in this iteration.
    channel : int
        Channel drawn for multivariate series.
    max_members : int
        At most this many members per cluster are drawn (evenly spaced); the panel title
        gives the full count.
    """
    labels = np.asarray(labels)
    centers = np.asarray(centers, dtype=np.float64)
    k = centers.shape[0]
    moved = np.zeros(len(labels), bool) if moved is None else np.asarray(moved, bool)
    cols = min(k, 4)
    rows = -(-k // cols)
    counts = np.bincount(labels, minlength=k)
    titles = []
    for c in range(k):
        extra = f", {int(moved[labels == c].sum())} moved in" if moved.any() else ""
        titles.append(f"cluster {c}: {counts[c]} series{extra}")
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, shared_yaxes=True,
                        horizontal_spacing=0.03, vertical_spacing=0.12)
    for c in range(k):
        r, col = c // cols + 1, c % cols + 1
        colour = CLUSTER_COLOURS[c % len(CLUSTER_COLOURS)]
        idx = np.flatnonzero(labels == c)
        stay = idx[~moved[idx]]
        if len(stay) > max_members:
            stay = stay[np.unique(np.linspace(0, len(stay) - 1, max_members).round()
                                  .astype(int))]
        xs, ys = joined([series[i] for i in stay], channel)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"members {c}",
                                 line={"color": rgba(colour, 0.28), "width": 1},
                                 hoverinfo="skip", showlegend=False), row=r, col=col)
        mv = idx[moved[idx]][:max_members]
        xs, ys = joined([series[i] for i in mv], channel)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"moved into {c}",
                                 line={"color": "rgba(20,20,20,0.75)", "width": 1.4,
                                       "dash": "dot"},
                                 hoverinfo="skip", showlegend=False), row=r, col=col)
        centre = channel_of(centers[c], channel)
        fig.add_trace(go.Scatter(x=np.arange(len(centre), dtype=np.float32), y=f32(centre),
                                 mode="lines", name=f"centre {c}",
                                 line={"color": colour, "width": 3.5},
                                 hovertemplate=f"centre {c}<br>t=%{{x}}<br>%{{y:.3g}}"
                                               "<extra></extra>",
                                 showlegend=False), row=r, col=col)
    finish(fig, height=300 * rows + 40, margin={"l": 10, "r": 10, "t": 60 if title else 40,
                                                  "b": 10},
            title={"text": title, "x": 0.0, "font": {"size": 15}} if title else None,
            uirevision=uirevision)
    return fig


def progress_figure(iterations, inertias, changes, *, current: int | None = None,
                    objective: str = "inertia", uirevision: str = "progress") -> go.Figure:
    """The objective after each assignment (top) and how many series changed cluster (bottom).

    ``current`` (an iteration number) is marked on both panels.
    """
    it = np.asarray(iterations, dtype=np.int32)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38],
                        vertical_spacing=0.08)
    fig.add_trace(go.Scatter(x=it, y=np.asarray(inertias, dtype=np.float64), mode="lines+markers",
                             name=objective, line={"color": "#ff4b4b", "width": 2.5},
                             hovertemplate="iteration %{x}<br>" + objective
                                           + " = %{y:.6g}<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Bar(x=it, y=np.asarray(changes, dtype=np.int32), name="changed cluster",
                         marker={"color": "#1f77b4"},
                         hovertemplate="iteration %{x}<br>%{y} series changed cluster"
                                       "<extra></extra>"),
                  row=2, col=1)
    if current is not None and current in set(it.tolist()):
        k = int(np.flatnonzero(it == current)[0])
        fig.add_trace(go.Scatter(x=[current], y=[float(np.asarray(inertias)[k])],
                                 mode="markers", name="shown",
                                 marker={"size": 14, "color": "rgba(0,0,0,0)",
                                         "line": {"color": "#111111", "width": 2.5}},
                                 hoverinfo="skip"), row=1, col=1)
        fig.add_vline(x=current, line={"color": "#888888", "dash": "dot"})
    fig.update_yaxes(title_text=objective, row=1, col=1)
    fig.update_yaxes(title_text="changes", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="iteration (centre updates so far)", dtick=1, row=2, col=1)
    finish(fig, height=380, margin={"l": 10, "r": 10, "t": 20, "b": 10}, showlegend=False,
            uirevision=uirevision)
    return fig


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
