"""A multi-layer perceptron trained with the soft-DTW loss (the paper's Section 5.3).

The network maps the first part of a series (``n_in`` time steps, default 60%) to the
rest (``n_out`` steps)::

    h_0 = vec(x) ∈ R^{n_in d},   h_l = φ(W_l h_{l-1} + b_l)  (hidden layers, φ = tanh by default),
    f_θ(x) = reshape(W_L h_{L-1} + b_L, (n_out, d))

and is trained on pairs ``(x_i, y_i)`` by minimising::

    J(θ) = (1/N) Σ_i ℓ(f_θ(x_i), y_i) / n_out  +  (α/2) Σ_l ||W_l||²_F

with ``ℓ = ||·||²`` (``loss="euclidean"``) or ``ℓ = dtw_γ`` (``loss="softdtw"``). The
gradients of ``dtw_γ`` w.r.t. the predictions come from
:func:`softdtw_core.soft_dtw_value_and_grad_batch` (one Numba call for the whole batch) and
are backpropagated through the layers.
Optimisers: full-batch L-BFGS-B (scipy) or Adam on mini-batches; both seeded.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.optimize import minimize

from ._validation import check_band, check_gamma
from .barycenter import _check_choice, _check_positive_int, _check_tol
from .batch import soft_dtw_value_and_grad_batch

__all__ = ["MLPPredictor", "split_series"]

LOSSES = ("euclidean", "softdtw")
OPTIMIZERS = ("lbfgs", "adam")
ACTIVATIONS = ("tanh", "relu", "sigmoid")


def _as_batch(A, name):
    """(N, T) or (N, T, d) float array -> ((N, T, d) array, univariate flag)."""
    try:
        arr = np.asarray(A, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a numeric array of shape (N, length) or (N, length, d); "
            "the predictor needs series of one length."
        ) from None
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"{name} must have shape (N, length) or (N, length, d); got shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    univariate = arr.ndim == 2
    if univariate:
        arr = arr[:, :, None]
    if arr.shape[2] == 0:
        raise ValueError(f"{name} has shape {arr.shape}: each time step needs a value.")
    return arr, univariate


def split_series(X, proportion=0.6):
    """Split equal-length series into inputs (first part) and targets (the rest).

    Parameters
    ----------
    X : array_like, shape (N, T) or (N, T, d)
    proportion : float in (0, 1)
        ``n_in = round(proportion * T)``, clipped to ``[1, T - 1]``.

    Returns
    -------
    inputs : ndarray, shape (N, n_in) or (N, n_in, d)
    targets : ndarray, shape (N, T - n_in) or (N, T - n_in, d)
    """
    arr, univariate = _as_batch(X, "X")
    p = float(proportion)
    if not 0.0 < p < 1.0:
        raise ValueError(f"proportion must be in (0, 1); got {proportion!r}.")
    T = arr.shape[1]
    if T < 2:
        raise ValueError("series need at least 2 time steps to be split into input and target.")
    n_in = min(max(int(round(p * T)), 1), T - 1)
    a, b = arr[:, :n_in], arr[:, n_in:]
    if univariate:
        return a[:, :, 0], b[:, :, 0]
    return a, b


def _activation(name, z):
    if name == "tanh":
        h = np.tanh(z)
        return h, 1.0 - h * h
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(np.float64)
    h = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid, overflow-free
    return h, h * (1.0 - h)


class MLPPredictor:
    """MLP forecaster trained with the Euclidean or the soft-DTW loss (module docstring).

    Parameters
    ----------
    hidden : tuple of int
        Hidden layer sizes (``()`` gives a linear model).
    activation : {"tanh", "relu", "sigmoid"}
    loss : {"euclidean", "softdtw"}
    gamma : float >= 0
        Soft-DTW smoothing (``loss="softdtw"``).
    optimizer : {"lbfgs", "adam"}
    max_iter : int
        L-BFGS iterations, or Adam epochs.
    learning_rate : float
        Adam step size.
    batch_size : int, optional
        Adam mini-batch size (default ``min(32, N)``).
    alpha : float >= 0
        L2 penalty on the weights (not the biases).
    tol : float
        L-BFGS-B relative decrease tolerance (``ftol``).
    band : float, optional
        Sakoe-Chiba radius of the soft-DTW loss.
    random_state : int, optional
        Seeds the weights (Glorot uniform) and Adam's shuffling.
    callback : callable, optional
        ``callback(iteration, loss)`` after every L-BFGS iteration or Adam epoch; returning
        ``True`` stops training.

    Attributes
    ----------
    coefs_, intercepts_ : lists of ndarray
        ``W_l`` of shape ``(fan_in, fan_out)`` and ``b_l`` of shape ``(fan_out,)``.
    loss_curve_ : list of float
        ``J(θ)`` after every iteration/epoch (the first entry at the initial weights).
    n_iter_ : int
    """

    def __init__(
        self,
        hidden=(50,),
        activation="tanh",
        loss="softdtw",
        gamma=1.0,
        *,
        optimizer="lbfgs",
        max_iter=200,
        learning_rate=1e-3,
        batch_size=None,
        alpha=0.0,
        tol=1e-9,
        band=None,
        random_state=None,
        callback=None,
    ):
        self.hidden = hidden
        self.activation = activation
        self.loss = loss
        self.gamma = gamma
        self.optimizer = optimizer
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.alpha = alpha
        self.tol = tol
        self.band = band
        self.random_state = random_state
        self.callback = callback

    # ------------------------------------------------------------------ parameters

    def _validate_params(self):
        hidden = tuple(self.hidden)
        for h in hidden:
            if isinstance(h, bool) or not isinstance(h, Integral) or h < 1:
                raise ValueError(
                    f"hidden must be a tuple of positive integers; got {self.hidden!r}."
                )
        _check_choice(self.activation, ACTIVATIONS, "activation")
        _check_choice(self.loss, LOSSES, "loss")
        _check_choice(self.optimizer, OPTIMIZERS, "optimizer")
        check_gamma(self.gamma)
        check_band(self.band)
        _check_positive_int(self.max_iter, "max_iter", minimum=0)
        lr = _check_tol(self.learning_rate, "learning_rate")
        if lr == 0:
            raise ValueError("learning_rate must be > 0.")
        _check_tol(self.alpha, "alpha")
        _check_tol(self.tol, "tol")
        if self.batch_size is not None:
            _check_positive_int(self.batch_size, "batch_size")
        if self.callback is not None and not callable(self.callback):
            raise ValueError("callback must be callable or None.")
        return hidden

    def _shapes(self):
        sizes = [self.n_in_ * self.d_] + list(self._hidden) + [self.n_out_ * self.d_]
        return [(a, b) for a, b in zip(sizes[:-1], sizes[1:])]

    def _pack(self, coefs, intercepts):
        return np.concatenate([np.concatenate([W.ravel(), b]) for W, b in zip(coefs, intercepts)])

    def _unpack(self, theta):
        coefs, intercepts, k = [], [], 0
        for a, b in self._shapes():
            coefs.append(theta[k : k + a * b].reshape(a, b))
            k += a * b
            intercepts.append(theta[k : k + b])
            k += b
        return coefs, intercepts

    def _init_theta(self, rng):
        coefs, intercepts = [], []
        for a, b in self._shapes():
            bound = np.sqrt(6.0 / (a + b))
            coefs.append(rng.uniform(-bound, bound, size=(a, b)))
            intercepts.append(np.zeros(b))
        return self._pack(coefs, intercepts)

    # ------------------------------------------------------------------ forward / backward

    def _forward(self, theta, H0):
        coefs, intercepts = self._unpack(theta)
        acts, derivs = [H0], []
        h = H0
        for W, b in zip(coefs[:-1], intercepts[:-1]):
            h, dh = _activation(self.activation, h @ W + b)
            acts.append(h)
            derivs.append(dh)
        out = h @ coefs[-1] + intercepts[-1]
        return out, acts, derivs, coefs

    def _output_loss(self, P, Y):
        """Σ_i ℓ(P_i, Y_i) / (N n_out) and its gradient w.r.t. P (both (N, n_out, d))."""
        N, m, _ = Y.shape
        if self.loss == "euclidean":
            R = P - Y
            return float(np.sum(R * R)) / (N * m), 2.0 * R / (N * m)
        values, G = soft_dtw_value_and_grad_batch(P, Y, self.gamma, band=self.band)
        return float(values.sum()) / (N * m), G / (N * m)

    def _objective(self, theta, X, Y):
        """J(θ) and ∇_θ J on the batch (X: (N, n_in, d), Y: (N, n_out, d))."""
        N = X.shape[0]
        H0 = X.reshape(N, -1)
        out, acts, derivs, coefs = self._forward(theta, H0)
        P = out.reshape(N, self.n_out_, self.d_)
        value, GP = self._output_loss(P, Y)
        delta = GP.reshape(N, -1)
        grads_W, grads_b = [], []
        for layer in range(len(coefs) - 1, -1, -1):
            grads_W.append(acts[layer].T @ delta + self.alpha * coefs[layer])
            grads_b.append(delta.sum(axis=0))
            if layer > 0:
                delta = (delta @ coefs[layer].T) * derivs[layer - 1]
        value += 0.5 * self.alpha * sum(float(np.sum(W * W)) for W in coefs)
        return value, self._pack(grads_W[::-1], grads_b[::-1])

    # ------------------------------------------------------------------ public API

    def _check_xy(self, inputs, targets):
        X, univariate = _as_batch(inputs, "inputs")
        Y, _ = _as_batch(targets, "targets")
        if X.shape[0] != Y.shape[0]:
            raise ValueError(
                f"inputs and targets must have the same number of series; got {X.shape[0]} and "
                f"{Y.shape[0]}."
            )
        if X.shape[2] != Y.shape[2]:
            raise ValueError(
                f"inputs and targets must have the same dimension d; got {X.shape[2]} and "
                f"{Y.shape[2]}."
            )
        return X, Y, univariate

    def fit(self, inputs, targets, *, init=None):
        """Train on ``inputs`` (N, n_in[, d]) -> ``targets`` (N, n_out[, d]).

        Parameters
        ----------
        init : MLPPredictor, optional
            A fitted model of the same architecture to start from (e.g. the Euclidean-loss
            solution, the paper's "Euclidean initialisation"); default random weights.

        Returns
        -------
        self
        """
        self._hidden = self._validate_params()
        X, Y, univariate = self._check_xy(inputs, targets)
        self.n_in_, self.n_out_, self.d_ = X.shape[1], Y.shape[1], X.shape[2]
        self._univariate = univariate
        rng = np.random.default_rng(self.random_state)
        if init is None:
            theta = self._init_theta(rng)
        else:
            if not isinstance(init, MLPPredictor) or not hasattr(init, "coefs_"):
                raise ValueError("init must be a fitted MLPPredictor or None.")
            theta = init._pack(init.coefs_, init.intercepts_)
            if theta.size != sum(a * b + b for a, b in self._shapes()):
                raise ValueError("init has a different architecture or data shape.")
            theta = theta.copy()
        curve = [self._objective(theta, X, Y)[0]]
        if self.optimizer == "lbfgs":
            theta, n_iter = self._fit_lbfgs(theta, X, Y, curve)
        else:
            theta, n_iter = self._fit_adam(theta, X, Y, curve, rng)
        self.coefs_, self.intercepts_ = self._unpack(theta)
        self.coefs_ = [W.copy() for W in self.coefs_]
        self.intercepts_ = [b.copy() for b in self.intercepts_]
        self.loss_curve_ = curve
        self.n_iter_ = n_iter
        return self

    def _fit_lbfgs(self, theta, X, Y, curve):
        if self.max_iter == 0:
            return theta, 0
        scale = abs(curve[0]) if abs(curve[0]) > 1e-12 else 1.0
        state = {"it": 0}

        def fun(t):
            v, g = self._objective(t, X, Y)
            return v / scale, g / scale

        def cb(intermediate_result):
            state["it"] += 1
            curve.append(float(intermediate_result.fun) * scale)
            if self.callback is not None and self.callback(state["it"], curve[-1]) is True:
                raise StopIteration

        res = minimize(
            fun, theta, jac=True, method="L-BFGS-B", callback=cb,
            options=dict(maxiter=self.max_iter, maxfun=2 * self.max_iter + 20, ftol=self.tol,
                         gtol=1e-14),
        )
        return res.x, int(res.nit)

    def _fit_adam(self, theta, X, Y, curve, rng, beta1=0.9, beta2=0.999, eps=1e-8):
        N = X.shape[0]
        bs = min(self.batch_size or 32, N)
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        t = 0
        epochs = 0
        for _ in range(self.max_iter):
            order = rng.permutation(N)
            for start in range(0, N, bs):
                idx = order[start : start + bs]
                _, g = self._objective(theta, X[idx], Y[idx])
                t += 1
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                mhat = m / (1 - beta1**t)
                vhat = v / (1 - beta2**t)
                theta = theta - self.learning_rate * mhat / (np.sqrt(vhat) + eps)
            epochs += 1
            curve.append(self._objective(theta, X, Y)[0])
            if self.callback is not None and self.callback(epochs, curve[-1]) is True:
                break
        return theta, epochs

    def _check_fitted(self):
        if not hasattr(self, "coefs_"):
            raise ValueError("this MLPPredictor is not fitted yet: call fit first.")

    def predict(self, inputs):
        """Predicted continuations, shape (N, n_out) or (N, n_out, d)."""
        self._check_fitted()
        X, univariate = _as_batch(inputs, "inputs")
        if X.shape[1:] != (self.n_in_, self.d_):
            raise ValueError(
                f"inputs must have {self.n_in_} time steps and d={self.d_} (as in fit); got "
                f"shape {np.shape(inputs)}."
            )
        theta = self._pack(self.coefs_, self.intercepts_)
        out = self._forward(theta, X.reshape(X.shape[0], -1))[0]
        P = out.reshape(X.shape[0], self.n_out_, self.d_)
        return P[:, :, 0] if univariate else P

    def score_loss(self, inputs, targets):
        """The training objective ``J(θ)`` on a dataset."""
        self._check_fitted()
        X, Y, _ = self._check_xy(inputs, targets)
        return self._objective(self._pack(self.coefs_, self.intercepts_), X, Y)[0]

    def evaluate(self, inputs, targets):
        """Test scores of the predictions ``P_i = f(x_i)``.

        Returns
        -------
        dict
            ``"dtw"``: mean of ``dtw_0(P_i, y_i)``; ``"euclidean"``: mean of
            ``||P_i - y_i||²`` (both over series, not normalised by length).
        """
        X, Y, _ = self._check_xy(inputs, targets)
        P = np.asarray(self.predict(inputs), dtype=np.float64).reshape(Y.shape)
        dtw = soft_dtw_value_and_grad_batch(P, Y, 0.0, band=self.band)[0]
        return {
            "dtw": float(dtw.mean()),
            "euclidean": float(np.mean(np.sum((P - Y) ** 2, axis=(1, 2)))),
        }
