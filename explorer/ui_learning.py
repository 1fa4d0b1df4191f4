"""Streamlit helpers shared by the Interpolation, Barycenters and Prediction pages.

Progress bars driven by the computations' ``progress(fraction, text)`` callbacks, CSV
download buttons and the sharing caption. No computation here (see
:mod:`explorer.compute_learning`).
"""

from __future__ import annotations

import time

import streamlit as st

from explorer import ui

__all__ = [
    "BIND",
    "LiveProgress",
    "channel_picker",
    "sharing_caption",
]

BIND = {"bind": "query-params"}


class LiveProgress:
    """A ``progress(fraction, text)`` callback that draws an ``st.progress`` bar.

    The bar lives in an ``st.empty`` placeholder created where this object is made; nothing
    is drawn unless the callback is called (a memoised result never calls it), and
    :meth:`clear` (or leaving a ``with`` block) removes the bar. Updates are throttled to
    one per ``min_interval`` seconds.
    """

    def __init__(self, min_interval: float = 0.08):
        self.placeholder = st.empty()
        self.min_interval = min_interval
        self._last = 0.0
        self.calls = 0

    def __call__(self, fraction: float, text: str) -> None:
        self.calls += 1
        now = time.perf_counter()
        if fraction < 1.0 and now - self._last < self.min_interval and self.calls > 1:
            return
        self._last = now
        self.placeholder.progress(float(min(max(fraction, 0.0), 1.0)), text=text)

    def clear(self) -> None:
        self.placeholder.empty()

    def __enter__(self) -> LiveProgress:
        return self

    def __exit__(self, *exc) -> None:  # also when the computation raised: no stale bar
        self.clear()


def channel_picker(dim: int, key: str, container=None) -> int:
    """For multichannel series, a number input choosing the channel drawn (else 0)."""
    if dim <= 1:
        return 0
    c = container or st
    ui.clamp(key, 0, dim - 1, 0)
    return int(c.number_input(f"Channel drawn (0–{dim - 1})", 0, dim - 1, value=0, step=1,
                              key=key, **BIND,
                              help="The figures draw one channel; computations and downloads "
                                   "use all of them."))


def sharing_caption() -> None:
    st.caption("Sharing: the page address (URL) records this page's settings and the "
               "sidebar's choices, so a link reopens the same view. Uploaded series are never "
               "put in the URL: a shared link falls back to the bundled data.")
