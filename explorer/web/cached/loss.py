"""The cached entry points of the Learn page *DTW as a loss*: the curves and changes of A*
along a line, its animation frames, the gradients, the descent, and their figures (as
dicts, built once per input).
"""

from __future__ import annotations

import numpy as np

from explorer.logic import loss
from explorer.plots import loss as plots
from explorer.plots import your_data as your_data_plots

from ..memo import cached

__all__ = [
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
]


def _direction(x, kind, point, channel) -> loss.Direction:
    return loss.direction(x, kind, point=point, channel=channel)


@cached("loss_curve")
def loss_curve(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
               gamma: float, cost: str, band) -> np.ndarray:
    """:func:`explorer.logic.loss.line_curve`: one γ's values and slopes along the line."""
    return loss.line_curve(x, y, _direction(x, kind, point, channel), gamma, cost=cost,
                           band=band)


@cached("loss_switches")
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


@cached("loss_frames")
def loss_frames(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                gamma: float, cost: str, band) -> loss.LineFrames:
    """:func:`explorer.logic.loss.line_frames` along the same direction."""
    return loss.line_frames(x, y, _direction(x, kind, point, channel), gamma, cost=cost,
                            band=band)


@cached("loss_line_figure")
def loss_line_figure(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                     gamma: float, cost: str, band) -> dict:
    """The animated line figure (:func:`explorer.plots.loss.line_figure`) as a dict."""
    args = (x, y, kind, point, channel, gamma, cost, band)
    return plots.line_figure(x, y, _direction(x, kind, point, channel).V,
                             loss_scan(*args), loss_frames(*args), gamma=gamma,
                             channel=channel).to_dict()


@cached("loss_switch_figure")
def loss_switch_figure(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                       cost: str, band, index: int) -> dict:
    """Δ at the ``index``-th change of A* with the paths either side
    (:func:`explorer.plots.loss.switch_figure`), as a dict."""
    switch = loss_switches(x, y, kind, point, channel, cost, band)[0][index]
    x_at, D = loss.switch_cost(x, y, _direction(x, kind, point, channel), switch, cost=cost)
    return plots.switch_figure(x_at, y, D, switch).to_dict()


@cached("loss_gradient")
def loss_gradient(x: np.ndarray, y: np.ndarray, gamma: float, cost: str,
                  band) -> loss.GradientView:
    """:func:`explorer.logic.loss.gradient_view`."""
    return loss.gradient_view(x, y, gamma, cost=cost, band=band)


@cached("loss_gradient_figures")
def loss_gradient_figures(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band,
                          channel: int, gamma_text: str) -> tuple[dict, dict]:
    """The arrows (:func:`explorer.plots.loss.gradient_figure`) and E's pulls
    (:func:`explorer.plots.your_data.match_lines_figure`), as dicts."""
    view = loss_gradient(x, y, gamma, cost, band)
    arrows = plots.gradient_figure(x, y, view, channel=channel, gamma_text=gamma_text)
    pulls = your_data_plots.match_lines_figure(x, y, view.E, channel=channel)
    return arrows.to_dict(), pulls.to_dict()


@cached("loss_descent")
def loss_descent(x: np.ndarray, y: np.ndarray, gammas: tuple, eta: float, steps: int,
                 cost: str, band) -> loss.Descent:
    """:func:`explorer.logic.loss.descent`."""
    return loss.descent(x, y, gammas, eta=eta, steps=steps, cost=cost, band=band)


@cached("loss_descent_figure")
def loss_descent_figure(x: np.ndarray, y: np.ndarray, gammas: tuple, eta: float, steps: int,
                        cost: str, band, channel: int) -> dict:
    """The animated descent figure (:func:`explorer.plots.loss.descent_figure`) as a dict."""
    desc = loss_descent(x, y, gammas, eta, steps, cost, band)
    return plots.descent_figure(desc, y, channel=channel).to_dict()
