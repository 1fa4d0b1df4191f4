"""The soft-DTW kernels, compiled in the background when the server starts.

On a fresh clone Numba compiles the kernels on their first call (about a minute of CPU in
all), so the first student to open a page would wait for it. Instead the first script run
of the server starts :class:`Warmup` (once per process):

1. a child process runs :func:`softdtw_core.warmup.main` (at a lower priority), which
   compiles every kernel stage by stage (:data:`softdtw_core.warmup.STAGES`, in the order
   the pages need them, the stage of the page opened first moved to the front) into Numba's
   on-disk cache, on another core and without holding the server's GIL;
2. a thread of the server loads each stage from that cache as soon as the child reports
   it (a fraction of a second), so the server's own dispatchers are ready, and has the job
   worker processes load it too (:meth:`explorer.web.jobs.JobRunner.warm`; they start with
   the first stage and import the library while the rest compiles, so the first k-means run
   does not wait for them);
3. if the child fails, the thread compiles what is left itself.

Meanwhile the pages that need no kernel (the Overview, min^γ) draw at once, the sidebar shows
a small status (:func:`sidebar_status`), and a page that needs a stage waits for it behind a
spinner (:func:`kernels_for`; the registry says which stage each page needs), except the
pages of the :data:`INTERPRETED` stages: the Cost & DP table and the Bellman step-through run
at once, their tables swept by anti-diagonals in NumPy
(:func:`softdtw_core.warmup.interpreted`: the same results, a few ms a table at their
sizes, where compiling takes 1.5 s of CPU after the child has started and imported the
library); the γ explorer and *DTW as a loss* take their values and gradients from the same
tables while the wavefront kernels of their own stage compile (20 s of CPU).
From a warm on-disk cache the whole warm-up takes a few seconds.

Garbage collection
------------------
Streamlit runs a full garbage collection after every script run (``runner.postScriptGC``).
With NumPy, SciPy, scikit-learn, Plotly and the compiled kernels loaded, the collector
walks some 250 000 long-lived objects: about 0.13 s of CPU, holding the GIL, after every
rerun of every session, the largest single cost of a lesson on the server. Those objects
live as long as the server, so :meth:`Warmup.start` and the end of the warm-up move them
out of the collector's sight (:func:`gc.freeze`); the collection after a run then walks
only what the runs created (well under a millisecond).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import streamlit as st

import softdtw_core
from softdtw_core.warmup import STAGES, interpreted, warm_up

from . import jobs
from .pausing import PAUSER

__all__ = ["INTERPRETED", "Warmup", "WARMUP", "kernels_for", "require", "sidebar_status"]

log = logging.getLogger("explorer")


class Warmup:
    """Stages of :func:`softdtw_core.warmup.warm_up` made ready in the background, in order.

    ``compile_command`` is the child process that fills the on-disk cache (None: the thread
    compiles in the server process itself).
    """

    def __init__(self, compile_command: list[str] | None):
        self.compile_command = compile_command
        self.stages = list(STAGES)
        self.ready: list[str] = []
        self.error: str | None = None
        self._started = False
        self._changed = threading.Condition()

    def start(self, first: str | None = None) -> None:
        """Start the warm-up (only the first call does anything), with stage ``first`` (that
        of the page a student opened first, by a link) before the others."""
        with self._changed:
            if self._started:
                return
            self._started = True
            # the page's stage first, after the one its page runs on meanwhile (INTERPRETED)
            for stage in (first, INTERPRETED.get(first)):
                if stage in self.stages:
                    self.stages.remove(stage)
                    self.stages.insert(0, stage)
        gc.freeze()  # the modules imported so far live as long as the server
        threading.Thread(target=self._run, name="explorer-warmup", daemon=True).start()

    def _load(self, stage: str) -> None:
        warm_up([stage])
        with self._changed:
            self.ready.append(stage)
            self._changed.notify_all()
        # The job workers load it from the on-disk cache too. The first stage starts them: they
        # import the library while the child compiles the rest, and not earlier, when the
        # first page is still being drawn.
        jobs.runner().warm([stage])

    def _run(self) -> None:
        try:
            if self.compile_command is not None:
                self._follow_child()
            for stage in self.stages[len(self.ready):]:  # what the child did not do
                self._load(stage)
            gc.freeze()  # and so do the modules and kernels the warm-up loaded
        except Exception as exc:  # a page that needs the stage will meet the error itself
            log.exception("kernel warm-up failed")
            with self._changed:
                self.error = f"{type(exc).__name__}: {exc}"
                self._changed.notify_all()

    def _follow_child(self) -> None:
        try:
            child = subprocess.Popen([*self.compile_command, *self.stages], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True,
                                     cwd=Path(softdtw_core.__file__).resolve().parents[1])
        except OSError:
            return
        with child:
            for line in child.stdout:
                stage = line.split(" ", 1)[0]
                if stage == self.stages[len(self.ready)]:
                    self._load(stage)
                if len(self.ready) == len(self.stages):
                    break

    def is_ready(self, stage: str) -> bool:
        """Whether ``stage`` is loaded in this process; also True once the warm-up failed
        (the page then runs and meets the problem itself)."""
        with self._changed:
            return stage in self.ready or self.error is not None

    def wait(self, stage: str, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for :meth:`is_ready`; return it."""
        with self._changed:
            self._changed.wait_for(lambda: stage in self.ready or self.error is not None,
                                   timeout)
        return self.is_ready(stage)


