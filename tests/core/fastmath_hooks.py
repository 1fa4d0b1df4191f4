"""The library's scalar exp and log, inlined into its kernels, applied elementwise for the
tests (the library itself has no array form of them, and no test hooks)."""

from numba import njit

from softdtw_core._internal.fastmath import exp_nonpositive, log_1_to_3


@njit(error_model="numpy")
def exp_array(t, out):
    """``out[i] = exp_nonpositive(t[i])`` (float64 or float32, as ``t``)."""
    for i in range(t.shape[0]):
        out[i] = exp_nonpositive(t[i])
    return out


@njit(error_model="numpy")
def log_array(s, out):
    """``out[i] = log_1_to_3(s[i])``."""
    for i in range(s.shape[0]):
        out[i] = log_1_to_3(s[i])
    return out
