r"""The kernels behind :mod:`softdtw_core.torch` for CUDA tensors: the interface of
:mod:`.adapters` (``check_batch``, ``pairs_value_grad``, ``pairs_tangent``) over the
numba-cuda kernels of :mod:`softdtw_core.cuda`.

For a padded batch ``X`` ``(B, N, d)``, ``Y`` ``(B, M, d)`` with lengths ``nx``, ``ny``
(host ``int64``), pair ``b`` is ``X[b, :nx[b]]`` against ``Y[b, :ny[b]]`` (or ``X`` a
``(B, N, M)`` cost array and ``Y`` None, ``cost="precomputed"``), and

.. math::

    \nabla_{x_i} = \sum_j e_{ij}\, \partial_{x_i} \Delta_{ij}, \qquad
    \nabla_{y_j} = \sum_i e_{ij}\, \partial_{y_j} \Delta_{ij}

(``2 (x_i - y_j)`` or ``sign(x_i - y_j)``; the gradient w.r.t. a precomputed Δ is E),
computed by one kernel launch for the whole batch (values and both gradients), and E by
another when asked. Second order (:func:`pairs_tangent`: the double backward and the
backward pass of E, hence of DILATE's timing term) runs the tangent kernel of
:func:`softdtw_core.cuda.soft_dtw_hvp` and :func:`softdtw_core.cuda.expected_alignment_vjp`:
one launch for the batch, every pair in its own block. Arrays in are device arrays (torch CUDA
tensors, read through ``__cuda_array_interface__`` without a copy) or host NumPy arrays
(Numba's CUDA simulator, the tests); results are Numba device arrays, or NumPy arrays for
host inputs. float32 and float64 are each computed in their own precision (on the CPU,
float32 is computed in float64). Every cost and every product of the CPU adapter is
available: nothing is copied to the host.

numba-cuda is imported only when a kernel first runs (by :mod:`softdtw_core.cuda`).
"""

from __future__ import annotations

import numpy as np

from .. import cuda as _sdc
from . import adapters as _adapters
from .validation import COST_CODES

__all__ = ["check_batch", "pairs_tangent", "pairs_value_grad"]

_PRECOMPUTED = COST_CODES["precomputed"]
_NAMES = {code: name for name, code in COST_CODES.items()}


def check_batch(X, Y, nx, ny, radius, names=("x", "y")):
    """The CPU adapter's data checks (:func:`.adapters.check_batch`): lengths in range and
    a band that admits a path for each pair on the host; finite values on the device (one
    small kernel per array, which reads the padding too) for device arrays."""
    host = isinstance(X, np.ndarray)
    _adapters.check_batch(X, Y, nx, ny, radius, names, finite=host)
    if not host:
        for A, name in ((X, names[0]), (Y, names[1])):
            if A is not None:
                _sdc._check_finite_device(_sdc._device_view(A), name)


def _options(nx, ny, radius, cost):
    return {"band": None if radius < 0 else radius, "x_lengths": nx, "y_lengths": ny,
            "cost": cost}


def pairs_value_grad(X, Y, nx, ny, gamma, radius, kind, *, want_grad=True, want_E=False,
                     parallel=True):
    """Values, gradients w.r.t. X and Y, and E of a padded batch, on the GPU.

    As :func:`.adapters.pairs_value_grad`: returns ``values (B,)``, ``GX``, ``GY`` (None
    unless ``want_grad``) and ``E`` ``(B, N, M)`` (None unless ``want_E``), zero in the
    padding and outside the band; for a precomputed cost ``GX`` is E and ``GY`` None (one
    launch). ``parallel`` is accepted for the same signature (the GPU runs every pair at
    once). E and the gradients of the series are two launches; E alone gives the values too.
    """
    kw = _options(nx, ny, radius, _NAMES[kind])
    GX = GY = E = None
    if kind == _PRECOMPUTED:
        if not (want_grad or want_E):
            return _sdc.soft_dtw(X, None, gamma, **kw), None, None, None
        values, E = _sdc.expected_alignment(X, None, gamma, with_values=True, **kw)
        return values, E if want_grad else None, None, E if want_E else None
    if want_grad:
        values, GX, GY = _sdc.soft_dtw_value_and_grad(X, Y, gamma, with_grad_y=True, **kw)
    if want_E:
        v, E = _sdc.expected_alignment(X, Y, gamma, with_values=True, **kw)
        values = values if want_grad else v
    elif not want_grad:
        values = _sdc.soft_dtw(X, Y, gamma, **kw)
    return values, GX, GY, E


def pairs_tangent(X, Y, nx, ny, gamma, radius, cost, UX, UY, *, mode):
    r"""Second-order products of a padded batch on the GPU, as
    :func:`.adapters.pairs_tangent`.

    ``mode="hvp"``: the Hessian of ``dtw_γ`` w.r.t. ``(X, Y)`` (w.r.t. Δ when precomputed)
    times ``(UX, UY)`` (:func:`softdtw_core.cuda.soft_dtw_hvp`); ``mode="alignment"``: the
    vector-Jacobian product of E with the cotangent ``UX`` ``(B, N, M)``
    (:func:`softdtw_core.cuda.expected_alignment_vjp`). Returns ``(HX, HY)``, ``HY`` None
    for a precomputed cost. One launch; the forward pass keeps 4 values per in-band cell.
    """
    if gamma <= 0:
        raise ValueError(f"second derivatives need gamma > 0; got gamma={gamma!r}.")
    kw = _options(nx, ny, radius, cost)
    Y = None if cost == "precomputed" else Y
    if mode == "alignment":
        out = _sdc.expected_alignment_vjp(X, Y, UX, gamma, **kw)
    else:
        out = _sdc.soft_dtw_hvp(X, Y, UX, None if Y is None else UY, gamma, **kw)
    return (out, None) if Y is None else out
