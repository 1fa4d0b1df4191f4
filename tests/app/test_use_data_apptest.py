"""The *k-means, live* and *Your data* pages under AppTest: default runs, widgets, uploads
(good and malformed files), charts that carry the core's numbers, and the hand-off."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import softdtw_core as sd
from explorer.data import (
    PAGE_CONTROLS,
    SeriesFileError,
    load_dataset,
    parse_series_file,
    series_to_csv,
    warped_copies,
)
from explorer.logic import collection, formatting, kmeans, your_data
from explorer.web import sidebar, widgets
from tests.data.messy_files import (
    NV_ROW,
    NV_STATION,
    semicolon_file,
    sensor_file,
    two_interval_file,
)

from .conftest import PAGES, assert_clean, assert_matrix, charts, decode, open_page, trace

CORPUS = Path(__file__).resolve().parents[1] / "data_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
GAMMA = 0.1  # the sidebar's default γ


def upload(at: AppTest, name: str, content: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="yd_file").upload(name, content, mime)
    at.run()
    return at


def _wide_file() -> bytes:
    ds = warped_copies(3, 30, templates=("sine", "square"), seed=4)
    return series_to_csv(ds.series, labels=ds.labels, names=[f"w{k}" for k in range(6)])


def _long_multivariate_file() -> bytes:
    rng = np.random.default_rng(0)
    series = [np.cumsum(rng.standard_normal((n, 2)), axis=0) for n in (25, 30, 18, 22)]
    return series_to_csv(series, labels=["a", "a", "b", "b"], names=list("pqrs"),
                         layout="long")


def _ts_multivariate_file() -> bytes:
    """A small UEA/sktime .ts file: 4 labelled cases, 3 dimensions, 16 to 24 points."""
    rng = np.random.default_rng(3)
    lines = ["# three-axis test data", "@problemName Axes", "@timeStamps false",
             "@univariate false", "@dimensions 3", "@equalLength false",
             "@classLabel true left right", "@data"]
    for k, n in enumerate((20, 16, 24, 18)):
        case = np.cumsum(rng.standard_normal((3, n)), axis=1).round(4)
        lines.append(":".join(",".join(map(repr, ch.tolist())) for ch in case)
                     + (":left" if k % 2 else ":right"))
    return ("\n".join(lines) + "\n").encode()


GOOD_FILES = {
    "wide": ("wide.csv", _wide_file),
    "long_multivariate": ("long.csv", _long_multivariate_file),
    "variable_length": ("ucr_nan_padded.tsv", lambda: (CORPUS / "ucr_nan_padded.tsv")
                        .read_bytes()),
    "corpus_long_multivariate": ("long_multivariate.csv",
                                 lambda: (CORPUS / "long_multivariate.csv").read_bytes()),
    "ts_multivariate": ("axes.ts", _ts_multivariate_file),
}
MALFORMED = ["binary_nul.bin", "empty.csv", "header_only.csv", "inf_value.csv",
             "interior_missing.csv", "long_duplicate_time.csv", "non_numeric_cell.csv",
             "report.pdf", "workbook.xlsx", "undecodable.csv", "all_length_one.csv",
             "ts_ragged_dimensions.ts", "ts_undeclared_label.ts"]


# --------------------------------------------------------------------------- k-means


def test_kmeans_default_run():
    at = open_page("kmeans")
    assert_clean(at)
    assert at.title[0].value == "k-means, live"
    assert at.latex
    assert at.selectbox(key="km_ds").value == "CBF"
    assert any("Press **Run k-means**" in i.value for i in at.info)
    assert not charts(at)  # nothing is drawn before a run


def test_kmeans_run_records_the_library_iterations():
    at = open_page("kmeans", {"km_k": 3, "gamma": "1", "km_seed": 2, "km_iter": 4,
                                "km_bary": 5, "km_init": "random"})
    assert_clean(at)
    at.button(key="km_run").click().run()
    assert_clean(at)
    X = load_dataset("CBF", "train")
    model = sd.SoftDTWKMeans(3, 1.0, init="random", random_state=2, max_iter=4,
                             barycenter_max_iter=5)
    expected = list(model.iterate(X.series))
    rec = at.session_state["km_record"]
    assert rec["done"] and len(rec["steps"]) == len(expected) >= 2
    for got, want in zip(rec["steps"], expected):
        assert got["iteration"] == want.iteration
        np.testing.assert_array_equal(got["labels"], want.labels)
        np.testing.assert_allclose(got["centers"], want.centers)
        assert got["inertia"] == pytest.approx(want.inertia)
    fitted = sd.SoftDTWKMeans(3, 1.0, init="random", random_state=2, max_iter=4,
                              barycenter_max_iter=5).fit(X.series)
    np.testing.assert_array_equal(rec["steps"][-1]["labels"], fitted.labels_)
    # the review shows the last iteration: metric, cluster centres and the objective curve
    last = expected[-1]
    assert at.metric[0].value == str(last.iteration)
    assert last.inertia < 0  # CBF at γ = 1: the page says why, next to the metric
    (why,) = [c.value for c in at.caption if c.value.startswith("Why negative")]
    assert why.startswith(f"Why negative ({formatting.number(last.inertia)})?")
    assert why.endswith("The DTW inertia (γ = 0) compares the methods.")
    clusters, progress = charts(at)[:2]
    for c in range(3):
        np.testing.assert_allclose(decode(trace(clusters, f"centre {c}", "scatter")["y"]),
                                   last.centers[c], rtol=1e-5)
    np.testing.assert_allclose(decode(trace(progress, "Σ dtw_γ", "scatter")["y"]),
                               [s.inertia for s in expected])
    changes = decode(trace(progress, "changed cluster", "bar")["y"])
    assert changes[0] == 0
    assert changes.tolist() == [0] + [int(np.sum(a.labels != b.labels))
                                      for a, b in zip(expected, expected[1:])]
    # comparison table: soft-DTW row from the record, baselines from the library
    table = at.dataframe[0].value
    assert list(table["method"]) == ["soft-DTW (γ = 1)", "DBA", "Euclidean"]
    assert table["adjusted Rand index"][0] == pytest.approx(
        kmeans.adjusted_rand_index(X.labels, fitted.labels_))
    dba = sd.DBAKMeans(3, init="random", random_state=2, max_iter=4).fit(X.series)
    assert table["DTW inertia Σ min_c dtw₀(xᵢ, c)"][1] == pytest.approx(dba.dtw_inertia_)
    assert table["adjusted Rand index"][1] == pytest.approx(
        kmeans.adjusted_rand_index(X.labels, dba.labels_))
    assert table["DTW inertia Σ min_c dtw₀(xᵢ, c)"][0] == pytest.approx(
        sd.dtw_inertia(X.series, fitted.cluster_centers_))
    assert all(re.fullmatch(r"[\d.]+ (µs|ms|s|min)", t) for t in table["time"])
    # step back through the record, then use the slider
    at.button(key="km_back").click().run()
    assert_clean(at)
    assert at.metric[0].value == str(expected[-2].iteration)
    at.select_slider(key="km_step").set_value(0).run()
    assert at.metric[0].value == "0"
    clusters = charts(at)[0]
    np.testing.assert_allclose(decode(trace(clusters, "centre 1", "scatter")["y"]),
                               expected[0].centers[1], rtol=1e-5)
    at.button(key="km_next").click().run()
    assert at.metric[0].value == "1"
    # downloads: the labels file lists every series with its clusters
    labels_csv = at.get("download_button")
    assert len(labels_csv) == 3


def test_kmeans_synthetic_source_and_changed_settings():
    at = open_page("kmeans", {"km_src": "synthetic", "km_gen": "warped", "km_per": 4,
                                "km_len": 32, "km_iter": 2, "km_k": 3})
    assert_clean(at)
    assert at.radio(key="km_src").value == "synthetic"
    at.button(key="km_run").click().run()
    assert_clean(at)
    assert at.session_state["km_record"]["done"]
    assert len(charts(at)) == 2
    at.number_input(key="km_seed").set_value(5).run()
    assert_clean(at)
    assert any("changed since this run" in c.value for c in at.caption)


def test_kmeans_on_uploaded_variable_length_series_with_caps():
    rng = np.random.default_rng(1)
    series = [np.sin(np.linspace(0, 6, int(n))) + 0.1 * rng.standard_normal(int(n))
              for n in rng.integers(20, 260, 160)]
    up = {"series": series, "names": [f"u{k}" for k in range(160)], "labels": None,
          "filename": "many.csv"}
    at = open_page("kmeans", {"km_src": "upload", "km_k": 2, "km_iter": 1, "km_bary": 2},
                       {sidebar.UPLOAD_KEY: up})
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    assert any("160 series" in w and "150" in w for w in warnings)
    assert any("resampled to 200 points" in w for w in warnings)
    at.button(key="km_run").click().run()
    assert_clean(at)
    # no empty cell: without labels no agreement column, Euclidean k-means not run says why
    table = at.dataframe[0].value
    assert list(table["method"]) == ["soft-DTW (γ = 0.1)", "DBA"]
    assert "adjusted Rand index" not in table.columns and not table.isna().any().any()
    assert any("Euclidean k-means was not run: it needs series of one length." in c.value
               and "no labels" in c.value for c in at.caption)
    rec = at.session_state["km_record"]
    assert len(rec["series"]) == 150
    inertia = rec["steps"][-1]["inertia"]
    explained = [c.value for c in at.caption if c.value.startswith("Why negative")]
    assert bool(explained) == (inertia < 0)


def test_kmeans_multivariate_dataset_draws_a_channel():
    at = open_page("kmeans", {"km_ds": "BasicMotions", "km_k": 2, "km_iter": 1,
                                "km_bary": 2, "km_channel": 3})
    assert_clean(at)
    at.button(key="km_run").click().run()
    assert_clean(at)
    rec = at.session_state["km_record"]
    centre = decode(trace(charts(at)[0], "centre 0", "scatter")["y"])
    np.testing.assert_allclose(centre, rec["steps"][-1]["centers"][0][:, 3], rtol=1e-5)


def test_kmeans_upload_source_without_upload_falls_back():
    at = open_page("kmeans", {"km_src": "upload"})
    assert_clean(at)
    assert [i.value for i in at.info][0] == sidebar.NO_UPLOAD_NOTICE
    # the bundled dataset's widgets, at their defaults, choose the series
    assert at.selectbox(key="km_ds").value == "CBF"
    assert at.segmented_control(key="km_split").value == "train"
    assert any(c.value.startswith("CBF (train):") and "30 series" in c.value
               for c in at.caption)


# --------------------------------------------------------------------------- your data


def test_your_data_default_run():
    at = open_page("your_data")
    assert_clean(at)
    assert at.title[0].value == "Your data"
    assert at.latex
    assert any("Upload a file" in i.value for i in at.info)
    assert any("never written into the page address" in c.value for c in at.caption)


def _check_pair_charts(at: AppTest, parsed, i: int, j: int) -> None:
    specs = charts(at)
    assert len(specs) == 4
    x = np.asarray(parsed.series[i], dtype=float)
    y = np.asarray(parsed.series[j], dtype=float)
    t = sd.soft_dtw_tables(x, y, GAMMA)
    assert_matrix(trace(specs[0], "Δ")["z"], t.cost)
    assert_matrix(trace(specs[1], "E")["z"], t.E, atol=1e-6)
    _, path = sd.dtw_path(x, y)
    hard = trace(specs[1], "hard DTW path", "scatter")
    assert decode(hard["y"]).astype(int).tolist() == [p[0] for p in path]
    assert at.metric[1].value == f"{t.value:.6g}"
    M = sd.soft_dtw_cdist(parsed.series, gamma=GAMMA, divergence=True)  # the default matrix
    order = collection.cluster_order(M, raw=False)
    assert specs[3]["layout"]["meta"]["order"] == order.tolist()
    assert_matrix(trace(specs[3], "D_γ")["z"], M[np.ix_(order, order)], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", list(GOOD_FILES))
def test_good_upload_shows_report_and_alignment(case):
    name, make = GOOD_FILES[case]
    content = make()
    at = upload(open_page("your_data"), name, content)
    assert_clean(at)
    parsed = parse_series_file(content, name)
    assert at.code[0].value == parsed.report.to_text()  # the report, verbatim
    _check_pair_charts(at, parsed, 0, 1)
    # another pair
    last = len(parsed.series) - 1
    at.number_input(key="yd_j").set_value(last).run()
    assert_clean(at)
    _check_pair_charts(at, parsed, 0, last)


def _page_error(content: bytes, name: str, **kwargs) -> str:
    """The parser's message for a refused file, as the page renders it."""
    with pytest.raises(SeriesFileError) as info:
        parse_series_file(content, name, **kwargs)
    return info.value.on_page()


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_upload_shows_the_data_layer_message(name):
    content = (CORPUS / name).read_bytes()
    at = upload(open_page("your_data"), name, content, "application/octet-stream")
    assert not at.exception
    assert [e.value for e in at.error] == [_page_error(content, name)]
    assert "missing=" not in at.error[0].value  # the page names its controls, not keywords
    assert not charts(at) and not at.code


