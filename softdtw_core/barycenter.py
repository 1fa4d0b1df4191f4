"""Barycenters (time-series averages) under soft-DTW, and the baselines the paper compares.

The soft-DTW barycenter of series ``Y_1 … Y_N`` (lengths ``m_j``, dimension ``d``) with
weights ``λ_j > 0`` is::

    X* = argmin_{X ∈ R^{n×d}}  F(X),   F(X) = Σ_j (λ_j / m_j) L(X, Y_j)

with ``L = dtw_γ`` (``objective="softdtw"``, the paper) or the soft-DTW divergence
``L = dtw_γ(X, Y) - ½ dtw_γ(X, X) - ½ dtw_γ(Y, Y)`` (``objective="divergence"``: zero at
``X = Y`` and non-negative in practice, which avoids the degenerate barycenters of large
γ). The length ``n`` is a free parameter (default: the median of the ``m_j``); series of
different lengths are used as they are, never resampled.

Optimisation (``softdtw_barycenter``):

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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from scipy.optimize import minimize

from ._validation import as_series, check_band, check_gamma
from .band import band_limits_checked
from .batch import PackedCollection, alignment_statistics_packed
from .pairwise import as_dataset, soft_dtw_cdist
from .recursion import soft_dtw, soft_dtw_value_and_grad

__all__ = [
    "BarycenterResult",
    "BarycenterStep",
    "dba_barycenter",
    "dtw_loss",
    "euclidean_barycenter",
    "resample",
    "softdtw_barycenter",
    "subgradient_barycenter",
]

OBJECTIVES = ("softdtw", "divergence")
INITS = ("euclidean", "medoid", "random")
#: Above this many series the medoid is searched among a seeded subset of candidates.
MEDOID_MAX_CANDIDATES = 256


# --------------------------------------------------------------------------- results


@dataclass
class BarycenterStep:
    """One iterate of a barycenter algorithm.

    Attributes
    ----------
    iteration : int
        0 for the initialisation, then 1, 2, ...
    barycenter : ndarray, shape (n,) or (n, d)
        The iterate (a copy).
    objective : float
        The algorithm's objective at this iterate.
    phase : str
        ``"init"``, ``"mm"`` (majorisation-minimisation / DBA step), ``"lbfgs"`` or
        ``"subgradient"``.
    """

    iteration: int
    barycenter: np.ndarray
    objective: float
    phase: str


@dataclass
class BarycenterResult:
    """Outcome of a barycenter computation.

    Attributes
    ----------
    barycenter : ndarray, shape (n,) or (n, d)
        ``(n,)`` when every input series was univariate and given without a d axis.
    objective : float
        Final value of the algorithm's objective (see each function).
    n_iter : int
        Iterations performed (MM + L-BFGS iterations, DBA or subgradient steps).
    n_evals : int
        Evaluations of the objective over the whole dataset.
    converged : bool
        True when a stopping tolerance was met (not the iteration cap, not a callback).
    message : str
    history : list of BarycenterStep
        Every iterate with its objective, starting with the initialisation (empty when
        ``keep_history=False``).
    """

    barycenter: np.ndarray
    objective: float
    n_iter: int
    n_evals: int
    converged: bool
    message: str
    history: list = field(default_factory=list)


# --------------------------------------------------------------------------- validation helpers


def _dataset(X, name="X"):
    """Validated list of (m_j, d) series and whether the output should be 1-D."""
    if isinstance(X, np.ndarray):
        univariate = X.ndim == 2
    elif isinstance(X, (list, tuple)):
        univariate = all(np.ndim(s) == 1 for s in X)
    else:
        univariate = False
    series = as_dataset(X, name)
    return series, univariate


def _check_weights(weights, n_series, name="weights"):
    """λ as a float array of length n_series, all finite and > 0; default 1/N each."""
    if weights is None:
        return np.full(n_series, 1.0 / n_series)
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of positive numbers.") from None
    if w.ndim != 1 or w.shape[0] != n_series:
        raise ValueError(
            f"{name} must have one entry per series: expected shape ({n_series},), got "
            f"shape {w.shape}."
        )
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if np.any(w <= 0):
        k = int(np.argmin(w))
        raise ValueError(f"{name} must be > 0; {name}[{k}] = {float(w[k]):g}.")
    return w


def _check_choice(value, choices, name):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def _check_positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def _check_tol(tol, name="tol"):
    try:
        t = float(tol)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number >= 0; got {tol!r}.") from None
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {tol!r}.")
    return t


def _output(Z, univariate):
    Z = np.array(Z, dtype=np.float64, copy=True)
    return Z[:, 0] if univariate else Z


# --------------------------------------------------------------------------- initialisation


def resample(series, length):
    """Linear-interpolation resampling of a series to ``length`` time steps.

    Parameters
    ----------
    series : array_like, shape (m,) or (m, d)
    length : int >= 1

    Returns
    -------
    ndarray, shape (length, d)
        ``out[t] = series(t (m-1)/(length-1))`` with linear interpolation between samples
        (a constant series when ``m == 1``; the first sample when ``length == 1``).
    """
    s = as_series(series, "series")
    length = _check_positive_int(length, "length")
    m = s.shape[0]
    if m == length:
        return s.copy()
    if m == 1:
        return np.repeat(s, length, axis=0)
    src = np.linspace(0.0, 1.0, m)
    dst = np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(dst, src, s[:, k]) for k in range(s.shape[1])], axis=1)


def _default_length(series):
    return max(1, int(round(float(np.median([s.shape[0] for s in series])))))


def _euclidean_mean(series, lam, length):
    stacked = np.stack([resample(s, length) for s in series])
    return np.tensordot(lam / lam.sum(), stacked, axes=1)


def _rng(random_state):
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def _medoid_index(series, lam, gamma, objective, band, rng):
    """argmin_i Σ_j c_j L(Y_i, Y_j) over (a subset of) the series, c_j = λ_j / m_j."""
    n = len(series)
    cand = np.arange(n)
    if n > MEDOID_MAX_CANDIDATES:
        cand = np.sort(rng.choice(n, MEDOID_MAX_CANDIDATES, replace=False))
    coef = lam / np.array([s.shape[0] for s in series])
    M = soft_dtw_cdist(
        [series[i] for i in cand], series, gamma, divergence=objective == "divergence", band=band
    )
    return int(cand[int(np.argmin(M @ coef))])


def _initial_barycenter(series, lam, init, length, gamma, objective, band, random_state):
    """The (length, d) starting point; ``length`` None means: from init or the median."""
    d = series[0].shape[1]
    if isinstance(init, str):
        _check_choice(init, INITS, "init")
        n = _default_length(series) if length is None else length
        if init == "euclidean":
            return _euclidean_mean(series, lam, n)
        rng = _rng(random_state)
        if init == "medoid":
            return resample(series[_medoid_index(series, lam, gamma, objective, band, rng)], n)
        allv = np.concatenate(series, axis=0)
        mu, sd = allv.mean(axis=0), allv.std(axis=0)
        sd = np.where(sd > 0, sd, 1.0)
        return mu + sd * rng.standard_normal((n, d))
    Z = as_series(init, "init")
    if Z.shape[1] != d:
        raise ValueError(
            f"init must have the series' dimension d={d}; got an array of shape {np.shape(init)}."
        )
    if length is not None and Z.shape[0] != length:
        raise ValueError(
            f"init has {Z.shape[0]} time steps but length={length}; give one or make them agree."
        )
    return Z.copy()


def _setup(X, weights, length, gamma=0.0, band=None):
    series, univariate = _dataset(X)
    lam = _check_weights(weights, len(series))
    if length is not None:
        length = _check_positive_int(length, "length")
    gamma = check_gamma(gamma)
    check_band(band)
    m = np.array([s.shape[0] for s in series], dtype=np.float64)
    return series, univariate, lam, lam / m, length, gamma


# --------------------------------------------------------------------------- objective


class _Objective:
    """F(Z) = Σ_j c_j L(Z, Y_j), with its gradient and the MM statistics.

    The collection is packed once; every evaluation is one parallel Numba call
    (:mod:`softdtw_core.batch`), not one Python-level call per series.
    """

    def __init__(self, series, coef, gamma, objective, band):
        self.series = series
        self.packed = PackedCollection(series, "X")
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.gamma = gamma
        self.divergence = objective == "divergence"
        self.band = band
        self.radius = check_band(band)
        self.checked_lengths = set()
        self.n_evals = 0
        self.const = 0.0
        if self.divergence:  # -½ Σ c_j dtw_γ(Y_j, Y_j), fixed
            self.const = -0.5 * sum(
                c * soft_dtw(s, s, gamma, band=band) for c, s in zip(coef, series)
            )

    def _stats(self, Z):
        n = Z.shape[0]
        if self.radius >= 0 and n not in self.checked_lengths:  # clear message, once
            for m in set(self.packed.lengths.tolist()):
                band_limits_checked(n, m, self.radius)
            self.checked_lengths.add(n)
        return alignment_statistics_packed(Z, self.packed, self.coef, self.gamma, self.radius)

    def _self_term(self, Z):
        """-½ C dtw_γ(Z, Z) and its gradient -C (∂Δ/∂Z_1)^T E_ZZ (E_ZZ is symmetric)."""
        C = float(self.coef.sum())
        v, g = soft_dtw_value_and_grad(Z, Z, self.gamma, band=self.band)
        return -0.5 * C * v, -C * g

    def value_and_grad(self, Z):
        self.n_evals += 1
        values, rs, ey = self._stats(Z)
        value = self.const + float(values @ self.coef)
        G = 2.0 * (rs[:, None] * Z - ey)
        if self.divergence:
            v, g = self._self_term(Z)
            value += v
            G += g
        return float(value), G

    def value(self, Z):
        self.n_evals += 1
        vals = soft_dtw_cdist([Z], self.series, self.gamma, band=self.band)[0]
        value = self.const + float(vals @ self.coef)
        if self.divergence:
            value -= 0.5 * float(self.coef.sum()) * soft_dtw(Z, Z, self.gamma, band=self.band)
        return value

    def mm_stats(self, Z):
        """F(Z) (soft-DTW part), Σ_j c_j E_j 1 (n,) and Σ_j c_j E_j Y_j (n, d)."""
        self.n_evals += 1
        values, rs, ey = self._stats(Z)
        return float(values @ self.coef), rs, ey


class _History:
    """Records iterates, forwards them to the user's callback, honours a stop request."""

    def __init__(self, keep, callback):
        if callback is not None and not callable(callback):
            raise ValueError(f"callback must be callable or None; got {callback!r}.")
        self.keep = keep
        self.callback = callback
        self.steps = []
        self.count = 0
        self.stopped = False

    def record(self, Z, objective, phase, univariate):
        step = BarycenterStep(self.count, _output(Z, univariate), float(objective), phase)
        self.count += 1
        if self.keep:
            self.steps.append(step)
        if self.callback is not None and self.callback(step) is True:
            self.stopped = True
        return self.stopped


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
    """Soft-DTW barycenter ``argmin_X Σ_j (λ_j / m_j) L(X, Y_j)`` (module docstring).

    Parameters
    ----------
    X : list of series or ndarray, shape (N, m) or (N, m, d)
        The series ``Y_j``, each ``(m_j,)`` or ``(m_j, d)``; lengths may differ.
    gamma : float >= 0
        Smoothing of soft-DTW.
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
    max_iter : int
        Cap on MM + L-BFGS iterations (each costs about one pass over the data).
    tol : float
        L-BFGS-B stops when one iteration decreases ``F`` by less than
        ``tol * max(|F_k|, |F_0|)``. The default is strict (close to scipy's own); ``1e-7``
        typically gives the same ``F`` to six significant digits in two thirds of the time
        (``benchmarks/bench_learning.py``).
    mm_steps : int
        MM steps before L-BFGS (``objective="softdtw"`` only; ignored for the divergence,
        whose self-term is not majorised this way).
    precondition : bool
        Run L-BFGS in the scaled variables ``s ⊙ X`` (module docstring).
    callback : callable, optional
        ``callback(step: BarycenterStep)`` after the initialisation and every iteration;
        returning ``True`` stops the optimisation (the current iterate is returned).
    keep_history : bool
        Keep every iterate in ``result.history``.
    random_state : int or numpy Generator, optional
        Seeds ``init="random"`` and the medoid candidate subset of very large datasets.

    Returns
    -------
    BarycenterResult
        ``barycenter`` of shape ``(n,)`` or ``(n, d)``; ``objective`` is ``F`` at it.
    """
    series, univariate, lam, coef, length, gamma = _setup(X, weights, length, gamma, band)
    _check_choice(objective, OBJECTIVES, "objective")
    max_iter = _check_positive_int(max_iter, "max_iter", minimum=0)
    mm_steps = _check_positive_int(mm_steps, "mm_steps", minimum=0)
    tol = _check_tol(tol)
    hist = _History(keep_history, callback)
    Z = _initial_barycenter(series, lam, init, length, gamma, objective, band, random_state)
    obj = _Objective(series, coef, gamma, objective, band)
    n, d = Z.shape

    n_iter = 0
    rs = None
    use_mm = objective == "softdtw" and mm_steps > 0 and max_iter > 0
    if use_mm:
        f, rs, ey = obj.mm_stats(Z)
    else:
        f = obj.value(Z)
    if hist.record(Z, f, "init", univariate) or max_iter == 0:
        msg = "stopped by the callback" if hist.stopped else "max_iter=0: initialisation only"
        return BarycenterResult(_output(Z, univariate), f, 0, obj.n_evals, False, msg, hist.steps)

    if use_mm:
        for _ in range(min(mm_steps, max_iter)):
            Z_new = ey / rs[:, None]
            f_new, rs_new, ey_new = obj.mm_stats(Z_new)
            if not f_new <= f:  # MM cannot increase F; guard against rounding anyway
                break
            Z, f, rs, ey = Z_new, f_new, rs_new, ey_new
            n_iter += 1
            if hist.record(Z, f, "mm", univariate):
                return BarycenterResult(
                    _output(Z, univariate), f, n_iter, obj.n_evals, False,
                    "stopped by the callback", hist.steps,
                )
    remaining = max_iter - n_iter
    if remaining <= 0:
        return BarycenterResult(
            _output(Z, univariate), f, n_iter, obj.n_evals, False,
            f"max_iter={max_iter} reached", hist.steps,
        )

    if precondition:
        if rs is None:
            _, rs, _ = obj.mm_stats(Z)
        scale = np.sqrt(2.0 * rs)[:, None] * np.ones((1, d))
    else:
        scale = np.ones((n, d))
    fscale = abs(f) if abs(f) > 1e-12 else 1.0
    best = {"f": f, "Z": Z.copy()}
    u0 = (Z * scale).ravel()
    # L-BFGS starts by evaluating u0, where the last MM step already left F and the
    # statistics of its gradient 2 (rs ⊙ Z - ey): reuse them (one pass over the data saved
    # per call, ~8% of a warm-started k-means update).
    at_start = [(f, 2.0 * (rs[:, None] * Z - ey))] if use_mm else []

    def fun(u):
        if at_start and np.array_equal(u, u0):
            v, G = at_start.pop()
            Zu = Z
        else:
            Zu = u.reshape(n, d) / scale
            v, G = obj.value_and_grad(Zu)
        if v < best["f"]:
            best["f"], best["Z"] = v, Zu.copy()
        return v / fscale, (G / scale).ravel() / fscale

    def on_iter(intermediate_result):
        Zk = intermediate_result.x.reshape(n, d) / scale
        if hist.record(Zk, intermediate_result.fun * fscale, "lbfgs", univariate):
            raise StopIteration

    res = minimize(
        fun,
        u0,
        jac=True,
        method="L-BFGS-B",
        callback=on_iter,
        options=dict(
            maxiter=remaining, maxfun=2 * remaining + 20, ftol=tol, gtol=1e-14, maxls=40
        ),
    )
    Z_final = res.x.reshape(n, d) / scale
    f_final = float(res.fun) * fscale
    if best["f"] < f_final:  # L-BFGS returns its last accepted point; keep the best seen
        Z_final, f_final = best["Z"], best["f"]
    converged = bool(res.success) and not hist.stopped
    message = "stopped by the callback" if hist.stopped else str(res.message)
    return BarycenterResult(
        _output(Z_final, univariate),
        f_final,
        n_iter + int(res.nit),
        obj.n_evals,
        converged,
        message,
        hist.steps,
    )


