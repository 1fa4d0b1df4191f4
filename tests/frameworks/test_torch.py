"""softdtw_core.torch against the NumPy core, finite differences and torch's own checks.

torch is a test requirement (requirements-torch.txt, installed by .ci/run): a missing torch
fails this module, it is never skipped.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import softdtw_core as sd
from softdtw_core import torch as st

F64 = torch.float64


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(20170806)


def batch(gen, B=3, n=6, m=5, d=3, dtype=F64, grad=True):
    x = torch.randn(B, n, d, generator=gen, dtype=dtype).requires_grad_(grad)
    y = torch.randn(B, m, d, generator=gen, dtype=dtype).requires_grad_(grad)
    return x, y


def core_pair(x, y, b, n, m, gamma, cost, band):
    """Value, gradients w.r.t. x and y and E of pair b, from the NumPy core."""
    xb = x[b, :n].detach().double().numpy()
    yb = y[b, :m].detach().double().numpy()
    value, gx = sd.soft_dtw_value_and_grad(xb, yb, gamma, cost=cost, band=band)
    _, gy = sd.soft_dtw_value_and_grad(yb, xb, gamma, cost=cost, band=band)  # symmetric
    _, E = sd.soft_dtw_alignment(xb, yb, gamma, cost=cost, band=band)
    return value, gx, gy, E


# ---------------------------------------------------------------------------- the NumPy core

CASES = [  # (cost, band, ragged)
    ("sqeuclidean", None, False),
    ("sqeuclidean", 1.5, False),
    ("sqeuclidean", None, True),
    ("sqeuclidean", 2.0, True),
    ("absolute", None, False),
    ("absolute", 2.0, True),
]


@pytest.mark.parametrize("cost, band, ragged", CASES)
def test_values_gradients_and_alignment_equal_the_core(gen, cost, band, ragged):
    B, n, m = 4, 9, 7  # unequal lengths, d = 3
    x, y = batch(gen, B, n, m, 3)
    xl = [9, 5, 8, 2] if ragged else [n] * B
    yl = [7, 7, 3, 4] if ragged else [m] * B
    kw = dict(band=band, cost=cost, x_lengths=xl, y_lengths=yl)
    values = st.soft_dtw(x, y, 0.7, **kw)
    gx, gy = torch.autograd.grad(values.sum(), (x, y))
    E = st.expected_alignment(x, y, 0.7, **kw)
    for b in range(B):
        value, cgx, cgy, cE = core_pair(x, y, b, xl[b], yl[b], 0.7, cost, band)
        assert values[b].item() == pytest.approx(value, rel=1e-10, abs=1e-10)
        np.testing.assert_allclose(gx[b, : xl[b]].numpy(), cgx, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(gy[b, : yl[b]].numpy(), cgy, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(E[b, : xl[b], : yl[b]].detach().numpy(), cE, atol=1e-12)
        # padding: exactly zero gradient and zero alignment
        assert (gx[b, xl[b]:] == 0).all() and (gy[b, yl[b]:] == 0).all()
        assert (E[b, xl[b]:] == 0).all() and (E[b, :, yl[b]:] == 0).all()


def test_precomputed_cost_gradient_is_the_alignment(gen):
    D = torch.rand(3, 6, 8, generator=gen, dtype=F64, requires_grad=True)
    xl, yl = [6, 4, 2], [8, 3, 7]
    values = st.soft_dtw(D, None, 0.3, cost="precomputed", x_lengths=xl, y_lengths=yl)
    (grad,) = torch.autograd.grad(values.sum(), D)
    for b in range(3):
        Db = D[b, : xl[b], : yl[b]].detach().numpy()
        value, E = sd.soft_dtw_alignment(Db, None, 0.3, cost="precomputed")
        assert values[b].item() == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(grad[b, : xl[b], : yl[b]].numpy(), E, atol=1e-12)
        assert grad[b].sum().item() == pytest.approx(E.sum())  # zero elsewhere


def test_precomputed_equals_the_series_it_came_from(gen):
    """A cost written in torch (here the squared distances) gives the same value and, by
    the chain rule through torch, the same gradient as the built-in cost."""
    x, y = batch(gen, 2, 5, 7, 2)
    D = ((x[:, :, None, :] - y[:, None, :, :]) ** 2).sum(-1)
    v_pre = st.soft_dtw(D, None, 0.5, cost="precomputed")
    v = st.soft_dtw(x, y, 0.5)
    torch.testing.assert_close(v_pre, v, rtol=1e-12, atol=1e-12)
    g_pre = torch.autograd.grad(v_pre.sum(), (x, y))
    g = torch.autograd.grad(v.sum(), (x, y))
    for a, b in zip(g_pre, g):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)


def test_univariate_batches_without_a_d_axis(gen):
    x = torch.randn(2, 6, generator=gen, dtype=F64)
    y = torch.randn(2, 4, generator=gen, dtype=F64)
    torch.testing.assert_close(st.soft_dtw(x, y), st.soft_dtw(x[..., None], y[..., None]))


def test_hard_limit_and_brute_force(gen):
    """Small γ tends to DTW; γ = 1 equals the log-sum over every alignment (enumerated)."""
    x, y = batch(gen, 1, 4, 3, 1, grad=False)
    brute = sd.brute_force_soft_dtw(x[0].numpy(), y[0].numpy(), gamma=1.0)
    assert st.soft_dtw(x, y, 1.0).item() == pytest.approx(brute.value, rel=1e-12)
    np.testing.assert_allclose(st.expected_alignment(x, y, 1.0)[0].numpy(), brute.E,
                               atol=1e-12)
    dtw = sd.soft_dtw(x[0].numpy(), y[0].numpy(), 0.0)
    assert st.soft_dtw(x, y, 1e-4).item() == pytest.approx(dtw, abs=1e-3)


# ---------------------------------------------------------------------------- autograd


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
@pytest.mark.parametrize("fn", ["soft_dtw", "divergence", "dilate", "alignment"])
def test_gradcheck(gen, cost, fn):
    x, y = batch(gen, 2, 4, 5, 2)
    kw = dict(cost=cost, band=2.0, x_lengths=[4, 3], y_lengths=[5, 4])
    funcs = {
        "soft_dtw": lambda a, b: st.soft_dtw(a, b, 0.6, **kw),
        "divergence": lambda a, b: st.soft_dtw_divergence(a, b, 0.6, **kw),
        "dilate": lambda a, b: st.dilate_loss(a, b, 0.4, 0.6, **kw),
        "alignment": lambda a, b: st.expected_alignment(a, b, 0.6, **kw),
    }
    assert torch.autograd.gradcheck(funcs[fn], (x, y))


@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
def test_gradgradcheck(gen, cost):
    x, y = batch(gen, 2, 4, 3, 2)
    kw = dict(cost=cost, x_lengths=[4, 2], y_lengths=[3, 3])
    assert torch.autograd.gradgradcheck(lambda a, b: st.soft_dtw(a, b, 0.8, **kw), (x, y))
    assert torch.autograd.gradgradcheck(
        lambda a, b: st.soft_dtw_divergence(a, b, 0.8, **kw), (x, y))


def test_gradcheck_precomputed_twice(gen):
    D = torch.rand(2, 4, 3, generator=gen, dtype=F64, requires_grad=True)
    f = lambda a: st.soft_dtw(a, None, 0.5, cost="precomputed", x_lengths=[4, 3])  # noqa: E731
    assert torch.autograd.gradcheck(f, (D,))
    assert torch.autograd.gradgradcheck(f, (D,))


def test_hessian_vector_product_equals_the_core(gen):
    """create_graph=True: the double backward is the core's soft_dtw_hvp (w.r.t. x)."""
    x, y = batch(gen, 2, 6, 5, 3)
    v = torch.randn(x.shape, generator=gen, dtype=F64)
    (g,) = torch.autograd.grad(st.soft_dtw(x, y, 0.5).sum(), x, create_graph=True)
    (hv,) = torch.autograd.grad((g * v).sum(), x)
    for b in range(2):
        ref = sd.soft_dtw_hvp(x[b].detach().numpy(), y[b].detach().numpy(), v[b].numpy(), 0.5)
        np.testing.assert_allclose(hv[b].numpy(), ref, rtol=1e-10, atol=1e-10)


