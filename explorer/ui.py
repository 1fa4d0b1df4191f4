"""Small layout helpers shared by the pages (Streamlit only, no computation)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer.data import SeriesFileError

__all__ = [
    "clamp", "clicked_cell", "download", "intro", "plot", "run_page", "tex_number",
    "user_message",
    "valid_choice",
]

log = logging.getLogger("explorer")

PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False,
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


def intro(title: str, text: str, formula: str) -> None:
    """Page title, two or three sentences for a student, and the formula (LaTeX)."""
    st.title(title)
    st.markdown(text)
    st.latex(formula)


def plot(fig: go.Figure, *, key: str, on_select=None, selection_mode="points"):
    """Draw a figure full width; say so when its matrices were block-averaged for display."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("reduced"):
        st.caption(f"Display: {meta['reduced']}. Numbers on this page use the full matrix.")
    kwargs = {}
    if on_select is not None:
        kwargs = {"on_select": on_select, "selection_mode": selection_mode}
    # theme=None: Streamlit's chart theme rewrites some colours of explicit colour scales
    # (Magma's black end turns pink); the figures carry their own template instead.
    return st.plotly_chart(fig, width="stretch", key=key, config=PLOTLY_CONFIG, theme=None,
                           **kwargs)


def tex_number(v: float, digits: int = 4) -> str:
    """A number for st.latex: ``\\infty``, plain, or ``a \\times 10^{b}``."""
    if v != v:  # NaN
        return r"\text{--}"
    if v in (float("inf"), float("-inf")):
        return r"\infty" if v > 0 else r"-\infty"
    text = f"{v:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return text


def user_message(exc: BaseException) -> str:
    """The text to show for an exception raised by the core or the data layer."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) or type(exc).__name__


def run_page(body: Callable[[], None]) -> None:
    """Run a page body; input problems become an ``st.error`` message, never a traceback."""
    try:
        body()
    except (ValueError, KeyError, SeriesFileError) as exc:
        st.error(user_message(exc))
    except MemoryError:
        st.error("Not enough memory for this computation: choose shorter series or a band.")
    except Exception as exc:  # last resort: keep tracebacks off the page, log them
        log.exception("unexpected error on a page")
        st.error(f"Unexpected error ({type(exc).__name__}): {user_message(exc)}")


def clicked_cell(points) -> tuple[int, int] | None:
    """The (i, j) cell of the first clicked point that carries one in its ``customdata``.

    ``customdata`` arrives as a list, or as an index-keyed dict when Plotly shipped it as a
    typed array; points of other traces (no customdata) are skipped.
    """
    for point in points or []:
        if not isinstance(point, dict):
            continue
        cd = point.get("customdata")
        if isinstance(cd, dict):
            try:
                cd = [cd[k] for k in sorted(cd, key=lambda k: int(k))]
            except (TypeError, ValueError):
                continue
        if isinstance(cd, list | tuple) and len(cd) == 2:
            try:
                return int(cd[0]), int(cd[1])
            except (TypeError, ValueError):
                continue
    return None


def valid_choice(key: str, options, default) -> None:
    """Reset ``st.session_state[key]`` to ``default`` when it is not among ``options``.

    Call before drawing the widget: a widget refuses a session-state value outside its
    options, which happens when the options depend on another widget (a dataset's classes)
    or the value came from a hand-edited URL. Lists (multiselect) keep their valid items.
    """
    v = st.session_state.get(key)
    if v is None:
        return
    if isinstance(v, list):
        kept = [o for o in v if o in options]
        if kept != v:
            st.session_state[key] = kept or list(default)
    elif v not in options:
        st.session_state[key] = default


def clamp(key: str, lo, hi, default) -> None:
    """Bring a number held in ``st.session_state[key]`` into [lo, hi] before its widget.

    Not a finite number (e.g. from the URL): ``default``, itself clamped into the range.
    """
    v = st.session_state.get(key)
    if v is None:  # not drawn yet: the widget starts from its default (or the URL)
        return
    kind = type(default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
        st.session_state[key] = kind(min(max(default, lo), hi))
    elif not lo <= v <= hi:
        st.session_state[key] = kind(min(max(v, lo), hi))


def download(label: str, data, file_name: str, key: str, container=None) -> None:
    """A CSV download button that does not rerun the page.

    ``data`` is bytes, or a callable returning them that Streamlit runs only when the button
    is clicked (use it for large matrices: no CSV is built on reruns nobody downloads).
    """
    c = container or st
    c.download_button(label, data=data, file_name=file_name, mime="text/csv", key=key,
                      on_click="ignore", icon=":material/download:")
