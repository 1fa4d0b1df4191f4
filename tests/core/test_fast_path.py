"""The fast path of small ``soft_dtw`` and ``soft_dtw_value_and_grad`` calls: same numbers,
same messages.

Truths: brute-force enumeration of every path (value and E, hence the gradient through
``cost_jacobian_product``) and the general path (forced with ``max_cells``, which the fast
path leaves to it).
"""

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core._internal import small


@pytest.mark.parametrize("shape_x,shape_y", [((4,), (5,)), ((5, 2), (3, 2)), ((1,), (4,))])
@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("band", [None, 1, 2.5])
def test_fast_path_matches_enumeration(shape_x, shape_y, gamma, band, rng):
    X = rng.normal(size=shape_x)
    Y = rng.normal(size=shape_y)
    assert small.small_value_and_grad(X, Y, gamma, "sqeuclidean", band, None) is not None
    assert small.small_value(X, Y, gamma, "sqeuclidean", band) is not None
    value, grad = sd.soft_dtw_value_and_grad(X, Y, gamma, band=band)
    assert grad.shape == X.shape
    assert sd.soft_dtw(X, Y, gamma, band=band) == pytest.approx(value, rel=1e-12, abs=1e-12)
    if gamma > 0:
        bf = sd.brute_force_soft_dtw(X, Y, gamma, band=band)
        assert value == pytest.approx(bf.value, rel=1e-12, abs=1e-12)
        expected = sd.cost_jacobian_product(X, Y, bf.E).reshape(X.shape)
        np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-12)
    general = sd.soft_dtw_value_and_grad(X, Y, gamma, band=band, max_cells=10**9)
    assert value == pytest.approx(general[0], rel=1e-14, abs=1e-14)
    np.testing.assert_allclose(grad, general[1], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("X,Y,kwargs", [
    (np.ones(3), np.ones(4), {"cost": "absolute"}),  # other cost
    (np.ones(3, dtype=np.float32), np.ones(4), {}),  # other dtype
    (np.ones((6, 2))[::2], np.ones((4, 2)), {}),  # not C-contiguous
    ([0.0, 1.0], np.ones(4), {}),  # a list
    (np.ones(3), np.ones((4, 1)), {}),  # (n,) against (m, 1)
    (np.ones(200), np.ones(200), {}),  # more cells than SMALL_MAX_CELLS
    (np.ones(3), np.ones(4), {"gamma": True}),
])
def test_other_inputs_take_the_general_path_with_the_same_result(X, Y, kwargs):
    gamma = kwargs.pop("gamma", 0.5)
    cost = kwargs.get("cost", "sqeuclidean")
    assert small.small_value_and_grad(X, Y, gamma, cost, None, None) is None
    assert small.small_value(X, Y, gamma, cost, None) is None
    if gamma is True:
        with pytest.raises(ValueError, match="gamma must be a real number"):
            sd.soft_dtw_value_and_grad(X, Y, gamma, **kwargs)
        return
    value, grad = sd.soft_dtw_value_and_grad(X, Y, gamma, **kwargs)
    assert np.shape(grad) == np.shape(X)
    assert value == pytest.approx(sd.soft_dtw(X, Y, gamma, **kwargs), rel=1e-12)


def test_non_finite_input_gets_the_general_message():
    X = np.array([0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"X contains NaN at index \(1, 0\)"):
        sd.soft_dtw_value_and_grad(X, np.ones(4), 1.0)
    with pytest.raises(ValueError, match=r"X contains NaN at index \(1, 0\)"):
        sd.soft_dtw(X, np.ones(4), 1.0)
    Y = np.array([[0.0], [np.inf]])
    with pytest.raises(ValueError, match=r"Y contains an infinite value at index \(1, 0\)"):
        sd.soft_dtw_value_and_grad(np.ones((3, 1)), Y, 1.0)


def test_band_without_a_path_gets_the_general_message():
    with pytest.raises(ValueError, match="admits no alignment path .* at least 2"):
        sd.soft_dtw_value_and_grad(np.ones(3), np.ones(9), 1.0, band=0.5)
    with pytest.raises(ValueError, match="admits no alignment path .* at least 2"):
        sd.soft_dtw(np.ones(3), np.ones(9), 1.0, band=0.5)


@pytest.mark.parametrize("n,m,d", [(16, 16, 1), (17, 15, 2), (15, 33, 1), (33, 17, 3), (40, 1, 1),
                                   (1, 40, 2), (128, 128, 1), (100, 3, 1)])
@pytest.mark.parametrize("gamma", [0.0, 0.01, 1.0])
@pytest.mark.parametrize("band", [None, 0, 3, 7.5])
def test_chunked_kernel_matches_the_general_path_across_chunk_edges(n, m, d, gamma, band, rng):
    """The fast kernel sweeps diagonals in chunks of ``CHUNK`` cells; diagonals shorter,
    equal and longer than a chunk, bands of every width and ties at γ = 0 (a grid-valued
    series has many) must give the general path's value and gradient."""
    if band is not None and not (band >= abs(n - m) or min(n, m) == 1):
        band = None if band == 0 else band + abs(n - m)
    X = rng.normal(size=(n, d)) if d > 1 else rng.normal(size=n)
    Y = rng.normal(size=(m, d)) if d > 1 else rng.normal(size=m)
    if gamma == 0.0:  # many equal costs, so the tie-breaking rule decides the subgradient
        X, Y = np.round(X), np.round(Y)
    fast = small.small_value_and_grad(X, Y, gamma, "sqeuclidean", band, None)
    assert fast is not None
    general = sd.soft_dtw_value_and_grad(X, Y, gamma, band=band, max_cells=10**9)
    assert fast[0] == pytest.approx(general[0], rel=1e-13, abs=1e-13)
    np.testing.assert_allclose(fast[1], general[1], rtol=1e-11, atol=1e-12)
    assert sd.soft_dtw(X, Y, gamma, band=band) == pytest.approx(general[0], rel=1e-13, abs=1e-13)