def test_alignment_backward_equals_the_core_jvp(gen):
    """<E, U>'s gradient w.r.t. Δ is Ė along U (the core's expected_alignment_jvp)."""
    D = torch.rand(1, 5, 4, generator=gen, dtype=F64, requires_grad=True)
    U = torch.randn(1, 5, 4, generator=gen, dtype=F64)
    E = st.expected_alignment(D, None, 0.4, cost="precomputed")
    (grad,) = torch.autograd.grad((E * U).sum(), D)
    ref = sd.expected_alignment_jvp(D[0].detach().numpy(), None, U[0].numpy(), 0.4,
                                    cost="precomputed")
    np.testing.assert_allclose(grad[0].numpy(), ref, atol=1e-12)


# ---------------------------------------------------------------------------- dtypes, memory


@pytest.mark.parametrize("fn", ["soft_dtw", "alignment"])
def test_float32_in_float32_out_close_to_float64(gen, fn):
    x, y = batch(gen, 3, 12, 10, 2)
    f = {"soft_dtw": lambda a, b: st.soft_dtw(a, b, 0.3, band=3.0),
         "alignment": lambda a, b: st.expected_alignment(a, b, 0.3, band=3.0)}[fn]
    x32 = x.detach().float().requires_grad_()
    y32 = y.detach().float().requires_grad_()
    out64, out32 = f(x, y), f(x32, y32)
    assert out32.dtype == torch.float32
    g64 = torch.autograd.grad(out64.sum(), (x, y))
    g32 = torch.autograd.grad(out32.sum(), (x32, y32))
    assert g32[0].dtype == torch.float32 and g32[1].dtype == torch.float32
    scale = out64.abs().max()
    assert ((out32.double() - out64).abs().max() / scale).item() < 1e-5
    for a, b in zip(g32, g64):
        assert ((a.double() - b).abs().max() / b.abs().max()).item() < 1e-5


