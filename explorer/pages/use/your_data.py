"""Use: upload your own series, read the report, inspect a pair's alignment and all pairs;
with a Dask cluster (``SOFTDTW_DASK_SCHEDULER``), run the neighbours, the whole matrix and
k-means on every series (:mod:`explorer.logic.your_data`)."""

import numpy as np
import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import formatting, your_data
from explorer.plots import cost_table as cost_table_plots
from explorer.plots import kmeans as kmeans_plots
from explorer.plots import your_data as plots
from explorer.web import jobs, memo, sidebar, widgets
from explorer.web.cached import collection, cost_table
from explorer.web.cached import your_data as cached
from explorer.web.widgets import escape_markdown as md

SAMPLE = "yd_sample"
JOB_RECORD = "yd_job_record"  # the last cluster job asked for: its key, settings, upload
LONG_STOPPED = "yd_long_stopped"  # the long pair whose alignment this session cancelled
# a bound widget writes its *displayed* option text to the URL: options are short words
LAYOUTS = {"auto": "detect", "wide": "one series per row",
           "ucr": "UCR: one series per row, label first", "columns": "one series per column",
           "long": "tidy: id, time, value columns", "ts": "UEA/sktime .ts file"}
DELIMITERS = {"auto": "detect", "comma": ",", "semicolon": ";", "tab": "\t",
              "whitespace": "whitespace"}
DECIMALS = {"auto": "detect", "dot": ".", "comma": ","}
HEADERS = {"auto": "detect", "yes": True, "no": False}
MISSING = {"error": "refuse (list them)", "interpolate": "interpolate linearly",
           "skip": "leave the series out (listed)"}
CONTROLS = data.PAGE_CONTROLS  # the labels the parser's messages name on this page


def _column_option(text: str, *, may_be_none: bool):
    """A column override: '' = detect, 'none' = no column (labels), a number, or a name."""
    t = text.strip()
    if not t:
        return None
    if may_be_none and t.lower() in {"none", "no", "false"}:
        return False
    if t.isdigit():
        return int(t)
    return t


def _reading_options() -> tuple:
    """The layout override widgets; returns the overrides as a hashable tuple of pairs."""
    with st.expander("Reading options: detected automatically; override them if the report "
                     "below looks wrong", icon=":material/tune:"):
        c = st.columns(4)
        choice = widgets.choice_widget
        layout = choice(c[0].selectbox, CONTROLS["layout"].label, list(LAYOUTS), key="yd_layout",
                        default="auto", help="; ".join(f"{k}: {v}" for k, v in LAYOUTS.items()))
        delim = choice(c[1].selectbox, CONTROLS["delimiter"].label, list(DELIMITERS),
                       key="yd_delim",
                       default="auto")
        decimal = choice(c[2].selectbox, CONTROLS["decimal"].label, list(DECIMALS),
                         key="yd_decimal",
                         default="auto", help="dot: 1.5; comma: 1,5")
        header = choice(c[3].selectbox, CONTROLS["header"].label, list(HEADERS),
                        key="yd_header",
                        default="auto")
        c = st.columns([1, 1, 2.2, 1])
        label = widgets.text_widget(c[0].text_input, CONTROLS["label_column"].label,
                                    key="yd_label", max_chars=60, placeholder="detect",
                                    help="Empty: detect; 'none': no labels; or a column number "
                                         "(0-based) or header name.")
        ids = widgets.text_widget(c[1].text_input, CONTROLS["id_column"].label, key="yd_id",
                                  max_chars=60, placeholder="detect",
                                  help="The series' names (one series per row), or what tells "
                                       "the series apart (tidy files). Empty: detect (a column "
                                       "of text, any header); or a column number (0-based) or "
                                       "header name.")
        missing = choice(c[2].radio, CONTROLS["missing"].label, list(MISSING),
                         key="yd_missing", default="error", captions=list(MISSING.values()),
                         horizontal=True,
                         help="A missing value is an empty cell, a marker such as NA or ?, or "
                              "any text that is not a number (n.v., -, #N/A).")
        znorm = widgets.toggle_widget(c[3].toggle, "z-normalise", key="yd_znorm",
                                      help="Each series to mean 0 and standard deviation 1.")
    overrides = {"missing": missing, "znormalize": znorm}
    if layout != "auto":
        overrides["layout"] = layout
    if delim != "auto":
        overrides["delimiter"] = DELIMITERS[delim]
    if decimal != "auto":
        overrides["decimal"] = DECIMALS[decimal]
    if header != "auto":
        overrides["header"] = HEADERS[header]
    lab = _column_option(label, may_be_none=True)
    if lab is not None:
        overrides["label_column"] = lab
    idc = _column_option(ids, may_be_none=False)
    if idc is not None:
        overrides["id_column"] = idc
    return tuple(sorted(overrides.items()))


