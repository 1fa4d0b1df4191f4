"""softdtw_core.jax against the NumPy core, under grad, jit and vmap (one kernel call per
vmapped batch, counted), float32 and float64, and jax.test_util.check_grads.

jax is a test requirement (requirements-torch.txt, installed by .ci/run): a missing jax
fails this module, it is never skipped.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

import softdtw_core as sd
from softdtw_core import jax as sj
from softdtw_core._internal import adapters as _adapters

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def rng():
    return np.random.default_rng(20170806)


@pytest.fixture
def kernel_calls(monkeypatch):
    """How many times the batched kernel runs (the adapter calls it through the module)."""
    calls = []
    real = _adapters.pairs_value_grad

    def counting(X, *args, **kwargs):
        calls.append(X.shape[0])
        return real(X, *args, **kwargs)

    monkeypatch.setattr(_adapters, "pairs_value_grad", counting)
    return calls


@pytest.mark.parametrize("cost, band", [("sqeuclidean", None), ("sqeuclidean", 2.0),
                                        ("absolute", None)])
def test_value_and_gradients_equal_the_core(rng, cost, band):
    x, y = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    value, (gx, gy) = jax.value_and_grad(
        lambda a, b: sj.soft_dtw(a, b, 0.6, band=band, cost=cost), argnums=(0, 1))(
        jnp.asarray(x), jnp.asarray(y))
    ref, ref_gx = sd.soft_dtw_value_and_grad(x, y, 0.6, cost=cost, band=band)
    _, ref_gy = sd.soft_dtw_value_and_grad(y, x, 0.6, cost=cost, band=band)
    assert float(value) == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gy, ref_gy, rtol=1e-10, atol=1e-12)


def test_precomputed_gradient_is_the_alignment(rng):
    D = rng.random(size=(5, 4))
    g = jax.grad(lambda a: sj.soft_dtw(a, None, 0.3, cost="precomputed"))(jnp.asarray(D))
    np.testing.assert_allclose(g, sd.soft_dtw_alignment(D, None, 0.3, cost="precomputed")[1],
                               atol=1e-12)


def test_divergence_and_dilate_equal_the_core(rng):
    x, y = rng.normal(size=(6,)), rng.normal(size=(8,))
    div, g = jax.value_and_grad(lambda a: sj.soft_dtw_divergence(a, y, 0.5))(jnp.asarray(x))
    ref, ref_g = sd.soft_dtw_divergence_value_and_grad(x, y, 0.5)
    assert float(div) == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(g, ref_g.ravel(), rtol=1e-10, atol=1e-12)
    assert float(sj.soft_dtw_divergence(jnp.asarray(x), jnp.asarray(x), 0.5)) == 0.0
    dil, g = jax.value_and_grad(lambda a: sj.dilate_loss(a, y, 0.3, 0.2))(jnp.asarray(x))
    ref, ref_g = sd.dilate_value_and_grad(x, y, 0.3, 0.2)
    assert float(dil) == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(g, ref_g, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["soft_dtw", "divergence", "dilate"])
@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
def test_check_grads(rng, name, cost):
    fn = {"soft_dtw": lambda a, b: sj.soft_dtw(a, b, 0.7, cost=cost, band=2.0),
          "divergence": lambda a, b: sj.soft_dtw_divergence(a, b, 0.7, cost=cost),
          "dilate": lambda a, b: sj.dilate_loss(a, b, 0.4, 0.7, cost=cost)}[name]
    x, y = jnp.asarray(rng.normal(size=(5, 2))), jnp.asarray(rng.normal(size=(4, 2)))
    check_grads(fn, (x, y), order=1, modes=["rev"])


def test_vmap_of_a_batch_is_one_kernel_call(rng, kernel_calls):
    X = jnp.asarray(rng.normal(size=(6, 9, 2)))
    Y = jnp.asarray(rng.normal(size=(6, 7, 2)))
    loss = jax.jit(jax.vmap(jax.value_and_grad(lambda a, b: sj.soft_dtw(a, b, 0.5))))
    values, grads = loss(X, Y)
    assert kernel_calls == [6]  # one call for the six pairs, values and gradients together
    for b in range(6):
        ref, ref_g = sd.soft_dtw_value_and_grad(np.asarray(X[b]), np.asarray(Y[b]), 0.5)
        assert float(values[b]) == pytest.approx(ref, rel=1e-12)
        np.testing.assert_allclose(grads[b], ref_g, rtol=1e-10, atol=1e-12)
    kernel_calls.clear()
    against_one = jax.vmap(lambda a: sj.soft_dtw(a, Y[0], 0.5))(X)  # y not batched
    assert kernel_calls == [6]
    np.testing.assert_allclose(
        against_one, [sd.soft_dtw(np.asarray(a), np.asarray(Y[0]), 0.5) for a in X],
        rtol=1e-12)


def test_nested_vmap_and_jit_of_a_model(rng, kernel_calls):
    """A linear model's loss over a (2, 3) grid of pairs: one call; grad w.r.t. weights."""
    X = jnp.asarray(rng.normal(size=(2, 3, 5, 2)))
    Y = jnp.asarray(rng.normal(size=(2, 3, 6, 2)))
    W = jnp.asarray(rng.normal(size=(2, 2)))

    def loss(w):
        pair = lambda a, b: sj.soft_dtw(a @ w, b, 0.5)  # noqa: E731
        return jax.vmap(jax.vmap(pair))(X, Y).sum()

    g = jax.jit(jax.grad(loss))(W)
    assert kernel_calls == [6]
    eps = 1e-6
    E = np.zeros((2, 2))
    E[0, 1] = 1.0
    fd = (loss(W + eps * E) - loss(W - eps * E)) / (2 * eps)
    assert float(g[0, 1]) == pytest.approx(float(fd), rel=1e-6)


def test_float32_in_float32_out(rng):
    x, y = rng.normal(size=(10, 2)), rng.normal(size=(8, 2))
    v32, g32 = jax.value_and_grad(lambda a: sj.soft_dtw(a, jnp.float32(y), 0.3))(
        jnp.float32(x))
    v64, g64 = jax.value_and_grad(lambda a: sj.soft_dtw(a, jnp.asarray(y), 0.3))(
        jnp.asarray(x))
    assert v32.dtype == jnp.float32 and g32.dtype == jnp.float32
    assert v64.dtype == jnp.float64
    assert abs(float(v32) - float(v64)) / abs(float(v64)) < 1e-5
    assert float(jnp.abs(g32 - g64).max() / jnp.abs(g64).max()) < 1e-5


@pytest.mark.parametrize("kwargs, message", [
    (dict(x=[0.0, np.nan], y=[1.0]), r"x contains NaN at index \(1,\)"),
    (dict(x=[0.0, 1.0], y=[[1.0, 2.0]]), r"same dimension d; got d=1 and d=2"),
    (dict(x=[0.0], y=[1.0], gamma=0.0), r"gamma must be > 0"),
    (dict(x=[0.0] * 3, y=[1.0] * 9, band=0.5), r"band=0.5 admits no alignment path"),
    (dict(x=[0.0], y=[1.0], cost="l1"), r"cost must be one of"),
    (dict(x=[0.0], y=None), r"y is missing"),
    (dict(x=np.zeros((2, 3, 1)), y=[1.0]), r"x must have shape \(n,\) or \(n, d\)"),
    (dict(x=["a"], y=[1.0]), r"x must be a real numeric array"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sj.soft_dtw(**kwargs)


def test_import_softdtw_core_does_not_import_jax():
    import subprocess
    import sys

    code = "import sys, softdtw_core; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
