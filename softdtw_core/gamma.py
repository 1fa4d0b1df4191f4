r"""A data-driven starting γ, with its reasoning, and a grid of γ around it.

γ has no meaning on its own: it is measured in the units of the ground cost Δ. Soft-DTW
weighs each alignment ``A`` by its Gibbs probability

.. math::

    p_\gamma(A) = \frac{e^{-\langle A, \Delta \rangle / \gamma}}
                       {\sum_B e^{-\langle B, \Delta \rangle / \gamma}},
    \qquad
    \operatorname{dtw}_0 - \gamma \log \operatorname{Delannoy}(n-1, m-1)
    \le \operatorname{dtw}_\gamma \le \operatorname{dtw}_0 ,

so γ competes with *differences of path costs*. A path that leaves the optimal one for a
short detour typically swaps a few aligned cells for others, and pays a few times the
typical cost of an aligned cell, ``c``. With ``γ = f c`` such a detour is ``e^{-k/f}``
times less likely than the optimal path when it costs ``k c`` more: ``f ≪ 1`` gives
(nearly) hard DTW, ``f ≫ 1`` spreads the alignment over many paths and, for raw soft-DTW,
drives the values negative (the ``- γ log Delannoy`` side of the bound). ``f = 1`` keeps
the paths within a cell or two of the optimal cost in play: alignments that hesitate
between near-equivalent matchings are averaged, clearly worse ones are not.

:func:`suggest_gamma` estimates ``c`` on a seeded sample of pairs of the data, as the
hard-DTW cost per aligned cell, ``Σ_j dtw_0(x_a, y_j) / Σ_j |A*_j|`` (``|A*|``: cells on an
optimal path) for a few anchor series ``x_a``, and takes the median over the anchors. It
returns ``γ = f c`` with :data:`DEFAULT_FRACTION` ``f = 1``, chosen empirically:
``python benchmarks/bench_classification.py --sweep`` measures the test accuracy of soft-DTW
nearest centroid and 1-NN (divergence) on the 11 bundled univariate UCR datasets at
``γ = f c`` for ``f`` from 0.001 to 3. Averaged over the datasets, nearest centroid scores
0.78-0.79 for ``f <= 0.3``, 0.81 at ``f = 1`` (its best) and 0.80 at ``f = 3``; 1-NN 0.87
for ``f <= 0.1``, 0.895 at ``f = 1`` and 0.90 at ``f = 3``. No single γ is best for every
dataset, hence :func:`gamma_grid` for cross-validation; the default grid (``c / 10`` to
``10 c``) holds the best ``f`` of 10 (nearest centroid) and 9 (1-NN) of the 11 datasets. Because
``Δ = ||x_i - y_j||²`` scales as the square of the data, scaling the data by ``s`` scales
the suggestion by ``s²``.

:func:`gamma_grid` spreads ``num`` values log-uniformly around the suggestion, the grid a
cross-validation (:class:`sklearn.model_selection.GridSearchCV`) should search.

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017 (γ, the Gibbs distribution, the bound).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._internal.validation import as_dataset, check_band, check_int, check_non_negative
from .band import band_limits_checked
from .batch import PackedCollection, alignment_statistics_packed

__all__ = ["DEFAULT_FRACTION", "GammaSuggestion", "gamma_grid", "suggest_gamma"]

#: ``f`` in ``γ = f c`` (module docstring).
DEFAULT_FRACTION = 1.0
_MAX_ANCHORS = 8


@dataclass(frozen=True)
class GammaSuggestion:
    """A starting γ and what it is based on.

    Attributes
    ----------
    gamma : float
        The suggestion ``f c``.
    cell_cost : float
        ``c``: the typical hard-DTW cost of one aligned cell (median over the anchors).
    fraction : float
        ``f``.
    anchor_costs : ndarray
        The cost per aligned cell measured for each anchor series (its spread shows how
        much ``c`` varies across the data).
    n_pairs : int
        Pairs of series the estimate used.
    explanation : str
        The reasoning, in words, with the numbers.
    """

    gamma: float
    cell_cost: float
    fraction: float
    anchor_costs: np.ndarray
    n_pairs: int
    explanation: str


def _sample_pairs(n_series, n_pairs, rng):
    """Anchors and, for each, the other series it is compared with (no self-pairs)."""
    anchors = rng.choice(n_series, min(n_series, _MAX_ANCHORS), replace=False)
    per_anchor = min(n_series - 1, max(1, math.ceil(n_pairs / len(anchors))))
    out = []
    for a in anchors:
        others = np.delete(np.arange(n_series), a)
        out.append((int(a), rng.choice(others, per_anchor, replace=False)))
    return out


def suggest_gamma(X, *, fraction=DEFAULT_FRACTION, n_pairs=64, band=None, random_state=0):
    r"""A starting γ for soft-DTW on the data ``X``: ``γ = f c``.

    ``c`` is the typical cost of one aligned cell on an optimal DTW path between two series
    of ``X`` (module docstring):

    .. math::

        c = \operatorname{median}_a
            \frac{\sum_j \operatorname{dtw}_0(x_a, x_j)}{\sum_j |A^\star(x_a, x_j)|}

    over a seeded sample of anchors ``a`` and partners ``j``, with the squared Euclidean
    cost. ``c`` (hence γ) scales as the square of the data.

    Parameters
    ----------
    X : list of series or ndarray, shape (N, length) or (N, length, d)
        At least two series; lengths may differ.
    fraction : float, default 1.0
        ``f > 0`` (:data:`DEFAULT_FRACTION`).
    n_pairs : int, default 64
        About how many pairs to sample (at most 8 anchors).
    band : float, optional
        Sakoe-Chiba radius of the DTW paths.
    random_state : int or numpy Generator, default 0
        Seeds the sample (the result is reproducible by default).

    Returns
    -------
    GammaSuggestion
        ``gamma`` with ``cell_cost``, the per-anchor costs and an ``explanation``.

    See Also
    --------
    gamma_grid : values around the suggestion, for a cross-validated search.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> t = np.linspace(0, 2 * np.pi, 40)
    >>> X = np.stack([np.sin(t + s) for s in np.linspace(0, 1, 6)])
    >>> s = sd.suggest_gamma(X)
    >>> s.gamma == s.cell_cost, s.n_pairs
    (True, 30)
    >>> bool(np.isclose(sd.suggest_gamma(3 * X).gamma, 9 * s.gamma))  # γ scales as Δ
    True
    """
    series = as_dataset(X, "X")
    if len(series) < 2:
        raise ValueError(
            f"X holds {len(series)} series; suggest_gamma compares pairs of series and needs "
            "at least two."
        )
    fraction = check_non_negative(fraction, "fraction")
    if fraction == 0:
        raise ValueError("fraction must be > 0 (γ = fraction × the cost of an aligned cell).")
    n_pairs = check_int(n_pairs, "n_pairs")
    radius = check_band(band)
    rng = random_state if isinstance(random_state, np.random.Generator) else \
        np.random.default_rng(random_state)
    costs, used = [], 0
    for a, partners in _sample_pairs(len(series), n_pairs, rng):
        packed = PackedCollection([series[j] for j in partners], "X")
        if radius >= 0:
            for m in set(packed.lengths.tolist()):
                band_limits_checked(series[a].shape[0], m, radius)
        values, rs, _ = alignment_statistics_packed(series[a], packed, np.ones(len(packed)),
                                                    0.0, radius)
        costs.append(values.sum() / rs.sum())  # Σ_j dtw_0 / Σ_j |A*_j| (E = A* at γ = 0)
        used += len(partners)
    costs = np.asarray(costs)
    c = float(np.median(costs))
    if not c > 0:
        raise ValueError(
            "X: every sampled pair of series aligns at zero cost (the series coincide up to "
            "time warping), so the data give γ no scale; pick γ by hand (e.g. 0.1 for data of "
            "unit variance)."
        )
    gamma = fraction * c
    explanation = (
        f"Between two series of these data, an aligned pair of points costs typically "
        f"c = {c:.4g} (hard-DTW cost per cell of the optimal path, median over "
        f"{len(costs)} series each compared with {used // len(costs)} others; range "
        f"{costs.min():.4g} to {costs.max():.4g}). Soft-DTW weighs a path by "
        f"exp(−cost/γ), so γ = {fraction:g} × c = {gamma:.4g} makes a path that costs one "
        f"typical cell more than the optimal one {math.exp(-1 / fraction):.2g} times as "
        "likely: near-equivalent alignments are averaged, clearly worse ones are not. γ "
        "scales with the square of the data (Δ = ‖x − y‖²)."
    )
    return GammaSuggestion(gamma, c, fraction, costs, used, explanation)


def gamma_grid(X, num=7, *, width=100.0, **kwargs):
    r"""``num`` values of γ, log-uniform around :func:`suggest_gamma` ``(X)``.

    .. math::

        \gamma_k = \gamma^\star w^{\,k/(\mathrm{num}-1) - 1/2}, \qquad k = 0, \dots,
        \mathrm{num} - 1

    from ``γ*/√w`` to ``γ* √w``; an odd ``num`` includes ``γ*`` itself.

    Parameters
    ----------
    X : list of series or ndarray, shape (N, length) or (N, length, d)
        The data.
    num : int, default 7
        Number of values (1 gives ``[γ*]``).
    width : float, default 100.0
        Ratio ``w > 1`` of the largest value to the smallest (two decades by default).
    **kwargs
        Passed to :func:`suggest_gamma` (``fraction``, ``n_pairs``, ``band``,
        ``random_state``).

    Returns
    -------
    ndarray, shape (num,)
        Increasing values of γ.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> X = np.stack([np.sin(np.linspace(0, 6, 30) + s) for s in (0.0, 0.3, 0.6)])
    >>> grid = sd.gamma_grid(X, num=5)
    >>> bool(np.isclose(grid[2], sd.suggest_gamma(X).gamma)), round(float(grid[-1] / grid[0]), 6)
    (True, 100.0)
    """
    num = check_int(num, "num")
    width = check_non_negative(width, "width")
    if not width > 1:
        raise ValueError(f"width must be > 1 (the ratio of the largest γ to the smallest); "
                         f"got {width!r}.")
    center = suggest_gamma(X, **kwargs).gamma
    if num == 1:
        return np.array([center])
    return center * width ** (np.linspace(-0.5, 0.5, num))
