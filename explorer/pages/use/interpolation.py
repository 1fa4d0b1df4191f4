"""Use 1: soft-DTW interpolation between the two series in play, λ scrubbed in the browser."""

import streamlit as st

from explorer import data
from explorer.logic import formatting, interpolation
from explorer.plots import interpolation as plots
from explorer.web import jobs, sidebar, widgets
from explorer.web.cached import interpolation as cached

# option values are what the URL shows (a bound widget writes its displayed text there)
OBJECTIVES = {"raw": "softdtw", "divergence": "divergence"}  # shown -> softdtw_core name


#: The page's title, its introduction and its formulas (:func:`explorer.web.widgets.intro`).
INTRO = (
    "Interpolation",
    "Averaging two series point by point (the Euclidean interpolation, right) blurs "
    "features that happen at different times into two half-height ghosts. The soft-DTW "
    "interpolation (left) is the series closest to both under soft-DTW, weighted by λ "
    "and 1 − λ: features move in time as well as in height. **Drag the λ slider under "
    "the plots** (it runs in your browser); x and y and γ come from the sidebar.",
    r"X_\lambda = \operatorname*{argmin}_{X}\; \lambda\, L(X, x) + (1-\lambda)\, L(X, y), "
    r"\qquad L = \mathrm{dtw}_\gamma \;\text{ or }\; D_\gamma, \qquad "
    r"X^{\mathrm{Eucl}}_\lambda = \lambda x + (1 - \lambda) y",
)


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(*INTRO)
    c1, c2 = st.columns([2, 1])
    objective = OBJECTIVES[widgets.choice_widget(
        c1.segmented_control, "Objective L", list(OBJECTIVES), key="ip_obj", default="raw",
        help="Raw soft-DTW dtw_γ (the paper) or the soft-DTW divergence D_γ, which makes the "
             "endpoints exact (X₁ = x, X₀ = y) and avoids the shrinkage of raw soft-DTW at "
             "large γ.")]
    x, y, notes = interpolation.prepare_pair(sel.x, sel.y)
    channel = widgets.channel_picker(1 if x.ndim == 1 else x.shape[1], "ip_ch", c2)
    for note in notes:
        st.warning(note)
    if sel.cost != "sqeuclidean":
        st.info("Interpolation uses the squared Euclidean ground cost (it needs the gradient "
                "of soft-DTW); the sidebar's absolute cost is not used on this page.")
    grid = jobs.watch(cached.interpolation_grid(x, y, sel.gamma, objective=objective,
                                               band=sel.band))
    fig = plots.interpolation_figure(
        x, y, grid.lams, grid.soft, grid.euclid, channel=channel, gamma_text=sel.gamma_text,
        uirevision=f"interp-{len(x)}-{len(y)}")
    widgets.plot(fig, key="interp_chart")
    st.caption(
        f"x = {widgets.escape_markdown(sel.x_name)} (weight λ), y = "
        f"{widgets.escape_markdown(sel.y_name)} (weight 1 − λ); γ = {sel.gamma_text}"
        + (f", band radius {formatting.number(sel.band)}" if sel.band is not None else "")
        + f". {len(grid.lams)} values of λ were solved in {formatting.fixed(grid.seconds)} s, "
        f"each starting from the previous solution (warm start; {int(grid.n_iter.sum())} "
        f"optimiser iterations in all, at most {interpolation.INTERP_MAX_ITER} per λ); the slider "
        "only swaps precomputed frames. The interpolant's length is round(λ·n + (1 − λ)·m).")
    capped = int((grid.n_iter >= interpolation.INTERP_MAX_ITER).sum())
    if capped:
        st.caption(f"{capped} of the {len(grid.lams)} values of λ stopped at the cap of "
                   f"{interpolation.INTERP_MAX_ITER} iterations (their objective was still "
                   "decreasing slowly; the curves are close to, not exactly at, a minimum).")

    st.subheader("Downloads")
    lam_text = [formatting.fixed(lam, 2) for lam in grid.lams]
    names = ([f"softdtw lambda={t}" for t in lam_text]
             + [f"euclidean lambda={t}" for t in lam_text])
    d1, d2 = st.columns(2)
    widgets.download("Interpolants (CSV, every λ, both methods)",
                     data.series_to_csv(grid.soft + grid.euclid, names=names),
                     "interpolants.csv", "ip_dl_series", d1)
    widgets.download("Objective per λ (CSV)",
                     data.table_csv({"lambda": list(grid.lams),
                                     "objective": [float(v) for v in grid.objectives],
                                     "iterations": [int(v) for v in grid.n_iter],
                                     "length": [len(s) for s in grid.soft]}),
                     "interpolation_objective.csv", "ip_dl_table", d2)
    widgets.sharing_caption()


widgets.run_page(body)