def _offer(parsed, filename: str) -> None:
    """Button callback: hand the upload to every page through the shared selector."""
    sidebar.set_uploaded(parsed.series, parsed.names, labels=parsed.labels, filename=filename)
    sidebar.use_upload_everywhere()


def _source():
    """(content, filename) of the uploaded file, or of the sample when asked; None otherwise."""
    c = st.columns([2.2, 1])
    with c[0]:
        up = st.file_uploader("Upload a series file (CSV, TSV, UCR text or UEA .ts)",
                              key="yd_file",
                              help="One series per row (optionally with a label and an id "
                                   "column), one per column, long/tidy (id, time, values), "
                                   "or a UEA/sktime .ts file (multivariate too).")
    with c[1]:
        st.markdown("**No file at hand?**")
        widgets.download("Download a sample CSV", cached.sample_csv(), "soft-dtw-sample.csv",
                         "yd_dl_sample",
                         help="Nine Cylinder–Bell–Funnel series of 64 points, wide layout: an "
                              "id column, a label column, then t0 … t63.")
        if st.button("Try the sample here", key="yd_try", icon=":material/science:"):
            st.session_state[SAMPLE] = True
    st.caption("Uploaded data stays in this browser session: it is never written into the "
               "page address (URL). The reading options and the choices below are, so a "
               "shared link reopens them once the same file is uploaded.")
    if up is not None:
        return up.getvalue(), up.name
    if st.session_state.get(SAMPLE):
        return cached.sample_csv(), "soft-dtw-sample.csv"
    return None


def _one_channel(s) -> np.ndarray:
    """A series as float64, a single channel as ``(n,)``."""
    s = np.asarray(s, dtype=np.float64)
    return s[:, 0] if s.ndim == 2 and s.shape[1] == 1 else s


def _alignment(parsed, sel) -> None:
    n_series = len(parsed.series)
    st.subheader("Inspect one pair")
    c = st.columns([1, 1, 1, 3], vertical_alignment="bottom")
    i = int(widgets.number_widget(c[0].number_input, "Series x #", 0, n_series - 1, key="yd_i",
                                  default=0))
    j = int(widgets.number_widget(c[1].number_input, "Series y #", 0, n_series - 1, key="yd_j",
                                  default=1))
    x, y = _one_channel(parsed.series[i]), _one_channel(parsed.series[j])
    channel = widgets.channel_picker(1 if x.ndim == 1 else x.shape[1], "yd_channel", c[2],
                                     help="Δ and E use all channels; the match lines draw one.")
    names = parsed.names
    c[3].markdown(f"x = **{md(names[i])}** ({len(x)} points) · y = **{md(names[j])}** ({len(y)} "
                  f"points) · γ = {sel.gamma_text}, cost {sel.cost} (from the sidebar)")
    if max(len(x), len(y)) > your_data.PAIR_FULL_MAX:
        _long_pair(x, y, sel)
    else:
        _full_pair(x, y, (names[i], names[j]), channel, sel)


