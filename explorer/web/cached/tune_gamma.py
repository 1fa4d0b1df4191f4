"""The cached entry points of the Use page *Tune γ*: the prepared collection, the suggested
γ and its grid, and the tuning run, a shared job (:mod:`explorer.web.jobs`).
"""

from __future__ import annotations

import numpy as np

import softdtw_core as sd
from explorer.logic import tune_gamma

from .. import jobs
from ..job_types import Task
from ..memo import cache_key, cached

__all__ = [
    "gamma_grid",
    "gamma_suggestion",
    "tuning_data",
    "tuning_run",
]


@cached("tuning_data")
def tuning_data(series, labels, names, n_folds: int) -> tune_gamma.TuningData:
    """:func:`explorer.logic.tune_gamma.prepare` (caps, label checks, folds); its ValueError
    propagates (it is not cached)."""
    return tune_gamma.prepare(series, labels, names, n_folds=n_folds)


@cached("gamma_suggestion")
def gamma_suggestion(series) -> sd.GammaSuggestion:
    """:func:`softdtw_core.suggest_gamma` with its defaults (seeded: reproducible)."""
    return sd.suggest_gamma(series)


@cached("gamma_grid")
def gamma_grid(series, num: int) -> np.ndarray:
    """:func:`softdtw_core.gamma_grid`: ``num`` values over two decades around the
    suggestion."""
    return sd.gamma_grid(series, num)


def tuning_run(td, gammas, *, seed: int, k: int) -> jobs.Job:
    """Job: :func:`explorer.logic.tune_gamma.tune` over ``gammas``, each grid point published as
    a frame as soon as it is done (a stopped run keeps them)."""
    gammas = [float(g) for g in gammas]
    budget = float(tune_gamma.BUDGET_SECONDS)  # part of the key: it decides where a run stops
    key = cache_key("tuning_run", td.series, td.labels, td.n_folds, gammas, seed, k, budget)
    run = Task(tune_gamma.tune, (td, gammas), dict(seed=seed, k=k, budget_seconds=budget),
               publish_arg="on_point")
    return jobs.runner().submit(key, "Tuning γ", run)
