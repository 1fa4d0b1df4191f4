"""Soft-DTW Explorer: entry point (``streamlit run streamlit_app.py``).

Builds the navigation from the page registry (:mod:`explorer.web.registry`; add a page
there), draws the shared sidebar selector (:mod:`explorer.web.sidebar`) and runs the
chosen page.
"""

import streamlit as st

from explorer.web import cache, registry, sidebar, widgets

st.set_page_config(page_title="Soft-DTW Explorer", page_icon=":material/timeline:",
                   layout="wide")

page = st.navigation(registry.navigation())
cache.warm_up()
try:
    sidebar.render_sidebar()
except Exception as exc:  # a broken selection must not leave a traceback on the page
    st.error(f"Could not load the series in play: {widgets.user_message(exc)}")
    st.stop()
page.run()
