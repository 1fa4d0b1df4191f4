"""Figures of the Learn page *Cost & DP table*: Δ with the two series in its margins (and E
or the optimal path over it), and the DP table R.

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
    PATH_COLOUR,
    R_SCALE,
    SERIES_COLOURS,
    X_COLOUR,
    Y_COLOUR,
    channel_of,
    display_matrix,
    f32,
    finish,
    n_channels,
    reduced_note,
)

__all__ = [
    "MAX_CLICK_POINTS",
    "MAX_NUMBERS",
    "cell_overlay",
    "cell_texts",
    "click_stride",
    "cost_figure",
    "dp_table_figure",
]

MAX_NUMBERS = 31  # numbers are written in cells up to this many rows/columns (incl. borders)
MAX_CLICK_POINTS = 2_601  # 51×51: every cell clickable up to 50×50, strided beyond (SVG cost)


def cell_texts(M: np.ndarray) -> list[list[str]]:
    """Each cell of ``M`` as the text written in it (:func:`explorer.logic.formatting.cell`)."""
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
    factors = _add_tables(fig, D, E, cost_label)
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
        fig.add_trace(cell_overlay(n, m), row=2, col=2)
    if selected is not None:
        i, j = selected
        fig.add_shape(type="rect", x0=j - 1.5, x1=j - 0.5, y0=i - 1.5, y1=i - 0.5,
                      line={"color": "#00e5ff", "width": 3}, row=2, col=2)
    _add_margins(fig, x, y)
    finish(
        fig, height=height, margin={"l": 10, "r": 10, "t": 30, "b": 80},
        uirevision=uirevision, clickmode="event+select", dragmode="zoom",
        # below the x axis' title
        legend={"orientation": "h", "x": 0.16, "y": -0.11, "yanchor": "top",
                "bgcolor": "rgba(128,128,128,0.25)"},
        plot_bgcolor="rgba(0,0,0,0)",
        meta={"reduced": reduced_note(factors, D.shape), "factors": list(factors)},
    )
    return fig


def _add_tables(fig: go.Figure, D: np.ndarray, E: np.ndarray | None, cost_label: str):
    """Δ (and E over it) in the bottom-right cell of :func:`cost_figure`; Δ's block factors."""
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
    return factors


def _add_margins(fig: go.Figure, x: np.ndarray, y: np.ndarray) -> None:
    """The series in the margins of :func:`cost_figure` (x on the left, its values growing to
    the left; y on top), one line per channel, and the axes of the four cells."""
    n, m = len(x), len(y)
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
        kwargs = {"text": cell_texts(R), "texttemplate": "%{text}", "textfont": {"size": 10}}
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
