"""Every page under AppTest: default and edge inputs, and charts that carry the core's numbers."""

from __future__ import annotations

import numpy as np
import pytest

import softdtw_core as sd
from explorer.data import load_dataset
from explorer.logic import bellman, formatting, gamma_explorer, softmin
from explorer.plots import gamma_explorer as plots
from explorer.web import registry, sidebar, widgets

from ..page_lists import PAIR_PAGES, WAIT_FOR_AN_ACTION
from .conftest import (
    PAGES,
    ROOT,
    assert_clean,
    assert_matrix,
    charts,
    decode,
    open_page,
    trace,
)

UPLOAD_SHORT = {"series": [np.array([0.5]), np.array([0.0, 1.0, 2.0, 1.0, 0.0]),
                           np.array([2.0, -1.0])],
                "names": ["one point", "five points", "two points"], "labels": None,
                "filename": "tiny.csv"}

_PICKUP = load_dataset("PickupGestureWiimoteZ", "train").series

# case: (URL query, session state, the selection the pages must then use)
EDGE_CASES = {
    "n_neq_m": ({"src": "synthetic", "n": 7, "m": 13}, {}, {"n": 7, "m": 13}),
    "length_one": ({"src": "upload", "ui": 0, "uj": 1}, {sidebar.UPLOAD_KEY: UPLOAD_SHORT},
                   {"n": 1, "m": 5, "x_name": "one point", "y_name": "five points"}),
    "both_length_one": ({"src": "upload", "ui": 0, "uj": 0},
                        {sidebar.UPLOAD_KEY: UPLOAD_SHORT},
                        {"n": 1, "m": 1, "x_name": "one point", "y_name": "one point"}),
    "gamma_zero": ({"gamma": "0"}, {}, {"gamma": 0.0, "gamma_text": "0 (hard DTW)"}),
    "gamma_max": ({"src": "synthetic", "n": 30, "m": 20, "gamma": "100"}, {},
                  {"gamma": 100.0, "n": 30, "m": 20}),
    "band": ({"src": "synthetic", "n": 20, "m": 30, "band_on": "true", "band": 3}, {},
             {"band": 3.0, "n": 20, "m": 30}),
    "multivariate": ({"src": "dataset", "ds": "BasicMotions", "i": 0, "j": 5}, {},
                     {"dim": 6, "n": 100}),
    "variable_length": ({"src": "dataset", "ds": "PickupGestureWiimoteZ", "i": 0, "j": 7}, {},
                        {"n": len(_PICKUP[0]), "m": len(_PICKUP[7])}),
    "absolute_cost": ({"cost": "absolute", "src": "dataset", "ds": "Chinatown"}, {},
                      {"cost": "absolute", "n": 24, "source": "dataset"}),
}

def _assert_selection(at, expected: dict) -> None:
    sel = at.session_state["_selection"]
    for name, value in expected.items():
        assert getattr(sel, name) == value, (name, getattr(sel, name), value)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_default_run(page):
    at = open_page(page)
    assert_clean(at)
    assert at.title, "every page opens with a title"
    assert at.latex, "every page shows its formula"
    assert bool(charts(at)) == (page not in WAIT_FOR_AN_ACTION)


@pytest.mark.parametrize("case", list(EDGE_CASES))
@pytest.mark.parametrize("page", [p for p in PAIR_PAGES if p != "home"])
def test_page_edge_inputs(page, case):
    query, session, expected = EDGE_CASES[case]
    at = open_page(page, query, session)
    assert_clean(at)
    _assert_selection(at, expected)
    assert charts(at)


def test_sidebar_reads_the_url():
    at = open_page("cost_table", {"src": "synthetic", "gen": "bumps", "n": 20, "m": 30,
                                  "gamma": "1", "cost": "absolute"})
    assert_clean(at)
    assert at.radio(key="src").value == "synthetic"
    assert at.radio(key="gen").value == "bumps"
    assert at.number_input(key="n").value == 20
    assert at.select_slider(key="gamma").value == "1"
    assert at.metric[0].value.replace(" ", "") == "20×30"


