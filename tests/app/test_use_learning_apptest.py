"""The Interpolation, Barycenters and Prediction pages under AppTest, against softdtw_core.

Charts are decoded from their Plotly specs and compared with the library's results for the
same inputs; downloads are captured from Streamlit's in-memory media storage and parsed back.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import softdtw_core as sd
from explorer.data import bump_pair, load_dataset, parse_series_file, sine_pair, warped_copies
from explorer.logic import barycenters, common, interpolation, prediction
from explorer.web import memo, sidebar
from explorer.web.cached import barycenters as cached
from explorer.web.progress import LiveProgress

from .conftest import assert_clean, decode, downloaded, open_page

SMALL_PAIR = {"src": "synthetic", "gen": "sine", "n": 24, "m": 30}
SMALL_WARPED = {"bc_src": "warped copies", "bc_n": 6, "bc_len": 40}
UPLOAD_TINY = {"series": [np.array([0.5]), np.array([0.0, 1.0, 2.0, 1.0, 0.0]),
                          np.array([2.0, -1.0])],
               "names": ["one point", "five points", "two points"], "labels": None,
               "filename": "tiny.csv"}
UPLOAD_LABELLED = {"series": [np.sin(np.linspace(0, 3, 20) + k / 5) for k in range(6)],
                   "names": [f"s{k}" for k in range(6)], "labels": np.array(["a", "b"] * 3),
                   "filename": "labelled.csv"}
UPLOAD_MIXED_DIM = {"series": [np.zeros((5, 2)), np.ones(4)], "names": ["a", "b"],
                    "labels": None, "filename": "mixed.csv"}


def specs(at: AppTest) -> dict:
    """Plotly specs of the page's charts by widget key (``interp_chart``, ``bary_chart``…)."""
    return {el.proto.id.rsplit("-", 1)[-1]: json.loads(el.proto.spec)
            for el in at.get("plotly_chart")}


def traces(spec: dict, name: str) -> list[dict]:
    found = [t for t in spec["data"] if t.get("name") == name]
    assert found, f"no trace {name!r} in {[t.get('name') for t in spec['data']]}"
    return found


def ys(trace: dict) -> np.ndarray:
    return decode(trace["y"]).astype(np.float64)


def frame(spec: dict, label: str) -> dict:
    found = [f for f in spec["frames"] if f["name"] == label]
    assert found, f"no frame {label!r}"
    return found[0]


def small_pair():
    d = sidebar.DEFAULTS
    kw = {"shift": d["shift"], "warp": d["warp"], "noise": d["noise"], "seed": d["seed"]}
    return sine_pair(SMALL_PAIR["n"], **kw)[0], sine_pair(SMALL_PAIR["m"], **kw)[1]


# --------------------------------------------------------------------------- interpolation


def test_interpolation_default_page():
    at = open_page("interpolation")
    assert_clean(at)
    assert at.title[0].value == "Interpolation" and at.latex
    spec = specs(at)["interp_chart"]
    assert len(spec["frames"]) == interpolation.LAMBDA_STEPS
    slider = spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]][:3] == ["0.00", "0.05", "0.10"]
    assert slider["steps"][slider["active"]]["label"] == "0.50"
    assert slider["steps"][0]["method"] == "animate"  # client-side frames, not reruns
    # the default pair, two shifted bumps, drawn faintly, unchanged
    d = sidebar.DEFAULTS
    x = bump_pair(d["n"], shift=d["shift"], noise=d["noise"], seed=d["seed"])[0]
    np.testing.assert_allclose(ys(traces(spec, "x (weight λ)")[0]), x, atol=1e-5)
    # what the text promises at λ = 0.5: the Euclidean interpolant is two half-height
    # ghosts (two runs above 0.3, each at most 0.6 high), the soft-DTW one a single bump
    soft, eucl = frame(spec, "0.50")["data"]

    def bumps(s):
        above = ys(s) > 0.3
        return int(above[0] + np.sum(above[1:] & ~above[:-1]))

    assert bumps(eucl) == 2 and ys(eucl).max() < 0.6
    assert bumps(soft) == 1 and ys(soft).max() > 0.9


