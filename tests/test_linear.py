import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import linear

small = st.floats(-100, 100, allow_nan=False)


@given(st.integers(0, 20).flatmap(lambda n: st.tuples(arrays(np.float64, n, elements=small),
                                                      arrays(np.float64, n, elements=small))))
def test_dot_with_a_loop_equals_numpy(pair):
    a, b = pair
    assert linear.dot(a, b) == pytest.approx(float(np.dot(a, b)), abs=1e-6)


def test_dot_refuses_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        linear.dot([1, 2], [1, 2, 3])


def _mse(X, y, w, b):
    return anp.mean((anp.dot(X, w) + b - y) ** 2)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 10_000))
def test_mse_gradient_agrees_with_autograd(n, d, seed):
    rng = np.random.default_rng(seed)
    X, y, w, b = rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d), float(rng.normal())
    dw, db = linear.mse_gradient(X, y, w, b)
    assert linear.predict_linear(X, w, b).shape == (n,)
    assert np.allclose(dw, grad(_mse, 2)(X, y, w, b)) and np.isclose(db, grad(_mse, 3)(X, y, w, b))


def test_the_one_weight_line():
    rng = np.random.default_rng(0)
    x = rng.uniform(500, 3000, 50)
    y = 110 * x + rng.normal(0, 20_000, 50)
    best = linear.best_line_weight(x, y)
    losses = linear.line_loss(np.array([best - 1, best, best + 1]), x, y)
    assert losses[1] < losses[0] and losses[1] < losses[2]
    assert np.isclose(linear.line_gradient(best, x, y), 0, atol=1e-3 * linear.line_curvature(x))
    exact = grad(lambda w: anp.mean((w * x - y) ** 2))
    assert np.isclose(linear.line_gradient(80.0, x, y), exact(80.0))
    assert np.isclose(linear.line_curvature(x), grad(exact)(80.0))