@pytest.mark.parametrize("query, widgets_after, selection", [
    ({"gamma": "abc"}, {"gamma": "0.1"}, {"gamma": 0.1}),
    ({"gamma": "-1"}, {"gamma": "0.1"}, {"gamma": 0.1}),
    ({"src": "dataset", "i": "99999"}, {"i": 0}, {"x_name": "GunPoint/train #0, class 2"}),
    ({"src": "dataset", "ds": "NoSuchSet"}, {"ds": "GunPoint"},
     {"x_name": "GunPoint/train #0, class 2"}),
    ({"src": "nonsense"}, {"src": "synthetic"}, {"source": "synthetic", "n": 60}),
    ({"n": "0", "src": "synthetic"}, {"n": 60}, {"n": 60, "m": 80}),
    ({"band_on": "true", "band": "-4"}, {"band": 10.0}, {"band": 10.0}),
], ids=["gamma-text", "gamma-negative", "index-too-big", "unknown-dataset", "unknown-source",
        "length-zero", "band-negative"])
def test_bad_url_values_fall_back_to_the_defaults(query, widgets_after, selection):
    """A value the widget cannot take is dropped: the widget shows its default (the sidebar's
    DEFAULTS) and the page uses it."""
    at = open_page("cost_table", query)
    assert_clean(at)
    for key, value in widgets_after.items():
        assert at.session_state[key] == value == sidebar.DEFAULTS[key]
    _assert_selection(at, selection)
    assert charts(at)


def test_an_index_out_of_a_new_datasets_range_is_clamped():
    at = open_page("cost_table", {"src": "dataset", "i": 45, "j": 30})
    assert at.session_state["_selection"].x_name.startswith("GunPoint/train #45")
    at.sidebar.selectbox(key="ds").set_value("FaceFour").run()  # 24 training series
    assert_clean(at)
    assert at.sidebar.number_input(key="i").value == 23
    assert at.sidebar.number_input(key="j").value == 23
    sel = at.session_state["_selection"]
    assert sel.x_name.startswith("FaceFour/train #23") and sel.y_name == sel.x_name
    np.testing.assert_array_equal(sel.x, load_dataset("FaceFour", "train").series[23])


def test_uploaded_source_without_upload_falls_back_with_a_message():
    at = open_page("cost_table", {"src": "upload"})
    assert_clean(at)
    assert [i.value for i in at.sidebar.info] == [sidebar.NO_UPLOAD_NOTICE]
    _assert_selection(at, {"source": "dataset", "x_name": "GunPoint/train #0, class 2",
                           "y_name": "GunPoint/train #1, class 2"})
    assert at.metric[0].value.replace(" ", "") == "150×150"


def test_band_too_narrow_is_explained_not_raised():
    at = open_page("cost_table", {"src": "synthetic", "n": 10, "m": 40, "band_on": "true",
                                  "band": 0})
    assert not at.exception
    msgs = [e.value for e in at.sidebar.error]
    assert msgs and "Band ignored" in msgs[0] and "radius of at least" in msgs[0]
    assert charts(at)


def test_core_value_error_becomes_a_message():
    bad = {"series": [np.zeros(5), np.zeros((6, 2))], "names": ["a", "b"], "labels": None,
           "filename": "mixed.csv"}
    at = open_page("cost_table", {"src": "upload", "ui": 0, "uj": 1}, {sidebar.UPLOAD_KEY: bad})
    assert not at.exception
    assert len(at.error) == 1
    assert "same dimension d" in at.error[0].value


# ----------------------------------------------------------------- charts carry the numbers


