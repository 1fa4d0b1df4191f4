"""benchmarks/bench_gpu.py runs end to end (both tables: forward + backward, and the
second-order pass): in the CUDA simulator on its simulator shapes,
and without a device it says so and exits 0 (both ways in CI, which has no GPU)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("cuda_bench")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_gpu.py"


def run(simulator: str):
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM=simulator)
    return subprocess.run([sys.executable, str(SCRIPT), "--quick"], env=env,
                          capture_output=True, text=True, timeout=300)


def test_every_row_runs_in_the_simulator():
    out = run("1")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "device: CUDA simulator (NUMBA_ENABLE_CUDASIM=1, no GPU)"
    assert "simulator shapes" in lines[1]
    blank = lines.index("")
    rows = [line.split() for line in lines[4:blank]]
    expected = [(B, L, d, dtype) for dtype in ("float32", "float64")
                for B, L, d in (("2", "7", "2"), ("1", "10", "1"))]
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == expected
    for r in rows:
        assert float(r[4]) > 0 and float(r[5]) > 0 and r[6] == "stored"
    assert lines[blank + 1].startswith("second order (soft_dtw_hvp")
    second = [line.split() for line in lines[blank + 4:]]  # hvp ms, ns/cell, estimate
    assert [tuple(r[:4]) for r in second] == expected
    for r in second:
        assert float(r[4]) > 0 and float(r[5]) > 0 and float(r[8]) > 0


def test_without_the_simulator_it_needs_a_device():
    out = run("0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(("no CUDA device", "device: ")), out.stdout
