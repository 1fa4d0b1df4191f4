"""Every page fits a laptop's window (1280 × 800 and 1440 × 900), after its main interaction.

Measured in the browser (:data:`MEASURE`): no cut text (buttons, metric values, widget labels,
selected options, code blocks, formulas: any clipping box whose text is wider than it; a table
whose columns run past its box), no element running off the page, and inside every Plotly
chart no text (tick labels, axis and colour-bar titles, legend entries, annotations, slider and
button labels, heatmap cell texts) that overlaps another text, a colour bar, a legend box or
entry or a button, or falls outside the chart's own box or its legend's; a heatmap's cell text
fits its cell. Each page is measured in its window and again grown to its whole height (the
charts redraw on a resize).

With ``EXPLORER_SCREENSHOTS=<folder>`` (e.g. ``docs/screenshots``) the 1280 px run saves a
screenshot of every page, after its interaction, under the names the README and the guides
link.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.data import series_to_csv, warped_copies
from explorer.web import registry

from .conftest import (
    LAYOUT_SETTLED,
    ROOT,
    assert_no_exception,
    goto,
    new_page,
    rerun,
    wait_for_app,
)
from .test_app_e2e import click_cell

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

WINDOWS = [(1280, 800), (1440, 900)]
SHOTS_AT = 1280

# Every problem as a short string; [] when the page fits. Run in the page.
MEASURE = """
() => {
  const out = [];
  const R = (el) => el.getBoundingClientRect();
  const label = (el) => (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const visible = (el) => {
    const r = R(el);
    if (r.width < 2 || r.height < 2) return false;  // (or a 1-pixel text for screen readers)
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0)
        return false;
    }
    return true;
  };
  const overlap = (a, b, tol = 1) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > tol &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tol;
  const inside = (a, b, tol = 1) =>
    a.left >= b.left - tol && a.right <= b.right + tol &&
    a.top >= b.top - tol && a.bottom <= b.bottom + tol;

  // (a) cut text: a box that clips (overflow not visible) its own text
  const main = document.querySelector("[data-testid='stMain']");
  const pageRight = document.documentElement.clientWidth;
  const skip = "[data-testid='stPlotlyChart'], [data-testid='stDataFrame'], " +
               "[data-testid='stSidebarNav'], .katex-mathml, [data-testid='stIconMaterial']";
  const roots = [main, document.querySelector("[data-testid='stSidebarUserContent']")];
  for (const root of roots) {
    if (!root) continue;
    for (const el of root.querySelectorAll('*')) {
      if (el.closest(skip) || !el.textContent.trim() || !visible(el)) continue;
      if (getComputedStyle(el).fontFamily.includes('Material')) continue;  // an icon's name
      const s = getComputedStyle(el);
      const clips = s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
      if (el.matches('.katex-display')) {  // its scroll box runs a few pixels wide: compare
        const box = R(el);                   // the formula's own boxes with it
        const parts = Array.from(el.querySelectorAll('.katex-html .base'), R);
        const right = Math.max(...parts.map((r) => r.right)), left = Math.min(
          ...parts.map((r) => r.left));
        if (parts.length && (right > box.right + 1 || left < box.left - 1))
          out.push(`formula cut (${Math.round(right - left)}px in ${Math.round(box.width)}px):` +
                   ` "${label(el)}"`);
        continue;
      }
      if (clips && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 &&
          !el.matches("[data-testid='stMain'], [data-testid='stMainBlockContainer']"))
        out.push(`cut (${el.scrollWidth}px in ${el.clientWidth}px): ` +
                 `${el.tagName.toLowerCase()}.${el.getAttribute('data-testid') || el.className}` +
                 ` "${label(el)}"`);
    }
  }
  // a table wider than its box hides columns behind a scroll bar
  for (const sc of main.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")) {
    if (sc.scrollWidth > sc.clientWidth + 1)
      out.push(`table cut (${sc.scrollWidth}px in ${sc.clientWidth}px): "` +
               label(sc.closest("[data-testid='stDataFrame']")) + '"');
  }
  for (const el of main.querySelectorAll(
      "[data-testid='stElementContainer'], .katex-display, button")) {
    if (!visible(el)) continue;
    if (R(el).right > pageRight + 1)
      out.push(`off the page (right ${Math.round(R(el).right)} > ${pageRight}): "${label(el)}"`);
  }

  // (b), (c) inside every chart
  document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot").forEach(
      (gd, k) => {
    const box = R(gd);
    if (box.right > pageRight + 1) out.push(`chart ${k} runs off the page`);
    const texts = [];
    gd.querySelectorAll('svg text').forEach((t) => {
      if (t.closest('.hoverlayer') || !t.textContent.trim() || !visible(t)) return;
      texts.push({el: t, r: R(t), name: label(t)});
    });
    // obstacles: colour bars' colour strip, legend boxes, buttons
    const obstacles = [];
    // (a legend entry's symbol is an obstacle to the other entries' texts)
    gd.querySelectorAll('.colorbar .cbfills, .legend > .bg, .legend .traces .legendsymbols, ' +
                        '.updatemenu-button').forEach((o) => {
      if (visible(o)) obstacles.push({el: o, r: R(o), group: o.closest(
        '.traces, .colorbar, .legend, .updatemenu-button')});
    });
    // a legend's texts inside its box (Plotly clips them at its edge)
    gd.querySelectorAll('.legend').forEach((lg) => {
      const bg = lg.querySelector(':scope > .bg');
      if (!bg || !visible(bg)) return;
      lg.querySelectorAll('text').forEach((t) => {
        if (t.textContent.trim() && visible(t) && !inside(R(t), R(bg)))
          out.push(`chart ${k}: legend entry "${label(t)}" cut at its legend's edge`);
      });
    });
    for (const t of texts)
      if (!inside(t.r, box))
        out.push(`chart ${k}: "${t.name}" outside its chart`);
    for (const o of obstacles)
      if (!inside(o.r, box))
        out.push(`chart ${k}: ${o.el.getAttribute('class')} outside its chart`);
    for (let a = 0; a < texts.length; a++) {
      for (let b = a + 1; b < texts.length; b++)
        if (overlap(texts[a].r, texts[b].r))
          out.push(`chart ${k}: "${texts[a].name}" overlaps "${texts[b].name}"`);
      for (const o of obstacles)
        if (!o.group.contains(texts[a].el) && overlap(texts[a].r, o.r))
          out.push(`chart ${k}: "${texts[a].name}" under ${o.el.getAttribute('class')}`);
    }
    // an axis title beyond its tick labels (below or above an x axis' labels, beside a y
    // axis' labels), not on the same line between two of them
    gd.querySelectorAll('[class^="g-x"][class$="title"], [class^="g-y"][class$="title"]')
      .forEach((g) => {
        const ax = g.getAttribute('class').slice(2, -5);  // "x", "x2", "y3"...
        const title = g.querySelector('text');
        const ticks = Array.from(gd.querySelectorAll(`.${ax}tick text`)).filter(visible).map(R);
        if (!title || !visible(title) || !ticks.length) return;
        const t = R(title), [lo, hi] = ax[0] === 'x' ? ['top', 'bottom'] : ['left', 'right'];
        const band = [Math.min(...ticks.map((r) => r[lo])), Math.max(...ticks.map((r) => r[hi]))];
        if (t[lo] < band[1] - 1 && t[hi] > band[0] + 1)
          out.push(`chart ${k}: axis title "${label(title)}" among its tick labels`);
      });
    // (c) heatmap cell texts: narrower than their cell
    const fl = gd._fullLayout;
    (gd._fullData || []).forEach((tr, ti) => {
      if (tr.type !== 'heatmap' || !tr.texttemplate) return;
      const xa = fl[tr.xaxis.replace('x', 'xaxis')], ya = fl[tr.yaxis.replace('y', 'yaxis')];
      const cw = Math.abs(xa.d2p(1) - xa.d2p(0)), ch = Math.abs(ya.d2p(1) - ya.d2p(0));
      const layer = gd.querySelectorAll('.heatmaplayer .hm')[ti] ||
                    gd.querySelectorAll('.hm')[ti];
      if (!layer) return;
      layer.querySelectorAll('text').forEach((t) => {
        const r = R(t);
        if (t.textContent.trim() && (r.width > cw - 1 || r.height > ch))
          out.push(`chart ${k}: cell text "${label(t)}" (${Math.round(r.width)}px) wider ` +
                   `than its cell (${Math.round(cw)}px)`);
      });
    });
  });
  return Array.from(new Set(out));
}
"""


def _upload(page, tmp_dir: Path) -> None:
    ds = warped_copies(3, 40, templates=("sine", "bumps"), seed=7)
    path = tmp_dir / "my series.csv"
    path.write_bytes(series_to_csv(ds.series, labels=ds.labels,
                                   names=[f"w{k}" for k in range(6)]))
    with rerun(page):
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
            str(path))
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
    wait_for_app(page)


def _press(page, name: str, times: int = 1) -> None:
    for _ in range(times):
        with rerun(page):
            page.get_by_role("button", name=name, exact=True).click()


def _bellman_forward(page, tmp_dir) -> None:
    _press(page, "Next", 3)
    page.get_by_text("Forward step 3 of").wait_for()


def _bellman_backward(page, tmp_dir) -> None:
    step = page.locator("input[type='range'][aria-label^='Step (']")
    step.focus()
    with rerun(page):
        step.press("End")
    _press(page, "Back", 2)
    page.get_by_text("Backward step").first.wait_for()


def _kmeans(page, tmp_dir) -> None:
    page.get_by_role("button", name="Run k-means").click()
    page.get_by_role("heading", name="Step through the recorded iterations").wait_for(
        timeout=180_000)
    wait_for_app(page)


def _prediction(page, tmp_dir) -> None:
    with rerun(page):
        page.get_by_role("button", name="Train the three models").click()
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=180_000)
    wait_for_app(page)


def _tune_gamma(page, tmp_dir) -> None:
    with rerun(page):
        page.locator(".st-key-tg_run button").click()
    page.get_by_text("values of γ done").wait_for(timeout=180_000)
    page.locator("[data-testid='stPlotlyChart']").nth(2).wait_for()
    wait_for_app(page)


# (i, j) of a clickable cell of the DP table R (second chart), a third of the way along the
# overlay of click markers (strided on long series)
CLICKABLE = """
() => {
  const gd = document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")[1];
  const overlay = gd._fullData.find((t) => t.customdata && t.mode === 'markers');
  return Array.from(overlay.customdata[Math.floor(overlay.customdata.length / 3)]);
}
"""


def _cell(page, tmp_dir) -> None:
    i, j = page.evaluate(CLICKABLE)
    click_cell(page, 1, i, j)
    page.get_by_role("heading", name=f"Bellman update of cell ({i}, {j})").wait_for()


#: Per page: its address's query (small runs; the Learn pages on their defaults), and its
#: interactions, each followed by a measurement (and a screenshot named as in docs/). The
#: session's server shares finished jobs: the pages that run one use settings no other e2e
#: test uses, so that a test watching a job's progress never finds it already done.
STEPS = {
    "home": ("", [(None, "overview.png")]),
    "cost_table": ("", [(None, "cost-table.png"), (_cell, "cost-table-clicked.png")]),
    "bellman": ("", [(_bellman_forward, None), (_bellman_backward, "bellman-stepped.png")]),
    "softmin": ("", [(None, "softmin.png")]),
    "gamma_explorer": ("", [(None, "gamma-explorer.png")]),
    "loss": ("", [(None, "learn-loss.png")]),
    "interpolation": ("", [(None, "use-interpolation.png")]),
    "barycenters": ("", [(None, "use-barycenters.png")]),
    "kmeans": ("?km_iter=8&km_seed=9", [(_kmeans, "use-kmeans.png")]),
    "prediction": ("?pr_ds=ItalyPowerDemand&pr_iter=35", [(_prediction, "use-prediction.png")]),
    "tune_gamma": ("?tg_ds=Chinatown&tg_points=3&tg_folds=2",
                   [(_tune_gamma, "use-tune-gamma.png")]),
    "your_data": ("?yd_j=3", [(_upload, "use-your-data.png")]),
}


def test_steps_cover_every_registered_page():
    assert set(STEPS) == {info.name for info in registry.PAGES}


@pytest.fixture(scope="module", params=WINDOWS, ids=lambda w: f"{w[0]}x{w[1]}")
def window(request, e2e_browser):
    """One browser context per window size, shared by the pages."""
    page = new_page(e2e_browser)
    width, height = request.param
    page.set_viewport_size({"width": width, "height": height})
    yield page, width, height
    page.context.close()


def _measure_whole_page(page, width: int, height: int, name: str | None) -> list[str]:
    """Grow the window to the main area's height (Streamlit scrolls inside its own
    container, and the charts redraw on a resize: seen, a legend and an axis title placed
    differently), measure again, take the screenshot, then give the window its size back."""
    tall = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(int(tall) + 20, 4000))})
    wait_for_app(page)
    page.wait_for_function(LAYOUT_SETTLED, polling=100)
    problems = page.evaluate(MEASURE)
    folder = os.environ.get("EXPLORER_SCREENSHOTS")
    if folder and width == SHOTS_AT and name is not None:
        out = Path(folder) if Path(folder).is_absolute() else ROOT / folder
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name))
    page.set_viewport_size({"width": width, "height": height})
    wait_for_app(page)
    page.wait_for_function(LAYOUT_SETTLED, polling=100)
    return problems


@pytest.mark.parametrize("info", registry.PAGES, ids=lambda info: info.name)
def test_page_fits_a_laptop_window(app_url, window, info, tmp_path):
    page, width, height = window
    query, steps = STEPS[info.name]
    draws = steps[0][0] is None or steps[0][0] in (_cell, _bellman_forward)
    goto(page, f"{app_url}/{'' if info.default else info.url_path}{query}", charts=draws)
    problems = []
    for action, name in steps:
        if action is not None:
            action(page, tmp_path)
        assert_no_exception(page)
        wait_for_app(page)
        page.wait_for_function(LAYOUT_SETTLED, polling=100)
        where = f"{info.name} at {width}×{height}" + (f" after {action.__name__}"
                                                      if action else "")
        problems += [f"{where}: {p}" for p in page.evaluate(MEASURE)]
        problems += [f"{where}, whole page shown: {p}"
                     for p in _measure_whole_page(page, width, height, name)]
    assert not problems, "\n".join(problems)