def test_interpolation_frames_are_the_libraries_path():
    at = open_page("interpolation", SMALL_PAIR)
    assert_clean(at)
    spec = specs(at)["interp_chart"]
    x, y = small_pair()
    lams = np.linspace(0, 1, interpolation.LAMBDA_STEPS)
    with common.numba_threads(1):
        path = sd.interpolation_path(x, y, lams, 0.1, max_iter=interpolation.INTERP_MAX_ITER)
    for k in (0, 7, 10, 20):
        f = frame(spec, f"{lams[k]:.2f}")
        soft, eucl = f["data"]
        np.testing.assert_allclose(ys(soft), path[k].solution, atol=2e-4)
        np.testing.assert_allclose(ys(eucl), sd.euclidean_interpolation(
            x, y, lams[k], length=len(path[k].solution)), atol=1e-5)
        assert f["traces"] == [2, 5]
    # the figure opens on λ = 0.5: its traces are that frame's
    np.testing.assert_allclose(ys(spec["data"][2]), path[10].solution, atol=2e-4)


def test_interpolation_objective_and_gamma_widgets():
    at = open_page("interpolation", SMALL_PAIR)
    raw = ys(frame(specs(at)["interp_chart"], "0.50")["data"][0])
    at.segmented_control(key="ip_obj").set_value("divergence").run()
    assert_clean(at)
    spec = specs(at)["interp_chart"]
    x, y = small_pair()
    # with the divergence the endpoints are exact: X_1 = x, X_0 = y
    np.testing.assert_allclose(ys(frame(spec, "1.00")["data"][0]), x, atol=1e-4)
    np.testing.assert_allclose(ys(frame(spec, "0.00")["data"][0]), y, atol=1e-4)
    div = ys(frame(spec, "0.50")["data"][0])
    assert not np.allclose(div, raw, atol=1e-3)
    at.sidebar.select_slider(key="gamma").set_value("1").run()
    assert_clean(at)
    spec = specs(at)["interp_chart"]
    assert "γ = 1" in spec["layout"]["annotations"][0]["text"]
    with common.numba_threads(1):
        ref = sd.interpolate(x, y, 0.0, 1.0, objective="divergence")
    np.testing.assert_allclose(ys(frame(spec, "0.00")["data"][0]), ref.solution, atol=1e-4)


def test_interpolation_caps_long_series():
    at = open_page("interpolation", {"src": "dataset", "ds": "Trace", "i": 0, "j": 3})
    assert not at.exception and not at.error
    assert any("resampled to 150" in w.value for w in at.warning)
    spec = specs(at)["interp_chart"]
    assert all(len(ys(f["data"][0])) <= interpolation.INTERP_MAX_LENGTH for f in spec["frames"])


def test_interpolation_multivariate_channel():
    at = open_page("interpolation", {"src": "dataset", "ds": "BasicMotions", "i": 0, "j": 5})
    assert_clean(at)
    at.number_input(key="ip_ch").set_value(3).run()
    assert_clean(at)
    x = load_dataset("BasicMotions", "train").series[0]
    spec = specs(at)["interp_chart"]
    np.testing.assert_allclose(ys(traces(spec, "x (weight λ)")[0]), x[:, 3], atol=1e-5)


