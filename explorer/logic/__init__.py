"""Pure computations behind the pages: NumPy, SciPy, :mod:`softdtw_core` and
:mod:`explorer.data` only (no Streamlit, no Plotly, no caching).

One module per page family, named as the page is (``pages/use/kmeans.py`` →
``logic/kmeans.py``): :mod:`~explorer.logic.cost_table`, :mod:`~explorer.logic.bellman`,
:mod:`~explorer.logic.softmin`, :mod:`~explorer.logic.gamma_explorer`,
:mod:`~explorer.logic.loss` (Learn); :mod:`~explorer.logic.interpolation`,
:mod:`~explorer.logic.barycenters`, :mod:`~explorer.logic.kmeans`,
:mod:`~explorer.logic.prediction`, :mod:`~explorer.logic.tune_gamma`,
:mod:`~explorer.logic.your_data` (Use). The neutral modules every family may use:

- :mod:`~explorer.logic.common`: Numba threads, progress callbacks, caps, block averaging,
  counting alignments;
- :mod:`~explorer.logic.collection`: a capped collection of series and its clustered order;
- :mod:`~explorer.logic.formatting`: numbers as text, for every page and figure.
"""
