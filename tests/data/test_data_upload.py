"""Upload parsing: round trips for every layout, detection, overrides, report and limits."""

import csv
import io

import numpy as np
import pytest

from explorer.data import (
    ParsedSeries,
    SeriesFileError,
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
