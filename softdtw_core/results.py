"""One convention for the results of every iterative routine.

The barycenters (:func:`~softdtw_core.softdtw_barycenter`,
:func:`~softdtw_core.dba_barycenter`, :func:`~softdtw_core.subgradient_barycenter`), the
interpolations (:func:`~softdtw_core.interpolate`, :func:`~softdtw_core.interpolation_path`)
and the training of :class:`~softdtw_core.MLPPredictor` all minimise an objective ``F`` by
iterations. Each returns an :class:`OptimizationResult` (a subclass of it that may add
fields: :class:`~softdtw_core.BarycenterResult`, :class:`~softdtw_core.InterpolationResult`,
:class:`~softdtw_core.TrainingResult`) with the same fields:

- ``solution``: the point returned (a barycenter, an interpolant, the network's weights);
- ``objective``: ``F(solution)``;
- ``n_iter``: iterations done (the initialisation is not one);
- ``n_evals``: evaluations of ``F`` (with or without its gradient);
- ``converged``: ``True`` when a stopping tolerance was met; ``False`` at the iteration
  cap or when the callback stopped the run;
- ``message``: why the run stopped, in words;
- ``history``: the iterates, as :class:`OptimizationStep` objects, the initialisation
  first.

Each routine that takes a ``callback`` calls ``callback(step)`` with every
:class:`OptimizationStep` as it is recorded (the initialisation, then each iteration);
returning ``True`` stops the run, which then returns its current iterate with
``converged=False`` and ``message="stopped by the callback"``.

The k-means classes' ``iterate`` yields a :class:`KMeansStep` after every assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BarycenterResult",
    "InterpolationResult",
    "KMeansStep",
    "OptimizationResult",
    "OptimizationStep",
    "TrainingResult",
]


@dataclass
class OptimizationStep:
    """One iterate of an optimisation.

    Attributes
    ----------
    iteration : int
        0 for the initialisation, then 1, 2, ...
    solution : ndarray
        The iterate (a copy), shaped like the result's ``solution``.
    objective : float
        The objective at this iterate.
    phase : str
        What produced it: ``"init"``, then the routine's own names (e.g. ``"mm"``,
        ``"lbfgs"``, ``"subgradient"``, ``"adam"``).
    """

    iteration: int
    solution: np.ndarray
    objective: float
    phase: str


@dataclass
class OptimizationResult:
    """Outcome of an iterative routine (the fields are described in the module docstring).

    Attributes
    ----------
    solution : ndarray
        The point returned.
    objective : float
        The objective at ``solution``.
    n_iter : int
        Iterations done.
    n_evals : int
        Evaluations of the objective (with or without its gradient).
    converged : bool
        ``True`` when a stopping tolerance was met (not the iteration cap, not a callback).
    message : str
        Why the run stopped.
    history : list of OptimizationStep
        Every recorded iterate, the initialisation first (empty when the routine was asked
        not to keep it).

    Examples
    --------
    >>> import softdtw_core as sd
    >>> res = sd.dba_barycenter([[0.0, 1.0, 3.0], [0.0, 3.0, 3.0]], init=[0.0, 1.0, 3.0])
    >>> res.solution.tolist(), round(res.objective, 4), res.n_iter, res.converged
    ([0.0, 0.5, 3.0], 0.0833, 2, True)
    >>> res.message
    'relative decrease below tol'
    >>> [(step.iteration, step.phase, round(step.objective, 4)) for step in res.history]
    [(0, 'init', 0.1667), (1, 'mm', 0.0833), (2, 'mm', 0.0833)]
    """

    solution: np.ndarray
    objective: float
    n_iter: int
    n_evals: int
    converged: bool
    message: str
    history: list[OptimizationStep]


@dataclass
class BarycenterResult(OptimizationResult):
    """Outcome of :func:`~softdtw_core.softdtw_barycenter`,
    :func:`~softdtw_core.dba_barycenter` or :func:`~softdtw_core.subgradient_barycenter`.

    ``solution`` is the barycenter, of shape ``(n,)`` when every input series was
    univariate and given without a d axis, ``(n, d)`` otherwise; ``objective`` is the
    routine's ``F`` at it; ``n_evals`` counts evaluations of ``F`` over the whole dataset.
    The ``phase`` of a step is ``"init"``, ``"mm"`` (a majorisation-minimisation or DBA
    step), ``"lbfgs"`` or ``"subgradient"``.
    """


@dataclass
class InterpolationResult(OptimizationResult):
    """Outcome of :func:`~softdtw_core.interpolate`: the interpolant ``X_λ`` as
    ``solution``, ``objective = λ L(X_λ, Y1) + (1 - λ) L(X_λ, Y2)``, and the optimiser's
    report (a two-series barycenter, so the steps are those of
    :class:`BarycenterResult`).

    Attributes
    ----------
    lam : float
        The weight ``λ`` of ``Y1``.
    """

    lam: float


@dataclass
class TrainingResult(OptimizationResult):
    """Outcome of :meth:`~softdtw_core.MLPPredictor.fit`, kept as its
    ``training_result_``.

    ``solution`` is the flat parameter vector θ (the weights and biases of every layer,
    layer by layer, each weight matrix row-major then its bias); ``objective`` is the
    training objective ``J(θ)``; a step's ``phase`` is ``"init"``, ``"lbfgs"`` or
    ``"adam"`` (one Adam step is one epoch). ``n_evals`` counts evaluations of ``J`` or its
    gradient, on the whole training set or (Adam) on a mini-batch.
    """


@dataclass
class KMeansStep:
    """State of a k-means run right after an assignment step.

    Attributes
    ----------
    run : int
        Index of the run among ``n_init``.
    iteration : int
        Number of centre updates done before this assignment (0 = initial centres).
    centers : ndarray, shape (k, n) or (k, n, d)
        The centres the series were assigned to.
    labels : ndarray of int, shape (N,)
        The cluster of each series.
    inertia : float
        ``Σ_i L(x_i, c_{l_i})``.
    reseeded : tuple of int
        Clusters that were empty and got re-seeded in this step.
    """

    run: int
    iteration: int
    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    reseeded: tuple = ()