def test_multivariate_ts_upload_and_handoff():
    content = _ts_multivariate_file()
    at = upload(open_page("your_data"), "axes.ts", content, "application/octet-stream")
    assert_clean(at)
    report = at.code[0].value
    assert report == parse_series_file(content, "axes.ts").report.to_text()
    assert "Layout: UEA/sktime .ts (one case per line, ':' between dimensions), detected; " \
           "problem name: Axes" in report
    assert "Series: 4 (multivariate, 3 channels, dimension 3)" in report
    assert "Lengths: min 16, median 19, max 24 (variable length)" in report
    at.number_input(key="yd_channel").set_value(2).run()
    assert_clean(at)
    at.button(key="yd_offer").click().run()
    assert_clean(at)
    up = at.session_state[sidebar.UPLOAD_KEY]
    assert [s.shape for s in up["series"]] == [(20, 3), (16, 3), (24, 3), (18, 3)]
    assert up["labels"].tolist() == ["right", "left", "right", "left"]
    assert up["names"] == ["case 1", "case 2", "case 3", "case 4"]
    # the layout override reaches the parser; a tabular override is refused with the reason
    at.selectbox(key="yd_layout").set_value("ts").run()
    assert_clean(at)
    assert "UEA/sktime .ts (one case per line, ':' between dimensions), as requested" in \
        at.code[0].value
    at.selectbox(key="yd_delim").set_value("comma").run()
    assert [e.value for e in at.error] == [
        "delimiter cannot be used with the ts layout: a .ts file declares its own structure "
        "(':' between dimensions, ',' between values, the label last). Leave it to be "
        "detected, or choose another layout."]


