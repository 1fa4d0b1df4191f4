"""The shared "series in play" selector in the sidebar, and the settings every page uses.

Rendered by ``streamlit_app.py`` on every run, before the page: its widgets keep their
values across pages, and every one of them is bound to a URL query parameter
(:mod:`explorer.web.widgets`; the widget key is the parameter name), so a shared link
reopens the same view. Pages read the result with :func:`selection`.

Query parameters
----------------
``src`` (dataset / synthetic / upload), ``ds``, ``split``, ``i``, ``j`` (bundled dataset
and the two series indices), ``gen`` (sine / bumps), ``n``, ``m``, ``shift``, ``warp``, ``noise``,
``seed`` (synthetic pair), ``ui``, ``uj`` (uploaded series indices), ``gamma``
(``0`` = hard DTW), ``cost``, ``band_on``, ``band``.

Uploaded series never go in the URL: the *Your data* page stores them in the session with
:func:`set_uploaded`, the selector offers them as the source "upload", and the pages with a
source of their own fall back to bundled data, with a notice, when there is none
(:func:`upload_source`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from explorer import data
from explorer.logic import formatting
from softdtw_core.band import band_limits_checked

from .widgets import (
    choice_widget,
    dataset_picker,
    escape_markdown,
    number_widget,
    toggle_widget,
)

__all__ = [
    "COSTS",
    "DEFAULTS",
    "DEFAULT_GAMMA",
    "GAMMA_OPTIONS",
    "MAX_LENGTH",
    "NO_UPLOAD_NOTICE",
    "PAIR_FOLDED",
    "SOURCES",
    "SOURCE_KEYS",
    "UPLOAD_KEY",
    "Selection",
    "clear_uploaded",
    "default_source",
    "gamma_from_text",
    "get_uploaded",
    "render_sidebar",
    "selection",
    "set_uploaded",
    "upload_source",
    "use_upload_everywhere",
]

# Option values are what the URL shows (a bound widget writes its *displayed* option text
# to the query string), so they are short words; the longer explanations are captions.
SOURCES = {"dataset": "bundled UCR/UEA series", "synthetic": "a generated pair",
           "upload": "from the Your data page"}
COSTS = {"sqeuclidean": "‖xᵢ − yⱼ‖²", "absolute": "Σₖ |xᵢₖ − yⱼₖ|"}
GENERATORS = {"sine": "a sine and a shifted, warped copy", "bumps": "two shifted bumps"}
_MANTISSAS = (1, 1.5, 2, 3, 5, 7)
GAMMA_OPTIONS = ["0"] + [
    formatting.number(mant * 10.0**e) for e in range(-3, 2) for mant in _MANTISSAS
] + ["100"]
DEFAULT_GAMMA = "0.1"
MAX_LENGTH = 1000  # the Learn pages build full n×m tables
UPLOAD_KEY = "uploaded_series"
#: The source widget of the sidebar and of every page that takes a collection of its own
#: (*k-means*, *Tune γ*, *Barycenters*): the hand-off switches them all to the upload.
SOURCE_KEYS = ("src", "km_src", "tg_src", "bc_src")
_SELECTION_KEY = "_selection"
NO_UPLOAD_NOTICE = ("No uploaded series in this session (uploads are never part of a shared "
                    "link): upload a file on the *Your data* page and press *Use these series "
                    "on the other pages*. Showing a bundled dataset meanwhile.")

#: The pages open on two shifted bumps: the pair every page's text is about (a feature at two
#: different times). Their Δ varies from ~0 to ~1 (the *Bellman* page's table teaches), and
#: their point-by-point average is the two half-height ghosts *Interpolation* promises
#: (the bumps 0.25 of the length apart, 4 widths; GunPoint's first pair is flat for its
#: first 12 points and averages to one bump).
DEFAULTS = {
    "src": "synthetic", "ds": "GunPoint", "split": "train", "i": 0, "j": 1,
    "gen": "bumps", "n": 60, "m": 80, "shift": 0.25, "warp": 0.3, "noise": 0.05,
    "seed": 0, "ui": 0, "uj": 1, "gamma": DEFAULT_GAMMA, "cost": "sqeuclidean",
    "band_on": False, "band": 10.0,
}


@dataclass(frozen=True)
class Selection:
    """The two series in play and the shared soft-DTW settings.

    ``x`` and ``y`` are float64 ``(n,)`` or ``(n, d)`` arrays (at most :data:`MAX_LENGTH`
    points each); ``band`` is ``None`` when off.
    """

    x: np.ndarray
    y: np.ndarray
    x_name: str
    y_name: str
    source: str
    gamma: float
    cost: str
    band: float | None
    notes: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def m(self) -> int:
        return len(self.y)

    @property
    def dim(self) -> int:
        return 1 if self.x.ndim == 1 else self.x.shape[1]

    @property
    def gamma_text(self) -> str:
        return "0 (hard DTW)" if self.gamma == 0 else formatting.number(self.gamma)


# --------------------------------------------------------------------------- uploads


def set_uploaded(series, names=None, *, labels=None, filename: str = "upload") -> None:
    """Offer a collection of series to every page (called by the *Your data* page).

    Parameters
    ----------
    series : ndarray or list of ndarray
        As returned by :func:`explorer.data.parse_series_file` (any container accepted by
        :func:`explorer.data.as_series_list`).
    names : list of str, optional
        One name per series.
    labels : array-like, optional
    filename : str
        Shown in the sidebar.
    """
    items = data.as_series_list(series)
    if not items:
        raise ValueError("no series to offer: the upload holds none")
    if names is None:
        names = [f"series {k}" for k in range(len(items))]
    if len(names) != len(items):
        raise ValueError(f"{len(names)} names for {len(items)} series")
    st.session_state[UPLOAD_KEY] = {
        "series": items, "names": [str(n) for n in names],
        "labels": None if labels is None else np.asarray(labels), "filename": str(filename),
    }


def use_upload_everywhere() -> None:
    """Switch the sidebar and every collection page (:data:`SOURCE_KEYS`) to the upload.

    Call it from a callback, before the widgets are drawn; a page drawn later in this
    session opens on the upload too (:func:`default_source`).
    """
    for key in SOURCE_KEYS:
        st.session_state[key] = "upload"


def default_source() -> str:
    """A collection picker's starting source: the upload when there is one, else a dataset."""
    return "upload" if get_uploaded() is not None else "dataset"