@pytest.mark.parametrize("query,session", [
    ({"src": "upload", "ui": 0, "uj": 1}, {sidebar.UPLOAD_KEY: UPLOAD_TINY}),  # 1 point vs 5
    ({"src": "upload", "ui": 0, "uj": 0}, {sidebar.UPLOAD_KEY: UPLOAD_TINY}),  # 1 vs 1
    ({**SMALL_PAIR, "gamma": "0"}, {}),
    ({**SMALL_PAIR, "band_on": "true", "band": 3}, {}),
], ids=["length-one", "both-length-one", "gamma-zero", "band"])
def test_interpolation_edge_inputs(query, session):
    at = open_page("interpolation", query, session)
    assert_clean(at)
    assert specs(at)["interp_chart"]["frames"]


def test_interpolation_bad_inputs_show_a_message():
    at = open_page("interpolation", {"src": "upload", "ui": 0, "uj": 1},
                   {sidebar.UPLOAD_KEY: UPLOAD_MIXED_DIM})
    assert not at.exception
    assert any("same dimension" in e.value for e in at.error)
    at = open_page("interpolation", {**SMALL_PAIR, "cost": "absolute", "ip_obj": "nonsense"})
    assert_clean(at)
    assert any("squared Euclidean" in i.value for i in at.info)
    assert at.segmented_control(key="ip_obj").value == "raw"


def test_interpolation_downloads(media):
    at = open_page("interpolation", SMALL_PAIR)
    parsed = parse_series_file(downloaded(at, media, "ip_dl_series"), "interpolants.csv")
    assert len(parsed.series) == 2 * interpolation.LAMBDA_STEPS
    assert parsed.names[0] == "softdtw lambda=0.00"
    assert parsed.names[interpolation.LAMBDA_STEPS] == "euclidean lambda=0.00"
    spec = specs(at)["interp_chart"]
    np.testing.assert_allclose(np.ravel(parsed.series[10]),
                               ys(frame(spec, "0.50")["data"][0]), atol=1e-5)
    table = downloaded(at, media, "ip_dl_table").decode().splitlines()
    assert table[0] == "lambda,objective,iterations,length"
    assert len(table) == interpolation.LAMBDA_STEPS + 1


# --------------------------------------------------------------------------- barycenters


def _members_gunpoint_class1():
    ds = load_dataset("GunPoint", "train")
    return [s for s, lab in zip(ds.series, ds.labels) if str(lab) == "1"]


def test_barycenters_default_page_matches_the_library():
    at = open_page("barycenters")
    assert_clean(at)
    assert at.title[0].value == "Barycenters" and at.latex
    members = _members_gunpoint_class1()
    spec = specs(at)["bary_chart"]
    assert traces(spec, f"members ({len(members)})")
    with common.numba_threads(1):
        ref = sd.softdtw_barycenter(members, 0.1, init="euclidean", objective="softdtw",
                                    max_iter=barycenters.BARYCENTER_MAX_ITER, random_state=0)
        dba = sd.dba_barycenter(members, max_iter=barycenters.BARYCENTER_MAX_ITER, random_state=0)
    soft = ys(traces(spec, "soft-DTW (γ = 0.1)")[0])
    np.testing.assert_allclose(soft, ref.solution, atol=1e-4)
    np.testing.assert_allclose(ys(traces(spec, "DBA")[0]), dba.solution, atol=1e-4)
    np.testing.assert_allclose(ys(traces(spec, "Euclidean mean")[0]),
                               sd.euclidean_barycenter(members), atol=1e-5)
    table = at.dataframe[0].value
    assert list(table["method"]) == ["Euclidean mean", "DBA", "soft-DTW (γ = 0.1)"]
    assert {"DTW loss (γ = 0)", "run time (s)", "iterations", "converged"} <= set(table.columns)
    loss = [float(v) for v in table["DTW loss (γ = 0)"]]  # shown with 5 significant digits
    np.testing.assert_allclose(loss[2], sd.dtw_loss(ref.solution, members), rtol=1e-4)
    np.testing.assert_allclose(loss[0], sd.dtw_loss(sd.euclidean_barycenter(members), members),
                               rtol=1e-4)
    # DBA and soft-DTW beat the point-by-point mean on the DTW loss
    assert loss[1] < loss[0] and loss[2] < loss[0]
    trace_spec = specs(at)["bary_trace"]
    objs = np.concatenate([ys(t) for t in trace_spec["data"]
                           if t.get("mode") == "markers" and t["xaxis"] == "x"])
    np.testing.assert_allclose(np.sort(objs), np.sort([s.objective for s in ref.history]),
                               rtol=1e-5)


