"""Every exercise of the course: its test cases, the usual mistakes it recognises, progressive hints, and
its reference solution, which is the course_utils function itself (so solution and library agree).

    check("mse", mse)     -> a CheckResult with .passed and .message; never raises
    hint("mse")           -> the next, stronger hint
    solution("mse")       -> the reference code
    exercise_ids()        -> every id, in course order
"""
import copy
import inspect
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course_utils import descent, gradcheck, linear, losses, network
from course_utils.checking import CheckResult, Note, TimeUp, call_with_deadline, describe, difference, \
    quietly, unchanged

TIME_LIMIT = 3.0  # seconds a learner's function gets for all its test cases together


@dataclass
class Mistake:
    """A usual wrong answer to an exercise, and a function that makes it.
    Introduced in 00_start_here (behind check)."""
    name: str          # what the learner did, e.g. "summed instead of averaged"
    advice: str        # what to change
    make: Callable     # a function that makes exactly this mistake


@dataclass
class Exercise:
    """One exercise: its reference, test cases, usual mistakes and hints.
    Introduced in 00_start_here (behind check)."""
    id: str
    notebook: str
    reference: Callable
    cases: Callable    # () -> a fresh list of argument tuples
    mistakes: list
    hints: list
    rtol: float = 1e-6
    show: list = field(default_factory=list)  # extra functions that solution() prints before the reference


# Functions used as arguments in the test cases; named, so that messages can name them.
def cube(x):
    """x³, whose slope at 2 is 12 (a test case of numerical_derivative). Introduced in 03_derivatives."""
    return x ** 3


def exp3(x):
    """e^(3x), curved enough that a one-sided difference shows (a test case of numerical_derivative).
    Introduced in 03_derivatives."""
    return np.exp(3 * x)


def bowl(w):
    """Σ k · w_k³ over the entries of w (a test case of numerical_gradient). Introduced in 03_derivatives."""
    return float(np.sum(np.arange(1, w.size + 1).reshape(w.shape) * w ** 3))


def parabola_slope(w):
    """Slope of (w - 3)², lowest at w = 3 (a test case of gradient_descent). Introduced in 02_learning_rate."""
    return 2 * (w - 3.0)


def valley_slope(w):
    """Slope of w0² + 10 w1², a valley ten times steeper one way (a test case of gradient_descent).
    Introduced in 02_learning_rate."""
    return 2 * w * np.array([1.0, 10.0])


def _rng():
    return np.random.default_rng(2024)


def _network_case(rng, n=5, d=3, h=4):
    X = rng.normal(size=(n, d))
    y = rng.normal(size=(n, 1))
    W1, W2 = rng.normal(size=(d, h)), rng.normal(size=(h, 1))
    b1, b2 = rng.normal(size=h), rng.normal(size=1)
    return X, y, W1, b1, W2, b2


def _backward_variant(X, y, W1, b1, W2, b2, sign=1, factor=2, average=True, slope="z"):
    """backward with one thing changed, to recognise the usual mistakes."""
    z = X @ W1 + b1
    hidden = network.sigmoid(z)
    prediction = hidden @ W2 + b2
    d_prediction = sign * factor * (prediction - y) / (len(y) if average else 1)
    d_hidden = d_prediction @ W2.T
    slopes = {"z": network.sigmoid_derivative(z), "none": 1.0, "hidden": network.sigmoid_derivative(hidden)}
    d_z = d_hidden * slopes[slope]
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


def _mse_gradient_variant(X, y, w, b, sign=1, factor=2, average=True, bias=True):
    residual = sign * (X @ w + (b if bias else 0) - y)
    n = len(y) if average else 1
    return factor * X.T @ residual / n, factor * np.sum(residual) / n


