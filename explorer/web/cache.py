"""Every cache of the app, and its policy, in one place.

The work is done by :mod:`explorer.logic` (and :mod:`softdtw_core`), which never caches and
stays importable and testable without Streamlit; this module wraps those pure functions.

Two kinds of cache
------------------
``st.cache_data`` (most wrappers below) hashes the arguments and pickles the result per call.
It also records every element a cached function draws and replays it on a hit, so a
progress bar moved from inside a cached function would be replayed too. The computations
that report progress (interpolation grids, barycenter comparisons, barycenter sweeps) are
therefore memoised in a small thread-safe LRU (:class:`Memo`, shared by every session of
the server), keyed by a hash of the input arrays and parameters: a miss runs with a live
progress bar, a hit returns at once and draws nothing. :func:`clear_memo` empties it.

Limits
------
:data:`LIMITS` gives every cache's number of entries (least recently used first out).
No cache has a time to live: every result depends on its arguments only.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import streamlit as st

import softdtw_core as sd
from explorer import data
from explorer.logic import clustering, learning, loss, teaching
from explorer.plots import clustering as clustering_plots
from explorer.plots import loss as loss_plots
from explorer.plots import teaching as teaching_plots

__all__ = [
    "COMPILE_MESSAGE",
    "LIMITS",
    "Memo",
    "barycenter_comparison",
    "barycenter_sweep",
    "baselines",
    "cache_key",
    "clear_memo",
    "collection",
    "dtw_inertia",
    "enumeration",
    "gamma_figure",
    "gamma_frames",
    "gamma_sweep",
    "interpolation_grid",
    "loss_curve",
    "loss_descent",
    "loss_descent_figure",
    "loss_frames",
    "loss_gradient",
    "loss_gradient_figures",
    "loss_line_figure",
    "loss_scan",
    "loss_switch_figure",
    "loss_switches",
    "optimal_path",
    "pairwise_matrix",
    "parse_upload",
    "sample_csv",
    "synthetic_set",
    "tables",
    "warm_up",
]

#: Entries kept by each cache (no TTL anywhere: results depend on their arguments only).
LIMITS = {
    # Learn pages and the Your data pair view (st.cache_data)
    "tables": 24,  # Δ, R, local weights, E of a pair
    "optimal_path": 24,  # DTW path and value of a pair
    "gamma_frames": 8,  # E for each γ frame of the γ explorer
    "gamma_sweep": 8,  # the γ explorer's curves
    "gamma_figure": 8,  # the γ explorer's animated figure
    "enumeration": 16,  # brute force over every path
    "loss_curve": 32,  # DTW as a loss: one γ's values and slopes along a line
    "loss_switches": 8,  # ... the changes of A* along it
    "loss_frames": 8,  # ... E at the animation frames of the line
    "loss_line_figure": 8,  # ... the animated line figure
    "loss_switch_figure": 16,  # ... Δ with the paths either side of a change of A*
    "loss_gradient": 16,  # ... the two gradients at x
    "loss_gradient_figures": 16,  # ... drawn as arrows, and E's pulls
    "loss_descent": 8,  # ... gradient descent on each loss
    "loss_descent_figure": 8,  # ... its animated figure
    # k-means and Your data pages (st.cache_data)
    "synthetic_set": 16,
    "collection": 16,  # a collection after the page's caps
    "baselines": 16,  # DBA and Euclidean k-means
    "dtw_inertia": 32,
    "parse_upload": 16,  # an uploaded file, parsed with the page's overrides
    "pairwise_matrix": 8,
    "sample_csv": 1,
    # Interpolation and Barycenters pages: the shared LRU with live progress on a miss
    "memo": 32,
}

COMPILE_MESSAGE = (
    "Preparing the Numba kernels of the soft-DTW core. On the very first run after "
    "installation they are compiled to machine code (about 10–20 s on a small machine); "
    "afterwards they load from Numba's on-disk cache in well under a second."
)


def _cached(name: str):
    """``st.cache_data`` bounded by ``LIMITS[name]``, without Streamlit's spinner."""
    return st.cache_data(max_entries=LIMITS[name], show_spinner=False)


# --------------------------------------------------------------------------- Learn pages


@st.cache_resource(show_spinner=COMPILE_MESSAGE)
def warm_up() -> bool:
    """Load or compile the Learn pages' kernels once per server process
    (:func:`explorer.logic.teaching.warm_up_kernels`)."""
    teaching.warm_up_kernels()
    return True


@_cached("tables")
def tables(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band) -> sd.SoftDTWTables:
    """Δ, R, local weights, E and the value (:func:`softdtw_core.soft_dtw_tables`)."""
    return sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)


@_cached("optimal_path")
def optimal_path(x: np.ndarray, y: np.ndarray, cost: str, band):
    """:func:`explorer.logic.teaching.optimal_path`: 0-based cells and the DTW value."""
    return teaching.optimal_path(x, y, cost=cost, band=band)


