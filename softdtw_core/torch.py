r"""Soft-DTW as a PyTorch loss, on the Numba kernels of :mod:`softdtw_core`.

For a batch of pairs :math:`(x_b, y_b)`, ``x`` of shape ``(B, n, d)`` and ``y`` of shape
``(B, m, d)``,

.. math::

    \operatorname{dtw}_\gamma(x_b, y_b) = {\min}^\gamma_{A \in \mathcal{A}(n_b, m_b)}
    \langle A, \Delta(x_b, y_b) \rangle, \qquad
    \nabla_{\Delta} \operatorname{dtw}_\gamma = E_\gamma(x_b, y_b)

(the expected alignment), and the gradients with respect to both series follow from E:
:math:`\nabla_{x_i} = \sum_j e_{ij} \partial_{x_i} \Delta_{ij}` and
:math:`\nabla_{y_j} = \sum_i e_{ij} \partial_{y_j} \Delta_{ij}`.

- **Costs**: ``"sqeuclidean"`` (``||x_i - y_j||²``, the default), ``"absolute"``
  (``Σ_k |x_ik - y_jk|``) and ``"precomputed"``: ``x`` is then a ``(B, n, m)`` cost tensor
  written in torch (any ground cost, a learned embedding) and ``y=None``; its gradient is E.
- **Ragged batches**: ``x_lengths``/``y_lengths`` (``(B,)`` integers) give each pair its own
  lengths ``n_b <= n``, ``m_b <= m``; the padding is never read and gets exactly zero
  gradient, and ``band`` (a Sakoe-Chiba radius) applies to each pair's own lengths.
- **Second order**: the backward pass is itself differentiable once
  (``create_graph=True``): the double backward runs the Hessian-vector kernels behind
  :func:`softdtw_core.soft_dtw_hvp` (pair by pair, full tables: 48 bytes per cell).
- **dtypes**: float64 tensors are computed exactly as the NumPy core computes them (same
  kernels). float32 in → float32 out; computed in float64 by the core's kernels (the
  inputs are cast up, the results cast back), so float32 results are the float64 ones
  rounded once.
- **Memory**: a CPU float64 contiguous tensor reaches the kernels without a copy
  (``t.numpy()`` shares its memory); the kernels keep the soft-min weights and E of one
  lane group per thread in the compact anti-diagonal layout (32 bytes per cell of a group,
  reused between groups), never an ``(n, m)`` matrix per pair, and release the GIL; the
  pairs are spread over Numba's threads.
- **torch.compile**: every kernel is a registered custom op (``torch.ops.softdtw_core.*``)
  with a fake implementation, so compiled models call them without a graph break.
- **CUDA** tensors run the numba-cuda kernels of :mod:`softdtw_core.cuda` (one dispatch
  function, ``_kernels``): read in place, results on the same device, float32 computed in
  float32; every cost, the double backward and the backward pass of
  :func:`expected_alignment` (hence DILATE's) run there too
  (:func:`softdtw_core.cuda.soft_dtw_hvp`, :func:`softdtw_core.cuda.expected_alignment_vjp`:
  16 bytes per in-band cell in float32, 32 in float64).

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017.
.. [2] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021 (the divergence).
.. [3] V. Le Guen and N. Thome, "Shape and time distortion loss for training deep time
   series forecasting models", NeurIPS 2019 (DILATE).

Examples
--------
>>> import torch
>>> from softdtw_core.torch import SoftDTWLoss, soft_dtw
>>> x = torch.tensor([[[0.0], [1.0], [2.0]]], dtype=torch.float64, requires_grad=True)
>>> y = torch.tensor([[[0.0], [2.0]]], dtype=torch.float64)
>>> round(soft_dtw(x, y, gamma=0.01).item(), 4)  # two paths of cost 1: 1 - 0.01 log 2
0.9931
>>> SoftDTWLoss(gamma=0.01)(x, y).backward()
>>> x.grad[0, :, 0]  # 1 is matched to 0 and to 2 with probability 1/2 each: no pull
tensor([0., 0., 0.], dtype=torch.float64)
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

from ._internal import adapters as _adapters
from ._internal.validation import COST_CODES, check_band, check_choice, check_cost, check_gamma

__all__ = [
    "DILATELoss",
    "SoftDTWLoss",
    "dilate_loss",
    "expected_alignment",
    "soft_dtw",
    "soft_dtw_divergence",
]

_PRECOMPUTED = COST_CODES["precomputed"]
_COSTS = {code: name for name, code in COST_CODES.items()}
_MODES = {"hvp": 0, "alignment": 1}
_REDUCTIONS = ("mean", "sum", "none")

# --------------------------------------------------------------------------- dispatch


def _kernels(device: torch.device):
    """The kernels for tensors on ``device`` (the one place that dispatches on it).

    CPU: the Numba kernels (``softdtw_core._internal.adapters``). CUDA: the numba-cuda
    kernels of :mod:`softdtw_core.cuda` behind the same interface
    (``softdtw_core._internal.cuda_adapters``, imported on first use).
    """
    if device.type == "cpu":
        return _adapters
    if device.type == "cuda":
        from ._internal import cuda_adapters

        return cuda_adapters
    raise ValueError(
        f"tensors on device {device} are not supported; move them to the CPU (x.cpu()) or "
        f"to a CUDA GPU (x.cuda())."
    )


def _kernel_array(t: Tensor):
    """``t`` as the kernels take it (the one place that fixes the computing precision).

    CPU: float64, C-contiguous NumPy; a contiguous float64 tensor is shared, not copied;
    float32 is computed in float64 by the core's kernels (a cast, hence a copy). CUDA: the
    contiguous tensor itself, in its own dtype (the CUDA kernels read it through
    ``__cuda_array_interface__``, no copy to the host, and compute float32 in float32).
    """
    if t.device.type == "cuda":
        return t.detach().contiguous()
    return t.detach().to(torch.float64).contiguous().numpy()


def _lengths_array(t: Tensor) -> np.ndarray:
    return t.detach().to(torch.int64).contiguous().numpy()


def _result(a, like: Tensor) -> Tensor:
    """A kernel result as a tensor of ``like``'s dtype on ``like``'s device (the one place
    that turns kernel outputs into tensors; float32 results of the CPU kernels: rounded once).

    A NumPy array (CPU kernels) is shared with ``torch.from_numpy``; a device array (CUDA
    kernels, Numba device arrays) is wrapped with ``torch.as_tensor(a, device=...)``, through
    ``__cuda_array_interface__``: no copy.
    """
    if isinstance(a, np.ndarray):
        return torch.from_numpy(a).to(like.dtype)
    return torch.as_tensor(a, device=like.device).to(like.dtype)


def _other(x: Tensor, y: Tensor, kind: int):
    return None if kind == _PRECOMPUTED else _kernel_array(y)


# --------------------------------------------------------------------------- custom ops


@torch.library.custom_op("softdtw_core::value_and_grad", mutates_args=())
def _value_and_grad_op(x: Tensor, y: Tensor, x_lengths: Tensor, y_lengths: Tensor,
                       gamma: float, band: float, kind: int,
                       need_grad: bool) -> tuple[Tensor, Tensor, Tensor]:
    """Values ``(B,)`` and, when ``need_grad``, the gradients w.r.t. x and y."""
    kernels = _kernels(x.device)
    X, Y = _kernel_array(x), _other(x, y, kind)
    nx, ny = _lengths_array(x_lengths), _lengths_array(y_lengths)
    kernels.check_batch(X, Y, nx, ny, band)
    values, GX, GY, _ = kernels.pairs_value_grad(X, Y, nx, ny, gamma, band, kind,
                                                 want_grad=need_grad)
    gx = _result(GX, x) if need_grad else x.new_zeros(0)
    gy = _result(GY, y) if need_grad and kind != _PRECOMPUTED else y.new_zeros(0)
    return _result(values, x), gx, gy


@_value_and_grad_op.register_fake
def _(x, y, x_lengths, y_lengths, gamma, band, kind, need_grad):
    gx = x.new_empty(x.shape) if need_grad else x.new_empty(0)
    gy = y.new_empty(y.shape) if need_grad and kind != _PRECOMPUTED else y.new_empty(0)
    return x.new_empty(x.shape[0]), gx, gy


@torch.library.custom_op("softdtw_core::gradient", mutates_args=())
def _gradient_op(x: Tensor, y: Tensor, x_lengths: Tensor, y_lengths: Tensor, gx: Tensor,
                 gy: Tensor, gamma: float, band: float, kind: int) -> tuple[Tensor, Tensor]:
    """The gradients ``(gx, gy)`` the forward pass computed, as a function of ``(x, y)``:
    what makes the backward pass differentiable (its own backward is a Hessian product)."""
    return gx.clone(), gy.clone()


@_gradient_op.register_fake
def _(x, y, x_lengths, y_lengths, gx, gy, gamma, band, kind):
    return torch.empty_like(gx), torch.empty_like(gy)


@torch.library.custom_op("softdtw_core::tangent", mutates_args=())
def _tangent_op(x: Tensor, y: Tensor, x_lengths: Tensor, y_lengths: Tensor, ux: Tensor,
                uy: Tensor, gamma: float, band: float, kind: int,
                mode: int) -> tuple[Tensor, Tensor]:
    """Second-order products (:func:`softdtw_core._internal.adapters.pairs_tangent`): the Hessian
    times ``(ux, uy)`` (mode 0) or the vector-Jacobian product of E with ``ux`` (mode 1)."""
    kernels = _kernels(x.device)
    X, Y = _kernel_array(x), _other(x, y, kind)
    UX = _kernel_array(ux)
    UY = None if kind == _PRECOMPUTED or mode == _MODES["alignment"] else _kernel_array(uy)
    HX, HY = kernels.pairs_tangent(
        X, Y, _lengths_array(x_lengths), _lengths_array(y_lengths), gamma, band,
        _COSTS[kind], UX, UY, mode="alignment" if mode == _MODES["alignment"] else "hvp")
    return _result(HX, x), (y.new_zeros(0) if HY is None else _result(HY, y))


@_tangent_op.register_fake
def _(x, y, x_lengths, y_lengths, ux, uy, gamma, band, kind, mode):
    return torch.empty_like(x), (y.new_empty(0) if kind == _PRECOMPUTED else torch.empty_like(y))


@torch.library.custom_op("softdtw_core::alignment", mutates_args=())
def _alignment_op(x: Tensor, y: Tensor, x_lengths: Tensor, y_lengths: Tensor, gamma: float,
                  band: float, kind: int) -> Tensor:
    """The expected alignments ``(B, n, m)``, zero outside each pair's own block and band."""
    kernels = _kernels(x.device)
    X, Y = _kernel_array(x), _other(x, y, kind)
    nx, ny = _lengths_array(x_lengths), _lengths_array(y_lengths)
    kernels.check_batch(X, Y, nx, ny, band)
    E = kernels.pairs_value_grad(X, Y, nx, ny, gamma, band, kind,
                                 want_grad=kind == _PRECOMPUTED, want_E=True)[3]
    return _result(E, x)


