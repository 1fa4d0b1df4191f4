"""The Streamlit layer shared by the pages (the only modules besides the pages and
``streamlit_app.py`` that import Streamlit).

- :mod:`~explorer.web.registry`: the page registry (navigation, Overview links, tests);
- :mod:`~explorer.web.sidebar`: the series in play, the shared settings, the upload hand-off;
- :mod:`~explorer.web.widgets`: page frame, charts, downloads, widgets bound to the URL;
- :mod:`~explorer.web.pickers`: the collection picker of the k-means and Tune γ pages;
- :mod:`~explorer.web.progress`: the live progress bar;
- :mod:`~explorer.web.memo`: the caching machinery (every cache's limits, the LRU of finished
  jobs, the keys);
- :mod:`~explorer.web.cached`: each page family's cached entry points, one module per
  family, named as the page is;
- :mod:`~explorer.web.jobs`: shared long computations on a bounded pool, run in worker
  processes (:mod:`~explorer.web.job_process`) that give way to pages
  (:mod:`~explorer.web.pausing`); the types both sides share in
  :mod:`~explorer.web.job_types`;
- :mod:`~explorer.web.kernels`: the kernels' background warm-up.
"""
