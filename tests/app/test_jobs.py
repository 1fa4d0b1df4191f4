"""The shared job queue and the background kernel warm-up, driven deterministically.

Jobs here block on events the test releases, so every state (queued, running, finished)
is observed on purpose, never by timing.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from types import SimpleNamespace

import numba
import numpy as np
import pytest

from explorer.web import jobs, kernels, memo
from explorer.web.cached import (
    barycenters,
    interpolation,
    kmeans,
    prediction,
    tune_gamma,
    your_data,
)
from explorer.web.job_types import Task, WorkerGone
from explorer.web.memo import Limit, Memo


def _blocking(release: threading.Event, value, seen: list | None = None):
    """A job function that reports, publishes, waits for ``release`` and returns ``value``."""

    def run(progress, publish):
        progress(0.0, "started")
        publish("frame 0")
        if seen is not None:
            seen.append(numba.get_num_threads())
        release.wait()
        progress(1.0, "done")
        return value

    return run


def _failing(progress, publish):
    raise ValueError("gamma must be a finite number >= 0; got -1.")


@pytest.fixture
def runner():
    return jobs.JobRunner(1, Memo(Limit(8)))


def test_one_worker_serves_a_fifo_queue_with_places(runner):
    gates = [threading.Event() for _ in range(3)]
    first = runner.submit("a", "A", _blocking(gates[0], "A"))
    second = runner.submit("b", "B", _blocking(gates[1], "B"))
    third = runner.submit("c", "C", _blocking(gates[2], "C"))
    # the first one is taken by the worker: it is running (place 0), the others wait in order
    assert first.wait_until_started(30)
    assert [runner.position(j) for j in (first, second, third)] == [0, 1, 2]
    assert runner.queued() == 2
    gates[0].set()
    assert first.wait(30) and first.value() == "A"
    assert second.wait_until_started(30)
    assert [runner.position(j) for j in (second, third)] == [0, 1]
    gates[1].set()
    gates[2].set()
    assert third.wait(30) and third.value() == "C" and second.value() == "B"
    assert first.reports == [(0.0, "started"), (1.0, "done")]
    assert first.frames == ["frame 0"]


def test_same_key_is_one_job_and_a_finished_one_comes_from_the_store(runner):
    gate = threading.Event()
    job = runner.submit("k", "K", _blocking(gate, 42))
    assert runner.submit("k", "K", _blocking(gate, 0)) is job  # queued or running: shared
    gate.set()
    assert job.wait(30) and job.value() == 42
    assert runner.find("k") is job
    assert runner.submit("k", "K", _blocking(gate, 0)) is job  # finished: not run again
    assert runner.store.get("k") is job


def test_cancel_stops_an_unwatched_job_at_its_next_report_and_keeps_its_frames(runner):
    gate = threading.Event()
    job = runner.submit("long", "Long", _blocking(gate, "never"))
    for _ in range(30):  # until the job has reported and published; it then waits on the gate
        if job.frames:
            break
        job.wait_change(1.0)
    assert job.frames == ["frame 0"]
    job.attach("another student")  # a stop from another session must not end it
    job.attach("me")
    assert not job.cancel("me") and not job.cancelled
    job.detach("another student")
    assert job.cancel("me") and job.cancelled  # my own page may still be watching
    gate.set()  # the job reaches its next report, which raises
    assert job.wait(30)
    with pytest.raises(jobs.JobCancelled, match="Long: stopped on request"):
        job.value()
    assert job.frames == ["frame 0"] and job.reports == [(0.0, "started")]
    assert runner.find("long") is None  # not kept: asking again runs it again
    assert not job.cancel()  # a finished job is left as it is


def test_a_queued_job_cancelled_never_starts(runner):
    gate = threading.Event()
    first = runner.submit("first", "First", _blocking(gate, 1))
    started: list[str] = []
    queued = runner.submit("second", "Second",
                           lambda progress, publish: started.append("ran"))
    assert first.wait_until_started(30) and runner.position(queued) == 1
    assert queued.cancel()
    gate.set()
    assert queued.wait(30) and first.wait(30)
    with pytest.raises(jobs.JobCancelled, match="stopped before it started"):
        queued.value()
    assert started == []


def test_a_failed_job_raises_for_its_watchers_and_is_not_kept(runner):
    job = runner.submit("bad", "Bad", _failing)
    assert job.wait(30)
    with pytest.raises(ValueError, match="gamma must be a finite number"):
        job.value()
    assert runner.find("bad") is None  # the next submission runs it again
    again = runner.submit("bad", "Bad", _failing)
    assert again is not job


def test_a_finished_job_lets_go_of_its_inputs(runner):
    import gc
    import weakref

    import numpy as np

    inputs = np.ones(1000)
    held = weakref.ref(inputs)
    job = runner.submit("sum", "Sum", lambda progress, publish, x=inputs: float(x.sum()))
    del inputs
    assert job.wait(30) and job.value() == 1000.0
    gc.collect()
    assert held() is None and runner.find("sum") is job  # kept, without its inputs


def test_jobs_run_with_one_numba_thread(runner):
    gate = threading.Event()
    gate.set()
    seen: list[int] = []
    assert runner.submit("t", "T", _blocking(gate, None, seen)).wait(30)
    assert seen == [1]


def test_queue_text_says_the_place():
    assert jobs.queue_text(1, 1).startswith("Queued: 1 computation of other students runs ")
    assert jobs.queue_text(3, 1).startswith("Queued: 3 computations of other students run ")
    assert "1 long computation at a time" in jobs.queue_text(2, 1)


def test_job_store_holds_finished_jobs_within_its_byte_limit():
    import numpy as np

    store = Memo(Limit(10, max_bytes=100_000))
    runner = jobs.JobRunner(1, store)
    for k in range(5):
        job = runner.submit(f"m{k}", "M", lambda progress, publish: np.zeros(5000))  # 40 kB
        assert job.wait(30)
    assert store.bytes <= 100_000 and len(store) == 2  # the two most recent
    assert memo.nbytes(store.get("m4")) > 40_000


def test_job_store_hands_every_result_that_leaves_to_on_drop():
    import numpy as np

    now = [0.0]
    dropped = []
    store = Memo(Limit(2, max_bytes=100_000, ttl=60), clock=lambda: now[0],
                 on_drop=dropped.append)
    a, b, c, b2 = (np.full(10, float(v)) for v in range(4))
    big = np.zeros(20_000)
    store.put("a", a)
    store.put("b", b)
    store.put("c", c)  # a is the least recently used
    assert [id(v) for v in dropped] == [id(a)]
    store.put("c", c)  # the same result again: kept
    store.put("b", b2)  # replaced
    store.put("big", big)  # 160 kB: not kept
    assert [id(v) for v in dropped] == [id(a), id(b), id(big)]
    assert store.get("b") is b2 and store.get("c") is c
    now[0] = 61.0  # both expire
    assert store.get("c") is None and len(store) == 0
    assert {id(v) for v in dropped[3:]} == {id(b2), id(c)} and len(dropped) == 5
    store.put("a", a)
    store.clear()
    assert dropped[-1] is a and len(dropped) == 6


class _WarmedRunner:
    """Stands for the server's job runner in the warm-up tests: records the stages it is
    told, and when (the stages the server itself had loaded by then)."""

    def __init__(self, warmup_ref: list):
        self.told: list[tuple[str, list[str]]] = []
        self._warmup = warmup_ref
        self._changed = threading.Condition()

    def warm(self, stages):
        ready = list(self._warmup[0].ready) if self._warmup else []
        with self._changed:
            self.told += [(stage, ready) for stage in stages]
            self._changed.notify_all()

    def wait_told(self, n: int, timeout: float) -> bool:
        """Wait until ``n`` stages were told (the warm-up tells each one just after marking
        it ready, so a test that waited for the last stage waits for this too)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.told) >= n, timeout)


