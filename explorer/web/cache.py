"""Every cache of the app, and its policy, in one place.

The work is done by :mod:`explorer.logic` (and :mod:`softdtw_core`), which never caches and
stays importable and testable without Streamlit; this module wraps those pure functions.

Two kinds of cache
------------------
``st.cache_data`` (most wrappers below) hashes the arguments and pickles the result per call;
it is shared by every session of the server, and concurrent calls with the same arguments
compute once. The long computations of the Use pages (interpolation grids, barycenter
comparisons and sweeps, predictor training, k-means runs and their baselines, pairwise
matrices) are *jobs* instead (:mod:`explorer.web.jobs`): they run on a bounded pool of worker
threads, are shared between the students who ask for the same inputs, and the finished ones
stay in :data:`JOB_STORE`, a thread-safe LRU (:class:`Memo`) keyed by a hash of the inputs
(:func:`cache_key`). The jobs of *Your data* on a Dask cluster (:func:`cluster_job`) are
shared the same way, on their own pool, and stay in :data:`CLUSTER_JOB_STORE`; a matrix
job's Zarr store on disk goes when its job leaves it. :func:`clear_memo` empties both.

Limits
------
:data:`LIMITS` gives every cache's limits: entries (least recently used first out), bytes
(:class:`Memo` only: ``st.cache_data`` cannot count them, so its entries are few and its
worst entry is bounded by the page caps, noted beside each) and a time to live, after
which an entry is dropped even if used (results depend on their arguments only, so the TTL
is there to hand memory back after a lesson, not for freshness).
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass

import numpy as np
import streamlit as st

import softdtw_core as sd
from explorer import data
from explorer.logic import cluster_jobs, clustering, learning, loss, teaching, tuning
from explorer.plots import clustering as clustering_plots
from explorer.plots import loss as loss_plots
from explorer.plots import teaching as teaching_plots

from . import jobs
from .job_process import Task

__all__ = [
    "CLUSTER_JOB_STORE",
    "JOB_STORE",
    "LIMITS",
    "Limit",
    "Memo",
    "barycenter_comparison",
    "barycenter_sweep",
    "cache_key",
    "clear_memo",
    "cluster_job",
    "collection",
    "cost_table_figures",
    "dask_client",
    "dtw_inertia",
    "enumeration",
    "gamma_figure",
    "gamma_frames",
    "gamma_grid",
    "gamma_suggestion",
    "gamma_sweep",
    "interpolation_grid",
    "kmeans_run",
    "loss_curve",
    "loss_descent",
    "loss_descent_figure",
    "loss_frames",
    "loss_gradient",
    "loss_gradient_figures",
    "loss_line_figure",
    "loss_scan",
    "loss_switch_figure",
    "loss_switches",
    "nbytes",
    "optimal_path",
    "pairwise_matrix",
    "parse_upload",
    "predictors",
    "sample_csv",
    "synthetic_set",
    "tables",
    "tuning_data",
    "tuning_run",
]

HOUR = 3600.0
MIB = 2**20


@dataclass(frozen=True)
class Limit:
    """The limits of one cache: entries, bytes (None: not counted) and time to live (s)."""

    entries: int
    max_bytes: int | None = None
    ttl: float = HOUR


#: Every cache's limits. Worst entry sizes follow from the pages' caps.
LIMITS = {
    # Learn pages and the Your data pair view (st.cache_data)
    "tables": Limit(12),  # Δ, R, local weights, E of a pair: ≤ 48 MB at 1000 × 1000
    "optimal_path": Limit(24),  # DTW path and value of a pair: ≤ 2000 cells
    "gamma_frames": Limit(8),  # E for each γ frame, ≤ 200 × 200 each: ≤ 10 MB
    "gamma_sweep": Limit(8),  # the γ explorer's curves: a few kB
    "gamma_figure": Limit(8),  # the γ explorer's animated figure: ≤ 10 MB
    "cost_table_figures": Limit(32),  # built figures (shared objects): ≤ 20 MB at 1000²
    "enumeration": Limit(16),  # brute force over ≤ 10⁵ paths: a few kB
    # DTW as a loss (lines of ≤ 200 points, ≤ 121 frames)
    "loss_curve": Limit(32),  # one γ's values and slopes along a line: a few kB
    "loss_switches": Limit(8),  # the changes of A* along it: a few kB
    "loss_frames": Limit(8),  # E at the animation frames of the line: ≤ 40 MB
    "loss_line_figure": Limit(8),  # the animated line figure: ≤ 40 MB
    "loss_switch_figure": Limit(16),  # Δ with the paths either side of a change of A*
    "loss_gradient": Limit(16),  # the two gradients at x: a few kB
    "loss_gradient_figures": Limit(16),  # drawn as arrows, and E's pulls: ≤ 1 MB
    "loss_descent": Limit(8),  # gradient descent on each loss: ≤ 2 MB
    "loss_descent_figure": Limit(8),  # its animated figure: ≤ 5 MB
    # k-means and Your data pages (st.cache_data)
    "synthetic_set": Limit(16),  # ≤ 150 × 200 points
    "collection": Limit(16),  # a collection after the page's caps: ≤ 150 × 500 points
    "dtw_inertia": Limit(32),
    "parse_upload": Limit(8),  # an uploaded file (≤ 50 MB) parsed: ≤ 50 MB
    "sample_csv": Limit(1),
    # Tune γ page
    "tuning_data": Limit(8),  # a labelled collection after the page's caps: ≤ 120 × 150 points
    "gamma_suggestion": Limit(16),  # suggest_gamma on it: a few kB
    "gamma_grid": Limit(16),  # gamma_grid around it: ≤ 12 numbers
    # Use pages' jobs, finished (explorer.web.jobs), in one LRU
    "jobs": Limit(64, max_bytes=256 * MIB),
    # Your data on a Dask cluster: one client per scheduler address (st.cache_resource),
    # and the finished cluster jobs (a matrix job's Zarr store on disk, ≤ 200 MB at 5,000
    # series, goes with its entry)
    "dask_client": Limit(4),
    "cluster_jobs": Limit(8, max_bytes=64 * MIB),
}

def _cached(name: str):
    """``st.cache_data`` bounded by ``LIMITS[name]``, without Streamlit's spinner."""
    limit = LIMITS[name]
    return st.cache_data(max_entries=limit.entries, ttl=limit.ttl, show_spinner=False)


