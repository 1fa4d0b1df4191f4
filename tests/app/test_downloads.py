"""CSV downloads: matrices with labels and infinities, series that upload back unchanged."""

import numpy as np
import pytest

from explorer.data import parse_series_file
from explorer.downloads import matrix_csv, series_csv, table_csv


def test_matrix_csv_writes_labels_and_infinities():
    R = np.array([[0.0, np.inf], [np.inf, 1.25]])
    text = matrix_csv(R, row_labels=["i=0", "i=1"], col_labels=["j=0", "j=1"]).decode()
    assert text.splitlines() == [",j=0,j=1", "i=0,0.0,inf", "i=1,inf,1.25"]
    assert matrix_csv(np.eye(2)).decode().splitlines() == ["1.0,0.0", "0.0,1.0"]
    with pytest.raises(ValueError, match="2 dimensions"):
        matrix_csv(np.zeros(3))


def test_series_csv_round_trips_through_the_upload_parser():
    rng = np.random.default_rng(0)
    series = [rng.normal(size=n) for n in (5, 8, 3)]
    parsed = parse_series_file(series_csv(series, labels=[1, 2, 1]), "bary.csv")
    assert len(parsed.series) == 3
    for a, b in zip(series, parsed.series):
        np.testing.assert_array_equal(np.ravel(a), np.ravel(b))
    assert list(parsed.labels) == [1, 2, 1]


def test_table_csv():
    text = table_csv({"series": ["a", "b"], "cluster": [0, 2], "dtw": [1.5, np.inf]}).decode()
    assert text.splitlines() == ["series,cluster,dtw", "a,0,1.5", "b,2,inf"]
    with pytest.raises(ValueError, match="same length"):
        table_csv({"a": [1], "b": [1, 2]})
