"""Use: soft-DTW k-means drawn live, iteration by iteration, then stepped through and compared."""

import time

import numpy as np
import pandas as pd
import streamlit as st

from explorer import analysis, compute_data, data, downloads, state, ui
from explorer import figures_data as fd

RECORD = "km_record"
STEP = "km_step"
_BIND = {"bind": "query-params"}
#: Each live frame stays on screen at least this long: on small inputs an iteration takes a
#: few hundredths of a second, too fast to follow (and the browser would merge the frames).
#: The pauses are not counted in the times shown.
MIN_FRAME_SECONDS = 0.2
GAMMAS = [g for g in state.GAMMA_OPTIONS if g != "0"]
# a bound widget writes its *displayed* option text to the URL: options are short words
SOURCES = {"dataset": "bundled UCR/UEA", "synthetic": "generated", "upload": "from Your data"}


def _data_controls():
    """Source widgets; returns (series, labels, names, description)."""
    c = st.columns([1.2, 1.4, 1, 1, 1])
    ui.valid_choice("km_src", list(SOURCES), "dataset")
    src = c[0].radio("Series", list(SOURCES), captions=list(SOURCES.values()), key="km_src",
                     **_BIND)
    up = state.get_uploaded()
    if src == "upload" and up is None:
        st.info("No uploaded series in this session (uploads are never part of a shared link): "
                "upload a file on the *Your data* page and press *Use these series on the "
                "other pages*. Showing a bundled dataset meanwhile.")
        src = "dataset"
    if src == "dataset":
        names = data.list_datasets()
        ui.valid_choice("km_ds", names, "CBF")
        ds = c[1].selectbox("Dataset", names, index=names.index("CBF"), key="km_ds", **_BIND)
        ui.valid_choice("km_split", ["train", "test"], "train")
        split = c[2].segmented_control("Split", ["train", "test"], default="train",
                                       key="km_split", required=True, **_BIND) or "train"
        d = data.load_dataset(ds, split)
        return d.series, d.labels, [f"{ds}/{split} #{k}" for k in range(len(d))], \
            f"{ds} ({split}): {d.description}"
    if src == "synthetic":
        ui.valid_choice("km_gen", list(compute_data.SYNTHETIC_SETS), "cbf")
        gen = c[1].selectbox("Generator", list(compute_data.SYNTHETIC_SETS), key="km_gen",
                             **_BIND, help="; ".join(f"{k}: {v}" for k, v in
                                                     compute_data.SYNTHETIC_SETS.items()))
        ui.clamp("km_per", 2, 50, 10)
        per = int(c[2].number_input("Series per class", 2, 50, value=10, key="km_per", **_BIND))
        ui.clamp("km_len", 16, compute_data.KMEANS_MAX_LENGTH, 96)
        length = int(c[3].number_input("Length", 16, compute_data.KMEANS_MAX_LENGTH, value=96,
                                       step=8, key="km_len", **_BIND))
        ui.clamp("km_dseed", 0, 10_000, 0)
        dseed = int(c[4].number_input("Data seed", 0, 10_000, value=0, key="km_dseed", **_BIND))
        d = compute_data.synthetic_set(gen, per, length, dseed)
        return d.series, d.labels, [f"{gen} #{k}" for k in range(len(d))], d.description
    return up["series"], up.get("labels"), up["names"], \
        f"{analysis.escape_markdown(up['filename'])}: {len(up['series'])} uploaded series"


def _settings_controls(n_series: int) -> dict:
    c = st.columns([1, 2, 1.3, 1, 1, 1])
    hi_k = max(1, min(8, n_series))
    ui.clamp("km_k", 1, hi_k, min(3, hi_k))
    k = int(c[0].number_input("k (clusters)", 1, hi_k, value=min(3, hi_k), key="km_k", **_BIND))
    ui.valid_choice("km_gamma", GAMMAS, state.DEFAULT_GAMMA)
    gamma = state.gamma_from_text(c[1].select_slider("γ", GAMMAS, value=state.DEFAULT_GAMMA,
                                                     key="km_gamma", **_BIND))
    ui.valid_choice("km_init", ["k-means++", "random"], "k-means++")
    init = c[2].segmented_control("Initial centres", ["k-means++", "random"],
                                  default="k-means++", required=True, key="km_init",
                                  **_BIND) or "k-means++"
    ui.clamp("km_seed", 0, 10_000, 0)
    seed = int(c[3].number_input("Seed", 0, 10_000, value=0, key="km_seed", **_BIND))
    ui.clamp("km_iter", 1, 50, 10)
    max_iter = int(c[4].number_input("Max iterations", 1, 50, value=10, key="km_iter", **_BIND))
    ui.clamp("km_bary", 1, 50, 10)
    bary = int(c[5].number_input("Barycenter steps", 1, 50, value=10, key="km_bary", **_BIND,
                                 help="L-BFGS iterations of each centre update (warm-started "
                                      "from the previous centre)."))
    return {"k": k, "gamma": gamma, "init": init, "seed": seed, "max_iter": max_iter,
            "barycenter_max_iter": bary}


