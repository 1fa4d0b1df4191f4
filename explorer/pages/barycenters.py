"""Use 2: averaging a set of series: Euclidean mean, DBA and the soft-DTW barycenter."""

import pandas as pd
import streamlit as st

from explorer import compute_learning as cl
from explorer import data, downloads, state, ui
from explorer import figures_learning as fl
from explorer import ui_learning as ul
from explorer.analysis import escape_markdown

# option values are what the URL shows (a bound widget writes its displayed text there)
SOURCES = ["dataset", "warped copies", "upload"]
TEMPLATES = ("sine", "bumps", "cbf", "square")
INITS = ["euclidean", "medoid", "random"]
OBJECTIVES = {"raw": "softdtw", "divergence": "divergence"}  # shown -> softdtw_core name
SWEEP_DEFAULT = ["0.01", "0.1", "1", "10"]
SWEEP_MAX = 6


def _members(col) -> cl.MemberSet:
    ui.valid_choice("bc_src", SOURCES, "dataset")
    src = col.segmented_control("Series to average", SOURCES, default="dataset",
                                required=True, key="bc_src", **ul.BIND,
                                help="A class of a bundled dataset, randomly time-warped noisy "
                                     "copies of a known template (drawn dashed), or the series "
                                     "uploaded on the Your data page.")
    up = state.get_uploaded()
    if src == "upload" and up is None:
        col.info("No uploaded series in this session (upload them on the *Your data* page; "
                 "uploads are not part of shared links). Showing a bundled dataset instead.")
        src = "dataset"
    if src == "warped copies":
        a, b = col.columns(2)
        ui.valid_choice("bc_tpl", list(TEMPLATES), "sine")
        tpl = a.selectbox("Template", TEMPLATES, key="bc_tpl", **ul.BIND)
        ui.clamp("bc_n", 2, cl.MAX_SERIES, 20)
        n = b.number_input(f"Copies (2–{cl.MAX_SERIES})", 2, cl.MAX_SERIES, value=20, step=1,
                           key="bc_n", **ul.BIND)
        ui.clamp("bc_len", 8, cl.MAX_LENGTH, 100)
        length = a.number_input(f"Length (8–{cl.MAX_LENGTH})", 8, cl.MAX_LENGTH, value=100,
                                step=1, key="bc_len", **ul.BIND)
        ui.clamp("bc_seed", 0, 10_000, 0)
        seed = b.number_input("Seed", 0, 10_000, value=0, step=1, key="bc_seed", **ul.BIND)
        ui.clamp("bc_warp", 0.0, 1.0, 0.3)
        warp = a.slider("Time warp", 0.0, 1.0, value=0.3, step=0.05, key="bc_warp", **ul.BIND)
        ui.clamp("bc_noise", 0.0, 1.0, 0.1)
        noise = b.slider("Noise (std)", 0.0, 1.0, value=0.1, step=0.01, key="bc_noise",
                         **ul.BIND)
        return cl.warped_members(int(n), int(length), tpl, warp, noise, int(seed))
    if src == "upload":
        classes = cl.class_options(up.get("labels"))
        label = None
        if classes:
            ui.valid_choice("bc_uclass", classes, classes[0])
            label = col.selectbox("Class", classes, key="bc_uclass")
        col.caption(f"From {escape_markdown(up['filename'])}: {len(up['series'])} series.")
        return cl.uploaded_members(up, label)
    names = data.list_datasets()
    a, b, c = col.columns([2, 1.2, 1])
    ui.valid_choice("bc_ds", names, "GunPoint")
    ds = a.selectbox("Dataset", names, index=names.index("GunPoint"), key="bc_ds", **ul.BIND)
    ui.valid_choice("bc_split", ["train", "test"], "train")
    split = b.segmented_control("Split", ["train", "test"], default="train", required=True,
                                key="bc_split", **ul.BIND)
    labels = data.load_dataset(ds, split or "train").labels
    classes = cl.class_options(labels)
    ui.valid_choice("bc_class", classes, classes[0])
    label = c.selectbox("Class", classes, key="bc_class", **ul.BIND)
    return cl.dataset_members(ds, split or "train", label)


