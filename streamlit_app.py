"""Soft-DTW Explorer: entry point (``streamlit run streamlit_app.py``).

Builds the navigation, draws the shared sidebar selector (explorer.state) and runs the
chosen page. To add a page, add one ``st.Page(...)`` line to its section below.
"""

import streamlit as st

from explorer import compute, state, ui

st.set_page_config(page_title="Soft-DTW Explorer", page_icon=":material/timeline:",
                   layout="wide")

PAGES = {
    "": [
        st.Page("explorer/pages/home.py", title="Overview", icon=":material/home:",
                url_path="overview", default=True),
    ],
    "Learn": [
        st.Page("explorer/pages/cost_table.py", title="Cost & DP table",
                icon=":material/grid_on:", url_path="cost-table"),
        st.Page("explorer/pages/bellman.py", title="Bellman step-through",
                icon=":material/step:", url_path="bellman"),
        st.Page("explorer/pages/softmin.py", title="min^γ", icon=":material/functions:",
                url_path="softmin"),
        st.Page("explorer/pages/gamma_explorer.py", title="γ explorer",
                icon=":material/tune:", url_path="gamma-explorer"),
    ],
    "Use": [
        st.Page("explorer/pages/interpolation.py", title="Interpolation",
                icon=":material/timeline:", url_path="interpolation"),
        st.Page("explorer/pages/barycenters.py", title="Barycenters",
                icon=":material/stacked_line_chart:", url_path="barycenters"),
        st.Page("explorer/pages/kmeans.py", title="k-means, live", icon=":material/hub:",
                url_path="kmeans"),
        st.Page("explorer/pages/prediction.py", title="Prediction with a soft-DTW loss",
                icon=":material/trending_up:", url_path="prediction"),
        st.Page("explorer/pages/your_data.py", title="Your data", icon=":material/upload_file:",
                url_path="your-data"),
    ],
}

page = st.navigation({section: pages for section, pages in PAGES.items() if pages})
compute.warm_up()
try:
    state.render_sidebar()
except Exception as exc:  # a broken selection must not leave a traceback on the page
    st.error(f"Could not load the series in play: {ui.user_message(exc)}")
    st.stop()
page.run()
