"""The tables in the interpreter (:func:`softdtw_core.warmup.interpreted`): the compiled
kernels' results to the last bit, the same errors, and only in the thread that asks; the
value, alignment, gradient and entropy functions from the same tables, against the
wavefront kernels.

The fixture ``uncompiled`` makes the block take the NumPy sweep of
:mod:`softdtw_core._internal.diagonals` even when this process has the row-major kernels
compiled (as it has once another test ran them): without it the block would run those
kernels and compare them with themselves."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core import warmup
from softdtw_core._internal import dp
from softdtw_core._internal import interpreted as interpreted_module
from softdtw_core.warmup import INTERPRETED_MAX_CELLS, interpreted, interpreting

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["numpy", "compiled"])
def uncompiled(request, monkeypatch):
    """The block's tables by the NumPy sweep (as before the first stage is loaded), or by
    the compiled row-major kernels (after)."""
    if request.param == "numpy":
        monkeypatch.setattr(interpreted_module, "_compiled", lambda: False)
    return request.param


def _pair(n, m, d, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, d)), rng.normal(size=(m, d))
    return (x[:, 0], y[:, 0]) if d == 1 else (x, y)


@pytest.mark.parametrize("d", [1, 3, 6])  # 6 channels: Δ by BLAS, as in the compiled path
@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
@pytest.mark.parametrize("band", [None, 4.0])
@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0, 5.0])
def test_interpreted_tables_equal_the_compiled_ones_bit_for_bit(d, cost, band, gamma,
                                                                 uncompiled):
    x, y = _pair(37, 45, d, seed=d)
    with interpreted():
        assert interpreting()
        a = sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)
        path_a = sd.dtw_path(x, y, cost=cost, band=band)
    assert not interpreting()
    b = sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)
    inside = sd.band_mask(37, 45, band)
    np.testing.assert_array_equal(a.cost, b.cost)
    np.testing.assert_array_equal(a.R, b.R)
    np.testing.assert_array_equal(a.weights[inside], b.weights[inside])
    np.testing.assert_array_equal(a.E, b.E)
    assert a.value == b.value
    assert path_a == sd.dtw_path(x, y, cost=cost, band=band)


def test_interpreted_value_is_the_soft_minimum_over_every_alignment():
    x, y = _pair(5, 6, 1, seed=3)
    with interpreted():
        t = sd.soft_dtw_tables(x, y, 0.7)
        value, path = sd.dtw_path(x, y)
    assert t.value == pytest.approx(sd.brute_force_soft_dtw(x, y, 0.7).value, rel=1e-12)
    assert value == pytest.approx(sd.brute_force_soft_dtw(x, y, 0.0).value, abs=1e-12)
    assert sum(t.cost[i, j] for i, j in path) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("n, m, radius", [(1, 1, None), (1, 7, None), (9, 1, None),
                                          (2, 2, 0.0), (12, 30, 18.0), (30, 12, 18.0)])
def test_numpy_sweep_equals_the_kernels_at_the_edges(n, m, radius, uncompiled):
    # one row, one column, a band of one diagonal, a band wider than the table
    x, y = _pair(n, m, 2, seed=n * m)
    for gamma in (0.0, 0.5):
        with interpreted():
            a = sd.soft_dtw_tables(x, y, gamma, band=radius)
        b = sd.soft_dtw_tables(x, y, gamma, band=radius)
        np.testing.assert_array_equal(a.R, b.R)
        np.testing.assert_array_equal(a.E, b.E)


def test_unreachable_cells_keep_infinite_costs_and_zero_weights(uncompiled):
    # a band of radius 0 on a 3 x 6 table leaves cells of the band no path reaches
    x, y = _pair(3, 6, 1, seed=5)
    band = 3.0
    with interpreted():
        a = sd.soft_dtw_tables(x, y, 0.3, band=band)
    b = sd.soft_dtw_tables(x, y, 0.3, band=band)
    np.testing.assert_array_equal(a.R, b.R)
    np.testing.assert_array_equal(a.E, b.E)
    assert a.value == pytest.approx(sd.brute_force_soft_dtw(x, y, 0.3, band=band).value,
                                    rel=1e-12)


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
@pytest.mark.parametrize("band", [None, 5.0])
@pytest.mark.parametrize("gamma", [0.0, 0.05, 1.0])
def test_values_and_gradients_come_from_the_tables(d, cost, band, gamma, uncompiled):
    # in the block the value, alignment, gradient and entropy functions are the row-major
    # tables' (bit for bit), which the wavefront kernels outside it match to rounding
    x, y = _pair(23, 31, d, seed=7 * d)
    with interpreted():
        value = sd.soft_dtw(x, y, gamma, cost=cost, band=band)
        v_e, E = sd.soft_dtw_alignment(x, y, gamma, cost=cost, band=band)
        v_g, grad = sd.soft_dtw_value_and_grad(x, y, gamma, cost=cost, band=band)
        entropy = sd.path_entropy(x, y, gamma, cost=cost, band=band)
        R = sd.accumulated_cost(x, y, gamma, cost=cost, band=band)
    t = sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)
    assert value == v_e == v_g == t.value
    np.testing.assert_array_equal(E, t.E)
    np.testing.assert_array_equal(R, t.R)
    np.testing.assert_array_equal(
        grad, sd.cost_jacobian_product(x, y, t.E, cost=cost).reshape(np.shape(x)))
    # against the functions' usual path (the wavefront kernels, another summation order)
    assert value == pytest.approx(sd.soft_dtw(x, y, gamma, cost=cost, band=band), rel=1e-12)
    np.testing.assert_allclose(E, sd.soft_dtw_alignment(x, y, gamma, cost=cost, band=band)[1],
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        grad, sd.soft_dtw_value_and_grad(x, y, gamma, cost=cost, band=band)[1],
        rtol=1e-10, atol=1e-10)
    assert entropy == pytest.approx(sd.path_entropy(x, y, gamma, cost=cost, band=band),
                                    rel=1e-12, abs=1e-12)
    # and on a short pair, the soft minimum and the Gibbs expectation over every alignment
    with interpreted():
        short = sd.soft_dtw_alignment(x[:6], y[:5], gamma, cost=cost)
    truth = sd.brute_force_soft_dtw(x[:6], y[:5], gamma, cost=cost)
    assert short[0] == pytest.approx(truth.value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(short[1], truth.E, atol=1e-12)


def test_large_inputs_take_the_compiled_kernels_and_precomputed_costs_the_usual_path():
    n = int(INTERPRETED_MAX_CELLS ** 0.5) + 1
    x, y = _pair(n, n, 1, seed=0)
    t = warmup.interpreted_tables(x, y, 0.1)  # compiles the row-major kernels if need be
    assert dp._forward_full.signatures and dp._backward.signatures
    assert t is not None and t[-1] == sd.soft_dtw_tables(x, y, 0.1).value
    assert warmup.interpreted_tables(np.ones((3, 4)), None, 0.1, cost="precomputed") is None
    with interpreted():  # and the public functions still answer
        t = sd.soft_dtw_tables(np.ones((3, 4)), gamma=0.1, cost="precomputed")
    assert t.value == sd.soft_dtw_tables(np.ones((3, 4)), gamma=0.1, cost="precomputed").value


def test_interpreted_inputs_are_validated_as_the_compiled_ones():
    x, y = _pair(10, 30, 1, seed=1)
    for kwargs in ({"band": 1.0}, {"cost": "cosine"}, {"band": -2.0}):
        with pytest.raises(ValueError) as compiled:
            sd.soft_dtw_tables(x, y, 0.1, **kwargs)
        with interpreted(), pytest.raises(ValueError) as interp:
            sd.soft_dtw_tables(x, y, 0.1, **kwargs)
        assert str(interp.value) == str(compiled.value)
    with interpreted(), pytest.raises(ValueError, match="max_cells"):
        sd.dtw_path(x, y, max_cells=100)


def test_only_the_thread_that_asks_interprets():
    seen = []
    with interpreted():
        t = threading.Thread(target=lambda: seen.append(interpreting()))
        t.start()
        t.join(30)
        with interpreted():  # nested: still on after the inner block
            pass
        assert interpreting()
    assert seen == [False] and not interpreting()


def test_a_thread_that_sweeps_long_compiles_the_kernels_itself():
    # in a fresh interpreter (nothing compiled): the first tables are swept in NumPy, and
    # once the sweeps took SWEEP_BUDGET seconds the next call compiles the two kernels
    code = r"""
