"""Pure computations behind the pages: NumPy, SciPy, :mod:`softdtw_core` and
:mod:`explorer.data` only (no Streamlit, no Plotly, no caching).

- :mod:`~explorer.logic.teaching`: the Learn pages (Bellman updates, steps, γ sweeps);
- :mod:`~explorer.logic.loss`: the Learn page *DTW as a loss* (a line through series space,
  the changes of the optimal path, gradients, gradient descent);
- :mod:`~explorer.logic.clustering`: the k-means and Your data pages (caps, ordering, ARI);
- :mod:`~explorer.logic.learning`: the Interpolation, Barycenters and Prediction pages;
- :mod:`~explorer.logic.formatting`: numbers as text, for every page and figure.
"""
