"""Collect the series a reader finds, then check and finish them into a ParsedSeries.

Every reader (:mod:`~explorer.data.upload.wide`, :mod:`~explorer.data.upload.columns`,
:mod:`~explorer.data.upload.long`, :mod:`~explorer.data.upload.ts`) fills a
:class:`SeriesBuilder`: the series with NaN where a value is missing, their names, labels,
the positions of the missing values, and the series it skipped. :func:`finish` then applies
what is common to every layout:

- the caps on the number of series and their length;
- missing values inside a series: refused with their positions, linearly interpolated
  (``missing="interpolate"``; a value before the first (after the last) known value takes
  the nearest known value), or the series is skipped (``missing="skip"``) and listed in the
  report with the place and the text of its missing cells;
- the sampling intervals of a long file's series (from its time column): each series'
  interval in the report, and a warning when they differ;
- z-normalisation, :math:`(x - \\bar x) / s` per series and channel (a constant channel is only
  centred);
- labels: ``int64`` when every label is a whole number that fits, else text (at most
  :data:`MAX_LABEL_CHARS` characters each).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import MAX_LISTED, Limit, SeriesFileError, choose, clip, number_ranges
from .options import UploadOptions
from .report import ParsedSeries, SkippedItem, UploadReport
from .times import describe_intervals

__all__ = [
    "MAX_LABEL_CHARS",
    "SeriesBuilder",
    "finish",
    "interpolate",
    "labels_array",
    "missing_values_error",
    "text_cells_note",
]


MAX_LABEL_CHARS = 1000
"""The longest label: labels are returned as a fixed-width text array."""


class SeriesBuilder:
    """The series, names, labels, missing values and skipped items of one file.

    Parameters
    ----------
    cell_text : callable
        ``cell_text(line, position)`` says where a value is in the file, for the message
        that lists missing values (``"row 3, column 2"``, ``"line 5, dimension 1, value
        2"``).
    options : UploadOptions
        Its caps on the number of series and their length.
    token : callable, optional
        ``token(line, position)``: the text of that cell (quoted when a series is skipped
        for its missing values).
    """

    def __init__(self, cell_text: Callable[[int, Any], str], options: UploadOptions,
                 token: Callable[[int, Any], str] | None = None):
        self.cell_text = cell_text
        self.token = token
        self.max_series = options.max_series
        self.max_length = options.max_length
        self.series: list[np.ndarray] = []
        self.names: list[str] = []
        self.labels: list[str] = []
        self.n_missing: list[int] = []  # per series: number of missing values inside it
        self.first_missing: list[list[tuple[int, Any]]] = []  # and the places of the first
        self.skipped: list[SkippedItem] = []
        self.notes: list[str] = []
        self.padded: list[str] = []  # rows/columns/cases whose missing tail was padding
        self.where: list[str] = []  # per series: its place in the file
        self.times: list[np.ndarray | None] = []  # per series: its sorted times, if any
        self.time_source = ""  # the time column, as the report names it
        self.dates = False  # whether the times are dates (seconds since the epoch)

    def add(self, values: np.ndarray, label: str, name: str,
            place: Callable[[int, int], tuple[int, Any]], where: str = "",
            times: np.ndarray | None = None) -> None:
        """Add one series (NaN where a value is missing inside it).

        Parameters
        ----------
        values : ndarray
            ``(length,)`` or ``(length, d)``.
        label, name : str
        place : callable
            ``place(i, c)``: the ``(line, position)`` in the file of value ``i`` of channel
            ``c``, as :attr:`cell_text` takes them (called for the first missing values
            only).
        where : str
            Its place in the file, as a skipped item names it (``"row 7"``); by default
            ``"series 'name'"``.
        times : ndarray, optional
            Its sorted times (long layout with a time column), for the sampling intervals.

        Raises
        ------
        SeriesFileError
            Once the series are more than one over the cap: no need to read on.
        """
        self.check_count(len(self.series) + 1, final=False)
        gaps = np.argwhere(np.isnan(values.reshape(len(values), -1)))
        self.series.append(values)
        self.labels.append(label)
        self.names.append(name)
        self.n_missing.append(len(gaps))
        self.first_missing.append([place(int(i), int(c)) for i, c in gaps[:MAX_LISTED]])
        self.where.append(where or f"series '{clip(name)}'")
        self.times.append(times)

    def skip(self, where: str, reason: str) -> None:
        """List one series as not loaded."""
        self.skipped.append(SkippedItem(where, reason))

    def check_count(self, n: int, *, final: bool = True) -> None:
        """Refuse more series than ``max_series``.

        ``n`` is the number of series of the file (``final``), or the number found so far
        while reading: then the file is refused only once ``n`` is two over the cap, so
        that a file one over the cap gets its exact count.
        """
        if n > self.max_series and (final or n > self.max_series + 1):
            raise SeriesFileError(
                f"The file has {'' if final else 'at least '}{n} series, more than the limit "
                f"of {self.max_series}. ",
                Limit("max_series", "Upload fewer series",
                      f"This page reads at most {self.max_series:,} series from one file: "
                      "upload fewer (keep the ones to compare, or split the file and upload "
                      "its parts one at a time)"))

    def check_length(self, name: str, n: int) -> None:
        """Refuse a series longer than ``max_length``."""
        if n > self.max_length:
            raise SeriesFileError(
                f"Series {name!r} has {n} points, more than the limit of {self.max_length}. ",
                Limit("max_length", "Shorten or downsample it",
                      f"This page reads series of at most {self.max_length:,} points (and "
                      "aligns two of them whole under *Inspect one pair*): shorten it, or "
                      "downsample it (keep every second or tenth point), then upload the file "
                      "again"))


def missing_values_error(n_missing: int, places: list[str]) -> SeriesFileError:
    """The error for missing values inside series, listing the first of their ``places``."""
    more = f" and {n_missing - MAX_LISTED} more" if n_missing > MAX_LISTED else ""
    return SeriesFileError(
        f"{n_missing} missing value{'s' if n_missing > 1 else ''} inside series, at "
        + "; ".join(places[:MAX_LISTED]) + more
        + ". Fill them in, or interpolate them or leave those series out: ",
        choose("missing", "interpolate", "skip"), ".")


def text_cells_note(found: dict, cell_text: Callable[[int, Any], str]) -> list[str]:
    """The report's note on the cells of text read as missing values: ``found`` maps each
    cell's ``(line, position)`` (as ``cell_text`` takes them) to its text; none, no note."""
    if not found:
        return []
    listed = "; ".join(f"{cell_text(*place)}: {clip(text)!r}"
                       for place, text in list(found.items())[:MAX_LISTED])
    more = f" and {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else ""
    return [f"Read {len(found)} cell{'s' if len(found) > 1 else ''} of text as missing "
            f"value{'s' if len(found) > 1 else ''}: {listed}{more}."]


def finish(b: SeriesBuilder, report: UploadReport, options: UploadOptions) -> ParsedSeries:
    """Check, fill in and normalise the series of ``b``; complete ``report``.

    Raises
    ------
    SeriesFileError
        Without series, over a cap, with a single value in the whole file or in every
        series, or with missing values inside a series when ``options.missing`` is
        ``"error"``.
    """
    report.skipped = b.skipped
    report.notes = b.notes
    if b.padded:
        what = ("rows " + number_ranges([int(r) for r in b.padded]) if b.padded[0].isdigit()
                else ", ".join(b.padded[:MAX_LISTED]))
        b.notes.insert(0, f"Trailing NaN/missing cells were read as padding at the end of "
                          f"shorter series ({what}), not as missing values.")
    if options.missing == "skip":
        _skip_missing(b)
    if not b.series:
        listed = "; ".join(f"{s.where}: {s.reason}" for s in b.skipped[:MAX_LISTED])
        raise SeriesFileError("No series could be read from the file"
                              + (f" ({listed})." if listed else "."))
    b.check_count(len(b.series))
    for s, name in zip(b.series, b.names):
        b.check_length(name, len(s))
    total = sum(s.size - int(np.isnan(s).sum()) for s in b.series)
    if total == 1:
        raise SeriesFileError("The file contains a single value; a time series needs at "
                              "least two points.")
    _fill_missing(b, report, options.missing)
    if all(len(s) == 1 for s in b.series):
        raise SeriesFileError(
            "Every series has a single value, so there is nothing to compare over time."
            + (f" The file was read in the {report.layout} layout; try another layout (for "
               "example columns: one series per column)." if report.layout != "ts" else "")
        )
    short = [n for n, s in zip(b.names, b.series) if len(s) == 1]
    if short:
        report.notes.append(f"{len(short)} series have a single point: "
                            + ", ".join(repr(n) for n in short[:MAX_LISTED]) + ".")
    if options.znormalize:
        _znormalize(b, report)
    report.n_series = len(b.series)
    report.lengths = [len(s) for s in b.series]
    report.dimension = 1 if b.series[0].ndim == 1 else b.series[0].shape[1]
    if b.time_source:
        report.intervals, report.sampling, warning = describe_intervals(
            b.names, b.times, b.dates, b.time_source)
        report.warnings += [warning] if warning else []
    labels = None
    if report.label_source is not None:
        _check_label_lengths(b, report.label_source)
        labels = labels_array(b.labels)
        vals, counts = np.unique(labels, return_counts=True)
        report.label_counts = {str(v): int(c) for v, c in zip(vals, counts)}
    if len(set(report.lengths)) == 1:
        series: np.ndarray | list[np.ndarray] = np.stack(b.series)
    else:
        series = b.series
    return ParsedSeries(series, labels, b.names, report)


def _fill_missing(b: SeriesBuilder, report: UploadReport, missing: str) -> None:
    """Refuse (listing them) or interpolate the missing values inside series."""
    gaps = [(name, first) for name, n, first in zip(b.names, b.n_missing, b.first_missing)
            if n]
    if not gaps:
        return
    n_missing = sum(b.n_missing)
    if missing == "error":
        raise missing_values_error(n_missing, [b.cell_text(*p) for _, first in gaps
                                               for p in first][:MAX_LISTED])
    for i, s in enumerate(b.series):
        if b.n_missing[i]:
            b.series[i] = interpolate(s)
    report.notes.append(
        f"Interpolated {n_missing} missing value{'s' if n_missing > 1 else ''} linearly in "
        f"{len(gaps)} series: " + ", ".join(repr(n) for n, _ in gaps[:MAX_LISTED])
        + (f" and {len(gaps) - MAX_LISTED} more" if len(gaps) > MAX_LISTED else "")
        + " (values before the first or after the last known value take the nearest "
        "known value)."
    )


def _skip_missing(b: SeriesBuilder) -> None:
    """Leave out every series with a missing value; list it with its first missing cells
    (place and text)."""
    keep = []
    for i, first in enumerate(b.first_missing):
        n = b.n_missing[i]
        if not n:
            keep.append(i)
            continue
        cells = "; ".join(b.cell_text(*p) + (f" = {_cell_quote(b.token(*p))}" if b.token
                                             else "") for p in first[:3])
        more = f" and {n - 3} more" if n > 3 else ""
        b.skip(b.where[i], f"{n} missing value{'s' if n > 1 else ''} inside the series, at "
               f"{cells}{more}")
    for name in ("series", "names", "labels", "n_missing", "first_missing", "where", "times"):
        setattr(b, name, [getattr(b, name)[i] for i in keep])
    b.skipped.sort(key=_file_order)


def _file_order(item: SkippedItem) -> int:
    """The row, column or case number of a skipped item (names in quotes left out)."""
    found = re.search(r"\d+", re.sub(r"'[^']*'", "", item.where))
    return int(found.group()) if found else 0


def _cell_quote(text: str) -> str:
    """A cell's text in a message: ``'n.v.'``, or *an empty cell*."""
    return repr(clip(text)) if text else "(empty)"


def interpolate(s: np.ndarray) -> np.ndarray:
    """Fill the NaN of each channel of ``s`` linearly between its known values.

    A NaN before the first (after the last) known value takes that value. Each filled
    value is a convex combination of its two known neighbours, computed so that it stays
    between them (and finite) even near the largest float.

    Examples
    --------
    >>> interpolate(np.array([np.nan, 1.0, np.nan, 3.0, np.nan]))
    array([1., 1., 2., 3., 3.])
    >>> interpolate(np.array([1.7e308, np.nan, -1.7e308])).tolist()
    [1.7e+308, 0.0, -1.7e+308]
    """
    s = s.copy()
    for col in [s] if s.ndim == 1 else [s[:, c] for c in range(s.shape[1])]:
        bad = np.isnan(col)
        if not bad.any() or bad.all():
            continue
        known, holes = np.flatnonzero(~bad), np.flatnonzero(bad)
        right = np.minimum(np.searchsorted(known, holes), len(known) - 1)
        left = np.maximum(right - 1, 0)
        left = np.where(known[right] < holes, right, left)  # after the last known value
        x0, x1 = known[left], known[right]
        y0, y1 = col[x0], col[x1]
        w = np.divide(holes - x0, x1 - x0, out=np.zeros(len(holes)), where=x1 != x0)
        w = np.clip(w, 0.0, 1.0)
        col[holes] = np.clip(y0 * (1 - w) + y1 * w, np.minimum(y0, y1), np.maximum(y0, y1))
    return s


def _znormalize(b: SeriesBuilder, report: UploadReport) -> None:
    """z-normalise every series per channel; a constant channel is only centred.

    Each series is first divided by its largest absolute value (which leaves the z-scores
    unchanged), so that values near the largest float cannot overflow the variance.
    """
    flat = 0
    for i, s in enumerate(b.series):
        scale = np.abs(s).max(axis=0)
        scaled = s / np.where(scale == 0, 1.0, scale)
        mu = scaled.mean(axis=0)
        sd = scaled.std(axis=0)
        flat += int(np.any(sd == 0))
        b.series[i] = (scaled - mu) / np.where(sd == 0, 1.0, sd)
    report.notes.append(
        "Each series was z-normalised (mean 0, standard deviation 1"
        + (" per channel" if b.series[0].ndim == 2 else "") + ")"
        + (f"; {flat} constant series were only centred." if flat else ".")
    )


def _check_label_lengths(b: SeriesBuilder, source: str) -> None:
    """Refuse a label longer than :data:`MAX_LABEL_CHARS` (the labels array is fixed-width)."""
    for name, label in zip(b.names, b.labels):
        if len(label) > MAX_LABEL_CHARS:
            raise SeriesFileError(
                f"The label of {name!r} ({clip(label)!r}, from {source}) has {len(label):,} "
                f"characters; a label has at most {MAX_LABEL_CHARS:,}. Check that the labels "
                "are read from the right column, or read the file without labels "
                "(label_column=False)."
            )


def labels_array(raw: list[str]) -> np.ndarray:
    """``int64`` labels when all are whole numbers that fit (``'1'``, ``'-1'``, ``'2.0'``),
    else the text.

    Examples
    --------
    >>> labels_array(["1", "-1", "2.0"])
    array([ 1, -1,  2])
    >>> labels_array(["1", "a"]).tolist(), labels_array(["1", "99999999999999999999"]).tolist()
    (['1', 'a'], ['1', '99999999999999999999'])
    """
    out = []
    for r in raw:
        v = _whole_number(r)
        if v is None:
            return np.asarray(raw, dtype=str)
        out.append(v)
    return np.asarray(out, dtype=np.int64)


_INT64 = np.iinfo(np.int64)


def _whole_number(text: str) -> int | None:
    """The int64 value of a whole-number label, else None (exact for long integers)."""
    t = text.strip()
    try:
        v = int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            return None
        if not (np.isfinite(f) and f.is_integer()):
            return None
        v = int(f)
    return v if _INT64.min <= v <= _INT64.max else None
