"""Parse user-supplied series files (CSV, TSV, UCR text, UEA .ts) into series, labels and a
report.

:func:`parse_series_file` detects the encoding, delimiter, decimal mark, header row and
layout, accepts overrides for each, and returns a :class:`ParsedSeries`. Every problem the
user can fix raises :class:`SeriesFileError`, whose message is meant to be shown as is.
Nothing is dropped silently: series that are skipped are listed, with their row (or column)
and the reason, in :class:`UploadReport`.

Layouts
-------
``"wide"``
    One series per row, optional header, optional label column (the first column, or a column
    named like *label*, *class* or *target*) and optional id column (named like *id*/*name*).
``"ucr"``
    The UCR archive's text layout: no header, label in the first column, tab or whitespace
    separated. A wide layout with ``label_column=0``.
``"columns"``
    One series per column (spreadsheet export); header cells become series names.
``"long"``
    Tidy format: an id column, an optional time column and one or more value columns
    (several value columns give a multivariate series).
``"ts"``
    The UEA/sktime ``.ts`` format: ``@`` header lines (``@problemName``, ``@classLabel``,
    ...), then ``@data`` and one case per line, its dimensions separated by ``:``, its values
    by ``,`` (or written as ``(timestamp,value)`` pairs), its class label or regression target
    last. Detected from the ``.ts`` extension or from an ``@data`` line after header lines.
    Timestamps only order the values. With ``@equalLength true`` a missing tail is missing
    values, not padding, and every case must have the same length.

Rows (or columns) of different lengths give variable-length series: trailing empty or NaN
cells are padding, not missing values. Missing values inside a series are refused with their
positions unless ``missing="interpolate"``.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MAX_SERIES",
    "ParsedSeries",
    "SeriesFileError",
    "SkippedItem",
    "UploadReport",
    "parse_series_file",
]

DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_MAX_SERIES = 5_000
DEFAULT_MAX_LENGTH = 20_000

LAYOUTS = ("wide", "ucr", "columns", "long", "ts")
_LAYOUT_TEXT = {
    "wide": "wide (one series per row)",
    "ucr": "UCR (one series per row, label first)",
    "columns": "columns (one series per column)",
    "long": "long/tidy (id, time and value columns)",
    "ts": "UEA/sktime .ts (one case per line, ':' between dimensions)",
}
_DELIM_TEXT = {",": "comma", ";": "semicolon", "\t": "tab", "whitespace": "whitespace"}
_DELIM_PLURAL = {",": "commas", ";": "semicolons", "\t": "tabs", "whitespace": "whitespace"}
_MISSING_TOKENS = {"", "na", "nan", "n/a", "null", "none", "?", "#n/a", "missing", "-nan"}
_ID_NAMES = {"id", "seriesid", "series", "tsid", "sample", "sampleid", "name", "seriesname",
             "case", "caseid", "instance", "unit", "key"}
_TIME_NAMES = {"time", "t", "timestamp", "date", "datetime", "step", "timestep", "index",
               "idx", "tick", "frame", "seconds", "sec", "ms", "hour", "position", "pos"}
_LABEL_NAMES = {"label", "labels", "class", "classes", "target", "category", "classlabel",
                "cls", "targetclass", "group"}  # not "y": often a value column
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
_WIDE_HEADER = re.compile(r"^[a-z_]*\s*[-_]?\s*\d+(\.\d+)?$", re.IGNORECASE)
_MAX_LISTED = 10
_TIME_PREFIXES = {"", "t", "time", "step", "timestep", "x", "tp", "v", "value", "dim", "point"}


class SeriesFileError(ValueError):
    """A file could not be turned into series; the message is user-facing text."""


@dataclass(frozen=True)
class SkippedItem:
    """One series (row or column) that was not loaded.

    Attributes
    ----------
    where : str
        ``"row 7"``, ``"column 3 ('b')"``, ``"series 'a' (rows 4-9)"`` or
        ``"case 3 (line 14)"`` (.ts).
    reason : str
        Why it was skipped.
    """

    where: str
    reason: str


@dataclass
class UploadReport:
    """What was read from an uploaded file. Render with :meth:`to_text` or :meth:`lines`.

    Attributes
    ----------
    filename : str
    n_bytes : int
    encoding : str
    layout : str
        One of ``"wide"``, ``"ucr"``, ``"columns"``, ``"long"``, ``"ts"``.
    layout_detected : bool
        False when the layout came from an override.
    delimiter : str
        ``","``, ``";"``, ``"\\t"`` or ``"whitespace"``.
    decimal : str
    header : bool
    n_series : int
    lengths : list of int
    dimension : int
    label_source : str or None
        Where the labels came from, e.g. ``"column 1 ('label')"``.
    label_counts : dict
        Label (as text) -> number of series.
    skipped : list of SkippedItem
    notes : list of str
        Everything else worth knowing (blank lines, interpolation, normalisation, ...).
    problem_name : str
        The ``@problemName`` of a ``.ts`` file (empty otherwise).
    """

    filename: str = ""
    n_bytes: int = 0
    encoding: str = ""
    layout: str = ""
    layout_detected: bool = True
    delimiter: str = ""
    decimal: str = "."
    header: bool = False
    n_series: int = 0
    lengths: list[int] = field(default_factory=list)
    dimension: int = 1
    label_source: str | None = None
    label_counts: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem_name: str = ""

    @property
    def length_min(self) -> int:
        """Shortest series length."""
        return min(self.lengths) if self.lengths else 0

    @property
    def length_max(self) -> int:
        """Longest series length."""
        return max(self.lengths) if self.lengths else 0

    @property
    def length_median(self) -> float:
        """Median series length."""
        return float(np.median(self.lengths)) if self.lengths else 0.0

    def lines(self) -> list[str]:
        """The report as a list of lines of plain text."""
        if self.n_bytes < 1000:
            size = f"{self.n_bytes} bytes"
        elif self.n_bytes < 1e6:
            size = f"{self.n_bytes / 1000:.1f} kB"
        else:
            size = f"{self.n_bytes / 1e6:.1f} MB"
        out = [f"File: {self.filename or '(unnamed)'} ({size}, {self.encoding})"]
        out.append(self._layout_line())
        kind = "univariate" if self.dimension == 1 else f"multivariate, {self.dimension} channels"
        out.append(f"Series: {self.n_series} ({kind}, dimension {self.dimension})")
        med = self.length_median
        med_text = str(int(med)) if float(med).is_integer() else f"{med:.1f}"
        equal = "equal length" if self.length_min == self.length_max else "variable length"
        out.append(
            f"Lengths: min {self.length_min}, median {med_text}, max {self.length_max} ({equal})"
        )
        if self.label_source is None:
            out.append("Labels: none")
        else:
            counts = ", ".join(f"{k} ({v})" for k, v in self.label_counts.items())
            out.append(
                f"Labels: from {self.label_source}; {len(self.label_counts)} distinct: {counts}"
            )
        if self.skipped:
            out.append(f"Skipped: {len(self.skipped)} series not loaded:")
            out.extend(f"  - {s.where}: {s.reason}" for s in self.skipped)
        else:
            out.append("Skipped: nothing")
        if self.notes:
            out.append("Notes:")
            out.extend(f"  - {n}" for n in self.notes)
        return out

    def _layout_line(self) -> str:
        how = "detected" if self.layout_detected else "as requested"
        head = f"Layout: {_LAYOUT_TEXT.get(self.layout, self.layout)}, {how}; "
        if self.layout == "ts":
            return head + f"problem name: {self.problem_name or '(not given)'}"
        return head + (
            f"delimiter: {_DELIM_TEXT.get(self.delimiter, repr(self.delimiter))}; decimal "
            f"mark: '{self.decimal}'; header row: {'yes' if self.header else 'no'}"
        )

    def to_text(self) -> str:
        """The report as one block of plain text (lines joined by newlines)."""
        return "\n".join(self.lines())

    def __str__(self) -> str:
        return self.to_text()


@dataclass
class ParsedSeries:
    """Result of :func:`parse_series_file`; unpacks as ``series, labels, report``.

    Attributes
    ----------
    series : ndarray or list of ndarray
        ``(n, length)`` / ``(n, length, d)`` when all series have the same length, otherwise
        a list of ``(length_i,)`` / ``(length_i, d)`` arrays. float64.
    labels : ndarray or None
        One label per series: ``int64`` when every label is an integer, else ``str``.
    names : list of str
        A name per series (id, column name, ``"row N"``, or ``"case N"`` for the N-th case
        of a .ts file).
    report : UploadReport
    """

    series: np.ndarray | list[np.ndarray]
    labels: np.ndarray | None
    names: list[str]
    report: UploadReport

    def __iter__(self) -> Iterator:
        return iter((self.series, self.labels, self.report))

    def __len__(self) -> int:
        return len(self.names)


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------


def _fail(msg: str) -> SeriesFileError:
    return SeriesFileError(msg)


def _ranges(nums: Sequence[int]) -> str:
    """'3, 5-7, 10' from [3, 5, 6, 7, 10] (at most _MAX_LISTED groups)."""
    nums = sorted(set(nums))
    groups: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        groups.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    if len(groups) > _MAX_LISTED:
        return ", ".join(groups[:_MAX_LISTED]) + f" and {len(groups) - _MAX_LISTED} more"
    return ", ".join(groups)


def _mb(n: int) -> str:
    return f"{n:,} bytes" if n < 1_000_000 else f"{n / 1e6:.3g} MB"


_MAGIC = [
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x93NUMPY", "a NumPy .npy file"),
    (b"\x89HDF", "an HDF5 file"),
]


def _decode(content: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return content.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise _fail(f"The file could not be read as {encoding} text: {exc}.") from None
    for magic, what in _MAGIC:
        if content.startswith(magic):
            raise _fail(
                f"This looks like {what}, not a text file. Export the data as CSV or "
                "tab-separated text and upload that."
            )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, enc = content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise _fail("The file starts like UTF-16 text but could not be decoded.") from None
    elif b"\x00" in content[:65536]:
        raise _fail(
            "This is a binary file, not text (it contains NUL bytes). Upload a CSV, TSV or "
            "plain-text file."
        )
    else:
        text, enc = _decode_8bit(content)
    controls = len(re.findall(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text[:65536]))
    if controls > max(2, len(text[:65536]) // 100):
        raise _fail(
            "This looks like a binary file, not text (it contains many control characters). "
            "Upload a CSV, TSV or plain-text file."
        )
    return text, enc


def _decode_8bit(content: bytes) -> tuple[str, str]:
    try:
        text = content.decode("utf-8-sig")
        enc = "UTF-8 with BOM" if content.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError as exc:
        text = content.decode("latin-1")
        enc = "Latin-1"
        c1 = re.search(r"[\x80-\x9f]", text)
        if c1:
            try:
                text = content.decode("cp1252")
                enc = "Windows-1252"
            except UnicodeDecodeError:
                pos = exc.start
                line = content.count(b"\n", 0, pos) + 1
                raise _fail(
                    f"The file is not UTF-8 or Latin-1 text: byte 0x{content[pos]:02x} at "
                    f"position {pos} (line {line}) cannot be decoded. Save the file as UTF-8 "
                    "text and upload it again."
                ) from None
    return text, enc


def _split_fields(line: str, delimiter: str) -> list[str]:
    if delimiter == "whitespace":
        return [t[1:-1] if len(t) >= 2 and t[0] == t[-1] == '"' else t
                for t in re.findall(r'"[^"]*"|\S+', line)]
    return [t.strip() for t in next(csv.reader([line], delimiter=delimiter, quotechar='"',
                                               skipinitialspace=True))]


def _detect_delimiter(lines: list[str]) -> str:
    sample = lines[:200]
    n = len(sample)
    for d in ("\t", ";", ","):
        hits = sum(1 for s in sample if d in re.sub(r'"[^"]*"', "", s))
        if hits and hits >= 0.5 * n:
            return d
    return "whitespace"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _Cells:
    """Tokenised records with numeric conversion."""

    def __init__(self, rows: list[tuple[int, list[str]]], decimal: str):
        self.rows = rows
        self.decimal = decimal

    def num(self, tok: str) -> float | None:
        """Float value, NaN for a missing marker, None when not a number."""
        t = tok.strip()
        if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
            t = t[1:-1].strip()
        if t.lower() in _MISSING_TOKENS:
            return math.nan
        if self.decimal == ",":
            t = t.replace(",", ".")
        try:
            return float(t)
        except ValueError:
            return None

    def is_num(self, tok: str) -> bool:
        v = self.num(tok)
        return v is not None and not math.isnan(v)

    def is_missing(self, tok: str) -> bool:
        v = self.num(tok)
        return v is not None and math.isnan(v)


def _is_int_like(cells: _Cells, tok: str) -> bool:
    v = cells.num(tok)
    return v is not None and math.isfinite(v) and float(v).is_integer()


def _labels_array(raw: list[str]) -> np.ndarray:
    """int64 labels when all are integers ('1', '-1', '2.0'), else str."""
    out = []
    for r in raw:
        try:
            v = float(r)
        except ValueError:
            return np.asarray(raw, dtype=str)
        if not (math.isfinite(v) and v.is_integer()):
            return np.asarray(raw, dtype=str)
        out.append(int(v))
    return np.asarray(out, dtype=np.int64)


def _col_ref(ref, names: list[str] | None, ncols: int, what: str) -> int:
    """Resolve a column override (0-based int or header name) to an index."""
    if isinstance(ref, bool):
        raise _fail(f"{what} must be a column number or a header name, got {ref!r}.")
    if isinstance(ref, (int, np.integer)):
        if not 0 <= ref < ncols:
            raise _fail(
                f"{what}={ref} is out of range: the file has {ncols} columns "
                f"(numbered 0 to {ncols - 1})."
            )
        return int(ref)
    if isinstance(ref, str):
        if names:
            for i, n in enumerate(names):
                if n == ref:
                    return i
            for i, n in enumerate(names):
                if _norm(n) == _norm(ref):
                    return i
            raise _fail(
                f"{what}={ref!r} does not match a header cell; the header has: "
                + ", ".join(repr(n) for n in names) + "."
            )
        raise _fail(f"{what}={ref!r} names a column, but the file has no header row.")
    raise _fail(f"{what} must be a column number or a header name, got {ref!r}.")


def _col_text(j: int, names: list[str] | None) -> str:
    if names and j < len(names) and names[j]:
        return f"column {j + 1} ('{names[j]}')"
    return f"column {j + 1}"


class _Builder:
    """Collects series, missing positions and skipped items while a layout is read."""

    def __init__(self, cells: _Cells, names: list[str] | None, delimiter: str = ","):
        self.cells = cells
        self.delimiter = delimiter
        self.colnames = names
        self.series: list[np.ndarray] = []
        self.names: list[str] = []
        self.labels: list[str] = []
        self.missing_at: list[list[tuple[int, int]]] = []  # per series: (row, col) of gaps
        self.skipped: list[SkippedItem] = []
        self.notes: list[str] = []
        self.padded: list[str] = []  # rows/columns whose trailing empty/NaN cells were padding

    def cell_text(self, row: int, col) -> str:
        """Where a value is, e.g. ``"row 3, column 2 ('a')"``."""
        return f"row {row}, {_col_text(col, self.colnames)}"

    def value(self, tok: str, row: int, col: int) -> float:
        v = self.cells.num(tok)
        if v is None:
            hint = ""
            if re.search(r"[\d.,]\s*[\s;,\t]\s*[-+\d.]", tok.strip()):
                hint = (f" The fields were split on {_DELIM_PLURAL[self.delimiter]}; if the "
                        "file uses another delimiter, choose it.")
            raise _fail(
                f"Row {row}, {_col_text(col, self.colnames)}: {tok!r} is not a number." + hint
            )
        if math.isinf(v):
            raise _fail(
                f"Row {row}, {_col_text(col, self.colnames)}: {tok!r} is an infinite value; "
                "only finite numbers can be used."
            )
        return v


# ----------------------------------------------------------------------------------------
# layouts
# ----------------------------------------------------------------------------------------


def _strip_trailing(vals: list[float]) -> list[float]:
    end = len(vals)
    while end and math.isnan(vals[end - 1]):
        end -= 1
    return vals[:end]


def _read_rows(b: _Builder, data, label_col, id_col) -> None:
    drop = {c for c in (label_col, id_col) if c is not None}
    for row, toks in data:
        vals: list[float] = []
        cols: list[int] = []
        for j, tok in enumerate(toks):
            if j in drop:
                continue
            vals.append(b.value(tok, row, j))
            cols.append(j)
        n_all = len(vals)
        vals = _strip_trailing(vals)
        if vals and len(vals) < n_all and any(tok.strip() for tok in toks[len(toks) - (
                n_all - len(vals)):]):
            b.padded.append(str(row))
        label = toks[label_col].strip() if label_col is not None and label_col < len(toks) else ""
        name = toks[id_col].strip() if id_col is not None and id_col < len(toks) else ""
        if not vals:
            b.skipped.append(SkippedItem(f"row {row}", "no values (all cells empty or missing)"))
            continue
        if label_col is not None and (not label or b.cells.is_missing(label)):
            b.skipped.append(SkippedItem(f"row {row}", "the label cell is empty"))
            continue
        arr = np.asarray(vals, dtype=np.float64)
        b.series.append(arr)
        b.missing_at.append([(row, cols[k]) for k in np.flatnonzero(np.isnan(arr))])
        b.labels.append(label)
        b.names.append(name or f"row {row}")


def _read_columns(b: _Builder, data, skip_cols: set[int], names: list[str] | None) -> None:
    ncols = max(len(t) for _, t in data)
    for j in range(ncols):
        if j in skip_cols:
            continue
        vals: list[float] = []
        rows: list[int] = []
        for row, toks in data:
            tok = toks[j] if j < len(toks) else ""
            vals.append(b.value(tok, row, j))
            rows.append(row)
        n_all = len(vals)
        vals = _strip_trailing(vals)
        if vals and any(j < len(t) and t[j].strip() for _, t in data[len(vals):n_all]):
            b.padded.append(f"column {j + 1}")
        title = names[j] if names and j < len(names) and names[j] else f"column {j + 1}"
        if not vals:
            if names and j < len(names) and names[j]:
                b.skipped.append(SkippedItem(_col_text(j, names),
                                             "no values (all cells empty or missing)"))
            else:
                b.notes.append(f"Ignored {_col_text(j, names)}: it has no header and no values.")
            continue
        arr = np.asarray(vals, dtype=np.float64)
        b.series.append(arr)
        b.missing_at.append([(rows[k], j) for k in np.flatnonzero(np.isnan(arr))])
        b.labels.append("")
        b.names.append(title)


def _time_values(cells: _Cells, toks: list[str]) -> tuple[list[float], int | None]:
    """Times as numbers, else as dates (seconds since the epoch).

    Returns
    -------
    times : list of float
        Empty when some token is neither a number nor a date.
    bad : int or None
        Index of the first such token.
    """
    out: list[float] = []
    for tok in toks:
        v = cells.num(tok)
        if v is None or not math.isfinite(v):
            break
        out.append(v)
    else:
        return out, None
    import pandas as pd

    parsed = pd.to_datetime(pd.Series(toks), errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy()
    if bad.any():
        j = len(out)  # numbers up to here: the first token that is not one is to blame
        return [], j if j and bad[j] else int(np.flatnonzero(bad)[0])
    return (parsed.astype("int64") / 1e9).tolist(), None


def _parse_times(b: _Builder, data, time_col: int) -> list[float]:
    toks = [t[time_col].strip() if time_col < len(t) else "" for _, t in data]
    out, k = _time_values(b.cells, toks)
    if k is not None:
        row = data[k][0]
        raise _fail(
            f"Row {row}, {_col_text(time_col, b.colnames)}: the time {toks[k]!r} is neither a "
            "number nor a date."
        )
    return out


def _read_long(b: _Builder, data, id_col, time_col, value_cols, label_col) -> None:
    need = max([id_col] + value_cols + [c for c in (time_col, label_col) if c is not None])
    for row, toks in data:
        if len(toks) <= need:
            raise _fail(
                f"Row {row} has {len(toks)} fields but {need + 1} are expected (id, "
                + ("time, " if time_col is not None else "")
                + f"{len(value_cols)} value column{'s' if len(value_cols) > 1 else ''}"
                + (", label" if label_col is not None else "")
                + "): inconsistent dimensions in long format."
            )
    times = _parse_times(b, data, time_col) if time_col is not None else None
    groups: dict[str, list[int]] = {}
    for k, (row, toks) in enumerate(data):
        key = toks[id_col].strip()
        if not key or b.cells.is_missing(key):
            raise _fail(f"Row {row}: the id cell ({_col_text(id_col, b.colnames)}) is empty.")
        groups.setdefault(key, []).append(k)
    d = len(value_cols)
    present_all = np.zeros(d, dtype=bool)
    per_id = []
    for key, idx in groups.items():
        rows = [data[k][0] for k in idx]
        if times is not None:
            t = np.asarray([times[k] for k in idx])
            order = np.argsort(t, kind="stable")
            ts = t[order]
            dup = np.flatnonzero(np.diff(ts) == 0)
            if dup.size:
                r1, r2 = rows[order[dup[0]]], rows[order[dup[0] + 1]]
                tok = data[idx[order[dup[0]]]][1][time_col].strip()
                raise _fail(
                    f"Series '{key}' has time {tok} twice (rows {r1} and {r2}): duplicate "
                    "id/time pairs conflict. Each id may have one row per time."
                )
            idx = [idx[o] for o in order]
            rows = [rows[o] for o in order]
        vals = np.empty((len(idx), d))
        for i, k in enumerate(idx):
            row, toks = data[k]
            for c, j in enumerate(value_cols):
                vals[i, c] = b.value(toks[j], row, j)
        present = ~np.all(np.isnan(vals), axis=0)
        present_all |= present
        label = ""
        if label_col is not None:
            labs = [data[k][1][label_col].strip() for k in idx]
            other = [i for i, lab_ in enumerate(labs) if lab_ != labs[0]]
            if other:
                i = other[0]
                raise _fail(
                    f"Series '{key}' has more than one label ('{labs[0]}' at row {rows[0]}, "
                    f"'{labs[i]}' at row {rows[i]}); a series must have a single label."
                )
            label = labs[0]
        per_id.append((key, rows, vals, present, label))
    if not present_all.any():
        raise _fail("No numeric data: every value cell is empty or missing.")
    keep = np.flatnonzero(present_all)
    for c in np.flatnonzero(~present_all):
        b.notes.append(f"Ignored {_col_text(value_cols[c], b.colnames)}: it has no values.")
    for key, rows, vals, present, label in per_id:
        where = f"series '{key}' (rows {_ranges(rows)})"
        if not present.any():
            b.skipped.append(SkippedItem(where, "no values (all cells empty or missing)"))
            continue
        if not present[keep].all():
            missing_cols = [_col_text(value_cols[c], b.colnames) for c in keep if not present[c]]
            raise _fail(
                f"Inconsistent dimensions in long format: series '{key}' has no values in "
                + ", ".join(missing_cols)
                + " while other series do. All series need the same value columns."
            )
        v = vals[:, keep]
        arr = v[:, 0] if v.shape[1] == 1 else v
        gaps = np.argwhere(np.isnan(v))
        b.series.append(arr)
        b.missing_at.append([(rows[i], value_cols[keep[c]]) for i, c in gaps])
        b.labels.append(label)
        b.names.append(key)


# ----------------------------------------------------------------------------------------
# UEA/sktime .ts layout
# ----------------------------------------------------------------------------------------

_TS_ATTR = {"problemname": "problem", "timestamps": "timestamps", "missing": "missing",
            "univariate": "univariate", "dimensions": "dimensions", "equallength": "equal_length",
            "serieslength": "series_length", "classlabel": "classes", "targetlabel": "target"}
_TS_COMMENT = ("#", "%")
_TS_DATA = re.compile(r"^[ \t]*@data[ \t]*$", re.IGNORECASE | re.MULTILINE)
_TS_PAIRS = re.compile(r"\([^()]*\)(\s*,\s*\([^()]*\))*")
_TS_COLON = re.compile(r":(?![^()]*\))")  # a ':' that is not inside (...)
_TS_LABEL_HINT = (" If the last field is a class label, declare the labels in the header: "
                  "'@classLabel true <label> <label> ...'.")


@dataclass
class _TsHeader:
    """What the ``@`` lines of a ``.ts`` file declare (``None``: not declared)."""

    problem: str = ""
    timestamps: bool = False
    missing: bool | None = None
    univariate: bool | None = None
    dimensions: int | None = None
    equal_length: bool | None = None
    series_length: int | None = None
    classes: list[str] | None = None  # the declared class labels
    target: bool = False
    seen: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # (line, key, value)
    verbatim: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    data_line: int = 0

    @property
    def labelled(self) -> bool:
        """Whether the last field of each case is a label (class or target)."""
        return self.classes is not None or self.target

    @property
    def label_key(self) -> str:
        """The header keyword that declares the labels, as spelled in the file."""
        key = "classlabel" if self.classes is not None else "targetlabel"
        return self.seen[key][1]


class _TsBuilder(_Builder):
    """A :class:`_Builder` whose value positions are ``(dimension, index in the file)``."""

    def __init__(self):
        super().__init__(_Cells([], "."), None, ",")
        self.reordered = 0  # cases with values out of timestamp order

    def cell_text(self, row: int, col) -> str:
        """Where a value is: ``"line 12, dimension 2, value 5"``."""
        return f"line {row}, dimension {col[0] + 1}, value {col[1] + 1}"


def _ts_key(line: str) -> str:
    """The lower-case keyword of a header line (``"@classLabel true 1 2"`` -> ``"classlabel"``)."""
    key = line.strip().split(maxsplit=1)[0][1:].lower() if line.strip() else ""
    return "dimensions" if key == "dimension" else key


def _looks_ts(text: str, ext: str) -> bool:
    """A .ts file: by its extension, or an ``@data`` line after ``.ts`` header lines only."""
    if ext == ".ts":
        return True
    if not re.match(r"\s*[@#%]", text):
        return False
    m = _TS_DATA.search(text)
    if m is None:
        return False
    head = [s.strip() for s in re.split(r"\r\n|\r|\n", text[:m.start()])]
    head = [s for s in head if s and not s.startswith(_TS_COMMENT)]
    return bool(head) and all(s.startswith("@") for s in head) and any(
        _ts_key(s) in _TS_ATTR for s in head)


def _ts_check_overrides(options: dict) -> None:
    """Refuse the tabular overrides: a .ts file declares its own structure."""
    for name, value in options.items():
        if value is None or name == "label_column" and value is False:
            continue
        raise _fail(
            f"{name} cannot be used with the ts layout: a .ts file declares its own structure "
            "(':' between dimensions, ',' between values, the label last). Leave it to be "
            "detected, or choose another layout."
        )


def _ts_header(lines: list[tuple[int, str]]) -> tuple[_TsHeader, int]:
    """Read the header lines; returns the header and the index of the first case line."""
    if not any(_ts_key(s) == "data" for _, s in lines):
        raise _fail(
            "This file has no @data line, so it cannot be read as a UEA/sktime .ts file: a .ts "
            "file starts with header lines (@problemName, @classLabel, ...), then '@data' on "
            "its own line, then one case per line. Add the @data line, or, if this is a CSV or "
            "text file, choose another layout."
        )
    h = _TsHeader()
    for k, (i, line) in enumerate(lines):
        s = line.strip()
        if not s.startswith("@"):
            raise _fail(
                f"Line {i}: {_clip(s)!r} comes before the @data line but is neither a header "
                "line (starting with @) nor a comment (starting with #). Move the data below "
                "the @data line, or start the line with # to make it a comment."
            )
        if _ts_key(s) == "data":
            if s.split(maxsplit=1)[1:]:
                raise _fail(f"Line {i}: the @data line must stand alone; put the first case "
                            "on the next line.")
            h.data_line = i
            return _ts_check_header(h), k + 1
        _ts_keyword(h, s, i)
    raise AssertionError("unreachable: an @data line exists")


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _ts_keyword(h: _TsHeader, line: str, i: int) -> None:
    """Record one header line in ``h``; unknown keywords are kept for the report."""
    token, value = (line.split(maxsplit=1) + [""])[:2]
    key = _ts_key(line)
    if key not in _TS_ATTR:
        h.unknown.append(f"{_clip(line)} (line {i})")
        return
    if key in h.seen:
        first, _, before = h.seen[key]
        if key != "problemname" and before.split() != value.split():
            raise _fail(f"Line {i}: {token} is declared twice with different values (line "
                        f"{first}: {_clip(before)!r}; line {i}: {_clip(value)!r}); keep one.")
        h.repeated.append(f"{token} (lines {first} and {i})")
    h.seen[key] = (i, token, value)
    h.verbatim.append(" ".join(line.split()))
    if key == "problemname":
        h.problem = value
    elif key == "classlabel":
        h.classes = _ts_classes(token, value, i)
    elif key in ("dimensions", "serieslength"):
        if not re.fullmatch(r"\d+", value) or int(value) < 1:
            raise _fail(f"Line {i}: {token} must be followed by a positive whole number, got "
                        f"{value!r}.")
        setattr(h, _TS_ATTR[key], int(value))
    else:
        setattr(h, _TS_ATTR[key], _ts_bool(token, value, i))


def _ts_bool(token: str, value: str, i: int) -> bool:
    if value.lower() not in ("true", "false"):
        raise _fail(f"Line {i}: {token} must be followed by true or false, got {value!r}.")
    return value.lower() == "true"


def _ts_classes(token: str, value: str, i: int) -> list[str] | None:
    """The class labels of ``@classLabel true a b c``; None for ``@classLabel false``."""
    parts = value.split()
    if not parts or parts[0].lower() not in ("true", "false"):
        raise _fail(f"Line {i}: {token} must be followed by true and the class labels, or by "
                    f"false; got {value!r}.")
    if parts[0].lower() == "false":
        return None
    if len(parts) == 1:
        raise _fail(f"Line {i}: '{token} true' must list the class labels, e.g. "
                    f"'{token} true 1 2 3'.")
    return parts[1:]


def _ts_check_header(h: _TsHeader) -> _TsHeader:
    if h.classes is not None and h.target:
        raise _fail(
            f"The header declares both {h.seen['classlabel'][1]} true (line "
            f"{h.seen['classlabel'][0]}) and {h.seen['targetlabel'][1]} true (line "
            f"{h.seen['targetlabel'][0]}): a .ts file has class labels or a regression target, "
            "not both. Keep one."
        )
    if h.univariate and h.dimensions is not None and h.dimensions > 1:
        raise _fail(
            f"The header says {h.seen['univariate'][1]} true but {h.seen['dimensions'][1]} "
            f"{h.dimensions}. Set @univariate false, or fix @dimensions."
        )
    return h


def _ts_split(text: str) -> list[str]:
    """Split a case on ``:`` outside parentheses (``(2007-01-01 00:00:00,1.5)``)."""
    return _TS_COLON.split(text) if "(" in text else text.split(":")


def _read_ts(text: str, report: UploadReport, keep_labels: bool, missing: str,
             znormalize: bool, max_series: int, max_length: int) -> ParsedSeries:
    """Read a UEA/sktime ``.ts`` file (see the module docstring)."""
    lines, blank, comments = _split_lines(text, _TS_COMMENT)
    h, start = _ts_header(lines)
    report.layout, report.delimiter, report.decimal = "ts", ",", "."
    report.problem_name = h.problem
    b = _TsBuilder()
    if start == len(lines):
        raise _fail(f"The .ts file has no cases: nothing follows its @data line (line "
                    f"{h.data_line}). Add one case per line after @data.")
    ref: dict = {}
    for case, (i, line) in enumerate(lines[start:], start=1):
        _ts_case(b, h, case, i, line.strip(), ref, keep_labels)
    if h.labelled and keep_labels:
        report.label_source = (f"the {h.label_key} header (last field of each case"
                               + ("; regression targets)" if h.target else ")"))
    _ts_notes(b, h, keep_labels)
    _line_notes(b.notes, comments, blank)
    return _finish(b, report, missing, znormalize, max_series, max_length)


def _ts_notes(b: _TsBuilder, h: _TsHeader, keep_labels: bool) -> None:
    if h.verbatim:
        b.notes.append("Header: " + "; ".join(h.verbatim) + ".")
    if h.repeated:
        b.notes.append("Repeated header lines: " + ", ".join(h.repeated)
                       + "; the last one was used.")
    if h.unknown:
        b.notes.append(f"Ignored {len(h.unknown)} unknown header line"
                       f"{'s' if len(h.unknown) > 1 else ''}: " + ", ".join(h.unknown) + ".")
    if "classlabel" not in h.seen and "targetlabel" not in h.seen:
        b.notes.append("The header has no @classLabel or @targetLabel line: every "
                       "':'-separated field was read as a dimension (no labels).")
    if h.labelled and not keep_labels:
        b.notes.append("The labels (the last field of each case) were not used, as requested.")
    if h.timestamps:
        b.notes.append(
            "Timestamps (@timeStamps true) were used only to order the values of each "
            f"dimension ({b.reordered} case{'s' if b.reordered != 1 else ''} had values out "
            "of order); the values are treated as equally spaced."
        )


def _ts_case(b: _TsBuilder, h: _TsHeader, case: int, line: int, text: str, ref: dict,
             keep_labels: bool) -> None:
    """Read one case line into ``b`` (or list it as skipped)."""
    where, at = f"case {case} (line {line})", f"Line {line} (case {case})"
    fields, label = _ts_fields(b, h, case, line, text, ref)
    if keep_labels and h.labelled:
        _ts_check_label(b, h, label, at)
    dims = [_ts_dimension(b, h, f, f"{at}, dimension {d + 1}") for d, f in enumerate(fields)]
    arr, padded = _ts_stack(h, [v for v, _, _ in dims], at, ref)
    _ts_check_times(dims, len(arr), at)
    b.reordered += any(np.any(np.diff(o) < 0) for _, o, _ in dims)
    if np.isnan(arr).all():
        b.skipped.append(SkippedItem(where, "no values (all cells empty or missing)"))
        return
    if keep_labels and h.labelled and _ts_label_missing(b, h, label):
        b.skipped.append(SkippedItem(where, "the label is missing"))
        return
    if padded:
        b.padded.append(where)
    _ts_add(b, arr, [o for _, o, _ in dims], line, f"case {case}", label if keep_labels else "")


def _ts_fields(b: _TsBuilder, h: _TsHeader, case: int, line: int, text: str, ref: dict
               ) -> tuple[list[str], str]:
    """A case's dimension fields and its label (``""`` when the file has none)."""
    if text.startswith("@"):
        raise _fail(f"Line {line}: the header line {_clip(text)!r} comes after @data (line "
                    f"{h.data_line}); move it above the @data line.")
    fields = _ts_split(text)
    label = ""
    if h.labelled:
        if len(fields) < 2:
            raise _fail(f"Line {line} (case {case}) has no label: with {h.label_key} true, "
                        "each case ends with ':' and its label.")
        label = fields.pop().strip()
    _ts_check_dimensions(h, case, line, len(fields), ref)
    last = fields[-1].strip()
    if not h.labelled and len(fields) > 1 and b.cells.num(last) is None and not re.search(
            "[,(]", last):
        raise _fail(f"Line {line} (case {case}): its last field {_clip(last)!r} is not a "
                    "number." + _TS_LABEL_HINT)
    return fields, label


