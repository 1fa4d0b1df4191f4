"""Use: choose γ for a task by cross-validation, see why, and hand it to every other page."""

import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import formatting, tune_gamma
from explorer.plots import tune_gamma as plots
from explorer.web import jobs, pickers, sidebar, widgets
from explorer.web.cached import tune_gamma as cached

RECORD = "tg_record"
APPLIED = "tg_applied"
# a bound widget writes its *displayed* option text to the URL: options are short words
SOURCES = {"dataset": "bundled UCR/UEA", "upload": "from Your data"}
GRIDS = {"suggested": "around the suggested γ", "custom": "typed below"}

FAQ = """
**Which γ should I use?** There is no universal value: γ is measured in the units of the
cost Δ = ‖xᵢ − yⱼ‖², so it only means something next to the typical cost of aligned points.
This page suggests γ = that cost (the box above says how it was measured; on the bundled
UCR datasets it is, on average, the best single choice) and lets cross-validation on your
labels pick from a grid around it (from a tenth to ten times the suggestion).

**How does γ depend on the scale of my data?** Multiply your series by s and Δ, hence every
useful γ, is multiplied by s². Values published for z-normalised data (0.01 … 1) do not
transfer to raw data in other units. Adding a constant changes nothing.

**Why is the soft-DTW value negative?** dtw_γ is a *soft* minimum over all alignments:
−γ log Σ_A exp(−⟨A, Δ⟩/γ) ≥ dtw₀ − γ log(number of alignments). With many near-optimal
alignments the sum is large and the value drops below zero, even for a series against
itself. The divergence D_γ(x, y) = dtw_γ(x, y) − ½(dtw_γ(x, x) + dtw_γ(y, y)) removes that
bias (zero at x = y); the classifiers here use it.

**Small or large γ?** Small γ ≈ DTW: sharp alignments (path entropy near 0), barycenters
with crisp features, a rugged loss. Large γ: alignments spread over many paths (the entropy
curve rises), smoother losses and gradients, blurrier averages.
"""


def _data_controls() -> tuple[pickers.PickedSeries, bool]:
    """The collection, and whether to tune with its labels (when it has them)."""
    picked, c = pickers.collection_picker("tg_", SOURCES, [1.2, 1.6, 1, 1.4],
                                          default="GunPoint")
    use = widgets.toggle_widget(c[3].toggle, "Use the labels", key="tg_labels", default=True,
                                disabled=picked.labels is None,
                                help="Off (or without labels): tune for clustering instead, "
                                     "by the silhouette of soft-DTW k-means.")
    return picked, use and picked.labels is not None


def _settings(supervised: bool, n_series: int) -> dict:
    c = st.columns([1, 1.45, 1.1, 1.6, 1])  # room for "suggested | custom"
    choice, number = widgets.choice_widget, widgets.number_widget
    folds = int(number(c[0].number_input, f"Folds (2–{tune_gamma.MAX_FOLDS})", 2,
                       tune_gamma.MAX_FOLDS, key="tg_folds", default=3, disabled=not supervised,
                       help="Stratified cross-validation: each series is predicted once, by "
                            "models that never saw it."))
    grid = choice(c[1].segmented_control, "γ grid", list(GRIDS), key="tg_grid",
                  default="suggested", help="; ".join(f"{k}: {v}" for k, v in GRIDS.items()))
    points = int(number(c[2].number_input, f"Grid points (2–{tune_gamma.MAX_GRID})", 2,
                        tune_gamma.MAX_GRID, key="tg_points", default=5,
                        disabled=grid != "suggested",
                        help="Log-spaced over two decades around the suggested γ."))
    if supervised:
        criterion = choice(c[3].segmented_control, "Choose γ by", list(tune_gamma.CRITERIA),
                           key="tg_crit", default="centroid",
                           help="The classifier whose cross-validated accuracy picks γ.")
        k = 0
    else:
        criterion = "silhouette"
        k = int(number(c[3].number_input, "k (clusters)", 2, max(2, min(10, n_series)),
                       key="tg_k", default=3))
    seed = int(number(c[4].number_input, "Seed", 0, 10_000, key="tg_seed", default=0,
                      help="Seeds the folds, the k-means start and the sampled pairs."))
    text = ""
    if grid == "custom":
        text = widgets.text_widget(st.text_input, "γ values (comma-separated, each > 0)",
                                   key="tg_gammas", placeholder="e.g. 0.001, 0.01, 0.1, 1",
                                   max_chars=200)
    return {"folds": folds, "grid": grid, "points": points, "criterion": criterion, "k": k,
            "seed": seed, "text": text}


