"""Upload parsing: round trips for every layout, detection, overrides, report and limits."""

import csv
import io

import numpy as np
import pytest

from explorer.data import (
    ParsedSeries,
    SeriesFileError,
    UploadOptions,
    UploadReport,
    as_series_list,
    load_dataset,
    parse_series_file,
)

RNG = np.random.default_rng(42)
EQUAL = RNG.normal(size=(6, 20)).round(6)
RAGGED = [RNG.normal(size=n).round(5) for n in (7, 12, 9, 12, 3)]
LABELS = np.array([1, 2, 1, 2, 3, 3])


def _same(got, want):
    g, w = as_series_list(got), as_series_list(want)
    assert len(g) == len(w)
    for a, b in zip(g, w):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def _write(rows, delimiter=",", decimal="."):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for r in rows:
        w.writerow([(repr(float(v)).replace(".", decimal) if isinstance(v, float) else v)
                    for v in r])
    return buf.getvalue()


# --- round trips per layout --------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_roundtrip_wide_with_header_and_labels(delimiter):
    rows = [["label"] + [f"t{k}" for k in range(20)]]
    rows += [[int(lab)] + list(map(float, s)) for lab, s in zip(LABELS, EQUAL)]
    res = parse_series_file(_write(rows, delimiter).encode(), "x.csv")
    assert res.report.layout == "wide" and res.report.header
    _same(res.series, EQUAL)
    assert isinstance(res.series, np.ndarray) and res.series.shape == (6, 20)
    np.testing.assert_array_equal(res.labels, LABELS)


def test_roundtrip_wide_ragged_no_header():
    text = "\n".join(",".join(repr(float(v)) for v in s) for s in RAGGED) + "\n"
    res = parse_series_file(text.encode(), "ragged.csv")
    assert res.report.layout == "wide" and not res.report.header and res.labels is None
    assert isinstance(res.series, list)
    _same(res.series, RAGGED)
    assert res.report.lengths == [7, 12, 9, 12, 3]


def test_roundtrip_ucr_tab_and_whitespace():
    X, y, _ = load_dataset("ItalyPowerDemand", "train")
    tsv = "\n".join("\t".join([str(int(lab))] + [repr(float(v)) for v in s])
                    for lab, s in zip(y, X))
    res = parse_series_file(tsv.encode(), "ItalyPowerDemand_TRAIN.tsv")
    assert res.report.layout == "ucr"
    _same(res.series, X)
    np.testing.assert_array_equal(res.labels, y)
    txt = "\n".join("  ".join([f"{float(lab):.7e}"] + [f"{v:.7e}" for v in s])
                    for lab, s in zip(y, X))
    res2 = parse_series_file(txt.encode(), "ItalyPowerDemand_TRAIN.txt")
    assert res2.report.layout == "ucr" and res2.report.delimiter == "whitespace"
    np.testing.assert_allclose(res2.series, X, rtol=1e-7)
    np.testing.assert_array_equal(res2.labels, y)


def test_roundtrip_ucr_variable_length_nan_padding():
    pick, y, _ = load_dataset("PickupGestureWiimoteZ", "test")
    L = max(len(s) for s in pick)
    lines = ["\t".join([str(lab)] + [repr(float(v)) for v in s] + ["NaN"] * (L - len(s)))
             for lab, s in zip(y, pick)]
    res = parse_series_file(("\n".join(lines) + "\n").encode(), "Pickup_TEST.tsv")
    _same(res.series, pick)
    np.testing.assert_array_equal(res.labels, y)
    assert "padding" in res.report.to_text()


def test_roundtrip_columns_with_names():
    names = ["Sensor A", "Sensor B", "Sensor C"]
    cols = [RAGGED[0], RAGGED[1], RAGGED[4]]
    rows = [names]
    for k in range(max(len(c) for c in cols)):
        rows.append([float(c[k]) if k < len(c) else "" for c in cols])
    res = parse_series_file(_write(rows, ";", ",").encode("utf-8-sig"), "sheet.csv")
    assert res.report.layout == "columns" and res.report.decimal == ","
    assert res.report.encoding == "UTF-8 with BOM"
    assert res.names == names and res.labels is None
    _same(res.series, cols)


