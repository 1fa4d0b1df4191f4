"""CSV export for downloads, and its round trip through parse_series_file."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.data import (
    as_series_list,
    cylinder_bell_funnel,
    load_dataset,
    parse_series_file,
    series_to_csv,
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
