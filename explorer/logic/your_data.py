r"""Computations of the Use page *Your data* (no Streamlit, no Plotly).

In the page (capped by :data:`MATRIX_MAX_SERIES` and :data:`MATRIX_MAX_LENGTH`):
:func:`pairwise_matrix` computes the soft-DTW matrix of an upload and its clustered order
(:func:`explorer.logic.collection.cluster_order`); :func:`sample_csv` is the example file.

A pair longer than :data:`PAIR_FULL_MAX` points (up to the upload cap, 20,000 points a
series) is aligned whole by :func:`long_alignment`: its value, then its expected alignment E
averaged over ``b x b`` blocks (:func:`block_size_for`: at most :data:`LONG_PAIR_CELLS`
blocks a side), with the library's checkpointed backward pass, which never forms the
``n x m`` matrix (a few hundred MB at 20,000 x 20,000):

.. math::

    \bar E_{IJ} = \frac{1}{|I|\,|J|} \sum_{i \in I} \sum_{j \in J} e_{ij}.

On a Dask cluster: when the environment variable :data:`ENV_VAR` holds a scheduler address
(``tcp://host:8786``), the page runs the pairwise matrix, the nearest neighbours and
k-means on the whole upload, past its in-page caps, with :mod:`softdtw_core.distributed`
(imported on first use: without a cluster the page never loads Dask).

- :func:`scheduler_address` reads the address; :data:`START_HELP` says how to start one;
- :func:`run_job` runs the job its settings name (:func:`run_matrix`,
  :func:`run_neighbours`, :func:`run_kmeans`) with a ``progress(fraction, text)`` callback
  and returns a small result for the page: the matrix itself goes to a Zarr store on disk
  (:class:`MatrixResult` keeps its path, a clustered sample of at most
  :data:`SAMPLE_SERIES` series and the neighbours read from it row block by row block),
  which :func:`remove_store` deletes;
- :func:`neighbour_table`, :func:`matrix_csv`, :func:`zipped_store`: what the page shows and
  offers for download (the big files are built only when asked for).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass

import numpy as np

import softdtw_core as sd
from explorer import data

from . import formatting
from .collection import cluster_order
from .common import Progress

__all__ = [
    "ENV_VAR",
    "JOBS",
    "MATRIX_MAX_LENGTH",
    "MATRIX_MAX_SERIES",
    "NEIGHBOURS",
    "ROW_BLOCK",
    "SAMPLE_SERIES",
    "START_HELP",
    "LONG_PAIR_CELLS",
    "PAIR_FULL_MAX",
    "KMeansResult",
    "LongAlignment",
    "MatrixResult",
    "NeighbourResult",
    "connect",
    "block_size_for",
    "evenly_spaced",
    "long_alignment",
    "long_pair_estimate",
    "matrix_csv",
    "neighbour_table",
    "new_store_directory",
    "pairwise_matrix",
    "remove_store",
    "run_job",
    "run_kmeans",
    "run_matrix",
    "run_neighbours",
    "sample_csv",
    "scheduler_address",
    "zipped_store",
]

MATRIX_MAX_SERIES = 150  # Your data page, pairwise matrix
MATRIX_MAX_LENGTH = 500


def pairwise_matrix(series, gamma: float, *, divergence: bool = False, cost="sqeuclidean",
                    band=None) -> tuple[np.ndarray, np.ndarray]:
    """The pairwise soft-DTW (or divergence) matrix and its :func:`cluster_order`."""
    M = sd.soft_dtw_cdist(series, gamma=gamma, divergence=divergence, cost=cost, band=band)
    return M, cluster_order(M, raw=not divergence)


#: Pairs with both series at most this long get the full pair view (Δ, E, the hard path,
#: the match lines: full ``n x m`` tables, as on the Learn pages); longer ones
#: :func:`long_alignment`.
PAIR_FULL_MAX = 1000
#: Blocks along each side of a long pair's block-averaged E (at most).
LONG_PAIR_CELLS = 300
#: CPU time per cell of a long pair's value, in ns, and E's time over the value's: at
#: 20,000 x 20,000 on the project's 2-core machine (load 2.9), :func:`long_alignment` took
#: 5.7-5.8 s, the value 1.1-1.25 s of it (4.5 s under load 7.5: 12.9-16.1 s, 2.5-3.2 s;
#: peak RSS 304 MB). The page's estimate before the job starts, and E's once the value is
#: timed.
VALUE_NS_PER_CELL = 3.0
E_PER_VALUE = 4.0


@dataclass(frozen=True)
class LongAlignment:
    """A long pair's soft-DTW value and its block-averaged expected alignment."""

    value: float
    blocks: np.ndarray  # (ceil(n / block), ceil(m / block)), the block means of E
    block: int  # each entry of ``blocks`` averages block x block cells of E
    shape: tuple  # (n, m)
    seconds: float


