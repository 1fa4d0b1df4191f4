"""The Tune γ page under AppTest: the suggestion and grid against softdtw_core, a small run
against explorer.logic.tune_gamma, downloads, handing γ to the sidebar, stops, bad input."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import softdtw_core as sd
from explorer.data import load_dataset, parse_series_file
from explorer.logic import formatting, tune_gamma
from explorer.web import jobs, sidebar

from .conftest import assert_clean, decode, downloaded, open_page

SMALL = {"tg_ds": "Chinatown", "tg_points": 3, "tg_folds": 2}


def _upload(labels, n=8, length=20):
    t = np.linspace(0, 3, length)
    return {sidebar.UPLOAD_KEY: {
        "series": [np.sin(t * (1 + k % 2)) + 0.01 * k for k in range(n)],
        "names": [f"s{k}" for k in range(n)],
        "labels": None if labels is None else np.asarray(labels), "filename": "mine.csv"}}


def _spec(at, key):
    import json

    found = [json.loads(el.proto.spec) for el in at.get("plotly_chart")
             if el.proto.id.endswith(key)]
    assert found, f"no chart {key}"
    return found[0]


def test_default_page_suggests_gamma_from_the_data():
    at = open_page("tune_gamma")
    assert_clean(at)
    assert at.title[0].value == "Tune γ" and not at.get("plotly_chart")
    gp = load_dataset("GunPoint", "train").series
    s = sd.suggest_gamma(gp)
    assert at.info[0].value.startswith(f"**Suggested γ = {formatting.number(s.gamma, 4)}.**")
    grid = sd.gamma_grid(gp, 5)
    caption = next(c.value for c in at.caption if c.value.startswith("Grid: "))
    assert caption.startswith("Grid: " + ", ".join(formatting.number(g, 3) for g in grid))
    assert any("Which γ should I use?" in m.value for m in at.markdown)  # the FAQ


def test_a_small_run_end_to_end(media):
    """Curves from the logic, downloads, then the chosen γ handed to every page."""
    at = open_page("tune_gamma", SMALL)
    at.button(key="tg_run").click().run()
    assert_clean(at)
    assert at.success[0].value.startswith("All 3 values of γ done")
    d = load_dataset("Chinatown", "train")
    td = tune_gamma.prepare(d.series, d.labels, n_folds=2)
    gammas = sd.gamma_grid(td.series, 3)
    expected = tune_gamma.tune(td, gammas, seed=0)
    spec = _spec(at, "tg_curves")
    traces = {t["name"]: t for t in spec["data"]}
    for name, values in tune_gamma.curves_table(expected, td.classes).items():
        if name not in ("gamma", "seconds"):
            np.testing.assert_allclose(decode(traces[name]["y"]), values, rtol=1e-5)
    pick, why = tune_gamma.choose(expected.points, reference=sd.suggest_gamma(td.series).gamma)
    assert spec["layout"]["title"]["text"].replace("<br>", " ") == why  # wrapped to fit
    assert f"**Chosen:** {why}" in [m.value for m in at.markdown]
    assert len(at.get("plotly_chart")) == 3  # curves, barycenters, confusion matrix
    chosen = expected.points[pick].gamma  # Chinatown is not z-normalised: γ ≫ the sidebar's 100
    assert chosen > 150
    assert any(w.value.startswith(f"γ = {formatting.number(chosen, 4)} is outside the "
                                  "sidebar's range") for w in at.warning)
    _downloads(at, media)
    _apply(at)


def _downloads(at, media):
    text = downloaded(at, media, "tg_dl_curves").decode()
    assert text.splitlines()[0].startswith("gamma,nearest centroid accuracy (CV),1-NN")
    assert len(text.splitlines()) == 4
    conf = downloaded(at, media, "tg_dl_confusion").decode().splitlines()
    counts = [int(float(v)) for row in conf[1:] for v in row.split(",")[1:]]
    assert conf[0] == "class,predicted 1,predicted 2" and sum(counts) == 20
    preds = downloaded(at, media, "tg_dl_predictions").decode().splitlines()
    assert preds[0] == "series,true label,nearest centroid,1-NN" and len(preds) == 21
    bary = parse_series_file(downloaded(at, media, "tg_dl_bary"), "b.csv")
    assert len(bary.series) == 3 * 2 and bary.names[0].startswith("1 gamma=")


def _apply(at):
    button = at.button(key="tg_apply")
    option = button.label.split("γ = ")[1].split(" on")[0]
    assert option in sidebar.GAMMA_OPTIONS
    button.click().run()
    assert_clean(at)
    assert at.session_state["gamma"] == option
    assert any(s.value.startswith(f"The sidebar's γ is now {option}") for s in at.success)
    assert at.sidebar.select_slider(key="gamma").value == option
    at.switch_page("explorer/pages/learn/cost_table.py").run()
    assert_clean(at)
    assert at.sidebar.select_slider(key="gamma").value == option
    # k-means has no γ of its own any more: it runs at the handed γ
    at.switch_page("explorer/pages/use/kmeans.py").run()
    assert_clean(at)
    assert not [w for w in at.select_slider if w.key == "km_gamma"]
    assert any(c.value.startswith(f"γ = {option}: the sidebar's") for c in at.caption)


def test_a_run_out_of_time_says_so_and_keeps_its_points(monkeypatch):
    at = open_page("tune_gamma", SMALL)
    monkeypatch.setattr(tune_gamma, "BUDGET_SECONDS", 0.0)
    at.button(key="tg_run").click().run()
    assert_clean(at)
    assert at.warning[0].value.startswith("Time budget of 0 s spent after 1 of 3 values of γ")
    assert len(at.get("plotly_chart")) == 3


def _running_job(points, release: threading.Event) -> jobs.Job:
    """A tuning job on its own thread: it publishes ``points``, then reports until stopped
    (or until ``release``)."""
    def run(progress, publish):
        for p in points:
            publish(p)
        while not release.wait(0.01):
            progress(0.5, "computing")
        return None

    job = jobs.Job("test-running-tuning", "Tuning γ", run)
    threading.Thread(target=job.run, daemon=True).start()
    assert job.wait_until_started(30)
    return job


def test_stop_ends_the_run_and_keeps_the_points_done():
    at = open_page("tune_gamma", SMALL)
    at.button(key="tg_run").click().run()
    assert_clean(at)
    rec = at.session_state["tg_record"]
    first_point = rec["job"].frames[0]
    # the same run, still going (as when Stop interrupts a page watching it)
    release = threading.Event()
    rec["job"] = _running_job([first_point], release)
    at.button(key="tg_stop").click().run()
    release.set()
    assert_clean(at)
    assert rec["job"].cancelled
    assert at.warning[0].value.startswith("Stopped by you after 1 of 3 values of γ.")
    assert len(at.get("plotly_chart")) == 3
    # a later rerun still shows the stopped run, not a new one
    at.run()
    assert at.warning[0].value.startswith("Stopped by you after 1 of 3 values of γ.")


def test_stop_does_not_end_a_run_other_students_watch():
    at = open_page("tune_gamma", SMALL)
    at.button(key="tg_run").click().run()
    rec = at.session_state["tg_record"]
    release = threading.Event()
    job = rec["job"] = _running_job(list(rec["job"].frames[:2]), release)
    job.attach("another student's session")
    try:
        at.button(key="tg_stop").click().run()
        assert_clean(at)
        assert not job.cancelled and not job.done
        assert at.warning[0].value.startswith("You stopped watching after 2 of 3 values of γ; "
                                              "other students asked for the same run")
    finally:
        job.detach("another student's session")
        release.set()


def test_without_labels_it_tunes_k_means():
    at = open_page("tune_gamma", {**SMALL, "tg_labels": "false", "tg_k": 2})
    assert_clean(at)
    at.button(key="tg_run").click().run()
    assert_clean(at)
    names = {t["name"] for t in _spec(at, "tg_curves")["data"]}
    assert {"k-means DTW inertia", "silhouette (divergence)"} <= names
    assert "highest silhouette" in [m.value for m in at.markdown
                                   if m.value.startswith("**Chosen:**")][0]


@pytest.mark.parametrize("query, upload, message", [
    ({"tg_src": "upload"}, _upload(["a"] * 8), "All series have the same label ('a')"),
    ({"tg_src": "upload"}, _upload(["a"] * 7 + ["b"]), "Class 'b' has a single series"),
    ({"tg_src": "upload"}, _upload([1.0, np.nan] * 4), "4 series have no label"),
    ({**SMALL, "tg_grid": "custom", "tg_gammas": "0.1, -1"}, None, "γ = -1 in the grid is "
                                                                   "negative"),
    ({**SMALL, "tg_grid": "custom"}, None, "The γ grid is empty"),
], ids=["single-class", "one-series-class", "nan-labels", "negative-gamma", "empty-grid"])
def test_bad_input_gets_a_message_not_a_traceback(query, upload, message):
    at = open_page("tune_gamma", query, upload)
    assert not at.exception
    assert [e.value for e in at.error] and at.error[0].value.startswith(message)


def test_fewer_series_than_folds_lowers_the_folds_and_an_unlabelled_upload_clusters():
    at = open_page("tune_gamma", {"tg_src": "upload", "tg_folds": 5},
                   _upload(["a"] * 5 + ["b"] * 3))
    assert_clean(at)
    assert any("class 'b' has only 3 series: 3 folds are used" in w.value for w in at.warning)
    at = open_page("tune_gamma", {"tg_src": "upload"}, _upload(None))
    assert_clean(at)
    assert at.toggle(key="tg_labels").disabled
    assert any("no labels: soft-DTW k-means" in c.value for c in at.caption)