@_alignment_op.register_fake
def _(x, y, x_lengths, y_lengths, gamma, band, kind):
    m = x.shape[2] if kind == _PRECOMPUTED else y.shape[1]
    return x.new_empty(x.shape[0], x.shape[1], m)


def _setup(ctx, inputs, output):
    x, y, xl, yl, gamma, band, kind = inputs[:7]
    ctx.options = (gamma, band, kind)
    saved = (x, y, xl, yl)
    if isinstance(output, tuple):  # value_and_grad: keep the gradients it computed
        saved += output[1:]
    ctx.save_for_backward(*saved)


def _value_backward(ctx, grad_values, _grad_gx, _grad_gy):
    # gx, gy are internal outputs (the public functions return the values only)
    x, y, xl, yl, gx, gy = ctx.saved_tensors
    gamma, band, kind = ctx.options
    hx, hy = _gradient_op(x, y, xl, yl, gx, gy, gamma, band, kind)
    scale = grad_values.reshape(-1, 1, 1)
    dy = None if kind == _PRECOMPUTED else scale * hy
    return scale * hx, dy, None, None, None, None, None, None


def _gradient_setup(ctx, inputs, output):
    x, y, xl, yl, _, _, gamma, band, kind = inputs
    ctx.options = (gamma, band, kind)
    ctx.save_for_backward(x, y, xl, yl)