def test_cost_table_charts_equal_the_core(gunpoint):
    x, y = gunpoint[0], gunpoint[1]
    at = open_page("cost_table", {"src": "dataset"})
    assert_clean(at)
    cost_spec, dp_spec = charts(at)[:2]
    assert_matrix(trace(cost_spec, "Δ")["z"], sd.cost_matrix(x, y))
    assert_matrix(trace(dp_spec, "R")["z"], sd.accumulated_cost(x, y, 0.1))
    # payloads are float32
    assert trace(cost_spec, "Δ")["z"]["dtype"] == "f4"

    # widget changes recompute: cost, γ, the E overlay
    at.radio(key="cost").set_value("absolute").run()
    at.select_slider(key="gamma").set_value("1").run()
    at.toggle(key="show_E").set_value(True).run()
    assert_clean(at)
    cost_spec, dp_spec = charts(at)[:2]
    assert_matrix(trace(cost_spec, "Δ")["z"], sd.cost_matrix(x, y, cost="absolute"))
    assert_matrix(trace(dp_spec, "R")["z"], sd.accumulated_cost(x, y, 1.0, cost="absolute"))
    _, E = sd.soft_dtw_alignment(x, y, 1.0, cost="absolute")
    assert_matrix(trace(cost_spec, "E")["z"], E, atol=1e-6)
    # the hard path drawn is the core's
    _, path = sd.dtw_path(x, y, cost="absolute")
    line = trace(cost_spec, "optimal path A*", kind="scatter")
    assert np.array_equal(decode(line["y"]), [p[0] for p in path])
    assert np.array_equal(decode(line["x"]), [p[1] for p in path])


def test_cost_table_cell_update_matches_the_table():
    at = open_page("cost_table", {"src": "synthetic", "n": 6, "m": 9, "gamma": "0.5"})
    assert_clean(at)
    at.number_input(key="cell_i").set_value(4).run()
    at.number_input(key="cell_j").set_value(7).run()
    assert_clean(at)
    assert any("Bellman update of cell (4, 7)" in h.value for h in at.subheader)
    sel = at.session_state["_selection"]
    R = sd.accumulated_cost(sel.x, sel.y, 0.5)
    table = at.dataframe[0].value
    np.testing.assert_allclose(table["r value"], [R[3, 6], R[3, 7], R[4, 6]])
    w = sd.softmin_weights(np.array([R[3, 6], R[3, 7], R[4, 6]]), 0.5)
    np.testing.assert_allclose(table["soft-min weight"], w)
    assert any(f"{R[4, 7]:.4g}" in tex.value for tex in at.latex)
    # small tables carry their numbers in the cells, with ∞ on the borders
    dp = trace(charts(at)[1], "R")
    assert dp["text"][0][1] == "∞" and dp["text"][4][7] == f"{R[4, 7]:.2f}"


def test_clicked_cell_parsing():
    assert widgets.clicked_cell([{"x": 1, "y": 2}, {"customdata": [3, 5]}]) == (3, 5)
    assert widgets.clicked_cell([{"customdata": {"1": 9, "0": 4}}]) == (4, 9)
    assert widgets.clicked_cell([{"customdata": "junk"}, {}]) is None
    assert widgets.clicked_cell(None) is None


def test_bellman_step_through_fills_r_then_e():
    at = open_page("bellman", {"src": "synthetic", "n": 5, "m": 7, "gamma": "1"})
    assert_clean(at)
    sel = at.session_state["_selection"]
    t = sd.soft_dtw_tables(sel.x, sel.y, 1.0)
    F = len(bellman.forward_cells(t))
    assert F == 35
    at.button(key="bell_next").click().run()
    assert at.slider(key="bell_step").value == 1
    assert any(r"r_{1,1}" in tex.value for tex in at.latex)
    at.slider(key="bell_step").set_value(F).run()
    spec = charts(at)[0]
    assert_matrix(trace(spec, "R")["z"], t.R)
    at.slider(key="bell_step").set_value(2 * F).run()
    assert_clean(at)
    spec = charts(at)[0]
    assert_matrix(trace(spec, "E")["z"], t.E)
    at.button(key="bell_back").click().run()
    assert at.slider(key="bell_step").value == 2 * F - 1
    at.button(key="bell_restart").click().run()
    assert at.slider(key="bell_step").value == 0


