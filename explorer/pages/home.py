"""Overview: what soft-DTW is, where to start, and the two series in play."""

import streamlit as st

from explorer import figures, learn, state, ui
from explorer.analysis import escape_markdown


def body() -> None:
    sel = state.selection()
    ui.intro(
        "Soft-DTW Explorer",
        "Dynamic time warping (DTW) measures how similar two time series are after the best "
        "monotone re-timing of one onto the other. **Soft-DTW** (Cuturi & Blondel, ICML 2017) "
        "replaces DTW's minimum over alignments by a smooth *soft*-minimum with a temperature "
        "γ, which makes it differentiable, so it can be used as a loss to average, cluster and "
        "train on time series. Pick two series and γ in the sidebar; every page follows them, "
        "and the page address (URL) records the choice so a link reopens the same view.",
        r"\mathrm{dtw}_\gamma(x, y) = \min{}^{\gamma}_{A \in \mathcal{A}_{n,m}} \langle A, "
        r"\Delta(x, y)\rangle = -\gamma \log \sum_{A \in \mathcal{A}_{n,m}} "
        r"e^{-\langle A, \Delta(x,y) \rangle / \gamma}",
    )
    st.subheader("The series in play")
    st.markdown(f"**x** = {escape_markdown(sel.x_name)} (n = {sel.n}) · "
                f"**y** = {escape_markdown(sel.y_name)} (m = {sel.m})"
                + (f" · {sel.dim} channels" if sel.dim > 1 else ""))
    ui.plot(figures.series_figure(sel.x, sel.y), key="home_series")
    st.caption(f"{learn.delannoy_text(sel.n, sel.m)} alignment paths between them; "
               f"γ = {sel.gamma_text}, cost = {sel.cost}"
               + (f", band radius {sel.band:g}" if sel.band is not None else "") + ".")
    st.subheader("Learn")
    st.page_link("explorer/pages/cost_table.py", label="Cost & DP table: Δ, R, the optimal "
                 "path and the expected alignment; click a cell to see its Bellman update",
                 icon=":material/grid_on:")
    st.page_link("explorer/pages/bellman.py", label="Bellman step-through: the forward and "
                 "backward recursions, cell by cell", icon=":material/step:")
    st.page_link("explorer/pages/softmin.py", label="min^γ: the soft minimum and how γ "
                 "smooths it", icon=":material/functions:")
    st.page_link("explorer/pages/gamma_explorer.py", label="γ explorer: from DTW (γ → 0) to "
                 "very smooth alignments, scrubbed in the browser", icon=":material/tune:")


ui.run_page(body)
