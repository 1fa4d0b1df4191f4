"""The upload parser's error type, and the helpers that keep its messages short.

Every message of :class:`SeriesFileError` is meant to be shown to the user as is: it says
where the problem is (line, row, column, case), what was found there and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MAX_LISTED", "SeriesFileError", "clip", "number_ranges"]

MAX_LISTED = 10
"""How many items (rows, cells, labels) a message lists before it says "and N more"."""


class SeriesFileError(ValueError):
    """A file could not be turned into series; the message is user-facing text.

    Raised by :func:`~explorer.data.upload.parse_series_file` for every problem the user can
    fix: a file that is not text, a cell that is not a number, a missing label, a bad
    reading option, a file over a size cap... It is a :class:`ValueError`, so code that
    already catches ``ValueError`` keeps working.

    Examples
    --------
    >>> from explorer.data import SeriesFileError, parse_series_file
    >>> try:
    ...     parse_series_file(b"1,2,3\\n4,abc,6\\n", "bad.csv")
    ... except SeriesFileError as exc:
    ...     print(exc)
    Row 2, column 2: 'abc' is not a number.
    """


def number_ranges(numbers: Iterable[int]) -> str:
    """Numbers as sorted ranges, e.g. ``"3, 5-7, 10"``; at most :data:`MAX_LISTED` groups.

    Examples
    --------
    >>> number_ranges([10, 5, 6, 7, 3])
    '3, 5-7, 10'
    """
    nums = sorted(set(numbers))
    groups: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        groups.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    if len(groups) > MAX_LISTED:
        return ", ".join(groups[:MAX_LISTED]) + f" and {len(groups) - MAX_LISTED} more"
    return ", ".join(groups)


def clip(text: str, n: int = 60) -> str:
    """``text`` cut to ``n`` characters (and an ellipsis), to quote user content in a message.

    Examples
    --------
    >>> clip("abcdef", 3)
    'abc…'
    """
    return text if len(text) <= n else text[:n] + "…"