def _draw_step(rec: dict, pos: int, *, live: bool, channel: int, key: str) -> None:
    """Metrics, the cluster panels and the objective/changes curves for recorded step ``pos``."""
    steps = rec["steps"]
    s = steps[pos]
    m = st.columns(4)
    m[0].metric("Iteration", s["iteration"])
    m[1].metric("Soft-DTW inertia Σ dtw_γ", f"{s['inertia']:.6g}")
    m[2].metric("Series that changed cluster", s["changes"])
    m[3].metric("Time so far", f"{s['elapsed']:.2f} s")
    moved = None
    if pos > 0:
        moved = steps[pos - 1]["labels"] != s["labels"]
    if s["reseeded"]:
        st.caption(f"Empty clusters {list(s['reseeded'])} were re-seeded with the worst-fitted "
                   "series of a larger cluster.")
    left, right = st.columns([2.3, 1])
    title = f"Iteration {s['iteration']}" + (" (running…)" if live else "")
    with left:
        ui.plot(fd.kmeans_figure(rec["series"], s["labels"], s["centers"], moved=moved,
                                 channel=channel, title=title, uirevision="km-clusters"),
                key=f"{key}_clusters")
    with right:
        shown = steps[:pos + 1] if live else steps
        ui.plot(fd.progress_figure([t["iteration"] for t in shown],
                                   [t["inertia"] for t in shown],
                                   [t["changes"] for t in shown],
                                   current=s["iteration"], objective="Σ dtw_γ",
                                   uirevision="km-progress"),
                key=f"{key}_progress")


def _run_live(coll, true_labels, params: dict, channel: int) -> None:
    """Iterate the generator, redrawing the placeholder after every assignment step."""
    model = analysis.make_kmeans("soft-DTW", params["k"], gamma=params["gamma"],
                                 init=params["init"], seed=params["seed"],
                                 max_iter=params["max_iter"],
                                 barycenter_max_iter=params["barycenter_max_iter"])
    rec = {"params": params, "series": coll.series, "labels_true": true_labels,
           "names": coll.names, "steps": [], "done": False}
    st.session_state[RECORD] = rec  # kept even if the run is interrupted
    status = st.status("Running soft-DTW k-means…", expanded=True)
    with status:
        area = st.empty()
    t0 = time.perf_counter()
    paused = 0.0  # time spent holding frames on screen, left out of the reported times
    shown_at = None
    prev = None
    for step in model.iterate(coll.series):
        if shown_at is not None:
            wait = MIN_FRAME_SECONDS - (time.perf_counter() - shown_at)
            if wait > 0:
                time.sleep(wait)
                paused += wait
        rec["steps"].append({
            "iteration": int(step.iteration), "labels": np.asarray(step.labels),
            "centers": np.asarray(step.centers), "inertia": float(step.inertia),
            "changes": analysis.label_changes(prev, step.labels),
            "reseeded": tuple(step.reseeded),
            "elapsed": time.perf_counter() - t0 - paused,
        })
        prev = step.labels
        status.update(label=f"Running soft-DTW k-means… iteration {step.iteration}")
        with area.container():
            _draw_step(rec, len(rec["steps"]) - 1, live=True, channel=channel,
                       key=f"km_live_{len(rec['steps'])}")
        shown_at = time.perf_counter()
    status.update(label="Comparing with DBA and Euclidean k-means on the same seed…")
    compute_data.baselines(coll.series, params["k"], true_labels, params["init"],
                           params["seed"], params["max_iter"])
    rec["done"] = True
    rec["converged"] = bool(model.converged_)
    status.update(label=f"Done: {len(rec['steps']) - 1} centre updates in "
                        f"{time.perf_counter() - t0 - paused:.1f} s", state="complete",
                  expanded=False)
    st.session_state[STEP] = rec["steps"][-1]["iteration"]
    st.rerun()


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
        st.warning(f"The last run was interrupted after {len(steps)} assignment steps; they "
                   "are shown below.")
    c = st.columns([1, 1, 6], vertical_alignment="bottom")
    c[0].button("Back", icon=":material/chevron_left:", on_click=_move, args=(-1, last),
                key="km_back", width="stretch")
    c[1].button("Next", icon=":material/chevron_right:", on_click=_move, args=(1, last),
                key="km_next", width="stretch")
    if len(its) > 1:
        c[2].select_slider("Iteration shown", its, key=STEP)
    pos = its.index(int(st.session_state[STEP]))
    _draw_step(rec, pos, live=False, channel=channel, key="km")
    _comparison(rec, steps[pos])