#: The warm-up's last stage: once it is ready, every stage is.
LAST_STAGE = list(kernels.STAGES)[-1]


@pytest.fixture
def warmed_runner(monkeypatch):
    ref: list = []
    runner = _WarmedRunner(ref)
    monkeypatch.setattr(jobs, "runner", lambda: runner)
    return runner, ref


def test_warmup_loads_the_stages_in_order_and_pages_wait_for_theirs(monkeypatch,
                                                                      warmed_runner):
    loaded: list[list[str]] = []
    gate = threading.Event()

    def fake_warm_up(stages):
        if stages == ["barycenter"]:
            gate.wait()
        loaded.append(list(stages))

    monkeypatch.setattr(kernels, "warm_up", fake_warm_up)
    warm = kernels.Warmup(None)  # no child process: the thread loads every stage itself
    runner, ref = warmed_runner
    ref.append(warm)
    assert not warm.is_ready("learn")
    warm.start()
    warm.start()  # idempotent
    assert warm.wait("pairwise", 30)
    assert not warm.is_ready("barycenter") and not warm.wait("kmeans", 0.01)
    gate.set()
    assert warm.wait(LAST_STAGE, 30) and runner.wait_told(len(warm.stages), 30)
    assert loaded == [[s] for s in warm.stages]
    assert warm.ready == list(warm.stages) and warm.error is None
    # the job workers hear of each stage in order, once the server has it (so it is in
    # Numba's on-disk cache for them to load)
    stages = list(warm.stages)
    assert runner.told == [(stage, stages[:k + 1]) for k, stage in enumerate(stages)]