def test_roundtrip_long_multivariate_shuffled_rows():
    mv = RNG.normal(size=(4, 15, 3)).round(6)
    rows = [(f"id{i}", t, "abcd"[i % 2], *map(float, mv[i, t])) for i in range(4)
            for t in range(15)]
    order = RNG.permutation(len(rows))
    body = [["id", "time", "label", "x", "y", "z"]] + [list(rows[k]) for k in order]
    res = parse_series_file(_write(body).encode(), "long.csv")
    assert res.report.layout == "long" and res.report.dimension == 3
    assert sorted(res.names) == [f"id{i}" for i in range(4)]
    got = {n: s for n, s in zip(res.names, as_series_list(res.series))}
    for i in range(4):
        np.testing.assert_array_equal(got[f"id{i}"], mv[i])
    labels = dict(zip(res.names, res.labels))
    assert labels == {"id0": "a", "id1": "b", "id2": "a", "id3": "b"}


def test_roundtrip_long_univariate_no_time():
    rows = [["series", "value"]] + [[f"s{i}", float(v)] for i, s in enumerate(RAGGED)
                                    for v in s]
    res = parse_series_file(_write(rows).encode(), "tidy.csv")
    assert res.report.layout == "long"
    _same(res.series, RAGGED)
    assert "no time column" in res.report.to_text()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_encodings(encoding):
    text = "nom;v1;v2;v3\nséance;1,5;2,5;3,5\nété;4,25;5;6\n"
    res = parse_series_file(text.encode(encoding), "fr.csv")
    assert res.names == ["séance", "été"]
    np.testing.assert_array_equal(res.series, [[1.5, 2.5, 3.5], [4.25, 5.0, 6.0]])


def test_quoted_and_crlf_and_blank_lines():
    text = '"label","t0","t1"\r\n\r\n"a"," 1.5 ","2"\r\n"b","3","4e-1"\r\n\r\n'
    res = parse_series_file(text.encode(), "q.csv")
    np.testing.assert_array_equal(res.series, [[1.5, 2.0], [3.0, 0.4]])
    assert res.labels.tolist() == ["a", "b"]
    assert "Ignored 2 blank lines (rows 2, 5)" in res.report.to_text()


# --- overrides ----------------------------------------------------------------------------

def test_layout_override_columns_vs_wide():
    text = b"1,2,3\n4,5,6\n"
    assert parse_series_file(text, "m.csv").series.shape == (2, 3)
    res = parse_series_file(text, "m.csv", layout="columns")
    assert res.series.shape == (3, 2) and not res.report.layout_detected
    np.testing.assert_array_equal(res.series[0], [1, 4])
    assert "as requested" in res.report.to_text()


def test_header_and_label_overrides():
    text = b"10,1,2,3\n20,4,5,6\n"
    res = parse_series_file(text, "h.csv", header=True, label_column=False)
    assert res.series.shape == (1, 4) and res.labels is None
    res = parse_series_file(text, "h.csv", label_column=0)
    assert res.labels.tolist() == [10, 20] and res.series.shape == (2, 3)
    res = parse_series_file(b"a,b,c\n1,2,3\n4,5,6\n", "h.csv", layout="wide", label_column="c")
    assert res.labels.tolist() == [3, 6]
    np.testing.assert_array_equal(res.series, [[1, 2], [4, 5]])


def test_bad_override_values_are_user_errors():
    with pytest.raises(SeriesFileError, match="layout must be one of"):
        parse_series_file(b"1,2", "x.csv", layout="diagonal")
    with pytest.raises(SeriesFileError, match="out of range"):
        parse_series_file(b"1,2\n3,4\n", "x.csv", label_column=5)
    with pytest.raises(SeriesFileError, match="does not match a header cell"):
        parse_series_file(b"a,b\n1,2\n3,4\n", "x.csv", layout="long", id_column="zzz")
    with pytest.raises(SeriesFileError, match="missing must be"):
        parse_series_file(b"1,2", "x.csv", missing="drop")


def test_interpolation_is_reported():
    res = parse_series_file(b"1,,3,,5,6\n", "g.csv", missing="interpolate")
    np.testing.assert_array_equal(res.series, [[1, 2, 3, 4, 5, 6]])
    assert "Interpolated 2 missing values linearly in 1 series" in res.report.to_text()
    with pytest.raises(SeriesFileError, match=r"row 1, column 2; row 1, column 4"):
        parse_series_file(b"1,,3,,5,6\n", "g.csv")


