"""Recording the iterates of an optimisation and honouring a callback's stop request.

Shared by the barycenters and the predictor's training so that every routine reports its
steps the same way (:mod:`softdtw_core.results`).
"""

from __future__ import annotations

from ..results import OptimizationStep

__all__ = ["STOPPED_BY_CALLBACK", "Recorder"]

STOPPED_BY_CALLBACK = "stopped by the callback"


class Recorder:
    """Numbers the iterates, keeps them (when asked), forwards them to the callback.

    Parameters
    ----------
    keep : bool
        Keep every step in :attr:`steps`.
    callback : callable or None
        ``callback(step)``; returning ``True`` sets :attr:`stopped`.
    """

    def __init__(self, keep, callback):
        if callback is not None and not callable(callback):
            raise ValueError(f"callback must be callable or None; got {callback!r}.")
        self.keep = keep
        self.callback = callback
        self.steps = []
        self.count = 0
        self.stopped = False

    def record(self, solution, objective, phase) -> bool:
        """Record one iterate (``solution`` is stored as given: pass a copy); return
        whether the callback asked to stop."""
        step = OptimizationStep(self.count, solution, float(objective), phase)
        self.count += 1
        if self.keep:
            self.steps.append(step)
        if self.callback is not None and self.callback(step) is True:
            self.stopped = True
        return self.stopped
