"""The cached entry points of the Use page *Your data*: the parsed upload, the example file,
a long pair's alignment and the pairwise matrix (shared jobs), and the jobs on a Dask
cluster with their client.
"""

from __future__ import annotations

import streamlit as st

from explorer import data
from explorer.logic import your_data

from .. import jobs
from ..job_types import Task
from ..memo import LIMITS, cache_key, cached

__all__ = [
    "cluster_job",
    "dask_client",
    "long_alignment",
    "pairwise_matrix",
    "parse_upload",
    "sample_csv",
]


@cached("parse_upload")
def parse_upload(content: bytes, filename: str, overrides: tuple) -> data.ParsedSeries:
    """:func:`explorer.data.parse_series_file` with the page's overrides (a tuple of pairs).

    A :class:`explorer.data.SeriesFileError` propagates (it is not cached).
    """
    return data.parse_series_file(content, filename, **dict(overrides))


@cached("sample_csv")
def sample_csv() -> bytes:
    """:func:`explorer.logic.your_data.sample_csv`, the Your data page's example file."""
    return your_data.sample_csv()


def long_alignment(x, y, gamma: float, cost: str, band) -> jobs.Job:
    """Job: :func:`explorer.logic.your_data.long_alignment`, a long pair's value (published
    as the job's one frame once known) and block-averaged E."""
    key = cache_key("long_alignment", x, y, gamma, cost, band)
    run = Task(your_data.long_alignment, (x, y, gamma), dict(cost=cost, band=band),
               publish_arg="publish")
    return jobs.runner().submit(key, f"Alignment of {len(x):,} × {len(y):,} points", run)


def pairwise_matrix(series, gamma: float, divergence: bool, cost: str, band) -> jobs.Job:
    """Job: :func:`explorer.logic.your_data.pairwise_matrix`, the matrix and its order."""
    key = cache_key("pairwise_matrix", series, gamma, divergence, cost, band)
    run = Task(your_data.pairwise_matrix, (series, gamma),
               dict(divergence=divergence, cost=cost, band=band), progress_arg=None)
    return jobs.runner().submit(key, "Pairwise matrix", run)


@st.cache_resource(max_entries=LIMITS["dask_client"].entries, ttl=LIMITS["dask_client"].ttl,
                   show_spinner=False)
def _client(address: str) -> dict:
    # in a dict: a Client is awaitable, and st.cache_resource refuses awaitable results
    return {"client": your_data.connect(address)}


def dask_client(address: str):
    """The server's client of the scheduler at ``address``, shared by every session (a
    ``distributed.Client`` is thread-safe); a closed one (the scheduler went away) is
    replaced. Raises ``ConnectionError`` (not cached) when no scheduler answers."""
    client = _client(address)["client"]
    if client.status != "running":
        _client.clear()
        client = _client(address)["client"]
    return client


def cluster_job(client, address: str, series, settings: dict) -> jobs.Job:
    """Job: :func:`explorer.logic.your_data.run_job` with ``client`` (of the scheduler
    at ``address``), on :func:`explorer.web.jobs.cluster_runner`'s pool.

    Keyed by the address, the series and the settings: students who upload the same file
    and ask for the same job share it. A matrix job's Zarr store is removed when the
    finished job leaves :data:`~explorer.web.memo.CLUSTER_JOB_STORE` (or when the job fails).
    """
    key = cache_key("cluster_job", address, series, settings)

    def run(progress, publish):
        return your_data.run_job(client, series, settings, progress=progress)

    label = f"Cluster: {your_data.JOBS[settings['job']]}"
    return jobs.cluster_runner().submit(key, label, run)
