r"""Soft-DTW beyond one machine: pairwise matrices, nearest neighbours, k-means and
barycenters on a Dask cluster.

Every function takes a :class:`distributed.Client` first (the convention of stumpy's
``stumped(client, ...)``) and returns what its in-process counterpart returns:

- :func:`soft_dtw_cdist`: the matrix :math:`M_{ab} = \operatorname{dtw}_\gamma(X_a, Y_b)`
  (or the divergence), computed in tiles, each tile one task; for ``Y=None`` only the tiles
  on or above the diagonal. With ``out="matrix.zarr"`` the tiles are written to a Zarr
  store as they arrive, for matrices larger than memory;
- :func:`soft_dtw_knn`: the ``n_neighbors`` smallest values of each row, from per-tile
  partial top-k lists merged on the client: the full matrix is never formed;
- :func:`kmeans`: a fitted :class:`~softdtw_core.SoftDTWKMeans`, by the same Lloyd loop;
- :func:`barycenter`: a :class:`~softdtw_core.BarycenterResult`, by the same optimiser as
  :func:`~softdtw_core.softdtw_barycenter`.

How the work is split
---------------------
A DP between series of lengths ``n`` and ``m`` costs ``n m`` cells, so work is balanced by
cells, not by pairs: the series are cut into blocks of about equal total length, and a
tile ``(I, J)`` costs :math:`\sum_{a \in I} n_a \sum_{b \in J} m_b` cells. There are at
least four tiles per worker thread and about :data:`TILE_CELLS` cells per tile. The
barycenter objective and k-means are sums over series,

.. math::

    F(Z) = \sum_K \sum_{j \in K} c_j \operatorname{dtw}_\gamma(Z, Y_j), \qquad
    \nabla F(Z) = 2 \sum_K \Big(\mathrm{RS}_K \odot Z - \mathrm{EY}_K\Big),

so each chunk ``K`` of series returns its partial sums (value, gradient statistics, MM
statistics: ``k × n × d`` numbers) and the optimiser runs on the client
(``softdtw_core._internal.collection``). k-means assigns chunk by chunk and updates each centre
from per-chunk partial sums over its members.

Each task runs the Numba kernels on its worker thread only: the Dask worker threads are
the parallelism (start workers with one thread per core, Dask's default), and no task
starts a thread pool of its own, which would oversubscribe the cores.

Data and faults
---------------
The series go to the workers once, as the result of a loader task per chunk whose recipe
holds the chunk (for a NumPy input; for a Dask array, the array's own graph): every later
task reads the chunk from worker memory, never from the client again. A worker that dies
takes its chunks with it, and the scheduler rebuilds them from those recipes (data put on
workers with ``client.scatter`` could not be rebuilt), so the job finishes with the same
result. The cost is that the scheduler keeps the recipes, a copy of a NumPy input; for
data larger than the scheduler's memory, pass a Dask array read from storage.

Progress and cancelling
-----------------------
``progress(done, total)`` is called on the client as tiles finish (or, for k-means and
barycenters, as iterations end, and between the chunk maps of an iteration with the same
counts); returning ``True`` cancels the job's tasks and raises :class:`JobCancelled`. An
exception raised by the callback (or an interrupt) also cancels the tasks.

Examples
--------
>>> import numpy as np
>>> from distributed import Client, LocalCluster
>>> import softdtw_core as sd
>>> from softdtw_core import distributed as sdd
>>> X = [np.sin(np.linspace(0, 3, m)) for m in (20, 25, 30, 22)]
>>> with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0",
...                   processes=False) as cluster, Client(cluster) as client:
...     M = sdd.soft_dtw_cdist(client, X, gamma=0.1)
...     distances, indices = sdd.soft_dtw_knn(client, X, n_neighbors=2, gamma=0.1,
...                                           divergence=True)
>>> bool(np.allclose(M, sd.soft_dtw_cdist(X, gamma=0.1), rtol=1e-12, atol=0))
True
>>> indices.tolist()  # the nearest series to each one, by the divergence
[[3, 1], [3, 2], [1, 3], [0, 1]]
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from distributed import Client, as_completed

from ._internal.barycenter_solver import check_options, solve_barycenter
from ._internal.dask_chunks import (
    Input,
    as_input,
    dask_collection,
    load,
    split_by_length,
    task_keys,
)
from ._internal.validation import (
    COST_CODES,
    check_band,
    check_cost,
    check_gamma,
    check_int,
)
from .kmeans import SoftDTWKMeans
from .pairwise import (
    check_band_lengths,
    cross_values,
    self_values,
    triangle_values,
)
from .results import BarycenterResult

__all__ = [
    "CONNECT_TIMEOUT",
    "TILE_CELLS",
    "JobCancelled",
    "barycenter",
    "connect",
    "kmeans",
    "soft_dtw_cdist",
    "soft_dtw_knn",
]

#: Seconds to wait for a scheduler to answer, and for it to have a worker.
CONNECT_TIMEOUT = 10.0
#: DP cells a tile aims at: ~0.5 s of one core, long enough that the ~1 ms a task costs
#: the scheduler stays negligible, short enough for a fine progress bar and fast cancels.
TILE_CELLS = 250_000_000
#: Tiles per worker thread at least, so that no thread idles at the end of a job.
TILES_PER_THREAD = 4
#: Chunks per worker thread for k-means and barycenters (each evaluation maps over them).
CHUNKS_PER_THREAD = 2

Progress = Callable[[int, int], object] | None


class JobCancelled(RuntimeError):
    """The progress callback asked to stop: the job's tasks were cancelled."""


