"""The exercises added to 05_backpropagation: backward_tanh (a transfer: the same network with tanh hidden
units) and train_step (one step of gradient descent, every gradient before any update).

The references are checked against autograd and against numerical gradients, never against themselves;
then check() must pass them, pass correct answers written another way, and catch and name each usual
mistake, including answers written as a learner would write them."""
import re

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from course_utils import check, gradcheck, hint, network, solution
from course_utils.marking.exercises import EXERCISES

NAMES = ["W1", "b1", "W2", "b2"]
NEW = {exercise.id: exercise for exercise in EXERCISES if exercise.id in ("backward_tanh", "train_step")}
MISTAKES = [(exercise_id, mistake) for exercise_id, exercise in NEW.items() for mistake in exercise.mistakes]


def problem(n, d, h, seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, d)), rng.normal(size=(n, 1)), rng.normal(size=(d, h)), rng.normal(size=h),
            rng.normal(size=(h, 1)), rng.normal(size=1))


def tanh_loss(W1, b1, W2, b2, X, y):
    hidden = anp.tanh(anp.dot(X, W1) + b1)
    return anp.mean((anp.dot(hidden, W2) + b2 - y) ** 2)


def sigmoid_loss(W1, b1, W2, b2, X, y):
    hidden = 1 / (1 + anp.exp(-(anp.dot(X, W1) + b1)))
    return anp.mean((anp.dot(hidden, W2) + b2 - y) ** 2)


def autograd_gradients(loss, X, y, *params):
    return {name: grad(loss, position)(*params, X, y) for position, name in enumerate(NAMES)}


# --- the references, against autograd and numerical gradients ------------------------------------------

@pytest.mark.parametrize("n, d, h, seed", [(1, 2, 3, 0), (5, 3, 4, 1), (12, 2, 1, 2)])
def test_backward_tanh_agrees_with_autograd_and_numerical_gradients(n, d, h, seed):
    X, y, *params = problem(n, d, h, seed)
    ours = network.backward_tanh(X, y, *params)
    for position, name in enumerate(NAMES):
        assert ours[name].shape == params[position].shape
        assert np.allclose(ours[name], autograd_gradients(tanh_loss, X, y, *params)[name], atol=1e-12), name

        def loss(value, position=position):
            changed = [value if k == position else p for k, p in enumerate(params)]
            return float(tanh_loss(*changed, X, y))

        numerical = gradcheck.numerical_gradient(loss, params[position])
        assert gradcheck.relative_error(ours[name], numerical) < 1e-7, name


def test_tanh_gradients_differ_from_the_sigmoids():
    X, y, *params = problem(5, 3, 4, 1)
    tanh, sigmoid = network.backward_tanh(X, y, *params), network.backward(X, y, *params)
    assert not any(np.allclose(tanh[name], sigmoid[name]) for name in NAMES)


@pytest.mark.parametrize("alpha", [0.1, 0.5])
def test_train_step_is_one_step_against_the_autograd_gradient(alpha):
    X, y, *params = problem(8, 2, 3, 3)
    before = [p.copy() for p in params]
    new = network.train_step(X, y, *params, alpha)
    gradients = autograd_gradients(sigmoid_loss, X, y, *params)
    assert isinstance(new, tuple) and len(new) == 4
    for name, old, value in zip(NAMES, params, new):
        assert np.allclose(value, old - alpha * gradients[name], atol=1e-12), name
        assert value is not old
    assert all(np.array_equal(a, b) for a, b in zip(params, before))  # the inputs are left alone


def test_train_step_lowers_the_loss_on_the_houses():
    from course_utils import data
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    params = network.init_params(2, 3, seed=0)
    loss = float(sigmoid_loss(*params.values(), split.X_train, split.y_train))
    new = network.train_step(split.X_train, split.y_train, *params.values(), 0.3)
    assert float(sigmoid_loss(*new, split.X_train, split.y_train)) < loss


