r"""The kernels behind :mod:`softdtw_core.torch` for CUDA tensors: the interface of
:mod:`.adapters` (``check_batch``, ``pairs_value_grad``, ``pairs_tangent``) over the
numba-cuda kernels of :mod:`softdtw_core.cuda`.

For a padded batch ``X`` ``(B, N, d)``, ``Y`` ``(B, M, d)`` with lengths ``nx``, ``ny``
(host ``int64``), pair ``b`` is ``X[b, :nx[b]]`` against ``Y[b, :ny[b]]`` and, with the
squared Euclidean cost,

.. math::

    \nabla_{x_i} = 2 \sum_j e_{ij} (x_i - y_j), \qquad
    \nabla_{y_j} = 2 \sum_i e_{ij} (y_j - x_i)

computed by one kernel launch for the whole batch (values and both gradients), and E by
another when asked. Arrays in are device arrays (torch CUDA tensors, read through
``__cuda_array_interface__`` without a copy) or host NumPy arrays (Numba's CUDA simulator, the
tests); results are Numba device arrays, or NumPy arrays for host inputs. float32 and float64
are each computed in their own precision (on the CPU, float32 is computed in float64).

Not available on the GPU yet (``NotImplementedError`` saying so and suggesting ``.cpu()``):
the costs ``"absolute"`` and ``"precomputed"``, and every second-order product
(:func:`pairs_tangent`: double backward, Hessian-vector products, and the backward pass of the
expected alignment, hence of DILATE's timing term).

numba-cuda is imported only when a kernel first runs (by :mod:`softdtw_core.cuda`).
"""

from __future__ import annotations

import numpy as np

from .. import cuda as _sdc
from . import adapters as _adapters
from .validation import COST_CODES

__all__ = ["check_batch", "pairs_tangent", "pairs_value_grad"]

_SQEUCLIDEAN = COST_CODES["sqeuclidean"]
_NAMES = {code: name for name, code in COST_CODES.items()}
_TO_CPU = "Move the tensors to the CPU (x.cpu(), y.cpu()) to use the Numba CPU kernels, which "


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


def _check_kind(kind) -> None:
    if kind != _SQEUCLIDEAN:
        raise NotImplementedError(
            f"cost={_NAMES.get(kind, kind)!r} is not available for CUDA tensors yet: the CUDA "
            f"kernels (softdtw_core.cuda) compute the squared Euclidean cost only "
            f"(cost='sqeuclidean'). {_TO_CPU}support every cost."
        )


def pairs_value_grad(X, Y, nx, ny, gamma, radius, kind, *, want_grad=True, want_E=False,
                     parallel=True):
    """Values, gradients w.r.t. X and Y, and E of a padded batch, on the GPU.

    As :func:`.adapters.pairs_value_grad`: returns ``values (B,)``, ``GX``, ``GY`` (None
    unless ``want_grad``) and ``E`` ``(B, N, M)`` (None unless ``want_E``), zero in the
    padding and outside the band. ``parallel`` is accepted for the same signature (the GPU
    runs every pair at once). E alone (``want_grad=False``) costs one value-only pass more
    for the values.
    """
    _check_kind(kind)
    kw = {"band": None if radius < 0 else radius, "x_lengths": nx, "y_lengths": ny}
    GX = GY = E = None
    if want_grad:
        values, GX, GY = _sdc.soft_dtw_value_and_grad(X, Y, gamma, with_grad_y=True, **kw)
    else:
        values = _sdc.soft_dtw(X, Y, gamma, **kw)
    if want_E:
        E = _sdc.expected_alignment(X, Y, gamma, **kw)
    return values, GX, GY, E


def pairs_tangent(X, Y, nx, ny, gamma, radius, cost, UX, UY, *, mode):
    """Second-order products (:func:`.adapters.pairs_tangent`): not on the GPU yet."""
    raise NotImplementedError(
        "second derivatives are not available for CUDA tensors yet: the CUDA kernels "
        "(softdtw_core.cuda) give values, gradients and the expected alignment E (first "
        "order), not the double backward (create_graph=True, Hessian-vector products) nor "
        "the backward pass of expected_alignment (hence of dilate_loss / DILATELoss with "
        f"alpha < 1). {_TO_CPU}compute both."
    )
