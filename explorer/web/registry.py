"""The page registry: every page of the explorer, once.

``streamlit_app.py`` builds the navigation from :data:`PAGES`, the Overview page links to
the pages from it, and the tests take their page lists from it.

Recipe for a new page
---------------------
A page is a *family* of files named as the page is. For a page ``foo`` in the Use section
(``tests/test_page_recipe.py`` checks steps 1-4 and 6 for every registered page):

1. ``explorer/pages/use/foo.py``: the page script. Widgets, then one call per computation
   and one per figure, then layout; no function over 60 lines
   (``tests/test_function_length.py``). Shared widgets live in
   :mod:`explorer.web.widgets`, :mod:`explorer.web.sidebar` and :mod:`explorer.web.pickers`.
2. ``explorer/logic/foo.py``: its computations, pure (no Streamlit, no Plotly, no caching),
   with the page's caps as constants and a ``progress(fraction, text)`` callback for long
   ones (:mod:`explorer.logic.common`).
3. ``explorer/plots/foo.py``: its figures, arrays in, ``go.Figure`` out, in the look of
   :mod:`explorer.plots.style` (palette, :func:`~explorer.plots.style.finish`).
4. ``explorer/web/cached/foo.py`` if the page caches a result or runs a long computation:
   its cached entry points, ``@memo.cached("foo_...")`` around a logic function, or a
   shared job (:func:`explorer.web.jobs.submit_task`); and, in ``explorer/web/memo.py``,
   one :class:`~explorer.web.memo.Limit` per cache in :data:`~explorer.web.memo.LIMITS`.
   A job's logic module is also imported by the worker processes while idle
   (:func:`explorer.web.job_process.main`).
5. Tests: its logic against independent truths and its figures in ``tests/app/``, the page
   through AppTest (``tests/app/conftest.py``: ``open_page("foo")``); the page lists of the
   tests (``tests/page_lists.py``) follow the registry.
6. One :class:`PageInfo` in :data:`PAGES` below: section, script, title, icon, address, the
   Overview's line, the kernel stage it needs; ``family="bar"`` only if it has no modules of
   its own and draws with page ``bar``'s (``family=None``: with the neutral modules only, as
   the Overview does).

Helpers that several families share go to the neutral modules (:data:`NEUTRAL`), never to
one family's module: :mod:`explorer.logic.common` (threads, progress, caps, block
averaging), :mod:`explorer.logic.collection`, :mod:`explorer.logic.formatting`,
:mod:`explorer.plots.style`, :mod:`explorer.web.cached.collection`. A page may call another
family's module when it draws that family's result (the Bellman page's tables are the Cost
& DP table's). The same recipe, with a worked example, is in ``docs/guides/new-page.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import streamlit as st

__all__ = ["NEUTRAL", "PAGES", "PageInfo", "current", "navigation", "page", "sections"]


@dataclass(frozen=True)
class PageInfo:
    """One page of the explorer.

    Attributes
    ----------
    section : str
        Navigation section (``""`` for the Overview, ``"Learn"``, ``"Use"``).
    script : str
        The page script, relative to the repository root (where ``streamlit_app.py`` is).
    title : str
        Navigation label (and browser tab title).
    icon : str
        Material icon, e.g. ``":material/grid_on:"``.
    url_path : str
        The page's address below the app's root (the default page is also served at ``/``).
    description : str
        One line saying what the page shows; the Overview's link text.
    default : bool
        The page opened at the app's root.
    kernels : str or None
        The stage of :data:`softdtw_core.warmup.STAGES` the page needs before it runs (the
        stage compiles every kernel the page calls; the stage of the page opened first is
        compiled first); None: no kernel.
    family : str or None
        The page family whose modules (``logic/``, ``plots/``, ``web/cached/``) serve the
        page: by default its own, named after its script (:attr:`name`); another page's name
        for a page that has none of its own; None for a page that draws with the neutral
        modules (:data:`NEUTRAL`) only.
    pair : bool
        The page works on the sidebar's two series in play. False for a page that picks a
        collection of its own: the sidebar folds the pair selector away there, so that the
        page shows one dataset picker (:func:`explorer.web.sidebar.render_sidebar`).
    """

    section: str
    script: str
    title: str
    icon: str
    url_path: str
    description: str
    default: bool = False
    kernels: str | None = "learn"
    family: str | None = ""
    pair: bool = True

    def __post_init__(self):
        if self.family == "":
            object.__setattr__(self, "family", self.name)

    @property
    def name(self) -> str:
        """Short name: the script's file name without ``.py`` (e.g. ``"cost_table"``)."""
        return PurePosixPath(self.script).stem


