"""Soft-DTW Explorer: entry point (``streamlit run streamlit_app.py``).

Builds the navigation from the page registry (:mod:`explorer.web.registry`; add a page
there), starts the background warm-up of the soft-DTW kernels on the server's first run
(:mod:`explorer.web.kernels`), draws the shared sidebar selector (:mod:`explorer.web.sidebar`)
and runs the chosen page once the kernels it needs are ready.
"""

import streamlit as st

from explorer.web import kernels, registry, sidebar, widgets

st.set_page_config(page_title="Soft-DTW Explorer", page_icon=":material/timeline:",
                   layout="wide")

page = st.navigation(registry.navigation())
kernels.WARMUP.start()
try:
    sidebar.render_sidebar()
except Exception as exc:  # a broken selection must not leave a traceback on the page
    st.error(f"Could not load the series in play: {widgets.user_message(exc)}")
    st.stop()
kernels.sidebar_status()
kernels.require(registry.current(page).kernels)
page.run()
