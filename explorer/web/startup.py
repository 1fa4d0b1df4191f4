"""The imports of a script run, made once for the whole server before sessions can race on them.

Streamlit runs each session's script in a thread of its own, so on a freshly started server
the first runs of several sessions overlap, each meeting the heavy modules (NumPy, pandas,
Plotly, SciPy, the kernels) for the first time. Python makes a thread wait for a module that
another thread is importing, but Plotly does not import: before it validates or serialises a
figure it *looks* in ``sys.modules`` for NumPy, pandas and PIL
(``_plotly_utils.optional_imports.get_module(name, should_load=False)``) and can find a module
that another thread has only begun to run, then fail on it ("AttributeError: partially
initialized module 'numpy' has no attribute 'ndarray'", or 'pandas' ... 'Series': issue 21,
seen on a session's very first chart while another session imported the app). Two threads
importing modules that import each other can be handed a partial module too.

So every script run does its imports and its first chart inside :func:`first_imports`: a lock
of the server, at the end of which the :data:`SHARED` modules are imported completely. The
first run of the server imports; runs that overlap it wait for it (a second or two, once per
server); every later run passes at once. No thread imports anything Plotly looks up while a
chart is drawn: inside the lock one run at a time imports and draws, and no run leaves it
(to run its page) before those modules are complete.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import threading
from collections.abc import Iterator

__all__ = ["SHARED", "first_imports"]

#: Imported completely, under the lock, before any page runs: the modules Plotly reads
#: from ``sys.modules`` without importing them (``PIL.Image`` where Pillow is installed), and
#: the Plotly modules a page's chart goes through.
SHARED = ("numpy", "pandas", "PIL.Image", "plotly.graph_objects", "plotly.io", "plotly.tools")

_lock = threading.Lock()
_imported = False


def _import_shared() -> None:
    for name in SHARED:
        top = name.partition(".")[0]
        if importlib.util.find_spec(top) is not None:  # Pillow is optional
            importlib.import_module(name)


@contextlib.contextmanager
def first_imports() -> Iterator[None]:
    """Hold the server's import lock for the block; :data:`SHARED` are imported before it is
    released.

    Put a script run's module imports and its first chart in the block; the page itself
    runs outside it (sessions' runs must not wait for each other).
    """
    global _imported
    with _lock:
        yield
        if not _imported:
            _import_shared()
            _imported = True
