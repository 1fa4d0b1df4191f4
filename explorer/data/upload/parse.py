"""The entry point: :func:`parse_series_file` validates the options, detects, reads, finishes.

Steps: the options become one :class:`~explorer.data.upload.options.UploadOptions`; the
bytes are checked against the size cap and decoded (:mod:`~explorer.data.upload.decode`);
a ``.ts`` file goes to :mod:`~explorer.data.upload.ts`; any other file is split into a
:class:`~explorer.data.upload.table.Table` (delimiter, decimal mark and header row detected
by :mod:`~explorer.data.upload.detect` unless given), its layout is detected unless given,
and the reader of that layout collects the series; :func:`~explorer.data.upload.builder.finish`
applies the caps, the missing-value policy, the z-normalisation and the labels.
"""

from __future__ import annotations

import csv
from pathlib import PurePath
from typing import Any

from .builder import SeriesBuilder, finish, text_cells_note
from .cells import Cells
from .columns import read_columns
from .decode import decode
from .detect import detect_decimal, detect_delimiter, detect_header, detect_layout
from .errors import Limit, SeriesFileError
from .long import read_long
from .options import UploadOptions
from .report import ParsedSeries, UploadReport
from .table import Record, Table, line_notes, split_fields, split_lines
from .ts import read_ts
from .ts_header import looks_ts
from .wide import read_wide

__all__ = ["parse_series_file"]

_COMMENT = ("#", "//", "%")  # comment lines of a tabular file


def parse_series_file(content: bytes, filename: str = "", *,
                      options: UploadOptions | None = None, **overrides: Any) -> ParsedSeries:
    """Parse an uploaded CSV/TSV/text/.ts file into time series.

    Everything is detected unless an option says otherwise: the encoding, the layout, the
    delimiter, the decimal mark, the header row and the label, id and time columns.

    Parameters
    ----------
    content : bytes
        Raw file content (``bytearray`` and ``memoryview`` are accepted too).
    filename : str
        Original file name: its extension helps detect the UCR (``.tsv``, ``.txt``) and
        ``.ts`` layouts; the report shows it.
    options : UploadOptions, optional
        Reading options built once (e.g. for many files).
    **overrides
        Any field of :class:`UploadOptions`, applied on top of ``options``: ``layout``,
        ``delimiter``, ``decimal``, ``header``, ``label_column``, ``id_column``,
        ``time_column``, ``value_columns``, ``missing``, ``znormalize``, ``encoding``,
        ``max_bytes``, ``max_series``, ``max_length``. See :class:`UploadOptions` for their
        meaning and values.

    Returns
    -------
    ParsedSeries
        ``series`` (finite float64), ``labels``, ``names`` and ``report``; unpacks as
        ``series, labels, report``. Every series of the file is either loaded or listed in
        ``report.skipped`` with the reason.

    Raises
    ------
    SeriesFileError
        With a message meant for the user (where, what, how to fix it), for anything that
        prevents reading the file, including a bad option value. Nothing else is raised for
        any content.
    TypeError
        For a keyword that is not a reading option.

    Examples
    --------
    One series per row, a header and a label column:

    >>> res = parse_series_file(b"label,t0,t1,t2\\nA,1,2,3\\nB,4,5,6\\n", "ab.csv")
    >>> res.series
    array([[1., 2., 3.],
           [4., 5., 6.]])
    >>> res.labels.tolist(), res.report.layout
    (['A', 'B'], 'wide')

    A long (tidy) file whose points are out of order; ``missing="interpolate"`` fills a gap:

    >>> text = b"id,time,value\\na,2,30\\na,0,10\\na,1,\\nb,0,5\\nb,1,6\\n"
    >>> series, labels, report = parse_series_file(text, "tidy.csv", missing="interpolate")
    >>> [s.tolist() for s in series], report.layout
    ([[10.0, 20.0, 30.0], [5.0, 6.0]], 'long')

    Problems come as :class:`SeriesFileError` with a message for the user:

    >>> try:
    ...     parse_series_file(b"1,2,3\\n4,,6\\n", "gap.csv")
    ... except SeriesFileError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    1 missing value inside series, at row 2, column 2. Fill them in, or interpolate ...

    A column of text names the series, whatever its header; a cell of text such as ``n.v.``
    is a missing value, and ``missing="skip"`` leaves its series out (the report says where):

    >>> text = b"sensor_id;label;t0;t1;t2\\nS00;A;1,5;2;2,5\\nS01;B;3;n.v.;4\\n"
    >>> res = parse_series_file(text, "sensors.csv", missing="skip")
    >>> res.names, res.series.tolist()
    (['S00'], [[1.5, 2.0, 2.5]])
    >>> print(res.report.skipped[0].reason)
    1 missing value inside the series, at row 3, column 4 ('t1') = 'n.v.'

    The *Your data* page shows the same message with its controls instead of keywords:

    >>> try:
    ...     parse_series_file(text, "sensors.csv")
    ... except SeriesFileError as exc:
    ...     print(exc.on_page())  # doctest: +ELLIPSIS
    Row 3, column 4 ('t1'): 'n.v.' is not a number. ... under *Missing values inside a series*.
    """
    opts = UploadOptions.merge(options, overrides)
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise SeriesFileError("The upload must be given as bytes.")
    if not isinstance(filename, str):
        raise SeriesFileError(f"filename must be text, got {filename!r}.")
    content = bytes(content)
    report = UploadReport(filename=filename, n_bytes=len(content))
    text = _text(content, opts, report)
    ext = PurePath(filename).suffix.lower()
    report.layout_detected = opts.layout is None
    if opts.layout == "ts" or opts.layout is None and looks_ts(text, ext):
        b = read_ts(text, report, opts)
    else:
        table = _table(text, opts, report)
        report.layout = opts.layout or detect_layout(table, ext, opts)
        b, report.label_source = _read_layout(table, opts, report.layout)
        b.notes.extend(_text_notes(table) + line_notes(table.comments, table.blank))
    return finish(b, report, opts)