def test_barycenters_warped_copies_objective_and_init():
    at = open_page("barycenters", SMALL_WARPED)
    assert_clean(at)
    ds = warped_copies(6, 40, templates=("sine",), warp=0.3, noise=0.1, seed=0)
    spec = specs(at)["bary_chart"]
    np.testing.assert_allclose(ys(traces(spec, "true template")[0]), ds.metadata["templates"][0],
                               atol=1e-6)
    table = at.dataframe[0].value
    assert list(table["method"])[-1] == "true template (reference)"
    at.segmented_control(key="bc_obj").set_value("divergence").run()
    assert_clean(at)
    with common.numba_threads(1):
        ref = sd.softdtw_barycenter(ds.series, 0.1, objective="divergence",
                                    max_iter=barycenters.BARYCENTER_MAX_ITER, random_state=0)
    np.testing.assert_allclose(ys(traces(specs(at)["bary_chart"], "soft-DTW (γ = 0.1)")[0]),
                               ref.solution, atol=1e-4)
    for init in ("medoid", "random"):
        at.selectbox(key="bc_init").set_value(init).run()
        assert_clean(at)
        assert len(at.dataframe[0].value) == 4


def test_barycenters_dataset_and_class_widgets():
    at = open_page("barycenters", SMALL_WARPED)
    at.segmented_control(key="bc_src").set_value("dataset").run()
    at.selectbox(key="bc_ds").set_value("CBF").run()
    assert_clean(at)
    assert at.selectbox(key="bc_class").options == ["1", "2", "3"]
    at.selectbox(key="bc_class").set_value("3").run()
    assert_clean(at)
    ds = load_dataset("CBF", "train")
    count = int(np.sum(ds.labels == 3))
    assert traces(specs(at)["bary_chart"], f"members ({count})")
    assert "CBF/train, class 3" in at.subheader[0].value
    # a class that does not exist in the next dataset falls back to that dataset's first
    at.selectbox(key="bc_ds").set_value("GunPoint").run()
    assert_clean(at)
    assert at.selectbox(key="bc_class").value == "1"


def test_barycenters_cap_on_the_number_of_series():
    at = open_page("barycenters", {"bc_ds": "CBF", "bc_split": "test", "bc_class": "2",
                                   "gamma": "1"})
    assert_clean(at)
    assert any(f"first {barycenters.MAX_SERIES}" in w.value for w in at.warning)
    assert traces(specs(at)["bary_chart"], f"members ({barycenters.MAX_SERIES})")


def test_barycenters_gamma_sweep():
    at = open_page("barycenters", SMALL_WARPED)
    assert "sweep_chart" not in specs(at)
    at.multiselect(key="bc_gammas").set_value(["0.1", "1"])
    at.toggle(key="bc_sweep_on").set_value(True).run()
    assert_clean(at)
    spec = specs(at)["sweep_chart"]
    barys = traces(spec, "soft-DTW barycenter")
    assert len(barys) == 2
    ds = warped_copies(6, 40, templates=("sine",), warp=0.3, noise=0.1, seed=0)
    with common.numba_threads(1):
        ref = sd.softdtw_barycenter(ds.series, 1.0, max_iter=barycenters.BARYCENTER_MAX_ITER,
                                    random_state=0)
    np.testing.assert_allclose(ys(barys[1]), ref.solution, atol=1e-4)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles[1].startswith("γ = 1<br>DTW loss")
    assert f"{sd.dtw_loss(ref.solution, ds.series):.4g}" in titles[1]


