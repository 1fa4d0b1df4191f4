"""A worker process for the server's jobs: the CPU they get is what no page wants.

On one machine a class shares, a long job (a γ sweep, a k-means run) should take only the
CPU the students' pages leave. A *thread* of the server cannot be given a low enough
priority: between two kernel calls a job runs Python and holds the interpreter's one lock,
and a thread holding it while it waits for the CPU stalls every page of every student. A
process of its own has its own interpreter and lock, so it can (:func:`_lower_priority`).
``bench_classroom.py --mode fairness`` measured the server's part of a Cost & DP table
(websocket open to its last message) at 1.72x its idle time while three students ran γ
sweeps with the jobs in a worker thread at niceness +10, and 1.25x with them in this process
at ``SCHED_IDLE``.

Which priority (:data:`PRIORITY`): niceness 19 by default. Linux's ``SCHED_IDLE`` class
(``EXPLORER_JOB_PRIORITY=idle``) gives a job only the CPU nothing else wants, but then it
waits for as long as other work keeps every core busy: the test suite's jobs timed out that
way, and a teacher's notebook computing on the server would stall every student's job.
Since jobs stop while pages are drawn (:mod:`explorer.web.pausing`), the idle class adds no
measurable fairness on the server's side: with the busy students' browsers elsewhere, the
server's part of the fourth student's page was 0.89x to 1.23x its idle time over six runs at
niceness 19 (median 1.00) and 0.84x to 1.05x over seven in ``SCHED_IDLE`` (0.99); its page
load, in a browser on the same machine, 1.08x to 1.32x (1.14) and 0.89x to 1.17x (1.06). At
niceness 19 a job still gets under 2 % of a core that a page's thread wants.

:class:`JobProcess` is the server's side: one worker thread of
:class:`~explorer.web.jobs.JobRunner` owns one and starts it when the thread starts (the
child imports the library in the background, before the first job comes), sends it a job
function and relays what comes back: progress reports (each answered "go on" or "stop": that
is how :meth:`Job.cancel <explorer.web.jobs.Job.cancel>` reaches the child), published
frames, then the result or the exception. A child that dies (killed, out of memory) fails
the job it was running with a clear message, and the next job starts a new one.

A job function must pickle (a module-level function and picklable arguments):
:class:`~explorer.web.job_types.Task` is the form :mod:`explorer.web.cached` gives them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from .job_types import JobCancelled, WorkerGone

__all__ = ["PRIORITY", "JobProcess", "main"]

_GO, _STOP = "go", "stop"
#: The first item of a message asking the worker to load kernel stages (between jobs).
_WARM = "warm"


#: ``EXPLORER_JOB_PRIORITY``: ``nice`` (default) or ``idle``, see :func:`_lower_priority`.
PRIORITY = os.environ.get("EXPLORER_JOB_PRIORITY", "nice")


def _lower_priority(niceness: int) -> str:
    """Lower this process's priority by ``niceness`` or, where :data:`PRIORITY` is ``idle``,
    put it in Linux's ``SCHED_IDLE`` class (it runs only when no other thread of the machine
    wants the CPU; the niceness where that class is missing); which one it got.

    Threads of the server could not run this low: a thread holding the GIL while it waits
    for the CPU would stall every page. A process of its own can. A job in ``SCHED_IDLE``
    waits for as long as other work keeps every core busy (other services; the test suite's
    two workers), hence ``nice`` by default (module docstring).
    """
    if PRIORITY == "idle":
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return "idle"
        except (AttributeError, OSError):
            pass
    try:
        os.nice(niceness)
        return f"nice +{niceness}"
    except (AttributeError, OSError):
        return "normal"


def main() -> None:
    """The worker process (``python -c "from explorer.web.job_process import main; main()"
    FD NICENESS [STAGES]``, FD its end of a socket pair with the server): lower its priority
    (:func:`_lower_priority`), keep BLAS and Numba on one thread each, import what the jobs
    run, load the comma-separated kernel ``STAGES`` (:data:`softdtw_core.warmup.STAGES`),
    then run the job functions it is sent until the connection closes, and load the stages
    it is sent between them (``("warm", stages)``, :meth:`JobProcess.warm`).

    The server starts its workers during its kernel warm-up, so they import the library while
    its child process compiles the kernels, and tells them each stage once it is in Numba's
    on-disk cache (:mod:`explorer.web.kernels`): loading one takes a fraction of a second,
    while no job waits. Without it the first job of each worker would pay the imports and
    the loading (the first k-means frame on a fresh server came 2.6-3.2 s after the click
    when the workers started only after the whole warm-up, 0.4 s on a warm one).
    """
    conn, niceness = Connection(int(sys.argv[1])), int(sys.argv[2])
    stages = [s for s in (sys.argv[3] if len(sys.argv) > 3 else "").split(",") if s]
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"  # before NumPy loads: its BLAS reads them once
    _lower_priority(niceness)
    import numba

    import explorer.logic.barycenters  # noqa: F401  (what the jobs run: imported while idle)
    import explorer.logic.interpolation  # noqa: F401
    import explorer.logic.kmeans  # noqa: F401
    import explorer.logic.prediction  # noqa: F401
    import explorer.logic.tune_gamma  # noqa: F401
    import explorer.logic.your_data  # noqa: F401
    from softdtw_core.warmup import warm_up

    numba.set_num_threads(1)

    def load(stages):
        try:
            warm_up(stages)
        except Exception:  # a job that needs the kernel meets the error itself
            pass

    load(stages)

    def progress(fraction, text):
        conn.send(("report", fraction, text))
        if conn.recv() == _STOP:
            raise JobCancelled(f"stopped on request ({text})")

    def publish(item):
        conn.send(("frame", item))

    while True:
        try:
            fn = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(fn, tuple) and fn[:1] == (_WARM,):
            load(fn[1])
            continue
        try:
            message = ("done", fn(progress, publish))
        except BaseException as exc:  # sent to the server, which raises it for the watchers
            message = ("error", exc)
        try:
            conn.send(message)
        except Exception as exc:  # the result or the exception does not pickle
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


class JobProcess:
    """One worker process, used by one thread at a time (a :class:`JobRunner` worker).

    ``stages``: the kernel stages it loads when it starts (:meth:`warm` adds more)."""

    def __init__(self, niceness: int, *, stages=()):
        self.niceness = niceness
        self.stages: list[str] = list(stages)
        self._unsent: list[str] = []  # stages asked for since the process started
        self._process: subprocess.Popen | None = None
        self._conn = None
        self._paused = False
        self._busy = False  # running a job (from the job's sending to its result)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the process unless it runs (it then imports the library in the background).

        A plain ``python -c`` child given its end of a socket pair, not
        :mod:`multiprocessing`'s spawn, which would re-import the server's main module
        (Streamlit's command line, or a test runner) in the child.
        """
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            ours, theirs = socket.socketpair()
            with ours, theirs:
                command = [sys.executable, "-c", "from explorer.web.job_process import main; "
                           "main()", str(theirs.fileno()), str(self.niceness),
                           ",".join(self.stages)]
                self._process = subprocess.Popen(command, pass_fds=(theirs.fileno(),),
                                                 cwd=Path(__file__).resolve().parents[2])
                self._conn = Connection(ours.detach())
                self._unsent.clear()  # a new process loads them all at start

    def warm(self, stages) -> None:
        """Have the process load these kernel stages from Numba's on-disk cache
        (:func:`softdtw_core.warmup.warm_up`; they must be there): at once if it runs no job,
        else before its next job; a process started later loads them at start."""
        with self._lock:
            for stage in stages:
                if stage not in self.stages:
                    self.stages.append(stage)
                    self._unsent.append(stage)
            if not self._busy:
                self._send_stages()

    def _send_stages(self) -> None:
        """Send the stages asked for since the process started (with the lock held, when no
        job is being relayed: the messages then come before the next job)."""
        if self._unsent and self._conn is not None:
            try:
                self._conn.send((_WARM, list(self._unsent)))
            except OSError:  # it ended: the next call starts one that loads them all
                return
            self._unsent.clear()

    @property
    def pid(self) -> int | None:
        """The worker process's id (None before :meth:`start`)."""
        return None if self._process is None else self._process.pid

    def pause(self) -> None:
        """Stop the process where it is (``SIGSTOP``) if it runs a job, and at the start of
        any job until :meth:`resume` (:mod:`explorer.web.pausing`); the job just takes
        longer. A worker between jobs is left alone: it is idle, or importing the library
        and loading the kernels once, for the next job."""
        with self._lock:
            self._paused = True
            if self._busy:
                self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let the process go on (``SIGCONT``)."""
        with self._lock:
            self._paused = False
            self._signal(signal.SIGCONT)

    @property
    def paused(self) -> bool:
        """Whether :meth:`pause` holds the process."""
        return self._paused

    def _signal(self, signum: int) -> None:
        if self._process is not None and self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended since
                os.kill(self._process.pid, signum)

    def call(self, fn: Callable, progress: Callable, publish: Callable):
        """Run ``fn(progress, publish)`` in the process; return its result or raise its
        exception. When ``progress`` raises (a cancelled job), the computation stops at that
        report and its exception is raised here."""
        self.start()
        with self._lock:
            self._send_stages()
            self._busy = True
            if self._paused:  # a job that starts while the jobs give way to pages
                self._signal(signal.SIGSTOP)
        try:
            return self._relay(fn, progress, publish)
        finally:
            with self._lock:
                self._busy = False

    def _relay(self, fn: Callable, progress: Callable, publish: Callable):
        conn = self._conn
        conn.send(fn)  # a function that does not pickle raises here, before anything ran
        stopped = None
        while True:
            try:
                kind, *rest = conn.recv()
                if kind == "report":
                    try:
                        progress(*rest)
                    except Exception as exc:
                        stopped = exc
                    conn.send(_GO if stopped is None else _STOP)
                    continue
            except (EOFError, OSError) as exc:
                raise self._gone() from exc
            if kind == "frame":
                publish(rest[0])
            elif kind == "done":
                return rest[0]
            else:
                raise stopped if stopped is not None else rest[0]

    def _gone(self) -> WorkerGone:
        process = self._process
        self.stop()
        code = None if process is None else process.returncode
        return WorkerGone("The worker process running this computation stopped (exit code "
                          f"{code}): the machine may be short of memory. Run it again; a new "
                          "worker starts.")

    def stop(self) -> None:
        """End the process (a running computation is lost)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            if self._process is not None:
                if self._process.poll() is None:
                    self._process.kill()
                self._process.wait(timeout=10)
            self._process = self._conn = None
