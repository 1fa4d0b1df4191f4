"""A long pair on the *Your data* page (:func:`explorer.logic.your_data.long_alignment`): its
block-averaged E equals the block means of the full E (dense, and enumerated over every
alignment for a tiny pair), its value the library's, its blocks within the cap."""

from __future__ import annotations

import math

import numpy as np
import pytest

import softdtw_core as sd
from explorer.logic import your_data


def _walk(n: int, seed: int, d: int = 1) -> np.ndarray:
    s = np.cumsum(np.random.default_rng(seed).standard_normal((n, d)), axis=0)
    return s[:, 0] if d == 1 else s


def _block_means(E: np.ndarray, b: int) -> np.ndarray:
    """The mean of each b x b block of E (edge blocks: of their own cells), one at a time."""
    n, m = E.shape
    rows, cols = math.ceil(n / b), math.ceil(m / b)
    out = np.empty((rows, cols))
    for r in range(rows):
        for c in range(cols):
            out[r, c] = E[r * b:(r + 1) * b, c * b:(c + 1) * b].mean()
    return out


@pytest.mark.parametrize(("gamma", "band", "cost", "d"), [
    (0.1, None, "sqeuclidean", 1),
    (1.0, 15.0, "sqeuclidean", 1),
    (0.5, None, "absolute", 2),
])
def test_block_averaged_e_of_a_long_pair_is_the_block_average_of_the_full_e(gamma, band,
                                                                            cost, d):
    x, y = _walk(97, 1, d), _walk(71, 2, d)
    # the checkpointed pass, as at the upload cap; blocks of 10 x 10 (cells=10)
    res = your_data.long_alignment(x, y, gamma, cost=cost, band=band, cells=10,
                                   memory="checkpoint")
    value, E = sd.soft_dtw_alignment(x, y, gamma, cost=cost, band=band, memory="full")
    assert res.block == 10 and res.shape == (97, 71)
    assert res.blocks.shape == (10, 8)
    np.testing.assert_allclose(res.blocks, _block_means(E, 10), rtol=1e-10, atol=1e-14)
    assert res.value == pytest.approx(value, rel=1e-12)
    # E's cells sum to the path's expected length: so do the blocks, weighted by their size
    sizes = np.outer(np.diff(np.r_[0:97:10, 97]), np.diff(np.r_[0:71:10, 71]))
    assert float((res.blocks * sizes).sum()) == pytest.approx(E.sum(), rel=1e-10)


def test_block_averaged_e_matches_an_enumeration_of_every_alignment():
    x, y = _walk(6, 3), _walk(5, 4)
    res = your_data.long_alignment(x, y, 0.7, cells=2, memory="checkpoint")
    bf = sd.brute_force_soft_dtw(x, y, gamma=0.7)
    assert res.block == 3
    np.testing.assert_allclose(res.blocks, _block_means(bf.E, 3), rtol=1e-10, atol=1e-14)
    assert res.value == pytest.approx(bf.value, rel=1e-10)


def test_at_gamma_zero_the_blocks_average_the_dtw_path():
    x, y = _walk(40, 5), _walk(33, 6)
    res = your_data.long_alignment(x, y, 0.0, cells=8, memory="checkpoint")
    dtw, path = sd.dtw_path(x, y)
    A = np.zeros((40, 33))
    A[tuple(np.array(path).T)] = 1.0
    assert res.block == 5
    np.testing.assert_allclose(res.blocks, _block_means(A, 5), atol=1e-12)
    assert res.value == pytest.approx(dtw, rel=1e-12)


@pytest.mark.parametrize("n", [1, 2, 299, 300, 301, 599, 600, 601, 1000, 1001, 4567, 20_000])
def test_the_block_size_keeps_at_most_the_cap_of_blocks_a_side_and_is_the_smallest(n):
    for m in (2, n, max(2, n // 3)):
        b = your_data.block_size_for(n, m)
        assert math.ceil(max(n, m) / b) <= your_data.LONG_PAIR_CELLS
        assert b == 1 or math.ceil(max(n, m) / (b - 1)) > your_data.LONG_PAIR_CELLS


def test_at_the_upload_cap_the_heatmap_has_a_few_hundred_cells_a_side():
    from explorer.data import DEFAULT_MAX_LENGTH

    b = your_data.block_size_for(DEFAULT_MAX_LENGTH, DEFAULT_MAX_LENGTH)
    assert b == 67 and math.ceil(DEFAULT_MAX_LENGTH / b) == 299
    assert your_data.PAIR_FULL_MAX < DEFAULT_MAX_LENGTH
    with pytest.raises(ValueError, match="cells must be a positive integer; got 0"):
        your_data.block_size_for(10, 10, cells=0)


def test_the_two_steps_report_progress_and_publish_the_value_first():
    x, y = _walk(300, 7), _walk(250, 8)
    reports, published = [], []

    def progress(fraction, text):
        reports.append((fraction, text, len(published)))

    res = your_data.long_alignment(x, y, 0.1, cells=50, progress=progress,
                                   publish=published.append)
    assert [r[0] for r in reports] == sorted(r[0] for r in reports)
    assert reports[0][0] == 0.0 and reports[-1][0] == 1.0 and len(reports) == 3
    assert "Step 1 of 2" in reports[0][1] and "300 × 250 cells" in reports[0][1]
    assert "Step 2 of 2" in reports[1][1] and "6 × 6 blocks" in reports[1][1]
    assert reports[1][2] == 1  # the value was published before E was computed
    assert published == [pytest.approx(sd.soft_dtw(x, y, 0.1), rel=1e-12)]
    assert res.value == published[0] and res.seconds > 0


def test_a_progress_report_that_raises_stops_before_e():
    """A cancelled job: the job's progress callback raises at its next report."""
    calls = []

    def progress(fraction, text):
        calls.append(fraction)
        if fraction > 0:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        your_data.long_alignment(_walk(50, 1), _walk(40, 2), 0.1, progress=progress)
    assert len(calls) == 2 and 0 < calls[1] < 1


def test_the_estimate_grows_with_the_cells():
    small, big = your_data.long_pair_estimate(1000, 1000), your_data.long_pair_estimate(
        20_000, 20_000)
    assert big == pytest.approx(400 * small)
    assert 3 < big < 30  # seconds of CPU at the cap (5.7-16 s measured, module constants)
