"""Parse user-supplied series files (CSV, TSV, UCR text, UEA .ts) into series, labels and a
report.

:func:`parse_series_file` detects the encoding, delimiter, decimal mark, header row and
layout, accepts overrides for each (keywords, or an :class:`UploadOptions`), and returns a
:class:`ParsedSeries`. Every problem the user can fix raises :class:`SeriesFileError`, whose
message is meant to be shown as is; no other exception escapes for any content. Nothing is
dropped silently: series that are skipped are listed, with their row (or column) and the
reason, in :class:`UploadReport`.

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
cells are padding, not missing values. A value cell that is not a number (``n.v.``, ``-``,
``#N/A``, empty...) is a missing value. Missing values inside a series are refused with their
positions (``missing="error"``, the default), interpolated (``missing="interpolate"``), or
their series is left out (``missing="skip"``) and listed in the report with the place and
the text of the cell.

Series names
    A column of text (any header: ``sensor_id``, ``station``, ``name``...) whose values are
    all different names the series of a wide file (one series per row); in a long file a
    column of text next to a time column tells the series apart. ``id_column=`` chooses it
    (on the *Your data* page: *Id column*).

Sampling intervals
    A long file with a time column reports each series' interval (the median step between
    its times) and warns, with the fix, when the series are not all sampled at one regular
    interval: soft-DTW compares points, not times.

Messages
    :class:`SeriesFileError` names the reading option to change as a keyword
    (``str(exc)``: ``missing='interpolate'``) or, on the *Your data* page, as the control to
    set (``exc.on_page()``: "choose 'interpolate' under *Missing values inside a series*");
    :data:`PAGE_CONTROLS` gives each option's control.

Modules
-------
:mod:`.parse` (the entry point), :mod:`.options` (reading options), :mod:`.decode`
(encoding), :mod:`.table` and :mod:`.cells` (records, columns, numbers), :mod:`.detect`
(delimiter, decimal mark, header, layout), one reader per layout (:mod:`.wide` for wide and
UCR, :mod:`.columns`, :mod:`.long`, :mod:`.ts_header` and :mod:`.ts`), :mod:`.times` (time
columns and timestamps), :mod:`.builder` (what every layout shares at the end),
:mod:`.report` (the result and its text), :mod:`.errors` (the error type).
"""

from .errors import PAGE_CONTROLS, SeriesFileError
from .options import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_LENGTH,
    DEFAULT_MAX_SERIES,
    LAYOUTS,
    UploadOptions,
)
from .parse import parse_series_file
from .report import ParsedSeries, SkippedItem, UploadReport

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MAX_SERIES",
    "LAYOUTS",
    "PAGE_CONTROLS",
    "ParsedSeries",
    "SeriesFileError",
    "SkippedItem",
    "UploadOptions",
    "UploadReport",
    "parse_series_file",
]
