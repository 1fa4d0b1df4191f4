"""CSV export for downloads: series and their round trip through parse_series_file, matrices
with labels and infinities, tables."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.data import (
    as_series_list,
    cylinder_bell_funnel,
    load_dataset,
    matrix_csv,
    parse_series_file,
    series_to_csv,
    table_csv,
)


def _roundtrip(series, labels=None, names=None, **kw):
    res = parse_series_file(series_to_csv(series, labels, names, **kw), "export.csv")
    got, want = as_series_list(res.series), as_series_list(series)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    if labels is not None:
        np.testing.assert_array_equal(res.labels, labels)
    if names is not None:
        assert res.names == [str(n) for n in names]
    return res


@pytest.mark.parametrize("name", ["GunPoint", "PickupGestureWiimoteZ", "BasicMotions"])
def test_bundled_roundtrip(name):
    X, y, _ = load_dataset(name, "train")
    res = _roundtrip(X, y)
    assert res.report.layout == ("long" if name == "BasicMotions" else "wide")


def test_names_and_generated():
    ds = cylinder_bell_funnel(3, 40, seed=1)
    _roundtrip(ds.series, ds.labels, [f"cbf, #{i}" for i in range(9)])
    _roundtrip(ds.series[:, :, None].repeat(2, axis=2), None, None)
    _roundtrip(ds.series, None, None, layout="long")


def test_export_errors():
    with pytest.raises(ValueError, match="labels"):
        series_to_csv(np.zeros((2, 3)), labels=[1])
    with pytest.raises(ValueError, match="long layout"):
        series_to_csv(np.zeros((2, 3, 2)), layout="wide")


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(finite, min_size=2, max_size=12), min_size=1, max_size=6),
       st.booleans())
def test_roundtrip_property(rows, with_labels):
    series = [np.asarray(r) for r in rows]
    labels = np.arange(len(series)) % 3 if with_labels else None
    _roundtrip(series, labels)


def test_matrix_csv_writes_labels_and_infinities():
    R = np.array([[0.0, np.inf], [np.inf, 1.25]])
    text = matrix_csv(R, row_labels=["i=0", "i=1"], col_labels=["j=0", "j=1"]).decode()
    assert text.splitlines() == [",j=0,j=1", "i=0,0.0,inf", "i=1,inf,1.25"]
    assert matrix_csv(np.eye(2)).decode().splitlines() == ["1.0,0.0", "0.0,1.0"]
    corner = matrix_csv([[0.1, np.nan]], row_labels=["a"], col_labels=["b", "c"],
                        corner="series").decode()
    assert corner.splitlines() == ["series,b,c", "a,0.1,"]
    with pytest.raises(ValueError, match="2 dimensions"):
        matrix_csv(np.zeros(3))
    with pytest.raises(ValueError, match="3 column labels for 2 columns"):
        matrix_csv(np.eye(2), col_labels=["a", "b", "c"])


def test_table_csv():
    text = table_csv({"series": ["a", "b"], "cluster": [0, 2], "dtw": [1.5, np.inf]}).decode()
    assert text.splitlines() == ["series,cluster,dtw", "a,0,1.5", "b,2,inf"]
    # floats keep every digit (the shortest exact text), so they read back equal
    value = 0.1 + 0.2
    assert float(table_csv({"v": [np.float64(value)]}).decode().splitlines()[1]) == value
    with pytest.raises(ValueError, match="same length"):
        table_csv({"a": [1], "b": [1, 2]})
