"""The checkpointed backward pass (``memory=``) and block-averaged E (``block_size=``).

Checkpoint mode is forced at small sizes (``memory="checkpoint"``, or ``"auto"`` with a
budget of a few bytes) and checked against full storage, against brute-force enumeration
of every alignment path, and (block means) against block-averaging the dense E.
"""

import numpy as np
import pytest

import softdtw_core as sd
from softdtw_core._internal import checkpoint as _checkpoint
from softdtw_core._internal.dp import gibbs, problem, uses_checkpoint
from softdtw_core._internal.validation import check_memory
from softdtw_core._internal.wavefront import diagonal_layout

CASES = [
    # n, m, d, gamma, band, cost
    (1, 1, 1, 1.0, None, "sqeuclidean"),
    (1, 9, 2, 0.5, None, "absolute"),
    (9, 1, 1, 0.5, None, "sqeuclidean"),
    (37, 52, 3, 0.05, None, "sqeuclidean"),
    (52, 37, 3, 2.0, 4, "absolute"),
    (64, 64, 2, 0.0, None, "sqeuclidean"),
    (64, 64, 1, 0.3, 0, "sqeuclidean"),
    (80, 31, 1, 1e-8, 7.5, "sqeuclidean"),
    (120, 97, 3, 1.0, 10, "sqeuclidean"),
    (45, 61, 1, 1e3, None, "precomputed"),
]


def _pair(rng, n, m, d, cost):
    X = np.cumsum(rng.normal(size=(n, d)), axis=0)
    Y = np.cumsum(rng.normal(size=(m, d)), axis=0)
    if cost == "precomputed":
        return sd.cost_matrix(X, Y), None
    return X, Y