def _full_pair(x, y, names, channel: int, sel) -> None:
    """Δ, E, the hard path and the match lines of a pair of at most PAIR_FULL_MAX points."""
    band = sel.band
    if band is not None:
        try:
            cost_table.optimal_path(x, y, sel.cost, band)
        except ValueError as exc:
            st.warning(f"Band dropped for this pair: {exc}")
            band = None
    t = cost_table.tables(x, y, sel.gamma, sel.cost, band)
    path, dtw = cost_table.optimal_path(x, y, sel.cost, band)
    m = st.columns(3)
    m[0].metric("n × m", f"{len(x)} × {len(y)}")
    m[1].metric(f"dtw_γ at γ = {sel.gamma_text}", formatting.number(t.value))
    m[2].metric("DTW (γ = 0)", formatting.number(dtw))
    left, right = st.columns(2)
    with left:
        st.markdown("**Cost matrix Δ** with the hard DTW path (white)")
        widgets.plot(cost_table_plots.cost_figure(x, y, t.cost, path=path, clickable=False,
                                                  cost_label="Δ", height=560,
                                                  uirevision=f"yd-cost-{len(x)}-{len(y)}"),
                     key="yd_cost")
    with right:
        st.markdown(f"**Expected alignment E** at γ = {sel.gamma_text} (dotted: the hard path)")
        widgets.plot(plots.alignment_figure(t.E, path, uirevision=f"yd-E-{len(x)}-{len(y)}"),
                     key="yd_E")
    st.markdown("**The two series with their matches**: a line joins xᵢ and yⱼ with an "
                "opacity that grows with Eᵢⱼ (the strongest 2,500 matches).")
    widgets.plot(plots.match_lines_figure(x, y, t.E, channel=channel, names=names,
                                          uirevision=f"yd-match-{names[0]}-{names[1]}"),
                 key="yd_match")
    _pair_downloads(t, path)


def _stopped(ident, text: str) -> None:
    """A long pair's alignment this session stopped: say so, offer to run it."""
    st.session_state[LONG_STOPPED] = ident
    st.caption(text)
    st.button("Align this pair", key="yd_long_run", icon=":material/play_arrow:",
              on_click=_resume_long, args=(ident,))


def _resume_long(ident) -> None:
    """Button callback: align the stopped pair after all."""
    if st.session_state.get(LONG_STOPPED) == ident:
        st.session_state.pop(LONG_STOPPED)


def _long_pair(x, y, sel) -> None:
    """A pair past PAIR_FULL_MAX points: its value and block-averaged E, a background job
    (:func:`explorer.logic.your_data.long_alignment`) that Cancel stops."""
    n, m = len(x), len(y)
    b = your_data.block_size_for(n, m)
    st.info(f"A long pair: the page aligns the whole series ({n:,} × {m:,} = {n * m:,} cells) "
            f"as a background job and shows E averaged over blocks: **each cell averages {b} × "
            f"{b} cells**. Δ, the hard path and the match lines need full n × m tables: they "
            f"are drawn for pairs of at most {your_data.PAIR_FULL_MAX:,} points each.",
            icon=":material/grid_view:")
    ident = memo.cache_key(x, y, sel.gamma, sel.cost, sel.band)
    if st.session_state.get(LONG_STOPPED) == ident:
        _stopped(ident, "You cancelled this alignment.")
        return
    band, result = sel.band, None
    while result is None:
        try:
            result = _watch_long(x, y, sel, band, ident)
        except ValueError as exc:
            if band is None:
                raise
            st.warning(f"Band dropped for this pair: {exc}")
            band = None
    if result is not False:
        _show_long(result, sel)


