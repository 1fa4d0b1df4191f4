"""Overview: what soft-DTW is, where to start, and the two series in play."""

import streamlit as st

from explorer.logic import common, formatting
from explorer.plots import style
from explorer.web import registry, sidebar, widgets


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(
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
    st.markdown(f"**x** = {widgets.escape_markdown(sel.x_name)} (n = {sel.n}) · "
                f"**y** = {widgets.escape_markdown(sel.y_name)} (m = {sel.m})"
                + (f" · {sel.dim} channels" if sel.dim > 1 else ""))
    widgets.plot(style.series_figure(sel.x, sel.y), key="home_series")
    st.caption(f"{common.delannoy_text(sel.n, sel.m)} alignment paths between them; "
               f"γ = {sel.gamma_text}, cost = {sel.cost}"
               + (f", band radius {formatting.number(sel.band)}" if sel.band is not None
                  else "") + ".")
    for section, pages in registry.sections().items():
        if not section:  # the Overview itself
            continue
        st.subheader(section)
        for info in pages:
            st.page_link(info.script, label=info.description, icon=info.icon)


widgets.run_page(body)