def test_warmup_follows_the_child_process_then_loads(monkeypatch, tmp_path, warmed_runner):
    loaded: list[str] = []
    monkeypatch.setattr(kernels, "warm_up", lambda stages: loaded.extend(stages))
    script = tmp_path / "child.py"
    script.write_text("print('noise'); print('learn 1.0'); print('pairwise 2.0')\n")
    import sys

    warm = kernels.Warmup([sys.executable, str(script)])
    warm.start()
    assert warm.wait(LAST_STAGE, 60)  # the child stopped early: the thread did the rest
    assert warmed_runner[0].wait_told(len(warm.stages), 30)
    assert loaded == list(warm.stages)
    assert [stage for stage, _ in warmed_runner[0].told] == list(warm.stages)


def test_warmup_starts_with_the_stage_of_the_page_opened_first(monkeypatch, tmp_path,
                                                                warmed_runner):
    # the child compiles in the order it is given on its command line; the thread loads
    # each stage as the child reports it, the first page's stage first
    loaded: list[str] = []
    monkeypatch.setattr(kernels, "warm_up", lambda stages: loaded.extend(stages))
    script = tmp_path / "child.py"
    script.write_text("import sys\nfor stage in sys.argv[1:]: print(stage, '0.1')\n")
    import sys

    warm = kernels.Warmup([sys.executable, str(script)])
    warm.start(first="kmeans")
    warm.start(first="predictor")  # the first call decides
    assert warm.wait(LAST_STAGE, 60) and warmed_runner[0].wait_told(len(warm.stages), 30)
    others = [s for s in kernels.STAGES if s != "kmeans"]
    assert warm.stages == ["kmeans", *others] == loaded == warm.ready
    assert [stage for stage, _ in warmed_runner[0].told] == warm.stages


def test_warmup_error_does_not_block_the_pages(monkeypatch, warmed_runner):
    def broken(stages):
        raise RuntimeError("no compiler")

    monkeypatch.setattr(kernels, "warm_up", broken)
    warm = kernels.Warmup(None)
    warm.start()
    assert warm.wait("learn", 30)  # ready to let the page run and meet the error itself
    assert warm.error == "RuntimeError: no compiler"


# --------------------------------------------------------------------------- in the pages

BARY_SMALL = {"bc_src": "warped copies", "bc_n": 4, "bc_len": 20}
KM_SMALL = {"km_src": "synthetic", "km_per": 3, "km_len": 24, "km_iter": 3, "km_seed": 5}


@pytest.fixture
def fresh_runner(monkeypatch):
    """A one-worker runner with an empty store in place of the server's."""
    runner = jobs.JobRunner(1, Memo(Limit(16)))
    monkeypatch.setattr(jobs, "_RUNNER", runner)
    return runner


