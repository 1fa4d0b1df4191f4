"""``softdtw_core.warmup.warm_up`` covers every kernel the pages call: after it, a lesson
through every page (both costs, a band, k-means, a γ sweep, training, an upload) compiles
no new specialisation of any Numba kernel; nor do the tasks of every function of
``softdtw_core.distributed``.

Runs in a fresh interpreter, so that kernels compiled by other tests do not hide a gap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The kernels' signatures before and after a workload that follows warm_up().
HEADER = r"""
import json, sys
sys.path.insert(0, ROOT)
import numba
import numpy as np
from softdtw_core import band, batch, costs, pairwise
from softdtw_core._internal import checkpoint, dp, fastmath, small, wavefront
from softdtw_core.warmup import warm_up

MODULES = (checkpoint, dp, fastmath, small, wavefront, band, batch, costs, pairwise)


def signatures():
    out = {}
    for module in MODULES:
        for name, obj in vars(module).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher):
                out[f"{module.__name__}.{name}"] = {str(s) for s in obj.signatures}
    return out


warm_up(STAGES)
before = signatures()
"""

FOOTER = r"""
after = signatures()
print(json.dumps({k: sorted(after[k] - before.get(k, set())) for k in after
                  if after[k] - before.get(k, set())}))
"""

LESSON = r"""
from streamlit.testing.v1 import AppTest

from explorer.web import kernels

# the warm-up above is the app's: it starts none of its own, and its pages find their stages
# ready (none runs interpreted, none waits)
kernels.WARMUP._started = True
kernels.WARMUP.ready = list(STAGES or kernels.WARMUP.stages)

small = {"src": "synthetic", "n": "12", "m": "15", "km_src": "synthetic", "km_per": "3",
         "km_len": "24", "km_iter": "2", "bc_src": "warped copies", "bc_n": "4",
         "bc_len": "20", "bc_sweep_on": "true", "bc_gammas": "0.1", "pr_iter": "3",
         "yd_j": "2"}
variants = [{}, {"cost": "absolute", "band_on": "true", "band": "3", "gamma": "0"},
            {"bc_obj": "divergence", "ip_obj": "divergence", "yd_kind": "raw"}]
for variant in variants:
    for script in PAGES:
        at = AppTest.from_file(ROOT + "/streamlit_app.py", default_timeout=600)
        at.query_params = {**small, **variant}
        at.run()
        at.switch_page(script)
        at.run()
        for key in ("km_run", "pr_run"):
            if any(b.key == key for b in at.button):
                at.button(key=key).click().run()
        if script.endswith("your_data.py"):
            at.button(key="yd_try").click().run()
        assert not at.exception, [e.value for e in at.exception]
"""

# The Your data page's job for a pair past 1,000 points (block-averaged E; the checkpointed
# pass, which the page's default budget picks past a few thousand points, forced here).
LONG_PAIR = r"""
from explorer.logic import your_data
rng = np.random.default_rng(0)
for d in (1, 2):
    x = rng.normal(size=(1500, d)).cumsum(0)
    y = rng.normal(size=(1200, d)).cumsum(0)
    for cost in ("sqeuclidean", "absolute"):
        for band in (None, 50.0):
            for memory in ("auto", "checkpoint"):
                your_data.long_alignment(x[:, 0] if d == 1 else x, y[:, 0] if d == 1 else y,
                                         0.1, cost=cost, band=band, memory=memory)
"""

# Every function of softdtw_core.distributed on a cluster of threads in this process, so
# that the tasks' kernels are this process's dispatchers.
CLUSTER_JOBS = r"""
from distributed import Client, LocalCluster
from softdtw_core import distributed as sdd

rng = np.random.default_rng(0)
uni = [rng.normal(size=n) for n in (20, 25, 30, 22, 21, 27)]
multi = [rng.normal(size=(n, 2)) for n in (20, 25, 30, 22)]
with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                  dashboard_address=":0") as cluster, Client(cluster) as client:
    for X in (uni, multi):
        for band in (None, 3.0):
            for cost in ("sqeuclidean", "absolute"):
                sdd.soft_dtw_cdist(client, X, gamma=0.1, band=band, cost=cost)
                sdd.soft_dtw_cdist(client, X, X[:2], gamma=0.1, band=band, cost=cost,
                                   divergence=True)
                sdd.soft_dtw_knn(client, X, n_neighbors=2, gamma=0.1, band=band, cost=cost,
                                 divergence=True)
            sdd.kmeans(client, X, 2, gamma=0.1, band=band, max_iter=2, barycenter_max_iter=2,
                       random_state=0)
            for objective in ("softdtw", "divergence"):
                sdd.barycenter(client, X, gamma=0.1, band=band, objective=objective,
                               max_iter=2)
"""


def _compiled_after_warm_up(workload: str, pages=(), stages=None) -> dict:
    """The kernel specialisations ``workload`` compiled after ``warm_up(stages)`` (default
    every stage), run in a fresh interpreter."""
    code = (f"ROOT = {str(ROOT)!r}\nPAGES = {list(pages)!r}\nSTAGES = {stages!r}\n"
            + HEADER + workload + FOOTER)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_pages_compile_nothing_after_the_warm_up():
    from tests.page_lists import PAGES

    new = _compiled_after_warm_up(LESSON, [p.script for p in PAGES.values()])
    assert new == {}, f"kernels compiled after warm_up(): {new}"


@pytest.mark.parametrize("stage", ["tables", "learn"])
def test_a_stage_alone_covers_its_pages(stage):
    # the stage of the page opened first compiles first (explorer.web.kernels), before the
    # stages listed ahead of it: alone, it must cover its pages
    from explorer.web import registry

    pages = [p.script for p in registry.PAGES if p.kernels == stage]
    assert pages
    new = _compiled_after_warm_up(LESSON, pages, [stage])
    assert new == {}, f"kernels compiled by the {stage!r} pages after warm_up([{stage!r}]): {new}"


def test_learn_pages_run_on_the_first_stage_while_their_own_compiles():
    # opened first, the γ explorer and DTW as a loss wait only for the "tables" stage
    # (explorer.web.kernels.INTERPRETED) and run on its row-major kernels: nothing else
    # compiles in the page
    from explorer.web import kernels, registry

    assert kernels.INTERPRETED["learn"] == "tables"
    pages = [p.script for p in registry.PAGES if p.kernels == "learn"]
    new = _compiled_after_warm_up(LESSON, pages, ["tables"])
    assert new == {}, f"kernels compiled by the 'learn' pages after warm_up(['tables']): {new}"


def test_cluster_tasks_compile_nothing_after_the_warm_up():
    # the tasks run the serial paths (parallel=False) of the pairwise and batch kernels
    new = _compiled_after_warm_up(CLUSTER_JOBS)
    assert new == {}, f"kernels compiled by the cluster's tasks after warm_up(): {new}"


def test_the_long_pair_job_compiles_nothing_after_the_warm_up():
    # on a fresh clone the first long pair would otherwise compile the checkpointed passes
    # in the student's job (13 s of CPU measured at 20,000 points)
    new = _compiled_after_warm_up(LONG_PAIR)
    assert new == {}, f"kernels compiled by the long-pair job after warm_up(): {new}"

