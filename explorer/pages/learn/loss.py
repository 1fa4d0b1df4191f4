"""Learn 5: DTW as a loss — its derivative jumps, soft-DTW's does not; the gradient; descent."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import formatting
from explorer.logic import loss as logic
from explorer.plots import loss as plots
from explorer.web import sidebar, widgets
from explorer.web.cached import loss as cached


def _line(sel, x, y, channel) -> None:
    st.header("1. Along a line in series space")
    st.markdown(
        "Move x along a straight line x(t) = x + tV and watch both losses. Every alignment A "
        "gives a cost ⟨A, Δ(x(t), y)⟩ that is a quadratic function of t; DTW is their "
        "minimum, so it is **piecewise quadratic** and its slope **jumps** wherever the "
        "optimal alignment A* changes (the dotted lines, located by bisection on the path). "
        "Soft-DTW takes a soft minimum instead: its slope ⟨E, ∂Δ/∂t⟩ is continuous, and "
        "smoother for larger γ. **Drag the t slider under the figure** (it runs in your "
        "browser).")
    st.latex(r"\mathrm{dtw}_0(x + tV, y) = \min_{A} \langle A, \Delta(x + tV, y)\rangle, "
             r"\qquad \frac{d}{dt}\,\mathrm{dtw}_\gamma(x + tV, y) = \langle \nabla_x "
             r"\mathrm{dtw}_\gamma, V\rangle = \Big\langle E_\gamma, \frac{\partial \Delta}"
             r"{\partial t}\Big\rangle")
    c = st.columns([2, 1])
    kind = widgets.choice_widget(
        c[0].segmented_control, "Direction V", list(logic.DIRECTIONS), key="ls_dir",
        default="point", help="; ".join(f"{k}: {v}" for k, v in logic.DIRECTIONS.items()))
    point = 0
    if kind == "point":
        point = int(widgets.number_widget(c[1].number_input, f"Point moved (0–{len(x) - 1})",
                                          0, len(x) - 1, key="ls_pt", default=len(x) // 2,
                                          step=1))
    d = logic.direction(x, kind, point=point, channel=channel)
    st.caption(f"V: {d.text}; t runs from −{formatting.number(d.t_max)} to "
               f"{formatting.number(d.t_max)}.")
    if not np.any(d.V):
        st.info("This direction does not move x (a single point, or a constant series): "
                "every curve is flat. Choose another direction or other series.")
    if sel.cost == "absolute":
        st.info("With the absolute cost Δᵢⱼ = |xᵢ − yⱼ| has kinks of its own wherever "
                "xᵢ(t) = yⱼ, so even soft-DTW's slope jumps there; choose the squared "
                "Euclidean cost in the sidebar to see the smoothing alone.")
    args = (x, y, kind, point, channel, sel.gamma, sel.cost, sel.band)
    scan, frames = cached.loss_scan(*args), cached.loss_frames(*args)
    widgets.plot(plots.figure_from_dict(cached.loss_line_figure(*args)), key="loss_line")
    if frames.factors != (1, 1):
        st.caption(f"E is block-averaged by {frames.factors[0]}×{frames.factors[1]} for "
                   "display; the curves use the full tables.")
    m = st.columns(3)
    m[0].metric("Changes of A* along the line", scan.n_changes,
                help=f"Grid intervals (of {len(scan.ts) - 1}) where the optimal path differs "
                     "at both ends.")
    m[1].metric("Largest slope jump of DTW", formatting.number(scan.largest_jump(0), 3),
                help="Largest change of dtw₀'s slope between neighbouring values of t.")
    g = scan.gammas.index(sel.gamma) if sel.gamma > 0 else 1
    m[2].metric(f"… of soft-DTW, γ = {formatting.number(scan.gammas[g])}",
                formatting.number(scan.largest_jump(g), 3),
                help="Soft-DTW's slope is continuous: this shrinks as the grid is refined "
                     "(its curvature is at most of order 1/γ).")
    columns = {"t": scan.ts}
    for k, gm in enumerate(scan.gammas):
        columns[f"value gamma={formatting.number(gm)}"] = scan.values[k]
        columns[f"slope gamma={formatting.number(gm)}"] = scan.slopes[k]
    widgets.download("Curves along the line (CSV)", partial(data.table_csv, columns),
                     "loss_line.csv", "ls_dl_line")
    _switches(sel, (x, y, kind, point, channel), scan)


def _switches(sel, line, scan) -> None:
    """The changes of A* along the line ``(x, y, kind, point, channel)``."""
    st.subheader("Where the optimal alignment changes")
    if not scan.switches:
        st.markdown("A* is the same path all along this line: DTW is a single quadratic of t "
                    "here, with no kink. Try another direction or point.")
        return
    located = len(scan.switches)
    st.markdown(
        f"A* changes in {scan.n_changes} grid intervals; {located} are located by bisection "
        f"{'(those with the largest slope jumps) ' if located < scan.n_changes else ''}"
        "to about 10⁻¹⁰ of the range. At each, two paths have the same cost and DTW's slope "
        "jumps from one path's slope to the other's, always downwards: the minimum of "
        "smooth functions has concave kinks.")
    table = {"t": [s.t for s in scan.switches], "dtw_0": [s.value for s in scan.switches],
             "slope before": [s.slope_before for s in scan.switches],
             "slope after": [s.slope_after for s in scan.switches],
             "jump": [s.jump for s in scan.switches]}
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", height=200,
                 column_config={k: st.column_config.NumberColumn(format="%.6g")
                                for k in table})
    largest = int(np.argmax(np.abs(table["jump"])))
    choice = widgets.choice_widget(
        st.selectbox, "Change shown on Δ", list(range(located)), key="ls_sw", default=largest,
        url=False, format_func=lambda k: f"t = {formatting.number(scan.switches[k].t, 6)} "
                                         f"(slope jump {formatting.number(table['jump'][k], 3)})")
    switch = scan.switches[choice]
    widgets.plot(plots.figure_from_dict(cached.loss_switch_figure(*line, sel.cost, sel.band,
                                                                 choice)), key="loss_switch")
    st.caption(f"Δ at t = {formatting.number(switch.t, 8)}, where both paths cost "
               f"{formatting.number(switch.value, 8)}: the optimal path just before (white) "
               "and just after (cyan dashed). Compare with E at the current t in the figure "
               "above (set the sidebar's γ to 0 to see A* itself there).")
    widgets.download("Changes of A* (CSV)", partial(data.table_csv, table), "loss_switches.csv",
                     "ls_dl_switches")


def _gradient(sel, x, y, channel) -> None:
    st.header("2. The gradient, drawn")
    st.markdown(
        "Gradient descent moves each point of x along −∇. The Euclidean loss pulls xᵢ "
        "straight towards yᵢ, the point at the same time. Soft-DTW pulls it towards the "
        "points of y it is aligned with, weighted by E: it matches shapes, not timestamps. "
        "Both fields are drawn with the same longest arrow (the CSV has the values).")
    st.latex(r"-\nabla_x \mathrm{dtw}_\gamma(x, y) = -2\big(\mathrm{diag}(E\mathbf{1})\,x - "
             r"E\,y\big), \qquad -\nabla_x \lVert x - y\rVert^2 = -2\,(x - y)")
    view = cached.loss_gradient(x, y, sel.gamma, sel.cost, sel.band)
    arrows, pulls = cached.loss_gradient_figures(x, y, sel.gamma, sel.cost, sel.band, channel,
                                                f"γ = {sel.gamma_text}")
    widgets.plot(plots.figure_from_dict(arrows), key="loss_grad")
    if view.resampled:
        st.caption("x and y have different lengths: the Euclidean loss compares x with y "
                   "linearly resampled to x's length.")
    if sel.gamma == 0:
        st.caption("At γ = 0 the arrows follow the one optimal path (a subgradient of DTW).")
    st.markdown("Which points of y pull each xᵢ: the lines join i to j with an opacity that "
                "grows with Eᵢⱼ (x is drawn above y).")
    widgets.plot(plots.figure_from_dict(pulls), key="loss_pulls")
    flat = {"i": np.arange(len(x))}
    for name, g in (("minus_grad_softdtw", view.soft), ("minus_grad_euclidean", view.euclid)):
        g2 = np.asarray(g).reshape(len(x), -1)
        for k in range(g2.shape[1]):
            flat[name if g2.shape[1] == 1 else f"{name}_ch{k}"] = g2[:, k]
    widgets.download("Both gradients (CSV)", partial(data.table_csv, flat), "loss_gradients.csv",
                     "ls_dl_grad")


def _descent(sel, x, y, channel) -> None:
    st.header("3. Descending the loss")
    st.markdown(
        "Start from x and take gradient steps on each loss towards y. The Euclidean loss "
        "drags every point to y's point at the same time; soft-DTW only needs the *shape* to "
        "match and tolerates shifts, and with a small γ the steps follow one alignment and "
        "can get stuck on a poor one. **Scrub the iterations** under the figure.")
    st.latex(r"X_{k+1} = X_k - \eta\, \nabla L(X_k), \qquad L \in \big\{\lVert X - y "
             r"\rVert^2,\ \mathrm{dtw}_\gamma(X, y)\big\}")
    c = st.columns([2, 1, 1])
    options = [formatting.number(g) for g in logic.DESCENT_GAMMAS]
    chosen = widgets.choice_widget(
        c[0].multiselect, "γ of the soft-DTW losses (up to 3)", options, key="ls_gd_g",
        default=["1", "0.01"], max_selections=3)
    eta = float(widgets.number_widget(c[1].number_input, "Step size η", 0.01, 0.5,
                                      key="ls_eta", default=0.1, step=0.01))
    steps = int(widgets.number_widget(
        c[2].number_input, f"Steps (≤ {logic.MAX_DESCENT_STEPS})", 1, logic.MAX_DESCENT_STEPS,
        key="ls_steps", default=60, step=10))
    gammas = tuple(sorted(float(g) for g in chosen))
    desc = cached.loss_descent(x, y, gammas, eta, steps, sel.cost, sel.band)
    if desc.start_resampled:
        st.caption(f"x ({len(x)} points) is linearly resampled to y's {len(y)} points, so "
                   "that the Euclidean loss is defined.")
    for name, k in desc.diverged.items():
        st.warning(f"{desc.labels[name]}: the iterates blew up at step {k}; choose a smaller "
                   "step size η.")
    widgets.plot(plots.figure_from_dict(cached.loss_descent_figure(
        x, y, gammas, eta, steps, sel.cost, sel.band, channel)), key="loss_descent")
    final = {"loss": [desc.labels[n] for n in desc.names],
             "steps done": [len(desc.iterates[n]) - 1 for n in desc.names],
             "final loss": [desc.objective[n][-1] for n in desc.names],
             "dtw_0(X, y)": [desc.dtw[n][-1] for n in desc.names],
             "||X - y||²": [desc.euclidean[n][-1] for n in desc.names]}
    st.dataframe(pd.DataFrame(final), hide_index=True, width="stretch",
                 column_config={k: st.column_config.NumberColumn(format="%.5g")
                                for k in ("final loss", "dtw_0(X, y)", "||X - y||²")})
    st.caption(logic.descent_summary(desc))
    d1, d2 = st.columns(2)
    widgets.download("Final iterates (CSV)", partial(
        data.series_to_csv, [desc.iterates[n][-1] for n in desc.names],
        names=[desc.labels[n] for n in desc.names]), "descent_final.csv", "ls_dl_final",
        container=d1)
    widgets.download("Results (CSV)", partial(data.table_csv, final), "descent_results.csv",
                     "ls_dl_results", container=d2)


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(
        "DTW as a loss",
        "A loss function should be differentiable. DTW is not everywhere: it is a minimum "
        "over alignments, and its gradient jumps wherever the best alignment is not unique. "
        "Soft-DTW smooths the minimum and with it the gradient. Below: DTW and soft-DTW along "
        "a line through series space, the gradient drawn on x, and gradient descent on each "
        "loss. γ comes from the sidebar.",
        r"\begin{gathered}\mathrm{dtw}_\gamma(x, y) = {\min_{A}}^{\gamma} \langle A, "
        r"\Delta(x, y)\rangle, \\ \nabla_x \mathrm{dtw}_\gamma(x, y) = \Big(\frac{"
        r"\partial \Delta}{\partial x}\Big)^{\!\top} E_\gamma, \\ \nabla_x \mathrm{dtw}_0 "
        r"= \Big(\frac{\partial \Delta}{\partial x}\Big)^{\!\top} A^* \ \text{ (only where "
        r"} A^* \text{ is unique)}\end{gathered}",
    )
    x, y, notes = logic.cap_pair(sel.x, sel.y)
    for note in notes:
        st.warning(note)
    channel = widgets.channel_picker(sel.dim, "ls_ch")
    _line(sel, x, y, channel)
    _gradient(sel, x, y, channel)
    _descent(sel, x, y, channel)
    widgets.sharing_caption()


widgets.run_page(body)
