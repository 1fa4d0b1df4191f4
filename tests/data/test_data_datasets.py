"""Bundled datasets: shapes and label counts against the archive's published sizes."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.data import (
    DATASETS,
    as_series_list,
    assets_dir,
    dataset_summary,
    list_datasets,
    load_dataset,
    to_dataset_array,
)

# name: (n_train, n_test, length or None, dim, n_classes), from the UCR/UEA archive pages
PUBLISHED = {
    "GunPoint": (50, 150, 150, 1, 2),
    "ECG200": (100, 100, 96, 1, 2),
    "CBF": (30, 900, 128, 1, 3),
    "Trace": (100, 100, 275, 1, 4),
    "ItalyPowerDemand": (67, 1029, 24, 1, 2),
    "Chinatown": (20, 343, 24, 1, 2),
    "ArrowHead": (36, 175, 251, 1, 3),
    "Coffee": (28, 28, 286, 1, 2),
    "ECGFiveDays": (23, 861, 136, 1, 2),
    "FaceFour": (24, 88, 350, 1, 4),
    "PickupGestureWiimoteZ": (50, 50, None, 1, 10),
    "BasicMotions": (40, 40, 100, 6, 4),
}


def test_list_datasets():
    assert list_datasets() == list(PUBLISHED)
    assert set(DATASETS) == set(PUBLISHED)


@pytest.mark.parametrize("name", list(PUBLISHED))
@pytest.mark.parametrize("split", ["train", "test"])
def test_published_sizes(name, split):
    n_train, n_test, length, dim, n_classes = PUBLISHED[name]
    ds = load_dataset(name, split)
    n = n_train if split == "train" else n_test
    assert ds.name == name and ds.split == split and ds.description
    assert len(ds.labels) == n == len(ds) == ds.metadata["n_series"]
    assert len(np.unique(ds.labels)) == n_classes
    assert sum(ds.metadata["class_counts"].values()) == n
    if length is None:
        assert isinstance(ds.series, list) and len(ds.series) == n
        lengths = [len(s) for s in ds.series]
        assert min(lengths) < max(lengths)  # really variable length
        assert all(s.ndim == 1 and np.isfinite(s).all() for s in ds.series)
    elif dim == 1:
        assert ds.series.shape == (n, length) and ds.series.dtype == np.float64
    else:
        assert ds.series.shape == (n, length, dim)
    flat = np.concatenate([np.ravel(s) for s in as_series_list(ds.series)])
    assert np.isfinite(flat).all()


def test_label_counts_exact():
    # class balance as distributed in the archive files
    assert load_dataset("GunPoint", "train").metadata["class_counts"] == {"1": 24, "2": 26}
    assert load_dataset("ECG200", "test").metadata["class_counts"] == {"-1": 36, "1": 64}
    assert load_dataset("CBF", "test").metadata["class_counts"] == {"1": 300, "2": 298,
                                                                    "3": 302}
    assert load_dataset("Chinatown", "test").metadata["class_counts"] == {"1": 94, "2": 249}
    bm = load_dataset("BasicMotions", "train")
    assert bm.labels.dtype.kind == "U"
    assert bm.metadata["class_counts"] == {"Badminton": 10, "Running": 10, "Standing": 10,
                                           "Walking": 10}
    pick = load_dataset("PickupGestureWiimoteZ", "test")
    assert set(pick.metadata["class_counts"].values()) == {5}


def test_known_values():
    # first values of the first GunPoint training series in the UCR 2018 .tsv file
    X, y, _ = load_dataset("GunPoint")
    assert y[0] == 2
    np.testing.assert_array_equal(X[0, :3], [-0.6478854, -0.64199155, -0.63818632])
    pick = load_dataset("PickupGestureWiimoteZ", "train")
    assert min(len(s) for s in pick.series) == 29 and max(len(s) for s in pick.series) == 361


def test_unpacking_and_all_split_and_case():
    X, y, meta = load_dataset("coffee", "all")
    assert X.shape == (56, 286) and len(y) == 56 and meta["split"] == "all"
    tr = load_dataset("Coffee", "train")
    np.testing.assert_array_equal(X[:28], tr.series)


def test_fresh_copies():
    a = load_dataset("Chinatown")
    a.series[:] = 0
    b = load_dataset("Chinatown")
    assert np.abs(b.series).sum() > 0
    p = load_dataset("PickupGestureWiimoteZ")
    p.series[0][:] = 0
    assert np.abs(load_dataset("PickupGestureWiimoteZ").series[0]).sum() > 0


def test_errors():
    with pytest.raises(KeyError, match="unknown dataset"):
        load_dataset("NoSuchData")
    with pytest.raises(ValueError, match="split"):
        load_dataset("CBF", "validation")


def test_summary():
    s = dataset_summary("BasicMotions")
    assert (s["n_train"], s["n_test"], s["length"], s["dim"], s["n_classes"]) == (
        40, 40, 100, 6, 4)
    p = dataset_summary("PickupGestureWiimoteZ")
    assert p["variable_length"] and p["length"] is None
    assert (p["length_min"], p["length_max"]) == (29, 361)


def test_assets_budget_and_manifest():
    root = assets_dir()
    files = sorted(root.glob("*.npz"))
    assert {f.stem for f in files} == set(PUBLISHED)
    assert sum(f.stat().st_size for f in files) <= 8 * 1024 * 1024
    manifest = json.loads((root / "manifest.json").read_text())
    for name, (n_train, n_test, _, dim, _) in PUBLISHED.items():
        entry = manifest[name]
        assert entry["train"]["n_series"] == n_train and entry["test"]["n_series"] == n_test
        assert entry["train"]["dim"] == dim
        assert all(len(src["sha256"]) == 64 for src in entry["sources"])
        assert entry["bytes"] == (root / entry["file"]).stat().st_size


def test_no_streamlit_import():
    code = "import sys, explorer.data; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(__file__).resolve().parents[2])
    import explorer.data

    src = Path(explorer.data.__file__).parent
    for f in src.glob("*.py"):
        assert "streamlit" not in f.read_text(), f


def test_conversions():
    lst = [np.arange(3.0), np.arange(5.0)]
    padded = to_dataset_array(lst, pad_value=np.nan)
    assert padded.shape == (2, 5) and np.isnan(padded[0, 3:]).all()
    with pytest.raises(ValueError, match="different lengths"):
        to_dataset_array(lst)
    back = as_series_list(padded)
    assert [len(s) for s in back] == [3, 5]
    np.testing.assert_array_equal(back[1], lst[1])
    mv = np.random.default_rng(0).normal(size=(4, 7, 3))
    assert to_dataset_array(as_series_list(mv)).shape == (4, 7, 3)
    np.testing.assert_array_equal(to_dataset_array(as_series_list(mv)), mv)
    assert as_series_list(np.arange(4.0))[0].shape == (4,)
    with pytest.raises(ValueError, match="dimensions"):
        to_dataset_array([np.zeros(3), np.zeros((3, 2))])
