"""Read the long (tidy) layout: one row per time point, series told apart by an id column.

Columns:

- id: the ``id_column`` option, a column named like *id*, *series*, *name*, *sensor*,
  ``sensor_id``, else the first column of text (any header), else the first column;
- time (optional): the ``time_column`` option, a column named like *time*, *date*, *step*;
  without a header, the column after the id when it increases within each id; times order
  the points (numbers, or dates: see :mod:`explorer.data.upload.times`); without a time
  column the rows keep their file order;
- label (optional): the ``label_column`` option or a column named like *label*, *class*;
  it must be constant within each id;
- values: the ``value_columns`` option, else every other column; several value columns give
  a multivariate series.

Every row needs all these columns; an id cannot repeat a time; every series needs the same
value columns. An id whose values are all missing is skipped and listed in the report.

With a time column the report gives each series' sampling interval, and warns when they
differ (soft-DTW compares points, not times: resample first).
"""

from __future__ import annotations

import math

import numpy as np

from .builder import SeriesBuilder
from .errors import SeriesFileError, clip, number_ranges
from .options import UploadOptions
from .table import LABEL_NAMES, TIME_NAMES, Record, Table
from .times import read_times

__all__ = ["read_long"]


def read_long(table: Table, options: UploadOptions) -> tuple[SeriesBuilder, str | None]:
    """Read one series per id.

    Parameters
    ----------
    table : Table
    options : UploadOptions
        Its ``id_column``, ``time_column``, ``value_columns`` and ``label_column`` choose
        the columns.

    Returns
    -------
    builder : SeriesBuilder
    label_source : str or None
        The label column as the report names it; None without labels.

    Raises
    ------
    SeriesFileError
        For a bad column option, a short row, an empty id, a time that is neither a number
        nor a date, a time repeated within an id, a label that changes within an id, a cell
        that is not a number, or value columns missing from some series.
    """
    names = table.names
    idc = table.column(options.id_column, "id_column") if options.id_column is not None \
        else table.named_id() if names else None
    if idc is None:
        idc = next(iter(table.text_columns()), 0) if names else 0
    if options.time_column is False:
        tcol = None
    elif options.time_column is not None:
        tcol = table.column(options.time_column, "time_column")
    elif names:
        tcol = table.named(TIME_NAMES)
    else:
        tcol = _headerless_time(table, idc)
    if options.label_column is False:
        lab = None
    elif options.label_column is not None:
        lab = table.column(options.label_column, "label_column")
    else:
        lab = table.named(LABEL_NAMES) if names else None
    used = {c for c in (idc, tcol, lab) if c is not None}
    if options.value_columns is not None:
        vcols = [table.column(v, "value_columns") for v in options.value_columns]
        clash = used.intersection(vcols)
        if clash:
            raise SeriesFileError(
                f"value_columns includes {table.column_text(min(clash))}, which is already "
                "the id, time or label column.")
    else:
        vcols = [j for j in range(table.ncols) if j not in used]
    if not vcols:
        raise SeriesFileError("The long layout needs at least one value column besides the id"
                              + (" and time" if tcol is not None else "") + " columns.")
    b = SeriesBuilder(table.cell_text, options, table.token)
    b.notes.append(
        f"Ids from {table.column_text(idc)}"
        + (f", time from {table.column_text(tcol)}" if tcol is not None else
           ", no time column (rows kept in file order)")
        + "; values from " + ", ".join(table.column_text(j) for j in vcols) + "."
    )
    _read_long(b, table, idc, tcol, vcols, lab)
    return b, None if lab is None else table.column_text(lab)


def _headerless_time(table: Table, idc: int) -> int | None:
    """The column after the id when it holds numbers increasing within each id."""
    if table.ncols < 3:
        return None
    j = 1 if idc == 0 else 0
    prev_id, prev_t = None, None
    for _, toks in table.data:
        if max(j, idc) >= len(toks):
            return None  # a short row: refused by _read_long
        t = table.cells.num(toks[j])
        if t is None or math.isnan(t):
            return None
        if toks[idc] == prev_id and not t > prev_t:
            return None
        prev_id, prev_t = toks[idc], t
    return j


def _check_widths(table: Table, id_col: int, time_col: int | None, value_cols: list[int],
                  label_col: int | None) -> None:
    """Every row needs the id, time, value and label columns."""
    need = max([id_col] + value_cols + [c for c in (time_col, label_col) if c is not None])
    for row, toks in table.data:
        if len(toks) <= need:
            raise SeriesFileError(
                f"Row {row} has {len(toks)} fields but {need + 1} are expected (id, "
                + ("time, " if time_col is not None else "")
                + f"{len(value_cols)} value column{'s' if len(value_cols) > 1 else ''}"
                + (", label" if label_col is not None else "")
                + "): inconsistent dimensions in long format."
            )


