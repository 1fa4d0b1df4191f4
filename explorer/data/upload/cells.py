"""Read one cell of an uploaded file as a number, a missing value, or neither.

A cell is a number when Python's :func:`float` reads it once surrounding quotes are removed
and, with a decimal comma, its comma is read as the decimal mark. It is missing when it is
empty or one of the usual markers (``NaN``, ``NA``, ``?``, ``null``, ...). Infinite values
(``inf``, ``1e999``) are numbers here: the readers refuse them with their position.
"""

from __future__ import annotations

import math

__all__ = ["MISSING_TOKENS", "Cells"]

MISSING_TOKENS = frozenset(
    {"", "na", "nan", "n/a", "null", "none", "?", "#n/a", "missing", "-nan"})
"""Cell texts (lower case) that mean a missing value."""


class Cells:
    """Number reading with a given decimal mark.

    Parameters
    ----------
    decimal : {".", ","}
        The decimal mark of the file.

    Examples
    --------
    >>> cells = Cells(",")
    >>> cells.num('"1,5"'), cells.num("NA"), cells.num("abc")
    (1.5, nan, None)
    >>> cells.is_int_like("2,0"), cells.is_missing("?")
    (True, True)
    """

    def __init__(self, decimal: str = "."):
        self.decimal = decimal

    def num(self, tok: str) -> float | None:
        """Float value, NaN for a missing marker, None when not a number."""
        t = tok.strip()
        if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
            t = t[1:-1].strip()
        if t.lower() in MISSING_TOKENS:
            return math.nan
        if self.decimal == ",":
            t = t.replace(",", ".")
        try:
            return float(t)
        except ValueError:
            return None

    def is_num(self, tok: str) -> bool:
        """Whether ``tok`` is a number (not a missing marker)."""
        v = self.num(tok)
        return v is not None and not math.isnan(v)

    def is_missing(self, tok: str) -> bool:
        """Whether ``tok`` is empty or a missing marker."""
        v = self.num(tok)
        return v is not None and math.isnan(v)

    def is_int_like(self, tok: str) -> bool:
        """Whether ``tok`` is a finite whole number (``"3"``, ``"-1"``, ``"2.0"``)."""
        v = self.num(tok)
        return v is not None and math.isfinite(v) and float(v).is_integer()
