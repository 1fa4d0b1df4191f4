"""The explorer's page scripts, run by ``st.navigation`` in ``streamlit_app.py``.

Listed once, in :data:`explorer.web.registry.PAGES`. A page stays thin: widgets
(:mod:`explorer.web`), pure computations (:mod:`explorer.logic`, cached by
:mod:`explorer.web.cache`), figure builders (:mod:`explorer.plots`), then layout.
"""
