"""Read the columns layout: one series per column (a spreadsheet export).

Header cells name the series (a header cell beyond the data is a column without values). A
time column (the ``time_column`` option, a column named like *time*, *date*, *step*, or an
unnamed first column such as a pandas index) is the time axis, not a series. Columns may
have different lengths: trailing empty or NaN cells are padding. A named column without any
value is skipped and listed in the report; an unnamed empty column (a trailing delimiter)
is only mentioned in the notes. There are no labels in this layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .builder import SeriesBuilder, missing_values_error
from .errors import MAX_LISTED, SeriesFileError
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
        For a label column, a bad time column, a cell that is not a number, and (before any
        series is built, since a few long rows can make many long, sparse columns) too many
        series, a series over the length cap, or missing values with ``missing="error"``.
    """
    if options.label_column is not None and options.label_column is not False:
        raise SeriesFileError("label_column cannot be used with the columns layout: a column "
                              "is a series, so there is no label per series.")
    b = SeriesBuilder(table.cell_text, options, table.token)
    tcol = None
    if options.time_column is not None and options.time_column is not False:
        tcol = table.column(options.time_column, "time_column")
    elif options.time_column is None and table.names:
        tcol = table.named(TIME_NAMES)
        if tcol is None and table.names[0] == "" and table.ncols > 1:
            tcol = 0  # an unnamed index column (e.g. pandas' to_csv)
    if tcol is not None:
        b.notes.append(f"{table.column_text(tcol)} was taken as the time axis, not a series.")
    columns = _columns_with_values(b, table, tcol)
    for col in columns:
        b.check_length(col.name, col.length)
    if options.missing == "error":
        _refuse_missing(b, table, columns)
    for col in columns:
        values = np.full(col.length, np.nan)
        inside = col.records < col.length
        values[col.records[inside]] = col.values[inside]
        b.add(values, "", col.name, lambda i, c, j=col.index: (table.data[i][0], j),
              where=table.column_text(col.index))
    return b, None


@dataclass
class _Column:
    """A column with values: its cells (records with a cell in it, and their values)."""

    index: int
    name: str
    records: np.ndarray  # indices into table.data
    values: np.ndarray  # NaN for a missing marker
    text: np.ndarray  # True for a cell of text read as missing (not padding)

    def __post_init__(self) -> None:
        self.known = self.records[~np.isnan(self.values)]  # records with a value
        ends = self.records[~np.isnan(self.values) | self.text]
        self.length = int(ends[-1]) + 1  # without the missing tail (padding)


def _columns_with_values(b: SeriesBuilder, table: Table, time_col: int | None
                         ) -> list[_Column]:
    """Read every cell once (the records may have any width); list or skip each column.

    Raises the error of the first cell that is not a number, column by column, then refuses
    more columns with values than the cap.
    """
    data, names = table.data, table.names
    records: list[list[int]] = [[] for _ in range(table.ncols)]
    values: list[list[float]] = [[] for _ in range(table.ncols)]
    n_known = [0] * table.ncols
    errors: dict[int, SeriesFileError] = {}
    for k, (row, toks) in enumerate(data):
        for j, tok in enumerate(toks):
            if j == time_col or j in errors:
                continue
            try:
                v = table.value(tok, row, j)
            except SeriesFileError as exc:
                errors[j] = exc
                continue
            records[j].append(k)
            values[j].append(v)
            n_known[j] += v == v  # not NaN
    if errors:
        raise errors[min(errors)]
    b.check_count(sum(n > 0 for j, n in enumerate(n_known) if j != time_col))
    out = []
    for j in range(table.ncols):  # the header may be wider than the data: every column counts
        if j == time_col:
            continue
        named = bool(names and j < len(names) and names[j])
        if not n_known[j]:
            if named:
                b.skip(table.column_text(j), "no values (all cells empty or missing)")
            else:
                b.notes.append(f"Ignored {table.column_text(j)}: it has no header and no "
                               "values.")
            continue
        text = np.array([(data[k][0], j) in table.text_cells for k in records[j]], dtype=bool
                        ) if table.text_cells else np.zeros(len(records[j]), dtype=bool)
        col = _Column(j, names[j] if named else f"column {j + 1}",
                      np.asarray(records[j], dtype=np.intp), np.asarray(values[j]), text)
        if any(data[k][1][j].strip() for k in col.records[col.records >= col.length]):
            b.padded.append(f"column {j + 1}")
        out.append(col)
    return out


def _refuse_missing(b: SeriesBuilder, table: Table, columns: list[_Column]) -> None:
    """Refuse missing values inside the columns, without building them.

    A file whose only value is in one column is left to
    :func:`~explorer.data.upload.builder.finish` (it refuses it first).
    """
    n_missing = sum(col.length - len(col.known) for col in columns)
    if not n_missing or sum(len(col.known) for col in columns) == 1:
        return
    places: list[str] = []
    for col in columns:
        holes = np.setdiff1d(np.arange(col.length), col.known)[:MAX_LISTED - len(places)]
        places += [table.cell_text(table.data[k][0], col.index) for k in holes]
        if len(places) == MAX_LISTED:
            break
    raise missing_values_error(n_missing, places)