def _ts_label_missing(b: _TsBuilder, h: _TsHeader, label: str) -> bool:
    """An empty label or a missing marker such as '?' (unless the header declares it)."""
    return (not label or b.cells.is_missing(label)) and not (h.classes and label in h.classes)


def _ts_check_label(b: _TsBuilder, h: _TsHeader, label: str, where: str) -> None:
    """Refuse a class label that the header does not declare, or a non-numeric target."""
    if _ts_label_missing(b, h, label):
        return  # the case is skipped
    if h.classes is not None and label not in h.classes:
        near = [c for c in h.classes if c.lower() == label.lower()]
        raise _fail(
            f"{where}: the class label {label!r} is not declared in "
            f"{h.label_key} (line {h.seen['classlabel'][0]} declares: "
            + ", ".join(h.classes[:_MAX_LISTED])
            + (f" and {len(h.classes) - _MAX_LISTED} more" if len(h.classes) > _MAX_LISTED
               else "") + ")"
            + (f"; labels are case-sensitive: {near[0]!r} is declared" if near else "")
            + ". Add it to the header line, or fix the label."
        )
    if h.target and b.cells.num(label) is None:
        raise _fail(f"{where}: the target {label!r} is not a number; "
                    f"with {h.label_key} true the last field of each case is a numeric target.")


