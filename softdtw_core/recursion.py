r"""Bellman recursions of soft-DTW: value, DP table R, expected alignment E, gradients.

Soft-DTW between series :math:`X \in \mathbb{R}^{n \times d}` and
:math:`Y \in \mathbb{R}^{m \times d}` with ground cost matrix :math:`\Delta` is the smoothed
minimum of the costs of all alignments, computed by the forward recursion (cells 1-based,
borders :math:`r_{00} = 0`, :math:`r_{0j} = r_{i0} = +\infty`)

.. math::

    r_{ij} = \Delta_{ij} + {\min}^\gamma(r_{i-1,j-1}, r_{i-1,j}, r_{i,j-1}), \qquad
    \operatorname{dtw}_\gamma(X, Y) = r_{nm}
    = -\gamma \log \sum_{A \in \mathcal{A}(n, m)} e^{-\langle A, \Delta \rangle / \gamma}.

Each cell also stores the three local soft-min weights
:math:`w^{(k)}_{ij} = e^{-u_k/\gamma} / \sum_l e^{-u_l/\gamma}` of its predecessors
(k = diagonal, up, left). The expected alignment
:math:`E = \mathbb{E}_\gamma[A] = \nabla_\Delta \operatorname{dtw}_\gamma` then satisfies the
*linear* backward recursion

.. math::

    e_{nm} = 1, \qquad
    e_{ij} = w^{\mathrm{diag}}_{i+1,j+1} e_{i+1,j+1} + w^{\mathrm{up}}_{i+1,j} e_{i+1,j}
           + w^{\mathrm{left}}_{i,j+1} e_{i,j+1}

which has no ``exp`` and no cancellation, so E stays exact as γ -> 0 (at γ = 1e-8 it equals
the 0/1 optimal path). At ``γ = 0`` the weight 1 goes to the minimising predecessor with the
tie-break diagonal, then up, then left; E is then the optimal path A*. The gradient with
respect to ``X`` is :math:`(\partial \Delta / \partial X)^\top E` (:mod:`softdtw_core.costs`).

Cells outside a Sakoe-Chiba band are never visited: their E is exactly 0 and they show as
``+inf`` in R. The value-only path sweeps anti-diagonals with O(min(n, m)) memory; the
functions that hold full ``n x m`` tables refuse more than ``max_cells`` cells (default
:data:`~softdtw_core.DEFAULT_MAX_CELLS`).

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, PMLR 70:894-903 (Algorithms 1 and 2).
.. [2] H. Sakoe and S. Chiba, "Dynamic programming algorithm optimization for spoken word
   recognition", IEEE Transactions on Acoustics, Speech, and Signal Processing
   26(1):43-49, 1978.
.. [3] M. Cuturi, J.-P. Vert, Ø. Birkenes and T. Matsui, "A kernel for time series based
   on global alignments", ICASSP 2007 (``exp(-dtw_γ/γ)`` is their global alignment kernel).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._internal.dp import (
    alignment_matrix,
    as_float32,
    backtrack,
    expected_alignment,
    float32_requested,
    forward_table,
    gibbs,
    problem,
    value,
    wave_grad_x,
)
from ._internal.interpreted import (
    interpreted_gibbs,
    interpreted_path,
    interpreted_tables,
    interpreting,
)
from ._internal.small import small_value, small_value_and_grad
from ._internal.validation import check_block_size, check_memory

__all__ = [
    "SoftDTWTables",
    "accumulated_cost",
    "dtw_path",
    "path_to_matrix",
    "soft_dtw",
    "soft_dtw_alignment",
    "soft_dtw_tables",
    "soft_dtw_value_and_grad",
]

# --------------------------------------------------------------------------- public API


def soft_dtw(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None):
    r"""Soft-DTW value.

    .. math::

        \operatorname{dtw}_\gamma(X, Y) = r_{nm}
        = -\gamma \log \sum_{A \in \mathcal{A}(n, m)} e^{-\langle A, \Delta \rangle / \gamma}

    Uses O(min(n, m)) memory (anti-diagonal sweep, cost computed on the fly), so it has
    no cell cap.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, d)
        First series; with ``cost="precomputed"``, the ``(n, m)`` cost matrix Δ.
    Y : array_like, shape (m,) or (m, d), or None
        Second series (``None`` with ``cost="precomputed"``).
    gamma : float, default 1.0
        Smoothing ``γ >= 0``; ``0`` gives DTW.
    cost : {"sqeuclidean", "absolute", "precomputed"}
        Ground cost ``Δ_ij = ||x_i - y_j||²``, ``Σ_k |x_ik - y_jk|``, or given.
    band : float or None
        Sakoe-Chiba radius in time steps (see :mod:`softdtw_core.band`).

    Returns
    -------
    float
        ``dtw_γ(X, Y)``; it can be negative for γ > 0 (see
        :func:`~softdtw_core.soft_dtw_divergence` for a variant that is 0 at X = Y).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> x, y = [0.0, 1.0, 2.0], [0.0, 2.0]
    >>> sd.soft_dtw(x, y, gamma=0.0)  # DTW
    1.0
    >>> round(sd.soft_dtw(x, y, gamma=1.0), 4)  # below DTW: a soft minimum
    0.1227
    >>> D = [[0.0, 4.0], [1.0, 1.0], [4.0, 0.0]]  # Δ_ij = (x_i - y_j)²
    >>> round(sd.soft_dtw(D, gamma=1.0, cost="precomputed"), 4)
    0.1227
    """
    if interpreting() and (found := interpreted_gibbs(X, Y, gamma, cost=cost,
                                                      band=band)) is not None:
        return found  # softdtw_core.warmup.interpreted(): the row-major tables
    fast = small_value(X, Y, gamma, cost, band)
    if fast is not None:  # small float64 arrays: one kernel call (see softdtw_core._internal.small)
        return fast
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    if float32_requested(X, Y):
        return np.float32(value(as_float32(p)))
    return value(p)


def accumulated_cost(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """The DP table R with its borders.

    ``R[0, 0] = 0``, ``R[0, j] = R[i, 0] = +inf``, cells outside the band are ``+inf``, and
    ``R[n, m] = dtw_γ(X, Y)``.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    ndarray, shape (n + 1, m + 1)
        ``R[i, j] = r_ij``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.accumulated_cost([0.0, 1.0, 2.0], [0.0, 2.0], gamma=0.0)
    array([[ 0., inf, inf],
           [inf,  0.,  4.],
           [inf,  1.,  1.],
           [inf,  5.,  1.]])
    """
    if interpreting() and (R := interpreted_gibbs(X, Y, gamma, cost=cost, band=band,
                                                  max_cells=max_cells, what="accumulated_cost",
                                                  need="R")) is not None:
        return R  # softdtw_core.warmup.interpreted()
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="accumulated_cost"
    )
    _, R, _ = forward_table(p)
    return R.copy()


def soft_dtw_alignment(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None,
                       memory="auto", block_size=None):
    r"""Soft-DTW value and expected alignment.

    .. math::

        E = \mathbb{E}_\gamma[A] = \nabla_\Delta \operatorname{dtw}_\gamma(X, Y), \qquad
        p_\gamma(A) \propto e^{-\langle A, \Delta \rangle / \gamma}

    With ``block_size = (b_n, b_m)`` it returns E averaged over blocks of ``b_n`` rows and
    ``b_m`` columns instead,

    .. math::

        \bar E_{IJ} = \frac{1}{|I| |J|} \sum_{i \in I} \sum_{j \in J} e_{ij},

    computed as E is, without forming the ``n x m`` matrix: with the checkpointed pass
    (``memory``), E of a 20,000 x 20,000 pair fits in a few hundred MB.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`) for the dense E
        and for full storage; the checkpointed pass with ``block_size`` has no cap.
    memory : {"auto", "full", "checkpoint"} or int, default "auto"
        As in :func:`soft_dtw_value_and_grad`.
    block_size : (int, int), optional
        Rows and columns of the blocks E is averaged over (edge blocks are averaged over
        their own cells, as ``explorer``'s ``block_average`` does).

    Returns
    -------
    value : float
        ``dtw_γ(X, Y)``.
    E : ndarray, shape (n, m), or (ceil(n / b_n), ceil(m / b_m)) with ``block_size``
        Gibbs expectation of the alignment matrices, each entry in [0, 1]; 0 outside the
        band; the 0/1 optimal path A* at ``γ = 0``. With ``block_size``, its block means.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> value, E = sd.soft_dtw_alignment([0.0, 1.0, 2.0], [0.0, 2.0], gamma=0.01)
    >>> E.round(3)  # two optimal paths, each with probability ½
    array([[1. , 0. ],
           [0.5, 0.5],
           [0. , 1. ]])
    >>> value, blocks = sd.soft_dtw_alignment([0.0, 1.0, 2.0], [0.0, 2.0], gamma=0.01,
    ...                                       block_size=(2, 2))
    >>> blocks.round(3)  # rows {1, 2} and {3}, both columns
    array([[0.5],
           [0.5]])
    """
    memory = check_memory(memory)
    if block_size is not None:
        block_size = check_block_size(block_size)
    what = "soft_dtw_alignment"
    if (block_size is None and interpreting()
            and (found := interpreted_gibbs(X, Y, gamma, cost=cost, band=band,
                                            max_cells=max_cells, what=what, need="E"))
            is not None):
        return found  # softdtw_core.warmup.interpreted(): the row-major tables
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False, max_cells=max_cells,
                what=what if block_size is None else "")
    if float32_requested(X, Y):
        p = as_float32(p)
    w = gibbs(p, memory=memory, block_size=block_size, cap=(max_cells, what))
    if block_size is not None:
        return _like_input(p, w.value), w.blocks
    return _like_input(p, w.value), alignment_matrix(p, w)


def soft_dtw_value_and_grad(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None,
                            memory="auto"):
    r"""Soft-DTW value and its gradient with respect to ``X``.

    .. math::

        \nabla_X \operatorname{dtw}_\gamma(X, Y)
        = \left(\frac{\partial \Delta}{\partial X}\right)^{\!\top} E
        = 2 \left(\operatorname{diag}(E \mathbf{1}) X - E Y\right)
        \quad \text{(squared Euclidean cost)}

    With ``cost="precomputed"`` the gradient is w.r.t. the cost matrix, i.e. E itself.
    At ``γ = 0`` it is the gradient along the optimal path (a subgradient of DTW).

    E's backward recursion reads every cell's soft-min weights in reverse order. Full
    storage keeps them (about 24 bytes a cell, 2.4 GB at 10,000 x 10,000); the
    checkpointed pass keeps R on two anti-diagonals every :math:`S \approx \sqrt{2(n+m)/3}`
    diagonals and recomputes each segment's weights when the backward pass reaches it:

    .. math::

        \text{memory} \approx 24 S \min(n, m) + 16 \frac{n + m}{S} \min(n, m)
        \ \text{bytes} \quad (160 \text{ MB at } 20{,}000 \times 20{,}000),

    for one more forward sweep (without the weights), and the same result bit for bit.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` for full storage (default
        :data:`~softdtw_core.DEFAULT_MAX_CELLS`); the checkpointed pass has no cap.
    memory : {"auto", "full", "checkpoint"} or int, default "auto"
        ``"full"`` stores the weights, ``"checkpoint"`` recomputes them, ``"auto"`` stores
        them unless that takes more than :data:`~softdtw_core.DEFAULT_MEMORY_BUDGET` bytes
        (256 MiB: past about 3,300 x 3,300 cells, where full storage stops being faster);
        an integer is ``"auto"`` with that budget in bytes.

    Returns
    -------
    value : float
        ``dtw_γ(X, Y)``.
    grad : ndarray, same shape as ``X``
        ``∇_X dtw_γ(X, Y)``.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> value, grad = sd.soft_dtw_value_and_grad([0.0, 1.0, 2.0], [0.0, 2.0], gamma=0.0)
    >>> value, grad.tolist()
    (1.0, [0.0, 2.0, 0.0])
    >>> sd.soft_dtw_value_and_grad([0.0, 1.0, 2.0], [0.0, 2.0], gamma=0.0,
    ...                            memory="checkpoint")[1].tolist()  # the same, recomputed
    [0.0, 2.0, 0.0]
    """
    if interpreting() and (found := interpreted_gibbs(
            X, Y, gamma, cost=cost, band=band, max_cells=max_cells,
            what="soft_dtw_value_and_grad", need="grad")) is not None:
        check_memory(memory)
        return found  # softdtw_core.warmup.interpreted(): the row-major tables
    if isinstance(memory, str) and memory == "auto":
        fast = small_value_and_grad(X, Y, gamma, cost, band, max_cells)
        if fast is not None:  # small float64 arrays: one kernel call (_internal.small)
            return fast
    memory = check_memory(memory)
    p = problem(X, Y, gamma, cost, band, need_cost_matrix=False)
    if float32_requested(X, Y):
        p = as_float32(p)
    cap = (max_cells, "soft_dtw_value_and_grad")
    if p.cost == "precomputed":
        w = gibbs(p, memory=memory, cap=cap)
        return _like_input(p, w.value), alignment_matrix(p, w)
    w = gibbs(p, statistics=True, memory=memory, cap=cap)
    return _like_input(p, w.value), wave_grad_x(p, w)


def _like_input(p, v):
    """The value as float32 for a float32 problem
    (:func:`~softdtw_core._internal.dp.as_float32`)."""
    return np.float32(v) if isinstance(p.gamma, np.float32) else v


def dtw_path(X, Y=None, *, cost="sqeuclidean", band=None, max_cells=None):
    r"""Hard DTW: the cost of an optimal alignment and the alignment (``γ = 0``).

    .. math::

        \operatorname{dtw}_0(X, Y) = \min_{A \in \mathcal{A}(n, m)} \langle A, \Delta \rangle

    Ties are broken deterministically: at each cell the diagonal predecessor is preferred,
    then the one above (i-1, j), then the one to the left (i, j-1).

    Parameters
    ----------
    X, Y, cost, band
        As in :func:`soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    value : float
        ``dtw_0(X, Y)``.
    path : list of (int, int)
        0-based cells from (0, 0) to (n-1, m-1).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.dtw_path([0.0, 0.0, 1.0, 2.0], [0.0, 1.0, 1.0, 2.0])
    (0.0, [(0, 0), (1, 0), (2, 1), (2, 2), (3, 3)])
    """
    if interpreting() and (found := interpreted_path(X, Y, cost=cost, band=band,
                                                     max_cells=max_cells)) is not None:
        return found  # softdtw_core.warmup.interpreted()
    p = problem(X, Y, 0.0, cost, band, need_cost_matrix=True, max_cells=max_cells, what="dtw_path")
    dtw, _, W = forward_table(p)
    return dtw, [(i, j) for i, j in backtrack(p, W).tolist()]


def path_to_matrix(path, n, m):
    """0/1 alignment matrix from a list of cells.

    Parameters
    ----------
    path : sequence of (int, int)
        0-based cells, e.g. from :func:`dtw_path`.
    n, m : int
        Shape of the matrix.

    Returns
    -------
    ndarray, shape (n, m)
        1 on the cells of ``path``, 0 elsewhere.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> sd.path_to_matrix([(0, 0), (1, 0), (2, 1)], 3, 2)
    array([[1., 0.],
           [1., 0.],
           [0., 1.]])
    """
    A = np.zeros((n, m))
    idx = np.asarray(path, dtype=np.int64).reshape(-1, 2)
    A[idx[:, 0], idx[:, 1]] = 1.0
    return A


class SoftDTWTables(NamedTuple):
    """Everything the recursions compute, for display (the app's teaching pages).

    Attributes
    ----------
    cost : ndarray, shape (n, m)
        Δ.
    R : ndarray, shape (n + 1, m + 1)
        DP table with borders.
    weights : ndarray, shape (n, m, 3)
        Local soft-min weights of each cell's predecessors (diagonal, up, left).
    E : ndarray, shape (n, m)
        Expected alignment.
    value : float
        ``dtw_γ = R[n, m]``.
    """

    cost: np.ndarray
    R: np.ndarray
    weights: np.ndarray
    E: np.ndarray
    value: float


def soft_dtw_tables(X, Y=None, gamma=1.0, *, cost="sqeuclidean", band=None, max_cells=None):
    """Δ, R, the local soft-min weights and E in one pass.

    Parameters
    ----------
    X, Y, gamma, cost, band
        As in :func:`soft_dtw`.
    max_cells : int, optional
        Cap on ``n * m`` (default :data:`~softdtw_core.DEFAULT_MAX_CELLS`).

    Returns
    -------
    SoftDTWTables
        The tables; each cell's weights sum to 1 inside the band.

    Examples
    --------
    >>> import softdtw_core as sd
    >>> t = sd.soft_dtw_tables([0.0, 1.0, 2.0], [0.0, 2.0], gamma=1.0)
    >>> t.cost.tolist(), round(t.value, 4)
    ([[0.0, 4.0], [1.0, 1.0], [4.0, 0.0]], 0.1227)
    >>> t.weights[2, 1].round(3)  # cell (3, 2): diagonal, up, left predecessor
    array([0.416, 0.576, 0.008])
    """
    if interpreting():  # softdtw_core.warmup.interpreted(): no compilation in this thread
        t = interpreted_tables(X, Y, gamma, cost=cost, band=band, max_cells=max_cells)
        if t is not None:
            return SoftDTWTables(*t)
    p = problem(
        X, Y, gamma, cost, band, need_cost_matrix=True, max_cells=max_cells, what="soft_dtw_tables"
    )
    dtw, R, W = forward_table(p)
    E = expected_alignment(p, W)
    return SoftDTWTables(p.D.copy(), R.copy(), W.copy(), E, dtw)
