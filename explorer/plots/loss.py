"""Figures of the Learn page *DTW as a loss*: the line through series space, the gradients
as arrows, and gradient descent on each loss.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the conventions of
:mod:`explorer.plots.style`. The line and the descent ship every frame and scrub them with a
Plotly slider: no server round trip. Their traces are written as plain dicts and the frames
attached to the finished figure's dict (:func:`_with_frames`): building one ``go.Scatter``
per trace and frame costs seconds for the line's 31 frames, a dict a fraction of that.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .cost_table import cost_figure
from .style import (
    E_SCALE,
    X_COLOUR,
    Y_COLOUR,
    channel_of,
    f32,
    finish,
    frame_slider,
    play_button,
    safe,
)

__all__ = [
    "DTW_COLOUR",
    "descent_figure",
    "figure_from_dict",
    "gamma_colour",
    "gradient_figure",
    "line_figure",
    "switch_figure",
]

DTW_COLOUR = "#111111"
EUCLID_COLOUR = "#2ca02c"
_GAMMA_PALETTE = ("#d62728", "#ff7f0e", "#9467bd", "#17becf", "#8c564b")
BEFORE_COLOUR = "#ffffff"
AFTER_COLOUR = "#00e5ff"
SWITCH_COLOUR = "rgba(120, 120, 120, 0.55)"
# above the plot, with a fixed width per entry (Plotly otherwise measures the entries before
# the web font has loaded and can clip the last one)
TOP_LEGEND = {"orientation": "h", "x": 0.0, "y": 1.06, "yanchor": "bottom", "font": {"size": 12},
              "entrywidth": 175, "entrywidthmode": "pixels"}


def gamma_colour(k: int, gamma: float) -> str:
    """The colour of the k-th curve of a list whose γ = 0 (DTW) is drawn in black."""
    return DTW_COLOUR if gamma == 0 else _GAMMA_PALETTE[(k - 1) % len(_GAMMA_PALETTE)]


def gamma_name(gamma: float) -> str:
    return "dtw₀ (DTW)" if gamma == 0 else f"dtw_γ, γ = {formatting.number(gamma)}"


def _series(v, name, colour, *, width=2.0, opacity=1.0, dash="solid", showlegend=True,
            **axes) -> dict:
    return {"type": "scatter", "x": np.arange(len(v), dtype=np.int32), "y": f32(v),
            "mode": "lines", "name": name, "opacity": opacity, "showlegend": showlegend,
            "line": {"color": colour, "width": width, "dash": dash},
            "hovertemplate": f"{name}<br>t=%{{x}}<br>value=%{{y:.4g}}<extra></extra>", **axes}


def _markers(xs, ys, colours, **axes) -> dict:
    """One marker per curve at the current t (a frame-updated trace pinned to its axes)."""
    return {"type": "scatter", "x": f32(xs), "y": f32(ys), "mode": "markers",
            "showlegend": False, "name": "at t",
            "marker": {"size": 10, "color": list(colours),
                       "line": {"width": 1, "color": "#ffffff"}},
            "hovertemplate": "t=%{x:.4g}<br>%{y:.5g}<extra></extra>", **axes}


def _vlines(ts, lo, hi, *, name) -> dict:
    """Vertical dotted lines at ``ts`` from ``lo`` to ``hi`` (one trace, NaN breaks)."""
    xs = np.repeat(np.asarray(ts, dtype=np.float64), 3)
    ys = np.tile([lo, hi, np.nan], len(ts))
    xs[2::3] = np.nan
    return {"type": "scatter", "x": f32(xs), "y": f32(ys), "mode": "lines", "name": name,
            "hoverinfo": "skip", "line": {"color": SWITCH_COLOUR, "width": 1, "dash": "dot"}}


def _heatmap(E, rows, cols, **axes) -> dict:
    E = np.asarray(E, dtype=np.float64)
    zmax = float(np.nanmax(E)) if E.size and np.isfinite(np.nanmax(E)) else 1.0
    return {"type": "heatmap", "z": f32(E), "x": cols, "y": rows, "colorscale": E_SCALE,
            "zmin": 0.0, "zmax": max(zmax, 1e-12), "name": "E",
            "colorbar": {"title": {"text": "E"}, "x": 1.0, "y": 0.79, "len": 0.42,
                         "thickness": 12},
            "hovertemplate": "i=%{y}, j=%{x}<br>E=%{z:.3g}<extra></extra>", **axes}


def _axes(fig: go.Figure, index: int) -> dict:
    """The axes a trace of the figure was put on (frame traces must name them)."""
    return {"xaxis": fig.data[index].xaxis, "yaxis": fig.data[index].yaxis}


def _with_frames(fig: go.Figure, frames: list[dict]) -> go.Figure:
    """The figure with animation frames given as plain dicts (:func:`figure_from_dict`)."""
    spec = fig.to_dict()
    spec["frames"] = frames
    return figure_from_dict(spec)


def figure_from_dict(spec: dict) -> go.Figure:
    """A figure back from the ``to_dict()`` of a figure builder (e.g. a cached one).

    Its traces were validated when it was built (animation frames repeat them with other
    data), so Plotly's validation is skipped (``_validate=False``: ten times faster here).
    """
    return go.Figure(spec, _validate=False)


def line_figure(x, y, V, scan, frames, *, gamma: float, channel: int = 0,
                names: tuple[str, str] = ("x", "y"), uirevision: str = "line") -> go.Figure:
    """x(t) = x + tV against y, E at t, and dtw_γ(x(t), y) and its slope along V.

    ``scan`` is a :class:`explorer.logic.loss.LineScan`, ``frames`` the matching
    :class:`~explorer.logic.loss.LineFrames` (E for the sidebar's ``gamma``). Each frame of
    the slider moves x(t), swaps E and moves one marker per curve; the dotted vertical lines
    are the values of t where the optimal alignment A* changes. Values are drawn as changes
    from t = 0 (soft-DTW values of long series lie far below DTW's: a soft minimum over
    Delannoy(n − 1, m − 1) paths), which leaves the slopes as they are.
    """
    ts, gammas = scan.ts, scan.gammas
    change = scan.values - scan.values[:, [int(np.argmin(np.abs(ts)))]]
    active = len(frames.ts) // 2
    fig = make_subplots(
        rows=2, cols=2, horizontal_spacing=0.1, vertical_spacing=0.16,
        subplot_titles=(f"{safe(names[0])}(t) = x + tV against {safe(names[1])}",
                        "E at t" + (" (γ = 0: the path A*)" if gamma == 0 else
                                    f" (γ = {formatting.number(gamma)})"),
                        "change of the loss: L(x(t), y) − L(x, y)",
                        "slope along V: d/dt = ⟨∇ₓ, V⟩"))
    xv, yv = channel_of(x, channel), channel_of(y, channel)
    vv = channel_of(V, channel)

    def moved(t):
        return xv + t * vv

    fig.add_trace(_series(yv, safe(names[1]), Y_COLOUR), row=1, col=1)
    fig.add_trace(_series(xv, f"{safe(names[0])} (t = 0)", X_COLOUR, width=1.2, opacity=0.4,
                          dash="dot"), row=1, col=1)
    fig.add_trace(_series(moved(frames.ts[active]), f"{safe(names[0])}(t)", X_COLOUR,
                          width=2.5), row=1, col=1)
    fig.add_trace(_heatmap(frames.frames[active], frames.rows, frames.cols), row=1, col=2)
    colours = [gamma_colour(k, g) for k, g in enumerate(gammas)]
    for panel, data in ((1, change), (2, scan.slopes)):
        for k, g in enumerate(gammas):
            current = g == gamma and g != 0
            fig.add_trace({
                "type": "scatter", "x": f32(ts), "y": f32(data[k]), "mode": "lines",
                "name": gamma_name(g) + (" (sidebar)" if current else ""),
                "legendgroup": f"g{k}", "showlegend": panel == 1,
                "line": {"color": colours[k], "width": 3 if g == 0 or current else 1.6},
                "hovertemplate": "t=%{x:.4g}<br>%{y:.5g}<extra></extra>"}, row=2, col=panel)
        if scan.switches:
            finite = data[np.isfinite(data)]
            fig.add_trace({**_vlines([s.t for s in scan.switches], float(finite.min()),
                                     float(finite.max()), name="A* changes"),
                           "showlegend": panel == 1, "legendgroup": "switch"},
                          row=2, col=panel)
    marker_idx = []
    for panel, data in ((1, change), (2, scan.slopes)):
        k0 = frames.index[active]
        fig.add_trace(_markers([ts[k0]] * len(gammas), data[:, k0], colours), row=2,
                      col=panel)
        marker_idx.append(len(fig.data) - 1)
    labels = [formatting.fixed(t, 2) for t in frames.ts]

    def frame(f):
        k = frames.index[f]
        return {"name": labels[f], "traces": [2, 3, *marker_idx], "data": [
            _series(moved(frames.ts[f]), f"{safe(names[0])}(t)", X_COLOUR, width=2.5,
                    **_axes(fig, 2)),
            _heatmap(frames.frames[f], frames.rows, frames.cols, **_axes(fig, 3)),
            *(_markers([ts[k]] * len(gammas), data[:, k], colours, **_axes(fig, i))
              for data, i in zip((change, scan.slopes), marker_idx))]}

    lo, hi = _span([moved(t) for t in (ts[0], ts[-1])] + [yv])
    fig.update_yaxes(range=[lo, hi], row=1, col=1, title_text="value")
    # standoff: the x axis' first label clear of the y axis' last one
    fig.update_xaxes(title_text="time index", ticklabelstandoff=4, row=1, col=1)
    fig.update_yaxes(autorange="reversed", title_text="i (x)", row=1, col=2)
    fig.update_xaxes(title_text="j (y)", row=1, col=2)
    for panel in (1, 2):
        fig.update_xaxes(title_text="t", ticklabelstandoff=4, row=2, col=panel)
    finish(fig, height=800, uirevision=uirevision,
           margin={"l": 10, "r": 10, "t": 90, "b": 10}, legend=TOP_LEGEND,
           sliders=[frame_slider(labels, active, "t = ", pad={"t": 60, "b": 0}, x=0.08,
                                 len=0.92)],
           updatemenus=[play_button("▶", 250, x=0.0, y=0.0, xanchor="left",
                                    pad={"t": 70})])
    return _with_frames(fig, [frame(f) for f in range(len(frames.ts))])


def _span(arrays, pad=0.06):
    vals = np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])
    vals = vals[np.isfinite(vals)]
    lo, hi = (float(vals.min()), float(vals.max())) if vals.size else (-1.0, 1.0)
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - pad * span, hi + pad * span


def switch_figure(x_at, y, D, switch, *, uirevision: str = "switch") -> go.Figure:
    """Δ at a change of A* with the optimal path just before (white) and after (cyan)."""
    fig = cost_figure(x_at, y, D, clickable=False, uirevision=uirevision, height=560)
    for path, colour, name, dash in ((switch.path_before, BEFORE_COLOUR, "A* just before",
                                      "solid"),
                                     (switch.path_after, AFTER_COLOUR, "A* just after",
                                      "dash")):
        P = np.asarray(path)
        fig.add_trace(go.Scatter(x=P[:, 1].astype(np.int32), y=P[:, 0].astype(np.int32),
                                 mode="lines", name=name, hoverinfo="skip",
                                 line={"color": colour, "width": 2.5, "dash": dash}),
                      row=2, col=2)
    return fig


def _arrows(v, g, scale, *, name, colour, xaxis_t="t"):
    """Vertical arrows from (i, v_i) to (i, v_i + scale g_i): segments and tip markers."""
    n = len(v)
    i = np.arange(n, dtype=np.float64)
    tip = v + scale * g
    xs = np.stack([i, i, np.full(n, np.nan)], axis=1).ravel()
    ys = np.stack([v, tip, np.full(n, np.nan)], axis=1).ravel()
    seg = go.Scatter(x=f32(xs), y=f32(ys), mode="lines", name=name, hoverinfo="skip",
                     line={"color": colour, "width": 1.6}, legendgroup=name)
    head = go.Scatter(x=f32(i), y=f32(tip), mode="markers", showlegend=False,
                      legendgroup=name, name=name,
                      marker={"symbol": np.where(g >= 0, "triangle-up", "triangle-down"),
                              "size": 7, "color": colour},
                      customdata=f32(g),
                      hovertemplate=f"{xaxis_t}=%{{x}}<br>component %{{customdata:.3g}}"
                                    "<extra></extra>")
    return seg, head


def gradient_figure(x, y, view, *, channel: int = 0, gamma_text: str = "",
                    names: tuple[str, str] = ("x", "y"),
                    uirevision: str = "grad") -> go.Figure:
    """−∇ dtw_γ (left) and −∇ ||x − y||² (right) as arrows on the points of x.

    Each field is scaled so that its longest arrow spans a quarter of the plot's height:
    the figure compares directions and relative sizes, the CSV has the values.
    """
    xv, yv = channel_of(x, channel), channel_of(y, channel)
    soft, euclid = channel_of(view.soft, channel), channel_of(view.euclid, channel)
    target = yv if not view.resampled else np.interp(
        np.linspace(0, 1, len(xv)), np.linspace(0, 1, len(yv)), yv)
    lo, hi = _span([xv, yv])
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(f"−∇ₓ dtw_γ ({gamma_text})",
                                        "−∇ₓ ‖x − y‖²" + (" (y resampled to x's length)"
                                                          if view.resampled else "")))
    for col, (g, colour, name, ref) in enumerate(
            ((soft, "#d62728", "−∇ soft-DTW", yv), (euclid, EUCLID_COLOUR, "−∇ Euclidean",
                                                     target)), start=1):
        fig.add_trace(_series(ref, safe(names[1]), Y_COLOUR, width=1.5, opacity=0.55,
                              showlegend=col == 1), row=1, col=col)
        fig.add_trace(_series(xv, safe(names[0]), X_COLOUR, showlegend=col == 1), row=1,
                      col=col)
        top = float(np.max(np.abs(g))) if g.size else 0.0
        scale = 0.25 * (hi - lo) / top if top > 0 else 0.0
        for trace in _arrows(xv, g, scale, name=name, colour=colour):
            fig.add_trace(trace, row=1, col=col)
    fig.update_xaxes(title_text="time index")
    fig.update_yaxes(title_text="value", row=1, col=1)
    finish(fig, height=420, uirevision=uirevision,
           margin={"l": 10, "r": 10, "t": 40, "b": 10},
           legend={"orientation": "h", "y": -0.2, "x": 0})
    return fig


def descent_figure(desc, y, *, channel: int = 0, max_frames: int = 51,
                   uirevision: str = "descent") -> go.Figure:
    """Gradient descent on each loss: X_k against y (top, one panel per loss) and the
    common yardsticks dtw_0(X_k, y) and ‖X_k − y‖² against k (bottom); the slider moves k."""
    names = list(desc.names)
    L = len(names)
    half = (L + 1) // 2
    bottom = [{"colspan": half}] + [None] * (half - 1) + [{"colspan": L - half}] + \
        [None] * (L - half - 1)
    fig = make_subplots(rows=2, cols=L, specs=[[{}] * L, bottom], row_heights=[0.55, 0.45],
                        shared_yaxes=False, horizontal_spacing=0.05, vertical_spacing=0.16,
                        subplot_titles=[desc.labels[n] for n in names]
                        + ["DTW to y: dtw₀(X_k, y)", "Euclidean: ‖X_k − y‖²"])
    colours = {n: EUCLID_COLOUR if n == "euclidean" else _GAMMA_PALETTE[k % 5]
               for k, n in enumerate(names)}
    yv = channel_of(y, channel)
    last = max(len(desc.iterates[n]) for n in names) - 1
    steps = np.unique(np.linspace(0, last, min(max_frames, last + 1)).round().astype(int))

    def iterate(n, k):
        its = desc.iterates[n]
        return channel_of(its[min(k, len(its) - 1)], channel)

    x_idx = []
    for c, n in enumerate(names, start=1):
        fig.add_trace(_series(yv, "y (target)", Y_COLOUR, width=1.5, opacity=0.55,
                              showlegend=c == 1), row=1, col=c)
        fig.add_trace(_series(iterate(n, 0), "X_k", colours[n], width=2.5,
                              showlegend=False), row=1, col=c)
        x_idx.append(len(fig.data) - 1)
    marker_idx = []
    for col, key in ((1, "dtw"), (half + 1, "euclidean")):
        curves = getattr(desc, key)
        for n in names:
            v = curves[n]
            fig.add_trace({"type": "scatter", "x": np.arange(len(v), dtype=np.int32),
                           "y": f32(v), "mode": "lines", "name": desc.labels[n],
                           "legendgroup": n, "showlegend": col == 1,
                           "line": {"color": colours[n], "width": 2}}, row=2, col=col)
        fig.add_trace(_markers([0] * L, [curves[n][0] for n in names],
                               [colours[n] for n in names]), row=2, col=col)
        marker_idx.append(len(fig.data) - 1)

    def at(curve, k):
        return curve[min(k, len(curve) - 1)]

    def frame(k):
        data = [_series(iterate(n, k), "X_k", colours[n], width=2.5, showlegend=False,
                        **_axes(fig, i)) for n, i in zip(names, x_idx)]
        for key, i in zip(("dtw", "euclidean"), marker_idx):
            curves = getattr(desc, key)
            data.append(_markers([min(k, len(curves[n]) - 1) for n in names],
                                 [at(curves[n], k) for n in names],
                                 [colours[n] for n in names], **_axes(fig, i)))
        return {"name": str(k), "traces": [*x_idx, *marker_idx], "data": data}

    lo, hi = _span([yv] + [channel_of(Z, channel) for n in names for Z in desc.iterates[n]])
    for c in range(1, L + 1):
        fig.update_yaxes(range=[lo, hi], row=1, col=c, showticklabels=c == 1)
    fig.update_xaxes(title_text="iteration k", row=2)
    fig.update_yaxes(type="log", row=2)
    fig.update_yaxes(exponentformat="power", row=2)
    finish(fig, height=680, uirevision=uirevision,
           margin={"l": 10, "r": 10, "t": 90, "b": 10}, legend=TOP_LEGEND,
           sliders=[frame_slider([str(int(k)) for k in steps], 0, "iteration k = ",
                                 pad={"t": 50, "b": 0}, x=0.08, len=0.92)],
           updatemenus=[play_button("▶", 150, x=0.0, y=0.0, xanchor="left",
                                    pad={"t": 60})])
    return _with_frames(fig, [frame(int(k)) for k in steps])
