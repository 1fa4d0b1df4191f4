"""Does a Newton-type method (Hessian-vector products) beat L-BFGS for soft-DTW barycenters?

Run::

    python benchmarks/bench_newton.py
    python benchmarks/bench_newton.py --quick   (CBF only, 4 series, γ = 1, 20 iterations)

For 10 series of one class of a few bundled datasets, from the Euclidean mean and from a
random start, every γ: the soft-DTW barycenter by

- ``lbfgs``: :func:`softdtw_core.softdtw_barycenter` as it is (3 majorisation-minimisation
  steps, then L-BFGS-B in preconditioned variables);
- ``lbfgs-plain``: L-BFGS-B on F alone (no MM steps, no preconditioning; the paper's method);
- ``newton-cg`` and ``trust-ncg``: scipy's line-search and trust-region Newton-CG with the
  exact Hessian-vector products of :func:`softdtw_core.soft_dtw_hvp`.

A *pass* is one sweep over the data: a value and gradient, or one Hessian-vector product
(the tables of the forward and backward passes are computed once per iterate and reused by
every product at it, so a product costs the two tangent sweeps). The table gives the final
objective F (lower is better), the passes and the time; every method stops at its own
tolerance or after 300 iterations.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

import softdtw_core as sd  # noqa: E402
from explorer.data import load_dataset  # noqa: E402
from softdtw_core._internal.barycenter_solver import Objective  # noqa: E402
from softdtw_core._internal.collection import LocalCollection  # noqa: E402
from softdtw_core._internal.dp import expected_alignment, forward_table, problem, tangent_alignment  # noqa: E402,I001
from softdtw_core.costs import cost_tangent_  # noqa: E402
from softdtw_core.second_order import hvp_from  # noqa: E402

DATASETS = (("CBF", 1), ("GunPoint", 1), ("Trace", 2), ("ECG200", 1))
GAMMAS = (1.0, 0.1, 0.01, 0.001)
MAX_ITER = 300


class Counted:
    """F, its gradient and its Hessian-vector products, counting the passes."""

    def __init__(self, series, gamma, shape):
        self.series = series
        self.coef = np.full(len(series), 1.0 / len(series)) / [len(s) for s in series]
        self.objective = Objective(LocalCollection(series), self.coef, gamma, "softdtw", None)
        self.gamma, self.shape = gamma, shape
        self.passes = 0
        self._at, self._tables = None, None

    def value_and_grad(self, z):
        self.passes += 1
        v, G = self.objective.value_and_grad(z.reshape(self.shape))
        return v, G.ravel()

    def hessp(self, z, v):
        if self._at is None or not np.array_equal(z, self._at):  # tables of this iterate
            self.passes += 1
            self._at, self._tables = z.copy(), []
            for Y, c in zip(self.series, self.coef):
                p = problem(z.reshape(self.shape), Y, self.gamma, "sqeuclidean", None,
                            need_cost_matrix=True)
                W = forward_table(p)[2].copy()
                self._tables.append((p, W, expected_alignment(p, W), c))
        self.passes += 1
        V = v.reshape(self.shape)
        out = np.zeros(self.shape)
        for p, W, E, c in self._tables:
            Edot = tangent_alignment(p, W, E, cost_tangent_(p.X, p.Y, V, "sqeuclidean"))
            out += c * hvp_from(p, V, E, Edot)
        return out.ravel()


def run(method, series, gamma, Z0, max_iter=MAX_ITER):
    t0 = time.perf_counter()
    if method == "lbfgs":
        res = sd.softdtw_barycenter(series, gamma, init=Z0, max_iter=max_iter,
                                    keep_history=False)
        return res.objective, res.n_evals, time.perf_counter() - t0
    f = Counted(series, gamma, Z0.shape)
    if method == "lbfgs-plain":
        opts = dict(method="L-BFGS-B", options=dict(maxiter=max_iter, ftol=1e-9, gtol=1e-14))
    elif method == "newton-cg":
        opts = dict(method="Newton-CG", hessp=f.hessp, options=dict(maxiter=max_iter,
                                                                     xtol=1e-9))
    else:
        opts = dict(method="trust-ncg", hessp=f.hessp, options=dict(maxiter=max_iter,
                                                                     gtol=1e-9))
    res = minimize(f.value_and_grad, Z0.ravel(), jac=True, **opts)
    return float(res.fun), f.passes, time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: CBF, 4 series, Euclidean start, γ = 1, 20 iterations")
    args = parser.parse_args()
    datasets, gammas = (DATASETS[:1], GAMMAS[:1]) if args.quick else (DATASETS, GAMMAS)
    count, max_iter = (4, 20) if args.quick else (10, MAX_ITER)
    methods = ("lbfgs", "lbfgs-plain", "newton-cg", "trust-ncg")
    print(f"# load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on "
          f"{os.cpu_count()} cores; one thread")
    print(f"{'dataset':10s} {'init':9s} {'gamma':>6s} | "
          + " | ".join(f"{m:>27s}" for m in methods))
    print(f"{'':27s} | " + " | ".join(f"{'F':>12s} {'passes':>6s} {'s':>6s}" for _ in methods))
    wins = {m: 0 for m in methods}
    fewer = {m: 0 for m in methods}
    rows = 0
    for name, label in datasets:
        ds = load_dataset(name, "train")
        series = [np.asarray(s, float).reshape(len(s), -1) for s, lab in
                  zip(ds.series, ds.labels) if lab == label][:count]
        starts = {"euclidean": sd.euclidean_barycenter(series)}
        if not args.quick:
            starts["random"] = sd.softdtw_barycenter(series, init="random", max_iter=0,
                                                     random_state=0).solution
        for init, Z0 in starts.items():
            for gamma in gammas:
                out = {m: run(m, series, gamma, Z0, max_iter) for m in methods}
                rows += 1
                best = min(v[0] for v in out.values())
                for m, (F, passes, _) in out.items():
                    wins[m] += F <= best + 1e-9 * abs(best)
                    fewer[m] += passes < out["lbfgs"][1]
                print(f"{name:10s} {init:9s} {gamma:6g} | " + " | ".join(
                    f"{F:12.6g} {passes:6d} {s:6.2f}" for F, passes, s in out.values()),
                    flush=True)
    print(f"\nlowest F (of {rows} runs): " + ", ".join(f"{m} {wins[m]}" for m in methods))
    print("fewer passes than lbfgs: " + ", ".join(f"{m} {fewer[m]}" for m in methods[1:]))


if __name__ == "__main__":
    main()
