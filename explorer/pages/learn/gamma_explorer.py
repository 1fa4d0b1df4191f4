"""Learn 4: how γ moves soft-DTW between DTW and a plain average over all paths."""

from functools import partial

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer import data
from explorer.logic import common, formatting
from explorer.plots import gamma_explorer as plots
from explorer.web import sidebar, widgets
from explorer.web.cached import gamma_explorer as cached

FRAME_MAX = 200  # E frames are shipped at full resolution up to 200×200


def _active_frame(gammas: np.ndarray, gamma: float) -> int:
    if gamma <= 0:
        return 0
    pos = gammas > 0
    k = int(np.argmin(np.abs(np.log(gammas[pos]) - np.log(gamma))))
    return int(np.flatnonzero(pos)[k])


#: The page's title, its introduction and its formulas (:func:`explorer.web.widgets.intro`).
INTRO = (
    "γ explorer",
    "Soft-DTW puts a Gibbs probability on every alignment path A, proportional to "
    "exp(−cost(A)/γ); E is the average alignment under that law. Small γ concentrates "
    "all the mass on the DTW path, large γ spreads it over all paths. **Drag the γ slider "
    "under the heatmap** (it runs in your browser) and watch E and the curves on the "
    "right; the raw soft-DTW value goes negative for large γ, which is why the "
    "divergence exists.",
    r"\begin{gathered} p_\gamma(A) = \frac{e^{-\langle A, \Delta\rangle/\gamma}}{k_{GA}}, \quad "
    r"k_{GA} = \sum_{A} e^{-\langle A, \Delta \rangle/\gamma} = e^{-\mathrm{dtw}_\gamma/"
    r"\gamma}, \\ E = \mathbb{E}_{p_\gamma}[A], \quad D_\gamma(x,y) = "
    r"\mathrm{dtw}_\gamma(x,y) - \tfrac12\left(\mathrm{dtw}_\gamma(x,x) + "
    r"\mathrm{dtw}_\gamma(y,y)\right) \end{gathered}",
)


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(*INTRO)
    mode = widgets.choice_widget(
        st.segmented_control, "Curve", ["raw", "divergence"], key="gx_mode", default="raw",
        url=False, format_func={"raw": "raw dtw_γ", "divergence": "divergence D_γ"}.get,
        help="Raw values are a soft minimum over Delannoy(n−1, m−1) paths and drop below "
             "DTW by up to γ·log(#paths); the divergence subtracts the self-similarities: "
             "it is 0 at x = y and positive between distinct series in practice.")
    frames = cached.gamma_frames(sel.x, sel.y, sel.cost, sel.band, FRAME_MAX)
    sw = cached.gamma_sweep(sel.x, sel.y, sel.cost, sel.band)
    active = _active_frame(frames.gammas, sel.gamma)
    base = cached.gamma_figure(sel.x, sel.y, sel.cost, sel.band, mode, FRAME_MAX)
    fig = go.Figure(plots.with_active_frame(base, active))
    factors = frames.factors
    if factors != (1, 1):
        st.caption(f"E frames are block-averaged by {factors[0]}×{factors[1]} for display "
                   f"(the series have {sel.n} × {sel.m} points); the curves use full "
                   "resolution.")
    widgets.plot(fig, key="gamma_chart")
    st.caption(f"The slider starts at the frame nearest the sidebar's γ = {sel.gamma_text}. "
               "Each frame's colour scale runs from 0 to that frame's largest E, so spread-"
               "out alignments stay visible. Number of paths: "
               f"{common.delannoy_text(sel.n, sel.m)} (max entropy log #paths = "
               f"{formatting.number(sw.log_paths, 4)} nats).")

    widgets.download("Curves over γ (CSV)", partial(data.table_csv, {
        "gamma": sw.gammas, "dtw_gamma(x,y)": sw.value, "dtw_gamma(x,x)": sw.value_xx,
        "dtw_gamma(y,y)": sw.value_yy, "divergence": sw.divergence, "path_entropy": sw.entropy,
        "log_k_GA": sw.log_kga}), "gamma_sweep.csv", "gx_dl_sweep")

    st.subheader("Check: enumerate every path")
    chk = cached.enumeration(sel.x, sel.y, sel.gamma, sel.cost, sel.band)
    if chk.truncated:
        st.markdown(f"The pair has {common.delannoy_text(sel.n, sel.m)} paths, too many to "
                    f"list; the check runs on the first {chk.n} points of x and {chk.m} of y "
                    f"({chk.n_paths:,} paths).")
    else:
        st.markdown(f"All {chk.n_paths:,} paths of this pair are listed, each weighted by "
                    "its Gibbs probability, and their average is compared with the E from "
                    "the dynamic programme.")
    c = st.columns(3)
    c[0].metric("max |E_enumerated − E_DP|", formatting.number(chk.max_abs_diff, 3))
    c[1].metric("dtw_γ by enumeration", formatting.number(chk.value_enum, 8))
    c[2].metric("dtw_γ by the DP", formatting.number(chk.value_dp, 8))
    if sel.gamma == 0 and chk.max_abs_diff > 1e-9:
        st.caption("At γ = 0 the enumeration averages over all tied optimal paths while the "
                   "DP keeps one of them (tie-break diagonal, up, left), so they can differ.")


widgets.run_page(body)
