"""Computations of the Use page *Interpolation* (no Streamlit, no Plotly).

The soft-DTW interpolation path between two series (:func:`softdtw_core.interpolation_path`,
one barycenter problem per λ, warm-started along λ) against the point-by-point average.
Nothing here caches: :mod:`explorer.web.cached.interpolation` runs it as a shared job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import softdtw_core as sd

from . import formatting
from .common import Progress, as_float_series, numba_threads, report

__all__ = [
    "INTERP_MAX_ITER",
    "INTERP_MAX_LENGTH",
    "LAMBDA_STEPS",
    "InterpolationGrid",
    "interpolation_grid",
    "prepare_pair",
]

INTERP_MAX_LENGTH = 150  # interpolation: longer series are resampled to this many points
LAMBDA_STEPS = 21  # λ = 0, 0.05, …, 1 shipped as animation frames
INTERP_MAX_ITER = 150  # optimiser iterations per λ


@dataclass
class InterpolationGrid:
    """Soft-DTW and Euclidean interpolants of x (weight λ) and y (weight 1 − λ) on a λ grid."""

    lams: np.ndarray
    soft: list[np.ndarray]
    euclid: list[np.ndarray]
    objectives: np.ndarray
    n_iter: np.ndarray
    seconds: float
    gamma: float
    objective: str


def interpolation_grid(x, y, gamma: float, *, objective: str = "softdtw", band=None,
                       steps: int = LAMBDA_STEPS, max_iter: int = INTERP_MAX_ITER,
                       progress: Progress = None) -> InterpolationGrid:
    """Warm-started soft-DTW interpolation path on ``steps`` equally spaced λ.

    ``λ`` weighs ``x``: ``λ = 1`` targets x, ``λ = 0`` targets y
    (:func:`softdtw_core.interpolation_path`).
    """
    x = as_float_series(x)
    y = as_float_series(y)
    if steps < 2:
        raise ValueError("the λ grid needs at least 2 points")
    lams = np.linspace(0.0, 1.0, int(steps))
    t0 = time.perf_counter()
    done = [0]

    def cb(_idx, r):
        done[0] += 1
        report(progress, done[0] / len(lams),
                f"λ = {formatting.fixed(r.lam)} solved ({done[0]}/{len(lams)}, {r.n_iter} "
                "iterations)")

    with numba_threads(1):
        path = sd.interpolation_path(x, y, lams, gamma, objective=objective, band=band,
                                     max_iter=int(max_iter), warm_start=True, callback=cb)
    seconds = time.perf_counter() - t0
    eu = [as_float_series(sd.euclidean_interpolation(x, y, lam, length=len(r.solution)))
          for lam, r in zip(lams, path)]
    return InterpolationGrid(
        lams, [as_float_series(r.solution) for r in path], eu,
        np.array([r.objective for r in path]),
        np.array([r.n_iter for r in path]), seconds, float(gamma), objective)


def prepare_pair(x, y, max_length: int = INTERP_MAX_LENGTH):
    """x and y resampled to at most ``max_length`` points, with the messages saying so."""
    out, notes = [], []
    for s, name in ((x, "x"), (y, "y")):
        s = as_float_series(s)
        if len(s) > max_length:
            notes.append(f"{name} has {len(s)} points: it is linearly resampled to {max_length} "
                         f"(this page's cap, so the {LAMBDA_STEPS} interpolants stay fast).")
            s = as_float_series(sd.resample(s, max_length))
        out.append(s)
    return out[0], out[1], notes
