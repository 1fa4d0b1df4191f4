"""The PyTorch code of what the *Prediction with a soft-DTW loss* page trains (copyable).

The page trains :class:`softdtw_core.MLPPredictor` three times (Euclidean loss, soft-DTW,
DILATE) with full-batch L-BFGS on the first part → rest pairs of a bundled dataset
(:func:`explorer.logic.learning.prediction_data`). :func:`prediction_code` writes the same
experiment as a standalone PyTorch script on :mod:`softdtw_core.torch`: the same data and
caps, the same network (one tanh hidden layer, Glorot-uniform weights, zero biases), the
same objective ``J = (1/N) Σ_i ℓ(f(x_i), y_i) / n_out``, L-BFGS with the same iteration
budget, the Euclidean initialisation when the page uses it, and the same test scores (DTW,
Euclidean, TDI). Only the random initial weights differ (torch's generator, not NumPy's),
so the numbers are close to the page's, not equal.

Pure Python: no Streamlit, no Plotly; the page shows the string in ``st.code``.
"""

from __future__ import annotations

from explorer.logic.learning import PRED_MAX_LENGTH, PRED_MAX_TEST, PRED_MAX_TRAIN

__all__ = ["prediction_code"]

#: γ used in the code when the page's soft-DTW γ is 0 (hard DTW has no gradient in torch).
SMALLEST_GAMMA = 0.001

_TEMPLATE = '''\
"""{title}

Requirements: pip install "softdtw-explorer[torch]" (torch and the soft-DTW core).
"""
import numpy as np
import torch
from torch import nn

import softdtw_core as sd
from softdtw_core.torch import dilate_loss, soft_dtw

# ---- data: first {percent}% of each series -> the rest (as on the page)
with np.load({data_path!r}, allow_pickle=False) as f:
    train, test = f["X_train"][:{max_train}], f["X_test"][:{max_test}]
if train.shape[1] > {max_length}:  # the page resamples long series
    train = np.stack([sd.resample(s, {max_length}) for s in train])[:, :, 0]
    test = np.stack([sd.resample(s, {max_length}) for s in test])[:, :, 0]
x_train, y_train = sd.split_series(train, {proportion!r})
x_test, y_test = sd.split_series(test, {proportion!r})
x_train, y_train, x_test, y_test = (torch.as_tensor(a, dtype=torch.float64).reshape(
    len(a), a.shape[1], -1) for a in (x_train, y_train, x_test, y_test))
n_in, n_out, d = x_train.shape[1], y_train.shape[1], x_train.shape[2]


# ---- the network: vec(x) -> tanh hidden layer -> the n_out future steps
def make_model(seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(n_in * d, {hidden}), nn.Tanh(),
                          nn.Linear({hidden}, n_out * d), nn.Unflatten(1, (n_out, d)))
    for layer in (model[1], model[3]):  # Glorot-uniform weights, zero biases
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    return model.double()


# ---- the three losses, per series, divided by the horizon n_out
LOSSES = {{
    "Euclidean": lambda p, y: ((p - y) ** 2).sum(dim=(1, 2)),
    "soft-DTW (gamma = {gamma:g})": lambda p, y: soft_dtw(p, y, gamma={gamma!r}),
    "DILATE (alpha = {dilate_alpha:g}, gamma = {dilate_gamma:g})":
        lambda p, y: dilate_loss(p, y, alpha={dilate_alpha!r}, gamma={dilate_gamma!r}),
}}


def fit(model, loss, max_iter={max_iter}):
    """Full-batch L-BFGS on J = mean_i loss(f(x_i), y_i) / n_out."""
    opt = torch.optim.LBFGS(model.parameters(), max_iter=max_iter, tolerance_change=1e-12,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        J = loss(model(x_train), y_train).mean() / n_out
        J.backward()
        return J

    opt.step(closure)
    return model


def scores(model):
    """Test DTW, Euclidean loss and TDI (the page's table)."""
    with torch.no_grad():
        P = model(x_test).numpy()
    Y = y_test.numpy()
    dtw = sd.soft_dtw_value_and_grad_batch(P, Y, 0.0)[0].mean()
    euclidean = ((P - Y) ** 2).sum(axis=(1, 2)).mean()
    tdi = np.mean([sd.temporal_distortion_index(p, y) for p, y in zip(P, Y)])
    return dtw, euclidean, tdi


euclidean_model = None
for name, loss in LOSSES.items():
    model = make_model({seed})
    if euclidean_model is not None and {from_euclidean!r}:  # start from the Euclidean fit
        model.load_state_dict(euclidean_model.state_dict())
    fit(model, loss)
    if euclidean_model is None:
        euclidean_model = model
    dtw, euclidean, tdi = scores(model)
    print(f"{{name:<36}} test DTW {{dtw:.5g}}   Euclidean {{euclidean:.5g}}   TDI {{tdi:.5g}}")
'''


