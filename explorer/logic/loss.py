r"""Computations of the Learn page *DTW as a loss* (no Streamlit, no Plotly).

Soft-DTW as a function of the series X, for a fixed target Y, seen three ways:

1. **Along a line** :math:`X(t) = X + tV` in series space. With the squared Euclidean cost,
   :math:`\operatorname{dtw}_0(X(t), Y) = \min_A \langle A, \Delta(X(t), Y) \rangle` is a
   minimum of quadratics in t, one per alignment A: piecewise quadratic, and its slope
   :math:`\langle \nabla_X \operatorname{dtw}_0, V \rangle` jumps where the optimal alignment
   :math:`A^*` changes (:func:`line_scan` locates those t by bisection on the path).
   :math:`\operatorname{dtw}_\gamma` replaces the minimum by a soft minimum: its slope
   :math:`\langle E_\gamma, \partial_t \Delta \rangle` is continuous.
2. **The gradient** :math:`-\nabla_X \operatorname{dtw}_\gamma = -2(\operatorname{diag}(E
   \mathbf 1) X - E Y)`: each point is pulled towards the E-weighted average of the points of
   Y it is aligned with; the Euclidean gradient :math:`-2(X - Y)` pulls it towards the point
   of Y at the same time (:func:`gradient_view`).
3. **Descending the loss**: :math:`X_{k+1} = X_k - \eta \nabla L(X_k)` from a start series,
   for the Euclidean loss and soft-DTW at a few γ (:func:`descent`).

Series longer than :data:`MAX_LENGTH` points are cut to it (every t of the line needs full
tables), and the functions say so in their ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import softdtw_core as sd

from . import formatting
from .common import block_average

__all__ = [
    "CURVE_GAMMAS",
    "DESCENT_GAMMAS",
    "DIRECTIONS",
    "FRAME_STRIDE",
    "GRID_POINTS",
    "MAX_DESCENT_STEPS",
    "MAX_FRAME_SIZE",
    "MAX_LENGTH",
    "MAX_SWITCHES",
    "Descent",
    "Direction",
    "GradientView",
    "LineFrames",
    "LineScan",
    "Switch",
    "assemble_scan",
    "cap_pair",
    "curve_gammas",
    "descent",
    "descent_label",
    "descent_summary",
    "direction",
    "gradient_view",
    "line_curve",
    "line_frames",
    "line_grid",
    "line_scan",
    "line_switches",
    "path_slope",
    "switch_cost",
]

MAX_LENGTH = 200  # points per series on this page
GRID_POINTS = 241  # values of t for the curves
FRAME_STRIDE = 8  # every 8th value of t is an animation frame: 31 frames
MAX_FRAME_SIZE = 100  # E frames larger than this per side are block-averaged for display
MAX_SWITCHES = 40  # changes of A* located by bisection (the others only on the grid)
BISECTION_STEPS = 25
CURVE_GAMMAS = (1.0, 0.1, 0.01)  # drawn besides γ = 0 and the sidebar's γ
DESCENT_GAMMAS = (0.001, 0.01, 0.1, 1.0, 10.0)  # offered for the descent
MAX_DESCENT_STEPS = 200
MAX_DESCENT_FRAMES = 51

DIRECTIONS = {
    "point": "move one point up or down",
    "shift": "shift x in time",
    "scale": "scale x's amplitude",
}


def cap_pair(x, y, max_length: int = MAX_LENGTH):
    """x and y cut to their first ``max_length`` points, and the messages saying so."""
    out, notes = [], []
    for s, name in ((x, "x"), (y, "y")):
        s = np.asarray(s, dtype=np.float64)
        if len(s) > max_length:
            notes.append(f"{name} has {len(s)} points: this page uses the first {max_length} "
                         "(every value of t needs the full tables).")
            s = s[:max_length]
        out.append(s)
    return out[0], out[1], notes


# --------------------------------------------------------------------------- the line


@dataclass(frozen=True)
class Direction:
    """A direction V in series space and the range of t drawn, ``[-t_max, t_max]``."""

    kind: str
    V: np.ndarray  # the shape of x
    t_max: float
    text: str  # what moving along V does, in words


def direction(x, kind: str, *, point: int = 0, channel: int = 0) -> Direction:
    """The direction V of :data:`DIRECTIONS` for the series x.

    - ``"point"``: ``V = s e_k`` moves point ``k`` (channel ``channel``) by ``t`` standard
      deviations ``s`` of x; t in [-2, 2];
    - ``"shift"``: ``V = -x'`` (central differences), so that ``x + tV ≈ x(· - t)``: x
      delayed by t steps to first order; t in [-3, 3];
    - ``"scale"``: ``V = x - mean(x)``: t = -1 flattens x to its mean, t = 1 doubles its
      amplitude; t in [-1, 1].
    """
    x = np.asarray(x, dtype=np.float64)
    X = x.reshape(len(x), -1)
    V = np.zeros_like(X)
    if kind == "point":
        if not 0 <= point < len(x):
            raise ValueError(f"point must be between 0 and {len(x) - 1}; got {point}")
        if not 0 <= channel < X.shape[1]:
            raise ValueError(f"channel must be between 0 and {X.shape[1] - 1}; got {channel}")
        s = float(X[:, channel].std())
        V[point, channel] = s if s > 0 else 1.0
        where = f" (channel {channel})" if X.shape[1] > 1 else ""
        return Direction(kind, V.reshape(x.shape), 2.0,
                         f"point {point}{where} of x moves by t standard deviations of x")
    if kind == "shift":
        if len(x) >= 2:
            V = -np.gradient(X, axis=0)
        return Direction(kind, V.reshape(x.shape), 3.0,
                         "x + t·(−x′): to first order, x delayed by t steps")
    if kind == "scale":
        return Direction(kind, (X - X.mean(axis=0)).reshape(x.shape), 1.0,
                         "x's deviation from its mean is scaled by 1 + t")
    raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}; got {kind!r}")


def curve_gammas(gamma: float) -> tuple[float, ...]:
    """The γ of the curves: 0 (DTW), the sidebar's γ when it is not one of
    :data:`CURVE_GAMMAS`, then those, in decreasing order."""
    others = sorted({float(gamma), *CURVE_GAMMAS} - {0.0}, reverse=True)
    return (0.0, *others)


def path_slope(x, y, V, path, *, cost="sqeuclidean") -> float:
    """``<∇_X <A, Δ(X, Y)>, V>``: the slope along V of the cost of one fixed path A."""
    A = sd.path_to_matrix(path, len(x), len(y))
    grad = sd.cost_jacobian_product(x, y, A, cost=cost)
    return float(np.sum(grad.reshape(np.shape(V)) * V))


@dataclass(frozen=True)
class Switch:
    """A value of t where the optimal alignment changes (bisected to ~1e-10 of the range).

    ``slope_before``/``slope_after`` are the slopes of dtw_0 along V on either side (the
    slopes of the costs of ``path_before`` and ``path_after``): dtw_0 has a kink there.
    """

    t: float
    value: float
    slope_before: float
    slope_after: float
    path_before: list[tuple[int, int]]
    path_after: list[tuple[int, int]]

    @property
    def jump(self) -> float:
        return self.slope_after - self.slope_before


@dataclass(frozen=True)
class LineScan:
    """dtw_γ(X(t), Y) and its slope along V on a grid of t, for each γ of ``gammas``.

    ``values[g, k]`` and ``slopes[g, k]`` belong to ``gammas[g]`` (``gammas[0] = 0``, DTW)
    and ``ts[k]``; ``switches`` are the changes of A* located by bisection (at most
    :data:`MAX_SWITCHES`, those with the largest slope jumps), out of ``n_changes`` grid
    intervals where the path changes.
    """

    ts: np.ndarray
    gammas: tuple[float, ...]
    values: np.ndarray
    slopes: np.ndarray
    switches: list[Switch]
    n_changes: int

    def largest_jump(self, g: int) -> float:
        """The largest change of ``slopes[g]`` between neighbouring grid points."""
        return float(np.max(np.abs(np.diff(self.slopes[g])))) if len(self.ts) > 1 else 0.0


def _path(x, y, cost, band):
    value, path = sd.dtw_path(x, y, cost=cost, band=band)
    return value, tuple(path)


def _bisect(x, y, V, lo, hi, path_lo, cost, band):
    """Narrow [lo, hi] around a change of the optimal path (the path at lo is path_lo)."""
    path_hi = None
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        _, p = _path(x + mid * V, y, cost, band)
        if p == path_lo:
            lo = mid
        else:
            hi, path_hi = mid, p
    if path_hi is None:
        path_hi = _path(x + hi * V, y, cost, band)[1]
    return lo, hi, path_hi


def line_grid(d: Direction, grid: int = GRID_POINTS) -> np.ndarray:
    """The values of t of the curves: ``grid`` points from ``-t_max`` to ``t_max``."""
    return np.linspace(-d.t_max, d.t_max, grid)


def line_curve(x, y, d: Direction, gamma: float, *, cost="sqeuclidean", band=None,
               grid: int = GRID_POINTS) -> np.ndarray:
    """``dtw_γ(x + tV, y)`` (row 0) and its slope ``<∇_x dtw_γ, V>`` (row 1) on the grid."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty((2, grid))
    for k, t in enumerate(line_grid(d, grid)):
        value, grad = sd.soft_dtw_value_and_grad(x + t * d.V, y, gamma, cost=cost, band=band)
        out[0, k], out[1, k] = value, float(np.sum(grad * d.V))
    return out


