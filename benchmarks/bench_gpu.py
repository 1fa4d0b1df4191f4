"""Forward + backward of softdtw_core.cuda on a GPU, beside pysdtw on the same GPU.

Run on a machine with an NVIDIA GPU (installs nothing):
    pip install -r requirements-cuda.txt   # once
    python benchmarks/bench_gpu.py          # --quick: one timed run per row, < 3 minutes

Prints the device name, then for (B = 512, L = 256, d = 2), (B = 32, L = 2048, d = 1) and
(B = 8, L = 8192, d = 1), float32 and float64, γ = 1: the time of
``soft_dtw_value_and_grad`` (value + gradient w.r.t. X, device arrays in and out, median of
the timed runs after a compile run on a tiny batch), ns per DP cell (B L²), the memory mode
``mode="auto"`` picked, and device memory (``B/cell``: the estimate per DP cell): ``estimate`` is
:func:`softdtw_core.cuda.memory_estimate` (the bytes the call allocates besides X and Y);
``measured`` is the drop of the driver's free memory (``current_context().get_memory_info()``)
across the call inside ``cuda.defer_cleanup()`` (so nothing the call allocated is freed
before the second reading; the driver allocates in pages, so small figures round up). pysdtw
(``pysdtw.SoftDTW(use_cuda=True)``, torch autograd) runs on the same tensors when it and a CUDA
torch are installed: its peak is ``torch.cuda.max_memory_allocated`` above the inputs. It
computes in float32 and caps the length at 1024 (one thread per cell of a diagonal): past
that its row says why it failed.

A second table times the second-order pass, :func:`softdtw_core.cuda.soft_dtw_hvp`
(Hessian-vector products w.r.t. X and Y: what ``create_graph=True`` runs in PyTorch; DILATE's
backward pass runs the same kernel through ``expected_alignment_vjp``), with its memory
estimate (4 values per cell); a shape whose estimate exceeds half the free device memory is
skipped, saying so.

Without a GPU: with NUMBA_ENABLE_CUDASIM=1 the same code runs end to end in Numba's CUDA
simulator on tiny *simulator shapes* (timings of Python threads, not of a GPU; memory n/a);
without it, it prints "no CUDA device" and exits 0 (so that a test can run it anywhere).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GPU_SHAPES = [(512, 256, 2), (32, 2048, 1), (8, 8192, 1)]
SIM_SHAPES = [(2, 7, 2), (1, 10, 1)]


def device_name(cuda, simulator):
    if simulator:
        return "CUDA simulator (NUMBA_ENABLE_CUDASIM=1, no GPU)"
    name = cuda.get_current_device().name
    return name.decode() if isinstance(name, bytes) else str(name)


def free_bytes(cuda, simulator):
    return None if simulator else cuda.current_context().get_memory_info()[0]


def run_ours(cuda, sdc, X, Y, repeats, simulator, threads):
    """Median seconds of value + grad, and the measured device memory of one call."""
    times = []
    measured = None
    for r in range(repeats):
        with cuda.defer_cleanup():
            before = free_bytes(cuda, simulator)
            t0 = time.perf_counter()
            values, grad = sdc.soft_dtw_value_and_grad(X, Y, 1.0, threads_per_block=threads)
            cuda.synchronize()
            times.append(time.perf_counter() - t0)
            if r == 0 and before is not None:
                measured = before - free_bytes(cuda, simulator)
        del values, grad
    return statistics.median(times), measured


def second_order_table(cuda, sdc, shapes, repeats, simulator, threads, rng):
    """Median ms and ns per cell of soft_dtw_hvp, and its memory estimate."""
    header = (f"{'B':>4} {'L':>5} {'d':>2} {'dtype':>7}  {'hvp ms':>9} {'ns/cell':>8} "
              f"{'estimate':>12} {'B/cell':>6}")
    print("\nsecond order (soft_dtw_hvp: the double backward; DILATE's backward is the same "
          "kernel)")
    print(header)
    print("-" * len(header))
    for dtype in ("float32", "float64"):
        for B, L, d in shapes:
            cells = B * L * L
            estimate = sdc.memory_estimate(B, L, L, dtype, d=d, what="tangent")
            free = free_bytes(cuda, simulator)
            if free is not None and estimate > free / 2:
                print(f"{B:>4} {L:>5} {d:>2} {dtype:>7}  skipped: needs {mib(estimate)}, "
                      f"{mib(free)} free")
                continue
            X, Y, V, W = (cuda.to_device(rng.normal(size=(B, L, d)).astype(dtype))
                          for _ in range(4))
            times = []
            for _ in range(repeats + 1):  # the first run compiles
                t0 = time.perf_counter()
                out = sdc.soft_dtw_hvp(X, Y, V, W, 1.0, threads_per_block=threads)
                cuda.synchronize()
                times.append(time.perf_counter() - t0)
                del out
            seconds = statistics.median(times[1:])
            print(f"{B:>4} {L:>5} {d:>2} {dtype:>7}  {seconds * 1e3:>9.1f} "
                  f"{seconds / cells * 1e9:>8.2f} {mib(estimate):>12} {estimate / cells:>6.2f}")
            del X, Y, V, W


def run_pysdtw(B, L, d, dtype, repeats):
    """pysdtw on the same GPU: (median seconds, peak bytes) or the reason it did not run."""
    try:
        import pysdtw
        import torch
    except ImportError:
        return "not installed"
    if not torch.cuda.is_available():
        return "torch has no CUDA"
    try:
        tdtype = torch.float32 if dtype == "float32" else torch.float64
        x = torch.randn(B, L, d, device="cuda", dtype=tdtype, requires_grad=True)
        y = torch.randn(B, L, d, device="cuda", dtype=tdtype)
        sdtw = pysdtw.SoftDTW(gamma=1.0, use_cuda=True)
        sdtw(x[:1, :8], y[:1, :8]).sum().backward()  # compile
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            sdtw(x, y).sum().backward()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
            x.grad = None
        return statistics.median(times), torch.cuda.max_memory_allocated() - base
    except Exception as exc:  # report why the peer failed, keep benchmarking ours
        return f"fails: {type(exc).__name__}: {str(exc).splitlines()[0][:60]}"


def mib(b):
    if b is None:
        return "n/a"
    return f"{b / 2**10:.1f} KiB" if b < 2**20 else f"{b / 2**20:.1f} MiB"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per row")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        import numba
        from numba import cuda
    except ImportError as exc:
        print(f"numba-cuda is not installed ({exc}): pip install -r requirements-cuda.txt")
        return 0
    simulator = bool(numba.core.config.ENABLE_CUDASIM)
    if not cuda.is_available():
        print("no CUDA device (set NUMBA_ENABLE_CUDASIM=1 to run the simulator shapes)")
        return 0
    from softdtw_core import cuda as sdc

    print(f"device: {device_name(cuda, simulator)}")
    shapes = SIM_SHAPES if simulator else GPU_SHAPES
    if simulator:
        print("simulator shapes (tiny; times are the simulator's Python threads, not a GPU's)")
    repeats = 1 if args.quick else args.repeats
    threads = 4 if simulator else None
    rng = np.random.default_rng(0)
    header = (f"{'B':>4} {'L':>5} {'d':>2} {'dtype':>7}  {'ms':>9} {'ns/cell':>8} {'mode':>9} "
              f"{'estimate':>12} {'B/cell':>6} {'measured':>12}   pysdtw (same GPU)")
    print(header)
    print("-" * len(header))
    for dtype in ("float32", "float64"):
        tiny = cuda.to_device(rng.normal(size=(1, 3, 1)).astype(dtype))
        sdc.soft_dtw_value_and_grad(tiny, tiny, 1.0, threads_per_block=threads)  # compile
        cuda.synchronize()
        for B, L, d in shapes:
            X = cuda.to_device(rng.normal(size=(B, L, d)).astype(dtype))
            Y = cuda.to_device(rng.normal(size=(B, L, d)).astype(dtype))
            seconds, measured = run_ours(cuda, sdc, X, Y, repeats, simulator, threads)
            estimate = sdc.memory_estimate(B, L, L, dtype, "auto", d=d)
            stored = sdc.memory_estimate(B, L, L, dtype, "stored", d=d)
            mode = "stored" if estimate == stored else "recompute"
            cells = B * L * L
            peer = "simulator: not run" if simulator else run_pysdtw(B, L, d, dtype, repeats)
            if isinstance(peer, tuple):
                peer = (f"{peer[0] * 1e3:.1f} ms, {peer[0] / cells * 1e9:.2f} ns/cell, "
                        f"peak {mib(peer[1])}")
            print(f"{B:>4} {L:>5} {d:>2} {dtype:>7}  {seconds * 1e3:>9.1f} "
                  f"{seconds / cells * 1e9:>8.2f} {mode:>9} {mib(estimate):>12} "
                  f"{estimate / cells:>6.2f} {mib(measured):>12}   {peer}")
            del X, Y
    second_order_table(cuda, sdc, shapes, repeats, simulator, threads, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
