r"""The smoothed minimum operator ``min^γ``.

.. math::

    {\min}^\gamma(u_1, \dots, u_k) = -\gamma \log \sum_i e^{-u_i/\gamma},
    \qquad {\min}^0 = \min.

Computed as ``m - γ log Σ exp(-(u_i - m)/γ)`` with ``m = min u`` so no exponent overflows.
Its gradient is the vector of Gibbs weights :math:`e^{-u_k/\gamma} / \sum_l e^{-u_l/\gamma}`
(:func:`softmin_weights`), and :math:`\min u - \gamma \log k \le {\min}^\gamma(u) \le \min u`.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, Section 2.
"""

from __future__ import annotations

import numpy as np

from ._internal.validation import check_gamma

__all__ = ["softmin", "softmin_weights"]


def softmin(values, gamma, axis=-1):
    r"""Smoothed minimum of ``values`` along ``axis``.

    .. math::

        {\min}^\gamma(u) = -\gamma \log \sum_k e^{-u_k/\gamma}

    Parameters
    ----------
    values : array_like
        Values to reduce; ``+inf`` entries are allowed (they get zero weight).
    gamma : float
        Smoothing, ``>= 0``; ``0`` gives the hard minimum.
    axis : int, default -1
        Axis to reduce.

    Returns
    -------
    ndarray or float
        ``-γ log Σ_k exp(-u_k/γ)`` along ``axis`` (the array with that axis removed).
        Always ``<= min(values)``, and ``>= min(values) - γ log k``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.softmin([1.0, 1.0], 0.0), round(sd.softmin([1.0, 1.0], 1.0), 4)  # 1 - log 2
    (1.0, 0.3069)
    >>> sd.softmin([[1.0, 5.0], [2.0, float("inf")]], 0.5).round(4).tolist()  # by row
    [0.9998, 2.0]
    """
    g = check_gamma(gamma)
    u = np.asarray(values, dtype=np.float64)
    if u.ndim == 0 or u.shape[axis] == 0:
        raise ValueError("values must have at least one entry along the reduced axis.")
    if np.isnan(u).any() or np.isneginf(u).any():
        raise ValueError("values must not contain NaN or -inf.")
    m = u.min(axis=axis, keepdims=True)
    if g == 0.0:
        out = m
    else:
        finite_m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.exp(-(u - finite_m) / g).sum(axis=axis, keepdims=True)
            out = np.where(np.isfinite(m), finite_m - g * np.log(s), np.inf)
    out = np.squeeze(out, axis=axis)
    return float(out) if out.ndim == 0 else out


def softmin_weights(values, gamma, axis=-1):
    r"""Gradient of :func:`softmin`: the Gibbs weights.

    .. math::

        \frac{\partial {\min}^\gamma(u)}{\partial u_k}
        = \frac{e^{-u_k/\gamma}}{\sum_l e^{-u_l/\gamma}}

    At ``γ = 0`` the weight 1 goes to the first minimiser (deterministic tie-break).

    Parameters
    ----------
    values : array_like
        Values, as in :func:`softmin`.
    gamma : float
        Smoothing, ``>= 0``.
    axis : int, default -1
        Axis along which the weights sum to 1.

    Returns
    -------
    ndarray
        Same shape as ``values``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.softmin_weights([0.0, 0.0, 1.0], 0.0).tolist()
    [1.0, 0.0, 0.0]
    >>> sd.softmin_weights([0.0, 0.0, 1.0], 1.0).round(3)
    array([0.422, 0.422, 0.155])
    """
    g = check_gamma(gamma)
    u = np.asarray(values, dtype=np.float64)
    u = np.moveaxis(u, axis, -1)
    m = u.min(axis=-1, keepdims=True)
    if g == 0.0:
        w = np.zeros_like(u)
        np.put_along_axis(w, np.argmin(u, axis=-1)[..., None], 1.0, axis=-1)
    else:
        e = np.exp(-(u - m) / g)
        w = e / e.sum(axis=-1, keepdims=True)
    return np.moveaxis(w, -1, axis)
