"""Jobs give way to pages: the job worker processes pause while a page's script runs.

On the 2-core machine a class shares, one worker process runs the long jobs (γ sweeps,
k-means runs) on one core while the pages' scripts use the other. The worker runs at the
lowest priority (:mod:`explorer.web.job_process`), so a page thread wins any core it wants;
even so, ``bench_classroom.py --mode fairness`` measured a fourth student's Cost & DP table
at 1.2x to 1.4x its idle time while three students ran γ sweeps (the server's part of it
1.16x to 1.40x; the worker in Linux's ``SCHED_IDLE`` class): the job still shares the
machine's caches and memory bandwidth, and takes the cores whenever the page's threads block
for a moment (the script thread, the event loop's thread sending the messages, Python's
interpreter lock passing between them). The scheduler cannot see that a page is being drawn;
this module can. With it, seven runs gave 0.89x to 1.17x (the server's part 0.84x to 1.05x;
at niceness 19, six runs: 1.08x to 1.32x, 0.89x to 1.23x), for about a fifth fewer sweeps
finished meanwhile (README, *Running it for a class*).

So while any session's script runs, :data:`PAUSER` stops the worker processes (``SIGSTOP``)
and lets them go on (``SIGCONT``) :data:`GRACE` seconds after the last one ended (the
server then sends the last messages and the browser draws them). Two things keep jobs
moving:

- A page that *waits* for a job (:func:`explorer.web.jobs.watch`, a Stop button waiting for
  the job to stop, the kernel warm-up) says so with :meth:`JobPauser.page_waiting`: it
  does not count as running while it waits.
- A pause lasts at most :data:`MAX_PAUSE` seconds, then the jobs run at least
  :data:`MIN_RUN` seconds, whatever the pages do: with a class clicking all the time, jobs
  still get a fifth of their time, and a page waiting for a job without saying so
  cannot deadlock it.

Only a worker that runs a job is stopped (one that is idle, or importing the library for the
next job, is left alone), and a job that starts during a pause starts stopped
(:meth:`~explorer.web.job_process.JobProcess.pause`). Pausing is per process and costs two
system calls; threads cannot be paused (the jobs of a server run with
``EXPLORER_JOB_PROCESSES=0`` are not), nor can processes outside POSIX.
``EXPLORER_JOB_PAUSE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import weakref

__all__ = ["ENABLED", "GRACE", "MAX_PAUSE", "MIN_RUN", "PAUSER", "JobPauser"]

log = logging.getLogger("explorer")

#: Seconds without a running script before the jobs go on (the messages are sent and drawn).
GRACE = 0.5
#: Longest pause, in seconds, however busy the pages are.
MAX_PAUSE = 2.0
#: Seconds the jobs then run before the next pause.
MIN_RUN = 0.5
#: Whether jobs pause for pages (``EXPLORER_JOB_PAUSE=0`` turns it off; POSIX only).
ENABLED = os.environ.get("EXPLORER_JOB_PAUSE", "1") != "0" and hasattr(signal, "SIGSTOP")


class JobPauser:
    """Counts the page scripts running and pauses the registered processes meanwhile.

    Parameters
    ----------
    grace, max_pause, min_run : float
        See :data:`GRACE`, :data:`MAX_PAUSE`, :data:`MIN_RUN`.
    enabled : bool
        False: count, but never pause.

    A process to pause has ``pause()`` and ``resume()`` methods
    (:class:`~explorer.web.job_process.JobProcess`) and is held weakly.
    """

    def __init__(self, grace: float = GRACE, max_pause: float = MAX_PAUSE,
                 min_run: float = MIN_RUN, *, enabled: bool = ENABLED):
        self.grace = grace
        self.max_pause = max_pause
        self.min_run = min_run
        self.enabled = enabled
        self._running = 0
        self._quiet_at = time.monotonic()  # when the last page's grace period ends
        self._processes: weakref.WeakSet = weakref.WeakSet()
        self._paused = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        #: Pauses so far, and those cut short by :attr:`max_pause`.
        self.pauses = 0
        self.forced_resumes = 0

    # ------------------------------------------------------------------ the pages' side
    @property
    def running(self) -> int:
        """Page scripts running now (not counting those waiting for a job)."""
        with self._changed:
            return self._running

    @property
    def paused(self) -> bool:
        """Whether the registered processes are stopped now."""
        with self._changed:
            return self._paused

    def _enter(self) -> None:
        with self._changed:
            self._running += 1
            self._changed.notify_all()
        self._start_thread()

    def _leave(self, *, grace: bool) -> None:
        with self._changed:
            self._running -= 1
            if grace:
                self._quiet_at = max(self._quiet_at, time.monotonic() + self.grace)
            self._changed.notify_all()

    @contextlib.contextmanager
    def page_running(self):
        """Around a page's script run: the jobs pause until it is over (and :attr:`grace`)."""
        self._enter()
        try:
            yield
        finally:
            self._leave(grace=True)

    @contextlib.contextmanager
    def page_waiting(self):
        """Around a running page's wait for a job: the jobs go on meanwhile, at once (no
        grace period: what the page drew so far is on its way).

        Outside :meth:`page_running` (a test calling a page function directly) it does
        nothing."""
        with self._changed:
            inside = self._running > 0
        if inside:
            self._leave(grace=False)
        try:
            yield
        finally:
            if inside:
                self._enter()

    # ------------------------------------------------------------------ the jobs' side
    def register(self, process) -> None:
        """Pause ``process`` with the others from now on (at once if they are paused)."""
        with self._changed:
            self._processes.add(process)
            if self._paused:
                process.pause()

    def _set_paused(self, paused: bool) -> None:
        with self._changed:
            self._paused = paused
            for process in list(self._processes):
                try:
                    process.pause() if paused else process.resume()
                except OSError:  # it ended meanwhile: its owner notices and replaces it
                    log.debug("could not %s a job process", "pause" if paused else "resume")

    def _start_thread(self) -> None:
        if not self.enabled or self._thread is not None:
            return
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, daemon=True,
                                                name="explorer-job-pauser")
                self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._running > 0)
            self._set_paused(True)
            self.pauses += 1
            forced = self._hold(time.monotonic())
            self._set_paused(False)
            if forced:  # the pages never stopped: the jobs get their share anyway
                self.forced_resumes += 1
                time.sleep(self.min_run)

    def _hold(self, start: float) -> bool:
        """Wait until no script runs and the last one's grace period is over (False), or
        the pause has lasted :attr:`max_pause` (True)."""
        with self._changed:
            while True:
                now = time.monotonic()
                left = start + self.max_pause - now
                if left <= 0:
                    return True
                if self._running == 0:
                    if now >= self._quiet_at:
                        return False
                    left = min(left, self._quiet_at - now)
                self._changed.wait(left)


#: The server's pauser: ``streamlit_app.py`` counts the pages, the job runner registers its
#: worker processes.
PAUSER = JobPauser()