EXERCISES = [
    Exercise(
        "error", "01_error", losses.error,
        cases=lambda: [(150_000.0, 100_000.0), (3.0, 5.0),
                       (np.array([150_000.0, 90_000.0, 200_000.0]), np.array([100_000.0, 120_000.0, 200_000.0]))],
        mistakes=[
            Mistake("sign flipped (actual - prediction)", "Subtract the actual price from the prediction.",
                    lambda p, a: a - p),
            Mistake("absolute error instead of the signed error", "Keep the sign: a too-low guess is negative.",
                    lambda p, a: abs(p - a)),
            Mistake("squared error instead of the signed error", "Do not square here; that comes with mse.",
                    lambda p, a: (p - a) ** 2),
        ],
        hints=["The error says how far, and in which direction, the prediction is off.",
               "Predicting $150,000 for a $100,000 house gives +$50,000: too high is positive.",
               "One subtraction: `return prediction - actual`."]),
    Exercise(
        "mse", "01_error", losses.mse,
        cases=lambda: [(np.array([150_000.0]), np.array([100_000.0])),
                       (np.array([150_000.0, 90_000.0, 200_000.0, 310_000.0]),
                        np.array([100_000.0, 120_000.0, 200_000.0, 300_000.0])),
                       (_rng().normal(size=10), _rng().normal(size=10) + 1.0)],
        mistakes=[
            Mistake("summed instead of averaged", "Divide by the number of houses (use the mean).",
                    lambda p, a: np.sum((p - a) ** 2)),
            Mistake("forgot to square", "Square each error before averaging, so misses cannot cancel.",
                    lambda p, a: np.mean(p - a)),
            Mistake("absolute errors instead of squared", "Square the errors instead of taking abs().",
                    lambda p, a: np.mean(np.abs(p - a))),
            Mistake("an extra factor 1/2", "The course's MSE has no 1/2 in front.",
                    lambda p, a: 0.5 * np.mean((p - a) ** 2)),
            Mistake("took the square root (that is the RMSE)", "Leave out the square root.",
                    lambda p, a: np.sqrt(np.mean((p - a) ** 2))),
        ],
        hints=["Three steps: the errors, then their squares, then the mean.",
               "With numpy arrays `predictions - actuals` gives every house's error at once.",
               "`return float(np.mean((predictions - actuals) ** 2))`"]),
    Exercise(
        "gradient_step", "02_learning_rate", descent.gradient_step,
        cases=lambda: [(5.0, 2.0, 0.1), (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 0.1),
                       (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[10.0, 0.0], [-10.0, 5.0]]), 0.01)],
        mistakes=[
            Mistake("sign flipped: the step goes uphill", "Move against the gradient: w - alpha * grad.",
                    lambda w, g, a: w + a * g),
            Mistake("forgot the learning rate", "Scale the gradient by alpha before stepping.",
                    lambda w, g, a: w - g),
            Mistake("divided by the learning rate", "Multiply by alpha, do not divide.",
                    lambda w, g, a: w - g / a),
        ],
        hints=["The gradient points uphill; we want to go down.",
               "The step is alpha times the gradient, taken in the opposite direction.",
               "`return w - alpha * grad` (not `w -= ...`, which would change the caller's array)."]),
    Exercise(
        "gradient_descent", "02_learning_rate", descent.gradient_descent,
        cases=lambda: [(parabola_slope, 0.0, 0.1, 5), (parabola_slope, 10.0, 0.5, 0),
                       (valley_slope, np.array([1.0, 1.0]), 0.05, 4)],
        mistakes=[
            Mistake("left out the starting weight w0", "Put w0 first in the list, then one weight per step.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, s)[1:]),
            Mistake("took one step too many", "Loop exactly `steps` times.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, s + 1)),
            Mistake("sign flipped: the steps go uphill", "Each step is w - alpha * grad_fn(w).",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, -a, s)),
            Mistake("returned only the final weight", "Return every weight visited, w0 first.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, s)[-1]),
        ],
        hints=["Keep a list of weights that starts with w0; append one new weight per step.",
               "Each new weight is gradient_step(w, grad_fn(w), alpha), where w is the last weight so far.",
               "`weights = [w0]`, then `steps` times `weights.append(weights[-1] - alpha * grad_fn(weights[-1]))`, "
               "then `return np.array(weights)`."]),
    Exercise(
        "numerical_derivative", "03_derivatives", gradcheck.numerical_derivative, rtol=1e-7,
        cases=lambda: [(cube, 2.0), (exp3, 1.0), (exp3, 1.0, 1e-2)],
        mistakes=[
            Mistake("one-sided difference (f(x+h) - f(x)) / h", "Nudge both ways: f(x+h) - f(x-h).",
                    lambda f, x, h=1e-5: (f(x + h) - f(x)) / h),
            Mistake("divided by h instead of 2h", "The two points are 2h apart.",
                    lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h),
            Mistake("ignored the h you were given", "Use the argument h, not a fixed number.",
                    lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5),
        ],
        hints=["A slope is rise over run: how much f changes, divided by how much x changed.",
               "Evaluate f a little to the right (x + h) and a little to the left (x - h).",
               "`return (f(x + h) - f(x - h)) / (2 * h)`"]),
    Exercise(
        "numerical_gradient", "03_derivatives", gradcheck.numerical_gradient, rtol=1e-7,
        cases=lambda: [(bowl, np.array([1.0, -2.0, 3.0])), (bowl, np.array([[0.5, 1.0], [2.0, -1.0]])),
                       (bowl, np.array([1.0, 2.0]), 1e-3)],
        mistakes=[
            Mistake("one-sided differences", "Nudge each entry both ways: +h and -h.",
                    lambda f, w, h=1e-5: _one_sided_gradient(f, w, h)),
            Mistake("divided by h instead of 2h", "The two nudged points are 2h apart.",
                    lambda f, w, h=1e-5: 2 * gradcheck.numerical_gradient(f, w, h)),
        ],
        hints=["One partial derivative per entry: nudge that entry only, keep the others fixed.",
               "Work on a copy (`w = np.array(w, dtype=float)`), loop over `np.ndindex(w.shape)`, and put each "
               "entry back after nudging it.",
               "For each index i: save w[i]; set it to saved + h and evaluate f; set it to saved - h and "
               "evaluate f; restore it; grad[i] = (f_up - f_down) / (2 * h)."]),
    Exercise(
        "dot", "04_dot_product", linear.dot,
        cases=lambda: [([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), ([2.5], [4.0]), (_rng().normal(size=6), _rng().normal(size=6) * 2)],
        mistakes=[
            Mistake("returned the products without adding them up", "Add the products into one total.",
                    lambda a, b: [x * y for x, y in zip(a, b)]),
            Mistake("added the pairs instead of multiplying", "Multiply a[i] by b[i], then add those up.",
                    lambda a, b: sum(x + y for x, y in zip(a, b))),
            Mistake("skipped the last pair", "Loop over every index: range(len(a)).",
                    lambda a, b: sum(a[i] * b[i] for i in range(len(a) - 1))),
        ],
        hints=["Multiply matching entries, then add all those products.",
               "Start a total at 0 and loop over the pairs with `zip(a, b)`.",
               "`total = 0.0`; `for x, y in zip(a, b): total += x * y`; `return total`."]),
    Exercise(
        "predict_linear", "04_dot_product", linear.predict_linear,
        cases=lambda: [(np.array([[1500.0, 3.0], [800.0, 2.0]]), np.array([100.0, 5000.0]), 20_000.0),
                       (_rng().normal(size=(6, 3)), np.array([0.5, -1.0, 2.0]), -0.5)],
        mistakes=[
            Mistake("forgot the bias b", "Add b to every prediction.", lambda X, w, b: X @ w),
            Mistake("returned a column of shape (n, 1) instead of (n,)", "Use w as it is, shape (d,).",
                    lambda X, w, b: X @ w.reshape(-1, 1) + b),
            Mistake("multiplied the bias in instead of adding it", "The bias is added: X @ w + b.",
                    lambda X, w, b: (X @ w) * b),
        ],
        hints=["Each house's prediction is its features times the weights, summed, plus the bias.",
               "A matrix times a vector does that for every row at once: `X @ w`.",
               "`return X @ w + b`"]),
    Exercise(
        "mse_gradient", "04_dot_product", linear.mse_gradient,
        cases=lambda: [(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), np.array([1.0, 2.0, 2.0]),
                        np.array([0.5, -0.5]), 0.25),
                       (_rng().normal(size=(8, 3)), _rng().normal(size=8), np.array([1.0, 0.0, -1.0]), 2.0)],
        mistakes=[
            Mistake("sign flipped (y - prediction)", "Use prediction - y, the error from 01.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, sign=-1)),
            Mistake("missing the factor 2", "The derivative of r**2 is 2r.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, factor=1)),
            Mistake("summed instead of averaged", "E is a mean, so divide by n.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, average=False)),
            Mistake("left the bias out of the prediction", "The residual is X @ w + b - y.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, bias=False)),
        ],
        hints=["Start from the residuals r = X @ w + b - y, one per house.",
               "dE/db is the mean of 2r; dE/dw[j] is the mean of 2r times feature j, which is `X.T @ r` scaled.",
               "`r = X @ w + b - y`; `return 2 * X.T @ r / len(y), 2 * np.mean(r)`"]),
    Exercise(
        "sigmoid_derivative", "05_backpropagation", network.sigmoid_derivative,
        cases=lambda: [(0.0,), (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),), (np.array([[-30.0, 0.5], [3.0, 30.0]]),)],
        mistakes=[
            Mistake("used z where sigmoid(z) belongs: z * (1 - z)", "Apply the sigmoid first: s = sigmoid(z).",
                    lambda z: z * (1 - z)),
            Mistake("returned sigmoid(z) itself", "Return s * (1 - s), the slope of the sigmoid.",
                    network.sigmoid),
        ],
        hints=["The sigmoid's slope can be written with the sigmoid itself.",
               "If s = sigmoid(z) = 1 / (1 + np.exp(-z)), the slope is s times (1 - s).",
               "`s = 1 / (1 + np.exp(-z))`; `return s * (1 - s)`"]),
    Exercise(
        "forward", "05_backpropagation", network.forward,
        cases=lambda: [_network_case(_rng())[:1] + _network_case(_rng())[2:],
                       _network_case(_rng(), n=1, d=2, h=3)[:1] + _network_case(_rng(), n=1, d=2, h=3)[2:]],
        mistakes=[
            Mistake("forgot the sigmoid on the hidden layer", "hidden = sigmoid(X @ W1 + b1).",
                    lambda X, W1, b1, W2, b2: (X @ W1 + b1, (X @ W1 + b1) @ W2 + b2)),
            Mistake("put a sigmoid on the output too", "The output is linear: hidden @ W2 + b2.",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.sigmoid(network.forward(X, W1, b1, W2, b2)[1]))),
            Mistake("forgot the biases", "Add b1 before the sigmoid and b2 at the output.",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1, 0 * b1, W2, 0 * b2)),
            Mistake("returned a flat prediction of shape (n,) instead of (n, 1)", "Use hidden @ W2 as it is.",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.forward(X, W1, b1, W2, b2)[1][:, 0])),
        ],
        hints=["Two layers, two lines: first the hidden layer, then the output.",
               "hidden = sigmoid(X @ W1 + b1) has shape (n, h); the prediction is hidden @ W2 + b2, shape (n, 1).",
               "`hidden = 1 / (1 + np.exp(-(X @ W1 + b1)))`; `return hidden, hidden @ W2 + b2`"]),
    Exercise(
        "backward", "05_backpropagation", network.backward, show=[network.loss_and_gradients],
        cases=lambda: [_network_case(_rng()), _network_case(_rng(), n=8, d=2, h=3)],
        mistakes=[
            Mistake("sign flipped (y - prediction)", "Start from prediction - y.",
                    lambda *args: _backward_variant(*args, sign=-1)),
            Mistake("missing the factor 2", "dE/dprediction = 2 (prediction - y) / n.",
                    lambda *args: _backward_variant(*args, factor=1)),
            Mistake("summed instead of averaged", "E is a mean over the n houses: divide by n.",
                    lambda *args: _backward_variant(*args, average=False)),
            Mistake("forgot the sigmoid's derivative", "Multiply by hidden * (1 - hidden) on the way back.",
                    lambda *args: _backward_variant(*args, slope="none")),
            Mistake("applied sigmoid_derivative to the hidden activations instead of to z",
                    "sigmoid_derivative(z) = hidden * (1 - hidden); do not feed it the hidden values.",
                    lambda *args: _backward_variant(*args, slope="hidden")),
        ],
        hints=["Go backwards: first dE/dprediction, then W2 and b2, then back through W2 to the hidden "
               "layer, through the sigmoid, and finally W1 and b1.",
               "dE/dprediction = 2 (prediction - y) / n. dW2 = hidden.T @ that; db2 = its sum over houses. "
               "d_hidden = that @ W2.T; d_z = d_hidden * hidden * (1 - hidden).",
               "dW1 = X.T @ d_z and db1 = d_z.sum(axis=0); return the four in a dict keyed "
               "\"W1\", \"b1\", \"W2\", \"b2\"."]),
]

_BY_ID = {exercise.id: exercise for exercise in EXERCISES}
_hints_given = {}


def _one_sided_gradient(f, w, h):
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    base = f(w)
    for index in np.ndindex(w.shape):
        nudged = w.copy()
        nudged[index] += h
        grad[index] = (f(nudged) - base) / h
    return grad


def exercise_ids():
    """Every exercise id, in course order. Introduced in 00_start_here."""
    return [exercise.id for exercise in EXERCISES]


def _find(exercise_id):
    if exercise_id not in _BY_ID:
        raise KeyError(f"There is no exercise {exercise_id!r}. The exercises are: {', '.join(exercise_ids())}.")
    return _BY_ID[exercise_id]


def _parameter_names(exercise):
    return list(inspect.signature(exercise.reference).parameters)


def _call_text(exercise, args):
    return f"{exercise.id}({', '.join(describe(arg) for arg in args)})"


def _judge(exercise, fn):
    """The first problem found with fn, as (status, sentence); status is 'pass', 'todo' or 'fail'."""
    deadline = time.monotonic() + TIME_LIMIT
    answers = []
    for args in exercise.cases():
        given = copy.deepcopy(args)
        try:
            got = call_with_deadline(fn, given, deadline)
        except NotImplementedError:
            return "todo", "it still raises NotImplementedError"
        except TimeUp:
            return "fail", (f"{_call_text(exercise, args)} did not finish within {TIME_LIMIT:.0f} seconds. "
                            "Look for a loop that never ends.")
        except Exception as problem:
            return "fail", f"{_call_text(exercise, args)} raised {type(problem).__name__}: {problem}"
        for name, before, after in zip(_parameter_names(exercise), args, given):
            if not unchanged(before, after):
                return "fail", (f"{_call_text(exercise, args)} changed its input `{name}`. Leave the inputs "
                                "as they were: build a new value (w - alpha * grad, or work on a copy) "
                                "instead of changing one in place (w -= ..., w[i] = ...).")
        answers.append((args, got))
    if all(got is None for _, got in answers):
        return "todo", "it returns None"
    for args, got in answers:
        if got is None:
            return "fail", f"{_call_text(exercise, args)} returned None. Is a `return` missing?"
        reason = difference(exercise.reference(*copy.deepcopy(args)), got, rtol=exercise.rtol)
        if reason:
            mistake = _matching_mistake(exercise, answers)
            if mistake:
                return "fail", (f"For {_call_text(exercise, args)} your answer matches a usual mistake: "
                                f"{mistake.name}. {mistake.advice}")
            return "fail", f"For {_call_text(exercise, args)}: {reason}"
    return "pass", f"correct on all {len(answers)} test cases."


def _matching_mistake(exercise, answers):
    """The usual mistake whose answers equal the learner's on every test case, if there is one."""
    def makes(mistake, args, got):
        mistaken = quietly(mistake.make, args)
        return mistaken is not None and difference(mistaken, got, rtol=exercise.rtol) is None

    for mistake in exercise.mistakes:
        if all(makes(mistake, args, got) for args, got in answers):
            return mistake
    return None


def check(exercise_id, fn):
    """Run your function on the exercise's test cases and say whether it is right, and if not, why.
    Never raises. Introduced in 01_error."""
    try:
        exercise = _find(exercise_id)
    except KeyError as problem:
        return CheckResult(False, f"✗ {problem.args[0]}")
    if not callable(fn):
        return CheckResult(False, f"✗ {exercise_id}: pass your function itself, as in "
                                  f"check({exercise_id!r}, {exercise_id}); got {describe(fn)}.")
    status, sentence = _judge(exercise, fn)
    if status == "pass":
        return CheckResult(True, f"✓ {exercise_id}: {sentence}")
    if status == "todo":
        return CheckResult(False, f"… {exercise_id}: not attempted yet ({sentence}). Replace the `...` with "
                                  f"your code and run the cell again. Stuck? hint({exercise_id!r})")
    return CheckResult(False, f"✗ {exercise_id}: not yet. {sentence}\nStuck? hint({exercise_id!r})")


def hint(exercise_id):
    """The next hint for an exercise, each stronger than the last. Introduced in 01_error."""
    exercise = _find(exercise_id)
    shown = _hints_given.get(exercise_id, 0)
    number = min(shown, len(exercise.hints) - 1)
    _hints_given[exercise_id] = shown + 1
    last = " That was the last hint: `solution(%r)` shows the code." % exercise_id if number == len(exercise.hints) - 1 else ""
    return Note(f"**Hint {number + 1} of {len(exercise.hints)} for `{exercise_id}`:** {exercise.hints[number]}{last}")


def solution(exercise_id):
    """The reference solution: the course_utils code itself, so it always agrees with the library.
    Introduced in 01_error."""
    exercise = _find(exercise_id)
    functions = exercise.show + [exercise.reference]
    module = inspect.getmodule(exercise.reference).__name__.replace(".", "/") + ".py"
    code = "\n\n".join(inspect.getsource(fn).rstrip() for fn in functions)
    return Note(f"Reference solution for `{exercise_id}`, from `{module}`:\n\n```python\n{code}\n```")