def _gradient_backward(ctx, ux, uy):
    x, y, xl, yl = ctx.saved_tensors
    gamma, band, kind = ctx.options
    ux = torch.zeros_like(x) if ux is None else ux
    uy = torch.zeros_like(y) if uy is None or kind == _PRECOMPUTED else uy
    hx, hy = _tangent_op(x, y, xl, yl, ux, uy, gamma, band, kind, _MODES["hvp"])
    dy = None if kind == _PRECOMPUTED else hy
    return hx, dy, None, None, None, None, None, None, None


def _alignment_backward(ctx, grad_E):
    x, y, xl, yl = ctx.saved_tensors
    gamma, band, kind = ctx.options
    hx, hy = _tangent_op(x, y, xl, yl, grad_E, y, gamma, band, kind, _MODES["alignment"])
    dy = None if kind == _PRECOMPUTED else hy
    return hx, dy, None, None, None, None, None


_value_and_grad_op.register_autograd(_value_backward, setup_context=_setup)
_gradient_op.register_autograd(_gradient_backward, setup_context=_gradient_setup)
_alignment_op.register_autograd(_alignment_backward, setup_context=_setup)

# --------------------------------------------------------------------------- validation


def _check_tensor(t, name: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise ValueError(
            f"{name} must be a torch.Tensor; got {type(t).__name__}. Wrap it: "
            f"torch.as_tensor({name}, dtype=torch.float64)."
        )
    if t.dtype not in (torch.float32, torch.float64):
        raise ValueError(
            f"{name} must be a float32 or float64 tensor; got dtype {t.dtype}. Cast it: "
            f"{name}.double() or {name}.float()."
        )
    _kernels(t.device)
    return t


def _check_lengths(lengths, B: int, full: int, name: str) -> Tensor:
    if lengths is None:
        return torch.full((B,), full, dtype=torch.int64)
    if not isinstance(lengths, Tensor):
        lengths = torch.as_tensor(lengths)
    if lengths.dtype.is_floating_point or lengths.dtype.is_complex or lengths.dtype == torch.bool:
        raise ValueError(f"{name} must hold integers (one length per pair); got dtype "
                         f"{lengths.dtype}.")
    if lengths.shape != (B,):
        raise ValueError(
            f"{name} must have shape ({B},), one length per pair; got shape "
            f"{tuple(lengths.shape)}."
        )
    return lengths.detach().to("cpu", torch.int64)


def _prepare(x, y, gamma, band, cost, x_lengths, y_lengths):
    """Validated op arguments: ``(x, y, x_lengths, y_lengths, gamma, band, kind)``."""
    gamma = _check_gamma_positive(gamma)
    radius = check_band(band)
    kind = COST_CODES[check_cost(cost)]
    x = _check_tensor(x, "x")
    if kind == _PRECOMPUTED:
        if y is not None:
            raise ValueError(
                "with cost='precomputed', pass the (B, n, m) cost tensor as x and leave y=None."
            )
        if x.ndim != 3:
            raise ValueError(f"x (the precomputed costs) must have shape (B, n, m); got shape "
                             f"{tuple(x.shape)}.")
        y = x.new_zeros(0)
        B, n, m = x.shape
    else:
        if y is None:
            raise ValueError("y is missing: pass two batches of series, or cost='precomputed' "
                             "with a (B, n, m) cost tensor as x.")
        y = _check_tensor(y, "y")
        if x.ndim == 2:  # (B, n): univariate series
            x = x.unsqueeze(-1)
        if y.ndim == 2:
            y = y.unsqueeze(-1)
        for t, name, side in ((x, "x", "n"), (y, "y", "m")):
            if t.ndim != 3:
                raise ValueError(f"{name} must have shape (B, {side}, d) or (B, {side}); got "
                                 f"shape {tuple(t.shape)}.")
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"x and y must hold the same number of pairs B; got B={x.shape[0]} "
                             f"and B={y.shape[0]}.")
        if x.shape[2] != y.shape[2]:
            raise ValueError(f"x and y must have the same dimension d; got d={x.shape[2]} and "
                             f"d={y.shape[2]}.")
        if x.dtype != y.dtype or x.device != y.device:
            raise ValueError(f"x and y must have the same dtype and device; got {x.dtype} on "
                             f"{x.device} and {y.dtype} on {y.device}. Cast one: y.to(x).")
        B, n, m = x.shape[0], x.shape[1], y.shape[1]
    if B == 0 or n == 0 or m == 0:
        raise ValueError(f"empty batch: B={B}, n={n}, m={m}; each needs to be >= 1.")
    xl = _check_lengths(x_lengths, B, n, "x_lengths")
    yl = _check_lengths(y_lengths, B, m, "y_lengths")
    return x, y, xl, yl, gamma, radius, kind