def _display(columns: dict) -> pd.DataFrame:
    """The scores table with its numbers as text (blank where a method has no value)."""
    formats = {"DTW loss (γ = 0)": "{:.5g}", "run time (s)": "{:.3f}",
               "final objective": "{:.6g}"}
    out = dict(columns)
    for name, fmt in formats.items():
        out[name] = ["" if v != v else fmt.format(v) for v in columns[name]]
    out["iterations"] = [str(v) if m != "Euclidean mean" and "template" not in m else ""
                         for v, m in zip(columns["iterations"], columns["method"])]
    return pd.DataFrame(out)


def body() -> None:
    sel = state.selection()
    ui.intro(
        "Barycenters",
        "A barycenter is the series that is closest on average to a whole set: the "
        "point-by-point (Euclidean) mean smears features that happen at different times, "
        "while DBA and the soft-DTW barycenter average *after* aligning. Soft-DTW makes the "
        "objective smooth, so it is minimised with gradients (L-BFGS); the table scores "
        "every method with the same hard DTW loss, the paper's measure. γ and the band come "
        "from the sidebar.",
        r"\hat{X}_\gamma = \operatorname*{argmin}_{X \in \mathbb{R}^{n \times d}} "
        r"\sum_{j=1}^{N} \frac{1}{N m_j}\, L(X, Y_j), \qquad "
        r"L = \mathrm{dtw}_\gamma \text{ or } D_\gamma, \qquad "
        r"\text{score} = \sum_{j} \frac{1}{N m_j}\, \mathrm{dtw}_0(\hat X, Y_j)",
    )
    left, right = st.columns([3, 2])
    members = _members(left)
    with right:
        a, b = st.columns(2)
        ui.valid_choice("bc_init", INITS, "euclidean")
        init = a.selectbox("Initialisation", INITS, key="bc_init", **ul.BIND,
                           help="Starting point of DBA and of the soft-DTW barycenter: the "
                                "Euclidean mean, the medoid series, or random values (seed 0).")
        ui.valid_choice("bc_obj", list(OBJECTIVES), "raw")
        shown = b.segmented_control(
            "Objective L", list(OBJECTIVES), default="raw", required=True, key="bc_obj",
            **ul.BIND,
            help="Raw soft-DTW dtw_γ (the paper) or the divergence D_γ (no shrinkage at "
                 "large γ).")
        objective = OBJECTIVES[shown or "raw"]
        channel = ul.channel_picker(members.dim, "bc_ch")
        st.caption(f"γ = {sel.gamma_text}"
                   + (f", band radius {sel.band:g}" if sel.band is not None else "")
                   + " (sidebar). Caps: at most "
                   f"{cl.MAX_SERIES} series of at most {cl.MAX_LENGTH} points, "
                   f"{cl.BARYCENTER_MAX_ITER} iterations and {cl.BUDGET_SECONDS:g} s per "
                   "optimiser.")
    for note in members.notes:
        st.warning(note)
    if sel.cost != "sqeuclidean":
        st.info("Barycenters use the squared Euclidean ground cost (they need the gradient "
                "of soft-DTW); the sidebar's absolute cost is not used on this page.")

    with ul.LiveProgress() as progress:
        res = cl.barycenter_comparison(members.series, sel.gamma, init=init or "euclidean",
                                       objective=objective, band=sel.band,
                                       template=members.template, progress=progress)
    m = res.methods
    st.subheader(f"{escape_markdown(members.name)}: {len(members.series)} series")
    fig = fl.barycenter_figure(
        members.series, {k: (r.name, r.barycenter) for k, r in m.items()}, channel=channel,
        template=members.template, uirevision=f"bary-{members.name}")
    ui.plot(fig, key="bary_chart")

    t1, t2 = st.columns([3, 2])
    with t1:
        st.markdown("**Scores** — lower DTW loss is better; times are those of the first "
                    "computation (results are cached).")
        st.dataframe(_display(res.table()), hide_index=True, width="stretch")
        for r in m.values():
            if r.message.startswith("stopped after"):
                st.warning(f"{r.name}: {r.message}.")
    with t2:
        traces = {f"soft-DTW barycenter: objective at γ = {sel.gamma_text}":
                  (m["softdtw"].trace, m["softdtw"].phases),
                  "DBA: objective (= DTW loss)": (m["dba"].trace, m["dba"].phases)}
        ui.plot(fl.objective_trace_figure(traces, uirevision="bary-trace"), key="bary_trace")

    d1, d2, d3 = st.columns(3)
    ui.download("Barycenters (CSV)",
                downloads.series_csv([r.barycenter for r in m.values()],
                                     names=[r.name for r in m.values()]),
                "barycenters.csv", "bc_dl_series", d1)
    ui.download("Scores table (CSV)", downloads.table_csv(res.table()), "barycenter_scores.csv",
                "bc_dl_table", d2)
    ui.download("Objective traces (CSV)",
                downloads.table_csv({
                    "method": ["softdtw"] * len(m["softdtw"].trace) + ["dba"] * len(m["dba"].trace),
                    "iteration": list(range(len(m["softdtw"].trace)))
                    + list(range(len(m["dba"].trace))),
                    "phase": list(m["softdtw"].phases) + list(m["dba"].phases),
                    "objective": [float(v) for v in m["softdtw"].trace]
                    + [float(v) for v in m["dba"].trace]}),
                "barycenter_traces.csv", "bc_dl_trace", d3)

    st.subheader("γ sweep")
    st.markdown("The soft-DTW barycenter for several γ side by side, each scored with the "
                "DTW loss: small γ follows DTW closely (sharper, can get stuck), large γ "
                "smooths the objective (raw soft-DTW then shrinks the barycenter; the "
                "divergence does not).")
    s1, s2 = st.columns([1, 3])
    on = s1.toggle("Run the γ sweep", value=False, key="bc_sweep_on", **ul.BIND)
    gopts = [g for g in state.GAMMA_OPTIONS if g != "0"]
    ui.valid_choice("bc_gammas", gopts, SWEEP_DEFAULT)
    gtexts = s2.multiselect(f"γ values (at most {SWEEP_MAX})", gopts, default=SWEEP_DEFAULT,
                            key="bc_gammas", max_selections=SWEEP_MAX, **ul.BIND)
    if not on:
        st.caption("Switch the sweep on to compute it (one barycenter per γ).")
    elif not gtexts:
        st.info("Choose at least one γ for the sweep.")
    else:
        with ul.LiveProgress() as sp:
            sw = cl.gamma_sweep(members.series, [float(g) for g in gtexts],
                                init=init or "euclidean", objective=objective, band=sel.band,
                                progress=sp)
        ui.plot(fl.gamma_sweep_figure(members.series, sw.gammas, sw.barycenters, sw.losses,
                                      channel=channel, template=members.template,
                                      uirevision=f"sweep-{members.name}"), key="sweep_chart")
        st.caption(f"Computed in {float(sw.seconds.sum()):.2f} s in all; iterations per γ: "
                   + ", ".join(f"{g:g}: {int(k)}" for g, k in zip(sw.gammas, sw.n_iter)) + ".")
        for g, msg in zip(sw.gammas, sw.messages):
            if msg.startswith("stopped after"):
                st.warning(f"γ = {g:g}: {msg}.")
        ui.download("γ sweep barycenters (CSV)",
                    downloads.series_csv(sw.barycenters,
                                         names=[f"softdtw gamma={g:g}" for g in sw.gammas]),
                    "gamma_sweep.csv", "bc_dl_sweep")
    ul.sharing_caption()


ui.run_page(body)
