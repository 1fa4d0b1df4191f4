"""Compile (or load from Numba's on-disk cache) every kernel of the package ahead of use.

The kernels are compiled on their first call, one specialisation per combination of
argument types; on a fresh install that takes 10-60 s in all, and a first call pays its
share. :func:`warm_up` calls every public entry point once on tiny inputs, with the argument
types real calls use (float64 series with and without a d axis, both ground costs, with and
without a band, γ = 0 and γ > 0), so that afterwards no call compiles anything. One thread
or several run the same kernels (``_internal.threads.run_chunks``), so one pass covers
both. From a warm on-disk cache it takes a fraction of a second.

It runs in stages (:data:`STAGES`), ordered as the explorer's pages need them: the tables of
the Learn pages first (R, E and the optimal path: about 1.5 s of compilation, where all the
pair kernels take 15 s), then the other pair kernels of the Learn pages (with the tangent
kernels of the second-order functions and DILATE), then the collection kernels (pairwise
values, then the one-against-many statistics behind barycenters, k-means and
interpolation), then the batch kernels of the predictor, and last the checkpointed passes of
long pairs (*Your data*). ``tests/app/test_warmup_coverage.py`` checks that the explorer's
pages and jobs compile nothing after it.

While the kernels compile, a thread can have :func:`~softdtw_core.soft_dtw_tables` and
:func:`~softdtw_core.dtw_path` sweep the row-major tables by anti-diagonals in NumPy instead,
up to :data:`INTERPRETED_MAX_CELLS` cells (:func:`interpreted`): the same results to the
last bit, 5 ms for a 60 x 80 table, against 1.5 s of CPU to compile the kernels, so
that the explorer's Cost & DP table draws at once on a fresh install. In the same block the
value, alignment, gradient and entropy functions take those tables instead of the wavefront
kernels of the ``learn`` stage (20 s of CPU to compile), so that the γ explorer and *DTW as a
loss* draw at once too; the block runs the row-major kernels compiled once the first stage
(``tables``) is loaded, or once its sweeps took :data:`SWEEP_BUDGET` seconds (it then
compiles them itself: :func:`compile_row_major`, 1 s of CPU).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable

import numpy as np

from ._internal.interpreted import (
    INTERPRETED_MAX_CELLS,
    SWEEP_BUDGET,
    compile_row_major,
    interpreted,
    interpreted_gibbs,
    interpreted_path,
    interpreted_tables,
    interpreting,
)

__all__ = ["INTERPRETED_MAX_CELLS", "STAGES", "SWEEP_BUDGET", "compile_row_major",
           "interpreted", "interpreted_gibbs", "interpreted_path", "interpreted_tables",
           "interpreting", "main", "warm_up"]


def _pairs():
    """Tiny pairs: univariate (n,) and multivariate (n, 2), lengths 3 and 4."""
    x = np.array([0.0, 1.0, 0.5])
    y = np.array([0.2, 0.9, 0.1, 0.4])
    return [(x, y), (np.c_[x, x], np.c_[y, y])]


def _tables() -> None:
    """The full tables (Δ, R, the local weights, E) and the optimal path: the kernels the Cost
    & DP table and the Bellman step-through need, first (the sizes take no other path); and
    the absolute cost's Jacobian product, with which the γ explorer and *DTW as a loss* run
    on these tables alone (:func:`interpreted`)."""
    from . import recursion
    from .costs import cost_jacobian_product

    for x, y in _pairs():
        for cost in ("sqeuclidean", "absolute"):
            for band in (None, 2.0):
                for gamma in (0.0, 0.1):
                    t = recursion.soft_dtw_tables(x, y, gamma, cost=cost, band=band)
                recursion.dtw_path(x, y, cost=cost, band=band)
        cost_jacobian_product(x, y, t.E, cost="absolute")


def _learn() -> None:
    from . import recursion
    from .divergence import path_entropy, sharp_soft_dtw, soft_dtw_divergence
    from .enumeration import brute_force_soft_dtw

    for x, y in _pairs():
        for cost in ("sqeuclidean", "absolute"):
            for band in (None, 2.0):
                for gamma in (0.0, 0.1):
                    recursion.soft_dtw(x, y, gamma, cost=cost, band=band)
                    recursion.soft_dtw(y, x, gamma, cost=cost, band=band)  # n > m
                    recursion.soft_dtw_alignment(x, y, gamma, cost=cost, band=band)
                    recursion.soft_dtw_value_and_grad(x, y, gamma, cost=cost, band=band)
                    recursion.soft_dtw_value_and_grad(x, y, gamma, cost=cost, band=band,
                                                      max_cells=100)  # the general path
                path_entropy(x, y, 0.1, cost=cost, band=band)
                soft_dtw_divergence(x, y, 0.1, cost=cost, band=band)
                sharp_soft_dtw(x, y, 0.1, cost=cost, band=band)
                brute_force_soft_dtw(x, y, 0.1, cost=cost, band=band)
    _second_order()
    D = np.ones((3, 4))
    recursion.soft_dtw(D, gamma=0.1, cost="precomputed")
    recursion.soft_dtw_value_and_grad(D, gamma=0.1, cost="precomputed")


def _second_order() -> None:
    """The tangent kernels: Hessian-vector products, E's directional derivative, DILATE
    (wavefront), and sharp soft-DTW's gradient (row-major tables)."""
    from .dilate import dilate_value_and_grad, temporal_distortion_index
    from .divergence import sharp_soft_dtw_value_and_grad
    from .second_order import expected_alignment_jvp, soft_dtw_hvp

    for x, y in _pairs():
        for cost in ("sqeuclidean", "absolute"):
            for band in (None, 2.0):
                soft_dtw_hvp(x, y, np.ones_like(x), 0.1, cost=cost, band=band)
                expected_alignment_jvp(x, y, np.ones_like(x), 0.1, cost=cost, band=band)
                dilate_value_and_grad(x, y, 0.5, 0.1, cost=cost, band=band)
                temporal_distortion_index(x, y, cost=cost, band=band)
                sharp_soft_dtw_value_and_grad(x, y, 0.1, cost=cost, band=band)


