"""Settings for the whole test suite."""

import os

# softdtw_core.cuda's tests (tests/cuda) run the GPU kernels in Numba's CUDA simulator. The
# choice between the simulator and a real GPU is read from this variable once, when Numba is
# first imported (numba.core.config), and fixed for the process when numba.cuda is first
# imported; this file is the first thing pytest imports in every process that runs tests
# (each pytest-xdist worker included, before any test module imports Numba), so setting it
# here covers every worker, whatever the order in which tests are distributed. It changes
# nothing for the CPU kernels (@njit compiles and caches as before: numba.cuda is never
# imported by them). setdefault: NUMBA_ENABLE_CUDASIM=0 runs the same tests on a real GPU.
os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")

# The suite's two workers keep both cores busy most of the time: in SCHED_IDLE, the app's job
# worker processes (explorer/web/job_process.py) would wait for an idle core for as long as
# that lasts, and the tests that run jobs would time out. `nice` (the app's default too) keeps
# them moving; the servers the browser tests start inherit it.
os.environ.setdefault("EXPLORER_JOB_PRIORITY", "nice")