def test_contiguous_float64_reaches_the_kernels_without_a_copy(gen):
    x = torch.randn(4, 8, 2, generator=gen, dtype=F64)
    assert st._kernel_array(x).__array_interface__["data"][0] == x.data_ptr()
    assert st._kernel_array(x.float()).dtype == np.float64  # float32: computed in float64
    t = x.transpose(1, 2)  # not contiguous: made so (a copy), same values
    np.testing.assert_array_equal(st._kernel_array(t), t.numpy())


def test_other_devices_get_a_clear_error():  # CUDA: tests/cuda/test_torch_cuda.py
    with pytest.raises(ValueError, match=r"device meta are not supported.*x\.cpu\(\)"):
        st._kernels(torch.device("meta"))


# ---------------------------------------------------------------------------- losses


def test_divergence_is_nonnegative_and_zero_at_equality(gen):
    x, y = batch(gen, 5, 7, 9, 2, grad=False)
    div = st.soft_dtw_divergence(x, y, 1.0, x_lengths=[7, 3, 5, 7, 1], y_lengths=[9] * 5)
    assert (div >= 0).all()
    assert (st.soft_dtw_divergence(x, x, 1.0) == 0).all()
    for b in range(5):
        n = [7, 3, 5, 7, 1][b]
        ref = sd.soft_dtw_divergence(x[b, :n].numpy(), y[b].numpy(), 1.0)
        assert div[b].item() == pytest.approx(ref, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("band", [None, 2.0])
def test_dilate_equals_the_core(gen, band):
    x, y = batch(gen, 3, 8, 6, 1)
    xl, yl = [8, 5, 7], [6, 6, 4]
    values = st.dilate_loss(x, y, 0.3, 0.2, band=band, x_lengths=xl, y_lengths=yl)
    (gx,) = torch.autograd.grad(values.sum(), x)
    for b in range(3):
        xb, yb = x[b, : xl[b]].detach().numpy(), y[b, : yl[b]].detach().numpy()
        value, grad = sd.dilate_value_and_grad(xb, yb, 0.3, 0.2, band=band)
        assert values[b].item() == pytest.approx(value, rel=1e-10)
        np.testing.assert_allclose(gx[b, : xl[b]].numpy(), grad, rtol=1e-9, atol=1e-10)
        assert (gx[b, xl[b]:] == 0).all()


def test_loss_modules_and_reductions(gen):
    x, y = batch(gen, 4, 6, 5, 2, grad=False)
    per_pair = st.soft_dtw(x, y, 0.5)
    assert st.SoftDTWLoss(0.5)(x, y).item() == pytest.approx(per_pair.mean().item())
    assert st.SoftDTWLoss(0.5, reduction="sum")(x, y).item() == pytest.approx(
        per_pair.sum().item())
    torch.testing.assert_close(st.SoftDTWLoss(0.5, reduction="none")(x, y), per_pair)
    div = st.SoftDTWLoss(0.5, divergence=True, reduction="none")(x, y, [6, 2, 6, 6], None)
    torch.testing.assert_close(div, st.soft_dtw_divergence(x, y, 0.5, x_lengths=[6, 2, 6, 6]))
    dil = st.DILATELoss(0.2, 0.1, reduction="sum")(x, y)
    assert dil.item() == pytest.approx(st.dilate_loss(x, y, 0.2, 0.1).sum().item())
    assert "gamma=0.5" in repr(st.SoftDTWLoss(0.5))


def test_training_step_lowers_the_loss(gen):
    """One optimiser step along the gradient lowers soft-DTW (both inputs move)."""
    x, y = batch(gen, 3, 10, 12, 1)
    loss_fn = st.SoftDTWLoss(0.1, divergence=True)
    opt = torch.optim.SGD([x, y], lr=0.01)
    before = loss_fn(x, y)
    before.backward()
    opt.step()
    assert loss_fn(x, y).item() < before.item()


# ---------------------------------------------------------------------------- torch.compile


@pytest.fixture(scope="module")
def compiled_run():
    """One compiled training step (inductor, fullgraph: no graph break), run once for the
    module (the first call compiles: ~16 s on an idle 2-core machine)."""
    gen = torch.Generator().manual_seed(3)
    model = torch.nn.Linear(2, 2).double()
    loss_fn = st.SoftDTWLoss(0.2, band=3.0)
    x = torch.randn(3, 7, 2, generator=gen, dtype=F64)
    y = torch.randn(3, 6, 2, generator=gen, dtype=F64)

    def step(a, b, lengths):
        return loss_fn(model(a), b, lengths)

    compiled = torch.compile(step, fullgraph=True)
    lengths = torch.tensor([7, 4, 6])
    loss = compiled(x, y, lengths)
    loss.backward()
    grad = model.weight.grad.clone()
    model.zero_grad()
    eager = step(x, y, lengths)
    eager.backward()
    return loss, grad, eager, model.weight.grad.clone()


def test_torch_compile_matches_eager(compiled_run):
    loss, grad, eager, eager_grad = compiled_run
    assert loss.item() == pytest.approx(eager.item(), rel=1e-12)
    torch.testing.assert_close(grad, eager_grad, rtol=1e-10, atol=1e-12)


def test_fake_implementations_give_the_real_shapes(gen):
    from torch._subclasses.fake_tensor import FakeTensorMode

    x, y = batch(gen, 2, 5, 4, 3, grad=False)
    lengths = torch.tensor([5, 5]), torch.tensor([4, 4])
    real = st._value_and_grad_op(x, y, *lengths, 0.5, -1.0, 0, True)
    real_E = st._alignment_op(x, y, *lengths, 0.5, -1.0, 0)
    with FakeTensorMode() as mode:
        fx, fy = mode.from_tensor(x), mode.from_tensor(y)
        fl = mode.from_tensor(lengths[0]), mode.from_tensor(lengths[1])
        fake = st._value_and_grad_op(fx, fy, *fl, 0.5, -1.0, 0, True)
        fake_E = st._alignment_op(fx, fy, *fl, 0.5, -1.0, 0)
    for r, f in zip((*real, real_E), (*fake, fake_E)):
        assert r.shape == f.shape and r.dtype == f.dtype


def test_custom_ops_pass_torch_opcheck(gen):
    x, y = batch(gen, 2, 4, 3, 2, grad=True)
    lengths = torch.tensor([4, 2]), torch.tensor([3, 3])
    torch.library.opcheck(st._value_and_grad_op, (x, y, *lengths, 0.5, -1.0, 0, True),
                          test_utils=("test_schema", "test_faketensor"))
    torch.library.opcheck(st._alignment_op, (x, y, *lengths, 0.5, 2.0, 1),
                          test_utils=("test_schema", "test_faketensor"))


# ---------------------------------------------------------------------------- bad input


def bad_cases():
    x = torch.zeros(2, 5, 3, dtype=F64)
    y = torch.zeros(2, 4, 3, dtype=F64)
    nan = x.clone()
    nan[1, 2, 0] = float("nan")
    return [
        (dict(x=nan, y=y), r"x contains NaN at index \(1, 2, 0\)"),
        (dict(x=x, y=torch.full_like(y, float("inf"))), r"y contains an infinite value"),
        (dict(x=x, y=torch.zeros(2, 4, 2, dtype=F64)), r"same dimension d; got d=3 and d=2"),
        (dict(x=x, y=torch.zeros(3, 4, 3, dtype=F64)), r"same number of pairs B; got B=2"),
        (dict(x=x, y=y, x_lengths=[5, 6]), r"x_lengths\[1\] = 6 is out of range.*\[1, 5\]"),
        (dict(x=x, y=y, y_lengths=[0, 4]), r"y_lengths\[0\] = 0 is out of range"),
        (dict(x=x, y=y, x_lengths=[5]), r"x_lengths must have shape \(2,\)"),
        (dict(x=x, y=y, x_lengths=[5.0, 4.0]), r"x_lengths must hold integers"),
        (dict(x=x, y=y, gamma=0.0), r"gamma must be > 0"),
        (dict(x=x, y=y, gamma=-1.0), r"gamma must be a finite number >= 0"),
        (dict(x=x, y=y, band=-2), r"band must be None or a Sakoe-Chiba radius"),
        (dict(x=torch.zeros(2, 3, 1, dtype=F64), y=torch.zeros(2, 9, 1, dtype=F64), band=0.5),
         r"band=0.5 admits no alignment path for lengths n=3, m=9"),
        (dict(x=x, y=y, cost="cosine"), r"cost must be one of"),
        (dict(x=x, y=None), r"y is missing"),
        (dict(x=x, y=y, cost="precomputed"), r"leave y=None"),
        (dict(x=x.numpy(), y=y), r"x must be a torch.Tensor; got ndarray"),
        (dict(x=x.int(), y=y), r"x must be a float32 or float64 tensor"),
        (dict(x=x, y=y.float()), r"same dtype and device"),
        (dict(x=x[0, 0], y=y), r"x must have shape \(B, n, d\)"),
    ]


@pytest.mark.parametrize("kwargs, message", bad_cases())
def test_bad_input_raises_a_value_error_naming_it(kwargs, message):
    with pytest.raises(ValueError, match=message):
        st.soft_dtw(**kwargs)


def test_nan_in_padding_is_ignored():
    x = torch.zeros(2, 5, 1, dtype=F64)
    x[1, 4, 0] = float("nan")  # beyond pair 1's length
    y = torch.ones(2, 3, 1, dtype=F64)
    values = st.soft_dtw(x, y, 0.5, x_lengths=[5, 4])
    assert torch.isfinite(values).all()


def test_bad_module_parameters():
    with pytest.raises(ValueError, match="reduction must be one of"):
        st.SoftDTWLoss(reduction="max")
    with pytest.raises(ValueError, match="gamma must be > 0"):
        st.SoftDTWLoss(gamma=0)
    with pytest.raises(ValueError, match=r"alpha \(the weight of the shape term"):
        st.DILATELoss(alpha=1.5)
    with pytest.raises(ValueError, match="divergence=True needs the series"):
        st.SoftDTWLoss(divergence=True, cost="precomputed")
    with pytest.raises(ValueError, match="cost='precomputed' is not accepted"):
        st.soft_dtw_divergence(torch.zeros(1, 2, 2, dtype=F64), None, cost="precomputed")


def test_import_softdtw_core_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, softdtw_core; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_adapter_gives_E_of_a_precomputed_cost_without_the_gradient(gen):
    """``want_E`` alone (no gradient asked) still returns E for a precomputed cost, equal to
    the core's expected alignment of each pair's own block."""
    from softdtw_core._internal import adapters
    from softdtw_core._internal.validation import COST_CODES

    rng = np.random.default_rng(5)
    D = rng.random((3, 7, 6))
    nx, ny = np.array([7, 5, 3]), np.array([6, 6, 2])
    values, gx, gy, E = adapters.pairs_value_grad(
        D, None, nx, ny, 0.5, -1.0, COST_CODES["precomputed"], want_grad=False, want_E=True)
    assert gx is None and gy is None and E.shape == D.shape
    for b in range(3):
        n, m = nx[b], ny[b]
        value, want = sd.soft_dtw_alignment(D[b, :n, :m], gamma=0.5, cost="precomputed")
        np.testing.assert_allclose(E[b, :n, :m], want, rtol=1e-12, atol=1e-14)
        assert values[b] == pytest.approx(value, rel=1e-12)
        assert not E[b, n:].any() and not E[b, :, m:].any()
