"""Every script in examples/ runs as a user would run it (``--quick``) and prints what it says.

Each example is run in a fresh interpreter from the repository root, with the repository on
PYTHONPATH (as after the README's install command), and must exit 0. Scripts added later are
picked up by the glob and held to the same conventions; the three below also have their
printed results checked against what they claim to show.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run_example(path: Path) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    out = subprocess.run([sys.executable, str(path.relative_to(ROOT)), "--quick"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"{path.name} --quick failed:\n{out.stdout}\n{out.stderr}"
    assert out.stdout.strip(), f"{path.name} --quick printed nothing"
    return out.stdout


def number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in the output:\n{text}"
    return float(match.group(1))


def test_the_examples_folder_has_the_documented_scripts():
    names = {p.name for p in EXAMPLES}
    assert {"quickstart.py", "kmeans.py", "barycenter.py"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_follows_the_conventions(path):
    """A docstring that says how to run it (with --quick), and a main guard."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    assert f"python examples/{path.name}" in doc and "--quick" in doc, (
        f"{path.name}: its docstring should show `python examples/{path.name}` and `--quick`")
    assert "__main__" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_quick(path):
    out = run_example(path)
    if path.name == "quickstart.py":
        assert number(r"largest gap to finite differences ([\d.e+-]+)", out) < 1e-5
        assert number(r"gradient rebuilt from E: largest gap ([\d.e+-]+)", out) < 1e-10
        dtw = number(r"DTW \(gamma = 0\) = ([\d.e+-]+)", out)
        assert number(r"soft-DTW at gamma = 1e-6: ([-\d.e+]+)", out) == pytest.approx(dtw, abs=1e-4)
        assert number(r"soft-DTW value dtw_gamma\(x, y\) = ([-\d.e+]+)", out) < dtw
        # the soft-DTW barycenter of shifted bumps keeps a bump; the Euclidean mean flattens it
        soft_height = number(r"shifted bumps of height 1 .*?: height ([\d.]+)", out)
        assert soft_height > 2 * number(r"Euclidean mean of the same bumps: height ([\d.]+)", out)
    elif path.name == "kmeans.py":
        soft = number(r"soft-DTW k-means\s+adjusted Rand index ([-\d.]+)", out)
        euclid = number(r"Euclidean k-means\s+adjusted Rand index ([-\d.]+)", out)
        assert soft > euclid and soft > 0.5, out  # CBF's shifted events: soft-DTW finds them
        assert "iteration 0" in out
    elif path.name == "barycenter.py":
        mean = number(r"Euclidean mean\s+([\d.]+)", out)
        assert number(r"soft-DTW gamma=0.1\s+([\d.]+)", out) < mean
        assert number(r"DBA\s+([\d.]+)", out) < mean
