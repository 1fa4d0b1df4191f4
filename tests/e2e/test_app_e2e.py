"""The explorer in a real browser: pages load, γ scrubbing is client-side, clicks, URLs."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import softdtw_core as sd
from explorer.data import sine_pair
from explorer.web import sidebar

from .conftest import SCREENSHOTS, SCRIPT_RUNS, goto, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PAGES = {  # url path -> title; the overview is the default page, served at "/"
    "": "Soft-DTW Explorer",
    "cost-table": "Cost matrix & DP table",
    "bellman": "Bellman step-through",
    "softmin": "min^γ, the soft minimum",
    "gamma-explorer": "γ explorer",
}

# JS helpers run in the page --------------------------------------------------------------


CELL_CENTRE = """
([chartIndex, i, j]) => {
  const gd = document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")[chartIndex];
  const fl = gd._fullLayout;
  const heat = gd._fullData.find(t => t.type === 'heatmap');
  const xa = fl[heat.xaxis.replace('x', 'xaxis')], ya = fl[heat.yaxis.replace('y', 'yaxis')];
  const box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.d2p(j), box.top + ya._offset + ya.d2p(i)];
}
"""


def shot(page, name: str) -> None:
    """Screenshot of the whole app: the viewport is grown to the main area's height first
    (Streamlit scrolls inside its own container, so full_page alone would cut it)."""
    height = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 1500, "height": max(900, min(int(height) + 20, 4000))})
    page.wait_for_timeout(700)
    page.screenshot(path=str(SCREENSHOTS / name))


def click_cell(page, chart_index: int, i: float, j: float) -> None:
    """Click the centre of heatmap cell (row i, column j) of a chart, in data coordinates."""
    page.locator("[data-testid='stPlotlyChart']").nth(chart_index).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    x, y = page.evaluate(CELL_CENTRE, [chart_index, i, j])
    page.mouse.click(x, y)
    wait_for_app(page, settle_ms=800)


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, errors.first.inner_text()


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "overview")
def test_every_page_loads_and_draws(app_url, app_page, path):
    goto(app_page, f"{app_url}/{path}")
    app_page.get_by_role("heading", name=PAGES[path]).first.wait_for()
    _no_exception(app_page)
    charts = app_page.locator("[data-testid='stPlotlyChart']")
    assert charts.count() >= 1
    # Plotly has drawn something: an SVG layer with at least one trace group
    charts.first.locator(".main-svg").first.wait_for(state="visible")
    assert charts.first.locator("g.trace, g.hm, image").count() > 0
    shot(app_page, f"{path or 'overview'}.png")


def test_gamma_slider_animates_without_rerun(app_url, app_page):
    goto(app_page, f"{app_url}/gamma-explorer?src=synthetic&n=40&m=50")
    _no_exception(app_page)
    app_page.evaluate(SCRIPT_RUNS)
    gd = "document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
    n_frames = app_page.evaluate(f"{gd}._transitionData._frames.length")
    assert n_frames == 17
    z_row = f"Array.from({gd}.calcdata[0][0].z[10])"
    before = app_page.evaluate(z_row)
    active_before = app_page.evaluate(f"{gd}._fullLayout.sliders[0].active")
    # click the last step of the Plotly slider (γ = 100), then the first (γ = 0)
    rail = app_page.locator(".slider-container .slider-rail-rect").first
    box = rail.bounding_box()
    app_page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    app_page.wait_for_timeout(800)
    active_after = app_page.evaluate(f"{gd}._fullLayout.sliders[0].active")
    after = app_page.evaluate(z_row)
    assert active_after == n_frames - 1 != active_before
    assert after != before  # the heatmap now shows another frame's E
    app_page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    app_page.wait_for_timeout(800)
    assert app_page.evaluate(f"{gd}._fullLayout.sliders[0].active") == 0
    label = app_page.evaluate(f"{gd}._fullLayout.sliders[0].steps[0].label")
    assert label == "0 (DTW)"
    # the γ = 0 frame is the hard path: every value of E is 0 or 1
    final = app_page.evaluate(f"Array.from({gd}.calcdata[0][0].z.flat())")
    assert set(final) <= {0, 1} and 1 in final
    assert app_page.evaluate("window.__runs") == 0  # scrubbing never reran the script
    shot(app_page, "gamma-explorer-scrubbed.png")


def test_cell_click_shows_bellman_update(app_url, app_page):
    goto(app_page, f"{app_url}/cost-table?src=synthetic&n=8&m=10&gamma=1")
    _no_exception(app_page)
    heading = app_page.get_by_role("heading", name=re.compile(r"Bellman update of cell"))
    assert "(8, 10)" in heading.inner_text()  # default: the last cell
    # click cell (3, 5) of the DP table R (second chart; R has its borders at index 0)
    click_cell(app_page, 1, 3, 5)
    app_page.get_by_role("heading", name="Bellman update of cell (3, 5)").wait_for()
    latex = app_page.locator("[data-testid='stMarkdown'] .katex, .katex").all_inner_texts()
    assert any("r3,5" in t.replace(" ", "").replace("\n", "") for t in latex)
    # click cell (6, 2) of the cost matrix Δ (first chart, 0-based coordinates)
    click_cell(app_page, 0, 5, 1)
    app_page.get_by_role("heading", name="Bellman update of cell (6, 2)").wait_for()
    _no_exception(app_page)
    shot(app_page, "cost-table-clicked.png")


def test_url_reproduces_the_state(app_url, app_page, e2e_browser):
    query = "src=synthetic&gen=bumps&n=20&m=30&gamma=1&cost=absolute"
    goto(app_page, f"{app_url}/cost-table?{query}")
    _no_exception(app_page)
    metrics = app_page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[0].replace(" ", "") == "20×30"
    # change γ in the sidebar with the keyboard: the URL follows
    thumb = app_page.locator("[data-testid='stSidebar'] input[type='range']"
                             "[aria-label^='γ (smoothing']")
    assert thumb.get_attribute("aria-valuetext") == "1"
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_app(app_page, settle_ms=800)
    params = parse_qs(urlparse(app_page.url).query)
    assert params["gamma"] == ["1.5"]
    assert params["n"] == ["20"] and params["cost"] == ["absolute"]
    value = app_page.locator("[data-testid='stMetricValue']").nth(2).inner_text()
    # a fresh browser context opened on the same URL shows the same state
    other = e2e_browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        p2 = other.new_page()
        p2.set_default_timeout(90_000)
        goto(p2, app_page.url)
        _no_exception(p2)
        assert p2.locator("[data-testid='stMetricValue']").nth(2).inner_text() == value
        assert p2.locator("[data-testid='stMetricValue']").first.inner_text().replace(
            " ", "") == "20×30"
        # the state survives a page switch through the navigation
        p2.locator("[data-testid='stSidebarNav'] a", has_text="γ explorer").click()
        wait_for_app(p2, settle_ms=800)
        p2.get_by_role("heading", name="γ explorer").first.wait_for()
        after = parse_qs(urlparse(p2.url).query)
        assert after["gamma"] == ["1.5"] and after["m"] == ["30"]
        _no_exception(p2)
    finally:
        other.close()


def test_bellman_buttons_and_slider_step_through(app_url, app_page):
    goto(app_page, f"{app_url}/bellman?src=synthetic&n=6&m=8&gamma=0.5")
    _no_exception(app_page)
    for _ in range(3):
        app_page.get_by_role("button", name="Next").click()
        wait_for_app(app_page, settle_ms=400)
    app_page.get_by_text("Forward step 3 of 48: cell (1, 3)").wait_for()
    # jump to the end with the keyboard: both tables are full
    step = app_page.locator("input[type='range'][aria-label^='Step (']")
    step.focus()
    step.press("End")
    wait_for_app(app_page, settle_ms=800)
    app_page.get_by_text("Backward step 48 of 48: cell (1, 1)").wait_for()
    app_page.get_by_role("button", name="Back").click()
    wait_for_app(app_page, settle_ms=600)
    app_page.get_by_text("Backward step 47 of 48: cell (1, 2)").wait_for()
    _no_exception(app_page)
    shot(app_page, "bellman-stepped.png")
    # play: the fragment timer advances the step on its own, pause stops it
    app_page.get_by_role("button", name="Restart").click()
    wait_for_app(app_page, settle_ms=400)
    app_page.get_by_role("button", name="Play").click()
    app_page.get_by_text("Forward step 3 of 48").wait_for(timeout=20_000)
    app_page.get_by_role("button", name="Pause").click()
    wait_for_app(app_page, settle_ms=1500)
    shown = step.get_attribute("aria-valuetext")
    app_page.wait_for_timeout(2000)
    assert step.get_attribute("aria-valuetext") == shown  # paused: no more steps
    _no_exception(app_page)


def test_cost_matrix_downloads_as_csv(app_url, app_page, tmp_path):
    goto(app_page, f"{app_url}/cost-table?src=synthetic&n=6&m=7")
    _no_exception(app_page)
    button = app_page.get_by_role("button", name="Δ (CSV)")
    button.scroll_into_view_if_needed()
    with app_page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "cost_matrix.csv"
    target = tmp_path / "cost_matrix.csv"
    download.save_as(target)
    rows = [line.split(",") for line in target.read_text().splitlines()]
    assert rows[0] == [""] + [f"j={k}" for k in range(1, 8)]
    assert [r[0] for r in rows[1:]] == [f"i={k}" for k in range(1, 7)]
    D = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    pair = {k: sidebar.DEFAULTS[k] for k in ("shift", "warp", "noise", "seed")}
    x, y = sine_pair(6, **pair)[0], sine_pair(7, **pair)[1]
    np.testing.assert_array_equal(D, sd.cost_matrix(x, y))
