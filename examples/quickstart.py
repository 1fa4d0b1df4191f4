"""Soft-DTW between two series: the value, the gradient, the expected alignment E, a barycenter.

Run from the repository root after the README's install command:

    python examples/quickstart.py            # series of 80 and 120 points
    python examples/quickstart.py --quick    # 20 and 30 points

Each step prints what it computed and checks it against an independent truth: the
gradient against finite differences, E against the gradient with respect to Δ, and the
value at γ → 0 against DTW.
"""

from __future__ import annotations

import argparse

import numpy as np

import softdtw_core as sd


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    parser.add_argument("--gamma", type=float, default=0.1, help="smoothing γ (default 0.1)")
    args = parser.parse_args(argv)
    n, m = (20, 30) if args.quick else (80, 120)
    gamma = args.gamma

    x = np.sin(np.linspace(0, 6, n))
    y = np.sin(np.linspace(0, 6, m) ** 1.1)  # y: x's shape, warped in time
    print(f"x: {n} points, y: {m} points, gamma = {gamma}")

    # 1. The value, and how it sits between DTW and DTW - γ log(number of paths).
    value = sd.soft_dtw(x, y, gamma=gamma)
    dtw, path = sd.dtw_path(x, y)
    print(f"soft-DTW value dtw_gamma(x, y) = {value:.6f}")
    print(f"DTW (gamma = 0) = {dtw:.6f}, optimal path of {len(path)} cells")
    print(f"soft-DTW at gamma = 1e-6: {sd.soft_dtw(x, y, gamma=1e-6):.6f} (-> DTW as gamma -> 0)")
    print(f"divergence (0 at x == y): {sd.soft_dtw_divergence(x, y, gamma=gamma):.6f}")

    # 2. The gradient with respect to x, checked by central finite differences.
    value, grad = sd.soft_dtw_value_and_grad(x, y, gamma=gamma)
    eps, worst = 1e-6, 0.0
    for i in range(0, n, max(1, n // 5)):
        step = np.zeros(n)
        step[i] = eps
        fd = (sd.soft_dtw(x + step, y, gamma=gamma) - sd.soft_dtw(x - step, y, gamma=gamma))
        worst = max(worst, abs(fd / (2 * eps) - grad[i]))
    print(f"gradient: shape {grad.shape}, |grad| = {np.linalg.norm(grad):.4f}, "
          f"largest gap to finite differences {worst:.1e}")

    # 3. The expected alignment E: a probability per cell, 0/1 along the path as γ -> 0.
    _, E = sd.soft_dtw_alignment(x, y, gamma=gamma)
    from_e = 2 * (E * (x[:, None] - y[None, :])).sum(axis=1)  # ∇x = Σ_j E_ij ∂Δ_ij/∂x_i
    print(f"expected alignment E: shape {E.shape}, E[0, 0] = {E[0, 0]:.3f}, "
          f"E[-1, -1] = {E[-1, -1]:.3f}, path entropy {sd.path_entropy(x, y, gamma=gamma):.3f}")
    print(f"gradient rebuilt from E: largest gap {np.abs(from_e - grad).max():.1e}")

    # 4. A barycenter of five copies of one bump, shifted in time: the Euclidean mean is a
    #    wide, low hump; the soft-DTW barycenter keeps one bump of about the same height.
    t = np.linspace(0, 1, n)
    bumps = [np.exp(-(((t - centre) / 0.08) ** 2)) for centre in (0.3, 0.4, 0.5, 0.6, 0.7)]
    result = sd.softdtw_barycenter(bumps, gamma=gamma, max_iter=50 if args.quick else 300)
    mean = np.mean(bumps, axis=0)
    print(f"barycenter of {len(bumps)} shifted bumps of height 1 ({result.n_iter} iterations): "
          f"height {result.solution.max():.2f}, DTW loss {sd.dtw_loss(result.solution, bumps):.4f}")
    print(f"Euclidean mean of the same bumps: height {mean.max():.2f}, "
          f"DTW loss {sd.dtw_loss(mean, bumps):.4f}")

if __name__ == "__main__":
    main()
