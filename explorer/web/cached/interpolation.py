"""The cached entry point of the Use page *Interpolation*: the interpolation grid, a shared
job (:mod:`explorer.web.jobs`).
"""

from __future__ import annotations

from explorer.logic import interpolation

from .. import jobs

__all__ = [
    "interpolation_grid",
]


def interpolation_grid(x, y, gamma, **kwargs) -> jobs.Job:
    """Job: :func:`explorer.logic.interpolation.interpolation_grid`."""
    return jobs.submit_task("Interpolating", interpolation.interpolation_grid, x, y, gamma,
                            **kwargs)