def line_switches(x, y, d: Direction, *, cost="sqeuclidean", band=None,
                  grid: int = GRID_POINTS) -> tuple[list[Switch], int]:
    """The changes of A* along the line, located by bisection between the grid points where
    the optimal path differs (at most :data:`MAX_SWITCHES`: those with the largest slope
    jumps), and the number of such grid intervals."""
    x = np.asarray(x, dtype=np.float64)
    V = d.V
    ts = line_grid(d, grid)
    paths = [_path(x + t * V, y, cost, band)[1] for t in ts]
    changes = [k for k in range(grid - 1) if paths[k] != paths[k + 1]]
    n_changes = len(changes)
    if n_changes > MAX_SWITCHES:  # keep the kinks with the largest slope jumps
        slopes = line_curve(x, y, d, 0.0, cost=cost, band=band, grid=grid)[1]
        jumps = np.abs(np.diff(slopes))
        changes = sorted(sorted(changes, key=lambda k: -jumps[k])[:MAX_SWITCHES])
    switches = []
    for k in changes:
        lo, hi, path_hi = _bisect(x, y, V, ts[k], ts[k + 1], paths[k], cost, band)
        t = 0.5 * (lo + hi)
        switches.append(Switch(
            t=t, value=float(sd.dtw_path(x + t * V, y, cost=cost, band=band)[0]),
            slope_before=path_slope(x + t * V, y, V, paths[k], cost=cost),
            slope_after=path_slope(x + t * V, y, V, path_hi, cost=cost),
            path_before=[tuple(c) for c in paths[k]], path_after=[tuple(c) for c in path_hi]))
    return switches, n_changes