def _ts_check_dimensions(h: _TsHeader, case: int, line: int, ndim: int, ref: dict) -> None:
    """Every case needs the declared (or the first case's) number of dimensions."""
    if not ref:
        ref.update(line=line, ndim=ndim)
    if h.univariate and ndim > 1:
        raise _fail(
            f"Line {line} (case {case}) has {ndim} dimensions (':'-separated fields), but the "
            f"header says {h.seen['univariate'][1]} true. Set @univariate false, or fix the "
            "case." + ("" if h.labelled else _TS_LABEL_HINT)
        )
    expected = h.dimensions or ref["ndim"]
    if ndim == expected:
        return
    src = (f"{h.seen['dimensions'][1]} says {expected}" if h.dimensions else
           f"case 1 (line {ref['line']}) has {expected}")
    hint = _TS_LABEL_HINT if not h.labelled and ndim == expected + 1 else ""
    raise _fail(
        f"Line {line} (case {case}) has {ndim} dimension{'s' if ndim != 1 else ''}, but {src}. "
        "Every case needs the same number of ':'-separated dimensions"
        + (", followed by its label" if h.labelled else "") + "." + hint
    )


def _ts_dimension(b: _TsBuilder, h: _TsHeader, text: str, where: str
                  ) -> tuple[np.ndarray, np.ndarray, list[float] | None]:
    """One dimension's values in time order, their positions in the file, and the times."""
    times = None
    if h.timestamps:
        time_toks, toks = _ts_pairs(text, where)
    else:
        toks = text.split(",") if text.strip() else []
    vals = _ts_numbers(b.cells, toks, where, h.timestamps)
    order = np.arange(len(vals))
    if h.timestamps:
        times, order = _ts_order(b.cells, time_toks, where)
        vals = vals[order]
    return vals, order, times


