import numpy as np
import pytest

import softdtw_core as sd


def _data(rng, n=12, length=30, d=None):
    t = np.linspace(0, 2 * np.pi, length)
    phase = rng.uniform(0, 2, size=n)
    X = np.sin(t[None, :] * 1.5 + phase[:, None]) + 0.05 * rng.standard_normal((n, length))
    if d:
        X = np.stack([X, np.cos(X)], axis=2)[:, :, :d]
    return X


def test_split_series_shapes():
    X = np.zeros((4, 10))
    a, b = sd.split_series(X)
    assert a.shape == (4, 6) and b.shape == (4, 4)
    a, b = sd.split_series(np.zeros((4, 10, 2)), 0.3)
    assert a.shape == (4, 3, 2) and b.shape == (4, 7, 2)


@pytest.mark.parametrize("loss", ["euclidean", "softdtw", "dilate"])
@pytest.mark.parametrize("d", [None, 2])
def test_gradient_matches_finite_differences(rng, loss, d):
    X = _data(rng, n=5, length=12, d=d)
    inp, tgt = sd.split_series(X)
    model = sd.MLPPredictor(hidden=(4, 3), loss=loss, gamma=0.3, alpha=0.01, max_iter=0,
                            random_state=0).fit(inp, tgt)
    Xb = inp if d else inp[:, :, None]
    Yb = tgt if d else tgt[:, :, None]
    theta = model._pack(model.coefs_, model.intercepts_)
    value, grad = model._objective(theta, Xb, Yb)
    assert value == pytest.approx(model.score_loss(inp, tgt))
    h = 1e-6
    fd = np.empty_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h
        fd[k] = (model._objective(theta + e, Xb, Yb)[0] - model._objective(theta - e, Xb, Yb)[0])
        fd[k] /= 2 * h
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


def test_soft_dtw_loss_value_is_the_definition(rng):
    X = _data(rng, n=4, length=15)
    inp, tgt = sd.split_series(X)
    m = sd.MLPPredictor(hidden=(5,), loss="softdtw", gamma=0.5, max_iter=0, random_state=0)
    m.fit(inp, tgt)
    P = m.predict(inp)
    expected = np.mean([sd.soft_dtw(P[i], tgt[i], 0.5) for i in range(4)]) / tgt.shape[1]
    assert m.score_loss(inp, tgt) == pytest.approx(expected, rel=1e-10)
    m = sd.MLPPredictor(hidden=(5,), loss="dilate", gamma=0.05, dilate_alpha=0.3, max_iter=0,
                        random_state=0).fit(inp, tgt)
    P = m.predict(inp)
    expected = np.mean([sd.dilate_loss(P[i], tgt[i], 0.3, 0.05) for i in range(4)])
    assert m.score_loss(inp, tgt) == pytest.approx(expected / tgt.shape[1], rel=1e-10)


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
@pytest.mark.parametrize("loss", ["euclidean", "softdtw", "dilate"])
def test_training_decreases_the_loss(rng, optimizer, loss):
    X = _data(rng)
    inp, tgt = sd.split_series(X)
    seen = []
    m = sd.MLPPredictor(hidden=(10,), loss=loss, gamma=0.1, optimizer=optimizer, max_iter=30,
                        learning_rate=0.01, random_state=0, callback=seen.append).fit(inp, tgt)
    result = m.training_result_
    curve = [step.objective for step in result.history]
    assert curve[-1] < 0.7 * curve[0] if loss == "euclidean" else True
    assert curve[-1] < curve[0]
    assert len(seen) == len(result.history)  # the callback saw every recorded step, in order
    assert all(a is b for a, b in zip(seen, result.history))
    assert [s.iteration for s in seen] == list(range(len(seen))) and seen[0].phase == "init"
    assert {s.phase for s in seen[1:]} == {optimizer}
    assert len(seen) == result.n_iter + 1 == m.n_iter_ + 1
    assert result.objective == pytest.approx(m.score_loss(inp, tgt), rel=1e-12)
    assert result.objective == curve[-1]
    np.testing.assert_array_equal(result.solution, seen[-1].solution)
    assert result.n_evals > result.n_iter
    assert m.predict(inp).shape == tgt.shape
    scores = m.evaluate(inp, tgt)
    P = m.predict(inp)
    dtw = [sd.dtw_path(P[i], tgt[i])[0] for i in range(12)]
    assert scores["dtw"] == pytest.approx(np.mean(dtw))
    assert scores["euclidean"] == pytest.approx(np.mean(np.sum((P - tgt) ** 2, axis=1)))
    tdi = [sum((i - j) ** 2 for i, j in sd.dtw_path(P[k], tgt[k])[1]) / tgt.shape[1] ** 2
           for k in range(12)]
    assert scores["tdi"] == pytest.approx(np.mean(tdi))