def _needs_grad(*tensors) -> bool:
    return torch.is_grad_enabled() and any(t.requires_grad for t in tensors)


# --------------------------------------------------------------------------- functions


def soft_dtw(x, y=None, gamma=1.0, *, band=None, cost="sqeuclidean", x_lengths=None,
             y_lengths=None) -> Tensor:
    r"""Soft-DTW of each pair of a batch, differentiable in ``x`` and ``y`` (twice).

    .. math::

        \operatorname{dtw}_\gamma(x_b, y_b) = -\gamma \log \sum_{A \in \mathcal{A}(n_b, m_b)}
        e^{-\langle A, \Delta(x_b, y_b) \rangle / \gamma}

    Parameters
    ----------
    x : Tensor, shape (B, n, d) or (B, n)
        The first series of each pair (``(B, n, m)`` costs for ``cost="precomputed"``).
    y : Tensor, shape (B, m, d) or (B, m), or None
        The second series (None for a precomputed cost); same dtype and device as x.
    gamma : float, default 1.0
        Smoothing ``γ > 0``, in the units of Δ.
    band : float or None
        Sakoe-Chiba radius, applied to each pair's own lengths.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        The ground cost Δ.
    x_lengths, y_lengths : Tensor or sequence of int, shape (B,), optional
        Each pair's own lengths (ragged batch); default the padded lengths.

    Returns
    -------
    Tensor, shape (B,)
        ``dtw_γ(x_b, y_b)``, in x's dtype.

    Examples
    --------
    >>> import torch
    >>> from softdtw_core.torch import soft_dtw
    >>> x = torch.tensor([[0.0, 1.0, 2.0], [5.0, 1.0, 0.0]], dtype=torch.float64)
    >>> y = torch.tensor([[0.0, 2.0], [1.0, 0.0]], dtype=torch.float64)
    >>> soft_dtw(x, y, gamma=0.001, x_lengths=[3, 1], y_lengths=[2, 1])  # 1 and (5 - 1)²
    tensor([ 0.9993, 16.0000], dtype=torch.float64)
    """
    x, y, xl, yl, gamma, radius, kind = _prepare(x, y, gamma, band, cost, x_lengths, y_lengths)
    return _value_and_grad_op(x, y, xl, yl, gamma, radius, kind, _needs_grad(x, y))[0]


