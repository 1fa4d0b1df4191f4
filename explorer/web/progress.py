"""A progress bar driven by the computations' ``progress(fraction, text)`` callbacks.

The long computations of :mod:`explorer.logic` report their progress through a callback and
know nothing of Streamlit; they run as jobs (:mod:`explorer.web.jobs`), whose watcher replays
their reports into a :class:`LiveProgress` in the page.
"""

from __future__ import annotations

import time

import streamlit as st

__all__ = ["LiveProgress"]


class LiveProgress:
    """A ``progress(fraction, text)`` callback that draws an ``st.progress`` bar.

    The bar lives in an ``st.empty`` placeholder created where this object is made; nothing
    is drawn unless the callback is called (a memoised result never calls it), and
    :meth:`clear` (or leaving a ``with`` block) removes the bar. Updates are throttled to
    one per ``min_interval`` seconds, except the first one and the last (fraction 1), which
    are always drawn.
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
        self.draw(float(min(max(fraction, 0.0), 1.0)), text)

    def draw(self, fraction: float, text: str) -> None:
        """Show the bar at ``fraction`` (in [0, 1]) with ``text``."""
        self.placeholder.progress(fraction, text=text)

    def clear(self) -> None:
        """Remove the bar."""
        self.placeholder.empty()

    def __enter__(self) -> LiveProgress:
        return self

    def __exit__(self, *exc) -> None:  # also when the computation raised: no stale bar
        self.clear()
