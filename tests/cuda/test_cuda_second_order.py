"""softdtw_core.cuda's other costs and second-order products, in Numba's CUDA simulator.

Against the CPU kernels behind softdtw_core.torch (softdtw_core._internal.adapters, whose
second-order products are checked against enumerated alignments and finite differences in
tests/core and tests/torch), to 1e-12 in float64, on the ragged, banded batch of
test_cuda_sim.py (B = 3, lengths up to 9 x 7, n != m, d = 3, garbage in the padding) with
blocks of 4 threads, so that diagonals take several tiles. The Hessian-vector product is also
checked against central differences of the GPU's own gradient. Tiny sizes: the simulator runs
each GPU thread as a Python thread.
"""

from __future__ import annotations

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core import cuda as sdc
from softdtw_core._internal import adapters as cpu
from softdtw_core._internal.validation import COST_CODES
from tests.cuda.simulator import cuda

pytestmark = pytest.mark.xdist_group("cuda_sim")  # the simulator's tests on one worker

THREADS = 4
GAMMA = 0.5
NL = np.array([9, 5, 8], dtype=np.int64)
ML = np.array([7, 7, 3], dtype=np.int64)
KW = dict(x_lengths=NL, y_lengths=ML, threads_per_block=THREADS)
TOL = dict(rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def data():
    """Series X, Y, a cost array D, directions UX, UY of X, Y and a cotangent G of E."""
    rng = np.random.default_rng(231)
    X = rng.normal(size=(3, 9, 3))
    Y = rng.normal(size=(3, 7, 3))
    D = rng.random(size=(3, 9, 7))
    UX, UY, G = rng.normal(size=X.shape), rng.normal(size=Y.shape), rng.normal(size=D.shape)
    X[1, NL[1]:] = 1e3  # padding holds garbage: never read
    Y[2, ML[2]:] = -1e3
    D[1, NL[1]:] = 1e6
    D[2, :, ML[2]:] = 1e6
    return X, Y, D, UX, UY, G


def radius(band):
    return -1.0 if band is None else band


def assert_padding_zero(H, lengths):
    for b, n in enumerate(lengths):
        assert not H[b, n:].any()


# ---------------------------------------------------------------- costs


@pytest.mark.parametrize("band", [None, 2.0])
def test_the_absolute_cost_equals_the_cpu(data, band):
    X, Y = data[:2]
    values, gx, gy = sdc.soft_dtw_value_and_grad(X, Y, GAMMA, band=band, cost="absolute",
                                                 with_grad_y=True, **KW)
    E = sdc.expected_alignment(X, Y, GAMMA, band=band, cost="absolute", **KW)
    want = cpu.pairs_value_grad(X, Y, NL, ML, GAMMA, radius(band), COST_CODES["absolute"],
                                want_grad=True, want_E=True, parallel=False)
    for name, a, b in zip(("values", "GX", "GY", "E"), (values, gx, gy, E), want):
        np.testing.assert_allclose(a, b, **TOL, err_msg=name)
    assert_padding_zero(gx, NL)
    assert_padding_zero(gy, ML)
    for b in range(3):  # the core's own absolute cost, pair by pair
        assert values[b] == pytest.approx(sd.soft_dtw(X[b, :NL[b]], Y[b, :ML[b]], GAMMA,
                                                      cost="absolute", band=band), rel=1e-12)


def test_a_precomputed_cost_gives_its_values_and_e(data):
    D = data[2]
    values, E = sdc.soft_dtw_value_and_grad(D, None, GAMMA, band=2.0, cost="precomputed", **KW)
    only = sdc.soft_dtw(D, None, GAMMA, band=2.0, cost="precomputed", **KW)
    want = cpu.pairs_value_grad(D, None, NL, ML, GAMMA, 2.0, COST_CODES["precomputed"],
                                want_grad=True, parallel=False)
    assert E.shape == D.shape
    np.testing.assert_allclose(values, want[0], **TOL)
    np.testing.assert_allclose(only, want[0], **TOL)
    np.testing.assert_allclose(E, want[1], **TOL)
    assert not E[2, :, ML[2]:].any() and not E[1, NL[1]:].any()


def test_the_divergence_with_the_absolute_cost(data):
    X, Y = data[:2]
    values, grad_x = sdc.soft_dtw_divergence_value_and_grad(X, Y, GAMMA, band=2.0,
                                                            cost="absolute", **KW)
    for b in range(3):
        x, y = X[b, :NL[b]], Y[b, :ML[b]]
        value, gx = sd.soft_dtw_divergence_value_and_grad(x, y, GAMMA, cost="absolute",
                                                          band=2.0)
        assert values[b] == pytest.approx(value, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grad_x[b, :NL[b]], gx, **TOL)


# ---------------------------------------------------------------- second order


@pytest.fixture(scope="module")
def hvp64(data):
    X, Y, _, UX, UY, _ = data
    return sdc.soft_dtw_hvp(X, Y, UX, UY, GAMMA, band=2.0, **KW)


@pytest.mark.parametrize("cost, band", [("sqeuclidean", 2.0), ("sqeuclidean", None),
                                        ("absolute", 2.0), ("precomputed", 2.0)])
def test_hessian_vector_products_equal_the_cpu(data, hvp64, cost, band):
    X, Y, D, UX, UY, G = data
    if cost == "precomputed":
        got = (sdc.soft_dtw_hvp(D, None, G, None, GAMMA, band=band, cost=cost, **KW), None)
        want = cpu.pairs_tangent(D, None, NL, ML, GAMMA, radius(band), cost, G, None,
                                 mode="hvp")
    else:
        got = hvp64 if (cost, band) == ("sqeuclidean", 2.0) else sdc.soft_dtw_hvp(
            X, Y, UX, UY, GAMMA, band=band, cost=cost, **KW)
        want = cpu.pairs_tangent(X, Y, NL, ML, GAMMA, radius(band), cost, UX, UY, mode="hvp")
        assert_padding_zero(got[0], NL)
        assert_padding_zero(got[1], ML)
    for a, b in zip(got, want):
        if b is not None:
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, **TOL)