def test_znormalize_multivariate_per_channel():
    rows = [["id", "t", "a", "b"]] + [["s", t, float(t), float(10 * t * t)] for t in range(5)]
    res = parse_series_file(_write(rows).encode(), "z.csv", znormalize=True)
    s = res.series[0]
    np.testing.assert_allclose(s.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(s.std(0), 1)
    assert "per channel" in res.report.to_text()


# --- report -----------------------------------------------------------------------------

def test_report_text_is_complete():
    text = b"label,t0,t1,t2\nA,1,2,3\nB,,,\nA,4,5\nB,6,7,8\n"
    res = parse_series_file(text, "r.csv")
    assert isinstance(res, ParsedSeries) and isinstance(res.report, UploadReport)
    series, labels, report = res  # unpacking
    lines = report.lines()
    assert lines[0] == "File: r.csv (42 bytes, UTF-8)"
    assert lines[1].startswith("Layout: wide (one series per row), detected; delimiter: comma")
    assert "Series: 3 (univariate, dimension 1)" in lines
    assert "Lengths: min 2, median 3, max 3 (variable length)" in lines
    assert "Labels: from column 1 ('label'); 2 distinct: A (2), B (1)" in lines
    assert "Skipped: 1 series not loaded:" in lines
    assert "  - row 3: no values (all cells empty or missing)" in lines
    assert report.to_text() == "\n".join(lines) == str(report)
    assert (report.length_min, report.length_median, report.length_max) == (2, 3.0, 3)


def test_every_row_is_loaded_or_listed():
    rows = []
    for i in range(40):
        if i % 7 == 3:
            rows.append(f"{i % 2},,NaN,")
        else:
            rows.append(",".join([str(i % 2)] + [str(float(i + k)) for k in range(1 + i % 5)]))
    res = parse_series_file(("\n".join(rows) + "\n").encode(), "mix.csv", label_column=0)
    loaded = {int(n.split()[1]) for n in res.names}
    skipped = {int(s.where.split()[1]) for s in res.report.skipped}
    assert loaded.isdisjoint(skipped) and loaded | skipped == set(range(1, 41))
    assert skipped == {i + 1 for i in range(40) if i % 7 == 3}


# --- limits -----------------------------------------------------------------------------

def test_default_caps():
    many = ("\n".join("1,2" for _ in range(5001)) + "\n").encode()
    with pytest.raises(SeriesFileError, match="5001 series, more than the limit of 5000"):
        parse_series_file(many, "many.csv")
    assert len(parse_series_file(many, "many.csv", max_series=6000).series) == 5001
    long_row = (",".join(["1.5"] * 20001) + "\n").encode()
    with pytest.raises(SeriesFileError, match="20001 points, more than the limit of 20000"):
        parse_series_file(long_row, "long.csv")
    with pytest.raises(SeriesFileError, match="limit of 50 MB.*max_bytes"):
        parse_series_file(b"1" * 50_000_001, "big.csv")


def test_non_bytes_input():
    with pytest.raises(SeriesFileError, match="bytes"):
        parse_series_file("1,2,3", "x.csv")


# --- UEA/sktime .ts -----------------------------------------------------------------------

def _ts_file(cases, header, labels=None, comment="# written by the tests\n"):
    """A .ts text: ``header`` lines, then one case per line (channels joined by ':')."""
    lines = [comment + "\n".join(header), "@data"]
    for k, case in enumerate(cases):
        chans = [case] if np.ndim(case) == 1 else list(np.asarray(case).T)
        text = ":".join(",".join(repr(float(v)) for v in ch) for ch in chans)
        lines.append(text + (f":{labels[k]}" if labels is not None else ""))
    return "\n".join(lines) + "\n"


def test_ts_univariate_with_labels_roundtrip():
    X, y, _ = load_dataset("ItalyPowerDemand", "train")
    text = _ts_file(X, ["@problemName ItalyPowerDemand", "@timeStamps false",
                        "@missing false", "@univariate true", "@equalLength true",
                        "@seriesLength 24", "@classLabel true 1 2"], y)
    res = parse_series_file(text.encode(), "ItalyPowerDemand_TRAIN.ts")
    assert res.report.layout == "ts" and res.report.layout_detected
    assert isinstance(res.series, np.ndarray) and res.series.shape == X.shape
    _same(res.series, X)
    np.testing.assert_array_equal(res.labels, y)
    assert res.names[:2] == ["case 1", "case 2"]
    lines = res.report.lines()
    assert lines[1] == ("Layout: UEA/sktime .ts (one case per line, ':' between dimensions), "
                        "detected; problem name: ItalyPowerDemand")
    assert "Series: 67 (univariate, dimension 1)" in lines
    assert lines[4].startswith("Labels: from the @classLabel header (last field of each case)"
                               "; 2 distinct: 1 (")
    assert "  - Ignored 1 comment line (rows 1)." in lines


def test_ts_multivariate_three_dimensions_variable_length():
    mv = [RNG.normal(size=(n, 3)).round(6) for n in (12, 9, 15, 12)]
    labels = ["walk", "run", "walk", "rest"]
    text = _ts_file(mv, ["@problemName Motion", "@univariate false", "@dimensions 3",
                         "@equalLength false", "@classLabel true walk run rest"], labels)
    res = parse_series_file(text.encode(), "motion.txt")  # detected from the @data header
    assert res.report.layout == "ts" and res.report.dimension == 3
    assert isinstance(res.series, list) and [s.shape for s in res.series] == [
        (12, 3), (9, 3), (15, 3), (12, 3)]
    _same(res.series, mv)
    assert res.labels.tolist() == labels
    assert "Series: 4 (multivariate, 3 channels, dimension 3)" in res.report.lines()
    equal = _ts_file(mv[:1] * 2, ["@dimensions 3", "@classLabel false"])
    res = parse_series_file(equal.encode(), "m.ts")
    assert res.series.shape == (2, 12, 3) and res.labels is None


def test_ts_timestamps_order_the_values():
    text = ("@problemName Stamps\n@timeStamps true\n@univariate false\n@dimensions 2\n"
            "@classLabel true a b\n@data\n"
            "(2,3.0),(0,1.0),(1,2.0):(1,20.0),(2,30.0),(0,10.0):a\n"
            "(2007-01-01 00:00:00,5),(2007-01-01 00:01:00,6.5):"
            "(2007-01-01 00:00:00,-1),(2007-01-01 00:01:00,-2):b\n"
            "(0.5,7),(0.25,8):(0.25,9),(0.5,10):a\n")
    res = parse_series_file(text.encode(), "stamps.ts")
    _same(res.series, [np.array([[1.0, 10], [2, 20], [3, 30]]), np.array([[5, -1], [6.5, -2]]),
                       np.array([[8.0, 9], [7, 10]])])
    assert res.labels.tolist() == ["a", "b", "a"]
    note = ("Timestamps (@timeStamps true) were used only to order the values of each "
            "dimension (2 cases had values out of order); the values are treated as equally "
            "spaced.")
    assert note in res.report.notes
    with pytest.raises(SeriesFileError, match=r"dimension 2 has other timestamps than "
                                              r"dimension 1"):
        parse_series_file(b"@timeStamps true\n@data\n(0,1),(1,2):(0,1),(2,2)\n", "t.ts")


def test_ts_missing_values_follow_the_module_policy():
    head = "@problemName Gaps\n@missing true\n@univariate true\n@classLabel true 1 2\n@data\n"
    body = "1,?,3,4:1\n5,6,NaN,8:2\n9,10,?,?:1\n?,?,?:2\n"
    with pytest.raises(SeriesFileError) as info:
        parse_series_file((head + body).encode(), "gaps.ts")
    assert str(info.value) == (
        "2 missing values inside series, at line 6, dimension 1, value 2; line 7, dimension "
        "1, value 3. Fill them in, or interpolate them or leave those series out: pass "
        "missing='interpolate' or missing='skip'.")
    assert info.value.on_page().endswith(
        "choose 'interpolate' or 'skip' under *Missing values inside a series*.")
    skipped = parse_series_file((head + body).encode(), "gaps.ts", missing="skip")
    _same(skipped.series, [np.array([9.0, 10])])
    assert [s.where for s in skipped.report.skipped] == [
        "case 1 (line 6)", "case 2 (line 7)", "case 4 (line 9)"]
    assert skipped.report.skipped[0].reason == (
        "1 missing value inside the series, at line 6, dimension 1, value 2 = '?'")
    res = parse_series_file((head + body).encode(), "gaps.ts", missing="interpolate")
    _same(res.series, [np.array([1.0, 2, 3, 4]), np.array([5.0, 6, 7, 8]), np.array([9.0, 10])])
    assert res.names == ["case 1", "case 2", "case 3"]
    assert [(s.where, s.reason) for s in res.report.skipped] == [
        ("case 4 (line 9)", "no values (all cells empty or missing)")]
    text = res.report.to_text()
    assert "padding at the end of shorter series (case 3 (line 8))" in text
    assert "Interpolated 2 missing values linearly in 2 series: 'case 1', 'case 2'" in text
    # with @equalLength true a missing tail is missing values, not padding
    eq = "@equalLength true\n@classLabel true 1\n@data\n1,2,?:1\n4,5,6:1\n"
    with pytest.raises(SeriesFileError, match="at line 4, dimension 1, value 3"):
        parse_series_file(eq.encode(), "eq.ts")


def test_ts_regression_target():
    text = ("@problemName Sales\n@timeStamps false\n@univariate true\n@equalLength true\n"
            "@targetLabel true\n@data\n1,2,3:0.5\n2,3,4:12\n3,4,5:-1.25\n")
    res = parse_series_file(text.encode(), "sales.ts")
    assert res.labels.tolist() == ["0.5", "12", "-1.25"]  # non-integer labels stay text
    assert res.report.label_source == ("the @targetLabel header (last field of each case; "
                                       "regression targets)")
    with pytest.raises(SeriesFileError, match=r"the target 'high' is not a number"):
        parse_series_file(text.replace("12", "high").encode(), "sales.ts")
    res = parse_series_file(text.encode(), "sales.ts", label_column=False)
    assert res.labels is None and res.series.shape == (3, 3)
    assert "The labels (the last field of each case) were not used, as requested." in \
        res.report.notes


def test_ts_comments_unknown_headers_and_windows_line_endings():
    text = ("# UEA archive\n%% an ARFF-style comment\n@problemName  Crlf \n@timestamps FALSE\n"
            "@frequency daily\n@classlabel TRUE x y\n\n@DATA\n# a comment among the cases\n"
            "1,2,3:x\n\n4,5,6:y\n")
    res = parse_series_file(text.replace("\n", "\r\n").encode(), "crlf.ts")
    np.testing.assert_array_equal(res.series, [[1, 2, 3], [4, 5, 6]])
    assert res.labels.tolist() == ["x", "y"] and res.report.problem_name == "Crlf"
    assert res.report.notes == [
        "Header: @problemName Crlf; @timestamps FALSE; @classlabel TRUE x y.",
        "Ignored 1 unknown header line: @frequency daily (line 5).",
        "Ignored 3 comment lines (rows 1-2, 9).",
        "Ignored 2 blank lines (rows 7, 11).",
    ]


def test_ts_detection_and_overrides():
    text = b"@problemName P\n@classLabel false\n@data\n1,2,3\n4,5,6\n"
    assert parse_series_file(text, "p.txt").report.layout == "ts"
    res = parse_series_file(text, "p.dat", layout="ts")
    assert not res.report.layout_detected and "as requested" in res.report.lines()[1]
    # not .ts: no @data line, or an @data line after ARFF headers only
    assert parse_series_file(b"1,2\n3,4\n", "x.csv").report.layout == "wide"
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(b"@relation r\n@attribute a numeric\n@data\n1,2\n", "r.arff")
    assert "@data" not in str(info.value) and ".ts" not in str(info.value)
    with pytest.raises(SeriesFileError, match="delimiter cannot be used with the ts layout"):
        parse_series_file(text, "p.ts", delimiter=",")
    with pytest.raises(SeriesFileError, match="no @data line.*choose another layout"):
        parse_series_file(b"1,2,3\n4,5,6\n", "x.csv", layout="ts")


def test_ts_caps_apply():
    text = "@classLabel false\n@data\n" + "1,2,3\n" * 4
    with pytest.raises(SeriesFileError, match="4 series, more than the limit of 3"):
        parse_series_file(text.encode(), "c.ts", max_series=3)
    with pytest.raises(SeriesFileError, match="Series 'case 1' has 3 points, more than the "
                                              "limit of 2"):
        parse_series_file(text.encode(), "c.ts", max_length=2)
    with pytest.raises(SeriesFileError, match="larger than the limit"):
        parse_series_file(text.encode(), "c.ts", max_bytes=10)


# --- reading options ------------------------------------------------------------------------

def test_options_are_validated_once_and_can_be_reused():
    opts = UploadOptions(layout="auto", delimiter=" ", value_columns="v", max_series=np.int64(9))
    assert (opts.layout, opts.delimiter, opts.value_columns, opts.max_series) == (
        None, "whitespace", ("v",), 9)
    text = b"id t v\na 0 1\na 1 2\nb 0 3\nb 1 4\n"
    res = parse_series_file(text, "l.txt", options=opts)
    assert res.report.layout == "long" and res.names == ["a", "b"]
    # keywords override the options object; the object itself is unchanged (frozen)
    res = parse_series_file(text, "l.txt", options=opts, znormalize=True)
    np.testing.assert_allclose(res.series, [[-1, 1], [-1, 1]])
    assert opts.znormalize is False
    with pytest.raises(TypeError, match="'separator'.*the options are: layout, delimiter"):
        parse_series_file(text, "l.txt", separator=",")
    with pytest.raises(TypeError, match="options must be an UploadOptions, got dict"):
        parse_series_file(text, "l.txt", options={"layout": "long"})


@pytest.mark.parametrize("option, value, message", [
    ("header", "yes", "header must be True or False, got 'yes'."),
    ("znormalize", None, "znormalize must be True or False, got None."),
    ("label_column", True, "label_column must be a column number or a header name, got True."),
    ("id_column", False, "id_column must be a column number or a header name, got False."),
    ("time_column", 1.5, "time_column must be a column number or a header name, got 1.5."),
    ("value_columns", [], "value_columns must be a column (a number or a header name) or a "
                          "non-empty list of columns, got []."),
    ("value_columns", ["a", None], "value_columns must be a column number or a header name, "
                                   "got None."),
    ("encoding", "base64", "encoding must be the name of a text encoding such as 'utf-8' or "
                           "'latin-1', got 'base64'."),
    ("encoding", "klingon", "encoding must be the name of a text encoding such as 'utf-8' or "
                            "'latin-1', got 'klingon'."),
    ("max_series", 0, "max_series must be a positive whole number, got 0."),
    ("max_bytes", 1e6, "max_bytes must be a positive whole number, got 1000000.0."),
])
def test_bad_option_values_name_the_option_and_the_value(option, value, message):
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(b"1,2\n3,4\n", "x.csv", **{option: value})
    assert str(info.value) == message


def test_column_zero_is_a_column_not_false():
    text = b"t,a,b\n0,1,2\n1,3,4\n2,5,6\n"
    res = parse_series_file(text, "c.csv", layout="columns", time_column=0)
    assert res.names == ["a", "b"] and "column 1 ('t') was taken as the time axis" in \
        res.report.notes[0]
    with pytest.raises(SeriesFileError, match="label_column cannot be used with the columns"):
        parse_series_file(text, "c.csv", layout="columns", label_column=0)
    # long layout: label_column=0 gives labels (here: the ids themselves)
    res = parse_series_file(b"a,0,1\na,1,2\nb,0,3\nb,1,4\n", "l.csv", layout="long",
                            label_column=0)
    assert res.labels.tolist() == ["a", "b"] and res.report.label_source == "column 1"


# --- what fuzzing found (each used to escape SeriesFileError, or to go wrong silently) -------

def test_integer_labels_beyond_int64_stay_text_and_big_ones_are_exact():
    # a label beyond int64 raised OverflowError; integer labels went through float64
    res = parse_series_file(b"9007199254740993,1,2\n-3,3,4\n", "l.csv", label_column=0)
    assert res.labels.dtype == np.int64 and res.labels.tolist() == [9007199254740993, -3]
    res = parse_series_file(b"9223372036854775808,1,2\n-3,3,4\n", "l.csv", label_column=0)
    assert res.labels.tolist() == ["9223372036854775808", "-3"]
    ts = (b"@classLabel true 99999999999999999999 1\n@data\n1,2:99999999999999999999\n"
          b"3,4:1\n")
    assert parse_series_file(ts, "c.ts").labels.tolist() == ["99999999999999999999", "1"]
    ts = b"@targetLabel true\n@data\n1,2:1e300\n3,4:-7\n"
    assert parse_series_file(ts, "r.ts").labels.tolist() == ["1e300", "-7"]


def test_huge_numbers_in_data_cells():
    res = parse_series_file(b"1,2,3\n4,5," + b"9" * 30 + b"\n", "h.csv")
    np.testing.assert_array_equal(res.series, [[1, 2, 3], [4, 5, 1e30]])
    with pytest.raises(SeriesFileError, match=r"^Row 2, column 3: '9{60}…' is an infinite "):
        parse_series_file(b"1,2,3\n4,5," + b"9" * 400 + b"\n", "h.csv")


def test_time_zones_in_a_long_time_column():
    aware = b"id,time,v\na,2020-01-01T10:00:00+02:00,2\na,2020-01-01T09:30:00+01:00,3\n" \
            b"a,2020-01-01T07:00:00Z,1\n"
    np.testing.assert_array_equal(parse_series_file(aware, "z.csv").series, [[1, 2, 3]])
    mixed = b"id,time,v\na,2020-01-01T10:00:00+02:00,2\na,2020-01-01 09:30,3\n"
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(mixed, "z.csv")
    assert str(info.value) == (
        "Row 3, column 2 ('time'): the time '2020-01-01 09:30' has no time zone, unlike "
        "'2020-01-01T10:00:00+02:00' (row 2, column 2 ('time')). Write every time with a UTC "
        "offset (such as +01:00 or Z), or none.")
    # non-ISO dates go through pandas, with the same rule
    pandas_dates = b"id,time,v\na,Jan 2 2020 10:00 +0100,2\na,Jan 2 2020 10:00 +0200,1\n"
    np.testing.assert_array_equal(parse_series_file(pandas_dates, "z.csv").series, [[1, 2]])
    with pytest.raises(SeriesFileError, match="'Jan 2 2020 11:00' has no time zone, unlike"):
        parse_series_file(pandas_dates + b"a,Jan 2 2020 11:00,3\n", "z.csv")
    with pytest.raises(SeriesFileError, match="the time 'today' is neither a number nor a date"):
        parse_series_file(b"id,time,v\na,2020-01-01,1\na,today,2\n", "z.csv")


def test_values_near_the_largest_float_stay_finite():
    res = parse_series_file(b"1.7e308,,-1.7e308,,1.7e308\n", "m.csv", missing="interpolate")
    np.testing.assert_array_equal(res.series, [[1.7e308, 0, -1.7e308, 0, 1.7e308]])
    res = parse_series_file(b"1.7e308,1.7e308,-1.7e308\n1,2,3\n", "z.csv", znormalize=True)
    np.testing.assert_allclose(res.series, [[2 ** -0.5, 2 ** -0.5, -(2 ** 0.5)],
                                            [-(1.5 ** 0.5), 0, 1.5 ** 0.5]], atol=1e-15)


def test_structural_errors_that_raised_other_exceptions():
    # a short row in a headerless long file (IndexError)
    with pytest.raises(SeriesFileError, match=r"^Row 3 has 2 fields but 3 are expected"):
        parse_series_file(b"1,2,3\n1,3,4\n1,4\n2,1,2\n", "l.csv", layout="long", id_column=2)
    # a .ts count with more digits than Python converts (ValueError)
    with pytest.raises(SeriesFileError, match=r"^Line 1: @dimensions must be followed by a "
                                              r"positive whole number, got '9{60}…'"):
        parse_series_file(b"@dimensions " + b"9" * 5000 + b"\n@data\n1,2\n", "d.ts")


def test_a_label_too_long_for_the_labels_array_is_refused():
    # the labels are a fixed-width text array: one label of 450,000 characters among 1,888
    # rows asked for 3.4 GB
    ok = parse_series_file(b"label,t0,t1\n" + b"x" * 1000 + b",1,2\nb,3,4\n", "l.csv")
    assert ok.labels.tolist() == ["x" * 1000, "b"]
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(b"label,t0,t1\n" + b"x" * 1001 + b",1,2\nb,3,4\n", "l.csv")
    assert str(info.value) == (
        f"The label of 'row 2' ('{'x' * 60}…', from column 1 ('label')) has 1,001 characters; "
        "a label has at most 1,000. Check that the labels are read from the right column, or "
        "read the file without labels (label_column=False).")


def test_the_series_cap_is_enforced_while_reading():
    # exact when the file is one over the cap (see test_default_caps), else "at least"
    rows = b"".join(b"%d,%d\n" % (k, k + 1) for k in range(10))
    with pytest.raises(SeriesFileError, match=r"^The file has at least 5 series, more than "
                                              r"the limit of 3\. Upload fewer series"):
        parse_series_file(rows, "w.csv", max_series=3)
    ids = b"id,v\n" + b"".join(b"s%d,%d\n" % (k, k) for k in range(10))
    with pytest.raises(SeriesFileError, match=r"^The file has at least 5 series, more than "
                                              r"the limit of 3\."):
        parse_series_file(ids, "l.csv", max_series=3)
    cases = b"@data\n" + b"1,2\n" * 10
    with pytest.raises(SeriesFileError, match=r"^The file has at least 5 series"):
        parse_series_file(cases, "c.ts", max_series=3)
    # the columns layout counts its columns before building any
    columns = b"a,b,c,d,e,f\n" + b"1,2,3,4,5,\n" * 2
    with pytest.raises(SeriesFileError, match=r"^The file has 5 series, more than the limit "
                                              r"of 3\."):
        parse_series_file(columns, "c.csv", max_series=3)


# --- text cells in a .ts file, and the caps' messages on the page -----------------------

_TS_TEXT = ("@problemName Text\n@univariate false\n@dimensions 2\n@classLabel true a b\n@data\n"
            "1,2,n.v.,4:5,6,7,8:a\n"
            "1,2,3,4:5,-,7,8:b\n"
            "2,3,4,5:6,7,8,9:a\n")


def test_text_cells_of_a_ts_file_follow_the_missing_value_policy():
    content = _TS_TEXT.encode()
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(content, "text.ts")
    assert str(info.value) == (
        "Line 6 (case 1), dimension 1, value 3: 'n.v.' is not a number. Correct it, or count "
        "such values as missing: pass missing='interpolate' or missing='skip'.")
    assert info.value.on_page().endswith(
        "choose 'interpolate' or 'skip' under *Missing values inside a series*.")
    res = parse_series_file(content, "text.ts", missing="interpolate")
    _same(res.series, [np.array([[1.0, 5], [2, 6], [3, 7], [4, 8]]),
                       np.array([[1.0, 5], [2, 6], [3, 7], [4, 8]]),
                       np.array([[2.0, 6], [3, 7], [4, 8], [5, 9]])])
    text = res.report.to_text()
    assert ("Read 2 cells of text as missing values: line 6, dimension 1, value 3: 'n.v.'; "
            "line 7, dimension 2, value 2: '-'.") in text
    assert "Interpolated 2 missing values linearly in 2 series: 'case 1', 'case 2'" in text
    skipped = parse_series_file(content, "text.ts", missing="skip")
    _same(skipped.series, [np.array([[2.0, 6], [3, 7], [4, 8], [5, 9]])])
    assert [(s.where, s.reason) for s in skipped.report.skipped] == [
        ("case 1 (line 6)", "1 missing value inside the series, at line 6, dimension 1, "
                            "value 3 = 'n.v.'"),
        ("case 2 (line 7)", "1 missing value inside the series, at line 7, dimension 2, "
                            "value 2 = '-'")]


def test_a_text_value_in_a_timestamped_ts_file_is_quoted_at_its_place_in_the_file():
    content = (b"@timeStamps true\n@equalLength true\n@classLabel true a\n@data\n"
               b"(0,1),(2,x),(1,3):a\n(0,1),(1,2),(2,3):a\n")
    res = parse_series_file(content, "t.ts", missing="skip")
    assert [s.reason for s in res.report.skipped] == [
        "1 missing value inside the series, at line 5, dimension 1, value 2 = 'x'"]
    _same(res.series, [np.array([1.0, 2, 3])])
    # a pair in a file without timestamps stays a format error, whatever the policy
    with pytest.raises(SeriesFileError, match="declare '@timeStamps true'"):
        parse_series_file(b"@classLabel true a\n@data\n(0,1),(1,2):a\n", "p.ts",
                          missing="interpolate")
    with pytest.raises(SeriesFileError, match="'inf' is an infinite value"):
        parse_series_file(b"@classLabel true a\n@data\n1,inf,2:a\n", "i.ts", missing="skip")


_CAPS = [  # (content, name, the cap's keyword and value, what the page says to do)
    (b"1,2\n" * 4, "rows.csv", {"max_series": 3},
     "This page reads at most 3 series from one file: upload fewer (keep the ones to "
     "compare, or split the file and upload its parts one at a time)."),
    (b"@data\n" + b"1,2\n" * 4, "cases.ts", {"max_series": 3},
     "This page reads at most 3 series from one file"),
    (b"1,2,3,4\n5,6,7,8\n", "long.csv", {"max_length": 3},
     "This page reads series of at most 3 points (and aligns two of them whole under "
     "*Inspect one pair*): shorten it, or downsample it (keep every second or tenth point), "
     "then upload the file again."),
    (b"@data\n1,2,3,4\n", "long.ts", {"max_length": 3},
     "This page reads series of at most 3 points"),
    (b"1,2,3\n" * 10, "big.csv", {"max_bytes": 10},
     "This page reads files of at most 10 bytes: upload a smaller one (fewer series, values "
     "rounded to fewer digits), or split the file and upload its parts one at a time."),
]


@pytest.mark.parametrize(("content", "name", "cap", "page"), _CAPS)
def test_every_cap_message_says_what_to_do_on_the_page(content, name, cap, page):
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(content, name, **cap)
    (keyword,) = cap
    assert f"raise the limit with {keyword}." in str(info.value)  # the library's form
    on_page = info.value.on_page()
    assert page in on_page and keyword not in on_page
    assert on_page.split(". ")[0] == str(info.value).split(". ")[0]  # the same finding


def test_the_page_caps_are_the_defaults_and_their_messages_name_them():
    many = ("\n".join("1,2" for _ in range(5001)) + "\n").encode()
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(many, "many.csv")
    assert "This page reads at most 5,000 series" in info.value.on_page()
    long_row = (",".join(["1.5"] * 20001) + "\n").encode()
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(long_row, "long.csv")
    assert "This page reads series of at most 20,000 points" in info.value.on_page()
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(b"1" * 50_000_001, "big.csv")
    assert "This page reads files of at most 50 MB" in info.value.on_page()