def test_reading_options_reach_the_parser():
    at = open_page("your_data")
    # a decimal comma with values split on spaces: refused as detected (the parser's message
    # names the delimiter), read with delimiter = whitespace
    name = "space_decimal_comma_override.txt"
    content = (CORPUS / name).read_bytes()
    upload(at, name, content, "text/plain")
    assert [e.value for e in at.error] == [_page_error(content, name)]
    assert at.error[0].value.endswith("choose it under *Delimiter*.")
    at.selectbox(key="yd_delim").set_value("whitespace").run()
    assert_clean(at)
    assert at.code[0].value == parse_series_file(content, name,
                                                 delimiter="whitespace").report.to_text()
    at.selectbox(key="yd_delim").set_value("auto").run()
    # missing values: refused, then interpolated
    name = "interior_missing.csv"
    content = (CORPUS / name).read_bytes()
    upload(at, name, content)
    assert [e.value for e in at.error] == [_page_error(content, name)]
    at.radio(key="yd_missing").set_value("interpolate").run()
    assert_clean(at)
    expected = parse_series_file(content, name, missing="interpolate")
    assert at.code[0].value == expected.report.to_text()
    assert "nterpolated" in at.code[0].value
    # label column, z-normalisation and the layout override
    name = "override_label_column.csv"
    content = (CORPUS / name).read_bytes()
    upload(at, name, content)
    assert "Labels: none" in at.code[0].value
    at.radio(key="yd_missing").set_value("error")
    at.text_input(key="yd_label").input("0")
    at.toggle(key="yd_znorm").set_value(True)
    at.selectbox(key="yd_layout").set_value("wide").run()
    assert_clean(at)
    expected = parse_series_file(content, name, label_column=0, znormalize=True, layout="wide")
    assert at.code[0].value == expected.report.to_text()
    assert "as requested" in at.code[0].value and "z-normalised" in at.code[0].value