def _grid(settings: dict, series) -> list[float]:
    if settings["grid"] == "custom":
        return tune_gamma.parse_grid(settings["text"])
    return [float(g) for g in cached.gamma_grid(series, settings["points"])]


def _record(td, gammas, params, suggested: float) -> dict:
    """Start (or join) the tuning job; what the page keeps of it in the session."""
    return {"job": cached.tuning_run(td, gammas, seed=params["seed"], k=params["k"]),
            "params": params, "gammas": list(gammas), "supervised": td.labels is not None,
            "names": td.names, "labels": td.labels, "classes": td.classes,
            "suggested": suggested}


def _partial(rec: dict, message: str) -> tune_gamma.TuningResult:
    """The grid points a stopped run finished (published as the job's frames)."""
    return tune_gamma.TuningResult(rec["gammas"], points=list(rec["job"].frames), complete=False,
                               message=message, supervised=rec["supervised"])


def _outcome(rec: dict, stop_clicked: bool) -> tune_gamma.TuningResult:
    """Watch the run to its end (progress bar, place in the queue), or stop it.

    The run is a shared job (:mod:`explorer.web.jobs`): a rerun of the page (a widget
    changed) does not stop it, the page just watches it again; **Stop** ends it after the
    grid point being computed, unless other students are watching the same run.
    """
    job = rec["job"]
    n = len(rec["gammas"])
    if stop_clicked and not job.done:
        if not job.cancel(jobs.session_id()):
            return _partial(rec, f"You stopped watching after {len(job.frames)} of {n} values "
                                 "of γ; other students asked for the same run, so it goes on "
                                 "for them (press **Run** to watch it again).")
        with st.spinner("Stopping after the value of γ being computed…"):
            jobs.wait_until_stopped(job)
    try:
        return jobs.watch(job)
    except jobs.JobCancelled:
        return _partial(rec, f"Stopped by you after {len(job.frames)} of {n} values of γ.")


def _apply(option: str, gamma: float, snapped: bool) -> None:
    """Button callback: set the sidebar's γ (its widget key) before the next run draws it."""
    st.session_state["gamma"] = option
    st.session_state[APPLIED] = (option, gamma, snapped)


def _apply_button(gamma: float) -> None:
    option, snapped = tune_gamma.nearest_option(gamma, sidebar.GAMMA_OPTIONS)
    c = st.columns([1.3, 3], vertical_alignment="center")
    c[0].button(f"Use γ = {option} on every page", type="primary", key="tg_apply",
                icon=":material/done_all:", on_click=_apply, args=(option, gamma, snapped))
    applied = st.session_state.get(APPLIED)
    if applied is not None and st.session_state.get("gamma") == applied[0]:
        text = f"The sidebar's γ is now {applied[0]}"
        if applied[2]:
            text += (f": its nearest option to the chosen {formatting.number(applied[1], 4)} "
                     "(the sidebar offers 0 and 0.001 … 100, log-spaced)")
        c[1].success(text + ". Every other page uses it.")
    elif snapped and not 1 / 1.5 <= float(option) / gamma <= 1.5:
        c[1].warning(f"γ = {formatting.number(gamma, 4)} is outside the sidebar's range (0 and "
                     f"0.001 … 100): the button sets {option}, which smooths "
                     f"{'much less' if float(option) < gamma else 'much more'} on this data. γ "
                     "scales with the square of the data's values: z-normalised series bring "
                     "it into range (*Your data* can z-normalise an upload).",
                     icon=":material/warning:")
    elif snapped:
        c[1].caption(f"The sidebar offers a fixed list of γ: {option} is its nearest option to "
                     f"{formatting.number(gamma, 4)}.")