def soft_dtw_divergence(x, y, gamma=1.0, *, band=None, cost="sqeuclidean", x_lengths=None,
                        y_lengths=None) -> Tensor:
    r"""The soft-DTW divergence of each pair: non-negative, zero at ``x = y``.

    .. math::

        D_\gamma(x, y) = \operatorname{dtw}_\gamma(x, y)
        - \tfrac12 \left(\operatorname{dtw}_\gamma(x, x) + \operatorname{dtw}_\gamma(y, y)\right)

    Parameters
    ----------
    x, y, gamma, band, x_lengths, y_lengths
        As in :func:`~softdtw_core.torch.soft_dtw`.
    cost : {"sqeuclidean", "absolute"}
        ``"precomputed"`` is refused: the self-terms need the series.

    Returns
    -------
    Tensor, shape (B,)
        ``D_γ(x_b, y_b) >= 0``.

    Examples
    --------
    >>> import torch
    >>> from softdtw_core.torch import soft_dtw_divergence
    >>> x = torch.tensor([[0.0, 1.0, 2.0]], dtype=torch.float64)
    >>> soft_dtw_divergence(x, x).item()
    0.0
    """
    _adapters.check_divergence_cost(cost)
    x, y, xl, yl, gamma, radius, kind = _prepare(x, y, gamma, band, cost, x_lengths, y_lengths)
    need = _needs_grad(x, y)

    def value(a, b, la, lb):
        return _value_and_grad_op(a, b, la, lb, gamma, radius, kind, need)[0]

    return value(x, y, xl, yl) - 0.5 * (value(x, x, xl, xl) + value(y, y, yl, yl))


