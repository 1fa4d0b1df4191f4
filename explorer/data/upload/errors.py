"""The upload parser's error type, and the helpers that keep its messages short.

Every message of :class:`SeriesFileError` is meant to be shown to the user as is: it says
where the problem is (line, row, column, case), what was found there and how to fix it.

A fix that names a reading option is written once, as a :class:`Choice`, and rendered two
ways: for the library, the keyword (``missing='interpolate'``, ``str(exc)``); for the
*Your data* page, the control a user sets there ("choose 'interpolate' under *Missing
values inside a series*", :meth:`SeriesFileError.on_page`). :data:`PAGE_CONTROLS` holds the
label of each option's control and of its choices; the page draws its widgets from it, so
the message and the page cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_LISTED", "PAGE_CONTROLS", "Choice", "Limit", "PageControl", "SeriesFileError",
           "choose", "clip", "number_ranges"]


@dataclass(frozen=True)
class PageControl:
    """How the *Your data* page offers one reading option.

    Parameters
    ----------
    label : str
        The control's label on the page.
    choices : dict, optional
        Option value -> the text of its choice on the page (a select box or radio); empty
        for a text box, where the value is written as text (``False`` as ``none``).
    """

    label: str
    choices: dict

    def value_text(self, value) -> str:
        """What the user picks or writes on the page for ``value``."""
        for key, text in self.choices.items():
            if type(key) is type(value) and key == value:  # True is not 1, nor "1"
                return text
        return "none" if value is False else str(value)

    @property
    def text_box(self) -> bool:
        """Whether the control is a text box (no list of choices)."""
        return not self.choices


PAGE_CONTROLS = {
    "layout": PageControl("Layout", {"auto": "auto", "wide": "wide", "ucr": "ucr",
                                     "columns": "columns", "long": "long", "ts": "ts"}),
    "delimiter": PageControl("Delimiter", {",": "comma", ";": "semicolon", "\t": "tab",
                                           "whitespace": "whitespace"}),
    "decimal": PageControl("Decimal mark", {".": "dot", ",": "comma"}),
    "header": PageControl("Header row", {True: "yes", False: "no"}),
    "label_column": PageControl("Label column", {}),
    "id_column": PageControl("Id column", {}),
    "missing": PageControl("Missing values inside a series",
                           {"error": "error", "interpolate": "interpolate", "skip": "skip"}),
}
"""Reading option -> its control on the *Your data* page (options without one, such as the
caps, are named by their keyword on the page too)."""


@dataclass(frozen=True)
class Choice:
    """A reading option set to one of some values: the fix a message proposes.

    Examples
    --------
    >>> fix = choose("missing", "interpolate", "skip")
    >>> fix.library()
    "pass missing='interpolate' or missing='skip'"
    >>> fix.page()
    "choose 'interpolate' or 'skip' under *Missing values inside a series*"
    >>> choose("label_column", False).page()
    "write 'none' in *Label column*"
    """

    option: str
    values: tuple

    def library(self) -> str:
        """The keyword form: ``pass missing='interpolate'``."""
        if not self.values:
            return f"choose it with the {self.option} option"
        return "pass " + " or ".join(f"{self.option}={v!r}" for v in self.values)

    def page(self) -> str:
        """The page form: the control's label and the choice to make in it."""
        control = PAGE_CONTROLS.get(self.option)
        if control is None:
            return self.library()
        if not self.values:
            return f"choose it under *{control.label}*"
        texts = " or ".join(f"'{control.value_text(v)}'" for v in self.values)
        if control.text_box:
            return f"write {texts} in *{control.label}*"
        return f"choose {texts} under *{control.label}*"


def choose(option: str, *values) -> Choice:
    """A :class:`Choice`: set ``option`` to one of ``values``."""
    return Choice(option, values)


@dataclass(frozen=True)
class Limit:
    """The fix of a file over a cap (``max_series``, ``max_length``, ``max_bytes``).

    The library raises the cap with a keyword; the *Your data* page has no control for it
    (it reads with the default caps), so there the message says what to do to the file.

    Examples
    --------
    >>> fix = Limit("max_series", "Upload fewer series", "Upload fewer series: split it")
    >>> fix.library()
    'Upload fewer series, or raise the limit with max_series.'
    >>> fix.page()
    'Upload fewer series: split it.'
    """

    option: str
    fix: str  # what to do to the file, as both forms start
    page_fix: str  # the page's form: the fix, said for someone who uploads on the page

    def library(self) -> str:
        return f"{self.fix}, or raise the limit with {self.option}."

    def page(self) -> str:
        return f"{self.page_fix}."

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
    ...     print(exc)  # doctest: +ELLIPSIS
    Row 2, column 2: 'abc' is not a number. ...

    A message is built from text and :class:`Choice` parts; ``str(exc)`` names the keyword,
    :meth:`on_page` the page's control:

    >>> exc = SeriesFileError("Bad cell. Fix it, or ", choose("missing", "skip"), ".")
    >>> str(exc)
    "Bad cell. Fix it, or pass missing='skip'."
    >>> exc.on_page()
    "Bad cell. Fix it, or choose 'skip' under *Missing values inside a series*."
    """

    def __init__(self, *parts: str | Choice | Limit):
        self.parts = parts
        super().__init__(self._render("library"))

    def _render(self, how: str) -> str:
        return "".join(p if isinstance(p, str) else getattr(p, how)() for p in self.parts)

    def on_page(self) -> str:
        """The message as the *Your data* page shows it: controls instead of keywords, and
        what to do on the page where it has no control (the caps)."""
        return self._render("page")

    def __reduce__(self):
        return type(self), self.parts


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