#: Short headers for the curves' table (the full name is the header's tooltip), so that its
#: columns fit the page: long prefixes of the curves' names and their short forms.
SHORT_HEADERS = {"gamma": "γ", "nearest centroid accuracy": "centroid acc.",
                 "1-NN accuracy": "1-NN acc.", "barycenter DTW loss, ": "loss, ",
                 "mean path entropy": "entropy", "k-means DTW inertia": "inertia"}


def _short(name: str) -> str:
    for long, short in SHORT_HEADERS.items():
        name = name.replace(long, short)
    return name


def _table(table: dict) -> None:
    """The curves against γ, each number to 4 significant digits (a fixed number of decimals
    would round small times and losses to 0.00), under short headers."""
    st.dataframe(pd.DataFrame({name: [formatting.number(v, 4) for v in values]
                               for name, values in table.items()}),
                 hide_index=True, width="stretch",
                 column_config={name: st.column_config.TextColumn(_short(name), help=name)
                                for name in table})


def _classifier_details(rec: dict, chosen: tune_gamma.GammaPoint, table: dict,
                        criterion: str, d) -> None:
    """With labels: the chosen γ's confusion matrix, the curves' table, their downloads."""
    labels = rec["labels"]
    cls, M = tune_gamma.confusion(chosen, labels, criterion)
    _table(table)  # full width: its columns are many
    left, _ = st.columns([1, 1.4])
    with left:
        widgets.plot(plots.confusion_figure(
            cls, M, title=f"{tune_gamma.CRITERIA[criterion]} at γ = "
                          f"{formatting.number(chosen.gamma, 4)} (out of fold)"),
            key="tg_confusion")
    widgets.download("Confusion matrix (CSV)",
                     data.matrix_csv(M, row_labels=[f"true {c}" for c in cls],
                                     col_labels=[f"predicted {c}" for c in cls],
                                     corner="class"),
                     "confusion_matrix.csv", "tg_dl_confusion", d[1])
    widgets.download("Predictions (CSV)", data.table_csv({
        "series": rec["names"], "true label": [str(v) for v in labels],
        "nearest centroid": [str(v) for v in chosen.centroid_predictions],
        "1-NN": [str(v) for v in chosen.nn_predictions]}),
        "predictions.csv", "tg_dl_predictions", d[2],
        help="Out-of-fold predictions: each series predicted by models that never saw it.")