@_cached("gamma_frames")
def gamma_frames(x: np.ndarray, y: np.ndarray, cost: str, band,
                 max_size: int = 200) -> teaching.GammaFrames:
    """:func:`explorer.logic.teaching.gamma_frames`."""
    return teaching.gamma_frames(x, y, cost=cost, band=band, max_size=max_size)


@_cached("gamma_sweep")
def gamma_sweep(x: np.ndarray, y: np.ndarray, cost: str, band) -> teaching.GammaSweep:
    """:func:`explorer.logic.teaching.gamma_sweep` on the γ grid of
    :func:`~explorer.logic.teaching.sweep_gammas`."""
    return teaching.gamma_sweep(x, y, teaching.sweep_gammas(), cost=cost, band=band)


@_cached("gamma_figure")
def gamma_figure(x: np.ndarray, y: np.ndarray, cost: str, band, mode: str,
                 max_size: int = 200) -> dict:
    """The γ explorer's animated figure (as a dict, opening on frame 0), built once per data.

    Use :func:`explorer.plots.teaching.with_active_frame` to open it on another γ.
    """
    frames = gamma_frames(x, y, cost, band, max_size)
    fig = teaching_plots.gamma_animation_figure(
        frames.frames, frames.gammas, gamma_sweep(x, y, cost, band), mode=mode, active=0,
        rows=frames.rows, cols=frames.cols, uirevision=f"gamma-{len(x)}-{len(y)}-{mode}")
    return fig.to_dict()


@_cached("enumeration")
def enumeration(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band):
    """:func:`explorer.logic.teaching.enumeration_check` (brute force over every path)."""
    return teaching.enumeration_check(x, y, gamma, cost=cost, band=band)


def _direction(x, kind, point, channel) -> loss.Direction:
    return loss.direction(x, kind, point=point, channel=channel)


@_cached("loss_curve")
def loss_curve(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
               gamma: float, cost: str, band) -> np.ndarray:
    """:func:`explorer.logic.loss.line_curve`: one γ's values and slopes along the line."""
    return loss.line_curve(x, y, _direction(x, kind, point, channel), gamma, cost=cost,
                           band=band)


@_cached("loss_switches")
def loss_switches(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                  cost: str, band) -> tuple:
    """:func:`explorer.logic.loss.line_switches`: the changes of A* along the line."""
    return loss.line_switches(x, y, _direction(x, kind, point, channel), cost=cost, band=band)


def loss_scan(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
              gamma: float, cost: str, band) -> loss.LineScan:
    """:func:`explorer.logic.loss.line_scan` from cached pieces: a new sidebar γ computes its
    own curve only."""
    d = _direction(x, kind, point, channel)
    curves = {g: loss_curve(x, y, kind, point, channel, g, cost, band)
              for g in loss.curve_gammas(gamma)}
    return loss.assemble_scan(loss.line_grid(d), curves,
                              *loss_switches(x, y, kind, point, channel, cost, band))


@_cached("loss_frames")
def loss_frames(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                gamma: float, cost: str, band) -> loss.LineFrames:
    """:func:`explorer.logic.loss.line_frames` along the same direction."""
    return loss.line_frames(x, y, _direction(x, kind, point, channel), gamma, cost=cost,
                            band=band)


@_cached("loss_line_figure")
def loss_line_figure(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                     gamma: float, cost: str, band) -> dict:
    """The animated line figure (:func:`explorer.plots.loss.line_figure`) as a dict."""
    args = (x, y, kind, point, channel, gamma, cost, band)
    return loss_plots.line_figure(x, y, _direction(x, kind, point, channel).V,
                                  loss_scan(*args), loss_frames(*args), gamma=gamma,
                                  channel=channel).to_dict()


@_cached("loss_switch_figure")
def loss_switch_figure(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                       cost: str, band, index: int) -> dict:
    """Δ at the ``index``-th change of A* with the paths either side
    (:func:`explorer.plots.loss.switch_figure`), as a dict."""
    switch = loss_switches(x, y, kind, point, channel, cost, band)[0][index]
    x_at, D = loss.switch_cost(x, y, _direction(x, kind, point, channel), switch, cost=cost)
    return loss_plots.switch_figure(x_at, y, D, switch).to_dict()


@_cached("loss_gradient")
def loss_gradient(x: np.ndarray, y: np.ndarray, gamma: float, cost: str,
                  band) -> loss.GradientView:
    """:func:`explorer.logic.loss.gradient_view`."""
    return loss.gradient_view(x, y, gamma, cost=cost, band=band)


@_cached("loss_gradient_figures")
def loss_gradient_figures(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band,
                          channel: int, gamma_text: str) -> tuple[dict, dict]:
    """The arrows (:func:`explorer.plots.loss.gradient_figure`) and E's pulls
    (:func:`explorer.plots.clustering.match_lines_figure`), as dicts."""
    view = loss_gradient(x, y, gamma, cost, band)
    arrows = loss_plots.gradient_figure(x, y, view, channel=channel, gamma_text=gamma_text)
    pulls = clustering_plots.match_lines_figure(x, y, view.E, channel=channel)
    return arrows.to_dict(), pulls.to_dict()


