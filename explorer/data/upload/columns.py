"""Read the columns layout: one series per column (a spreadsheet export).

Header cells name the series (a header cell beyond the data is a column without values). A
time column (the ``time_column`` option, a column named like *time*, *date*, *step*, or an
unnamed first column such as a pandas index) is the time axis, not a series. Columns may
have different lengths: trailing empty or NaN cells are padding. A named column without any
value is skipped and listed in the report; an unnamed empty column (a trailing delimiter)
is only mentioned in the notes. There are no labels in this layout.
"""

from __future__ import annotations

import numpy as np

from .builder import SeriesBuilder, strip_trailing_missing
from .errors import SeriesFileError
from .options import UploadOptions
from .table import TIME_NAMES, Table

__all__ = ["read_columns"]


def read_columns(table: Table, options: UploadOptions) -> tuple[SeriesBuilder, None]:
    """Read one series per column.

    Parameters
    ----------
    table : Table
    options : UploadOptions
        Its ``time_column`` chooses the time axis; ``label_column`` must not be set.

    Returns
    -------
    builder : SeriesBuilder
    label_source : None
        This layout has no labels.

    Raises
    ------
    SeriesFileError
        For a label column, a bad time column, or a cell that is not a number.
    """
    if options.label_column is not None and options.label_column is not False:
        raise SeriesFileError("label_column cannot be used with the columns layout: a column "
                              "is a series, so there is no label per series.")
    b = SeriesBuilder(table.cell_text)
    tcol = None
    if options.time_column is not None and options.time_column is not False:
        tcol = table.column(options.time_column, "time_column")
    elif options.time_column is None and table.names:
        tcol = table.named(TIME_NAMES)
        if tcol is None and table.names[0] == "" and table.ncols > 1:
            tcol = 0  # an unnamed index column (e.g. pandas' to_csv)
    if tcol is not None:
        b.notes.append(f"{table.column_text(tcol)} was taken as the time axis, not a series.")
    _read_columns(b, table, tcol)
    return b, None


def _read_columns(b: SeriesBuilder, table: Table, time_col: int | None) -> None:
    """Add one series per column of ``table`` but ``time_col`` (or list it as skipped)."""
    data, names = table.data, table.names
    for j in range(table.ncols):  # the header may be wider than the data: every column counts
        if j == time_col:
            continue
        vals: list[float] = []
        rows: list[int] = []
        for row, toks in data:
            tok = toks[j] if j < len(toks) else ""
            vals.append(table.value(tok, row, j))
            rows.append(row)
        n_all = len(vals)
        vals = strip_trailing_missing(vals)
        if vals and any(j < len(t) and t[j].strip() for _, t in data[len(vals):n_all]):
            b.padded.append(f"column {j + 1}")
        named = bool(names and j < len(names) and names[j])
        if not vals:
            if named:
                b.skip(table.column_text(j), "no values (all cells empty or missing)")
            else:
                b.notes.append(f"Ignored {table.column_text(j)}: it has no header and no "
                               "values.")
            continue
        arr = np.asarray(vals, dtype=np.float64)
        b.add(arr, [(rows[k], j) for k in np.flatnonzero(np.isnan(arr))], "",
              names[j] if named else f"column {j + 1}")
