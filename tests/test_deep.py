"""deep.py: networks of any depth as a loop. The backward loop is checked against autograd and against
numerical gradients, never against itself; with one hidden layer it must be 05's network exactly."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given
from hypothesis import strategies as st

from course_utils import data, deep, gradcheck, network

SQUASH = {"sigmoid": lambda z: 1 / (1 + anp.exp(-z)), "tanh": anp.tanh, "relu": lambda z: anp.maximum(z, 0.0)}


def autograd_loss(params, X, y, activation):
    """E for the network, written with autograd's numpy: the independent reference."""
    L = len(params) // 2
    h = X
    for layer in range(1, L + 1):
        z = anp.dot(h, params[f"W{layer}"]) + params[f"b{layer}"]
        h = z if layer == L else SQUASH[activation](z)
    return anp.mean((h - y) ** 2)


def problem(sizes, n, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.normal(0, scale, (fan_in, units))
        params[f"b{layer}"] = rng.normal(0, scale, units)
    return rng.normal(size=(n, sizes[0])), rng.normal(size=(n, 1)), params


@pytest.mark.parametrize("activation", deep.ACTIVATIONS)
@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 4, 5, 1), (2, 4, 4, 4, 4, 1), (1, 1, 1, 1)])
def test_backward_layers_agrees_with_autograd(sizes, activation):
    X, y, params = problem(sizes, 7, seed=len(sizes))
    ours = deep.backward_layers(X, y, params, activation)
    theirs = grad(autograd_loss)(params, X, y, activation)
    assert list(ours) != [] and set(ours) == set(params)
    for name in params:
        assert ours[name].shape == params[name].shape, name
        assert np.allclose(ours[name], theirs[name], rtol=1e-10, atol=1e-12), name


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])  # ReLU's kink would trip a nudge across it
def test_backward_layers_agrees_with_numerical_gradients(activation):
    X, y, params = problem((2, 3, 3, 1), 6, seed=3)
    ours = deep.backward_layers(X, y, params, activation)
    for name, value in params.items():
        numerical = gradcheck.numerical_gradient(
            lambda nudged, name=name: deep.loss(X, y, {**params, name: nudged}, activation), value)
        assert gradcheck.relative_error(ours[name], numerical) < 1e-7, name


@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 4), st.integers(0, 1000))
def test_any_shape_gives_gradients_shaped_like_the_parameters(n, width, depth, seed):
    X, y, params = problem((3,) + (width,) * depth + (1,), n, seed)
    grads = deep.backward_layers(X, y, params)
    assert all(grads[name].shape == value.shape for name, value in params.items())
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_one_hidden_layer_is_05s_network():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    ours, theirs = deep.init_layers([2, 3, 1], seed=0), network.init_params(2, 3, seed=0)
    assert list(ours) == list(theirs) and all(np.array_equal(ours[k], theirs[k]) for k in theirs)
    outputs = deep.forward_layers(split.X_train, ours)
    hidden, prediction = network.forward(split.X_train, **theirs)
    assert np.array_equal(outputs[1], hidden) and np.array_equal(outputs[2], prediction)
    by_loop = deep.backward_layers(split.X_train, split.y_train, ours)
    by_05 = network.backward(split.X_train, split.y_train, **theirs)
    assert all(np.allclose(by_loop[k], by_05[k], rtol=1e-12, atol=1e-15) for k in by_05)


def test_forward_keeps_every_layers_output_and_the_last_is_not_squashed():
    X, y, params = problem((2, 3, 4, 1), 5, seed=1)
    outputs = deep.forward_layers(X, params)
    assert [h.shape for h in outputs] == [(5, 2), (5, 3), (5, 4), (5, 1)]
    assert outputs[0] is X
    assert np.all((outputs[1] > 0) & (outputs[1] < 1)) and np.all((outputs[2] > 0) & (outputs[2] < 1))
    assert np.allclose(outputs[3], outputs[2] @ params["W3"] + params["b3"])


@pytest.mark.parametrize("activation", deep.ACTIVATIONS)
def test_each_slope_is_the_derivative_of_its_activation_written_with_the_output(activation):
    z = np.array([-3.0, -0.7, -0.1, 0.2, 1.3, 4.0])  # away from ReLU's kink at 0
    numerical = [gradcheck.numerical_derivative(lambda v: deep.squash(v, activation), value) for value in z]
    assert np.allclose(deep.slope(deep.squash(z, activation), activation), numerical, atol=1e-8)


def test_each_activation_is_one_record_that_squash_and_slope_read():
    z = np.linspace(-2.0, 2.0, 9)
    assert deep.ACTIVATIONS == ("sigmoid", "tanh", "relu")
    for name in deep.ACTIVATIONS:
        activation = deep.Activation(name)
        assert activation.name == name and repr(activation) == f"<activation {name}>"
        h = activation.squash(z)
        assert np.array_equal(deep.squash(z, name), h) and np.array_equal(deep.slope(h, name), activation.slope(h))