def assemble_scan(ts, curves: dict, switches: list[Switch], n_changes: int) -> LineScan:
    """A :class:`LineScan` from :func:`line_curve` results by γ (0 first) and
    :func:`line_switches`."""
    gammas = tuple(curves)
    stacked = np.stack([curves[g] for g in gammas])
    return LineScan(ts, gammas, stacked[:, 0], stacked[:, 1], switches, n_changes)


def line_scan(x, y, d: Direction, gamma: float, *, cost="sqeuclidean", band=None,
              grid: int = GRID_POINTS) -> LineScan:
    """Values and slopes along the line for every γ of :func:`curve_gammas`, and the
    changes of A* (module docstring)."""
    curves = {g: line_curve(x, y, d, g, cost=cost, band=band, grid=grid)
              for g in curve_gammas(gamma)}
    return assemble_scan(line_grid(d, grid), curves,
                         *line_switches(x, y, d, cost=cost, band=band, grid=grid))


def switch_cost(x, y, d: Direction, switch: Switch, *, cost="sqeuclidean"):
    """x at the change of A* and the cost matrix Δ there."""
    x_at = np.asarray(x, dtype=np.float64) + switch.t * d.V
    return x_at, sd.cost_matrix(x_at, y, cost=cost)


@dataclass(frozen=True)
class LineFrames:
    """E at the frames' t (every :data:`FRAME_STRIDE`-th grid point), for display.

    ``frames[f]`` is E (the 0/1 path A* at γ = 0) at ``ts[f]``, block-averaged to at most
    :data:`MAX_FRAME_SIZE` per side (``factors`` the block sizes), as float32.
    """

    ts: np.ndarray
    index: np.ndarray  # the frames' positions on the grid of the scan
    frames: list[np.ndarray]
    rows: np.ndarray
    cols: np.ndarray
    factors: tuple[int, int]