def test_barycenters_uploaded_series():
    at = open_page("barycenters", {"bc_src": "upload"}, {sidebar.UPLOAD_KEY: UPLOAD_LABELLED})
    assert_clean(at)
    assert at.selectbox(key="bc_uclass").options == ["a", "b"]
    at.selectbox(key="bc_uclass").set_value("b").run()
    assert_clean(at)
    assert traces(specs(at)["bary_chart"], "members (3)")
    at = open_page("barycenters", {"bc_src": "upload"}, {sidebar.UPLOAD_KEY: UPLOAD_TINY})
    assert_clean(at)  # lengths 1, 5 and 2 average without trouble
    at = open_page("barycenters", {"bc_src": "upload"})
    assert_clean(at)
    assert [i.value for i in at.info] == [sidebar.NO_UPLOAD_NOTICE]
    assert at.subheader[0].value.replace("\\", "").startswith("GunPoint/train, class 1")


def test_uploaded_names_are_not_interpreted_as_markdown():
    up = {**UPLOAD_LABELLED, "filename": "**bold** [link](http://example.com).csv",
          "names": [f"*s{k}*" for k in range(6)]}
    at = open_page("barycenters", {"bc_src": "upload"}, {sidebar.UPLOAD_KEY: up})
    assert_clean(at)
    assert any(r"From \*\*bold\*\* \[link\]\(http\://example\.com\)\.csv" in c.value
               for c in at.caption)
    assert r"upload \*\*bold\*\*" in at.subheader[0].value
    at = open_page("interpolation", {"src": "upload", "ui": 0, "uj": 1},
                   {sidebar.UPLOAD_KEY: up})
    assert_clean(at)
    assert any(r"x = \*s0\*" in c.value for c in at.caption)


@pytest.mark.parametrize("query,session,message,widgets_after,members", [
    ({"bc_src": "upload"}, {sidebar.UPLOAD_KEY: UPLOAD_MIXED_DIM}, "numbers of channels",
     {"bc_src": "upload"}, None),
    ({**SMALL_WARPED, "src": "dataset", "band_on": "true", "band": 0, "gamma": "0"}, {}, None,
     {"bc_src": "warped copies", "bc_n": 6, "bc_len": 40}, "6 warped copies of"),
    ({"bc_ds": "PickupGestureWiimoteZ", "bc_class": "1"}, {}, None,  # variable lengths, cap
     {"bc_ds": "PickupGestureWiimoteZ", "bc_class": "1"}, "PickupGestureWiimoteZ/train, class 1"),
    ({"bc_ds": "BasicMotions", "bc_class": "Running", "bc_ch": 2}, {}, None,  # 6 channels
     {"bc_ch": 2}, "BasicMotions/train, class Running"),
    ({"bc_src": "nonsense", "bc_init": "bogus", "bc_n": 99999}, {}, None,  # the defaults
     {"bc_src": "dataset", "bc_init": "euclidean", "bc_ds": "GunPoint", "bc_class": "1"},
     "GunPoint/train, class 1"),
], ids=["mixed-dims", "gamma0-band0", "variable-length", "multivariate", "bad-url"])
def test_barycenters_edge_inputs(query, session, message, widgets_after, members):
    at = open_page("barycenters", query, session)
    assert not at.exception, [e.value for e in at.exception]
    for key, value in widgets_after.items():
        assert at.session_state[key] == value, key
    if message is None:
        assert not at.error, [e.value for e in at.error]
        assert "bary_chart" in specs(at)
        assert at.subheader[0].value.replace("\\", "").startswith(members)
    else:
        assert any(message in e.value for e in at.error)