import numpy as np
import softdtw_core as sd
from softdtw_core._internal import dp, interpreted as module
from softdtw_core.warmup import interpreted
x, y = np.linspace(0, 1, 60), np.linspace(0, 1, 80) ** 2
calls, first = 0, None
with interpreted():
    while not dp._forward_full.signatures and calls < 10_000:
        sd.soft_dtw_value_and_grad(x, y, 0.1)
        calls += 1
        first = bool(dp._forward_full.signatures) if first is None else first
print(calls, first, module._swept[0] > module.SWEEP_BUDGET, bool(dp._backward.signatures))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    calls, first, over_budget, backward = out.stdout.split()
    assert first == "False" and int(calls) > 1  # not at the first call
    assert over_budget == "True" and backward == "True"


def test_a_large_table_compiles_the_kernels_at_once():
    # in a fresh interpreter: more than INTERPRETED_MAX_CELLS cells are not swept in NumPy
    code = r"""
import numpy as np
import softdtw_core as sd
from softdtw_core._internal import dp, interpreted as module
from softdtw_core.warmup import INTERPRETED_MAX_CELLS, interpreted
n = int(INTERPRETED_MAX_CELLS ** 0.5) + 1
x, y = np.linspace(0, 1, n), np.linspace(0, 1, n) ** 2
before = bool(dp._forward_full.signatures)
with interpreted():
    value = sd.soft_dtw(x, y, 0.1)
print(before, bool(dp._forward_full.signatures), module._swept[0] == 0.0,
      value == sd.soft_dtw_tables(x, y, 0.1).value)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "True", "True", "True"]
