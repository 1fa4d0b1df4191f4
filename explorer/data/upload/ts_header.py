"""Detect a UEA/sktime ``.ts`` file and read its ``@`` header lines.

A ``.ts`` file starts with header lines (``@problemName``, ``@timeStamps``, ``@missing``,
``@univariate``, ``@dimensions``, ``@equalLength``, ``@seriesLength``, ``@classLabel``,
``@targetLabel``; keywords are case-insensitive), then ``@data`` on its own line, then one
case per line (read by :mod:`explorer.data.upload.ts`). Lines starting with ``#`` or ``%``
are comments. Unknown keywords are kept for the report; a keyword repeated with another
value is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import SeriesFileError, clip

__all__ = ["TS_COMMENT", "TsHeader", "looks_ts", "read_ts_header"]

TS_COMMENT = ("#", "%")
"""Prefixes of comment lines in a ``.ts`` file."""
_ATTRIBUTES = {"problemname": "problem", "timestamps": "timestamps", "missing": "missing",
               "univariate": "univariate", "dimensions": "dimensions",
               "equallength": "equal_length", "serieslength": "series_length",
               "classlabel": "classes", "targetlabel": "target"}
_DATA_LINE = re.compile(r"^[ \t]*@data[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class TsHeader:
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


def _keyword(line: str) -> str:
    """The lower-case keyword of a header line (``"@classLabel true 1 2"`` -> ``"classlabel"``)."""
    key = line.strip().split(maxsplit=1)[0][1:].lower() if line.strip() else ""
    return "dimensions" if key == "dimension" else key


def looks_ts(text: str, ext: str) -> bool:
    """A ``.ts`` file: by its extension, or an ``@data`` line after ``.ts`` header lines only.

    Examples
    --------
    >>> looks_ts("@problemName P\\n@data\\n1,2\\n", ".txt")
    True
    >>> looks_ts("@relation r\\n@attribute a numeric\\n@data\\n1,2\\n", ".arff")
    False
    """
    if ext == ".ts":
        return True
    if not re.match(r"\s*[@#%]", text):
        return False
    m = _DATA_LINE.search(text)
    if m is None:
        return False
    head = [s.strip() for s in re.split(r"\r\n|\r|\n", text[:m.start()])]
    head = [s for s in head if s and not s.startswith(TS_COMMENT)]
    return bool(head) and all(s.startswith("@") for s in head) and any(
        _keyword(s) in _ATTRIBUTES for s in head)


def read_ts_header(lines: list[tuple[int, str]]) -> tuple[TsHeader, int]:
    """Read the header lines.

    Parameters
    ----------
    lines : list of (int, str)
        The file's lines that are neither blank nor comments, with their line numbers.

    Returns
    -------
    header : TsHeader
    start : int
        The index in ``lines`` of the first case line.

    Raises
    ------
    SeriesFileError
        Without an ``@data`` line, for a data line before it, or for a header line with a
        bad or contradictory value.
    """
    if not any(_keyword(s) == "data" for _, s in lines):
        raise SeriesFileError(
            "This file has no @data line, so it cannot be read as a UEA/sktime .ts file: a .ts "
            "file starts with header lines (@problemName, @classLabel, ...), then '@data' on "
            "its own line, then one case per line. Add the @data line, or, if this is a CSV or "
            "text file, choose another layout."
        )
    h = TsHeader()
    for k, (i, line) in enumerate(lines):
        s = line.strip()
        if not s.startswith("@"):
            raise SeriesFileError(
                f"Line {i}: {clip(s)!r} comes before the @data line but is neither a header "
                "line (starting with @) nor a comment (starting with #). Move the data below "
                "the @data line, or start the line with # to make it a comment."
            )
        if _keyword(s) == "data":
            if s.split(maxsplit=1)[1:]:
                raise SeriesFileError(f"Line {i}: the @data line must stand alone; put the "
                                      "first case on the next line.")
            h.data_line = i
            _check_header(h)
            return h, k + 1
        _read_keyword(h, s, i)
    raise AssertionError("unreachable: an @data line exists")


def _read_keyword(h: TsHeader, line: str, i: int) -> None:
    """Record one header line in ``h``; unknown keywords are kept for the report."""
    token, value = (line.split(maxsplit=1) + [""])[:2]
    key = _keyword(line)
    if key not in _ATTRIBUTES:
        h.unknown.append(f"{clip(line)} (line {i})")
        return
    if key in h.seen:
        first, _, before = h.seen[key]
        if key != "problemname" and before.split() != value.split():
            raise SeriesFileError(
                f"Line {i}: {token} is declared twice with different values (line {first}: "
                f"{clip(before)!r}; line {i}: {clip(value)!r}); keep one.")
        h.repeated.append(f"{token} (lines {first} and {i})")
    h.seen[key] = (i, token, value)
    h.verbatim.append(clip(" ".join(line.split()), 200))
    if key == "problemname":
        h.problem = value
    elif key == "classlabel":
        h.classes = _classes(token, value, i)
    elif key in ("dimensions", "serieslength"):
        if not re.fullmatch(r"\d{1,18}", value) or int(value) < 1:
            raise SeriesFileError(f"Line {i}: {token} must be followed by a positive whole "
                                  f"number, got {clip(value)!r}.")
        setattr(h, _ATTRIBUTES[key], int(value))
    else:
        setattr(h, _ATTRIBUTES[key], _boolean(token, value, i))


def _boolean(token: str, value: str, i: int) -> bool:
    if value.lower() not in ("true", "false"):
        raise SeriesFileError(f"Line {i}: {token} must be followed by true or false, got "
                              f"{clip(value)!r}.")
    return value.lower() == "true"


def _classes(token: str, value: str, i: int) -> list[str] | None:
    """The class labels of ``@classLabel true a b c``; None for ``@classLabel false``."""
    parts = value.split()
    if not parts or parts[0].lower() not in ("true", "false"):
        raise SeriesFileError(f"Line {i}: {token} must be followed by true and the class "
                              f"labels, or by false; got {clip(value)!r}.")
    if parts[0].lower() == "false":
        return None
    if len(parts) == 1:
        raise SeriesFileError(f"Line {i}: '{token} true' must list the class labels, e.g. "
                              f"'{token} true 1 2 3'.")
    return parts[1:]


def _check_header(h: TsHeader) -> None:
    """Refuse contradictory declarations."""
    if h.classes is not None and h.target:
        raise SeriesFileError(
            f"The header declares both {h.seen['classlabel'][1]} true (line "
            f"{h.seen['classlabel'][0]}) and {h.seen['targetlabel'][1]} true (line "
            f"{h.seen['targetlabel'][0]}): a .ts file has class labels or a regression target, "
            "not both. Keep one."
        )
    if h.univariate and h.dimensions is not None and h.dimensions > 1:
        raise SeriesFileError(
            f"The header says {h.seen['univariate'][1]} true but {h.seen['dimensions'][1]} "
            f"{h.dimensions}. Set @univariate false, or fix @dimensions."
        )