def _results(rec: dict, result: tune_gamma.TuningResult, params: dict, channel: int) -> None:
    suggested = rec["suggested"]
    if rec["params"] != params:
        st.caption("The settings above changed since this run; press **Run** to run again. "
                   "Shown: the last run.")
    if not result.points:
        st.info("No value of γ was completed before the run stopped.")
        return
    supervised, classes = result.supervised, rec["classes"]
    pick, why = tune_gamma.choose(result.points, criterion=params["criterion"],
                                  supervised=supervised, reference=suggested)
    chosen = result.points[pick]
    table = tune_gamma.curves_table(result, classes)
    widgets.plot(plots.curves_figure(table, supervised=supervised, chosen=chosen.gamma,
                                     suggested=suggested, explanation=why),
                 key="tg_curves")
    st.markdown(f"**Chosen:** {why}")
    _apply_button(chosen.gamma)
    # small multiples: the first, middle and last γ and the chosen one
    shown = sorted({0, len(result.points) // 2, len(result.points) - 1, pick})
    names = ([str(c) for c in classes] if supervised
             else [f"cluster {k}" for k in range(len(chosen.centers))])
    st.markdown("**Barycenters** " + ("of each class" if supervised else "of the k-means "
                                      "clusters") + " for a few γ (fitted on all the series)")
    widgets.plot(plots.barycenters_figure([result.points[p].gamma for p in shown],
                                          [result.points[p].centers for p in shown], names,
                                          channel=channel), key="tg_bary")
    d = st.columns(4)
    if supervised:
        _classifier_details(rec, chosen, table, params["criterion"], d)
    else:
        _table(table)
        widgets.download("Cluster labels (CSV)", data.table_csv({
            "series": rec["names"], "cluster": chosen.cluster_labels.tolist()}),
            "clusters.csv", "tg_dl_clusters", d[1])
    widgets.download("Curves against γ (CSV)", data.table_csv(table), "gamma_curves.csv",
                     "tg_dl_curves", d[0])
    centers = [c for p in result.points for c in p.centers]
    center_names = [f"{n} gamma={formatting.number(p.gamma, 4)}" for p in result.points
                    for n in names]
    widgets.download("Barycenters (CSV)", data.series_to_csv(centers, names=center_names),
                     "barycenters.csv", "tg_dl_bary", d[3],
                     help="The barycenters for every γ of the grid.")


def _status(result: tune_gamma.TuningResult) -> None:
    """Say how the last run ended."""
    if result.complete:
        st.success(result.message)
    else:
        st.warning(result.message + " The results below are those of the values done.")


def body() -> None:
    widgets.intro(
        "Tune γ",
        "Which γ suits *your* task? For each γ of a grid this page cross-validates two "
        "soft-DTW classifiers on a labelled collection (nearest centroid: one soft-DTW "
        "barycenter per class; 1-NN: the nearest training series under the soft-DTW "
        "divergence), scores each class's barycenter with hard DTW, and measures how spread "
        "the alignments are (path entropy). Without labels it clusters instead. Then one "
        "button hands the chosen γ to every other page.",
        r"\hat\gamma = \operatorname*{argmax}_{\gamma \in \Gamma}\ "
        r"\mathrm{CV\,accuracy}(\gamma), \qquad \Gamma \ni \gamma^\star = c, \quad "
        r"c = \frac{\mathrm{dtw}_0(x, y)}{|A^\star(x, y)|}\ \text{(typical cost of an "
        r"aligned pair)}",
    )
    with st.expander("Questions about γ: which value, how it scales, why values go negative",
                     icon=":material/help:"):
        st.markdown(FAQ)
    picked, supervised = _data_controls()
    series, names, description = picked.series, picked.names, picked.description
    labels = picked.labels if supervised else None
    params = _settings(supervised, len(series))
    td = cached.tuning_data(series, labels, names, params["folds"])
    lengths = [len(s) for s in td.series]
    st.caption(f"{description} — {len(td.series)} series, length {min(lengths)}–{max(lengths)}"
               + (f", {len(td.classes)} classes, {td.n_folds}-fold cross-validation"
                  if supervised else ", no labels: soft-DTW k-means")
               + f". Caps on this page: {tune_gamma.MAX_SERIES} series, {tune_gamma.MAX_LENGTH} "
                 f"points per series, {tune_gamma.MAX_GRID} values of γ, "
                 f"{formatting.number(tune_gamma.BUDGET_SECONDS)} s per run.")
    for note in td.notes:
        st.warning(note)
    suggestion = cached.gamma_suggestion(td.series)
    st.info(f"**Suggested γ = {formatting.number(suggestion.gamma, 4)}.** "
            f"{suggestion.explanation}", icon=":material/lightbulb:")
    gammas = _grid(params, td.series)
    st.caption("Grid: " + ", ".join(formatting.number(g, 3) for g in gammas)
               + ". Ground cost ‖xᵢ − yⱼ‖², no band; the sidebar's γ is not used here.")
    channel = widgets.channel_picker(td.series[0].shape[1] if td.series[0].ndim == 2 else 1,
                                     "tg_channel")
    params.update(data=description, n=len(td.series), gammas=[float(g) for g in gammas])
    c = st.columns([1, 1, 4], vertical_alignment="center")
    run = c[0].button("Run", type="primary", icon=":material/play_arrow:", key="tg_run")
    stop = c[1].button("Stop", icon=":material/stop:", key="tg_stop",
                       help="Stops the run after the value of γ being computed; the values "
                            "done are kept.")
    if run:
        st.session_state[RECORD] = _record(td, gammas, params, suggestion.gamma)
    rec = st.session_state.get(RECORD)
    if rec is None:
        c[2].caption("Press **Run**: each value of γ takes a few seconds (progress bar; "
                     "**Stop** keeps the values done).")
        widgets.sharing_caption()
        return
    result = _outcome(rec, stop)
    _status(result)
    _results(rec, result, params, channel)
    widgets.sharing_caption()


widgets.run_page(body)
