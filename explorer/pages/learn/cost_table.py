"""Learn 1: the cost matrix Δ, the DP table R, the optimal path, E, and a cell's update."""

from functools import partial

import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import bellman, common, cost_table, formatting
from explorer.plots import cost_table as plots
from explorer.web import sidebar, widgets
from explorer.web.cached import cost_table as cached

COST_CHART = "cost_chart"
DP_CHART = "dp_chart"


def _on_cell_click(chart_key: str) -> None:
    """Selection callback: move the inspected cell to the clicked one (never raises)."""
    try:
        points = st.session_state[chart_key]["selection"]["points"]
    except (KeyError, TypeError, AttributeError):
        return
    cell = widgets.clicked_cell(points)
    if cell is not None:
        st.session_state["cell_i"], st.session_state["cell_j"] = cell


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(
        "Cost matrix & DP table",
        "The cost matrix Δ holds the price Δᵢⱼ of matching point i of x (drawn down the left "
        "margin) with point j of y (along the top). An alignment is a monotone path of cells "
        "from the top-left to the bottom-right corner; DTW is the cost of the cheapest path "
        "A*, and soft-DTW replaces that minimum by a soft-minimum over *all* paths. Both are "
        "computed by filling the table R row by row with the Bellman recursion; **click any "
        "cell** to see its update.",
        r"\begin{gathered} r_{i,j} = \Delta_{i,j} + \min{}^{\gamma}\!\left(r_{i-1,j-1},\, "
        r"r_{i-1,j},\, r_{i,j-1}\right), \qquad \mathrm{dtw}_\gamma(x, y) = r_{n,m}, \\ "
        r"\min{}^{\gamma}(a_1,\dots,a_k) = -\gamma \log \sum_{k} e^{-a_k/\gamma} "
        r"\end{gathered}",
    )
    t = cached.tables(sel.x, sel.y, sel.gamma, sel.cost, sel.band)
    path, dtw = cached.optimal_path(sel.x, sel.y, sel.cost, sel.band)
    n, m = sel.n, sel.m
    _metrics(t.value, dtw, sel)

    o = st.columns([1, 1, 1, 1])
    show_path = o[0].toggle("Show optimal path A*", value=True, key="show_path")
    show_E = o[1].toggle("Overlay E = E_γ[A]", value=False, key="show_E",
                         help="The expected alignment: how much each cell is used on average "
                              "by the Gibbs distribution over paths at this γ.")
    # the cell whose update is shown (1-based R indices); clicks write these keys
    for key, hi in (("cell_i", n), ("cell_j", m)):
        v = st.session_state.get(key)
        if not isinstance(v, int) or not 1 <= v <= hi:
            st.session_state[key] = hi
    ci = o[2].number_input("Cell i", 1, n, step=1, key="cell_i")
    cj = o[3].number_input("Cell j", 1, m, step=1, key="cell_j")

    fig, fig_r = cached.cost_table_figures(sel.x, sel.y, sel.gamma, sel.cost, sel.band, show_path,
                                          show_E, (int(ci), int(cj)))
    left, right = st.columns([1.15, 1])
    with left:
        st.markdown(f"**Cost matrix Δ** ({sel.cost}) with x = "
                    f"{widgets.escape_markdown(sel.x_name)} and y = "
                    f"{widgets.escape_markdown(sel.y_name)} on the margins")
        widgets.plot(fig, key=COST_CHART, on_select=lambda: _on_cell_click(COST_CHART))
    with right:
        st.markdown(f"**DP table R** (row 0 and column 0 are the borders r₀₀ = 0, "
                    f"r₀ⱼ = rᵢ₀ = ∞; numbers shown up to {plots.MAX_NUMBERS - 1}×"
                    f"{plots.MAX_NUMBERS - 1})")
        widgets.plot(fig_r, key=DP_CHART, on_select=lambda: _on_cell_click(DP_CHART))
    if show_E:
        st.caption(cost_table.e_spread_text(t, path, dtw, sel.gamma))
    _downloads(t, path, sel)
    stride = plots.click_stride(n, m)
    if stride > 1:
        st.caption(f"Large table: clicks pick every {stride}th cell; type exact indices in "
                   "'Cell i' / 'Cell j'.")

    _update_panel(t, ci, cj, sel)


