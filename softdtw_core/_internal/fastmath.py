"""Branch-free exp and log on the ranges soft-DTW needs, written so LLVM vectorises them.

libm's ``exp``/``log`` are opaque calls that keep the loops over an anti-diagonal scalar
(SVML is not available here). After shifting by the minimum, soft-DTW only needs

- ``exp(t)`` for ``t <= 0`` (clamped at -700, where it is ~1e-304 and negligible), and
- ``log(s)`` for ``s`` in ``[1, 3]`` (a sum of three such terms, one of which is exactly 1),

which polynomials give to about one ulp:

- ``exp``: Cody-Waite reduction ``t = k ln2 + r``, ``|r| <= ln2/2``, then a degree-11
  polynomial whose first two coefficients are 1 and the rest fitted (near-minimax, relative
  error < 5e-18: two multiply-adds fewer than the degree-13 Taylor polynomial of the same
  accuracy), and ``2^k`` assembled from the exponent bits;
- ``log``: ``s = 2^e u`` with ``u`` in [0.75, 1.5], ``log u = 2 t P(t^2)``, ``t = (u-1)/(u+1)``,
  ``P(w) = atanh(sqrt w)/sqrt w`` fitted on ``w <= 0.04`` by a degree-7 polynomial (relative
  error < 2e-17; its Taylor series needs degree 11 for the same).

float32 (the kernels specialise on the arrays' dtype, :func:`exp_nonpositive` and
:func:`log_1_to_3` on their argument's): ``exp`` clamps at -87 (exp(-87) ~ 1.6e-38, the
smallest normal float32 is 1.2e-38) and uses the degree-7 Taylor polynomial (relative error
< 6e-9 on ``|r| <= ln2/2``), ``log`` the series ``P(w) = 1 + w/3 + w²/5 + w³/7 + w⁴/9``
(< 1e-8); both stay within a few float32 ulps. :func:`like` and :func:`pick` give the
kernels' constants in their data's type, so that no float64 literal widens a float32 loop;
:func:`is_single` tells float32 apart at compile time (float32's relative frame in
:mod:`.wavefront`).

The loops over an anti-diagonal are bound by vector arithmetic throughput, so every
multiply-add saved here is a few per cent of the whole recursion. The coefficients were
fitted in 50-digit arithmetic (least squares on Chebyshev nodes, weighted relatively);
``tests/core/test_wavefront.py`` checks both functions against libm.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

__all__ = ["exp_nonpositive", "is_single", "like", "log_1_to_3", "pick"]

_LOG2E = 1.4426950408889634
_LN2 = 0.6931471805599453
_LN2_HI = 0.6931471803691238  # fdlibm's split of ln 2: k * _LN2_HI is exact for |k| < 2^20
_LN2_LO = 1.9082149292705877e-10
_SHIFTER = 6755399441055744.0  # 1.5 * 2**52: adding it rounds to an integer held in the low bits


def _exp64(t):
    """exp(t) for t <= 0 (t = -inf allowed: it is clamped to -700)."""
    t = max(t, -700.0)
    y = t * _LOG2E + _SHIFTER
    k = y - _SHIFTER  # round(t / ln 2), as a float
    r = (t - k * _LN2_HI) - k * _LN2_LO
    p = 2.50246452096493e-08
    p = p * r + 2.7631125446226205e-07
    p = p * r + 2.755750728541229e-06
    p = p * r + 2.480149034623507e-05
    p = p * r + 0.00019841269597118904
    p = p * r + 0.0013888888946678828
    p = p * r + 0.008333333333451433
    p = p * r + 0.04166666666651632
    p = p * r + 0.16666666666666483
    p = p * r + 0.5000000000000012
    p = p * r + 1.0
    p = p * r + 1.0
    # 2^k: the low bits of y hold k (two's complement); move k + 1023 into the exponent field
    bits = (np.float64(y).view(np.int64) + 1023) << 52
    return p * np.int64(bits).view(np.float64)


def _log64(s):
    """log(s) for s in [1, 3] (accurate on [0.75, 3])."""
    big = s > 1.5
    u = s * 0.5 if big else s
    t = (u - 1.0) / (u + 1.0)
    t2 = t * t
    p = 0.07684519809399433
    p = p * t2 + 0.07625024736378931
    p = p * t2 + 0.09093182565748682
    p = p * t2 + 0.1111106910226473
    p = p * t2 + 0.1428571470018766
    p = p * t2 + 0.19999999998059786
    p = p * t2 + 0.3333333333333642
    p = p * t2 + 1.0
    return 2.0 * t * p + (_LN2 if big else 0.0)


_F = np.float32
_LOG2E_32 = _F(_LOG2E)
_LN2_32 = _F(_LN2)
_LN2_HI_32 = _F(0.693359375)  # Cephes' split: k * _LN2_HI_32 is exact for |k| < 2^15
_LN2_LO_32 = _F(-2.12194440e-4)
_SHIFTER_32 = _F(12582912.0)  # 1.5 * 2**23
_EXP32 = tuple(_F(1.0 / c) for c in (5040.0, 720.0, 120.0, 24.0, 6.0, 2.0, 1.0, 1.0))
_LOG32 = tuple(_F(1.0 / c) for c in (9.0, 7.0, 5.0, 3.0, 1.0))


def _exp32(t):
    """float32 exp(t) for t <= 0 (clamped at -87)."""
    t = max(t, _F(-87.0))
    y = t * _LOG2E_32 + _SHIFTER_32
    k = y - _SHIFTER_32
    r = (t - k * _LN2_HI_32) - k * _LN2_LO_32
    p = _EXP32[0] * r + _EXP32[1]
    p = p * r + _EXP32[2]
    p = p * r + _EXP32[3]
    p = p * r + _EXP32[4]
    p = p * r + _EXP32[5]
    p = p * r + _EXP32[6]
    p = p * r + _EXP32[7]
    bits = (np.float32(y).view(np.int32) + np.int32(127)) << np.int32(23)
    return p * np.int32(bits).view(np.float32)


def _log32(s):
    """float32 log(s) for s in [1, 3]."""
    big = s > _F(1.5)
    u = s * _F(0.5) if big else s
    t = (u - _F(1.0)) / (u + _F(1.0))
    t2 = t * t
    p = _LOG32[0] * t2 + _LOG32[1]
    p = p * t2 + _LOG32[2]
    p = p * t2 + _LOG32[3]
    p = p * t2 + _LOG32[4]
    return _F(2.0) * t * p + (_LN2_32 if big else _F(0.0))


def exp_nonpositive(t):
    """exp(t) for t <= 0, in t's floating type (float64: clamped at -700; float32: -87)."""
    raise NotImplementedError("called from Numba kernels only")


