"""Forecasting the second half of UCR series with a small 1-D CNN in PyTorch, trained with
the MSE, soft-DTW (:class:`softdtw_core.torch.SoftDTWLoss`) and DILATE
(:class:`softdtw_core.torch.DILATELoss`).

Run::

    pip install -r requirements-torch.txt
    python examples/torch_forecasting.py            # ECG200, ~1 min per loss on 2 cores
    python examples/torch_forecasting.py --quick    # a few epochs on a few series (< 60 s)
    python examples/torch_forecasting.py --dataset GunPoint --epochs 300

The network reads the first half of each series (a bundled dataset, ``assets/NAME.npz``)
and predicts the second half. The three models start from the same random weights and are
scored on the test split by

- **DTW**: mean DTW (γ = 0) between prediction and target: the shape, whatever the timing;
- **MSE**: mean squared error per time step: shape and timing together;
- **TDI**: mean temporal distortion index of the DTW path: the timing alone
  (:func:`softdtw_core.temporal_distortion_index`).

Soft-DTW trades a little MSE for sharper shapes (lower DTW); DILATE adds a timing penalty
(lower TDI). The numbers depend on the dataset, γ and the training budget.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import softdtw_core as sd  # noqa: E402
from softdtw_core.torch import DILATELoss, SoftDTWLoss  # noqa: E402

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets")


class Forecaster(nn.Module):
    """Conv1d (8 channels, kernel 5) + tanh, then a linear layer to the n_out future steps."""

    def __init__(self, n_in: int, n_out: int, channels: int = 8):
        super().__init__()
        self.conv = nn.Conv1d(1, channels, kernel_size=5, padding=2)
        self.head = nn.Linear(channels * n_in, n_out)

    def forward(self, x):  # x: (B, n_in, 1) -> (B, n_out, 1)
        h = torch.tanh(self.conv(x.transpose(1, 2)))
        return self.head(h.flatten(1)).unsqueeze(-1)


def load(name: str, n_train: int, n_test: int):
    """First half -> second half pairs, float64 tensors of shape (N, T/2, 1)."""
    with np.load(os.path.join(ASSETS, f"{name}.npz"), allow_pickle=False) as f:
        train, test = f["X_train"][:n_train], f["X_test"][:n_test]
    half = train.shape[1] // 2

    def split(X):
        X = torch.as_tensor(X, dtype=torch.float64).unsqueeze(-1)
        return X[:, :half], X[:, half:]

    return (*split(train), *split(test))


def scores(pred: torch.Tensor, target: torch.Tensor) -> dict:
    P, Y = pred.detach().numpy(), target.numpy()
    dtw = sd.soft_dtw_value_and_grad_batch(P, Y, 0.0)[0]
    tdi = [sd.temporal_distortion_index(p, y) for p, y in zip(P, Y)]
    return {"DTW": float(dtw.mean()), "MSE": float(np.mean((P - Y) ** 2)),
            "TDI": float(np.mean(tdi))}


def train(loss_fn, data, epochs: int, seed: int, batch_size: int = 32) -> nn.Module:
    x_train, y_train = data
    torch.manual_seed(seed)  # the same initial weights for every loss
    model = Forecaster(x_train.shape[1], y_train.shape[1]).double()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(x_train), generator=gen).split(batch_size):
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
    return model


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="ECG200")
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--gamma", type=float, default=0.1, help="γ of the soft-DTW loss")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="3 epochs on 24 series")
    args = parser.parse_args(argv)
    n_train, n_test, epochs = (24, 24, 3) if args.quick else (200, 300, args.epochs)
    x_train, y_train, x_test, y_test = load(args.dataset, n_train, n_test)
    # the losses are per series; the MSE is per time step, so soft-DTW and DILATE are
    # divided by the horizon to give gradients of the same scale
    horizon = y_train.shape[1]
    losses = {
        "MSE": nn.MSELoss(),
        f"soft-DTW (γ = {args.gamma:g})":
            lambda p, y: SoftDTWLoss(gamma=args.gamma)(p, y) / horizon,
        "DILATE (α = 0.5, γ = 0.01)":
            lambda p, y: DILATELoss(alpha=0.5, gamma=0.01)(p, y) / horizon,
    }
    print(f"{args.dataset}: {len(x_train)} training and {len(x_test)} test series, "
          f"{x_train.shape[1]} points in -> {horizon} out, {epochs} epochs of Adam\n")
    print(f"| {'training loss':<28} | {'test DTW':>9} | {'test MSE':>9} | {'test TDI':>9} | "
          f"{'time':>6} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 8}|")
    results = {}
    for name, loss_fn in losses.items():
        t0 = time.perf_counter()
        model = train(loss_fn, (x_train, y_train), epochs, args.seed)
        with torch.no_grad():
            s = scores(model(x_test), y_test)
        results[name] = s
        print(f"| {name:<28} | {s['DTW']:9.4f} | {s['MSE']:9.4f} | {s['TDI']:9.5f} | "
              f"{time.perf_counter() - t0:5.1f}s |", flush=True)
    return results


if __name__ == "__main__":
    main()
