r"""Computations behind the *Tune γ* page (no Streamlit, no Plotly).

For each γ of a grid, on a labelled collection:

- the cross-validated accuracy of soft-DTW nearest centroid
  (:class:`softdtw_core.SoftDTWNearestCentroid`) and of 1-NN under the soft-DTW divergence
  (the out-of-fold predictions of stratified folds, pooled: accuracy = the share of series
  predicted right when they were held out);
- the DTW loss ``Σ_j dtw_0(c, x_j) / (N m_j)`` of each class's barycenter (fitted on all the
  series, minimising raw dtw_γ: :data:`BARYCENTER_PARAMS`), the paper's score of an average;
- the mean entropy of the Gibbs distribution over alignments (:func:`softdtw_core.path_entropy`)
  on a seeded sample of pairs: 0 nats for hard DTW, growing as γ spreads the alignments.

Without labels, soft-DTW k-means (:class:`softdtw_core.SoftDTWKMeans`, raw dtw_γ as on the
*k-means* page, for the reason of :data:`BARYCENTER_PARAMS`) replaces
the classifiers: its DTW inertia ``Σ_i min_c dtw_0(x_i, c)`` (comparable across γ) and the
silhouette of its clusters under the divergence.

A run is cut into grid points: :func:`tune` calls ``progress`` and ``should_stop`` between two
points only, stops when the time budget is spent, and says why it stopped.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import confusion_matrix, silhouette_score
from sklearn.model_selection import StratifiedKFold

import softdtw_core as sd

from . import formatting
from .collection import dissimilarity, prepare_collection

__all__ = [
    "BARYCENTER_MAX_ITER",
    "BARYCENTER_PARAMS",
    "BUDGET_SECONDS",
    "CRITERIA",
    "ENTROPY_PAIRS",
    "MAX_FOLDS",
    "MAX_GRID",
    "MAX_LENGTH",
    "MAX_SERIES",
    "GammaPoint",
    "TuningData",
    "TuningResult",
    "choose",
    "confusion",
    "curves_table",
    "nearest_option",
    "one_nn_predictions",
    "parse_grid",
    "prepare",
    "tune",
]

MAX_SERIES = 120  # an evenly spaced subset beyond this (every class stays represented)
MAX_LENGTH = 150  # longer series are resampled to this many points
MAX_GRID = 12  # values of γ in one run
MAX_FOLDS = 10
BUDGET_SECONDS = 120.0  # no new grid point starts after this long
BARYCENTER_MAX_ITER = 30  # per class barycenter (warm L-BFGS is close by then)
#: The barycenters minimise raw dtw_γ (the paper's objective, as on the *Barycenters* page),
#: not the divergence the classifiers compare with: the divergence's self-term
#: −½ dtw_γ(c, c) rewards a rough c (a zigzag has fewer cheap alignments with itself, so
#: dtw_γ(c, c) is higher), and its minimiser is a high-frequency zigzag once γ is near the
#: data's typical cost (GunPoint at γ = 0.65: Σ (Δ²c)² ≈ 100–220 against 0.01).
BARYCENTER_PARAMS = {"max_iter": BARYCENTER_MAX_ITER, "objective": "softdtw"}
ENTROPY_PAIRS = 12
#: What the chosen γ maximises: cross-validated accuracy of a classifier (with labels).
CRITERIA = {"centroid": "nearest centroid", "1-NN": "1-NN"}


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class TuningData:
    """A collection ready to tune on, what was done to it, and the folds to use.

    ``labels`` is None for an unsupervised run (k-means); ``n_folds`` is the number of
    folds actually used (lowered to the smallest class's size, with a note).
    """

    series: list
    labels: np.ndarray | None
    names: list
    n_folds: int
    notes: tuple = field(default=())

    @property
    def classes(self) -> np.ndarray:
        return np.unique(self.labels) if self.labels is not None else np.array([])


def _missing(labels: np.ndarray) -> np.ndarray:
    if labels.dtype.kind == "f":
        return ~np.isfinite(labels)
    if labels.dtype.kind == "O":
        return np.array([v is None or (isinstance(v, float) and not math.isfinite(v))
                         or str(v).strip() == "" for v in labels])
    if labels.dtype.kind == "U":
        return np.char.strip(labels) == ""
    return np.zeros(len(labels), dtype=bool)


def prepare(series, labels, names=None, *, n_folds: int = 5,
            max_series: int = MAX_SERIES, max_length: int = MAX_LENGTH) -> TuningData:
    """Cap the collection and check that its labels allow ``n_folds``-fold cross-validation.

    ``labels=None`` prepares an unsupervised run. Refused with a ValueError that says how to
    fix it: missing labels, a single class, a class with a single series, fewer than two
    folds. More folds than the smallest class has series: the folds are lowered to it,
    with a note.
    """
    if not 2 <= int(n_folds) <= MAX_FOLDS:
        raise ValueError(f"folds must be between 2 and {MAX_FOLDS}; got {n_folds}.")
    coll = prepare_collection(series, labels, names, max_series=max_series,
                              max_length=max_length)
    notes = list(coll.notes)
    if len(coll.series) < 2:
        raise ValueError("Tuning γ needs at least two series; this collection has "
                         f"{len(coll.series)}.")
    if coll.labels is None:
        return TuningData(coll.series, None, coll.names, int(n_folds), tuple(notes))
    lab = np.asarray(coll.labels)
    missing = _missing(lab)
    if missing.any():
        where = ", ".join(coll.names[k] for k in np.flatnonzero(missing)[:3])
        raise ValueError(f"{int(missing.sum())} series have no label (NaN or empty), e.g. "
                         f"{where}: label every series, or switch *Use the labels* off to tune "
                         "without them (k-means).")
    lab = lab.astype(str)
    classes, counts = np.unique(lab, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"All series have the same label ({str(classes[0])!r}): accuracy needs at "
                         "least two classes. Switch *Use the labels* off to tune without "
                         "them (k-means).")
    single = classes[counts < 2]
    if len(single):
        raise ValueError(f"Class{'es' if len(single) > 1 else ''} "
                         f"{', '.join(map(repr, single.tolist()))} "
                         f"{'have' if len(single) > 1 else 'has'} a single series: "
                         "cross-validation needs at least two per class (one to learn from, "
                         "one to test). Add series or remove that class.")
    folds = int(n_folds)
    if counts.min() < folds:
        folds = int(counts.min())
        notes.append(f"{n_folds} folds asked, but class {str(classes[counts.argmin()])!r} has only "
                     f"{counts.min()} series: {folds} folds are used (each fold needs a series "
                     "of every class).")
    return TuningData(coll.series, lab, coll.names, folds, tuple(notes))


def parse_grid(text: str) -> list[float]:
    """γ values typed by the user (separated by commas, semicolons or spaces), sorted.

    Refused: an empty grid, text that is not a number, γ <= 0 (the chart's axis is
    logarithmic; γ = 0 is hard DTW, approached by a small γ), more than :data:`MAX_GRID`.
    """
    tokens = [t for t in re.split(r"[,;\s]+", text.strip()) if t]
    if not tokens:
        raise ValueError("The γ grid is empty: enter at least one γ > 0, e.g. 0.01, 0.1, 1.")
    values = []
    for t in tokens:
        try:
            v = float(t)
        except ValueError:
            raise ValueError(f"{t!r} in the γ grid is not a number; write numbers such as "
                             "0.01, 0.1, 1.") from None
        if not math.isfinite(v):
            raise ValueError(f"{t!r} in the γ grid is not a finite number.")
        if v < 0:
            raise ValueError(f"γ = {t} in the grid is negative: γ must be > 0 (it is a "
                             "temperature; 0 is hard DTW).")
        if v == 0:
            raise ValueError("γ = 0 in the grid: use γ > 0 here (the chart's axis is "
                             "logarithmic); a small γ such as 0.001 behaves like hard DTW.")
        values.append(v)
    values = sorted(set(values))
    if len(values) > MAX_GRID:
        raise ValueError(f"The γ grid has {len(values)} values; at most {MAX_GRID} per run "
                         "keep a run short. Remove some.")
    return values


# --------------------------------------------------------------------------- one γ


@dataclass
class GammaPoint:
    """Everything computed at one γ.

    With labels: ``centroid_accuracy``, ``nn_accuracy`` (out-of-fold, pooled), their
    out-of-fold predictions, one barycenter per class (``centers``) and its DTW loss
    (``losses``). Without: k-means ``centers``, ``kmeans_inertia`` (DTW inertia),
    ``silhouette``, ``cluster_labels``. Both: ``entropy`` (mean path entropy, nats).
    """

    gamma: float
    entropy: float
    centers: np.ndarray
    seconds: float
    centroid_accuracy: float = float("nan")
    nn_accuracy: float = float("nan")
    centroid_predictions: np.ndarray | None = None
    nn_predictions: np.ndarray | None = None
    losses: np.ndarray | None = None
    kmeans_inertia: float = float("nan")
    silhouette: float = float("nan")
    cluster_labels: np.ndarray | None = None


def _folds(td: TuningData, seed: int):
    cv = StratifiedKFold(td.n_folds, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(td.series)), td.labels))


def one_nn_predictions(M: np.ndarray, labels: np.ndarray, folds) -> np.ndarray:
    """Out-of-fold 1-NN predictions from the full dissimilarity matrix ``M``: each held-out
    series takes the label of its nearest series in the training part of its fold."""
    pred = np.empty(len(labels), dtype=labels.dtype)
    for train, test in folds:
        pred[test] = labels[train][np.argmin(M[np.ix_(test, train)], axis=1)]
    return pred


def _entropy(series, gamma: float, pairs) -> float:
    return float(np.mean([sd.path_entropy(series[i], series[j], gamma) for i, j in pairs]))


def _pairs(n: int, seed: int):
    rng = np.random.default_rng(seed)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    pick = rng.choice(len(all_pairs), min(ENTROPY_PAIRS, len(all_pairs)), replace=False)
    return [all_pairs[k] for k in sorted(pick)]


def _centroid_model(gamma: float):
    return sd.SoftDTWNearestCentroid(gamma, barycenter_params=BARYCENTER_PARAMS)


def _supervised_point(td: TuningData, gamma: float, folds, pairs) -> GammaPoint:
    t0 = time.perf_counter()
    y = td.labels
    nc = np.empty(len(y), dtype=y.dtype)
    for train, test in folds:
        model = _centroid_model(gamma).fit([td.series[i] for i in train], y[train])
        nc[test] = model.predict([td.series[i] for i in test])
    M = sd.soft_dtw_cdist(td.series, gamma=gamma, divergence=True)
    nn = one_nn_predictions(M, y, folds)
    full = _centroid_model(gamma).fit(td.series, y)
    losses = np.array([sd.dtw_loss(full.centroids_[k], [td.series[i] for i in
                                                        np.flatnonzero(y == c)])
                       for k, c in enumerate(full.classes_)])
    return GammaPoint(gamma, _entropy(td.series, gamma, pairs), np.asarray(full.centroids_),
                      time.perf_counter() - t0, float(np.mean(nc == y)),
                      float(np.mean(nn == y)), nc, nn, losses)


def _unsupervised_point(td: TuningData, gamma: float, k: int, seed: int, pairs) -> GammaPoint:
    t0 = time.perf_counter()
    model = sd.SoftDTWKMeans(k, gamma, assignment="softdtw", random_state=seed,
                             max_iter=10, barycenter_max_iter=10).fit(td.series)
    labels = np.asarray(model.labels_)
    silhouette = float("nan")
    if 2 <= len(np.unique(labels)) <= len(td.series) - 1:
        D = dissimilarity(sd.soft_dtw_cdist(td.series, gamma=gamma, divergence=True), raw=False)
        silhouette = float(silhouette_score(D, labels, metric="precomputed"))
    return GammaPoint(gamma, _entropy(td.series, gamma, pairs),
                      np.asarray(model.cluster_centers_), time.perf_counter() - t0,
                      kmeans_inertia=float(model.dtw_inertia_), silhouette=silhouette,
                      cluster_labels=labels)


# --------------------------------------------------------------------------- a run


@dataclass
class TuningResult:
    """A run over a γ grid: the points done, and why it stopped.

    ``complete`` is False when the run was stopped or ran out of time; ``message`` says
    which, and how many grid points were done.
    """

    gammas: list
    points: list = field(default_factory=list)
    complete: bool = False
    message: str = ""
    supervised: bool = True


def tune(td: TuningData, gammas, *, seed: int = 0, k: int = 3,
         budget_seconds: float = BUDGET_SECONDS,
         progress: Callable[[float, str], None] | None = None,
         should_stop: Callable[[], bool] | None = None,
         on_point: Callable[[GammaPoint], None] | None = None) -> TuningResult:
    """Evaluate every γ of ``gammas`` in turn (see the module docstring).

    ``progress(fraction, text)`` and ``should_stop()`` are called between two grid points
    only; ``on_point(point)`` after each point (a page stores them as they come, so that an
    interrupted run keeps what it did). No new point starts once ``budget_seconds`` have
    passed. ``k`` is the number of clusters of an unsupervised run (ignored with labels).
    """
    gammas = [float(g) for g in gammas]
    if not gammas:
        raise ValueError("The γ grid is empty: give at least one γ > 0.")
    if min(gammas) <= 0:
        raise ValueError("every γ of the grid must be > 0.")
    supervised = td.labels is not None
    if not supervised and not 2 <= int(k) <= len(td.series):
        raise ValueError(f"k (clusters) must be between 2 and the number of series "
                         f"({len(td.series)}); got {k}.")
    result = TuningResult(gammas, supervised=supervised)
    folds = _folds(td, seed) if supervised else None
    pairs = _pairs(len(td.series), seed)
    t0 = time.perf_counter()
    n = len(gammas)
    for index, gamma in enumerate(gammas):
        done = f"{index} of {n} values of γ"
        if should_stop is not None and should_stop():
            result.message = f"Stopped by request after {done}."
            return result
        if index and time.perf_counter() - t0 > budget_seconds:
            result.message = (f"Time budget of {formatting.number(budget_seconds)} s spent "
                              f"after {done}; the rest of the grid was not run.")
            return result
        if progress is not None:
            progress(index / n, f"γ = {formatting.number(gamma, 4)} ({index + 1} of {n})")
        point = (_supervised_point(td, gamma, folds, pairs) if supervised
                 else _unsupervised_point(td, gamma, int(k), seed, pairs))
        result.points.append(point)
        if on_point is not None:
            on_point(point)
    if progress is not None:
        progress(1.0, f"all {n} values of γ done")
    result.complete = True
    result.message = (f"All {n} values of γ done in "
                      f"{formatting.fixed(time.perf_counter() - t0, 1)} s.")
    return result


# --------------------------------------------------------------------------- reading a run


def _score(point: GammaPoint, criterion: str, supervised: bool) -> float:
    if not supervised:
        return point.silhouette
    return point.centroid_accuracy if criterion == "centroid" else point.nn_accuracy


def choose(points, *, criterion: str = "centroid", supervised: bool = True,
           reference: float | None = None) -> tuple[int, str]:
    """The index of the best γ among ``points`` and a one-line explanation.

    Best: the highest cross-validated accuracy of ``criterion`` (a key of :data:`CRITERIA`),
    or without labels the highest silhouette. Ties go to the γ closest (on a log scale) to
    ``reference`` (the suggested γ), else to the smallest γ.
    """
    if not points:
        raise ValueError("no grid point was computed: nothing to choose from.")
    scores = np.array([_score(p, criterion, supervised) for p in points])
    if np.all(np.isnan(scores)):
        return 0, "No score could be computed (every clustering had a single cluster)."
    best = np.nanmax(scores)
    ties = np.flatnonzero(scores >= best - 1e-12)
    gammas = np.array([p.gamma for p in points])
    if reference is not None and len(ties) > 1:
        pick = int(ties[np.argmin(np.abs(np.log(gammas[ties] / reference)))])
    else:
        pick = int(ties[0])
    what = (f"cross-validated {CRITERIA[criterion]} accuracy ({formatting.number(best, 3)})"
            if supervised else f"silhouette of the k-means clusters ({formatting.number(best, 3)})")
    text = f"γ = {formatting.number(gammas[pick], 4)} has the highest {what}"
    if len(ties) > 1:
        text += (f"; {len(ties)} values tie, the one closest to the suggested γ is kept"
                 if reference is not None else f"; {len(ties)} values tie, the smallest is kept")
    return pick, text + "."


def confusion(point: GammaPoint, labels: np.ndarray, criterion: str = "centroid"):
    """``(classes, matrix)``: rows are the true classes, columns the out-of-fold predictions."""
    pred = point.centroid_predictions if criterion == "centroid" else point.nn_predictions
    classes = np.unique(labels)
    return classes, confusion_matrix(labels, pred, labels=classes)


def curves_table(result: TuningResult, classes=()) -> dict:
    """The curves against γ as named columns (for the table and its CSV)."""
    pts = result.points
    cols = {"gamma": [p.gamma for p in pts]}
    if result.supervised:
        cols["nearest centroid accuracy (CV)"] = [p.centroid_accuracy for p in pts]
        cols["1-NN accuracy (CV)"] = [p.nn_accuracy for p in pts]
        for k, c in enumerate(classes):
            cols[f"barycenter DTW loss, class {c}"] = [float(p.losses[k]) for p in pts]
    else:
        cols["k-means DTW inertia"] = [p.kmeans_inertia for p in pts]
        cols["silhouette (divergence)"] = [p.silhouette for p in pts]
    cols["mean path entropy (nats)"] = [p.entropy for p in pts]
    cols["seconds"] = [p.seconds for p in pts]
    return cols


def nearest_option(gamma: float, options) -> tuple[str, bool]:
    """The option text (of ``options``, numbers as text) nearest to ``gamma`` on a log scale,
    and whether it differs from ``gamma``. Non-positive options are never chosen."""
    values = {o: float(o) for o in options if float(o) > 0}
    if not values or not gamma > 0:
        raise ValueError(f"no positive γ option near γ = {gamma!r}.")
    best = min(values, key=lambda o: abs(math.log(values[o] / gamma)))
    return best, not math.isclose(values[best], gamma, rel_tol=1e-9)
