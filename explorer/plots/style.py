"""The look shared by every figure, and the small array helpers the figure builders share.

Conventions
-----------
- Matrices are drawn in matrix orientation: row i (series x, time down the left margin)
  increases downwards, column j (series y, time along the top margin) to the right, so
  (0, 0) is the top-left cell and an alignment path runs from top-left to bottom-right.
- Payloads are float32 (:func:`f32`); matrices larger than :data:`MAX_DISPLAY` per side are
  block-averaged (:func:`display_matrix`) and the figure's ``meta["reduced"]`` says so
  (:func:`reduced_note`), which the page turns into a caption.
- Every heatmap gets an explicit perceptual colour scale and a titled colour bar (Streamlit's
  theme would otherwise recolour it), and every figure a ``uirevision`` so that zoom
  survives Streamlit reruns.
- Multichannel series are drawn one channel at a time (:func:`channel_of`); numbers and
  downloads always keep every channel.
- Animated figures (γ, λ) ship every frame and scrub them with a Plotly slider
  (:func:`frame_slider`, :func:`play_button`): no server round trip.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
import plotly.io as pio

from explorer.logic.common import block_average

__all__ = [
    "CLUSTER_COLOURS",
    "LEGEND_ABOVE",
    "METHOD_COLOURS",
    "COST_SCALE",
    "E_OVERLAY_SCALE",
    "E_SCALE",
    "FONT",
    "MAX_DISPLAY",
    "PATH_COLOUR",
    "R_SCALE",
    "SERIES_COLOURS",
    "TEMPLATE",
    "X_COLOUR",
    "Y_COLOUR",
    "channel_of",
    "display_matrix",
    "f32",
    "finish",
    "frame_slider",
    "joined",
    "legend_below",
    "line_trace",
    "n_channels",
    "play_button",
    "reduced_note",
    "rgba",
    "safe",
    "series_figure",
    "wrapped",
]

_MAGMA = ["#02010a"] + list(pc.sequential.Magma[1:])

MAX_DISPLAY = 500  # heatmaps larger than this per side are block-averaged for display

COST_SCALE = "Viridis"
R_SCALE = "Cividis"
# Magma, written out: its first colour "#000004" is one of the placeholder colours
# ("#000001" to "#000010") that Streamlit's Plotly component rewrites in the figure JSON
# (it turned E = 0 pink or purple), so the black end is nudged to "#02010a".
E_SCALE = [[k / (len(_MAGMA) - 1), c] for k, c in enumerate(_MAGMA)]
E_OVERLAY_SCALE = [
    [0.0, "rgba(255,255,255,0)"],
    [0.02, "rgba(255,90,70,0.15)"],
    [1.0, "rgba(255,40,40,1)"],
]
SERIES_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
X_COLOUR = "#1f77b4"
Y_COLOUR = "#d62728"
PATH_COLOUR = "#ffffff"

TEMPLATE = "plotly_white"
# Every figure of the explorer uses this template. As Plotly's default it is attached to
# each new figure without validation; passing it to update_layout validated a copy of it
# every time, 7 ms per figure: most of the cost of building the figures of a page.
pio.templates.default = TEMPLATE
FONT = {"family": "Source Sans Pro, Source Sans 3, sans-serif", "size": 13}


def finish(fig: go.Figure, **layout) -> go.Figure:
    """Common layout: font and the given layout keys (the template is Plotly's default,
    :data:`TEMPLATE`, set when this module is imported)."""
    fig.update_layout(font=FONT, **layout)
    return fig


def wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (``<br>`` between them,
    Plotly's line break): a title or label that must stay inside a narrow chart."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def f32(a) -> np.ndarray:
    """float32 copy for the browser (halves the payload); non-finite entries become NaN."""
    a = np.asarray(a, dtype=np.float64)
    a = np.where(np.isfinite(a), a, np.nan)
    return a.astype(np.float32)


def n_channels(s) -> int:
    """Number of channels of a ``(n,)`` (1) or ``(n, d)`` (d) series."""
    return 1 if np.ndim(s) == 1 else int(np.shape(s)[1])


def channel_of(s, channel: int = 0) -> np.ndarray:
    """Channel ``channel`` of a ``(n,)`` or ``(n, d)`` series, as a 1-D float64 array."""
    s = np.asarray(s, dtype=np.float64)
    if s.ndim == 1:
        if channel != 0:
            raise ValueError(f"channel {channel} of a univariate series")
        return s
    if not 0 <= channel < s.shape[1]:
        raise ValueError(f"channel {channel} outside 0..{s.shape[1] - 1}")
    return s[:, channel]


def joined(series: Sequence, channel: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Many series as one polyline: time and values joined with NaN breaks (float32).

    One trace instead of one per series: fast to draw and a single legend entry.
    """
    xs, ys = [], []
    for s in series:
        v = channel_of(s, channel)
        xs.append(np.arange(len(v), dtype=np.float32))
        ys.append(f32(v))
        xs.append(np.array([np.nan], dtype=np.float32))
        ys.append(np.array([np.nan], dtype=np.float32))
    if not xs:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    return np.concatenate(xs), np.concatenate(ys)


