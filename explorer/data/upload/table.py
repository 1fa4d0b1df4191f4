"""A tabular file (CSV, TSV, whitespace-separated text) split into records and columns.

:func:`split_lines` and :func:`split_fields` cut the text; :class:`Table` holds the records
after the header row, resolves column options (a 0-based number or a header name), names
columns in messages and reads a cell as a number (or refuses it with its row and column).
The column-name vocabularies (:data:`ID_NAMES`, :data:`TIME_NAMES`, :data:`LABEL_NAMES`) let
the layout detection and the readers recognise columns by their header.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Collection
from dataclasses import dataclass

from .cells import Cells
from .errors import SeriesFileError, choose, clip, number_ranges

__all__ = [
    "ID_NAMES",
    "LABEL_NAMES",
    "TIME_NAMES",
    "Record",
    "Table",
    "line_notes",
    "normalise_name",
    "split_fields",
    "split_lines",
]

Record = tuple[int, list[str]]
"""A record: its 1-based line number and its fields."""

ID_NAMES = frozenset({"id", "seriesid", "series", "tsid", "sample", "sampleid", "name",
                      "seriesname", "case", "caseid", "instance", "unit", "key", "sensor",
                      "station", "device", "channel", "subject", "patient", "machine"})
_ID_SUFFIX = re.compile(r"(?i:[_\s.-]id)$|[a-z](?:Id|ID)$")  # sensor_id, stationId
_TEXT_SAMPLE = 200  # rows inspected before a column of text is checked in full
TIME_NAMES = frozenset({"time", "t", "timestamp", "date", "datetime", "step", "timestep",
                        "index", "idx", "tick", "frame", "seconds", "sec", "ms", "hour",
                        "position", "pos"})
LABEL_NAMES = frozenset({"label", "labels", "class", "classes", "target", "category",
                         "classlabel", "cls", "targetclass", "group"})  # not "y": often values
_DELIMITER_PLURALS = {",": "commas", ";": "semicolons", "\t": "tabs",
                      "whitespace": "whitespace"}
_QUOTED_OR_WORD = re.compile(r'"[^"]*"|\S+')
_SPLIT_HINT = re.compile(r"[\d.,](?:\s+|\s*[;,]\s*)[-+\d.]")  # "1 2", "1;2": two numbers


def split_lines(text: str, comment: tuple[str, ...]
                ) -> tuple[list[tuple[int, str]], list[int], list[int]]:
    """Split text into lines.

    Parameters
    ----------
    text : str
    comment : tuple of str
        Prefixes (after leading blanks) of comment lines.

    Returns
    -------
    lines : list of (int, str)
        The other lines with their 1-based line numbers.
    blank, comments : list of int
        Numbers of the blank and of the comment lines.

    Examples
    --------
    >>> split_lines("# c\\n1,2\\n\\n3,4\\n", ("#",))
    ([(2, '1,2'), (4, '3,4')], [3], [1])
    """
    raw_lines = re.split(r"\r\n|\r|\n", text)
    blank: list[int] = []
    comments: list[int] = []
    lines: list[tuple[int, str]] = []
    for i, line in enumerate(raw_lines, start=1):
        s = line.strip()
        if not s:
            if i < len(raw_lines):  # the line after a final newline is not a blank line
                blank.append(i)
            continue
        if s.startswith(comment):
            comments.append(i)
            continue
        lines.append((i, line))
    return lines, blank, comments


def line_notes(comments: list[int], blank: list[int]) -> list[str]:
    """The report's notes on the ignored comment and blank lines."""
    notes = []
    if comments:
        notes.append(f"Ignored {len(comments)} comment line{'s' if len(comments) > 1 else ''}"
                     f" (rows {number_ranges(comments)}).")
    if blank:
        notes.append(f"Ignored {len(blank)} blank line{'s' if len(blank) > 1 else ''} "
                     f"(rows {number_ranges(blank)}).")
    return notes


def split_fields(line: str, delimiter: str) -> list[str]:
    """The fields of one line, stripped; ``"..."`` quotes group a field.

    Examples
    --------
    >>> split_fields(' a, "1,5" ,2', ",")
    ['a', '1,5', '2']
    >>> split_fields('a  "b c"  3', "whitespace")
    ['a', 'b c', '3']
    """
    if '"' not in line and "\x00" not in line:  # the common case, at C speed
        return line.split() if delimiter == "whitespace" else [
            t.strip() for t in line.split(delimiter)]
    if delimiter == "whitespace":
        return [t[1:-1] if len(t) >= 2 and t[0] == t[-1] == '"' else t
                for t in _QUOTED_OR_WORD.findall(line)]
    return [t.strip() for t in next(csv.reader([line], delimiter=delimiter, quotechar='"',
                                               skipinitialspace=True))]