def test_soft_dtw_training_lowers_the_dtw_of_predictions_vs_its_start(rng):
    X = _data(rng)
    inp, tgt = sd.split_series(X)
    eu = sd.MLPPredictor(hidden=(10,), loss="euclidean", max_iter=50, random_state=0)
    eu.fit(inp, tgt)
    soft = sd.MLPPredictor(hidden=(10,), loss="softdtw", gamma=0.01, max_iter=50,
                           random_state=0).fit(inp, tgt, init=eu)
    untrained = sd.MLPPredictor(hidden=(10,), loss="softdtw", gamma=0.01, max_iter=0).fit(
        inp, tgt, init=eu)
    assert soft.training_result_.history[0].objective == pytest.approx(
        untrained.training_result_.objective)
    assert untrained.training_result_.n_iter == 0 and not untrained.training_result_.converged
    np.testing.assert_array_equal(untrained.predict(inp), eu.predict(inp))
    assert soft.evaluate(inp, tgt)["dtw"] <= eu.evaluate(inp, tgt)["dtw"] + 1e-9


def test_seeded_and_callback_stop(rng):
    X = _data(rng)
    inp, tgt = sd.split_series(X)
    kw = dict(hidden=(6,), loss="softdtw", gamma=0.1, max_iter=5, random_state=3)
    a = sd.MLPPredictor(**kw).fit(inp, tgt)
    b = sd.MLPPredictor(**kw).fit(inp, tgt)
    np.testing.assert_array_equal(a.predict(inp), b.predict(inp))
    m = sd.MLPPredictor(hidden=(6,), optimizer="adam", max_iter=50, random_state=0,
                        callback=lambda step: step.iteration >= 2).fit(inp, tgt)
    assert m.n_iter_ == 2
    assert not m.training_result_.converged and "callback" in m.training_result_.message


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda i, t: sd.MLPPredictor(loss="l1").fit(i, t), "loss"),
        (lambda i, t: sd.MLPPredictor(optimizer="sgd").fit(i, t), "optimizer"),
        (lambda i, t: sd.MLPPredictor(gamma=-1).fit(i, t), "gamma"),
        (lambda i, t: sd.MLPPredictor(loss="dilate", gamma=0).fit(i, t), "needs gamma > 0"),
        (lambda i, t: sd.MLPPredictor(loss="dilate", dilate_alpha=2).fit(i, t),
         r"dilate_alpha .* must be in \[0, 1\]; got 2"),
        (lambda i, t: sd.MLPPredictor(hidden=(0,)).fit(i, t), "hidden"),
        (lambda i, t: sd.MLPPredictor(learning_rate=0).fit(i, t), "learning_rate"),
        (lambda i, t: sd.MLPPredictor().fit(i, t[:3]), "same number"),
        (lambda i, t: sd.MLPPredictor().fit(i, np.stack([t, t], axis=2)), "dimension d"),
        (lambda i, t: sd.MLPPredictor().fit(np.where(i > 0.5, np.nan, i), t), "NaN"),
        (lambda i, t: sd.MLPPredictor().fit(i[:0], t[:0]), "empty"),
        (lambda i, t: sd.MLPPredictor().predict(i), "not fitted"),
        (lambda i, t: sd.MLPPredictor(max_iter=0).fit(i, t).predict(i[:, :3]), "time steps"),
        (lambda i, t: sd.split_series(np.zeros((3, 8)), 1.0), "proportion"),
        (lambda i, t: sd.split_series([np.zeros(3), np.zeros(4)]), "shape|length"),
    ],
)
def test_bad_input_messages(rng, call, match):
    inp, tgt = sd.split_series(_data(rng, n=5, length=10))
    with pytest.raises(ValueError, match=match):
        call(inp, tgt)
