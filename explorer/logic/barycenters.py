"""Computations of the Use page *Barycenters* (no Streamlit, no Plotly).

The series to average (a dataset's class, warped copies of a template, an upload, capped by
:data:`MAX_SERIES` and :data:`MAX_LENGTH`), and their Euclidean mean, DBA and soft-DTW
barycenters side by side, or soft-DTW's over a sweep of γ, each optimiser stopped after
:data:`BUDGET_SECONDS`. Long computations take a ``progress(fraction, text)`` callback.
Nothing here caches: :mod:`explorer.web.cached.barycenters` runs them as shared jobs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

import softdtw_core as sd
from explorer import data

from . import formatting
from .common import Progress, as_float_series, cap_series, numba_threads, report

__all__ = [
    "BARYCENTER_MAX_ITER",
    "BUDGET_SECONDS",
    "MAX_LENGTH",
    "MAX_SERIES",
    "BarycenterComparison",
    "BarycenterSweep",
    "MemberSet",
    "MethodResult",
    "barycenter_comparison",
    "barycenter_sweep",
    "class_options",
    "dataset_members",
    "uploaded_members",
    "warped_members",
]

MAX_SERIES = 40  # barycenters: at most this many members (the first ones)
MAX_LENGTH = 300  # barycenters: longer members are resampled to this many points
BARYCENTER_MAX_ITER = 200
BUDGET_SECONDS = 30.0  # an optimiser still running after this long is stopped (and says so)


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

    def traces_table(self, methods=("softdtw", "dba")) -> dict:
        """Columns of the optimisers' objective traces (one row per iteration and method)."""
        runs = [(name, self.methods[name]) for name in methods]
        return {"method": [name for name, r in runs for _ in r.trace],
                "iteration": [k for _, r in runs for k in range(len(r.trace))],
                "phase": [p for _, r in runs for p in r.phases],
                "objective": [float(v) for _, r in runs for v in r.trace]}


def _budget_callback(progress: Progress, label: str, max_iter: int, start: float,
                     budget: float, lo: float, hi: float):
    """A barycenter callback that reports progress and stops after ``budget`` seconds."""
    state = {"over": False}

    def cb(step):
        frac = lo + (hi - lo) * min(step.iteration / max(max_iter, 1), 1.0)
        report(progress, frac, f"{label}: iteration {step.iteration}, objective "
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
    bary = as_float_series(res.solution)
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
    series = [as_float_series(s) for s in series]
    if len(series) < 1:
        raise ValueError("no series to average")
    tmpl = None if template is None else as_float_series(template)
    methods = {}
    with numba_threads(1):
        report(progress, 0.0, "Euclidean mean")
        t0 = time.perf_counter()
        eu = as_float_series(sd.euclidean_barycenter(series))
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
    report(progress, 1.0, "done")
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
    series = [as_float_series(s) for s in series]
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
    report(progress, 1.0, "done")
    return BarycenterSweep(gammas, [r.barycenter for r in out],
                           np.array([r.dtw_loss for r in out]),
                           np.array([r.n_iter for r in out]),
                           np.array([r.seconds for r in out]),
                           [r.message for r in out])
