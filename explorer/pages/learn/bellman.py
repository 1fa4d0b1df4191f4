"""Learn 2: the forward and backward recursions, one cell at a time."""

import numpy as np
import streamlit as st

from explorer.logic import bellman, formatting
from explorer.plots import bellman as plots
from explorer.web import sidebar, widgets
from explorer.web.cached import cost_table

STEP = "bell_step"
PLAYING = "bell_playing"
PLAY_INTERVAL = 0.8  # seconds between automatic steps
STOP_TIMER = "_bell_stop_timer"


def _go(delta: int | None = None, to: int | None = None, total: int = 0) -> None:
    cur = int(st.session_state.get(STEP, 0))
    st.session_state[STEP] = int(min(max(to if to is not None else cur + delta, 0), total))
    if st.session_state.get(PLAYING):
        st.session_state[PLAYING] = False
        st.session_state[STOP_TIMER] = True


def _stop() -> None:
    if st.session_state.get(PLAYING):
        st.session_state[PLAYING] = False
        st.session_state[STOP_TIMER] = True


#: The page's title, its introduction and its formulas (:func:`explorer.web.widgets.intro`).
INTRO = (
    "Bellman step-through",
    "Soft-DTW is computed in two sweeps. The **forward** sweep fills the table R cell by "
    "cell, each from its three neighbours above and to the left; its last cell is "
    "dtw_γ. The **backward** sweep then starts from the bottom-right corner and fills "
    "the expected alignment E, each cell collecting the soft-min weights that the cells "
    "after it gave it. Step through both, or press play.",
    r"\begin{gathered} r_{i,j} = \Delta_{i,j} + \min{}^{\gamma}(r_{i-1,j-1}, r_{i-1,j}, "
    r"r_{i,j-1}), \\ "
    r"e_{i,j} = w^{\mathrm{diag}}_{i+1,j+1}\, e_{i+1,j+1} + w^{\mathrm{up}}_{i+1,j}\, "
    r"e_{i+1,j} + w^{\mathrm{left}}_{i,j+1}\, e_{i,j+1}, \quad e_{n,m} = 1 \end{gathered}",
)


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(*INTRO)
    x, cut_x = bellman.shorten(sel.x)
    y, cut_y = bellman.shorten(sel.y)
    if cut_x or cut_y:
        st.info(f"This page works on at most {bellman.MAX_STEP_LENGTH} points per series so "
                f"that every cell has room for its number (in {plots.CELL_WIDTH} characters, "
                f"see below the tables): x ({sel.n} points) and y ({sel.m}) are linearly "
                f"resampled to {len(x)} and {len(y)} points, which keeps their shapes (their "
                "first points alone are often flat).")
    band = sel.band
    if band is not None:
        try:
            cost_table.tables(x, y, sel.gamma, sel.cost, band)
        except ValueError as exc:
            st.warning(f"The band is dropped on the truncated series: {exc}")
            band = None
    t = cost_table.tables(x, y, sel.gamma, sel.cost, band)
    F = len(bellman.forward_cells(t))
    total = 2 * F
    cur = st.session_state.get(STEP, 0)
    if not isinstance(cur, int) or not 0 <= cur <= total:
        st.session_state[STEP] = 0
    playing = bool(st.session_state.get(PLAYING, False))

    @st.fragment(run_every=PLAY_INTERVAL if playing else None)
    def stepper() -> None:
        # the timer (run_every) only exists while playing; a full rerun removes it
        if st.session_state.pop(STOP_TIMER, False):
            st.rerun(scope="app")
        if st.session_state.get(PLAYING, False):
            nxt = int(st.session_state.get(STEP, 0)) + 1
            if nxt > total:
                st.session_state[PLAYING] = False
                st.rerun(scope="app")
            st.session_state[STEP] = nxt
        c = st.columns([1.5, 1.25, 1.25, 1.25, 4], vertical_alignment="bottom")
        c[0].button("Restart", icon=":material/skip_previous:", on_click=_go,
                    kwargs={"to": 0, "total": total}, width="stretch", key="bell_restart")
        c[1].button("Back", icon=":material/chevron_left:", on_click=_go,
                    kwargs={"delta": -1, "total": total}, width="stretch", key="bell_back")
        c[2].button("Next", icon=":material/chevron_right:", on_click=_go,
                    kwargs={"delta": 1, "total": total}, width="stretch", key="bell_next")
        if c[3].button("Pause" if playing else "Play",
                       icon=":material/pause:" if playing else ":material/play_arrow:",
                       width="stretch", key="bell_play"):
            if not playing and int(st.session_state.get(STEP, 0)) >= total:
                st.session_state[STEP] = 0
            st.session_state[PLAYING] = not playing
            st.rerun(scope="app")
        step = c[4].slider(f"Step (1–{F}: forward, {F + 1}–{total}: backward)", 0, total,
                           key=STEP, on_change=_stop)
        _show_step(t, int(step), F, sel)

    stepper()


