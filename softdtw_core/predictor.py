r"""A multi-layer perceptron trained with the soft-DTW loss (the paper's Section 5.3).

The network maps the first part of a series (``n_in`` time steps, default 60%) to the
rest (``n_out`` steps):

.. math::

    h_0 = \operatorname{vec}(x) \in \mathbb{R}^{n_\text{in} d}, \qquad
    h_l = \varphi(W_l h_{l-1} + b_l), \qquad
    f_\theta(x) = \operatorname{reshape}(W_L h_{L-1} + b_L, (n_\text{out}, d))

(hidden layers with :math:`\varphi = \tanh` by default), trained on pairs
:math:`(x_i, y_i)` by minimising

.. math::

    J(\theta) = \frac{1}{N} \sum_{i=1}^N \frac{\ell(f_\theta(x_i), y_i)}{n_\text{out}}
              + \frac{\alpha}{2} \sum_l \lVert W_l \rVert_F^2

with ``ℓ = ||·||²`` (``loss="euclidean"``), ``ℓ = dtw_γ`` (``loss="softdtw"``) or DILATE
``ℓ = α' dtw_γ + (1 - α') <E_γ, Ω>`` (``loss="dilate"``, α' = ``dilate_alpha``; Le Guen &
Thome, 2019, :mod:`softdtw_core.dilate`), which adds to the shape term a penalty on the
prediction's timing. The gradients of ``dtw_γ`` w.r.t. the predictions come from
:func:`softdtw_core.soft_dtw_value_and_grad_batch` (one Numba call for the whole batch),
those of DILATE from :func:`softdtw_core.dilate_value_and_grad` (one Hessian-vector product
per series); both are backpropagated through the layers. Optimisers: full-batch L-BFGS-B
(scipy) or Adam on mini-batches; both seeded. Training is reported as a
:class:`~softdtw_core.TrainingResult` (:mod:`softdtw_core.results`).

:class:`MLPPredictor` is a scikit-learn regressor: its ``score`` is the coefficient of
determination R² of the predictions (over every time step and channel), as for every
scikit-learn regressor; it measures Euclidean error, so it favours the Euclidean loss.
To select γ or compare losses by the paper's criterion, score with
:func:`neg_mean_dtw_score` (minus the mean DTW between predictions and targets).

References
----------
.. [1] M. Cuturi and M. Blondel, "Soft-DTW: a differentiable loss function for
   time-series", ICML 2017, Section 5.3 (multistep-ahead prediction).
.. [2] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
   neural networks", AISTATS 2010 (the initialisation).
.. [3] D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization", ICLR 2015.
.. [4] V. Le Guen and N. Thome, "Shape and time distortion loss for training deep time
   series forecasting models", NeurIPS 2019 (DILATE and the TDI score).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._internal.recorder import STOPPED_BY_CALLBACK, Recorder
from ._internal.validation import (
    as_real_array,
    check_band,
    check_choice,
    check_gamma,
    check_int,
    check_non_negative,
    check_unit_interval,
)
from .batch import soft_dtw_value_and_grad_batch
from .dilate import pairs_value_and_grad, temporal_distortion_index
from .results import TrainingResult

__all__ = ["MLPPredictor", "neg_mean_dtw_score", "split_series"]

LOSSES = ("euclidean", "softdtw", "dilate")
OPTIMIZERS = ("lbfgs", "adam")
ACTIVATIONS = ("tanh", "relu", "sigmoid")


def _as_batch(A, name, allow_flat=False):
    """(N, T) or (N, T, d) float array -> ((N, T, d) array, the number of dimensions given);
    with ``allow_flat``, (N,) is read as N series of one time step (one target value per
    input series)."""
    shapes = "(N, length) or (N, length, d)"
    if allow_flat:
        shapes = "(N,), " + shapes
    arr = as_real_array(
        A, name, f"a numeric array of shape {shapes} (the predictor needs series of one length)"
    )
    given_ndim = arr.ndim
    if arr.ndim == 1 and allow_flat:
        arr = arr[:, None]
    if arr.ndim not in (2, 3):
        hint = " Reshape your data: one series x is x[None, :]." if arr.ndim == 1 else ""
        raise ValueError(f"{name} must have shape {shapes}; got shape {arr.shape}.{hint}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.shape[2] == 0:
        raise ValueError(f"{name} has shape {arr.shape}: each time step needs a value.")
    return arr, given_ndim


def split_series(X, proportion=0.6):
    """Split equal-length series into inputs (first part) and targets (the rest).

    Parameters
    ----------
    X : array_like, shape (N, T) or (N, T, d)
        The series.
    proportion : float, default 0.6
        In (0, 1): ``n_in = round(proportion * T)``, clipped to ``[1, T - 1]``.

    Returns
    -------
    inputs : ndarray, shape (N, n_in) or (N, n_in, d)
        The first ``n_in`` time steps.
    targets : ndarray, shape (N, T - n_in) or (N, T - n_in, d)
        The rest.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> inputs, targets = sd.split_series(np.arange(10.0).reshape(2, 5))
    >>> inputs.tolist(), targets.tolist()
    ([[0.0, 1.0, 2.0], [5.0, 6.0, 7.0]], [[3.0, 4.0], [8.0, 9.0]])
    """
    arr, given_ndim = _as_batch(X, "X")
    p = float(proportion)
    if not 0.0 < p < 1.0:
        raise ValueError(f"proportion must be in (0, 1); got {proportion!r}.")
    T = arr.shape[1]
    if T < 2:
        raise ValueError("series need at least 2 time steps to be split into input and target.")
    n_in = min(max(int(round(p * T)), 1), T - 1)
    a, b = arr[:, :n_in], arr[:, n_in:]
    if given_ndim == 2:
        return a[:, :, 0], b[:, :, 0]
    return a, b


def neg_mean_dtw_score(estimator, X, y):
    r"""Minus the mean DTW between a fitted predictor's predictions and the targets.

    .. math::

        s(X, Y) = -\frac{1}{N} \sum_{i=1}^N \operatorname{dtw}_0(f_\theta(x_i), y_i)

    A scikit-learn scorer (``scoring=neg_mean_dtw_score`` in
    :class:`~sklearn.model_selection.GridSearchCV`): the paper's criterion, independent of
    γ and of the training loss, where the default :meth:`MLPPredictor.score` (R²) measures
    Euclidean error.

    Parameters
    ----------
    estimator : MLPPredictor
        A fitted model.
    X : array_like, shape (N, n_in) or (N, n_in, d)
        Inputs.
    y : array_like, shape (N, n_out) or (N, n_out, d)
        Targets.

    Returns
    -------
    float
        ``-(1/N) Σ_i dtw_0(f(x_i), y_i)`` (higher is better).

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> X = np.sin(np.linspace(0, 6, 20)[None, :] + np.linspace(0, 1, 6)[:, None])
    >>> inputs, targets = sd.split_series(X)
    >>> model = sd.MLPPredictor((), max_iter=100, random_state=0).fit(inputs, targets)
    >>> score = sd.neg_mean_dtw_score(model, inputs, targets)
    >>> score == -model.evaluate(inputs, targets)["dtw"]
    True
    """
    return -estimator.evaluate(X, y)["dtw"]


def _activation(name, z):
    if name == "tanh":
        h = np.tanh(z)
        return h, 1.0 - h * h
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(np.float64)
    h = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid, overflow-free
    return h, h * (1.0 - h)


class MLPPredictor(RegressorMixin, BaseEstimator):
    """MLP forecaster trained with the Euclidean or the soft-DTW loss (module docstring).

    Parameters
    ----------
    hidden : tuple of int, default (50,)
        Hidden layer sizes (``()`` gives a linear model).
    activation : {"tanh", "relu", "sigmoid"}
        ``φ``.
    loss : {"euclidean", "softdtw", "dilate"}
        ``ℓ``.
    gamma : float, default 1.0
        Soft-DTW smoothing ``γ >= 0`` (``loss="softdtw"``), ``γ > 0`` for ``"dilate"`` (the
        DILATE paper used 0.01).
    dilate_alpha : float, default 0.5
        Weight of the shape term dtw_γ in DILATE, in [0, 1] (``loss="dilate"``; the timing
        term gets ``1 - dilate_alpha``). Not to be confused with ``alpha``, the L2 penalty.
    optimizer : {"lbfgs", "adam"}
        Full-batch L-BFGS-B or Adam on mini-batches.
    max_iter : int, default 200
        L-BFGS iterations, or Adam epochs.
    learning_rate : float, default 1e-3
        Adam step size.
    batch_size : int, optional
        Adam mini-batch size (default ``min(32, N)``).
    alpha : float, default 0.0
        L2 penalty ``α >= 0`` on the weights (not the biases).
    tol : float, default 1e-9
        L-BFGS-B relative decrease tolerance (``ftol``).
    band : float, optional
        Sakoe-Chiba radius of the soft-DTW loss.
    random_state : int, optional
        Seeds the weights (Glorot uniform) and Adam's shuffling.
    callback : callable, optional
        ``callback(step)`` with each :class:`~softdtw_core.OptimizationStep` (the initial
        weights, then every L-BFGS iteration or Adam epoch); returning ``True`` stops
        training.

    Attributes
    ----------
    coefs_, intercepts_ : lists of ndarray
        ``W_l`` of shape ``(fan_in, fan_out)`` and ``b_l`` of shape ``(fan_out,)``.
    training_result_ : TrainingResult
        The training run: final ``J(θ)``, iterations, convergence, message, and ``J`` at
        every iteration/epoch in ``history`` (the loss curve).
    n_iter_ : int
        ``training_result_.n_iter`` (scikit-learn's name).
    n_in_, n_out_, d_ : int
        Input and output lengths and the dimension of the series seen in ``fit``.

    See Also
    --------
    neg_mean_dtw_score : the paper's criterion, as a scikit-learn scorer.

    Examples
    --------
    >>> import numpy as np
    >>> import softdtw_core as sd
    >>> t = np.linspace(0, 6, 30)
    >>> X = np.sin(t[None, :] + np.linspace(0, 1, 8)[:, None])
    >>> inputs, targets = sd.split_series(X)
    >>> model = sd.MLPPredictor((10,), loss="softdtw", gamma=0.1, max_iter=50,
    ...                         random_state=0).fit(inputs, targets)
    >>> model.predict(inputs).shape
    (8, 12)
    >>> curve = [step.objective for step in model.training_result_.history]
    >>> bool(curve[-1] < curve[0])
    True
    """

    def __init__(
        self,
        hidden=(50,),
        activation="tanh",
        loss="softdtw",
        gamma=1.0,
        *,
        dilate_alpha=0.5,
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
        self.dilate_alpha = dilate_alpha
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
        check_choice(self.activation, ACTIVATIONS, "activation")
        check_choice(self.loss, LOSSES, "loss")
        check_choice(self.optimizer, OPTIMIZERS, "optimizer")
        if check_gamma(self.gamma) == 0 and self.loss == "dilate":
            raise ValueError(
                "loss='dilate' needs gamma > 0: at γ = 0 its timing term is piecewise constant "
                "and gives no gradient. The DILATE paper used gamma=0.01."
            )
        check_unit_interval(self.dilate_alpha, "dilate_alpha",
                            "the weight of DILATE's shape term; its timing term gets the rest")
        check_band(self.band)
        check_int(self.max_iter, "max_iter", minimum=0)
        if check_non_negative(self.learning_rate, "learning_rate") == 0:
            raise ValueError("learning_rate must be > 0.")
        check_non_negative(self.alpha, "alpha")
        check_non_negative(self.tol, "tol")
        if self.batch_size is not None:
            check_int(self.batch_size, "batch_size")
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
        if self.loss == "dilate":
            values, G = pairs_value_and_grad(P, Y, self.dilate_alpha, self.gamma, band=self.band)
        else:
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

    def _check_xy(self, X, y):
        """Validated (N, T, d) inputs and targets, and the number of dimensions y had."""
        if y is None:
            raise ValueError(
                "MLPPredictor requires y to be passed, but the target y is None: pass the "
                "targets (the continuations of the series in X)."
            )
        X, _ = _as_batch(X, "X")
        Y, y_ndim = _as_batch(y, "y", allow_flat=True)
        if X.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X and y must have the same number of series; got {X.shape[0]} and "
                f"{Y.shape[0]}."
            )
        if X.shape[2] != Y.shape[2]:
            raise ValueError(
                f"X and y must have the same dimension d; got {X.shape[2]} and {Y.shape[2]}."
            )
        return X, Y, y_ndim

    def fit(self, X, y, *, init=None):
        """Train on inputs ``X`` -> targets ``y``.

        Parameters
        ----------
        X : array_like, shape (N, n_in) or (N, n_in, d)
            Inputs: the first part of each series.
        y : array_like, shape (N, n_out), (N, n_out, d) or (N,)
            Targets: the rest (``(N,)``: one value per series, i.e. ``n_out = 1``).
            Predictions take the layout of ``y``.
        init : MLPPredictor, optional
            A fitted model of the same architecture to start from (e.g. the Euclidean-loss
            solution, the paper's "Euclidean initialisation"); default random weights.

        Returns
        -------
        self
        """
        self._hidden = self._validate_params()
        X, Y, self._target_ndim = self._check_xy(X, y)
        self.n_in_, self.n_out_, self.d_ = X.shape[1], Y.shape[1], X.shape[2]
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
        training = _Training(self, X, Y)
        training.start(theta)
        if self.optimizer == "lbfgs":
            training.lbfgs()
        else:
            training.adam(rng)
        self.training_result_ = training.result()
        coefs, intercepts = self._unpack(self.training_result_.solution)
        self.coefs_ = [W.copy() for W in coefs]
        self.intercepts_ = [b.copy() for b in intercepts]
        self.n_iter_ = self.training_result_.n_iter
        return self

    def predict(self, X):
        """Predicted continuations.

        Parameters
        ----------
        X : array_like, shape (N, n_in) or (N, n_in, d)
            Inputs of the fitted length and dimension.

        Returns
        -------
        ndarray, shape (N, n_out), (N, n_out, d) or (N,)
            In the layout of the targets given to :meth:`fit`.
        """
        check_is_fitted(self, "coefs_")
        Xb, _ = _as_batch(X, "X")
        if Xb.shape[1:] != (self.n_in_, self.d_):
            raise ValueError(
                f"X must have {self.n_in_} time steps and d={self.d_} (as in fit); got "
                f"shape {np.shape(X)}."
            )
        theta = self._pack(self.coefs_, self.intercepts_)
        out = self._forward(theta, Xb.reshape(Xb.shape[0], -1))[0]
        P = out.reshape(Xb.shape[0], self.n_out_, self.d_)
        if self._target_ndim == 1:
            return P[:, 0, 0]
        return P[:, :, 0] if self._target_ndim == 2 else P

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of the predictions, over every time step and
        channel (scikit-learn's regressor score; Euclidean, see :func:`neg_mean_dtw_score`).

        Parameters
        ----------
        X : array_like, shape (N, n_in) or (N, n_in, d)
            Inputs.
        y : array_like, shape (N, n_out), (N, n_out, d) or (N,)
            Targets.
        sample_weight : array_like, shape (N,), optional
            Weights of the series.

        Returns
        -------
        float
            ``1 - Σ (y - ŷ)² / Σ (y - ȳ)²``, averaged over the outputs; 1 is perfect.
        """
        P = np.asarray(self.predict(X), dtype=np.float64)
        N = P.shape[0]
        Y = _as_batch(y, "y", allow_flat=True)[0].reshape(N, -1)
        return float(r2_score(Y, P.reshape(N, -1), sample_weight=sample_weight))

    def score_loss(self, X, y):
        """The training objective ``J(θ)`` of the fitted weights on a dataset.

        Parameters
        ----------
        X, y : array_like
            Inputs and targets, as in :meth:`fit`.

        Returns
        -------
        float
        """
        check_is_fitted(self, "coefs_")
        X, Y, _ = self._check_xy(X, y)
        return self._objective(self._pack(self.coefs_, self.intercepts_), X, Y)[0]

    def evaluate(self, X, y):
        """Test scores of the predictions ``P_i = f(x_i)``.

        Parameters
        ----------
        X, y : array_like
            Inputs and targets, as in :meth:`fit`.

        Returns
        -------
        dict
            ``"dtw"``: mean of ``dtw_0(P_i, y_i)`` (shape); ``"euclidean"``: mean of
            ``||P_i - y_i||²`` (both over series, not normalised by length); ``"tdi"``: mean
            temporal distortion index of the DTW paths (timing,
            :func:`~softdtw_core.temporal_distortion_index`).
        """
        _, Y, _ = self._check_xy(X, y)
        P = np.asarray(self.predict(X), dtype=np.float64).reshape(Y.shape)
        dtw = soft_dtw_value_and_grad_batch(P, Y, 0.0, band=self.band)[0]
        tdi = [temporal_distortion_index(P[i], Y[i], band=self.band) for i in range(len(P))]
        return {
            "dtw": float(dtw.mean()),
            "euclidean": float(np.mean(np.sum((P - Y) ** 2, axis=(1, 2)))),
            "tdi": float(np.mean(tdi)),
        }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class _Training:
    """One training run: evaluates J, records the steps, runs an optimiser, and is the one
    place that builds the :class:`~softdtw_core.TrainingResult`."""

    def __init__(self, model: MLPPredictor, X, Y):
        self.model = model
        self.X, self.Y = X, Y
        self.recorder = Recorder(True, model.callback)
        self.n_evals = 0
        self.n_iter = 0
        self.converged = False
        self.message = ""
        self.theta = None
        self.value = None

    def objective(self, theta, X, Y):
        self.n_evals += 1
        return self.model._objective(theta, X, Y)

    def record(self, theta, value, phase):
        """Make θ the current weights (objective ``value``) and record them; return
        whether the callback asked to stop."""
        self.theta, self.value = theta, float(value)
        if self.recorder.record(theta.copy(), value, phase):
            self.message = STOPPED_BY_CALLBACK
        return self.recorder.stopped

    def start(self, theta):
        max_iter = self.model.max_iter
        self.message = f"max_iter={max_iter} reached" if max_iter else (
            "max_iter=0: initial weights only")
        self.record(theta, self.objective(theta, self.X, self.Y)[0], "init")

    def lbfgs(self):
        max_iter = self.model.max_iter
        if self.recorder.stopped or max_iter == 0:
            return
        scale = abs(self.value) if abs(self.value) > 1e-12 else 1.0

        def fun(t):
            v, g = self.objective(t, self.X, self.Y)
            return v / scale, g / scale

        def on_iter(intermediate_result):
            theta = np.array(intermediate_result.x)
            if self.record(theta, float(intermediate_result.fun) * scale, "lbfgs"):
                raise StopIteration

        res = minimize(
            fun, self.theta, jac=True, method="L-BFGS-B", callback=on_iter,
            options=dict(maxiter=max_iter, maxfun=2 * max_iter + 20, ftol=self.model.tol,
                         gtol=1e-14),
        )
        self.theta, self.value = res.x, float(res.fun) * scale
        self.n_iter = int(res.nit)
        self.converged = bool(res.success) and not self.recorder.stopped
        if not self.recorder.stopped:
            self.message = str(res.message)

    def adam(self, rng, beta1=0.9, beta2=0.999, eps=1e-8):
        """Adam epochs over shuffled mini-batches; it has no stopping test, so it runs
        ``max_iter`` epochs unless the callback stops it."""
        model, X, Y = self.model, self.X, self.Y
        if self.recorder.stopped:
            return
        N = X.shape[0]
        bs = min(model.batch_size or 32, N)
        theta = self.theta
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        t = 0
        for _ in range(model.max_iter):
            order = rng.permutation(N)
            for start in range(0, N, bs):
                idx = order[start : start + bs]
                _, g = self.objective(theta, X[idx], Y[idx])
                t += 1
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                mhat = m / (1 - beta1**t)
                vhat = v / (1 - beta2**t)
                theta = theta - model.learning_rate * mhat / (np.sqrt(vhat) + eps)
            self.n_iter += 1
            if self.record(theta, self.objective(theta, X, Y)[0], "adam"):
                break

    def result(self) -> TrainingResult:
        return TrainingResult(
            solution=self.theta.copy(),
            objective=self.value,
            n_iter=self.n_iter,
            n_evals=self.n_evals,
            converged=self.converged,
            message=self.message,
            history=self.recorder.steps,
        )
