"""Use 4: a forecaster (first part of a series -> the rest) trained with the Euclidean loss,
soft-DTW and DILATE."""

import pandas as pd
import streamlit as st

from explorer import data
from explorer.logic import prediction
from explorer.plots import prediction as plots
from explorer.web import jobs, sidebar, widgets
from explorer.web.cached import prediction as cached

RESULT_KEY = "_prediction_run"
HIDDEN = [10, 30, 50, 100, 200]
SHOW_MAX = 4
DILATE_GAMMAS = ["0.001", "0.01", "0.1", "1"]


def _settings():
    c = st.columns([2, 1, 1, 1, 1])
    choice, number = widgets.choice_widget, widgets.number_widget
    ds = choice(c[0].selectbox, "Dataset", prediction.fixed_length_datasets(), key="pr_ds",
                default="GunPoint",
                help="Bundled datasets whose series share one length (variable-length sets "
                     "are left out: the network has a fixed input size).")
    prop = number(c[1].slider, "Input part", 0.3, 0.9, key="pr_prop", default=0.6, step=0.05,
                  help="Fraction of each series given to the network; it predicts the rest.")
    hidden = choice(c[2].selectbox, "Hidden units", HIDDEN, key="pr_hidden", default=50,
                    help="One tanh hidden layer.")
    max_iter = number(c[3].number_input, f"L-BFGS iterations (≤ {prediction.PRED_MAX_ITER})", 1,
                      prediction.PRED_MAX_ITER, key="pr_iter", default=100, step=10)
    seed = number(c[4].number_input, "Seed", 0, 10_000, key="pr_seed", default=0, step=1)
    c = st.columns([1, 1, 2])
    alpha = number(c[0].slider, "DILATE: weight α of the shape term", 0.0, 1.0, key="pr_alpha",
                   default=0.5, step=0.05,
                   help="DILATE = α dtw_γ + (1 − α) × timing penalty; the paper used 0.5.")
    dgamma = choice(c[1].select_slider, "DILATE: its γ", DILATE_GAMMAS, key="pr_dgamma",
                    default="0.01", help="DILATE's own smoothing (> 0; the paper used 0.01). "
                                         "The soft-DTW loss uses the sidebar's γ.")
    warm = widgets.toggle_widget(c[2].toggle, "Start soft-DTW and DILATE from the Euclidean "
                                 "solution", key="pr_warm", default=True,
                                 help="As in the soft-DTW paper's 'Euclidean initialisation'; "
                                      "off: from the same random weights as the Euclidean "
                                      "model.")
    return ds, float(prop), int(hidden), int(max_iter), int(seed), float(alpha), \
        float(dgamma), warm


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(
        "Prediction with a soft-DTW loss",
        "A small neural network reads the first part of a series and predicts the rest. "
        "Trained with the Euclidean loss it hedges between possible timings and predicts a "
        "blurred average; trained with soft-DTW it is allowed to be slightly off in time, so "
        "it predicts sharper shapes. **DILATE** (Le Guen & Thome, 2019) adds to soft-DTW a "
        "penalty on the timing of the expected alignment. The three models are tested on the "
        "dataset's test split for shape (DTW), for both (Euclidean) and for timing (TDI); "
        "the soft-DTW loss takes γ from the sidebar.",
        r"\begin{gathered} \min_\theta \frac{1}{N} \sum_{i=1}^{N} \frac{1}{n_{\mathrm{out}}}\, "
        r"\ell\big(f_\theta(x_i^{\mathrm{first}}),\, x_i^{\mathrm{rest}}\big), \\ "
        r"\ell \in \big\{\lVert \cdot \rVert^2,\ \mathrm{dtw}_\gamma,\ \alpha\, "
        r"\mathrm{dtw}_\gamma + (1 - \alpha) \langle E_\gamma, \Omega \rangle\big\}, "
        r"\qquad \Omega_{ij} = \frac{(i - j)^2}{n_{\mathrm{out}}^2} \end{gathered}",
    )
    ds, prop, hidden, max_iter, seed, alpha, dgamma, warm = _settings()
    d = prediction.prediction_data(ds, prop)
    for note in d.notes:
        st.warning(note)
    if sel.cost != "sqeuclidean":
        st.info("The soft-DTW loss uses the squared Euclidean ground cost; the sidebar's "
                "absolute cost is not used on this page.")
    st.caption(f"{ds}: {len(d.train_in)} training and {len(d.test_in)} test series; the "
               f"network sees {d.train_in.shape[1]} points and predicts {d.train_out.shape[1]}. "
               f"Soft-DTW loss at γ = {sel.gamma_text} (sidebar). Caps: "
               f"{prediction.PRED_MAX_TRAIN} training and {prediction.PRED_MAX_TEST} test series, "
               f"{prediction.PRED_MAX_LENGTH} points, {prediction.PRED_MAX_ITER} iterations.")
    params = {"dataset": ds, "proportion": prop, "gamma": sel.gamma, "hidden": hidden,
              "max_iter": max_iter, "seed": seed, "from_euclidean": warm,
              "DILATE alpha": alpha, "DILATE gamma": dgamma}
    with st.expander("The same training in PyTorch (copy and run)", icon=":material/code:"):
        st.caption("A standalone script on `softdtw_core.torch` (install with "
                   "`pip install -r requirements-torch.txt`, run from the repository's root): "
                   "the same data, network, losses, L-BFGS budget and test scores as this "
                   "page; only the random initial weights differ.")
        st.code(prediction.prediction_code(
            ds, proportion=prop, gamma=sel.gamma, hidden=hidden, max_iter=max_iter, seed=seed,
            from_euclidean=warm, dilate_alpha=alpha, dilate_gamma=dgamma), language="python",
            wrap_lines=True)
    if st.button("Train the three models", type="primary", key="pr_run",
                 icon=":material/play_arrow:"):
        run = jobs.watch(cached.predictors(d, sel.gamma, hidden=hidden, max_iter=max_iter,
                                          from_euclidean=warm, seed=seed, dilate_alpha=alpha,
                                          dilate_gamma=dgamma))
        st.session_state[RESULT_KEY] = {"params": params, "run": run, "data": d}
    stored = st.session_state.get(RESULT_KEY)
    if stored is None:
        st.info("Press **Train the three models** to train the network with the Euclidean "
                "loss, soft-DTW and DILATE; a progress bar follows the iterations.")
        widgets.sharing_caption()
        return
    if stored["params"] != params:
        st.warning("The settings changed since the last training: the results below are for "
                   + ", ".join(f"{k} = {v}" for k, v in stored["params"].items())
                   + ". Press **Train the three models** to update them.")
    _results(stored["run"], stored["data"])
    widgets.sharing_caption()