def _collections():
    """Tiny collections: series of two lengths, univariate and with two channels."""
    rng = np.random.default_rng(0)
    uni = [rng.normal(size=n) for n in (5, 5, 6, 6, 7)]
    multi = [rng.normal(size=(n, 2)) for n in (5, 5, 6, 6, 7)]
    return [uni, multi]


def _pairwise() -> None:
    from .pairwise import soft_dtw_cdist

    def stage():
        for series in _collections():
            for cost in ("sqeuclidean", "absolute"):
                for band in (None, 3.0):
                    for gamma in (0.0, 0.1):
                        soft_dtw_cdist(series, gamma=gamma, cost=cost, band=band)
                        soft_dtw_cdist(series, series[:2], gamma=gamma, cost=cost, band=band,
                                       divergence=True)

    stage()


def _barycenter() -> None:
    from .barycenter import dba_barycenter, dtw_loss, softdtw_barycenter
    from .batch import alignment_statistics
    from .interpolation import interpolation_path

    def stage():
        for series in _collections():
            for band in (None, 3.0):
                alignment_statistics(series[0], series, 0.1, band=band)
                for gamma in (0.0, 0.1):
                    for objective in ("softdtw", "divergence"):
                        softdtw_barycenter(series, gamma, objective=objective, band=band,
                                           max_iter=2)
                dba_barycenter(series, band=band, max_iter=2)
                dtw_loss(series[0], series, band=band)
            interpolation_path(series[0], series[2], [0.0, 0.5, 1.0], 0.1, max_iter=2)
            interpolation_path(series[0], series[2], [0.5], 0.1, objective="divergence",
                               max_iter=2)

    stage()


def _kmeans() -> None:
    from .kmeans import DBAKMeans, EuclideanKMeans, SoftDTWKMeans

    def stage():
        for series in _collections():
            SoftDTWKMeans(2, 0.1, max_iter=1, barycenter_max_iter=1, random_state=0).fit(series)
            SoftDTWKMeans(2, 0.1, max_iter=1, barycenter_max_iter=1, random_state=0,
                          assignment="divergence", init="random").fit(series)
            DBAKMeans(2, max_iter=1, barycenter_max_iter=1, random_state=0).fit(series)
            EuclideanKMeans(2, max_iter=1, random_state=0).fit(series[:2])

    stage()