#: The server's warm-up; its child compiles at a lower priority than the pages (Linux), the
#: stages in the order given on its command line.
WARMUP = Warmup([sys.executable, "-c", "import os\n"
                 "if hasattr(os, 'nice'): os.nice(10)\n"
                 "from softdtw_core.warmup import main; main()"])


#: The stages whose pages run before the stage is ready, in
#: :func:`softdtw_core.warmup.interpreted`, and the stage compiled ahead of them when such a
#: page is opened first (None: none). The Cost & DP table and the Bellman step-through need
#: only the full tables and the optimal path; the γ explorer and *DTW as a loss* take their
#: values, alignments, gradients and entropies from the same tables until the ``learn``
#: stage's wavefront kernels (20 s of CPU) are loaded. The tables are swept in NumPy
#: (about 5 ms for 60 x 80 cells) until the ``tables`` stage (1.5 s of CPU, ahead of
#: ``learn``) is loaded, compiled afterwards; a page whose sweeps take more than a second
#: (*DTW as a loss*: some 1,700 tables) compiles the two kernels it runs first (1 s of CPU,
#: :data:`softdtw_core.warmup.SWEEP_BUDGET`), as do tables larger than it sweeps.
INTERPRETED: dict[str, str | None] = {"tables": None, "learn": "tables"}


@contextlib.contextmanager
def kernels_for(stage: str | None) -> Iterator[None]:
    """Run the block (a page) once the kernels of ``stage`` are ready (None: no kernel): at
    once when they are, or with the tables interpreted when the stage is
    :data:`INTERPRETED`, else after waiting for them behind a spinner (:func:`require`)."""
    if stage in INTERPRETED and not WARMUP.is_ready(stage):
        with interpreted():
            yield
        return
    require(stage)
    yield


def require(stage: str | None) -> None:
    """Wait, behind a spinner, until the kernels of ``stage`` are ready (None: no kernel)."""
    if stage is None or WARMUP.is_ready(stage):
        return
    with st.spinner("Preparing the soft-DTW kernels for this page. On the first start after "
                    "installation they are compiled to machine code once, in the background "
                    "(about a minute on a small machine); afterwards they load in seconds.",
                    show_time=True):
        with PAUSER.page_waiting():  # a page waiting for the compiler lets jobs go on
            while not WARMUP.wait(stage, 0.25):  # short waits: the student may leave the page
                pass


def sidebar_status() -> None:
    """A small note in the sidebar while the warm-up runs (nothing once it is over)."""
    done, total = len(WARMUP.ready), len(WARMUP.stages)
    if done < total and WARMUP.error is None:
        st.sidebar.caption(f":material/hourglass_top: Preparing the soft-DTW kernels in the "
                           f"background: {done} of {total} groups ready.")