def _watch_long(x, y, sel, band, ident):
    """Start (or join) the long pair's job, watch it with a Cancel button; its result, or
    False once cancelled."""
    job = cached.long_alignment(x, y, sel.gamma, sel.cost, band)
    holder = st.empty()  # the Cancel button, while the job runs
    cancel = False if job.done else holder.button("Cancel", key="yd_long_cancel",
                                                  icon=":material/stop:")
    if cancel and not job.done:
        if not job.cancel(jobs.session_id()):
            holder.empty()
            _stopped(ident, "You stopped watching: other students asked for the same "
                            "alignment, so it goes on for them.")
            return False
        with st.spinner("Cancelling: the job stops at the end of its current step…"):
            jobs.wait_until_stopped(job)
    slot = st.empty()
    seconds = your_data.long_pair_estimate(len(x), len(y))
    try:
        with st.spinner(f"Aligning {len(x):,} × {len(y):,} points in the background (about "
                        f"{formatting.duration(seconds)} of CPU on an idle machine)…",
                        show_time=True):
            return jobs.watch(job, on_frame=lambda value, _: slot.metric(
                f"dtw_γ at γ = {sel.gamma_text}", formatting.number(value)))
    except jobs.JobCancelled:
        holder.empty()
        _stopped(ident, "You cancelled this alignment.")
        return False
    finally:
        slot.empty()
        holder.empty()


def _show_long(res, sel) -> None:
    """The long pair's value and block-averaged E, with its CSV."""
    n, m = res.shape
    b = res.block
    c = st.columns(3)  # n and m: in the line above the pair and in the note
    c[0].metric(f"dtw_γ at γ = {sel.gamma_text}", formatting.number(res.value))
    c[1].metric("Each cell averages", f"{b} × {b} cells")
    c[2].metric("Computed in", f"{formatting.fixed(res.seconds, 1)} s",
                help="How long the background job took (a shared result: the first "
                     "student who asked for this pair waited for it).")
    st.markdown(f"**Expected alignment E** at γ = {sel.gamma_text}, block-averaged: each cell "
                f"averages {b} × {b} cells of E (the last row and column of blocks, their own "
                "cells), so a path crossing a block shows as about 1/b.")
    widgets.plot(plots.block_alignment_figure(res.blocks, b, res.shape,
                                              uirevision=f"yd-E-blocks-{n}-{m}"),
                 key="yd_E_blocks")
    rows, cols = res.blocks.shape
    widgets.download(f"Block-averaged E, {rows} × {cols} (CSV)",
                     data.matrix_csv(res.blocks,
                                     row_labels=[f"i={k * b + 1}-{min(n, (k + 1) * b)}"
                                                 for k in range(rows)],
                                     col_labels=[f"j={k * b + 1}-{min(m, (k + 1) * b)}"
                                                 for k in range(cols)]),
                     "expected_alignment_blocks.csv", "yd_dl_E_blocks")


def _pair_downloads(t, path) -> None:
    """Δ, E (1-based cells) and the hard path of the pair view, as CSV."""
    n, m = t.cost.shape
    rl = [f"i={k + 1}" for k in range(n)]
    cl = [f"j={k + 1}" for k in range(m)]
    d = st.columns(3)
    widgets.download("Δ (CSV)", data.matrix_csv(t.cost, row_labels=rl, col_labels=cl),
                     "cost_matrix.csv", "yd_dl_cost", d[0])
    widgets.download("E (CSV)", data.matrix_csv(t.E, row_labels=rl, col_labels=cl),
                     "expected_alignment.csv", "yd_dl_E", d[1])
    widgets.download("Hard path (CSV)",
                     data.table_csv({"i": [p[0] + 1 for p in path],
                                     "j": [p[1] + 1 for p in path]}),
                     "dtw_path.csv", "yd_dl_path", d[2])


