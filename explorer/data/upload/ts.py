"""Read the cases of a UEA/sktime ``.ts`` file (the lines after ``@data``).

One case per line: its dimensions separated by ``:``, the values of a dimension by ``,``
(or, with ``@timeStamps true``, written as ``(timestamp,value)`` pairs), its class label or
regression target last when the header declares one (:mod:`explorer.data.upload.ts_header`).

- Timestamps only order the values of a dimension (numbers, or dates: see
  :mod:`explorer.data.upload.times`); the dimensions of a case must share them.
- Missing values are ``?``, ``NaN`` or another marker of :data:`~explorer.data.upload.cells.
  MISSING_TOKENS`; any other text that is not a number (``n.v.``, ``-``) is refused with
  ``missing="error"`` and read as a missing value under the other policies (listed in the
  report, like a CSV file's). With ``@equalLength true`` every value counts (a
  missing tail is missing values, and every case has the same length, ``@seriesLength`` if
  declared); otherwise a missing tail is padding of a shorter case.
- A case whose values are all missing, or whose label is missing, is skipped and listed in
  the report. Every case needs the declared (or the first case's) number of dimensions, and
  a class label declared in the header.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np

from .builder import SeriesBuilder, text_cells_note
from .cells import Cells
from .errors import MAX_LISTED, SeriesFileError, choose, clip
from .options import UploadOptions
from .report import UploadReport
from .table import line_notes, split_lines
from .times import read_times
from .ts_header import TS_COMMENT, TsHeader, read_ts_header

__all__ = ["read_ts"]

_PAIRS = re.compile(r"\([^()]*\)(\s*,\s*\([^()]*\))*")
_LABEL_HINT = (" If the last field is a class label, declare the labels in the header: "
               "'@classLabel true <label> <label> ...'.")
_CELLS = Cells(".")


def read_ts(text: str, report: UploadReport, options: UploadOptions) -> SeriesBuilder:
    """Read a ``.ts`` file into a builder; fill the report's layout, problem name and labels.

    Parameters
    ----------
    text : str
        The decoded file.
    report : UploadReport
        Receives the layout, the problem name and the label source.
    options : UploadOptions
        Only ``label_column=False`` (ignore the labels), ``missing`` (the policy for
        missing values and text cells) and the caps apply to a ``.ts`` file.

    Returns
    -------
    SeriesBuilder

    Raises
    ------
    SeriesFileError
        For a tabular option, a bad header, or a case that breaks the format or the header.
    """
    for name in options.tabular_overrides():
        raise SeriesFileError(
            f"{name} cannot be used with the ts layout: a .ts file declares its own structure "
            "(':' between dimensions, ',' between values, the label last). Leave it to be "
            "detected, or choose another layout."
        )
    keep_labels = options.label_column is not False
    lines, blank, comments = split_lines(text, TS_COMMENT)
    h, start = read_ts_header(lines)
    report.layout, report.delimiter, report.decimal = "ts", ",", "."
    report.problem_name = h.problem
    if start == len(lines):
        raise SeriesFileError(f"The .ts file has no cases: nothing follows its @data line "
                              f"(line {h.data_line}). Add one case per line after @data.")
    b = SeriesBuilder(_cell_text, options)
    reader = _CaseReader(b, h, keep_labels, options.missing)
    b.token = reader.token
    for case, (i, line) in enumerate(lines[start:], start=1):
        reader.read(case, i, line.strip())
    if h.labelled and keep_labels:
        report.label_source = (f"the {h.label_key} header (last field of each case"
                               + ("; regression targets)" if h.target else ")"))
    b.notes.extend(text_cells_note(reader.text_cells, _cell_text))
    b.notes.extend(_header_notes(h, keep_labels, reader.reordered))
    b.notes.extend(line_notes(comments, blank))
    return b


def _cell_text(line: int, at: tuple[int, int]) -> str:
    """Where a value is: ``"line 5, dimension 1, value 3"`` (``at`` = (dimension, value),
    0-based)."""
    return f"line {line}, dimension {at[0] + 1}, value {at[1] + 1}"


def _header_notes(h: TsHeader, keep_labels: bool, reordered: int) -> list[str]:
    """The report's notes on the header."""
    notes = []
    if h.verbatim:
        notes.append("Header: " + "; ".join(h.verbatim) + ".")
    if h.repeated:
        notes.append("Repeated header lines: " + ", ".join(h.repeated)
                     + "; the last one was used.")
    if h.unknown:
        notes.append(f"Ignored {len(h.unknown)} unknown header line"
                     f"{'s' if len(h.unknown) > 1 else ''}: " + ", ".join(h.unknown) + ".")
    if "classlabel" not in h.seen and "targetlabel" not in h.seen:
        notes.append("The header has no @classLabel or @targetLabel line: every "
                     "':'-separated field was read as a dimension (no labels).")
    if h.labelled and not keep_labels:
        notes.append("The labels (the last field of each case) were not used, as requested.")
    if h.timestamps:
        notes.append(
            "Timestamps (@timeStamps true) were used only to order the values of each "
            f"dimension ({reordered} case{'s' if reordered != 1 else ''} had values out "
            "of order); the values are treated as equally spaced."
        )
    return notes