def block_size_for(n: int, m: int, cells: int = LONG_PAIR_CELLS) -> int:
    """The side ``b`` of square blocks leaving at most ``cells`` blocks along each side of
    an ``n x m`` matrix: ``ceil(max(n, m) / cells)``."""
    if cells < 1:
        raise ValueError(f"cells must be a positive integer; got {cells!r}.")
    return max(1, -(-max(int(n), int(m)) // int(cells)))


def long_pair_estimate(n: int, m: int) -> float:
    """Seconds of CPU :func:`long_alignment` takes on an ``n x m`` pair (an estimate from
    :data:`VALUE_NS_PER_CELL` and :data:`E_PER_VALUE`)."""
    return n * m * VALUE_NS_PER_CELL * (1.0 + E_PER_VALUE) * 1e-9


def long_alignment(x, y, gamma: float, *, cost="sqeuclidean", band=None,
                   cells: int = LONG_PAIR_CELLS, memory="auto", progress: Progress = None,
                   publish=None) -> LongAlignment:
    r"""The value and the block-averaged E of a pair of any length up to the upload cap.

    Two steps, each reported through ``progress(fraction, text)`` (where a cancelled job
    stops): the value (:func:`softdtw_core.soft_dtw`, one forward sweep in
    :math:`O(\min(n, m))` memory), passed to ``publish(value)`` so that the page shows it
    at once; then E averaged over ``b x b`` blocks (:func:`block_size_for`) by
    :func:`softdtw_core.soft_dtw_alignment` with ``block_size=(b, b)`` and ``memory``
    (``"auto"``: the checkpointed pass past the library's memory budget).
    """
    n, m = len(x), len(y)
    b = block_size_for(n, m, cells)
    report = progress or (lambda fraction, text: None)
    start = time.perf_counter()
    report(0.0, f"Step 1 of 2: the soft-DTW value over {n:,} × {m:,} cells (one forward "
                f"sweep, about {formatting.duration(n * m * VALUE_NS_PER_CELL * 1e-9)})…")
    value = float(sd.soft_dtw(x, y, gamma=gamma, cost=cost, band=band))
    took = time.perf_counter() - start
    if publish is not None:
        publish(value)
    share = 1.0 / (1.0 + E_PER_VALUE)
    report(share, f"Step 2 of 2: the expected alignment E, averaged over {b} × {b} blocks, "
                  f"by the checkpointed backward pass (value done in {took:.1f} s; about "
                  f"{formatting.duration(E_PER_VALUE * took)} more)…")
    _, blocks = sd.soft_dtw_alignment(x, y, gamma, cost=cost, band=band, block_size=(b, b),
                                      memory=memory)
    seconds = time.perf_counter() - start
    report(1.0, f"Done in {seconds:.1f} s.")
    return LongAlignment(value, np.asarray(blocks, dtype=np.float64), b, (n, m), seconds)


def sample_csv() -> bytes:
    """A small labelled example file in the wide layout (CBF, 3 × 3 series of 64 points)."""
    ds = data.cylinder_bell_funnel(3, 64, seed=1)
    classes = ds.metadata.get("classes", {})
    names = [f"{classes.get(str(c), c)}_{k + 1}" for k, c in enumerate(np.asarray(ds.labels))]
    return data.series_to_csv(np.round(ds.series, 4), labels=ds.labels, names=names)


ENV_VAR = "SOFTDTW_DASK_SCHEDULER"
#: The jobs the page offers, with their labels.
JOBS = {"neighbours": "nearest neighbours", "matrix": "pairwise matrix", "k-means": "k-means"}
#: Neighbours listed per series (the matrix job's table, and the default of the kNN job).
NEIGHBOURS = 5
#: Series of the clustered sample drawn from a big matrix (the in-page matrix's cap).
SAMPLE_SERIES = 150
#: Rows of the stored matrix read at a time for the neighbour table.
ROW_BLOCK = 512
START_HELP = (
    "The jobs below run on a **Dask cluster**, on every uploaded series. Start one and give "
    f"its address to the app in the environment variable `{ENV_VAR}`:\n\n"
    "- on one machine: `dask scheduler` (it prints `tcp://<host>:8786`), then "
    "`dask worker tcp://<host>:8786` on every machine that should compute;\n"
    "- or from Python: `from distributed import LocalCluster; "
    "print(LocalCluster(n_workers=2, threads_per_worker=1).scheduler_address)`, kept "
    "running;\n\n"
    f"then start the app with `{ENV_VAR}=tcp://<host>:8786 streamlit run streamlit_app.py`."
)


def scheduler_address(environ=None) -> str | None:
    """The scheduler address from :data:`ENV_VAR`, or None when it is unset or blank."""
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    return value or None


def connect(address: str):
    """A client of the scheduler at ``address`` (:func:`softdtw_core.distributed.connect`:
    a ``ConnectionError`` saying what to do when it does not answer in time)."""
    from softdtw_core import distributed

    return distributed.connect(address)


def _counter(progress: Progress, what: str, unit: str):
    """A ``(done, total)`` callback of the library feeding ``progress(fraction, text)``."""
    if progress is None:
        return None

    def report(done, total):
        progress(done / max(total, 1), f"{what}: {done} of {total} {unit}")

    return report


def evenly_spaced(n: int, count: int) -> np.ndarray:
    """At most ``count`` indices spread evenly over ``range(n)`` (all of them if fewer)."""
    return np.unique(np.linspace(0, n - 1, min(n, count)).round().astype(np.int64))


@dataclass(frozen=True)
class NeighbourResult:
    """The ``k`` nearest series (by the soft-DTW divergence) of every series."""

    distances: np.ndarray  # (N, k), ascending along rows
    indices: np.ndarray  # (N, k)
    seconds: float


@dataclass(frozen=True)
class MatrixResult:
    """A pairwise matrix kept in a Zarr store, with what the page draws from it."""

    store: str  # path of the Zarr store holding the (N, N) matrix
    n: int
    divergence: bool
    sample: np.ndarray  # indices of the clustered sample
    sample_matrix: np.ndarray  # the matrix restricted to the sample
    sample_order: np.ndarray  # the sample's clustered order
    neighbours: NeighbourResult  # read from the stored matrix
    seconds: float


@dataclass(frozen=True)
class KMeansResult:
    """Labels and centres of soft-DTW k-means on the whole upload."""

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    seconds: float


def run_neighbours(client, series, *, gamma, cost, band, n_neighbors=NEIGHBOURS,
                   progress: Progress = None) -> NeighbourResult:
    """The ``n_neighbors`` nearest series of each series by the divergence, on the cluster."""
    from softdtw_core import distributed

    start = time.perf_counter()
    distances, indices = distributed.soft_dtw_knn(
        client, series, n_neighbors=min(n_neighbors, len(series) - 1), gamma=gamma, cost=cost,
        band=band, divergence=True, progress=_counter(progress, "Nearest neighbours", "tiles"))
    return NeighbourResult(distances, indices, time.perf_counter() - start)


def _stored_neighbours(store, divergence: bool, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest series of each row of a stored matrix (by the divergence, ties by
    index, the series itself left out), reading :data:`ROW_BLOCK` rows at a time."""
    import zarr

    Z = zarr.open_array(store, mode="r")
    n = Z.shape[0]
    diag = None if divergence else np.array([Z[i, i] for i in range(n)])
    distances, indices = np.empty((n, k)), np.empty((n, k), dtype=np.int64)
    for r0 in range(0, n, ROW_BLOCK):
        rows = np.asarray(Z[r0:r0 + ROW_BLOCK])
        if diag is not None:  # raw values: the divergence ranks the neighbours
            rows = rows - 0.5 * (diag[r0:r0 + len(rows), None] + diag[None, :])
        rows[np.arange(len(rows)), np.arange(r0, r0 + len(rows))] = np.inf
        order = np.argsort(rows, axis=1, kind="stable")[:, :k]
        distances[r0:r0 + len(rows)] = np.take_along_axis(rows, order, axis=1)
        indices[r0:r0 + len(rows)] = order
    return distances, indices


def run_matrix(client, series, *, gamma, divergence, cost, band, directory,
               progress: Progress = None) -> MatrixResult:
    """The whole pairwise matrix into a Zarr store under ``directory`` (created), its
    clustered sample and the neighbour table read back from it."""
    import zarr

    from softdtw_core import distributed

    start = time.perf_counter()
    os.makedirs(directory, exist_ok=True)
    store = os.path.join(directory, "matrix.zarr")
    distributed.soft_dtw_cdist(client, series, gamma=gamma, cost=cost, band=band,
                               divergence=divergence, out=store,
                               progress=_counter(progress, "Pairwise matrix", "tiles"))
    n = len(series)
    sample = evenly_spaced(n, SAMPLE_SERIES)
    M = np.asarray(zarr.open_array(store, mode="r").get_orthogonal_selection((sample, sample)))
    k = min(NEIGHBOURS, n - 1)
    distances, indices = (_stored_neighbours(store, divergence, k) if k > 0
                          else (np.empty((n, 0)), np.empty((n, 0), dtype=np.int64)))
    seconds = time.perf_counter() - start
    return MatrixResult(store, n, divergence, sample, M, cluster_order(M, raw=not divergence),
                        NeighbourResult(distances, indices, seconds), seconds)


def run_kmeans(client, series, *, k, gamma, band, seed, max_iter, barycenter_max_iter,
               progress: Progress = None) -> KMeansResult:
    """Soft-DTW k-means (k-means++ seeding) on every series, on the cluster."""
    from softdtw_core import distributed

    start = time.perf_counter()
    model = distributed.kmeans(
        client, series, k, gamma=gamma, band=band, random_state=seed, max_iter=max_iter,
        barycenter_max_iter=barycenter_max_iter,
        progress=_counter(progress, "k-means", "assignments at most"))
    return KMeansResult(np.asarray(model.labels_), np.asarray(model.cluster_centers_),
                        float(model.inertia_), int(model.n_iter_), bool(model.converged_),
                        time.perf_counter() - start)


def run_job(client, series, settings: dict, *, progress: Progress = None):
    """The job ``settings["job"]`` (a key of :data:`JOBS`) on every series.

    ``settings`` holds ``gamma``, ``cost``, ``band``, ``kind`` (``"raw"`` or
    ``"divergence"``: the matrix job's values) and, for k-means, ``k``, ``seed``,
    ``max_iter`` and ``barycenter_max_iter``. A matrix job writes its store into a new
    temporary directory, removed if the job fails or is cancelled.
    """
    common = {"gamma": settings["gamma"], "band": settings["band"], "progress": progress}
    job = settings["job"]
    if job == "neighbours":
        return run_neighbours(client, series, cost=settings["cost"], **common)
    if job == "matrix":
        directory = new_store_directory()
        try:
            return run_matrix(client, series, divergence=settings["kind"] == "divergence",
                              cost=settings["cost"], directory=directory, **common)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
    if job == "k-means":
        return run_kmeans(client, series, k=settings["k"], seed=settings["seed"],
                          max_iter=settings["max_iter"],
                          barycenter_max_iter=settings["barycenter_max_iter"], **common)
    raise ValueError(f"job must be one of {', '.join(map(repr, JOBS))}; got {job!r}.")


def remove_store(result) -> None:
    """Delete the directory of a :class:`MatrixResult`'s store (nothing for other results)."""
    if isinstance(result, MatrixResult):
        shutil.rmtree(os.path.dirname(result.store), ignore_errors=True)


def new_store_directory() -> str:
    """A fresh temporary directory for a matrix job's Zarr store."""
    return tempfile.mkdtemp(prefix="softdtw-matrix-")


def neighbour_table(names, result: NeighbourResult) -> dict:
    """Columns of the neighbour table: each series, then its neighbours with their
    divergences (``neighbour 1``, ``D_γ 1``, …)."""
    names = [str(v) for v in names]
    table = {"series": names}
    for j in range(result.indices.shape[1]):
        table[f"neighbour {j + 1}"] = [names[i] for i in result.indices[:, j]]
        table[f"D_γ {j + 1}"] = result.distances[:, j]
    return table


def matrix_csv(store: str, names) -> bytes:
    """The stored matrix as CSV, rows and columns named (built when downloaded)."""
    import zarr

    names = [str(v) for v in names]
    return data.matrix_csv(np.asarray(zarr.open_array(store, mode="r")[:]), row_labels=names,
                           col_labels=names, corner="series")


def zipped_store(store: str) -> bytes:
    """The Zarr store (a directory) as zip bytes: ``zarr.open_array("matrix.zarr")`` reads
    it back once unzipped."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for root, _, files in os.walk(store):
            for f in files:
                path = os.path.join(root, f)
                z.write(path, os.path.join("matrix.zarr", os.path.relpath(path, store)))
    return buf.getvalue()
