"""Malformed and edge-case upload files, each with its exact expected outcome.

``tests/data_corpus/expected.json`` maps every file of the corpus to either the exact error
message or the parsed result (layout, sizes, labels, names, values, skipped series, and
``series_in_file``: the number of series the file holds, counted by hand).
"""

import numpy as np
import pytest

from explorer.data import SeriesFileError, as_series_list, parse_series_file
from tests.data.upload_checks import CORPUS, EXPECTED, FILES, check_parsed, series_in_file


def test_corpus_is_complete_and_large_enough():
    assert sorted(EXPECTED) == FILES
    assert len(FILES) >= 30
    n_errors = sum("error" in e for e in EXPECTED.values())
    assert n_errors >= 15 and len(FILES) - n_errors >= 15
    assert all("series_in_file" in e for e in EXPECTED.values() if "error" not in e)


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(name):
    exp = EXPECTED[name]
    content = (CORPUS / name).read_bytes()
    if "error" in exp:
        with pytest.raises(SeriesFileError) as info:
            parse_series_file(content, name, **exp["kwargs"])
        assert str(info.value) == exp["error"]
        return
    res = parse_series_file(content, name, **exp["kwargs"])
    series = as_series_list(res.series)
    rep = res.report
    assert rep.layout == exp["layout"]
    assert len(series) == rep.n_series == exp["n_series"]
    assert [len(s) for s in series] == rep.lengths == exp["lengths"]
    assert rep.dimension == exp["dim"]
    assert res.names == exp["names"]
    if exp["labels"] is None:
        assert res.labels is None and rep.label_source is None
    else:
        assert res.labels.tolist() == exp["labels"]
    assert [[s.where, s.reason] for s in rep.skipped] == exp["skipped"]
    if exp["series"] is not None:
        for got, want in zip(series, exp["series"], strict=True):
            np.testing.assert_allclose(got, np.asarray(want), rtol=1e-12, atol=1e-12)
    text = rep.to_text()
    assert f"Series: {exp['n_series']} " in text
    for item in rep.skipped:
        assert f"{item.where}: {item.reason}" in text
    # never a silent drop: loaded + skipped series add up to the series of the file
    assert len(series) + len(rep.skipped) == exp["series_in_file"]
    assert series_in_file(content, rep) == exp["series_in_file"]  # the fuzz test's count
    check_parsed(res, content)
