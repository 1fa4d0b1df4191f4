"""Synthetic generators: determinism, shapes and the properties each one promises."""

import numpy as np
import pytest

from explorer.data import (
    GENERATORS,
    bump_pair,
    cylinder_bell_funnel,
    random_walks,
    sine_pair,
    time_warp,
    warped_copies,
)
from explorer.data.generators import random_warp_path


def _arrays(result):
    if isinstance(result, tuple):
        return list(result)
    return [result.series, result.labels]


@pytest.mark.parametrize("name", list(GENERATORS))
def test_deterministic_and_seed_sensitive(name):
    gen = GENERATORS[name]
    kwargs = {"noise": 0.3} if name not in ("random_walks",) else {}
    a = _arrays(gen(seed=7, **kwargs))
    b = _arrays(gen(seed=7, **kwargs))
    c = _arrays(gen(seed=8, **kwargs))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0]) or not np.array_equal(a[1], c[1])


def test_sine_pair():
    x, y = sine_pair(64, shift=0.25, periods=1.0)
    assert x.shape == y.shape == (64,)
    t = np.linspace(0, 1, 64)
    np.testing.assert_allclose(x, np.sin(2 * np.pi * t))
    np.testing.assert_allclose(y, np.sin(2 * np.pi * (t - 0.25)))
    xw, yw = sine_pair(64, shift=0.0, warp=0.5, seed=1)
    assert not np.allclose(xw, yw)
    assert yw[0] == pytest.approx(xw[0]) and yw[-1] == pytest.approx(xw[-1])  # endpoints kept
    assert np.all(np.abs(yw) <= 1 + 1e-12)  # a warp only re-times, never rescales


def test_bump_pair_peaks():
    x, y = bump_pair(200, center=0.3, shift=0.4)
    assert abs(np.argmax(x) / 199 - 0.3) < 0.01
    assert abs(np.argmax(y) / 199 - 0.7) < 0.01
    assert x.max() == pytest.approx(y.max(), abs=1e-3)


def test_random_walks():
    ds = random_walks(5, 50, step=2.0)
    assert ds.series.shape == (5, 50) and np.all(ds.series[:, 0] == 0)
    assert 1.0 < np.diff(ds.series, axis=1).std() < 3.0


def test_cbf():
    ds = cylinder_bell_funnel(20, 128, noise=0.0, seed=3)
    assert ds.series.shape == (60, 128)
    assert ds.labels.tolist() == [1] * 20 + [2] * 20 + [3] * 20
    cyl, bell, fun = ds.series[:20], ds.series[20:40], ds.series[40:]
    # noise-free: zero outside [a, b], a plateau for the cylinder, ramps for bell and funnel
    assert np.all(cyl[:, :16] == 0) and np.all(bell[:, :16] == 0)
    for s in bell:
        nz = s[s != 0]
        assert np.all(np.diff(nz) > 0)
    for s in fun:
        nz = s[s != 0]
        assert np.all(np.diff(nz) < 0)
    for s in cyl:
        nz = s[s != 0]
        assert np.ptp(nz) == 0 and 2 < nz[0] < 10
    assert cylinder_bell_funnel(2, 256).series.shape == (6, 256)


def test_warped_copies():
    ds = warped_copies(8, 60, templates=("sine", "bumps", "square"), warp=0.3, noise=0.05)
    assert ds.series.shape == (24, 60)
    assert ds.labels.tolist() == [0] * 8 + [1] * 8 + [2] * 8
    tpl = ds.metadata["templates"]
    assert tpl.shape == (3, 60)
    # each copy is closer (Euclidean) to its own template than to the others, on average
    d = ((ds.series[:, None, :] - tpl[None]) ** 2).sum(-1)
    assert (d.argmin(1) == ds.labels).mean() > 0.8
    custom = warped_copies(3, templates=np.linspace(0, 1, 30), warp=0.0, noise=0.0)
    np.testing.assert_allclose(custom.series, np.tile(np.linspace(0, 1, 30), (3, 1)))


def test_warp_path_monotone():
    rng = np.random.default_rng(0)
    for strength in (0.0, 0.2, 1.0):
        p = random_warp_path(100, strength, rng)
        assert p[0] == 0 and p[-1] == pytest.approx(99) and np.all(np.diff(p) > 0)
    x = np.arange(10.0)
    np.testing.assert_array_equal(time_warp(x, 0.0, rng), x)


def test_bad_parameters():
    with pytest.raises(ValueError, match="length"):
        sine_pair(1)
    with pytest.raises(ValueError, match="noise"):
        bump_pair(noise=-1)
    with pytest.raises(ValueError, match="template"):
        warped_copies(templates=("nope",))
