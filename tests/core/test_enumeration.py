"""Path enumeration: counts, validity, and refusal of sizes that are too large."""

import numpy as np
import pytest

import softdtw_core as sd


def test_delannoy_numbers():
    assert [sd.delannoy(k, k) for k in range(7)] == [1, 3, 13, 63, 321, 1683, 8989]
    assert sd.delannoy(0, 5) == 1
    assert sd.delannoy(3, 2) == sd.delannoy(2, 3) == 25


def test_delannoy_satisfies_its_recurrence():
    for a in range(1, 8):
        for b in range(1, 8):
            assert sd.delannoy(a, b) == (
                sd.delannoy(a - 1, b) + sd.delannoy(a, b - 1) + sd.delannoy(a - 1, b - 1)
            )


@pytest.mark.parametrize("n,m", [(1, 1), (1, 4), (3, 3), (5, 5), (6, 6), (4, 7)])
def test_alignment_matrices_are_all_distinct_valid_paths(n, m):
    A = sd.alignment_matrices(n, m)
    assert A.shape == (sd.delannoy(n - 1, m - 1), n, m)
    assert len({a.tobytes() for a in A}) == len(A)
    for a in A[:: max(1, len(A) // 50)]:
        cells = np.argwhere(a)  # sorted row-major, which is path order for monotone paths
        assert tuple(cells[0]) == (0, 0) and tuple(cells[-1]) == (n - 1, m - 1)
        steps = {tuple(s) for s in np.diff(cells, axis=0)}
        assert steps <= {(0, 1), (1, 0), (1, 1)}


def test_enumeration_refuses_large_sizes_with_the_count():
    with pytest.raises(ValueError, match=r"A\(12, 12\) holds 45,046,719 alignment paths"):
        sd.alignment_matrices(12, 12)
    with pytest.raises(ValueError, match="integer >= 1"):
        sd.alignment_matrices(0, 3)


def test_brute_force_probabilities_form_a_gibbs_distribution(rng):
    X, Y = rng.normal(size=4), rng.normal(size=5)
    bf = sd.brute_force_soft_dtw(X, Y, 0.5)
    assert bf.probabilities.sum() == pytest.approx(1.0)
    # ratios of probabilities follow the cost differences
    i, j = 0, len(bf.path_costs) - 1
    ratio = bf.probabilities[i] / bf.probabilities[j]
    assert ratio == pytest.approx(np.exp(-(bf.path_costs[i] - bf.path_costs[j]) / 0.5), rel=1e-10)
    hard = sd.brute_force_soft_dtw(X, Y, 0.0)
    assert hard.value == pytest.approx(sd.dtw_path(X, Y)[0], rel=1e-13)
