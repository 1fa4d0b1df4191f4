"""CSV bytes for every matrix and result the pages show (pure; no Streamlit).

Pages pass these to ``st.download_button`` via :func:`explorer.ui.download`. Series go
through :func:`explorer.data.series_to_csv`, so a downloaded file uploads back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from explorer.data import series_to_csv

__all__ = ["matrix_csv", "series_csv", "table_csv"]


def _fmt(v) -> str:
    v = float(v)
    if np.isnan(v):
        return ""
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def matrix_csv(M, *, row_labels: Sequence | None = None, col_labels: Sequence | None = None,
               corner: str = "") -> bytes:
    """A 2-D array as CSV; optional row/column labels (e.g. ``i=1…n`` and ``j=1…m``).

    ``+inf`` (R's borders, cells outside a band) is written as ``inf``.
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"a matrix needs 2 dimensions; got shape {M.shape}.")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if col_labels is not None:
        if len(col_labels) != M.shape[1]:
            raise ValueError(f"{len(col_labels)} column labels for {M.shape[1]} columns.")
        w.writerow(([corner] if row_labels is not None else []) + [str(c) for c in col_labels])
    if row_labels is not None and len(row_labels) != M.shape[0]:
        raise ValueError(f"{len(row_labels)} row labels for {M.shape[0]} rows.")
    for r, row in enumerate(M):
        cells = [_fmt(v) for v in row]
        w.writerow(([str(row_labels[r])] if row_labels is not None else []) + cells)
    return buf.getvalue().encode("utf-8")


def series_csv(series, labels=None, names=None) -> bytes:
    """Series (barycenters, centres, predictions…) as CSV that ``parse_series_file`` reads."""
    return series_to_csv(series, labels=labels, names=names)


def table_csv(columns: dict) -> bytes:
    """Columns of equal length (name -> values) as CSV, e.g. labels or a results table."""
    names = list(columns)
    cols = [list(columns[k]) for k in names]
    if len({len(c) for c in cols}) > 1:
        raise ValueError("all columns need the same length.")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for row in zip(*cols):
        w.writerow([_fmt(v) if isinstance(v, (float, np.floating)) else str(v) for v in row])
    return buf.getvalue().encode("utf-8")
