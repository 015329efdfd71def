"""Every exercise: the reference passes, each usual mistake is caught and named, a correct answer
written differently passes, and every kind of broken function gets a clear message."""
import time

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from course_utils import check, exercise_ids, hint, solution
from course_utils.marking import checking
from course_utils.marking.exercises import EXERCISES

SHORT_LIMIT = 0.5  # seconds: the time-limit tests need not wait for the real 3 (checking reads it at each call)


def _mse_for_autograd(X, y, w, b):
    return anp.mean((anp.dot(X, w) + b - y) ** 2)


def _network_loss(X, y, W1, b1, W2, b2):
    hidden = 1 / (1 + anp.exp(-(anp.dot(X, W1) + b1)))
    return anp.mean((anp.dot(hidden, W2) + b2 - y) ** 2)


def _descent_as_list(grad_fn, w0, alpha, steps):
    weights = [w0]
    while len(weights) <= steps:
        weights.append(weights[-1] - alpha * grad_fn(weights[-1]))
    return weights


def _gradient_by_flat_copies(f, w, h=1e-5):
    flat = np.asarray(w, dtype=float).ravel()
    out = []
    for k in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[k] += h
        down[k] -= h
        out.append((f(up.reshape(np.shape(w))) - f(down.reshape(np.shape(w)))) / h / 2)
    return np.array(out).reshape(np.shape(w))


def _while_dot(a, b):
    total, i = 0, 0
    while i < len(a):
        total = total + a[i] * b[i]
        i += 1
    return total


# A correct answer written differently from the reference, for every exercise.
OTHER_CORRECT = {
    "error": lambda p, a: -(a - p),
    "mse": lambda p, a: sum((x - y) ** 2 for x, y in zip(np.ravel(p), np.ravel(a))) / np.size(p),
    "gradient_step": lambda w, g, alpha: np.add(w, np.multiply(-alpha, g)),
    "gradient_descent": _descent_as_list,
    "numerical_derivative": lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h / 2,
    "numerical_gradient": _gradient_by_flat_copies,
    "squared_error_backward": lambda w, x, y: {  # the derivative of (w x − y)², not walked gate by gate
        "e": 2 * (w * x - y), "p": 2 * (w * x - y), "w": 2 * x * (w * x - y)},
    "dot": _while_dot,
    "predict_linear": lambda X, w, b: np.einsum("ij,j->i", X, w) + b,
    "mse_gradient": lambda X, y, w, b: (grad(_mse_for_autograd, 2)(X, y, w, b), grad(_mse_for_autograd, 3)(X, y, w, b)),
    "sigmoid_derivative": lambda z: 0.25 / np.cosh(np.asarray(z) / 2) ** 2,
    "forward": lambda X, W1, b1, W2, b2: (
        (h := 0.5 * (1 + np.tanh((X @ W1 + b1) / 2))), np.einsum("nh,ho->no", h, W2) + b2),
    "backward": lambda X, y, W1, b1, W2, b2: {
        name: grad(_network_loss, position)(X, y, W1, b1, W2, b2)
        for position, name in [(2, "W1"), (3, "b1"), (4, "W2"), (5, "b2")]},
}

IDS = [exercise.id for exercise in EXERCISES]
MISTAKES = [(exercise.id, mistake) for exercise in EXERCISES for mistake in exercise.mistakes]


COURSE = ["error", "mse", "gradient_step", "gradient_descent", "numerical_derivative", "numerical_gradient", "dot",
          "predict_linear", "mse_gradient", "sigmoid_derivative", "forward", "backward"]


def test_ids_are_the_contract_in_course_order():
    ids = exercise_ids()
    assert [exercise_id for exercise_id in ids if exercise_id in COURSE] == COURSE  # new ones fit in between
    notebooks = [exercise.notebook for exercise in EXERCISES]
    assert notebooks == sorted(notebooks)  # in the order the notebooks come
    assert set(COURSE) <= set(OTHER_CORRECT)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_reference_passes(exercise):
    result = check(exercise.id, exercise.reference)
    assert result.passed and result.message.startswith("✓"), result.message


@pytest.mark.parametrize("exercise_id", OTHER_CORRECT)
def test_a_correct_answer_written_differently_passes(exercise_id):
    result = check(exercise_id, OTHER_CORRECT[exercise_id])
    assert result.passed, result.message


@pytest.mark.parametrize("exercise_id, mistake", MISTAKES, ids=[f"{e}: {m.name}" for e, m in MISTAKES])
def test_each_usual_mistake_is_caught_and_named(exercise_id, mistake):
    result = check(exercise_id, mistake.make)
    assert not result.passed
    assert f"usual mistake: {mistake.name}" in result.message and mistake.advice in result.message


@pytest.mark.parametrize("exercise_id", IDS)
def test_unfilled_stubs_are_not_attempted(exercise_id):
    def stub(*args):
        ...

    def raises_not_implemented(*args):
        raise NotImplementedError

    for fn in (stub, raises_not_implemented):
        result = check(exercise_id, fn)
        assert not result.passed and "not attempted yet" in result.message


