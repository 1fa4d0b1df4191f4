"""The Learn page *DTW as a loss* under AppTest: its charts carry the core's numbers, its
settings come from the URL, its caps are said, its tables download."""

from __future__ import annotations

import numpy as np

import softdtw_core as sd
from explorer.logic import loss

from .conftest import assert_clean, charts, decode, open_page, trace

SMALL = {"src": "synthetic", "gen": "bumps", "n": 14, "m": 16, "shift": 0.2, "gamma": "0.1"}


def test_the_line_carries_dtw_and_its_changes_of_path():
    at = open_page("loss", {**SMALL, "ls_dir": "point", "ls_pt": 5})
    assert_clean(at)
    sel = at.session_state["_selection"]
    x, y = sel.x, sel.y
    d = loss.direction(x, "point", point=5)
    line = charts(at)[0]
    dtw = trace(line, "dtw₀ (DTW)", kind="scatter")
    ts = decode(dtw["x"]).astype(np.float64)
    expected = [sd.dtw_path(x + t * d.V, y)[0] - sd.dtw_path(x, y)[0] for t in ts]
    np.testing.assert_allclose(decode(dtw["y"]), expected, rtol=1e-5, atol=1e-5)
    assert len(line["frames"]) == 31
    middle = line["frames"][15]["data"]  # t = 0: x itself and E of the pair
    np.testing.assert_allclose(decode(middle[0]["y"]), x, rtol=1e-6)
    np.testing.assert_allclose(decode(middle[1]["z"]), sd.soft_dtw_alignment(x, y, 0.1)[1],
                               atol=1e-6)
    scan = loss.line_scan(x, y, d, 0.1)
    assert at.metric[0].value == str(scan.n_changes) and scan.switches
    # the Δ figure shows the two paths either side of the chosen change
    switch = scan.switches[at.selectbox(key="ls_sw").value]
    cost = charts(at)[1]
    for name, path in (("A* just before", switch.path_before),
                       ("A* just after", switch.path_after)):
        drawn = trace(cost, name, kind="scatter")
        assert list(zip(decode(drawn["y"]).astype(int), decode(drawn["x"]).astype(int))) == path
    assert {b.key for b in at.get("download_button")} == {
        "ls_dl_line", "ls_dl_switches", "ls_dl_grad", "ls_dl_final", "ls_dl_results"}


def test_direction_descent_and_their_settings_come_from_the_url():
    at = open_page("loss", {**SMALL, "ls_dir": "shift", "ls_eta": 0.2, "ls_steps": 10})
    assert_clean(at)
    assert at.multiselect(key="ls_gd_g").value == ["1", "0.01"]
    at.multiselect(key="ls_gd_g").set_value(["0.1"]).run()
    assert_clean(at)
    results = at.dataframe[-1].value
    assert at.segmented_control(key="ls_dir").value == "shift"
    assert not [n for n in at.number_input if n.key == "ls_pt"]  # only for "point"
    sel = at.session_state["_selection"]
    desc = loss.descent(sel.x, sel.y, [0.1], eta=0.2, steps=10)
    assert list(results["loss"]) == ["Euclidean", "soft-DTW γ = 0.1"]
    np.testing.assert_allclose(results["dtw_0(X, y)"], [desc.dtw[n][-1] for n in desc.names])
    descent = charts(at)[-1]
    assert len(descent["frames"]) == 11  # iterations 0..10
    last = descent["frames"][-1]["data"]
    np.testing.assert_allclose(decode(last[1]["y"]), desc.iterates["0.1"][-1], rtol=1e-6)
    assert any("resampled to y's 16 points" in c.value for c in at.caption)


def test_long_series_are_cut_and_the_page_says_so():
    at = open_page("loss", {"src": "dataset", "ds": "FaceFour", "i": 0, "j": 1})  # 350 points each
    assert_clean(at)
    notes = [w.value for w in at.warning]
    assert any("x has 350 points: this page uses the first 200" in n for n in notes), notes
    z = decode(charts(at)[0]["data"][3]["z"])
    assert max(z.shape) <= loss.MAX_FRAME_SIZE
    assert any("block-averaged" in c.value for c in at.caption)


def test_the_descent_caption_says_where_each_descent_ends_and_what_it_passes_through():
    """On the default pair (two shifted bumps) at the default settings: the Euclidean descent
    ends at y (closed form), the soft-DTW ones end higher, and the lesson holds on the way:
    the Euclidean iterates pass through a DTW far above any soft-DTW iterate's."""
    from explorer.web import sidebar

    at = open_page("loss")
    assert_clean(at)
    sel = at.session_state["_selection"]
    assert sel.source == sidebar.DEFAULTS["src"] == "synthetic"
    desc = loss.descent(sel.x, sel.y, [1.0, 0.01], eta=0.1, steps=60)
    start = sd.resample(sel.x, len(sel.y))[:, 0]
    for k in (1, 3, 60):  # X_k - y = (1 - 2η)^k (x - y)
        np.testing.assert_allclose(desc.iterates["euclidean"][k] - sel.y,
                                   0.8 ** k * (start - sel.y), atol=1e-12)
    eu, soft = desc.dtw["euclidean"], [desc.dtw[n] for n in ("1", "0.01")]
    assert eu[-1] < 1e-8 < min(s[-1] for s in soft)
    assert eu.max() > 5 * max(s.max() for s in soft)  # the ghosts on the Euclidean way
    text = loss.descent_summary(desc)
    assert at.caption and any(c.value == text for c in at.caption)
    assert "The soft-DTW descents end higher (soft-DTW γ = 1: " in text
    assert f"pass through a DTW of {loss.formatting.number(eu.max(), 3)} (step " \
           f"{int(np.argmax(eu))};" in text
    worst = loss.formatting.number(max(s.max() for s in soft), 3)
    assert f"no soft-DTW iterate goes above {worst}" in text