def test_bellman_opens_on_a_pair_whose_cost_varies():
    """The default pair (two shifted bumps, 60 and 80 points) is resampled to 12 points,
    which keeps both bumps: Δ spans six orders of magnitude and R follows it. Cutting to
    the first 12 points, as the page did, leaves flat noise (and GunPoint's first 12
    points, the old default, have Δ < 1e-3 everywhere)."""
    at = open_page("bellman")
    assert_clean(at)
    assert any("at most 12 points" in i.value and "resampled to 12 and 12 points" in i.value
               for i in at.info)
    sel = at.session_state["_selection"]
    assert (sel.n, sel.m) == (60, 80)
    x, y = (sd.resample(s, 12)[:, 0] for s in (sel.x, sel.y))
    delta = (x[:, None] - y[None, :]) ** 2
    assert delta.max() > 1.0 and delta.std() > 0.2 and delta.max() > 1e4 * delta.min()
    cut = (sel.x[:12, None] - sel.y[None, :12]) ** 2
    assert cut.max() < 0.05
    gp = load_dataset("GunPoint", "train").series
    assert ((gp[0][:12, None] - gp[1][None, :12]) ** 2).max() < 1e-3
    at.slider(key="bell_step").set_value(144).run()  # the forward sweep done: R filled
    assert_matrix(trace(charts(at)[0], "R")["z"], sd.soft_dtw_tables(x, y, 0.1).R)


def test_softmin_numbers_match_the_core():
    at = open_page("softmin", {"gamma": "0.5"})
    at.number_input(key="sm_a").set_value(0.2).run()
    at.number_input(key="sm_b").set_value(0.3).run()
    at.number_input(key="sm_c").set_value(2.0).run()
    assert_clean(at)
    expected = sd.softmin(np.array([0.2, 0.3, 2.0]), 0.5)
    assert at.metric[1].value == f"{expected:.4g}"
    quad = charts(at)[0]
    current = [t for t in quad["data"] if "sidebar" in t.get("name", "")]
    assert len(current) == 1
    t = decode(current[0]["x"]).astype(np.float64)
    _, soft, _, _ = softmin.softmin_curves(t, (-2.0, 0.2, 2.4), (0.6, 0.0, 0.9), 0.5)
    np.testing.assert_allclose(decode(current[0]["y"]), soft, rtol=1e-5, atol=1e-5)


