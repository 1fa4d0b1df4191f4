"""Series in chunks on Dask workers, for :mod:`softdtw_core.distributed`.

- :func:`as_input` validates a list of series, an array or a Dask array on the client (a
  Dask array's values are checked on the workers, by its loader tasks);
- :func:`load` submits one loader task per chunk: for a NumPy input the task's recipe holds
  the chunk's packed series, for a Dask array the array's own graph, so the scheduler can
  rebuild a chunk lost with its worker (``client.scatter`` data could not be rebuilt);
- :class:`DaskCollection` is the collection interface of ``softdtw_core._internal.collection`` over
  such chunks: the barycenter optimiser and the k-means loop evaluate it as they evaluate the
  series in this process.
"""

from __future__ import annotations

import math
import uuid
import warnings
from typing import NamedTuple

import dask
import dask.array as da
import numpy as np

from ..batch import PackedCollection
from ..pairwise import Packed, pack
from .validation import as_dataset, as_series, given_without_d_axis

__all__ = [
    "DaskCollection",
    "Input",
    "as_input",
    "dask_collection",
    "load",
    "split_by_length",
    "task_keys",
]


def task_keys(what: str, count: int) -> list[str]:
    """Task keys that read well on the dashboard and never collide between jobs."""
    token = uuid.uuid4().hex[:12]
    return [f"softdtw-{what}-{token}-{k}" for k in range(count)]


def split_by_length(lengths, n_chunks) -> np.ndarray:
    """Chunk bounds (``chunk k`` = series ``bounds[k]:bounds[k+1]``) of about equal total
    length; equal lengths give equal chunks (the last one shorter)."""
    lengths = np.asarray(lengths)
    n_chunks = max(1, min(int(n_chunks), len(lengths)))
    if (lengths == lengths[0]).all():
        size = math.ceil(len(lengths) / n_chunks)
        return np.append(np.arange(0, len(lengths), size), len(lengths)).astype(np.int64)
    cum = np.cumsum(lengths)
    cuts = np.searchsorted(cum, cum[-1] * np.arange(1, n_chunks) / n_chunks) + 1
    return np.unique(np.concatenate([[0], cuts, [len(lengths)]])).astype(np.int64)


def load_chunk(data, offsets):
    """A chunk from its packed series (a loader task: its recipe holds the data)."""
    return PackedCollection.from_packed(Packed(data, offsets))


def load_block(block, name, start):
    """A chunk from a block of a Dask array, validated on the worker."""
    return PackedCollection.from_packed(pack(
        [as_series(s, f"{name}[{start + k}]") for k, s in enumerate(block)]))


def chunk_series(chunk, k):
    return np.array(chunk[k])


def chunk_subset(chunk, index):
    return chunk.subset(index)


def piece(values):
    return values