def test_an_unknown_activation_is_refused_by_name():
    for function, argument in ((deep.squash, 0.0), (deep.slope, 0.5)):
        with pytest.raises(ValueError, match="activation must be 'sigmoid', 'tanh' or 'relu'; got 'softmax'"):
            function(argument, "softmax")
    with pytest.raises(ValueError, match=r"got \['tanh'\]"):  # not a name at all
        deep.squash(0.0, ["tanh"])


def test_init_layers_scales_each_layer_by_its_inputs():
    params = deep.init_layers([400, 300, 200, 1], scale=1.41, seed=5)
    for layer, fan_in in ((1, 400), (2, 300), (3, 200)):
        assert params[f"W{layer}"].std() == pytest.approx(1.41 / np.sqrt(fan_in), rel=0.05)
        assert not params[f"b{layer}"].any()


def test_the_error_signals_are_those_the_gradients_are_made_from():
    X, y, params = problem((2, 4, 3, 5, 1), 8, seed=2)
    signals = deep.error_signals(X, y, params, "tanh")
    grads = deep.backward_layers(X, y, params, "tanh")
    outputs = deep.forward_layers(X, params, "tanh")
    L = len(outputs) - 1
    assert len(signals) == L
    for k, (d_hidden, d_z) in enumerate(signals):  # from the output layer down
        layer = L - k
        assert np.allclose(grads[f"W{layer}"], outputs[layer - 1].T @ d_z)
        if k:
            assert np.allclose(d_z, d_hidden * deep.slope(outputs[layer], "tanh"))


def test_training_lowers_the_loss_and_leaves_the_start_alone():
    X, y, params = problem((2, 5, 1), 30, seed=4, scale=0.5)
    before = {k: v.copy() for k, v in params.items()}
    trained, losses, diverged_at = deep.train_layers(X, y, params, "tanh", alpha=0.1, epochs=50)
    assert diverged_at is None and len(losses) == 51 and losses[-1] < losses[0]
    assert losses[-1] == pytest.approx(deep.loss(X, y, trained, "tanh"))
    assert all(np.array_equal(before[k], params[k]) for k in params)


def test_a_blow_up_stops_training_cleanly_without_a_warning():
    X, y, params = problem((2, 8, 8, 8, 1), 30, seed=6, scale=3.0)
    trained, losses, diverged_at = deep.train_layers(X, y, params, "relu", alpha=5.0, epochs=100)
    assert diverged_at is not None and len(losses) == diverged_at
    assert all(np.all(np.isfinite(value)) for value in trained.values())


def test_a_depth_study_is_what_its_parts_compute():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    X, y = split.X_train[:64], split.y_train[:64]
    study = deep.study_depth(X, y, (3, "sigmoid", 1.0), epochs=10)
    params = deep.init_layers([2, 8, 8, 8, 1], 1.0, 0)
    grads = deep.backward_layers(X, y, params)
    assert np.allclose(study.sizes, [deep.rms(grads[f"W{layer}"]) for layer in range(1, 5)])
    assert len(study.through_weights) == len(study.through_slopes) == 3
    signals = deep.error_signals(X, y, params)
    # the two factors of each step multiply to the step's whole change in the signal's size
    for k in range(3):
        whole = deep.rms(signals[k + 1][1]) / deep.rms(signals[k][1])
        assert study.through_weights[k] * study.through_slopes[k] == pytest.approx(whole)
    assert np.all(study.through_slopes <= 0.25)  # the sigmoid's slope is at most 1/4
    trained = deep.train_layers(X, y, params, "sigmoid", 0.2, 10)[0]
    assert np.allclose(study.trained_sizes, [deep.rms(deep.backward_layers(X, y, trained)[f"W{layer}"])
                                             for layer in range(1, 5)])


def test_the_sigmoids_signal_fades_with_depth_and_relu_with_he_scaling_keeps_it():
    """What 06 says the explorer shows, on its 128 houses."""
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    X, y = split.X_train[:128], split.y_train[:128]
    ratio = {}
    for setting in [(1, "sigmoid", 1.0), (4, "sigmoid", 1.0), (8, "sigmoid", 1.0), (8, "relu", 1.41),
                    (8, "tanh", 1.0)]:
        sizes = deep.study_depth(X, y, setting, epochs=0).sizes
        ratio[setting] = sizes[0] / sizes[-1]
    assert ratio[(1, "sigmoid", 1.0)] > ratio[(4, "sigmoid", 1.0)] > 1000 * ratio[(8, "sigmoid", 1.0)]
    assert ratio[(8, "sigmoid", 1.0)] < 1e-5 < 0.05 < ratio[(8, "relu", 1.41)]
    assert ratio[(8, "tanh", 1.0)] > 0.05