def test_gamma_explorer_frames_equal_the_core():
    at = open_page("gamma_explorer", {"src": "synthetic", "n": 6, "m": 7, "gamma": "0.2"})
    assert_clean(at)
    sel = at.session_state["_selection"]
    spec = charts(at)[0]
    gammas = gamma_explorer.frame_gammas()
    frames = spec["frames"]
    assert len(frames) == len(gammas) == 17
    for frame, g in zip(frames, gammas):
        E = sd.soft_dtw_tables(sel.x, sel.y, float(g)).E
        assert_matrix(frame["data"][0]["z"], E, atol=1e-6)
    # γ = 0 frame is the optimal path; the slider starts at the sidebar's γ
    _, path = sd.dtw_path(sel.x, sel.y)
    assert_matrix(frames[0]["data"][0]["z"], sd.path_to_matrix(path, 6, 7))
    slider = spec["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["label"] == "0.2"
    assert [s["args"][1]["mode"] for s in slider["steps"]] == ["immediate"] * 17
    # each frame's γ markers stay on their curve panels, never on the heatmap's axes
    panel_axes = {(t.get("xaxis"), t.get("yaxis")) for t in spec["data"] if t.get("name") == "γ"}
    assert len(panel_axes) == 3 and ("x", "y") not in panel_axes
    for frame in frames:
        assert {(t.get("xaxis"), t.get("yaxis")) for t in frame["data"][1:]} == panel_axes
    # the check panel enumerates every path (Delannoy(5, 6) = 3653 is small enough)
    assert any("All 3,653 paths" in m.value for m in at.markdown)
    assert float(at.metric[0].value) < 1e-9
    # raw / divergence toggle: the divergence curve is non-negative
    at.segmented_control(key="gx_mode").set_value("divergence").run()
    assert_clean(at)
    div = trace(charts(at)[0], "D_γ(x, y)", kind="scatter")
    assert np.all(decode(div["y"]) >= -1e-9)


def test_gamma_explorer_reduces_big_frames():
    at = open_page("gamma_explorer", {"src": "dataset", "ds": "FaceFour"})  # 350 points
    assert_clean(at)
    spec = charts(at)[0]
    z = decode(spec["frames"][5]["data"][0]["z"])
    assert max(z.shape) <= 200
    assert any("block-averaged" in c.value for c in at.caption)


def test_enumeration_check_truncates_when_too_many_paths():
    at = open_page("gamma_explorer")  # GunPoint: 150 × 150
    assert any("too many to list" in m.value for m in at.markdown)
    assert float(at.metric[0].value) < 1e-9


def test_home_links_every_other_page_of_the_registry():
    at = open_page("home")
    assert_clean(at)
    links = [(el.proto.page, el.proto.label) for el in at.get("page_link")]
    others = [p for p in registry.PAGES if not p.default]
    assert len(links) == len(others) == 11
    for (target, label), info in zip(links, others):
        assert label == info.description
        assert target.endswith(info.url_path)
    assert [h.value for h in at.subheader][1:] == ["Learn", "Use"]


def test_the_registry_lists_every_page_script_once():
    scripts = {str(p.relative_to(ROOT)) for p in (ROOT / "explorer" / "pages").rglob("*.py")
               if p.name != "__init__.py"}
    assert sorted(info.script for info in registry.PAGES) == sorted(scripts)
    assert len({info.url_path for info in registry.PAGES}) == len(registry.PAGES)
    assert [info.name for info in registry.PAGES if info.default] == ["home"]
    assert registry.page("kmeans").section == "Use"
    with pytest.raises(KeyError, match="no page 'nope'"):
        registry.page("nope")


def test_multivariate_margins_draw_every_channel():
    at = open_page("cost_table", {"src": "dataset", "ds": "BasicMotions"})
    assert_clean(at)
    spec = charts(at)[0]
    names = [t.get("name") for t in spec["data"]]
    assert sum(n.startswith("x (ch") for n in names if n) == 6
    x = load_dataset("BasicMotions", "train").series[0]
    y = load_dataset("BasicMotions", "train").series[1]
    assert_matrix(trace(spec, "Δ")["z"], sd.cost_matrix(x, y), rtol=1e-5)


@pytest.mark.parametrize("page", PAIR_PAGES)
def test_no_streamlit_placeholder_colours(page):
    """Streamlit's Plotly component rewrites the colours #000001..#000010 in a figure's JSON
    (Magma's black end, #000004, came out pink): no chart may contain them."""
    import re

    at = open_page(page, {"src": "synthetic", "n": 10, "m": 12})
    for el in at.get("plotly_chart"):
        assert not re.search(r"#0000(0[1-9]|10)\b", el.proto.spec, flags=re.IGNORECASE)


def test_with_active_frame_opens_on_the_chosen_frame():
    at = open_page("gamma_explorer", {"src": "synthetic", "n": 10, "m": 12, "gamma": "5"})
    spec = charts(at)[0]
    k = spec["layout"]["sliders"][0]["active"]
    assert spec["layout"]["sliders"][0]["steps"][k]["label"] == "5"
    np.testing.assert_array_equal(decode(spec["data"][0]["z"]),
                                  decode(spec["frames"][k]["data"][0]["z"]))
    with pytest.raises(ValueError, match="frame index"):
        plots.with_active_frame(spec, 99)


def test_big_matrices_are_block_averaged_for_display_and_say_so():
    rng = np.random.default_rng(0)
    long = {"series": [rng.standard_normal(700), rng.standard_normal(520)],
            "names": ["long a", "long b"], "labels": None, "filename": "long.csv"}
    at = open_page("cost_table", {"src": "upload"}, {sidebar.UPLOAD_KEY: long})
    assert_clean(at)
    cost_spec, dp_spec = charts(at)[:2]
    z = decode(trace(cost_spec, "Δ")["z"])
    assert z.shape == (350, 260)  # blocks of 2×2
    x, y = long["series"]
    D = sd.cost_matrix(x, y)
    np.testing.assert_allclose(z[0, 0], D[:2, :2].mean(), rtol=1e-5)
    assert max(decode(trace(dp_spec, "R")["z"]).shape) <= 500
    assert any("block-averaged by 2×2" in c.value for c in at.caption)
    # the numbers on the page still use the full matrix
    assert at.metric[0].value.replace(" ", "") == "700×520"


def test_uploaded_names_are_shown_literally_not_as_markdown():
    evil = "**x** [click](https://example.invalid) ![img](https://example.invalid/a.png)"
    fname = "[f](https://example.invalid).csv"
    up = {"series": [np.sin(np.arange(6.0)), np.cos(np.arange(7.0))],
          "names": [evil, "y"], "labels": None, "filename": fname}
    for page in ("cost_table", "home"):
        at = open_page(page, {"src": "upload", "ui": 0, "uj": 1}, {sidebar.UPLOAD_KEY: up})
        assert_clean(at)
        texts = [m.value for m in at.markdown] + [c.value for c in at.sidebar.caption]
        assert any(widgets.escape_markdown(evil) in t for t in texts), texts
        assert any(widgets.escape_markdown(fname) in t for t in texts), texts
        assert not any(evil in t or fname in t for t in texts)  # never the raw Markdown


def test_learn_pages_offer_their_matrices_as_csv():
    at = open_page("cost_table", {"src": "synthetic", "n": 6, "m": 7})
    assert_clean(at)
    labels = {b.key: b.proto.label for b in at.get("download_button")}
    assert set(labels) == {"ct_dl_cost", "ct_dl_R", "ct_dl_E", "ct_dl_path"}
    assert labels["ct_dl_E"] == "E at γ = 0.1 (CSV)"
    at = open_page("gamma_explorer", {"src": "synthetic", "n": 6, "m": 7})
    assert [b.key for b in at.get("download_button")] == ["gx_dl_sweep"]


def test_escape_markdown():
    text = "**bold** [link](https://x.example) ![img](https://x.example/a.png) :red[x] $x$"
    out = widgets.escape_markdown(text)
    for ch in "*[]()!:$":
        assert f"\\{ch}" in out
    assert widgets.escape_markdown("plain name 7") == "plain name 7"


def test_the_e_overlay_says_why_e_sits_off_the_optimal_path():
    """γ = 0.7 on the default pair: E's mass off A*, the path entropy (the core's
    path_entropy) and γ against the typical aligned cost, said next to the overlay."""
    at = open_page("cost_table", {"gamma": "0.7"})
    assert not [c for c in at.caption if c.value.startswith("At γ = 0.7, E puts")]
    at.toggle(key="show_E").set_value(True).run()
    assert_clean(at)
    sel = at.session_state["_selection"]
    t = sd.soft_dtw_tables(sel.x, sel.y, 0.7)
    dtw, path = sd.dtw_path(sel.x, sel.y)
    on = sum(t.E[i, j] for i, j in path)
    off = 1 - on / t.E.sum()
    assert off > 0.5  # far from A*: the caption must say why
    H = sd.path_entropy(sel.x, sel.y, 0.7)
    c = dtw / len(path)
    text = next(c.value for c in at.caption if c.value.startswith("At γ = 0.7, E puts"))
    assert text.startswith(f"At γ = 0.7, E puts {off:.0%} of its mass off A*")
    assert f"an entropy of {formatting.number(H, 3)} nats" in text
    assert f"γ is {formatting.number(0.7 / c, 2)} × the typical cost of an aligned pair" in text
    assert "so E spreads" in text and 0.7 / c > 1
    # a smaller γ: less of E off A*, and the caption follows
    at.sidebar.select_slider(key="gamma").set_value("0.001").run()
    t = sd.soft_dtw_tables(sel.x, sel.y, 0.001)
    small = 1 - sum(t.E[i, j] for i, j in path) / t.E.sum()
    assert small < off
    assert any(c.value.startswith(f"At γ = 0.001, E puts {small:.0%} of its mass off A*")
               for c in at.caption)
