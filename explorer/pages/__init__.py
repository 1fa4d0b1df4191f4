"""The explorer's page scripts, run by ``st.navigation`` in ``streamlit_app.py``.

Listed once, in :data:`explorer.web.registry.PAGES`. A page stays thin: widgets
(:mod:`explorer.web`), then one call per computation (its family's cached entry points in
:mod:`explorer.web.cached`, wrapping :mod:`explorer.logic`) and per figure
(:mod:`explorer.plots`), then layout. The recipe for a new page is in the registry's
docstring and ``docs/guides/new-page.md``.
"""
