import numpy as np
import pytest

import softdtw_core as sd


def test_softmin_definition_and_limits():
    u = np.array([1.0, 2.0, 4.0])
    for gamma in [0.1, 1.0, 10.0]:
        assert sd.softmin(u, gamma) == pytest.approx(-gamma * np.log(np.exp(-u / gamma).sum()))
        assert u.min() - gamma * np.log(3) <= sd.softmin(u, gamma) <= u.min()
    assert sd.softmin(u, 0.0) == 1.0
    assert sd.softmin(u, 1e-12) == pytest.approx(1.0)


def test_softmin_is_stable_and_vectorised():
    u = np.array([[1e6, 1e6 + 1, np.inf], [-3.0, -3.0, -3.0]])
    out = sd.softmin(u, 0.5, axis=1)
    assert out.shape == (2,)
    assert out[0] == pytest.approx(1e6 - 0.5 * np.log(1 + np.exp(-2)))
    assert out[1] == pytest.approx(-3 - 0.5 * np.log(3))
    assert sd.softmin([np.inf, np.inf], 1.0) == np.inf


def test_softmin_weights_are_its_gradient():
    u = np.array([0.3, -0.2, 1.1])
    w = sd.softmin_weights(u, 0.7)
    eps = 1e-6
    num = [
        (sd.softmin(u + eps * e, 0.7) - sd.softmin(u - eps * e, 0.7)) / (2 * eps) for e in np.eye(3)
    ]
    np.testing.assert_allclose(w, num, rtol=1e-7)
    np.testing.assert_array_equal(sd.softmin_weights([2.0, 1.0, 1.0], 0.0), [0, 1, 0])


def test_softmin_bad_input():
    with pytest.raises(ValueError, match="gamma"):
        sd.softmin([1, 2], -1)
    with pytest.raises(ValueError, match="NaN"):
        sd.softmin([1, np.nan], 1)
    with pytest.raises(ValueError, match="at least one entry"):
        sd.softmin([], 1)
