"""Every benchmark script runs in its ``--quick`` mode and prints its table (benchmarks
cannot rot silently).

Conventions for scripts in ``benchmarks/`` (a new one is picked up by the glob below):

- a *script* is a ``benchmarks/*.py`` file with an ``if __name__ == "__main__":`` block
  (helper modules such as ``ucr_archive.py`` have none and are not run);
- it accepts ``--quick``: a smoke run of every part at tiny sizes, seconds of CPU, that
  writes no file under ``benchmarks/results/``;
- it exits 0 and prints its table: the header listed in :data:`TABLES` for the scripts
  there, else at least one Markdown table row (``| ... |``);
- a part that needs an optional package (tslearn, torch, numba-cuda, a browser...) that is
  not installed is skipped, not failed: the script prints a line starting with
  ``skipped:`` naming what it skips, still exits 0, and prints the rest of its table (a
  script with nothing left to run prints only the ``skipped:`` line).

Timings are not checked here (speed is read from the printed tables, never asserted).
All the scripts run one after the other on one xdist worker (``xdist_group``), so under
``-n 2 --dist loadgroup`` the other worker keeps running the rest of the suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"

SCRIPTS = sorted(p.name for p in BENCHMARKS.glob("*.py")
                 if re.search(r'^if __name__ == "__main__":', p.read_text(), re.M))

#: The table header each script prints (a regular expression, searched line by line).
TABLES = {
    "bench_app.py": r"page\s+first render\s+rerun \(cached\)",
    "bench_classification.py": r"^dataset\s+γ NC",
    "bench_classroom.py": r"RSS after warm-up|^skipped:",
    "bench_core.py": r"\|\s+val\+grad\s+ns/cell",
    "bench_dilate_float32.py": r"^\s+n\s+sdtw-(before|after)\s+dil-",
    "bench_gpu.py": r"^\s+B\s+L\s+d\s+dtype\s+ms\s+ns/cell",
    "bench_distributed.py": r"^Nearest neighbours: \d+ series",
    "bench_learning.py": r"^task\s+tslearn\s+ours\s+ratio",
    "bench_memory.py": r"^\| n \| first call",
    "bench_torch.py": r"^\| shape\s+\| implementation\s+\| +time \| ns/cell",
    "bench_newton.py": r"^lowest F \(of \d+ runs\)",
    "bench_use_data.py": r"compute per iteration \(updates\)",
    "bench_use_pages.py": r"^measurement\s+\| seconds",
    "bench_warmup.py": r"^kernel \(exclusive compile CPU\)",
    "paper_tables.py": r"^## Table 3",
}
MARKDOWN_ROW = r"^\|.*\|\s*$"


def test_the_scripts_are_found():
    assert {"bench_core.py", "bench_memory.py", "paper_tables.py"} <= set(SCRIPTS)
    assert "ucr_archive.py" not in SCRIPTS  # a helper module, not a script


@pytest.mark.xdist_group("benchmarks")
@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_runs_in_quick_mode_and_prints_its_table(script, tmp_path):
    results = BENCHMARKS / "results"
    before = {p.name: p.stat().st_mtime_ns for p in results.glob("*")} if results.exists() else {}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # files, not pipes: the app's job worker processes (started by the AppTest scripts)
    # outlive the script for a while and would hold a pipe open; we wait for the script only
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("w") as fo, err.open("w") as fe:
        code = subprocess.run([sys.executable, str(BENCHMARKS / script), "--quick"],
                              cwd=tmp_path, env=env, stdout=fo, stderr=fe, timeout=900,
                              check=False).returncode
    stdout = out.read_text()
    tail = f"\n--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{err.read_text()[-3000:]}"
    assert code == 0, f"{script} --quick exited {code}{tail}"
    assert re.search(TABLES.get(script, MARKDOWN_ROW), stdout, re.M), (
        f"{script} --quick printed no table{tail}")
    after = {p.name: p.stat().st_mtime_ns for p in results.glob("*")} if results.exists() else {}
    assert after == before, f"{script} --quick wrote under benchmarks/results/"