def test_train_repeats_train_step():
    X, y, *params = problem(20, 2, 3, 4)
    start = dict(zip(NAMES, params))
    run = network.train(X, y, alpha=0.2, epochs=3, start=start)
    stepped = params
    for _ in range(3):
        stepped = network.train_step(X, y, *stepped, 0.2)
    for name, value in zip(NAMES, stepped):
        assert np.allclose(run.params[name], value, atol=1e-13)
    assert all(np.array_equal(start[name], p) for name, p in zip(NAMES, params))  # start is not changed


def test_updating_w2_first_gives_the_gradient_of_no_network():
    """What the notebook shows: W1's gradient computed with an updated W2 disagrees with the numerical one."""
    X, y, W1, b1, W2, b2 = problem(1, 2, 3, 5)
    mistake = next(m for m in NEW["train_step"].mistakes if m.name.startswith("updated W2 before"))
    alpha = 0.3
    W1_late = mistake.make(X, y, W1, b1, W2, b2, alpha)[0]
    W1_right = network.train_step(X, y, W1, b1, W2, b2, alpha)[0]
    numerical = gradcheck.numerical_gradient(lambda w: float(sigmoid_loss(w, b1, W2, b2, X, y)), W1)
    assert gradcheck.relative_error((W1 - W1_right) / alpha, numerical) < 1e-7
    assert gradcheck.relative_error((W1 - W1_late) / alpha, numerical) > 1e-2


# --- check() on them ------------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", list(NEW))
def test_the_reference_passes(exercise_id):
    result = check(exercise_id, NEW[exercise_id].reference)
    assert result.passed and result.message.startswith("✓"), result.message


def tanh_by_cosh(X, y, W1, b1, W2, b2):
    """Correct, written another way: tanh's slope as 1 / cosh², loops over the houses."""
    grads = {name: np.zeros_like(value) for name, value in zip(NAMES, (W1, b1, W2, b2))}
    for x, target in zip(X, y):
        z = x @ W1 + b1
        hidden = np.tanh(z)
        signal = 2 * (hidden @ W2 + b2 - target) / len(y)
        grads["W2"] += np.outer(hidden, signal)
        grads["b2"] += signal
        d_z = (W2[:, 0] * signal) / np.cosh(z) ** 2
        grads["W1"] += np.outer(x, d_z)
        grads["b1"] += d_z
    return grads


def train_step_with_autograd(X, y, W1, b1, W2, b2, alpha):
    gradients = autograd_gradients(sigmoid_loss, X, y, W1, b1, W2, b2)
    return tuple(value - alpha * gradients[name] for name, value in zip(NAMES, (W1, b1, W2, b2)))


def train_step_in_a_list(X, y, W1, b1, W2, b2, alpha):
    """Correct: backward first (the library's), then a list of updates."""
    gradients = network.backward(X, y, W1, b1, W2, b2)
    return [p - alpha * gradients[name] for name, p in zip(NAMES, (W1, b1, W2, b2))]


@pytest.mark.parametrize("exercise_id, fn", [
    ("backward_tanh", tanh_by_cosh),
    ("backward_tanh", lambda X, y, W1, b1, W2, b2: autograd_gradients(tanh_loss, X, y, W1, b1, W2, b2)),
    ("train_step", train_step_with_autograd),
    ("train_step", train_step_in_a_list),
])
def test_a_correct_answer_written_differently_passes(exercise_id, fn):
    result = check(exercise_id, fn)
    assert result.passed, result.message


@pytest.mark.parametrize("exercise_id, mistake", MISTAKES, ids=[f"{e}: {m.name}" for e, m in MISTAKES])
def test_each_usual_mistake_is_caught_and_named(exercise_id, mistake):
    result = check(exercise_id, mistake.make)
    assert not result.passed
    assert f"usual mistake: {mistake.name}" in result.message and mistake.advice in result.message


