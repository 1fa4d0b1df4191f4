"""Jobs give way to pages (explorer/web/pausing.py): the pauser's rules on recording stand-ins,
then on real worker processes, observed through the kernel's process state.

Every wait here is for a state (paused, resumed, a job done) with a generous deadline that
only a failure reaches; the one timing assertion is a lower bound (a resume never comes
before the grace period).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from explorer.web import jobs
from explorer.web.job_process import JobProcess
from explorer.web.job_types import Task
from explorer.web.memo import Limit, Memo
from explorer.web.pausing import JobPauser

DEADLINE = 60.0


def _until(condition, what: str, deadline: float = DEADLINE) -> None:
    """Wait for ``condition()`` (a state), failing with ``what`` after ``deadline`` s."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"not {what} within {deadline} s")
        time.sleep(0.005)


class Recorder:
    """Stands in for a worker process: records pause() / resume() with their times."""

    def __init__(self):
        self.paused = False
        self.calls: list[tuple[str, float]] = []

    def pause(self):
        self.paused = True
        self.calls.append(("pause", time.monotonic()))

    def resume(self):
        self.paused = False
        self.calls.append(("resume", time.monotonic()))


@pytest.fixture
def recorder():
    return Recorder()


def test_jobs_pause_while_a_page_runs_and_go_on_a_grace_period_after(recorder):
    pauser = JobPauser(grace=0.2, max_pause=600, min_run=0.01)
    pauser.register(recorder)
    assert not recorder.paused and pauser.running == 0
    with pauser.page_running():
        assert pauser.running == 1
        _until(lambda: recorder.paused, "paused while the page runs")
        left = time.monotonic()
    assert pauser.running == 0
    _until(lambda: not recorder.paused, "resumed once the page is done")
    resumed_at = recorder.calls[-1][1]
    assert resumed_at - left >= 0.2  # the grace period: the messages are sent and drawn
    assert [c for c, _ in recorder.calls] == ["pause", "resume"]
    assert pauser.pauses == 1 and pauser.forced_resumes == 0


def test_a_page_waiting_for_a_job_does_not_hold_it_not_even_for_the_grace_period(recorder):
    pauser = JobPauser(grace=600, max_pause=6000, min_run=0.01)
    pauser.register(recorder)
    with pauser.page_running():
        _until(lambda: recorder.paused, "paused while the page runs")
        with pauser.page_waiting():
            assert pauser.running == 0
            _until(lambda: not recorder.paused, "resumed while the page waits")
        assert pauser.running == 1
        _until(lambda: recorder.paused, "paused again when the page goes on")
    assert pauser.running == 0 and recorder.paused  # the page's end: the grace period


def test_jobs_stay_paused_until_the_last_of_several_pages_is_done(recorder):
    pauser = JobPauser(grace=0.01, max_pause=600, min_run=0.01)
    pauser.register(recorder)
    second_may_end = threading.Event()

    def second_page():
        with pauser.page_running():
            second_may_end.wait(DEADLINE)

    with pauser.page_running():
        other = threading.Thread(target=second_page)
        other.start()
        _until(lambda: pauser.running == 2, "two pages running")
        _until(lambda: recorder.paused, "paused")
    assert pauser.running == 1 and recorder.paused  # the other page still runs
    assert [c for c, _ in recorder.calls] == ["pause"]
    second_may_end.set()
    other.join(DEADLINE)
    _until(lambda: not recorder.paused, "resumed after the last page")


def test_pages_that_never_stop_still_leave_the_jobs_their_share(recorder):
    pauser = JobPauser(grace=0.01, max_pause=0.1, min_run=0.05)
    pauser.register(recorder)
    with pauser.page_running():
        _until(lambda: len(recorder.calls) >= 4, "paused, resumed and paused again")
    calls = recorder.calls
    assert [c for c, _ in calls[:4]] == ["pause", "resume", "pause", "resume"]
    assert calls[1][1] - calls[0][1] >= 0.1  # a whole max_pause
    assert calls[2][1] - calls[1][1] >= 0.05  # then a whole min_run
    assert pauser.forced_resumes >= 1


