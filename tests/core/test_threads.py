"""The library's thread pool (``run_chunks``): kernels launched from several Python threads at
once (as Streamlit sessions do), exceptions, thread counts, scratch buffers."""

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pytest
from numba import njit

import softdtw_core as sd
from softdtw_core import batch
from softdtw_core._internal import threads as threads_mod


def test_concurrent_launches_give_the_serial_results(rng, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_MIN_CELLS", 0)  # every call takes the threaded path
    A = [rng.normal(size=(n, 2)) for n in (30, 30, 25, 40, 30, 12)]
    B = [rng.normal(size=(n, 2)) for n in (30, 22, 30)]
    expected_cdist = sd.soft_dtw_cdist(A, B, 0.1)
    expected_stats = batch.alignment_statistics(A[0], B, 0.1)
    expected_batch = sd.soft_dtw_value_and_grad_batch(A[:3], B, 0.1)

    def work(k):
        if k % 3 == 0:
            return sd.soft_dtw_cdist(A, B, 0.1)
        if k % 3 == 1:
            return batch.alignment_statistics(A[0], B, 0.1)
        return sd.soft_dtw_value_and_grad_batch(A[:3], B, 0.1)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, range(36)))
    for k, got in enumerate(results):
        if k % 3 == 0:
            np.testing.assert_array_equal(got, expected_cdist)
        elif k % 3 == 1:
            for g, e in zip(got, expected_stats):
                np.testing.assert_array_equal(g, e)
        else:
            np.testing.assert_array_equal(got[0], expected_batch[0])
            for g, e in zip(got[1], expected_batch[1]):
                np.testing.assert_array_equal(g, e)


@njit(nogil=True)
def _record(c, n_chunks, slot, owner, slots, fail_at):
    """Chunk c: who ran it (its slot), after a burst of work; raises at chunk fail_at."""
    acc = 0.0
    for k in range(20_000):
        acc += np.sqrt(k + c)
    owner[c] = c * 10 + n_chunks + (acc < 0)
    slots[c] = slot
    if c == fail_at:
        raise ValueError("chunk failed")


def _run(n_chunks, threads, fail_at=-1):
    owner = np.full(n_chunks, -1, dtype=np.int64)
    slots = np.full(n_chunks, -1, dtype=np.int64)
    threads_mod.run_chunks(_record, n_chunks, owner, slots, fail_at, threads=threads)
    return owner, slots


@pytest.mark.parametrize("n_chunks, threads", [(1, 1), (5, 1), (2, 2), (9, 2), (9, 4), (3, 8)])
def test_every_chunk_runs_once_on_at_most_the_threads_asked(n_chunks, threads):
    owner, slots = _run(n_chunks, threads)
    np.testing.assert_array_equal(owner, np.arange(n_chunks) * 10 + n_chunks)
    assert slots.min() == 0 and slots.max() < min(threads, n_chunks)


def test_one_thread_never_wakes_the_pool(monkeypatch):
    monkeypatch.setattr(threads_mod, "_POOL", threads_mod._Pool())
    _, slots = _run(6, 1)
    assert threads_mod.pool_size() == 0 and set(slots.tolist()) == {0}
    _run(6, 3)
    assert threads_mod.pool_size() == 2


def test_the_callers_numba_thread_count_is_respected():
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        assert set(_run(8, None)[1].tolist()) == {0}
        numba.set_num_threads(2)
        assert set(_run(64, None)[1].tolist()) <= {0, 1}
    finally:
        numba.set_num_threads(before)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_chunks_exception_reaches_the_caller(threads):
    with pytest.raises(ValueError, match="chunk failed"):
        _run(6, threads, fail_at=4)
    owner, _ = _run(6, threads)  # the pool still works afterwards
    np.testing.assert_array_equal(owner, np.arange(6) * 10 + 6)


def test_a_python_kernel_runs_too_and_its_exception_is_the_one_raised():
    seen = []

    def kernel(c, n_chunks, slot, out):
        out.append((c, n_chunks))
        if c == 0:
            raise KeyError("first")

    with pytest.raises(KeyError, match="first"):
        threads_mod.run_chunks(kernel, 3, seen, threads=2)
    assert (0, 3) in seen and len(set(seen)) == len(seen)  # no chunk ran twice


def test_concurrent_callers_of_run_chunks_each_get_their_chunks():
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda k: _run(7 + k % 4, 2 + k % 3), range(30)))
    for k, (owner, slots) in enumerate(results):
        n = 7 + k % 4
        np.testing.assert_array_equal(owner, np.arange(n) * 10 + n)
        assert slots.max() < 2 + k % 3


def test_one_thread_gives_the_same_bits_as_two(rng, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_MIN_CELLS", 0)  # the chunked path even when tiny
    A = [rng.normal(size=(n, 2)) for n in (30, 30, 25, 40, 30, 12, 25, 25, 30, 30)]
    B = [rng.normal(size=(n, 2)) for n in (30, 22, 30, 25, 12)]
    before = numba.get_num_threads()
    got = {}
    try:
        for t in (1, 2):
            numba.set_num_threads(t)
            got[t] = (sd.soft_dtw_cdist(A, B, 0.1), batch.alignment_statistics(A[0], A, 0.1),
                      sd.soft_dtw_value_and_grad_batch(A[:5], B, 0.1))
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(got[1][0], got[2][0])
    for g1, g2 in zip(got[1][1], got[2][1]):
        np.testing.assert_array_equal(g1, g2)
    np.testing.assert_array_equal(got[1][2][0], got[2][2][0])
    for g1, g2 in zip(got[1][2][1], got[2][2][1]):
        np.testing.assert_array_equal(g1, g2)


def test_scratch_buffers_are_reused_and_never_shared():
    with threads_mod.scratch((2, 3, 100)) as a:
        with threads_mod.scratch((2, 3, 100)) as b:  # held at once: distinct memory
            assert not np.shares_memory(a, b)
            a_base = a.base if a.base is not None else a
    with threads_mod.scratch((4, 50)) as c:  # smaller: a kept buffer is reused
        assert c.shape == (4, 50)
        assert np.shares_memory(c, a_base) or np.shares_memory(c, b)
