"""Figures of the Use page *Interpolation*: the soft-DTW interpolants along λ against the
point-by-point ones, as animation frames.

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
    X_COLOUR,
    Y_COLOUR,
    channel_of,
    finish,
    frame_slider,
    line_trace,
    play_button,
)

__all__ = [
    "INTERP_COLOUR",
    "interpolation_figure",
]

INTERP_COLOUR = "#9467bd"


def _range(arrays, pad=0.06):
    vals = np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return [-1.0, 1.0]
    lo, hi = float(vals.min()), float(vals.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return [lo - pad * span, hi + pad * span]


def interpolation_figure(x, y, lams, soft: Sequence, euclid: Sequence, *, channel: int = 0,
                         active: int | None = None, gamma_text: str = "",
                         names: tuple[str, str] = ("x", "y"),
                         uirevision: str = "interp") -> go.Figure:
    """Soft-DTW interpolant (left) and Euclidean interpolant (right) for every λ, as frames.

    The Plotly slider under the panels swaps frames in the browser (no server round trip);
    each frame replaces the two interpolant traces. λ weighs ``x`` (λ = 1 targets x).

    Parameters
    ----------
    x, y : the two series (drawn faintly in both panels)
    lams : the λ grid; ``soft[k]`` and ``euclid[k]`` are the interpolants at ``lams[k]``
    active : frame shown first (default: the λ nearest 0.5)
    """
    lams = np.asarray(lams, dtype=np.float64)
    if not (len(lams) == len(soft) == len(euclid)) or len(lams) == 0:
        raise ValueError("one soft-DTW and one Euclidean interpolant per λ are needed")
    if active is None:
        active = int(np.argmin(np.abs(lams - 0.5)))
    if not 0 <= active < len(lams):
        raise ValueError(f"active frame {active} outside 0..{len(lams) - 1}")
    title = "soft-DTW interpolation" + (f" (γ = {gamma_text})" if gamma_text else "")
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(title, "Euclidean interpolation λx + (1 − λ)y"))
    for col in (1, 2):
        first = col == 1
        fig.add_trace(line_trace(x, name=f"{names[0]} (weight λ)", colour=X_COLOUR, width=1.5,
                            opacity=0.45, channel=channel, showlegend=first, legendgroup="x"),
                      row=1, col=col)
        fig.add_trace(line_trace(y, name=f"{names[1]} (weight 1 − λ)", colour=Y_COLOUR, width=1.5,
                            opacity=0.45, channel=channel, showlegend=first, legendgroup="y"),
                      row=1, col=col)
        seq = soft if first else euclid
        fig.add_trace(line_trace(seq[active], name="soft-DTW interpolant" if first
                            else "Euclidean interpolant",
                            colour=INTERP_COLOUR if first else METHOD_COLOURS["euclidean"],
                            width=3, channel=channel), row=1, col=col)
    idx = [2, 5]
    labels = [formatting.fixed(lam, 2) for lam in lams]

    def frame(k):
        return go.Frame(
            name=labels[k], traces=idx,
            data=[line_trace(soft[k], name="soft-DTW interpolant", colour=INTERP_COLOUR, width=3,
                        channel=channel),
                  line_trace(euclid[k], name="Euclidean interpolant",
                        colour=METHOD_COLOURS["euclidean"], width=3, channel=channel)])

    fig.frames = [frame(k) for k in range(len(lams))]
    yr = _range([channel_of(s, channel) for s in (x, y, *soft, *euclid)])
    xmax = max(len(x), len(y), *(len(s) for s in soft), *(len(s) for s in euclid)) - 1
    fig.update_yaxes(range=yr, row=1, col=1, title_text="value")
    fig.update_yaxes(range=yr, row=1, col=2)
    fig.update_xaxes(range=[0, max(xmax, 1)], title_text="time index")
    finish(
        fig, height=500, uirevision=uirevision,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend=LEGEND_ABOVE,
        sliders=[frame_slider(labels, active, "λ = ", pad={"t": 45, "b": 0}, x=0.08,
                              len=0.92)],
        updatemenus=[play_button("▶", 250, x=0.0, y=0.0, xanchor="left", pad={"t": 55})],
    )
    return fig