# --------------------------------------------------------------------------- the client


def _start_hint(address: str) -> str:
    return (f"Start a scheduler with `dask scheduler` (it listens on tcp://<host>:8786) and "
            f"workers with `dask worker {address}`, or from Python with "
            "`distributed.LocalCluster()`, then give its address.")


def connect(address: str, *, timeout: float = CONNECT_TIMEOUT) -> Client:
    """A client of the Dask scheduler at ``address``, or a clear error within ``timeout``.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``"tcp://10.0.0.5:8786"``.
    timeout : float, default :data:`CONNECT_TIMEOUT`
        Seconds to wait for the scheduler to answer.

    Returns
    -------
    distributed.Client
        Not made the default client of this process (``set_as_default=False``).

    Raises
    ------
    ValueError
        When ``address`` is not a non-empty string.
    ConnectionError
        When no scheduler answers at ``address`` in time.

    Examples
    --------
    >>> from softdtw_core import distributed as sdd
    >>> sdd.connect("tcp://127.0.0.1:9", timeout=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ConnectionError: No Dask scheduler answered at 'tcp://127.0.0.1:9' within 1 s ...
    """
    if not isinstance(address, str) or not address.strip():
        raise ValueError(f"address must be a scheduler address such as "
                         f"'tcp://host:8786'; got {address!r}.")
    timeout = float(timeout)
    try:
        return Client(address.strip(), timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConnectionError(
            f"No Dask scheduler answered at {address!r} within {timeout:g} s ({exc}). "
            f"Check the address and that the port is open. {_start_hint(address)}"
        ) from None


def _threads(client) -> int:
    """The cluster's worker threads, after checking that the client can run a job."""
    if not isinstance(client, Client):
        raise ValueError(
            "client must be a distributed.Client (e.g. "
            "softdtw_core.distributed.connect('tcp://host:8786')); got "
            f"{type(client).__name__}."
        )
    if client.status != "running":
        raise ConnectionError(
            f"The Dask client is {client.status}: make a new one, e.g. "
            "softdtw_core.distributed.connect(address)."
        )
    address = client.scheduler.address
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (TimeoutError, OSError):
        raise ConnectionError(
            f"The Dask scheduler at {address} has no worker (waited {CONNECT_TIMEOUT:g} s): "
            f"start one with `dask worker {address}`."
        ) from None
    return max(1, sum(client.nthreads().values()))


def _report(progress: Progress, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is True:
        raise JobCancelled(f"Cancelled by the progress callback after {done} of {total}.")


# --------------------------------------------------------------------------- tiles


def _tile_bounds(lengths_a, lengths_b, symmetric, threads):
    """Block bounds of both sides: tiles of about :data:`TILE_CELLS` cells, and at least
    :data:`TILES_PER_THREAD` tiles per worker thread."""
    La, Lb = float(lengths_a.sum()), float(lengths_b.sum())
    cells = La * Lb / (2.0 if symmetric else 1.0)
    n_tiles = max(TILES_PER_THREAD * threads, math.ceil(cells / TILE_CELLS))
    if symmetric:  # nb (nb + 1) / 2 tiles on and above the diagonal
        bounds = split_by_length(lengths_a, math.ceil((math.sqrt(8 * n_tiles + 1) - 1) / 2))
        return bounds, bounds
    na = max(1, round(math.sqrt(n_tiles * La / Lb)))
    return split_by_length(lengths_a, na), split_by_length(lengths_b, math.ceil(n_tiles / na))


def _chunk_self_values(chunk, kind, gamma, radius):
    return self_values(chunk.packed, kind, gamma, radius, False)


def _tile_values(chunk_a, chunk_b, self_a, self_b, kind, gamma, radius, diagonal):
    """A tile of the matrix; a diagonal tile (``Y=None``) computes its upper triangle only.
    With the self values (``divergence=True``), the divergences."""
    if diagonal:
        M = triangle_values(chunk_a.packed, kind, gamma, radius, False)
    else:
        M = cross_values(chunk_a.packed, chunk_b.packed, kind, gamma, radius, False)
    if self_a is not None:
        M = M - 0.5 * (self_a[:, None] + self_b[None, :])
        if diagonal:
            np.fill_diagonal(M, 0.0)
    return M


def _top_k(M, k, start):
    """The ``k`` smallest values of each row (ties by column) and their global columns."""
    order = np.argsort(M, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(M, order, axis=1), order + start


def _knn_tile(chunk_a, chunk_b, self_a, self_b, kind, gamma, radius, diagonal, k, start_a,
              start_b, mirror):
    """Partial top-k lists of a tile: of its rows, and when the tile stands for its mirror
    too (off the diagonal of a ``Y=None`` job), of its columns (else ``None``)."""
    M = _tile_values(chunk_a, chunk_b, self_a, self_b, kind, gamma, radius, diagonal)
    if diagonal:
        np.fill_diagonal(M, np.inf)  # a series is not its own neighbour
    return _top_k(M, k, start_b), _top_k(M.T, k, start_a) if mirror else None


class _TilePlan(NamedTuple):
    """A validated tiled job: kernel parameters, both sides and their block bounds."""

    kind: int
    gamma: float
    radius: float
    x: Input
    y: Input
    symmetric: bool
    bounds_a: np.ndarray
    bounds_b: np.ndarray


def _plan_tiles(client, X, Y, gamma, cost, band) -> _TilePlan:
    threads = _threads(client)
    gamma = check_gamma(gamma)
    if check_cost(cost) == "precomputed":
        raise ValueError("cost='precomputed' is not supported: the functions compare series.")
    radius = check_band(band)
    x = as_input(X, "X")
    y = x if Y is None else as_input(Y, "Y")
    if x.d != y.d:
        raise ValueError(f"X and Y must have the same dimension d; got d={x.d} and d={y.d}.")
    check_band_lengths(radius, x.lengths, y.lengths)
    bounds_a, bounds_b = _tile_bounds(x.lengths, y.lengths, Y is None, threads)
    return _TilePlan(COST_CODES[cost], gamma, radius, x, y, Y is None, bounds_a, bounds_b)


def _run_tiles(client, plan: _TilePlan, divergence, progress, task, task_args, consume):
    """Load both sides in blocks, run ``task`` on every tile (on and above the diagonal
    for ``Y=None``) and hand each result to ``consume(i, j, result)`` as it finishes.
    Every task is cancelled on the way out (the job is done, failed or abandoned)."""
    kernel = (plan.kind, plan.gamma, plan.radius)
    chunks_a = load(client, plan.x, plan.bounds_a, "X")
    chunks_b = chunks_a if plan.symmetric else load(client, plan.y, plan.bounds_b, "Y")
    held = chunks_a + ([] if plan.symmetric else chunks_b)
    pending = {}
    try:
        self_a = self_b = [None] * max(len(chunks_a), len(chunks_b))
        if divergence:
            self_a = [client.submit(_chunk_self_values, c, *kernel, key=key)
                      for c, key in zip(chunks_a, task_keys("self", len(chunks_a)))]
            self_b = self_a if plan.symmetric else [
                client.submit(_chunk_self_values, c, *kernel, key=key)
                for c, key in zip(chunks_b, task_keys("self", len(chunks_b)))]
            held += self_a + ([] if plan.symmetric else self_b)
        tiles = [(i, j) for i in range(len(chunks_a))
                 for j in range(i if plan.symmetric else 0, len(chunks_b))]
        name = task.__name__.strip("_").replace("_", "-")
        for (i, j), key in zip(tiles, task_keys(name, len(tiles))):
            future = client.submit(task, chunks_a[i], chunks_b[j], self_a[i], self_b[j],
                                   *kernel, plan.symmetric and i == j, *task_args(i, j),
                                   key=key)
            pending[future.key] = (future, i, j)
        total = len(tiles)
        _report(progress, 0, total)
        for done, (future, result) in enumerate(
                as_completed([f for f, _, _ in pending.values()], loop=client.loop,
                             with_results=True), 1):
            _, i, j = pending.pop(future.key)
            future.release()  # the client has the tile: free the worker's memory
            consume(i, j, result)
            _report(progress, done, total)
    finally:
        client.cancel([f for f, _, _ in pending.values()] + held)


def soft_dtw_cdist(client, X, Y=None, *, gamma=1.0, cost="sqeuclidean", band=None,
                   divergence=False, out=None, progress: Progress = None):
    r"""Matrix of soft-DTW values (or divergences) between two collections, on a cluster.

    .. math::

        M_{ab} = \operatorname{dtw}_\gamma(X_a, Y_b) \quad \text{or} \quad
        M_{ab} = D_\gamma(X_a, Y_b)

    The same numbers as :func:`softdtw_core.soft_dtw_cdist` (the same kernels), computed
    in tiles balanced by DP cells, one task per tile (module docstring).

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster (:func:`connect`).
    X : list of series, ndarray of shape (n_x, length) or (n_x, length, d), or dask.array
        First collection; lengths may differ (not in an array).
    Y : same types, or None
        Second collection; ``None`` compares ``X`` with itself (only the tiles on and above
        the diagonal are computed).
    gamma : float, default 1.0
        Smoothing ``γ >= 0``.
    cost : {"sqeuclidean", "absolute"}
        The ground cost.
    band : float or None
        Sakoe-Chiba radius for every pair.
    divergence : bool, default False
        Return ``D_γ(x, y) = dtw_γ(x, y) - ½ (dtw_γ(x, x) + dtw_γ(y, y))``.
    out : str or os.PathLike, optional
        A Zarr store path: the matrix is written there tile by tile (never whole in
        memory; what exists at that path is replaced) and the Zarr array is returned.
        Entries of a job that stops early stay NaN.
    progress : callable, optional
        ``progress(tiles_done, tiles_total)``; returning ``True`` cancels the job
        (:class:`JobCancelled`).

    Returns
    -------
    ndarray or zarr.Array, shape (n_x, n_y)
        ``M``.

    Raises
    ------
    ValueError
        For invalid inputs (as the in-process function).
    ConnectionError
        When the client is closed or the cluster has no worker.
    JobCancelled
        When ``progress`` returned ``True``.

    See Also
    --------
    softdtw_core.soft_dtw_cdist : in this process.
    soft_dtw_knn : the nearest neighbours only, without the matrix.

    Examples
    --------
    See the module docstring.
    """
    plan = _plan_tiles(client, X, Y, gamma, cost, band)
    bounds_a, bounds_b = plan.bounds_a, plan.bounds_b
    shape = (int(bounds_a[-1]), int(bounds_b[-1]))
    if out is None:
        M = np.empty(shape)
    else:
        import zarr

        M = zarr.create_array(store=os.fspath(out), shape=shape, dtype="float64",
                              fill_value=np.nan, overwrite=True,
                              chunks=(int(bounds_a[1]), int(bounds_b[1])))

    def put(i, j, tile):
        a0, a1, b0, b1 = bounds_a[i], bounds_a[i + 1], bounds_b[j], bounds_b[j + 1]
        M[a0:a1, b0:b1] = tile
        if plan.symmetric and i != j:
            M[b0:b1, a0:a1] = tile.T

    _run_tiles(client, plan, divergence, progress, _tile_values, lambda i, j: (), put)
    return M


def soft_dtw_knn(client, X, Y=None, *, n_neighbors=10, gamma=1.0, cost="sqeuclidean",
                 band=None, divergence=False, progress: Progress = None):
    r"""The ``n_neighbors`` nearest series of ``Y`` (or of ``X``) to each series of ``X``.

    .. math::

        \operatorname{knn}(a) = \text{the } k \text{ indices } b \text{ of smallest }
        M_{ab} \; (b \ne a \text{ when } Y = X)

    with ``M`` as in :func:`soft_dtw_cdist`. Each tile task returns the partial top-k lists
    of its rows (and of its columns, for a tile that also stands for its mirror); the
    client merges them as they arrive, so it holds ``n_x × n_neighbors`` numbers, never the
    matrix. Ties are broken by the smaller index.

    Parameters
    ----------
    client, X, Y, gamma, cost, band, divergence, progress
        As in :func:`soft_dtw_cdist`; with ``Y=None`` a series is not its own neighbour.
        With raw soft-DTW (``divergence=False``), ``dtw_γ(x, x)`` is not the smallest value
        of its row for γ > 0: the divergence is the dissimilarity to rank by.
    n_neighbors : int, default 10
        ``k``, at most the number of candidates (``n_y``, or ``n_x - 1`` for ``Y=None``).

    Returns
    -------
    distances : ndarray, shape (n_x, n_neighbors)
        ``M_{ab}`` of the neighbours, ascending along each row.
    indices : ndarray of int64, shape (n_x, n_neighbors)
        The neighbours ``b``.

    Raises
    ------
    ValueError, ConnectionError, JobCancelled
        As :func:`soft_dtw_cdist`.

    Examples
    --------
    See the module docstring.
    """
    plan = _plan_tiles(client, X, Y, gamma, cost, band)
    bounds_a, bounds_b = plan.bounds_a, plan.bounds_b
    k = check_int(n_neighbors, "n_neighbors")
    candidates = int(bounds_b[-1]) - (1 if plan.symmetric else 0)
    if k > candidates:
        raise ValueError(
            f"n_neighbors={k} but each series has only {candidates} candidates"
            + (" (X without the series itself)" if plan.symmetric else " (the series of Y)")
            + f": choose n_neighbors <= {candidates}."
        )
    distances = np.full((int(bounds_a[-1]), k), np.inf)
    indices = np.full((int(bounds_a[-1]), k), np.iinfo(np.int64).max, dtype=np.int64)

    def merge(rows, found):
        D = np.concatenate([distances[rows], found[0]], axis=1)
        I = np.concatenate([indices[rows], found[1]], axis=1)
        order = np.lexsort((I, D), axis=-1)[:, :k]
        distances[rows] = np.take_along_axis(D, order, axis=1)
        indices[rows] = np.take_along_axis(I, order, axis=1)

    def put(i, j, result):
        merge(slice(bounds_a[i], bounds_a[i + 1]), result[0])
        if result[1] is not None:
            merge(slice(bounds_b[j], bounds_b[j + 1]), result[1])

    _run_tiles(client, plan, divergence, progress, _knn_tile,
               lambda i, j: (k, int(bounds_a[i]), int(bounds_b[j]),
                             plan.symmetric and i != j), put)
    return distances, indices


# --------------------------------------------------------------------------- k-means, barycenters


def kmeans(client, X, n_clusters=3, *, gamma=1.0, init="k-means++", n_init=1, max_iter=50,
           tol=1e-6, random_state=None, assignment="softdtw", band=None,
           barycenter_max_iter=10, barycenter_tol=1e-6,
           progress: Progress = None) -> SoftDTWKMeans:
    r"""Soft-DTW k-means on a cluster: a fitted :class:`~softdtw_core.SoftDTWKMeans`.

    .. math::

        \min_{c, l} \sum_i L(x_i, c_{l_i})

    The Lloyd loop of :class:`~softdtw_core.SoftDTWKMeans`, with the series in chunks on
    the workers: the assignment is one task per chunk (its ``N_K × k`` distances come
    back); each centre update runs the barycenter optimiser on the client, every
    evaluation summing per-chunk partial values, gradients and MM statistics of the
    cluster's members (``n × d`` numbers per chunk). With the same parameters (and
    ``random_state``) it gives the labels of the in-process model and its centres to
    rounding.

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster (:func:`connect`).
    X : list of series, ndarray of shape (N, length) or (N, length, d), or dask.array
        The series; lengths may differ (not in an array).
    n_clusters, gamma, init, n_init, max_iter, tol, random_state, assignment, band
        As in :class:`~softdtw_core.SoftDTWKMeans`.
    barycenter_max_iter, barycenter_tol
        As in :class:`~softdtw_core.SoftDTWKMeans`.
    progress : callable, optional
        ``progress(assignments_done, assignments_at_most)``, after every assignment (and,
        with the same counts, after every map over the chunks); returning ``True`` cancels
        the job (:class:`JobCancelled`).

    Returns
    -------
    SoftDTWKMeans
        Fitted (``cluster_centers_``, ``labels_``, ``inertia_``, ``dtw_inertia_``,
        ``n_iter_``, ``converged_``); it holds no reference to the cluster.

    Raises
    ------
    ValueError, ConnectionError, JobCancelled
        As :func:`soft_dtw_cdist`.

    Examples
    --------
    >>> import numpy as np
    >>> from distributed import Client, LocalCluster
    >>> import softdtw_core as sd
    >>> from softdtw_core import distributed as sdd
    >>> t = np.arange(20.0)
    >>> X = [np.exp(-0.5 * (t - c) ** 2) for c in (6, 9, 12)] + [(t > c) * 1.0
    ...                                                          for c in (6, 9, 12)]
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0",
    ...                   processes=False) as cluster, Client(cluster) as client:
    ...     model = sdd.kmeans(client, X, 2, gamma=0.1, random_state=0)
    >>> model.labels_.tolist() == sd.SoftDTWKMeans(2, 0.1, random_state=0).fit(X).labels_.tolist()
    True
    """
    threads = _threads(client)
    model = SoftDTWKMeans(
        n_clusters, gamma, init=init, n_init=n_init, max_iter=max_iter, tol=tol,
        random_state=random_state, assignment=assignment, band=band,
        barycenter_max_iter=barycenter_max_iter, barycenter_tol=barycenter_tol,
    )
    data, univariate = dask_collection(client, X, "X", CHUNKS_PER_THREAD * threads)
    try:
        model.validate_collection(data)
        per_run = model.max_iter + 1
        total = per_run * (model.n_init if isinstance(model.init, str) else 1)
        done = 0
        data.poll = lambda: _report(progress, done, total)
        _report(progress, 0, total)
        for step in model.iterate_collection(data, univariate):
            done = step.run * per_run + step.iteration + 1
            _report(progress, done, total)
    finally:
        data.release()
    return model


def barycenter(client, X, gamma=1.0, *, weights=None, init="euclidean", objective="softdtw",
               length=None, band=None, max_iter=300, tol=1e-9, mm_steps=3, precondition=True,
               callback=None, keep_history=True, random_state=None,
               progress: Progress = None) -> BarycenterResult:
    r"""Soft-DTW barycenter on a cluster: the result of
    :func:`~softdtw_core.softdtw_barycenter` on the same input.

    .. math::

        X^\star = \operatorname*{argmin}_X \sum_j \frac{\lambda_j}{m_j} L(X, Y_j)

    The same optimiser (MM steps, then L-BFGS-B) runs on the client; each evaluation of
    the objective sums per-chunk partial values and gradient statistics computed on the
    workers.

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster (:func:`connect`).
    X : list of series, ndarray of shape (N, m) or (N, m, d), or dask.array
        The series ``Y_j``.
    gamma, weights, init, objective, length, band, max_iter, tol, mm_steps, precondition
        As in :func:`~softdtw_core.softdtw_barycenter`.
    callback, keep_history, random_state
        As in :func:`~softdtw_core.softdtw_barycenter`.
    progress : callable, optional
        ``progress(iterations_done, max_iter)`` after every iteration (and, with the same
        counts, after every map over the chunks); returning ``True`` cancels the job
        (:class:`JobCancelled`).

    Returns
    -------
    BarycenterResult
        As :func:`~softdtw_core.softdtw_barycenter` (objective equal to rounding).

    Raises
    ------
    ValueError, ConnectionError, JobCancelled
        As :func:`soft_dtw_cdist`.

    Examples
    --------
    >>> import numpy as np
    >>> from distributed import Client, LocalCluster
    >>> import softdtw_core as sd
    >>> from softdtw_core import distributed as sdd
    >>> t = np.arange(30.0)
    >>> X = np.stack([np.exp(-0.5 * (t - c) ** 2) for c in (10, 15, 20)])
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0",
    ...                   processes=False) as cluster, Client(cluster) as client:
    ...     res = sdd.barycenter(client, X, gamma=0.1)
    >>> local = sd.softdtw_barycenter(X, gamma=0.1)
    >>> bool(abs(res.objective - local.objective) <= 1e-9 * abs(local.objective))
    True
    """
    threads = _threads(client)
    data, univariate = dask_collection(client, X, "X", CHUNKS_PER_THREAD * threads)
    try:
        lam, length, gamma = check_options(len(data), weights, length, gamma, band)
        total = check_int(max_iter, "max_iter", minimum=0)
        done = 0
        data.poll = lambda: _report(progress, done, total)

        def on_step(step):
            nonlocal done
            done = step.iteration
            _report(progress, done, total)
            return callback(step) if callable(callback) else None

        _report(progress, 0, total)
        return solve_barycenter(
            data, univariate, lam, gamma, init=init, objective=objective, length=length,
            band=band, max_iter=max_iter, tol=tol, mm_steps=mm_steps,
            precondition=precondition, callback=on_step if callback is None or callable(
                callback) else callback, keep_history=keep_history, random_state=random_state,
        )
    finally:
        data.release()
