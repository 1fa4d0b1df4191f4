"""Seeded, deterministic synthetic series that make soft-DTW's behaviour visible.

Pairs return a tuple ``(x, y)`` of 1-D float64 arrays. Collections return a
:class:`~explorer.data.datasets.Dataset` (``split="synthetic"``) whose ``series`` is an
``(n, length)`` array and ``labels`` the ground-truth class of each series, so the app can
treat generated and bundled data alike. The same arguments and ``seed`` always give the
same arrays.
"""

from __future__ import annotations

import numpy as np

from .datasets import Dataset

__all__ = [
    "GENERATORS",
    "bump_pair",
    "cylinder_bell_funnel",
    "random_walks",
    "sine_pair",
    "time_warp",
    "warped_copies",
]


def _check(length: int, noise: float, warp: float = 0.0) -> None:
    if int(length) != length or length < 2:
        raise ValueError(f"length must be an integer >= 2, got {length!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    if warp < 0:
        raise ValueError(f"warp must be >= 0, got {warp!r}")


def random_warp_path(length: int, strength: float, rng: np.random.Generator, n_knots: int = 4):
    """A smooth, strictly increasing map of ``[0, length-1]`` onto itself.

    Parameters
    ----------
    length : int
        Number of time points.
    strength : float
        0 gives the identity; ~0.5 gives strong but still monotone warps.
    rng : numpy.random.Generator
        Source of randomness.
    n_knots : int, optional
        Number of piecewise-constant speed segments before smoothing.

    Returns
    -------
    ndarray
        ``(length,)`` increasing positions with ``pos[0] = 0`` and ``pos[-1] = length - 1``.
    """
    if strength == 0:
        return np.arange(length, dtype=np.float64)
    speeds = np.exp(strength * rng.standard_normal(n_knots))
    t = np.linspace(0.0, n_knots, length, endpoint=False)
    speed = np.interp(t, np.arange(n_knots) + 0.5, speeds)  # smooth, positive
    pos = np.concatenate([[0.0], np.cumsum(speed[:-1])])
    return pos / pos[-1] * (length - 1)


def time_warp(x: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """Resample a 1-D series along a random smooth monotone time warp.

    Parameters
    ----------
    x : ndarray
        ``(length,)`` series.
    strength : float
        Warp strength (see :func:`random_warp_path`).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ndarray
        Warped series of the same length; endpoints are kept.
    """
    x = np.asarray(x, dtype=np.float64)
    pos = random_warp_path(len(x), strength, rng)
    return np.interp(pos, np.arange(len(x)), x)


def sine_pair(
    length: int = 100,
    *,
    periods: float = 2.0,
    shift: float = 0.15,
    warp: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A sine and a phase-shifted and/or time-warped copy of it.

    Parameters
    ----------
    length : int
        Number of points of each series.
    periods : float
        Number of sine periods over the series.
    shift : float
        Phase shift of the copy, as a fraction of one period.
    warp : float
        Strength of a random smooth time warp applied to the copy (0 = none).
    noise : float
        Standard deviation of Gaussian noise added to both series.
    seed : int
        Random seed.

    Returns
    -------
    (x, y) : tuple of ndarray
        Two ``(length,)`` float64 arrays.
    """
    _check(length, noise, warp)
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, length)
    x = np.sin(2 * np.pi * periods * t)
    y = np.sin(2 * np.pi * (periods * t - shift))
    if warp > 0:
        y = time_warp(y, warp, rng)
    x = x + noise * rng.standard_normal(length)
    y = y + noise * rng.standard_normal(length)
    return x, y


def bump_pair(
    length: int = 100,
    *,
    center: float = 0.35,
    shift: float = 0.3,
    width: float = 0.06,
    noise: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian bumps of equal shape, the second shifted in time.

    Parameters
    ----------
    length : int
        Number of points.
    center : float
        Centre of the first bump, as a fraction of the series (0..1).
    shift : float
        Time shift of the second bump, as a fraction of the series.
    width : float
        Standard deviation of the bump, as a fraction of the series.
    noise : float
        Standard deviation of Gaussian noise added to both series.
    seed : int
        Random seed.

    Returns
    -------
    (x, y) : tuple of ndarray
    """
    _check(length, noise)
    if width <= 0:
        raise ValueError(f"width must be > 0, got {width!r}")
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, length)
    x = np.exp(-0.5 * ((t - center) / width) ** 2)
    y = np.exp(-0.5 * ((t - center - shift) / width) ** 2)
    return x + noise * rng.standard_normal(length), y + noise * rng.standard_normal(length)


def random_walks(
    n: int = 10, length: int = 100, *, step: float = 1.0, seed: int = 0
) -> Dataset:
    """Gaussian random walks starting at 0.

    Parameters
    ----------
    n : int
        Number of walks.
    length : int
        Number of points per walk.
    step : float
        Standard deviation of each increment.
    seed : int
        Random seed.

    Returns
    -------
    Dataset
        ``series`` of shape ``(n, length)``; all labels 0.
    """
    _check(length, step)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    rng = np.random.default_rng(seed)
    steps = step * rng.standard_normal((n, length - 1))
    X = np.concatenate([np.zeros((n, 1)), np.cumsum(steps, axis=1)], axis=1)
    return _synthetic("random walks", X, np.zeros(n, dtype=np.int64),
                      "Gaussian random walks starting at 0.",
                      {"n": n, "length": length, "step": step, "seed": seed}, {"0": "walk"})


def cylinder_bell_funnel(
    n_per_class: int = 10, length: int = 128, *, noise: float = 1.0, seed: int = 0
) -> Dataset:
    """Cylinder-Bell-Funnel series (Saito, 1994).

    With ``a ~ U[16, 32]``, ``b - a ~ U[32, 96]`` (scaled by ``length / 128``),
    ``eta ~ N(0, 1)`` and ``eps(t) ~ N(0, noise^2)``:
    cylinder ``(6 + eta) 1[a,b](t) + eps(t)``, bell ``(6 + eta) 1[a,b](t) (t - a)/(b - a) +
    eps(t)``, funnel ``(6 + eta) 1[a,b](t) (b - t)/(b - a) + eps(t)``.

    Parameters
    ----------
    n_per_class : int
        Series per class.
    length : int
        Number of points (128 in the original definition).
    noise : float
        Standard deviation of the additive noise (1 in the original).
    seed : int
        Random seed.

    Returns
    -------
    Dataset
        ``(3 * n_per_class, length)`` series, labels 1 (cylinder), 2 (bell), 3 (funnel),
        in class order.
    """
    _check(length, noise)
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be >= 1, got {n_per_class!r}")
    rng = np.random.default_rng(seed)
    scale = length / 128.0
    t = np.arange(length, dtype=np.float64)
    X = np.empty((3 * n_per_class, length))
    y = np.repeat(np.array([1, 2, 3], dtype=np.int64), n_per_class)
    for i, cls in enumerate(y):
        a = rng.uniform(16, 32) * scale
        b = a + rng.uniform(32, 96) * scale
        amp = 6.0 + rng.standard_normal()
        inside = (t >= a) & (t <= b)
        if cls == 1:
            shape = inside.astype(float)
        elif cls == 2:
            shape = inside * (t - a) / (b - a)
        else:
            shape = inside * (b - t) / (b - a)
        X[i] = amp * shape + noise * rng.standard_normal(length)
    return _synthetic("Cylinder-Bell-Funnel", X, y,
                      "Synthetic Cylinder-Bell-Funnel shapes (Saito, 1994).",
                      {"n_per_class": n_per_class, "length": length, "noise": noise,
                       "seed": seed},
                      {"1": "cylinder", "2": "bell", "3": "funnel"})


_TEMPLATES = ("sine", "bumps", "cbf", "square")


def _template(kind: str, length: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, length)
    if kind == "sine":
        return np.sin(2 * np.pi * 1.5 * t)
    if kind == "bumps":
        return np.exp(-0.5 * ((t - 0.3) / 0.05) ** 2) - 0.7 * np.exp(-0.5 * ((t - 0.7) / 0.08) ** 2)
    if kind == "cbf":
        return np.where((t > 0.25) & (t < 0.75), (t - 0.25) / 0.5, 0.0) * 2.0
    if kind == "square":
        return np.where((t > 0.2) & (t < 0.5), 1.0, 0.0) - np.where((t > 0.6) & (t < 0.8), 1.0, 0.0)
    raise ValueError(f"unknown template {kind!r}; choose from {_TEMPLATES}")


def warped_copies(
    n_per_class: int = 10,
    length: int = 100,
    *,
    templates: tuple[str, ...] | list | np.ndarray = ("sine",),
    warp: float = 0.3,
    noise: float = 0.1,
    seed: int = 0,
) -> Dataset:
    """Randomly time-warped, noisy copies of one or more templates, with ground truth.

    For barycentres (one template) and k-means (several templates: the class of each copy is
    the index of its template).

    Parameters
    ----------
    n_per_class : int
        Copies per template.
    length : int
        Number of points (ignored for templates given as arrays, which keep their length).
    templates : sequence of str or ndarray
        Template names among ``"sine"``, ``"bumps"``, ``"cbf"``, ``"square"``, or 1-D arrays,
        or a 2-D array with one template per row.
    warp : float
        Strength of each copy's random smooth time warp.
    noise : float
        Standard deviation of the additive Gaussian noise.
    seed : int
        Random seed.

    Returns
    -------
    Dataset
        ``(n_templates * n_per_class, length)`` series, labels ``0..n_templates-1`` in class
        order; ``metadata["templates"]`` holds the clean templates as an array.
    """
    _check(length, noise, warp)
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be >= 1, got {n_per_class!r}")
    if isinstance(templates, str):
        templates = (templates,)
    if isinstance(templates, np.ndarray) and templates.ndim == 1:
        templates = [templates]
    clean = [
        _template(tp, length) if isinstance(tp, str) else np.asarray(tp, dtype=np.float64)
        for tp in templates
    ]
    if not clean:
        raise ValueError("need at least one template")
    if len({len(c) for c in clean}) != 1:
        raise ValueError("template arrays must all have the same length")
    L = len(clean[0])
    rng = np.random.default_rng(seed)
    X = np.empty((len(clean) * n_per_class, L))
    y = np.repeat(np.arange(len(clean), dtype=np.int64), n_per_class)
    for i, k in enumerate(y):
        X[i] = time_warp(clean[k], warp, rng) + noise * rng.standard_normal(L)
    names = [tp if isinstance(tp, str) else f"template {k}" for k, tp in enumerate(templates)]
    ds = _synthetic("warped copies", X, y,
                    "Randomly time-warped noisy copies of " + ", ".join(names) + ".",
                    {"n_per_class": n_per_class, "length": L, "warp": warp, "noise": noise,
                     "seed": seed, "templates_used": names},
                    {str(k): n for k, n in enumerate(names)})
    ds.metadata["templates"] = np.stack(clean)
    return ds


def _synthetic(name, X, y, description, params, classes) -> Dataset:
    classes_found, counts = np.unique(y, return_counts=True)
    metadata = {
        "name": name,
        "split": "synthetic",
        "n_series": len(y),
        "length_min": X.shape[1],
        "length_max": X.shape[1],
        "dim": 1,
        "variable_length": False,
        "classes": classes,
        "class_counts": {str(c): int(k) for c, k in zip(classes_found, counts)},
        "archive": "synthetic",
        "description": description,
        "params": params,
    }
    return Dataset(X, y, name, "synthetic", description, metadata)


GENERATORS = {
    "sine_pair": sine_pair,
    "bump_pair": bump_pair,
    "random_walks": random_walks,
    "cylinder_bell_funnel": cylinder_bell_funnel,
    "warped_copies": warped_copies,
}