def line_frames(x, y, d: Direction, gamma: float, *, cost="sqeuclidean", band=None,
                grid: int = GRID_POINTS, stride: int = FRAME_STRIDE,
                max_size: int = MAX_FRAME_SIZE) -> LineFrames:
    """E along the line at every ``stride``-th t of the scan's grid."""
    x = np.asarray(x, dtype=np.float64)
    ts = line_grid(d, grid)
    index = np.arange(0, grid, stride)
    frames, rows, cols, factors = [], None, None, (1, 1)
    for t in ts[index]:
        E = sd.soft_dtw_alignment(x + t * d.V, y, gamma, cost=cost, band=band)[1]
        small, rows, cols, factors = block_average(E, max_size)
        frames.append(small.astype(np.float32))
    return LineFrames(ts[index], index, frames, rows, cols, factors)


# --------------------------------------------------------------------------- the gradient


@dataclass(frozen=True)
class GradientView:
    """``-∇_X dtw_γ(x, y)``, ``-∇_X ||x - y'||²`` and E.

    ``y'`` is y, linearly resampled to x's length when the lengths differ (``resampled``):
    the Euclidean loss needs one length.
    """

    soft: np.ndarray
    euclid: np.ndarray
    E: np.ndarray
    value: float
    resampled: bool


