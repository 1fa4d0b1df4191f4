"""Parallel kernels launched from several Python threads at once, as Streamlit sessions do."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core import batch
from softdtw_core._internal import threads


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


@pytest.mark.parametrize("layer, safe", [("workqueue", False), ("omp", True), ("tbb", True),
                                         ("threadsafe", True)])
def test_layers_that_cannot_take_concurrent_launches_are_recognised(layer, safe):
    assert threads.thread_safe_layer(layer) is safe


def test_launches_are_serialised_when_the_layer_is_not_thread_safe(monkeypatch):
    monkeypatch.setattr(threads, "_SERIALISE", True)
    assert threads.parallel_launch() is threads._LOCK
    monkeypatch.setattr(threads, "_SERIALISE", False)
    assert threads.parallel_launch() is not threads._LOCK
