"""softdtw_core.cuda against the CPU kernels, in Numba's CUDA simulator.

tests/conftest.py sets NUMBA_ENABLE_CUDASIM=1 before anything imports Numba (see there why).
The simulator runs every GPU thread as a Python thread, so the batches are tiny: B = 3 pairs
of lengths up to 9 x 7, d = 3, with blocks of 4 threads, so that every pair has diagonals
longer than its block (swept in several tiles). Kernel results of one configuration are
computed once per module (``results``) and checked by several tests.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core import cuda as sdc
from tests.cuda.simulator import cuda

pytestmark = pytest.mark.xdist_group("cuda_sim")  # one worker: the module fixture runs once

THREADS = 4
GAMMA = 0.5
NL = np.array([9, 5, 8])
ML = np.array([7, 7, 3])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(23)
    X = rng.normal(size=(3, 9, 3))
    Y = rng.normal(size=(3, 7, 3))
    X[0, NL[0]:] = 1e3  # padding holds garbage: never read
    X[1, NL[1]:] = 1e3
    Y[2, ML[2]:] = -1e3
    return X, Y


def cpu_pair(X, Y, b, gamma=GAMMA, band=None):
    """The CPU core's value, gradients and E of pair b."""
    x, y = X[b, : NL[b]], Y[b, : ML[b]]
    value, grad_x = sd.soft_dtw_value_and_grad(x, y, gamma, band=band)
    _, E = sd.soft_dtw_alignment(x, y, gamma, band=band)
    grad_y = 2 * (E.sum(axis=0)[:, None] * y - E.T @ x)
    return value, grad_x, grad_y, E


KW = dict(x_lengths=NL, y_lengths=ML, threads_per_block=THREADS)


@pytest.fixture(scope="module")
def results(data):
    """value_and_grad (both gradients) and E, stored mode, with and without a band."""
    X, Y = data
    out = {}
    for band in (None, 2.0):
        out[band, "grad"] = sdc.soft_dtw_value_and_grad(
            X, Y, GAMMA, band=band, mode="stored", with_grad_y=True, **KW
        )
        out[band, "E"] = sdc.expected_alignment(X, Y, GAMMA, band=band, **KW)
    return out


def test_the_simulator_is_running_the_kernels():
    assert cuda.is_available()
    assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" or cuda.detect()