def _matrix(parsed, sel) -> None:
    st.subheader("All pairs, ordered by a hierarchical clustering")
    kind = widgets.choice_widget(
        st.segmented_control, "Matrix", ["divergence", "raw"], key="yd_kind",
        default="divergence",
        help="divergence: D_γ = dtw_γ(x, y) − ½(dtw_γ(x, x) + dtw_γ(y, y)), non-negative, zero "
             "on the diagonal; raw: dtw_γ itself, which can be negative.")
    coll = collection.prepare_collection(parsed.series, parsed.labels, parsed.names,
                                         your_data.MATRIX_MAX_SERIES,
                                         your_data.MATRIX_MAX_LENGTH)
    for note in coll.notes:
        st.warning(note)
    band = sel.band
    n = len(coll.series)
    with st.spinner(f"Computing {n * (n + 1) // 2:,} soft-DTW values…", show_time=True):
        try:
            M, order = jobs.watch(cached.pairwise_matrix(coll.series, sel.gamma,
                                                        kind == "divergence", sel.cost, band))
        except ValueError as exc:
            if band is None:
                raise
            st.warning(f"Band dropped for the matrix: {exc}")
            band = None
            M, order = jobs.watch(cached.pairwise_matrix(coll.series, sel.gamma,
                                                        kind == "divergence", sel.cost, None))
    label = "dtw_γ" if kind == "raw" else "D_γ"
    if kind == "raw" and np.nanmin(M) < 0:
        st.caption(formatting.negative_soft_dtw(float(np.nanmin(M)), sel.gamma_text)
                   + " Choose **divergence** for a matrix that is zero on the diagonal and "
                   "never negative.")
    widgets.plot(plots.pairwise_figure(M, order, coll.names, label=label, groups=coll.labels,
                                       uirevision=f"yd-pairs-{n}"), key="yd_pairs")
    st.caption(f"{n} series (cap {your_data.MATRIX_MAX_SERIES}; series longer than "
               f"{your_data.MATRIX_MAX_LENGTH} points are resampled for this matrix), "
               f"γ = {sel.gamma_text}. Rows and columns follow the leaves of an average-linkage "
               "clustering of the divergence (optimal leaf ordering), so similar series sit "
               "together." + (" Labels are shown in brackets." if coll.labels is not None
                              else ""))
    names = [coll.names[k] for k in order]
    widgets.download(f"{label} matrix, clustered order (CSV)",
                     data.matrix_csv(M[np.ix_(order, order)], row_labels=names,
                                     col_labels=names, corner="series"),
                     "pairwise_matrix.csv", "yd_dl_pairs")
    return kind


# --------------------------------------------------------------------------- on a cluster


def _job_settings(n_series: int) -> dict:
    """The job widgets; returns the job and its settings."""
    c = st.columns([2, 1, 1, 1, 1])
    job = widgets.choice_widget(c[0].segmented_control, "Job on the cluster",
                                list(your_data.JOBS), key="yd_job", default="neighbours",
                                help="; ".join(f"{k}: {v}" for k, v in
                                               your_data.JOBS.items()))
    settings = {"job": job}
    if job == "k-means":
        number = widgets.number_widget
        settings["k"] = int(number(c[1].number_input, "k (clusters)", 1,
                                   max(1, min(20, n_series)), key="yd_job_k", default=3))
        settings["max_iter"] = int(number(c[2].number_input, "Max iterations", 1, 50,
                                          key="yd_job_iter", default=10))
        settings["barycenter_max_iter"] = int(number(
            c[3].number_input, "Barycenter steps", 1, 50, key="yd_job_bary", default=5,
            help="L-BFGS iterations of each centre update (warm-started)."))
        settings["seed"] = int(number(c[4].number_input, "Seed", 0, 10_000,
                                      key="yd_job_seed", default=0))
    return settings


def _show_neighbours(parsed, result, key: str) -> None:
    table = your_data.neighbour_table(parsed.names, result)
    st.markdown(f"**The {result.indices.shape[1]} nearest series of each series** by the "
                "divergence D_γ (the series itself left out; ties: the earlier series).")
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", height=300)
    widgets.download("Nearest neighbours (CSV)", data.table_csv(table), "neighbours.csv",
                     key)


