"""Learn 4: how γ moves soft-DTW between DTW and a plain average over all paths."""

from functools import partial

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer import compute, downloads, figures, learn, state, ui

FRAME_MAX = 200  # E frames are shipped at full resolution up to 200×200


def _active_frame(gammas: np.ndarray, gamma: float) -> int:
    if gamma <= 0:
        return 0
    pos = gammas > 0
    k = int(np.argmin(np.abs(np.log(gammas[pos]) - np.log(gamma))))
    return int(np.flatnonzero(pos)[k])


def body() -> None:
    sel = state.selection()
    ui.intro(
        "γ explorer",
        "Soft-DTW puts a Gibbs probability on every alignment path A, proportional to "
        "exp(−cost(A)/γ); E is the average alignment under that law. Small γ concentrates "
        "all the mass on the DTW path, large γ spreads it over all paths. **Drag the γ slider "
        "under the heatmap** (it runs in your browser) and watch E and the curves on the "
        "right; the raw soft-DTW value goes negative for large γ, which is why the "
        "divergence exists.",
        r"p_\gamma(A) = \frac{e^{-\langle A, \Delta\rangle/\gamma}}{k_{GA}}, \quad "
        r"k_{GA} = \sum_{A} e^{-\langle A, \Delta \rangle/\gamma} = e^{-\mathrm{dtw}_\gamma/"
        r"\gamma}, \quad E = \mathbb{E}_{p_\gamma}[A], \quad D_\gamma(x,y) = "
        r"\mathrm{dtw}_\gamma(x,y) - \tfrac12\left(\mathrm{dtw}_\gamma(x,x) + "
        r"\mathrm{dtw}_\gamma(y,y)\right)",
    )
    mode = st.segmented_control(
        "Curve", ["raw", "divergence"], default="raw", required=True, key="gx_mode",
        format_func={"raw": "raw dtw_γ", "divergence": "divergence D_γ"}.get,
        help="Raw values are a soft minimum over Delannoy(n−1, m−1) paths and drop below "
             "DTW by up to γ·log(#paths); the divergence subtracts the self-similarities: "
             "it is 0 at x = y and positive between distinct series in practice.")
    gammas, frames, rows, cols, factors = compute.gamma_frames(
        sel.x, sel.y, sel.cost, sel.band, FRAME_MAX)
    sw = compute.sweep(sel.x, sel.y, sel.cost, sel.band)
    active = _active_frame(gammas, sel.gamma)
    base = compute.gamma_figure(sel.x, sel.y, sel.cost, sel.band, mode or "raw", FRAME_MAX)
    fig = go.Figure(figures.with_active_frame(base, active))
    if factors != (1, 1):
        st.caption(f"E frames are block-averaged by {factors[0]}×{factors[1]} for display "
                   f"(the series have {sel.n} × {sel.m} points); the curves use full "
                   "resolution.")
    ui.plot(fig, key="gamma_chart")
    st.caption(f"The slider starts at the frame nearest the sidebar's γ = {sel.gamma_text}. "
               "Each frame's colour scale runs from 0 to that frame's largest E, so spread-"
               "out alignments stay visible. Number of paths: "
               f"{learn.delannoy_text(sel.n, sel.m)} (max entropy log #paths = "
               f"{sw.log_paths:.4g} nats).")

    ui.download("Curves over γ (CSV)", partial(downloads.table_csv, {
        "gamma": sw.gammas, "dtw_gamma(x,y)": sw.value, "dtw_gamma(x,x)": sw.value_xx,
        "dtw_gamma(y,y)": sw.value_yy, "divergence": sw.divergence, "path_entropy": sw.entropy,
        "log_k_GA": sw.log_kga}), "gamma_sweep.csv", "gx_dl_sweep")

    st.subheader("Check: enumerate every path")
    chk = compute.enumeration(sel.x, sel.y, sel.gamma, sel.cost, sel.band)
    if chk.truncated:
        st.markdown(f"The pair has {learn.delannoy_text(sel.n, sel.m)} paths, too many to "
                    f"list; the check runs on the first {chk.n} points of x and {chk.m} of y "
                    f"({chk.n_paths:,} paths).")
    else:
        st.markdown(f"All {chk.n_paths:,} paths of this pair are listed, each weighted by "
                    "its Gibbs probability, and their average is compared with the E from "
                    "the dynamic programme.")
    c = st.columns(3)
    c[0].metric("max |E_enumerated − E_DP|", f"{chk.max_abs_diff:.2e}")
    c[1].metric("dtw_γ by enumeration", f"{chk.value_enum:.8g}")
    c[2].metric("dtw_γ by the DP", f"{chk.value_dp:.8g}")
    if sel.gamma == 0 and chk.max_abs_diff > 1e-9:
        st.caption("At γ = 0 the enumeration averages over all tied optimal paths while the "
                   "DP keeps one of them (tie-break diagonal, up, left), so they can differ.")


ui.run_page(body)
