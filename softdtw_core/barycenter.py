r"""Barycenters (time-series averages) under soft-DTW, and the baselines the paper compares.

The soft-DTW barycenter of series :math:`Y_1, \dots, Y_N` (lengths :math:`m_j`, dimension
:math:`d`) with weights :math:`\lambda_j > 0` is

.. math::

    X^\star = \operatorname*{argmin}_{X \in \mathbb{R}^{n \times d}} F(X), \qquad
    F(X) = \sum_{j=1}^N \frac{\lambda_j}{m_j} L(X, Y_j)

with ``L = dtw_γ`` (``objective="softdtw"``, the paper) or the soft-DTW divergence
``L = dtw_γ(X, Y) - ½ dtw_γ(X, X) - ½ dtw_γ(Y, Y)`` (``objective="divergence"``: zero at
``X = Y`` and non-negative in practice, which avoids the degenerate barycenters of large
γ). The length ``n`` is a free parameter (default: the median of the ``m_j``); series of
different lengths are used as they are, never resampled.

Optimisation (:func:`softdtw_barycenter`):

1. for ``objective="softdtw"``, a few majorisation-minimisation steps. ``dtw_γ`` is concave
   in the cost matrix Δ (a soft minimum of linear functions of Δ), so with ``E_j`` the
   expected alignment at the current ``X``, ``Σ_j c_j <E_j, Δ(X', Y_j)>`` majorises ``F(X')``
   up to a constant; its minimiser is ``x'_i = Σ_j c_j (E_j Y_j)_i / Σ_j c_j (E_j 1)_i``
   (``c_j = λ_j / m_j``). Each step decreases ``F``; at ``γ = 0`` this is exactly DBA.
2. L-BFGS-B (scipy) on ``F`` with the core's value and gradient
   ``∇_X dtw_γ(X, Y) = 2 (diag(E 1) X - E Y)``, in variables scaled by
   ``s_i = sqrt(2 Σ_j c_j (E_j 1)_i)`` (the diagonal of the Hessian of the majoriser), which
   makes the problem far better conditioned than in the raw coordinates.

Baselines with the same inputs and initialisations: :func:`euclidean_barycenter`,
:func:`dba_barycenter` (Petitjean et al., 2011) and :func:`subgradient_barycenter` (subgradient
descent on ``Σ_j c_j dtw_0``). :func:`dtw_loss` evaluates ``Σ_j (λ_j / m_j) dtw_0(X, Y_j)``,
the score of the paper's Table 1.

Every optimiser returns a :class:`BarycenterResult` (:mod:`softdtw_core.results`).

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, PMLR 70:894-903.
.. [2] F. Petitjean, A. Ketterlin and P. Gançarski, "A global averaging method for dynamic
   time warping, with applications to clustering", Pattern Recognition 44(3):678-693, 2011.
.. [3] M. Blondel, A. Mensch and J.-P. Vert, "Differentiable divergences between time
   series", AISTATS 2021, PMLR 130:3853-3861.
.. [4] R. H. Byrd, P. Lu, J. Nocedal and C. Zhu, "A limited memory algorithm for bound
   constrained optimization", SIAM J. Sci. Comput. 16(5):1190-1208, 1995.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._internal.barycenter_solver import (
    Objective,
    Run,
    euclidean_mean,
    initial_barycenter,
    resample,
    setup,
    solve_barycenter,
)
from ._internal.recorder import Recorder
from ._internal.validation import (
    as_dataset,
    as_series,
    check_int,
    check_non_negative,
    check_weights,
    median_length,
    output_series,
)
from .pairwise import soft_dtw_cdist
from .results import BarycenterResult

__all__ = [
    "dba_barycenter",
    "dtw_loss",
    "euclidean_barycenter",
    "resample",
    "softdtw_barycenter",
    "subgradient_barycenter",
]


# --------------------------------------------------------------------------- soft-DTW


def softdtw_barycenter(
    X,
    gamma=1.0,
    *,
    weights=None,
    init="euclidean",
    objective="softdtw",
    length=None,
    band=None,
    max_iter=300,
    tol=1e-9,
    mm_steps=3,
    precondition=True,
    callback: Callable | None = None,
    keep_history=True,
    random_state=None,
) -> BarycenterResult:
    r"""Soft-DTW barycenter: the series that minimises the weighted soft-DTW loss.

    .. math::

        X^\star = \operatorname*{argmin}_X \sum_j \frac{\lambda_j}{m_j} L(X, Y_j)

    with ``L = dtw_γ`` or the soft-DTW divergence; majorisation-minimisation steps, then
    L-BFGS-B (module docstring).

    Parameters
    ----------
    X : list of series or ndarray, shape (N, m) or (N, m, d)
        The series ``Y_j``, each ``(m_j,)`` or ``(m_j, d)``; lengths may differ.
    gamma : float, default 1.0
        Smoothing ``γ >= 0`` of soft-DTW.
    weights : array_like, shape (N,), optional
        ``λ_j > 0`` (default ``1/N`` each), used as given (not renormalised).
    init : {"euclidean", "medoid", "random"} or array_like, shape (n,) or (n, d)
        Euclidean mean (series resampled to ``n`` only when their lengths differ from it),
        the medoid series under ``L`` (resampled to ``n``), i.i.d. Gaussian values with the
        data's mean and standard deviation per dimension (seeded by ``random_state``), or a
        given starting barycenter.
    objective : {"softdtw", "divergence"}
        ``L = dtw_γ`` (the paper) or the soft-DTW divergence.
    length : int, optional
        ``n``; default the length of an array ``init``, else the median of the ``m_j``.
    band : float, optional
        Sakoe-Chiba radius for every pair.
    max_iter : int, default 300
        Cap on MM + L-BFGS iterations (each costs about one pass over the data).
    tol : float, default 1e-9
        L-BFGS-B stops when one iteration decreases ``F`` by less than
        ``tol * max(|F_k|, |F_0|)``. The default is strict (close to scipy's own); ``1e-7``
        typically gives the same ``F`` to six significant digits in two thirds of the time
        (``benchmarks/bench_learning.py``).
    mm_steps : int, default 3
        MM steps before L-BFGS (``objective="softdtw"`` only; ignored for the divergence,
        whose self-term is not majorised this way).
    precondition : bool, default True
        Run L-BFGS in the scaled variables ``s ⊙ X`` (module docstring).
    callback : callable, optional
        ``callback(step)`` with each :class:`~softdtw_core.OptimizationStep` (the
        initialisation, then every iteration); returning ``True`` stops the optimisation
        (the current iterate is returned).
    keep_history : bool, default True
        Keep every iterate in ``result.history``.
    random_state : int or numpy Generator, optional
        Seeds ``init="random"`` and the medoid candidate subset of very large datasets.

    Returns
    -------
    BarycenterResult
        ``solution`` is the barycenter, of shape ``(n,)`` or ``(n, d)``; ``objective`` is
        ``F`` at it.

    See Also
    --------
    dba_barycenter : the DTW (γ = 0) baseline.
    interpolate : the barycenter of two series.

    References
    ----------
    .. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
       time-series", ICML 2017, Section 4.1.

    Examples
    --------
    Three shifted bumps average to one bump (slightly lowered by the smoothing), where their
    Euclidean mean is three flat ones:

    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> t = np.arange(30.0)
    >>> X = np.stack([np.exp(-0.5 * (t - c) ** 2) for c in (10, 15, 20)])
    >>> res = sd.softdtw_barycenter(X, gamma=0.1)
    >>> res.converged, res.solution.shape
    (True, (30,))
    >>> round(float(res.solution.max()), 1), round(float(X.mean(axis=0).max()), 2)
    (0.8, 0.33)
    """
    collection, univariate, lam, _, length, gamma = setup(X, weights, length, gamma, band)
    return solve_barycenter(
        collection, univariate, lam, gamma, init=init, objective=objective, length=length,
        band=band, max_iter=max_iter, tol=tol, mm_steps=mm_steps, precondition=precondition,
        callback=callback, keep_history=keep_history, random_state=random_state,
    )


# --------------------------------------------------------------------------- baselines


def euclidean_barycenter(X, *, weights=None, length=None):
    r"""Weighted Euclidean mean of series.

    .. math::

        \bar X = \frac{\sum_j \lambda_j Y_j}{\sum_j \lambda_j}

    Series whose length differs from ``length`` (default: the median length) are linearly
    resampled to it first (:func:`resample`).

    Parameters
    ----------
    X : list of series or ndarray, shape (N, m) or (N, m, d)
        The series ``Y_j``; lengths may differ.
    weights : array_like, shape (N,), optional
        ``λ_j > 0``; default ``1/N`` each.
    length : int, optional
        Output length; default the median length.

    Returns
    -------
    ndarray, shape (n,) or (n, d)
        The mean, without a d axis when every series came without one.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.euclidean_barycenter([[0.0, 2.0], [2.0, 4.0]], weights=[3, 1]).tolist()
    [0.5, 2.5]
    """
    collection, univariate, lam, _, length, _ = setup(X, weights, length)
    n = median_length(collection.lengths) if length is None else length
    return output_series(euclidean_mean(collection, lam, n), univariate)


def dba_barycenter(
    X,
    *,
    weights=None,
    init="euclidean",
    length=None,
    band=None,
    max_iter=100,
    tol=1e-9,
    callback=None,
    keep_history=True,
    random_state=None,
) -> BarycenterResult:
    r"""DTW Barycenter Averaging (DBA).

    Minimises :math:`F_0(X) = \sum_j \frac{\lambda_j}{m_j} \operatorname{dtw}_0(X, Y_j)` by
    majorisation-minimisation: with :math:`A_j` an optimal DTW path between the current
    :math:`X` and :math:`Y_j`, each point becomes the weighted mean of the points aligned
    with it,

    .. math::

        x_i \leftarrow \frac{\sum_j c_j \sum_k (A_j)_{ik}\, y_{jk}}
                            {\sum_j c_j \sum_k (A_j)_{ik}}, \qquad c_j = \lambda_j / m_j .

    ``F_0`` never increases. Stops when an iteration decreases it by less than
    ``tol * F_0`` or after ``max_iter`` iterations.

    Parameters
    ----------
    X, weights, init, length, band, callback, keep_history, random_state
        As in :func:`softdtw_barycenter` (``init="medoid"`` uses DTW).
    max_iter : int, default 100
        Cap on DBA iterations.
    tol : float, default 1e-9
        Relative decrease of ``F_0`` below which the iterations stop.

    Returns
    -------
    BarycenterResult
        ``objective`` is ``F_0``, the :func:`dtw_loss` of the barycenter.

    References
    ----------
    .. [1] F. Petitjean, A. Ketterlin and P. Gançarski, "A global averaging method for
       dynamic time warping, with applications to clustering", Pattern Recognition
       44(3):678-693, 2011.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> res = sd.dba_barycenter([[0.0, 1.0, 3.0], [0.0, 3.0, 3.0]], init=[0.0, 1.0, 3.0],
    ...                         max_iter=1)
    >>> res.solution.tolist(), res.n_iter
    ([0.0, 0.5, 3.0], 1)
    """
    collection, univariate, lam, coef, length, _ = setup(X, weights, length, 0.0, band)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_non_negative(tol, "tol")
    recorder = Recorder(keep_history, callback)
    Z = initial_barycenter(collection, lam, init, length, 0.0, "softdtw", band, random_state)
    obj = Objective(collection, coef, 0.0, "softdtw", band)
    run = Run(obj, recorder, univariate, f"max_iter={max_iter} reached")
    f, rs, ey = obj.mm_stats(Z)
    if not run.record(Z, f, "init"):
        for _ in range(max_iter):
            Z_new = ey / rs[:, None]
            f_new, rs, ey = obj.mm_stats(Z_new)
            run.n_iter += 1
            if not f_new <= run.f:  # rounding only: keep the previous (not worse) iterate
                run.converged, run.message = True, "no further decrease"
                break
            decrease = run.f - f_new
            if run.record(Z_new, f_new, "mm"):
                break
            if decrease <= tol * abs(f_new):
                run.converged, run.message = True, "relative decrease below tol"
                break
    return run.result()


def subgradient_barycenter(
    X,
    *,
    weights=None,
    init="euclidean",
    length=None,
    band=None,
    max_iter=100,
    step_size=None,
    tol=1e-9,
    callback=None,
    keep_history=True,
    random_state=None,
) -> BarycenterResult:
    r"""Subgradient descent on the DTW loss :math:`F_0(X) = \sum_j \frac{\lambda_j}{m_j}
    \operatorname{dtw}_0(X, Y_j)`.

    .. math::

        X_{t+1} = X_t - \frac{\eta_0}{\sqrt{t + 1}} G_t, \qquad
        G_t = \sum_j c_j\, 2 \left(\operatorname{diag}(A_j 1) X_t - A_j Y_j\right)

    (the gradient along optimal paths :math:`A_j`, a subgradient of the non-smooth
    :math:`F_0`). The method is not monotone: the best iterate is returned.

    Parameters
    ----------
    X, weights, init, length, band, callback, keep_history, random_state
        As in :func:`softdtw_barycenter` (``init="medoid"`` uses DTW).
    max_iter : int, default 100
        Cap on steps.
    step_size : float, optional
        ``η_0 > 0``; default ``1 / (2 max_i Σ_j c_j (A_j 1)_i)`` at the initialisation, so
        the first step never moves a point further than DBA would.
    tol : float, default 1e-9
        Stop when a step changes ``X`` by less than ``tol`` (max-norm, relative to
        ``max|X|``).

    Returns
    -------
    BarycenterResult
        ``solution`` and ``objective`` (``F_0``) of the best iterate.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> X = np.array([[0.0, 1.0, 3.0], [0.0, 3.0, 3.0]])
    >>> start = sd.dtw_loss([0.0, 2.0, 3.0], X)
    >>> res = sd.subgradient_barycenter(X, init=[0.0, 2.0, 3.0], max_iter=20)
    >>> bool(res.objective <= start)
    True
    """
    collection, univariate, lam, coef, length, _ = setup(X, weights, length, 0.0, band)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_non_negative(tol, "tol")
    if step_size is not None:
        step_size = check_non_negative(step_size, "step_size")
        if step_size == 0:
            raise ValueError("step_size must be > 0.")
    recorder = Recorder(keep_history, callback)
    Z = initial_barycenter(collection, lam, init, length, 0.0, "softdtw", band, random_state)
    obj = Objective(collection, coef, 0.0, "softdtw", band)
    run = Run(obj, recorder, univariate, f"max_iter={max_iter} reached")
    f, rs, ey = obj.mm_stats(Z)
    eta0 = step_size if step_size is not None else 1.0 / (2.0 * rs.max())
    best_Z, best_f = Z.copy(), f
    if not run.record(Z, f, "init"):
        for t in range(max_iter):
            step = (eta0 / np.sqrt(t + 1.0)) * 2.0 * (rs[:, None] * Z - ey)
            Z = Z - step
            f, rs, ey = obj.mm_stats(Z)
            run.n_iter += 1
            if f < best_f:
                best_Z, best_f = Z.copy(), f
            if run.record(Z, f, "subgradient"):
                break
            if np.abs(step).max() <= tol * max(np.abs(Z).max(), 1e-300):
                run.converged, run.message = True, "step below tol"
                break
    run.Z, run.f = best_Z, best_f
    return run.result()


def dtw_loss(barycenter, X, weights=None, *, band=None):
    r"""Hard-DTW loss of a barycenter.

    .. math::

        F_0(Z) = \sum_j \frac{\lambda_j}{m_j} \operatorname{dtw}_0(Z, Y_j)

    Parameters
    ----------
    barycenter : array_like, shape (n,) or (n, d)
        ``Z``.
    X : list of series or ndarray, shape (N, m) or (N, m, d)
        The series ``Y_j``.
    weights : array_like, shape (N,), optional
        ``λ_j > 0``; default ``1/N`` each.
    band : float, optional
        Sakoe-Chiba radius.

    Returns
    -------
    float
        The score of the paper's Table 1 (lower is better).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> round(sd.dtw_loss([0.0, 1.0, 3.0], [[0.0, 1.0, 3.0], [0.0, 3.0, 3.0]]), 4)
    0.1667
    """
    series = as_dataset(X)
    lam = check_weights(weights, len(series))
    Z = as_series(barycenter, "barycenter")
    if Z.shape[1] != series[0].shape[1]:
        raise ValueError(
            f"barycenter has d={Z.shape[1]} but the series have d={series[0].shape[1]}."
        )
    m = np.array([s.shape[0] for s in series], dtype=np.float64)
    vals = soft_dtw_cdist([Z], series, 0.0, band=band)[0]
    return float(vals @ (lam / m))