def _show_result(parsed, result, settings: dict, current: dict) -> None:
    names = parsed.names
    if settings != current:
        st.caption("Computed with earlier settings; press **Run on the cluster** again to "
                   "update it.")
    st.caption(f"Done in {formatting.fixed(result.seconds, 1)} s on the cluster.")
    if isinstance(result, your_data.NeighbourResult):
        _show_neighbours(parsed, result, "yd_dl_job_knn")
    elif isinstance(result, your_data.MatrixResult):
        label = "D_γ" if result.divergence else "dtw_γ"
        sample = result.sample
        labels = None if parsed.labels is None else np.asarray(parsed.labels)[sample]
        widgets.plot(plots.pairwise_figure(result.sample_matrix, result.sample_order,
                                           [names[i] for i in sample], label=label,
                                           groups=labels,
                                           uirevision=f"yd-job-pairs-{len(sample)}"),
                     key="yd_job_pairs")
        st.caption(f"The full {result.n} × {result.n} {label} matrix was computed; shown: "
                   f"{len(sample)} evenly spaced series, in the order of their hierarchical "
                   "your_data. The whole matrix is in the downloads (built when clicked).")
        _show_neighbours(parsed, result.neighbours, "yd_dl_job_knn")
        d = st.columns(2)
        widgets.download(f"Whole {label} matrix (CSV)",
                         lambda: your_data.matrix_csv(result.store, names),
                         "pairwise_matrix.csv", "yd_dl_job_matrix", d[0])
        d[1].download_button("Whole matrix (Zarr store, zip)",
                             data=lambda: your_data.zipped_store(result.store),
                             file_name="pairwise_matrix.zarr.zip", mime="application/zip",
                             key="yd_dl_job_zarr", on_click="ignore",
                             icon=":material/download:")
    else:
        m = st.columns(3)
        m[0].metric("Centre updates", result.n_iter)
        m[1].metric("Soft-DTW inertia Σ dtw_γ", formatting.number(result.inertia))
        m[2].metric("Converged", "yes" if result.converged else "no")
        widgets.plot(kmeans_plots.kmeans_figure(parsed.series, result.labels, result.centers,
                                         title=f"k-means on all {len(parsed.series)} series",
                                         uirevision="yd-job-kmeans"), key="yd_job_kmeans")
        widgets.download("Cluster labels (CSV)",
                         data.table_csv({"series": list(range(len(names))),
                                         "name": [str(v) for v in names],
                                         "cluster": result.labels.tolist()}),
                         "cluster_labels.csv", "yd_dl_job_labels")


def _cluster(parsed, sel, kind: str, upload: str) -> None:
    """The cluster jobs; ``upload`` identifies the parsed upload (a job of another one is
    forgotten).

    A job is shared like the in-process ones (:func:`explorer.web.cached.cluster_job`, on
    its own pool): a rerun of the page (a widget changed, the page left and opened again)
    does not stop it, the page watches it again; **Cancel** stops it and cancels its tasks
    on the cluster, unless other students are watching the same job.
    """
    st.subheader("Every series, on a Dask cluster")
    address = your_data.scheduler_address()
    if address is None:
        st.info(your_data.START_HELP)
        return
    try:
        client = cached.dask_client(address)
    except ConnectionError as exc:
        st.error(str(exc))
        return
    threads = client.nthreads()
    link = client.dashboard_link
    st.markdown(f"Scheduler `{address}`: {len(threads)} workers, {sum(threads.values())} "
                "threads" + (f" · [Dask dashboard]({link})" if link else "")
                + f" · {len(parsed.series)} series, no cap.")
    settings = _job_settings(len(parsed.series))
    current = {**settings, "gamma": sel.gamma, "cost": sel.cost, "band": sel.band,
               "kind": kind, "n": len(parsed.series)}
    c = st.columns([1.3, 1, 4])
    run = c[0].button("Run on the cluster", type="primary", key="yd_job_run",
                      icon=":material/play_arrow:")
    cancel = c[1].button("Cancel", key="yd_job_cancel", icon=":material/stop:")
    if run:
        job = cached.cluster_job(client, address, parsed.series, current)
        st.session_state[JOB_RECORD] = {"key": job.key, "settings": current, "upload": upload}
    job = _recorded_job(upload)
    if job is not None and cancel and not job.done:
        if not job.cancel(jobs.session_id()):
            st.session_state.pop(JOB_RECORD)
            st.info("You stopped watching this job: other students asked for the same one, "
                    "so it goes on for them. Press **Run on the cluster** to watch it again.")
            return
        with st.spinner("Cancelling: the job stops when its next task ends…"):
            jobs.wait_until_stopped(job)
    elif cancel:
        st.info("No job is running.")
    if job is None:
        return
    computed_with = st.session_state[JOB_RECORD]["settings"]
    try:
        result = jobs.watch(job)
    except jobs.JobCancelled:
        st.session_state.pop(JOB_RECORD, None)
        st.warning("Job cancelled: its tasks were cancelled on the cluster.")
        return
    except Exception:
        st.session_state.pop(JOB_RECORD, None)
        raise
    _show_result(parsed, result, computed_with, current)