def _ts_pairs(text: str, where: str) -> tuple[list[str], list[str]]:
    """The time and value tokens of ``(t0,v0),(t1,v1),...``."""
    s = text.strip()
    if not s:
        return [], []
    pairs = [p.rsplit(",", 1) for p in re.findall(r"\(([^()]*)\)", s)]
    if not _TS_PAIRS.fullmatch(s) or any(len(p) != 2 for p in pairs):
        raise _fail(
            f"{where}: with @timeStamps true, values are written as (timestamp,value) pairs "
            f"separated by commas, e.g. (0,1.5),(1,2.0); got {_clip(s)!r}."
        )
    return [t.strip() for t, _ in pairs], [v for _, v in pairs]


def _ts_numbers(cells: _Cells, toks: list[str], where: str, timestamps: bool) -> np.ndarray:
    """Float values of the tokens (NaN for missing markers); refuses text and infinities."""
    try:
        vals = np.array(toks, dtype=np.float64)
    except ValueError:
        vals = np.array([math.inf if v is None else v for v in map(cells.num, toks)],
                        dtype=np.float64)
    bad = np.flatnonzero(np.isinf(vals))
    if not bad.size:
        return vals
    k = int(bad[0])
    tok = toks[k].strip()
    if cells.num(tok) is not None:
        raise _fail(f"{where}, value {k + 1}: {tok!r} is an infinite value; only finite "
                    "numbers can be used.")
    hint = ""
    if "(" in tok and not timestamps:
        hint = (" It looks like a (timestamp,value) pair: declare '@timeStamps true' in the "
                "header.")
    raise _fail(f"{where}, value {k + 1}: {tok!r} is not a number." + hint)