def log_1_to_3(s):
    """log(s) for s in [1, 3] (accurate on [0.75, 3]), in s's floating type."""
    raise NotImplementedError("called from Numba kernels only")


@overload(exp_nonpositive, inline="always", jit_options=dict(fastmath={"contract"}))
def _exp_overload(t):
    return _exp32 if t == types.float32 else _exp64


@overload(log_1_to_3, inline="always", jit_options=dict(fastmath={"contract"}))
def _log_overload(s):
    return _log32 if s == types.float32 else _log64


def like(x, v):
    """``v`` as a number of x's floating type (a float64 literal would widen float32 code)."""
    raise NotImplementedError("called from Numba kernels only")


def pick(x, v64, v32):
    """``v64`` if x is float64, else ``v32`` as float32: constants with a per-type range."""
    raise NotImplementedError("called from Numba kernels only")


@overload(like, inline="always")
def _like_overload(x, v):
    if x == types.float32:
        return lambda x, v: np.float32(v)
    return lambda x, v: np.float64(v)


@overload(pick, inline="always")
def _pick_overload(x, v64, v32):
    if x == types.float32:
        return lambda x, v64, v32: np.float32(v32)
    return lambda x, v64, v32: np.float64(v64)


def is_single(x):
    """Whether x is float32, as a compile-time constant (LLVM drops the other branch)."""
    raise NotImplementedError("called from Numba kernels only")


@overload(is_single, inline="always")
def _is_single_overload(x):
    if x == types.float32:
        return lambda x: True
    return lambda x: False
