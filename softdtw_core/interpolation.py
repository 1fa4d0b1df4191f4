"""Interpolation between two series under soft-DTW.

For ``λ ∈ [0, 1]``::

    X_λ = argmin_X  λ L(X, Y1) + (1 - λ) L(X, Y2)

with ``L = dtw_γ`` (``objective="softdtw"``, the paper) or the soft-DTW divergence. This is
the weighted barycenter of two series (:func:`softdtw_core.softdtw_barycenter` with weights
``(λ / m1, (1 - λ) / m2)`` cancelled back to ``(λ, 1 - λ)``), initialised at the Euclidean
interpolation ``λ Y1 + (1 - λ) Y2`` (both resampled to the output length when needed). With
the divergence the endpoints are exact: ``X_1 = Y1`` and ``X_0 = Y2`` (L >= 0 with equality
iff X = Y); with raw soft-DTW at γ > 0 they are the minimisers of ``dtw_γ(·, Y)``, close to
but not equal to ``Y``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_series
from .barycenter import (
    BarycenterResult,
    _check_positive_int,
    _output,
    resample,
    softdtw_barycenter,
)

__all__ = ["InterpolationResult", "euclidean_interpolation", "interpolate", "interpolation_path"]


@dataclass
class InterpolationResult:
    """One interpolant.

    Attributes
    ----------
    lam : float
        Weight of ``Y1``.
    series : ndarray, shape (n,) or (n, d)
        ``X_λ``.
    objective : float
        ``λ L(X_λ, Y1) + (1 - λ) L(X_λ, Y2)``.
    result : BarycenterResult
        The optimiser's report (iterations, history).
    """

    lam: float
    series: np.ndarray
    objective: float
    result: BarycenterResult


def _check_lam(lam, name="lam"):
    try:
        v = float(lam)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1]; got {lam!r}.") from None
    if not np.isfinite(v) or v < 0.0 or v > 1.0:
        raise ValueError(f"{name} must be in [0, 1]; got {lam!r}.")
    return v


def _pair(Y1, Y2):
    A = as_series(Y1, "Y1")
    B = as_series(Y2, "Y2")
    if A.shape[1] != B.shape[1]:
        raise ValueError(
            f"Y1 and Y2 must have the same dimension d; got d={A.shape[1]} and d={B.shape[1]}."
        )
    univariate = np.ndim(Y1) == 1 and np.ndim(Y2) == 1
    return A, B, univariate


def _length(A, B, lam, length):
    if length is not None:
        return _check_positive_int(length, "length")
    return max(1, int(round(lam * A.shape[0] + (1.0 - lam) * B.shape[0])))


def euclidean_interpolation(Y1, Y2, lam, *, length=None):
    """``λ Y1 + (1 - λ) Y2`` after resampling both to ``length`` time steps.

    ``length`` defaults to ``round(λ n1 + (1 - λ) n2)``.

    Returns
    -------
    ndarray, shape (length,) or (length, d)
    """
    A, B, univariate = _pair(Y1, Y2)
    lam = _check_lam(lam)
    n = _length(A, B, lam, length)
    return _output(lam * resample(A, n) + (1.0 - lam) * resample(B, n), univariate)


def _solve(A, B, univariate, lam, gamma, objective, n, init, band, max_iter, tol, callback):
    # weights (λ m1, (1-λ) m2) cancel the barycenter's 1/m_j: F = λ L(X, Y1) + (1-λ) L(X, Y2).
    # A zero weight is dropped (the barycenter refuses non-positive weights).
    series, weights = [], []
    if univariate:  # 1-D in, 1-D out (also in the optimiser's history)
        A, B, init = A[:, 0], B[:, 0], np.asarray(init).reshape(n, -1)[:, 0]
    if lam > 0:
        series.append(A)
        weights.append(lam * A.shape[0])
    if lam < 1:
        series.append(B)
        weights.append((1.0 - lam) * B.shape[0])
    res = softdtw_barycenter(
        series,
        gamma,
        weights=weights,
        init=init,
        objective=objective,
        band=band,
        max_iter=max_iter,
        tol=tol,
        callback=callback,
    )
    Z = np.asarray(res.barycenter).reshape(n, -1)
    return InterpolationResult(lam, _output(Z, univariate), res.objective, res)


def interpolate(
    Y1,
    Y2,
    lam,
    gamma=1.0,
    *,
    objective="softdtw",
    length=None,
    init=None,
    band=None,
    max_iter=300,
    tol=1e-9,
    callback=None,
) -> InterpolationResult:
    """Soft-DTW interpolation ``argmin_X λ L(X, Y1) + (1 - λ) L(X, Y2)``.

    Parameters
    ----------
    Y1, Y2 : array_like, shapes (n1,) or (n1, d) and (n2,) or (n2, d)
    lam : float in [0, 1]
        Weight of ``Y1`` (``lam=1`` targets ``Y1``, ``lam=0`` targets ``Y2``).
    gamma : float >= 0
    objective : {"softdtw", "divergence"}
    length : int, optional
        Output length; default ``round(λ n1 + (1 - λ) n2)``.
    init : array_like, optional
        Starting point; default the Euclidean interpolation :func:`euclidean_interpolation`.
    band, max_iter, tol, callback
        As in :func:`softdtw_core.softdtw_barycenter`.

    Returns
    -------
    InterpolationResult
    """
    A, B, univariate = _pair(Y1, Y2)
    lam = _check_lam(lam)
    n = _length(A, B, lam, length)
    if init is None:
        init = lam * resample(A, n) + (1.0 - lam) * resample(B, n)
    else:
        init = as_series(init, "init")
        if init.shape[0] != n:
            init = resample(init, n)
    return _solve(A, B, univariate, lam, gamma, objective, n, init, band, max_iter, tol, callback)


def interpolation_path(
    Y1,
    Y2,
    lams=None,
    gamma=1.0,
    *,
    objective="softdtw",
    length=None,
    band=None,
    max_iter=300,
    tol=1e-9,
    warm_start=True,
    callback=None,
):
    """Interpolants on a grid of λ, for animation, with warm starts.

    The grid is solved in increasing λ; the first point starts from the Euclidean
    interpolation and each next one from the previous solution (resampled if the output
    length changes), which makes consecutive frames continuous and saves iterations. The
    endpoints λ = 0 and λ = 1 always start from the input series themselves.

    Parameters
    ----------
    Y1, Y2 : array_like
    lams : array_like of floats in [0, 1], optional
        Default ``np.linspace(0, 1, 11)``. At most 1000 values.
    gamma, objective, length, band, max_iter, tol
        As in :func:`interpolate` (``max_iter`` per grid point).
    warm_start : bool
        ``False`` starts every point from its Euclidean interpolation.
    callback : callable, optional
        ``callback(index, InterpolationResult)`` after each grid point (in the order of
        ``lams``' sorted values); returning ``True`` stops early.

    Returns
    -------
    list of InterpolationResult
        In the order of ``lams`` (only the points solved before a stop).
    """
    A, B, univariate = _pair(Y1, Y2)
    grid = np.linspace(0.0, 1.0, 11) if lams is None else np.asarray(lams, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError("lams must be a non-empty 1-D sequence of numbers in [0, 1].")
    if grid.size > 1000:
        raise ValueError(f"lams has {grid.size} values; at most 1000 are allowed.")
    grid = np.array([_check_lam(v, f"lams[{k}]") for k, v in enumerate(grid)])
    order = np.argsort(grid, kind="stable")
    out = {}
    prev = None
    for idx in order:
        lam = float(grid[idx])
        n = _length(A, B, lam, length)
        if warm_start and prev is not None and 0.0 < lam < 1.0:
            init = resample(prev, n)
        else:
            init = lam * resample(A, n) + (1.0 - lam) * resample(B, n)
        r = _solve(A, B, univariate, lam, gamma, objective, n, init, band, max_iter, tol, None)
        out[int(idx)] = r
        prev = np.asarray(r.series).reshape(n, -1)
        if callback is not None and callback(int(idx), r) is True:
            break
    return [out[k] for k in range(grid.size) if k in out]
