"""The Streamlit layer shared by the pages (the only modules besides the pages and
``streamlit_app.py`` that import Streamlit).

- :mod:`~explorer.web.registry`: the page registry (navigation, Overview links, tests);
- :mod:`~explorer.web.sidebar`: the series in play, the shared settings, the upload hand-off;
- :mod:`~explorer.web.widgets`: page frame, charts, downloads, widgets bound to the URL;
- :mod:`~explorer.web.progress`: the live progress bar;
- :mod:`~explorer.web.jobs`: shared long computations on a bounded pool, run in worker
  processes (:mod:`~explorer.web.job_process`) that give way to pages
  (:mod:`~explorer.web.pausing`);
- :mod:`~explorer.web.kernels`: the kernels' background warm-up;
- :mod:`~explorer.web.cache`: every cache and its limits.
"""
