"""Use 2: averaging a set of series: Euclidean mean, DBA and the soft-DTW barycenter."""

import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import barycenters, formatting
from explorer.plots import barycenters as plots
from explorer.web import jobs, sidebar, widgets
from explorer.web.cached import barycenters as cached

# option values are what the URL shows (a bound widget writes its displayed text there)
SOURCES = ["dataset", "warped copies", "upload"]
TEMPLATES = ("sine", "bumps", "cbf", "square")
INITS = ["euclidean", "medoid", "random"]
OBJECTIVES = {"raw": "softdtw", "divergence": "divergence"}  # shown -> softdtw_core name
SWEEP_DEFAULT = ["0.01", "0.1", "1", "10"]
SWEEP_MAX = 6


def _members(col) -> barycenters.MemberSet:
    src = widgets.choice_widget(
        col.segmented_control, "Series to average", SOURCES, key="bc_src",
        default=sidebar.default_source(),
        help="A class of a bundled dataset, randomly time-warped noisy copies of a known "
             "template (drawn dashed), or the series uploaded on the Your data page.")
    src, up = sidebar.upload_source(src, col)
    if src == "warped copies":
        a, b = col.columns(2)
        number = widgets.number_widget
        tpl = widgets.choice_widget(a.selectbox, "Template", TEMPLATES, key="bc_tpl",
                                    default="sine")
        n = number(b.number_input, f"Copies (2–{barycenters.MAX_SERIES})", 2,
                   barycenters.MAX_SERIES, key="bc_n", default=20, step=1)
        length = number(a.number_input, f"Length (8–{barycenters.MAX_LENGTH})", 8,
                        barycenters.MAX_LENGTH, key="bc_len", default=100, step=1)
        seed = number(b.number_input, "Seed", 0, 10_000, key="bc_seed", default=0, step=1)
        warp = number(a.slider, "Time warp", 0.0, 1.0, key="bc_warp", default=0.3, step=0.05)
        noise = number(b.slider, "Noise (std)", 0.0, 1.0, key="bc_noise", default=0.1,
                       step=0.01)
        return barycenters.warped_members(int(n), int(length), tpl, warp, noise, int(seed))
    if src == "upload":
        classes = barycenters.class_options(up.get("labels"))
        label = None
        if classes:
            label = widgets.choice_widget(col.selectbox, "Class", classes, key="bc_uclass",
                                          default=classes[0], url=False)
        col.caption(f"From {widgets.escape_markdown(up['filename'])}: {len(up['series'])} "
                    "series.")
        return barycenters.uploaded_members(up, label)
    a, b, c = col.columns([2, 1.2, 1])
    ds, split = widgets.dataset_picker(a, b, prefix="bc_")
    classes = barycenters.class_options(data.load_dataset(ds, split).labels)
    label = widgets.choice_widget(c.selectbox, "Class", classes, key="bc_class",
                                  default=classes[0])
    return barycenters.dataset_members(ds, split, label)


def _display(columns: dict) -> pd.DataFrame:
    """The scores table with its numbers as text (blank where a method has no value)."""
    formats = {"DTW loss (γ = 0)": lambda v: formatting.number(v, 5),
               "run time (s)": lambda v: formatting.fixed(v, 3),
               "final objective": formatting.number}
    out = dict(columns)
    for name, fmt in formats.items():
        out[name] = [fmt(v) for v in columns[name]]
    out["iterations"] = [str(v) if m != "Euclidean mean" and "template" not in m else ""
                         for v, m in zip(columns["iterations"], columns["method"])]
    return pd.DataFrame(out)


INTRO = (
    "A barycenter is the series that is closest on average to a whole set: the "
    "point-by-point (Euclidean) mean smears features that happen at different times, "
    "while DBA and the soft-DTW barycenter average *after* aligning. Soft-DTW makes the "
    "objective smooth, so it is minimised with gradients (L-BFGS); the table scores "
    "every method with the same hard DTW loss, the paper's measure. γ and the band come "
    "from the sidebar.")
FORMULA = (
    r"\hat{X}_\gamma = \operatorname*{argmin}_{X \in \mathbb{R}^{n \times d}} "
    r"\sum_{j=1}^{N} \frac{1}{N m_j}\, L(X, Y_j), \qquad "
    r"L = \mathrm{dtw}_\gamma \text{ or } D_\gamma, \qquad "
    r"\text{score} = \sum_{j} \frac{1}{N m_j}\, \mathrm{dtw}_0(\hat X, Y_j)")


def _method_settings(sel, members: barycenters.MemberSet) -> tuple[str, str, int]:
    """Initialisation, objective and channel drawn; the caps in a caption."""
    a, b = st.columns(2)
    init = widgets.choice_widget(
        a.selectbox, "Initialisation", INITS, key="bc_init", default="euclidean",
        help="Starting point of DBA and of the soft-DTW barycenter: the Euclidean mean, "
             "the medoid series, or random values (seed 0).")
    objective = OBJECTIVES[widgets.choice_widget(
        b.segmented_control, "Objective L", list(OBJECTIVES), key="bc_obj", default="raw",
        help="Raw soft-DTW dtw_γ (the paper) or the divergence D_γ (no shrinkage at "
             "large γ; but its self-term −½ dtw_γ(X, X) rewards a rough X, so with γ near "
             "the data's typical cost its barycenter can zigzag).")]
    channel = widgets.channel_picker(members.dim, "bc_ch")
    st.caption(f"γ = {sel.gamma_text}"
               + (f", band radius {formatting.number(sel.band)}" if sel.band is not None
                  else "")
               + " (sidebar). Caps: at most "
               f"{barycenters.MAX_SERIES} series of at most {barycenters.MAX_LENGTH} points, "
               f"{barycenters.BARYCENTER_MAX_ITER} iterations and "
               f"{formatting.number(barycenters.BUDGET_SECONDS)} s per optimiser.")
    return init, objective, channel


