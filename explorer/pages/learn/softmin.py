"""Learn 3: the soft minimum min^γ, on quadratic functions and on three numbers."""

import numpy as np
import streamlit as st

import softdtw_core as sd
from explorer.logic import formatting, softmin
from explorer.plots import softmin as plots
from explorer.web import sidebar, widgets

CENTERS = (-2.0, 0.2, 2.4)
OFFSETS = (0.6, 0.0, 0.9)
COMPARE_GAMMAS = (0.1, 1.0, 10.0)


def body() -> None:
    sel = sidebar.selection()
    widgets.intro(
        "min^γ, the soft minimum",
        "The hard minimum of several values jumps from one argument to another and has a "
        "kink wherever two are tied; **min^γ** replaces it by a log-sum-exp that is smooth "
        "(differentiable everywhere) and tends to the hard minimum as γ → 0. Its gradient is "
        "the Gibbs weights: every argument gets a share, the smaller ones more. γ comes from "
        "the sidebar.",
        r"\begin{gathered} \min{}^{\gamma}(a_1,\dots,a_k) = -\gamma \log \sum_{l=1}^{k} "
        r"e^{-a_l/\gamma}, \qquad "
        r"\min_l a_l - \gamma \log k \;\le\; \min{}^{\gamma}(a) \;\le\; \min_l a_l, \\ "
        r"\frac{\partial \min{}^{\gamma}}{\partial a_l} = \frac{e^{-a_l/\gamma}}{\sum_{l'} "
        r"e^{-a_{l'}/\gamma}} \end{gathered}",
    )
    gamma = sel.gamma
    left, right = st.columns(2)
    with left:
        st.subheader("Soft-min of quadratic functions")
        st.markdown("Three parabolas fₖ(t) = (t − cₖ)² + hₖ and their soft minimum as a "
                    "function of t: the hard minimum (dashed) has two kinks; min^γ rounds "
                    f"them off, more as γ grows. Thick red: the sidebar's γ = "
                    f"{sel.gamma_text}.")
        t = np.linspace(-4.5, 4.5, 601)
        F, _, hard, _ = softmin.softmin_curves(t, CENTERS, OFFSETS, 0.0)
        curves = {g: softmin.softmin_curves(t, CENTERS, OFFSETS, g)[1]
                  for g in sorted(set(COMPARE_GAMMAS) | {gamma}) if g > 0}
        widgets.plot(plots.softmin_quadratics_figure(t, F, curves, hard, gamma),
                     key="quad_chart")
    with right:
        st.subheader("Soft-min of three numbers")
        c = st.columns(3)
        a = c[0].number_input("a", value=1.0, step=0.1, key="sm_a", format="%.3f")
        b = c[1].number_input("b", value=1.5, step=0.1, key="sm_b", format="%.3f")
        cc = c[2].number_input("c", value=3.0, step=0.1, key="sm_c", format="%.3f")
        vals = np.array([a, b, cc], dtype=np.float64)
        if not np.all(np.isfinite(vals)):
            st.error("a, b and c must be finite numbers.")
            return
        soft = float(sd.softmin(vals, gamma))
        w = sd.softmin_weights(vals, gamma)
        number = formatting.number
        m = st.columns(3)  # three values a half-width column has room for
        m[0].metric("min(a, b, c)", number(vals.min(), 4))
        m[1].metric(f"min^γ, γ = {sel.gamma_text}", number(soft, 4))
        m[2].metric("min − γ log 3", number(vals.min() - gamma * np.log(3), 4),
                    help="The lower bound of min^γ: min(a, b, c) − γ log 3.")
        st.markdown("Soft-min weights of (a, b, c) = ("
                    + ", ".join(number(v, 3) for v in w) + ").")
        span = max(2.0, float(np.ptp(vals)) + 2.0, 6 * gamma)
        tt = np.linspace(min(b, cc) - span, max(b, cc) + span, 601)
        U = np.stack([tt, np.full_like(tt, b), np.full_like(tt, cc)])
        soft_t = sd.softmin(U, gamma, axis=0)
        W = sd.softmin_weights(U, gamma, axis=0)
        st.markdown("Now let the first argument vary (t in place of a): the hard minimum "
                    "min(t, b, c) bends sharply where t crosses min(b, c); min^γ bends "
                    "smoothly, and the weights (below) slide from one argument to the other "
                    "instead of switching.")
        widgets.plot(plots.softmin_three_figure(tt, soft_t, U.min(axis=0), W, b, cc),
                     key="three_chart")


widgets.run_page(body)
