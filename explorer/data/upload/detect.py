"""Detect how a tabular file is written: delimiter, decimal mark, header row and layout.

Each detector looks at the records and returns its guess; an option given by the user
replaces it (the caller decides). The ``.ts`` format is detected in
:mod:`explorer.data.upload.ts_header`, the encoding in :mod:`explorer.data.upload.decode`.

Delimiter
    The first of tab, semicolon and comma found (outside quotes) in at least half of the
    first 200 lines; otherwise whitespace.
Decimal mark
    A comma when some cell looks like ``1,5`` and none like ``1.5``.
Header row
    When cells of the first record are text above a numeric cell, more of them than its
    numbers (a data row may hold an ``n.v.``), or when the first record counts time points
    (``0 1 2 ...`` or ``1 2 3 ...`` after an empty cell).
Layout
    ``long`` when the value/id/time options say so, or an id column repeats its values (or
    comes with a time column), or a column of text (any header) comes with a time column or
    repeats its values in blocks, or a headerless file looks like id blocks; ``wide`` with a
    label or id column, a column of text whose values are all different, or headers that
    number time points; ``ucr`` for a headerless
    ``.tsv``/``.txt`` whose first column holds whole numbers; ``columns`` for other headers
    or a single column; ``wide`` otherwise.
"""

from __future__ import annotations

import re

from .cells import Cells
from .options import UploadOptions
from .table import LABEL_NAMES, TIME_NAMES, Record, Table

__all__ = ["detect_decimal", "detect_delimiter", "detect_header", "detect_layout"]

_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
_WIDE_HEADER = re.compile(r"^[a-z_]*\s*(?:[-_]\s*)?\d+(\.\d+)?$", re.IGNORECASE)  # "t_12"
_TIME_PREFIXES = {"", "t", "time", "step", "timestep", "x", "tp", "v", "value", "dim", "point"}
_SAMPLE = 200  # lines (and cells per line) inspected by the detectors


def detect_delimiter(lines: list[str]) -> str:
    """``"\\t"``, ``";"``, ``","`` or ``"whitespace"``.

    Examples
    --------
    >>> detect_delimiter(["1;2,5", "3;4"]), detect_delimiter(["1 2", "3 4"])
    (';', 'whitespace')
    """
    sample = lines[:_SAMPLE]
    n = len(sample)
    for d in ("\t", ";", ","):
        hits = sum(1 for s in sample if d in re.sub(r'"[^"]*"', "", s))
        if hits and hits >= 0.5 * n:
            return d
    return "whitespace"


def detect_decimal(rows: list[Record]) -> str:
    """``","`` when some cell looks like ``1,5`` and none like ``1.5``, else ``"."``.

    With a comma delimiter only quoted cells can hold a decimal comma.
    """
    sample = [t.strip().strip('"') for _, toks in rows[:_SAMPLE] for t in toks[:_SAMPLE]]
    commas = any(_COMMA_DECIMAL.match(t) for t in sample)
    dots = any(_DOT_DECIMAL.match(t) for t in sample)
    return "," if commas and not dots else "."


def detect_header(cells: Cells, rows: list[Record]) -> bool:
    """Whether the first record is a header row.

    Examples
    --------
    >>> detect_header(Cells("."), [(1, ["a", "b"]), (2, ["1", "2"])])
    True
    >>> detect_header(Cells("."), [(1, ["", "0", "1", "2"]), (2, ["x", "5", "6", "7"])])
    True
    """
    if len(rows) < 2:
        return False
    first = rows[0][1]
    named = sum(1 for j, tok in enumerate(first) if tok.strip() and cells.num(tok) is None
                and any(j < len(t) and cells.is_num(t[j]) for _, t in rows[1:50]))
    # a data row may hold a cell of text (n.v.) above a number too, among more numbers
    if named and named > sum(cells.is_num(tok) for tok in first):
        return True
    return _counting_row(cells, first)


def _counting_row(cells: Cells, toks: list[str]) -> bool:
    """A header of time indices: 0..n-1 or 1..n (after an optional empty first cell)."""
    unnamed_first = bool(toks) and not toks[0].strip()
    t = toks[1:] if unnamed_first else toks
    if len(t) < 3 or not all(cells.is_int_like(x) for x in t):
        return False
    v = [int(cells.num(x)) for x in t]
    starts = (0, 1) if unnamed_first else (0,)
    return v[0] in starts and v == list(range(v[0], v[0] + len(v)))


def detect_layout(table: Table, ext: str, options: UploadOptions) -> str:
    """``"wide"``, ``"ucr"``, ``"columns"`` or ``"long"`` (see the module docstring).

    Parameters
    ----------
    table : Table
    ext : str
        The file name's extension, lower case (``".tsv"``).
    options : UploadOptions
        Its ``id_column``, ``time_column`` and ``value_columns`` point to the long layout.
    """
    time_column = options.time_column is not None and options.time_column is not False
    if options.value_columns is not None or options.id_column is not None and time_column:
        return "long"
    names, data, ncols = table.names, table.data, table.ncols
    if names is not None:
        idc = table.named_id() if options.id_column is None else \
            table.column(options.id_column, "id_column")
        if idc is not None:
            ids = [t[idc].strip() for _, t in data if idc < len(t)]
            if table.named(TIME_NAMES) is not None or len(set(ids)) < len(ids):
                return "long"
        if table.named(LABEL_NAMES) is not None or idc is not None:
            return "wide"
        text = table.text_columns()
        if text:
            ids = table.column_tokens(text[0])
            if table.named(TIME_NAMES) is not None or 2 * len(set(ids)) <= len(ids) and \
                    _in_blocks(ids) and ncols - len(text) <= 4:
                return "long"  # sensor, time, value
            if len(set(ids)) == len(ids):
                return "wide"  # one named series per row
        rest = [n for n in names[1:] if n]
        if rest and all(_WIDE_HEADER.match(n) for n in rest):
            prefixes = {re.sub(r"[^a-z]", "", n.lower()) for n in rest}
            if prefixes <= _TIME_PREFIXES or len(data) <= ncols:
                return "wide"
        return "columns"
    if ncols == 1:
        return "columns"
    if _looks_long_headerless(table):
        return "long"
    if ext in (".tsv", ".txt") and table.delimiter in ("\t", "whitespace") and all(
        table.cells.is_int_like(t[0]) for _, t in data
    ):
        return "ucr"
    return "wide"


def _in_blocks(ids: list[str]) -> bool:
    """Whether equal values sit together (``a a b b b c``), as a long file's ids do."""
    blocks = [v for k, v in enumerate(ids) if k == 0 or v != ids[k - 1]]
    return len(blocks) == len(set(ids))


def _looks_long_headerless(table: Table) -> bool:
    """Blocks of rows sharing their first cell (an id), in 2 to 5 equal-width columns."""
    data, cells = table.data, table.cells
    if not 2 <= table.ncols <= 5 or len(data) < 6:
        return False
    if any(len(t) != table.ncols for _, t in data):
        return False
    col0 = table.column_tokens(0)
    if not all(cells.num(c) is None or cells.is_int_like(c) for c in col0):
        return False
    blocks = [c for k, c in enumerate(col0) if k == 0 or c != col0[k - 1]]
    distinct = len(set(col0))
    if len(blocks) != distinct or distinct < 1 or len(col0) < 3 * distinct:
        return False
    # values must not look like a label column followed by a few floats of a UCR file
    return distinct > 1 or all(cells.num(c) is None for c in col0)
