"""Interpolation, Barycenters and Prediction in a real browser: charts, λ scrubbing, downloads."""

from __future__ import annotations

import pytest

from explorer.data import parse_series_file

from .conftest import (
    GD,
    assert_no_exception,
    click_slider_step,
    goto,
    rerun,
    script_runs,
    shot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def chart_drawn(page, index: int = 0) -> None:
    chart = page.locator("[data-testid='stPlotlyChart']").nth(index)
    chart.locator(".main-svg").first.wait_for(state="visible")
    assert chart.locator("g.trace").count() > 0


def test_interpolation_loads_and_lambda_scrubs_without_rerun(app_url, app_page):
    goto(app_page, f"{app_url}/interpolation?src=synthetic&n=60&m=80")
    app_page.get_by_role("heading", name="Interpolation").first.wait_for()
    assert_no_exception(app_page)
    chart_drawn(app_page)
    shot(app_page, "use-interpolation.png")
    app_page.set_viewport_size({"width": 1500, "height": 1000})
    runs = script_runs(app_page, "started")
    assert app_page.evaluate(f"{GD}._transitionData._frames.length") == 21
    soft_y = f"{GD}.calcdata[2].map(p => p.y)"
    before = app_page.evaluate(soft_y)
    assert app_page.evaluate(f"{GD}._fullLayout.sliders[0].active") == 10  # λ = 0.5
    rail = app_page.locator(".slider-container .slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    click_slider_step(app_page, rail, last=True, frame=20)
    at_one = app_page.evaluate(soft_y)
    assert at_one != before and len(at_one) == 60  # λ = 1: the length of x
    click_slider_step(app_page, rail, last=False, frame=0)
    assert len(app_page.evaluate(soft_y)) == 80  # λ = 0: the length of y
    label = app_page.evaluate(f"{GD}._fullLayout.sliders[0].steps[0].label")
    assert label == "0.00"
    assert script_runs(app_page, "started") == runs  # scrubbing never reran the script
    assert_no_exception(app_page)


def test_barycenters_loads_and_downloads_csv(app_url, app_page, tmp_path):
    goto(app_page, f"{app_url}/barycenters?bc_src=warped+copies&bc_n=12&bc_len=80")
    app_page.get_by_role("heading", name="Barycenters").first.wait_for()
    assert_no_exception(app_page)
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
    assert_no_exception(app_page)
    # the γ sweep, switched on through its toggle, draws a third chart
    with rerun(app_page):
        app_page.get_by_text("Run the γ sweep").click()
    assert app_page.locator("[data-testid='stPlotlyChart']").count() == 3
    assert_no_exception(app_page)
    chart_drawn(app_page, 2)
    assert "bc_sweep_on=true" in app_page.url
    shot(app_page, "use-barycenters.png")


def test_prediction_trains_and_draws(app_url, app_page):
    # what the server sends the browser: the progress bar's updates travel in these frames
    received: list[bytes] = []
    app_page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: received.append(
            payload if isinstance(payload, bytes) else payload.encode())))
    goto(app_page, f"{app_url}/prediction?pr_ds=ItalyPowerDemand&pr_iter=40", charts=False)
    app_page.get_by_role("heading", name="Prediction with a soft-DTW loss").first.wait_for()
    assert_no_exception(app_page)
    assert not any(b"loss: iteration" in frame for frame in received)
    with rerun(app_page):
        app_page.get_by_role("button", name="Train the three models").click()
    assert_no_exception(app_page)
    chart_drawn(app_page, 0)
    assert app_page.locator("[data-testid='stDataFrame']").count() == 1
    # a progress bar followed the training (the first update is always sent, see
    # LiveProgress), and is gone now
    updates = [frame for frame in received if b"loss: iteration" in frame]
    assert any(b"Euclidean loss: iteration 0/40" in frame for frame in updates), updates[:3]
    assert app_page.locator("[data-testid='stProgress']").count() == 0
    shot(app_page, "use-prediction.png")
