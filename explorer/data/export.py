"""Export series to CSV bytes (for downloads) in a form :func:`parse_series_file` reads back."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from .datasets import as_series_list

__all__ = ["series_to_csv"]


def _fmt(v: float) -> str:
    return "" if np.isnan(v) else repr(float(v))


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
    w = csv.writer(buf, lineterminator="\n")
    if layout == "wide":
        L = max(len(s) for s in items)
        head = (["id"] if names is not None else []) + (["label"] if labels is not None else [])
        w.writerow(head + [f"t{k}" for k in range(L)])
        for i, s in enumerate(items):
            pre = ([str(names[i])] if names is not None else []) + (
                [str(labels[i])] if labels is not None else [])
            vals = [_fmt(v) for v in s] + [""] * (L - len(s))
            w.writerow(pre + vals)
    else:
        ids = [str(x) for x in names] if names is not None else [f"s{i}" for i in range(n)]
        head = ["id", "time"] + (["label"] if labels is not None else [])
        w.writerow(head + ([f"v{c}" for c in range(d)] if d > 1 else ["value"]))
        for i, s in enumerate(items):
            s2 = s.reshape(len(s), -1)
            lab = [str(labels[i])] if labels is not None else []
            for t, row in enumerate(s2):
                w.writerow([ids[i], str(t)] + lab + [_fmt(v) for v in row])
    return buf.getvalue().encode("utf-8")