def _show_step(t, step: int, F: int, sel) -> None:
    R_shown, E_shown, phase, cell = bellman.step_tables(t, step)
    finite = t.R[np.isfinite(t.R)]
    widgets.plot(plots.step_figure(R_shown, E_shown, cell=cell, phase=phase,
                                   r_range=(float(finite.min()), float(finite.max()))),
                 key="step_chart")
    st.caption(f"Each cell shows its number in at most {plots.CELL_WIDTH} characters: up to 3 "
               "significant digits, tiny values as a power of ten (1e-5 is 0.00001); hover a "
               "cell for its value to 4 digits.")
    n, m = t.cost.shape
    if phase == "start":
        st.markdown("**Start.** Borders: r₀₀ = 0 and r₀ⱼ = rᵢ₀ = ∞ (no path may start "
                    "elsewhere than the top-left corner). Press *Next* to compute the first "
                    "cell.")
        return
    i, j = cell
    tex, fixed = formatting.tex, formatting.fixed
    if phase == "forward":
        u = bellman.bellman_update(t, i, j, sel.gamma)
        op = r"\min" if sel.gamma == 0 else r"\min{}^{\gamma}"
        st.markdown(f"**Forward step {step} of {F}: cell ({i}, {j})**"
                    + (f" — last cell: dtw_γ = r_{n},{m} = {formatting.number(u.result)}"
                       if (i, j) == (n, m) else ""))
        st.latex(  # two lines: one fits the main area of a laptop's window
            rf"\begin{{aligned}} r_{{{i},{j}}} &= {tex(u.cost)} + {op}\!\left("
            rf"{tex(u.values[0])},\, {tex(u.values[1])},\, {tex(u.values[2])}\right) \\ "
            rf"&= {tex(u.cost)} + ({tex(u.softmin)}) = {tex(u.result)} \end{{aligned}}"
        )
        st.caption("Soft-min weights (diagonal, up, left) = ("
                   + ", ".join(fixed(w, 3) for w in u.weights)
                   + "); stored for the backward sweep.")
    else:
        b = bellman.backward_update(t, i, j)
        k = step - F
        st.markdown(f"**Backward step {k} of {F}: cell ({i}, {j})**"
                    + (" — all of E is filled; it sums the alignment matrices weighted by "
                       "their Gibbs probabilities." if phase == "done" else ""))
        if (i, j) == (n, m):
            st.latex(rf"e_{{{n},{m}}} = 1 \quad\text{{(every path ends in the last cell)}}")
        else:
            terms = []
            for (a, c), wk, ev, nm in zip(b.successors, b.weights, b.values,
                                         ("diag", "up", "left")):
                if a <= n and c <= m:
                    terms.append(rf"\underbrace{{{fixed(wk, 3)}}}_{{w^{{\mathrm{{{nm}}}}}_"
                                 rf"{{{a},{c}}}}}\cdot {fixed(ev, 3)}")
            st.latex(rf"\begin{{aligned}} e_{{{i},{j}}} &= " + " + ".join(terms)  # two lines
                     + rf" \\ &= {fixed(b.result, 4)} \end{{aligned}}")


widgets.run_page(body)
