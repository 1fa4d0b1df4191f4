"""Soft-DTW as a PyTorch loss: forward + backward time and peak memory, beside the peers.

Run::

    python benchmarks/bench_torch.py            # the issue's three shapes (a few minutes)
    python benchmarks/bench_torch.py --quick    # small shapes, < 60 s (what the tests run)
    python benchmarks/bench_torch.py --no-peers --threads 1 2 --repeat 9   # 1 vs 2 threads
    python benchmarks/bench_torch.py --no-peers --kernel    # + CPU time of each thread

For each shape (B pairs of length n against length n, d dimensions, float64, γ = 1) and
each implementation, ``loss = soft_dtw(x, y).sum(); loss.backward()`` (gradients w.r.t. x
and y) is timed, best of ``--repeat`` runs after a warm-up (Numba compilation):

- ``softdtw_core.torch`` with one Numba thread and with both (``numba.set_num_threads``;
  ``--threads`` chooses the counts; the batch is spread over the library's thread pool,
  :func:`softdtw_core._internal.threads.run_chunks`). The runs of each thread count are
  interleaved round by round, so a burst of load from other processes hits both alike;
- ``pysdtw`` 0.0.5 (``pysdtw.SoftDTW(use_cuda=False)``) and tslearn 0.10
  (``tslearn.metrics.SoftDTWLossPyTorch``), single-threaded (torch and Numba both set to one
  thread), when installed (``pip install -r benchmarks/requirements.txt``); otherwise the
  row says 'not installed'. ``--no-peers`` leaves them out.

``--kernel`` adds a second table: the batched kernel alone
(``softdtw_core._internal.adapters.pairs_value_grad``, the forward pass's values and
gradients) on one thread and on two, with the CPU time each thread spent in its chunks
(``time.thread_time``): their sum against one thread's shows what running two at once costs
(shared caches, memory traffic), and the busiest thread bounds the two-thread time on an
idle machine, whatever the load was during the run.

Columns: wall time, ns per DP cell (``time / (B n²)``), the CPU time of the process over the
same runs (so a loaded machine shows as wall > CPU / threads), and the **peak memory** of one
forward + backward in bytes per cell. Memory: tracemalloc does not see torch's or Numba's
buffers, so the script resets the kernel's resident-set high-water mark
(``/proc/self/clear_refs``, Linux) after the timed runs and a ``malloc_trim``, and reports
``VmHWM - VmRSS`` around one more run: the pages the run touched beyond what was resident
before it (outputs, autograd buffers, the kernels' work arrays; not the inputs). The work
arrays the library keeps between calls (``threads.scratch``) are released first, so they
are counted as on a first call; other memory the allocator kept from earlier runs and reuses
is not counted, so this is a lower bound.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

SHAPES = ((64, 256, 1), (16, 512, 4), (256, 64, 1))
QUICK_SHAPES = ((8, 32, 1), (4, 48, 2))


# ---------------------------------------------------------------------------- measurement


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def _loss_function(method: str):
    """``f(x, y) -> (B,)`` losses, or None when the package is not installed."""
    if method == "softdtw_core":
        from softdtw_core.torch import soft_dtw

        return lambda x, y: soft_dtw(x, y, 1.0)
    try:
        if method == "pysdtw":
            import pysdtw

            return pysdtw.SoftDTW(gamma=1.0, use_cuda=False)
        from tslearn.metrics import SoftDTWLossPyTorch

        return SoftDTWLossPyTorch(gamma=1.0)
    except ImportError:
        return None


def _peak_bytes(run) -> int | None:
    """Pages one run touches beyond the resident set before it (Linux; None elsewhere)."""
    from softdtw_core._internal.threads import release_scratch

    try:
        release_scratch()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the high-water mark VmHWM to the current RSS
        before = _status_kib("VmRSS")
        run()
        return (_status_kib("VmHWM") - before) * 1024
    except OSError:
        return None


def _case(method: str, B: int, n: int, d: int, threads: int):
    """``(use_threads, run)``: set the thread counts, run one forward + backward; None if the
    package is not installed."""
    import numba
    import torch

    f = _loss_function(method)
    if f is None:
        return None
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(B, n, d, generator=gen, dtype=torch.float64, requires_grad=True)
    y = torch.randn(B, n, d, generator=gen, dtype=torch.float64, requires_grad=True)

    def run():
        x.grad = y.grad = None
        f(x, y).sum().backward()

    def use_threads():
        numba.set_num_threads(threads)
        torch.set_num_threads(threads)

    use_threads()
    run()  # warm-up: Numba compilation, caches
    return use_threads, run


def measure(cases: dict, repeat: int) -> dict:
    """Best wall time, mean CPU time and peak memory of each case's ``run``; the cases take
    turns, one run each per round."""
    best = dict.fromkeys(cases, float("inf"))
    cpu = dict.fromkeys(cases, 0.0)
    for _ in range(repeat):
        for key, (use_threads, run) in cases.items():
            use_threads()
            c0, t0 = time.process_time(), time.perf_counter()
            run()
            best[key] = min(best[key], time.perf_counter() - t0)
            cpu[key] += (time.process_time() - c0) / repeat
    return {key: {"best": best[key], "cpu": cpu[key], "peak": use_threads() or _peak_bytes(run)}
            for key, (use_threads, run) in cases.items()}


def kernel_threads(B: int, n: int, d: int, repeat: int) -> dict:
    """Best wall time, CPU sum and busiest thread's CPU of the batched kernel, per thread
    count (the chunk kernel wrapped to time each chunk on the thread that runs it)."""
    import numba
    import numpy as np

    from softdtw_core._internal import adapters

    chunk = adapters._chunk
    spent: dict[int, float] = {}

    def timed(c, n_chunks, slot, *args):
        t0 = time.thread_time()
        chunk(c, n_chunks, slot, *args)
        spent[slot] = spent.get(slot, 0.0) + time.thread_time() - t0

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(B, n, d)), rng.normal(size=(B, n, d))
    lengths = np.full(B, n)
    best: dict[int, tuple] = {}
    adapters._chunk = timed
    try:
        for _ in range(repeat + 1):  # the first round warms up
            for threads in (1, 2):
                numba.set_num_threads(threads)
                spent.clear()
                t0 = time.perf_counter()
                adapters.pairs_value_grad(X, Y, lengths, lengths, 1.0, -1.0, 0)
                r = (time.perf_counter() - t0, sum(spent.values()), max(spent.values()))
                best[threads] = tuple(map(min, zip(best.get(threads, r), r)))
    finally:
        adapters._chunk = chunk
    return best


def print_kernel_threads(shapes, repeat) -> None:
    print(f"\nbatched kernel alone (pairs_value_grad), best of {repeat}: wall, CPU of all "
          "threads, CPU of the busiest thread\n")
    print(f"| {'shape':<22} | {'1 thread':>9} | {'2 threads':>9} | {'CPU, 1 thread':>13} | "
          f"{'CPU, 2 threads':>14} | {'busiest':>9} | {'bound':>6} |")
    print(f"|{'-' * 24}|{'-' * 11}|{'-' * 11}|{'-' * 15}|{'-' * 16}|{'-' * 11}|{'-' * 8}|")
    for B, n, d in shapes:
        r = kernel_threads(B, n, d, repeat)
        (w1, c1, _), (w2, c2, busiest) = r[1], r[2]
        print(f"| {f'B = {B}, n = {n}, d = {d}':<22} | {w1 * 1e3:6.2f} ms | {w2 * 1e3:6.2f} ms | "
              f"{c1 * 1e3:10.2f} ms | {c2 * 1e3:11.2f} ms | {busiest * 1e3:6.2f} ms | "
              f"{c1 / busiest:5.2f}x |", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes, < 60 s")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per case")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts for softdtw_core.torch (default: 1 2)")
    parser.add_argument("--no-peers", action="store_true", help="leave pysdtw and tslearn out")
    parser.add_argument("--kernel", action="store_true",
                        help="also time the batched kernel alone, with each thread's CPU time")
    args = parser.parse_args(argv)
    shapes = QUICK_SHAPES if args.quick else SHAPES
    repeat = args.repeat or (2 if args.quick else 5)
    print("forward + backward of soft_dtw(x, y).sum() (gradients w.r.t. x and y), float64, "
          f"γ = 1, best of {repeat} (cpu: process CPU time per run)\n")
    print(f"| {'shape':<22} | {'implementation':<31} | {'time':>10} | {'ns/cell':>7} | "
          f"{'cpu':>10} | {'peak B/cell':>11} |")
    print(f"|{'-' * 24}|{'-' * 33}|{'-' * 12}|{'-' * 9}|{'-' * 12}|{'-' * 13}|")
    rows = [("softdtw_core", t) for t in args.threads]
    rows += [] if args.no_peers else [("pysdtw", 1), ("tslearn", 1)]
    for B, n, d in shapes:
        _print_shape(B, n, d, rows, repeat)
    if args.kernel:
        print_kernel_threads(shapes, repeat)


def _print_shape(B, n, d, rows, repeat) -> None:
    cells = B * n * n
    label = f"B = {B}, n = {n}, d = {d}"
    cases = {row: _case(*row[:1], B, n, d, row[1]) for row in rows}
    results = measure({k: run for k, run in cases.items() if run is not None}, repeat)
    for method, threads in rows:
        name = {"softdtw_core": f"softdtw_core.torch, {threads} thread" + "s" * (threads > 1),
                "pysdtw": "pysdtw 0.0.5 (CPU)",
                "tslearn": "tslearn 0.10 SoftDTWLossPyTorch"}[method]
        r = results.get((method, threads))
        if r is None:
            print(f"| {label:<22} | {name:<31} | {'not installed':>10} |")
            continue
        peak = "n/a" if r["peak"] is None else f"{r['peak'] / cells:.1f}"
        print(f"| {label:<22} | {name:<31} | {r['best'] * 1e3:7.1f} ms | "
              f"{r['best'] * 1e9 / cells:7.1f} | {r['cpu'] * 1e3:7.1f} ms | {peak:>11} |",
              flush=True)


if __name__ == "__main__":
    main()