def split_case(text: str) -> list[str]:
    """Split a case on the ``:`` that are not inside ``(...)`` (``(2007-01-01 00:00:00,1.5)``).

    A ``:`` is inside parentheses when the next parenthesis after it is a ``)``. Linear in
    the length of the line.

    Examples
    --------
    >>> split_case("(2007-01-01 00:00:00,1),(2007-01-01 00:01:00,2):(0,3),(1,4):a")
    ['(2007-01-01 00:00:00,1),(2007-01-01 00:01:00,2)', '(0,3),(1,4)', 'a']
    """
    if "(" not in text:
        return text.split(":")
    inside = next(c for c in map(chr, itertools.count(0xE000)) if c not in text)
    parts = re.split(r"([()])", text) + [""]  # text pieces, each followed by its parenthesis
    masked = "".join([(piece.replace(":", inside) if paren == ")" else piece) + paren
                      for piece, paren in zip(parts[0::2], parts[1::2])])
    return [field.replace(inside, ":") for field in masked.split(":")]


class _CaseReader:
    """Reads the case lines of one file into a builder, checking them against the header."""

    def __init__(self, b: SeriesBuilder, h: TsHeader, keep_labels: bool,
                 missing: str = "error"):
        self.b, self.h, self.keep_labels = b, h, keep_labels
        self.missing = missing
        self.first: dict = {}  # the first case's line, dimension count and length
        self.reordered = 0  # cases with values out of timestamp order
        self.text_cells: dict[tuple[int, tuple[int, int]], str] = {}  # read as missing
        self.lines: dict[int, str] = {}  # line number -> the case's text

    def token(self, line: int, at: tuple[int, int]) -> str:
        """The text of value ``at[1]`` of dimension ``at[0]`` on ``line`` (its place in
        the file, before any reordering by time), for the report of a skipped case."""
        fields = split_case(self.lines[line])
        if self.h.labelled:
            fields.pop()
        field = fields[at[0]]
        toks = _pairs(field, "")[1] if self.h.timestamps else field.split(",")
        return toks[at[1]].strip()

    def read(self, case: int, line: int, text: str) -> None:
        """Read one case line into the builder (or list it as skipped)."""
        h = self.h
        where, at = f"case {case} (line {line})", f"Line {line} (case {case})"
        self.lines[line] = text
        fields, label = self._fields(case, line, text)
        if self.keep_labels and h.labelled:
            self._check_label(label, at)
        dims = [self._dimension(f, f"{at}, dimension {d + 1}", (line, d))
                for d, f in enumerate(fields)]
        arr, padded = self._stack([v for v, _, _ in dims], at)
        _check_times(dims, len(arr), at)
        self.reordered += any(np.any(np.diff(o) < 0) for _, o, _ in dims)
        if np.isnan(arr).all():
            self.b.skip(where, "no values (all cells empty or missing)")
            return
        if self.keep_labels and h.labelled and self._label_missing(label):
            self.b.skip(where, "the label is missing")
            return
        if padded:
            self.b.padded.append(where)
        if arr.ndim == 2:
            empty = np.flatnonzero(np.isnan(arr).all(axis=0))
            if empty.size:
                raise SeriesFileError(
                    f"{at}: dimension {empty[0] + 1} has no values (every value is missing) "
                    "while the other dimensions have some. Fill it in, or remove the case."
                )
        orders = [o for _, o, _ in dims]
        self.b.add(arr, label if self.keep_labels else "", f"case {case}",
                   lambda i, c: (line, (c, int(orders[c][i]))), where=where)

    def _fields(self, case: int, line: int, text: str) -> tuple[list[str], str]:
        """A case's dimension fields and its label (``""`` when the file has none)."""
        h = self.h
        if text.startswith("@"):
            raise SeriesFileError(f"Line {line}: the header line {clip(text)!r} comes after "
                                  f"@data (line {h.data_line}); move it above the @data line.")
        fields = split_case(text)
        label = ""
        if h.labelled:
            if len(fields) < 2:
                raise SeriesFileError(
                    f"Line {line} (case {case}) has no label: with {h.label_key} true, each "
                    "case ends with ':' and its label.")
            label = fields.pop().strip()
        self._check_dimensions(case, line, len(fields))
        last = fields[-1].strip()
        if not h.labelled and len(fields) > 1 and _CELLS.num(last) is None and not re.search(
                "[,(]", last):
            raise SeriesFileError(f"Line {line} (case {case}): its last field {clip(last)!r} "
                                  "is not a number." + _LABEL_HINT)
        return fields, label

    def _label_missing(self, label: str) -> bool:
        """An empty label or a missing marker such as '?' (unless the header declares it)."""
        classes = self.h.classes
        return (not label or _CELLS.is_missing(label)) and not (classes and label in classes)

    def _check_label(self, label: str, where: str) -> None:
        """Refuse a class label that the header does not declare, or a non-numeric target."""
        h = self.h
        if self._label_missing(label):
            return  # the case is skipped
        if h.classes is not None and label not in h.classes:
            near = [c for c in h.classes if c.lower() == label.lower()]
            raise SeriesFileError(
                f"{where}: the class label {clip(label)!r} is not declared in "
                f"{h.label_key} (line {h.seen['classlabel'][0]} declares: "
                + ", ".join(clip(c) for c in h.classes[:MAX_LISTED])
                + (f" and {len(h.classes) - MAX_LISTED} more" if len(h.classes) > MAX_LISTED
                   else "") + ")"
                + (f"; labels are case-sensitive: {clip(near[0])!r} is declared" if near else "")
                + ". Add it to the header line, or fix the label."
            )
        if h.target and _CELLS.num(label) is None:
            raise SeriesFileError(
                f"{where}: the target {clip(label)!r} is not a number; with {h.label_key} true "
                "the last field of each case is a numeric target.")

    def _check_dimensions(self, case: int, line: int, ndim: int) -> None:
        """Every case needs the declared (or the first case's) number of dimensions."""
        h = self.h
        self.first.setdefault("dimensions", (line, ndim))
        if h.univariate and ndim > 1:
            raise SeriesFileError(
                f"Line {line} (case {case}) has {ndim} dimensions (':'-separated fields), but "
                f"the header says {h.seen['univariate'][1]} true. Set @univariate false, or "
                "fix the case." + ("" if h.labelled else _LABEL_HINT)
            )
        first_line, first_ndim = self.first["dimensions"]
        expected = h.dimensions or first_ndim
        if ndim == expected:
            return
        src = (f"{h.seen['dimensions'][1]} says {expected}" if h.dimensions else
               f"case 1 (line {first_line}) has {expected}")
        hint = _LABEL_HINT if not h.labelled and ndim == expected + 1 else ""
        raise SeriesFileError(
            f"Line {line} (case {case}) has {ndim} dimension{'s' if ndim != 1 else ''}, but "
            f"{src}. Every case needs the same number of ':'-separated dimensions"
            + (", followed by its label" if h.labelled else "") + "." + hint
        )

    def _dimension(self, text: str, where: str, place: tuple[int, int]
                   ) -> tuple[np.ndarray, np.ndarray, list[float] | None]:
        """One dimension's values in time order, their positions in the file, and the times;
        ``place`` = (line, dimension) keys its text cells read as missing values."""
        times = None
        if self.h.timestamps:
            time_toks, toks = _pairs(text, where)
        else:
            toks = text.split(",") if text.strip() else []
        found = None if self.missing == "error" else {}
        vals = _numbers(toks, where, self.h.timestamps, found)
        for k, tok in (found or {}).items():
            self.text_cells[place[0], (place[1], k)] = tok
        order = np.arange(len(vals))
        if self.h.timestamps:
            times, order = _time_order(time_toks, where)
            vals = vals[order]
        return vals, order, times

    def _stack(self, vals: list[np.ndarray], where: str) -> tuple[np.ndarray, bool]:
        """One case as ``(length,)`` or ``(length, d)``; True when a missing tail was padding.

        With ``@equalLength true`` every value counts (a missing tail is missing values, and
        every case must have the same length); otherwise trailing missing values are padding.
        """
        raw = [len(v) for v in vals]
        if self.h.equal_length:
            if len(set(raw)) > 1:
                raise _ragged(self.h, where, raw, raw)
            self._check_length(where, raw[0])
            cut = raw[0]
        elif len(set(raw)) == 1:
            cut = _length_without_missing_tail(np.column_stack(vals))
        else:
            ends = [_length_without_missing_tail(v) for v in vals]
            if len(set(ends)) > 1:
                raise _ragged(self.h, where, ends, raw)
            cut = ends[0]
        arr = vals[0][:cut] if len(vals) == 1 else np.column_stack([v[:cut] for v in vals])
        return arr, cut < max(raw)

    def _check_length(self, where: str, n: int) -> None:
        """With @equalLength true, every case has the @seriesLength (or the first case's)
        length."""
        h = self.h
        m, first = self.first.setdefault("length", (n, "l" + where[1:]))
        if h.series_length is not None:
            m, what = h.series_length, f"{h.seen['serieslength'][1]} is {h.series_length}"
        else:
            what = f"{first} has {m}"
        if n != m:
            raise SeriesFileError(
                f"{where} has {n} values per dimension, but the header says "
                f"{h.seen['equallength'][1]} true and {what}. Fix the case, or set "
                "'@equalLength false' if the series have different lengths."
            )


