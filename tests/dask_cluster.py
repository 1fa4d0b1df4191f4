"""A two-process Dask ``LocalCluster`` for the tests of the library and of the app.

Tests that use one are in the xdist group "dask" (or "e2e" for the browser), so that with
``--dist loadgroup`` one pytest worker runs them, each module with its own cluster
(module-scoped fixtures). The parent process compiles the serial kernels the tasks run
before the cluster starts: the worker processes import the same files and load them from
Numba's on-disk cache (checked in tests/distributed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

import numpy as np

from softdtw_core._internal import collection
from softdtw_core.batch import PackedCollection
from softdtw_core.pairwise import pack

#: The kernels the tasks run, by module.
TASK_KERNELS = {"softdtw_core.pairwise": ("_pairs_chunk",), "softdtw_core.batch": ("_chunk",)}


def warm_task_kernels() -> None:
    """Compile (or load) the serial kernels with the signatures the tasks use."""
    chunk = PackedCollection.from_packed(pack([np.zeros((3, 1)), np.ones((4, 1))]))
    collection.chunk_rows(chunk, False, pack([np.zeros((2, 1))]), 0.1, -1.0, True)
    collection.chunk_statistics(chunk, False, np.zeros((2, 1)), 0.1, -1.0, np.ones(2))


@contextlib.contextmanager
def local_cluster():
    """``(cluster, client)``: two worker processes of one thread each, any free ports."""
    from distributed import Client, LocalCluster

    warm_task_kernels()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield cluster, client


def kill_busiest_worker(client) -> tuple[str, list]:
    """SIGKILL the worker process holding the most chunks of series (then the most
    results), as the OOM killer would; return its address and the keys it held. Its nanny
    starts a new process."""
    held = client.has_what()
    address = max(held, key=lambda a: (sum("softdtw-load" in str(k) for k in held[a]),
                                       len(held[a])))
    pid = client.run(os.getpid, workers=[address])[address]
    os.kill(pid, signal.SIGKILL)
    return address, list(held[address])


# Run in a child process by :func:`cluster_process`: a LocalCluster that prints its address
# and lives until its standard input closes.
_CLUSTER_SCRIPT = """
import sys
from distributed import LocalCluster
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=":0") as cluster:
    print(cluster.scheduler_address, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def cluster_process():
    """The address of a two-worker LocalCluster running in a child process, as the app
    meets a cluster: the only client in this process is then the app's own."""
    warm_task_kernels()
    proc = subprocess.Popen([sys.executable, "-c", _CLUSTER_SCRIPT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith("tcp://"), f"no cluster address: {address!r}"
        yield address
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
