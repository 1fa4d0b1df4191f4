r"""Computations of the Learn page *γ explorer* (no Streamlit, no Plotly).

The expected alignment E for a grid of γ (the animation's frames), the curves of
:math:`\operatorname{dtw}_\gamma`, the divergence, the entropy and log k_GA along γ, and a brute
force check of the recursion over every alignment of a small pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import softdtw_core as sd

from .common import block_average, log_delannoy

__all__ = [
    "ENUM_MAX_PATHS",
    "EnumerationCheck",
    "GammaFrames",
    "GammaSweep",
    "enumeration_check",
    "frame_gammas",
    "gamma_frames",
    "gamma_sweep",
    "sweep_gammas",
]


def frame_gammas() -> np.ndarray:
    """γ values of the γ explorer's animation frames: 0, then 1, 2, 5 per decade 1e-3..1e2."""
    grid = [m * 10.0**e for e in range(-3, 2) for m in (1, 2, 5)] + [100.0]
    return np.array([0.0] + grid)


def sweep_gammas(count: int = 31) -> np.ndarray:
    """The γ explorer's curve grid: ``count`` log-spaced values from 1e-3 to 1e2."""
    return np.logspace(-3, 2, count)


@dataclass(frozen=True)
class GammaFrames:
    """E for each γ of :func:`frame_gammas`, reduced for display (float32 frames).

    ``rows`` and ``cols`` are the frames' block-centre coordinates and ``factors`` the block
    sizes (``(1, 1)`` when the frames are full size), as from :func:`block_average`.
    """

    gammas: np.ndarray
    frames: list[np.ndarray]
    rows: np.ndarray
    cols: np.ndarray
    factors: tuple[int, int]


def gamma_frames(x, y, *, cost="sqeuclidean", band=None, max_size: int = 200) -> GammaFrames:
    """E for each γ of :func:`frame_gammas`, block-averaged to at most ``max_size`` per side."""
    gammas = frame_gammas()
    frames = []
    rows = cols = None
    factors = (1, 1)
    for g in gammas:
        E = sd.soft_dtw_tables(x, y, float(g), cost=cost, band=band).E
        small, rows, cols, factors = block_average(E, max_size)
        frames.append(small.astype(np.float32))
    return GammaFrames(gammas, frames, rows, cols, factors)


@dataclass(frozen=True)
class GammaSweep:
    """Soft-DTW quantities over a grid of γ (all arrays aligned with ``gammas``)."""

    gammas: np.ndarray
    value: np.ndarray
    value_xx: np.ndarray
    value_yy: np.ndarray
    divergence: np.ndarray
    entropy: np.ndarray
    log_kga: np.ndarray
    dtw: float
    log_paths: float


def gamma_sweep(x, y, gammas, *, cost="sqeuclidean", band=None) -> GammaSweep:
    """dtw_γ, the self terms, the divergence, the path entropy and log k_GA over ``gammas``.

    ``gammas`` must be > 0. The divergence is built from the same three values, so
    ``divergence = value - (value_xx + value_yy) / 2`` exactly.
    """
    gammas = np.asarray(gammas, dtype=np.float64)
    if gammas.size == 0 or np.any(gammas <= 0):
        raise ValueError("gammas must be a non-empty array of positive values")
    dtw, _ = sd.dtw_path(x, y, cost=cost, band=band)
    value = np.empty_like(gammas)
    vxx = np.empty_like(gammas)
    vyy = np.empty_like(gammas)
    ent = np.empty_like(gammas)
    for k, g in enumerate(gammas):
        value[k] = sd.soft_dtw(x, y, g, cost=cost, band=band)
        vxx[k] = sd.soft_dtw(x, x, g, cost=cost, band=band)
        vyy[k] = sd.soft_dtw(y, y, g, cost=cost, band=band)
        ent[k] = sd.path_entropy(x, y, g, cost=cost, band=band)
    n, m = len(x), len(y)
    return GammaSweep(
        gammas=gammas,
        value=value,
        value_xx=vxx,
        value_yy=vyy,
        divergence=value - 0.5 * (vxx + vyy),
        entropy=ent,
        log_kga=-value / gammas,
        dtw=float(dtw),
        log_paths=log_delannoy(n, m),
    )


@dataclass(frozen=True)
class EnumerationCheck:
    """The Gibbs expectation of the alignment by enumerating every path, against the DP."""

    n: int
    m: int
    truncated: bool
    n_paths: int
    E_enum: np.ndarray
    E_dp: np.ndarray
    value_enum: float
    value_dp: float
    max_abs_diff: float


ENUM_MAX_PATHS = 5_000


def enumeration_check(x, y, gamma, *, cost="sqeuclidean", band=None,
                      max_paths: int = ENUM_MAX_PATHS) -> EnumerationCheck:
    """Compare E from the DP with the Gibbs expectation over all enumerated paths.

    When the pair has more than ``max_paths`` alignments, both series are cut to the longest
    prefixes that keep the count within ``max_paths`` (the longer one is shortened first),
    and ``truncated`` is True.
    """
    n, m = len(x), len(y)
    truncated = False
    if sd.delannoy(n - 1, m - 1) > max_paths:
        truncated = True
        # Delannoy(11, 11) > 10^8: start the search there instead of at huge n, m
        n, m = min(n, 12), min(m, 12)
        while sd.delannoy(n - 1, m - 1) > max_paths:
            if n >= m and n > 1:
                n -= 1
            else:
                m -= 1
        x, y = x[:n], y[:m]
    band_used = band
    if band is not None:
        # a band that admitted the full pair may be too narrow for the prefixes
        try:
            sd.band_mask(n, m, band)
            sd.accumulated_cost(x, y, gamma, cost=cost, band=band)
        except ValueError:
            band_used = None
    enum = sd.brute_force_soft_dtw(x, y, gamma, cost=cost, band=band_used, max_paths=max_paths)
    tables = sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band_used)
    n_paths = int(len(enum.path_costs))
    return EnumerationCheck(
        n=n, m=m, truncated=truncated, n_paths=n_paths,
        E_enum=np.asarray(enum.E), E_dp=np.asarray(tables.E),
        value_enum=float(enum.value), value_dp=float(tables.value),
        max_abs_diff=float(np.max(np.abs(np.asarray(enum.E) - tables.E))),
    )
