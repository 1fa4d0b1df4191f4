"""Mutation fuzzing of the upload parser: every input parses, or raises SeriesFileError, fast.

Inputs are the corpus files (tests/data_corpus) randomly edited: bit flips, byte insertions
and deletions, duplicated spans, lines of two files spliced together, tokens that broke the
parser before or could (huge integers, 1e999, nan, time-zone-tagged timestamps, BOMs, NUL
bytes, header keywords), very long lines and mixed delimiters; sometimes with reading
options. Each input must either parse into a valid ParsedSeries (finite float64 series, one
name and label each, a report that accounts for every series of the file: loaded + skipped
add up to a count made here from the raw text) or raise SeriesFileError with a message; and
each parse must finish within 2 s (a hang guard: the corpus files parse in milliseconds).

The CI run is deterministic (fixed seeds, fixed number of inputs). A longer campaign, by
hand::

    python -m tests.data.test_upload_fuzz --seconds 600 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import pytest

from explorer.data import SeriesFileError, parse_series_file
from tests.data.upload_checks import CORPUS, EXPECTED, FILES, check_parsed

# Seconds per parse: a hang guard, not a speed test. Measured as this thread's CPU time
# (the parser is single-threaded), so other processes loading the machine do not count:
# wall-clock time failed this bound on a 2-core machine at load 10 while no parse hung.
TIME_LIMIT = 2.0
MAX_INPUT = 200_000  # bytes: longer inputs are cut (parsing is linear, about 0.5 s per MB)
CI_SEEDS = range(8)
CI_INPUTS_PER_SEED = 250

TOKENS = (
    b"9" * 25, b"-" + b"9" * 40, b"1" * 400, b"1e999", b"-1e999", b"1.7e308", b"-1.7e308",
    b"4.9e-324", b"nan", b"NaN", b"-inf", b"?", b"NA", b"", b"0", b"1", b"2.0", b"-1",
    b"(2020-01-01T00:00:00+01:00,1)", b"(2020-01-01T00:00:00+02:00,2)",
    b"(2020-01-01 00:00:00,3)", b"(1e999,4)", b"(nan,5)", b"2020-03-29T01:00:00+01:00",
    b"2020-03-29T03:00:00+02:00", b"2020-01-01", b"2020-01-01T00:00:00Z", b"now", b"today",
    b"99999-01-01", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\x81", b"\xe9",
    b"\x1b", b"\r", b"\r\n", b"\n", b"\t", b";", b",", b":", b" ", b'"', b"'", b"(", b")",
    b"#", b"%", b"//", b"@data", b"@timeStamps true", b"@classLabel true 1 2",
    b"@classLabel true " + b"9" * 30, b"@targetLabel true", b"@dimensions 3",
    b"@dimensions " + b"9" * 5000, b"@seriesLength 0", b"@equalLength true",
    b"@univariate false", b"@missing true", b"@problemName x", b"label", b"id", b"time",
    b"class", b"1,5", b"0x1F", b"1_000", b"\xe2\x80\xaf", b"\xc2\xa0", b"x" * 3000,
    b"n.v.", b"-", b"#N/A", b"sensor_id", b"station",
)
OPTIONS = (
    {"layout": "wide"}, {"layout": "ucr"}, {"layout": "columns"}, {"layout": "long"},
    {"layout": "ts"}, {"missing": "interpolate"}, {"znormalize": True},
    {"missing": "interpolate", "znormalize": True}, {"label_column": False},
    {"label_column": 0}, {"header": True}, {"header": False}, {"delimiter": ";"},
    {"delimiter": "whitespace"}, {"decimal": ","}, {"layout": "long", "time_column": False},
    {"layout": "long", "id_column": 0, "time_column": 1}, {"max_series": 3},
    {"max_length": 4}, {"layout": "long", "value_columns": [1]}, {"id_column": "id"},
    {"time_column": "time"}, {"label_column": "label"}, {"layout": "wide", "id_column": 0},
    {"layout": "ucr", "label_column": 2}, {"encoding": "utf-16"}, {"encoding": "cp1252"},
    {"missing": "skip"}, {"missing": "skip", "layout": "long"},
    {"missing": "skip", "layout": "columns"}, {"missing": "interpolate", "id_column": 0},
)
EXTENSIONS = (".csv", ".tsv", ".txt", ".ts", ".dat", "")
HARD_INPUTS = {  # inputs on which the parser once took quadratic time (minutes at this size)
    "cell with a long run of spaces": b"1,2,3\n4,5" + b" " * 50_000 + b"x,6\n",
    "header cell with a long run of spaces": b"a,t" + b" " * 50_000 + b"x,b\n1,2,3\n4,5,6\n",
    ".ts case with many ':' after '('": b"@timeStamps true\n@data\n(" + b"1:" * 100_000 + b"\n",
    "long date-like time cell": b"id,time,v\na,2020-01-01,1\na," + b"2020-01-01" * 100_000
                                + b",2\n",
    "sparse columns: one wide row after many short ones": b"a,b\n" + b"1,2\n" * 5_000
                                                          + b",".join([b"1"] * 2_000) + b"\n",
}


# --- mutations -------------------------------------------------------------------------


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _flip_bit(rng, data, other):
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def _insert_bytes(rng, data, other):
    i = _pos(rng, data)
    return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + data[i:]


def _delete_span(rng, data, other):
    i = _pos(rng, data)
    return data[:i] + data[i + rng.randint(1, 16):]


def _duplicate_span(rng, data, other):
    i = _pos(rng, data)
    j = min(len(data), i + rng.randint(1, 40))
    return data[:j] + data[i:j] * rng.randint(1, 3) + data[j:]


def _insert_token(rng, data, other):
    i = _pos(rng, data)
    return data[:i] + rng.choice(TOKENS) + data[i:]


def _replace_field(rng, data, other):
    fields = [m.span() for m in re.finditer(rb"[^,;\t\n\r :()]+", data)]
    if not fields:
        return _insert_token(rng, data, other)
    i, j = rng.choice(fields)
    return data[:i] + rng.choice(TOKENS) + data[j:]


def _splice_lines(rng, data, other):
    a, b = data.splitlines(keepends=True), other.splitlines(keepends=True)
    return b"".join(a[:rng.randint(0, len(a))] + b[rng.randint(0, len(b)):])


def _long_line(rng, data, other):
    sep = rng.choice([b",", b";", b"\t", b" ", b":", b""])
    line = sep.join([rng.choice(TOKENS[:24])] * rng.randint(1000, 30000))
    lines = data.splitlines(keepends=True)
    k = rng.randint(0, len(lines))
    if lines and rng.random() < 0.5:  # lengthen a line
        k = min(k, len(lines) - 1)
        return b"".join(lines[:k] + [lines[k].rstrip(b"\r\n") + sep + line + b"\n"]
                        + lines[k + 1:])
    return b"".join(lines[:k] + [line + b"\n"] + lines[k:])


def _many_lines(rng, data, other):
    lines = data.splitlines(keepends=True) or [b"1,2\n"]
    k = rng.randrange(len(lines))
    return b"".join(lines[:k] + [lines[k]] * rng.randint(50, 6000) + lines[k:])


def _mix_delimiters(rng, data, other):
    a, b = rng.sample([b",", b";", b"\t", b" ", b":"], 2)
    return re.sub(re.escape(a), lambda m: b if rng.random() < 0.5 else a, data)


MUTATIONS = (_flip_bit, _insert_bytes, _delete_span, _duplicate_span, _insert_token,
             _insert_token, _replace_field, _replace_field, _splice_lines, _long_line,
             _many_lines, _mix_delimiters)


def fuzz_input(rng: random.Random) -> tuple[bytes, str, dict]:
    """One input: a corpus file with one to four mutations, a file name and options."""
    name = rng.choice(FILES)
    data = (CORPUS / name).read_bytes()
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        other = (CORPUS / rng.choice(FILES)).read_bytes()
        data = rng.choice(MUTATIONS)(rng, data, other)[:MAX_INPUT]
    if rng.random() < 0.15:
        name = Path(name).stem + rng.choice(EXTENSIONS)
    kwargs = dict(EXPECTED.get(name, {}).get("kwargs", {}))
    if rng.random() < 0.3:
        kwargs.update(rng.choice(OPTIONS))
    return data, name, kwargs


# --- what every outcome must satisfy ----------------------------------------------------


def check_outcome(content: bytes, name: str, kwargs: dict) -> str:
    """Parse; assert the outcome is valid; return ``"parsed"`` or ``"refused"``."""
    start = time.thread_time()
    try:
        res = parse_series_file(content, name, **kwargs)
    except SeriesFileError as exc:
        res, message = None, str(exc)
    elapsed = time.thread_time() - start
    assert elapsed < TIME_LIMIT, (
        f"parsing took {elapsed:.2f} s of CPU (limit {TIME_LIMIT} s): {name!r}, {kwargs!r}, "
        f"{content!r:.3000}")
    if res is None:
        assert message.strip(), "a SeriesFileError without a message"
        return "refused"
    check_parsed(res, content)
    return "parsed"


# --- tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", CI_SEEDS)
def test_mutated_corpus_parses_or_is_refused_quickly(seed):
    rng = random.Random(seed)
    outcomes = []
    for case in range(CI_INPUTS_PER_SEED):
        content, name, kwargs = fuzz_input(rng)
        try:
            outcomes.append(check_outcome(content, name, kwargs))
        except Exception as exc:  # name the input that failed, so that it can be replayed
            raise AssertionError(
                f"seed {seed}, input {case}: {name!r}, {kwargs!r}, {content!r:.3000}") from exc
    # enough inputs stay readable for the checks on parsed results to run
    assert outcomes.count("parsed") >= CI_INPUTS_PER_SEED // 20
    assert outcomes.count("refused") >= CI_INPUTS_PER_SEED // 5


@pytest.mark.parametrize("what", list(HARD_INPUTS))
def test_inputs_that_were_slow_parse_or_are_refused_quickly(what):
    check_outcome(HARD_INPUTS[what], "hard.ts" if what.startswith(".ts") else "hard.csv", {})


def main(argv: list[str] | None = None) -> int:
    """A longer campaign: fuzz for ``--seconds``, save the failing inputs to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    end = time.monotonic() + args.seconds
    n = failures = 0
    while time.monotonic() < end:
        content, name, kwargs = fuzz_input(rng)
        n += 1
        try:
            check_outcome(content, name, kwargs)
        except Exception as exc:
            failures += 1
            args.out.mkdir(exist_ok=True)
            stem = args.out / f"seed{args.seed}-{n}"
            stem.with_suffix(".bin").write_bytes(content)
            stem.with_suffix(".json").write_text(json.dumps(
                {"name": name, "kwargs": kwargs, "error": f"{type(exc).__name__}: {exc}"[:2000]}))
            print(f"{stem}: {name!r} {kwargs!r} {type(exc).__name__}: {str(exc)[:300]}")
    print(f"{n} inputs, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
