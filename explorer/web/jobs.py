"""Long computations run as shared jobs on a bounded pool of worker threads.

A class uses one server: while a few students run long computations (a k-means run, a
barycenter γ sweep, a predictor's training), the others must still get their pages drawn,
and students who ask for the same thing should share one computation. So the long
computations of the Use pages do not run in the session's script thread: a page submits a
:class:`Job` and watches it.

- **Bounded pool.** At most :data:`WORKERS` jobs run at once (one less than the cores, at
  least one: on a 2-core machine one core always stays free for the pages), each in a
  worker process of its own (:mod:`explorer.web.job_process`) with one Numba thread, at
  niceness 19 (:data:`NICENESS` on top of its thread's), so that the threads drawing pages
  win the CPU whenever they want it, and stopped while pages are drawn
  (:mod:`explorer.web.pausing`). Further jobs wait in a first-in,
  first-out queue; a watching page shows its job's place in it.
  BLAS runs on one thread in the whole server (:func:`single_threaded_blas`): OpenBLAS's
  idle threads busy-wait, at the server's priority.
- **Shared.** Jobs are keyed by what they compute (:func:`explorer.web.memo.cache_key` of
  the function and its arguments; :func:`submit_task`). Submitting a key that is queued or
  running returns that job; a finished job stays in a small LRU (``LIMITS["jobs"]`` in
  :mod:`explorer.web.memo`) so the next student gets the result at once, and a run that
  records frames (the live k-means) replays them. A job that failed is not kept: the next
  submission runs it again.
- **Detached.** A job does not belong to a session: a student who leaves the page does not
  stop a running job, and coming back (or another student asking for it) picks it up where
  it is. A *queued* job that every watcher has left (a student changing the settings while
  waiting, or leaving the page) is dropped when its turn comes, so nobody's abandoned
  requests hold up the queue.
- **Stoppable.** :meth:`Job.cancel` stops a job nobody else is watching: a queued one never
  starts, a running one ends at its next progress report (:class:`JobCancelled`), keeping
  the frames it published (a tuning run's finished grid points, say). A job that other
  students are watching is not stopped for them.
- **Giving way.** While any page's script runs, the worker processes pause
  (:mod:`explorer.web.pausing`); a page waiting for a job does not count as running.
- **Two pools.** :func:`runner` serves the jobs computed in this process; the jobs that
  run on a Dask cluster (*Your data*, :mod:`explorer.logic.your_data`) have their own
  pool, :func:`cluster_runner` (:data:`CLUSTER_WORKERS` threads, which mostly wait for the
  cluster), so that they never hold up the in-process jobs, nor these them.

Jobs report ``progress(fraction, text)`` and may publish ``frames`` (items drawn one by one
while the job runs); :func:`watch` draws both in the page (the progress in a
:class:`~explorer.web.progress.LiveProgress` bar) until the job is done.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable

from streamlit.runtime.scriptrunner import get_script_run_ctx
from threadpoolctl import threadpool_limits

from explorer.logic.common import numba_threads

from .job_process import JobProcess
from .job_types import JobCancelled, JobDropped, Task
from .memo import CLUSTER_JOB_STORE, JOB_STORE, cache_key
from .pausing import PAUSER, JobPauser
from .progress import LiveProgress

__all__ = ["CLUSTER_WORKERS", "NICENESS", "PROCESSES", "WORKERS", "Job", "JobCancelled",
           "JobDropped", "JobRunner", "cluster_runner", "lower_priority", "queue_text", "runner",
           "session_id", "single_threaded_blas", "submit_task", "wait_until_stopped", "watch"]

log = logging.getLogger("explorer")

#: Jobs run at once: one less than the cores (at least one). ``EXPLORER_JOB_WORKERS``
#: overrides it.
WORKERS = int(os.environ.get("EXPLORER_JOB_WORKERS", max(1, (os.cpu_count() or 2) - 1)))
#: Cluster jobs followed at once (their work runs on the cluster; this server waits for it
#: and reads small results back). ``EXPLORER_CLUSTER_JOB_WORKERS`` overrides it.
CLUSTER_WORKERS = int(os.environ.get("EXPLORER_CLUSTER_JOB_WORKERS", 4))
#: Whether the server's jobs run in worker processes (:mod:`explorer.web.job_process`);
#: ``EXPLORER_JOB_PROCESSES=0`` runs them in the worker threads themselves.
PROCESSES = os.environ.get("EXPLORER_JOB_PROCESSES", "1") != "0"
#: Niceness added to the worker threads (Linux schedules threads one by one; elsewhere the
#: call fails and the workers keep the server's priority).
NICENESS = 10


def lower_priority(niceness: int = NICENESS) -> bool:
    """Lower the calling thread's scheduling priority; whether it could."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)
        return True
    except (AttributeError, OSError):
        return False


