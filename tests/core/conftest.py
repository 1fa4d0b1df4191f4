import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20170806)


def fd_grad(f, X, eps=1e-6):
    """Central finite-difference gradient of a scalar function of an array."""
    g = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        step = np.zeros_like(X)
        step[idx] = eps
        g[idx] = (f(X + step) - f(X - step)) / (2 * eps)
    return g


def naive_dtw(D):
    """Textbook O(nm) DTW on a cost matrix, written independently of the package."""
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + min(R[i - 1, j - 1], R[i - 1, j], R[i, j - 1])
    return R


def bumps_and_steps(rng, n_per=6, length=40, labels=(0, 1)):
    """Bumps and steps at random positions, ``n_per`` of each: two shapes that DTW tells
    apart (the Euclidean distance much less)."""
    t = np.arange(length, dtype=float)
    margin = length // 4
    X, y = [], []
    for label, make in zip(labels, (lambda c: np.exp(-0.5 * ((t - c) / 2.0) ** 2),
                                    lambda c: (t > c).astype(float))):
        for _ in range(n_per):
            X.append(make(rng.uniform(margin, length - margin))
                     + 0.05 * rng.standard_normal(length))
            y.append(label)
    return np.array(X), np.array(y)
