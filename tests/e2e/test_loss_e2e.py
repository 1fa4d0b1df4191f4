"""The Learn page *DTW as a loss* in a real browser: scrubbing t is client-side."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import GD, assert_no_exception, click_slider_step, goto, script_runs, shot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_scrubbing_t_moves_the_point_and_swaps_e_without_rerun(app_url, app_page):
    goto(app_page, f"{app_url}/loss?src=synthetic&gen=bumps&n=20&m=24&shift=0.2&ls_dir=point")
    assert_no_exception(app_page)
    runs = script_runs(app_page, "started")
    # Plotly attaches the animation frames once the chart is drawn: wait for them
    app_page.wait_for_function(f"() => {GD}._transitionData._frames.length > 0", polling=100)
    assert app_page.evaluate(f"{GD}._transitionData._frames.length") == 31
    assert app_page.evaluate(f"{GD}._fullLayout.sliders[0].active") == 15  # t = 0
    still = np.array(app_page.evaluate(f"{GD}.calcdata[1].map(p => p.y)"))  # x at t = 0
    moved = f"{GD}.calcdata[2].map(p => p.y)"  # x(t)
    heat = f"Array.from({GD}.calcdata[3][0].z.flat())"  # E at t
    np.testing.assert_allclose(app_page.evaluate(moved), still, rtol=1e-6)
    e_before = app_page.evaluate(heat)
    rail = app_page.locator(".slider-container .slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    for last, frame in ((True, 30), (False, 0)):
        click_slider_step(app_page, rail, last=last, frame=frame)
        # x(t) = x + tV: only the moved point (the middle one, 10) differs from x
        diff = np.array(app_page.evaluate(moved)) - still
        assert np.flatnonzero(np.abs(diff) > 1e-6).tolist() == [10]
        assert (diff[10] > 0) == last  # t = 2 moves it up, t = -2 down
        assert app_page.evaluate(heat) != e_before
    label = app_page.evaluate(f"{GD}._fullLayout.sliders[0].steps[30].label")
    assert label == "2.00"
    assert script_runs(app_page, "started") == runs  # scrubbing never reran the script
    assert_no_exception(app_page)
    shot(app_page, "loss-scrubbed.png")
