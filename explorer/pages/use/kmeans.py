"""Use: soft-DTW k-means drawn live, iteration by iteration, then stepped through and compared."""

import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import formatting, kmeans
from explorer.plots import kmeans as plots
from explorer.web import jobs, pickers, sidebar, widgets
from explorer.web.cached import collection
from explorer.web.cached import kmeans as cached

RECORD = "km_record"
STEP = "km_step"
#: Each live frame stays on screen at least this long: on small inputs an iteration takes a
#: few hundredths of a second, too fast to follow (and the browser would merge the frames).
#: The pauses are not counted in the times shown.
MIN_FRAME_SECONDS = 0.2
#: The settings a run depends on (the others only describe it).
RUN_PARAMS = ("k", "gamma", "init", "seed", "max_iter", "barycenter_max_iter")
GAMMAS = [g for g in sidebar.GAMMA_OPTIONS if g != "0"]
# a bound widget writes its *displayed* option text to the URL: options are short words
SOURCES = {"dataset": "bundled UCR/UEA", "synthetic": "generated", "upload": "from Your data"}


def _synthetic(src: str, c) -> pickers.PickedSeries:
    """The page's own source: a generated collection (:data:`kmeans.SYNTHETIC_SETS`)."""
    sets = kmeans.SYNTHETIC_SETS
    gen = widgets.choice_widget(c[1].selectbox, "Generator", list(sets), key="km_gen",
                                default="cbf",
                                help="; ".join(f"{k}: {v}" for k, v in sets.items()))
    number = widgets.number_widget
    per = int(number(c[2].number_input, "Series per class", 2, 50, key="km_per",
                     default=10))
    length = int(number(c[3].number_input, "Length", 16, kmeans.KMEANS_MAX_LENGTH,
                        key="km_len", default=96, step=8))
    dseed = int(number(c[4].number_input, "Data seed", 0, 10_000, key="km_dseed",
                       default=0))
    d = cached.synthetic_set(gen, per, length, dseed)
    return pickers.PickedSeries(d.series, d.labels, [f"{gen} #{k}" for k in range(len(d))],
                                d.description)


def _gamma() -> float:
    """The sidebar's γ (the page's only γ, set by *Use γ = … on every page* too); soft-DTW
    k-means needs γ > 0, so hard DTW (0) runs at the smallest γ offered, and says so."""
    sel = sidebar.selection()
    if sel.gamma > 0:
        return sel.gamma
    st.info(f"The sidebar's γ is 0 (hard DTW), which soft-DTW k-means cannot use (its "
            f"centres need gradients): running at γ = {GAMMAS[0]}, the smallest γ offered.")
    return float(GAMMAS[0])


def _settings_controls(n_series: int) -> dict:
    c = st.columns([0.9, 1.8, 0.9, 1, 1.1])  # room for "k-means++ | random"
    choice, number = widgets.choice_widget, widgets.number_widget
    k = int(number(c[0].number_input, "k (clusters)", 1, max(1, min(8, n_series)), key="km_k",
                   default=3))
    init = choice(c[1].segmented_control, "Initial centres", ["k-means++", "random"],
                  key="km_init", default="k-means++")
    seed = int(number(c[2].number_input, "Seed", 0, 10_000, key="km_seed", default=0))
    max_iter = int(number(c[3].number_input, "Max iterations", 1, 50, key="km_iter",
                          default=10))
    bary = int(number(c[4].number_input, "Barycenter steps", 1, 50, key="km_bary", default=10,
                      help="L-BFGS iterations of each centre update (warm-started from the "
                           "previous centre)."))
    return {"k": k, "gamma": _gamma(), "init": init, "seed": seed, "max_iter": max_iter,
            "barycenter_max_iter": bary}


def _draw_step(rec: dict, pos: int, *, live: bool, channel: int, key: str) -> None:
    """Metrics, the cluster panels and the objective/changes curves for recorded step ``pos``."""
    steps = rec["steps"]
    s = steps[pos]
    m = st.columns(4)
    m[0].metric("Iteration", s["iteration"])
    m[1].metric("Objective Σ dtw_γ", formatting.number(s["inertia"]),
                help="The objective soft-DTW k-means lowers: Σᵢ dtw_γ(xᵢ, its centre); compare "
                     "it across iterations at one γ, not across γ. It can be negative; the DTW "
                     "inertia in the comparison below (hard DTW, γ = 0) never is.")
    m[2].metric("Series that changed cluster", s["changes"])
    m[3].metric("Time so far", f"{formatting.fixed(s['elapsed'])} s")
    moved = None
    if pos > 0:
        moved = steps[pos - 1]["labels"] != s["labels"]
    if s["inertia"] < 0:
        st.caption(formatting.negative_soft_dtw(s["inertia"], formatting.number(
            rec["params"]["gamma"])) + " The DTW inertia (γ = 0) compares the methods.")
    if s["reseeded"]:
        st.caption(f"Empty clusters {list(s['reseeded'])} were re-seeded with the worst-fitted "
                   "series of a larger cluster.")
    left, right = st.columns([2.3, 1])
    title = f"Iteration {s['iteration']}" + (" (running…)" if live else "")
    with left:
        widgets.plot(plots.kmeans_figure(rec["series"], s["labels"], s["centers"], moved=moved,
                                         channel=channel, title=title,
                                         uirevision="km-clusters"),
                     key=f"{key}_clusters")
    with right:
        shown = steps[:pos + 1] if live else steps
        widgets.plot(plots.progress_figure([t["iteration"] for t in shown],
                                           [t["inertia"] for t in shown],
                                           [t["changes"] for t in shown],
                                           current=s["iteration"], objective="Σ dtw_γ",
                                           uirevision="km-progress"),
                     key=f"{key}_progress")


