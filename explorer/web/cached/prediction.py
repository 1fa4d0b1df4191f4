"""The cached entry point of the Use page *Prediction with a soft-DTW loss*: the forecasters'
training, a shared job (:mod:`explorer.web.jobs`).
"""

from __future__ import annotations

from explorer.logic import prediction

from .. import jobs

__all__ = [
    "predictors",
]


def predictors(d: prediction.PredictionData, gamma, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.prediction.train_predictors`."""
    return jobs.submit_task("Training", prediction.train_predictors, d, gamma, **kwargs)
