"""The explorer in a real browser: pages load, γ scrubbing is client-side, clicks, URLs."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import softdtw_core as sd
from explorer.data import sine_pair
from explorer.web import registry, sidebar

from ..page_lists import WAIT_FOR_AN_ACTION
from .conftest import (
    GD,
    assert_no_exception,
    click_slider_step,
    goto,
    new_page,
    rerun,
    script_runs,
    shot,
    wait_for_app,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# JS helpers run in the page --------------------------------------------------------------


# the centre of heatmap cell (i, j) in the chart's own coordinates (from its top-left corner)
CELL_CENTRE = """
([chartIndex, i, j]) => {
  const gd = document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")[chartIndex];
  const fl = gd._fullLayout;
  const heat = gd._fullData.find(t => t.type === 'heatmap');
  const xa = fl[heat.xaxis.replace('x', 'xaxis')], ya = fl[heat.yaxis.replace('y', 'yaxis')];
  return {x: xa._offset + xa.d2p(j), y: ya._offset + ya.d2p(i)};
}
"""


def click_cell(page, chart_index: int, i: float, j: float) -> None:
    """Click the centre of heatmap cell (row i, column j) of a chart, in data coordinates,
    and wait for the run the click requests."""
    chart = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").nth(chart_index)
    chart.scroll_into_view_if_needed()
    with rerun(page):
        chart.click(position=page.evaluate(CELL_CENTRE, [chart_index, i, j]))


@pytest.mark.parametrize("info", registry.PAGES, ids=lambda info: info.name)
def test_every_page_loads_and_draws(app_url, app_page, info):
    draws = info.name not in WAIT_FOR_AN_ACTION
    goto(app_page, f"{app_url}/{'' if info.default else info.url_path}", charts=draws)
    assert_no_exception(app_page)
    assert app_page.locator("[data-testid='stMain'] h1").count() >= 1
    # the navigation marks this page, under the registry's title
    current = app_page.locator("[data-testid='stSidebarNav'] a[aria-current='page']")
    assert current.count() == 1 and current.inner_text().strip().endswith(info.title)
    charts = app_page.locator("[data-testid='stPlotlyChart']")
    if not draws:
        assert charts.count() == 0
        return
    # Plotly has drawn something: an SVG layer with at least one trace group
    charts.first.locator(".main-svg").first.wait_for(state="visible")
    assert charts.first.locator("g.trace, g.hm, image").count() > 0
    shot(app_page, f"{info.url_path}.png")


def test_the_navigation_is_the_registry(app_url, app_page):
    goto(app_page, app_url)
    links = app_page.locator("[data-testid='stSidebarNav'] a")
    hrefs = [h.rstrip("/").rsplit("/", 1)[-1] for h in links.evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")]
    texts = [t.strip() for t in links.all_inner_texts()]
    assert len(texts) == len(registry.PAGES)
    for info, href, text in zip(registry.PAGES, hrefs, texts):
        assert text.endswith(info.title)
        assert info.default or href == info.url_path


def test_gamma_slider_animates_without_rerun(app_url, app_page):
    goto(app_page, f"{app_url}/gamma-explorer?src=synthetic&n=40&m=50")
    assert_no_exception(app_page)
    runs = script_runs(app_page, "started")
    n_frames = app_page.evaluate(f"{GD}._transitionData._frames.length")
    assert n_frames == 17
    z_row = f"Array.from({GD}.calcdata[0][0].z[10])"
    before = app_page.evaluate(z_row)
    assert app_page.evaluate(f"{GD}._fullLayout.sliders[0].active") != n_frames - 1
    # click the last step of the Plotly slider (γ = 100), then the first (γ = 0)
    rail = app_page.locator(".slider-container .slider-rail-rect").first
    click_slider_step(app_page, rail, last=True, frame=n_frames - 1)
    assert app_page.evaluate(z_row) != before  # the heatmap now shows another frame's E
    click_slider_step(app_page, rail, last=False, frame=0)
    label = app_page.evaluate(f"{GD}._fullLayout.sliders[0].steps[0].label")
    assert label == "0 (DTW)"
    # the γ = 0 frame is the hard path: every value of E is 0 or 1
    final = app_page.evaluate(f"Array.from({GD}.calcdata[0][0].z.flat())")
    assert set(final) <= {0, 1} and 1 in final
    assert script_runs(app_page, "started") == runs  # scrubbing never reran the script
    shot(app_page, "gamma-explorer-scrubbed.png")


def test_cell_click_shows_bellman_update(app_url, app_page):
    goto(app_page, f"{app_url}/cost-table?src=synthetic&n=8&m=10&gamma=1")
    assert_no_exception(app_page)
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
    assert_no_exception(app_page)
    shot(app_page, "cost-table-clicked.png")


def test_url_reproduces_the_state(app_url, app_page, e2e_browser):
    query = "src=synthetic&gen=bumps&n=20&m=30&gamma=1&cost=absolute"
    goto(app_page, f"{app_url}/cost-table?{query}")
    assert_no_exception(app_page)
    metrics = app_page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[0].replace(" ", "") == "20×30"
    # change γ in the sidebar with the keyboard: the URL follows
    thumb = app_page.locator("[data-testid='stSidebar'] input[type='range']"
                             "[aria-label^='γ (smoothing']")
    assert thumb.get_attribute("aria-valuetext") == "1"
    thumb.focus()
    with rerun(app_page):
        thumb.press("ArrowRight")
    params = parse_qs(urlparse(app_page.url).query)
    assert params["gamma"] == ["1.5"]
    assert params["n"] == ["20"] and params["cost"] == ["absolute"]
    value = app_page.locator("[data-testid='stMetricValue']").nth(2).inner_text()
    # a fresh browser context opened on the same URL shows the same state
    p2 = new_page(e2e_browser)
    try:
        goto(p2, app_page.url)
        assert_no_exception(p2)
        assert p2.locator("[data-testid='stMetricValue']").nth(2).inner_text() == value
        assert p2.locator("[data-testid='stMetricValue']").first.inner_text().replace(
            " ", "") == "20×30"
        # the state survives a page switch through the navigation
        with rerun(p2):
            p2.locator("[data-testid='stSidebarNav'] a", has_text="γ explorer").click()
        p2.get_by_role("heading", name="γ explorer").first.wait_for()
        after = parse_qs(urlparse(p2.url).query)
        assert after["gamma"] == ["1.5"] and after["m"] == ["30"]
        assert_no_exception(p2)
    finally:
        p2.context.close()


def test_bellman_buttons_and_slider_step_through(app_url, app_page):
    goto(app_page, f"{app_url}/bellman?src=synthetic&n=6&m=8&gamma=0.5")
    assert_no_exception(app_page)
    for _ in range(3):
        with rerun(app_page):
            app_page.get_by_role("button", name="Next").click()
    app_page.get_by_text("Forward step 3 of 48: cell (1, 3)").wait_for()
    # jump to the end with the keyboard: both tables are full
    step = app_page.locator("input[type='range'][aria-label^='Step (']")
    step.focus()
    with rerun(app_page):
        step.press("End")
    app_page.get_by_text("Backward step 48 of 48: cell (1, 1)").wait_for()
    with rerun(app_page):
        app_page.get_by_role("button", name="Back").click()
    app_page.get_by_text("Backward step 47 of 48: cell (1, 2)").wait_for()
    assert_no_exception(app_page)
    shot(app_page, "bellman-stepped.png")
    # play: the fragment timer advances the step on its own
    with rerun(app_page):
        app_page.get_by_role("button", name="Restart").click()
    assert step.get_attribute("aria-valuetext") == "0"
    app_page.get_by_role("button", name="Play").click()
    # wait on the slider's state, not on one step's text: a loaded browser may draw step 3 for
    # too short a time to be seen (or merge it with the next)
    app_page.wait_for_function(
        "() => Number(document.querySelector(\"input[type='range'][aria-label^='Step (']\")"
        "?.getAttribute('aria-valuetext')) >= 3", timeout=60_000)
    # pause: the button turns back into Play, and the step moves only when asked
    app_page.get_by_role("button", name="Pause").click()
    app_page.get_by_role("button", name="Play").wait_for()
    wait_for_app(app_page)
    shown = int(step.get_attribute("aria-valuetext"))
    assert shown >= 3
    with rerun(app_page):
        app_page.get_by_role("button", name="Next").click()
    app_page.get_by_text(f"Forward step {shown + 1} of 48").wait_for()
    assert int(step.get_attribute("aria-valuetext")) == shown + 1
    assert_no_exception(app_page)


def test_cost_matrix_downloads_as_csv(app_url, app_page, tmp_path):
    goto(app_page, f"{app_url}/cost-table?src=synthetic&gen=sine&n=6&m=7")
    assert_no_exception(app_page)
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