def test_barycenters_downloads(media):
    at = open_page("barycenters", SMALL_WARPED)
    parsed = parse_series_file(downloaded(at, media, "bc_dl_series"), "barycenters.csv")
    assert parsed.names == ["Euclidean mean", "DBA", "soft-DTW (γ = 0.1)"]
    spec = specs(at)["bary_chart"]
    np.testing.assert_allclose(np.ravel(parsed.series[2]),
                               ys(traces(spec, "soft-DTW (γ = 0.1)")[0]), atol=1e-5)
    table = downloaded(at, media, "bc_dl_table").decode().splitlines()
    assert table[0].startswith("method,DTW loss (γ = 0),run time (s)")
    assert len(table) == 5  # three methods and the true template
    trace_rows = downloaded(at, media, "bc_dl_trace").decode().splitlines()
    assert trace_rows[0] == "method,iteration,phase,objective"
    assert trace_rows[1].startswith("softdtw,0,init,")



def test_barycenter_traces_table_lists_every_iteration_of_each_method():
    def run(name, trace, phases):
        return barycenters.MethodResult(name, np.zeros(3), 0.0, 0.0, trace=np.array(trace),
                                        phases=phases)

    res = barycenters.BarycenterComparison(
        {"euclidean": run("Euclidean mean", [], ()),
         "dba": run("DBA", [5.0, 4.0], ("init", "mm")),
         "softdtw": run("soft-DTW", [3.0, 2.5, 2.0], ("init", "lbfgs", "lbfgs"))},
        gamma=0.1, init="euclidean", objective="softdtw")
    assert res.traces_table() == {
        "method": ["softdtw"] * 3 + ["dba"] * 2, "iteration": [0, 1, 2, 0, 1],
        "phase": ["init", "lbfgs", "lbfgs", "init", "mm"],
        "objective": [3.0, 2.5, 2.0, 5.0, 4.0]}
    assert res.traces_table(("dba",))["method"] == ["dba", "dba"]


# --------------------------------------------------------------------------- prediction

PRED_SMALL = {"pr_ds": "ItalyPowerDemand", "pr_iter": 15, "pr_hidden": 10}


def test_prediction_trains_on_button_press_and_keeps_results(media):
    at = open_page("prediction", PRED_SMALL)
    assert_clean(at)
    assert at.title[0].value == "Prediction with a soft-DTW loss" and at.latex
    assert not at.dataframe and any("Train the three models" in i.value for i in at.info)
    at.button(key="pr_run").click().run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["training loss"]) == ["Euclidean", "soft-DTW (γ = 0.1)",
                                            "DILATE (α = 0.5, γ = 0.01)"]
    assert list(table.columns[:4]) == ["training loss", "DTW test loss", "Euclidean test loss",
                                       "TDI test loss"]
    # the same training outside the app gives the same test losses and predictions
    d = prediction.prediction_data("ItalyPowerDemand", 0.6)
    eu = sd.MLPPredictor((10,), loss="euclidean", max_iter=15, random_state=0)
    eu.fit(d.train_in, d.train_out)
    soft = sd.MLPPredictor((10,), loss="softdtw", gamma=0.1, max_iter=15, random_state=0)
    soft.fit(d.train_in, d.train_out, init=eu)
    dilate = sd.MLPPredictor((10,), loss="dilate", gamma=0.01, dilate_alpha=0.5, max_iter=15,
                             random_state=0).fit(d.train_in, d.train_out, init=eu)
    for row, model in ((0, eu), (1, soft), (2, dilate)):
        scores = model.evaluate(d.test_in, d.test_out)
        for column, key in (("DTW test loss", "dtw"), ("Euclidean test loss", "euclidean"),
                            ("TDI test loss", "tdi")):
            np.testing.assert_allclose(table[column].iloc[row], scores[key], rtol=1e-6)
    spec = specs(at)["pred_chart"]
    preds = traces(spec, "prediction, soft-DTW (γ = 0.1) loss")
    assert len(preds) == 3  # test series 0, 1, 2
    np.testing.assert_allclose(ys(preds[0]), soft.predict(d.test_in)[0], atol=1e-5)
    np.testing.assert_allclose(ys(traces(spec, "truth (the rest)")[1]), d.test_out[1],
                               atol=1e-6)
    # downloads: every test prediction of the three models, and the losses table
    parsed = parse_series_file(downloaded(at, media, "pr_dl_pred"), "predictions.csv")
    assert len(parsed.series) == 3 * len(d.test_in)
    assert parsed.names[0] == "euclidean test 0"
    assert downloaded(at, media, "pr_dl_table").decode().splitlines()[0].startswith(
        "training loss,DTW test loss,Euclidean test loss")
    # a widget change keeps the results (with a note) until the next press
    at.multiselect(key="pr_show").set_value([5]).run()
    assert_clean(at)
    assert len(traces(specs(at)["pred_chart"], "truth (the rest)")) == 1
    at.number_input(key="pr_iter").set_value(20).run()
    assert_clean(at)
    assert at.dataframe and any("settings changed" in w.value for w in at.warning)
    at.button(key="pr_run").click().run()
    assert_clean(at)
    assert not any("settings changed" in w.value for w in at.warning)
    assert all(1 <= k <= 20 for k in at.dataframe[0].value["iterations"])