def test_sample_file_handoff_to_the_other_pages():
    at = open_page("your_data")
    sample = at.get("download_button")[0]
    assert sample.proto.label == "Download a sample CSV"
    at.button(key="yd_try").click().run()
    assert_clean(at)
    assert at.code[0].value.startswith("File: soft-dtw-sample.csv")
    assert len(charts(at)) == 4
    at.button(key="yd_offer").click().run()
    assert_clean(at)
    up = at.session_state[sidebar.UPLOAD_KEY]
    assert len(up["series"]) == 9 and up["filename"] == "soft-dtw-sample.csv"
    assert at.radio(key="src").value == "upload"  # the sidebar follows
    shown = widgets.escape_markdown("soft-dtw-sample.csv")
    assert any(shown in c.value for c in at.sidebar.caption)
    # the Learn pages and k-means now see the uploaded series
    at.switch_page(PAGES["cost_table"])
    at.run()
    assert_clean(at)
    assert at.metric[0].value.replace(" ", "") == "64×64"
    at.switch_page(PAGES["kmeans"])
    at.run()
    at.radio(key="km_src").set_value("upload").run()
    assert_clean(at)
    # the file name is Markdown-escaped (user text is never interpreted as Markdown)
    assert any(r"soft\-dtw\-sample\.csv: 9 uploaded series" in c.value for c in at.caption)
    # and it can be withdrawn
    at.switch_page(PAGES["your_data"])
    at.run()
    at.button(key="yd_clear").click().run()
    assert sidebar.UPLOAD_KEY not in at.session_state


