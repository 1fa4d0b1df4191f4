"""The tables in the interpreter (:func:`softdtw_core.warmup.interpreted`): the compiled
kernels' results to the last bit, the same errors, and only in the thread that asks."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core import warmup
from softdtw_core.warmup import INTERPRETED_MAX_CELLS, interpreted, interpreting


def _pair(n, m, d, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, d)), rng.normal(size=(m, d))
    return (x[:, 0], y[:, 0]) if d == 1 else (x, y)


@pytest.mark.parametrize("d", [1, 3, 6])  # 6 channels: Δ by BLAS, as in the compiled path
@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
@pytest.mark.parametrize("band", [None, 4.0])
@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0, 5.0])
def test_interpreted_tables_equal_the_compiled_ones_bit_for_bit(d, cost, band, gamma):
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


def test_large_or_precomputed_inputs_take_the_compiled_path():
    n = int(INTERPRETED_MAX_CELLS ** 0.5) + 1
    x, y = _pair(n, n, 1, seed=0)
    assert warmup.interpreted_tables(x, y, 0.1) is None
    assert warmup.interpreted_path(x, y) is None
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