# --------------------------------------------------------------------------- Learn pages


@_cached("tables")
def tables(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band) -> sd.SoftDTWTables:
    """Δ, R, local weights, E and the value (:func:`softdtw_core.soft_dtw_tables`)."""
    return sd.soft_dtw_tables(x, y, gamma, cost=cost, band=band)


@_cached("optimal_path")
def optimal_path(x: np.ndarray, y: np.ndarray, cost: str, band):
    """:func:`explorer.logic.teaching.optimal_path`: 0-based cells and the DTW value."""
    return teaching.optimal_path(x, y, cost=cost, band=band)


@_cached("gamma_frames")
def gamma_frames(x: np.ndarray, y: np.ndarray, cost: str, band,
                 max_size: int = 200) -> teaching.GammaFrames:
    """:func:`explorer.logic.teaching.gamma_frames`."""
    return teaching.gamma_frames(x, y, cost=cost, band=band, max_size=max_size)


@_cached("gamma_sweep")
def gamma_sweep(x: np.ndarray, y: np.ndarray, cost: str, band) -> teaching.GammaSweep:
    """:func:`explorer.logic.teaching.gamma_sweep` on the γ grid of
    :func:`~explorer.logic.teaching.sweep_gammas`."""
    return teaching.gamma_sweep(x, y, teaching.sweep_gammas(), cost=cost, band=band)


@_cached("gamma_figure")
def gamma_figure(x: np.ndarray, y: np.ndarray, cost: str, band, mode: str,
                 max_size: int = 200) -> dict:
    """The γ explorer's animated figure (as a dict, opening on frame 0), built once per data.

    Use :func:`explorer.plots.teaching.with_active_frame` to open it on another γ.
    """
    frames = gamma_frames(x, y, cost, band, max_size)
    fig = teaching_plots.gamma_animation_figure(
        frames.frames, frames.gammas, gamma_sweep(x, y, cost, band), mode=mode, active=0,
        rows=frames.rows, cols=frames.cols, uirevision=f"gamma-{len(x)}-{len(y)}-{mode}")
    return fig.to_dict()


