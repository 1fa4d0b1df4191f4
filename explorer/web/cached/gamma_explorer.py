"""The cached entry points of the Learn page *γ explorer*: E at every frame's γ, the curves
along γ, the animated figure (built once per pair), the brute-force check.
"""

from __future__ import annotations

import numpy as np

from explorer.logic import gamma_explorer
from explorer.plots import gamma_explorer as plots

from ..memo import cached

__all__ = [
    "enumeration",
    "gamma_figure",
    "gamma_frames",
    "gamma_sweep",
]


@cached("gamma_frames")
def gamma_frames(x: np.ndarray, y: np.ndarray, cost: str, band,
                 max_size: int = 200) -> gamma_explorer.GammaFrames:
    """:func:`explorer.logic.gamma_explorer.gamma_frames`."""
    return gamma_explorer.gamma_frames(x, y, cost=cost, band=band, max_size=max_size)


@cached("gamma_sweep")
def gamma_sweep(x: np.ndarray, y: np.ndarray, cost: str, band) -> gamma_explorer.GammaSweep:
    """:func:`explorer.logic.gamma_explorer.gamma_sweep` on the γ grid of
    :func:`~explorer.logic.gamma_explorer.sweep_gammas`."""
    return gamma_explorer.gamma_sweep(x, y, gamma_explorer.sweep_gammas(), cost=cost, band=band)


@cached("gamma_figure")
def gamma_figure(x: np.ndarray, y: np.ndarray, cost: str, band, mode: str,
                 max_size: int = 200) -> dict:
    """The γ explorer's animated figure (as a dict, opening on frame 0), built once per data.

    Use :func:`explorer.plots.gamma_explorer.with_active_frame` to open it on another γ.
    """
    frames = gamma_frames(x, y, cost, band, max_size)
    fig = plots.gamma_animation_figure(
        frames.frames, frames.gammas, gamma_sweep(x, y, cost, band), mode=mode, active=0,
        rows=frames.rows, cols=frames.cols, uirevision=f"gamma-{len(x)}-{len(y)}-{mode}")
    return fig.to_dict()


@cached("enumeration")
def enumeration(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band):
    """:func:`explorer.logic.gamma_explorer.enumeration_check` (brute force over every path)."""
    return gamma_explorer.enumeration_check(x, y, gamma, cost=cost, band=band)
