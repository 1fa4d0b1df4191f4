"""Tune γ in a real browser: a small tuning run end to end, its γ applied to the sidebar of the
other pages, and a run stopped with the Stop button."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import assert_no_exception, goto, rerun, shot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SIDEBAR_GAMMA = ("[data-testid='stSidebar'] input[type='range']"
                 "[aria-label^='γ (smoothing']")


def test_tune_gamma_runs_and_hands_gamma_to_every_page(app_url, app_page):
    goto(app_page, f"{app_url}/tune-gamma?tg_ds=Chinatown&tg_points=3&tg_folds=2",
         charts=False)
    app_page.get_by_role("heading", name="Tune γ").first.wait_for()
    assert_no_exception(app_page)
    with rerun(app_page):
        app_page.locator(".st-key-tg_run button").click()
    assert_no_exception(app_page)
    app_page.get_by_text("All 3 values of γ done").wait_for()  # drawn before the charts:
    app_page.locator("[data-testid='stPlotlyChart']").nth(2).wait_for()  # wait for them too
    wait_for_app(app_page)
    assert app_page.locator("[data-testid='stPlotlyChart']").count() == 3
    shot(app_page, "use-tune-gamma.png")
    app_page.set_viewport_size({"width": 1500, "height": 1000})
    apply = app_page.locator(".st-key-tg_apply button")
    option = re.search(r"Use γ = (\S+) on every page", apply.inner_text()).group(1)
    with rerun(app_page):
        apply.click()
    app_page.get_by_text(f"The sidebar's γ is now {option}").wait_for()
    assert app_page.locator(SIDEBAR_GAMMA).get_attribute("aria-valuetext") == option
    # another page, same session: its sidebar and its address carry the tuned γ
    with rerun(app_page):
        app_page.locator("[data-testid='stSidebarNav'] a", has_text="Cost & DP table").click()
    app_page.get_by_role("heading", name="Cost matrix & DP table").first.wait_for()
    wait_for_app(app_page)
    assert_no_exception(app_page)
    assert app_page.locator(SIDEBAR_GAMMA).get_attribute("aria-valuetext") == option
    assert parse_qs(urlparse(app_page.url).query)["gamma"] == [option]


def test_stop_ends_a_run_between_grid_points(app_url, app_page):
    goto(app_page, f"{app_url}/tune-gamma?tg_ds=GunPoint&tg_points=6&tg_folds=3", charts=False)
    app_page.get_by_role("heading", name="Tune γ").first.wait_for()
    app_page.locator(".st-key-tg_run button").click()
    app_page.locator("[data-testid='stProgress']").wait_for()  # the run has started
    app_page.locator(".st-key-tg_stop button").first.click()  # stale copies may linger
    warning = app_page.get_by_text(re.compile(r"Stopped by you after [0-5] of 6 values of γ"))
    warning.wait_for()
    wait_for_app(app_page)
    assert_no_exception(app_page)
    assert app_page.locator("[data-testid='stProgress']").count() == 0
