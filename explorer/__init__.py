"""Soft-DTW Explorer: the interactive Streamlit app on top of :mod:`softdtw_core`.

Packages by layer, each importing only the layers below it (``tests/test_layers.py`` holds
the boundary)::

    pages/   the page scripts, by section (learn/, use/; home.py is the Overview)
    web/     the Streamlit layer: page registry, sidebar, widgets, progress bar, caches
    plots/   Plotly figure builders: arrays in, go.Figure out (no Streamlit)
    logic/   pure computations behind the pages (no Streamlit, no Plotly)
    data/    I/O: bundled datasets, generators, uploads, CSV export

Only ``web/`` and ``pages/`` (and ``streamlit_app.py``) import Streamlit, so everything else
runs in scripts, benchmarks and tests without a Streamlit session.
"""
