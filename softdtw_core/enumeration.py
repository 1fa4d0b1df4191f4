r"""Exact enumeration of all alignment paths, for teaching and as a test oracle.

An alignment matrix ``A ∈ {0,1}^{n×m}`` is the indicator of a path from (1, 1) to (n, m)
with steps (1, 0), (0, 1), (1, 1). Their number is the Delannoy number
``|A(n, m)| = Delannoy(n-1, m-1) = Σ_k C(n-1, k) C(m-1, k) 2^k`` (3×3: 13, 5×5: 321,
6×6: 1683). Brute force then gives, with ``c_A = <A, Δ>``:

- ``dtw_γ = -γ log Σ_A exp(-c_A/γ)`` (``min_A c_A`` at γ = 0);
- Gibbs probabilities ``p_γ(A) = exp(-c_A/γ) / Σ_B exp(-c_B/γ)``;
- ``E_γ[A] = Σ_A p_γ(A) A``.

References
----------
.. [1] C. Banderier and S. Schwer, "Why Delannoy numbers?", Journal of Statistical
   Planning and Inference 135(1):40-54, 2005.
.. [2] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, Section 2.
"""

from __future__ import annotations

from math import comb
from typing import NamedTuple

import numpy as np

from ._internal.dp import problem
from .band import band_mask

__all__ = [
    "DEFAULT_MAX_PATHS",
    "PathEnumeration",
    "alignment_matrices",
    "brute_force_soft_dtw",
    "delannoy",
]

#: Default cap on the number of enumerated paths.
DEFAULT_MAX_PATHS = 200_000


def delannoy(n: int, m: int) -> int:
    r"""Delannoy number: the number of paths from (0, 0) to (n, m) with steps E, N, NE.

    .. math::

        D(n, m) = \sum_{k=0}^{\min(n, m)} \binom{n}{k} \binom{m}{k} 2^k

    The number of alignments of series of lengths n and m is ``delannoy(n - 1, m - 1)``.

    Parameters
    ----------
    n, m : int
        Non-negative integers.

    Returns
    -------
    int
        ``D(n, m)`` (exact, Python integer).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.delannoy(1, 1), sd.delannoy(2, 2), sd.delannoy(4, 4)
    (3, 13, 321)
    """
    for name, v in (("n", n), ("m", m)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"{name} must be an integer >= 0; got {v!r}.")
    n, m = int(n), int(m)
    return sum(comb(n, k) * comb(m, k) * 2**k for k in range(min(n, m) + 1))


def _paths(n, m):
    """All monotone paths as lists of (i, j) cells, in lexicographic move order."""
    out = []
    stack = [((0, 0),)]
    while stack:
        path = stack.pop()
        i, j = path[-1]
        if i == n - 1 and j == m - 1:
            out.append(path)
            continue
        # pushed in reverse so the diagonal move is explored first
        for di, dj in ((0, 1), (1, 0), (1, 1)):
            if i + di < n and j + dj < m:
                stack.append(path + ((i + di, j + dj),))
    return out


def alignment_matrices(n, m, *, max_paths=DEFAULT_MAX_PATHS):
    """All alignment matrices of ``A(n, m)``.

    Parameters
    ----------
    n, m : int
        Series lengths (>= 1).
    max_paths : int, default 200000
        Refuse to enumerate more paths than this (the count is in the message).

    Returns
    -------
    ndarray of uint8, shape (Delannoy(n-1, m-1), n, m)
        One 0/1 matrix per path.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> A = sd.alignment_matrices(2, 2)
    >>> len(A), A[0].tolist()
    (3, [[1, 0], [0, 1]])
    """
    for name, v in (("n", n), ("m", m)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {v!r}.")
    count = delannoy(n - 1, m - 1)
    if count > max_paths:
        raise ValueError(
            f"A({n}, {m}) holds {count:,} alignment paths, more than max_paths={max_paths:,}; "
            "enumerate shorter series or raise max_paths."
        )
    paths = _paths(int(n), int(m))
    A = np.zeros((len(paths), n, m), dtype=np.uint8)
    for k, path in enumerate(paths):
        idx = np.array(path)
        A[k, idx[:, 0], idx[:, 1]] = 1
    return A


class PathEnumeration(NamedTuple):
    """Brute-force soft-DTW over every (in-band) alignment path.

    Attributes
    ----------
    matrices : ndarray of uint8, shape (P, n, m)
        The paths.
    path_costs : ndarray, shape (P,)
        ``<A, Δ>``.
    probabilities : ndarray, shape (P,)
        Gibbs probabilities (uniform over the minimisers at γ = 0).
    value : float
        ``dtw_γ``.
    E : ndarray, shape (n, m)
        ``Σ_A p(A) A``.
    """

    matrices: np.ndarray
    path_costs: np.ndarray
    probabilities: np.ndarray
    value: float
    E: np.ndarray


def brute_force_soft_dtw(
    X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_paths=DEFAULT_MAX_PATHS
):
    r"""Soft-DTW by enumerating every alignment path (exponential: small n, m only).

    .. math::

        p_\gamma(A) = \frac{e^{-\langle A, \Delta \rangle/\gamma}}
                            {\sum_B e^{-\langle B, \Delta \rangle/\gamma}}, \qquad
        \operatorname{dtw}_\gamma = -\gamma \log \sum_A e^{-\langle A, \Delta \rangle/\gamma},
        \qquad E = \sum_A p_\gamma(A) A

    Independent of the dynamic programme, hence a reference for it. With a band, only
    paths that stay inside it are enumerated.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`softdtw_core.soft_dtw`.
    max_paths : int, default 200000
        Refuse to enumerate more paths than this.

    Returns
    -------
    PathEnumeration
        Every path with its cost and probability, the value and E.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> bf = sd.brute_force_soft_dtw([0.0, 1.0, 2.0], [0.0, 2.0], gamma=1.0)
    >>> sorted(bf.path_costs.tolist())  # Δ = [[0, 4], [1, 1], [4, 0]]: five paths
    [1.0, 1.0, 2.0, 5.0, 5.0]
    >>> round(bf.value, 4) == round(sd.soft_dtw([0.0, 1.0, 2.0], [0.0, 2.0], 1.0), 4)
    True
    """
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=None, what="brute_force_soft_dtw"
    )
    A = alignment_matrices(p.n, p.m, max_paths=max_paths)
    if band is not None:
        outside = ~band_mask(p.n, p.m, band)
        A = A[~(A.astype(bool) & outside).any(axis=(1, 2))]
    costs = np.einsum("pij,ij->p", A.astype(np.float64), p.D)
    best = costs.min()
    if p.gamma == 0.0:
        value = float(best)
        probs = (costs == best).astype(np.float64)
    else:
        logits = -(costs - best) / p.gamma
        weights = np.exp(logits)
        total = weights.sum()
        value = float(best - p.gamma * np.log(total))
        probs = weights
    probs = probs / probs.sum()
    E = np.einsum("p,pij->ij", probs, A.astype(np.float64))
    return PathEnumeration(A, costs, probs, value, E)
