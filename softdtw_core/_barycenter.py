"""The machinery shared by the barycenter routines (:mod:`softdtw_core.barycenter`).

- :func:`setup` validates the inputs every routine shares;
- :func:`initial_barycenter` builds the starting point (Euclidean mean, medoid, random or
  given), with :func:`resample` for series of another length;
- :class:`Objective` evaluates ``F(Z) = Σ_j c_j L(Z, Y_j)``, its gradient and the
  majorisation-minimisation statistics, one parallel Numba call per evaluation;
- :class:`Run` holds the state of one optimisation and is the one place that builds a
  :class:`~softdtw_core.BarycenterResult`.
"""

from __future__ import annotations

import numpy as np

from ._recorder import STOPPED_BY_CALLBACK, Recorder
from ._validation import (
    as_dataset,
    as_series,
    check_band,
    check_choice,
    check_gamma,
    check_int,
    check_weights,
    given_without_d_axis,
    median_length,
    output_series,
)
from .band import band_limits_checked
from .batch import PackedCollection, alignment_statistics_packed
from .pairwise import soft_dtw_cdist
from .recursion import soft_dtw, soft_dtw_value_and_grad
from .results import BarycenterResult

__all__ = ["Objective", "Run", "euclidean_mean", "initial_barycenter", "resample", "setup"]

INITS = ("euclidean", "medoid", "random")
#: Above this many series the medoid is searched among a seeded subset of candidates.
MEDOID_MAX_CANDIDATES = 256


def resample(series, length):
    """Linear-interpolation resampling of a series to ``length`` time steps.

    Parameters
    ----------
    series : array_like, shape (m,) or (m, d)
        The series.
    length : int
        Number of time steps of the output, ``>= 1``.

    Returns
    -------
    ndarray, shape (length, d)
        ``out[t] = series(t (m-1)/(length-1))`` with linear interpolation between samples
        (a constant series when ``m == 1``; the first sample when ``length == 1``).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.resample([0.0, 1.0, 2.0], 5).ravel().tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    s = as_series(series, "series")
    length = check_int(length, "length")
    m = s.shape[0]
    if m == length:
        return s.copy()
    if m == 1:
        return np.repeat(s, length, axis=0)
    src = np.linspace(0.0, 1.0, m)
    dst = np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(dst, src, s[:, k]) for k in range(s.shape[1])], axis=1)


def euclidean_mean(series, lam, length):
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


def initial_barycenter(series, lam, init, length, gamma, objective, band, random_state):
    """The (length, d) starting point; ``length`` None means: from init or the median."""
    d = series[0].shape[1]
    if isinstance(init, str):
        check_choice(init, INITS, "init")
        n = median_length(series) if length is None else length
        if init == "euclidean":
            return euclidean_mean(series, lam, n)
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


def setup(X, weights, length, gamma=0.0, band=None):
    series = as_dataset(X)
    lam = check_weights(weights, len(series))
    if length is not None:
        length = check_int(length, "length")
    gamma = check_gamma(gamma)
    check_band(band)
    m = np.array([s.shape[0] for s in series], dtype=np.float64)
    return series, given_without_d_axis(X), lam, lam / m, length, gamma


class Objective:
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
