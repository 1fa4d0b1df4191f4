"""Interpolation, Barycenters and Prediction in a real browser: charts, λ scrubbing, downloads."""

from __future__ import annotations

import pytest

from explorer.data import parse_series_file

from .conftest import SCREENSHOTS, SCRIPT_RUNS, goto, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PROGRESS_SEEN = """
() => {
  window.__progress = [];
  new MutationObserver(() => {
    const bar = document.querySelector("[data-testid='stProgress']");
    if (bar) window.__progress.push(bar.innerText);
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""
GD = "document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"


def shot(page, name: str) -> None:
    """Screenshot of the whole app (the viewport grown to the main area's height)."""
    height = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 1500, "height": max(900, min(int(height) + 20, 4000))})
    page.wait_for_timeout(700)
    page.screenshot(path=str(SCREENSHOTS / name))


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, errors.first.inner_text()


def chart_drawn(page, index: int = 0) -> None:
    chart = page.locator("[data-testid='stPlotlyChart']").nth(index)
    chart.locator(".main-svg").first.wait_for(state="visible")
    assert chart.locator("g.trace").count() > 0


def test_interpolation_loads_and_lambda_scrubs_without_rerun(app_url, app_page):
    goto(app_page, f"{app_url}/interpolation?src=synthetic&n=60&m=80")
    app_page.get_by_role("heading", name="Interpolation").first.wait_for()
    no_exception(app_page)
    chart_drawn(app_page)
    shot(app_page, "use-interpolation.png")
    app_page.set_viewport_size({"width": 1500, "height": 1000})
    app_page.evaluate(SCRIPT_RUNS)
    assert app_page.evaluate(f"{GD}._transitionData._frames.length") == 21
    soft_y = f"{GD}.calcdata[2].map(p => p.y)"
    before = app_page.evaluate(soft_y)
    assert app_page.evaluate(f"{GD}._fullLayout.sliders[0].active") == 10  # λ = 0.5
    rail = app_page.locator(".slider-container .slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    app_page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    app_page.wait_for_timeout(800)
    assert app_page.evaluate(f"{GD}._fullLayout.sliders[0].active") == 20
    at_one = app_page.evaluate(soft_y)
    assert at_one != before and len(at_one) == 60  # λ = 1: the length of x
    app_page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    app_page.wait_for_timeout(800)
    assert app_page.evaluate(f"{GD}._fullLayout.sliders[0].active") == 0
    assert len(app_page.evaluate(soft_y)) == 80  # λ = 0: the length of y
    label = app_page.evaluate(f"{GD}._fullLayout.sliders[0].steps[0].label")
    assert label == "0.00"
    assert app_page.evaluate("window.__runs") == 0  # scrubbing never reran the script
    no_exception(app_page)


def test_barycenters_loads_and_downloads_csv(app_url, app_page, tmp_path):
    goto(app_page, f"{app_url}/barycenters?bc_src=warped+copies&bc_n=12&bc_len=80")
    app_page.get_by_role("heading", name="Barycenters").first.wait_for()
    no_exception(app_page)
    chart_drawn(app_page, 0)
    chart_drawn(app_page, 1)
    button = app_page.get_by_role("button", name="Barycenters (CSV)")
    button.scroll_into_view_if_needed()
    with app_page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "barycenters.csv"
    target = tmp_path / "barycenters.csv"
    download.save_as(target)
    parsed = parse_series_file(target.read_bytes(), "barycenters.csv")
    assert parsed.names == ["Euclidean mean", "DBA", "soft-DTW (γ = 0.1)"]
    assert all(len(s) == 80 for s in parsed.series)
    no_exception(app_page)
    # the γ sweep, switched on through its toggle, draws a third chart
    app_page.get_by_text("Run the γ sweep").click()
    wait_for_app(app_page, settle_ms=800)
    app_page.locator("[data-testid='stPlotlyChart']").nth(2).wait_for()
    wait_for_app(app_page, settle_ms=300)
    no_exception(app_page)
    chart_drawn(app_page, 2)
    assert "bc_sweep_on=true" in app_page.url
    shot(app_page, "use-barycenters.png")


def test_prediction_trains_and_draws(app_url, app_page):
    goto(app_page, f"{app_url}/prediction?pr_ds=ItalyPowerDemand&pr_iter=40", charts=False)
    app_page.get_by_role("heading", name="Prediction with a soft-DTW loss").first.wait_for()
    no_exception(app_page)
    app_page.evaluate(PROGRESS_SEEN)
    app_page.get_by_role("button", name="Train both models").click()
    app_page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    wait_for_app(app_page, settle_ms=500)
    no_exception(app_page)
    chart_drawn(app_page, 0)
    assert app_page.locator("[data-testid='stDataFrame']").count() == 1
    # a progress bar followed the training while it ran, and is gone now
    seen = app_page.evaluate("window.__progress")
    assert any("iteration" in text for text in seen), seen
    assert app_page.locator("[data-testid='stProgress']").count() == 0
    shot(app_page, "use-prediction.png")