@pytest.mark.parametrize("cost, band", [("sqeuclidean", 2.0), ("absolute", None),
                                        ("precomputed", 2.0)])
def test_the_backward_pass_of_e_equals_the_cpu(data, cost, band):
    X, Y, D, _, _, G = data
    A, B_ = (D, None) if cost == "precomputed" else (X, Y)
    got = sdc.expected_alignment_vjp(A, B_, G, GAMMA, band=band, cost=cost, **KW)
    want = cpu.pairs_tangent(A, B_, NL, ML, GAMMA, radius(band), cost, G, None,
                             mode="alignment")
    got = (got, None) if cost == "precomputed" else got
    for a, b in zip(got, want):
        if b is not None:
            np.testing.assert_allclose(a, b, **TOL)


def test_the_hvp_is_the_derivative_of_the_gpu_gradient(data, hvp64):
    """Central differences of (grad_X, grad_Y) along (UX, UY): an independent truth."""
    X, Y, _, UX, UY, _ = data
    eps = 1e-5
    grads = [sdc.soft_dtw_value_and_grad(X + s * eps * UX, Y + s * eps * UY, GAMMA, band=2.0,
                                         with_grad_y=True, **KW)[1:] for s in (1, -1)]
    for k in range(2):
        fd = (grads[0][k] - grads[1][k]) / (2 * eps)
        scale = np.abs(hvp64[k]).max()
        np.testing.assert_allclose(hvp64[k], fd, rtol=0, atol=1e-6 * scale)


def test_float32_second_order_within_1e_5_of_float64(data, hvp64):
    X, Y, _, UX, UY, _ = data
    f32 = [a.astype(np.float32) for a in (X, Y, UX, UY)]
    hx, hy = sdc.soft_dtw_hvp(*f32[:2], f32[2], f32[3], GAMMA, band=2.0, **KW)
    assert hx.dtype == hy.dtype == np.float32
    for a, b in zip((hx, hy), hvp64):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(b).max())


def test_device_directions_give_device_results(data, hvp64):
    X, Y, _, UX, UY, _ = data
    hx, hy = sdc.soft_dtw_hvp(*(cuda.to_device(a) for a in (X, Y, UX, UY)), GAMMA, band=2.0,
                              **KW)
    assert not isinstance(hx, np.ndarray) and hasattr(hx, "copy_to_host")
    np.testing.assert_array_equal(hx.copy_to_host(), hvp64[0])
    np.testing.assert_array_equal(hy.copy_to_host(), hvp64[1])


# ---------------------------------------------------------------- memory


