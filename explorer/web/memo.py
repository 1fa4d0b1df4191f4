"""The caching machinery of the app, in one place: every cache's limits, the LRU of finished
jobs and the keys.

The work is done by :mod:`explorer.logic` (and :mod:`softdtw_core`), which never caches and
stays importable and testable without Streamlit; each page family's cached entry points
(:mod:`explorer.web.cached`) wrap those pure functions with what this module gives them.

Two kinds of cache
------------------
``st.cache_data`` (:func:`cached`) hashes the arguments and pickles the result per call; it
is shared by every session of the server, and concurrent calls with the same arguments
compute once. The long computations of the Use pages (interpolation grids, barycenter
comparisons and sweeps, predictor training, k-means runs, pairwise matrices, tuning runs)
are *jobs* instead (:mod:`explorer.web.jobs`): they run on a bounded pool of workers, are
shared between the students who ask for the same inputs, and the finished ones stay in
:data:`JOB_STORE`, a thread-safe LRU (:class:`Memo`) keyed by a hash of the inputs
(:func:`cache_key`). The jobs of *Your data* on a Dask cluster are shared the same way, on
their own pool, and stay in :data:`CLUSTER_JOB_STORE`; a matrix job's Zarr store on disk
goes when its job leaves it. :func:`clear_memo` empties both.

Limits
------
:data:`LIMITS` gives every cache's limits: entries (least recently used first out), bytes
(:class:`Memo` only: ``st.cache_data`` cannot count them, so its entries are few and its
worst entry is bounded by the page caps, noted beside each) and a time to live, after
which an entry is dropped even if used (results depend on their arguments only, so the TTL
is there to hand memory back after a lesson, not for freshness).

This module imports nothing from the rest of :mod:`explorer.web`: the job machinery and the
cached entry points import it, never the other way round.
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

__all__ = [
    "CLUSTER_JOB_STORE",
    "JOB_STORE",
    "LIMITS",
    "Limit",
    "Memo",
    "cache_key",
    "cached",
    "clear_memo",
    "nbytes",
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


def cached(name: str):
    """``st.cache_data`` bounded by ``LIMITS[name]``, without Streamlit's spinner."""
    limit = LIMITS[name]
    return st.cache_data(max_entries=limit.entries, ttl=limit.ttl, show_spinner=False)


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
    per Python object, through lists, tuples, dicts, dataclasses and named tuples, and the
    objects with a ``memo_parts()`` method through what it returns (a job: its result, frames
    and reports)."""
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
    elif callable(getattr(value, "memo_parts", None)):  # e.g. a job: what it holds
        items = list(value.memo_parts())
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


def _remove_cluster_files(job) -> None:
    # imported here: the server's start-up (which imports this module) does not load
    # the Your data page's logic and SciPy's clustering
    from explorer.logic.your_data import remove_store

    remove_store(job.result)


#: The finished jobs of the server's pool (:func:`explorer.web.jobs.runner`).
JOB_STORE = Memo(LIMITS["jobs"])
#: The finished jobs on a Dask cluster (:func:`explorer.web.jobs.cluster_runner`); a matrix
#: job's Zarr store on disk goes with its entry.
CLUSTER_JOB_STORE = Memo(LIMITS["cluster_jobs"], on_drop=_remove_cluster_files)


def clear_memo() -> None:
    """Forget every finished job (interpolation grids, barycenters, k-means runs, …, and
    the cluster jobs)."""
    JOB_STORE.clear()
    CLUSTER_JOB_STORE.clear()