def _pairs(text: str, where: str) -> tuple[list[str], list[str]]:
    """The time and value tokens of ``(t0,v0),(t1,v1),...``."""
    s = text.strip()
    if not s:
        return [], []
    pairs = [p.rsplit(",", 1) for p in re.findall(r"\(([^()]*)\)", s)]
    if not _PAIRS.fullmatch(s) or any(len(p) != 2 for p in pairs):
        raise SeriesFileError(
            f"{where}: with @timeStamps true, values are written as (timestamp,value) pairs "
            f"separated by commas, e.g. (0,1.5),(1,2.0); got {clip(s)!r}."
        )
    return [t.strip() for t, _ in pairs], [v for _, v in pairs]


def _numbers(toks: list[str], where: str, timestamps: bool,
             text_cells: dict[int, str] | None = None) -> np.ndarray:
    """Float values of the tokens (NaN for missing markers); refuses infinities, and text
    unless ``text_cells`` is given: then a token of text is a missing value (NaN), recorded
    there (its position -> its text)."""
    try:
        vals = np.array(toks, dtype=np.float64)
    except ValueError:
        vals = np.array([math.inf if v is None else v for v in map(_CELLS.num, toks)],
                        dtype=np.float64)
    for k in map(int, np.flatnonzero(np.isinf(vals))):
        tok = toks[k].strip()
        if _CELLS.num(tok) is not None:
            raise SeriesFileError(f"{where}, value {k + 1}: {clip(tok)!r} is an infinite "
                                  "value; only finite numbers can be used.")
        if "(" in tok and not timestamps:
            raise SeriesFileError(f"{where}, value {k + 1}: {clip(tok)!r} is not a number. It "
                                  "looks like a (timestamp,value) pair: declare '@timeStamps "
                                  "true' in the header.")
        if text_cells is None:
            raise SeriesFileError(f"{where}, value {k + 1}: {clip(tok)!r} is not a number. "
                                  "Correct it, or count such values as missing: ",
                                  choose("missing", "interpolate", "skip"), ".")
        text_cells[k] = tok
        vals[k] = math.nan
    return vals