@pytest.mark.parametrize("exercise_id", IDS)
def test_a_crash_is_reported_with_its_exception(exercise_id):
    def crashes(*args):
        return {}["missing"]

    result = check(exercise_id, crashes)
    assert not result.passed and "raised KeyError" in result.message and exercise_id + "(" in result.message


@pytest.mark.parametrize("exercise_id", IDS)
def test_a_wrong_type_is_reported(exercise_id):
    result = check(exercise_id, lambda *args: "a string")
    assert not result.passed
    assert any(word in result.message for word in ("should be a single number", "should be an array",
                                                   "should be a pair", "should be a dict",
                                                   "should be a list"))


@pytest.mark.parametrize("exercise_id", ["mse", "dot", "sigmoid_derivative"])
def test_nan_is_reported(exercise_id):
    reference = {e.id: e.reference for e in EXERCISES}[exercise_id]
    result = check(exercise_id, lambda *args: reference(*args) * np.nan)
    assert not result.passed and "NaN" in result.message


def test_shape_n_against_n_by_1_is_explained():
    result = check("predict_linear", lambda X, w, b: (X @ w + b)[:, None] * 1.0001)
    assert "shape" in result.message and "(n, 1)" in result.message


def test_a_missing_dict_key_is_named():
    result = check("backward", lambda *args: {"W1": 0, "b1": 0, "W2": 0})
    assert "no key 'b2'" in result.message


@pytest.mark.parametrize("exercise_id, changes_input", [
    ("gradient_step", lambda w, g, a: np.subtract(w, a * g, out=w) if isinstance(w, np.ndarray) else w - a * g),
    ("numerical_gradient", lambda f, w, h=1e-5: w.__setitem__((0,) * w.ndim, 99.0)),
    ("mse", lambda p, a: (p.sort(), float(np.mean((p - a) ** 2)))[1]),
])
def test_changing_an_input_is_reported(exercise_id, changes_input):
    result = check(exercise_id, changes_input)
    assert not result.passed and "changed its input" in result.message


def test_an_endless_loop_is_stopped_within_a_few_seconds_and_python_carries_on(monkeypatch):
    def endless(*args):
        while True:
            pass

    assert check("mse", EXERCISES[1].reference).passed  # the checking process has started: time the check only
    monkeypatch.setattr(checking, "TIME_LIMIT", SHORT_LIMIT)
    start = time.monotonic()
    result = check("mse", endless)
    seconds = time.monotonic() - start
    assert SHORT_LIMIT <= seconds < SHORT_LIMIT + 1.5  # waited for the limit, and not much longer
    assert not result.passed and f"did not finish within {SHORT_LIMIT:g} seconds" in result.message
    monkeypatch.undo()
    assert check("mse", EXERCISES[1].reference).passed  # still working afterwards


def test_except_exception_cannot_swallow_the_time_limit(monkeypatch):
    def stubborn(*args):
        while True:
            try:
                while True:
                    pass
            except Exception:
                pass

    assert check("dot", _loop_over_range).passed  # the checking process has started: time the check only
    monkeypatch.setattr(checking, "TIME_LIMIT", SHORT_LIMIT)
    start = time.monotonic()
    result = check("dot", stubborn)
    assert time.monotonic() - start < SHORT_LIMIT + 1.5
    assert not result.passed and f"did not finish within {SHORT_LIMIT:g} seconds" in result.message


def test_check_never_raises_on_bad_calls():
    assert "no exercise 'nope'" in check("nope", print).message
    assert "pass your function itself" in check("mse", 42).message
    assert "returned None" in check("error", lambda p, a: None if isinstance(p, np.ndarray) else p - a).message


def test_hints_get_stronger_then_point_to_the_solution():
    exercise = EXERCISES[0]
    texts = [hint(exercise.id).markdown for _ in range(len(exercise.hints) + 1)]
    for number, text in enumerate(texts[:len(exercise.hints)], 1):
        assert f"Hint {number} of {len(exercise.hints)}" in text
    assert "solution('error')" in texts[-1]
    assert "no exercise 'nope'" in hint("nope").markdown  # an answer, never a KeyError


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_solution_is_the_library_code(exercise):
    text = solution(exercise.id).markdown
    assert f"def {exercise.reference.__name__}(" in text and "```python" in text
    assert "course_utils/" in text


def test_the_square_of_the_mean_error_is_named():
    result = check("mse", lambda p, a: np.mean(p - a) ** 2)
    assert "usual mistake: squared the mean error" in result.message


def test_small_inputs_are_shown_in_full_and_large_ones_by_shape():
    message = check("mse", lambda p, a: 0.0).message
    assert "mse(np.array([150000.0]), np.array([100000.0]))" in message
    message = check("mse", lambda p, a: float(np.mean((p - a) ** 2)) if len(p) == 1 else 1.0).message
    assert "np.array([150000.0, 90000.0, 200000.0, 310000.0])" in message
    assert "np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])" in check("mse_gradient", lambda *args: (0, 0)).message
    assert "backward(<array of shape (5, 3)>" not in check("backward", lambda *args: {}).message  # too long in full
    assert "backward(<array (5, 3)>, <array (5, 1)>, <array (3, 4)>" in check("backward", lambda *args: {}).message


