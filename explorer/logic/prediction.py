"""Computations of the Use page *Prediction with a soft-DTW loss* (no Streamlit, no Plotly).

A forecaster (one hidden layer) that sees the first part of each series and predicts the
rest, trained with the Euclidean, the soft-DTW and the DILATE loss on a dataset's split.
Nothing here caches: :mod:`explorer.web.cached.prediction` runs the training as a shared job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import softdtw_core as sd
from explorer import data

from . import formatting
from .common import Progress, numba_threads, report

__all__ = [
    "PREDICTION_LOSSES",
    "PRED_MAX_ITER",
    "PRED_MAX_LENGTH",
    "PRED_MAX_TEST",
    "PRED_MAX_TRAIN",
    "PredictionData",
    "PredictionRun",
    "fixed_length_datasets",
    "prediction_data",
    "predictor_label",
    "train_predictors",
]

PRED_MAX_TRAIN = 200
PRED_MAX_TEST = 300
PRED_MAX_LENGTH = 300
PRED_MAX_ITER = 500
PREDICTION_LOSSES = ("euclidean", "softdtw", "dilate")


def fixed_length_datasets() -> list[str]:
    """Bundled datasets whose series all have one length (the predictor needs that)."""
    return [name for name, info in data.DATASETS.items() if info.length is not None]


@dataclass
class PredictionData:
    """First part → rest pairs of a dataset's train and test splits, after the caps."""

    name: str
    train_in: np.ndarray
    train_out: np.ndarray
    test_in: np.ndarray
    test_out: np.ndarray
    notes: tuple[str, ...]

    @property
    def dim(self) -> int:
        return 1 if self.train_in.ndim == 2 else self.train_in.shape[2]


def _cap_split(X, labels_text: str, max_series: int, max_length: int, notes: list[str]):
    X = np.asarray(X, dtype=np.float64)
    if X.shape[0] > max_series:
        notes.append(f"{X.shape[0]} {labels_text} series: the first {max_series} are used "
                     f"(cap {max_series}).")
        X = X[:max_series]
    if X.shape[1] > max_length:
        notes.append(f"{labels_text.capitalize()} series have {X.shape[1]} points: resampled "
                     f"to {max_length} (cap {max_length}).")
        X = np.stack([sd.resample(s, max_length) for s in X])
        if X.shape[2] == 1:
            X = X[:, :, 0]
    return X


def prediction_data(name: str, proportion: float = 0.6, *, max_train: int = PRED_MAX_TRAIN,
                    max_test: int = PRED_MAX_TEST,
                    max_length: int = PRED_MAX_LENGTH) -> PredictionData:
    """Train/test input–target pairs of a fixed-length bundled dataset (capped)."""
    if name not in fixed_length_datasets():
        raise ValueError(f"{name} has series of different lengths; the predictor needs one "
                         f"length. Choose one of {', '.join(fixed_length_datasets())}.")
    notes: list[str] = []
    tr = _cap_split(data.load_dataset(name, "train").series, "training", max_train,
                    max_length, notes)
    te = _cap_split(data.load_dataset(name, "test").series, "test", max_test, max_length,
                    notes)
    a, b = sd.split_series(tr, proportion)
    c, d = sd.split_series(te, proportion)
    return PredictionData(name, a, b, c, d, tuple(notes))


@dataclass
class PredictionRun:
    """The trained predictors' test predictions, scores and training curves, by loss."""

    params: dict
    predictions: dict[str, np.ndarray]
    scores: dict[str, dict]
    curves: dict[str, list]
    seconds: dict[str, float]
    n_iter: dict[str, int]

    @property
    def labels(self) -> dict[str, str]:
        """Each model's training loss, as shown (``"soft-DTW (γ = 0.1)"``)."""
        p = self.params
        return {k: predictor_label(k, p["gamma"], dilate_alpha=p["dilate_alpha"],
                                   dilate_gamma=p["dilate_gamma"]) for k in self.predictions}

    def table(self) -> dict:
        """Columns of the test-score table, one row per model."""
        names = list(self.predictions)
        return {
            "training loss": [self.labels[k] for k in names],
            "DTW test loss": [self.scores[k]["dtw"] for k in names],
            "Euclidean test loss": [self.scores[k]["euclidean"] for k in names],
            "TDI test loss": [self.scores[k]["tdi"] for k in names],
            "iterations": [self.n_iter[k] for k in names],
            "train time (s)": [self.seconds[k] for k in names],
        }