def get_uploaded() -> dict | None:
    """The uploaded collection (``series``, ``names``, ``labels``, ``filename``) or None."""
    up = st.session_state.get(UPLOAD_KEY)
    if not up or not up.get("series"):
        return None
    return up


def clear_uploaded() -> None:
    """Stop offering the uploaded series (the *Your data* page's button)."""
    st.session_state.pop(UPLOAD_KEY, None)


def upload_source(source: str, container) -> tuple[str, dict | None]:
    """The source to use and the uploaded collection (or None).

    ``"upload"`` without an upload in this session (e.g. a shared link) falls back to
    ``"dataset"``, and :data:`NO_UPLOAD_NOTICE` says so in ``container``.
    """
    up = get_uploaded()
    if source == "upload" and up is None:
        container.info(NO_UPLOAD_NOTICE)
        return "dataset", None
    return source, up


# --------------------------------------------------------------------------- helpers


def gamma_from_text(text: str) -> float:
    """γ from one of :data:`GAMMA_OPTIONS` (``"0"`` = hard DTW)."""
    value = float(text)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"γ must be a finite number >= 0, got {text!r}")
    return value


def _label_text(labels, k) -> str:
    if labels is None:
        return ""
    return f", class {labels[k]}"


def _cap(s: np.ndarray, name: str, notes: list[str]) -> np.ndarray:
    if len(s) > MAX_LENGTH:
        notes.append(f"{name} has {len(s)} points: the first {MAX_LENGTH} are used "
                     f"(the Learn pages build full n×m tables).")
        return s[:MAX_LENGTH]
    return s


# --------------------------------------------------------------------------- widgets


def _number(widget, label: str, lo, hi, key: str, **kwargs):
    return number_widget(widget, label, lo, hi, key=key, default=DEFAULTS[key], **kwargs)


def _dataset_pair(sb):
    ds, split = dataset_picker(sb, sb, default=DEFAULTS["ds"],
                               help="Bundled UCR/UEA datasets (train or test split).")
    dataset = data.load_dataset(ds, split)
    count = len(dataset)
    c1, c2 = sb.columns(2)
    i = int(_number(c1.number_input, "Series x #", 0, count - 1, "i", step=1))
    j = int(_number(c2.number_input, "Series y #", 0, count - 1, "j", step=1))
    series = dataset.series
    x = np.asarray(series[i], dtype=np.float64)
    y = np.asarray(series[j], dtype=np.float64)
    labels = dataset.labels
    sb.caption(f"{ds}: {dataset.description}")
    return (x, y, f"{ds}/{split} #{i}{_label_text(labels, i)}",
            f"{ds}/{split} #{j}{_label_text(labels, j)}")