def test_a_page_shows_its_place_in_the_queue(fresh_runner, monkeypatch):
    from .conftest import assert_clean, charts, open_page

    gate = threading.Event()
    other = fresh_runner.submit("another student's job", "Other", _blocking(gate, None))
    assert other.wait_until_started(30)
    places: list[int] = []
    text = jobs.queue_text

    def spy(place, workers):  # the page is waiting behind the other job: let it finish
        places.append(place)
        gate.set()
        return text(place, workers)

    monkeypatch.setattr(jobs, "queue_text", spy)
    at = open_page("barycenters", BARY_SMALL)
    assert_clean(at)
    assert places == [1]
    assert charts(at)  # the barycenters were drawn once the job ran


def test_kmeans_runs_with_the_same_settings_share_one_computation(fresh_runner, monkeypatch):
    from explorer.logic import kmeans as logic_kmeans

    from .conftest import assert_clean, open_page

    calls = []
    record = logic_kmeans.kmeans_record

    def spy(*args, **kwargs):
        calls.append(kwargs["k"])
        return record(*args, **kwargs)

    monkeypatch.setattr(logic_kmeans, "kmeans_record", spy)
    labels = []
    for _ in range(2):  # two students, same data and settings
        at = open_page("kmeans", KM_SMALL)
        at.button(key="km_run").click().run()
        assert_clean(at)
        assert at.subheader and "Step through" in at.subheader[0].value
        labels.append(at.dataframe[0].value)  # the comparison table
    assert calls == [3]  # computed once, replayed for the second student
    assert labels[0].equals(labels[1])


def test_workers_run_at_a_lower_priority(runner):
    import os

    seen = []
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())  # this thread's

    def run(progress, publish):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) - base)

    assert runner.submit("nice", "Nice", run).wait(30)
    assert seen == [jobs.NICENESS]


def test_a_queued_job_everyone_left_is_dropped_not_run(runner):
    gate = threading.Event()
    first = runner.submit("first", "First", _blocking(gate, 1))
    assert first.wait_until_started(30)
    ran: list[str] = []
    left = runner.submit("left", "Left", lambda progress, publish: ran.append("left"))
    kept = runner.submit("kept", "Kept", lambda progress, publish: ran.append("kept"))
    left.attach()
    left.detach()  # its only watcher moved on while it waited
    kept.attach()  # still watched
    gate.set()
    assert left.wait(30) and kept.wait(30)
    assert ran == ["kept"]
    with pytest.raises(jobs.JobDropped, match="nobody was waiting"):
        left.value()
    assert runner.find("left") is None  # asking again runs it
    again = runner.submit("left", "Left", lambda progress, publish: ran.append("again"))
    assert again.wait(30) and ran == ["kept", "again"]


def test_watching_a_job_dropped_meanwhile_asks_for_it_again():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from explorer.web import jobs
        from explorer.web.memo import Limit, Memo

        runner = jobs.JobRunner(1, Memo(Limit(4)))
        jobs._RUNNER = runner
        job = jobs.Job("k", "K", lambda progress, publish: 7)
        job.drop()  # as if its watchers had all left while it was queued
        st.write(f"value {jobs.watch(job)}")
        jobs._RUNNER = None

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.markdown] == ["value 7"]


def test_the_job_runner_leaves_blas_on_one_thread():
    """OpenBLAS's idle threads busy-wait at the server's priority (jobs.single_threaded_blas):
    once the server's runner exists, every BLAS library loaded runs one thread."""
    import scipy.optimize  # noqa: F401  (the barycenter jobs' L-BFGS: SciPy's own OpenBLAS)
    from threadpoolctl import threadpool_info

    jobs.single_threaded_blas()
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas, "no BLAS library found"
    assert [lib["num_threads"] for lib in blas] == [1] * len(blas)


# --------------------------------------------------------------------------- worker processes
# The job functions below are module-level (the worker process imports them by name).


def _steps(n: int, progress, publish):
    """Report and publish n steps; return the worker's process id and a sum."""
    for i in range(n):
        progress(i / n, f"step {i}")
        publish(i)
    return os.getpid(), sum(range(n))


def _slow_steps(n: int, delay: float, progress):
    for i in range(n):
        progress(i / n, f"step {i}")
        time.sleep(delay)
    return "finished"


def _exit_with(code: int, progress):
    progress(0.0, "about to die")
    os._exit(code)