@st.cache_resource(max_entries=LIMITS["cost_table_figures"].entries,
                   ttl=LIMITS["cost_table_figures"].ttl, show_spinner=False)
def cost_table_figures(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band,
                       show_path: bool, show_E: bool, cell: tuple[int, int]):
    """The Cost & DP table page's two figures (Δ with the margins, R), built once per view.

    Building them (``go.Figure`` validates every property) costs tens of milliseconds, their
    serialisation by ``st.plotly_chart`` two: every student opening the page with the same
    series and settings gets these same objects (``st.cache_resource``: shared, not copied,
    so never modify them; ``st.plotly_chart`` does not).
    """
    t = tables(x, y, gamma, cost, band)
    path, _ = optimal_path(x, y, cost, band)
    n, m = len(x), len(y)
    shown = path if show_path else None
    fig = teaching_plots.cost_figure(x, y, t.cost, path=shown, E=t.E if show_E else None,
                                     selected=cell, cost_label="Δ", uirevision=f"cost-{n}-{m}")
    fig_r = teaching_plots.dp_table_figure(t.R, selected=cell, path=shown,
                                           uirevision=f"dp-{n}-{m}")
    return fig, fig_r


@_cached("enumeration")
def enumeration(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band):
    """:func:`explorer.logic.teaching.enumeration_check` (brute force over every path)."""
    return teaching.enumeration_check(x, y, gamma, cost=cost, band=band)


def _direction(x, kind, point, channel) -> loss.Direction:
    return loss.direction(x, kind, point=point, channel=channel)


@_cached("loss_curve")
def loss_curve(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
               gamma: float, cost: str, band) -> np.ndarray:
    """:func:`explorer.logic.loss.line_curve`: one γ's values and slopes along the line."""
    return loss.line_curve(x, y, _direction(x, kind, point, channel), gamma, cost=cost,
                           band=band)


@_cached("loss_switches")
def loss_switches(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                  cost: str, band) -> tuple:
    """:func:`explorer.logic.loss.line_switches`: the changes of A* along the line."""
    return loss.line_switches(x, y, _direction(x, kind, point, channel), cost=cost, band=band)


def loss_scan(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
              gamma: float, cost: str, band) -> loss.LineScan:
    """:func:`explorer.logic.loss.line_scan` from cached pieces: a new sidebar γ computes its
    own curve only."""
    d = _direction(x, kind, point, channel)
    curves = {g: loss_curve(x, y, kind, point, channel, g, cost, band)
              for g in loss.curve_gammas(gamma)}
    return loss.assemble_scan(loss.line_grid(d), curves,
                              *loss_switches(x, y, kind, point, channel, cost, band))


@_cached("loss_frames")
def loss_frames(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                gamma: float, cost: str, band) -> loss.LineFrames:
    """:func:`explorer.logic.loss.line_frames` along the same direction."""
    return loss.line_frames(x, y, _direction(x, kind, point, channel), gamma, cost=cost,
                            band=band)


@_cached("loss_line_figure")
def loss_line_figure(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                     gamma: float, cost: str, band) -> dict:
    """The animated line figure (:func:`explorer.plots.loss.line_figure`) as a dict."""
    args = (x, y, kind, point, channel, gamma, cost, band)
    return loss_plots.line_figure(x, y, _direction(x, kind, point, channel).V,
                                  loss_scan(*args), loss_frames(*args), gamma=gamma,
                                  channel=channel).to_dict()


@_cached("loss_switch_figure")
def loss_switch_figure(x: np.ndarray, y: np.ndarray, kind: str, point: int, channel: int,
                       cost: str, band, index: int) -> dict:
    """Δ at the ``index``-th change of A* with the paths either side
    (:func:`explorer.plots.loss.switch_figure`), as a dict."""
    switch = loss_switches(x, y, kind, point, channel, cost, band)[0][index]
    x_at, D = loss.switch_cost(x, y, _direction(x, kind, point, channel), switch, cost=cost)
    return loss_plots.switch_figure(x_at, y, D, switch).to_dict()