def test_a_process_registered_during_a_pause_is_paused_at_once_and_resumed_with_the_rest():
    pauser = JobPauser(grace=0.01, max_pause=600, min_run=0.01)
    first, late = Recorder(), Recorder()
    pauser.register(first)
    with pauser.page_running():
        _until(lambda: pauser.paused, "paused")
        pauser.register(late)
        assert late.paused
    _until(lambda: not first.paused and not late.paused, "both resumed")
    assert [c for c, _ in late.calls] == ["pause", "resume"]


def test_a_page_that_fails_still_lets_the_jobs_go_on(recorder):
    pauser = JobPauser(grace=0.01, max_pause=600, min_run=0.01)
    pauser.register(recorder)
    with pytest.raises(RuntimeError), pauser.page_running():
        _until(lambda: recorder.paused, "paused")
        raise RuntimeError("a page's script stopped (st.stop, a rerun, an error)")
    assert pauser.running == 0
    _until(lambda: not recorder.paused, "resumed after the failed page")


def test_waiting_outside_a_page_changes_nothing(recorder):
    pauser = JobPauser(grace=0.01, max_pause=600, min_run=0.01)
    with pauser.page_waiting():
        assert pauser.running == 0
    assert pauser.running == 0
    with pauser.page_running(), pauser.page_waiting(), pauser.page_waiting():
        assert pauser.running == 0  # nested waits do not count twice
    assert pauser.running == 0


def test_a_disabled_pauser_counts_pages_but_never_pauses(recorder):
    pauser = JobPauser(grace=0.01, max_pause=600, min_run=0.01, enabled=False)
    pauser.register(recorder)
    with pauser.page_running():
        assert pauser.running == 1
    assert pauser.pauses == 0 and recorder.calls == []


# ------------------------------------------------------------------ real worker processes


def _state(pid: int) -> str:
    """The kernel's state letter of process ``pid`` ('T': stopped by a signal)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2]


def _report_until(flag: str, progress):
    """Report steps until the file ``flag`` exists (the test's signal across processes)."""
    steps = 0
    while not Path(flag).exists():
        progress(0.5, f"step {steps}")
        steps += 1
        time.sleep(0.002)
    return steps


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="process states are read from Linux's /proc")


@needs_proc
def test_only_a_worker_running_a_job_is_stopped_and_a_job_starting_in_a_pause_waits(tmp_path):
    """A worker between jobs (idle, or importing and loading kernels for the next one) is
    left alone; a job that starts while the jobs are paused starts stopped."""
    flag = tmp_path / "finish"
    process = JobProcess(0)
    process.start()
    try:
        pid = process.pid
        process.pause()
        assert process.paused
        end = time.monotonic() + 0.3  # a stop would show within microseconds
        while time.monotonic() < end:
            assert _state(pid) != "T", "an idle worker was stopped"
        result = []
        relay = threading.Thread(target=lambda: result.append(process.call(
            Task(_report_until, (str(flag),)), lambda *a: None, lambda item: None)))
        relay.start()
        _until(lambda: _state(pid) == "T", "the job's worker stopped as the job starts")
        flag.touch()
        assert relay.is_alive()  # stopped: it cannot see the flag
        process.resume()
        relay.join(DEADLINE)
        assert not relay.is_alive() and isinstance(result[0], int)
        process.pause()  # between jobs again: left alone
        assert _state(pid) != "T"
    finally:
        process.resume()
        process.stop()


@needs_proc
def test_a_job_pauses_while_a_page_runs_and_finishes_while_it_waits(tmp_path):
    """With pauses that never end on their own, the job finishes only because the page's
    wait lets it run: a page watching its own job cannot stall it."""
    flag = tmp_path / "finish"
    pauser = JobPauser(grace=0.01, max_pause=600, min_run=0.01)
    runner = jobs.JobRunner(1, Memo(Limit(4)), processes=True, pauser=pauser)
    try:
        job = runner.submit("steps", "Steps", Task(_report_until, (str(flag),)))
        _until(lambda: job.reports, "the job reporting")
        with pauser.page_running():
            pid = runner.worker_processes[0].pid
            _until(lambda: _state(pid) == "T", "the worker stopped while the page runs")
            flag.touch()  # the job may end now, once it runs
            with pauser.page_waiting():
                assert job.wait(120), "the job did not finish while the page waited for it"
        assert job.error is None and job.value() == len(job.reports)
    finally:
        for process in runner.worker_processes:
            process.stop()