def test_divergence_matrix_single_series_and_url():
    at = open_page("your_data", {"yd_kind": "divergence", "yd_i": 2, "yd_j": 0})
    at.button(key="yd_try").click().run()
    assert_clean(at)
    assert at.number_input(key="yd_i").value == 2
    parsed = parse_series_file(your_data.sample_csv(), "soft-dtw-sample.csv")
    D = sd.soft_dtw_cdist(parsed.series, gamma=GAMMA, divergence=True)
    order = collection.cluster_order(D, raw=False)
    assert_matrix(trace(charts(at)[3], "D_γ")["z"], D[np.ix_(order, order)], atol=1e-5)
    # a file with one series: the pair is the series with itself, the matrix is 1 × 1
    name = "single_column.txt"
    upload(at, name, (CORPUS / name).read_bytes(), "text/plain")
    assert_clean(at)
    assert len(charts(at)) == 4



def test_the_matrix_defaults_to_the_divergence_and_explains_negative_raw_values():
    at = open_page("your_data")
    at.button(key="yd_try").click().run()
    assert_clean(at)
    parsed = parse_series_file(your_data.sample_csv(), "soft-dtw-sample.csv")
    D = sd.soft_dtw_cdist(parsed.series, gamma=GAMMA, divergence=True)
    order = collection.cluster_order(D, raw=False)
    assert_matrix(trace(charts(at)[3], "D_γ")["z"], D[np.ix_(order, order)], atol=1e-5)
    assert D.min() >= -1e-9  # non-negative, as the control's help says
    assert not any(c.value.startswith("Why negative") for c in at.caption)
    at.segmented_control(key="yd_kind").set_value("raw").run()
    assert_clean(at)
    R = sd.soft_dtw_cdist(parsed.series, gamma=GAMMA)
    assert R.min() < 0  # the sample has negative dtw_γ: the page says why, in place
    (why,) = [c.value for c in at.caption if c.value.startswith("Why negative")]
    assert why.startswith(f"Why negative ({formatting.number(R.min())})?")
    assert "Choose **divergence**" in why


def test_user_text_is_never_interpreted():
    names = ["<b>bold</b>", "[link](https://x.example)", ":red[x] $y$"]
    content = series_to_csv([np.sin(np.linspace(0, 3, n)) for n in (12, 15, 9)], names=names)
    at = upload(open_page("your_data"), "<i>evil</i>.csv", content)
    assert_clean(at)
    assert all(not m.proto.allow_html for m in at.markdown)
    pair = [m.value for m in at.markdown if m.value.startswith("x = ")][0]
    assert r"\<b\>bold\</b\>" in pair and r"\[link\]\(https\:" in pair
    ticks = charts(at)[3]["layout"]["xaxis"]["ticktext"]
    assert all("<" not in t for t in ticks)
    at.button(key="yd_offer").click().run()
    assert_clean(at)
    assert any(r"\<i\>evil\</i\>\.csv" in c.value for c in at.caption)
    assert all(not m.proto.allow_html for m in [*at.markdown, *at.caption])