@_cached("loss_gradient")
def loss_gradient(x: np.ndarray, y: np.ndarray, gamma: float, cost: str,
                  band) -> loss.GradientView:
    """:func:`explorer.logic.loss.gradient_view`."""
    return loss.gradient_view(x, y, gamma, cost=cost, band=band)


@_cached("loss_gradient_figures")
def loss_gradient_figures(x: np.ndarray, y: np.ndarray, gamma: float, cost: str, band,
                          channel: int, gamma_text: str) -> tuple[dict, dict]:
    """The arrows (:func:`explorer.plots.loss.gradient_figure`) and E's pulls
    (:func:`explorer.plots.clustering.match_lines_figure`), as dicts."""
    view = loss_gradient(x, y, gamma, cost, band)
    arrows = loss_plots.gradient_figure(x, y, view, channel=channel, gamma_text=gamma_text)
    pulls = clustering_plots.match_lines_figure(x, y, view.E, channel=channel)
    return arrows.to_dict(), pulls.to_dict()


@_cached("loss_descent")
def loss_descent(x: np.ndarray, y: np.ndarray, gammas: tuple, eta: float, steps: int,
                 cost: str, band) -> loss.Descent:
    """:func:`explorer.logic.loss.descent`."""
    return loss.descent(x, y, gammas, eta=eta, steps=steps, cost=cost, band=band)


@_cached("loss_descent_figure")
def loss_descent_figure(x: np.ndarray, y: np.ndarray, gammas: tuple, eta: float, steps: int,
                        cost: str, band, channel: int) -> dict:
    """The animated descent figure (:func:`explorer.plots.loss.descent_figure`) as a dict."""
    desc = loss_descent(x, y, gammas, eta, steps, cost, band)
    return loss_plots.descent_figure(desc, y, channel=channel).to_dict()


# --------------------------------------------------------------------------- k-means, Your data


@_cached("synthetic_set")
def synthetic_set(kind: str, n_per_class: int, length: int, seed: int) -> data.Dataset:
    """:func:`explorer.logic.clustering.synthetic_set`."""
    return clustering.synthetic_set(kind, n_per_class, length, seed)


@_cached("collection")
def collection(series, labels, names, max_series: int,
               max_length: int) -> clustering.Collection:
    """:func:`explorer.logic.clustering.prepare_collection` (caps with notes)."""
    return clustering.prepare_collection(series, labels, names, max_series=max_series,
                                         max_length=max_length)


@_cached("dtw_inertia")
def dtw_inertia(series, centers) -> float:
    """``Σ_i min_c dtw_0(x_i, c)``, the score all three k-means are compared on."""
    return float(sd.dtw_inertia(series, centers))


@_cached("parse_upload")
def parse_upload(content: bytes, filename: str, overrides: tuple) -> data.ParsedSeries:
    """:func:`explorer.data.parse_series_file` with the page's overrides (a tuple of pairs).

    A :class:`explorer.data.SeriesFileError` propagates (it is not cached).
    """
    return data.parse_series_file(content, filename, **dict(overrides))


@st.cache_resource(max_entries=LIMITS["dask_client"].entries, ttl=LIMITS["dask_client"].ttl,
                   show_spinner=False)
def _client(address: str) -> dict:
    # in a dict: a Client is awaitable, and st.cache_resource refuses awaitable results
    return {"client": cluster_jobs.connect(address)}


def dask_client(address: str):
    """The server's client of the scheduler at ``address``, shared by every session (a
    ``distributed.Client`` is thread-safe); a closed one (the scheduler went away) is
    replaced. Raises ``ConnectionError`` (not cached) when no scheduler answers."""
    client = _client(address)["client"]
    if client.status != "running":
        _client.clear()
        client = _client(address)["client"]
    return client


@_cached("sample_csv")
def sample_csv() -> bytes:
    """:func:`explorer.logic.clustering.sample_csv`, the Your data page's example file."""
    return clustering.sample_csv()


# --------------------------------------------------------------------------- Tune γ


@_cached("tuning_data")
def tuning_data(series, labels, names, n_folds: int) -> tuning.TuningData:
    """:func:`explorer.logic.tuning.prepare` (caps, label checks, folds); its ValueError
    propagates (it is not cached)."""
    return tuning.prepare(series, labels, names, n_folds=n_folds)


