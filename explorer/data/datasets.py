"""Bundled UCR/UEA datasets shipped in ``assets/`` and helpers to convert series containers.

Series conventions used throughout :mod:`explorer.data`:

* equal-length univariate collection: ``ndarray`` of shape ``(n, length)``;
* equal-length multivariate collection: ``ndarray`` of shape ``(n, length, d)``;
* variable-length collection: ``list`` of arrays, each ``(length_i,)`` or ``(length_i, d)``,
  never NaN-padded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetInfo",
    "as_series_list",
    "assets_dir",
    "dataset_summary",
    "list_datasets",
    "load_dataset",
    "to_dataset_array",
]


@dataclass(frozen=True)
class DatasetInfo:
    """Static description of a bundled dataset.

    Attributes
    ----------
    name : str
        Archive name, e.g. ``"GunPoint"``.
    description : str
        One or two sentences on what the series are.
    classes : dict
        Meaning of each class label (as text), where the archive documents it.
    n_train, n_test : int
        Published split sizes.
    length : int or None
        Series length, ``None`` for variable-length datasets.
    dim : int
        Number of channels (1 for univariate).
    archive : str
        ``"UCR"`` (univariate, 2018) or ``"UEA"`` (multivariate, 2018).
    """

    name: str
    description: str
    classes: dict[str, str]
    n_train: int
    n_test: int
    length: int | None
    dim: int = 1
    archive: str = "UCR"


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        DatasetInfo(
            "GunPoint",
            "X coordinate of an actor's right hand, filmed while drawing a replica gun from a "
            "hip holster and pointing it, or only pointing a finger (Ratanamahatana & Keogh).",
            {"1": "Gun-Draw", "2": "Point"},
            50, 150, 150,
        ),
        DatasetInfo(
            "ECG200",
            "One heartbeat of an electrocardiogram recording per series (Olszewski, 2001).",
            {"-1": "myocardial infarction (abnormal)", "1": "normal heartbeat"},
            100, 100, 96,
        ),
        DatasetInfo(
            "CBF",
            "Synthetic Cylinder-Bell-Funnel shapes with random onsets, durations and noise "
            "(Saito, 1994).",
            {"1": "cylinder", "2": "bell", "3": "funnel"},
            30, 900, 128,
        ),
        DatasetInfo(
            "Trace",
            "Synthetic transients simulating instrumentation failures in a nuclear power plant "
            "(Roverso, 2000); 4 of the original 16 classes.",
            {"1": "class 1", "2": "class 2", "3": "class 3", "4": "class 4"},
            100, 100, 275,
        ),
        DatasetInfo(
            "ItalyPowerDemand",
            "Twelve months of 1997 Italian electrical power demand, one day (24 hourly values) "
            "per series; the two classes separate October-March days from April-September "
            "days.",
            {"1": "class 1", "2": "class 2"},
            67, 1029, 24,
        ),
        DatasetInfo(
            "Chinatown",
            "Hourly pedestrian counts at the Chinatown-Swanston St (North) sensor in Melbourne, "
            "2017, one day per series.",
            {"1": "weekend", "2": "weekday"},
            20, 343, 24,
        ),
        DatasetInfo(
            "ArrowHead",
            "Outlines of projectile points (arrowheads) converted to 1-D distance-from-centre "
            "profiles; three classes: Avonlea, Clovis and Mix points.",
            {"0": "class 0", "1": "class 1", "2": "class 2"},
            36, 175, 251,
        ),
        DatasetInfo(
            "Coffee",
            "Fourier-transform infrared spectra of instant coffee; the two classes are the "
            "species Arabica and Robusta.",
            {"0": "class 0", "1": "class 1"},
            28, 28, 286,
        ),
        DatasetInfo(
            "ECGFiveDays",
            "Single heartbeats from one 67-year-old man's ECG; the two classes are the two "
            "recording dates, five days apart (12 and 17 November 1990).",
            {"1": "class 1", "2": "class 2"},
            23, 861, 136,
        ),
        DatasetInfo(
            "FaceFour",
            "Head profiles from face photographs converted to 1-D outline series; one class "
            "per person.",
            {"1": "person 1", "2": "person 2", "3": "person 3", "4": "person 4"},
            24, 88, 350,
        ),
        DatasetInfo(
            "PickupGestureWiimoteZ",
            "Z-axis acceleration of a Wii remote while performing ten different gestures "
            "(variable length).",
            {str(k): f"gesture {k}" for k in range(1, 11)},
            50, 50, None,
        ),
        DatasetInfo(
            "BasicMotions",
            "Smart-watch 3-D accelerometer and 3-D gyroscope (6 channels), ten seconds at "
            "10 Hz, while four students performed four activities.",
            {c: c.lower() for c in ("Standing", "Running", "Walking", "Badminton")},
            40, 40, 100, dim=6, archive="UEA",
        ),
    ]
}

_SPLITS = ("train", "test", "all")


@dataclass(frozen=True)
class Dataset:
    """One split of a bundled dataset.

    Unpacks as ``series, labels, metadata = load_dataset(...)``.

    Attributes
    ----------
    series : ndarray or list of ndarray
        ``(n, length)`` or ``(n, length, d)`` array; a list for variable-length data.
    labels : ndarray
        One label per series (``int64`` for numeric archive labels, else ``str``).
    name : str
        Dataset name.
    split : str
        ``"train"``, ``"test"`` or ``"all"`` (train followed by test).
    description : str
        Short description of the data.
    metadata : dict
        ``n_series``, ``length_min``, ``length_max``, ``dim``, ``classes`` (label -> meaning),
        ``class_counts``, ``variable_length``, ``archive``.
    """

    series: np.ndarray | list[np.ndarray]
    labels: np.ndarray
    name: str
    split: str
    description: str
    metadata: dict = field(default_factory=dict)

    def __iter__(self) -> Iterator:
        return iter((self.series, self.labels, self.metadata))

    def __len__(self) -> int:
        return len(self.labels)


def assets_dir() -> Path:
    """Directory holding the bundled ``.npz`` files.

    Returns
    -------
    pathlib.Path
        ``$SOFTDTW_ASSETS_DIR`` when set, else the repository's ``assets/`` folder.
    """
    env = os.environ.get("SOFTDTW_ASSETS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "assets"


def list_datasets() -> list[str]:
    """Names of the bundled datasets, in a stable display order.

    Returns
    -------
    list of str
    """
    return list(DATASETS)


def _resolve(name: str) -> str:
    if name in DATASETS:
        return name
    lowered = {k.lower(): k for k in DATASETS}
    if name.lower() in lowered:
        return lowered[name.lower()]
    raise KeyError(f"unknown dataset {name!r}; available: {', '.join(DATASETS)}")


@lru_cache(maxsize=32)
def _load_split(name: str, split: str) -> tuple[np.ndarray | tuple[np.ndarray, ...], np.ndarray]:
    path = assets_dir() / f"{name}.npz"
    if not path.exists():
        raise FileNotFoundError(
            f"bundled dataset file {path} is missing; rebuild it with assets/build_assets.py"
        )
    with np.load(path, allow_pickle=False) as z:
        y = z[f"y_{split}"]
        if f"X_{split}" in z:
            X = z[f"X_{split}"]
        else:
            values = z[f"X_{split}_values"]
            lengths = z[f"X_{split}_lengths"]
            X = tuple(np.split(values, np.cumsum(lengths)[:-1]))
    return X, y


def _readonly_copy(X):
    if isinstance(X, tuple):
        return [x.copy() for x in X]
    return X.copy()


def load_dataset(name: str, split: str = "train") -> Dataset:
    """Load one split of a bundled dataset.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets` (case-insensitive).
    split : {"train", "test", "all"}
        Which split; ``"all"`` concatenates train then test.

    Returns
    -------
    Dataset
        Fresh arrays (safe to modify). Variable-length datasets give a list of 1-D arrays.

    Raises
    ------
    KeyError
        Unknown dataset name.
    ValueError
        Unknown split.
    """
    name = _resolve(name)
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    info = DATASETS[name]
    if split == "all":
        Xa, ya = _load_split(name, "train")
        Xb, yb = _load_split(name, "test")
        if isinstance(Xa, tuple):
            X = [x.copy() for x in Xa + Xb]
        else:
            X = np.concatenate([Xa, Xb])
        y = np.concatenate([ya, yb])
    else:
        X, y = _load_split(name, split)
        X = _readonly_copy(X)
        y = y.copy()
    lengths = [len(s) for s in X]
    classes, counts = np.unique(y, return_counts=True)
    metadata = {
        "name": name,
        "split": split,
        "n_series": len(y),
        "length_min": int(min(lengths)),
        "length_max": int(max(lengths)),
        "dim": info.dim,
        "variable_length": info.length is None,
        "classes": dict(info.classes),
        "class_counts": {str(c): int(k) for c, k in zip(classes, counts)},
        "archive": info.archive,
        "description": info.description,
    }
    return Dataset(X, y, name, split, info.description, metadata)


def dataset_summary(name: str) -> dict:
    """Sizes and description of a bundled dataset, for display.

    Parameters
    ----------
    name : str
        Dataset name (case-insensitive).

    Returns
    -------
    dict
        ``name``, ``description``, ``archive``, ``n_train``, ``n_test``, ``length`` (``None``
        when variable), ``length_min``, ``length_max``, ``dim``, ``n_classes``, ``classes``
        (label -> meaning), ``class_counts`` (per split), ``variable_length``.
    """
    name = _resolve(name)
    info = DATASETS[name]
    train = load_dataset(name, "train").metadata
    test = load_dataset(name, "test").metadata
    return {
        "name": name,
        "description": info.description,
        "archive": info.archive,
        "n_train": train["n_series"],
        "n_test": test["n_series"],
        "length": info.length,
        "length_min": min(train["length_min"], test["length_min"]),
        "length_max": max(train["length_max"], test["length_max"]),
        "dim": info.dim,
        "n_classes": len(set(train["class_counts"]) | set(test["class_counts"])),
        "classes": dict(info.classes),
        "class_counts": {"train": train["class_counts"], "test": test["class_counts"]},
        "variable_length": info.length is None,
    }


def as_series_list(series: np.ndarray | Sequence) -> list[np.ndarray]:
    """Convert a collection of series to a list of float64 arrays.

    Parameters
    ----------
    series : ndarray or sequence of array-like
        ``(n, length)`` / ``(n, length, d)`` array, a single 1-D series, or a sequence of
        series. Trailing all-NaN time points of a padded array are removed (padding).

    Returns
    -------
    list of ndarray
        Each ``(length_i,)`` (univariate) or ``(length_i, d)``.
    """
    if isinstance(series, np.ndarray):
        if series.ndim == 1:
            items: list = [series]
        elif series.ndim in (2, 3):
            items = list(series)
        else:
            raise ValueError(f"expected a 1-D, 2-D or 3-D array, got shape {series.shape}")
    else:
        items = list(series)
    out = []
    for s in items:
        a = np.asarray(s, dtype=np.float64)
        if a.ndim == 2 and a.shape[1] == 1:
            a = a[:, 0]
        if a.ndim not in (1, 2):
            raise ValueError(f"each series must be 1-D or 2-D, got shape {a.shape}")
        # strip NaN padding at the end (all channels NaN)
        valid = ~np.isnan(a) if a.ndim == 1 else ~np.all(np.isnan(a), axis=1)
        idx = np.flatnonzero(valid)
        a = a[: idx[-1] + 1] if idx.size else a[:0]
        out.append(a)
    return out


def to_dataset_array(
    series: np.ndarray | Sequence, *, pad_value: float | None = None
) -> np.ndarray:
    """Stack a collection of series into one ``(n, length)`` or ``(n, length, d)`` array.

    Parameters
    ----------
    series : ndarray or sequence of array-like
        As accepted by :func:`as_series_list`.
    pad_value : float, optional
        Value used to pad shorter series (e.g. ``np.nan``). When omitted, series of different
        lengths raise ``ValueError``.

    Returns
    -------
    ndarray
        float64 array.

    Raises
    ------
    ValueError
        Empty collection, mixed dimensions, or different lengths without ``pad_value``.
    """
    items = as_series_list(series)
    if not items:
        raise ValueError("no series to stack")
    dims = {1 if s.ndim == 1 else s.shape[1] for s in items}
    if len(dims) > 1:
        raise ValueError(f"series have different dimensions: {sorted(dims)}")
    lengths = [len(s) for s in items]
    L = max(lengths)
    if min(lengths) != L and pad_value is None:
        raise ValueError(
            f"series have different lengths ({min(lengths)}..{L}); pass pad_value=np.nan to pad"
        )
    shape = (len(items), L) + items[0].shape[1:]
    out = np.full(shape, np.nan if pad_value is None else pad_value, dtype=np.float64)
    for i, s in enumerate(items):
        out[i, : len(s)] = s
    return out
