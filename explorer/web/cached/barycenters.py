"""The cached entry points of the Use page *Barycenters*: the comparison of the averaging
methods and the γ sweep, shared jobs (:mod:`explorer.web.jobs`).
"""

from __future__ import annotations

from explorer.logic import barycenters

from .. import jobs

__all__ = [
    "barycenter_comparison",
    "barycenter_sweep",
]


def barycenter_comparison(series, gamma, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.barycenters.barycenter_comparison`."""
    return jobs.submit_task("Averaging", barycenters.barycenter_comparison, series, gamma, **kwargs)


def barycenter_sweep(series, gammas, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.barycenters.barycenter_sweep`."""
    return jobs.submit_task("γ sweep", barycenters.barycenter_sweep, series, gammas, **kwargs)
