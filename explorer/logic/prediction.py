"""Computations of the Use page *Prediction with a soft-DTW loss* (no Streamlit, no Plotly).

A forecaster (one hidden layer) that sees the first part of each series and predicts the
rest, trained with the Euclidean, the soft-DTW and the DILATE loss on a dataset's split.
Nothing here caches: :mod:`explorer.web.cached.prediction` runs the training as a shared job.
:func:`prediction_code` writes the same training as a standalone PyTorch script.
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
    "SMALLEST_GAMMA",
    "fixed_length_datasets",
    "prediction_data",
    "prediction_code",
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


# --------------------------------------------------------------------------- PyTorch code
__all__ = ["prediction_code"]

#: γ used in the code when the page's soft-DTW γ is 0 (hard DTW has no gradient in torch).
SMALLEST_GAMMA = 0.001

_TEMPLATE = '''\
"""{title}

Requirements: pip install "softdtw-explorer[torch]" (torch and the soft-DTW core).
"""
import numpy as np
import torch
from torch import nn

import softdtw_core as sd
from softdtw_core.torch import dilate_loss, soft_dtw

# ---- data: first {percent}% of each series -> the rest (as on the page)
with np.load({data_path!r}, allow_pickle=False) as f:
    train, test = f["X_train"][:{max_train}], f["X_test"][:{max_test}]
if train.shape[1] > {max_length}:  # the page resamples long series
    train = np.stack([sd.resample(s, {max_length}) for s in train])[:, :, 0]
    test = np.stack([sd.resample(s, {max_length}) for s in test])[:, :, 0]
x_train, y_train = sd.split_series(train, {proportion!r})
x_test, y_test = sd.split_series(test, {proportion!r})
x_train, y_train, x_test, y_test = (torch.as_tensor(a, dtype=torch.float64).reshape(
    len(a), a.shape[1], -1) for a in (x_train, y_train, x_test, y_test))
n_in, n_out, d = x_train.shape[1], y_train.shape[1], x_train.shape[2]


# ---- the network: vec(x) -> tanh hidden layer -> the n_out future steps
def make_model(seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(n_in * d, {hidden}), nn.Tanh(),
                          nn.Linear({hidden}, n_out * d), nn.Unflatten(1, (n_out, d)))
    for layer in (model[1], model[3]):  # Glorot-uniform weights, zero biases
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    return model.double()


# ---- the three losses, per series, divided by the horizon n_out
LOSSES = {{
    "Euclidean": lambda p, y: ((p - y) ** 2).sum(dim=(1, 2)),
    "soft-DTW (gamma = {gamma:g})": lambda p, y: soft_dtw(p, y, gamma={gamma!r}),
    "DILATE (alpha = {dilate_alpha:g}, gamma = {dilate_gamma:g})":
        lambda p, y: dilate_loss(p, y, alpha={dilate_alpha!r}, gamma={dilate_gamma!r}),
}}


def fit(model, loss, max_iter={max_iter}):
    """Full-batch L-BFGS on J = mean_i loss(f(x_i), y_i) / n_out."""
    opt = torch.optim.LBFGS(model.parameters(), max_iter=max_iter, tolerance_change=1e-12,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        J = loss(model(x_train), y_train).mean() / n_out
        J.backward()
        return J

    opt.step(closure)
    return model


def scores(model):
    """Test DTW, Euclidean loss and TDI (the page's table)."""
    with torch.no_grad():
        P = model(x_test).numpy()
    Y = y_test.numpy()
    dtw = sd.soft_dtw_value_and_grad_batch(P, Y, 0.0)[0].mean()
    euclidean = ((P - Y) ** 2).sum(axis=(1, 2)).mean()
    tdi = np.mean([sd.temporal_distortion_index(p, y) for p, y in zip(P, Y)])
    return dtw, euclidean, tdi


euclidean_model = None
for name, loss in LOSSES.items():
    model = make_model({seed})
    if euclidean_model is not None and {from_euclidean!r}:  # start from the Euclidean fit
        model.load_state_dict(euclidean_model.state_dict())
    fit(model, loss)
    if euclidean_model is None:
        euclidean_model = model
    dtw, euclidean, tdi = scores(model)
    print(f"{{name:<36}} test DTW {{dtw:.5g}}   Euclidean {{euclidean:.5g}}   TDI {{tdi:.5g}}")
'''


def _number(value, name: str, *, positive: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}.") from None
    if v != v or v in (float("inf"), float("-inf")) or v < 0 or (positive and v == 0):
        raise ValueError(f"{name} must be a finite number {'>' if positive else '>='} 0; "
                         f"got {value!r}.")
    return v


def prediction_code(dataset: str, *, proportion: float = 0.6, gamma: float = 1.0,
                    hidden: int = 50, max_iter: int = 100, seed: int = 0,
                    from_euclidean: bool = True, dilate_alpha: float = 0.5,
                    dilate_gamma: float = 0.01, data_path: str | None = None) -> str:
    """A standalone PyTorch script that trains and scores the page's three forecasters.

    Parameters
    ----------
    dataset : str
        The bundled dataset (its ``assets/NAME.npz``).
    proportion, gamma, hidden, max_iter, seed, from_euclidean, dilate_alpha, dilate_gamma
        The page's settings (:func:`train_predictors`); a soft-DTW
        ``gamma`` of 0 is written as :data:`SMALLEST_GAMMA` (torch needs a gradient).
    data_path : str, optional
        Where the script reads the ``.npz`` (default ``assets/NAME.npz``, from the
        repository's root).

    Returns
    -------
    str
        Python source; running it prints one line of test scores per training loss.

    Examples
    --------
    >>> code = prediction_code("GunPoint", gamma=0.1)
    >>> "soft_dtw(p, y, gamma=0.1)" in code
    True
    """
    if not isinstance(dataset, str) or not dataset.isidentifier():
        raise ValueError(f"dataset must be the name of a bundled dataset; got {dataset!r}.")
    proportion = _number(proportion, "proportion", positive=True)
    if proportion >= 1:
        raise ValueError(f"proportion (the input part) must be in (0, 1); got {proportion!r}.")
    gamma = _number(gamma, "gamma") or SMALLEST_GAMMA
    dilate_gamma = _number(dilate_gamma, "dilate_gamma", positive=True)
    dilate_alpha = _number(dilate_alpha, "dilate_alpha")
    if dilate_alpha > 1:
        raise ValueError(f"dilate_alpha must be in [0, 1]; got {dilate_alpha!r}.")
    for value, name, minimum in ((hidden, "hidden", 1), (max_iter, "max_iter", 1),
                                 (seed, "seed", 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    title = (f"The three forecasters of the explorer's Prediction page on {dataset}, in "
             f"PyTorch.")
    return _TEMPLATE.format(
        title=title, data_path=data_path or f"assets/{dataset}.npz", percent=round(
            proportion * 100), max_train=PRED_MAX_TRAIN, max_test=PRED_MAX_TEST,
        max_length=PRED_MAX_LENGTH, proportion=proportion, hidden=hidden, gamma=gamma,
        dilate_alpha=dilate_alpha, dilate_gamma=dilate_gamma, max_iter=max_iter, seed=seed,
        from_euclidean=bool(from_euclidean))