def test_a_test_case_function_is_shown_as_code_that_does_the_same():
    from course_utils.marking import exercises
    for fn in (exercises.cube, exercises.exp3, exercises.sum_of_cubes, exercises.sum_of_exps, exercises.tangle,
               exercises.parabola_slope, exercises.valley_slope):
        shown = eval(fn.shown_as, {"np": np})
        for w in (np.array([0.5, -1.0]), np.array([[0.5, 1.0], [2.0, -1.0]])[:1].ravel()):
            assert np.allclose(shown(w), fn(w))
    message = check("numerical_derivative", lambda f, x, h=1e-5: 0.0).message
    assert "numerical_derivative(lambda x: x ** 3, 2)" in message


def _loop_over_range(a, b):
    total = 0.0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


def _loop_with_enumerate(a, b):
    sum = 0  # a learner's own variable called sum is still a loop  # noqa: A001
    for i, x in enumerate(a):
        sum = sum + x * b[i]
    return sum


DOT = next(exercise.reference for exercise in EXERCISES if exercise.id == "dot")


@pytest.mark.parametrize("loop", [_loop_over_range, _loop_with_enumerate, _while_dot, DOT])
def test_dot_accepts_every_kind_of_loop(loop):
    assert check("dot", loop).passed


@pytest.mark.parametrize("shortcut, named", [
    (lambda a, b: np.dot(a, b), "`np.dot`"), (lambda a, b: np.array(a) @ np.array(b), "`@`"),
    (lambda a, b: sum(x * y for x, y in zip(a, b)), "`sum`"), (lambda a, b: np.multiply(a, b).sum(), "`sum`"),
    (lambda a, b: float(np.einsum("i,i->", a, b)), "`np.einsum`"), (np.dot, "`np.dot`"),
])
def test_dot_asks_for_the_loop_it_teaches(shortcut, named):
    result = check("dot", shortcut)
    assert not result.passed and "asks for a plain loop" in result.message and named in result.message


def test_a_shape_error_is_said_in_the_shapes_of_the_exercise():
    result = check("predict_linear", lambda X, w, b: X @ np.append(w, 1.0) + b)
    assert "raised ValueError: matmul: Input operand 1 has a mismatch" in result.message  # numpy's own words first
    assert "(size 3 is different from 2). The shapes do not fit together" in result.message
    assert "Here X is (2, 2), w is (2,)" not in result.message and "Here X is (2, 2) and w is (2,)." in result.message
    assert "`X @ w` gives one number per house" in result.message


def test_a_name_the_notebook_lacks_is_explained():
    def forward(X, W1, b1, W2, b2):
        hidden = sigmoid(X @ W1 + b1)  # noqa: F821  (notebook 05 has network.sigmoid, not sigmoid)
        return hidden, hidden @ W2 + b2

    result = check("forward", forward)
    assert "raised NameError" in result.message and "In this notebook it is `network.sigmoid`." in result.message


def test_printing_instead_of_returning_is_named():
    result = check("error", lambda p, a: print(p - a))
    assert not result.passed and "prints its answer but returns None" in result.message


def test_a_mistake_in_one_part_of_a_dict_is_named_even_with_a_second_slip():
    from course_utils import network

    def two_slips(X, y, W1, b1, W2, b2):
        grads = network.backward(X, y, W1, b1, W2, b2)
        return {**grads, "b1": np.sum(grads["b1"]) * 0 + grads["b1"].sum(), "b2": grads["b2"] * 3}

    assert "usual mistake: added up b1's gradient over everything" in check("backward", two_slips).message


def _gradient_on_a_plain_copy(f, w, h=1e-5):
    w = np.array(w)  # keeps a w of whole numbers whole: the nudges are rounded away
    grad = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_up = f(w)
        w[index] = saved - h
        f_down = f(w)
        w[index] = saved
        grad[index] = (f_up - f_down) / (2 * h)
    return grad


def test_a_copy_of_whole_numbers_that_rounds_the_nudge_away_is_named():
    assert check("numerical_gradient", lambda f, w, h=1e-5: _gradient_on_a_plain_copy(f, w.astype(float), h)).passed
    message = check("numerical_gradient", _gradient_on_a_plain_copy).message
    assert "np.array([0, 0, 0])" in message and "usual mistake: `w` holds whole numbers" in message
    assert "rounds every nudge of h away" in message and "`np.array(w, dtype=float)`" in message


def test_squared_error_backward_catches_an_answer_blind_to_the_sign_of_x():
    # A cold attack: with every test case's x positive, 2 e |x| passed.
    def blind_to_sign(w, x, y):
        e = w * x - y
        return {"e": 2 * e, "p": 2 * e, "w": 2 * e * np.abs(x)}
    assert not check("squared_error_backward", blind_to_sign).passed
