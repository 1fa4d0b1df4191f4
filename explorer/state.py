"""The shared "series in play" selector in the sidebar, and the settings every page uses.

Rendered by ``streamlit_app.py`` on every run, before the page: its widgets keep their
values across pages, and every one of them is bound to a URL query parameter
(``bind="query-params"``; the widget key is the parameter name), so a shared link reopens
the same view. Pages read the result with :func:`selection`.

Query parameters
----------------
``src`` (dataset / synthetic / upload), ``ds``, ``split``, ``i``, ``j`` (bundled dataset
and the two series indices), ``gen`` (sine / bumps), ``n``, ``m``, ``shift``, ``warp``, ``noise``,
``seed`` (synthetic pair), ``ui``, ``uj`` (uploaded series indices), ``gamma``
(``0`` = hard DTW), ``cost``, ``band_on``, ``band``.

Uploaded series never go in the URL: the *Your data* page stores them with
:func:`set_uploaded` and the selector offers them under "Uploaded series".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from explorer import data, ui
from explorer.analysis import escape_markdown
from softdtw_core.band import band_limits_checked

__all__ = [
    "COSTS",
    "GAMMA_OPTIONS",
    "MAX_LENGTH",
    "SOURCES",
    "Selection",
    "UPLOAD_KEY",
    "clear_uploaded",
    "get_uploaded",
    "gamma_from_text",
    "render_sidebar",
    "selection",
    "set_uploaded",
]

# Option values are what the URL shows (a bound widget writes its *displayed* option text
# to the query string), so they are short words; the longer explanations are captions.
SOURCES = {"dataset": "bundled UCR/UEA series", "synthetic": "a generated pair",
           "upload": "from the Your data page"}
COSTS = {"sqeuclidean": "‖xᵢ − yⱼ‖²", "absolute": "Σₖ |xᵢₖ − yⱼₖ|"}
GENERATORS = {"sine": "a sine and a shifted, warped copy", "bumps": "two shifted bumps"}
_MANTISSAS = (1, 1.5, 2, 3, 5, 7)
GAMMA_OPTIONS = ["0"] + [
    f"{mant * 10.0**e:g}" for e in range(-3, 2) for mant in _MANTISSAS
] + ["100"]
DEFAULT_GAMMA = "0.1"
MAX_LENGTH = 1000  # the Learn pages build full n×m tables
UPLOAD_KEY = "uploaded_series"
_SELECTION_KEY = "_selection"

DEFAULTS = {
    "src": "dataset", "ds": "GunPoint", "split": "train", "i": 0, "j": 1,
    "gen": "sine", "n": 60, "m": 80, "shift": 0.15, "warp": 0.3, "noise": 0.05,
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
        return "0 (hard DTW)" if self.gamma == 0 else f"{self.gamma:g}"

    def kwargs(self) -> dict:
        """Keyword arguments for the core: ``cost`` and ``band``."""
        return {"cost": self.cost, "band": self.band}


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


def get_uploaded() -> dict | None:
    """The uploaded collection (``series``, ``names``, ``labels``, ``filename``) or None."""
    up = st.session_state.get(UPLOAD_KEY)
    if not up or not up.get("series"):
        return None
    return up


def clear_uploaded() -> None:
    st.session_state.pop(UPLOAD_KEY, None)


# --------------------------------------------------------------------------- helpers


def gamma_from_text(text: str) -> float:
    """γ from one of :data:`GAMMA_OPTIONS` (``"0"`` = hard DTW)."""
    value = float(text)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"γ must be a finite number >= 0, got {text!r}")
    return value


def _valid_choice(key: str, options) -> None:
    ui.valid_choice(key, options, DEFAULTS[key])


def _index(key: str, options) -> int:
    return list(options).index(DEFAULTS[key])


def _clamp(key: str, lo, hi) -> None:
    """Bring ``st.session_state[key]`` into [lo, hi] before its widget is drawn.

    A value can fall outside when the range changed (another dataset) or came from a
    hand-edited URL; the widget would otherwise refuse it.
    """
    ui.clamp(key, lo, hi, DEFAULTS[key])


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

_BIND = {"bind": "query-params"}


def _dataset_pair(sb, notes):
    names = data.list_datasets()
    _valid_choice("ds", names)
    ds = sb.selectbox("Dataset", names, index=_index("ds", names), key="ds", **_BIND,
                      help="Bundled UCR/UEA datasets (train or test split).")
    _valid_choice("split", ["train", "test"])
    split = sb.segmented_control("Split", ["train", "test"], default=DEFAULTS["split"],
                                 key="split", required=True, **_BIND)
    dataset = data.load_dataset(ds, split or "train")
    count = len(dataset)
    _clamp("i", 0, count - 1)
    _clamp("j", 0, count - 1)
    c1, c2 = sb.columns(2)
    i = c1.number_input("Series x #", 0, count - 1, value=min(DEFAULTS["i"], count - 1),
                        step=1, key="i", **_BIND)
    j = c2.number_input("Series y #", 0, count - 1, value=min(DEFAULTS["j"], count - 1),
                        step=1, key="j", **_BIND)
    series = dataset.series
    x = np.asarray(series[int(i)], dtype=np.float64)
    y = np.asarray(series[int(j)], dtype=np.float64)
    labels = dataset.labels
    sb.caption(f"{ds}: {dataset.description}")
    return (x, y, f"{ds}/{split} #{i}{_label_text(labels, int(i))}",
            f"{ds}/{split} #{j}{_label_text(labels, int(j))}")


def _synthetic_pair(sb, notes):
    _valid_choice("gen", GENERATORS)
    gen = sb.radio("Generator", list(GENERATORS), index=_index("gen", GENERATORS),
                   captions=list(GENERATORS.values()), key="gen", **_BIND)
    for key in ("n", "m"):
        _clamp(key, 2, MAX_LENGTH)
    c1, c2 = sb.columns(2)
    n = int(c1.number_input("Length n of x", 2, MAX_LENGTH, value=DEFAULTS["n"], step=1,
                            key="n", **_BIND))
    m = int(c2.number_input("Length m of y", 2, MAX_LENGTH, value=DEFAULTS["m"], step=1,
                            key="m", **_BIND))
    for key, hi in (("shift", 0.5), ("warp", 1.0), ("noise", 1.0)):
        _clamp(key, 0.0, hi)
    shift = sb.slider("Shift (fraction)", 0.0, 0.5, value=DEFAULTS["shift"], step=0.01,
                      key="shift", **_BIND)
    warp = 0.0
    if gen == "sine":
        warp = sb.slider("Random time warp of y", 0.0, 1.0, value=DEFAULTS["warp"], step=0.05,
                         key="warp", **_BIND)
    noise = sb.slider("Noise (std)", 0.0, 1.0, value=DEFAULTS["noise"], step=0.01,
                      key="noise", **_BIND)
    _clamp("seed", 0, 10_000)
    seed = int(sb.number_input("Seed", 0, 10_000, value=DEFAULTS["seed"], step=1, key="seed",
                               **_BIND))
    if gen == "sine":
        x = data.sine_pair(n, shift=shift, warp=warp, noise=noise, seed=seed)[0]
        y = data.sine_pair(m, shift=shift, warp=warp, noise=noise, seed=seed)[1]
    else:
        x = data.bump_pair(n, shift=shift, noise=noise, seed=seed)[0]
        y = data.bump_pair(m, shift=shift, noise=noise, seed=seed)[1]
    return x, y, f"{gen}: x (n={n})", f"{gen}: y (m={m})"


def _uploaded_pair(sb, notes, up):
    items, names = up["series"], up["names"]
    count = len(items)
    sb.caption(f"From {escape_markdown(up['filename'])}: {count} series.")
    _clamp("ui", 0, count - 1)
    _clamp("uj", 0, count - 1)
    c1, c2 = sb.columns(2)
    i = int(c1.number_input("Series x #", 0, count - 1, value=0, step=1, key="ui", **_BIND))
    j = int(c2.number_input("Series y #", 0, count - 1, value=min(1, count - 1), step=1,
                            key="uj", **_BIND))
    labels = up.get("labels")
    return (np.asarray(items[i], dtype=np.float64), np.asarray(items[j], dtype=np.float64),
            f"{names[i]}{_label_text(labels, i)}", f"{names[j]}{_label_text(labels, j)}")


def render_sidebar() -> Selection:
    """Draw the selector and the settings in the sidebar; store and return the selection."""
    sb = st.sidebar
    notes: list[str] = []
    sb.header("Series in play")
    _valid_choice("src", SOURCES)
    src = sb.radio("Source", list(SOURCES), index=_index("src", SOURCES),
                   captions=list(SOURCES.values()), key="src", **_BIND)
    up = get_uploaded()
    if src == "upload" and up is None:
        sb.info("No uploaded series in this session yet (uploads are not part of shared "
                "links). Showing the bundled dataset instead.")
        src = "dataset"
    if src == "dataset":
        x, y, xn, yn = _dataset_pair(sb, notes)
    elif src == "synthetic":
        x, y, xn, yn = _synthetic_pair(sb, notes)
    else:
        x, y, xn, yn = _uploaded_pair(sb, notes, up)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    x = _cap(x, "x", notes)
    y = _cap(y, "y", notes)

    sb.header("Soft-DTW settings")
    _valid_choice("gamma", GAMMA_OPTIONS)
    gtext = sb.select_slider(
        "γ (smoothing; 0 = hard DTW)", GAMMA_OPTIONS, value=DEFAULT_GAMMA, key="gamma", **_BIND,
        help="Log-spaced from 0.001 to 100; the leftmost value 0 gives the hard minimum (DTW).")
    gamma = gamma_from_text(gtext)
    _valid_choice("cost", COSTS)
    cost = sb.radio("Ground cost Δ", list(COSTS), index=_index("cost", COSTS),
                    captions=list(COSTS.values()), key="cost", horizontal=True, **_BIND)
    band_on = sb.toggle("Sakoe–Chiba band", value=DEFAULTS["band_on"], key="band_on", **_BIND)
    band = None
    if band_on:
        _clamp("band", 0.0, 10_000.0)
        band = float(sb.number_input("Band radius (time steps)", 0.0, 10_000.0,
                                     value=DEFAULTS["band"], step=1.0, key="band", **_BIND))
        try:  # the band must admit a path for these lengths (no DP needed to know)
            band_limits_checked(len(x), len(y), band)
        except ValueError as exc:
            sb.error(f"Band ignored: {exc}")
            band = None
    for note in notes:
        sb.warning(note)
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
