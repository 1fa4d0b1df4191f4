"""An analyst's real files: ids in a text column of any header, cells of text as missing
values under each policy (error, interpolate, skip), sampling intervals of a long file, and
messages that name the keyword (library) or the page's control (``on_page``).

Values are checked against what the files were written from (:mod:`tests.data.messy_files`)
and, for interpolation, against the midpoint of the two neighbours.
"""

import numpy as np
import pytest

from explorer.data import PAGE_CONTROLS, SeriesFileError, as_series_list, parse_series_file
from explorer.data.upload.errors import choose
from tests.data.messy_files import (
    NV_ROW,
    NV_STATION,
    semicolon_file,
    sensor_file,
    two_interval_file,
)
from tests.data.upload_checks import check_parsed


@pytest.mark.parametrize("header", ["sensor_id", "sensor", "id", "name", "station", "probe",
                                    "Gerät", "SensorID", "tag"])
def test_a_text_column_of_distinct_values_names_the_series_whatever_its_header(header):
    content, values, ids, labels = sensor_file()
    content = content.replace(b"sensor_id", header.encode(), 1)
    res = parse_series_file(content, "sensors.csv")
    check_parsed(res, content)
    assert res.report.layout == "wide" and res.names == ids
    assert res.labels.tolist() == labels
    np.testing.assert_array_equal(res.series, values)
    assert f"Series names taken from column 1 ('{header}')." in res.report.notes


def test_the_id_column_option_chooses_the_names():
    content, values, ids, _ = sensor_file()
    same = parse_series_file(content, "sensors.csv", id_column=0)
    assert same.names == ids
    np.testing.assert_array_equal(same.series, values)
    by_name = parse_series_file(content, "sensors.csv", id_column="t0")
    assert by_name.names == [repr(float(v)) for v in values[:, 0]]
    np.testing.assert_array_equal(by_name.series, values[:, 1:])  # t0 is no longer a value
    # the label column and a further text column: ids, labels, and the third one ignored
    text = b"site,kind,tag,t0,t1\nx1,a,red,1,2\nx2,a,red,3,4\nx3,b,blue,5,6\n"
    res = parse_series_file(text, "three.csv")
    assert res.names == ["x1", "x2", "x3"] and res.labels.tolist() == ["a", "a", "b"]
    np.testing.assert_array_equal(res.series, [[1, 2], [3, 4], [5, 6]])
    assert "Ignored column 3 ('tag'): text in every row, neither the ids nor the labels." in \
        res.report.notes


def test_an_nv_cell_is_refused_with_the_fix_for_the_library_and_for_the_page():
    content, _, _ = semicolon_file()
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(content, "messstellen.csv")
    place = f"Row {NV_ROW}, column 8 ('h6'): 'n.v.' is not a number."
    assert str(info.value) == (
        f"{place} Correct it, or count such cells as missing values: pass "
        "missing='interpolate' or missing='skip'.")
    assert info.value.on_page() == (
        f"{place} Correct it, or count such cells as missing values: choose 'interpolate' "
        "or 'skip' under *Missing values inside a series*.")
    assert PAGE_CONTROLS["missing"].label == "Missing values inside a series"


def test_an_nv_cell_is_interpolated_between_its_neighbours():
    content, values, stations = semicolon_file()
    res = parse_series_file(content, "messstellen.csv", missing="interpolate")
    check_parsed(res, content)
    assert res.report.decimal == "," and res.report.delimiter == ";"
    assert res.names == stations and res.report.encoding == "UTF-8 with BOM"
    want = values.copy()
    want[2, 6] = (values[2, 5] + values[2, 7]) / 2
    np.testing.assert_allclose(res.series, want, rtol=0, atol=1e-12)
    assert f"Read 1 cell of text as missing value: row {NV_ROW}, column 8 ('h6'): 'n.v.'." \
        in res.report.notes


def test_skip_leaves_the_series_out_and_lists_its_row_and_the_cells_text():
    content, values, stations = semicolon_file()
    res = parse_series_file(content, "messstellen.csv", missing="skip")
    check_parsed(res, content)
    assert res.names == [s for s in stations if s != NV_STATION]
    np.testing.assert_array_equal(res.series, np.delete(values, 2, axis=0))
    (item,) = res.report.skipped
    assert item.where == f"row {NV_ROW} ('{NV_STATION}')"
    assert item.reason == (f"1 missing value inside the series, at row {NV_ROW}, column 8 "
                           "('h6') = 'n.v.'")
    assert f"  - {item.where}: {item.reason}" in res.report.to_text()


@pytest.mark.parametrize("token", ["n.v.", "-", "--", "?", "#N/A", "NA", "", "k.A.", "null",
                                   "#DIV/0!"])
