"""Figures of the *Use* pages Interpolation, Barycenters and Prediction.

Pure Plotly: arrays in, ``go.Figure`` out (no Streamlit), with the colours, template and
conventions of :mod:`explorer.plots.style`. Multichannel series are drawn one channel at a
time (``channel``); the numbers and downloads always keep every channel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.logic import formatting

from .style import (
    SERIES_COLOURS,
    X_COLOUR,
    Y_COLOUR,
    channel_of,
    f32,
    finish,
    frame_slider,
    joined,
    play_button,
)

__all__ = [
    "METHOD_COLOURS",
    "barycenter_figure",
    "gamma_sweep_figure",
    "interpolation_figure",
    "loss_curves_figure",
    "objective_trace_figure",
    "prediction_figure",
]

METHOD_COLOURS = {
    "euclidean": "#2ca02c",
    "dba": "#1f77b4",
    "softdtw": "#d62728",
    "dilate": "#ff7f0e",
    "template": "#222222",
}
INTERP_COLOUR = "#9467bd"
MEMBER_COLOUR = "rgba(110, 110, 110, 0.28)"
INPUT_COLOUR = "#7f7f7f"
PHASE_COLOURS = {"init": "#444444", "mm": "#ff7f0e", "lbfgs": "#d62728",
                 "subgradient": "#8c564b"}


# a horizontal legend above the plot, with a fixed width per entry (Plotly otherwise measures
# the entries before the web font has loaded and can clip the last one)
_TOP_LEGEND = {"orientation": "h", "x": 0.0, "y": 1.1, "yanchor": "bottom",
               "entrywidth": 185, "entrywidthmode": "pixels"}


def _line(s, *, name, colour, width=2.5, dash="solid", start=0, showlegend=True,
          opacity=1.0, channel=0, legendgroup=None, xaxis_name="t"):
    v = channel_of(s, channel)
    return go.Scatter(
        x=np.arange(start, start + len(v), dtype=np.int32), y=f32(v), mode="lines",
        name=name, line={"color": colour, "width": width, "dash": dash}, opacity=opacity,
        showlegend=showlegend, legendgroup=legendgroup,
        hovertemplate=f"{name}<br>{xaxis_name}=%{{x}}<br>value=%{{y:.4g}}<extra></extra>",
    )


def _members_trace(members: Sequence, channel: int, *, showlegend=True,
                   name: str = "members") -> go.Scatter:
    """All members as one faint trace (:func:`explorer.plots.style.joined`)."""
    x, y = joined(members, channel)
    return go.Scatter(x=x, y=y, mode="lines", name=f"{name} ({len(members)})",
                      line={"color": MEMBER_COLOUR, "width": 1}, hoverinfo="skip",
                      showlegend=showlegend, legendgroup="members", connectgaps=False)


def _range(arrays, pad=0.06):
    vals = np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return [-1.0, 1.0]
    lo, hi = float(vals.min()), float(vals.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return [lo - pad * span, hi + pad * span]


# --------------------------------------------------------------------------- interpolation


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
        fig.add_trace(_line(x, name=f"{names[0]} (weight λ)", colour=X_COLOUR, width=1.5,
                            opacity=0.45, channel=channel, showlegend=first, legendgroup="x"),
                      row=1, col=col)
        fig.add_trace(_line(y, name=f"{names[1]} (weight 1 − λ)", colour=Y_COLOUR, width=1.5,
                            opacity=0.45, channel=channel, showlegend=first, legendgroup="y"),
                      row=1, col=col)
        seq = soft if first else euclid
        fig.add_trace(_line(seq[active], name="soft-DTW interpolant" if first
                            else "Euclidean interpolant",
                            colour=INTERP_COLOUR if first else METHOD_COLOURS["euclidean"],
                            width=3, channel=channel), row=1, col=col)
    idx = [2, 5]
    labels = [formatting.fixed(lam, 2) for lam in lams]

    def frame(k):
        return go.Frame(
            name=labels[k], traces=idx,
            data=[_line(soft[k], name="soft-DTW interpolant", colour=INTERP_COLOUR, width=3,
                        channel=channel),
                  _line(euclid[k], name="Euclidean interpolant",
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
        legend=_TOP_LEGEND,
        sliders=[frame_slider(labels, active, "λ = ", pad={"t": 45, "b": 0}, x=0.08,
                              len=0.92)],
        updatemenus=[play_button("▶", 250, x=0.0, y=0.0, xanchor="left", pad={"t": 55})],
    )
    return fig


# --------------------------------------------------------------------------- barycenters


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
        fig.add_trace(_line(template, name="true template", colour=METHOD_COLOURS["template"],
                            width=2, dash="dash", channel=channel))
    for k, (key, (label, s)) in enumerate(barycenters.items()):
        fig.add_trace(_line(s, name=label, width=3, channel=channel,
                            colour=METHOD_COLOURS.get(key, SERIES_COLOURS[k % 6])))
    fig.update_xaxes(title_text="time index")
    fig.update_yaxes(title_text="value" + (f" (channel {channel})" if channel else ""))
    finish(fig, height=height, uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            legend={**_TOP_LEGEND, "y": 1.02})
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
            fig.add_trace(_line(template, name="true template", colour="#222222", width=1.5,
                                dash="dash", channel=channel, showlegend=c == 0,
                                legendgroup="template"), row=1, col=c + 1)
        fig.add_trace(_line(barycenters[c], name="soft-DTW barycenter", width=2.5,
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


# --------------------------------------------------------------------------- prediction


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
        fig.add_trace(_line(inputs[i], name="input (first part)", colour=INPUT_COLOUR,
                            width=1.8, channel=channel, showlegend=first, legendgroup="in"),
                      row=1, col=c)
        fig.add_trace(_line(truth[i], name="truth (the rest)", colour="#111111", width=2,
                            dash="dot", start=n_in, channel=channel, showlegend=first,
                            legendgroup="truth"), row=1, col=c)
        for k, (key, (label, P)) in enumerate(predictions.items()):
            fig.add_trace(_line(P[i], name=f"prediction, {label} loss", width=2.5, start=n_in,
                                colour=METHOD_COLOURS.get(key, SERIES_COLOURS[k % 6]),
                                channel=channel, showlegend=first, legendgroup=key),
                          row=1, col=c)
        fig.add_vline(x=n_in - 0.5, line={"color": "#bbbbbb", "width": 1, "dash": "dash"},
                      row=1, col=c)
    fig.update_xaxes(title_text="time index")
    finish(fig, height=420, uirevision=uirevision,
            margin={"l": 10, "r": 10, "t": 80, "b": 10},
            legend={**_TOP_LEGEND, "y": 1.12, "entrywidth": 260})
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
