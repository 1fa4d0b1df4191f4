"""One-vs-many alignment statistics against loops over the single-pair functions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import softdtw_core as sd
from softdtw_core import batch
from softdtw_core.band import minimal_radius
from softdtw_core.batch import alignment_statistics


@pytest.mark.parametrize("band", [None, 6])
@pytest.mark.parametrize("gamma", [0.0, 0.3, 5.0])
def test_statistics_match_single_pair_functions(band, gamma, rng):
    Z = rng.normal(size=(20, 2))
    Ys = [rng.normal(size=(m, 2)) for m in (15, 22, 30, 9, 20)]
    w = rng.uniform(0.1, 2.0, size=5)
    values, RS, EY = alignment_statistics(Z, Ys, gamma, weights=w, band=band)
    Es = [sd.soft_dtw_alignment(Z, Y, gamma, band=band)[1] for Y in Ys]
    np.testing.assert_allclose(values, [sd.soft_dtw(Z, Y, gamma, band=band) for Y in Ys],
                               rtol=1e-13)
    np.testing.assert_allclose(RS, sum(c * E.sum(axis=1) for c, E in zip(w, Es)), rtol=1e-12)
    np.testing.assert_allclose(EY, sum(c * E @ Y for c, E, Y in zip(w, Es, Ys)), rtol=1e-12,
                               atol=1e-13)
    grad = sum(c * sd.soft_dtw_value_and_grad(Z, Y, gamma, band=band)[1] for c, Y in zip(w, Ys))
    np.testing.assert_allclose(2 * (RS[:, None] * Z - EY), grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("d, band, gamma", [(1, None, 0.1), (2, 5, 0.1), (1, 3, 0.1),
                                            (2, None, 0.0)])
def test_lane_groups_match_single_pair_functions(d, band, gamma, parallel, rng, monkeypatch):
    """Many series of a few lengths run as interleaved lanes (groups of up to 8)."""
    if parallel:  # force the threaded path on this small problem
        monkeypatch.setattr(batch, "PARALLEL_MIN_CELLS", 0)
    Z = rng.normal(size=(24, d))
    lengths = [30] * 11 + [25] * 3 + [7] + [30] * 2
    Ys = [rng.normal(size=(m, d)) for m in lengths]
    w = rng.uniform(0.1, 2.0, size=len(Ys))
    values, RS, EY = alignment_statistics(Z, Ys, gamma, weights=w, band=band)
    singles = [sd.soft_dtw_alignment(Z, Y, gamma, band=band) for Y in Ys]
    np.testing.assert_allclose(values, [v for v, _ in singles], rtol=1e-13)
    np.testing.assert_allclose(RS, sum(c * E.sum(axis=1) for c, (_, E) in zip(w, singles)),
                               rtol=1e-12)
    np.testing.assert_allclose(EY, sum(c * E @ Y for c, (_, E), Y in zip(w, singles, Ys)),
                               rtol=1e-12, atol=1e-13)


def test_lane_groups_cover_every_series_once_by_length():
    packed = batch.PackedCollection([np.zeros(m) for m in [30] * 11 + [25] * 3 + [7, 30]])
    order, gstart, _ = packed.lane_groups(24, -1.0)
    assert sorted(order.tolist()) == list(range(16))
    sizes = np.diff(gstart)
    assert sizes.min() >= 1 and sizes.max() <= 8
    for g in range(len(sizes)):
        members = order[gstart[g] : gstart[g + 1]]
        assert len(set(packed.lengths[members].tolist())) == 1


def test_univariate_array_collection(rng):
    Z = rng.normal(size=12)
    Ys = rng.normal(size=(7, 16))
    values, RS, EY = alignment_statistics(Z, Ys, 1.0)
    assert values.shape == (7,) and RS.shape == (12,) and EY.shape == (12, 1)
    assert values[3] == pytest.approx(sd.soft_dtw(Z, Ys[3], 1.0), rel=1e-13)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(Ys=[np.zeros((5, 3))]), "same dimension d"),
        (dict(weights=[1.0]), "weights must be 2 finite numbers"),
        (dict(weights=[1.0, np.nan]), "weights must be 2 finite numbers"),
        (dict(band=0), "admits no alignment path"),
        (dict(gamma=-1), "gamma"),
    ],
)
def test_bad_input(kwargs, match):
    args = dict(Z=np.zeros((4, 2)), Ys=[np.zeros((9, 2)), np.ones((3, 2))], gamma=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        alignment_statistics(args.pop("Z"), args.pop("Ys"), **args)


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("band, gamma", [(None, 0.3), (4, 0.1), (None, 0.0)])
def test_batch_value_and_grad_matches_single_pairs(band, gamma, parallel, rng, monkeypatch):
    """Pairs of several shapes (X_j and Y_j of different lengths) run as lanes."""
    if parallel:
        monkeypatch.setattr(batch, "PARALLEL_MIN_CELLS", 0)
    shapes = [(10, 14)] * 9 + [(7, 7), (12, 5), (10, 14), (14, 10)]
    X = [rng.normal(size=(n, 2)) for n, _ in shapes]
    Y = [rng.normal(size=(m, 2)) for _, m in shapes]
    values, grads = sd.soft_dtw_value_and_grad_batch(X, Y, gamma, band=band)
    assert values.shape == (len(shapes),) and len(grads) == len(shapes)
    for x, y, v, g in zip(X, Y, values, grads):
        v_ref, g_ref = sd.soft_dtw_value_and_grad(x, y, gamma, band=band)
        assert v == pytest.approx(v_ref, rel=1e-13, abs=1e-13)
        assert g.shape == x.shape
        np.testing.assert_allclose(g, g_ref, rtol=1e-10, atol=1e-12)


def test_batch_value_and_grad_array_input_keeps_its_shape(rng):
    X, Y = rng.normal(size=(5, 9)), rng.normal(size=(5, 11))
    values, grads = sd.soft_dtw_value_and_grad_batch(X, Y, 1.0)
    assert grads.shape == X.shape
    v, g = sd.soft_dtw_value_and_grad(X[3], Y[3], 1.0)
    assert values[3] == pytest.approx(v, rel=1e-13)
    np.testing.assert_allclose(grads[3], g, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "X, Y, kwargs, match",
    [
        (np.zeros((3, 5)), np.zeros((2, 5)), {}, "same number of series"),
        (np.zeros((2, 5, 2)), np.zeros((2, 5, 3)), {}, "same dimension d"),
        (np.zeros((2, 5)), np.full((2, 5), np.nan), {}, "NaN|finite"),
        (np.zeros((2, 5)), np.zeros((2, 9)), dict(band=0), "admits no alignment path"),
        (np.zeros((2, 5)), np.zeros((2, 5)), dict(gamma=-1.0), "gamma"),
        ([], [], {}, "empty"),
    ],
)
def test_batch_value_and_grad_bad_input(X, Y, kwargs, match):
    gamma = kwargs.pop("gamma", 1.0)
    with pytest.raises(ValueError, match=match):
        sd.soft_dtw_value_and_grad_batch(X, Y, gamma, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 30),
    lengths=st.lists(st.integers(1, 30), min_size=1, max_size=20),
    d=st.integers(1, 2),
    log_gamma=st.floats(-3, 1),
    band=st.one_of(st.none(), st.floats(0, 6)),
    seed=st.integers(0, 2**31),
)
def test_lanes_agree_with_single_pairs_for_any_collection(n, lengths, d, log_gamma, band, seed):
    """Whatever the mix of lengths (so of lane groups), band and γ: the interleaved kernels
    give each series what the single-pair functions give it."""
    rng = np.random.default_rng(seed)
    gamma = 10.0**log_gamma
    if band is not None:  # at least the narrowest band that admits a path for every length
        band = max(band, *(minimal_radius(n, m) for m in lengths))
    Z = rng.normal(size=(n, d))
    Ys = [rng.normal(size=(m, d)) for m in lengths]
    values, RS, EY = alignment_statistics(Z, Ys, gamma, band=band)
    singles = [sd.soft_dtw_alignment(Z, Y, gamma, band=band) for Y in Ys]
    np.testing.assert_allclose(values, [v for v, _ in singles], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(RS, sum(E.sum(axis=1) for _, E in singles), rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose(EY, sum(E @ Y for (_, E), Y in zip(singles, Ys)), rtol=1e-10,
                               atol=1e-12)
    cdist = sd.soft_dtw_cdist([Z], Ys, gamma, band=band)[0]
    np.testing.assert_allclose(cdist, values, rtol=1e-12, atol=1e-12)
    # the same pairs as a batch (X_j = Z): the gradient of each pair
    batch_values, grads = sd.soft_dtw_value_and_grad_batch([Z] * len(Ys), Ys, gamma, band=band)
    np.testing.assert_allclose(batch_values, values, rtol=1e-12, atol=1e-12)
    for g, Y in zip(grads, Ys):
        g_ref = sd.soft_dtw_value_and_grad(Z, Y, gamma, band=band)[1]
        np.testing.assert_allclose(g, g_ref, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("B, n, m, radius", [(256, 64, 64, -1.0), (16, 512, 512, -1.0),
                                              (64, 256, 200, 10.0), (7, 5, 9, -1.0),
                                              (9, 100, 30, 3.0), (1, 4, 4, -1.0)])
def test_one_shape_batches_are_grouped_as_group_lanes_groups_them(B, n, m, radius):
    from softdtw_core._internal import adapters
    from softdtw_core.pairwise import band_width, group_lanes

    nx, ny = np.full(B, n), np.full(B, m)
    order, gstart = adapters._groups(nx, ny, 0, radius)  # the adapters' one-shape shortcut
    expected = group_lanes(np.stack([nx, ny], axis=1), band_width(nx, ny, radius), True)
    np.testing.assert_array_equal(order, expected[0])
    np.testing.assert_array_equal(gstart, expected[1])
    assert order.dtype == gstart.dtype == np.int64