def _comparison(rec: dict, shown: dict) -> None:
    p = rec["params"]
    series, true_labels = rec["series"], rec["labels_true"]
    st.subheader("Compared with DBA and Euclidean k-means (same seed and init)")
    with st.spinner("Running the baselines…", show_time=True):
        base = compute_data.baselines(series, p["k"], true_labels, p["init"], p["seed"],
                                      p["max_iter"])
    final = rec["steps"][-1]
    rows = [{"method": f"soft-DTW (γ = {p['gamma']:g})",
             "DTW inertia Σ min_c dtw₀(xᵢ, c)": compute_data.dtw_inertia(series,
                                                                        final["centers"]),
             "adjusted Rand index": (analysis.adjusted_rand_index(true_labels, final["labels"])
                                     if true_labels is not None else None),
             "centre updates": final["iteration"], "seconds": final["elapsed"], "note": ""}]
    for b in base:
        rows.append({"method": b.method, "DTW inertia Σ min_c dtw₀(xᵢ, c)": b.dtw_inertia,
                     "adjusted Rand index": b.ari, "centre updates": b.n_iter,
                     "seconds": b.seconds, "note": b.note})
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"seconds": st.column_config.NumberColumn(format="%.2f"),
                                "adjusted Rand index": st.column_config.NumberColumn(
                                    format="%.3f")})
    st.caption("DTW inertia: lower is better, the paper's score for all three methods (each "
               "series to its nearest centre under hard DTW). Adjusted Rand index: agreement "
               "with the dataset's classes (1 = the same partition, about 0 = chance)"
               + ("." if true_labels is not None else "; this collection has no labels.")
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
    d[0].download_button("Cluster labels (CSV)", downloads.table_csv(cols),
                         "kmeans_labels.csv", "text/csv", on_click="ignore", key="km_dl_labels",
                         icon=":material/download:")
    d[1].download_button("Centres (CSV)", downloads.series_csv(centres, names=names),
                         "kmeans_centres.csv", "text/csv", on_click="ignore",
                         key="km_dl_centres", icon=":material/download:")
    d[2].download_button("Comparison table (CSV)",
                         downloads.table_csv({k: list(table[k]) for k in table.columns}),
                         "kmeans_comparison.csv", "text/csv", on_click="ignore",
                         key="km_dl_table", icon=":material/download:")


def body() -> None:
    ui.intro(
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
    series, labels, names, description = _data_controls()
    coll = compute_data.collection(series, labels, names, compute_data.KMEANS_MAX_SERIES,
                                   compute_data.KMEANS_MAX_LENGTH)
    lengths = [len(s) for s in coll.series]
    st.caption(f"{description} — {len(coll.series)} series, length "
               f"{min(lengths)}–{max(lengths)}"
               + (f", {coll.dim} channels" if coll.dim > 1 else "")
               + f". Caps on this page: {compute_data.KMEANS_MAX_SERIES} series, "
                 f"{compute_data.KMEANS_MAX_LENGTH} points per series.")
    for note in coll.notes:
        st.warning(note)
    params = _settings_controls(len(coll.series))
    params["data"] = description
    params["n"] = len(coll.series)
    channel = 0
    if coll.dim > 1:
        ui.clamp("km_channel", 0, coll.dim - 1, 0)
        channel = int(st.number_input("Channel drawn", 0, coll.dim - 1, value=0,
                                      key="km_channel", **_BIND,
                                      help="k-means uses all channels; the panels draw one."))
    st.caption("Ground cost ‖xᵢ − cⱼ‖², no band (the sidebar's γ, cost and band apply to the "
               "pair pages). The page address keeps these settings, never uploaded data.")
    if st.button("Run k-means", type="primary", icon=":material/play_arrow:", key="km_run"):
        _run_live(coll, coll.labels, params, channel)
    rec = st.session_state.get(RECORD)
    if not rec or not rec["steps"]:
        st.info("Press **Run k-means** to start: each iteration is drawn as soon as it is "
                "computed.")
        return
    centers = rec["steps"][0]["centers"]
    _review(rec, params, min(channel, centers.shape[2] - 1) if centers.ndim == 3 else 0)


ui.run_page(body)