# --------------------------------------------------------------------------- real files


def test_the_analysts_sensor_file_is_read_with_its_ids_and_the_id_column_control():
    content, values, ids, labels = sensor_file()
    at = upload(open_page("your_data"), "sensors.csv", content)
    assert_clean(at)
    report = at.code[0].value
    assert report == parse_series_file(content, "sensors.csv").report.to_text()
    assert "Series: 20 (univariate, dimension 1)" in report
    assert "Series names taken from column 1 ('sensor_id')." in report
    assert "Labels: from column 2 ('label'); 2 distinct: fan (7), pump (13)" in report
    assert any("x = **S00** (48 points) · y = **S01** (48 points)" in m.value
               for m in at.markdown)
    # the id column control: its label is the one the parser's messages name
    box = at.text_input(key="yd_id")
    assert box.label == "Id column" == PAGE_CONTROLS["id_column"].label
    box.input("t0").run()
    assert_clean(at)
    assert at.code[0].value == parse_series_file(content, "sensors.csv",
                                                 id_column="t0").report.to_text()
    assert "Series names taken from column 3 ('t0')." in at.code[0].value
    assert "Lengths: min 47, median 47, max 47" in at.code[0].value
    at.text_input(key="yd_id").input("sensor_id").run()
    at.button(key="yd_offer").click().run()
    assert_clean(at)
    up = at.session_state[sidebar.UPLOAD_KEY]
    assert up["names"] == ids and up["labels"].tolist() == labels
    np.testing.assert_array_equal(up["series"], values)


def test_an_nv_cell_under_each_missing_value_policy():
    content, values, stations = semicolon_file()
    at = upload(open_page("your_data"), "messstellen.csv", content)
    assert not at.exception and not at.code
    (error,) = at.error
    assert error.value == (f"Row {NV_ROW}, column 8 ('h6'): 'n.v.' is not a number. Correct "
                           "it, or count such cells as missing values: choose 'interpolate' "
                           "or 'skip' under *Missing values inside a series*.")
    radio = at.radio(key="yd_missing")
    assert radio.label == "Missing values inside a series"
    assert radio.options == ["error", "interpolate", "skip"]
    radio.set_value("interpolate").run()
    assert_clean(at)
    interpolated = parse_series_file(content, "messstellen.csv", missing="interpolate")
    assert at.code[0].value == interpolated.report.to_text()
    assert "Interpolated 1 missing value linearly in 1 series: 'B-03'" in at.code[0].value
    at.radio(key="yd_missing").set_value("skip").run()
    assert_clean(at)
    report = at.code[0].value
    assert report == parse_series_file(content, "messstellen.csv",
                                       missing="skip").report.to_text()
    assert "Series: 4 (univariate, dimension 1)" in report
    assert (f"  - row {NV_ROW} ('{NV_STATION}'): 1 missing value inside the series, at row "
            f"{NV_ROW}, column 8 ('h6') = 'n.v.'") in report
    at.button(key="yd_offer").click().run()
    up = at.session_state[sidebar.UPLOAD_KEY]
    assert up["names"] == [s for s in stations if s != NV_STATION]
    np.testing.assert_array_equal(up["series"], np.delete(values, 2, axis=0))


def test_a_long_file_with_two_sampling_intervals_is_warned_about():
    content, values = two_interval_file()
    at = upload(open_page("your_data"), "stations.csv", content)
    assert_clean(at)
    parsed = parse_series_file(content, "stations.csv")
    assert at.code[0].value == parsed.report.to_text()
    assert "Sampling: from column 2 ('time'): every 1 min: 'north', 'east'; every 2 min: " \
           "'south'" in at.code[0].value
    assert [w.value for w in at.warning][:1] == parsed.report.warnings
    assert "Resample them to one interval" in at.warning[0].value


def _long_pair_file() -> tuple[bytes, list[np.ndarray]]:
    """Two series past the full pair view's cap (1,300 and 1,100 points) and a short one."""
    rng = np.random.default_rng(11)
    series = [np.round(np.cumsum(rng.standard_normal(n)) / 10, 4) for n in (1300, 1100, 40)]
    return series_to_csv(series, names=["long_a", "long_b", "short"]), series