@_cached("loss_descent")
def loss_descent(x: np.ndarray, y: np.ndarray, gammas: tuple, eta: float, steps: int,
                 cost: str, band) -> loss.Descent:
    """:func:`explorer.logic.loss.descent`."""
    return loss.descent(x, y, gammas, eta=eta, steps=steps, cost=cost, band=band)


@_cached("loss_descent_figure")
def loss_descent_figure(x: np.ndarray, y: np.ndarray, gammas: tuple, eta: float, steps: int,
                        cost: str, band, channel: int) -> dict:
    """The animated descent figure (:func:`explorer.plots.loss.descent_figure`) as a dict."""
    desc = loss_descent(x, y, gammas, eta, steps, cost, band)
    return loss_plots.descent_figure(desc, y, channel=channel).to_dict()


# --------------------------------------------------------------------------- k-means, Your data


@_cached("synthetic_set")
def synthetic_set(kind: str, n_per_class: int, length: int, seed: int) -> data.Dataset:
    """:func:`explorer.logic.clustering.synthetic_set`."""
    return clustering.synthetic_set(kind, n_per_class, length, seed)


@_cached("collection")
def collection(series, labels, names, max_series: int,
               max_length: int) -> clustering.Collection:
    """:func:`explorer.logic.clustering.prepare_collection` (caps with notes)."""
    return clustering.prepare_collection(series, labels, names, max_series=max_series,
                                         max_length=max_length)


@_cached("baselines")
def baselines(series, k: int, true_labels, init: str, seed: int, max_iter: int):
    """DBA and Euclidean k-means on the same data and seed
    (:func:`explorer.logic.clustering.run_baselines`)."""
    return clustering.run_baselines(series, k, true_labels=true_labels, init=init, seed=seed,
                                    max_iter=max_iter)


@_cached("dtw_inertia")
def dtw_inertia(series, centers) -> float:
    """``Σ_i min_c dtw_0(x_i, c)``, the score all three k-means are compared on."""
    return float(sd.dtw_inertia(series, centers))


@_cached("parse_upload")
def parse_upload(content: bytes, filename: str, overrides: tuple) -> data.ParsedSeries:
    """:func:`explorer.data.parse_series_file` with the page's overrides (a tuple of pairs).

    A :class:`explorer.data.SeriesFileError` propagates (it is not cached).
    """
    return data.parse_series_file(content, filename, **dict(overrides))


@_cached("pairwise_matrix")
def pairwise_matrix(series, gamma: float, divergence: bool, cost: str, band):
    """:func:`explorer.logic.clustering.pairwise_matrix`: the matrix and its clustered order."""
    return clustering.pairwise_matrix(series, gamma, divergence=divergence, cost=cost,
                                      band=band)


@_cached("sample_csv")
def sample_csv() -> bytes:
    """:func:`explorer.logic.clustering.sample_csv`, the Your data page's example file."""
    return clustering.sample_csv()


# --------------------------------------------------------------------------- memo (live progress)


def _hash_part(h, part) -> None:
    if isinstance(part, np.ndarray):
        a = np.ascontiguousarray(part)
        h.update(f"nd{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    elif isinstance(part, list | tuple):
        h.update(f"seq{len(part)}(".encode())
        for p in part:
            _hash_part(h, p)
        h.update(b")")
    elif isinstance(part, dict):
        h.update(b"dict(")
        for k in sorted(part):
            _hash_part(h, str(k))
            _hash_part(h, part[k])
        h.update(b")")
    else:
        h.update(f"{type(part).__name__}:{part!r};".encode())


def cache_key(*parts) -> str:
    """A stable hash of arrays, sequences, dicts and scalars."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        _hash_part(h, p)
    return h.hexdigest()


class Memo:
    """A small thread-safe LRU of computed results, keyed by :func:`cache_key`."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        """The result stored under ``key`` (now the most recent), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, value) -> None:
        """Store a result; the least recently used ones go beyond ``max_entries``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_MEMO = Memo(LIMITS["memo"])


def clear_memo() -> None:
    """Forget every memoised interpolation grid, barycenter comparison and sweep."""
    _MEMO.clear()


def _memoised(compute: Callable) -> Callable:
    """``compute(*args, progress=..., **kwargs)`` memoised in the shared :class:`Memo`.

    The key covers the function and every argument but ``progress``; a hit never calls
    ``progress`` (nothing is drawn), a miss passes it on.
    """

    @functools.wraps(compute)
    def memoised(*args, progress: learning.Progress = None, **kwargs):
        key = cache_key(compute.__module__, compute.__qualname__, args, kwargs)
        hit = _MEMO.get(key)
        if hit is not None:
            return hit
        value = compute(*args, progress=progress, **kwargs)
        _MEMO.put(key, value)
        return value

    return memoised


interpolation_grid = _memoised(learning.interpolation_grid)
barycenter_comparison = _memoised(learning.barycenter_comparison)
barycenter_sweep = _memoised(learning.barycenter_sweep)
