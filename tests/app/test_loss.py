"""explorer.logic.loss against independent truths: the changes of A* against the minimum over
every enumerated path's quadratic, slopes against finite differences, the descent against
its closed form; explorer.plots.loss: frames carry the arrays they are given."""

from __future__ import annotations

import numpy as np
import pytest

import softdtw_core as sd
from explorer.logic import loss
from explorer.plots import loss as plots

from .conftest import decode


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(7)
    return rng.normal(size=5), rng.normal(size=6)


def test_directions(pair):
    x, _ = pair
    d = loss.direction(x, "point", point=2)
    np.testing.assert_array_equal(np.flatnonzero(d.V), [2])
    assert d.V[2] == pytest.approx(x.std()) and d.t_max == 2.0
    np.testing.assert_allclose(loss.direction(x, "shift").V, -np.gradient(x))
    np.testing.assert_allclose(loss.direction(x, "scale").V, x - x.mean())
    X2 = np.c_[x, 2 * x]
    V2 = loss.direction(X2, "point", point=1, channel=1).V
    assert V2.shape == X2.shape and np.flatnonzero(V2.ravel()).tolist() == [3]
    assert not np.any(loss.direction(x[:1], "shift").V)  # one point: nothing to shift
    with pytest.raises(ValueError, match="point must be between 0 and 4"):
        loss.direction(x, "point", point=5)
    with pytest.raises(ValueError, match="direction must be one of"):
        loss.direction(x, "rotate")


def test_switches_are_where_the_minimum_of_the_path_quadratics_changes(pair):
    """dtw_0(x + tV, y) = min over every path of <A, Δ(x + tV, y)>: enumerate all
    Delannoy(4, 5) = 681 paths, find where the best one changes, compare with bisection."""
    x, y = pair
    d = loss.direction(x, "scale")
    scan = loss.line_scan(x, y, d, 0.1, grid=121)
    A = sd.alignment_matrices(5, 6)
    fine = np.linspace(-d.t_max, d.t_max, 20001)
    costs = np.stack([np.einsum("kij,ij->k", A, sd.cost_matrix(x + t * d.V, y)) for t in fine])
    best = costs.argmin(axis=1)
    np.testing.assert_allclose(scan.values[0], [sd.dtw_path(x + t * d.V, y)[0]
                                                for t in scan.ts], rtol=1e-12)
    enumerated = fine[1:][best[1:] != best[:-1]]  # where the argmin path changes
    assert scan.n_changes == len(scan.switches) == len(enumerated) > 0
    step = fine[1] - fine[0]
    for switch, t_enum in zip(scan.switches, enumerated):
        assert abs(switch.t - t_enum) <= step  # the enumeration's resolution
        # both paths cost dtw_0 at the switch; the slope jumps from one to the other
        D = sd.cost_matrix(x + switch.t * d.V, y)
        for path in (switch.path_before, switch.path_after):
            assert np.sum(sd.path_to_matrix(path, 5, 6) * D) == pytest.approx(switch.value,
                                                                             rel=1e-8)
        assert switch.path_before != switch.path_after
        assert abs(switch.jump) > 1e-6


def test_slopes_are_derivatives_and_only_dtw_jumps(pair):
    x, y = pair
    d = loss.direction(x, "point", point=3)
    coarse = loss.line_scan(x, y, d, 0.5, grid=121)
    fine = loss.line_scan(x, y, d, 0.5, grid=481)
    assert coarse.gammas == (0.0, 1.0, 0.5, 0.1, 0.01)
    h = 1e-6
    for k in (10, 60, 100):
        t = coarse.ts[k]
        for g, gamma in enumerate(coarse.gammas[1:], start=1):
            fd = (sd.soft_dtw(x + (t + h) * d.V, y, gamma)
                  - sd.soft_dtw(x + (t - h) * d.V, y, gamma)) / (2 * h)
            assert coarse.slopes[g, k] == pytest.approx(fd, rel=1e-5, abs=1e-8)
    # refining the grid: soft-DTW's largest slope change shrinks (its slope is continuous),
    # DTW's does not (its slope jumps)
    assert coarse.n_changes > 0
    assert fine.largest_jump(0) > 0.5 * coarse.largest_jump(0)
    for g in (1, 2):
        assert fine.largest_jump(g) < 0.35 * coarse.largest_jump(g)


def test_frames_hold_e_at_their_t(pair):
    x, y = pair
    d = loss.direction(x, "shift")
    frames = loss.line_frames(x, y, d, 0.0, grid=41, stride=8)
    assert len(frames.ts) == 6 and frames.factors == (1, 1)
    for t, E in zip(frames.ts, frames.frames):
        np.testing.assert_array_equal(E, sd.path_to_matrix(sd.dtw_path(x + t * d.V, y)[1],
                                                           5, 6))


def test_gradient_view(pair):
    x, y = pair
    view = loss.gradient_view(x, y, 0.3)
    np.testing.assert_allclose(view.soft, -sd.soft_dtw_value_and_grad(x, y, 0.3)[1])
    assert view.resampled  # 5 and 6 points: the Euclidean loss compares x with y resampled
    np.testing.assert_allclose(view.euclid, -2 * (x - sd.resample(y, 5)[:, 0]))
    same = loss.gradient_view(y, y[::-1], 0.3)
    np.testing.assert_allclose(same.euclid, -2 * (y - y[::-1]))


def test_descent_against_its_closed_form(pair):
    x, y = pair
    desc = loss.descent(x, y, [0.1, 1.0], eta=0.1, steps=20)
    assert desc.names == ("euclidean", "1", "0.1") and desc.start_resampled
    x0 = sd.resample(x, 6)[:, 0]
    for k in (0, 5, 20):  # X_k - y = (1 - 2η)^k (X_0 - y)
        np.testing.assert_allclose(desc.iterates["euclidean"][k] - y, 0.8**k * (x0 - y),
                                   atol=1e-12)
    X1 = x0 - 0.1 * sd.soft_dtw_value_and_grad(x0, y, 1.0)[1]
    np.testing.assert_allclose(desc.iterates["1"][1], X1)
    for name in desc.names:
        assert len(desc.iterates[name]) == 21 and np.all(np.diff(desc.objective[name]) <= 1e-12)
        assert desc.dtw[name][5] == pytest.approx(sd.dtw_path(desc.iterates[name][5], y)[0])
    blown = loss.descent(x, y, [], eta=2.0, steps=50)  # |1 - 2η| = 3: diverges
    assert 0 < blown.diverged["euclidean"] < 50
    assert len(blown.iterates["euclidean"]) == blown.diverged["euclidean"]


def test_line_figure_frames_move_x_and_swap_e(pair):
    x, y = pair
    d = loss.direction(x, "point", point=1)
    scan = loss.line_scan(x, y, d, 0.1, grid=41)
    frames = loss.line_frames(x, y, d, 0.1, grid=41, stride=8)
    spec = plots.line_figure(x, y, d.V, scan, frames, gamma=0.1).to_plotly_json()
    assert len(spec["frames"]) == len(frames.ts) == 6
    for frame, t, E in zip(spec["frames"], frames.ts, frames.frames):
        moved, heat = frame["data"][0], frame["data"][1]
        np.testing.assert_allclose(decode(moved["y"]), x + t * d.V, rtol=1e-6)
        np.testing.assert_allclose(decode(heat["z"]), E, rtol=1e-6)
        # the markers sit on the curves' panels, never on the heatmap's axes
        assert {(m["xaxis"], m["yaxis"]) for m in frame["data"][2:]} == {("x3", "y3"),
                                                                         ("x4", "y4")}