# --------------------------------------------------------------------------- baselines


def euclidean_barycenter(X, *, weights=None, length=None):
    """Weighted Euclidean mean ``Σ_j λ_j Y_j / Σ_j λ_j``.

    Series whose length differs from ``length`` (default: the median length) are linearly
    resampled to it first (:func:`resample`).

    Returns
    -------
    ndarray, shape (n,) or (n, d)
    """
    series, univariate, lam, _, length, _ = _setup(X, weights, length)
    n = _default_length(series) if length is None else length
    return _output(_euclidean_mean(series, lam, n), univariate)


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
    """DTW Barycenter Averaging (Petitjean, Ketterlin & Gançarski, 2011).

    Minimises ``F_0(X) = Σ_j (λ_j / m_j) dtw_0(X, Y_j)`` by majorisation-minimisation: with
    ``A_j`` an optimal DTW path between the current ``X`` and ``Y_j``, each point becomes the
    weighted mean of the points aligned with it::

        x_i <- Σ_j c_j Σ_k (A_j)_ik y_jk / Σ_j c_j Σ_k (A_j)_ik,     c_j = λ_j / m_j.

    ``F_0`` never increases. Stops when an iteration decreases it by less than
    ``tol * F_0`` or after ``max_iter`` iterations. Parameters as in
    :func:`softdtw_barycenter` (``init="medoid"`` uses DTW).

    Returns
    -------
    BarycenterResult
        ``objective`` is ``F_0``, the :func:`dtw_loss` of the barycenter.
    """
    series, univariate, lam, coef, length, _ = _setup(X, weights, length, 0.0, band)
    max_iter = _check_positive_int(max_iter, "max_iter", minimum=0)
    tol = _check_tol(tol)
    hist = _History(keep_history, callback)
    Z = _initial_barycenter(series, lam, init, length, 0.0, "softdtw", band, random_state)
    obj = _Objective(series, coef, 0.0, "softdtw", band)
    f, rs, ey = obj.mm_stats(Z)
    converged, message = False, f"max_iter={max_iter} reached"
    n_iter = 0
    if hist.record(Z, f, "init", univariate):
        message = "stopped by the callback"
    else:
        for _ in range(max_iter):
            Z_new = ey / rs[:, None]
            f_new, rs_new, ey_new = obj.mm_stats(Z_new)
            n_iter += 1
            if not f_new <= f:  # rounding only: keep the previous (not worse) iterate
                converged, message = True, "no further decrease"
                break
            decrease = f - f_new
            Z, f, rs, ey = Z_new, f_new, rs_new, ey_new
            if hist.record(Z, f, "mm", univariate):
                message = "stopped by the callback"
                break
            if decrease <= tol * abs(f):
                converged, message = True, "relative decrease below tol"
                break
    return BarycenterResult(_output(Z, univariate), f, n_iter, obj.n_evals, converged, message,
                            hist.steps)


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
    """Subgradient descent on ``F_0(X) = Σ_j (λ_j / m_j) dtw_0(X, Y_j)``.

    ``X_{t+1} = X_t - η_t G_t`` with ``G_t = Σ_j c_j 2 (diag(A_j 1) X_t - A_j Y_j)`` (the
    gradient along optimal paths ``A_j``, a subgradient of the non-smooth ``F_0``) and
    ``η_t = η_0 / sqrt(t + 1)``. Default ``η_0 = 1 / (2 max_i Σ_j c_j (A_j 1)_i)`` at the
    initialisation, so the first step never moves a point further than DBA would.
    The method is not monotone: the best iterate is returned. Stops after ``max_iter`` steps
    or when a step changes ``X`` by less than ``tol`` (max-norm, relative to ``max|X|``).

    Returns
    -------
    BarycenterResult
        ``objective`` is ``F_0`` of the best iterate.
    """
    series, univariate, lam, coef, length, _ = _setup(X, weights, length, 0.0, band)
    max_iter = _check_positive_int(max_iter, "max_iter", minimum=0)
    tol = _check_tol(tol)
    if step_size is not None:
        step_size = _check_tol(step_size, "step_size")
        if step_size == 0:
            raise ValueError("step_size must be > 0.")
    hist = _History(keep_history, callback)
    Z = _initial_barycenter(series, lam, init, length, 0.0, "softdtw", band, random_state)
    obj = _Objective(series, coef, 0.0, "softdtw", band)
    f, rs, ey = obj.mm_stats(Z)
    eta0 = step_size if step_size is not None else 1.0 / (2.0 * rs.max())
    best_Z, best_f = Z.copy(), f
    converged, message = False, f"max_iter={max_iter} reached"
    n_iter = 0
    if hist.record(Z, f, "init", univariate):
        message = "stopped by the callback"
    else:
        for t in range(max_iter):
            G = 2.0 * (rs[:, None] * Z - ey)
            step = (eta0 / np.sqrt(t + 1.0)) * G
            Z = Z - step
            f, rs, ey = obj.mm_stats(Z)
            n_iter += 1
            if f < best_f:
                best_Z, best_f = Z.copy(), f
            if hist.record(Z, f, "subgradient", univariate):
                message = "stopped by the callback"
                break
            if np.abs(step).max() <= tol * max(np.abs(Z).max(), 1e-300):
                converged, message = True, "step below tol"
                break
    return BarycenterResult(_output(best_Z, univariate), best_f, n_iter, obj.n_evals, converged,
                            message, hist.steps)


def dtw_loss(barycenter, X, weights=None, *, band=None):
    """Hard-DTW loss of a barycenter: ``Σ_j (λ_j / m_j) dtw_0(barycenter, Y_j)``.

    Parameters
    ----------
    barycenter : array_like, shape (n,) or (n, d)
    X : list of series or ndarray, shape (N, m) or (N, m, d)
    weights : array_like, shape (N,), optional
        ``λ_j > 0``; default ``1/N`` each.
    band : float, optional

    Returns
    -------
    float
        The score of the paper's Table 1 (lower is better).
    """
    series, _ = _dataset(X)
    lam = _check_weights(weights, len(series))
    Z = as_series(barycenter, "barycenter")
    if Z.shape[1] != series[0].shape[1]:
        raise ValueError(
            f"barycenter has d={Z.shape[1]} but the series have d={series[0].shape[1]}."
        )
    m = np.array([s.shape[0] for s in series], dtype=np.float64)
    vals = soft_dtw_cdist([Z], series, 0.0, band=band)[0]
    return float(vals @ (lam / m))