def _predictor() -> None:
    from .batch import soft_dtw_value_and_grad_batch
    from .predictor import MLPPredictor

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 5)), rng.normal(size=(6, 4))

    def stage():
        soft_dtw_value_and_grad_batch(X, Y, 0.1)
        soft_dtw_value_and_grad_batch(X, Y, 0.1, band=2.0)
        soft_dtw_value_and_grad_batch(X[:, :, None], Y[:, :, None], 0.0)
        for loss in ("euclidean", "softdtw", "dilate"):
            MLPPredictor((3,), loss=loss, gamma=0.1, max_iter=2, random_state=0).fit(X, Y)

    stage()


def _long_pairs() -> None:
    """The checkpointed passes and the block-averaged E of long pairs (*Your data*'s pairs
    past 1,000 points), forced on a tiny pair by a tiny memory budget."""
    from .recursion import soft_dtw_alignment, soft_dtw_value_and_grad

    for x, y in _pairs():
        for cost in ("sqeuclidean", "absolute"):
            for band in (None, 2.0):
                soft_dtw_alignment(x, y, 0.1, cost=cost, band=band, memory="checkpoint",
                                   block_size=(2, 2))
                soft_dtw_alignment(x, y, 0.1, cost=cost, band=band, block_size=(2, 2))
                soft_dtw_value_and_grad(x, y, 0.1, cost=cost, band=band, memory="checkpoint")


#: The stages of :func:`warm_up`, in the order the explorer's pages need them.
STAGES: dict[str, Callable[[], None]] = {
    "tables": _tables,
    "learn": _learn,
    "pairwise": _pairwise,
    "barycenter": _barycenter,
    "kmeans": _kmeans,
    "predictor": _predictor,
    "long_pairs": _long_pairs,
}


def warm_up(stages: Iterable[str] | None = None,
            progress: Callable[[str, float], None] | None = None) -> dict[str, float]:
    """Compile or load every kernel the package's public functions call.

    Parameters
    ----------
    stages : iterable of str, optional
        Keys of :data:`STAGES` to run, in that order; default all of them.
    progress : callable, optional
        ``progress(stage, seconds)``, called after each stage.

    Returns
    -------
    dict
        Seconds taken by each stage (from a warm on-disk cache, well under a second in all).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> seconds = sd.warm_up(["tables"])  # R, E, the path; sd.warm_up() for every kernel
    >>> list(seconds)
    ['tables']
    >>> from softdtw_core.warmup import STAGES
    >>> list(STAGES)
    ['tables', 'learn', 'pairwise', 'barycenter', 'kmeans', 'predictor', 'long_pairs']
    """
    chosen = list(STAGES) if stages is None else list(stages)
    unknown = [s for s in chosen if s not in STAGES]
    if unknown:
        raise ValueError(f"stages must be among {', '.join(map(repr, STAGES))}; got "
                         f"{', '.join(map(repr, unknown))}.")
    seconds = {}
    for stage in chosen:
        t0 = time.perf_counter()
        STAGES[stage]()
        seconds[stage] = time.perf_counter() - t0
        if progress is not None:
            progress(stage, seconds[stage])
    return seconds


def main(stages: Iterable[str] | None = None) -> None:
    """Every stage, printing ``<stage> <seconds>`` as each one ends.

    ``stages``: the stages to run, in that order (default: the command line's arguments, or
    every stage in the order of :data:`STAGES`). From a shell: ``python -c "from
    softdtw_core.warmup import main; main()" [STAGE ...]`` (``python -m softdtw_core.warmup``
    works too, with a harmless RuntimeWarning: the package itself imports this module).
    """
    if stages is None:
        stages = sys.argv[1:] or None
    warm_up(stages, progress=lambda stage, seconds: print(stage, f"{seconds:.3f}", flush=True))


if __name__ == "__main__":
    main()