def _text(content: bytes, opts: UploadOptions, report: UploadReport) -> str:
    """The decoded text, after the size cap and the empty-file checks."""
    if len(content) > opts.max_bytes:
        raise SeriesFileError(
            f"The file is {_size(len(content))}, larger than the limit of "
            f"{_size(opts.max_bytes)}. ",
            Limit("max_bytes", "Upload a smaller file",
                  f"This page reads files of at most {_size(opts.max_bytes)}: upload a smaller "
                  "one (fewer series, values rounded to fewer digits), or split the file and "
                  "upload its parts one at a time"))
    if not content.strip():
        raise SeriesFileError("The file is empty." if not content else
                              "The file is empty (it contains only blank space).")
    text, report.encoding = decode(content, opts.encoding)
    if not text.strip():
        raise SeriesFileError("The file is empty (it contains only blank space).")
    return text


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1_000_000 else f"{n / 1e6:.3g} MB"


def _table(text: str, opts: UploadOptions, report: UploadReport) -> Table:
    """Split the text into records; detect (unless given) the delimiter, decimal, header."""
    lines, blank, comments = split_lines(text, _COMMENT)
    if not lines:
        raise SeriesFileError("The file has no data: every line is blank or a comment.")
    report.delimiter = opts.delimiter or detect_delimiter([s for _, s in lines])
    rows: list[Record] = []
    for i, line in lines:
        try:
            rows.append((i, split_fields(line, report.delimiter)))
        except csv.Error as exc:
            raise SeriesFileError(f"Row {i} could not be split into fields: {exc}.") from None
    report.decimal = opts.decimal or detect_decimal(rows)
    cells = Cells(report.decimal)
    _check_numeric(cells, rows)
    report.header = detect_header(cells, rows) if opts.header is None else opts.header
    names = [t.strip() for t in rows[0][1]] if report.header else None
    data = rows[1:] if report.header else rows
    if not data:
        raise SeriesFileError("The file has a header row but no data rows.")
    return Table(cells, report.delimiter, names, data, blank, comments, opts.missing)


def _check_numeric(cells: Cells, rows: list[Record]) -> None:
    """Refuse a file without a single number."""
    if any(cells.is_num(t) for _, toks in rows for t in toks):
        return
    if any(not cells.is_missing(t) for _, toks in rows for t in toks):
        if len(rows) == 1:
            raise SeriesFileError(
                "No numeric data found: the file has a single line of text (a header "
                "without data rows?)."
            )
        raise SeriesFileError(
            "No numeric data found: no cell of the file is a number. Is this the right "
            "file, and is the delimiter right?"
        )
    raise SeriesFileError("No numeric data found: every cell is empty or marked missing.")


def _text_notes(table: Table) -> list[str]:
    """The report's note on the value cells of text that were read as missing values."""
    return text_cells_note(table.text_cells, table.cell_text)


def _read_layout(table: Table, opts: UploadOptions, layout: str
                 ) -> tuple[SeriesBuilder, str | None]:
    """The series of ``table`` read in ``layout``, and where the labels came from."""
    if layout == "columns":
        return read_columns(table, opts)
    if layout == "long":
        return read_long(table, opts)
    return read_wide(table, opts, layout)
