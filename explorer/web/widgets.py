"""The pages' building blocks: page frame, charts, downloads and widgets kept valid.

Widgets bound to the URL
------------------------
Most settings are mirrored in the page address (``bind="query-params"``: the widget key is
the query parameter's name), so a shared link reopens the same view. A value can arrive
that the widget would refuse (a hand-edited URL, options that depend on another widget, a
range that changed with the data), so every keyed widget is drawn through one of
:func:`choice_widget`, :func:`number_widget`, :func:`toggle_widget` and :func:`text_widget`:
they bring the session value back into the options or the range (:func:`valid_choice`,
:func:`clamp`), then draw the widget bound to the URL (``url=False``: not bound).
Uploaded data is never put in the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer import data

__all__ = [
    "channel_picker",
    "choice_widget",
    "clamp",
    "clicked_cell",
    "dataset_picker",
    "download",
    "escape_markdown",
    "intro",
    "number_widget",
    "plot",
    "run_page",
    "sharing_caption",
    "text_widget",
    "toggle_widget",
    "user_message",
    "valid_choice",
]

log = logging.getLogger("explorer")

PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False,
                 "toImageButtonOptions": {"format": "png", "scale": 2}}
_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:")


# --------------------------------------------------------------------------- page frame


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


def escape_markdown(text) -> str:
    """User-supplied text (file and series names) made literal for ``st.markdown``/captions.

    Backslash-escapes every Markdown punctuation mark Streamlit interprets (emphasis, links,
    images, ``:colour[…]``/emoji shortcodes, ``$…$`` maths), so a name renders as typed.
    """
    return "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in str(text))


def user_message(exc: BaseException) -> str:
    """The text to show for an exception raised by the core or the data layer."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) or type(exc).__name__


def run_page(body: Callable[[], None]) -> None:
    """Run a page body; input problems become an ``st.error`` message, never a traceback."""
    try:
        body()
    except (ValueError, KeyError, data.SeriesFileError) as exc:
        st.error(user_message(exc))
    except MemoryError:
        st.error("Not enough memory for this computation: choose shorter series or a band.")
    except Exception as exc:  # last resort: keep tracebacks off the page, log them
        log.exception("unexpected error on a page")
        st.error(f"Unexpected error ({type(exc).__name__}): {user_message(exc)}")


def sharing_caption() -> None:
    """What a shared link reopens (settings) and what it never carries (uploads)."""
    st.caption("Sharing: the page address (URL) records this page's settings and the "
               "sidebar's choices, so a link reopens the same view. Uploaded series are never "
               "put in the URL: a shared link falls back to the bundled data.")


def download(label: str, content, file_name: str, key: str, container=None, **kwargs) -> None:
    """A CSV download button that does not rerun the page.

    ``content`` is bytes, or a callable returning them that Streamlit runs only when the
    button is clicked (use it for large matrices: no CSV is built on reruns nobody downloads).
    ``kwargs`` (e.g. ``help``) go to ``st.download_button``.
    """
    c = container or st
    c.download_button(label, data=content, file_name=file_name, mime="text/csv", key=key,
                      on_click="ignore", icon=":material/download:", **kwargs)


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


# --------------------------------------------------------------------------- valid widget values


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


def _binding(url: bool) -> dict:
    return {"bind": "query-params"} if url else {}


# how each choice widget is told its starting value
_CHOICE_START = {
    "selectbox": lambda options, default: {"index": options.index(default)},
    "radio": lambda options, default: {"index": options.index(default)},
    "segmented_control": lambda options, default: {"default": default, "required": True},
    "select_slider": lambda options, default: {"value": default},
    "multiselect": lambda options, default: {"default": list(default)},
}


def choice_widget(widget, label: str, options, *, key: str, default, url: bool = True,
                  **kwargs):
    """Draw a choice widget whose value is always one of ``options``.

    Parameters
    ----------
    widget : callable
        The widget function of a container: ``selectbox``, ``radio``, ``segmented_control``
        (drawn with ``required=True``), ``select_slider`` or ``multiselect``, e.g.
        ``st.sidebar.radio`` or ``columns[0].selectbox``.
    label : str
    options : sequence
        The option values; a bound widget writes the displayed text into the URL, so keep
        them short words.
    key : str
        Widget key and query parameter name.
    default
        The starting value (a list for ``multiselect``), also used when the session holds
        a value outside ``options``.
    url : bool
        Bind the widget to the URL query parameter ``key``.
    **kwargs
        Passed to the widget (``help``, ``captions``, ``format_func``, ...).

    Returns
    -------
    The chosen option (a list for ``multiselect``).
    """
    options = list(options)
    start = _CHOICE_START.get(widget.__name__)
    if start is None:
        raise TypeError(f"choice_widget draws {sorted(_CHOICE_START)}; got {widget.__name__!r}")
    valid_choice(key, options, default)
    value = widget(label, options, key=key, **start(options, default), **_binding(url),
                   **kwargs)
    return default if value is None else value


def number_widget(widget, label: str, lo, hi, *, key: str, default, url: bool = True,
                  **kwargs):
    """Draw a ``number_input`` or ``slider`` whose value always lies in ``[lo, hi]``.

    ``default`` (clamped into the range) is the starting value and replaces a value that is
    not a finite number; a value outside the range is clamped (:func:`clamp`). ``key``,
    ``url`` and ``kwargs`` (``step``, ``help``, ...) as in :func:`choice_widget`.
    """
    clamp(key, lo, hi, default)
    start = type(default)(min(max(default, lo), hi))
    return widget(label, lo, hi, value=start, key=key, **_binding(url), **kwargs)


def toggle_widget(widget, label: str, *, key: str, default: bool = False, url: bool = True,
                  **kwargs) -> bool:
    """Draw a ``toggle`` (or ``checkbox``) starting at ``default``; see :func:`choice_widget`."""
    return bool(widget(label, value=default, key=key, **_binding(url), **kwargs))


def text_widget(widget, label: str, *, key: str, url: bool = True, **kwargs) -> str:
    """Draw a ``text_input`` (empty at first); see :func:`choice_widget`."""
    return widget(label, key=key, **_binding(url), **kwargs) or ""


# --------------------------------------------------------------------------- shared pickers


def dataset_picker(name_box, split_box, *, prefix: str = "", default: str = "GunPoint",
                   help: str | None = None) -> tuple[str, str]:
    """A bundled dataset and its split, bound to the URL as ``{prefix}ds``, ``{prefix}split``.

    ``name_box`` and ``split_box`` are the containers (sidebar, columns) to draw them in.
    """
    name = choice_widget(name_box.selectbox, "Dataset", data.list_datasets(),
                         key=f"{prefix}ds", default=default, help=help)
    split = choice_widget(split_box.segmented_control, "Split", ["train", "test"],
                          key=f"{prefix}split", default="train")
    return name, split


def channel_picker(dim: int, key: str, container=None, *,
                   help: str = "The figures draw one channel; computations and downloads use "
                               "all of them.") -> int:
    """For multichannel series, a number input choosing the channel drawn (else 0)."""
    if dim <= 1:
        return 0
    c = container or st
    return int(number_widget(c.number_input, f"Channel drawn (0–{dim - 1})", 0, dim - 1,
                             key=key, default=0, step=1, help=help))
