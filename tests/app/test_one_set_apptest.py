"""One set of series and one γ everywhere (issue 21): the *Your data* hand-off reaches every
page that takes a collection, the sidebar's γ is k-means' γ, and each page shows one γ
widget and one dataset picker."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.data import series_to_csv
from explorer.logic import formatting
from explorer.web import registry, sidebar

from .conftest import PAGES, assert_clean, open_page

FILE = "sensors.csv"


def _file() -> bytes:
    t = np.linspace(0, 4, 40)
    series = [np.sin(t + 0.1 * k) for k in range(6)]
    return series_to_csv(series, names=[f"s{k}" for k in range(6)])


def _visible(at, kind: str, keys) -> list[str]:
    """The keys of the ``kind`` widgets drawn unfolded: on the page, or in the sidebar
    outside a folded expander."""
    folded = {id(w) for e in at.sidebar.expander if not e.proto.expanded
              for w in e.get(kind)}
    return [w.key for w in at.get(kind) if w.key in keys and id(w) not in folded]


def test_the_handoff_reaches_every_collection_page():
    at = open_page("your_data")
    at.file_uploader(key="yd_file").upload(FILE, _file(), "text/csv")
    at.run()
    at.button(key="yd_offer").click().run()
    assert_clean(at)
    for page, caption in (("kmeans", "sensors.csv: 6 uploaded series"),
                          ("tune_gamma", "sensors.csv: 6 uploaded series")):
        at.switch_page(PAGES[page]).run()
        assert_clean(at)
        assert at.radio(key={"kmeans": "km_src", "tune_gamma": "tg_src"}[page]).value == \
            "upload", page
        assert any(caption in c.value.replace("\\", "") for c in at.caption), page
    at.switch_page(PAGES["barycenters"]).run()
    assert_clean(at)
    assert at.segmented_control(key="bc_src").value == "upload"
    assert any("sensors.csv: 6 series" in c.value.replace("\\", "") for c in at.caption)


def test_a_page_opened_after_an_upload_starts_on_it():
    up = {"series": [np.sin(np.linspace(0, 3, 30) + k) for k in range(5)],
          "names": [f"u{k}" for k in range(5)], "labels": None, "filename": "mine.csv"}
    at = open_page("kmeans", state={sidebar.UPLOAD_KEY: up})
    assert_clean(at)
    assert at.radio(key="km_src").value == "upload"
    assert not at.get("selectbox") or "km_ds" not in [s.key for s in at.selectbox]


@pytest.mark.parametrize("page", [p for p in PAGES if p != "your_data"])
def test_one_gamma_widget_and_at_most_one_dataset_picker_in_view(page):
    at = open_page(page)
    assert_clean(at)
    gammas = _visible(at, "select_slider", {"gamma", "km_gamma"})
    assert gammas == ["gamma"], gammas
    pickers = _visible(at, "selectbox", {"ds", "km_ds", "tg_ds", "bc_ds", "pr_ds"})
    assert len(pickers) <= 1, pickers
    if not registry.page(page).pair:  # the page's own picker; the sidebar's is folded
        assert len(pickers) == 1 and pickers != ["ds"], pickers
        at.sidebar.radio(key="src").set_value("dataset").run()
        assert _visible(at, "selectbox", {"ds"}) == []
        assert any(e.label == sidebar.PAIR_FOLDED for e in at.sidebar.expander)


def test_the_sidebars_gamma_is_kmeans_gamma():
    at = open_page("kmeans", {"gamma": "0.7", "km_k": 2, "km_iter": 1, "km_bary": 2})
    assert_clean(at)
    assert any(c.value.startswith("γ = 0.7: the sidebar's") for c in at.caption)
    at.button(key="km_run").click().run()
    assert_clean(at)
    assert at.session_state["km_record"]["params"]["gamma"] == 0.7
    assert at.dataframe[0].value["method"][0] == "soft-DTW (γ = 0.7)"
    # the objective is negative on CBF at γ = 0.7: the page says why, next to it
    inertia = at.session_state["km_record"]["steps"][-1]["inertia"]
    assert inertia < 0
    assert any(c.value.startswith(f"Why negative ({formatting.number(inertia)})?")
               and c.value.endswith("The DTW inertia (γ = 0) compares the methods.")
               for c in at.caption)
    # hard DTW in the sidebar: k-means runs at the smallest γ and says so
    at.sidebar.select_slider(key="gamma").set_value("0").run()
    assert_clean(at)
    assert any("running at γ = 0.001" in i.value for i in at.info)
