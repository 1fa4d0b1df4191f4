"""Cached pure calls for the pages (``st.cache_data`` with bounded sizes).

Every function here is a thin wrapper: the work is done by :mod:`softdtw_core` and
:mod:`explorer.learn`, which stay importable and testable without Streamlit.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import softdtw_core as sd

from . import figures, learn
from .figures import MAX_DISPLAY

__all__ = [
    "COMPILE_MESSAGE",
    "enumeration",
    "gamma_figure",
    "gamma_frames",
    "hard_path",
    "sweep",
    "tables",
    "warm_up",
]

COMPILE_MESSAGE = (
    "Preparing the Numba kernels of the soft-DTW core. On the very first run after "
    "installation they are compiled to machine code (about 10–20 s on a small machine); "
    "afterwards they load from Numba's on-disk cache in well under a second."
)


@st.cache_resource(show_spinner=COMPILE_MESSAGE)
def warm_up() -> bool:
    """Call every kernel of the Learn pages once on tiny inputs (once per server process).

    The collection kernels of the Use pages (batch, pairwise) are left to their first use:
    from Numba's disk cache they load in ~0.15 s, and compiling them on a cold cache
    (~10 s) happens under those pages' own progress messages.
    """
    x = np.array([0.0, 1.0, 0.5])
    y = np.array([0.2, 0.9, 0.1, 0.4])
    for cost in ("sqeuclidean", "absolute"):
        for band in (None, 2.0):
            sd.soft_dtw_tables(x, y, 0.1, cost=cost, band=band)
            sd.soft_dtw_tables(x, y, 0.0, cost=cost, band=band)
            sd.soft_dtw(x, y, 0.1, cost=cost, band=band)
            sd.dtw_path(x, y, cost=cost, band=band)
            sd.path_entropy(x, y, 0.1, cost=cost, band=band)
    sd.soft_dtw_tables(np.c_[x, x], np.c_[y, y], 0.1)
    sd.soft_dtw(np.c_[x, x], np.c_[y, y], 0.1)
    return True


@st.cache_data(max_entries=24, show_spinner=False)
def tables(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band) -> sd.SoftDTWTables:
    """Δ, R, local weights, E and the value (:func:`softdtw_core.soft_dtw_tables`)."""
    return sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)


@st.cache_data(max_entries=24, show_spinner=False)
def hard_path(x: np.ndarray, y: np.ndarray, cost: str, band):
    """An optimal DTW path (0-based cells) and the DTW value."""
    value, path = sd.dtw_path(x, y, cost=cost, band=band)
    return [tuple(map(int, c)) for c in path], float(value)


@st.cache_data(max_entries=8, show_spinner=False)
def gamma_frames(x: np.ndarray, y: np.ndarray, cost: str, band, max_size: int = 200):
    """E for each γ of :func:`explorer.learn.frame_gammas`, reduced to ``max_size`` per side.

    Returns ``(gammas, frames (float32), rows, cols, factors)``.
    """
    gammas = learn.frame_gammas()
    frames = []
    rows = cols = None
    factors = (1, 1)
    for g in gammas:
        E = sd.soft_dtw_tables(x, y, float(g), cost=cost, band=band).E
        small, rows, cols, factors = learn.block_average(E, max_size)
        frames.append(small.astype(np.float32))
    return gammas, frames, rows, cols, factors


@st.cache_data(max_entries=8, show_spinner=False)
def sweep(x: np.ndarray, y: np.ndarray, cost: str, band, n_gammas: int = 31):
    """:func:`explorer.learn.gamma_sweep` on a log grid from 1e-3 to 1e2."""
    return learn.gamma_sweep(x, y, np.logspace(-3, 2, n_gammas), cost=cost, band=band)


@st.cache_data(max_entries=8, show_spinner=False)
def gamma_figure(x: np.ndarray, y: np.ndarray, cost: str, band, mode: str,
                 max_size: int = 200) -> dict:
    """The γ explorer's animated figure (as a dict, opening on frame 0), built once per data.

    Use :func:`explorer.figures.with_active_frame` to open it on another γ.
    """
    gammas, frames, rows, cols, _ = gamma_frames(x, y, cost, band, max_size)
    sw = sweep(x, y, cost, band)
    fig = figures.gamma_animation_figure(frames, gammas, sw, mode=mode, active=0, rows=rows,
                                         cols=cols, uirevision=f"gamma-{len(x)}-{len(y)}-{mode}")
    return fig.to_dict()


@st.cache_data(max_entries=16, show_spinner=False)
def enumeration(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band):
    """:func:`explorer.learn.enumeration_check` (brute force over every path)."""
    return learn.enumeration_check(x, y, gamma, cost=cost, band=band)


def display_limit() -> int:
    return MAX_DISPLAY