def _comparison(res: barycenters.BarycenterComparison, members: barycenters.MemberSet,
                gamma_text: str, channel: int) -> None:
    """The barycenters over the members, the scores, the objective traces, the downloads."""
    m = res.methods
    st.subheader(f"{widgets.escape_markdown(members.name)}: {len(members.series)} series")
    fig = plots.barycenter_figure(
        members.series, {k: (r.name, r.barycenter) for k, r in m.items()}, channel=channel,
        template=members.template, uirevision=f"bary-{members.name}")
    widgets.plot(fig, key="bary_chart")
    t1, t2 = st.container(), st.columns([3, 2])[0]  # the table full width: its columns are many
    with t1:
        st.markdown("**Scores** — lower DTW loss is better; times are those of the first "
                    "computation (results are cached).")
        st.dataframe(_display(res.table()), hide_index=True, width="stretch")
        for r in m.values():
            if r.message.startswith("stopped after"):
                st.warning(f"{r.name}: {r.message}.")
    with t2:
        traces = {f"soft-DTW objective (γ = {gamma_text})":
                  (m["softdtw"].trace, m["softdtw"].phases),
                  "DBA objective (= DTW loss)": (m["dba"].trace, m["dba"].phases)}
        widgets.plot(plots.objective_trace_figure(traces, uirevision="bary-trace"),
                     key="bary_trace")
    d1, d2, d3 = st.columns(3)
    widgets.download("Barycenters (CSV)",
                     data.series_to_csv([r.barycenter for r in m.values()],
                                        names=[r.name for r in m.values()]),
                     "barycenters.csv", "bc_dl_series", d1)
    widgets.download("Scores table (CSV)", data.table_csv(res.table()),
                     "barycenter_scores.csv", "bc_dl_table", d2)
    widgets.download("Objective traces (CSV)", data.table_csv(res.traces_table()),
                     "barycenter_traces.csv", "bc_dl_trace", d3)


def _sweep(members: barycenters.MemberSet, sel, init: str, objective: str,
           channel: int) -> None:
    """The soft-DTW barycenter over a few γ, on demand."""
    st.subheader("γ sweep")
    st.markdown("The soft-DTW barycenter for several γ side by side, each scored with the "
                "DTW loss: small γ follows DTW closely (sharper, can get stuck), large γ "
                "smooths the objective (raw soft-DTW then shrinks the barycenter; the "
                "divergence does not).")
    s1, s2 = st.columns([1, 3])
    on = widgets.toggle_widget(s1.toggle, "Run the γ sweep", key="bc_sweep_on")
    gtexts = widgets.choice_widget(
        s2.multiselect, f"γ values (at most {SWEEP_MAX})",
        [g for g in sidebar.GAMMA_OPTIONS if g != "0"], key="bc_gammas", default=SWEEP_DEFAULT,
        max_selections=SWEEP_MAX)
    if not on:
        st.caption("Switch the sweep on to compute it (one barycenter per γ).")
        return
    if not gtexts:
        st.info("Choose at least one γ for the sweep.")
        return
    sw = jobs.watch(cached.barycenter_sweep(members.series, [float(g) for g in gtexts],
                                           init=init, objective=objective, band=sel.band))
    widgets.plot(plots.gamma_sweep_figure(
        members.series, sw.gammas, sw.barycenters, sw.losses, channel=channel,
        template=members.template, uirevision=f"sweep-{members.name}"), key="sweep_chart")
    number = formatting.number
    st.caption(f"Computed in {formatting.fixed(sw.seconds.sum())} s in all; iterations "
               "per γ: " + ", ".join(f"{number(g)}: {int(k)}"
                                     for g, k in zip(sw.gammas, sw.n_iter)) + ".")
    for g, msg in zip(sw.gammas, sw.messages):
        if msg.startswith("stopped after"):
            st.warning(f"γ = {number(g)}: {msg}.")
    widgets.download("γ sweep barycenters (CSV)",
                     data.series_to_csv(sw.barycenters,
                                        names=[f"softdtw gamma={number(g)}" for g in sw.gammas]),
                     "gamma_sweep.csv", "bc_dl_sweep")


def body() -> None:
    sel = sidebar.selection()
    widgets.intro("Barycenters", INTRO, FORMULA)
    left, right = st.columns([3, 2])
    members = _members(left)
    with right:
        init, objective, channel = _method_settings(sel, members)
    for note in members.notes:
        st.warning(note)
    if sel.cost != "sqeuclidean":
        st.info("Barycenters use the squared Euclidean ground cost (they need the gradient "
                "of soft-DTW); the sidebar's absolute cost is not used on this page.")
    res = jobs.watch(cached.barycenter_comparison(members.series, sel.gamma, init=init,
                                                 objective=objective, band=sel.band,
                                                 template=members.template))
    _comparison(res, members, sel.gamma_text, channel)
    _sweep(members, sel, init, objective, channel)
    widgets.sharing_caption()


widgets.run_page(body)