def expected_alignment(x, y=None, gamma=1.0, *, band=None, cost="sqeuclidean",
                       x_lengths=None, y_lengths=None) -> Tensor:
    r"""The expected alignment of each pair, differentiable in ``x`` and ``y``.

    .. math::

        E_\gamma(x, y) = \nabla_\Delta \operatorname{dtw}_\gamma
        = \mathbb{E}_{p_\gamma}[A], \qquad
        p_\gamma(A) \propto e^{-\langle A, \Delta \rangle / \gamma}

    Its backward pass is the directional derivative of E along the incoming gradient
    (the Hessian ``∇²_Δ dtw_γ`` is symmetric), the kernels of
    :func:`softdtw_core.expected_alignment_jvp`.

    Parameters
    ----------
    x, y, gamma, band, cost, x_lengths, y_lengths
        As in :func:`~softdtw_core.torch.soft_dtw`.

    Returns
    -------
    Tensor, shape (B, n, m)
        ``E_γ(x_b, y_b)`` in the top-left ``(n_b, m_b)`` block of each pair, zero elsewhere
        (padding, outside the band).

    Examples
    --------
    >>> import torch
    >>> from softdtw_core.torch import expected_alignment
    >>> x = torch.tensor([[0.0, 1.0, 2.0]], dtype=torch.float64)
    >>> y = torch.tensor([[0.0, 2.0]], dtype=torch.float64)
    >>> expected_alignment(x, y, gamma=0.001)[0]  # the two optimal paths, half each
    tensor([[1.0000, 0.0000],
            [0.5000, 0.5000],
            [0.0000, 1.0000]], dtype=torch.float64)
    """
    x, y, xl, yl, gamma, radius, kind = _prepare(x, y, gamma, band, cost, x_lengths, y_lengths)
    return _alignment_op(x, y, xl, yl, gamma, radius, kind)