def _refuse(progress):
    raise ValueError("gamma must be a finite number >= 0; got -1.")


@pytest.fixture
def process_runner():
    r = jobs.JobRunner(1, Memo(Limit(8)), processes=True)
    yield r
    for process in r.worker_processes:
        process.stop()


def test_a_process_runner_relays_reports_frames_and_the_result(process_runner):
    job = process_runner.submit("steps", "Steps", Task(_steps, (5,), publish_arg="publish"))
    assert job.wait(120)
    assert job.error is None
    pid, total = job.result
    assert pid != os.getpid() and pid == process_runner.worker_processes[0].pid
    assert total == 10
    assert job.frames == [0, 1, 2, 3, 4]
    assert job.reports == [(i / 5, f"step {i}") for i in range(5)]


def test_a_cancelled_process_job_stops_at_its_next_report_and_the_worker_lives_on(
        process_runner):
    job = process_runner.submit("slow", "Slow", Task(_slow_steps, (400, 0.05)))
    assert job.wait_until_started(120)
    while not job.reports:  # it runs
        job.wait_change(1.0)
    assert job.cancel()
    assert job.wait(60)
    assert isinstance(job.error, jobs.JobCancelled)
    assert "Slow: stopped on request" in str(job.error)
    assert len(job.reports) < 400
    pid = process_runner.worker_processes[0].pid
    after = process_runner.submit("after", "After", Task(_steps, (2,), publish_arg="publish"))
    assert after.wait(120) and after.error is None
    assert after.result[0] == pid  # the same worker process ran it


def test_a_worker_that_dies_fails_its_job_clearly_and_a_new_one_takes_the_next(
        process_runner):
    job = process_runner.submit("die", "Die", Task(_exit_with, (3,)))
    assert job.wait(120)
    assert isinstance(job.error, WorkerGone)
    assert "exit code 3" in str(job.error) and "Run it again" in str(job.error)
    with pytest.raises(WorkerGone):
        job.value()
    again = process_runner.submit("again", "Again", Task(_steps, (3,), publish_arg="publish"))
    assert again.wait(120) and again.error is None
    assert again.result == (process_runner.worker_processes[0].pid, 3)


def test_an_error_in_a_process_job_reaches_its_watchers_with_its_message(process_runner):
    job = process_runner.submit("refuse", "Refuse", Task(_refuse))
    assert job.wait(120)
    with pytest.raises(ValueError, match="gamma must be a finite number"):
        job.value()


def test_every_job_the_pages_submit_pickles(monkeypatch):
    """The server runs its jobs in worker processes: each job factory of explorer.web.cached must
    hand the runner a function that pickles, and unpickled it computes the same."""
    submitted = {}

    class Capture:
        def submit(self, key, label, fn):
            submitted[label] = fn

    monkeypatch.setattr(jobs, "runner", lambda: Capture())
    series = [np.sin(np.linspace(0, 3, 12) + 0.2 * k) for k in range(4)]
    interpolation.interpolation_grid(series[0], series[1], 1.0)
    barycenters.barycenter_comparison(series, 1.0)
    barycenters.barycenter_sweep(series, [0.1, 1.0])
    prediction.predictors(SimpleNamespace(name="placeholder"), 1.0)
    your_data.pairwise_matrix(series, 1.0, False, "sqeuclidean", None)
    your_data.long_alignment(series[0], series[1], 1.0, "sqeuclidean", None)
    kmeans.kmeans_run(series, None, {"k": 2})
    tune_gamma.tuning_run(SimpleNamespace(series=series, labels=[0, 0, 1, 1], n_folds=2),
                          [0.1, 1.0], seed=0, k=1)
    assert len(submitted) == 8
    for label, fn in submitted.items():
        assert isinstance(fn, Task), label
        copy = pickle.loads(pickle.dumps(fn))
        assert (copy.compute, copy.progress_arg, copy.publish_arg) == (
            fn.compute, fn.progress_arg, fn.publish_arg), label
        assert memo.cache_key(copy.args, copy.kwargs) == memo.cache_key(fn.args, fn.kwargs)
    copy = pickle.loads(pickle.dumps(submitted["Averaging"]))
    ours = copy(lambda *a: None, lambda item: None)
    theirs = submitted["Averaging"](lambda *a: None, lambda item: None)
    assert type(ours) is type(theirs) and ours.methods.keys() == theirs.methods.keys()
    for name in ours.methods:
        np.testing.assert_array_equal(ours.methods[name].barycenter,
                                      theirs.methods[name].barycenter)


