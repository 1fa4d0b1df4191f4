"""The one CSV writer: every file the explorer offers for download.

- :func:`series_to_csv`: series, in a form :func:`parse_series_file` reads back unchanged;
- :func:`matrix_csv`: a 2-D array with optional row and column labels (Δ, R, E, pairwise);
- :func:`table_csv`: named columns (scores, labels, paths).

Numbers are written with Python's shortest exact representation (so a file read back gives
the same float64 values), infinities as ``inf`` / ``-inf``, and NaN as an empty cell.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

import numpy as np

from .datasets import as_series_list

__all__ = ["matrix_csv", "series_to_csv", "table_csv"]


def _number(value) -> str:
    """A number as CSV text: ``repr`` (shortest exact), ``inf``/``-inf``, NaN empty."""
    value = float(value)
    return "" if math.isnan(value) else repr(value)


def _writer(buf: io.StringIO):
    return csv.writer(buf, lineterminator="\n")


def series_to_csv(
    series: np.ndarray | Sequence,
    labels: Sequence | np.ndarray | None = None,
    names: Sequence[str] | None = None,
    *,
    layout: str | None = None,
) -> bytes:
    """Write series to UTF-8 CSV bytes that round-trip through ``parse_series_file``.

    Values are written with Python's shortest exact float representation, so parsing the
    output gives back the same float64 arrays.

    Parameters
    ----------
    series : ndarray or sequence of array-like
        ``(n, length)`` / ``(n, length, d)`` array or a list of series (variable length).
    labels : sequence, optional
        One label per series (written as text; integer labels come back as ``int64``).
    names : sequence of str, optional
        One name per series (written as an ``id`` column).
    layout : {"wide", "long"}, optional
        ``"wide"`` (header ``[id,][label,]t0,t1,...``; one row per series; shorter series
        end with empty cells) or ``"long"`` (``id,time[,label],v0[,v1...]``). By default wide
        for univariate and long for multivariate series.

    Returns
    -------
    bytes
        UTF-8 encoded CSV text with ``\\n`` line endings.
    """
    items = as_series_list(series)
    if not items:
        raise ValueError("no series to export")
    n = len(items)
    if labels is not None and len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} series")
    if names is not None and len(names) != n:
        raise ValueError(f"{len(names)} names for {n} series")
    dims = {1 if s.ndim == 1 else s.shape[1] for s in items}
    if len(dims) != 1:
        raise ValueError(f"series have different dimensions: {sorted(dims)}")
    d = dims.pop()
    if layout is None:
        layout = "wide" if d == 1 else "long"
    if layout not in ("wide", "long"):
        raise ValueError(f"layout must be 'wide' or 'long', got {layout!r}")
    if layout == "wide" and d != 1:
        raise ValueError("multivariate series can only be exported in the long layout")
    buf = io.StringIO()
    w = _writer(buf)
    if layout == "wide":
        L = max(len(s) for s in items)
        head = (["id"] if names is not None else []) + (["label"] if labels is not None else [])
        w.writerow(head + [f"t{k}" for k in range(L)])
        for i, s in enumerate(items):
            pre = ([str(names[i])] if names is not None else []) + (
                [str(labels[i])] if labels is not None else [])
            vals = [_number(v) for v in s] + [""] * (L - len(s))
            w.writerow(pre + vals)
    else:
        ids = [str(x) for x in names] if names is not None else [f"s{i}" for i in range(n)]
        head = ["id", "time"] + (["label"] if labels is not None else [])
        w.writerow(head + ([f"v{c}" for c in range(d)] if d > 1 else ["value"]))
        for i, s in enumerate(items):
            s2 = s.reshape(len(s), -1)
            lab = [str(labels[i])] if labels is not None else []
            for t, row in enumerate(s2):
                w.writerow([ids[i], str(t)] + lab + [_number(v) for v in row])
    return buf.getvalue().encode("utf-8")


def matrix_csv(M, *, row_labels: Sequence | None = None, col_labels: Sequence | None = None,
               corner: str = "") -> bytes:
    """A 2-D array as CSV; optional row/column labels (e.g. ``i=1…n`` and ``j=1…m``).

    Parameters
    ----------
    M : array-like, shape (r, c)
    row_labels, col_labels : sequence, optional
        One label per row (first column) / per column (header row).
    corner : str
        The header's first cell when there are both row and column labels.

    Returns
    -------
    bytes
        UTF-8 CSV; ``+inf`` (R's borders, cells outside a band) is written as ``inf``.
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"a matrix needs 2 dimensions; got shape {M.shape}.")
    buf = io.StringIO()
    w = _writer(buf)
    if col_labels is not None:
        if len(col_labels) != M.shape[1]:
            raise ValueError(f"{len(col_labels)} column labels for {M.shape[1]} columns.")
        w.writerow(([corner] if row_labels is not None else []) + [str(c) for c in col_labels])
    if row_labels is not None and len(row_labels) != M.shape[0]:
        raise ValueError(f"{len(row_labels)} row labels for {M.shape[0]} rows.")
    for r, row in enumerate(M):
        cells = [_number(v) for v in row]
        w.writerow(([str(row_labels[r])] if row_labels is not None else []) + cells)
    return buf.getvalue().encode("utf-8")


def table_csv(columns: dict) -> bytes:
    """Columns of equal length (name -> values) as CSV, e.g. labels or a results table.

    Floats are written as numbers (see the module's conventions), anything else as text.
    """
    names = list(columns)
    cols = [list(columns[k]) for k in names]
    if len({len(c) for c in cols}) > 1:
        raise ValueError("all columns need the same length.")
    buf = io.StringIO()
    w = _writer(buf)
    w.writerow(names)
    for row in zip(*cols):
        w.writerow([_number(v) if isinstance(v, float | np.floating) else str(v) for v in row])
    return buf.getvalue().encode("utf-8")