def test_a_long_pair_is_aligned_whole_as_block_averaged_e():
    content, series = _long_pair_file()
    at = upload(open_page("your_data"), "long.csv", content)
    assert_clean(at)
    x, y = series[0], series[1]
    assert max(len(x), len(y)) > your_data.PAIR_FULL_MAX
    b = your_data.block_size_for(len(x), len(y))
    value, blocks = sd.soft_dtw_alignment(x, y, GAMMA, block_size=(b, b))
    specs = charts(at)
    assert len(specs) == 2  # the block-averaged E and the pairwise matrix: no Δ, no matches
    heat = trace(specs[0], "block mean of E")
    assert_matrix(heat["z"], blocks, rtol=1e-5, atol=1e-7)
    assert specs[0]["layout"]["meta"] == {"block": b, "shape": [1300, 1100]}
    assert decode(heat["x"])[0] == pytest.approx((b - 1) / 2)  # the first block's centre
    metrics = {m.label: m.value for m in at.metric}
    assert any("(1,300 × 1,100 = 1,430,000 cells)" in i.value for i in at.info)
    assert metrics[f"dtw_γ at γ = {GAMMA}"] == formatting.number(value)
    assert metrics["Each cell averages"] == f"{b} × {b} cells"
    assert any(f"each cell averages {b} × {b} cells" in i.value for i in at.info)
    assert not [e for e in at.button if e.key == "yd_long_cancel"]  # the job is done
    # a short pair keeps the full view: Δ, E with the hard path, the matches
    at.number_input(key="yd_i").set_value(2).run()
    at.number_input(key="yd_j").set_value(2).run()
    assert_clean(at)
    assert [t.get("name") for t in charts(at)[1]["data"]][:1] == ["E"]
    assert len(charts(at)) == 4


def test_a_cancelled_long_pair_waits_for_align_this_pair():
    content, series = _long_pair_file()
    from explorer.web import memo

    ident = memo.cache_key(series[0], series[1], GAMMA, "sqeuclidean", None)
    at = open_page("your_data", state={"yd_long_stopped": ident})
    at = upload(at, "long.csv", content)
    assert_clean(at)
    assert len(charts(at)) == 1  # only the pairwise matrix
    assert any("You cancelled this alignment." in c.value for c in at.caption)
    at.button(key="yd_long_run").click().run()
    assert_clean(at)
    assert trace(charts(at)[0], "block mean of E")
    assert "yd_long_stopped" not in at.session_state


def test_a_text_value_in_a_ts_file_under_each_missing_value_policy():
    content = (b"@problemName Text\n@classLabel true a b\n@data\n"
               b"1,2,n.v.,4,5:a\n2,3,4,5,6:b\n3,4,5,6,7:a\n")
    at = upload(open_page("your_data"), "text.ts", content, "application/octet-stream")
    (error,) = at.error
    assert error.value == ("Line 4 (case 1), dimension 1, value 3: 'n.v.' is not a number. "
                           "Correct it, or count such values as missing: choose 'interpolate' "
                           "or 'skip' under *Missing values inside a series*.")
    at.radio(key="yd_missing").set_value("interpolate").run()
    assert_clean(at)
    assert at.code[0].value == parse_series_file(content, "text.ts",
                                                 missing="interpolate").report.to_text()
    assert "line 4, dimension 1, value 3: 'n.v.'" in at.code[0].value
    at.radio(key="yd_missing").set_value("skip").run()
    assert_clean(at)
    assert "Series: 2 (univariate" in at.code[0].value
    assert "value 3 = 'n.v.'" in at.code[0].value


def test_a_series_past_the_length_cap_is_refused_with_what_to_do_on_the_page():
    content = (",".join(["1.5"] * 20_001) + "\n" + ",".join(["2.5"] * 30) + "\n").encode()
    at = upload(open_page("your_data"), "too_long.csv", content)
    assert not at.exception
    (error,) = at.error
    assert error.value == _page_error(content, "too_long.csv")
    assert "This page reads series of at most 20,000 points" in error.value
    assert "max_length" not in error.value