def _ts_order(cells: _Cells, toks: list[str], where: str) -> tuple[list[float], np.ndarray]:
    """The sorted times and the order that sorts them; refuses bad and repeated times."""
    times, k = _time_values(cells, toks)
    if k is not None:
        raise _fail(f"{where}, value {k + 1}: the timestamp {toks[k]!r} is neither a number "
                    "nor a date.")
    t = np.asarray(times)
    order = np.argsort(t, kind="stable")
    dup = np.flatnonzero(np.diff(t[order]) == 0)
    if dup.size:
        first, second = sorted(order[dup[0]:dup[0] + 2])
        raise _fail(f"{where}: the timestamp {toks[first]!r} appears twice (values "
                    f"{first + 1} and {second + 1}); each timestamp may appear once per "
                    "dimension.")
    return t[order].tolist(), order


def _ts_trailing_end(v: np.ndarray) -> int:
    """Length without trailing NaN (rows of NaN when ``v`` is 2-D)."""
    known = np.flatnonzero(~np.isnan(v) if v.ndim == 1 else ~np.isnan(v).all(axis=1))
    return int(known[-1]) + 1 if known.size else 0


def _ts_stack(h: _TsHeader, vals: list[np.ndarray], where: str, ref: dict
              ) -> tuple[np.ndarray, bool]:
    """One case as ``(length,)`` or ``(length, d)``; True when a missing tail was padding.

    With ``@equalLength true`` every value counts (a missing tail is missing values, and
    every case must have the same length); otherwise trailing missing values are padding.
    """
    raw = [len(v) for v in vals]
    if h.equal_length:
        if len(set(raw)) > 1:
            raise _ts_ragged(h, where, raw, raw)
        _ts_check_length(h, where, raw[0], ref)
        cut = raw[0]
    elif len(set(raw)) == 1:
        cut = _ts_trailing_end(np.column_stack(vals))
    else:
        ends = [_ts_trailing_end(v) for v in vals]
        if len(set(ends)) > 1:
            raise _ts_ragged(h, where, ends, raw)
        cut = ends[0]
    arr = vals[0][:cut] if len(vals) == 1 else np.column_stack([v[:cut] for v in vals])
    return arr, cut < max(raw)