def _omega(xl: Tensor, yl: Tensor, n: int, m: int, dtype) -> Tensor:
    """DILATE's timing penalty of each pair (:func:`softdtw_core.temporal_distortion_matrix`
    on its own lengths), ``(B, n, m)``; zero outside each pair's block."""
    nb = xl.to(dtype)[:, None]
    mb = yl.to(dtype)[:, None]
    u = (torch.arange(n, dtype=dtype)[None, :] + 0.5) / nb
    v = (torch.arange(m, dtype=dtype)[None, :] + 0.5) / mb
    u = torch.where(torch.arange(n)[None, :] < xl[:, None], u, 0.0)
    v = torch.where(torch.arange(m)[None, :] < yl[:, None], v, 0.0)
    inside = (torch.arange(n)[None, :, None] < xl[:, None, None]) & (
        torch.arange(m)[None, None, :] < yl[:, None, None])
    return torch.where(inside, (u[:, :, None] - v[:, None, :]) ** 2, 0.0)


def dilate_loss(x, y=None, alpha=0.5, gamma=0.01, *, band=None, cost="sqeuclidean",
                x_lengths=None, y_lengths=None) -> Tensor:
    r"""DILATE of each pair: soft-DTW (shape) plus the alignment's distortion (timing).

    .. math::

        \operatorname{DILATE}(x, y) = \alpha\, \operatorname{dtw}_\gamma(x, y)
        + (1 - \alpha)\, \langle E_\gamma(x, y), \Omega \rangle, \qquad
        \Omega_{ij} = \left(\frac{i - \tfrac12}{n_b} - \frac{j - \tfrac12}{m_b}\right)^{\!2}

    as :func:`softdtw_core.dilate_loss`, on each pair's own lengths.

    Parameters
    ----------
    x, y, gamma, band, cost, x_lengths, y_lengths
        As in :func:`~softdtw_core.torch.soft_dtw` (a forecast and its target);
        ``gamma`` defaults to the paper's 0.01.
    alpha : float, default 0.5
        Weight of the shape term, in [0, 1].

    Returns
    -------
    Tensor, shape (B,)
        The loss of each pair.

    Examples
    --------
    >>> import torch
    >>> from softdtw_core.torch import dilate_loss
    >>> y = torch.exp(-0.5 * (torch.arange(8.0, dtype=torch.float64) - 3.0) ** 2)[None]
    >>> late = torch.roll(y, 1, dims=1)  # one step late: the timing term sees it
    >>> bool(dilate_loss(late, y, alpha=0.0) > dilate_loss(y, y, alpha=0.0))
    True
    """
    alpha = _adapters.check_alpha(alpha)
    x, y, xl, yl, gamma, radius, kind = _prepare(x, y, gamma, band, cost, x_lengths, y_lengths)
    loss = x.new_zeros(x.shape[0])
    if alpha > 0.0:
        values = _value_and_grad_op(x, y, xl, yl, gamma, radius, kind, _needs_grad(x, y))[0]
        loss = loss + alpha * values
    if alpha < 1.0:
        E = _alignment_op(x, y, xl, yl, gamma, radius, kind)
        omega = _omega(xl, yl, E.shape[1], E.shape[2], E.dtype).to(E.device)
        loss = loss + (1.0 - alpha) * (E * omega).sum(dim=(1, 2))
    return loss


# --------------------------------------------------------------------------- modules


