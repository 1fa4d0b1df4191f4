"""``softdtw_core.warmup.warm_up`` covers every kernel the pages call: after it, a lesson
through every page (both costs, a band, k-means, a γ sweep, training, an upload) compiles
no new specialisation of any Numba kernel.

Runs in a fresh interpreter, so that kernels compiled by other tests do not hide a gap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LESSON = r"""
import json, sys
sys.path.insert(0, ROOT)
import numba
from streamlit.testing.v1 import AppTest
from softdtw_core import _dp, _fastmath, _wavefront, band, batch, costs, pairwise
from softdtw_core.warmup import warm_up

MODULES = (_dp, _fastmath, _wavefront, band, batch, costs, pairwise)


def signatures():
    out = {}
    for module in MODULES:
        for name, obj in vars(module).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher):
                out[f"{module.__name__}.{name}"] = {str(s) for s in obj.signatures}
    return out


warm_up()
before = signatures()
small = {"src": "synthetic", "n": "12", "m": "15", "km_src": "synthetic", "km_per": "3",
         "km_len": "24", "km_iter": "2", "bc_src": "warped copies", "bc_n": "4",
         "bc_len": "20", "bc_sweep_on": "true", "bc_gammas": "0.1", "pr_iter": "3",
         "yd_j": "2"}
variants = [{}, {"cost": "absolute", "band_on": "true", "band": "3", "gamma": "0"},
            {"bc_obj": "divergence", "ip_obj": "divergence", "yd_kind": "divergence"}]
for variant in variants:
    for script in PAGES:
        at = AppTest.from_file(ROOT + "/streamlit_app.py", default_timeout=600)
        at.query_params = {**small, **variant}
        at.run()
        at.switch_page(script)
        at.run()
        for key in ("km_run", "pr_run"):
            if any(b.key == key for b in at.button):
                at.button(key=key).click().run()
        if script.endswith("your_data.py"):
            at.button(key="yd_try").click().run()
        assert not at.exception, [e.value for e in at.exception]
after = signatures()
print(json.dumps({k: sorted(after[k] - before.get(k, set())) for k in after
                  if after[k] - before.get(k, set())}))
"""


def test_pages_compile_nothing_after_the_warm_up():
    from tests.page_lists import PAGES

    code = f"ROOT = {str(ROOT)!r}\nPAGES = {[p.script for p in PAGES.values()]!r}\n" + LESSON
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    new = json.loads(out.stdout.strip().splitlines()[-1])
    assert new == {}, f"kernels compiled after warm_up(): {new}"
