"""The reading options of :func:`~explorer.data.upload.parse_series_file`, validated once.

:class:`UploadOptions` is a frozen dataclass: it checks and normalises every option when it is
built (``layout="auto"`` becomes ``None``, ``delimiter=" "`` becomes ``"whitespace"``, a
single value column becomes a tuple), so the readers receive one value they can trust.
A bad option raises :class:`~explorer.data.upload.errors.SeriesFileError` naming the option,
the value received and the accepted values.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from .errors import SeriesFileError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MAX_SERIES",
    "DELIMITER_NAMES",
    "LAYOUTS",
    "LAYOUT_NAMES",
    "MISSING_POLICIES",
    "UploadOptions",
]

DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_MAX_SERIES = 5_000
DEFAULT_MAX_LENGTH = 20_000

LAYOUT_NAMES = {
    "wide": "wide (one series per row)",
    "ucr": "UCR (one series per row, label first)",
    "columns": "columns (one series per column)",
    "long": "long/tidy (id, time and value columns)",
    "ts": "UEA/sktime .ts (one case per line, ':' between dimensions)",
}
"""Each layout and how the report describes it."""
LAYOUTS = tuple(LAYOUT_NAMES)
MISSING_POLICIES = ("error", "interpolate", "skip")
"""The values of the ``missing`` option."""
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "whitespace": "whitespace"}
"""Each delimiter and its name in the report."""


@dataclass(frozen=True)
class UploadOptions:
    """How to read an uploaded file; ``None`` means detect automatically.

    Parameters
    ----------
    layout : {"wide", "ucr", "columns", "long", "ts", "auto"}, optional
        File layout (see :mod:`explorer.data.upload`); ``"auto"`` is stored as ``None``.
        With ``"ts"`` the file declares its own structure, so only ``label_column=False``
        (ignore the labels) may be combined with it.
    delimiter : {",", ";", "\\t", "whitespace"}, optional
        Field separator; ``" "`` is stored as ``"whitespace"``.
    decimal : {".", ","}, optional
        Decimal mark.
    header : bool, optional
        Whether the first record is a header row.
    label_column : int or str or False, optional
        Label column as a 0-based index or a header name; ``False`` for no labels. In the
        long layout the label must be constant within each id.
    id_column : int or str, optional
        Id column: the series' names (wide layout), or what tells the series apart (long
        layout). Detected: a column named like *id*, *name*, *sensor*, else a column of
        text (any header) whose values are all different (wide) or repeat in blocks next
        to a time column (long).
    time_column : int or str or False, optional
        Time column (long layout: orders the points; columns layout: not a series);
        ``False`` for none.
    value_columns : int or str or sequence of int or str, optional
        Value columns of the long layout (several give multivariate series); stored as a
        tuple.
    missing : {"error", "interpolate", "skip"}
        Missing values inside a series (an empty cell, a marker such as ``NA``, ``?`` or
        ``#N/A``, or any other text that is not a number, such as ``n.v.`` or ``-``):
        refuse them (listing where they are), fill them by linear interpolation (values
        before the first / after the last known one take the nearest known value), or skip
        each series that has one (the report lists it, with its row and the cell's text).
    znormalize : bool
        Z-normalise each series (each channel) to mean 0 and standard deviation 1.
    encoding : str, optional
        Text encoding (any Python text codec); by default UTF-8 (with or without BOM),
        UTF-16 with a BOM, then Windows-1252 / Latin-1.
    max_bytes, max_series, max_length : int
        Caps on the file size, the number of series and each series' length (positive).

    Raises
    ------
    SeriesFileError
        When an option has a value outside the ones listed above.

    Examples
    --------
    >>> opts = UploadOptions(layout="auto", delimiter=" ", value_columns="x")
    >>> opts.layout is None, opts.delimiter, opts.value_columns
    (True, 'whitespace', ('x',))
    >>> try:
    ...     UploadOptions(missing="drop")
    ... except SeriesFileError as exc:
    ...     print(exc)
    missing must be 'error', 'interpolate' or 'skip', got 'drop'.
    """

    layout: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    header: bool | None = None
    label_column: int | str | bool | None = None
    id_column: int | str | None = None
    time_column: int | str | bool | None = None
    value_columns: tuple[int | str, ...] | None = None
    missing: str = "error"
    znormalize: bool = False
    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_series: int = DEFAULT_MAX_SERIES
    max_length: int = DEFAULT_MAX_LENGTH

    def __post_init__(self) -> None:
        if self.missing not in MISSING_POLICIES:
            raise SeriesFileError(
                f"missing must be 'error', 'interpolate' or 'skip', got {self.missing!r}.")
        layout = None if self.layout == "auto" else self.layout
        if layout is not None and layout not in LAYOUTS:
            raise SeriesFileError(
                f"layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}.")
        delimiter = "whitespace" if self.delimiter == " " else self.delimiter
        if delimiter is not None and delimiter not in DELIMITER_NAMES:
            raise SeriesFileError(
                f"delimiter must be ',', ';', a tab or 'whitespace', got {self.delimiter!r}.")
        if self.decimal is not None and self.decimal not in (".", ","):
            raise SeriesFileError(f"decimal must be '.' or ',', got {self.decimal!r}.")
        normalised = {
            "layout": layout,
            "delimiter": delimiter,
            "header": None if self.header is None else _flag("header", self.header),
            "znormalize": _flag("znormalize", self.znormalize),
            "label_column": _column("label_column", self.label_column, may_be_false=True),
            "id_column": _column("id_column", self.id_column, may_be_false=False),
            "time_column": _column("time_column", self.time_column, may_be_false=True),
            "value_columns": _value_columns(self.value_columns),
            "encoding": _encoding(self.encoding),
        }
        for name in ("max_bytes", "max_series", "max_length"):
            normalised[name] = _cap(name, getattr(self, name))
        for name, value in normalised.items():
            object.__setattr__(self, name, value)

    @classmethod
    def merge(cls, base: UploadOptions | None, overrides: Mapping[str, Any]) -> UploadOptions:
        """``base`` (default options when None) with ``overrides`` applied, validated.

        Raises
        ------
        TypeError
            When an override is not the name of an option (a programming error).
        SeriesFileError
            When an option has a bad value.
        """
        names = [f.name for f in fields(cls)]
        unknown = [k for k in overrides if k not in names]
        if unknown:
            raise TypeError(f"Unknown reading option {unknown[0]!r}; the options are: "
                            + ", ".join(names) + ".")
        if base is None:
            return cls(**overrides)
        if not isinstance(base, cls):
            raise TypeError(f"options must be an UploadOptions, got {type(base).__name__}.")
        return replace(base, **overrides)

    def tabular_overrides(self) -> list[str]:
        """The options that only make sense for a table (not a ``.ts`` file) and are set.

        ``label_column=False`` is not one: it means "ignore the labels" in every layout.
        """
        tabular = ("delimiter", "decimal", "header", "label_column", "id_column",
                   "time_column", "value_columns")
        return [name for name in tabular if getattr(self, name) is not None
                and not (name == "label_column" and self.label_column is False)]


def _flag(name: str, value: Any) -> bool:
    """A yes/no option: a bool (or 0/1)."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (int, np.integer)) and \
            value in (0, 1):
        return bool(value)
    raise SeriesFileError(f"{name} must be True or False, got {value!r}.")


def _column(name: str, ref: Any, *, may_be_false: bool, may_be_none: bool = True
            ) -> int | str | bool | None:
    """A column reference: a 0-based column number, a header name (or None, or False)."""
    if ref is None and may_be_none or ref is False and may_be_false:
        return ref
    if isinstance(ref, str):
        return ref
    if isinstance(ref, (int, np.integer)) and not isinstance(ref, (bool, np.bool_)):
        return int(ref)
    raise SeriesFileError(f"{name} must be a column number or a header name, got {ref!r}.")


def _value_columns(refs: Any) -> tuple[int | str, ...] | None:
    """``value_columns`` as a tuple of column references."""
    if refs is None:
        return None
    if isinstance(refs, (str, int, np.integer)):
        refs = [refs]
    if not isinstance(refs, Sequence) and not isinstance(refs, np.ndarray) or not len(refs):
        raise SeriesFileError(
            "value_columns must be a column (a number or a header name) or a non-empty list of "
            f"columns, got {refs!r}.")
    return tuple(_column("value_columns", ref, may_be_false=False, may_be_none=False)
                 for ref in refs)


def _encoding(encoding: Any) -> str | None:
    """The name of a Python text codec, or None."""
    if encoding is None:
        return None
    try:
        known = isinstance(encoding, str) and codecs.lookup(encoding)._is_text_encoding
    except LookupError:
        known = False
    if not known:
        raise SeriesFileError(
            "encoding must be the name of a text encoding such as 'utf-8' or 'latin-1', got "
            f"{encoding!r}.")
    return encoding


def _cap(name: str, value: Any) -> int:
    """A positive whole number (a cap on the size of the upload)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and \
            value >= 1:
        return int(value)
    raise SeriesFileError(f"{name} must be a positive whole number, got {value!r}.")