def _recorded_job(upload: str):
    """The cluster job this session last asked for on this upload, or None: none, one of
    another file, or one the server no longer keeps (the page says so); the record goes
    with the last two."""
    record = st.session_state.get(JOB_RECORD)
    if record is None:
        return None
    job = jobs.cluster_runner().find(record["key"]) if record["upload"] == upload else None
    if job is None:
        st.session_state.pop(JOB_RECORD)
    if job is None and record["upload"] == upload:
        limit = memo.LIMITS["cluster_jobs"]
        st.info("The last job's result is no longer kept on the server (it keeps the last "
                f"{limit.entries} for {limit.ttl / 60:g} minutes); press **Run on the "
                "cluster** to compute it again.")
    return job


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(
        "Your data",
        "Upload your own time series and see how soft-DTW aligns them: pick any two to inspect "
        "their cost matrix Δ, the expected alignment E at the sidebar's γ and the hard DTW "
        "path, then compare all of them at once. A button hands your series to every other "
        "page through the sidebar's selector.",
        r"E_\gamma(x, y) = \nabla_\Delta \mathrm{dtw}_\gamma(x, y) = \mathbb{E}_{p_\gamma}[A], "
        r"\qquad D_\gamma(x, y) = \mathrm{dtw}_\gamma(x, y) - \tfrac12\big(\mathrm{dtw}_\gamma"
        r"(x, x) + \mathrm{dtw}_\gamma(y, y)\big)",
    )
    source = _source()
    overrides = _reading_options()
    if source is None:
        st.info("Upload a file above, or try the sample.")
        return
    content, filename = source
    try:
        with st.spinner(f"Reading {len(content):,} bytes…"):
            parsed = cached.parse_upload(content, filename, overrides)
    except data.SeriesFileError as exc:
        st.error(exc.on_page())  # the data layer's message, naming this page's controls
        return
    st.subheader("What was read")
    for warning in parsed.report.warnings:
        st.warning(warning, icon=":material/warning:")
    st.code(parsed.report.to_text(), language=None, wrap_lines=True)  # no hidden end
    offered = sidebar.get_uploaded()
    c = st.columns([2, 1, 2.4], vertical_alignment="center")
    c[0].button("Use these series on the other pages", type="primary", key="yd_offer",
                icon=":material/share:", on_click=_offer, args=(parsed, filename))
    if offered is not None:
        c[1].button("Stop offering", key="yd_clear", on_click=sidebar.clear_uploaded)
        c[2].caption(f"The other pages can use {len(offered['series'])} series from "
                     f"{md(offered['filename'])} (sidebar → Source → upload; k-means → "
                     "upload).")
    _alignment(parsed, sel)
    kind = _matrix(parsed, sel)
    _cluster(parsed, sel, kind, memo.cache_key(content, filename, overrides))


widgets.run_page(body)
