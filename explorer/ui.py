"""Small layout helpers shared by the pages (Streamlit only, no computation)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from explorer.data import SeriesFileError

__all__ = ["clicked_cell", "intro", "plot", "run_page", "tex_number", "user_message"]

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