def test_memory_estimate_of_the_tangent_pass_is_what_it_allocates(data, monkeypatch):
    X, Y, _, UX, UY, _ = data
    allocated = []
    alloc, upload = sdc._alloc, sdc._upload
    monkeypatch.setattr(sdc, "_alloc", lambda shape, dtype: allocated.append(
        int(np.prod(shape)) * np.dtype(dtype).itemsize) or alloc(shape, dtype))
    monkeypatch.setattr(sdc, "_upload", lambda a: allocated.append(a.nbytes) or upload(a))
    sdc.soft_dtw_hvp(X[:, :6], Y[:, :5], UX[:, :6], UY[:, :5], GAMMA, band=1.0,
                     threads_per_block=THREADS)
    assert sum(allocated) == sdc.memory_estimate(3, 6, 5, "float64", d=3, band=1.0,
                                                 what="tangent")


def test_the_tangent_pass_keeps_four_values_per_cell():
    for dtype, item in (("float32", 4), ("float64", 8)):
        for cost in ("sqeuclidean", "precomputed"):
            big = sdc.memory_estimate(2, 300, 200, dtype, what="tangent", cost=cost)
            small = sdc.memory_estimate(2, 300, 100, dtype, what="tangent", cost=cost)
            extra = 2 * 300 * 100 * (4 + (cost == "precomputed")) * item  # + Ė out, (B, n, m)
            assert 0 <= big - small - extra < 2 * (300 + 200) * 64


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, argument", [
    (lambda X, Y, D, U: sdc.soft_dtw(D, Y, GAMMA, cost="precomputed"), "leave Y=None"),
    (lambda X, Y, D, U: sdc.soft_dtw(X, None, GAMMA), "Y is missing"),
    (lambda X, Y, D, U: sdc.soft_dtw(X, Y, GAMMA, cost="cosine"), "cost must be one of"),
    (lambda X, Y, D, U: sdc.soft_dtw(D[0], None, GAMMA, cost="precomputed"), r"X\[None\]"),
    (lambda X, Y, D, U: sdc.soft_dtw_divergence(D, None, GAMMA, cost="precomputed"), "cost"),
    (lambda X, Y, D, U: sdc.soft_dtw_value_and_grad(D, None, GAMMA, cost="precomputed",
                                                    with_grad_y=True), "with_grad_y"),
    (lambda X, Y, D, U: sdc.soft_dtw(D, None, GAMMA, cost="precomputed", y_lengths=[7, 8, 1]),
     r"y_lengths\[1\] = 8"),
    (lambda X, Y, D, U: sdc.soft_dtw_hvp(X, Y, U[:, :4], None, GAMMA), "V_X must have shape"),
    (lambda X, Y, D, U: sdc.soft_dtw_hvp(X, Y, np.full_like(U, np.nan), None, GAMMA),
     "V_X contains NaN"),
    (lambda X, Y, D, U: sdc.soft_dtw_hvp(D, None, D, D, GAMMA, cost="precomputed"),
     "V_Y must be None"),
    (lambda X, Y, D, U: sdc.soft_dtw_hvp(X, Y, cuda.to_device(U), None, GAMMA), "same side"),
    (lambda X, Y, D, U: sdc.expected_alignment_vjp(X, Y, U, GAMMA), r"G must have shape"),
    (lambda X, Y, D, U: sdc.soft_dtw_hvp(X, Y, U, None, 0.0), "gamma"),
    (lambda X, Y, D, U: sdc.memory_estimate(2, 8, 8, cost="cosine"), "cost"),
])
def test_bad_input_names_the_argument(data, call, argument):
    X, Y, D, UX = data[0], data[1], data[2], data[3]
    with pytest.raises(ValueError, match=argument):
        call(X, Y, D, UX)


def test_outputs_have_the_padded_shapes_when_no_pair_fills_them():
    """Every pair shorter than the padding: gradients, E and products keep X's and Y's
    shapes (zero in the padding), as the CPU object gives them."""
    rng = np.random.default_rng(4)
    X, Y, G = rng.normal(size=(2, 6, 1)), rng.normal(size=(2, 5, 1)), rng.normal(size=(2, 6, 5))
    nl, ml = np.array([4, 3]), np.array([3, 2])
    kw = dict(x_lengths=nl, y_lengths=ml, threads_per_block=2)
    got = (*sdc.soft_dtw_value_and_grad(X, Y, GAMMA, with_grad_y=True, **kw),
           sdc.expected_alignment(X, Y, GAMMA, **kw),
           *sdc.expected_alignment_vjp(X, Y, G, GAMMA, **kw))
    want = (*cpu.pairs_value_grad(X, Y, nl, ml, GAMMA, -1.0, 0, want_grad=True, want_E=True),
            *cpu.pairs_tangent(X, Y, nl, ml, GAMMA, -1.0, "sqeuclidean", G, None,
                               mode="alignment"))
    for a, b in zip(got, want):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, **TOL)
