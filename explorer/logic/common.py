r"""Helpers every page family of :mod:`explorer.logic` shares (no Streamlit, no Plotly).

- :func:`numba_threads`: run a block on at most k Numba threads (this thread only). The
  core's one-against-many kernel runs its series in parallel (the library's thread pool,
  ``softdtw_core._internal.threads.run_chunks``); for the small collections of the pages one
  thread is as fast on an idle 2-core machine and faster on a busy one, so the pages'
  computations and the server's job workers run under it;
- :data:`Progress`, :func:`report`: the ``progress(fraction, text)`` callback that long
  computations take (the pages pass one that moves a progress bar);
- :func:`as_float_series`, :func:`cap_series`: series as float arrays, and a collection cut to
  the page's caps with the notes that say what was cut;
- :func:`block_average`: a matrix averaged over blocks for display (the figures'
  :func:`explorer.plots.style.display_matrix`, the loss page's animation frames);
- :func:`log_delannoy`, :func:`delannoy_text`: how many alignments an n × m table holds,
  :math:`D(n - 1, m - 1) = \sum_k \binom{n-1}{k} \binom{m-1}{k} 2^k` (Overview, Cost & DP
  table, γ explorer).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence

import numba
import numpy as np

import softdtw_core as sd
from explorer import data

from . import formatting

__all__ = [
    "Progress",
    "as_float_series",
    "block_average",
    "cap_series",
    "delannoy_text",
    "log_delannoy",
    "numba_threads",
    "report",
]

Progress = Callable[[float, str], None] | None


@contextlib.contextmanager
def numba_threads(k: int = 1):
    """Run the block with at most ``k`` Numba threads (this thread only), then restore."""
    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(int(k), before)))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def report(progress: Progress, fraction: float, text: str) -> None:
    if progress is not None:
        progress(float(min(max(fraction, 0.0), 1.0)), text)


def as_float_series(s) -> np.ndarray:
    a = np.asarray(s, dtype=np.float64)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    return a


def cap_series(series: Sequence, *, max_series: int, max_length: int,
               what: str = "series") -> tuple[list[np.ndarray], list[str]]:
    """The first ``max_series`` series, each longer than ``max_length`` resampled to it.

    Returns the capped list and the messages that say what was cut.
    """
    items = [as_float_series(s) for s in data.as_series_list(series)]
    notes: list[str] = []
    if len(items) > max_series:
        notes.append(f"{len(items)} {what}: the first {max_series} are used (cap {max_series}, "
                     "to keep the page responsive).")
        items = items[:max_series]
    long = [len(s) for s in items if len(s) > max_length]
    if long:
        notes.append(f"{len(long)} {what} longer than {max_length} points (up to {max(long)}) "
                     f"are linearly resampled to {max_length} points (cap {max_length}).")
        items = [as_float_series(sd.resample(s, max_length)) if len(s) > max_length else s
                 for s in items]
    return items, notes


def block_average(M: np.ndarray, max_size: int = 500):
    """Average ``M`` over blocks so that neither side exceeds ``max_size``.

    Non-finite entries (``±inf``, NaN) are ignored inside a block; an all-non-finite block
    gives NaN.

    Returns
    -------
    (small, rows, cols, factors)
        ``small`` (float64), the block-centre coordinates of its rows and columns in the
        original index units, and the block sizes ``(fi, fj)`` (``(1, 1)`` when unchanged).
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got shape {M.shape}")
    n, m = M.shape
    fi = max(1, math.ceil(n / max_size))
    fj = max(1, math.ceil(m / max_size))
    if fi == 1 and fj == 1:
        return M, np.arange(n, dtype=np.float64), np.arange(m, dtype=np.float64), (1, 1)
    ni, nj = math.ceil(n / fi), math.ceil(m / fj)
    padded = np.full((ni * fi, nj * fj), np.nan)
    finite = np.where(np.isfinite(M), M, np.nan)
    padded[:n, :m] = finite
    blocks = padded.reshape(ni, fi, nj, fj)
    count = np.sum(~np.isnan(blocks), axis=(1, 3))
    total = np.nansum(blocks, axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        small = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    rows = np.array([(k * fi + min(n, (k + 1) * fi) - 1) / 2 for k in range(ni)])
    cols = np.array([(k * fj + min(m, (k + 1) * fj) - 1) / 2 for k in range(nj)])
    return small, rows, cols, (fi, fj)


def log_delannoy(n: int, m: int) -> float:
    """``log Delannoy(n - 1, m - 1)``, the log of the number of alignments (exact for big n)."""
    return math.log(sd.delannoy(n - 1, m - 1))


def delannoy_text(n: int, m: int) -> str:
    """Number of alignment paths of lengths n and m, readable (exact when short)."""
    return formatting.count(sd.delannoy(n - 1, m - 1))
