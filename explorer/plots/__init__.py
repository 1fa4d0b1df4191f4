"""Plotly figure builders: arrays in, ``go.Figure`` out (no Streamlit).

One module per page family, named as the page is (``pages/use/kmeans.py`` →
``plots/kmeans.py``): :mod:`~explorer.plots.cost_table`, :mod:`~explorer.plots.bellman`,
:mod:`~explorer.plots.softmin`, :mod:`~explorer.plots.gamma_explorer`,
:mod:`~explorer.plots.loss` (Learn); :mod:`~explorer.plots.interpolation`,
:mod:`~explorer.plots.barycenters`, :mod:`~explorer.plots.kmeans`,
:mod:`~explorer.plots.prediction`, :mod:`~explorer.plots.tune_gamma`,
:mod:`~explorer.plots.your_data` (Use). The neutral module every family uses:
:mod:`~explorer.plots.style` (palette, colour scales, template, shared traces and helpers,
the plain figure of two series).
"""