def _time_order(toks: list[str], where: str) -> tuple[list[float], np.ndarray]:
    """The sorted times and the order that sorts them; refuses bad and repeated times."""
    t = np.asarray(read_times(_CELLS, toks, lambda k: f"{where}, value {k + 1}", "timestamp"))
    order = np.argsort(t, kind="stable")
    dup = np.flatnonzero(np.diff(t[order]) == 0)
    if dup.size:
        first, second = sorted(order[dup[0]:dup[0] + 2])
        raise SeriesFileError(
            f"{where}: the timestamp {clip(toks[first])!r} appears twice (values {first + 1} "
            f"and {second + 1}); each timestamp may appear once per dimension.")
    return t[order].tolist(), order


def _length_without_missing_tail(v: np.ndarray) -> int:
    """Length without trailing NaN (rows of NaN when ``v`` is 2-D)."""
    known = np.flatnonzero(~np.isnan(v) if v.ndim == 1 else ~np.isnan(v).all(axis=1))
    return int(known[-1]) + 1 if known.size else 0


def _ragged(h: TsHeader, where: str, lengths: list[int], raw: list[int]) -> SeriesFileError:
    hint = _LABEL_HINT if not h.labelled and len(lengths) > 1 and raw[-1] == 1 else ""
    return SeriesFileError(
        f"{where}: its dimensions have different lengths ("
        + ", ".join(map(str, lengths)) + ")"
        + (" without their trailing missing values" if lengths != raw else "")
        + "; a multivariate series needs the same number of values in every dimension. Fix "
        "the case so that all its dimensions have the same length." + hint
    )


def _check_times(dims: list, length: int, where: str) -> None:
    """The dimensions of a multivariate case must share their timestamps."""
    if len(dims) < 2 or dims[0][2] is None:
        return
    t0 = dims[0][2][:length]
    for d, (_, _, t) in enumerate(dims[1:], start=2):
        if t[:length] != t0:
            k = next((k for k, (a, c) in enumerate(zip(t0, t)) if a != c), len(t0))
            raise SeriesFileError(
                f"{where}: dimension {d} has other timestamps than "
                f"dimension 1 (first at its value {k + 1} in time order); a multivariate "
                "series needs all its dimensions sampled at the same times."
            )