def _ts_ragged(h: _TsHeader, where: str, lengths: list[int], raw: list[int]
               ) -> SeriesFileError:
    hint = _TS_LABEL_HINT if not h.labelled and len(lengths) > 1 and raw[-1] == 1 else ""
    return _fail(
        f"{where}: its dimensions have different lengths ("
        + ", ".join(map(str, lengths)) + ")"
        + (" without their trailing missing values" if lengths != raw else "")
        + "; a multivariate series needs the same number of values in every dimension. Fix "
        "the case so that all its dimensions have the same length." + hint
    )


def _ts_check_length(h: _TsHeader, where: str, n: int, ref: dict) -> None:
    """With @equalLength true, every case has the @seriesLength (or the first case's) length."""
    ref.setdefault("length", (n, "l" + where[1:]))
    m, first = ref["length"]
    if h.series_length is not None:
        m, what = h.series_length, f"{h.seen['serieslength'][1]} is {h.series_length}"
    else:
        what = f"{first} has {m}"
    if n != m:
        raise _fail(
            f"{where} has {n} values per dimension, but the header says "
            f"{h.seen['equallength'][1]} true and {what}. Fix the case, or set "
            "'@equalLength false' if the series have different lengths."
        )


def _ts_check_times(dims: list, length: int, where: str) -> None:
    """The dimensions of a multivariate case must share their timestamps."""
    if len(dims) < 2 or dims[0][2] is None:
        return
    t0 = dims[0][2][:length]
    for d, (_, _, t) in enumerate(dims[1:], start=2):
        if t[:length] != t0:
            k = next((k for k, (a, c) in enumerate(zip(t0, t)) if a != c), len(t0))
            raise _fail(
                f"{where}: dimension {d} has other timestamps than "
                f"dimension 1 (first at its value {k + 1} in time order); a multivariate "
                "series needs all its dimensions sampled at the same times."
            )


def _ts_add(b: _TsBuilder, arr: np.ndarray, orders: list[np.ndarray], line: int, name: str,
            label: str) -> None:
    """Add one case, after refusing a dimension with no value at all."""
    if arr.ndim == 2:
        empty = np.flatnonzero(np.isnan(arr).all(axis=0))
        if empty.size:
            raise _fail(
                f"Line {line} ({name}): dimension {empty[0] + 1} has no values (every value "
                "is missing) while the other dimensions have some. Fill it in, or remove the "
                "case."
            )
    gaps = np.argwhere(np.isnan(arr.reshape(len(arr), -1)))
    b.series.append(arr)
    b.missing_at.append([(line, (int(d), int(orders[d][k]))) for k, d in gaps])
    b.labels.append(label)
    b.names.append(name)


# ----------------------------------------------------------------------------------------
# main entry point
# ----------------------------------------------------------------------------------------


