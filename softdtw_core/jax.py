r"""Soft-DTW as a JAX loss: ``jax.custom_vjp`` over the Numba kernels of :mod:`softdtw_core`.

For a pair of series ``x`` ``(n, d)`` (or ``(n,)``) and ``y`` ``(m, d)``,

.. math::

    \operatorname{dtw}_\gamma(x, y) = -\gamma \log \sum_{A \in \mathcal{A}(n, m)}
    e^{-\langle A, \Delta(x, y) \rangle / \gamma}, \qquad
    \nabla_\Delta \operatorname{dtw}_\gamma = E_\gamma(x, y),

with its gradients w.r.t. both series from the expected alignment E. The kernels run on the
host through :func:`jax.pure_callback` (``vmap_method="broadcast_all"``): under
:func:`jax.vmap` a batch of B pairs is **one** kernel call (the batched kernels of the
PyTorch adapter, lane groups spread over the threads), not B. The forward pass computes the
gradients too and keeps them for the backward pass; :func:`jax.grad`, :func:`jax.jit` and
:func:`jax.vmap` compose as usual. Forward-mode (``jax.jvp``) and second derivatives are not
defined (a ``custom_vjp``); the PyTorch adapter has the double backward.

dtypes: float64 needs ``jax.config.update("jax_enable_x64", True)``; float32 in → float32
out, computed in float64 by the core's kernels (cast up, results cast back).

Examples
--------
>>> import jax.numpy as jnp
>>> from softdtw_core.jax import soft_dtw
>>> x, y = jnp.array([0.0, 1.0, 2.0]), jnp.array([0.0, 2.0])
>>> round(float(soft_dtw(x, y, gamma=0.01)), 4)  # two paths of cost 1: 1 - 0.01 log 2
0.9931
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._internal import adapters as _adapters
from ._internal.validation import COST_CODES, _check_finite, check_band, check_cost, check_gamma
from .band import band_limits_checked
from .dilate import temporal_distortion_matrix

__all__ = ["dilate_loss", "soft_dtw", "soft_dtw_divergence"]

_PRECOMPUTED = COST_CODES["precomputed"]
_COSTS = {code: name for name, code in COST_CODES.items()}

# --------------------------------------------------------------------------- host side


def _value_grad(X, Y, gamma, radius, kind, need_grad):
    """One batched kernel call on full-length pairs: values, gradients w.r.t. X and Y."""
    B = X.shape[0]
    nx = np.full(B, X.shape[1], dtype=np.int64)
    ny = np.full(B, X.shape[2] if kind == _PRECOMPUTED else Y.shape[1], dtype=np.int64)
    values, GX, GY, _ = _adapters.pairs_value_grad(X, Y, nx, ny, gamma, radius, kind,
                                                   want_grad=need_grad)
    return values, GX, GY


def _dilate(X, Y, gamma, radius, kind, alpha, need_grad):
    B, n = X.shape[:2]
    m = X.shape[2] if kind == _PRECOMPUTED else Y.shape[1]
    nx, ny = np.full(B, n, dtype=np.int64), np.full(B, m, dtype=np.int64)
    values, GX, GY, E = _adapters.pairs_value_grad(X, Y, nx, ny, gamma, radius, kind,
                                                   want_grad=need_grad, want_E=True)
    omega = temporal_distortion_matrix(n, m)
    loss = alpha * values + (1.0 - alpha) * np.einsum("bij,ij->b", E, omega)
    if not need_grad:
        return loss, None, None
    U = np.ascontiguousarray(np.broadcast_to(omega, (B, n, m)))
    HX, HY = _adapters.pairs_tangent(X, Y, nx, ny, gamma, radius, _COSTS[kind], U, None,
                                     mode="alignment")
    GY = None if GY is None else alpha * GY + (1.0 - alpha) * HY
    return loss, alpha * GX + (1.0 - alpha) * HX, GY


def _divergence(X, Y, gamma, radius, kind, need_grad):
    vxy, gx, gy = _value_grad(X, Y, gamma, radius, kind, need_grad)
    vxx, gxx1, gxx2 = _value_grad(X, X, gamma, radius, kind, need_grad)
    vyy, gyy1, gyy2 = _value_grad(Y, Y, gamma, radius, kind, need_grad)
    values = vxy - 0.5 * (vxx + vyy)
    if not need_grad:
        return values, None, None
    return values, gx - 0.5 * (gxx1 + gxx2), gy - 0.5 * (gyy1 + gyy2)


def _host(x, y, *, loss, gamma, radius, kind, alpha, need_grad):
    """The callback: any leading (vmapped) axes become the batch of one kernel call."""
    x = np.asarray(x)
    tail = 2
    lead = x.shape[: x.ndim - tail]
    X = np.ascontiguousarray(x.reshape((-1, *x.shape[-tail:])), dtype=np.float64)
    Y = None
    if kind != _PRECOMPUTED:
        y = np.asarray(y)
        Y = np.ascontiguousarray(y.reshape((-1, *y.shape[-tail:])), dtype=np.float64)
        if Y.shape[0] != X.shape[0]:  # a vmapped x against one y, or the reverse
            B = max(X.shape[0], Y.shape[0])
            X = np.ascontiguousarray(np.broadcast_to(X, (B, *X.shape[1:])))
            Y = np.ascontiguousarray(np.broadcast_to(Y, (B, *Y.shape[1:])))
    if loss == "soft_dtw":
        values, GX, GY = _value_grad(X, Y, gamma, radius, kind, need_grad)
    elif loss == "divergence":
        values, GX, GY = _divergence(X, Y, gamma, radius, kind, need_grad)
    else:
        values, GX, GY = _dilate(X, Y, gamma, radius, kind, alpha, need_grad)
    values = values.reshape(lead).astype(x.dtype)
    if not need_grad:
        return values
    gx = GX.reshape(x.shape).astype(x.dtype)
    gy = (np.zeros(np.shape(y), dtype=np.asarray(y).dtype) if GY is None
          else GY.reshape(np.shape(y)).astype(np.asarray(y).dtype))
    return values, gx, gy


def _callback(x, y, options, need_grad):
    value = jax.ShapeDtypeStruct((), x.dtype)
    shapes = (value, jax.ShapeDtypeStruct(x.shape, x.dtype),
              jax.ShapeDtypeStruct(y.shape, y.dtype)) if need_grad else value
    host = partial(_host, need_grad=need_grad, **dict(options))
    return jax.pure_callback(host, shapes, x, y, vmap_method="broadcast_all")


@partial(jax.custom_vjp, nondiff_argnums=(2,))
def _loss(x, y, options):
    return _callback(x, y, options, False)


def _loss_fwd(x, y, options):
    value, gx, gy = _callback(x, y, options, True)
    return value, (gx, gy)


def _loss_bwd(options, residuals, g):
    gx, gy = residuals
    return g * gx, g * gy


_loss.defvjp(_loss_fwd, _loss_bwd)

# --------------------------------------------------------------------------- validation


def _as_pair(x, y, gamma, band, cost, loss, alpha=0.5):
    """Validated arrays ``(n, d)``, ``(m, d)`` and the static options of the kernels."""
    if check_gamma(gamma) == 0.0:
        raise ValueError("gamma must be > 0 for a differentiable loss; got gamma=0 (hard DTW, "
                         "whose gradient jumps). Use a small γ such as 0.01.")
    radius = check_band(band)
    kind = COST_CODES[check_cost(cost)]
    x = _as_array(x, "x")
    if kind == _PRECOMPUTED:
        if y is not None:
            raise ValueError("with cost='precomputed', pass the (n, m) cost matrix as x and "
                             "leave y=None.")
        if x.ndim != 2:
            raise ValueError(f"x (the precomputed cost) must have shape (n, m); got shape "
                             f"{x.shape}.")
        n, m = x.shape
        y = jnp.zeros((0, 0), dtype=x.dtype)
    else:
        if y is None:
            raise ValueError("y is missing: pass two series, or cost='precomputed' with a "
                             "cost matrix as x.")
        y = _as_array(y, "y")
        x = x[:, None] if x.ndim == 1 else x
        y = y[:, None] if y.ndim == 1 else y
        for a, name, side in ((x, "x", "n"), (y, "y", "m")):
            if a.ndim != 2:
                raise ValueError(f"{name} must have shape ({side},) or ({side}, d) (vmap over "
                                 f"a batch); got shape {a.shape}.")
        if x.shape[1] != y.shape[1]:
            raise ValueError(f"x and y must have the same dimension d; got d={x.shape[1]} and "
                             f"d={y.shape[1]}.")
        if x.dtype != y.dtype:
            dtype = jnp.promote_types(x.dtype, y.dtype)
            x, y = x.astype(dtype), y.astype(dtype)
        n, m = x.shape[0], y.shape[0]
    if n == 0 or m == 0:
        raise ValueError(f"empty series: n={n}, m={m}; each needs at least one point.")
    if radius >= 0:
        band_limits_checked(n, m, radius)
    options = (("loss", loss), ("gamma", float(gamma)), ("radius", radius), ("kind", kind),
               ("alpha", float(alpha)))
    return x, y, options


def _as_array(a, name):
    if not isinstance(a, jax.core.Tracer):  # concrete input: check its values here
        arr = np.asarray(a)
        if arr.dtype.kind not in "fiu":
            raise ValueError(f"{name} must be a real numeric array; got dtype {arr.dtype}.")
        _check_finite(arr.astype(np.float64), name)
    a = jnp.asarray(a)
    if not jnp.issubdtype(a.dtype, jnp.floating):
        a = a.astype(jnp.result_type(float))
    return a


# --------------------------------------------------------------------------- functions


def soft_dtw(x, y=None, gamma=1.0, *, band=None, cost="sqeuclidean"):
    r"""Soft-DTW of one pair, differentiable in ``x`` and ``y`` (reverse mode).

    .. math::

        \operatorname{dtw}_\gamma(x, y) = {\min}^\gamma_{A \in \mathcal{A}(n, m)}
        \langle A, \Delta(x, y) \rangle

    Parameters
    ----------
    x : array, shape (n,) or (n, d)
        First series (the ``(n, m)`` cost for ``cost="precomputed"``). Batch with
        :func:`jax.vmap`.
    y : array, shape (m,) or (m, d), or None
        Second series (None for a precomputed cost).
    gamma : float, default 1.0
        Smoothing ``γ > 0``.
    band : float or None
        Sakoe-Chiba radius.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        The ground cost.

    Returns
    -------
    Array, shape ()
        ``dtw_γ(x, y)`` in x's dtype.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> from softdtw_core.jax import soft_dtw
    >>> x = jnp.array([[0.0, 1.0, 2.0], [5.0, 1.0, 0.0]])
    >>> y = jnp.array([0.0, 2.0])
    >>> values = jax.vmap(lambda a: soft_dtw(a, y, 0.001))(x)  # one kernel call
    >>> [round(float(v), 3) for v in values]  # 1 - γ log 2 and 30 - γ log 3
    [0.999, 29.999]
    """
    x, y, options = _as_pair(x, y, gamma, band, cost, "soft_dtw")
    return _loss(x, y, options)


def soft_dtw_divergence(x, y, gamma=1.0, *, band=None, cost="sqeuclidean"):
    r"""The soft-DTW divergence of one pair: non-negative, zero at ``x = y``.

    .. math::

        D_\gamma(x, y) = \operatorname{dtw}_\gamma(x, y)
        - \tfrac12 \left(\operatorname{dtw}_\gamma(x, x) + \operatorname{dtw}_\gamma(y, y)\right)

    Parameters
    ----------
    x, y, gamma, band
        As in :func:`~softdtw_core.jax.soft_dtw`.
    cost : {"sqeuclidean", "absolute"}
        ``"precomputed"`` is refused (the self-terms need the series).

    Returns
    -------
    Array, shape ()
        ``D_γ(x, y) >= 0``.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from softdtw_core.jax import soft_dtw_divergence
    >>> float(soft_dtw_divergence(jnp.array([0.0, 1.0]), jnp.array([0.0, 1.0])))
    0.0
    """
    _adapters.check_divergence_cost(cost)
    x, y, options = _as_pair(x, y, gamma, band, cost, "divergence")
    return _loss(x, y, options)


def dilate_loss(x, y=None, alpha=0.5, gamma=0.01, *, band=None, cost="sqeuclidean"):
    r"""DILATE of one pair (:func:`softdtw_core.dilate_loss`), differentiable.

    .. math::

        \operatorname{DILATE}(x, y) = \alpha\, \operatorname{dtw}_\gamma(x, y)
        + (1 - \alpha)\, \langle E_\gamma(x, y), \Omega \rangle

    Parameters
    ----------
    x, y, band, cost
        As in :func:`~softdtw_core.jax.soft_dtw` (a forecast and its target).
    alpha : float, default 0.5
        Weight of the shape term, in [0, 1].
    gamma : float, default 0.01
        Smoothing ``γ > 0``.

    Returns
    -------
    Array, shape ()
        The loss, in x's dtype.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from softdtw_core.jax import dilate_loss
    >>> y = jnp.exp(-0.5 * (jnp.arange(8.0) - 3.0) ** 2)
    >>> bool(dilate_loss(jnp.roll(y, 1), y, alpha=0.0) > dilate_loss(y, y, alpha=0.0))
    True
    """
    alpha = _adapters.check_alpha(alpha)
    x, y, options = _as_pair(x, y, gamma, band, cost, "dilate", alpha)
    return _loss(x, y, options)
