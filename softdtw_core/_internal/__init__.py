"""The private machinery of :mod:`softdtw_core`: kernels and helpers that users never call.

The public modules of ``softdtw_core/`` are named by concept (``recursion``, ``barycenter``,
``kmeans``, ``distributed``, …) and validate their inputs; what they share lives here. Only
``softdtw_core`` itself (and its tests and benchmarks) imports from this package; its names
may change without notice.

- :mod:`.validation`: every input check (``ValueError`` naming argument, value and fix) and
  the dataset layout (series as C-contiguous float64 ``(length, d)`` arrays).
- :mod:`.numba_cache`: drops Numba's on-disk cache when the package's sources change
  (imported first by ``softdtw_core``).
- :mod:`.threads`: the library's thread pool (``run_chunks``) and reused scratch buffers.
- :mod:`.dp`: the dynamic programme: problem set-up (:func:`.dp.problem`), the row-major
  Bellman passes keeping whole tables, their tangents, the hard path.
- :mod:`.wavefront`: the anti-diagonal kernels over interleaved lanes (values, E, gradients).
- :mod:`.checkpoint`: the checkpointed backward pass of long pairs (R kept every few
  anti-diagonals, each segment recomputed): gradients and E in little memory.
- :mod:`.fastmath`: branch-free exp/log that LLVM vectorises, inlined by the wavefront kernels.
- :mod:`.small`: the one-call kernel of small squared-Euclidean problems.
- :mod:`.interpreted`: the row-major tables (and the values, alignments and gradients they
  give) without compiling, while Numba compiles (:func:`softdtw_core.warmup.interpreted`).
- :mod:`.diagonals`: the row-major Bellman passes swept by anti-diagonals in NumPy, bit for
  bit the compiled kernels' results.
- :mod:`.collection`: series here or in chunks as one collection the optimisers map over.
- :mod:`.dask_chunks`: those chunks on Dask workers (for :mod:`softdtw_core.distributed`).
- :mod:`.barycenter_solver`: the barycenter optimiser (objective, MM steps, L-BFGS-B) shared
  by :mod:`softdtw_core.barycenter`, :mod:`softdtw_core.kmeans` and the cluster routines.
- :mod:`.lloyd`: the Lloyd loop of the k-means classes.
- :mod:`.adapters`: batched kernels of pairs (ragged, banded, both gradients, second order)
  behind :mod:`softdtw_core.torch` and :mod:`softdtw_core.jax`; NumPy in, NumPy out.
- :mod:`.cuda_adapters`: the same interface over :mod:`softdtw_core.cuda` (numba-cuda), for
  CUDA tensors in :mod:`softdtw_core.torch` (first order, squared Euclidean cost).
- :mod:`.recorder`: recording an optimiser's steps and honouring a callback's stop request.
"""
