"""Plotly figure builders: arrays in, ``go.Figure`` out (no Streamlit).

- :mod:`~explorer.plots.style`: palette, colour scales, template and shared helpers;
- :mod:`~explorer.plots.teaching`: the Learn pages' figures;
- :mod:`~explorer.plots.clustering`: the k-means and Your data pages' figures;
- :mod:`~explorer.plots.learning`: the Interpolation, Barycenters and Prediction figures.
"""