@pytest.mark.parametrize("exercise_id, mistake", MISTAKES, ids=[f"{e}: {m.name}" for e, m in MISTAKES])
def test_each_usual_mistake_is_really_wrong(exercise_id, mistake):
    """Against autograd, not against the reference: a 'mistake' that happened to be right would be a bug."""
    cases = NEW[exercise_id].cases()
    wrong = 0
    for args in cases:
        X, y, W1, b1, W2, b2 = args[:6]
        try:
            got = mistake.make(*args)
        except ValueError:  # shapes that do not fit: a mistake that raises is wrong too
            wrong += 1
            continue
        if exercise_id == "backward_tanh":
            truth = autograd_gradients(tanh_loss, X, y, W1, b1, W2, b2)
            wrong += not all(np.shape(got[name]) == truth[name].shape and np.allclose(got[name], truth[name])
                             for name in NAMES)
        else:
            truth = train_step_with_autograd(*args)
            wrong += not all(np.shape(a) == np.shape(b) and np.allclose(a, b) for a, b in zip(got, truth))
    assert wrong == len(cases)


# --- answers as a learner writes them, in the notebook's names ------------------------------------------

def learner_tanh_copied_the_sigmoid_line(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)  # the sigmoid's line, kept
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


def learner_tanh_slope_of_z(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = np.tanh(z)
    d_prediction = 2 * (hidden @ W2 + b2 - y) / len(y)
    d_z = d_prediction @ W2.T * (1 - z ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


def learner_tanh_sigmoid_derivative(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = np.tanh(z)
    d_prediction = 2 * (hidden @ W2 + b2 - y) / len(y)
    d_z = (d_prediction @ W2.T) * network.sigmoid_derivative(z)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


def learner_step_as_in_the_post(X, y, W1, b1, W2, b2, alpha):
    """Each layer updated as soon as its gradient is known, "each step of the way back"."""
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    W2_new = W2 - alpha * hidden.T @ d_prediction
    b2_new = b2 - alpha * d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2_new.T) * hidden * (1 - hidden)
    return W1 - alpha * X.T @ d_z, b1 - alpha * d_z.sum(axis=0), W2_new, b2_new


def learner_step_uphill(X, y, W1, b1, W2, b2, alpha):
    grads = network.backward(X, y, W1, b1, W2, b2)
    return tuple(p + alpha * grads[name] for name, p in zip(NAMES, (W1, b1, W2, b2)))


def learner_step_without_alpha(X, y, W1, b1, W2, b2, alpha):
    grads = network.backward(X, y, W1, b1, W2, b2)
    return W1 - grads["W1"], b1 - grads["b1"], W2 - grads["W2"], b2 - grads["b2"]


@pytest.mark.parametrize("exercise_id, fn, named", [
    ("backward_tanh", learner_tanh_copied_the_sigmoid_line, "used the sigmoid's slope, hidden * (1 - hidden)"),
    ("backward_tanh", learner_tanh_slope_of_z, "applied the slope to z instead of to tanh's output"),
    ("backward_tanh", learner_tanh_sigmoid_derivative, "network.sigmoid_derivative(z)"),
    ("backward_tanh", lambda X, y, W1, b1, W2, b2: network.backward(X, y, W1, b1, W2, b2), "kept the sigmoid"),
    ("train_step", learner_step_as_in_the_post, "updated W2 before computing the hidden layer's gradient"),
    ("train_step", learner_step_uphill, "sign flipped"),
    ("train_step", learner_step_without_alpha, "ignored alpha"),
])
def test_a_learners_wrong_answer_gets_its_mistake_named(exercise_id, fn, named):
    result = check(exercise_id, fn)
    assert not result.passed and "usual mistake" in result.message and named in result.message, result.message


def tanh_with_slope(slope, average=True):
    """backward_tanh as a tester wrote it, with tanh's slope written as slope(hidden)."""
    def backward_tanh(X, y, W1, b1, W2, b2):
        hidden = np.tanh(X @ W1 + b1)
        d_prediction = 2 * (hidden @ W2 + b2 - y) / (len(y) if average else 1)
        d_z = (d_prediction @ W2.T) * slope(hidden)
        return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
                "b2": d_prediction.sum(axis=0)}
    return backward_tanh


def learner_step_summed(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return (W1 - alpha * X.T @ d_z, b1 - alpha * d_z.sum(axis=0), W2 - alpha * hidden.T @ d_prediction,
            b2 - alpha * d_prediction.sum(axis=0))


@pytest.mark.parametrize("exercise_id, fn, named", [
    ("backward_tanh", tanh_with_slope(lambda h: 1 - h ** 2, average=False), "summed instead of averaged"),
    ("backward_tanh", tanh_with_slope(lambda h: 1 + h ** 2), "a plus where the minus belongs"),
    ("backward_tanh", tanh_with_slope(lambda h: h ** 2), "tanh² alone as the slope"),
    ("train_step", learner_step_summed,
     "each step is the one made with this slip in the gradients: summed instead of averaged"),
])
def test_the_testers_wrong_answers_get_their_mistake_named(exercise_id, fn, named):
    """They got only 'a factor is missing or extra', or 'result[0] is … where it should be …'."""
    message = check(exercise_id, fn).message
    assert f"Your answer matches a usual mistake: {named}" in message, message


def test_the_useful_sentence_comes_before_a_short_test_case():
    message = check("backward", lambda *args: {"W1": 0, "b1": 0, "W2": 0, "b2": 0}).message
    assert "np.array([[" not in message and "backward(<array (5, 3)>, <array (5, 1)>, <array (3, 4)>" in message
    message = check("backward_tanh", tanh_with_slope(lambda h: h ** 2)).message
    assert message.index("usual mistake") < message.index("backward_tanh(<array")


def learner_step_in_place(X, y, W1, b1, W2, b2, alpha):
    """Updates in place, and W2 before the hidden layer's gradient: the input changes first."""
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    W2 -= alpha * hidden.T @ d_prediction
    b2 -= alpha * d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    W1 -= alpha * X.T @ d_z
    b1 -= alpha * d_z.sum(axis=0)
    return W1, b1, W2, b2


def learner_step_in_place_but_in_order(X, y, W1, b1, W2, b2, alpha):
    grads = network.backward(X, y, W1, b1, W2, b2)
    for value, name in zip((W1, b1, W2, b2), NAMES):
        value -= alpha * grads[name]
    return W1, b1, W2, b2


@pytest.mark.parametrize("fn", [learner_step_in_place, learner_step_in_place_but_in_order])
def test_updating_in_place_is_named(fn):
    result = check("train_step", fn)
    assert not result.passed and "changed its input" in result.message and "in place" in result.message


def test_a_wrong_shape_or_type_is_reported():
    assert "pair of 4 values" in check("train_step", lambda *args: args[2]).message
    assert "no key 'b1'" in check("backward_tanh", lambda *args: {"W1": 0, "W2": 0, "b2": 0}).message


# --- hints and solutions --------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", list(NEW))
def test_every_helper_a_hint_or_advice_names_exists_in_the_notebook(exercise_id):
    """05 imports numpy as np and course_utils.network as network: a hint may say `network.sigmoid`."""
    exercise = NEW[exercise_id]
    texts = exercise.hints + [mistake.advice for mistake in exercise.mistakes] + [exercise.shapes]
    for module_name, module in (("network", network), ("np", np)):
        for text in texts:
            for attribute in re.findall(rf"\b{module_name}\.(\w+)", text):
                assert hasattr(module, attribute), f"{module_name}.{attribute} in {text!r}"
    assert not any(re.search(r"(?<![.\w])sigmoid\(", text) for text in texts)  # network.sigmoid, not sigmoid


@pytest.mark.parametrize("exercise_id", list(NEW))
def test_the_solution_is_the_library_code(exercise_id):
    text = solution(exercise_id).markdown
    assert f"def {exercise_id}(" in text and "course_utils/network.py" in text


def test_train_steps_solution_shows_the_order():
    text = solution("train_step").markdown
    assert text.index("d_hidden = d_prediction @ W2.T") < text.index("W2 - alpha * d_W2")