def display_matrix(M: np.ndarray, max_size: int = MAX_DISPLAY):
    """(z float32, row coords, col coords, factors) ready for a heatmap."""
    small, rows, cols, factors = block_average(M, max_size)
    return f32(small), rows, cols, factors


def reduced_note(factors, shape) -> str:
    """The caption of a block-averaged heatmap (empty when shown at full size)."""
    if tuple(factors) == (1, 1):
        return ""
    return (
        f"{shape[0]}×{shape[1]} matrix shown block-averaged by {factors[0]}×{factors[1]} "
        f"(display only)"
    )


def rgba(hex_colour: str, alpha: float) -> str:
    """``"#rrggbb"`` with an opacity, as Plotly's ``rgba(r,g,b,a)``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[k:k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def safe(text) -> str:
    """User-supplied text (series names) for Plotly, which renders a subset of HTML tags."""
    return html.escape(str(text), quote=False)


def frame_slider(labels: Sequence[str], active: int, prefix: str, **placement) -> dict:
    """A layout ``sliders`` entry that shows animation frame ``labels[k]`` at step k.

    ``placement`` gives the slider's ``x``, ``len`` and ``pad``; it hangs below the plot.
    """
    return {
        "active": int(active),
        "currentvalue": {"prefix": prefix, "font": {"size": 14}},
        "y": 0.0, "yanchor": "top",
        **placement,  # may override y
        "steps": [
            {"label": label, "method": "animate",
             "args": [[label], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                "transition": {"duration": 0}}]}
            for label in labels
        ],
    }


def play_button(label: str, frame_ms: int, **placement) -> dict:
    """A layout ``updatemenus`` entry: one button playing the frames from the current one."""
    return {
        "type": "buttons", "showactive": False, "yanchor": "top",
        **placement,
        "buttons": [{"label": label, "method": "animate",
                     "args": [None, {"frame": {"duration": frame_ms, "redraw": True},
                                     "fromcurrent": True, "transition": {"duration": 0}}]}],
    }


#: One colour per cluster (k-means, Your data) or class (Tune γ).
CLUSTER_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
#: One colour per averaging method or training loss (Interpolation, Barycenters, Prediction).
METHOD_COLOURS = {
    "euclidean": "#2ca02c",
    "dba": "#1f77b4",
    "softdtw": "#d62728",
    "dilate": "#ff7f0e",
    "template": "#222222",
}

#: A horizontal legend above the plot, with a fixed width per entry (Plotly otherwise
#: measures the entries before the web font has loaded and can clip the last one).
LEGEND_ABOVE = {"orientation": "h", "x": 0.0, "y": 1.1, "yanchor": "bottom",
                "entrywidth": 185, "entrywidthmode": "pixels"}


def legend_below(y: float = -0.15, entrywidth: int = 190) -> dict:
    """A horizontal legend hanging from ``y`` (paper coordinates, under the x axis' title),
    ``entrywidth`` pixels per entry, as :data:`LEGEND_ABOVE`: entries wrap to a new row
    instead of running into each other or past the legend's edge."""
    return {"orientation": "h", "x": 0.0, "y": y, "yanchor": "top", "entrywidth": entrywidth,
            "entrywidthmode": "pixels"}


def line_trace(s, *, name, colour, width=2.5, dash="solid", start=0, showlegend=True,
               opacity=1.0, channel=0, legendgroup=None, xaxis_name="t") -> go.Scatter:
    """Channel ``channel`` of series ``s`` as a line over its time index (from ``start``)."""
    v = channel_of(s, channel)
    return go.Scatter(
        x=np.arange(start, start + len(v), dtype=np.int32), y=f32(v), mode="lines",
        name=name, line={"color": colour, "width": width, "dash": dash}, opacity=opacity,
        showlegend=showlegend, legendgroup=legendgroup,
        hovertemplate=f"{name}<br>{xaxis_name}=%{{x}}<br>value=%{{y:.4g}}<extra></extra>",
    )


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
