"""The upload test corpus, and checks that a parsed result accounts for every series.

``tests/data_corpus`` holds malformed and edge-case files; ``expected.json`` gives each
one's exact outcome (:data:`EXPECTED`). :func:`series_in_file` counts the series of a file
from its raw text, independently of the parser's report, in the layout the parser read it
(rows, cases, ids or columns); :func:`check_parsed` asserts that a
:class:`~explorer.data.ParsedSeries` is valid and that loaded + skipped series add up to
that count.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np

from explorer.data import as_series_list

__all__ = ["CORPUS", "EXPECTED", "FILES", "check_parsed", "series_in_file"]

CORPUS = Path(__file__).resolve().parents[1] / "data_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(p.name for p in CORPUS.iterdir() if p.name != "expected.json")

_ENCODINGS = {"UTF-8": "utf-8", "UTF-8 with BOM": "utf-8-sig", "UTF-16": "utf-16",
              "Windows-1252": "cp1252", "Latin-1": "latin-1"}


def _lines(text: str, comment: tuple[str, ...]) -> list[str]:
    """The lines that are neither blank nor comments."""
    out = [s.strip() for s in re.split(r"\r\n|\r|\n", text)]
    return [s for s in out if s and not s.startswith(comment)]


def _records(lines: list[str], delimiter: str) -> list[list[str]]:
    """The fields of each line; ``"..."`` groups a field."""
    if delimiter == "whitespace":
        return [re.findall(r'"[^"]*"|\S+', s) for s in lines]
    return [next(csv.reader([s], delimiter=delimiter, skipinitialspace=True)) if '"' in s
            else s.split(delimiter) for s in lines]


def _note_columns(notes: list[str], pattern: str) -> set[int]:
    return {int(m.group(1)) for n in notes for m in [re.match(pattern, n)] if m}


def series_in_file(content: bytes, report) -> int:
    """How many series the file holds, counted from its text in the layout that was read.

    Rows (wide, UCR) or cases (.ts) that are neither blank nor comments; distinct ids
    (long); columns of the widest record or header, except the time axis and the unnamed
    empty columns the notes mention (columns).
    """
    encoding = _ENCODINGS.get(report.encoding, report.encoding)
    text = content.decode(encoding)
    if report.layout == "ts":
        lines = _lines(text, ("#", "%"))
        start = next(k for k, s in enumerate(lines) if s.lower().split() == ["@data"])
        return len(lines) - start - 1
    records = _records(_lines(text, ("#", "//", "%")), report.delimiter)
    data = records[1:] if report.header else records
    if report.layout in ("wide", "ucr"):
        return len(data)
    if report.layout == "long":
        (id_col,) = _note_columns(report.notes, r"Ids from column (\d+)")
        return len({r[id_col - 1].strip() for r in data})
    width = max(len(r) for r in records)  # the header row too, when there is one
    not_series = _note_columns(report.notes, r"column (\d+).* was taken as the time axis")
    not_series |= _note_columns(report.notes, r"Ignored column (\d+): it has no header")
    return width - len(not_series)


def check_parsed(res, content: bytes) -> None:
    """A valid ParsedSeries whose report accounts for every series of the file."""
    rep = res.report
    series = as_series_list(res.series)
    n = len(series)
    assert n >= 1 and len(res) == n == len(res.names) == rep.n_series
    assert rep.lengths == [len(s) for s in series] and min(rep.lengths) >= 1
    if isinstance(res.series, np.ndarray):
        assert res.series.dtype == np.float64 and len(set(rep.lengths)) == 1
    for s in series:
        assert s.dtype == np.float64 and np.isfinite(s).all()
        assert s.shape[1:] == (() if rep.dimension == 1 else (rep.dimension,))
    if rep.label_source is None:
        assert res.labels is None
    else:
        assert len(res.labels) == n and res.labels.dtype.kind in "iU"
        assert sum(rep.label_counts.values()) == n
    lines = rep.lines()
    assert lines[2].startswith(f"Series: {n} ")
    listed = set(lines)
    assert all(f"  - {s.where}: {s.reason}" in listed for s in rep.skipped)
    assert series_in_file(content, rep) == n + len(rep.skipped), (
        "loaded + skipped series do not add up to the series of the file")
