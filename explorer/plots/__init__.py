"""Plotly figure builders: arrays in, ``go.Figure`` out (no Streamlit).

- :mod:`~explorer.plots.style`: palette, colour scales, template and shared helpers;
- :mod:`~explorer.plots.teaching`: the Learn pages' figures;
- :mod:`~explorer.plots.loss`: the figures of the Learn page *DTW as a loss*;
- :mod:`~explorer.plots.clustering`: the k-means and Your data pages' figures;
- :mod:`~explorer.plots.learning`: the Interpolation, Barycenters and Prediction figures.
"""