def predictor_label(loss: str, gamma: float, *, dilate_alpha: float = 0.5,
                    dilate_gamma: float = 0.01) -> str:
    """The name of a training loss: ``"Euclidean"``, ``"soft-DTW (γ = 0.1)"`` or
    ``"DILATE (α = 0.5, γ = 0.01)"``."""
    number = formatting.number
    if loss == "euclidean":
        return "Euclidean"
    if loss == "dilate":
        return f"DILATE (α = {number(dilate_alpha)}, γ = {number(dilate_gamma)})"
    return f"soft-DTW (γ = {number(gamma)})"


def train_predictors(d: PredictionData, gamma: float, *, hidden: int = 50,
                     max_iter: int = 100, from_euclidean: bool = True, seed: int = 0,
                     dilate_alpha: float = 0.5, dilate_gamma: float = 0.01,
                     progress: Progress = None) -> PredictionRun:
    """Train the MLP with each loss of :data:`PREDICTION_LOSSES` and score it on the test set.

    The Euclidean loss first, then soft-DTW at ``gamma`` and DILATE (weight
    ``dilate_alpha`` of its shape term, smoothing ``dilate_gamma``). ``from_euclidean``
    starts the soft-DTW and DILATE trainings from the Euclidean solution (as in the paper);
    otherwise from the same random initial weights. Scores: DTW, Euclidean and TDI
    (:meth:`softdtw_core.MLPPredictor.evaluate`).
    """
    if not 1 <= int(max_iter) <= PRED_MAX_ITER:
        raise ValueError(f"iterations must be between 1 and {PRED_MAX_ITER}; got {max_iter}")
    params = {"dataset": d.name, "gamma": float(gamma), "hidden": int(hidden),
              "max_iter": int(max_iter), "from_euclidean": bool(from_euclidean),
              "seed": int(seed), "dilate_alpha": float(dilate_alpha),
              "dilate_gamma": float(dilate_gamma)}
    preds, scores, curves, secs, iters = {}, {}, {}, {}, {}
    eu_model = None
    count = len(PREDICTION_LOSSES)
    with numba_threads(1):
        for k, loss in enumerate(PREDICTION_LOSSES):
            label = predictor_label(loss, gamma, dilate_alpha=dilate_alpha,
                                    dilate_gamma=dilate_gamma)

            def cb(step, k=k, label=label):
                report(progress, (k + step.iteration / max_iter) / count,
                        f"{label} loss: iteration {step.iteration}/{max_iter}, "
                        f"J = {formatting.number(step.objective, 5)}")

            model = sd.MLPPredictor(
                (int(hidden),), loss=loss, gamma=dilate_gamma if loss == "dilate" else gamma,
                dilate_alpha=dilate_alpha, max_iter=int(max_iter), random_state=int(seed),
                callback=cb)
            t0 = time.perf_counter()
            init = eu_model if (loss != "euclidean" and from_euclidean) else None
            model.fit(d.train_in, d.train_out, init=init)
            secs[loss] = time.perf_counter() - t0
            if loss == "euclidean":
                eu_model = model
            preds[loss] = np.asarray(model.predict(d.test_in), dtype=np.float64)
            scores[loss] = model.evaluate(d.test_in, d.test_out)
            curves[loss] = [step.objective for step in model.training_result_.history]
            iters[loss] = int(model.n_iter_)
    report(progress, 1.0, "done")
    return PredictionRun(params, preds, scores, curves, secs, iters)
