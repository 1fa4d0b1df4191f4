"""The CUDA kernels behind softdtw_core.torch (softdtw_core._internal.cuda_adapters), in
Numba's CUDA simulator, against the CPU kernels behind it (softdtw_core._internal.adapters).

Called with host NumPy arrays (the simulator's form), the CUDA object must give what the CPU
object gives, to 1e-12 in float64: values, gradients w.r.t. X and Y and E for the three
costs, and the second-order products (Hessian-vector products, the backward pass of E), on a
ragged, banded batch with n != m and d = 3. The torch functions are then run end to end on
the CUDA object (``_kernels`` swapped for it on CPU tensors): DILATE's gradients, a double
backward, the backward pass of E from a precomputed cost; the dispatch and the result
wrapping are checked. What needs a real GPU (torch CUDA tensors read in place, results
wrapped on the GPU) is not run here. Tiny sizes: the simulator runs each GPU thread as a
Python thread.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from softdtw_core import torch as st
from softdtw_core._internal import adapters as cpu
from softdtw_core._internal import cuda_adapters as gpu
from softdtw_core._internal.validation import COST_CODES
from tests.cuda.simulator import cuda

pytestmark = pytest.mark.xdist_group("cuda_sim")  # the simulator's tests on one worker

GAMMA = 0.5
NL = np.array([9, 5, 8], dtype=np.int64)
ML = np.array([7, 7, 3], dtype=np.int64)
SQ = COST_CODES["sqeuclidean"]
PRE = COST_CODES["precomputed"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(22)
    X = rng.normal(size=(3, 9, 3))
    Y = rng.normal(size=(3, 7, 3))
    X[1, NL[1]:] = 1e3  # padding holds garbage: never read
    Y[2, ML[2]:] = -1e3
    return X, Y


@pytest.fixture(scope="module")
def costs():
    D = np.random.default_rng(221).random(size=(3, 9, 7))
    D[2, :, ML[2]:] = 1e6  # padding: never read
    return D


@pytest.mark.parametrize("cost, radius", [("sqeuclidean", -1.0), ("sqeuclidean", 2.0),
                                          ("absolute", 2.0)])  # no band, each pair's band
def test_the_cuda_object_equals_the_cpu_object(data, cost, radius):
    X, Y = data
    gpu.check_batch(X, Y, NL, ML, radius)
    kind = COST_CODES[cost]
    got = gpu.pairs_value_grad(X, Y, NL, ML, GAMMA, radius, kind, want_grad=True, want_E=True)
    want = cpu.pairs_value_grad(X, Y, NL, ML, GAMMA, radius, kind, want_grad=True,
                                want_E=True, parallel=False)
    for name, a, b in zip(("values", "GX", "GY", "E"), got, want):
        assert isinstance(a, np.ndarray) and a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=name)
    assert not got[3][1, NL[1]:].any() and not got[2][2, ML[2]:].any()  # padding: zero


def test_alignment_without_gradients(data):  # the values come from the same pass
    X, Y = data
    values, GX, GY, E = gpu.pairs_value_grad(X, Y, NL, ML, GAMMA, 2.0, SQ, want_grad=False,
                                             want_E=True)
    assert GX is None and GY is None
    want = cpu.pairs_value_grad(X, Y, NL, ML, GAMMA, 2.0, SQ, want_grad=False, want_E=True)
    np.testing.assert_allclose(values, want[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(E, want[3], rtol=1e-12, atol=1e-12)


def test_a_precomputed_cost_as_the_cpu_object_returns_it(costs):
    # E of a precomputed cost is its gradient: the CPU object gives it with want_grad
    for want_grad, want_E in ((True, False), (True, True), (False, False)):
        got = gpu.pairs_value_grad(costs, None, NL, ML, GAMMA, 2.0, PRE, want_grad=want_grad,
                                   want_E=want_E)
        want = cpu.pairs_value_grad(costs, None, NL, ML, GAMMA, 2.0, PRE, want_grad=want_grad,
                                    want_E=want_E)
        for a, b in zip(got, want):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cost, mode", [("sqeuclidean", "hvp"), ("absolute", "alignment"),
                                        ("precomputed", "alignment")])
def test_second_order_products_equal_the_cpu_object(data, costs, cost, mode):
    X, Y = (costs, None) if cost == "precomputed" else data
    rng = np.random.default_rng(5)
    G = rng.normal(size=costs.shape)
    UX, UY = (rng.normal(size=X.shape), rng.normal(size=Y.shape)) if mode == "hvp" else (G, None)
    got = gpu.pairs_tangent(X, Y, NL, ML, GAMMA, 2.0, cost, UX, UY, mode=mode)
    want = cpu.pairs_tangent(X, Y, NL, ML, GAMMA, 2.0, cost, UX, UY, mode=mode)
    for a, b in zip(got, want):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="gamma > 0"):
        gpu.pairs_tangent(X, Y, NL, ML, 0.0, 2.0, cost, UX, UY, mode=mode)


def test_bad_batches_raise_the_cpu_errors(data):
    X, Y = data
    bad = X.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"x contains NaN"):
        gpu.check_batch(bad, Y, NL, ML, -1.0)
    with pytest.raises(ValueError, match=r"y_lengths\[1\] = 8 is out of range"):
        gpu.check_batch(X, Y, NL, np.array([7, 8, 3]), -1.0)
    with pytest.raises(ValueError, match=r"band"):  # 9 x 3 with radius 0 admits no path
        gpu.check_batch(X, Y, NL, ML, 0.0)


# ---------------------------------------------------------------------------- torch


def test_torch_dispatches_cuda_tensors_to_the_cuda_kernels():
    assert st._kernels(torch.device("cuda")) is gpu
    assert st._kernels(torch.device("cuda", 1)) is gpu
    assert st._kernels(torch.device("cpu")) is cpu


def test_results_from_device_arrays_become_tensors():
    a = np.arange(6.0).reshape(2, 3)
    like = torch.zeros(1, dtype=torch.float32)
    out = st._result(cuda.to_device(a), like)  # a (simulator) device array
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    assert out.device == like.device
    np.testing.assert_array_equal(out.numpy(), a.astype(np.float32))
    host = st._result(a, like.double())  # the CPU kernels' NumPy arrays: shared
    assert host.dtype == torch.float64 and np.shares_memory(host.numpy(), a)


@pytest.fixture
def on_cuda_kernels(monkeypatch):
    """The torch functions on CPU tensors, computed by the CUDA object (host arrays)."""
    monkeypatch.setattr(st, "_kernels", lambda device: gpu)


def test_torch_functions_run_on_the_cuda_kernels(data, on_cuda_kernels):
    X, Y = data
    x = torch.tensor(X, requires_grad=True)
    y = torch.tensor(Y, requires_grad=True)
    kw = dict(band=2.0, x_lengths=torch.as_tensor(NL), y_lengths=torch.as_tensor(ML))
    values = st.soft_dtw(x, y, GAMMA, **kw)
    gx, gy = torch.autograd.grad(values.sum(), (x, y))
    E = st.expected_alignment(x.detach(), y.detach(), GAMMA, **kw)
    want = cpu.pairs_value_grad(X, Y, NL, ML, GAMMA, 2.0, SQ, want_grad=True, want_E=True)
    for name, a, b in zip(("values", "GX", "GY", "E"), (values, gx, gy, E), want):
        np.testing.assert_allclose(a.detach().numpy(), b, rtol=1e-12, atol=1e-12, err_msg=name)


def torch_second_order(X, Y, D):
    """DILATE's gradients, a double backward and the gradient of a loss on E computed from a
    precomputed cost (absolute cost for the value), through softdtw_core.torch."""
    x, y = torch.tensor(X, requires_grad=True), torch.tensor(Y, requires_grad=True)
    d = torch.tensor(D, requires_grad=True)
    kw = dict(band=2.0, x_lengths=torch.as_tensor(NL), y_lengths=torch.as_tensor(ML))
    loss = st.dilate_loss(x, y, alpha=0.5, gamma=GAMMA, **kw).sum()
    out = list(torch.autograd.grad(loss, (x, y)))
    (gx,) = torch.autograd.grad(st.soft_dtw(x, y, GAMMA, **kw).sum(), x, create_graph=True)
    out += torch.autograd.grad((gx * gx).sum(), (x, y))  # Hessian-vector products
    E = st.expected_alignment(d, None, GAMMA, cost="precomputed", **kw)
    out += torch.autograd.grad((E * E).sum(), d)
    out.append(st.soft_dtw(x, y, GAMMA, cost="absolute", **kw).detach())
    return out


def test_torch_second_order_on_the_cuda_kernels_equals_the_cpu(data, costs, monkeypatch):
    """What training with DILATELoss on a GPU and create_graph=True need."""
    X, Y = data
    want = torch_second_order(X, Y, costs)
    monkeypatch.setattr(st, "_kernels", lambda device: gpu)
    got = torch_second_order(X, Y, costs)
    names = ("dilate dx", "dilate dy", "hvp x", "hvp y", "E vjp", "absolute values")
    for name, a, b in zip(names, got, want):
        assert a.dtype == torch.float64 and a.shape == b.shape, name
        assert b.abs().max() > 0, name
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12, err_msg=name)
