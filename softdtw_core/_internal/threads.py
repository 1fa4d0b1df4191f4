"""One thread mechanism for the whole library: a small persistent pool of Python threads
running ``nogil`` Numba kernels chunk by chunk.

:func:`run_chunks` calls ``kernel(c, n_chunks, slot, *args)`` for ``c = 0 … n_chunks - 1``
(``slot``: which of the call's threads runs the chunk, for per-thread scratch buffers): the
calling thread and up to ``numba.get_num_threads() - 1`` pool threads claim chunks one at a
time from a shared counter, so a chunk is run exactly once, by whichever thread is free
first. The kernels are serial ``@njit(nogil=True)`` functions, so the threads run them at
once on the cores; the caller waits only for chunks already started, never for a pool
thread that has not woken up (it claims the remaining chunks itself). Hence:

- **Many callers at once** (a Streamlit server runs each session in its own thread): every
  call is its own job with its own counter; pool threads help whichever job they pick up,
  and a call completes even when every pool thread is busy elsewhere.
- **Thread count**: the caller's ``numba.get_num_threads()`` (thread-local, set by
  ``numba.set_num_threads``) bounds how many threads work on its job; ``1`` runs every
  chunk on the calling thread and never touches the pool.
- **Exceptions** raised by a chunk are re-raised in the caller once every started chunk has
  finished (the first one; the remaining chunks are skipped).
- **No ``parallel=True`` kernels**: nothing depends on Numba's threading layers (``omp``,
  ``tbb``, the ``workqueue`` fallback that aborts on concurrent launches), no OpenMP
  threads spin after a launch beside PyTorch's own, and the kernels compile as plain
  ``@njit`` functions (a ``parallel=True`` kernel takes seconds more to compile).

Which thread runs a chunk never changes a result: the library's kernels give the same bits
with one thread and with several (a pair's value and gradient do not depend on the other
pairs, and sums over chunks use a chunk count that does not depend on the threads).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading

import numba
import numpy as np

__all__ = ["chunks_for", "pool_size", "release_scratch", "run_chunks", "scratch"]


class _Job:
    """One :func:`run_chunks` call: chunks claimed from a counter, completion counted."""

    __slots__ = ("kernel", "n_chunks", "args", "claims", "slots", "left", "lock", "done",
                 "error")

    def __init__(self, kernel, n_chunks, args):
        self.kernel, self.n_chunks, self.args = kernel, n_chunks, args
        self.claims = itertools.count()  # next() is atomic under the GIL
        self.slots = itertools.count()
        self.left = n_chunks
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.error = None

    def work(self) -> None:
        """Run chunks until none is left to claim (as participant ``slot``)."""
        slot = next(self.slots)
        while (c := next(self.claims)) < self.n_chunks:
            if self.error is None:  # after a failure the remaining chunks are skipped
                try:
                    self.kernel(c, self.n_chunks, slot, *self.args)
                except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                    with self.lock:
                        self.error = self.error or exc
            with self.lock:
                self.left -= 1
                if self.left == 0:
                    self.done.set()


class _Pool:
    """Daemon threads taking jobs from one queue; started on demand, never more than asked."""

    def __init__(self):
        self.jobs = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def ensure(self, n: int) -> None:
        if len(self.threads) >= n:
            return
        with self.lock:
            while len(self.threads) < n:
                t = threading.Thread(target=self._serve, name=f"softdtw-{len(self.threads)}",
                                     daemon=True)
                t.start()
                self.threads.append(t)

    def _serve(self) -> None:
        while True:
            self.jobs.get().work()


_POOL = _Pool()


def pool_size() -> int:
    """Pool threads started so far (the calling thread is not counted)."""
    return len(_POOL.threads)


def chunks_for(threads: int, units: int, per_thread: int = 4) -> int:
    """How many chunks to cut ``units`` independent work units into for ``threads`` threads:
    one on one thread; else ``per_thread`` per thread (claimed dynamically, so a thread that
    gets cheaper units or starts late is balanced by the other), at most one per unit."""
    return max(1, min(units, threads * per_thread if threads > 1 else 1))


def run_chunks(kernel, n_chunks: int, *args, threads: int | None = None) -> None:
    """``kernel(c, n_chunks, slot, *args)`` for every chunk ``c`` in ``range(n_chunks)``, on
    ``min(threads, n_chunks)`` threads (the caller's included; ``threads`` defaults to
    ``numba.get_num_threads()``).

    ``slot`` in ``range(min(threads, n_chunks))`` numbers the thread running the chunk within
    this call: two chunks run at the same time never share a slot, so ``slot`` indexes
    per-thread scratch buffers and ``c`` per-chunk outputs. ``kernel`` should be an
    ``@njit(nogil=True)`` function (the GIL is taken only to claim a chunk); chunks must
    write disjoint outputs. The first exception a chunk raises is re-raised here.
    """
    threads = numba.get_num_threads() if threads is None else threads
    helpers = min(threads, n_chunks) - 1
    job = _Job(kernel, n_chunks, args)
    if helpers > 0:
        pool = _POOL
        pool.ensure(helpers)
        for _ in range(helpers):
            pool.jobs.put(job)
    job.work()
    if n_chunks > 0:
        job.done.wait()
    if job.error is not None:
        raise job.error


#: Scratch buffers up to this many bytes are kept for the next call (at most
#: :data:`SCRATCH_KEEP` of them): the one-against-many evaluations behind barycenters and
#: k-means run hundreds of times on the same shapes, and fresh half-megabyte buffers on
#: every call cost more than their backward pass.
SCRATCH_MAX_BYTES = 128 * 2**20
SCRATCH_KEEP = 2
_SCRATCH: list[np.ndarray] = []
_SCRATCH_LOCK = threading.Lock()


@contextlib.contextmanager
def scratch(shape):
    """A float64 work array of ``shape`` (uninitialised), reused between calls.

    Each caller gets a buffer no other caller holds at the same time; on exit it is kept
    for later calls (the largest :data:`SCRATCH_KEEP`, each at most
    :data:`SCRATCH_MAX_BYTES`).
    """
    size = int(np.prod(shape))
    with _SCRATCH_LOCK:
        fits = [k for k, b in enumerate(_SCRATCH) if b.size >= size]
        buf = _SCRATCH.pop(min(fits, key=lambda k: _SCRATCH[k].size)) if fits else None
    if buf is None:
        buf = np.empty(size)
    try:
        yield buf[:size].reshape(shape)
    finally:
        if buf.nbytes <= SCRATCH_MAX_BYTES:
            with _SCRATCH_LOCK:
                _SCRATCH.append(buf)
                _SCRATCH.sort(key=lambda b: -b.size)
                del _SCRATCH[SCRATCH_KEEP:]


def release_scratch() -> None:
    """Drop the kept scratch buffers (their memory goes back to the system)."""
    with _SCRATCH_LOCK:
        _SCRATCH.clear()


def _reset_after_fork() -> None:
    """A forked child has none of the parent's threads; a lock held by one stays held."""
    global _POOL, _SCRATCH_LOCK
    _POOL = _Pool()
    _SCRATCH_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