def _scheduling_policy(progress):
    return os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.parametrize("priority", ["idle", "nice"])
def test_the_worker_process_runs_at_the_priority_it_is_given(monkeypatch, priority):
    """EXPLORER_JOB_PRIORITY=idle: Linux's SCHED_IDLE class; nice: niceness + NICENESS."""
    monkeypatch.setenv("EXPLORER_JOB_PRIORITY", priority)
    r = jobs.JobRunner(1, Memo(Limit(8)), processes=True)
    try:
        job = r.submit("policy", "Policy", Task(_scheduling_policy))
        assert job.wait(120) and job.error is None
        policy, niceness = job.result
        if priority == "idle":
            assert policy == os.SCHED_IDLE
        else:
            assert policy == os.SCHED_OTHER
            assert niceness >= os.getpriority(os.PRIO_PROCESS, 0) + jobs.NICENESS
    finally:
        for process in r.worker_processes:
            process.stop()


def _kernels_loaded(progress):
    """In the worker: how many specialisations two kernels a k-means job uses hold already."""
    from softdtw_core._internal import dp, small

    return {"forward": len(dp._forward_full.signatures),
            "small": sum(len(getattr(small, name).signatures) for name in dir(small)
                         if hasattr(getattr(small, name), "signatures"))}


@pytest.mark.parametrize("when", ["never", "before the start", "after the start"])
def test_workers_load_the_stages_they_are_told_before_the_next_job(when):
    """The kernel warm-up tells the runner each stage (explorer.web.kernels): a worker
    process started since loads it between jobs, one started later at its start; a runner
    told nothing leaves the kernels to the first call."""
    r = jobs.JobRunner(1, Memo(Limit(8)), processes=True)
    try:
        if when == "before the start":
            r.warm(["learn", "kmeans"])
        r.start()  # the workers start before any job
        if when == "after the start":
            r.warm(["learn"])
            r.warm(["learn", "kmeans"])  # a stage told twice is loaded once
        job = r.submit("loaded", "Loaded", Task(_kernels_loaded))
        assert job.wait(300) and job.error is None, job.error
        loaded = job.result
        if when == "never":
            assert loaded == {"forward": 0, "small": 0}
        else:
            assert loaded["forward"] >= 1 and loaded["small"] >= 1
            assert r.stages == ["learn", "kmeans"]
            assert [p.stages for p in r.worker_processes] == [["learn", "kmeans"]]
    finally:
        for process in r.worker_processes:
            process.stop()


def _started_with(progress):
    """In the worker: the stages its command line named."""
    import sys

    return sys.argv[3]


def test_a_replacement_worker_loads_every_stage_told_so_far():
    r = jobs.JobRunner(1, Memo(Limit(8)), processes=True)
    try:
        r.warm(["learn"])
        died = r.submit("exit", "Exit", Task(_exit_with, (3,)))
        assert died.wait(300) and isinstance(died.error, WorkerGone)
        r.warm(["kmeans"])  # while no process runs: the next one loads both at its start
        job = r.submit("loaded", "Loaded", Task(_kernels_loaded))
        assert job.wait(300) and job.error is None, job.error
        assert job.result["forward"] >= 1 and job.result["small"] >= 1
        started_with = r.submit("argv", "Argv", Task(_started_with))
        assert started_with.wait(300) and started_with.result == "learn,kmeans"
    finally:
        for process in r.worker_processes:
            process.stop()


def test_the_servers_runner_starts_warm_workers_at_once(monkeypatch):
    monkeypatch.setattr(jobs, "_RUNNER", None)
    started = []
    monkeypatch.setattr(jobs.JobRunner, "start", lambda self: started.append(self))
    r = jobs.runner()
    assert started == [r] and r.processes == jobs.PROCESSES and r.stages == []
    assert jobs.runner() is r and started == [r]  # once
