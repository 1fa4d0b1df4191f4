"""The types a job's two sides share: the server's runner (:mod:`explorer.web.jobs`) and the
worker process that runs it (:mod:`explorer.web.job_process`).

A leaf module: it imports nothing from the rest of :mod:`explorer.web` (nor Streamlit), so
both sides and the cached entry points (:mod:`explorer.web.cached`) import it without a
cycle, and a worker process loads it without the server's machinery.

- :class:`Task`: a job function that pickles (a module-level function and its arguments),
  the form every cached entry point gives a job;
- :class:`JobCancelled`, :class:`JobDropped`, :class:`WorkerGone`: how a job ends other than
  with its result (raised to the pages that watch it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["JobCancelled", "JobDropped", "Task", "WorkerGone"]


class JobDropped(RuntimeError):
    """A queued job was dropped because every page watching it had gone."""


class JobCancelled(RuntimeError):
    """A job was stopped on request (:meth:`Job.cancel`) before it finished."""


class WorkerGone(RuntimeError):
    """The worker process ended while it ran a job."""


@dataclass(frozen=True, eq=False)
class Task:
    """``compute(*args, **kwargs)`` as a job function ``task(progress, publish)`` that pickles.

    ``progress_arg`` / ``publish_arg`` name the keyword arguments through which ``compute``
    takes the job's ``progress(fraction, text)`` and ``publish(item)`` callbacks (None: it
    takes none).
    """

    compute: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    progress_arg: str | None = "progress"
    publish_arg: str | None = None

    def __call__(self, progress, publish):
        kwargs = dict(self.kwargs)
        if self.progress_arg is not None:
            kwargs[self.progress_arg] = progress
        if self.publish_arg is not None:
            kwargs[self.publish_arg] = publish
        return self.compute(*self.args, **kwargs)
