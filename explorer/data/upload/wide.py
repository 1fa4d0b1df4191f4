"""Read the wide and UCR layouts: one series per row.

A row holds the values of one series, in time order, optionally with a label cell and an id
cell. Which columns they are:

- the ``label_column`` / ``id_column`` options;
- with a header row: columns named like *label*, *class*, *target* (labels) and *id*,
  *name*, *series*, *sensor*, ``sensor_id`` (ids), or an unnamed first column (a pandas
  index: ids); then any column of text (whatever its header): the ids when its values are
  all different, else the labels; a further column of text is ignored (the report says
  so);
- without a header: the UCR layout has its label first; otherwise a first column of whole
  numbers with repeated values (when the other cells are not all whole numbers) is the
  label, and a first column of text is ids when all distinct, else labels.

Rows may have different lengths: trailing empty or NaN cells are padding (a trailing cell of
other text, such as ``n.v.``, is a missing value). A row without any value, or with an empty
label cell, is skipped and listed in the report.
"""

from __future__ import annotations

import math

import numpy as np

from .builder import SeriesBuilder
from .errors import clip
from .options import UploadOptions
from .table import LABEL_NAMES, Table

__all__ = ["read_wide"]


def read_wide(table: Table, options: UploadOptions, layout: str) -> tuple[SeriesBuilder,
                                                                          str | None]:
    """Read one series per row.

    Parameters
    ----------
    table : Table
    options : UploadOptions
        Its ``label_column`` and ``id_column`` choose those columns.
    layout : {"wide", "ucr"}
        ``"ucr"``: the label is in the first column unless ``label_column`` says otherwise.

    Returns
    -------
    builder : SeriesBuilder
    label_source : str or None
        The label column as the report names it; None without labels.

    Raises
    ------
    SeriesFileError
        For a bad column option, or a cell that is not a number.
    """
    lab = _label_column(table, options.label_column, layout)
    idc = None
    if options.id_column is not None:
        idc = table.column(options.id_column, "id_column")
    elif table.names:
        idc = table.named_id()
        if idc == lab:
            idc = None
        if idc is None and lab != 0 and table.names[0] == "":
            idc = 0  # unnamed index column (e.g. pandas' to_csv)
    ignored: list[int] = []
    if table.names:
        lab, idc, ignored = _text_columns(table, options, lab, idc)
    if lab is None and idc is None and options.label_column is None:
        # first column of text: ids when all distinct, else labels
        col0 = [t[0].strip() for _, t in table.data]
        if all(table.cells.num(c) is None for c in col0):
            if len(set(col0)) == len(col0) and (len(col0) > 2 or table.names is not None):
                idc = 0
            else:
                lab = 0
    b = SeriesBuilder(table.cell_text, options, table.token)
    _read_rows(b, table, lab, idc, ignored)
    for j in ignored:
        b.notes.append(f"Ignored {table.column_text(j)}: text in every row, neither the "
                       "ids nor the labels.")
    if idc is not None:
        b.notes.append(f"Series names taken from {table.column_text(idc)}.")
    if table.names and lab is None and idc is None:
        b.notes.append("The header row was used only as column names (time points).")
    return b, None if lab is None else table.column_text(lab)


def _text_columns(table: Table, options: UploadOptions, lab: int | None, idc: int | None
                  ) -> tuple[int | None, int | None, list[int]]:
    """Columns of text (any header): ids when all different, else labels; or ignored."""
    ignored = []
    for j in table.text_columns():
        if j in (lab, idc):
            continue
        col = table.column_tokens(j)
        if idc is None and options.id_column is None and len(set(col)) == len(col):
            idc = j
        elif lab is None and options.label_column is None:
            lab = j
        else:
            ignored.append(j)
    return lab, idc, ignored


def _label_column(table: Table, label_column: int | str | bool | None, layout: str
                  ) -> int | None:
    """The label column: the option, the UCR convention, a header name, or a guess."""
    if label_column is False:
        return None
    if label_column is not None:
        return table.column(label_column, "label_column")
    if layout == "ucr":
        return 0
    if table.names:
        return table.named(LABEL_NAMES)
    # headerless: integer-like first column with repeated values, when the rest is not
    cells, data = table.cells, table.data
    col0 = [t[0] for _, t in data]
    if len(col0) < 2 or not all(cells.is_int_like(c) for c in col0):
        return None
    rest_int = all(cells.is_int_like(t) for _, toks in data[:50] for t in toks[1:]
                   if cells.is_num(t))
    distinct = len({cells.num(c) for c in col0})
    if not rest_int and distinct <= max(2, math.ceil(len(col0) / 2)):
        return 0
    return None


def _read_rows(b: SeriesBuilder, table: Table, label_col: int | None, id_col: int | None,
               ignored: list[int]) -> None:
    """Add one series per row of ``table`` (or list the row as skipped)."""
    drop = {c for c in (label_col, id_col, *ignored) if c is not None}
    for row, toks in table.data:
        vals: list[float] = []
        cols: list[int] = []
        for j, tok in enumerate(toks):
            if j in drop:
                continue
            vals.append(table.value(tok, row, j))
            cols.append(j)
        n_all = len(vals)
        vals = _strip_trailing_missing(vals, [(row, j) in table.text_cells for j in cols]
                                       if table.text_cells else None)
        if vals and len(vals) < n_all and any(tok.strip() for tok in toks[len(toks) - (
                n_all - len(vals)):]):
            b.padded.append(str(row))
        label = toks[label_col].strip() if label_col is not None and label_col < len(toks) else ""
        name = toks[id_col].strip() if id_col is not None and id_col < len(toks) else ""
        if not vals or all(math.isnan(v) for v in vals):  # cells of text are not values
            b.skip(f"row {row}", "no values (all cells empty or missing)")
            continue
        if label_col is not None and (not label or table.cells.is_missing(label)):
            b.skip(f"row {row}", "the label cell is empty")
            continue
        b.add(np.asarray(vals, dtype=np.float64), label, name or f"row {row}",
              lambda i, c, row=row, cols=cols: (row, cols[i]),
              where=f"row {row}" + (f" ('{clip(name)}')" if name else ""))


def _strip_trailing_missing(values: list[float], text: list[bool] | None) -> list[float]:
    """``values`` without its trailing NaN (padding of a shorter series); a cell of text
    read as missing (``text``) is not padding."""
    end = len(values)
    while end and np.isnan(values[end - 1]) and not (text and text[end - 1]):
        end -= 1
    return values[:end]
