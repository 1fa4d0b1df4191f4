"""suggest_gamma and gamma_grid: the cell cost against DTW paths, scale equivariance, the grid,
bad input."""

import numpy as np
import pytest

import softdtw_core as sd


def _waves(rng, n=6, length=25):
    t = np.linspace(0, 2 * np.pi, length)
    return np.stack([np.sin(t * rng.uniform(0.8, 1.2) + rng.uniform(0, 1)) for _ in range(n)])


def _cell_cost(x, y):
    """dtw_0 per aligned cell of an optimal path, from dtw_path (full table, backtracking)."""
    value, path = sd.dtw_path(x, y)
    return value / len(path)


def test_two_series_give_the_cost_per_cell_of_their_optimal_path(rng):
    x, y = rng.standard_normal(12), rng.standard_normal(17)  # a unique optimal path
    s = sd.suggest_gamma([x, y])
    assert s.n_pairs == 2 and len(s.anchor_costs) == 2  # each series is an anchor once
    assert s.cell_cost == pytest.approx(_cell_cost(x, y), rel=1e-10)
    assert s.gamma == pytest.approx(sd.gamma.DEFAULT_FRACTION * s.cell_cost, rel=1e-12)
    assert s.fraction == sd.gamma.DEFAULT_FRACTION
    assert f"{s.cell_cost:.4g}" in s.explanation and f"{s.gamma:.4g}" in s.explanation


def test_anchor_costs_pool_the_pairs_of_each_anchor(rng):
    X = [rng.standard_normal(m) for m in (10, 14, 9)]
    s = sd.suggest_gamma(X, n_pairs=6)  # 3 anchors, each against the two others
    assert s.n_pairs == 6
    expected = []
    for a in range(3):
        pairs = [sd.dtw_path(X[a], X[j]) for j in range(3) if j != a]
        expected.append(sum(v for v, _ in pairs) / sum(len(p) for _, p in pairs))
    np.testing.assert_allclose(np.sort(s.anchor_costs), np.sort(expected), rtol=1e-10)
    assert s.cell_cost == pytest.approx(np.median(expected), rel=1e-10)


@pytest.mark.parametrize("scale", [0.01, 3.0, 250.0])
def test_gamma_scales_as_the_square_of_the_data(rng, scale):
    X = _waves(rng)
    base = sd.suggest_gamma(X)
    scaled = sd.suggest_gamma(X * scale)
    assert scaled.gamma == pytest.approx(base.gamma * scale**2, rel=1e-9)
    np.testing.assert_allclose(sd.gamma_grid(X * scale), sd.gamma_grid(X) * scale**2,
                               rtol=1e-9)
    # a shift changes nothing: Δ only sees differences
    assert sd.suggest_gamma(X + 7.0).gamma == pytest.approx(base.gamma, rel=1e-9)


def test_fraction_seed_and_layouts(rng):
    X = _waves(rng, n=12)
    s = sd.suggest_gamma(X)
    assert sd.suggest_gamma(X, fraction=0.5).gamma == pytest.approx(
        0.5 / sd.gamma.DEFAULT_FRACTION * s.gamma, rel=1e-12)
    assert sd.suggest_gamma(X).gamma == s.gamma  # seeded by default: reproducible
    assert sd.suggest_gamma(X, random_state=np.random.default_rng(3)).gamma > 0
    assert s.n_pairs == 8 * 8 and len(s.anchor_costs) == 8  # at most 8 anchors
    ragged = [row[: 20 + k] for k, row in enumerate(_waves(rng, n=5, length=30))]
    assert sd.suggest_gamma(ragged).gamma > 0
    two_channels = np.stack([X, 2 * X], axis=2)  # (N, length, 2): Δ is 5 × the 1-channel Δ
    assert sd.suggest_gamma(two_channels).gamma == pytest.approx(5 * s.gamma, rel=1e-9)
    x, y = X[0] + 0.1 * rng.standard_normal(25), X[1]
    value, path = sd.dtw_path(x, y, band=2)  # the band's own optimal path
    assert sd.suggest_gamma([x, y], band=2).cell_cost == pytest.approx(value / len(path),
                                                                       rel=1e-10)


def test_gamma_grid_is_log_uniform_around_the_suggestion(rng):
    X = _waves(rng)
    center = sd.suggest_gamma(X).gamma
    grid = sd.gamma_grid(X, num=5, width=16.0)
    np.testing.assert_allclose(grid, center * np.array([0.25, 0.5, 1.0, 2.0, 4.0]), rtol=1e-12)
    assert sd.gamma_grid(X, num=1).tolist() == [center]
    even = sd.gamma_grid(X, num=4)
    assert even[-1] / even[0] == pytest.approx(100.0) and np.all(np.diff(np.log(even)) > 0)
    assert sd.gamma_grid(X, num=3, fraction=0.1)[1] == pytest.approx(
        0.1 / sd.gamma.DEFAULT_FRACTION * center)


@pytest.mark.parametrize("call, match", [
    (lambda X: sd.suggest_gamma(X[:1]), "at least two"),
    (lambda X: sd.suggest_gamma(np.zeros((4, 10))), "zero cost"),
    (lambda X: sd.suggest_gamma(X, fraction=0), "fraction must be > 0"),
    (lambda X: sd.suggest_gamma(X, fraction=-1), "fraction"),
    (lambda X: sd.suggest_gamma(X, n_pairs=0), "n_pairs"),
    (lambda X: sd.suggest_gamma(X, band=-2), "band"),
    (lambda X: sd.suggest_gamma(X[:, :10].tolist() + [[1.0] * 30], band=1), "band"),
    (lambda X: sd.suggest_gamma(np.where(np.eye(6, 25) > 0, np.nan, X)), r"X\[0\] contains NaN"),
    (lambda X: sd.suggest_gamma(X[0]), "Reshape your data"),
    (lambda X: sd.gamma_grid(X, num=0), "num"),
    (lambda X: sd.gamma_grid(X, width=1.0), "width must be > 1"),
], ids=["one-series", "all-equal", "fraction-zero", "fraction-negative", "n-pairs", "band",
        "band-impossible", "nan", "one-d", "num", "width"])
def test_bad_input_is_refused_with_the_argument_named(rng, call, match):
    with pytest.raises(ValueError, match=match):
        call(_waves(rng))