def _group_rows(table: Table, id_col: int) -> dict[str, list[int]]:
    """Indices (into ``table.data``) of the rows of each id, in file order."""
    groups: dict[str, list[int]] = {}
    for k, (row, toks) in enumerate(table.data):
        key = toks[id_col].strip()
        if not key or table.cells.is_missing(key):
            raise SeriesFileError(
                f"Row {row}: the id cell ({table.column_text(id_col)}) is empty.")
        groups.setdefault(key, []).append(k)
    return groups


def _time_order(data: list[Record], key: str, idx: list[int], times: list[float],
                time_col: int) -> list[int]:
    """``idx`` sorted by time; refuses a time that appears twice for the id ``key``."""
    t = np.asarray([times[k] for k in idx])
    order = np.argsort(t, kind="stable")
    dup = np.flatnonzero(np.diff(t[order]) == 0)
    if dup.size:
        first, second = idx[order[dup[0]]], idx[order[dup[0] + 1]]
        tok = data[first][1][time_col].strip()
        raise SeriesFileError(
            f"Series '{clip(key)}' has time {clip(tok)} twice (rows {data[first][0]} and "
            f"{data[second][0]}): duplicate id/time pairs conflict. Each id may have one row "
            "per time."
        )
    return [idx[o] for o in order]


def _label_of(data: list[Record], key: str, idx: list[int], label_col: int) -> str:
    """The label of the id ``key``; refuses a label that changes between its rows."""
    labs = [data[k][1][label_col].strip() for k in idx]
    other = [i for i, lab in enumerate(labs) if lab != labs[0]]
    if other:
        i = other[0]
        raise SeriesFileError(
            f"Series '{clip(key)}' has more than one label ('{clip(labs[0])}' at row "
            f"{data[idx[0]][0]}, '{clip(labs[i])}' at row {data[idx[i]][0]}); a series must "
            "have a single label."
        )
    return labs[0]


def _read_long(b: SeriesBuilder, table: Table, id_col: int, time_col: int | None,
               value_cols: list[int], label_col: int | None) -> None:
    """Add one series per id (or list it as skipped)."""
    data = table.data
    _check_widths(table, id_col, time_col, value_cols, label_col)
    times = None
    if time_col is not None:
        col = table.column_text(time_col)
        tokens = table.column_tokens(time_col)
        times = read_times(table.cells, tokens, lambda k: f"Row {data[k][0]}, {col}", "time")
        b.time_source = col
        b.dates = any(table.cells.num(t) is None for t in tokens)
    d = len(value_cols)
    present_all = np.zeros(d, dtype=bool)
    loaded = 0
    per_id = []
    for key, idx in _group_rows(table, id_col).items():
        if times is not None:
            idx = _time_order(data, key, idx, times, time_col)
        rows = [data[k][0] for k in idx]
        vals = np.empty((len(idx), d))
        for i, k in enumerate(idx):
            row, toks = data[k]
            for c, j in enumerate(value_cols):
                vals[i, c] = table.value(toks[j], row, j)
        present = ~np.all(np.isnan(vals), axis=0)
        present_all |= present
        loaded += bool(present.any())
        b.check_count(loaded, final=False)
        label = _label_of(data, key, idx, label_col) if label_col is not None else ""
        t = None if times is None else np.asarray([times[k] for k in idx])
        per_id.append((key, rows, vals, present, label, t))
    if not present_all.any():
        raise SeriesFileError("No numeric data: every value cell is empty or missing.")
    keep = np.flatnonzero(present_all)
    for c in np.flatnonzero(~present_all):
        b.notes.append(f"Ignored {table.column_text(value_cols[c])}: it has no values.")
    for key, rows, vals, present, label, t in per_id:
        if not present.any():
            b.skip(f"series '{clip(key)}' (rows {number_ranges(rows)})",
                   "no values (all cells empty or missing)")
            continue
        if not present[keep].all():
            missing_cols = [table.column_text(value_cols[c]) for c in keep if not present[c]]
            raise SeriesFileError(
                f"Inconsistent dimensions in long format: series '{clip(key)}' has no values "
                "in " + ", ".join(missing_cols)
                + " while other series do. All series need the same value columns."
            )
        v = vals[:, keep]
        b.add(v[:, 0] if v.shape[1] == 1 else v, label, key,
              lambda i, c, rows=rows: (rows[i], value_cols[keep[c]]),
              where=f"series '{clip(key)}' (rows {number_ranges(rows)})", times=t)
