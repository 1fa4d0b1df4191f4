r"""Computations of the Learn page *min^γ* (no Streamlit, no Plotly).

:math:`\min{}^\gamma(a_1, \dots, a_k) = -\gamma \log \sum_i e^{-a_i / \gamma}` over
quadratics of t, against the hard minimum.
"""

from __future__ import annotations

import numpy as np

import softdtw_core as sd

__all__ = [
    "softmin_curves",
]


def softmin_curves(t: np.ndarray, centers, offsets, gamma: float):
    """Soft-min of the quadratics ``f_k(t) = (t - c_k)² + h_k``.

    Returns
    -------
    (F, soft, hard, weights)
        ``F`` the ``(K, len(t))`` quadratics, ``soft = min^γ_k f_k(t)``, ``hard = min_k f_k(t)``
        and the Gibbs weights ``(K, len(t))``.
    """
    t = np.asarray(t, dtype=np.float64)
    c = np.asarray(centers, dtype=np.float64)[:, None]
    h = np.asarray(offsets, dtype=np.float64)[:, None]
    F = (t[None, :] - c) ** 2 + h
    soft = np.asarray(sd.softmin(F, gamma, axis=0), dtype=np.float64)
    hard = F.min(axis=0)
    weights = np.asarray(sd.softmin_weights(F, gamma, axis=0), dtype=np.float64)
    return F, soft, hard, weights