def test_any_non_numeric_cell_counts_as_missing(token):
    text = f"name,t0,t1,t2,t3\na,1,{token},3,4\nb,5,6,7,8\n".encode()
    res = parse_series_file(text, "cells.csv", missing="interpolate")
    np.testing.assert_array_equal(res.series, [[1, 2, 3, 4], [5, 6, 7, 8]])
    skipped = parse_series_file(text, "cells.csv", missing="skip")
    assert skipped.names == ["b"]
    shown = repr(token) if token else "(empty)"
    assert skipped.report.skipped[0].reason.endswith(f"row 2, column 3 ('t1') = {shown}")


def test_a_trailing_cell_of_text_is_a_missing_value_not_padding():
    text = b"a,1,2,3,n.v.\nb,4,5,6,7\nc,8,9,,\n"
    res = parse_series_file(text, "tail.csv", missing="interpolate")
    assert [s.tolist() for s in as_series_list(res.series)] == [
        [1, 2, 3, 3], [4, 5, 6, 7], [8, 9]]  # c's empty cells are padding
    skipped = parse_series_file(text, "tail.csv", missing="skip")
    assert skipped.names == ["b", "c"]
    assert [s.where for s in skipped.report.skipped] == ["row 1 ('a')"]


def test_two_numbers_in_one_cell_are_never_a_missing_value():
    text = b"a,1,2\nb,3,4 5\nc,6,7\n"
    for missing in ("interpolate", "skip"):
        with pytest.raises(SeriesFileError, match="The fields were split on commas") as info:
            parse_series_file(text, "split.csv", missing=missing)
        assert info.value.on_page().endswith("another delimiter, choose it under *Delimiter*.")


def test_skip_in_the_columns_and_long_layouts_and_when_nothing_is_left():
    cols = b"time,a,b\n0,1,2\n1,n.v.,3\n2,4,5\n"
    res = parse_series_file(cols, "cols.csv", layout="columns", missing="skip")
    check_parsed(res, cols)
    assert res.names == ["b"] and res.report.skipped[0].where == "column 2 ('a')"
    long = b"probe,time,value\np,0,1\np,1,-\np,2,3\nq,0,4\nq,1,5\nq,2,6\n"
    res = parse_series_file(long, "long.csv", missing="skip")
    check_parsed(res, long)
    assert res.report.layout == "long" and res.names == ["q"]
    assert res.report.skipped[0].where == "series 'p' (rows 2-4)"
    assert res.report.skipped[0].reason.endswith("row 3, column 3 ('value') = '-'")
    with pytest.raises(SeriesFileError, match=r"No series could be read from the file \(row "
                                              r"1: 1 missing value"):
        parse_series_file(b"1,n.v.,3\n4,?,6\n", "none.csv", missing="skip")


def test_a_long_file_reports_each_interval_and_warns_when_they_differ():
    content, values = two_interval_file()
    res = parse_series_file(content, "stations.csv")
    check_parsed(res, content)
    assert res.report.layout == "long" and res.names == list(values)
    for name, s in zip(res.names, res.series):
        np.testing.assert_array_equal(s, values[name])
    assert res.report.intervals == [60.0, 120.0, 60.0]  # seconds: the times are dates
    assert res.report.sampling == ("from column 2 ('time'): every 1 min: 'north', 'east'; "
                                   "every 2 min: 'south'")
    (warning,) = res.report.warnings
    assert "every 2 min: 'south'" in warning and "Resample them to one interval" in warning
    text = res.report.to_text()
    assert f"Sampling: {res.report.sampling}" in text and f"  - {warning}" in text
    # one interval: reported, no warning; an irregular series is warned about
    regular = b"id,t,v\na,0,1\na,0.5,2\na,1,3\nb,0,4\nb,0.5,5\nb,1,6\n"
    res = parse_series_file(regular, "regular.csv")
    assert res.report.intervals == [0.5, 0.5] and not res.report.warnings
    assert res.report.sampling == "from column 2 ('t'): every 0.5: 'a', 'b'"
    irregular = b"id,t,v\na,0,1\na,1,2\na,3,3\n"
    (warning,) = parse_series_file(irregular, "irregular.csv").report.warnings
    assert "irregular (steps 1 to 2): 'a'" in warning
    # no time column: nothing to report
    assert parse_series_file(b"id,v\na,1\na,2\nb,3\nb,4\n", "no_time.csv").report.sampling == ""


def test_choices_render_the_keyword_or_the_control():
    assert choose("label_column", False).library() == "pass label_column=False"
    assert choose("label_column", False).page() == "write 'none' in *Label column*"
    assert choose("id_column", 0).page() == "write '0' in *Id column*"
    assert choose("header", True).page() == "choose 'yes' under *Header row*"
    assert choose("decimal", ",").page() == "choose 'comma' under *Decimal mark*"
    assert choose("max_series", 10).page() == "pass max_series=10"  # no control on the page
    exc = SeriesFileError("Bad. ", choose("missing", "skip"), ".")
    restored = type(exc)(*exc.parts)
    assert str(restored) == "Bad. pass missing='skip'." and restored.on_page() == exc.on_page()
