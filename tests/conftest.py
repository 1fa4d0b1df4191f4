"""Settings for the whole test suite."""

import os

# The suite's two workers keep both cores busy most of the time: in SCHED_IDLE, the app's job
# worker processes (explorer/web/job_process.py) would wait for an idle core for as long as
# that lasts, and the tests that run jobs would time out. `nice` (the app's default too) keeps
# them moving; the servers the browser tests start inherit it.
os.environ.setdefault("EXPLORER_JOB_PRIORITY", "nice")