PAGES: tuple[PageInfo, ...] = (
    PageInfo("", "explorer/pages/home.py", "Overview", ":material/home:", "overview",
             "Overview: what soft-DTW is, where to start, and the two series in play",
             default=True, kernels=None, family=None),
    PageInfo("Learn", "explorer/pages/learn/cost_table.py", "Cost & DP table",
             ":material/grid_on:", "cost-table",
             "Cost & DP table: Δ, R, the optimal path and the expected alignment; click a "
             "cell to see its Bellman update", kernels="tables"),
    PageInfo("Learn", "explorer/pages/learn/bellman.py", "Bellman step-through",
             ":material/step:", "bellman",
             "Bellman step-through: the forward and backward recursions, cell by cell",
             kernels="tables"),
    PageInfo("Learn", "explorer/pages/learn/softmin.py", "min^γ", ":material/functions:",
             "softmin", "min^γ: the soft minimum and how γ smooths it", kernels=None),
    PageInfo("Learn", "explorer/pages/learn/gamma_explorer.py", "γ explorer",
             ":material/tune:", "gamma-explorer",
             "γ explorer: from DTW (γ → 0) to very smooth alignments, scrubbed in the browser"),
    PageInfo("Learn", "explorer/pages/learn/loss.py", "DTW as a loss",
             ":material/trending_down:", "loss",
             "DTW as a loss: its gradient jumps where the best alignment changes, soft-DTW's "
             "does not; the gradient and gradient descent, drawn"),
    PageInfo("Use", "explorer/pages/use/interpolation.py", "Interpolation",
             ":material/timeline:", "interpolation",
             "Interpolation: the soft-DTW path between the two series, against the "
             "point-by-point average", kernels="barycenter"),
    PageInfo("Use", "explorer/pages/use/barycenters.py", "Barycenters",
             ":material/stacked_line_chart:", "barycenters",
             "Barycenters: averaging a set of series by Euclidean mean, DBA and soft-DTW",
             kernels="barycenter", pair=False),
    PageInfo("Use", "explorer/pages/use/kmeans.py", "k-means, live", ":material/hub:",
             "kmeans", "k-means, live: soft-DTW clustering drawn iteration by iteration, "
             "against DBA and Euclidean k-means", kernels="kmeans", pair=False),
    PageInfo("Use", "explorer/pages/use/prediction.py", "Prediction with a soft-DTW loss",
             ":material/trending_up:", "prediction",
             "Prediction: a forecaster trained with the Euclidean and the soft-DTW loss",
             kernels="predictor", pair=False),
    PageInfo("Use", "explorer/pages/use/tune_gamma.py", "Tune γ", ":material/tune:",
             "tune-gamma",
             "Tune γ: cross-validate soft-DTW classifiers over a grid of γ, see why one wins, "
             "and use it on every page", kernels="kmeans", pair=False),
    PageInfo("Use", "explorer/pages/use/your_data.py", "Your data",
             ":material/upload_file:", "your-data",
             "Your data: upload your own series, inspect a pair's alignment and all pairs",
             kernels="pairwise"),
)


#: The modules no page family owns, by folder under ``explorer/``: helpers every family may
#: use (recipe above).
NEUTRAL: dict[str, tuple[str, ...]] = {
    "logic": ("common", "collection", "formatting"),
    "plots": ("style",),
    "web/cached": ("collection",),
}


def current(page) -> PageInfo:
    """The registry entry of the ``st.Page`` that ``st.navigation`` returned."""
    for info in PAGES:
        if info.url_path == page.url_path or (info.default and not page.url_path):
            return info
    raise KeyError(f"no page with address {page.url_path!r} in the registry")


def page(name: str) -> PageInfo:
    """The page called ``name`` (:attr:`PageInfo.name`, e.g. ``"kmeans"``)."""
    for info in PAGES:
        if info.name == name:
            return info
    raise KeyError(f"no page {name!r}; pages: {', '.join(p.name for p in PAGES)}")


def sections() -> dict[str, list[PageInfo]]:
    """The pages by navigation section, in registry order."""
    out: dict[str, list[PageInfo]] = {}
    for info in PAGES:
        out.setdefault(info.section, []).append(info)
    return out


def navigation() -> dict[str, list[st.Page]]:
    """The ``st.navigation`` argument: one ``st.Page`` per registry entry, by section."""
    return {section: [st.Page(p.script, title=p.title, icon=p.icon, url_path=p.url_path,
                              default=p.default) for p in pages]
            for section, pages in sections().items()}
