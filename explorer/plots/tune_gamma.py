"""Figures of the *Tune γ* page: the curves against γ, barycenters for a few γ, the confusion
matrix.

Pure Plotly: arrays in, ``go.Figure`` out, with the conventions of
:mod:`explorer.plots.style`. Class names come from user files and are HTML-escaped.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .style import CLUSTER_COLOURS, channel_of, f32, finish, legend_below, safe, wrapped

__all__ = ["barycenters_figure", "confusion_figure", "curves_figure"]

CHOSEN_COLOUR = "#d62728"
SUGGESTED_COLOUR = "#7f7f7f"
SCORE_COLOURS = ["#17becf", "#ff7f0e"]  # the two accuracies (or the silhouette)
ENTROPY_COLOUR = "#8c564b"


def _row(name: str) -> int:
    if name.startswith(("nearest", "1-NN", "silhouette")):
        return 1
    return 3 if name.startswith("mean path entropy") else 2


def _marker(fig, gamma: float, spans: dict, *, name: str, colour: str, dash: str) -> None:
    """A vertical line at ``gamma`` on every panel (a trace: exact on the log axis)."""
    for row, (lo, hi) in spans.items():
        fig.add_trace(go.Scatter(x=[gamma, gamma], y=[lo, hi], mode="lines", name=name,
                                 legendgroup=name, showlegend=row == 1, hoverinfo="skip",
                                 line={"color": colour, "dash": dash, "width": 2}),
                      row=row, col=1)


def curves_figure(table: dict, *, supervised: bool, chosen: float, suggested: float | None,
                  explanation: str, uirevision: str = "tune-curves") -> go.Figure:
    """The scores, the barycenter losses and the path entropy against γ (log axis).

    Parameters
    ----------
    table : dict
        :func:`explorer.logic.tune_gamma.curves_table` (``gamma`` and one column per curve).
    supervised : bool
        Accuracy curves (with labels) or k-means curves (without).
    chosen : float
        The chosen γ, marked by a red line on every panel (a trace named "chosen γ = …").
    suggested : float, optional
        The suggested γ, marked by a grey dotted line ("suggested γ = …").
    explanation : str
        The one-line reason for the choice (the figure's title).
    """
    g = np.asarray(table["gamma"], dtype=np.float64)
    top = "accuracy (cross-validated)" if supervised else "silhouette (divergence)"
    middle = "barycenter DTW loss" if supervised else "k-means DTW inertia"
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        subplot_titles=(top, middle, "mean path entropy (nats)"))
    colours = {1: iter(SCORE_COLOURS), 2: iter(CLUSTER_COLOURS * 4),  # classes as in the
               3: iter([ENTROPY_COLOUR])}                              # barycenter panels
    spans: dict[int, tuple[float, float]] = {}
    for name, values in table.items():
        if name in ("gamma", "seconds"):
            continue
        row = _row(name)
        finite = [float(v) for v in values if np.isfinite(v)] or [0.0]
        lo, hi = spans.get(row, (min(finite), max(finite)))
        spans[row] = (min(lo, *finite), max(hi, *finite))
        fig.add_trace(go.Scatter(x=f32(g), y=f32(values), name=safe(name), mode="lines+markers",
                                 line={"color": next(colours[row])}), row=row, col=1)
    if supervised:
        spans[1] = (0.0, 1.0)
    _marker(fig, chosen, spans, name=f"chosen γ = {formatting.number(chosen, 4)}",
            colour=CHOSEN_COLOUR, dash="solid")
    if suggested is not None:
        _marker(fig, suggested, spans, name=f"suggested γ = {formatting.number(suggested, 4)}",
                colour=SUGGESTED_COLOUR, dash="dot")
    fig.update_xaxes(type="log")
    fig.update_xaxes(title_text="γ (log scale)", row=3, col=1)
    if supervised:
        fig.update_yaxes(range=[0, 1.05], row=1, col=1)
    return finish(fig, height=760, title={"text": wrapped(safe(explanation), 80),
                                          "font": {"size": 14}},
                  legend=legend_below(-0.12, 270), margin={"t": 110, "b": 110},
                  uirevision=uirevision)


def barycenters_figure(gammas, centers, names, *, channel: int = 0,
                       uirevision: str = "tune-barycenters") -> go.Figure:
    """Small multiples: one panel per γ with the barycenter of every class (or cluster).

    ``centers[p]`` is the ``(k, n)`` or ``(k, n, d)`` array of γ ``gammas[p]``; ``names``
    the k class names (the legend, coloured alike in every panel).
    """
    cols = len(gammas)
    fig = make_subplots(rows=1, cols=cols, shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[f"γ = {formatting.number(g, 4)}" for g in gammas])
    for p, C in enumerate(centers):
        for k, c in enumerate(C):
            v = channel_of(c, channel)
            fig.add_trace(go.Scatter(x=np.arange(len(v)), y=f32(v), name=safe(names[k]),
                                     legendgroup=str(k), showlegend=p == 0, mode="lines",
                                     line={"color": CLUSTER_COLOURS[k % len(CLUSTER_COLOURS)]}),
                          row=1, col=p + 1)
    return finish(fig, height=300, margin={"t": 50}, legend={"orientation": "h", "y": -0.2},
                  uirevision=uirevision)


def confusion_figure(classes, matrix, *, title: str,
                     uirevision: str = "tune-confusion") -> go.Figure:
    """A confusion matrix: rows the true classes, columns the predictions, counts written
    in the cells."""
    labels = [safe(c) for c in classes]
    M = np.asarray(matrix)
    fig = go.Figure(go.Heatmap(z=f32(M), x=labels, y=labels, colorscale="Blues",
                               text=M.astype(int).astype(str), texttemplate="%{text}",
                               colorbar={"title": {"text": "series"}},
                               hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_xaxes(title_text="predicted class (out of fold)", type="category")
    fig.update_yaxes(title_text="true class", autorange="reversed", type="category")
    return finish(fig, height=360, title={"text": safe(title), "font": {"size": 14}},
                  uirevision=uirevision)