def normalise_name(name: str) -> str:
    """A header cell in lower-case letters and digits (``"Series ID"`` -> ``"seriesid"``)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class Table:
    """The records of a tabular file after its header row.

    Parameters
    ----------
    cells : Cells
        Number reading with the file's decimal mark.
    delimiter : str
        ``","``, ``";"``, ``"\\t"`` or ``"whitespace"``.
    names : list of str or None
        The header cells; None without a header row.
    data : list of Record
        The data records (not blank, not comments, not the header).
    blank, comments : list of int
        Line numbers of the blank and comment lines (for the report).
    missing : {"error", "interpolate", "skip"}
        The missing-value policy: with ``"error"`` a value cell of text is refused at
        once; otherwise it is read as a missing value and kept in :attr:`text_cells`.
    """

    cells: Cells
    delimiter: str
    names: list[str] | None
    data: list[Record]
    blank: list[int]
    comments: list[int]
    missing: str = "error"

    def __post_init__(self) -> None:
        self.ncols = max(len(t) for _, t in self.data)
        if self.names is not None:
            self.ncols = max(self.ncols, len(self.names))
        self._normalised = [normalise_name(n) for n in self.names] if self.names else []
        self.text_cells: dict[tuple[int, int], str] = {}  # (row, column) -> text read as NaN
        self._rows: dict[int, list[str]] | None = None

    def named(self, candidates: Collection[str]) -> int | None:
        """The first column whose header (normalised) is one of ``candidates``."""
        for j, n in enumerate(self._normalised):
            if n in candidates:
                return j
        return None

    def named_id(self) -> int | None:
        """The first column whose header names ids: *id*, *name*, *sensor*, ``sensor_id``,
        ``stationId``... (:data:`ID_NAMES`, or a word followed by *id*)."""
        for j, n in enumerate(self.names or []):
            if self._normalised[j] in ID_NAMES or _ID_SUFFIX.search(n.strip()):
                return j
        return None

    def text_columns(self) -> list[int]:
        """The columns whose every data cell is text: not empty, not a number, not a
        missing marker (a column of names or labels, whatever its header); not a column
        named like a time (:data:`TIME_NAMES`: dates are text too), nor one without a
        header cell."""
        cells, data = self.cells, self.data
        if not self.names:
            return []

        def is_text(j: int, rows) -> bool:
            return all(j < len(t) and cells.num(t[j]) is None for _, t in rows)

        first = data[:1]  # cheap filters first: wide files have many columns
        named = [j for j, n in enumerate(self._normalised) if n and n not in TIME_NAMES]
        return [j for j in named if is_text(j, first)
                and is_text(j, data[1:_TEXT_SAMPLE]) and is_text(j, data[_TEXT_SAMPLE:])]

    def column(self, ref: int | str, what: str) -> int:
        """Resolve a column option (a 0-based number or a header name) to an index.

        Parameters
        ----------
        ref : int or str
            The option's value.
        what : str
            The option's name, for the message.

        Raises
        ------
        SeriesFileError
            When the number is out of range, or the name matches no header cell.
        """
        if isinstance(ref, int):
            if not 0 <= ref < self.ncols:
                raise SeriesFileError(
                    f"{what}={ref} is out of range: the file has {self.ncols} columns "
                    f"(numbered 0 to {self.ncols - 1})."
                )
            return ref
        if not self.names:
            raise SeriesFileError(
                f"{what}={ref!r} names a column, but the file has no header row.")
        for i, n in enumerate(self.names):
            if n == ref:
                return i
        key = normalise_name(ref)
        for i, n in enumerate(self._normalised):
            if n == key:
                return i
        raise SeriesFileError(
            f"{what}={ref!r} does not match a header cell; the header has: "
            + ", ".join(repr(clip(n)) for n in self.names[:20])
            + (f" and {len(self.names) - 20} more" if len(self.names) > 20 else "") + "."
        )

    def column_text(self, j: int) -> str:
        """A column as the messages name it: ``"column 3 ('b')"`` or ``"column 3"``."""
        if self.names and j < len(self.names) and self.names[j]:
            return f"column {j + 1} ('{clip(self.names[j])}')"
        return f"column {j + 1}"

    def cell_text(self, row: int, col: int) -> str:
        """Where a value is, e.g. ``"row 3, column 2 ('a')"``."""
        return f"row {row}, {self.column_text(col)}"

    def value(self, tok: str, row: int, col: int) -> float:
        """The number in a cell (NaN when missing).

        Raises
        ------
        SeriesFileError
            When the cell is not a number, or is infinite (with its row and column).
        """
        v = self.cells.num(tok)
        if v is None:
            where = f"Row {row}, {self.column_text(col)}: {clip(tok)!r} is not a number."
            if _SPLIT_HINT.search(tok.strip()):  # two numbers: not a missing-value marker
                raise SeriesFileError(
                    where, f" The fields were split on {_DELIMITER_PLURALS[self.delimiter]}; "
                    "if the file uses another delimiter, ", choose("delimiter"), ".")
            if self.missing == "error":
                raise SeriesFileError(
                    where, " Correct it, or count such cells as missing values: ",
                    choose("missing", "interpolate", "skip"), ".")
            self.text_cells[row, col] = tok.strip()
            return math.nan
        if math.isinf(v):
            raise SeriesFileError(
                f"Row {row}, {self.column_text(col)}: {clip(tok)!r} is an infinite value; "
                "only finite numbers can be used."
            )
        return v

    def token(self, row: int, col: int) -> str:
        """The text of the cell at file row ``row`` (1-based), column ``col``."""
        if self._rows is None:
            self._rows = dict(self.data)
        toks = self._rows.get(row, [])
        return toks[col].strip() if col < len(toks) else ""

    def column_tokens(self, j: int) -> list[str]:
        """The stripped cells of column ``j`` (``""`` where a record is too short)."""
        return [t[j].strip() if j < len(t) else "" for _, t in self.data]
