"""Computations of the *Use* pages Interpolation, Barycenters and Prediction (no widgets).

Everything here is plain Python on top of :mod:`softdtw_core` and :mod:`explorer.data`, so
the benchmarks and tests call it without a Streamlit session. Long computations take a
``progress(fraction, text)`` callback; the pages pass one that moves an ``st.progress`` bar.
Nothing here caches: :mod:`explorer.web.cache` memoises the expensive results (and says why
not with ``st.cache_data``).

Threads
-------
The core's one-against-many kernel runs its series in parallel (Numba ``prange``). For the
small collections of these pages (2 series for an interpolation, at most
:data:`MAX_SERIES` for a barycenter) one thread is as fast on an idle 2-core machine and
several times faster on a busy one (idle OpenMP workers spin against the other load), so
the calls run under :func:`numba_threads` (thread-local: other sessions are not affected).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

import softdtw_core as sd
from explorer import data

from . import formatting

__all__ = [
    "BARYCENTER_MAX_ITER",
    "BUDGET_SECONDS",
    "INTERP_MAX_ITER",
    "INTERP_MAX_LENGTH",
    "LAMBDA_STEPS",
    "MAX_LENGTH",
    "MAX_SERIES",
    "PRED_MAX_ITER",
    "PRED_MAX_LENGTH",
    "PRED_MAX_TEST",
    "PRED_MAX_TRAIN",
    "PREDICTION_LOSSES",
    "BarycenterComparison",
    "BarycenterSweep",
    "InterpolationGrid",
    "MemberSet",
    "MethodResult",
    "PredictionData",
    "PredictionRun",
    "Progress",
    "barycenter_comparison",
    "barycenter_sweep",
    "cap_series",
    "class_options",
    "dataset_members",
    "fixed_length_datasets",
    "interpolation_grid",
    "numba_threads",
    "prediction_data",
    "predictor_label",
    "prepare_pair",
    "train_predictors",
    "uploaded_members",
    "warped_members",
]

Progress = Callable[[float, str], None] | None

# --------------------------------------------------------------------------- caps

INTERP_MAX_LENGTH = 150  # interpolation: longer series are resampled to this many points
LAMBDA_STEPS = 21  # λ = 0, 0.05, …, 1 shipped as animation frames
INTERP_MAX_ITER = 150  # optimiser iterations per λ
MAX_SERIES = 40  # barycenters: at most this many members (the first ones)
MAX_LENGTH = 300  # barycenters: longer members are resampled to this many points
BARYCENTER_MAX_ITER = 200
BUDGET_SECONDS = 30.0  # an optimiser still running after this long is stopped (and says so)
PRED_MAX_TRAIN = 200
PRED_MAX_TEST = 300
PRED_MAX_LENGTH = 300
PRED_MAX_ITER = 500
PREDICTION_LOSSES = ("euclidean", "softdtw", "dilate")


# --------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def numba_threads(k: int = 1):
    """Run the block with at most ``k`` Numba threads (this thread only), then restore."""
    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(int(k), before)))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def _report(progress: Progress, fraction: float, text: str) -> None:
    if progress is not None:
        progress(float(min(max(fraction, 0.0), 1.0)), text)


def _as_float_series(s) -> np.ndarray:
    a = np.asarray(s, dtype=np.float64)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    return a


# --------------------------------------------------------------------------- member sets


def cap_series(series: Sequence, *, max_series: int, max_length: int,
               what: str = "series") -> tuple[list[np.ndarray], list[str]]:
    """The first ``max_series`` series, each longer than ``max_length`` resampled to it.

    Returns the capped list and the messages that say what was cut.
    """
    items = [_as_float_series(s) for s in data.as_series_list(series)]
    notes: list[str] = []
    if len(items) > max_series:
        notes.append(f"{len(items)} {what}: the first {max_series} are used (cap {max_series}, "
                     "to keep the page responsive).")
        items = items[:max_series]
    long = [len(s) for s in items if len(s) > max_length]
    if long:
        notes.append(f"{len(long)} {what} longer than {max_length} points (up to {max(long)}) "
                     f"are linearly resampled to {max_length} points (cap {max_length}).")
        items = [_as_float_series(sd.resample(s, max_length)) if len(s) > max_length else s
                 for s in items]
    return items, notes


@dataclass(frozen=True)
class MemberSet:
    """The series to average, after the caps.

    ``template`` is the ground truth of a synthetic warped-copies set (else ``None``);
    ``total`` the number of series before the cap.
    """

    series: list[np.ndarray]
    name: str
    notes: tuple[str, ...] = ()
    template: np.ndarray | None = None
    total: int = 0

    @property
    def dim(self) -> int:
        s = self.series[0]
        return 1 if s.ndim == 1 else s.shape[1]


def class_options(labels) -> list[str]:
    """Class labels as the texts a widget shows, in sorted order."""
    if labels is None:
        return []
    return [str(c) for c in np.unique(np.asarray(labels))]


def _select_class(series, labels, label: str | None):
    items = data.as_series_list(series)
    if labels is None or label is None:
        return items
    labels = np.asarray(labels)
    keep = [k for k in range(len(items)) if str(labels[k]) == str(label)]
    if not keep:
        raise ValueError(f"no series of class {label!r}; classes: "
                         f"{', '.join(class_options(labels))}")
    return [items[k] for k in keep]


def dataset_members(name: str, split: str, label: str, *, max_series: int = MAX_SERIES,
                    max_length: int = MAX_LENGTH) -> MemberSet:
    """The series of one class of a bundled dataset split, capped."""
    ds = data.load_dataset(name, split)
    items = _select_class(ds.series, ds.labels, label)
    capped, notes = cap_series(items, max_series=max_series, max_length=max_length,
                               what=f"series in class {label}")
    return MemberSet(capped, f"{ds.name}/{split}, class {label}", tuple(notes), None,
                     len(items))


def warped_members(n: int, length: int, template: str, warp: float, noise: float,
                   seed: int) -> MemberSet:
    """Randomly warped noisy copies of a template (:func:`explorer.data.warped_copies`)."""
    if not 2 <= int(n) <= MAX_SERIES:
        raise ValueError(f"number of copies must be between 2 and {MAX_SERIES}; got {n}")
    if not 8 <= int(length) <= MAX_LENGTH:
        raise ValueError(f"length must be between 8 and {MAX_LENGTH}; got {length}")
    ds = data.warped_copies(int(n), int(length), templates=(template,), warp=float(warp),
                            noise=float(noise), seed=int(seed))
    series = [np.asarray(s, dtype=np.float64) for s in ds.series]
    number = formatting.number
    return MemberSet(series, f"{n} warped copies of '{template}' (warp {number(warp)}, noise "
                     f"{number(noise)}, seed {seed})", (), np.asarray(ds.metadata["templates"][0]),
                     len(series))


def uploaded_members(up: dict, label: str | None, *, max_series: int = MAX_SERIES,
                     max_length: int = MAX_LENGTH) -> MemberSet:
    """The uploaded series (one class of them when the upload has labels), capped."""
    items = _select_class(up["series"], up.get("labels"), label)
    dims = {1 if np.ndim(s) == 1 or np.shape(s)[1] == 1 else np.shape(s)[1] for s in items}
    if len(dims) > 1:
        raise ValueError(f"the uploaded series have different numbers of channels "
                         f"({sorted(dims)}); a barycenter needs one.")
    capped, notes = cap_series(items, max_series=max_series, max_length=max_length,
                               what="uploaded series")
    name = f"upload {up.get('filename', '')}" + (f", class {label}" if label is not None else "")
    return MemberSet(capped, name, tuple(notes), None, len(items))


# --------------------------------------------------------------------------- interpolation


@dataclass
class InterpolationGrid:
    """Soft-DTW and Euclidean interpolants of x (weight λ) and y (weight 1 − λ) on a λ grid."""

    lams: np.ndarray
    soft: list[np.ndarray]
    euclid: list[np.ndarray]
    objectives: np.ndarray
    n_iter: np.ndarray
    seconds: float
    gamma: float
    objective: str


def interpolation_grid(x, y, gamma: float, *, objective: str = "softdtw", band=None,
                       steps: int = LAMBDA_STEPS, max_iter: int = INTERP_MAX_ITER,
                       progress: Progress = None) -> InterpolationGrid:
    """Warm-started soft-DTW interpolation path on ``steps`` equally spaced λ.

    ``λ`` weighs ``x``: ``λ = 1`` targets x, ``λ = 0`` targets y
    (:func:`softdtw_core.interpolation_path`).
    """
    x = _as_float_series(x)
    y = _as_float_series(y)
    if steps < 2:
        raise ValueError("the λ grid needs at least 2 points")
    lams = np.linspace(0.0, 1.0, int(steps))
    t0 = time.perf_counter()
    done = [0]

    def cb(_idx, r):
        done[0] += 1
        _report(progress, done[0] / len(lams),
                f"λ = {formatting.fixed(r.lam)} solved ({done[0]}/{len(lams)}, {r.n_iter} "
                "iterations)")

    with numba_threads(1):
        path = sd.interpolation_path(x, y, lams, gamma, objective=objective, band=band,
                                     max_iter=int(max_iter), warm_start=True, callback=cb)
    seconds = time.perf_counter() - t0
    eu = [_as_float_series(sd.euclidean_interpolation(x, y, lam, length=len(r.solution)))
          for lam, r in zip(lams, path)]
    return InterpolationGrid(
        lams, [_as_float_series(r.solution) for r in path], eu,
        np.array([r.objective for r in path]),
        np.array([r.n_iter for r in path]), seconds, float(gamma), objective)



def prepare_pair(x, y, max_length: int = INTERP_MAX_LENGTH):
    """x and y resampled to at most ``max_length`` points, with the messages saying so."""
    out, notes = [], []
    for s, name in ((x, "x"), (y, "y")):
        s = _as_float_series(s)
        if len(s) > max_length:
            notes.append(f"{name} has {len(s)} points: it is linearly resampled to {max_length} "
                         f"(this page's cap, so the {LAMBDA_STEPS} interpolants stay fast).")
            s = _as_float_series(sd.resample(s, max_length))
        out.append(s)
    return out[0], out[1], notes


# --------------------------------------------------------------------------- barycenters


@dataclass
class MethodResult:
    """One averaging method's barycenter and its scores.

    ``dtw_loss`` is ``Σ_j dtw_0(b, Y_j) / (N m_j)`` (:func:`softdtw_core.dtw_loss`, the
    paper's Table 1 score); ``trace`` the objective after every iteration (``phases`` the
    optimiser phase of each entry) or empty for the Euclidean mean.
    """

    name: str
    barycenter: np.ndarray
    dtw_loss: float
    seconds: float
    n_iter: int = 0
    objective: float = float("nan")
    converged: bool = True
    message: str = ""
    trace: np.ndarray = field(default_factory=lambda: np.zeros(0))
    phases: tuple[str, ...] = ()


@dataclass
class BarycenterComparison:
    methods: dict[str, MethodResult]
    gamma: float
    init: str
    objective: str
    template_loss: float | None = None

    def table(self) -> dict:
        """Columns of the comparison table (one row per method, the template last)."""
        rows = list(self.methods.values())
        cols = {
            "method": [r.name for r in rows],
            "DTW loss (γ = 0)": [r.dtw_loss for r in rows],
            "run time (s)": [r.seconds for r in rows],
            "iterations": [r.n_iter for r in rows],
            "final objective": [r.objective for r in rows],
            "converged": [("yes" if r.converged else "no") for r in rows],
        }
        if self.template_loss is not None:
            cols["method"].append("true template (reference)")
            cols["DTW loss (γ = 0)"].append(self.template_loss)
            cols["run time (s)"].append(float("nan"))
            cols["iterations"].append(0)
            cols["final objective"].append(float("nan"))
            cols["converged"].append("")
        return cols


def _budget_callback(progress: Progress, label: str, max_iter: int, start: float,
                     budget: float, lo: float, hi: float):
    """A barycenter callback that reports progress and stops after ``budget`` seconds."""
    state = {"over": False}

    def cb(step):
        frac = lo + (hi - lo) * min(step.iteration / max(max_iter, 1), 1.0)
        _report(progress, frac, f"{label}: iteration {step.iteration}, objective "
                f"{formatting.number(step.objective)}")
        if time.perf_counter() - start > budget:
            state["over"] = True
            return True
        return None

    return cb, state


def _run_method(name, fn, series, *, progress, max_iter, budget, lo, hi):
    t0 = time.perf_counter()
    cb, st_ = _budget_callback(progress, name, max_iter, t0, budget, lo, hi)
    res = fn(cb)
    seconds = time.perf_counter() - t0
    message = str(res.message)
    if st_["over"]:
        message = (f"stopped after the {formatting.number(budget)} s budget "
                   f"(iteration {res.n_iter})")
    bary = _as_float_series(res.solution)
    return MethodResult(
        name, bary, sd.dtw_loss(bary, series), seconds, int(res.n_iter), float(res.objective),
        bool(res.converged), message,
        np.array([s.objective for s in res.history], dtype=np.float64),
        tuple(s.phase for s in res.history))


def barycenter_comparison(series: Sequence, gamma: float, *, init: str = "euclidean",
                          objective: str = "softdtw", band=None,
                          max_iter: int = BARYCENTER_MAX_ITER, template=None,
                          budget: float = BUDGET_SECONDS, seed: int = 0,
                          progress: Progress = None) -> BarycenterComparison:
    """Euclidean mean, DBA and the soft-DTW barycenter of ``series``.

    DBA and the soft-DTW barycenter start from the same ``init``; every method's DTW loss
    (γ = 0) and wall-clock time are measured here.
    """
    series = [_as_float_series(s) for s in series]
    if len(series) < 1:
        raise ValueError("no series to average")
    tmpl = None if template is None else _as_float_series(template)
    methods = {}
    with numba_threads(1):
        _report(progress, 0.0, "Euclidean mean")
        t0 = time.perf_counter()
        eu = _as_float_series(sd.euclidean_barycenter(series))
        methods["euclidean"] = MethodResult("Euclidean mean", eu, 0.0, 0.0)
        methods["euclidean"].seconds = time.perf_counter() - t0
        methods["euclidean"].dtw_loss = sd.dtw_loss(eu, series)
        methods["dba"] = _run_method(
            "DBA", lambda cb: sd.dba_barycenter(series, init=init, band=band,
                                                max_iter=max_iter, callback=cb,
                                                random_state=seed),
            series, progress=progress, max_iter=max_iter, budget=budget, lo=0.05, hi=0.35)
        methods["softdtw"] = _run_method(
            f"soft-DTW (γ = {formatting.number(gamma)})",
            lambda cb: sd.softdtw_barycenter(series, gamma, init=init, objective=objective,
                                             band=band, max_iter=max_iter, callback=cb,
                                             random_state=seed),
            series, progress=progress, max_iter=max_iter, budget=budget, lo=0.35, hi=1.0)
        tl = None if tmpl is None else sd.dtw_loss(tmpl, series)
    _report(progress, 1.0, "done")
    return BarycenterComparison(methods, float(gamma), init, objective, tl)


@dataclass
class BarycenterSweep:
    """The soft-DTW barycenter for each γ, its DTW loss, iterations, time and message."""

    gammas: np.ndarray
    barycenters: list[np.ndarray]
    losses: np.ndarray
    n_iter: np.ndarray
    seconds: np.ndarray
    messages: list[str]


def barycenter_sweep(series: Sequence, gammas: Sequence[float], *, init: str = "euclidean",
                     objective: str = "softdtw", band=None,
                     max_iter: int = BARYCENTER_MAX_ITER, budget: float = BUDGET_SECONDS,
                     seed: int = 0, progress: Progress = None) -> BarycenterSweep:
    """The soft-DTW barycenter for each γ (in increasing order) with its DTW loss."""
    series = [_as_float_series(s) for s in series]
    gammas = np.array(sorted({float(g) for g in gammas}))
    if gammas.size == 0:
        raise ValueError("choose at least one γ for the sweep")
    out = []
    with numba_threads(1):
        for k, g in enumerate(gammas):
            lo, hi = k / len(gammas), (k + 1) / len(gammas)
            out.append(_run_method(
                f"γ = {formatting.number(g)}",
                lambda cb, g=g: sd.softdtw_barycenter(
                    series, g, init=init, objective=objective, band=band,
                    max_iter=max_iter, callback=cb, random_state=seed),
                series, progress=progress, max_iter=max_iter, budget=budget, lo=lo,
                hi=hi))
    _report(progress, 1.0, "done")
    return BarycenterSweep(gammas, [r.barycenter for r in out],
                           np.array([r.dtw_loss for r in out]),
                           np.array([r.n_iter for r in out]),
                           np.array([r.seconds for r in out]),
                           [r.message for r in out])



# --------------------------------------------------------------------------- prediction


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
                _report(progress, (k + step.iteration / max_iter) / count,
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
    _report(progress, 1.0, "done")
    return PredictionRun(params, preds, scores, curves, secs, iters)
