"""Soft-DTW Explorer: entry point (``streamlit run streamlit_app.py``).

Builds the navigation from the page registry (:mod:`explorer.web.registry`; add a page
there), draws the shared sidebar selector (:mod:`explorer.web.sidebar`), starts the
background warm-up of the soft-DTW kernels (:mod:`explorer.web.kernels`) and runs the chosen
page once the kernels it needs are ready, the server's long jobs pausing meanwhile
(:mod:`explorer.web.pausing`).
"""

from pathlib import Path

import streamlit as st

# The tab's icon is a file of the app, sent inline (a Material icon name would have the browser
# fetch it from fonts.gstatic.com: the app must work without internet).
st.set_page_config(page_title="Soft-DTW Explorer",
                   page_icon=str(Path(__file__).parent / "explorer" / "web" / "favicon.svg"),
                   layout="wide")

# A session's first visit: the browser loads the chart library (Plotly, 4.7 MB of
# JavaScript, about a second to download and evaluate on a small machine) only when the
# first chart element reaches it. Sending an empty one now, before the imports below (a
# second on the server's first run), lets it do that while the server works; the element
# is removed once the page's own elements follow. Both happen under the server's import lock
# (explorer.web.startup): sessions whose first runs overlap must not draw a chart while
# another one is half-way through importing NumPy or pandas (Plotly reads them from
# sys.modules).
from explorer.web import startup  # noqa: E402 - light: the lock only

with startup.first_imports():
    _chart_library = None
    if not st.session_state.get("_chart_library_requested"):
        st.session_state["_chart_library_requested"] = True
        _chart_library = st.empty()
        _chart_library.plotly_chart({"data": [{"type": "scatter", "x": [], "y": []}],
                                    "layout": {"height": 10}}, key="chart_library")

    from explorer.web import kernels, pausing, registry, sidebar, widgets

if _chart_library is not None:
    _chart_library.empty()

# While this script runs, the server's long jobs pause (explorer.web.pausing): the page first.
with pausing.PAUSER.page_running():
    page = st.navigation(registry.navigation())
    info = registry.current(page)
    needs = info.kernels
    try:
        sidebar.render_sidebar(pair=info.pair)
    except Exception as exc:  # a broken selection must not leave a traceback on the page
        st.error(f"Could not load the series in play: {widgets.user_message(exc)}")
        st.stop()
    if needs is not None:  # the first page needs kernels: compile its stage first, now
        kernels.WARMUP.start(first=needs)
    kernels.sidebar_status()
    with kernels.kernels_for(needs):  # at once, or interpreted, or behind a spinner
        page.run()
    kernels.WARMUP.start()  # after a page without kernels, once it is drawn (no-op otherwise)
