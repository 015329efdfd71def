import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import data, gradcheck, network

NAMES = ["W1", "b1", "W2", "b2"]


def autograd_loss(W1, b1, W2, b2, X, y):
    hidden = 1 / (1 + anp.exp(-(anp.dot(X, W1) + b1)))
    return anp.mean((anp.dot(hidden, W2) + b2 - y) ** 2)


def random_problem(n, d, h, seed):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
              "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1)}
    return rng.normal(size=(n, d)), rng.normal(size=(n, 1)), params


def test_forward_shapes():
    X, y, params = random_problem(7, 3, 5, 0)
    hidden, prediction = network.forward(X, **params)
    assert hidden.shape == (7, 5) and prediction.shape == (7, 1)
    assert np.all((hidden > 0) & (hidden < 1))


def autograd_absolute_loss(W1, b1, W2, b2, X, y):
    hidden = 1 / (1 + anp.exp(-(anp.dot(X, W1) + b1)))
    return anp.mean(anp.abs(anp.dot(hidden, W2) + b2 - y))


@pytest.mark.parametrize("backward, loss", [(network.backward, autograd_loss),
                                            (network.backward_mae, autograd_absolute_loss)])
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10), st.integers(1, 4), st.integers(1, 6), st.integers(0, 10_000))
def test_backward_agrees_with_autograd(backward, loss, n, d, h, seed):
    X, y, params = random_problem(n, d, h, seed)
    ours = backward(X, y, **params)
    for position, name in enumerate(NAMES):
        reference = grad(loss, position)(*[params[k] for k in NAMES], X, y)
        assert ours[name].shape == params[name].shape
        assert np.allclose(ours[name], reference, atol=1e-10), name


def test_backward_agrees_with_numerical_gradients():
    X, y, params = random_problem(6, 3, 4, 1)
    ours = network.backward(X, y, **params)
    for name in NAMES:
        def loss(value, name=name):
            return float(np.mean((network.forward(X, **{**params, name: value})[1] - y) ** 2))
        assert gradcheck.relative_error(ours[name], gradcheck.numerical_gradient(loss, params[name])) < 1e-7


def autograd_two_hidden_loss(W1, b1, W2, b2, W3, b3, X, y):
    hidden1 = 1 / (1 + anp.exp(-(anp.dot(X, W1) + b1)))
    hidden2 = 1 / (1 + anp.exp(-(anp.dot(hidden1, W2) + b2)))
    return anp.mean((anp.dot(hidden2, W3) + b3 - y) ** 2)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(0, 10_000))
def test_backward_two_hidden_agrees_with_autograd(n, d, h1, h2, seed):
    rng = np.random.default_rng(seed)
    shapes = {"W1": (d, h1), "b1": (h1,), "W2": (h1, h2), "b2": (h2,), "W3": (h2, 1), "b3": (1,)}
    params = {name: rng.normal(size=shape) for name, shape in shapes.items()}
    X, y = rng.normal(size=(n, d)), rng.normal(size=(n, 1))
    ours = network.backward_two_hidden(X, y, **params)
    for position, name in enumerate(shapes):
        reference = grad(autograd_two_hidden_loss, position)(*params.values(), X, y)
        assert ours[name].shape == shapes[name] and np.allclose(ours[name], reference, atol=1e-10), name


def test_backward_mae_agrees_with_numerical_gradients_away_from_the_kink():
    X, y, params = random_problem(6, 3, 4, 1)
    assert np.min(np.abs(network.forward(X, **params)[1] - y)) > 1e-3  # no miss near 0, where |e| bends
    ours = network.backward_mae(X, y, **params)
    for name in NAMES:
        def loss(value, name=name):
            return float(np.mean(np.abs(network.forward(X, **{**params, name: value})[1] - y)))
        # b2's gradient is a sum of ±1/n and can be exactly 0 (three houses each way): then nudging gives
        # rounding noise, which differs between CPUs, so a tolerance in absolute terms as well.
        assert np.allclose(ours[name], gradcheck.numerical_gradient(loss, params[name]), rtol=1e-6, atol=1e-9), name


def test_sigmoid_is_stable_far_out_and_its_derivative_is_right():
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])  # pytest turns an overflow warning into an error
    assert np.allclose(network.sigmoid(z), [0, 1 / (1 + np.exp(5)), 0.5, 1 / (1 + np.exp(-5)), 1])
    reference = grad(lambda t: 1 / (1 + anp.exp(-t)))
    for value in [-3.0, 0.0, 0.7, 4.0]:
        assert np.isclose(network.sigmoid_derivative(value), reference(value))


def test_training_on_houses_lowers_the_loss_and_is_repeatable():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    run = network.train(split.X_train, split.y_train, n_hidden=4, alpha=0.5, epochs=300,
                        X_test=split.X_test, y_test=split.y_test)
    again = network.train(split.X_train, split.y_train, n_hidden=4, alpha=0.5, epochs=300)
    assert run.train_losses[-1] < 0.5 * run.train_losses[0]
    assert len(run.train_losses) == len(run.test_losses) == 301
    assert np.array_equal(run.train_losses, again.train_losses)
    assert run.regime == "converging"


def test_a_huge_learning_rate_is_labelled_without_warnings():
    split = data.house_split(["Gr_Liv_Area"])
    run = network.train(split.X_train, split.y_train, n_hidden=3, alpha=1e4, epochs=200)
    assert run.regime == "diverging" and np.all(np.isfinite(run.train_losses))


def test_training_can_start_from_given_parameters_and_equal_units_stay_equal():
    """What 05 shows about symmetry: hidden units that start alike get the same gradients and stay alike."""
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    start = {"W1": np.tile([[0.1], [-0.2]], 3), "b1": np.zeros(3), "W2": np.full((3, 1), 0.5), "b2": np.zeros(1)}
    before = {name: value.copy() for name, value in start.items()}
    run = network.train(split.X_train, split.y_train, alpha=0.3, epochs=300, start=start)
    assert all(np.array_equal(start[name], before[name]) for name in start)  # start is not changed
    W1, b1, W2 = run.params["W1"], run.params["b1"], run.params["W2"]
    assert not np.allclose(W1, start["W1"])  # it trained...
    assert np.allclose(W1, W1[:, :1]) and np.allclose(b1, b1[0]) and np.allclose(W2, W2[0])  # ...as one unit
    zeros = {name: np.zeros_like(value) for name, value in start.items()}
    grads = network.backward(split.X_train, split.y_train, **zeros)
    assert max(np.abs(g).max() for g in grads.values()) < 1e-12  # all zeros: no gradient at all