def _run_live(coll, true_labels, params: dict, channel: int) -> None:
    """Start (or join) the shared run of these settings and follow it."""
    job = cached.kmeans_run(coll.series, true_labels, {k: params[k] for k in RUN_PARAMS})
    rec = {"params": params, "series": coll.series, "labels_true": true_labels,
           "names": coll.names, "job": job.key, "steps": [], "done": False}
    st.session_state[RECORD] = rec  # kept even if the student leaves while it runs
    _follow(job, rec, channel)


def _follow(job, rec: dict, channel: int) -> None:
    """Draw the run's steps as they come (a finished run replays them), then review it.

    The run is a job (:mod:`explorer.web.jobs`): students who press **Run** with the same
    data and settings share one computation and each watch its steps drawn live.
    """
    status = st.status("Running soft-DTW k-means…", expanded=True)
    with status:
        area = st.empty()

    def draw(step: dict, index: int) -> None:
        rec["steps"] = rec["steps"][:index] + [step]
        status.update(label=f"Running soft-DTW k-means… iteration {step['iteration']}")
        with area.container():
            _draw_step(rec, index, live=True, channel=channel, key=f"km_live_{index + 1}")

    result = jobs.watch(job, on_frame=draw, frame_seconds=MIN_FRAME_SECONDS)
    _finish(rec, result)
    status.update(label=f"Done: {len(rec['steps']) - 1} centre updates in "
                        f"{formatting.fixed(rec['steps'][-1]['elapsed'], 1)} s",
                  state="complete", expanded=False)
    st.rerun()


def _finish(rec: dict, result: dict) -> None:
    """Keep a finished run in the session's record (the shared job may be dropped later)."""
    rec.update(steps=result["steps"], converged=result["converged"],
               baselines=result["baselines"], done=True)
    st.session_state[STEP] = rec["steps"][-1]["iteration"]


def _move(delta: int, last: int) -> None:
    st.session_state[STEP] = int(min(max(int(st.session_state.get(STEP, 0)) + delta, 0), last))


def _review(rec: dict, params: dict, channel: int) -> None:
    steps = rec["steps"]
    its = [s["iteration"] for s in steps]
    last = its[-1]
    if st.session_state.get(STEP) not in its:
        st.session_state[STEP] = last
    st.subheader("Step through the recorded iterations")
    if rec["params"] != params:
        st.caption("The settings above changed since this run; press **Run** to run again. "
                   "Shown: the last run.")
    if not rec["done"]:
        st.warning(f"The last run did not finish (the server dropped it) after {len(steps)} "
                   "assignment steps; they are shown below.")
    c = st.columns([1, 1, 6], vertical_alignment="bottom")
    c[0].button("Back", icon=":material/chevron_left:", on_click=_move, args=(-1, last),
                key="km_back", width="stretch")
    c[1].button("Next", icon=":material/chevron_right:", on_click=_move, args=(1, last),
                key="km_next", width="stretch")
    if len(its) > 1:
        c[2].select_slider("Iteration shown", its, key=STEP)
    pos = its.index(int(st.session_state[STEP]))
    _draw_step(rec, pos, live=False, channel=channel, key="km")
    if rec["done"]:
        _comparison(rec, steps[pos])


