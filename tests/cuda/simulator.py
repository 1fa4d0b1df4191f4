"""``numba.cuda`` for the tests of ``tests/cuda``: the CUDA simulator (tests/conftest.py sets
NUMBA_ENABLE_CUDASIM=1), or a real GPU with NUMBA_ENABLE_CUDASIM=0.

A test module that imports ``cuda`` from here is skipped when numba-cuda is not installed,
except in CI, where that is an error (requirements-cuda.txt is installed by .ci/run).
"""

from __future__ import annotations

import os
import sys

import pytest

try:
    import numba
    if "numba.cuda" not in sys.modules:  # in case something imported Numba before conftest
        numba.core.config.reload_config()
    from numba import cuda
except ImportError as exc:  # pragma: no cover - numba-cuda is in requirements-cuda.txt
    if os.environ.get("CI"):
        raise RuntimeError(
            "numba-cuda is not installed in CI: .ci/run must install requirements-cuda.txt"
        ) from exc
    pytest.skip(f"numba-cuda is not installed ({exc})", allow_module_level=True)

__all__ = ["cuda"]
