"""The cached entry points of the Use page *k-means, live*: the generated collections, the
DTW inertia, and the live run with its baselines, a shared job (:mod:`explorer.web.jobs`).
"""

from __future__ import annotations

import softdtw_core as sd
from explorer import data
from explorer.logic import kmeans

from .. import jobs
from ..job_types import Task
from ..memo import cache_key, cached

__all__ = [
    "dtw_inertia",
    "kmeans_run",
    "synthetic_set",
]


@cached("synthetic_set")
def synthetic_set(kind: str, n_per_class: int, length: int, seed: int) -> data.Dataset:
    """:func:`explorer.logic.kmeans.synthetic_set`."""
    return kmeans.synthetic_set(kind, n_per_class, length, seed)


@cached("dtw_inertia")
def dtw_inertia(series, centers) -> float:
    """``Σ_i min_c dtw_0(x_i, c)``, the score all three k-means are compared on."""
    return float(sd.dtw_inertia(series, centers))


def kmeans_run(series, true_labels, params: dict) -> jobs.Job:
    """Job: a live soft-DTW k-means run (each step published as a frame) and its DBA and
    Euclidean baselines (:func:`explorer.logic.kmeans.kmeans_record`)."""
    key = cache_key("kmeans_run", series, true_labels, params)
    run = Task(kmeans.kmeans_record, (series, true_labels), dict(params),
               progress_arg=None, publish_arg="publish")
    return jobs.runner().submit(key, "k-means", run)