def test_prediction_progress_bar_follows_the_training(monkeypatch):
    """What the bar draws, recorded at LiveProgress.draw: the first update and the last ones
    (fraction 1) are drawn whatever the timing; the bar is gone once training is over."""
    drawn: list[tuple[float, str]] = []
    draw = LiveProgress.draw

    def record(self, fraction, text):
        drawn.append((fraction, text))
        draw(self, fraction, text)

    monkeypatch.setattr(LiveProgress, "draw", record)
    memo.clear_memo()  # trained by an earlier test: the shared result would draw no bar
    at = open_page("prediction", PRED_SMALL)
    assert not drawn  # nothing trains before the button
    at.button(key="pr_run").click().run()
    assert_clean(at)
    fractions = [f for f, _ in drawn]
    assert fractions == sorted(fractions) and fractions[0] == 0.0
    assert drawn[0][1].startswith("Euclidean loss: iteration 0/15, J = ")  # the initial weights
    assert drawn[-2][0] == 1.0
    assert drawn[-2][1].startswith("DILATE (α = 0.5, γ = 0.01) loss: iteration 15/15, J = ")
    assert drawn[-1] == (1.0, "done")
    assert not at.get("progress")


def test_prediction_gamma_and_dataset_widgets():
    at = open_page("prediction", {**PRED_SMALL, "pr_iter": 5, "gamma": "1"})
    at.toggle(key="pr_warm").set_value(False)
    at.button(key="pr_run").click().run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["training loss"]) == ["Euclidean", "soft-DTW (γ = 1)",
                                            "DILATE (α = 0.5, γ = 0.01)"]
    at.selectbox(key="pr_ds").set_value("BasicMotions")
    at.button(key="pr_run").click().run()
    assert_clean(at)
    assert at.number_input(key="pr_ch").value == 0  # 6 channels: one is drawn
    assert specs(at)["pred_chart"]


def test_prediction_shows_the_pytorch_code_of_its_settings():
    at = open_page("prediction", {**PRED_SMALL, "pr_iter": 7, "gamma": "0.1"})
    assert_clean(at)
    code = [c.value for c in at.code if "softdtw_core.torch" in c.value]
    assert len(code) == 1
    assert code[0].strip() == prediction.prediction_code(
        "ItalyPowerDemand", proportion=0.6, gamma=0.1, hidden=10, max_iter=7, seed=0,
        from_euclidean=True, dilate_alpha=0.5, dilate_gamma=0.01).strip()
    compile(code[0], "shown", "exec")  # valid Python (tests/frameworks runs such scripts)


