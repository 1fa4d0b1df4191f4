r"""Interpolation between two series under soft-DTW.

For :math:`\lambda \in [0, 1]`

.. math::

    X_\lambda = \operatorname*{argmin}_X \; \lambda L(X, Y_1) + (1 - \lambda) L(X, Y_2)

with ``L = dtw_γ`` (``objective="softdtw"``, the paper) or the soft-DTW divergence. This is
the weighted barycenter of two series (:func:`softdtw_core.softdtw_barycenter` with weights
``(λ m1, (1 - λ) m2)``, which cancel its ``1/m_j`` back to ``(λ, 1 - λ)``), initialised at the
Euclidean interpolation ``λ Y1 + (1 - λ) Y2`` (both resampled to the output length when
needed). With the divergence the endpoints are exact: ``X_1 = Y1`` and ``X_0 = Y2`` (L >= 0
with equality iff X = Y); with raw soft-DTW at γ > 0 they are the minimisers of
``dtw_γ(·, Y)``, close to but not equal to ``Y``.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, Figure 3 (interpolation between two series).
.. [2] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021, PMLR 130:3853-3861.
"""

from __future__ import annotations

import numpy as np

from ._internal.validation import as_series, check_int, output_series
from .barycenter import resample, softdtw_barycenter
from .results import InterpolationResult

__all__ = ["euclidean_interpolation", "interpolate", "interpolation_path"]


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
        return check_int(length, "length")
    return max(1, int(round(lam * A.shape[0] + (1.0 - lam) * B.shape[0])))


def _convex_combination(A, B, lam, n):
    """``λ A + (1 - λ) B`` after resampling both to ``n`` time steps."""
    return lam * resample(A, n) + (1.0 - lam) * resample(B, n)


def euclidean_interpolation(Y1, Y2, lam, *, length=None):
    """``λ Y1 + (1 - λ) Y2`` after resampling both to ``length`` time steps.

    Parameters
    ----------
    Y1, Y2 : array_like, shapes (n1,) or (n1, d) and (n2,) or (n2, d)
        The two series.
    lam : float
        Weight ``λ ∈ [0, 1]`` of ``Y1``.
    length : int, optional
        Output length; default ``round(λ n1 + (1 - λ) n2)``.

    Returns
    -------
    ndarray, shape (length,) or (length, d)
        Without a d axis when both series came without one.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.euclidean_interpolation([0.0, 0.0], [1.0, 3.0], 0.5).tolist()
    [0.5, 1.5]
    """
    A, B, univariate = _pair(Y1, Y2)
    lam = _check_lam(lam)
    n = _length(A, B, lam, length)
    return output_series(_convex_combination(A, B, lam, n), univariate)


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
    Z = np.asarray(res.solution).reshape(n, -1)
    return InterpolationResult(
        solution=output_series(Z, univariate),
        objective=res.objective,
        n_iter=res.n_iter,
        n_evals=res.n_evals,
        converged=res.converged,
        message=res.message,
        history=res.history,
        lam=lam,
    )


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
    r"""Soft-DTW interpolation between two series.

    .. math::

        X_\lambda = \operatorname*{argmin}_X \; \lambda L(X, Y_1) + (1 - \lambda) L(X, Y_2)

    Parameters
    ----------
    Y1, Y2 : array_like, shapes (n1,) or (n1, d) and (n2,) or (n2, d)
        The two series.
    lam : float
        Weight ``λ ∈ [0, 1]`` of ``Y1`` (``lam=1`` targets ``Y1``, ``lam=0`` targets ``Y2``).
    gamma : float, default 1.0
        Smoothing ``γ >= 0``.
    objective : {"softdtw", "divergence"}
        ``L = dtw_γ`` or the soft-DTW divergence.
    length : int, optional
        Output length; default ``round(λ n1 + (1 - λ) n2)``.
    init : array_like, optional
        Starting point; default the Euclidean interpolation :func:`euclidean_interpolation`.
    band, max_iter, tol, callback
        As in :func:`softdtw_core.softdtw_barycenter`.

    Returns
    -------
    InterpolationResult
        ``solution`` is ``X_λ``, of shape ``(length,)`` or ``(length, d)``.

    Examples
    --------
    With the divergence, the endpoint ``λ = 1`` is ``Y1`` itself:

    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> y1, y2 = np.sin(np.linspace(0, 3, 12)), np.cos(np.linspace(0, 3, 12))
    >>> res = sd.interpolate(y1, y2, 1.0, gamma=0.5, objective="divergence")
    >>> bool(np.allclose(res.solution, y1)), res.lam
    (True, 1.0)
    """
    A, B, univariate = _pair(Y1, Y2)
    lam = _check_lam(lam)
    n = _length(A, B, lam, length)
    if init is None:
        init = _convex_combination(A, B, lam, n)
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
        The two series, as in :func:`interpolate`.
    lams : array_like of floats in [0, 1], optional
        Default ``np.linspace(0, 1, 11)``. At most 1000 values.
    gamma, objective, length, band, max_iter, tol
        As in :func:`interpolate` (``max_iter`` per grid point).
    warm_start : bool, default True
        ``False`` starts every point from its Euclidean interpolation.
    callback : callable, optional
        ``callback(index, result)`` with each grid point's :class:`InterpolationResult`,
        in the order of ``lams``' sorted values; returning ``True`` stops early.

    Returns
    -------
    list of InterpolationResult
        In the order of ``lams`` (only the points solved before a stop).

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> y1, y2 = np.sin(np.linspace(0, 3, 12)), np.cos(np.linspace(0, 3, 12))
    >>> path = sd.interpolation_path(y1, y2, [0.0, 0.5, 1.0], gamma=0.5)
    >>> [r.lam for r in path], [r.solution.shape for r in path]
    ([0.0, 0.5, 1.0], [(12,), (12,), (12,)])
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
            init = _convex_combination(A, B, lam, n)
        r = _solve(A, B, univariate, lam, gamma, objective, n, init, band, max_iter, tol, None)
        out[int(idx)] = r
        prev = np.asarray(r.solution).reshape(n, -1)
        if callback is not None and callback(int(idx), r) is True:
            break
    return [out[k] for k in range(grid.size) if k in out]