@_cached("gamma_suggestion")
def gamma_suggestion(series) -> sd.GammaSuggestion:
    """:func:`softdtw_core.suggest_gamma` with its defaults (seeded: reproducible)."""
    return sd.suggest_gamma(series)


@_cached("gamma_grid")
def gamma_grid(series, num: int) -> np.ndarray:
    """:func:`softdtw_core.gamma_grid`: ``num`` values over two decades around the
    suggestion."""
    return sd.gamma_grid(series, num)


# --------------------------------------------------------------------------- memo (live progress)


def _hash_part(h, part) -> None:
    if isinstance(part, np.ndarray):
        a = np.ascontiguousarray(part)
        h.update(f"nd{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    elif isinstance(part, list | tuple):
        h.update(f"seq{len(part)}(".encode())
        for p in part:
            _hash_part(h, p)
        h.update(b")")
    elif isinstance(part, dict):
        h.update(b"dict(")
        for k in sorted(part):
            _hash_part(h, str(k))
            _hash_part(h, part[k])
        h.update(b")")
    elif is_dataclass(part) and not isinstance(part, type):
        h.update(f"{type(part).__qualname__}(".encode())
        for f in fields(part):
            _hash_part(h, f.name)
            _hash_part(h, getattr(part, f.name))
        h.update(b")")
    else:
        h.update(f"{type(part).__name__}:{part!r};".encode())


def cache_key(*parts) -> str:
    """A stable hash of arrays, sequences, dicts, dataclasses and scalars."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        _hash_part(h, p)
    return h.hexdigest()


def nbytes(value, _seen=None) -> int:
    """Approximate memory held by a result: its NumPy arrays' buffers plus a small amount
    per Python object, through lists, tuples, dicts, dataclasses and named tuples."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    elif is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name) for f in fields(value)]
    elif isinstance(value, jobs.Job):
        items = [value.result, value.frames, value.reports]
    else:
        return sys.getsizeof(value)
    return 64 + sum(nbytes(v, seen) for v in items)


class Memo:
    """A small thread-safe LRU of computed results, keyed by :func:`cache_key`.

    Bounded by ``limit``: at most ``limit.entries`` entries and ``limit.max_bytes`` bytes
    (:func:`nbytes`; a result bigger than that is not kept), each dropped ``limit.ttl``
    seconds after it was stored. ``on_drop(value)`` is called for every value that leaves
    (evicted, expired, replaced, cleared, or not kept), after the lock is released: for
    results that hold something besides memory (files).
    """

    def __init__(self, limit: Limit, clock=time.monotonic,
                 on_drop: Callable[[object], None] | None = None):
        self.limit = limit
        self._clock = clock
        self._on_drop = on_drop
        self._items: OrderedDict[str, tuple[object, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _pop(self, key: str) -> object:
        value, size, _ = self._items.pop(key)
        self._bytes -= size
        return value

    def _dropped(self, values: list) -> None:
        if self._on_drop is not None:
            for value in values:
                self._on_drop(value)

    def _expire(self) -> list:
        now = self._clock()
        return [self._pop(k) for k, (_, _, t) in list(self._items.items())
                if now - t > self.limit.ttl]

    def get(self, key: str):
        """The result stored under ``key`` (now the most recent), or None."""
        value = None
        with self._lock:
            dropped = self._expire()
            if key in self._items:
                self._items.move_to_end(key)
                value = self._items[key][0]
        self._dropped(dropped)
        return value

    def put(self, key: str, value) -> None:
        """Store a result; the least recently used ones go beyond the limits."""
        size = nbytes(value)
        with self._lock:
            dropped = self._expire()
            if key in self._items and self._items[key][0] is not value:
                dropped.append(self._pop(key))
            elif key in self._items:
                self._pop(key)
            cap = self.limit.max_bytes
            if cap is not None and size > cap:
                dropped.append(value)
            else:
                self._items[key] = (value, size, self._clock())
                self._bytes += size
            while len(self._items) > self.limit.entries or (
                    cap is not None and self._bytes > cap):
                dropped.append(self._pop(next(iter(self._items))))
        self._dropped(dropped)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def bytes(self) -> int:
        """Bytes held (:func:`nbytes` of every entry)."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        with self._lock:
            dropped = [value for value, _, _ in self._items.values()]
            self._items.clear()
            self._bytes = 0
        self._dropped(dropped)


def _remove_cluster_files(job: jobs.Job) -> None:
    cluster_jobs.remove_store(job.result)


JOB_STORE = Memo(LIMITS["jobs"])
CLUSTER_JOB_STORE = Memo(LIMITS["cluster_jobs"], on_drop=_remove_cluster_files)


def clear_memo() -> None:
    """Forget every finished job (interpolation grids, barycenters, k-means runs, …, and
    the cluster jobs)."""
    JOB_STORE.clear()
    CLUSTER_JOB_STORE.clear()


def _job(label: str, compute, *args, **kwargs) -> jobs.Job:
    """The shared job running ``compute(*args, progress=..., **kwargs)``, keyed by the
    function and its arguments (:func:`cache_key`)."""
    key = cache_key(compute.__module__, compute.__qualname__, args, kwargs)
    return jobs.runner().submit(key, label, Task(compute, args, kwargs))


def interpolation_grid(x, y, gamma, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.learning.interpolation_grid`."""
    return _job("Interpolating", learning.interpolation_grid, x, y, gamma, **kwargs)


def barycenter_comparison(series, gamma, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.learning.barycenter_comparison`."""
    return _job("Averaging", learning.barycenter_comparison, series, gamma, **kwargs)


def barycenter_sweep(series, gammas, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.learning.barycenter_sweep`."""
    return _job("γ sweep", learning.barycenter_sweep, series, gammas, **kwargs)


def predictors(d: learning.PredictionData, gamma, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.learning.train_predictors`."""
    return _job("Training", learning.train_predictors, d, gamma, **kwargs)


def pairwise_matrix(series, gamma: float, divergence: bool, cost: str, band) -> jobs.Job:
    """Job: :func:`explorer.logic.clustering.pairwise_matrix`, the matrix and its order."""
    key = cache_key("pairwise_matrix", series, gamma, divergence, cost, band)
    run = Task(clustering.pairwise_matrix, (series, gamma),
               dict(divergence=divergence, cost=cost, band=band), progress_arg=None)
    return jobs.runner().submit(key, "Pairwise matrix", run)


def kmeans_run(series, true_labels, params: dict) -> jobs.Job:
    """Job: a live soft-DTW k-means run (each step published as a frame) and its DBA and
    Euclidean baselines (:func:`explorer.logic.clustering.kmeans_record`)."""
    key = cache_key("kmeans_run", series, true_labels, params)
    run = Task(clustering.kmeans_record, (series, true_labels), dict(params),
               progress_arg=None, publish_arg="publish")
    return jobs.runner().submit(key, "k-means", run)


def tuning_run(td, gammas, *, seed: int, k: int) -> jobs.Job:
    """Job: :func:`explorer.logic.tuning.tune` over ``gammas``, each grid point published as
    a frame as soon as it is done (a stopped run keeps them)."""
    gammas = [float(g) for g in gammas]
    budget = float(tuning.BUDGET_SECONDS)  # part of the key: it decides where a run stops
    key = cache_key("tuning_run", td.series, td.labels, td.n_folds, gammas, seed, k, budget)
    run = Task(tuning.tune, (td, gammas), dict(seed=seed, k=k, budget_seconds=budget),
               publish_arg="on_point")
    return jobs.runner().submit(key, "Tuning γ", run)


def cluster_job(client, address: str, series, settings: dict) -> jobs.Job:
    """Job: :func:`explorer.logic.cluster_jobs.run_job` with ``client`` (of the scheduler
    at ``address``), on :func:`explorer.web.jobs.cluster_runner`'s pool.

    Keyed by the address, the series and the settings: students who upload the same file
    and ask for the same job share it. A matrix job's Zarr store is removed when the
    finished job leaves :data:`CLUSTER_JOB_STORE` (or when the job fails).
    """
    key = cache_key("cluster_job", address, series, settings)

    def run(progress, publish):
        return cluster_jobs.run_job(client, series, settings, progress=progress)

    label = f"Cluster: {cluster_jobs.JOBS[settings['job']]}"
    return jobs.cluster_runner().submit(key, label, run)