def single_threaded_blas() -> None:
    """Run BLAS on one thread in this process (the libraries loaded so far; call it again
    after loading another).

    OpenBLAS (NumPy's and SciPy's copies) keeps a thread per core, and its idle threads
    busy-wait for the next call. Behind the L-BFGS steps of a barycenter job, which call
    BLAS hundreds of times a second on vectors of a few hundred numbers, one of them kept a
    core 50-70 % busy (``perf`` on the server during ``bench_classroom.py --mode
    fairness``): at the server's own priority, out of reach of the jobs' lower one, and
    taken from the students' pages. The server's matrices are small; one thread loses
    nothing.
    """
    threadpool_limits(1, user_api="blas")


class Job:
    """One computation, ``fn(progress, publish)``, and what it reported.

    ``progress(fraction, text)`` appends to :attr:`reports`; ``publish(item)`` appends an item
    to :attr:`frames` (for computations whose intermediate states are drawn live). Both lists
    only grow, so a watcher keeps its own place in them. :attr:`runner` is the
    :class:`JobRunner` that queued it (None: :func:`runner`'s).
    """

    def __init__(self, key: str, label: str, fn: Callable, runner: JobRunner | None = None):
        self.key = key
        self.label = label
        self.fn = fn
        self.runner = runner
        self.reports: list[tuple[float, str]] = []
        self.frames: list = []
        self.result = None
        self.error: BaseException | None = None
        self._watchers: dict = {}  # watching page's session -> how many watches
        self._watched = False
        self._started = threading.Event()
        self._cancelled = threading.Event()
        self._done = threading.Event()
        self._changed = threading.Condition()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def memo_parts(self) -> list:
        """What a finished job holds, for :func:`explorer.web.memo.nbytes`."""
        return [self.result, self.frames, self.reports]

    def attach(self, session=None) -> None:
        """A page (of ``session``) starts watching the job."""
        with self._changed:
            self._watchers[session] = self._watchers.get(session, 0) + 1
            self._watched = True

    def detach(self, session=None) -> None:
        """A page (of ``session``) stops watching the job (done, or the student moved on)."""
        with self._changed:
            left = self._watchers.get(session, 0) - 1
            if left > 0:
                self._watchers[session] = left
            else:
                self._watchers.pop(session, None)

    @property
    def watchers(self) -> int:
        """Pages watching the job now."""
        with self._changed:
            return sum(self._watchers.values())

    @property
    def abandoned(self) -> bool:
        """Watched once, by nobody now."""
        with self._changed:
            return self._watched and not self._watchers

    def drop(self) -> None:
        """End the job without running it (:class:`JobDropped` for a late watcher)."""
        self.error = JobDropped(f"{self.label}: dropped from the queue, nobody was "
                                "waiting for it any more; ask again to run it.")
        self.finish()

    def finish(self) -> None:
        """Mark the job done and wake its watchers."""
        with self._changed:
            self._done.set()
            self._changed.notify_all()

    def cancel(self, session=None) -> bool:
        """Stop the job unless a page of another session than ``session`` (the one asking)
        watches it; whether it will stop. A finished job is left as it is.

        The asking session may still be watching: its page is rerun by the click on Stop,
        and Streamlit can start the new run before the old one has left its watch.
        """
        with self._changed:
            others = [s for s in self._watchers if s != session]
            if others or self._done.is_set():
                return False
            self._cancelled.set()
            return True

    @property
    def cancelled(self) -> bool:
        """A stop was requested (:meth:`cancel`)."""
        return self._cancelled.is_set()

    def _report(self, fraction: float, text: str) -> None:
        if self._cancelled.is_set():  # the computation stops at its next report
            raise JobCancelled(f"{self.label}: stopped on request.")
        with self._changed:
            self.reports.append((float(fraction), str(text)))
            self._changed.notify_all()

    def _publish(self, item) -> None:
        with self._changed:
            self.frames.append(item)
            self._changed.notify_all()

    def run(self, process: JobProcess | None = None) -> None:
        """Run the computation in ``process`` (None: on this thread, with one Numba
        thread); never raises.

        Then the job lets go of :attr:`fn` and the inputs it holds (a finished job may stay
        in a store long after; only a job dropped unrun is asked for again).
        """
        self._started.set()
        try:
            if process is not None:
                self.result = process.call(self.fn, self._report, self._publish)
            else:
                with numba_threads(1):
                    self.result = self.fn(self._report, self._publish)
        except Exception as exc:  # kept for the watchers, who re-raise it
            self.error = exc
        finally:
            self.fn = None
            self.finish()

    def wait_change(self, timeout: float) -> None:
        """Block until the job reports, publishes or ends, or ``timeout`` seconds pass."""
        with self._changed:
            if not self._done.is_set():
                self._changed.wait(timeout)

    def wait_until_started(self, timeout: float | None = None) -> bool:
        """Block until a worker has started the job (or ``timeout`` seconds pass)."""
        return self._started.wait(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is done (or ``timeout`` seconds pass); whether it is."""
        return self._done.wait(timeout)

    def value(self):
        """The result (re-raises the job's exception); call once :attr:`done`."""
        if self.error is not None:
            raise self.error
        return self.result


class JobRunner:
    """A first-in, first-out queue of :class:`Job` served by ``workers`` daemon threads.

    ``store`` (``get(key)``/``put(key, job)``, e.g. :class:`explorer.web.memo.Memo`) keeps the
    finished jobs; queued and running ones are found by key here. With ``processes``, each
    thread runs its jobs in a worker process of its own (:class:`JobProcess`, started with
    the thread, loading the kernel stages :meth:`warm` names); their functions must then
    pickle (:class:`~explorer.web.job_types.Task`), and they pause while pages run
    (``pauser``, default :data:`~explorer.web.pausing.PAUSER`).
    """

    def __init__(self, workers: int, store, *, processes: bool = False,
                 pauser: JobPauser | None = None):
        self.workers = max(1, int(workers))
        self.store = store
        self.processes = processes
        self.stages: list[str] = []  # kernel stages the worker processes load (warm)
        self.pauser = PAUSER if pauser is None else pauser
        self.worker_processes: list[JobProcess] = []
        self._pending: deque[Job] = deque()
        self._active: dict[str, Job] = {}  # queued or running, by key
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []

    def submit(self, key: str, label: str, fn: Callable) -> Job:
        """The job computing ``key``: finished (from the store), active, or a new one running
        ``fn(progress, publish)``, queued."""
        with self._lock:
            job = self._active.get(key) or self.store.get(key)
            if job is not None:
                return job
            job = Job(key, label, fn, self)
            self._active[key] = job
            self._pending.append(job)
            self._start_workers()
            self._lock.notify()
            return job

    def find(self, key: str) -> Job | None:
        """The active or finished job computing ``key``, without submitting one."""
        with self._lock:
            return self._active.get(key) or self.store.get(key)

    def position(self, job: Job) -> int:
        """1 for the next job to start, 2 for the one after…; 0 when running or done."""
        with self._lock:
            for k, queued in enumerate(self._pending):
                if queued is job:
                    return k + 1
            return 0

    def queued(self) -> int:
        """Jobs waiting for a worker."""
        with self._lock:
            return len(self._pending)

    def start(self) -> None:
        """Start the workers now (else the first :meth:`submit` does): their processes
        import the library before any job waits."""
        with self._lock:
            self._start_workers()

    def warm(self, stages) -> None:
        """Have every worker process, and any started later, load these kernel stages of
        :func:`softdtw_core.warmup.warm_up` (once they are in Numba's on-disk cache): between
        jobs, so that no job waits for them (:meth:`JobProcess.warm`)."""
        with self._lock:
            self.stages += [stage for stage in stages if stage not in self.stages]
            processes = list(self.worker_processes)
        for process in processes:
            process.warm(stages)

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            t = threading.Thread(target=self._work, name=f"explorer-job-{len(self._threads)}",
                                 daemon=True)
            self._threads.append(t)
            t.start()

    def _work(self) -> None:
        lower_priority()
        process = None
        if self.processes:
            with self._lock:  # listed at once: it hears of every stage warmed from now on
                process = JobProcess(NICENESS, stages=self.stages)
                self.worker_processes.append(process)
            try:
                process.start()  # it imports the library while no job waits
            except OSError:  # no process for this worker: its jobs run on the thread
                log.exception("could not start a job worker process")
                with self._lock:
                    self.worker_processes.remove(process)
                process = None
            else:
                self.pauser.register(process)  # it gives way to pages (explorer.web.pausing)
        while True:
            with self._lock:
                while not self._pending:
                    self._lock.wait()
                job = self._pending.popleft()
                if job.cancelled:
                    self._active.pop(job.key, None)
                    job.error = JobCancelled(f"{job.label}: stopped before it started.")
                    job.finish()
                    continue
                if job.abandoned:
                    self._active.pop(job.key, None)
                    job.drop()
                    continue
            job.run(process)
            with self._lock:
                if job.error is None:
                    self.store.put(job.key, job)
                self._active.pop(job.key, None)


_RUNNER: JobRunner | None = None
_CLUSTER_RUNNER: JobRunner | None = None
_RUNNER_LOCK = threading.Lock()


def runner() -> JobRunner:
    """The server's job runner (created on first use, its finished jobs in
    :data:`explorer.web.memo.JOB_STORE`)."""
    global _RUNNER
    with _RUNNER_LOCK:
        if _RUNNER is None:
            single_threaded_blas()  # NumPy and SciPy are loaded by now (softdtw_core)
            _RUNNER = JobRunner(WORKERS, JOB_STORE, processes=PROCESSES)
            _RUNNER.start()  # the kernel warm-up tells it each stage (explorer.web.kernels)
        return _RUNNER


def cluster_runner() -> JobRunner:
    """The runner of the jobs on a Dask cluster (created on first use, its finished jobs
    in ``CLUSTER_JOB_STORE`` of :mod:`explorer.web.memo`)."""
    global _CLUSTER_RUNNER
    with _RUNNER_LOCK:
        if _CLUSTER_RUNNER is None:
            _CLUSTER_RUNNER = JobRunner(CLUSTER_WORKERS, CLUSTER_JOB_STORE)
        return _CLUSTER_RUNNER


def submit_task(label: str, compute: Callable, *args, **kwargs) -> Job:
    """The shared job running ``compute(*args, progress=..., **kwargs)`` on :func:`runner`,
    keyed by the function and its arguments (:func:`~explorer.web.memo.cache_key`)."""
    key = cache_key(compute.__module__, compute.__qualname__, args, kwargs)
    return runner().submit(key, label, Task(compute, args, kwargs))


def session_id() -> str | None:
    """The Streamlit session running this script (None outside a script run)."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id


def queue_text(place: int, workers: int) -> str:
    """What a page says while its job waits for a worker (``place`` 1 = next)."""
    ahead = f"{place} computation{'s' if place > 1 else ''} of other students"
    return (f"Queued: {ahead} {'run' if place > 1 else 'runs'} first. The server runs "
            f"{workers} long computation{'s' if workers > 1 else ''} at a time so that every "
            "page stays quick; this one starts by itself.")


def wait_until_stopped(job: Job) -> None:
    """In a page, after :meth:`Job.cancel`: wait until the job has stopped (at its next
    progress report), letting it run meanwhile (:mod:`explorer.web.pausing`)."""
    with PAUSER.page_waiting():
        job.wait()


def watch(job: Job, *, on_frame: Callable[[object, int], None] | None = None,
          frame_seconds: float = 0.0, poll: float = 0.1):
    """Draw a job's place in the queue, its progress and its frames until it is done.

    A job already finished at the first look draws no progress (a shared result arrives at
    once) but does replay its frames.

    Parameters
    ----------
    job : Job
    on_frame : callable, optional
        ``on_frame(item, index)`` draws one published frame; frames are drawn in order, each
        kept on screen at least ``frame_seconds``.
    poll : float
        Seconds between two looks at a running job. Each look is a Streamlit call, where a
        student leaving the page interrupts the watch (never the job).

    Returns
    -------
    The job's result (its exception is raised here).
    """
    jobs = job.runner or runner()
    session = session_id()
    fresh = not job.done
    bar = LiveProgress()
    place_shown = 0
    n_reports = n_frames = 0
    shown_at = 0.0
    job.attach(session)
    try:
        # Watching is waiting: the jobs go on meanwhile (explorer.web.pausing). The loop's
        # few Streamlit calls a second (progress, frames) must not pause them every time.
        with PAUSER.page_waiting():
            while True:
                done = job.done
                place = jobs.position(job)
                if place != place_shown:
                    place_shown = place
                    if place:
                        bar.placeholder.info(queue_text(place, jobs.workers),
                                             icon=":material/hourglass_top:")
                    else:
                        bar.clear()
                while fresh and n_reports < len(job.reports):
                    bar(*job.reports[n_reports])
                    n_reports += 1
                if on_frame is not None and n_frames < len(job.frames):
                    wait = frame_seconds - (time.perf_counter() - shown_at)
                    if n_frames and wait > 0:  # hold the previous frame on screen
                        time.sleep(wait)
                    on_frame(job.frames[n_frames], n_frames)
                    n_frames += 1
                    shown_at = time.perf_counter()
                    continue
                if done and isinstance(job.error, JobDropped):  # dropped as we came: again
                    job.detach(session)
                    job = jobs.submit(job.key, job.label, job.fn)
                    job.attach(session)
                    fresh = True
                    continue
                if done:
                    hold = frame_seconds - (time.perf_counter() - shown_at)
                    if n_frames and hold > 0:  # the last frame too stays on screen
                        time.sleep(hold)
                    return job.value()
                job.wait_change(poll)
    finally:
        job.detach(session)
        bar.clear()
