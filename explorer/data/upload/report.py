"""What :func:`~explorer.data.upload.parse_series_file` returns: the series and a report.

:class:`ParsedSeries` holds the series, their labels and names, and an :class:`UploadReport`
that says how the file was read (encoding, layout, delimiter, header...), what was loaded,
and what was not: every series that was skipped is a :class:`SkippedItem` with its place in
the file and the reason, so that loaded + skipped accounts for every series of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .options import DELIMITER_NAMES, LAYOUT_NAMES

__all__ = ["ParsedSeries", "SkippedItem", "UploadReport"]


@dataclass(frozen=True)
class SkippedItem:
    """One series (row, column, id or case) of the file that was not loaded.

    Parameters
    ----------
    where : str
        Its place in the file: ``"row 7"``, ``"column 3 ('b')"``, ``"series 'a' (rows
        4-9)"`` (long layout) or ``"case 3 (line 14)"`` (``.ts``).
    reason : str
        Why it was skipped, e.g. ``"no values (all cells empty or missing)"``.

    Examples
    --------
    >>> from explorer.data import parse_series_file
    >>> parse_series_file(b"1,2,3\\n,,\\n4,5,6\\n", "gap.csv").report.skipped
    [SkippedItem(where='row 2', reason='no values (all cells empty or missing)')]
    """

    where: str
    reason: str


@dataclass
class UploadReport:
    """What was read from an uploaded file. Render it with :meth:`to_text` or :meth:`lines`.

    Parameters
    ----------
    filename : str
        The name of the file, as given.
    n_bytes : int
        Its size.
    encoding : str
        The text encoding used, e.g. ``"UTF-8"``, ``"UTF-8 with BOM"``, ``"Windows-1252"``.
    layout : str
        One of ``"wide"``, ``"ucr"``, ``"columns"``, ``"long"``, ``"ts"``.
    layout_detected : bool
        False when the layout came from an option.
    delimiter : str
        ``","``, ``";"``, ``"\\t"`` or ``"whitespace"``.
    decimal : str
        The decimal mark, ``"."`` or ``","``.
    header : bool
        Whether the first record was read as a header row.
    n_series : int
        Number of series loaded.
    lengths : list of int
        The length of each loaded series.
    dimension : int
        Number of channels (1: univariate).
    label_source : str or None
        Where the labels came from, e.g. ``"column 1 ('label')"``; None without labels.
    label_counts : dict of str to int
        Label (as text) -> number of series.
    skipped : list of SkippedItem
        The series that were not loaded.
    notes : list of str
        Everything else worth knowing (blank lines, padding, interpolation, ...).
    problem_name : str
        The ``@problemName`` of a ``.ts`` file (empty otherwise).
    intervals : list of float
        Long layout with a time column: each loaded series' sampling interval (the median
        step between its times, in the time column's unit, seconds for dates; NaN for a
        single point); empty otherwise.
    sampling : str
        The intervals as the report shows them (empty without a time column).
    warnings : list of str
        What may make the comparison misleading although the file was read, e.g. series
        sampled at different intervals; each says how to fix it.

    Examples
    --------
    >>> from explorer.data import parse_series_file
    >>> report = parse_series_file(b"label,t0,t1\\nA,1,2\\nB,3,4\\n", "ab.csv").report
    >>> print(report.to_text())  # doctest: +ELLIPSIS
    File: ab.csv (24 bytes, UTF-8)
    Layout: wide (one series per row), detected; delimiter: comma; ...; header row: yes
    Series: 2 (univariate, dimension 1)
    Lengths: min 2, median 2, max 2 (equal length)
    Labels: from column 1 ('label'); 2 distinct: A (1), B (1)
    Skipped: nothing
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
    intervals: list[float] = field(default_factory=list)
    sampling: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def length_min(self) -> int:
        """Shortest series length (0 without series)."""
        return min(self.lengths) if self.lengths else 0

    @property
    def length_max(self) -> int:
        """Longest series length (0 without series)."""
        return max(self.lengths) if self.lengths else 0

    @property
    def length_median(self) -> float:
        """Median series length (0.0 without series)."""
        return float(np.median(self.lengths)) if self.lengths else 0.0

    def lines(self) -> list[str]:
        """The report as a list of lines of plain text.

        Returns
        -------
        list of str
            File, layout, series, lengths (and sampling intervals), labels, skipped series,
            then the warnings and the notes.
        """
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
        if self.sampling:
            out.append(f"Sampling: {self.sampling}")
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
        if self.warnings:
            out.append("Warnings:")
            out.extend(f"  - {w}" for w in self.warnings)
        if self.notes:
            out.append("Notes:")
            out.extend(f"  - {n}" for n in self.notes)
        return out

    def _layout_line(self) -> str:
        how = "detected" if self.layout_detected else "as requested"
        head = f"Layout: {LAYOUT_NAMES.get(self.layout, self.layout)}, {how}; "
        if self.layout == "ts":
            return head + f"problem name: {self.problem_name or '(not given)'}"
        return head + (
            f"delimiter: {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}; decimal "
            f"mark: '{self.decimal}'; header row: {'yes' if self.header else 'no'}"
        )

    def to_text(self) -> str:
        """The report as one block of plain text (the :meth:`lines` joined by newlines)."""
        return "\n".join(self.lines())

    def __str__(self) -> str:
        return self.to_text()


@dataclass
class ParsedSeries:
    """Result of :func:`~explorer.data.upload.parse_series_file`.

    Unpacks as ``series, labels, report``; ``len()`` is the number of series.

    Parameters
    ----------
    series : ndarray or list of ndarray
        ``(n, length)`` / ``(n, length, d)`` float64 when all series have the same length,
        otherwise a list of ``(length_i,)`` / ``(length_i, d)`` float64 arrays. Every value
        is finite.
    labels : ndarray or None
        One label per series: ``int64`` when every label is an integer, else ``str``;
        None when the file has no labels.
    names : list of str
        A name per series (id, column name, ``"row N"``, or ``"case N"`` for the N-th case
        of a ``.ts`` file).
    report : UploadReport
        How the file was read, and what was skipped.

    Examples
    --------
    >>> from explorer.data import parse_series_file
    >>> series, labels, report = parse_series_file(b"1,0.5,1.5\\n2,2.5,3\\n1,4,4.5\\n", "u.csv")
    >>> series
    array([[0.5, 1.5],
           [2.5, 3. ],
           [4. , 4.5]])
    >>> labels
    array([1, 2, 1])
    >>> report.label_source
    'column 1'
    """

    series: np.ndarray | list[np.ndarray]
    labels: np.ndarray | None
    names: list[str]
    report: UploadReport

    def __iter__(self) -> Iterator:
        return iter((self.series, self.labels, self.report))

    def __len__(self) -> int:
        return len(self.names)
