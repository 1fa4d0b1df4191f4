"""The public surface of softdtw_core: every name of ``sd.__all__`` (listed here, so that a
removed or renamed name fails), the public module paths, and a light ``import softdtw_core``."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import softdtw_core as sd

ROOT = Path(__file__).resolve().parents[2]

PUBLIC_NAMES = [
    "BarycenterResult", "DBAKMeans", "DEFAULT_MAX_CELLS", "DEFAULT_MEMORY_BUDGET",
    "EuclideanKMeans", "GammaSuggestion",
    "InterpolationResult", "KMeansStep", "MLPPredictor", "OptimizationResult",
    "OptimizationStep", "SoftDTWKMeans", "SoftDTWKNeighborsClassifier",
    "SoftDTWNearestCentroid", "SoftDTWTables", "TrainingResult", "accumulated_cost",
    "alignment_matrices", "alignment_statistics", "band_mask", "brute_force_soft_dtw",
    "cost_jacobian_product", "cost_matrix", "dba_barycenter", "delannoy", "dilate_loss",
    "dilate_value_and_grad", "dtw_inertia", "dtw_inertia_score", "dtw_loss", "dtw_path",
    "euclidean_barycenter", "euclidean_interpolation", "expected_alignment_jvp", "gamma_grid",
    "interpolate", "interpolation_path", "neg_mean_dtw_score", "path_entropy", "path_to_matrix",
    "resample", "sharp_soft_dtw", "sharp_soft_dtw_value_and_grad", "soft_dtw",
    "soft_dtw_alignment", "soft_dtw_cdist", "soft_dtw_divergence",
    "soft_dtw_divergence_value_and_grad", "soft_dtw_hvp", "soft_dtw_tables",
    "soft_dtw_value_and_grad", "soft_dtw_value_and_grad_batch", "softdtw_barycenter", "softmin",
    "softmin_weights", "split_series", "subgradient_barycenter", "suggest_gamma",
    "temporal_distortion_index", "temporal_distortion_matrix", "warm_up",
]

PUBLIC_MODULES = [
    "band", "barycenter", "batch", "classification", "costs", "dilate", "distributed",
    "divergence", "enumeration", "gamma", "interpolation", "kmeans", "pairwise", "predictor",
    "recursion", "results", "second_order", "softmin", "warmup", "cuda", "torch", "jax",
]

# What ``import softdtw_core`` must not load: the framework adapters' libraries, the UI's, and
# what the estimators and the cluster routines load on first use.
HEAVY = ["torch", "jax", "numba.cuda", "sklearn", "streamlit", "plotly", "dask", "distributed"]


def test_all_lists_exactly_the_public_names():
    assert sorted(sd.__all__) == sorted(PUBLIC_NAMES)
    assert len(set(sd.__all__)) == len(sd.__all__)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_each_public_name_is_importable_both_ways(name):
    value = getattr(sd, name)
    namespace = {}
    exec(f"from softdtw_core import {name}", namespace)
    assert namespace[name] is value
    assert name in dir(sd)


def test_a_missing_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'soft_dtww'"):
        sd.soft_dtww  # noqa: B018
    with pytest.raises(ImportError):
        exec("from softdtw_core import soft_dtww", {})


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_each_public_module_path_is_importable(module):
    imported = importlib.import_module(f"softdtw_core.{module}")
    assert imported.__name__ == f"softdtw_core.{module}"
    exported = getattr(imported, "__all__", [])
    assert exported and all(hasattr(imported, name) for name in exported)


def test_the_public_modules_are_all_listed():
    on_disk = sorted(p.stem for p in (ROOT / "softdtw_core").glob("*.py")
                     if not p.stem.startswith("_"))
    assert on_disk == sorted(PUBLIC_MODULES)


def test_importing_the_package_loads_nothing_heavy():
    code = ("import json, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "import softdtw_core\n"
            "print(json.dumps([softdtw_core.__file__, sorted(m for m in sys.modules if any(\n"
            f"    m == h or m.startswith(h + '.') for h in {HEAVY!r}))]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=True)
    where, loaded = json.loads(out.stdout)
    assert Path(where) == ROOT / "softdtw_core" / "__init__.py"
    assert loaded == []


def test_the_check_sees_a_heavy_import():
    """The same probe, after touching an estimator: scikit-learn is then loaded."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "import softdtw_core\n"
            "softdtw_core.SoftDTWKMeans\n"
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=True)
    assert out.stdout.strip() == "True"