def test_prediction_bad_url_and_caps():
    at = open_page("prediction", {"pr_ds": "PickupGestureWiimoteZ", "pr_iter": 99999,
                                  "pr_prop": "2"})
    assert_clean(at)
    assert at.selectbox(key="pr_ds").value == "GunPoint"  # the default, for each bad value
    assert at.number_input(key="pr_iter").value == 100
    assert at.slider(key="pr_prop").value == 0.6
    assert "PickupGestureWiimoteZ" not in at.selectbox(key="pr_ds").options
    at = open_page("prediction", {"pr_ds": "CBF"})  # 900 test series: capped
    assert_clean(at)
    assert any(f"first {prediction.PRED_MAX_TEST}" in w.value for w in at.warning)


# --------------------------------------------------------------------------- logic and memo


def test_jobs_report_progress_and_are_shared():
    ds = warped_copies(4, 30, seed=3)
    memo.clear_memo()
    job = cached.barycenter_comparison(ds.series, 0.5)
    assert cached.barycenter_comparison(ds.series, 0.5) is job  # queued or running: shared
    assert job.wait(300)
    res = job.value()
    fractions = [f for f, _ in job.reports]
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert cached.barycenter_comparison(ds.series, 0.5) is job  # finished: from the store
    other = cached.barycenter_comparison(ds.series, 0.5, objective="divergence")
    assert other is not job
    # the logic itself never caches: the same call computes (and reports) again
    fresh: list[float] = []
    direct = barycenters.barycenter_comparison(ds.series, 0.5,
                                               progress=lambda f, t: fresh.append(f))
    assert direct is not res and fresh == fractions
    np.testing.assert_array_equal(direct.methods["softdtw"].barycenter,
                                  res.methods["softdtw"].barycenter)


def test_memo_is_a_bounded_lru():
    now = [0.0]
    lru = memo.Memo(memo.Limit(2, max_bytes=10_000, ttl=60.0), clock=lambda: now[0])
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert "b" not in lru and lru.get("a") == 1 and lru.get("c") == 3
    # bytes: a big entry pushes the older ones out, one over the cap is not kept at all
    lru.put("big", np.zeros(1000))  # 8 kB
    assert len(lru) == 2 and lru.get("c") == 3 and lru.get("a") is None
    assert lru.bytes <= 10_000
    lru.put("huge", np.zeros(2000))
    assert "huge" not in lru and lru.get("big") is not None
    # time to live: entries older than 60 s go
    now[0] = 61.0
    assert lru.get("big") is None and len(lru) == 0 and lru.bytes == 0
    assert memo.cache_key([np.arange(3.0)], {"g": 0.1}) == memo.cache_key(
        [np.arange(3.0)], {"g": 0.1})
    assert memo.cache_key(np.arange(3.0)) != memo.cache_key(np.arange(3))  # dtype counts
    assert memo.cache_key(np.arange(3.0)) != memo.cache_key(np.arange(3.0) + 1e-12)


def test_every_cache_has_its_limits():
    assert set(memo.LIMITS) >= {"tables", "jobs", "parse_upload"}
    for name, limit in memo.LIMITS.items():
        assert limit.entries >= 1 and 0 < limit.ttl <= 24 * 3600, name
    assert memo.JOB_STORE.limit is memo.LIMITS["jobs"]
    assert memo.LIMITS["jobs"].max_bytes is not None


def test_time_budget_stops_an_optimiser_with_a_message():
    ds = warped_copies(4, 30, seed=4)
    res = barycenters.barycenter_comparison(ds.series, 0.01, budget=0.0)
    assert res.methods["softdtw"].message.startswith("stopped after the 0 s budget")
    assert not res.methods["softdtw"].converged


def test_cap_series_messages():
    items, notes = common.cap_series([np.arange(500.0)] * 50, max_series=10, max_length=100)
    assert len(items) == 10 and all(len(s) == 100 for s in items)
    assert "first 10" in notes[0] and "resampled to 100" in notes[1]