def _results(run: prediction.PredictionRun, d: prediction.PredictionData) -> None:
    st.subheader("Test losses")
    table = run.table()
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", column_config={
        "DTW test loss": st.column_config.NumberColumn(format="%.5g"),
        "Euclidean test loss": st.column_config.NumberColumn(format="%.5g"),
        "TDI test loss": st.column_config.NumberColumn(format="%.5g"),
        "train time (s)": st.column_config.NumberColumn(format="%.2f"),
    })
    st.caption("Means over the test series of DTW (γ = 0, the shape error), of the squared "
               "Euclidean distance between prediction and truth (not divided by length), and "
               "of the temporal distortion index TDI = Σ over the DTW path of (i − j)²/n², "
               "the timing error, as in the DILATE paper. On many datasets each model wins on "
               "the measure it was trained with (the soft-DTW paper's Table 3 averages over "
               "the UCR archive); on some it does not: try several.")

    st.subheader("Test predictions")
    n_test = len(d.test_in)
    c1, c2 = st.columns([3, 1])
    show = widgets.choice_widget(
        c1.multiselect, f"Test series drawn (at most {SHOW_MAX})", range(n_test),
        key="pr_show", default=list(range(min(3, n_test))), url=False,
        max_selections=SHOW_MAX)
    channel = widgets.channel_picker(d.dim, "pr_ch", c2)
    labels = run.labels
    if show:
        fig = plots.prediction_figure(d.test_in, d.test_out,
                                      {k: (labels[k], P) for k, P in run.predictions.items()},
                                      sorted(show), channel=channel)
        widgets.plot(fig, key="pred_chart")
    else:
        st.info("Choose at least one test series to draw.")
    with st.expander("Training curves"):
        widgets.plot(plots.loss_curves_figure({f"{labels[k]} loss": v
                                               for k, v in run.curves.items()}),
                     key="pred_curves")

    d1, d2 = st.columns(2)
    names = [f"{k} test {i}" for k in run.predictions for i in range(n_test)]
    series = [P[i] for P in run.predictions.values() for i in range(n_test)]
    widgets.download("Test predictions (CSV, all models)",
                     data.series_to_csv(series, names=names), "predictions.csv", "pr_dl_pred",
                     d1)
    widgets.download("Test losses (CSV)", data.table_csv(table), "prediction_losses.csv",
                     "pr_dl_table", d2)


widgets.run_page(body)
