"""Pairwise matrices against loops over the single-pair functions."""

import numpy as np
import pytest

import softdtw_core as sd


def test_cdist_between_ragged_collections(rng):
    A = [rng.normal(size=(n, 2)) for n in (5, 9, 14)]
    B = [rng.normal(size=(n, 2)) for n in (7, 3)]
    M = sd.soft_dtw_cdist(A, B, gamma=0.3)
    expected = np.array([[sd.soft_dtw(a, b, 0.3) for b in B] for a in A])
    np.testing.assert_allclose(M, expected, rtol=1e-13)
    Dv = sd.soft_dtw_cdist(A, B, gamma=0.3, divergence=True)
    expected = np.array([[sd.soft_dtw_divergence(a, b, 0.3) for b in B] for a in A])
    np.testing.assert_allclose(Dv, expected, rtol=1e-12)


@pytest.mark.parametrize("band", [None, 4])
@pytest.mark.parametrize("cost", ["sqeuclidean", "absolute"])
def test_cdist_lane_groups_of_mixed_shapes(band, cost, rng):
    """Many pairs of a few shapes (both orientations), run as interleaved lanes."""
    A = [rng.normal(size=(n, 2)) for n in [12] * 10 + [20] * 3 + [9]]
    B = [rng.normal(size=(n, 2)) for n in [20] * 7 + [12] * 2]
    M = sd.soft_dtw_cdist(A, B, gamma=0.2, cost=cost, band=band)
    expected = np.array([[sd.soft_dtw(a, b, 0.2, cost=cost, band=band) for b in B] for a in A])
    np.testing.assert_allclose(M, expected, rtol=1e-13)


@pytest.mark.parametrize("band", [None, 3])
def test_cdist_within_one_collection_is_symmetric(band, rng):
    data = rng.normal(size=(6, 20, 1))
    M = sd.soft_dtw_cdist(data, gamma=1.0, band=band)
    np.testing.assert_allclose(M, M.T)
    for i in range(6):
        for j in range(6):
            assert M[i, j] == pytest.approx(
                sd.soft_dtw(data[i], data[j], 1.0, band=band), rel=1e-13
            )
    Dv = sd.soft_dtw_cdist(data, gamma=1.0, divergence=True, band=band)
    assert (np.diag(Dv) == 0).all() and (Dv >= -1e-12).all()


def test_cdist_absolute_cost_and_univariate_2d_input(rng):
    data = rng.normal(size=(4, 11))
    M = sd.soft_dtw_cdist(data, data[:2], gamma=0.0, cost="absolute")
    assert M.shape == (4, 2)
    assert M[1, 0] == pytest.approx(sd.dtw_path(data[1], data[0], cost="absolute")[0], rel=1e-13)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (([],), {}, "A is empty"),
        (([np.zeros((3, 2)), np.zeros((3, 3))],), {}, "same dimension d"),
        (([np.zeros(3)], [np.zeros((3, 2))]), {}, "same dimension d"),
        (([np.zeros(3), np.array([1.0, np.nan])],), {}, r"A\[1\] contains NaN"),
        ((np.zeros((2, 2, 2, 2)),), {}, "shape"),
        (("abc",), {}, "list of series"),
        (([np.zeros(5), np.zeros(20)],), {"band": 0}, "admits no alignment path"),
    ],
)
def test_cdist_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sd.soft_dtw_cdist(*args, **kwargs)


@pytest.mark.parametrize("band", [None, 2.0])
def test_one_thread_runs_the_serial_path_with_the_same_values(band, rng, monkeypatch):
    import numba

    from softdtw_core import pairwise

    A = [rng.normal(size=(n, 2)) for n in (5, 5, 6, 9, 9, 9)]
    B = [rng.normal(size=(n, 2)) for n in (6, 7, 7)]
    expected = np.array([[sd.soft_dtw(a, b, 0.3, band=band) for b in B] for a in A])
    before = numba.get_num_threads()
    calls = []
    run_chunks = pairwise.run_chunks

    def spy(kernel, n_chunks, *args, threads):
        calls.append((n_chunks, threads, len(args[5]) - 1))  # chunks, threads, lane groups
        return run_chunks(kernel, n_chunks, *args, threads=threads)

    monkeypatch.setattr(pairwise, "run_chunks", spy)
    try:
        numba.set_num_threads(1)
        one = sd.soft_dtw_cdist(A, B, 0.3, band=band)
    finally:
        numba.set_num_threads(before)
    assert calls and calls[0][:2] == (1, 1) and calls[0][2] > 1  # one chunk: this thread
    np.testing.assert_allclose(one, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sd.soft_dtw_cdist(A, B, 0.3, band=band), expected, rtol=1e-12,
                               atol=1e-12)
