"""Figures of the Use page *k-means, live*: the clusters (members, centers, the series that
moved) and the run's progress.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import (
    CLUSTER_COLOURS,
    channel_of,
    f32,
    finish,
    joined,
    rgba,
)

__all__ = [
    "MAX_MEMBERS",
    "kmeans_figure",
    "progress_figure",
]

MAX_MEMBERS = 40  # member series drawn per cluster (payload); the rest are counted


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
    fig.update_xaxes(title_text="iteration<br>(centre updates so far)", dtick=1, row=2, col=1)
    finish(fig, height=400, margin={"l": 10, "r": 10, "t": 20, "b": 60}, showlegend=False,
            uirevision=uirevision)
    return fig