@pytest.mark.parametrize("n,m,d,gamma,band,cost", CASES)
@pytest.mark.parametrize("memory", ["checkpoint", 8])
def test_checkpoint_equals_full_storage(n, m, d, gamma, band, cost, memory, rng):
    X, Y = _pair(rng, n, m, d, cost)
    kw = dict(cost=cost, band=band)
    v_full, g_full = sd.soft_dtw_value_and_grad(X, Y, gamma, memory="full", **kw)
    v_chk, g_chk = sd.soft_dtw_value_and_grad(X, Y, gamma, memory=memory, **kw)
    assert v_chk == pytest.approx(v_full, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(g_chk, g_full, rtol=1e-12, atol=1e-12)
    assert g_chk.shape == np.shape(X)
    a_full, E_full = sd.soft_dtw_alignment(X, Y, gamma, memory="full", **kw)
    a_chk, E_chk = sd.soft_dtw_alignment(X, Y, gamma, memory=memory, **kw)
    assert a_chk == pytest.approx(a_full, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(E_chk, E_full, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,m,d,gamma,band,cost", CASES)
def test_the_modes_take_the_path_they_name(n, m, d, gamma, band, cost, rng):
    X, Y = _pair(rng, n, m, d, cost)
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    assert gibbs(p, statistics=True, memory=check_memory("checkpoint")).checkpointed
    assert gibbs(p, statistics=True, memory=check_memory(8)).checkpointed
    assert not gibbs(p, statistics=True, memory=check_memory("full")).checkpointed
    assert not gibbs(p, statistics=True, memory=check_memory("auto")).checkpointed


@pytest.mark.parametrize("n,m,gamma,band,cost", [
    (4, 5, 1.0, None, "sqeuclidean"),
    (5, 3, 0.1, None, "absolute"),
    (6, 6, 0.5, 1, "sqeuclidean"),
    (3, 6, 2.0, None, "precomputed"),
])
def test_checkpoint_matches_brute_force_enumeration(n, m, gamma, band, cost, rng):
    X, Y = _pair(rng, n, m, 3 if cost != "precomputed" else 1, cost)
    bf = sd.brute_force_soft_dtw(X, Y, gamma, cost=cost, band=band)
    value, E = sd.soft_dtw_alignment(X, Y, gamma, cost=cost, band=band, memory="checkpoint")
    assert value == pytest.approx(bf.value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(E, bf.E, rtol=1e-12, atol=1e-12)
    value, grad = sd.soft_dtw_value_and_grad(X, Y, gamma, cost=cost, band=band,
                                             memory="checkpoint")
    expected = bf.E if cost == "precomputed" else sd.cost_jacobian_product(X, Y, bf.E, cost=cost)
    np.testing.assert_allclose(grad, expected, rtol=1e-11, atol=1e-12)


def _block_mean(E, fi, fj):
    n, m = E.shape
    return np.array([[E[i:i + fi, j:j + fj].mean() for j in range(0, m, fj)]
                     for i in range(0, n, fi)])


@pytest.mark.parametrize("n,m,d,gamma,band,cost", CASES)
@pytest.mark.parametrize("block_size", [(1, 1), (3, 5), (7, 2), (200, 200)])
@pytest.mark.parametrize("memory", ["checkpoint", "full"])
def test_block_means_equal_the_block_averaged_dense_e(n, m, d, gamma, band, cost, block_size,
                                                      memory, rng):
    X, Y = _pair(rng, n, m, d, cost)
    value, E = sd.soft_dtw_alignment(X, Y, gamma, cost=cost, band=band, memory="full")
    v_b, blocks = sd.soft_dtw_alignment(X, Y, gamma, cost=cost, band=band, memory=memory,
                                        block_size=block_size)
    assert v_b == value
    assert blocks.shape == (-(-n // block_size[0]), -(-m // block_size[1]))
    np.testing.assert_allclose(blocks, _block_mean(E, *block_size), rtol=1e-12, atol=1e-15)


def test_divergence_gradient_is_the_same_in_both_modes(rng):
    X, Y = rng.normal(size=(40, 2)), rng.normal(size=(33, 2))
    full = sd.soft_dtw_divergence_value_and_grad(X, Y, 0.5, memory="full")
    chk = sd.soft_dtw_divergence_value_and_grad(X, Y, 0.5, memory="checkpoint")
    assert chk[0] == pytest.approx(full[0], rel=1e-12)
    np.testing.assert_allclose(chk[1], full[1], rtol=1e-12, atol=1e-12)


def test_a_20000_squared_pair_is_checkpointed_by_default_not_refused():
    # the unbanded call itself (seconds, ~300 MB) is measured in benchmarks/bench_memory.py;
    # here: the default budget picks the checkpointed pass for it, whose memory is small
    n = m = 20_000
    X = np.zeros(n)
    p = problem(X, X, 1.0, "sqeuclidean", None, need_cost_matrix=False)
    total = diagonal_layout(n, m, p.lo, p.hi)[3]
    assert uses_checkpoint(p, check_memory("auto"), total, statistics=True)
    assert _checkpoint.checkpoint_bytes(n, m, min(n, m)) < 400 * 2**20
    # full storage is refused as before, and the message names the way out
    with pytest.raises(ValueError, match=r"about 17\.9 GiB.*memory='checkpoint'"):
        sd.soft_dtw_value_and_grad(X, X, 1.0, memory="full")


def test_a_banded_20000_squared_pair_runs_in_both_modes():
    # a band of radius 2 keeps the work small; the cell cap no longer refuses it under
    # "auto" (the memory budget bounds full storage), nor in checkpoint mode
    t = np.linspace(0, 40, 20_000)
    X, Y = np.sin(t), np.sin(t + 0.05)
    v_auto, g_auto = sd.soft_dtw_value_and_grad(X, Y, 0.1, band=2)
    v_chk, g_chk = sd.soft_dtw_value_and_grad(X, Y, 0.1, band=2, memory="checkpoint")
    assert v_chk == pytest.approx(v_auto, rel=1e-12)
    np.testing.assert_allclose(g_chk, g_auto, rtol=1e-12, atol=1e-12)
    _, blocks = sd.soft_dtw_alignment(X, Y, 0.1, band=2, block_size=(500, 500))
    assert blocks.shape == (40, 40)
    # each row of E sums to at least 1 (every row is visited): block rows to >= 500 / 500²
    assert (blocks.sum(axis=1) * 500 >= 1 - 1e-9).all()


@pytest.mark.parametrize("memory", ["fast", 0, -5, 1.5, True, None, "Auto"])
def test_bad_memory_is_refused_with_the_fix(memory):
    with pytest.raises(ValueError, match=r"memory must be 'auto', 'full', 'checkpoint' or a "
                                         r"budget in bytes"):
        sd.soft_dtw_value_and_grad([0.0, 1.0], [1.0, 2.0], memory=memory)
    with pytest.raises(ValueError, match="memory must be"):
        sd.soft_dtw_alignment([0.0, 1.0], [1.0, 2.0], memory=memory)


@pytest.mark.parametrize("block_size", [(0, 2), (2,), 3, (2.0, 2), (True, 1), "22"])
def test_bad_block_size_is_refused_with_the_fix(block_size):
    with pytest.raises(ValueError, match=r"block_size must be two integers >= 1"):
        sd.soft_dtw_alignment([0.0, 1.0], [1.0, 2.0], block_size=block_size)


def test_explicit_max_cells_still_caps_full_storage():
    X = np.zeros(300)
    with pytest.raises(ValueError, match="exceeds max_cells=1,000"):
        sd.soft_dtw_value_and_grad(X, X, 1.0, max_cells=1000)
    value, _ = sd.soft_dtw_value_and_grad(X, X, 1.0, max_cells=1000, memory="checkpoint")
    assert np.isfinite(value)