def gradient_view(x, y, gamma: float, *, cost="sqeuclidean", band=None) -> GradientView:
    """The two descent directions at x (module docstring)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    value, E = sd.soft_dtw_alignment(x, y, gamma, cost=cost, band=band)
    grad = sd.cost_jacobian_product(x, y, E, cost=cost).reshape(x.shape)
    target = y
    if len(y) != len(x):
        target = sd.resample(y, len(x)).reshape((len(x), *y.shape[1:]))
    return GradientView(-grad, -2.0 * (x - target), E, float(value), len(y) != len(x))


# --------------------------------------------------------------------------- the descent


@dataclass(frozen=True)
class Descent:
    """Gradient descent on each loss from the same start.

    ``iterates[name][k]`` is ``X_k`` (``k = 0 .. steps`` unless the run diverged; then it
    stops and ``diverged[name]`` is the step), ``objective[name][k]`` the loss itself, and
    ``dtw[name][k]`` / ``euclidean[name][k]`` the common yardsticks ``dtw_0(X_k, y)`` and
    ``||X_k - y||²``.
    """

    names: tuple[str, ...]
    labels: dict[str, str]
    iterates: dict[str, list[np.ndarray]]
    objective: dict[str, np.ndarray]
    dtw: dict[str, np.ndarray]
    euclidean: dict[str, np.ndarray]
    diverged: dict[str, int]
    eta: float
    steps: int
    start_resampled: bool


def descent_label(name: str) -> str:
    """``"Euclidean"`` or ``"soft-DTW γ = 0.1"`` for a loss of :func:`descent`."""
    if name == "euclidean":
        return "Euclidean"
    return f"soft-DTW γ = {formatting.number(float(name))}"


def descent(x, y, gammas, *, eta: float = 0.1, steps: int = 60, cost="sqeuclidean",
            band=None) -> Descent:
    """``X_{k+1} = X_k - η ∇L(X_k)`` from x (resampled to y's length when they differ, so
    that the Euclidean loss is defined) for ``L = ||X - y||²`` and ``L = dtw_γ(X, y)``."""
    y = np.asarray(y, dtype=np.float64)
    start = np.asarray(x, dtype=np.float64)
    resampled = len(start) != len(y)
    if resampled:
        start = sd.resample(start, len(y)).reshape((len(y), *start.shape[1:]))
    if not 1 <= int(steps) <= MAX_DESCENT_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_DESCENT_STEPS}; got {steps}")
    if not eta > 0:
        raise ValueError(f"the step size η must be > 0; got {eta}")
    names = ("euclidean", *(formatting.number(g) for g in sorted(set(gammas), reverse=True)))
    out = {key: {} for key in ("iterates", "objective", "dtw", "euclidean")}
    diverged = {}
    for name in names:
        X = start.copy()
        iterates, objective = [X.copy()], []
        for k in range(int(steps) + 1):
            if name == "euclidean":
                value, grad = float(np.sum((X - y) ** 2)), 2.0 * (X - y)
            else:
                value, grad = sd.soft_dtw_value_and_grad(X, y, float(name), cost=cost,
                                                         band=band)
            objective.append(value)
            if k == steps:
                break
            X = X - eta * grad
            if not np.all(np.isfinite(X)) or np.max(np.abs(X)) > 1e6:
                diverged[name] = k + 1
                break
            iterates.append(X.copy())
        out["iterates"][name] = iterates
        out["objective"][name] = np.array(objective[: len(iterates)])
        out["dtw"][name] = np.array([sd.dtw_path(Z, y, cost=cost, band=band)[0]
                                     for Z in iterates])
        out["euclidean"][name] = np.array([float(np.sum((Z - y) ** 2)) for Z in iterates])
    return Descent(names, {n: descent_label(n) for n in names}, out["iterates"],
                   out["objective"], out["dtw"], out["euclidean"], diverged, float(eta),
                   int(steps), resampled)


def descent_summary(desc: Descent) -> str:
    """What the descent's DTW column says, in words and in this run's numbers.

    The Euclidean descent always ends at y (``X_k - y = (1 - 2η)^k (x - y)``), hence at a DTW
    of about 0; the soft-DTW descents lower dtw_γ, not the distance to y, and end above 0. So
    the lesson is about the way there: the largest DTW each descent passes through.
    """
    number = formatting.number
    eu = desc.dtw["euclidean"]
    soft = [n for n in desc.names if n != "euclidean" and n not in desc.diverged]
    text = (f"Where each descent ends: the Euclidean one at a DTW of {number(eu[-1], 3)}. It "
            "always ends at y itself, whatever the series: each step is X ← X − 2η (X − y), "
            f"so X_k − y = (1 − 2η)^k (x − y) = {number((1 - 2 * desc.eta) ** (len(eu) - 1), 3)}"
            f" (x − y) after {len(eu) - 1} steps. ")
    if soft:
        higher = min(float(desc.dtw[n][-1]) for n in soft) > float(eu[-1])
        text += (f"The soft-DTW descents end {'higher' if higher else 'lower'} (" + ", ".join(
            f"{desc.labels[n]}: {number(desc.dtw[n][-1], 3)}" for n in soft) + "): dtw_γ(X, y) "
            "asks X to *align* cheaply with y, not to equal it, and for γ > 0 its minimiser is "
            "in general not y itself. ")
    k = int(np.argmax(eu))
    text += (f"What differs is the way there: the Euclidean iterates pass through a DTW of "
             f"{number(eu[k], 3)} (step {k}; {number(eu[0], 3)} at the start)")
    if k > 0 and soft:
        worst = max(float(np.max(desc.dtw[n])) for n in soft)
        text += (", the half-x, half-y average whose features sit at both places at once, "
                 f"while no soft-DTW iterate goes above {number(worst, 3)}")
    return text + "."