@pytest.mark.parametrize("band", [None, 2.0])
def test_values_equal_the_cpu_on_a_ragged_batch(data, band):
    X, Y = data
    values = sdc.soft_dtw(X, Y, GAMMA, band=band, **KW)
    assert isinstance(values, np.ndarray) and values.shape == (3,) and values.dtype == np.float64
    for b in range(3):
        assert values[b] == pytest.approx(sd.soft_dtw(X[b, : NL[b]], Y[b, : ML[b]], GAMMA,
                                                      band=band), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("band", [None, 2.0])
def test_gradients_and_alignment_equal_the_cpu(data, results, band):
    X, Y = data
    values, grad_x, grad_y = results[band, "grad"]
    E = results[band, "E"]
    assert grad_x.shape == X.shape and grad_y.shape == Y.shape and E.shape == (3, 9, 7)
    for b in range(3):
        value, gx, gy, e = cpu_pair(X, Y, b, band=band)
        assert values[b] == pytest.approx(value, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grad_x[b, : NL[b]], gx, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grad_y[b, : ML[b]], gy, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(E[b, : NL[b], : ML[b]], e, rtol=1e-12, atol=1e-12)
        # padding: exactly zero, whatever it holds
        assert not grad_x[b, NL[b]:].any() and not grad_y[b, ML[b]:].any()
        assert not E[b, NL[b]:].any() and not E[b, :, ML[b]:].any()
    if band is not None:  # the band is each pair's own: cells outside it are never visited
        for b in range(3):
            outside = ~sd.band_mask(int(NL[b]), int(ML[b]), band)
            assert outside.any() and not E[b, : NL[b], : ML[b]][outside].any()


@pytest.mark.parametrize("every", [2])
def test_the_recompute_mode_equals_the_stored_mode(data, results, every):
    X, Y = data
    stored = results[2.0, "grad"]
    again = sdc.soft_dtw_value_and_grad(X, Y, GAMMA, band=2.0, mode="recompute",
                                        checkpoint_every=every, with_grad_y=True, **KW)
    for a, b in zip(stored, again):
        np.testing.assert_array_equal(a, b)  # the same operations in the same order


def test_expected_alignment_recomputed_equals_stored(data, results):
    X, Y = data
    E = sdc.expected_alignment(X, Y, GAMMA, band=None, mode="recompute", checkpoint_every=4,
                               **KW)
    np.testing.assert_array_equal(E, results[None, "E"])


def test_small_gamma_stays_exact(data):
    """γ = 0.01: R values ~10 apart differ by e^-1000; the stored weights keep E exact."""
    X, Y = data
    values, grad_x = sdc.soft_dtw_value_and_grad(X, Y, 0.01, band=2.0, **KW)
    for b in range(3):
        value, gx, _, _ = cpu_pair(X, Y, b, gamma=0.01, band=2.0)
        assert values[b] == pytest.approx(value, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grad_x[b, : NL[b]], gx, rtol=1e-11, atol=1e-11)


def test_divergence_equals_the_cpu(data):
    X, Y = data
    values = sdc.soft_dtw_divergence(X, Y, GAMMA, band=2.0, **KW)
    values2, grad_x = sdc.soft_dtw_divergence_value_and_grad(X, Y, GAMMA, band=2.0, **KW)
    for b in range(3):
        x, y = X[b, : NL[b]], Y[b, : ML[b]]
        value, gx = sd.soft_dtw_divergence_value_and_grad(x, y, GAMMA, band=2.0)
        assert values[b] == pytest.approx(sd.soft_dtw_divergence(x, y, GAMMA, band=2.0),
                                          rel=1e-12, abs=1e-12)
        assert values2[b] == pytest.approx(value, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grad_x[b, : NL[b]], gx, rtol=1e-12, atol=1e-12)
        assert not grad_x[b, NL[b]:].any()


def test_float32_within_1e_5_of_float64(data, results):
    X, Y = data
    values, grad_x, grad_y = sdc.soft_dtw_value_and_grad(
        X.astype(np.float32), Y.astype(np.float32), GAMMA, band=2.0, with_grad_y=True, **KW
    )
    assert values.dtype == grad_x.dtype == grad_y.dtype == np.float32
    ref_v, ref_gx, ref_gy = results[2.0, "grad"]
    np.testing.assert_allclose(values, ref_v, rtol=1e-5)
    scale = np.abs(ref_gx).max()
    np.testing.assert_allclose(grad_x, ref_gx, rtol=1e-5, atol=1e-5 * scale)
    np.testing.assert_allclose(grad_y, ref_gy, rtol=1e-5, atol=1e-5 * scale)


def test_device_arrays_in_device_arrays_out(data):
    X, Y = data
    dX, dY = cuda.to_device(X), cuda.to_device(Y)
    values = sdc.soft_dtw(dX, dY, GAMMA, x_lengths=cuda.to_device(NL), y_lengths=ML,
                          threads_per_block=THREADS)
    assert not isinstance(values, np.ndarray) and hasattr(values, "copy_to_host")
    host = values.copy_to_host()
    for b in range(3):
        assert host[b] == pytest.approx(sd.soft_dtw(X[b, : NL[b]], Y[b, : ML[b]], GAMMA),
                                        rel=1e-12)


def test_one_thread_per_block_sweeps_every_diagonal(data):
    X, Y = data
    values = sdc.soft_dtw(X[:1], Y[:1], GAMMA, threads_per_block=1)
    assert values[0] == pytest.approx(sd.soft_dtw(X[0], Y[0], GAMMA), rel=1e-12)


# ---------------------------------------------------------------- memory


def test_memory_estimate_is_what_a_call_allocates(data, monkeypatch):
    X, Y = data
    allocated = []
    alloc, upload = sdc._alloc, sdc._upload
    monkeypatch.setattr(sdc, "_alloc", lambda shape, dtype: allocated.append(
        int(np.prod(shape)) * np.dtype(dtype).itemsize) or alloc(shape, dtype))
    monkeypatch.setattr(sdc, "_upload", lambda a: allocated.append(a.nbytes) or upload(a))
    for mode, every in (("stored", None), ("recompute", 2)):
        allocated.clear()
        sdc.soft_dtw_value_and_grad(X[:, :6], Y[:, :5], GAMMA, band=1.0, mode=mode,
                                    checkpoint_every=every, threads_per_block=THREADS)
        assert sum(allocated) == sdc.memory_estimate(3, 6, 5, "float64", mode, d=3, band=1.0,
                                                     checkpoint_every=every)


def test_memory_of_the_stored_weights_is_three_values_per_cell():
    for dtype, item in (("float32", 4), ("float64", 8)):
        big = sdc.memory_estimate(2, 300, 200, dtype, "stored")
        small = sdc.memory_estimate(2, 300, 100, dtype, "stored")
        # 2 pairs x 300 x 100 more cells, 3 weights each, plus O(n + m) index arrays
        assert 0 <= big - small - 2 * 300 * 100 * 3 * item < 2 * (300 + 200) * 64


def test_32_pairs_of_4096_fit_in_4_gib_only_when_recomputing():
    gib = 2**30
    args = (32, 4096, 4096, "float32")
    inputs = 2 * 32 * 4096 * 4
    assert sdc.memory_estimate(*args, "stored") + inputs > 4 * gib
    assert sdc.memory_estimate(*args, "recompute") + inputs < 0.25 * gib
    assert sdc.memory_estimate(*args, "auto") == sdc.memory_estimate(*args, "recompute")
    assert sdc.memory_estimate(2, 64, 64, "float32", "auto") == sdc.memory_estimate(
        2, 64, 64, "float32", "stored")


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("kwargs, argument", [
    (dict(gamma=0.0), "gamma"),
    (dict(gamma=-1.0), "gamma"),
    (dict(gamma=float("nan")), "gamma"),
    (dict(X=np.zeros((3, 9))), "X"),
    (dict(Y=np.zeros((2, 7, 3))), "B"),
    (dict(Y=np.zeros((3, 7, 2))), "dimension d"),
    (dict(X=np.full((3, 9, 3), np.nan)), "X contains NaN"),
    (dict(Y=np.full((3, 7, 3), np.inf)), "Y contains an infinite value"),
    (dict(x_lengths=[9, 10, 1]), "x_lengths[1] = 10"),
    (dict(y_lengths=[0, 1, 1]), "y_lengths[0] = 0"),
    (dict(y_lengths=[1, 2]), "y_lengths must have one length per pair"),
    (dict(band=-1.0), "band"),
    (dict(band=0.0, x_lengths=[7, 2, 7], y_lengths=[7, 7, 7]), "pair 1: band=0"),
    (dict(mode="fast"), "mode"),
    (dict(checkpoint_every=0), "checkpoint_every"),
    (dict(threads_per_block=0), "threads_per_block"),
])
def test_bad_input_names_the_argument(data, kwargs, argument):
    X, Y = data
    call = dict(X=X, Y=Y, gamma=GAMMA)
    call.update(kwargs)
    with pytest.raises(ValueError, match=argument.replace("[", r"\[").replace("(", r"\(")):
        sdc.soft_dtw_value_and_grad(call.pop("X"), call.pop("Y"), **call)


def test_a_nan_on_the_device_is_found_there(data):
    X, Y = data
    X = X.copy()
    X[2, 4, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN at index \(2, 4, 1\)"):
        sdc.soft_dtw(cuda.to_device(X), cuda.to_device(Y), GAMMA)


def test_import_softdtw_core_does_not_import_numba_cuda():
    code = ("import sys, softdtw_core, softdtw_core.cuda as c\n"
            "c.memory_estimate(2, 8, 8)\n"
            "assert 'numba.cuda' not in sys.modules, 'numba.cuda imported'\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
