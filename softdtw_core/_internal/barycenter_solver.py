"""The machinery shared by the barycenter routines (:mod:`softdtw_core.barycenter`).

Everything here works on a *collection* (:mod:`softdtw_core._internal.collection`): the series in
this process, or chunks of them on Dask workers (:mod:`softdtw_core.distributed`), so that
one optimiser serves both.

- :func:`setup` and :func:`check_options` validate the inputs every routine shares;
- :func:`initial_barycenter` builds the starting point (Euclidean mean, medoid, random or
  given), with :func:`resample` for series of another length;
- :class:`Objective` evaluates ``F(Z) = Σ_j c_j L(Z, Y_j)``, its gradient and the
  majorisation-minimisation statistics, one map over the collection per evaluation;
- :func:`solve_barycenter` runs the soft-DTW optimiser (MM steps, then L-BFGS-B);
- :class:`Run` holds the state of one optimisation and is the one place that builds a
  :class:`~softdtw_core.BarycenterResult`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

from ..band import band_limits_checked
from ..pairwise import pack
from ..recursion import soft_dtw, soft_dtw_value_and_grad
from ..results import BarycenterResult
from .collection import (
    LocalCollection,
    chunk_resampled_sum,
    chunk_self_sum,
    chunk_squared_deviations,
    chunk_statistics,
    chunk_value_sums,
    chunk_weighted_values,
    resample,
)
from .recorder import STOPPED_BY_CALLBACK, Recorder
from .validation import (
    as_dataset,
    as_series,
    check_band,
    check_choice,
    check_gamma,
    check_int,
    check_non_negative,
    check_weights,
    given_without_d_axis,
    median_length,
    output_series,
)

__all__ = [
    "OBJECTIVES",
    "Objective",
    "Run",
    "check_options",
    "euclidean_mean",
    "initial_barycenter",
    "resample",
    "setup",
    "solve_barycenter",
]

OBJECTIVES = ("softdtw", "divergence")

INITS = ("euclidean", "medoid", "random")
#: Above this many series the medoid is searched among a seeded subset of candidates.
MEDOID_MAX_CANDIDATES = 256


def euclidean_mean(collection, lam, length):
    """``Σ_j λ_j resample(Y_j, length) / Σ_j λ_j``."""
    weights = collection.split(lam / lam.sum())
    return _total(collection.map(chunk_resampled_sum, length, pieces=(weights,)))


def _total(parts):
    """The sum of a map's partial results, in chunk order (one part: that part, exactly);
    tuples are summed entry by entry."""
    if isinstance(parts[0], tuple):
        return tuple(_total(list(entries)) for entries in zip(*parts))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _rng(random_state):
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def _medoid_index(collection, lam, gamma, objective, band, rng):
    """argmin_i Σ_j c_j L(Y_i, Y_j) over (a subset of) the series, c_j = λ_j / m_j."""
    n = len(collection)
    cand = np.arange(n)
    if n > MEDOID_MAX_CANDIDATES:
        cand = np.sort(rng.choice(n, MEDOID_MAX_CANDIDATES, replace=False))
    coef = lam / collection.lengths
    radius = check_band(band)
    candidates = [collection.series(i) for i in cand]
    for c in candidates:  # one clear message per impossible length pair, before any work
        band_lengths_checked(radius, c.shape[0], collection.lengths)
    sums = _total(collection.map(chunk_weighted_values, pack(candidates), gamma, radius,
                                 objective == "divergence", pieces=(collection.split(coef),)))
    return int(cand[int(np.argmin(sums))])


def band_lengths_checked(radius, n, lengths):
    """Refuse a band that leaves no path between length ``n`` and one of ``lengths``."""
    if radius >= 0:
        for m in set(np.asarray(lengths).tolist()):
            band_limits_checked(n, m, radius)


def initial_barycenter(collection, lam, init, length, gamma, objective, band, random_state):
    """The (length, d) starting point; ``length`` None means: from init or the median."""
    d = collection.d
    if isinstance(init, str):
        check_choice(init, INITS, "init")
        n = median_length(collection.lengths) if length is None else length
        if init == "euclidean":
            return euclidean_mean(collection, lam, n)
        rng = _rng(random_state)
        if init == "medoid":
            index = _medoid_index(collection, lam, gamma, objective, band, rng)
            return resample(collection.series(index), n)
        count, total = _total(collection.map(chunk_value_sums))
        mu = total / count
        sd = np.sqrt(_total(collection.map(chunk_squared_deviations, mu)) / count)
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


def check_options(n_series, weights, length, gamma, band):
    """Validated ``(λ, length, γ)`` of a barycenter of ``n_series`` series."""
    lam = check_weights(weights, n_series)
    if length is not None:
        length = check_int(length, "length")
    gamma = check_gamma(gamma)
    check_band(band)
    return lam, length, gamma


def setup(X, weights, length, gamma=0.0, band=None):
    """The series of ``X`` as a :class:`LocalCollection`, whether they came without a d axis,
    ``λ``, ``c = λ / m``, ``length`` and ``γ``, all validated."""
    collection = LocalCollection(as_dataset(X))
    lam, length, gamma = check_options(len(collection), weights, length, gamma, band)
    return collection, given_without_d_axis(X), lam, lam / collection.lengths, length, gamma


class Objective:
    """F(Z) = Σ_j c_j L(Z, Y_j) over a collection, with its gradient and the MM statistics.

    Each evaluation is one map over the collection's chunks (one parallel Numba call for a
    :class:`LocalCollection`), not one Python-level call per series.
    """

    def __init__(self, collection, coef, gamma, objective, band):
        self.collection = collection
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.gamma = gamma
        self.divergence = objective == "divergence"
        self.band = band
        self.radius = check_band(band)
        self.coef_pieces = collection.split(self.coef)
        self.checked_lengths = set()
        self.n_evals = 0
        self.const = 0.0
        if self.divergence:  # -½ Σ c_j dtw_γ(Y_j, Y_j), fixed
            self.const = -0.5 * _total(self._map(chunk_self_sum, gamma, self.radius))

    def _map(self, fn, *args):
        return self.collection.map(fn, *args, pieces=(self.coef_pieces,))

    def _check_length(self, n):
        if n not in self.checked_lengths:  # clear message, once
            band_lengths_checked(self.radius, n, self.collection.lengths)
            self.checked_lengths.add(n)

    def _stats(self, Z):
        self._check_length(Z.shape[0])
        return _total(self._map(chunk_statistics, np.ascontiguousarray(Z), self.gamma,
                                self.radius))

    def _self_term(self, Z):
        """-½ C dtw_γ(Z, Z) and its gradient -C (∂Δ/∂Z_1)^T E_ZZ (E_ZZ is symmetric)."""
        C = float(self.coef.sum())
        v, g = soft_dtw_value_and_grad(Z, Z, self.gamma, band=self.band)
        return -0.5 * C * v, -C * g

    def value_and_grad(self, Z):
        self.n_evals += 1
        value, rs, ey = self._stats(Z)
        value += self.const
        G = 2.0 * (rs[:, None] * Z - ey)
        if self.divergence:
            v, g = self._self_term(Z)
            value += v
            G += g
        return float(value), G

    def value(self, Z):
        self.n_evals += 1
        self._check_length(Z.shape[0])
        value = self.const + float(_total(self._map(
            chunk_weighted_values, pack([np.ascontiguousarray(Z)]), self.gamma, self.radius,
            False))[0])
        if self.divergence:
            value -= 0.5 * float(self.coef.sum()) * soft_dtw(Z, Z, self.gamma, band=self.band)
        return value

    def mm_stats(self, Z):
        """F(Z) (soft-DTW part), Σ_j c_j E_j 1 (n,) and Σ_j c_j E_j Y_j (n, d)."""
        self.n_evals += 1
        return self._stats(Z)


class Run:
    """One barycenter optimisation: the current iterate, its objective, the iterations done
    and the recorded steps. :meth:`result` is the one place that builds a result."""

    def __init__(self, objective: Objective, recorder: Recorder, univariate, message):
        self.objective = objective
        self.recorder = recorder
        self.univariate = univariate
        self.Z = None
        self.f = None
        self.n_iter = 0
        self.converged = False
        self.message = message  # why the run stops when nothing else says otherwise

    @property
    def stopped(self):
        """Whether the callback asked to stop."""
        return self.recorder.stopped

    def record(self, Z, f, phase):
        """Make ``Z`` (objective ``f``) the current iterate and record it; return whether
        the callback asked to stop."""
        self.Z, self.f = Z, f
        if self.recorder.record(output_series(Z, self.univariate), f, phase):
            self.message = STOPPED_BY_CALLBACK
        return self.stopped

    def result(self) -> BarycenterResult:
        return BarycenterResult(
            solution=output_series(self.Z, self.univariate),
            objective=float(self.f),
            n_iter=self.n_iter,
            n_evals=self.objective.n_evals,
            converged=self.converged,
            message=self.message,
            history=self.recorder.steps,
        )


def solve_barycenter(collection, univariate, lam, gamma, *, init, objective, length, band,
                     max_iter, tol, mm_steps, precondition, callback: Callable | None,
                     keep_history, random_state) -> BarycenterResult:
    """The soft-DTW barycenter of a collection (:func:`softdtw_core.softdtw_barycenter`,
    whose parameters these are, after :func:`check_options`): MM steps, then L-BFGS-B."""
    check_choice(objective, OBJECTIVES, "objective")
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    mm_steps = check_int(mm_steps, "mm_steps", minimum=0)
    tol = check_non_negative(tol, "tol")
    recorder = Recorder(keep_history, callback)
    Z = initial_barycenter(collection, lam, init, length, gamma, objective, band, random_state)
    obj = Objective(collection, lam / collection.lengths, gamma, objective, band)
    cap = f"max_iter={max_iter} reached" if max_iter else "max_iter=0: initialisation only"
    run = Run(obj, recorder, univariate, cap)

    use_mm = objective == "softdtw" and mm_steps > 0 and max_iter > 0
    f, rs, ey = obj.mm_stats(Z) if use_mm else (obj.value(Z), None, None)
    run.record(Z, f, "init")
    if use_mm and not run.stopped:
        rs, ey = _majorisation_steps(run, rs, ey, min(mm_steps, max_iter))
    if not run.stopped and run.n_iter < max_iter:
        _lbfgs(run, rs, ey, max_iter - run.n_iter, tol, precondition)
    return run.result()


def _majorisation_steps(run: Run, rs, ey, steps):
    """Up to ``steps`` MM updates ``Z' = EY / RS`` from the current iterate, whose
    statistics are ``rs``, ``ey``; returns the statistics of the last accepted iterate."""
    for _ in range(steps):
        Z_new = ey / rs[:, None]
        f_new, rs_new, ey_new = run.objective.mm_stats(Z_new)
        if not f_new <= run.f:  # MM cannot increase F; guard against rounding anyway
            break
        rs, ey = rs_new, ey_new
        run.n_iter += 1
        if run.record(Z_new, f_new, "mm"):
            break
    return rs, ey


def _lbfgs(run: Run, rs, ey, max_iter, tol, precondition):
    """L-BFGS-B from the current iterate, in variables scaled by ``s = sqrt(2 RS)``.

    ``rs``, ``ey`` are the current iterate's MM statistics, or None when no MM step ran.
    """
    obj, Z = run.objective, run.Z
    n, d = Z.shape
    if precondition:
        if rs is None:
            _, rs_scale, _ = obj.mm_stats(Z)
        else:
            rs_scale = rs
        scale = np.sqrt(2.0 * rs_scale)[:, None] * np.ones((1, d))
    else:
        scale = np.ones((n, d))
    f0 = run.f
    fscale = abs(f0) if abs(f0) > 1e-12 else 1.0
    best = {"f": f0, "Z": Z.copy()}
    u0 = (Z * scale).ravel()
    # L-BFGS starts by evaluating u0, where the last MM step already left F and the
    # statistics of its gradient 2 (rs ⊙ Z - ey): reuse them (one pass over the data saved
    # per call, ~8% of a warm-started k-means update).
    at_start = [(f0, 2.0 * (rs[:, None] * Z - ey))] if rs is not None else []

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
        if run.record(Zk, intermediate_result.fun * fscale, "lbfgs"):
            raise StopIteration

    res = minimize(
        fun,
        u0,
        jac=True,
        method="L-BFGS-B",
        callback=on_iter,
        options=dict(maxiter=max_iter, maxfun=2 * max_iter + 20, ftol=tol, gtol=1e-14, maxls=40),
    )
    Z_final, f_final = res.x.reshape(n, d) / scale, float(res.fun) * fscale
    if best["f"] < f_final:  # L-BFGS returns its last accepted point; keep the best seen
        Z_final, f_final = best["Z"], best["f"]
    run.Z, run.f = Z_final, f_final
    run.n_iter += int(res.nit)
    run.converged = bool(res.success) and not run.stopped
    if not run.stopped:
        run.message = str(res.message)