def _comparison(rec: dict, shown: dict) -> None:
    p = rec["params"]
    series, true_labels = rec["series"], rec["labels_true"]
    st.subheader("Compared with DBA and Euclidean k-means (same seed and init)")
    base = rec["baselines"]
    final = rec["steps"][-1]
    labelled = true_labels is not None
    ran = [b for b in base if b.labels is not None]
    rows = [{"method": f"soft-DTW (γ = {formatting.number(p['gamma'])})",
             "DTW inertia Σ min_c dtw₀(xᵢ, c)": cached.dtw_inertia(series, final["centers"]),
             "adjusted Rand index": (kmeans.adjusted_rand_index(true_labels, final["labels"])
                                     if labelled else None),
             "centre updates": final["iteration"],
             "time": formatting.duration(final["elapsed"])}]
    for b in ran:
        rows.append({"method": b.method, "DTW inertia Σ min_c dtw₀(xᵢ, c)": b.dtw_inertia,
                     "adjusted Rand index": b.ari, "centre updates": b.n_iter,
                     "time": formatting.duration(b.seconds)})
    table = pd.DataFrame(rows)
    if not labelled:  # no classes to agree with: no column rather than empty cells
        table = table.drop(columns="adjusted Rand index")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"adjusted Rand index": st.column_config.NumberColumn(
                     format="%.3f")})
    st.caption("DTW inertia: lower is better, the paper's score for all three methods (each "
               "series to its nearest centre under hard DTW). "
               + ("Adjusted Rand index: agreement with the dataset's classes (1 = the same "
                  "partition, about 0 = chance)." if labelled else
                  "This collection has no labels, so no agreement with classes is shown.")
               + "".join(f" {b.method} k-means was not run: it {b.note}."
                         for b in base if b.labels is None)
               + " The soft-DTW time includes drawing every iteration live.")
    cols = {"series": list(range(len(series))), "name": rec["names"]}
    if true_labels is not None:
        cols["true label"] = [str(v) for v in true_labels]
    cols[f"soft-DTW (iteration {shown['iteration']})"] = shown["labels"].tolist()
    cols["soft-DTW (final)"] = final["labels"].tolist()
    for b in base:
        if b.labels is not None:
            cols[b.method] = b.labels.tolist()
    centres, names = [], []
    for c, ctr in enumerate(shown["centers"]):
        centres.append(ctr)
        names.append(f"soft-DTW iteration {shown['iteration']} centre {c}")
    for b in base:
        if b.centers is not None:
            for c, ctr in enumerate(b.centers):
                centres.append(ctr)
                names.append(f"{b.method} centre {c}")
    d = st.columns(3)
    widgets.download("Cluster labels (CSV)", data.table_csv(cols), "kmeans_labels.csv",
                     "km_dl_labels", d[0])
    widgets.download("Centres (CSV)", data.series_to_csv(centres, names=names),
                     "kmeans_centres.csv", "km_dl_centres", d[1])
    widgets.download("Comparison table (CSV)",
                     data.table_csv({k: list(table[k]) for k in table.columns}),
                     "kmeans_comparison.csv", "km_dl_table", d[2])


def body() -> None:
    widgets.intro(
        "k-means, live",
        "k-means alternates two steps: assign every series to its nearest centre, then move "
        "each centre to the average of its members. With soft-DTW both steps use dtw_γ, and the "
        "average is the soft-DTW barycenter, so centres keep sharp shapes that a plain "
        "Euclidean mean would blur. Press **Run** to watch the iterations as they happen, then "
        "step through them and compare with DBA and Euclidean k-means.",
        r"\min_{c_1,\dots,c_k}\; \sum_{i=1}^{N} \min_{l} \mathrm{dtw}_\gamma(x_i, c_l), \qquad "
        r"c_l \leftarrow \operatorname*{argmin}_{c} \sum_{i:\, l_i = l} \frac{1}{m_i}"
        r"\,\mathrm{dtw}_\gamma(c, x_i)",
    )
    picked, _ = pickers.collection_picker("km_", SOURCES, [1.2, 1.4, 1, 1, 1], default="CBF",
                                          other=_synthetic)
    coll = collection.prepare_collection(picked.series, picked.labels, picked.names,
                                         kmeans.KMEANS_MAX_SERIES, kmeans.KMEANS_MAX_LENGTH)
    lengths = [len(s) for s in coll.series]
    st.caption(f"{picked.description} — {len(coll.series)} series, length "
               f"{min(lengths)}–{max(lengths)}"
               + (f", {coll.dim} channels" if coll.dim > 1 else "")
               + f". Caps on this page: {kmeans.KMEANS_MAX_SERIES} series, "
                 f"{kmeans.KMEANS_MAX_LENGTH} points per series.")
    for note in coll.notes:
        st.warning(note)
    params = _settings_controls(len(coll.series))
    params["data"] = picked.description
    params["n"] = len(coll.series)
    channel = widgets.channel_picker(coll.dim, "km_channel",
                                     help="k-means uses all channels; the panels draw one.")
    st.caption(f"γ = {formatting.number(params['gamma'])}: the sidebar's (*Soft-DTW "
               "settings*). Ground cost ‖xᵢ − cⱼ‖², no band (the sidebar's cost and band apply "
               "to the pair pages). The page address keeps these settings, never uploaded data.")
    if st.button("Run k-means", type="primary", icon=":material/play_arrow:", key="km_run"):
        _run_live(coll, coll.labels, params, channel)
    rec = st.session_state.get(RECORD)
    if rec and not rec["done"]:  # left the page while it ran: follow it again if it is there
        job = jobs.runner().find(rec["job"])
        if job is not None and job.done:
            _finish(rec, job.value())
        elif job is not None:
            _follow(job, rec, channel)
    if not rec or not rec["steps"]:
        st.info("Press **Run k-means** to start: each iteration is drawn as soon as it is "
                "computed.")
        return
    centers = rec["steps"][0]["centers"]
    _review(rec, params, min(channel, centers.shape[2] - 1) if centers.ndim == 3 else 0)


widgets.run_page(body)