def _number(value, name: str, *, positive: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}.") from None
    if v != v or v in (float("inf"), float("-inf")) or v < 0 or (positive and v == 0):
        raise ValueError(f"{name} must be a finite number {'>' if positive else '>='} 0; "
                         f"got {value!r}.")
    return v


def prediction_code(dataset: str, *, proportion: float = 0.6, gamma: float = 1.0,
                    hidden: int = 50, max_iter: int = 100, seed: int = 0,
                    from_euclidean: bool = True, dilate_alpha: float = 0.5,
                    dilate_gamma: float = 0.01, data_path: str | None = None) -> str:
    """A standalone PyTorch script that trains and scores the page's three forecasters.

    Parameters
    ----------
    dataset : str
        The bundled dataset (its ``assets/NAME.npz``).
    proportion, gamma, hidden, max_iter, seed, from_euclidean, dilate_alpha, dilate_gamma
        The page's settings (:func:`explorer.logic.learning.train_predictors`); a soft-DTW
        ``gamma`` of 0 is written as :data:`SMALLEST_GAMMA` (torch needs a gradient).
    data_path : str, optional
        Where the script reads the ``.npz`` (default ``assets/NAME.npz``, from the
        repository's root).

    Returns
    -------
    str
        Python source; running it prints one line of test scores per training loss.

    Examples
    --------
    >>> code = prediction_code("GunPoint", gamma=0.1)
    >>> "soft_dtw(p, y, gamma=0.1)" in code
    True
    """
    if not isinstance(dataset, str) or not dataset.isidentifier():
        raise ValueError(f"dataset must be the name of a bundled dataset; got {dataset!r}.")
    proportion = _number(proportion, "proportion", positive=True)
    if proportion >= 1:
        raise ValueError(f"proportion (the input part) must be in (0, 1); got {proportion!r}.")
    gamma = _number(gamma, "gamma") or SMALLEST_GAMMA
    dilate_gamma = _number(dilate_gamma, "dilate_gamma", positive=True)
    dilate_alpha = _number(dilate_alpha, "dilate_alpha")
    if dilate_alpha > 1:
        raise ValueError(f"dilate_alpha must be in [0, 1]; got {dilate_alpha!r}.")
    for value, name, minimum in ((hidden, "hidden", 1), (max_iter, "max_iter", 1),
                                 (seed, "seed", 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    title = (f"The three forecasters of the explorer's Prediction page on {dataset}, in "
             f"PyTorch.")
    return _TEMPLATE.format(
        title=title, data_path=data_path or f"assets/{dataset}.npz", percent=round(
            proportion * 100), max_train=PRED_MAX_TRAIN, max_test=PRED_MAX_TEST,
        max_length=PRED_MAX_LENGTH, proportion=proportion, hidden=hidden, gamma=gamma,
        dilate_alpha=dilate_alpha, dilate_gamma=dilate_gamma, max_iter=max_iter, seed=seed,
        from_euclidean=bool(from_euclidean))