class DaskCollection:
    """Series in chunks held by Dask workers (the collection interface of
    ``softdtw_core._internal.collection``); :func:`kmeans` and :func:`barycenter` evaluate it.

    ``chunks[k]`` is a future of the :class:`~softdtw_core.batch.PackedCollection` of the
    series ``bounds[k]:bounds[k+1]``. ``poll()`` runs after every map (the jobs' progress
    and cancel check).
    """

    #: Chunk functions run on the task's thread only.
    parallel = False

    def __init__(self, client, chunks, bounds, lengths, d, poll=None):
        self.client = client
        self.chunks = chunks
        self.bounds = bounds
        self.lengths = lengths
        self.d = d
        self.poll = poll

    def __len__(self):
        return len(self.lengths)

    def series(self, k) -> np.ndarray:
        """Series ``k``, fetched from its worker."""
        c = int(np.searchsorted(self.bounds, k, side="right")) - 1
        return self.client.submit(chunk_series, self.chunks[c], k - int(self.bounds[c]),
                                  pure=False).result()

    def subset(self, index) -> DaskCollection:
        """The series ``index`` (ascending), in chunks that stay on the workers."""
        index = np.asarray(index, dtype=np.int64)
        pos = np.searchsorted(index, self.bounds)
        chunks, bounds = [], [0]
        for c, key in zip(range(len(self.chunks)), task_keys("subset", len(self.chunks))):
            local = index[pos[c]:pos[c + 1]] - self.bounds[c]
            if len(local):
                chunks.append(self.client.submit(chunk_subset, self.chunks[c], local,
                                                 key=key))
                bounds.append(bounds[-1] + len(local))
        return DaskCollection(self.client, chunks, np.array(bounds), self.lengths[index],
                              self.d, self.poll)

    def split(self, values) -> list:
        """Futures of the chunks' pieces of a per-series array, held by the workers (their
        recipes hold the pieces: a lost one is rebuilt like a chunk)."""
        keys = task_keys("piece", len(self.chunks))
        return [self.client.submit(piece, values[a:b], key=key)
                for a, b, key in zip(self.bounds[:-1], self.bounds[1:], keys)]

    def map(self, fn, *args, pieces=()):
        """``[fn(chunk, False, *args, *pieces_of_the_chunk)]`` for every chunk, on the
        workers."""
        keys = task_keys(fn.__name__.replace("_", "-"), len(self.chunks))
        futures = [self.client.submit(fn, chunk, False, *args, *(p[c] for p in pieces), key=key)
                   for c, (chunk, key) in enumerate(zip(self.chunks, keys))]
        try:
            results = self.client.gather(futures)
        except BaseException:
            self.client.cancel(futures)
            raise
        if self.poll is not None:
            self.poll()
        return results

    def release(self) -> None:
        """Forget the chunks (their tasks and data on the workers)."""
        self.client.cancel(self.chunks)


class Input(NamedTuple):
    """A validated input: the series (a list, or a Dask array validated on the workers)."""

    data: list | da.Array
    lengths: np.ndarray
    d: int
    univariate: bool


def as_input(X, name) -> Input:
    if isinstance(X, da.Array):
        if X.ndim not in (2, 3) or 0 in X.shape:
            raise ValueError(
                f"{name} must be a non-empty Dask array of shape (n_series, length) or "
                f"(n_series, length, d); got shape {X.shape}."
            )
        lengths = np.full(X.shape[0], X.shape[1], dtype=np.int64)
        return Input(X, lengths, X.shape[2] if X.ndim == 3 else 1, X.ndim == 2)
    series = as_dataset(X, name)
    lengths = np.array([s.shape[0] for s in series], dtype=np.int64)
    return Input(series, lengths, series[0].shape[1], given_without_d_axis(X))


def load(client, source: Input, bounds, name) -> list:
    """One loader task per chunk ``bounds[k]:bounds[k+1]``; returns their futures."""
    keys = task_keys("load", len(bounds) - 1)
    if isinstance(source.data, da.Array):
        X = source.data
        blocks = X.rechunk((tuple(np.diff(bounds).tolist()),) + (-1,) * (X.ndim - 1))
        return client.compute([
            dask.delayed(load_block)(block, name, int(start), dask_key_name=key)
            for block, start, key in zip(blocks.to_delayed().ravel(), bounds[:-1], keys)])
    with warnings.catch_warnings():  # the loader tasks hold the data on purpose (recipes)
        warnings.filterwarnings("ignore", message="Sending large graph")
        return [client.submit(load_chunk, *pack(source.data[a:b]), key=key)
                for a, b, key in zip(bounds[:-1], bounds[1:], keys)]


def dask_collection(client, X, name, n_chunks):
    """``(DaskCollection, univariate)`` of a list of series, an array or a Dask array."""
    source = as_input(X, name)
    bounds = split_by_length(source.lengths, n_chunks)
    chunks = load(client, source, bounds, name)
    return DaskCollection(client, chunks, bounds, source.lengths, source.d), source.univariate
