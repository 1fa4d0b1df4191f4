"""Each page family's cached entry points, one module per family, named as the page is.

The rule: ``explorer/web/cached/<family>.py`` wraps ``explorer/logic/<family>.py`` (and draws
with ``explorer/plots/<family>.py``) for the page ``explorer/pages/<section>/<family>.py``:
its ``st.cache_data`` results (:func:`explorer.web.memo.cached`, bounded by
:data:`explorer.web.memo.LIMITS`) and its shared jobs (:func:`explorer.web.jobs.submit_task`
or :meth:`~explorer.web.jobs.JobRunner.submit` with a :class:`~explorer.web.job_types.Task`).
A family whose page computes nothing worth caching (*min^γ*) has no module here. The one
neutral module, :mod:`~explorer.web.cached.collection`, wraps the neutral
:mod:`explorer.logic.collection` that several families share.

Pages import the module of their family (``from explorer.web.cached import kmeans as
cached``) and call one entry point per computation; a page may call another family's entry
point when it draws that family's result (the *Bellman step-through* and *Your data* pages
reuse :func:`~explorer.web.cached.cost_table.tables`). Nothing here imports a page, and
:mod:`explorer.web.memo`, :mod:`explorer.web.jobs` and :mod:`explorer.web.job_types` never
import these modules (``tests/test_import_cycles.py``).
"""
