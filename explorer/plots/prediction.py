"""Figures of the Use page *Prediction with a soft-DTW loss*: a few test series with each
forecaster's prediction, and the training losses.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import (
    LEGEND_ABOVE,
    METHOD_COLOURS,
    SERIES_COLOURS,
    f32,
    finish,
    line_trace,
)

__all__ = [
    "INPUT_COLOUR",
    "loss_curves_figure",
    "prediction_figure",
]

INPUT_COLOUR = "#7f7f7f"


def prediction_figure(inputs, truth, predictions: dict, indices: Sequence[int], *,
                      channel: int = 0, uirevision: str = "pred") -> go.Figure:
    """For each test series in ``indices``: its first part, the true rest and the predictions.

    ``predictions`` maps a key (``"euclidean"``, ``"softdtw"``) to ``(label, (N, n_out[, d])
    array)``.
    """
    if len(indices) == 0:
        raise ValueError("choose at least one test series to draw")
    n_in = np.asarray(inputs).shape[1]
    fig = make_subplots(rows=1, cols=len(indices), shared_yaxes=True,
                        subplot_titles=[f"test series #{i}" for i in indices],
                        horizontal_spacing=0.03)
    for c, i in enumerate(indices, start=1):
        first = c == 1
        fig.add_trace(line_trace(inputs[i], name="input (first part)", colour=INPUT_COLOUR,
                            width=1.8, channel=channel, showlegend=first, legendgroup="in"),
                      row=1, col=c)
        fig.add_trace(line_trace(truth[i], name="truth (the rest)", colour="#111111", width=2,
                            dash="dot", start=n_in, channel=channel, showlegend=first,
                            legendgroup="truth"), row=1, col=c)
        for k, (key, (label, P)) in enumerate(predictions.items()):
            fig.add_trace(line_trace(P[i], name=f"prediction, {label} loss", width=2.5, start=n_in,
                                colour=METHOD_COLOURS.get(key, SERIES_COLOURS[k % 6]),
                                channel=channel, showlegend=first, legendgroup=key),
                          row=1, col=c)
        fig.add_vline(x=n_in - 0.5, line={"color": "#bbbbbb", "width": 1, "dash": "dash"},
                      row=1, col=c)
    fig.update_xaxes(title_text="time index")
    finish(fig, height=420, uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 80, "b": 10},
            legend={**LEGEND_ABOVE, "y": 1.12, "entrywidth": 260})
    return fig


def loss_curves_figure(curves: dict, *, uirevision: str = "curves") -> go.Figure:
    """Training objective J per iteration, one panel per model (``{title: values}``)."""
    if not curves:
        raise ValueError("no training curve to draw")
    fig = make_subplots(rows=1, cols=len(curves), subplot_titles=list(curves),
                        horizontal_spacing=0.08)
    colours = [METHOD_COLOURS[k] for k in ("euclidean", "softdtw", "dilate")]
    for c, (title, vals) in enumerate(curves.items(), start=1):
        v = np.asarray(vals, dtype=np.float64)
        fig.add_trace(go.Scatter(x=np.arange(len(v), dtype=np.int32), y=f32(v),
                                 mode="lines", name=title, showlegend=False,
                                 line={"color": colours[(c - 1) % 3], "width": 2}),
                      row=1, col=c)
        fig.update_xaxes(title_text="iteration", row=1, col=c)
    fig.update_yaxes(title_text="training objective J", row=1, col=1)
    finish(fig, height=280, uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig
