"""Cached calls for the *k-means* and *Your data* pages (``st.cache_data``, bounded sizes).

Thin wrappers: the work is done by :mod:`softdtw_core`, :mod:`explorer.data` and
:mod:`explorer.analysis`, which import no Streamlit.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import softdtw_core as sd
from explorer import analysis, data

__all__ = [
    "KMEANS_MAX_LENGTH",
    "KMEANS_MAX_SERIES",
    "MATRIX_MAX_LENGTH",
    "MATRIX_MAX_SERIES",
    "SYNTHETIC_SETS",
    "baselines",
    "collection",
    "dtw_inertia",
    "pairwise",
    "parse_upload",
    "sample_csv",
    "synthetic_set",
]

KMEANS_MAX_SERIES = 150
KMEANS_MAX_LENGTH = 200
MATRIX_MAX_SERIES = 150
MATRIX_MAX_LENGTH = 500
SYNTHETIC_SETS = {
    "cbf": "Cylinder–Bell–Funnel (3 classes, random onsets and lengths)",
    "warped": "warped copies of 3 templates (sine, bumps, square)",
}


@st.cache_data(max_entries=16, show_spinner=False)
def synthetic_set(kind: str, n_per_class: int, length: int, seed: int) -> data.Dataset:
    """A generated labelled collection: CBF or warped copies of three templates."""
    if kind == "cbf":
        return data.cylinder_bell_funnel(n_per_class, length, seed=seed)
    if kind == "warped":
        return data.warped_copies(n_per_class, length, templates=("sine", "bumps", "square"),
                                  warp=0.4, noise=0.1, seed=seed)
    raise ValueError(f"unknown synthetic set {kind!r}; choose from {list(SYNTHETIC_SETS)}")


@st.cache_data(max_entries=16, show_spinner=False)
def collection(series, labels, names, max_series: int, max_length: int) -> analysis.Collection:
    """:func:`explorer.analysis.prepare_collection` (caps with notes)."""
    return analysis.prepare_collection(series, labels, names, max_series=max_series,
                                       max_length=max_length)


@st.cache_data(max_entries=16, show_spinner=False)
def baselines(series, k: int, true_labels, init: str, seed: int, max_iter: int):
    """DBA and Euclidean k-means on the same data and seed (:func:`analysis.run_baselines`)."""
    return analysis.run_baselines(series, k, true_labels=true_labels, init=init, seed=seed,
                                  max_iter=max_iter)


@st.cache_data(max_entries=32, show_spinner=False)
def dtw_inertia(series, centers) -> float:
    """``Σ_i min_c dtw_0(x_i, c)``, the score all three k-means are compared on."""
    return float(sd.dtw_inertia(series, centers))


@st.cache_data(max_entries=16, show_spinner=False)
def parse_upload(content: bytes, filename: str, overrides: tuple) -> data.ParsedSeries:
    """:func:`explorer.data.parse_series_file` with the page's overrides (a tuple of pairs).

    A :class:`explorer.data.SeriesFileError` propagates (it is not cached).
    """
    return data.parse_series_file(content, filename, **dict(overrides))


@st.cache_data(max_entries=8, show_spinner=False)
def pairwise(series, gamma: float, divergence: bool, cost: str, band):
    """The pairwise soft-DTW (or divergence) matrix and its hierarchical-clustering order."""
    M = sd.soft_dtw_cdist(series, gamma=gamma, divergence=divergence, cost=cost, band=band)
    order = analysis.cluster_order(M, raw=not divergence)
    return M, order


@st.cache_data(show_spinner=False)
def sample_csv() -> bytes:
    """A small labelled example file in the wide layout (CBF, 3 × 3 series of 64 points)."""
    ds = data.cylinder_bell_funnel(3, 64, seed=1)
    classes = ds.metadata.get("classes", {})
    names = [f"{classes.get(str(c), c)}_{k + 1}" for k, c in enumerate(np.asarray(ds.labels))]
    return data.series_to_csv(np.round(ds.series, 4), labels=ds.labels, names=names)
