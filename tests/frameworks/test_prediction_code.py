"""The PyTorch code shown on the Prediction page runs, and trains what it says."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.data import load_dataset
from explorer.logic.prediction import SMALLEST_GAMMA, prediction_code


@pytest.fixture
def tiny_npz(tmp_path):
    """A tiny dataset in the bundled assets' format: bumps at random places."""
    rng = np.random.default_rng(0)
    t = np.arange(20.0)

    def bumps(k):
        return np.exp(-0.5 * ((t[None, :] - rng.uniform(4, 16, size=(k, 1))) / 2) ** 2)

    path = tmp_path / "Tiny.npz"
    np.savez(path, X_train=bumps(6), y_train=np.zeros(6, dtype=np.int64), X_test=bumps(4),
             y_test=np.zeros(4, dtype=np.int64))
    return str(path)


def run(code: str, capsys) -> list[str]:
    exec(compile(code, "prediction_code", "exec"), {"__name__": "__main__"})
    return capsys.readouterr().out.strip().splitlines()


@pytest.mark.parametrize("from_euclidean", [True, False])
def test_the_generated_code_runs_and_prints_three_scores(tiny_npz, capsys, from_euclidean):
    code = prediction_code("Tiny", proportion=0.5, gamma=0.1, hidden=4, max_iter=3, seed=1,
                           from_euclidean=from_euclidean, dilate_alpha=0.3, dilate_gamma=0.05,
                           data_path=tiny_npz)
    lines = run(code, capsys)
    assert [line.split(" test ")[0].strip() for line in lines] == [
        "Euclidean", "soft-DTW (gamma = 0.1)", "DILATE (alpha = 0.3, gamma = 0.05)"]
    for line in lines:
        scores = line.split(" test ")[1].split()  # DTW x Euclidean y TDI z
        assert scores[0::2] == ["DTW", "Euclidean", "TDI"]
        assert all(np.isfinite([float(v) for v in scores[1::2]]))


def test_the_code_uses_the_pages_parameters():
    code = prediction_code("GunPoint", proportion=0.7, gamma=0.5, hidden=30, max_iter=40,
                           seed=7, dilate_alpha=0.25, dilate_gamma=0.1)
    for piece in ("assets/GunPoint.npz", "split_series(train, 0.7)", "nn.Linear(n_in * d, 30)",
                  "soft_dtw(p, y, gamma=0.5)", "dilate_loss(p, y, alpha=0.25, gamma=0.1)",
                  "max_iter=40", "make_model(7)"):
        assert piece in code
    assert "import streamlit" not in code and "plotly" not in code
    assert f"gamma={SMALLEST_GAMMA!r}" in prediction_code("GunPoint", gamma=0.0)


def test_the_code_reads_the_bundled_file_as_the_page_does(tmp_path):
    """The script's data lines give the page's arrays (GunPoint, first 200/300 series)."""
    import softdtw_core as sd

    code = prediction_code("GunPoint")
    data_lines = code[code.index("with np.load"): code.index("n_in, n_out, d")]
    import os

    root = os.path.join(os.path.dirname(__file__), "..", "..")
    ns = {"np": np, "sd": sd, "torch": __import__("torch")}
    cwd = os.getcwd()
    try:
        os.chdir(root)
        exec(data_lines, ns)
    finally:
        os.chdir(cwd)
    a, _ = sd.split_series(np.asarray(load_dataset("GunPoint", "train").series)[:200], 0.6)
    np.testing.assert_array_equal(ns["x_train"][:, :, 0].numpy(), a)


@pytest.mark.parametrize("kwargs, message", [
    (dict(dataset="a b"), "dataset must be the name"),
    (dict(dataset="X", gamma=-1), "gamma must be a finite number >= 0"),
    (dict(dataset="X", proportion=1.0), r"proportion \(the input part\)"),
    (dict(dataset="X", hidden=0), "hidden must be an integer >= 1"),
    (dict(dataset="X", dilate_alpha=2), r"dilate_alpha must be in \[0, 1\]"),
    (dict(dataset="X", dilate_gamma=0), "dilate_gamma must be a finite number > 0"),
])
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        prediction_code(**kwargs)