def parse_series_file(
    content: bytes,
    filename: str = "",
    *,
    layout: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    header: bool | None = None,
    label_column: int | str | bool | None = None,
    id_column: int | str | None = None,
    time_column: int | str | bool | None = None,
    value_columns: Sequence[int | str] | None = None,
    missing: str = "error",
    znormalize: bool = False,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_series: int = DEFAULT_MAX_SERIES,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> ParsedSeries:
    """Parse an uploaded CSV/TSV/text/.ts file into time series.

    Every argument after ``filename`` is an override; ``None`` means detect automatically.

    Parameters
    ----------
    content : bytes
        Raw file content.
    filename : str
        Original file name (its extension helps detect the UCR and .ts layouts; shown in the
        report).
    layout : {"wide", "ucr", "columns", "long", "ts"}, optional
        File layout (see the module docstring). ``"ts"`` (UEA/sktime ``.ts``) is detected from
        the ``.ts`` extension or an ``@data`` line; the file then declares its own structure,
        so only ``label_column=False`` (ignore the labels) may be combined with it.
    delimiter : {",", ";", "\\t", "whitespace"}, optional
        Field separator (``" "`` is accepted for whitespace).
    decimal : {".", ","}, optional
        Decimal mark.
    header : bool, optional
        Whether the first non-blank row is a header.
    label_column : int or str or False, optional
        Label column as a 0-based index or a header name; ``False`` for no labels.
        In long layout the label must be constant within each id.
    id_column : int or str, optional
        Id column (long layout: required, detected by name or position; wide layout: names).
    time_column : int or str or False, optional
        Time column of the long layout (used to order points); ``False`` for none.
    value_columns : sequence of int or str, optional
        Value columns of the long layout (several give multivariate series).
    missing : {"error", "interpolate"}
        Missing values inside a series: refuse, or fill them by linear interpolation
        (values before the first / after the last known one take the nearest known value).
    znormalize : bool
        Z-normalise each series (each channel) to mean 0 and standard deviation 1.
    encoding : str, optional
        Text encoding; by default UTF-8 (with or without BOM), then Latin-1.
    max_bytes, max_series, max_length : int
        Caps on the file size, the number of series and each series' length.

    Returns
    -------
    ParsedSeries
        ``series``, ``labels``, ``names`` and ``report``; unpacks as
        ``series, labels, report``.

    Raises
    ------
    SeriesFileError
        With a message meant for the user, for anything that prevents reading the file.
    """
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise _fail("The upload must be given as bytes.")
    content = bytes(content)
    if missing not in ("error", "interpolate"):
        raise _fail(f"missing must be 'error' or 'interpolate', got {missing!r}.")
    if layout is not None and layout != "auto" and layout not in LAYOUTS:
        raise _fail(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}.")
    if delimiter == " ":
        delimiter = "whitespace"
    if delimiter is not None and delimiter not in _DELIM_TEXT:
        raise _fail(f"delimiter must be ',', ';', a tab or 'whitespace', got {delimiter!r}.")
    if decimal is not None and decimal not in (".", ","):
        raise _fail(f"decimal must be '.' or ',', got {decimal!r}.")
    if decimal == "," and delimiter == ",":
        pass  # allowed: decimal-comma numbers must then be quoted
    report = UploadReport(filename=filename, n_bytes=len(content))

    if len(content) > max_bytes:
        raise _fail(
            f"The file is {_mb(len(content))}, larger than the limit of {_mb(max_bytes)}. "
            "Upload a smaller file, or raise the limit with max_bytes."
        )
    if not content.strip():
        raise _fail("The file is empty." if not content else
                    "The file is empty (it contains only blank space).")
    text, report.encoding = _decode(content, encoding)
    if not text.strip():
        raise _fail("The file is empty (it contains only blank space).")

    ext = PurePath(filename).suffix.lower()
    if layout == "ts" or layout in (None, "auto") and _looks_ts(text, ext):
        report.layout_detected = layout != "ts"
        _ts_check_overrides({"delimiter": delimiter, "decimal": decimal, "header": header,
                             "label_column": label_column, "id_column": id_column,
                             "time_column": time_column, "value_columns": value_columns})
        return _read_ts(text, report, label_column is not False, missing, znormalize,
                        max_series, max_length)

    # --- records ---------------------------------------------------------------------
    lines, blank, comments = _split_lines(text, ("#", "//", "%"))
    if not lines:
        raise _fail("The file has no data: every line is blank or a comment.")
    delim = delimiter or _detect_delimiter([s for _, s in lines])
    report.delimiter = delim
    rows: list[tuple[int, list[str]]] = []
    for i, line in lines:
        try:
            toks = _split_fields(line, delim)
        except csv.Error as exc:
            raise _fail(f"Row {i} could not be split into fields: {exc}.") from None
        rows.append((i, toks))
    # decimal mark
    if decimal is None:
        sample = [t for _, toks in rows[:200] for t in toks[:200]]
        commas = any(_COMMA_DECIMAL.match(t.strip().strip('"')) for t in sample)
        dots = any(_DOT_DECIMAL.match(t.strip().strip('"')) for t in sample)
        # with a comma delimiter only quoted cells can hold a decimal comma
        decimal = "," if commas and not dots else "."
    report.decimal = decimal
    cells = _Cells(rows, decimal)

    if not any(cells.is_num(t) for _, toks in rows for t in toks):
        if any(not cells.is_missing(t) for _, toks in rows for t in toks):
            if len(rows) == 1:
                raise _fail(
                    "No numeric data found: the file has a single line of text (a header "
                    "without data rows?)."
                )
            raise _fail(
                "No numeric data found: no cell of the file is a number. Is this the right "
                "file, and is the delimiter right?"
            )
        raise _fail("No numeric data found: every cell is empty or marked missing.")

    # --- header ----------------------------------------------------------------------
    first = rows[0][1]
    if header is None:
        header = False
        if len(rows) > 1:
            for j, tok in enumerate(first):
                if tok.strip() and cells.num(tok) is None and any(
                    j < len(t) and cells.is_num(t[j]) for _, t in rows[1:50]
                ):
                    header = True
                    break
            if not header and _counting_row(cells, first):
                header = True
    report.header = bool(header)
    names = [t.strip() for t in first] if header else None
    data = rows[1:] if header else rows
    if not data:
        raise _fail("The file has a header row but no data rows.")
    ncols = max(len(t) for _, t in data)
    if names is not None:
        ncols = max(ncols, len(names))
    norm = [_norm(n) for n in names] if names else []

    def named(cands: set[str]) -> int | None:
        for j, n in enumerate(norm):
            if n in cands:
                return j
        return None

    # --- layout ----------------------------------------------------------------------
    report.layout_detected = layout in (None, "auto")
    if layout in (None, "auto"):
        layout = _detect_layout(cells, data, names, named, ncols, ext, delim,
                                id_column, time_column, value_columns)
    report.layout = layout
    b = _Builder(cells, names, delim)

    if layout in ("wide", "ucr"):
        lab = _resolve_wide_label(cells, data, names, named, ncols, layout, label_column)
        idc = None
        if id_column is not None:
            idc = _col_ref(id_column, names, ncols, "id_column")
        elif names:
            idc = named(_ID_NAMES)
            if idc == lab:
                idc = None
            if idc is None and lab != 0 and names[0] == "":
                idc = 0  # unnamed index column (e.g. pandas' to_csv)
        if lab is None and idc is None and label_column is None and id_column is None:
            # first column of text: ids when all distinct, else labels
            col0 = [t[0].strip() for _, t in data if t]
            if all(cells.num(c) is None for c in col0):
                if len(set(col0)) == len(col0) and (len(col0) > 2 or names is not None):
                    idc = 0
                else:
                    lab = 0
        _read_rows(b, data, lab, idc)
        if lab is not None:
            report.label_source = _col_text(lab, names)
        if idc is not None:
            b.notes.append(f"Series names taken from {_col_text(idc, names)}.")
        if names and lab is None and idc is None:
            b.notes.append("The header row was used only as column names (time points).")
    elif layout == "columns":
        skip: set[int] = set()
        if label_column not in (None, False):
            raise _fail("label_column cannot be used with the columns layout: a column is a "
                        "series, so there is no label per series.")
        tcol = None
        if time_column not in (None, False):
            tcol = _col_ref(time_column, names, ncols, "time_column")
        elif time_column is None and names:
            tcol = named(_TIME_NAMES)
            if tcol is None and names[0] == "" and ncols > 1:
                tcol = 0  # an unnamed index column (e.g. pandas' to_csv)
        if tcol is not None:
            skip.add(tcol)
            b.notes.append(f"{_col_text(tcol, names)} was taken as the time axis, not a series.")
        _read_columns(b, data, skip, names)
    else:  # long
        _long(b, cells, data, names, named, ncols, id_column, time_column, value_columns,
              label_column)
        lab_j = None
        if label_column not in (None, False):
            lab_j = _col_ref(label_column, names, ncols, "label_column")
        elif label_column is None and names:
            lab_j = named(_LABEL_NAMES)
        if lab_j is not None:
            report.label_source = _col_text(lab_j, names)

    _line_notes(b.notes, comments, blank)
    return _finish(b, report, missing, znormalize, max_series, max_length)


def _split_lines(text: str, comment: tuple[str, ...]
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


def _line_notes(notes: list[str], comments: list[int], blank: list[int]) -> None:
    """Report the ignored comment and blank lines."""
    if comments:
        notes.append(f"Ignored {len(comments)} comment line{'s' if len(comments) > 1 else ''}"
                     f" (rows {_ranges(comments)}).")
    if blank:
        notes.append(f"Ignored {len(blank)} blank line{'s' if len(blank) > 1 else ''} "
                     f"(rows {_ranges(blank)}).")


def _detect_layout(cells, data, names, named, ncols, ext, delim, id_column, time_column,
                   value_columns) -> str:
    if value_columns is not None or id_column is not None and time_column not in (None, False):
        return "long"
    if names is not None:
        idc = named(_ID_NAMES) if id_column is None else None
        if id_column is not None:
            idc = _col_ref(id_column, names, ncols, "id_column")
        if idc is not None:
            ids = [t[idc].strip() for _, t in data if idc < len(t)]
            if named(_TIME_NAMES) is not None or len(set(ids)) < len(ids):
                return "long"
        if named(_LABEL_NAMES) is not None or idc is not None:
            return "wide"
        rest = [n for n in names[1:] if n]
        if rest and all(_WIDE_HEADER.match(n) for n in rest):
            prefixes = {re.sub(r"[^a-z]", "", n.lower()) for n in rest}
            if prefixes <= _TIME_PREFIXES or len(data) <= ncols:
                return "wide"
        return "columns"
    if ncols == 1:
        return "columns"
    if _looks_long_headerless(cells, data, ncols):
        return "long"
    col0 = [t[0] for _, t in data]
    if ext in (".tsv", ".txt") and delim in ("\t", "whitespace") and all(
        _is_int_like(cells, c) for c in col0
    ):
        return "ucr"
    return "wide"


def _counting_row(cells, toks: list[str]) -> bool:
    """A header of time indices: 0..n-1 or 1..n (after an optional empty first cell)."""
    unnamed_first = bool(toks) and not toks[0].strip()
    t = toks[1:] if unnamed_first else toks
    if len(t) < 3 or not all(_is_int_like(cells, x) for x in t):
        return False
    v = [int(cells.num(x)) for x in t]
    starts = (0, 1) if unnamed_first else (0,)
    return v[0] in starts and v == list(range(v[0], v[0] + len(v)))


def _looks_long_headerless(cells, data, ncols) -> bool:
    if not 2 <= ncols <= 5 or len(data) < 6:
        return False
    if any(len(t) != ncols for _, t in data):
        return False
    col0 = [t[0].strip() for _, t in data]
    if not all(cells.num(c) is None or _is_int_like(cells, c) for c in col0):
        return False
    blocks = [c for k, c in enumerate(col0) if k == 0 or c != col0[k - 1]]
    distinct = len(set(col0))
    if len(blocks) != distinct or distinct < 1 or len(col0) < 3 * distinct:
        return False
    # values must not look like a label column followed by a few floats of a UCR file
    return distinct > 1 or all(cells.num(c) is None for c in col0)


def _resolve_wide_label(cells, data, names, named, ncols, layout, label_column):
    if label_column is False:
        return None
    if label_column is not None:
        return _col_ref(label_column, names, ncols, "label_column")
    if layout == "ucr":
        return 0
    if names:
        j = named(_LABEL_NAMES)
        if j is not None:
            return j
        return None
    # headerless: integer-like first column with repeated values, when the rest is not
    col0 = [t[0] for _, t in data if t]
    if len(col0) < 2 or not all(_is_int_like(cells, c) for c in col0):
        return None
    rest_int = all(_is_int_like(cells, t) for _, toks in data[:50] for t in toks[1:]
                   if cells.is_num(t))
    distinct = len({cells.num(c) for c in col0})
    if not rest_int and distinct <= max(2, math.ceil(len(col0) / 2)):
        return 0
    return None


def _long(b, cells, data, names, named, ncols, id_column, time_column, value_columns,
          label_column) -> None:
    idc = _col_ref(id_column, names, ncols, "id_column") if id_column is not None else (
        named(_ID_NAMES) if names else None)
    if idc is None:
        idc = 0
    if time_column is False:
        tcol = None
    elif time_column is not None:
        tcol = _col_ref(time_column, names, ncols, "time_column")
    elif names:
        tcol = named(_TIME_NAMES)
    else:
        tcol = _headerless_time(cells, data, idc, ncols)
    if label_column is False:
        lab = None
    elif label_column is not None:
        lab = _col_ref(label_column, names, ncols, "label_column")
    else:
        lab = named(_LABEL_NAMES) if names else None
    used = {c for c in (idc, tcol, lab) if c is not None}
    if value_columns is not None:
        if isinstance(value_columns, (str, int)):
            value_columns = [value_columns]
        vcols = [_col_ref(v, names, ncols, "value_columns") for v in value_columns]
        clash = used.intersection(vcols)
        if clash:
            raise _fail(f"value_columns includes {_col_text(min(clash), names)}, which is "
                        "already the id, time or label column.")
    else:
        vcols = [j for j in range(ncols) if j not in used]
    if not vcols:
        raise _fail("The long layout needs at least one value column besides the id"
                    + (" and time" if tcol is not None else "") + " columns.")
    b.notes.append(
        f"Ids from {_col_text(idc, names)}"
        + (f", time from {_col_text(tcol, names)}" if tcol is not None else
           ", no time column (rows kept in file order)")
        + "; values from " + ", ".join(_col_text(j, names) for j in vcols) + "."
    )
    _read_long(b, data, idc, tcol, vcols, lab)


def _headerless_time(cells, data, idc, ncols) -> int | None:
    if ncols < 3:
        return None
    j = 1 if idc == 0 else 0
    prev_id, prev_t = None, None
    for _, toks in data:
        t = cells.num(toks[j]) if j < len(toks) else None
        if t is None or math.isnan(t):
            return None
        if toks[idc] == prev_id and not t > prev_t:
            return None
        prev_id, prev_t = toks[idc], t
    return j


def _finish(b: _Builder, report: UploadReport, missing: str, znormalize: bool,
            max_series: int, max_length: int) -> ParsedSeries:
    report.skipped = b.skipped
    report.notes = b.notes
    if b.padded:
        what = ("rows " + _ranges([int(r) for r in b.padded]) if b.padded[0].isdigit()
                else ", ".join(b.padded[:_MAX_LISTED]))
        b.notes.insert(0, f"Trailing NaN/missing cells were read as padding at the end of "
                          f"shorter series ({what}), not as missing values.")
    if not b.series:
        listed = "; ".join(f"{s.where}: {s.reason}" for s in b.skipped[:_MAX_LISTED])
        raise _fail("No series could be read from the file" + (f" ({listed})." if listed
                                                                else "."))
    if len(b.series) > max_series:
        raise _fail(
            f"The file has {len(b.series)} series, more than the limit of {max_series}. "
            "Upload fewer series, or raise the limit with max_series."
        )
    for s, name in zip(b.series, b.names):
        if len(s) > max_length:
            raise _fail(
                f"Series {name!r} has {len(s)} points, more than the limit of {max_length}. "
                "Shorten or downsample it, or raise the limit with max_length."
            )
    total = sum(s.size - int(np.isnan(s).sum()) for s in b.series)
    if total == 1:
        raise _fail("The file contains a single value; a time series needs at least two "
                    "points.")
    # missing values inside series
    gaps = [(name, at) for name, at in zip(b.names, b.missing_at) if at]
    if gaps:
        n_missing = sum(len(at) for _, at in gaps)
        if missing == "error":
            cells = [b.cell_text(r, c) for _, at in gaps for r, c in at]
            more = f" and {len(cells) - _MAX_LISTED} more" if len(cells) > _MAX_LISTED else ""
            raise _fail(
                f"{n_missing} missing value{'s' if n_missing > 1 else ''} inside series, at "
                + "; ".join(cells[:_MAX_LISTED]) + more
                + ". Fill them in, or choose to interpolate missing values "
                "(missing='interpolate')."
            )
        for i, s in enumerate(b.series):
            if b.missing_at[i]:
                b.series[i] = _interpolate(s)
        report.notes.append(
            f"Interpolated {n_missing} missing value{'s' if n_missing > 1 else ''} linearly in "
            f"{len(gaps)} series: " + ", ".join(repr(n) for n, _ in gaps[:_MAX_LISTED])
            + (f" and {len(gaps) - _MAX_LISTED} more" if len(gaps) > _MAX_LISTED else "")
            + " (values before the first or after the last known value take the nearest "
            "known value)."
        )
    if all(len(s) == 1 for s in b.series):
        raise _fail(
            "Every series has a single value, so there is nothing to compare over time."
            + (f" The file was read in the {report.layout} layout; try another layout (for "
               "example columns: one series per column)." if report.layout != "ts" else "")
        )
    short = [n for n, s in zip(b.names, b.series) if len(s) == 1]
    if short:
        report.notes.append(f"{len(short)} series have a single point: "
                            + ", ".join(repr(n) for n in short[:_MAX_LISTED]) + ".")
    if znormalize:
        flat = 0
        for i, s in enumerate(b.series):
            mu = s.mean(axis=0)
            sd = s.std(axis=0)
            flat += int(np.any(sd == 0))
            b.series[i] = (s - mu) / np.where(sd == 0, 1.0, sd)
        report.notes.append(
            "Each series was z-normalised (mean 0, standard deviation 1"
            + (" per channel" if b.series[0].ndim == 2 else "") + ")"
            + (f"; {flat} constant series were only centred." if flat else ".")
        )
    report.n_series = len(b.series)
    report.lengths = [len(s) for s in b.series]
    report.dimension = 1 if b.series[0].ndim == 1 else b.series[0].shape[1]
    labels = None
    if report.label_source is not None:
        labels = _labels_array(b.labels)
        vals, counts = np.unique(labels, return_counts=True)
        report.label_counts = {str(v): int(c) for v, c in zip(vals, counts)}
    if len(set(report.lengths)) == 1:
        series: np.ndarray | list[np.ndarray] = np.stack(b.series)
    else:
        series = b.series
    return ParsedSeries(series, labels, b.names, report)


def _interpolate(s: np.ndarray) -> np.ndarray:
    s = s.copy()
    cols = [s] if s.ndim == 1 else [s[:, c] for c in range(s.shape[1])]
    x = np.arange(len(s))
    for col in cols:
        bad = np.isnan(col)
        if bad.any() and (~bad).any():
            col[bad] = np.interp(x[bad], x[~bad], col[~bad])
    return s