def _metrics(value: float, dtw: float, sel) -> None:
    c = st.columns([0.9, 1.2, 1, 1])  # room for "≈ 5.47 × 10¹¹²"
    c[0].metric("Sizes n × m", f"{sel.n} × {sel.m}")
    c[1].metric("Alignment paths", common.delannoy_text(sel.n, sel.m),
                help="Delannoy(n−1, m−1): how many alignments of an n-point and an m-point "
                     "series there are, every one of which soft-DTW weighs.")
    c[2].metric(f"dtw_γ at γ = {sel.gamma_text}", formatting.number(value))
    c[3].metric("DTW (γ = 0, cost of A*)", formatting.number(dtw))


def _downloads(t, path, sel) -> None:
    """Δ, R, E and the optimal path as CSV (1-based indices, as on the page; built on click)."""
    n, m = sel.n, sel.m
    rows = [f"i={k}" for k in range(1, n + 1)]
    cols = [f"j={k}" for k in range(1, m + 1)]
    c = st.columns(4)
    widgets.download("Δ (CSV)", partial(data.matrix_csv, t.cost, row_labels=rows,
                                         col_labels=cols), "cost_matrix.csv", "ct_dl_cost", c[0])
    widgets.download("R with its borders (CSV)",
                     partial(data.matrix_csv, t.R, row_labels=[f"i={k}" for k in range(n + 1)],
                             col_labels=[f"j={k}" for k in range(m + 1)]),
                     "dp_table_R.csv", "ct_dl_R", c[1])
    widgets.download(f"E at γ = {sel.gamma_text} (CSV)",
                     partial(data.matrix_csv, t.E, row_labels=rows, col_labels=cols),
                     "expected_alignment.csv", "ct_dl_E", c[2])
    widgets.download("Optimal path A* (CSV)",
                     partial(data.table_csv, {"i": [i + 1 for i, _ in path],
                                              "j": [j + 1 for _, j in path]}),
                     "optimal_path.csv", "ct_dl_path", c[3])


def _update_panel(t, i: int, j: int, sel) -> None:
    st.subheader(f"Bellman update of cell ({i}, {j})")
    u = bellman.bellman_update(t, i, j, sel.gamma)
    if not u.in_band:
        st.info(f"Cell ({i}, {j}) lies outside the Sakoe–Chiba band (radius "
                f"{formatting.number(sel.band)}): "
                "it is never visited, r = ∞ and E = 0 there.")
        return
    tex = formatting.tex
    a, b, c = (tex(v) for v in u.values)
    op = r"\min" if sel.gamma == 0 else r"\min{}^{\gamma}"
    st.latex(
        r"\begin{aligned} "
        rf"r_{{{i},{j}}} &= \Delta_{{{i},{j}}} + {op}\!\left(r_{{{i-1},{j-1}}},\, "
        rf"r_{{{i-1},{j}}},\, r_{{{i},{j-1}}}\right) \\ "
        rf"&= {tex(u.cost)} + {op}\!\left({a},\, {b},\, {c}\right) \\ "  # 3 lines: they
        rf"&= {tex(u.cost)} + \left({tex(u.softmin)}\right) = {tex(u.result)}"  # fit a laptop
        r" \end{aligned}"
    )
    rows = [
        {"predecessor": name, "cell": f"({p[0]}, {p[1]})", "r value": v,
         "soft-min weight": w}
        for name, p, v, w in zip(bellman.PRED_NAMES, u.predecessors, u.values, u.weights)
    ]
    left, right = st.columns([3, 2])
    left.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                   column_config={"r value": st.column_config.NumberColumn(format="%.5g"),
                                  "soft-min weight": st.column_config.ProgressColumn(
                                      min_value=0.0, max_value=1.0, format="%.4f")})
    number = formatting.number
    right.markdown(
        f"Hard min of the three: **{number(min(u.values), 5)}**; soft-min at γ = "
        f"{sel.gamma_text}: **{number(u.softmin, 5)}** (never above the hard min, at most "
        f"γ·log 3 below it). The weights are how the soft-min splits the cell's credit among "
        f"its predecessors; the backward pass uses them to compute E. Table value r = "
        f"**{number(t.R[i, j], 5)}**, E at this cell = **{number(t.E[i - 1, j - 1], 4)}**."
    )


widgets.run_page(body)
