"""Figures of the Use page *Barycenters*: the members and their barycenters, the optimisers'
objective traces, and the barycenters over a sweep of γ.

Multichannel series are drawn one channel at a time (``channel``); the numbers and
downloads always keep every channel.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .style import (
    LEGEND_ABOVE,
    METHOD_COLOURS,
    SERIES_COLOURS,
    f32,
    finish,
    joined,
    line_trace,
)

__all__ = [
    "MEMBER_COLOUR",
    "PHASE_COLOURS",
    "barycenter_figure",
    "gamma_sweep_figure",
    "objective_trace_figure",
]

MEMBER_COLOUR = "rgba(110, 110, 110, 0.28)"
PHASE_COLOURS = {"init": "#444444", "mm": "#ff7f0e", "lbfgs": "#d62728",
                 "subgradient": "#8c564b"}


def _members_trace(members: Sequence, channel: int, *, showlegend=True,
                   name: str = "members") -> go.Scatter:
    """All members as one faint trace (:func:`explorer.plots.style.joined`)."""
    x, y = joined(members, channel)
    return go.Scatter(x=x, y=y, mode="lines", name=f"{name} ({len(members)})",
                      line={"color": MEMBER_COLOUR, "width": 1}, hoverinfo="skip",
                      showlegend=showlegend, legendgroup="members", connectgaps=False)


def barycenter_figure(members: Sequence, barycenters: dict, *, channel: int = 0,
                      template=None, uirevision: str = "bary",
                      height: int = 460) -> go.Figure:
    """Members drawn faintly, the barycenters (``{key: (label, series)}``) on top.

    Keys ``"euclidean"``, ``"dba"`` and ``"softdtw"`` get the method colours; ``template``
    (the ground truth of a synthetic set) is drawn dashed.
    """
    fig = go.Figure()
    fig.add_trace(_members_trace(members, channel))
    if template is not None:
        fig.add_trace(line_trace(template, name="true template", colour=METHOD_COLOURS["template"],
                            width=2, dash="dash", channel=channel))
    for k, (key, (label, s)) in enumerate(barycenters.items()):
        fig.add_trace(line_trace(s, name=label, width=3, channel=channel,
                            colour=METHOD_COLOURS.get(key, SERIES_COLOURS[k % 6])))
    fig.update_xaxes(title_text="time index")
    fig.update_yaxes(title_text="value" + (f" (channel {channel})" if channel else ""))
    finish(fig, height=height, uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            legend={**LEGEND_ABOVE, "y": 1.02})
    return fig


def objective_trace_figure(traces: dict, *, uirevision: str = "trace") -> go.Figure:
    """The optimisers' objective per iteration, one panel per method.

    ``traces`` maps a panel title to ``(objective values, phases)`` (phase per entry, e.g.
    ``"init"``, ``"mm"``, ``"lbfgs"``); markers are coloured by phase.
    """
    items = [(t, np.asarray(v, dtype=np.float64), tuple(p)) for t, (v, p) in traces.items()]
    if not items:
        raise ValueError("no objective trace to draw")
    fig = make_subplots(rows=len(items), cols=1, subplot_titles=[t for t, _, _ in items],
                        vertical_spacing=0.2)
    shown = set()
    for row, (_, vals, phases) in enumerate(items, start=1):
        it = np.arange(len(vals), dtype=np.int32)
        fig.add_trace(go.Scatter(x=it, y=f32(vals), mode="lines", showlegend=False,
                                 line={"color": "#999999", "width": 1.2}, hoverinfo="skip"),
                      row=row, col=1)
        for ph in dict.fromkeys(phases):
            sel = np.array([p == ph for p in phases])
            fig.add_trace(go.Scatter(
                x=it[sel], y=f32(vals[sel]), mode="markers", name=ph,
                marker={"color": PHASE_COLOURS.get(ph, "#17becf"), "size": 6},
                legendgroup=ph, showlegend=ph not in shown,
                hovertemplate="iteration %{x}<br>objective %{y:.6g}<extra>" + ph + "</extra>"),
                row=row, col=1)
            shown.add(ph)
        fig.update_yaxes(title_text="objective", row=row, col=1)
    fig.update_xaxes(title_text="iteration", row=len(items), col=1)
    finish(fig, height=200 + 130 * len(items), uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 30, "b": 80},
            legend={"orientation": "h", "y": -0.2 * 2 / len(items), "x": 0.0,
                    "yanchor": "top", "title": {"text": "phase"}})
    return fig


def gamma_sweep_figure(members: Sequence, gammas, barycenters: Sequence, losses, *,
                       channel: int = 0, template=None,
                       uirevision: str = "sweep") -> go.Figure:
    """Small multiples: the soft-DTW barycenter for each γ over the faint members."""
    gammas = np.asarray(gammas, dtype=np.float64)
    k = len(gammas)
    if k == 0 or len(barycenters) != k or len(losses) != k:
        raise ValueError("one barycenter and one loss per γ are needed")
    titles = [f"γ = {formatting.number(g)}<br>DTW loss {formatting.number(v, 4)}"
              for g, v in zip(gammas, losses)]
    fig = make_subplots(rows=1, cols=k, shared_yaxes=True, subplot_titles=titles,
                        horizontal_spacing=0.02 if k > 4 else 0.03)
    best = int(np.argmin(losses))
    for c in range(k):
        fig.add_trace(_members_trace(members, channel, showlegend=c == 0), row=1, col=c + 1)
        if template is not None:
            fig.add_trace(line_trace(template, name="true template", colour="#222222", width=1.5,
                                dash="dash", channel=channel, showlegend=c == 0,
                                legendgroup="template"), row=1, col=c + 1)
        fig.add_trace(line_trace(barycenters[c], name="soft-DTW barycenter", width=2.5,
                            colour=METHOD_COLOURS["softdtw"], channel=channel,
                            showlegend=c == 0, legendgroup="bary"), row=1, col=c + 1)
    fig.layout.annotations[best].font = {"color": METHOD_COLOURS["softdtw"], "size": 14}
    fig.layout.annotations[best].text = titles[best] + " (lowest)"
    fig.update_xaxes(showticklabels=False)
    finish(fig, height=320, uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 60, "b": 10},
            legend={"orientation": "h", "y": -0.08, "x": 0.0, "entrywidth": 210,
                    "entrywidthmode": "pixels"})
    return fig