def _synthetic_pair(sb):
    gen = choice_widget(sb.radio, "Generator", list(GENERATORS), key="gen",
                        default=DEFAULTS["gen"], captions=list(GENERATORS.values()))
    c1, c2 = sb.columns(2)
    n = int(_number(c1.number_input, "Length n of x", 2, MAX_LENGTH, "n", step=1))
    m = int(_number(c2.number_input, "Length m of y", 2, MAX_LENGTH, "m", step=1))
    shift = _number(sb.slider, "Shift (fraction)", 0.0, 0.5, "shift", step=0.01)
    warp = 0.0
    if gen == "sine":
        warp = _number(sb.slider, "Random time warp of y", 0.0, 1.0, "warp", step=0.05)
    noise = _number(sb.slider, "Noise (std)", 0.0, 1.0, "noise", step=0.01)
    seed = int(_number(sb.number_input, "Seed", 0, 10_000, "seed", step=1))
    if gen == "sine":
        x = data.sine_pair(n, shift=shift, warp=warp, noise=noise, seed=seed)[0]
        y = data.sine_pair(m, shift=shift, warp=warp, noise=noise, seed=seed)[1]
    else:
        x = data.bump_pair(n, shift=shift, noise=noise, seed=seed)[0]
        y = data.bump_pair(m, shift=shift, noise=noise, seed=seed)[1]
    return x, y, f"{gen}: x (n={n})", f"{gen}: y (m={m})"


def _uploaded_pair(sb, up):
    items, names = up["series"], up["names"]
    count = len(items)
    sb.caption(f"From {escape_markdown(up['filename'])}: {count} series.")
    c1, c2 = sb.columns(2)
    i = int(_number(c1.number_input, "Series x #", 0, count - 1, "ui", step=1))
    j = int(_number(c2.number_input, "Series y #", 0, count - 1, "uj", step=1))
    labels = up.get("labels")
    return (np.asarray(items[i], dtype=np.float64), np.asarray(items[j], dtype=np.float64),
            f"{names[i]}{_label_text(labels, i)}", f"{names[j]}{_label_text(labels, j)}")


def _band(sb, n: int, m: int) -> float | None:
    """The band radius, or None when off or when it admits no path for these lengths."""
    if not toggle_widget(sb.toggle, "Sakoe–Chiba band", key="band_on",
                         default=DEFAULTS["band_on"]):
        return None
    band = float(_number(sb.number_input, "Band radius (time steps)", 0.0, 10_000.0, "band",
                         step=1.0))
    try:  # the band must admit a path for these lengths (no DP needed to know)
        band_limits_checked(n, m, band)
    except ValueError as exc:
        sb.error(f"Band ignored: {exc}")
        return None
    return band


#: The folded pair selector's label on a page that picks its own collection.
PAIR_FOLDED = "Series in play (the pair pages' two series; not used on this page)"


def render_sidebar(pair: bool = True) -> Selection:
    """Draw the selector and the settings in the sidebar; store and return the selection.

    ``pair=False`` (a page that picks a collection of its own, e.g. *k-means*): the pair
    selector is drawn folded in an expander (:data:`PAIR_FOLDED`), so that the page shows
    one dataset picker, its own, while the pair keeps its values for the pair pages.
    """
    sb = st.sidebar
    notes: list[str] = []
    if pair:
        sb.header("Series in play")
    else:
        sb = sb.expander(PAIR_FOLDED, expanded=False)
    src = choice_widget(sb.radio, "Source", list(SOURCES), key="src", default=DEFAULTS["src"],
                        captions=list(SOURCES.values()))
    src, up = upload_source(src, sb)
    if src == "dataset":
        x, y, xn, yn = _dataset_pair(sb)
    elif src == "synthetic":
        x, y, xn, yn = _synthetic_pair(sb)
    else:
        x, y, xn, yn = _uploaded_pair(sb, up)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    x = _cap(x, "x", notes)
    y = _cap(y, "y", notes)
    for note in notes:
        sb.warning(note)

    sb = st.sidebar
    sb.header("Soft-DTW settings")
    gamma = gamma_from_text(choice_widget(
        sb.select_slider, "γ (smoothing; 0 = hard DTW)", GAMMA_OPTIONS, key="gamma",
        default=DEFAULT_GAMMA,
        help="Log-spaced from 0.001 to 100; the leftmost value 0 gives the hard minimum (DTW)."))
    cost = choice_widget(sb.radio, "Ground cost Δ", list(COSTS), key="cost",
                         default=DEFAULTS["cost"], captions=list(COSTS.values()),
                         horizontal=True)
    band = _band(sb, len(x), len(y))
    sel = Selection(x=x, y=y, x_name=xn, y_name=yn, source=src, gamma=gamma, cost=cost,
                    band=band, notes=tuple(notes))
    st.session_state[_SELECTION_KEY] = sel
    return sel


def selection() -> Selection:
    """The selection drawn by :func:`render_sidebar` in this run (renders it if missing)."""
    sel = st.session_state.get(_SELECTION_KEY)
    if sel is None:
        sel = render_sidebar()
    return sel
