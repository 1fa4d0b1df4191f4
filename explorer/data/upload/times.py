"""Read a column of times (long layout) or a dimension's timestamps (``.ts``) as seconds,
and describe the sampling intervals of a long file's series.

Times are used only to order values, so any increasing scale will do: numbers are taken as
they are; otherwise every token must be a date (ISO 8601, or any format pandas reads with
``format="mixed"``), turned into seconds since 1970-01-01. Dates with different UTC offsets
(a series across a daylight-saving change) are compared as instants; a mix of dates with and
without a time zone is ambiguous and refused. Words that pandas reads relative to the clock
(``now``, ``today``) are not dates: the result would change from one run to the next.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import numpy as np

from .cells import Cells
from .errors import SeriesFileError, clip

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["describe_intervals", "duration_text", "read_times"]

_MAX_DATE_CHARS = 64  # longer text is not a date (and would be slow to try)
_RELATIVE_WORDS = frozenset({"now", "today"})
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)
_PANDAS_ERRORS = (ValueError, OverflowError, TypeError)


def read_times(cells: Cells, toks: list[str], where: Callable[[int], str], noun: str
               ) -> list[float]:
    """The times of ``toks`` as numbers (seconds since the epoch for dates).

    Parameters
    ----------
    cells : Cells
        Number reading with the file's decimal mark.
    toks : list of str
        The time tokens, stripped.
    where : callable
        ``where(k)`` places token ``k`` in the file for a message, e.g. ``"Row 4, column 2
        ('time')"``.
    noun : str
        How the messages call a token: ``"time"`` or ``"timestamp"``.

    Returns
    -------
    list of float

    Raises
    ------
    SeriesFileError
        When a token is neither a number nor a date, or dates with and without a time zone
        are mixed; the message names the token's place (from ``where``).

    Examples
    --------
    >>> read_times(Cells("."), ["2", "0.5"], str, "time")
    [2.0, 0.5]
    >>> read_times(Cells("."), ["1970-01-01T01:00:00+01:00", "1970-01-01T00:00:01Z"], str,
    ...            "time")
    [0.0, 1.0]
    >>> try:
    ...     read_times(Cells("."), ["1970-01-02", "soon"], lambda k: f"Value {k + 1}", "time")
    ... except SeriesFileError as exc:
    ...     print(exc)
    Value 2: the time 'soon' is neither a number nor a date.
    """
    numbers: list[float] = []
    for tok in toks:
        v = cells.num(tok)
        if v is None or not math.isfinite(v):
            break
        numbers.append(v)
    else:
        return numbers
    seconds, zoned = _dates([_date_text(t) for t in toks])
    _check_zones(toks, zoned, where, noun)
    bad = np.isnan(seconds)
    if bad.any():
        j = len(numbers)  # numbers up to here: the first token that is not one is to blame
        k = j if j and bad[j] else int(np.flatnonzero(bad)[0])
        raise SeriesFileError(
            f"{where(k)}: the {noun} {clip(toks[k])!r} is neither a number nor a date.")
    return seconds.tolist()


def _date_text(tok: str) -> str:
    """``tok``, or ``""`` (not a date) when it is too long or relative to the clock."""
    return "" if len(tok) > _MAX_DATE_CHARS or tok.lower() in _RELATIVE_WORDS else tok


def _dates(texts: list[str]) -> tuple[np.ndarray, list[bool | None]]:
    """Seconds since the epoch of each date (NaN where a text is not one), and whether
    each has a time zone (None where it is not a date).

    ISO 8601 dates are read by :meth:`datetime.datetime.fromisoformat` (fast); the others
    by pandas, all at once (one by one when their time zones differ).
    """
    seconds = np.full(len(texts), np.nan)
    zoned: list[bool | None] = [None] * len(texts)
    rest = []
    for k, text in enumerate(texts):
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            rest.append(k)
            continue
        zoned[k] = stamp.tzinfo is not None
        seconds[k] = (stamp - (_EPOCH_UTC if zoned[k] else _EPOCH)) / _SECOND
    if rest:
        import pandas as pd  # here: pandas takes 0.4 s to import, and only dates need it

        try:
            parsed = pd.to_datetime(pd.Series([texts[k] for k in rest], dtype=object),
                                    errors="coerce", format="mixed")
        except _PANDAS_ERRORS:  # time zones that differ (or another pandas failure)
            parsed = pd.Series([_timestamp(texts[k]) for k in rest], dtype=object)
        for k, stamp in zip(rest, parsed):
            if stamp is not pd.NaT:
                seconds[k] = _pandas_seconds(stamp)
                zoned[k] = None if np.isnan(seconds[k]) else stamp.tzinfo is not None
    return seconds, zoned


def _pandas_seconds(stamp: pd.Timestamp) -> float:
    """Seconds since the epoch of a pandas timestamp (to the nanosecond); NaN if out of
    range."""
    import pandas as pd

    try:
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return (stamp - pd.Timestamp(_EPOCH)) / pd.Timedelta(seconds=1)
    except _PANDAS_ERRORS:
        return math.nan


def _timestamp(text: str) -> pd.Timestamp:
    """One date read by pandas; NaT when it is not one."""
    import pandas as pd

    try:
        return pd.Timestamp(text)
    except _PANDAS_ERRORS:
        return pd.NaT


def _check_zones(toks: list[str], zoned: list[bool | None], where: Callable[[int], str],
                 noun: str) -> None:
    """Refuse dates with a time zone mixed with dates without one."""
    first = {}
    for k, has_zone in enumerate(zoned):
        if has_zone is None or has_zone in first:
            continue
        first[has_zone] = k
        if len(first) == 2:
            other = first[not has_zone]
            place = where(other)
            raise SeriesFileError(
                f"{where(k)}: the {noun} {clip(toks[k])!r} has "
                + ("a" if has_zone else "no") + f" time zone, unlike {clip(toks[other])!r} "
                f"({place[0].lower() + place[1:]}). Write every {noun} with a UTC offset (such "
                "as +01:00 or Z), or none."
            )


_REL_TOL = 1e-6  # steps equal within this relative tolerance are one interval


def duration_text(step: float, dates: bool) -> str:
    """An interval as the report writes it: ``"0.5"`` (time column units) or, for dates,
    ``"15 min"``, ``"1 h"``, ``"2 d"``, ``"1.5 s"``.

    Examples
    --------
    >>> duration_text(0.5, False), duration_text(900.0, True), duration_text(86400.0, True)
    ('0.5', '15 min', '1 d')
    """
    if not dates:
        return f"{step:.6g}"
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if step >= size and abs(step / size - round(step / size)) < _REL_TOL:
            return f"{round(step / size):g} {unit}"
    return f"{step:.6g} s"


def describe_intervals(names: list[str], times: list[np.ndarray | None], dates: bool,
                       source: str) -> tuple[list[float], str, str | None]:
    """Each series' sampling interval, the report's line about them, and a warning.

    The interval of a series is the median step between its sorted times; a series whose
    steps differ is *irregular*. The warning (None when all series share one regular
    interval) lists the series of each interval and the irregular ones, and says how to
    fix it: soft-DTW compares points, not times.

    Parameters
    ----------
    names : list of str
        The series' names.
    times : list of ndarray or None
        Each series' sorted times (seconds for dates).
    dates : bool
        Whether the times are dates.
    source : str
        The time column, as the report names it.

    Returns
    -------
    intervals : list of float
        NaN for a series of one point (or without times).
    sampling : str
    warning : str or None

    Examples
    --------
    >>> import numpy as np
    >>> t = [np.arange(4.0), np.arange(0.0, 8.0, 2.0), np.array([0.0, 1.0, 5.0])]
    >>> iv, line, warning = describe_intervals(["a", "b", "c"], t, False, "column 2 ('t')")
    >>> iv
    [1.0, 2.0, 2.5]
    >>> line
    "from column 2 ('t'): every 1: 'a'; every 2: 'b'; irregular (steps 1 to 4): 'c'"
    >>> print(warning)  # doctest: +ELLIPSIS
    The series are not all sampled at one regular interval (every 1: 'a'; every 2: ...
    """
    intervals: list[float] = []
    groups: dict[str, list[str]] = {}
    for name, t in zip(names, times):
        steps = np.diff(t) if t is not None and len(t) > 1 else np.empty(0)
        if not steps.size:
            intervals.append(math.nan)
            groups.setdefault("a single point", []).append(name)
            continue
        step = float(np.median(steps))
        intervals.append(step)
        lo, hi = float(steps.min()), float(steps.max())
        if hi - lo <= _REL_TOL * max(abs(hi), abs(lo)):
            key = f"every {duration_text(step, dates)}"
        else:
            key = (f"irregular (steps {duration_text(lo, dates)} to "
                   f"{duration_text(hi, dates)})")
        groups.setdefault(key, []).append(name)
    listed = "; ".join(f"{key}: " + ", ".join(f"'{clip(n, 30)}'" for n in group[:MAX_NAMES])
                       + (f" and {len(group) - MAX_NAMES} more" if len(group) > MAX_NAMES
                          else "") for key, group in groups.items())
    line = f"from {source}: {listed}"
    kinds = [k for k in groups if k != "a single point"]
    if len(kinds) <= 1 and not (kinds and kinds[0].startswith("irregular")):
        return intervals, line, None
    return intervals, line, (
        f"The series are not all sampled at one regular interval ({listed}). Soft-DTW "
        "compares them point by point, not by time: a series sampled twice as often looks "
        "twice as long. Resample them to one interval before uploading (e.g. pandas' "
        "DataFrame.resample, or numpy.interp onto a common time grid).")


MAX_NAMES = 5  # series named per interval in the report