def _reduce(values: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


class SoftDTWLoss(nn.Module):
    r"""Soft-DTW (or the soft-DTW divergence) as a loss module.

    .. math::

        \mathcal{L} = \operatorname{reduce}_b\ \operatorname{dtw}_\gamma(x_b, y_b)
        \quad\text{or}\quad \operatorname{reduce}_b\ D_\gamma(x_b, y_b)

    Parameters
    ----------
    gamma : float, default 1.0
        Smoothing ``γ > 0``.
    divergence : bool, default False
        Use the divergence :func:`~softdtw_core.torch.soft_dtw_divergence` (non-negative,
        zero at x = y).
    band : float or None
        Sakoe-Chiba radius (each pair's own lengths).
    reduction : {"mean", "sum", "none"}
        Over the batch.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        The ground cost.

    Examples
    --------
    >>> import torch
    >>> from softdtw_core.torch import SoftDTWLoss
    >>> x = torch.zeros(4, 10, 2, dtype=torch.float64)
    >>> float(SoftDTWLoss(gamma=0.1, divergence=True)(x, x))
    0.0
    """

    def __init__(self, gamma=1.0, *, divergence=False, band=None, reduction="mean",
                 cost="sqeuclidean"):
        super().__init__()
        _check_gamma_positive(gamma)
        check_band(band)
        check_cost(cost)
        if not isinstance(divergence, bool):
            raise ValueError(f"divergence must be True or False; got {divergence!r}.")
        if divergence and cost == "precomputed":
            raise ValueError("divergence=True needs the series (cost='precomputed' cannot "
                             "form the self-terms).")
        self.gamma, self.divergence, self.band, self.cost = gamma, divergence, band, cost
        self.reduction = check_choice(reduction, _REDUCTIONS, "reduction")

    def forward(self, x, y=None, x_lengths=None, y_lengths=None) -> Tensor:
        fn = soft_dtw_divergence if self.divergence else soft_dtw
        values = fn(x, y, self.gamma, band=self.band, cost=self.cost, x_lengths=x_lengths,
                    y_lengths=y_lengths)
        return _reduce(values, self.reduction)

    def extra_repr(self) -> str:
        return (f"gamma={self.gamma}, divergence={self.divergence}, band={self.band}, "
                f"reduction={self.reduction!r}, cost={self.cost!r}")


class DILATELoss(nn.Module):
    r"""DILATE (Le Guen & Thome, 2019) as a loss module: the reduced
    :func:`~softdtw_core.torch.dilate_loss`.

    .. math::

        \mathcal{L} = \operatorname{reduce}_b \left(\alpha\, \operatorname{dtw}_\gamma(x_b, y_b)
        + (1 - \alpha) \langle E_\gamma(x_b, y_b), \Omega \rangle\right)

    Parameters
    ----------
    alpha : float, default 0.5
        Weight of the shape term, in [0, 1].
    gamma : float, default 0.01
        Smoothing ``γ > 0`` (the paper's default).
    band, reduction, cost
        As in :class:`~softdtw_core.torch.SoftDTWLoss`.

    Examples
    --------
    >>> import torch
    >>> from softdtw_core.torch import DILATELoss
    >>> y = torch.sin(torch.linspace(0, 3, 12, dtype=torch.float64)).reshape(1, 12, 1)
    >>> bool(DILATELoss(alpha=0.5, gamma=0.01)(y, y) < 0.01)
    True
    """

    def __init__(self, alpha=0.5, gamma=0.01, *, band=None, reduction="mean",
                 cost="sqeuclidean"):
        super().__init__()
        self.alpha = _adapters.check_alpha(alpha)
        _check_gamma_positive(gamma)
        check_band(band)
        check_cost(cost)
        self.gamma, self.band, self.cost = gamma, band, cost
        self.reduction = check_choice(reduction, _REDUCTIONS, "reduction")

    def forward(self, x, y=None, x_lengths=None, y_lengths=None) -> Tensor:
        values = dilate_loss(x, y, self.alpha, self.gamma, band=self.band, cost=self.cost,
                             x_lengths=x_lengths, y_lengths=y_lengths)
        return _reduce(values, self.reduction)

    def extra_repr(self) -> str:
        return (f"alpha={self.alpha}, gamma={self.gamma}, band={self.band}, "
                f"reduction={self.reduction!r}, cost={self.cost!r}")


def _check_gamma_positive(gamma) -> float:
    g = check_gamma(gamma)
    if g == 0.0:
        raise ValueError("gamma must be > 0 for a differentiable loss; got gamma=0 (hard "
                         "DTW, whose gradient jumps). Use a small γ such as 0.01, or "
                         "softdtw_core.dtw_path for DTW itself.")
    return g
