"""Every exercise of the course, as content: its test cases, the usual mistakes it recognises,
progressive hints, and its reference solution, which is the course_utils function itself (so solution and
library agree). checking.py does the checking (check, hint and solution), judgement.py the judging.
"""
import copy
import itertools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course_utils import autodiff, deep, descent, gradcheck, linear, losses, network
from course_utils.marking.judging import DOLLAR, missing_key


@dataclass
class Mistake:
    """A usual wrong answer to an exercise, and a function that makes it."""
    name: str          # what the learner did, e.g. "summed instead of averaged"
    advice: str        # what to change
    make: Callable     # a function that makes exactly this mistake


@dataclass
class Exercise:
    """One exercise: its reference, test cases, usual mistakes and hints."""
    id: str
    notebook: str
    reference: Callable
    cases: Callable    # () -> a fresh list of argument tuples
    mistakes: list
    hints: list
    rtol: float = 1e-6
    show: list = field(default_factory=list)  # functions the reference uses: solution() prints them first
    shapes: str = ""   # how the shapes should fit, said when the learner's shapes do not
    module: object = None  # the course module the notebook uses for helpers, such as network.sigmoid
    shortcuts: dict = field(default_factory=dict)  # names the exercise rules out -> how to write them
    # For an exercise with many right answers (any topological order): (the case's arguments, an answer) ->
    # what check compares, the same for every right answer; it raises, saying what an answer should be, for
    # an answer of the wrong kind. `what` names the compared thing in messages.
    judged_as: Callable = None
    what: str = "the result"
    # (the case's arguments, an exception the learner's function raised) -> what it means in this exercise,
    # or "": for an exception no general explanation covers, such as a KeyError of backward_tape.
    explain_raised: Callable = lambda args, problem: ""


def shown_as(code):
    """Give a test case's function the code that messages show for it, so that the learner can paste the
    case and rerun it."""
    def mark(fn):
        fn.shown_as = code
        return fn
    return mark


# Functions used as arguments in the test cases; messages show them as the code in shown_as.
@shown_as("lambda x: x ** 3")
def cube(x):
    """x³, whose slope at 2 is 12 (a test case of numerical_derivative)."""
    return x ** 3


@shown_as("lambda x: np.exp(3 * x)")
def exp3(x):
    """e^(3x), curved enough that a one-sided difference shows (a test case of numerical_derivative)."""
    return np.exp(3 * x)


@shown_as("lambda w: np.sum(w ** 3)")
def sum_of_cubes(w):
    """The sum of the cubes of w's entries, whose partial derivatives are 3 w_i², one per entry (a test case
    of numerical_gradient; messages show it as short code the learner can read and paste)."""
    return float(np.sum(w ** 3))


@shown_as("lambda w: np.sum(np.exp(w))")
def sum_of_exps(w):
    """The sum of e to the power of each entry of w: each partial derivative is e^(w_i), 1 at w_i = 0. With
    w = np.array([0, 0, 0]), whole numbers, a copy of w that keeps them whole rounds every nudge to 0
    (a test case of numerical_gradient)."""
    return float(np.sum(np.exp(w)))


@shown_as("lambda w: w[0] ** 3 + w[0] * w[1] + w[1] ** 3")
def tangle(w):
    """w0³ + w0·w1 + w1³: each partial derivative depends on the other entry too, so an entry left
    nudged changes the next one's (a test case of numerical_gradient)."""
    return float(w[0] ** 3 + w[0] * w[1] + w[1] ** 3)


@shown_as("lambda w: 2 * (w - 3.0)")
def parabola_slope(w):
    """Slope of (w - 3)², lowest at w = 3 (a test case of gradient_descent)."""
    return 2 * (w - 3.0)


@shown_as("lambda w: 2 * w * np.array([1.0, 10.0])")
def valley_slope(w):
    """Slope of w0² + 10 w1², a valley ten times steeper one way (a test case of gradient_descent)."""
    return 2 * w * np.array([1.0, 10.0])


def _rng():
    return np.random.default_rng(2024)


def _network_case(rng, n=5, d=3, h=4):
    X = rng.normal(size=(n, d))
    y = rng.normal(size=(n, 1))
    W1, W2 = rng.normal(size=(d, h)), rng.normal(size=(h, 1))
    b1, b2 = rng.normal(size=h), rng.normal(size=1)
    return X, y, W1, b1, W2, b2


def _backward_variant(X, y, W1, b1, W2, b2, activation="sigmoid", slope=None, sign=1, factor=2, average=True,
                      flat=False, back="@ W2.T", b1_axis=0, b2_axis=0, W2_transposed=False, W1_transposed=False,
                      twice=False, b1_in_forward=True, b2_in_forward=True, one_signal=False, bias="sum",
                      slope_after_X=False, loss_slope=None, signal=None):
    """backward (backward_tanh, with activation="tanh") with one thing changed, to recognise the usual
    mistakes. slope(z, hidden) is the activation's slope as the mistake takes it; None takes the right one.
    back: how the error signal goes back through W2; bias: how the biases' gradients are made from the
    signal ("sum" over the houses, "mean" over them, or "none": the signal as it is). loss_slope(e): each
    house's slope of the loss as the mistake takes it (None: the squared error's, factor * e); signal(prediction,
    y), if given, is the whole error signal as the mistake makes it."""
    chosen = deep.Activation(activation)  # 05's sigmoid or tanh, with its slope written with hidden
    slope = slope or (lambda z, hidden: chosen.slope(hidden))
    z = X @ W1 + (b1 if b1_in_forward else 0)
    hidden = chosen.squash(z)
    prediction = hidden @ W2 + (b2 if b2_in_forward else 0)
    if flat:
        prediction = prediction[:, 0]  # (n,) - (n, 1) below: an (n, n) table
    loss_slope = loss_slope or (lambda e: factor * e)
    d_prediction = sign * loss_slope(prediction - y) / (len(y) if average else 1)
    if signal is not None:
        d_prediction = signal(prediction, y)
    if one_signal:  # the error signal averaged into a single number
        d_prediction = np.mean(d_prediction)
    d_hidden = {"@ W2.T": lambda: d_prediction @ W2.T, "* W2": lambda: d_prediction * W2,
                "@ W2": lambda: d_prediction @ W2, "W2.T @": lambda: W2.T @ d_prediction}[back]()
    d_z = d_hidden * slope(z, hidden)
    if slope_after_X:  # X.T @ d_hidden first, then the slope: (d, h) times (n, h), which fits only if d = n
        d_W1 = (X.T @ d_hidden) * slope(z, hidden)
    else:
        d_W1 = X @ d_z if W1_transposed else X.T @ d_z
    made = {"sum": lambda signal, axis: signal.sum(axis=axis), "mean": lambda signal, axis: signal.mean(axis=axis),
            "none": lambda signal, axis: signal}[bias]
    grads = {"W1": d_W1, "b1": made(d_z, b1_axis),
             "W2": d_prediction.T @ hidden if W2_transposed else hidden.T @ d_prediction,
             "b2": made(d_prediction, b2_axis)}
    return {name: grad / (len(y) if twice else 1) for name, grad in grads.items()}  # twice: averaged again


def _network_mistakes(activation, loss_slope=None):
    """The usual mistakes of backward that have nothing to do with the activation: backward_tanh's too, and
    (with loss_slope, the absolute error's) those of backward_mae that have nothing to do with the loss."""
    def made(**changed):
        return lambda X, y, W1, b1, W2, b2: _backward_variant(X, y, W1, b1, W2, b2, activation,
                                                              loss_slope=loss_slope, **changed)

    mistakes = [
        Mistake("sign flipped (y - prediction)", "Start from `prediction - y`.", made(sign=-1)),
        Mistake("missing the factor 2", "dE/dprediction = 2 (prediction - y) / n.", made(factor=1)),
        Mistake("summed instead of averaged", "E is a mean over the n houses: divide by n.", made(average=False)),
        Mistake("multiplied `d_prediction * W2` entry by entry",
                "Send the error signal back through the weights with a matrix product, `d_prediction @ W2.T`, "
                "shape (n, h).", made(back="* W2")),
        Mistake("sent the error signal back through W2 without transposing it",
                "The error signal is (n, 1) and W2 (h, 1): going back through W2 takes it transposed, so that "
                "the result is (n, h), one column per hidden unit.", made(back="@ W2")),
        Mistake("multiplied `W2.T @ d_prediction`: the order matters",
                "The error signal comes first, one row per house: it is (n, 1), and what comes back is (n, h), "
                "like hidden.", made(back="W2.T @")),
        Mistake("averaged the error signal into a single number",
                "The error signal has one entry per house, 2 (prediction − y) / n, shape (n, 1): `@` and the sums "
                "add up the houses later.", made(one_signal=True)),
        Mistake("multiplied by the activation's slope after the product with X.T",
                "The slope is taken entry by entry on the error signal at the hidden layer, (n, h), before `X.T @` "
                "adds up the houses: first the slope, then the product.", made(slope_after_X=True)),
        Mistake("divided by n twice", "The error signal has its / n already: `@` and `d_z.sum(axis=0)` add up "
                "the houses' shares without dividing again.", made(twice=True)),
        Mistake("added up b1's gradient over everything",
                "Add up over the houses only, `d_z.sum(axis=0)`: one number per hidden unit.", made(b1_axis=None)),
        Mistake("added up b1's gradient over the hidden units instead of over the houses",
                "Add up over the houses, `d_z.sum(axis=0)`: one number per hidden unit.", made(b1_axis=1)),
        Mistake("added up b2's gradient over everything",
                "Add up over the houses only, `d_prediction.sum(axis=0)`: b2 has one entry, shape (1,).",
                made(b2_axis=None)),
        Mistake("did not add up the biases' gradients over the houses",
                "A bias is used by every house: its gradient adds up the error signal over the houses "
                "(`axis=0`), one number per unit, shaped like the bias.", made(bias="none")),
        Mistake("averaged the biases' gradients over the houses (mean) instead of adding them up",
                "The error signal has its / n already: add it up over the houses, as `@` does for the weights.",
                made(bias="mean")),
        Mistake("W2's gradient came out transposed", "`hidden.T @ d_prediction` has W2's shape, (h, 1).",
                made(W2_transposed=True)),
        Mistake("multiplied `X @ d_z` for W1's gradient",
                "`X.T @ d_z` adds up each input's share over the houses: shape (d, h), like W1.",
                made(W1_transposed=True)),
        Mistake("flattened the prediction to (n,): minus y, of shape (n, 1), it became an (n, n) table",
                "Keep the prediction as the column that `hidden @ W2 + b2` gives, shape (n, 1).", made(flat=True)),
        Mistake("left b1 out of the forward pass", "The hidden layer squashes `X @ W1 + b1`: with b1, as in "
                "forward.", made(b1_in_forward=False)),
        Mistake("left b2 out of the forward pass", "The prediction is `hidden @ W2 + b2`: with b2, as in forward.",
                made(b2_in_forward=False)),
    ]
    # Another loss (loss_slope) has no factor 2 to miss (that "mistake" would be the right answer), and its
    # own words for a signal averaged into one number (backward_mae's list has them).
    squared_only = ("missing the factor 2", "averaged the error signal into a single number")
    return [mistake for mistake in mistakes if loss_slope is None or mistake.name not in squared_only]


def _mae(**changed):
    """backward_mae with one thing changed (see _backward_variant)."""
    changed.setdefault("loss_slope", np.sign)
    return lambda X, y, W1, b1, W2, b2: _backward_variant(X, y, W1, b1, W2, b2, **changed)


def _backward_mistakes():
    """backward's usual mistakes: those of any activation, then those of the sigmoid's slope."""
    def sloped(slope):
        return lambda X, y, W1, b1, W2, b2: _backward_variant(X, y, W1, b1, W2, b2, slope=slope)

    return _network_mistakes("sigmoid") + [
        Mistake("forgot the sigmoid's derivative", "Multiply by `hidden * (1 - hidden)` on the way back.",
                sloped(lambda z, hidden: 1.0)),
        Mistake("applied sigmoid_derivative to the hidden activations instead of to z",
                "`network.sigmoid_derivative(z)` is `hidden * (1 - hidden)`; do not feed it the hidden values.",
                sloped(lambda z, hidden: network.sigmoid_derivative(hidden))),
        Mistake("used z * (1 - z) as the sigmoid's slope",
                "The slope is written with the sigmoid's output: `hidden * (1 - hidden)`.",
                sloped(lambda z, hidden: z * (1 - z))),
    ]


# backward's mistakes that train_step does not make its own way: a flipped sign is its "step goes uphill", and
# b2's gradient added up over everything is right once stepped (b2 has one entry).
_NOT_IN_A_STEP = {"sign flipped (y - prediction)", "added up b2's gradient over everything"}


def _stepped(mistake):
    """A usual mistake of backward made inside train_step: each parameter stepped with those gradients."""
    def make(X, y, W1, b1, W2, b2, alpha):
        grads = mistake.make(X, y, W1, b1, W2, b2)
        return tuple(old - alpha * grads[name] for name, old in zip(("W1", "b1", "W2", "b2"), (W1, b1, W2, b2)))
    # The step is the one such gradients give: the slip may be in the gradients or in the step itself.
    return Mistake(f"each step is the one made with this slip in the gradients: {mistake.name}", mistake.advice,
                   make)


def _tanh_slope_mistake(name, advice, slope):
    """A usual mistake of backward_tanh: tanh's slope taken as slope(z, hidden)."""
    return Mistake(name, advice, lambda X, y, W1, b1, W2, b2: _backward_variant(X, y, W1, b1, W2, b2, "tanh", slope))


def _mse_gradient_variant(X, y, w, b, sign=1, factor=2, average=True, bias=True, transpose=True,
                          db_average=True, again=1):
    """mse_gradient with one thing changed, to recognise the usual mistakes."""
    residual = sign * (X @ w + (b if bias else 0) - y)
    n = len(y) if average else 1
    dw = factor * (X.T if transpose else X) @ residual / n
    db = factor * np.sum(residual) / (n if db_average else 1)
    return dw / again, db / again


def _gradient_descent_variant(grad_fn, w0, alpha, steps, slope_at_start=False, same_array=False):
    """gradient_descent with one thing changed, to recognise the usual mistakes."""
    weights = [np.asarray(w0, dtype=float)]
    for _ in range(steps):
        w = weights[0] if slope_at_start else weights[-1]
        weights.append(weights[-1] - alpha * grad_fn(w))
    if same_array:  # `w -= ...` on one array, appended every step: every entry is the last weight
        weights = [weights[-1]] * len(weights)
    return np.array(weights)


def _numerical_gradient_variant(f, w, h=1e-5, restore=True, loop="entries", scalar=False, dtype=float):
    """numerical_gradient with one thing changed, to recognise the usual mistakes. loop: "entries"
    (np.ndindex), "rows" (range(len(w))) or "size" (range(w.size), which runs off a 2-D w). dtype=None
    copies w as it is: a w of whole numbers stays whole, and every nudge of 1e-5 is rounded away."""
    w = np.array(w, dtype=dtype)
    if scalar:  # every entry nudged at once: one number
        return (f(w + h) - f(w - h)) / (2 * h)
    grad = np.zeros_like(w)
    indices = {"entries": np.ndindex(w.shape), "rows": range(len(w)), "size": range(w.size)}[loop]
    for index in indices:
        saved = w[index].copy()
        w[index] = saved + h
        f_up = f(w)
        w[index] = saved - h
        f_down = f(w)
        if restore:
            w[index] = saved
        grad[index] = (f_up - f_down) / (2 * h)
    return grad


def _whole_number_copy(make):
    """A numerical_gradient mistake made on a copy of w that keeps its whole numbers (`w.copy()`): on the
    test case's w of integer zeros every nudge is rounded back to 0, so each difference, and the gradient,
    is 0."""
    def made(f, w, h=1e-5):
        return np.zeros(np.shape(w)) if np.asarray(w).dtype.kind in "iu" else make(f, w, h)
    return made


def _also_on_whole_numbers(mistakes, whole_copy):
    """numerical_gradient's mistakes, then whole_copy (the copy that keeps an integer w whole), then each
    mistake again as made on such a copy, so that it is still named when the test case of whole numbers
    gives 0 as well. Nudging every entry at once, w + h, makes floats by itself: it has no such twin."""
    return mistakes + [whole_copy] + [Mistake(mistake.name, mistake.advice, _whole_number_copy(mistake.make))
                                      for mistake in mistakes if mistake.name != "nudged every entry at once"]


def _total(values):
    """The values added up with a loop, as the dot exercise asks (it rules out sum)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _sigmoid_slope_of(s):
    """s * (1 - s): the sigmoid's slope, written with the sigmoid's value s."""
    return s * (1 - s)


def _forward_variant(X, W1, b1, W2, b2, activation=network.sigmoid, b1_after=False):
    """forward with one thing changed, to recognise the usual mistakes."""
    hidden = activation(X @ W1) + b1 if b1_after else activation(X @ W1 + b1)
    return hidden, hidden @ W2 + b2


def _one_sided_gradient(f, w, h):
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    base = f(w)
    for index in np.ndindex(w.shape):
        nudged = w.copy()
        nudged[index] += h
        grad[index] = (f(nudged) - base) / h
    return grad


def _matmul_mistakes():
    """matmul_backward's usual mistakes: each made in both gradients, then in A's alone, then in B's alone
    (the other one right), as a learner often gets one of the two right. None: no such form of the mistake."""
    right_A, right_B = (lambda A, B, d_out: d_out @ B.T), (lambda A, B, d_out: A.T @ d_out)
    halves = [  # (name, advice, A's gradient, B's gradient) as the mistake makes them
        ("did not transpose", "Let the shapes decide: A's gradient must be shaped like A. B is transposed in "
         "A's gradient, and A in B's.", lambda A, B, d_out: d_out @ B, lambda A, B, d_out: A @ d_out),
        ("entry-by-entry products, as for multiply",
         "A @ B is a matrix product, and so is each part of its rule: `@` with a transpose.",
         lambda A, B, d_out: B * d_out, lambda A, B, d_out: A * d_out),
        ("forgot d_out", "The transposed inputs are only the local part: the chain rule multiplies them by the "
         "arriving signal, `d_out`.", lambda A, B, d_out: B.T, lambda A, B, d_out: A.T),
        ("forgot d_out: the gradients as if every entry of d_out were 1",
         "d_out is the gradient arriving from above, different at each entry: the products are made with d_out "
         "itself.", lambda A, B, d_out: np.ones_like(d_out) @ B.T, lambda A, B, d_out: A.T @ np.ones_like(d_out)),
        ("multiplied in the wrong order",
         "Order matters in a matrix product: A's gradient has d_out first, B's has it last.",
         lambda A, B, d_out: B.T @ d_out, lambda A, B, d_out: d_out @ A.T),
        ("reshaped where a transpose belongs",
         "`.reshape` keeps the entries in their order and only regroups them; a transpose, `.T`, turns rows into "
         "columns. Let the product itself come out in the input's shape.",
         lambda A, B, d_out: (d_out @ B.T).T.reshape(A.shape), lambda A, B, d_out: (A.T @ d_out).T.reshape(B.shape)),
        ("transposed the gradients after making them",
         "The right products come out shaped like their inputs already: A's is (n, k), like A, and B's "
         "(k, m), like B.",
         lambda A, B, d_out: (d_out @ B.T).T, lambda A, B, d_out: (A.T @ d_out).T),
        ("kept only the last row's share of B's gradient: `=` where `+=` belongs",
         "Every row of A, with its row of d_out, adds a share to B's gradient: add each share to what is there, "
         "or let one matrix product add them all up.", None,
         lambda A, B, d_out: np.outer(A[-1], d_out[-1])),
        ("multiplied the sums over the rows instead of adding up the row-by-row products",
         "Multiply first, row by row, then add up, as a matrix product does: the product of two sums is not the "
         "sum of the products.", None, lambda A, B, d_out: np.outer(A.sum(axis=0), d_out.sum(axis=0))),
    ]
    both = [Mistake(name, advice, lambda A, B, d_out, a=a, b=b: (a(A, B, d_out), b(A, B, d_out)))
            for name, advice, a, b in halves if a and b]
    swapped = Mistake("the pair the wrong way round", "A's gradient comes first, and it is shaped like A.",
                      lambda A, B, d_out: (A.T @ d_out, d_out @ B.T))
    only_A = [Mistake(name, advice, lambda A, B, d_out, a=a: (a(A, B, d_out), right_B(A, B, d_out)))
              for name, advice, a, _ in halves if a]
    only_B = [Mistake(name, advice, lambda A, B, d_out, b=b: (right_A(A, B, d_out), b(A, B, d_out)))
              for name, advice, _, b in halves if b]
    return both + [swapped] + only_A + only_B


# --- 06_deeper: the test cases and the usual mistakes -----------------------------------------------------

def _layers_case(rng, sizes, n):
    """A network of these layer sizes with random weights and biases, and n random houses."""
    X, y = rng.normal(size=(n, sizes[0])), rng.normal(size=(n, 1))
    params = {}
    for layer, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"], params[f"b{layer}"] = rng.normal(size=(fan_in, units)), rng.normal(size=units)
    return X, y, params


def _backward_layers_variant(X, y, params, sign=1, factor=2, average=True, slope="output", weights="own",
                             transpose=True, down_first=False, W_transposed=False, b_axis=0, last=1,
                             again=False, output_slope=False, came_in="below", past_layer_1=False,
                             bias_mean=False):
    """backward_layers (sigmoid) with one thing changed, to recognise the usual mistakes. past_layer_1: the
    signal is also passed down from layer 1 to the inputs (a loop without `if layer > 1`), which changes no
    gradient, but with some mistakes the shapes no longer fit there."""
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = sign * factor * (outputs[L] - y) / (len(y) if average else 1)
    if output_slope:  # the price squashed too, on the way back
        d_z = d_z * outputs[L] * (1 - outputs[L])
    for layer in range(L, last - 1, -1):
        if down_first and layer > 1:  # the signal passed down before this layer's gradients were made
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
        h_in = outputs[layer if came_in == "own" else layer - 1]  # "own": the layer's output, not its input
        grads[f"W{layer}"] = d_z.T @ h_in if W_transposed else h_in.T @ d_z
        grads[f"b{layer}"] = d_z.mean(axis=0) if bias_mean else d_z.sum(axis=b_axis)
        if (layer > 1 or past_layer_1) and not down_first:
            W = params[f"W{layer - 1 if weights == 'below' else layer}"]
            if slope == "before weights":  # the slope of the layer the signal leaves (none at the output) first
                d_z = d_z * (1.0 if layer == L else deep.slope(outputs[layer]))
            d_hidden = d_z @ W.T if transpose else d_z @ W
            h = outputs[layer if slope == "above" else layer - 1]
            slopes = {"output": h * (1 - h), "above": h * (1 - h), "none": 1.0, "before weights": 1.0,
                      "sigmoid of h": network.sigmoid_derivative(h)}
            d_z = d_hidden * slopes[slope] / (len(y) if again else 1)
    return grads


def _layers_key_error(args, problem):
    """What a KeyError of backward_layers means when its key is a parameter's name that params lacks: the
    layers were counted wrong."""
    X, y, params = args
    key = missing_key(problem)
    if not isinstance(key, str) or key in params or key[:1] not in "Wb" or not key[1:].isdigit():
        return ""
    layers = len(params) // 2
    return (f"That is a usual mistake: counted the layers wrong. This network has {layers} layers, so params "
            f"holds W1 to W{layers} and b1 to b{layers}, not '{key}': params has two entries per layer, and the "
            "list of outputs one more than there are layers (the inputs come first).")


def _also_past_layer_1(name, advice, **changed):
    """A usual mistake of backward_layers, made twice: as the loop with `if layer > 1` makes it, and as the
    loop without it makes it, where the shapes may no longer fit at layer 1 and the same mistake raises."""
    return [Mistake(name, advice, lambda X, y, params: _backward_layers_variant(X, y, params, **changed)),
            Mistake(name, advice, lambda X, y, params: _backward_layers_variant(X, y, params, past_layer_1=True,
                                                                                 **changed))]


# The tapes and graphs below: each operation as its local rule, run forwards by its record,
# autodiff.operation_of(rule).forward.
_ONE_HOUSE = {"x": -0.69, "w1": 1.5, "b1": 0.5, "w2": 2.0, "b2": -1.0, "y": -0.48}  # 06's graph, section 2
_TAPES = [
    # One house through one hidden unit; E = e * e uses e twice.
    (_ONE_HOUSE, [("a", autodiff.multiply_backward, ("x", "w1")), ("z", autodiff.add_backward, ("a", "b1")),
                  ("h", autodiff.sigmoid_backward, ("z",)), ("q", autodiff.multiply_backward, ("h", "w2")),
                  ("p", autodiff.add_backward, ("q", "b2")), ("e", autodiff.subtract_backward, ("p", "y")),
                  ("E", autodiff.multiply_backward, ("e", "e"))]),
    # Two houses, one weight w (a price per unit of area) shared by both.
    ({"x1": 1.2, "x2": -0.5, "w": 0.8, "y1": 1.0, "y2": -0.1},
     [("p1", autodiff.multiply_backward, ("x1", "w")), ("e1", autodiff.subtract_backward, ("p1", "y1")),
      ("s1", autodiff.multiply_backward, ("e1", "e1")), ("p2", autodiff.multiply_backward, ("x2", "w")),
      ("e2", autodiff.subtract_backward, ("p2", "y2")), ("s2", autodiff.multiply_backward, ("e2", "e2")),
      ("E", autodiff.add_backward, ("s1", "s2"))]),
    # A hidden unit h feeding two outputs.
    ({"x": 0.7, "w": -1.1, "u1": 0.9, "u2": -1.6, "y1": 0.3, "y2": 0.2},
     [("z", autodiff.multiply_backward, ("x", "w")), ("h", autodiff.sigmoid_backward, ("z",)),
      ("p1", autodiff.multiply_backward, ("h", "u1")), ("p2", autodiff.multiply_backward, ("h", "u2")),
      ("e1", autodiff.subtract_backward, ("p1", "y1")), ("e2", autodiff.subtract_backward, ("p2", "y2")),
      ("s1", autodiff.multiply_backward, ("e1", "e1")), ("s2", autodiff.multiply_backward, ("e2", "e2")),
      ("E", autodiff.add_backward, ("s1", "s2"))]),
    # A skip connection: a reaches s directly and through h, paths of two lengths.
    ({"x": -0.4, "w": 1.3, "y": 0.6},
     [("a", autodiff.multiply_backward, ("x", "w")), ("h", autodiff.sigmoid_backward, ("a",)),
      ("s", autodiff.add_backward, ("a", "h")), ("e", autodiff.subtract_backward, ("s", "y")),
      ("E", autodiff.multiply_backward, ("e", "e"))]),
]


def _tape_cases():
    """(tape, values) for each tape above, every value computed by running the tape forwards."""
    cases = []
    for inputs, tape in _TAPES:
        values = dict(inputs)
        for output, grad_fn, names in tape:
            values[output] = float(autodiff.operation_of(grad_fn).forward(*[values[name] for name in names]))
        cases.append((list(tape), values))
    return cases


class _SharedTensor(autodiff.Tensor):
    """A tensor of the graph that check hands to two test cases of topological_order as one and the same
    object: the second case is built on the first one's root, so a function that remembers tensors from one
    call to the next (a default argument such as `seen=set()`) meets them again, as it would in the notebook.
    Copied, it stays itself; sent to the process that runs the learner's function, it arrives as the very
    object that arrived there before (see _shared). first_case: the test case that hands it over first."""

    def __init__(self, data, parents, grad_fn, name, key, first_case):
        super().__init__(data, parents, grad_fn, name)
        self.key, self.first_case = key, first_case

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return _shared, (self.key, self.first_case, self.data, self.parents, self.grad_fn, self.name)


_SHARED = {}  # the _SharedTensors this process has unpickled, by key
_KEYS = itertools.count()  # a new key for each _SharedTensor made


def _shared(key, first_case, data, parents, grad_fn, name):
    """The _SharedTensor with this key as this process first unpickled it: pickled again, for the next call,
    it is not copied anew."""
    if key not in _SHARED:
        _SHARED[key] = _SharedTensor(data, parents, grad_fn, name, key, first_case)
    return _SHARED[key]


def _graph(inputs, tape, make=autodiff.Tensor):
    """A tape's computation as a graph of tensors, {name: tensor}, each made as make(data, parents, grad_fn,
    name)."""
    tensors = {name: make(value, (), None, name) for name, value in inputs.items()}
    for output, grad_fn, names in tape:
        data = autodiff.operation_of(grad_fn).forward(*[tensors[name].data for name in names])
        tensors[output] = make(data, tuple(tensors[name] for name in names), grad_fn, output)
    return tensors


def _shared_tensor(data, parents, grad_fn, name):
    """A _SharedTensor of the house of the first tape: E is handed over by the second test case, the rest by
    the first."""
    return _SharedTensor(data, parents, grad_fn, name, next(_KEYS), 2 if name == "E" else 1)


def _network_graph():
    """06's network on three houses, built as the notebook builds it: inside it only e has a name."""
    rng = _rng()
    X, W1, b1, W2, b2, y = (autodiff.Tensor(rng.normal(size=shape), name=name) for name, shape in
                            [("X", (3, 2)), ("W1", (2, 2)), ("b1", (2,)), ("W2", (2, 1)), ("b2", (1,)), ("y", (3, 1))])
    e = ((X @ W1 + b1).sigmoid() @ W2 + b2 - y).named("e")
    return (e * e).mean()


def _graph_cases():
    """The cases (root,): the house of the first tape twice, its e and then E = e · e built on it, so that
    the second call meets tensors the first one visited; the other tapes as graphs; 06's network, with
    unnamed tensors."""
    house = _graph(*_TAPES[0], make=_shared_tensor)
    others = [(_graph(inputs, tape)["E"],) for inputs, tape in _TAPES[1:]]
    return [(house["e"],), (house["E"],)] + others + [(_network_graph(),)]


def _tape_variant(tape, values, meet="add", forwards=False, start=1.0, rule=True, d_out="gradient",
                  started="every value", rule_gets="values", looked_up="each", two_inputs=False, d_out_first=False,
                  skip_first=False):
    """backward_tape with one thing changed, to recognise the usual mistakes. meet: how a signal joins a
    value's gradient ("add", "add in place", "overwrite", "first", or "dict": an operation's signals first
    made into a dict by input name); started: see _first_gradients; rule_gets: "values" or "names";
    looked_up: "each" input's value, or the whole tuple of names at once; two_inputs: every rule's answer
    unpacked into two gradients; skip_first: the walk stops before the tape's first operation."""
    last = tape[-1][0]
    grads = _first_gradients(values, started)
    if started != "nothing":
        grads[last] = values[last] if start == "E" else start
    reached = set()
    walked = tape[1:] if skip_first else tape
    for output, grad_fn, inputs in (walked if forwards else reversed(walked)):
        arriving = grads[output] if d_out == "gradient" else values[output]
        if looked_up == "tuple":
            values[inputs]  # a KeyError: the tuple of names is no name
        given = [values[name] if rule_gets == "values" else name for name in inputs]
        if not rule:
            sent = [arriving] * len(inputs)
        else:
            sent = grad_fn(arriving, *given) if d_out_first else grad_fn(*given, arriving)
        if two_inputs:
            first_gradient, second_gradient = sent  # a ValueError for sigmoid's rule, which returns one
        for name, gradient in (dict(zip(inputs, sent)).items() if meet == "dict" else zip(inputs, sent)):
            if meet in ("add", "dict"):
                grads[name] = grads[name] + gradient
            elif meet == "add in place":
                grads[name] += gradient
            elif meet == "overwrite" or name not in reached:  # "first": only the first signal is kept
                grads[name] = gradient
            reached.add(name)
    return grads


def _gradients_of_this_tape(args, grads):
    """What check compares for backward_tape: the answer as it was when it came back (a copy, should a later
    call change the same dict), refused if it has gradients for names that are not on this tape."""
    tape, values = args
    if not isinstance(grads, dict):
        return grads  # difference() says what it should be
    strangers = [repr(name) for name in grads if name not in values]
    if strangers:
        raise ValueError(
            f"it has gradients for {', '.join(strangers[:4])}{', …' if len(strangers) > 4 else ''}, which "
            f"{'is' if len(strangers) == 1 else 'are'} not on this tape. This may be a usual mistake: kept the "
            f"gradients from one call to the next, as a default argument such as `grads={{}}` does. "
            f"{FROM_AN_EARLIER_CALL}")
    return {name: copy.copy(gradient) for name, gradient in grads.items()}


def _first_gradients(values, started):
    """The gradients before the walk, as a mistake of backward_tape starts them: "every value" at 0, "every
    value at 1", each at its "values", "one shared array" (dict.fromkeys: every name holds the same array),
    "only E" or "nothing" (E's gradient is set after this)."""
    if started == "every value at 1":
        return {name: 1.0 for name in values}
    if started == "values":
        return dict(values)
    if started == "one shared array":
        return dict.fromkeys(values, np.zeros(()))
    return {name: 0.0 for name in values} if started == "every value" else {}


def _tape_key_error(args, problem):
    """What a KeyError of backward_tape means when its key is a name on the tape: `values` has every name, so
    the dict that lacked it is the learner's own, most likely the gradients."""
    tape, values = args
    key = missing_key(problem)
    if not isinstance(key, str) or key not in values:
        return ""
    return (f"That is a usual mistake: read a gradient before storing one. '{key}' is a name on the tape, and "
            f"`values` has it: so it is your own dict, most likely of gradients, that had nothing for '{key}' "
            "when it was read. A gradient must be there before a signal is added to it.")


def _order_variant(root, before_parents=False, once=True, with_root=True):
    """topological_order with one thing changed, to recognise the usual mistakes."""
    order, seen = [], set()

    def visit(tensor):
        if once and id(tensor) in seen:
            return
        seen.add(id(tensor))
        if before_parents:
            order.append(tensor)
        for parent in tensor.parents:
            visit(parent)
        if not before_parents:
            order.append(tensor)

    visit(root)
    return order if with_root else [tensor for tensor in order if tensor is not root]


def _breadth_first_reversed(root):
    """The tensors in the order a breadth-first walk from the root meets them, reversed: right for a chain,
    wrong where a tensor is reached both by a short path and by a long one."""
    order, queue, seen = [], [root], {id(root)}
    while queue:
        tensor = queue.pop(0)
        order.append(tensor)
        for parent in tensor.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)
    return order[::-1]


def _label(tensor):
    """A tensor's name or, for an unnamed one, how it was computed from named ones, such as `X @ W1 + b1`."""
    if tensor.name:
        return tensor.name
    parts = [_label(parent) for parent in tensor.parents]
    operation = autodiff.operation_of(tensor.grad_fn)
    operator = operation.operator
    if operator is None:  # sigmoid, mean: a function of one input
        return f"{operation.name}({', '.join(parts)})"
    formulas = [not parent.name and parent.parents and autodiff.operation_of(parent.grad_fn).operator
                for parent in tensor.parents]  # unnamed, and written with an operator: `X @ W1`
    left, right = (f"({part})" if formula and (position or operator in "*@") else part  # `X @ W1 + b1`
                   for position, (part, formula) in enumerate(zip(parts, formulas)))
    return f"{left} {operator} {right}"


def _remembered(root):
    """The tensors of root's graph that an earlier test case handed over already (see _SharedTensor): what a
    function that keeps its tensors from one call to the next has met before."""
    case = getattr(root, "first_case", 0)
    return [tensor for tensor in autodiff.topological_order(root) if getattr(tensor, "first_case", case) < case]


def _by_name(root):
    """topological_order with the visited tensors remembered by their name: unnamed ones all look alike."""
    order, seen = [], set()

    def visit(tensor):
        if tensor.name in seen:
            return
        seen.add(tensor.name)
        for parent in tensor.parents:
            visit(parent)
        order.append(tensor)

    visit(root)
    return order


FROM_AN_EARLIER_CALL = (
    "A default value is made once, when `def` runs, and every call shares it: the second call finds in it what "
    "the first one left. Make a new one inside the function, at every call.")


def _appended_per_parent(root, inputs):
    """topological_order with the append inside the loop over a tensor's parents: a tensor once per parent;
    inputs: the inputs appended too, as they have no parents."""
    order, seen = [], set()

    def visit(tensor):
        if id(tensor) in seen:
            return
        seen.add(id(tensor))
        if inputs and not tensor.parents:
            order.append(tensor)
        for parent in tensor.parents:
            visit(parent)
            order.append(tensor)

    visit(root)
    return order


def _depth_first_reversed(root, flip=False):
    """The tensors in the order a depth-first walk with a stack first meets them, reversed; flip: each
    tensor's parents pushed the other way round."""
    order, stack, seen = [], [root], set()
    while stack:
        tensor = stack.pop()
        if id(tensor) not in seen:
            seen.add(id(tensor))
            order.append(tensor)
            stack.extend(reversed(tensor.parents) if flip else tensor.parents)
    return order[::-1]


def _gradients_in_order(args, order):
    """What check compares for topological_order: the gradient of each tensor the order lists, by its label,
    when the order is walked backwards as E.backward() walks it. Every right order gives the same gradients,
    for every tensor; a tensor left out has none, as E.backward() would leave its .grad empty."""
    (root,) = args
    if not isinstance(order, (list, tuple)) or not all(isinstance(t, autodiff.Tensor) for t in order):
        raise TypeError("the answer should be a list of the graph's tensors (the root included), each listed "
                        "after its parents.")
    everything = autodiff.topological_order(root)
    grads = {id(tensor): np.zeros_like(tensor.data) for tensor in everything}
    _no_strangers(order, grads)
    grads[id(root)] = np.ones_like(root.data)
    for tensor in reversed(order):
        if tensor.parents:
            sent = tensor.grad_fn(*[parent.data for parent in tensor.parents], grads[id(tensor)])
            for parent, gradient in zip(tensor.parents, sent):
                grads[id(parent)] = grads[id(parent)] + gradient
    return {_label(tensor): grads[id(tensor)] for tensor in order}


def _no_strangers(order, grads):
    """Raise, saying where they usually come from, if the order lists tensors that are not in the graph."""
    strangers = sum(id(tensor) not in grads for tensor in order)
    if strangers:
        raise ValueError(
            f"{strangers} of the tensors it lists {'is' if strangers == 1 else 'are'} not part of this graph. "
            "This may be a usual mistake: kept the list from one call to the next, as a default argument such "
            f"as `order=[]` does. {FROM_AN_EARLIER_CALL}")



def _gates_backward(w, x, y, paths=2, p_slope=1, w_slope="x", d_e="paths", chained=True):
    """squared_error_backward with one step done wrong: one path counted, p's slope, w's slope, something
    else passed back as dE/de (E's value, twice it, 2p), or each step's own slope alone or added (chained)."""
    e = w * x - y
    grad_e = {"E": e * e, "2E": 2 * e * e, "2p": 2 * w * x, "2": 2.0 + 0 * e, "paths": paths * e}[d_e]
    slope_w = {"x": x, "w": w, "1": 1.0, "y": y, "1/x": 1 / x}[w_slope]
    if chained == "added":
        return {"e": grad_e, "p": grad_e + p_slope, "w": grad_e + p_slope + slope_w}
    if not chained:
        return {"e": grad_e, "p": p_slope + 0 * e, "w": slope_w + 0 * e}  # shaped like e, as the gradients
    grad_p = grad_e * (x if p_slope == "x" else p_slope)
    return {"e": grad_e, "p": grad_p, "w": grad_p * slope_w}


def _two_hidden_case(rng, n=5, d=3, h1=4, h2=2):
    """A random network with two hidden layers, and houses for it (a test case of backward_two_hidden)."""
    X, y = rng.normal(size=(n, d)), rng.normal(size=(n, 1))
    W1, W2, W3 = rng.normal(size=(d, h1)), rng.normal(size=(h1, h2)), rng.normal(size=(h2, 1))
    return X, y, W1, rng.normal(size=h1), W2, rng.normal(size=h2), W3, rng.normal(size=1)



def _two_hidden_variant(X, y, W1, b1, W2, b2, W3, b3, factor=2, average=True, slope2=True, slope1=True,
                        slope_between=True, bias="sum", W2_input="hidden1", W1_input="X", W3_input="hidden2",
                        transposed=(), slopes="sigmoid", transpose_W2=True, skip_layer2=False, W2_signal="d_z2",
                        layer2="sigmoid", loss="squared", b1_axis=0):
    """backward_two_hidden with one thing changed: the signal's factor or mean, a layer's slope left out
    (slope_between=False: layer 1 gets the signal from W3 and W2 without layer 2's slope), slopes of the
    wrong kind, the signal sent back through W2 untransposed or straight from W3 to layer 1, the wrong input
    or signal for a weight's gradient, gradients transposed, the biases' gradients not summed (or b1's over
    the units), layer 2 without its sigmoid (layer2="linear", forward and back), or the absolute error's
    signal (loss="absolute")."""
    hidden1 = network.sigmoid(X @ W1 + b1)
    z2 = hidden1 @ W2 + b2
    hidden2 = network.sigmoid(z2) if layer2 == "sigmoid" else z2
    prediction = hidden2 @ W3 + b3
    slope = {"sigmoid": lambda h, other: h * (1 - h), "of_outputs": lambda h, other: network.sigmoid_derivative(h),
             "tanh": lambda h, other: 1 - h ** 2, "swapped": lambda h, other: other * (1 - other)}[slopes]
    signal = factor * (prediction - y) if loss == "squared" else np.sign(prediction - y)  # the loss's slope
    d_prediction = signal / (len(y) if average else 1)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * slope(hidden2, hidden1) if slope2 and layer2 == "sigmoid" else d_hidden2
    if skip_layer2:
        d_z1 = d_hidden2
    else:
        d_z1 = (d_z2 if slope_between else d_hidden2) @ (W2.T if transpose_W2 else W2)
    d_z1 = d_z1 * slope(hidden1, hidden2) if slope1 else d_z1
    made = {"sum": lambda signal: signal.sum(axis=0), "mean": lambda signal: signal.mean(axis=0),
            "none": lambda signal: signal}[bias]
    inputs = {"X": X, "hidden1": hidden1, "hidden2": hidden2, "z2": z2}
    W2_signal = {"d_z2": d_z2, "d_hidden2": d_hidden2}[W2_signal]
    grads = {"W1": inputs[W1_input].T @ d_z1, "b1": made(d_z1) if b1_axis == 0 else d_z1.sum(axis=b1_axis),
             "W2": inputs[W2_input].T @ W2_signal,
             "b2": made(W2_signal), "W3": inputs[W3_input].T @ d_prediction, "b3": made(d_prediction)}
    return {name: grad.T if name in transposed else grad for name, grad in grads.items()}


def _slope_twice(X, y, W1, b1, W2, b2, W3, b3):
    """W1's and b1's gradients when layer 2's slope is taken twice on the way back to layer 1."""
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = network.sigmoid(hidden1 @ W2 + b2)
    d_z2 = (2 * (hidden2 @ W3 + b3 - y) / len(y)) @ W3.T * hidden2 * (1 - hidden2)
    d_z1 = ((d_z2 * hidden2 * (1 - hidden2)) @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0)}


def _one_hidden_name(X, y, W1, b1, W2, b2, W3, b3):
    """backward_two_hidden written with one name, hidden, for both layers' outputs: hidden2 everywhere."""
    hidden = network.sigmoid(network.sigmoid(X @ W1 + b1) @ W2 + b2)
    d_prediction = 2 * (hidden @ W3 + b3 - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden * (1 - hidden)
    d_z1 = (d_z2 @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


def _two_hidden(**changed):
    return lambda X, y, W1, b1, W2, b2, W3, b3: _two_hidden_variant(X, y, W1, b1, W2, b2, W3, b3, **changed)

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
            Mistake("divided by the actual price (a relative error)", "The error is in dollars: no division.",
                    lambda p, a: (p - a) / a),
            Mistake("averaged the errors into one number", "Return one error per house: numpy subtracts "
                    "arrays entry by entry. The mean comes with mse, next.", lambda p, a: np.mean(p - a)),
        ],
        hints=["The error says how far, and in which direction, the prediction is off.",
               f"Predicting {DOLLAR}150,000 for a {DOLLAR}100,000 house gives +{DOLLAR}50,000: too high is positive.",
               "Which number comes first in the subtraction, so that a too-high prediction gives a positive "
               "error? One subtraction does it, for numbers and for arrays alike."]),
    Exercise(
        "mse", "01_error", losses.mse, show=[losses.squared_error],
        cases=lambda: [(np.array([150_000.0]), np.array([100_000.0])),
                       (np.array([150_000.0, 90_000.0, 200_000.0, 310_000.0]),
                        np.array([100_000.0, 120_000.0, 200_000.0, 300_000.0])),
                       (_rng().normal(size=10), _rng().normal(size=10) + 1.0)],
        mistakes=[
            Mistake("summed instead of averaged", "Divide by the number of houses (use the mean).",
                    lambda p, a: np.sum((p - a) ** 2)),
            Mistake("forgot to square", "Square each error before averaging, so misses cannot cancel.",
                    lambda p, a: np.mean(p - a)),
            Mistake("squared the mean error instead of averaging the squared errors",
                    "Square each house's error first, then take the mean: the mean of the squares, not the "
                    "square of the mean.", lambda p, a: np.mean(p - a) ** 2),
            Mistake("absolute errors instead of squared", "Square the errors instead of taking abs().",
                    lambda p, a: np.mean(np.abs(p - a))),
            Mistake("an extra factor 1/2", "The course's MSE has no 1/2 in front.",
                    lambda p, a: 0.5 * np.mean((p - a) ** 2)),
            Mistake("took the square root (that is the RMSE)", "Leave out the square root.",
                    lambda p, a: np.sqrt(np.mean((p - a) ** 2))),
            Mistake("divided by n - 1 instead of n", "The mean divides by n, the number of houses: `np.mean` does.",
                    lambda p, a: np.sum((p - a) ** 2) / (len(p) - 1)),
            Mistake("returned every house's squared error, not their mean",
                    "Average them into one number with `np.mean`.", lambda p, a: (p - a) ** 2),
            Mistake("doubled the errors (`* 2`) instead of squaring them (`** 2`)",
                    "Squaring is `** 2`: the error times itself.", lambda p, a: np.mean((p - a) * 2)),
            Mistake("subtracted the squared prices instead of squaring the errors",
                    "Subtract first, then square the difference.", lambda p, a: np.mean(p ** 2 - a ** 2)),
            Mistake("squared only the actual prices: `**` comes before `-`",
                    "Put the subtraction in parentheses before squaring it.", lambda p, a: np.mean(p - a ** 2)),
            Mistake("the variance of the errors (their spread around the mean error)",
                    "The MSE is the plain mean of the squared errors, with no mean error taken off first.",
                    lambda p, a: np.var(p - a)),
            Mistake("the length of the error vector (`np.linalg.norm`)",
                    "That is the square root of the sum of squares: take the mean of the squares instead.",
                    lambda p, a: np.linalg.norm(p - a)),
        ],
        hints=["Three steps: the errors, then their squares, then the mean.",
               "With numpy arrays `predictions - actuals` gives every house's error at once.",
               "Square that whole array of errors (mind the parentheses), then `np.mean` turns the squares "
               "into one number; `float(...)` makes it a plain Python number."]),
    Exercise(
        "gradient_step", "02_learning_rate", descent.gradient_step,
        cases=lambda: [(5.0, 2.0, 0.1), (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 0.1),
                       (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[10.0, 0.0], [-10.0, 5.0]]), 0.01)],
        mistakes=[
            Mistake("sign flipped: the step goes uphill", "Move against the gradient: `w - alpha * grad`.",
                    lambda w, g, a: w + a * g),
            Mistake("forgot the learning rate", "Scale the gradient by `alpha` before stepping.",
                    lambda w, g, a: w - g),
            Mistake("divided by the learning rate", "Multiply by `alpha`, do not divide.",
                    lambda w, g, a: w - g / a),
            Mistake("returned the step `alpha * grad`, not the new weight",
                    "Take the step from `w`: the new weight is `w` moved against the gradient.",
                    lambda w, g, a: a * g),
            Mistake("returned the step `-alpha * grad` without starting from `w`",
                    "Add the step to `w`: the new weight is `w` moved against the gradient.",
                    lambda w, g, a: -a * g),
        ],
        hints=["The gradient points uphill; we want to go down.",
               "The step is alpha times the gradient, taken in the opposite direction.",
               "Start from `w` and subtract the step, in one expression that builds a new value: "
               "`w -= ...` would change the caller's array."]),
    Exercise(
        "gradient_descent", "02_learning_rate", descent.gradient_descent, show=[descent.gradient_step],
        cases=lambda: [(parabola_slope, 0.0, 0.1, 5), (parabola_slope, 10.0, 0.5, 0),
                       (valley_slope, np.array([1.0, 1.0]), 0.05, 4)],
        mistakes=[
            Mistake("left out the starting weight w0", "Put `w0` first in the list, then one weight per step.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, s)[1:]),
            Mistake("took one step too many", "Loop exactly `steps` times.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, s + 1)),
            Mistake("stopped one step short", "`w0` and one weight per step make `steps + 1` weights: "
                    "loop `steps` times after putting `w0` in the list.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, max(s - 1, 0))),
            Mistake("sign flipped: the steps go uphill", "Each step is `w - alpha * grad_fn(w)`.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, -a, s)),
            Mistake("returned only the final weight", "Return every weight visited, `w0` first.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, a, s)[-1]),
            Mistake("took every step with the slope at `w0`",
                    "Ask `grad_fn` for the slope at the newest weight, each step.",
                    lambda g, w0, a, s: _gradient_descent_variant(g, w0, a, s, slope_at_start=True)),
            Mistake("forgot the learning rate", "Scale each slope by `alpha`.",
                    lambda g, w0, a, s: descent.gradient_descent(g, w0, 1.0, s)),
            Mistake("every weight in the list is one array, changed in place by `w -= ...`",
                    "Make a new array each step, `w = w - alpha * grad_fn(w)`, so that the weights already "
                    "in the list stay as they were.",
                    lambda g, w0, a, s: _gradient_descent_variant(g, w0, a, s, same_array=True)),
            Mistake("appended the slope instead of the new weight", "Append the weight after each step; the "
                    "slope only tells the step which way to go.",
                    lambda g, w0, a, s: np.array([np.asarray(w0, dtype=float)]
                                                 + [g(w) for w in descent.gradient_descent(g, w0, a, s)[:-1]])),
        ],
        hints=["Keep a list that starts with the first weight, `weights = [w0]`, and append one new weight "
               "per step.",
               "Each new weight is one step downhill from the newest weight so far, `weights[-1]`, using the "
               "slope there, `grad_fn(weights[-1])`: your `gradient_step` takes exactly that step.",
               "A `for` loop over `range(steps)` does the counting. At the end, `np.array(weights)` turns the "
               "list into an array; check that it holds `steps + 1` weights."]),
    Exercise(
        "squared_error_backward", "03_derivatives", linear.squared_error_backward,
        cases=lambda: [(100.0, 1_500.0, 100_000.0), (60.0, 2.0, 150.0),
                       (0.5, np.array([1.0, 2.0, 3.0]), np.array([2.0, -1.0, 4.0])),
                       (-0.5, np.array([-1.0, 2.0, -3.0]), np.array([2.0, -1.0, 4.0]))],  # signs of w and x
        mistakes=[
            Mistake("counted only one of e's two paths into E = e · e (dE/de = e)",
                    "e is both inputs of the last gate: each path gives e (the other input) times dE/dE = 1, and "
                    "where paths meet, gradients add: dE/de = e + e.",
                    lambda w, x, y: _gates_backward(w, x, y, paths=1)),
            Mistake("gave p a slope of −1 in e = p − y",
                    "e = p − y rises by 1 when p rises by 1: de/dp = +1 (the −1 is y's).",
                    lambda w, x, y: _gates_backward(w, x, y, p_slope=-1)),
            Mistake("did not multiply by x at the last step (p = w · x)",
                    "Raising w by 1 raises p by x: dE/dw = dE/dp · x.",
                    lambda w, x, y: _gates_backward(w, x, y, w_slope="1")),
            Mistake("multiplied by w at the last step: p = w · x gives w the other input, x",
                    "Raising w by 1 raises p by x, not by w: dE/dw = dE/dp · x.",
                    lambda w, x, y: _gates_backward(w, x, y, w_slope="w")),
            *[Mistake("wrote each step's own slope without multiplying in the gradient arriving from above",
                      "Walking back, each gradient is the one arriving from above times the step's own slope: "
                      "dE/dp = dE/de · 1, dE/dw = dE/dp · x.", make)
              for make in (lambda w, x, y: _gates_backward(w, x, y, chained=False),
                           lambda w, x, y: {"e": 2 * (w * x - y), "p": 1.0, "w": x})],
            Mistake("added the slopes along the chain instead of multiplying them",
                    "The chain rule multiplies: dE/dp = dE/de × 1 and dE/dw = dE/dp × x.",
                    lambda w, x, y: _gates_backward(w, x, y, chained="added")),
            Mistake("dropped e from E = e · e's slope: dE/de = 2",
                    "Each of the gate's two inputs gets the other input, e, times the arriving 1: dE/de = e + e.",
                    lambda w, x, y: _gates_backward(w, x, y, d_e="2")),
            Mistake("multiplied by x at p as well as at w: x belongs to the step p = w · x only",
                    "e = p − y has slope 1 for p: dE/dp = dE/de. The x comes in at the last step, dE/dw = dE/dp · x.",
                    lambda w, x, y: _gates_backward(w, x, y, p_slope="x")),
            Mistake("put dE/dw under \"p\" and dE/dp under \"w\"",
                    "Each key names the value whose gradient it holds: \"p\" gets dE/dp, \"w\" gets dE/dw.",
                    lambda w, x, y: {**_gates_backward(w, x, y), "p": _gates_backward(w, x, y)["w"],
                                     "w": _gates_backward(w, x, y)["p"]}),
            Mistake("kept only the last house's gradients when given arrays of houses",
                    "Numpy works entry by entry: written without a loop, the same lines give every house's "
                    "gradients at once. (A loop must collect every house's result, not overwrite it.)",
                    lambda w, x, y: {name: np.ravel(value)[-1] for name, value in _gates_backward(w, x, y).items()}),
            Mistake("took the slope of e² at the prediction p (2p) instead of at the error e",
                    "E = e · e is a gate on e: each path gives e, so dE/de = 2e, with e = p − y.",
                    lambda w, x, y: _gates_backward(w, x, y, d_e="2p")),
            Mistake("multiplied by y at the last step: p = w · x gives w the input x",
                    "Raising w by 1 raises p by x, the house's area: dE/dw = dE/dp · x.",
                    lambda w, x, y: _gates_backward(w, x, y, w_slope="y")),
            Mistake("divided by x at the last step",
                    "Raising w by 1 raises p by x, so the gradient is multiplied by x: dE/dw = dE/dp · x.",
                    lambda w, x, y: _gates_backward(w, x, y, w_slope="1/x")),
            *[Mistake("added up (or averaged) dE/dw over the houses",
                      "Given arrays of houses, return each house's own gradients, entry by entry: dE/dw shaped "
                      "like x. (The gradient of a mean over many houses adds up these shares: notebook 04.)", make)
              for make in (lambda w, x, y: {**_gates_backward(w, x, y), "w": np.sum(_gates_backward(w, x, y)["w"])},
                           lambda w, x, y: {**_gates_backward(w, x, y), "w": np.mean(_gates_backward(w, x, y)["w"])})],
            Mistake("took e to be the squared error, (w · x − y)², so dE/de came out 2 (w · x − y)²",
                    "e is the error itself, e = p − y = w · x − y, and E = e · e its square: dE/de = 2e.",
                    lambda w, x, y: _gates_backward(w, x, y, d_e="2E")),
            *[Mistake("added up (or averaged) every gradient over the houses",
                      "Given arrays of houses, return each house's own gradients, entry by entry: each shaped "
                      "like x.", make)
              for make in (lambda w, x, y: {name: np.sum(value) for name, value in _gates_backward(w, x, y).items()},
                           lambda w, x, y: {name: np.mean(value) for name, value in _gates_backward(w, x, y).items()})],
            Mistake("gave e the value of E (e · e) instead of the gate's slopes",
                    "The gate E = e · e gives each of its inputs the *other* input times the arriving gradient: "
                    "e, not e · e.", lambda w, x, y: _gates_backward(w, x, y, d_e="E")),
            Mistake("doubled again at p: the two paths meet at e only",
                    "e = p − y is one path from p to e: dE/dp = dE/de · 1, without another factor 2.",
                    lambda w, x, y: _gates_backward(w, x, y, p_slope=2)),
        ],
        hints=["Walk back from E one step at a time: each step multiplies the gradient arriving from above "
               "(dE/dE = 1 at the start) by its own slope.",
               "E = e · e is a multiplication whose two inputs are both e. A multiplication gives each input "
               "the other input times the arriving gradient: e along one path, e along the other. Where paths "
               "meet, the gradients add.",
               "e = p − y has slope 1 for p, and p = w · x has slope x for w. Compute e first (the forward "
               "pass), then d_e, d_p and d_w in that order, and return the three in a dict with the keys "
               "\"e\", \"p\" and \"w\"."]),
    Exercise(
        "numerical_derivative", "03_derivatives", gradcheck.numerical_derivative, rtol=1e-7,
        cases=lambda: [(cube, 2.0), (exp3, 1.0), (exp3, 1.0, 1e-2)],
        mistakes=[
            Mistake("one-sided difference (f(x+h) - f(x)) / h", "Nudge both ways: f(x+h) - f(x-h).",
                    lambda f, x, h=1e-5: (f(x + h) - f(x)) / h),
            Mistake("one-sided difference (f(x) - f(x-h)) / h", "Nudge both ways: f(x+h) - f(x-h).",
                    lambda f, x, h=1e-5: (f(x) - f(x - h)) / h),
            Mistake("divided by h instead of 2h", "The two points are 2h apart.",
                    lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h),
            Mistake("ignored the h you were given", "Use the argument h, not a fixed number.",
                    lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5),
            Mistake("`/ 2 * h` multiplies by h: Python works from left to right",
                    "Divide by the whole distance, `(2 * h)`, in parentheses.",
                    lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h),
            Mistake("only f(x-h) was divided: the difference needs parentheses",
                    "Put the whole difference `f(x + h) - f(x - h)` in parentheses before dividing.",
                    lambda f, x, h=1e-5: f(x + h) - f(x - h) / (2 * h)),
            Mistake("forgot to divide by h", "The run is 2h, not 2: divide by `(2 * h)`.",
                    lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2),
            Mistake("subtracted the wrong way round: f(x-h) - f(x+h)",
                    "Right minus left: `f(x + h) - f(x - h)`.",
                    lambda f, x, h=1e-5: (f(x - h) - f(x + h)) / (2 * h)),
            Mistake("added f(x+h) and f(x-h) instead of subtracting", "The rise is a difference: right minus left.",
                    lambda f, x, h=1e-5: (f(x + h) + f(x - h)) / (2 * h)),
            Mistake("no parentheses at all: only f(x-h) is divided, and then multiplied by h",
                    "Put parentheses around the difference and around `(2 * h)`.",
                    lambda f, x, h=1e-5: f(x + h) - f(x - h) / 2 * h),
        ],
        hints=["A slope is rise over run: how much f changes, divided by how much x changed.",
               "Evaluate f a little to the right, `f(x + h)`, and a little to the left, `f(x - h)`.",
               "The rise is the difference of those two values; the run is the distance from x - h to "
               "x + h. Put parentheses around both, so that Python divides the whole rise by the whole run."]),
    Exercise(
        "numerical_gradient", "03_derivatives", gradcheck.numerical_gradient, rtol=1e-7,
        cases=lambda: [(sum_of_cubes, np.array([1.0, -2.0, 3.0])), (sum_of_cubes, np.array([[0.5, 1.0], [2.0, -1.0]])),
                       (tangle, np.array([0.5, -1.0]), 1e-3), (sum_of_exps, np.array([0, 0, 0]))],
        mistakes=_also_on_whole_numbers([
            Mistake("one-sided differences", "Nudge each entry both ways: +h and -h.",
                    lambda f, w, h=1e-5: _one_sided_gradient(f, w, h)),
            Mistake("divided by h instead of 2h", "The two nudged points are 2h apart.",
                    lambda f, w, h=1e-5: 2 * gradcheck.numerical_gradient(f, w, h)),
            Mistake("did not put each entry back after nudging it",
                    "After the two calls of `f`, set the entry back to the value it had, before the next one.",
                    lambda f, w, h=1e-5: _numerical_gradient_variant(f, w, h, restore=False)),
            Mistake("nudged every entry at once", "Nudge one entry at a time and hold the others still: "
                    "one partial derivative per entry.",
                    lambda f, w, h=1e-5: _numerical_gradient_variant(f, w, h, scalar=True)),
            Mistake("looped over the rows: `range(len(w))` nudges a whole row of a 2-D `w`",
                    "Loop with `np.ndindex(w.shape)`, which gives the index of every entry.",
                    lambda f, w, h=1e-5: _numerical_gradient_variant(f, w, h, loop="rows")),
            Mistake("looped over `range(w.size)`, which runs off the rows of a 2-D `w`",
                    "Loop with `np.ndindex(w.shape)`, which gives the (row, column) index of every entry.",
                    lambda f, w, h=1e-5: _numerical_gradient_variant(f, w, h, loop="size")),
            Mistake("ignored the h you were given", "Use the argument `h`, not a fixed number.",
                    lambda f, w, h=1e-5: gradcheck.numerical_gradient(f, w)),
        ], Mistake("`w` holds whole numbers here: a copy made with `np.array(w)` (or `w.copy()`) keeps them "
                   "whole and rounds every nudge of h away",
                   "Make a float copy, `np.array(w, dtype=float)`, and nudge that.",
                   lambda f, w, h=1e-5: _numerical_gradient_variant(f, w, h, dtype=None))),
        hints=["One partial derivative per entry: nudge that entry only, keep the others fixed.",
               "Work on a float copy of `w`, made with `np.array(w, dtype=float)`: a plain copy of a `w` of "
               "whole numbers keeps them whole and rounds the nudge away. Start from a gradient of zeros "
               "shaped like it (`np.zeros_like`), and visit every entry, also of a matrix, with "
               "`np.ndindex(w.shape)`: it gives each entry's index in turn, `(0,)`, `(1,)`, … for a vector "
               "and `(0, 0)`, `(0, 1)`, …, `(1, 0)`, … for a matrix.",
               "For each index: remember the entry; set it a nudge h up and call f; set it h down and call f; "
               "put it back before the next index. The central difference of the two calls is that entry of "
               "the gradient."]),
    Exercise(
        "dot", "04_dot_product", linear.dot,
        cases=lambda: [([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), ([2.5], [4.0]),
                       (_rng().normal(size=6), _rng().normal(size=6) * 2)],
        shortcuts={"dot": "`np.dot`", "matmul": "`np.matmul`", "@": "`@`", "sum": "`sum`", "fsum": "math.fsum",
                   "einsum": "`np.einsum`", "inner": "`np.inner`", "vdot": "`np.vdot`",
                   "tensordot": "`np.tensordot`", "sumprod": "math.sumprod"},
        mistakes=[
            Mistake("returned the products without adding them up", "Add the products into one total.",
                    lambda a, b: [x * y for x, y in zip(a, b)]),
            Mistake("added the pairs instead of multiplying", "Multiply a[i] by b[i], then add those up.",
                    lambda a, b: _total(x + y for x, y in zip(a, b))),
            Mistake("skipped the last pair", "Loop over every index: `range(len(a))`.",
                    lambda a, b: _total(a[i] * b[i] for i in range(len(a) - 1))),
            Mistake("skipped the first pair", "Python counts from 0: `range(len(a))` starts there.",
                    lambda a, b: _total(a[i] * b[i] for i in range(1, len(a)))),
            Mistake("multiplied the two sums instead of adding up the products",
                    "Multiply each pair first, then add those products up.", lambda a, b: _total(a) * _total(b)),
            Mistake("returned inside the loop: only the first pair was added",
                    "Move the `return` out of the loop (one indent less), so that it runs after every pair.",
                    lambda a, b: a[0] * b[0]),
            Mistake("kept only the last product: `=` where `+=` belongs",
                    "Add each product to the total, `total += ...`, instead of replacing it.",
                    lambda a, b: a[-1] * b[-1]),
            Mistake("the total stays 0: nothing was added to it",
                    "Add each product with `total += ...`; multiplying a total that starts at 0 keeps it 0.",
                    lambda a, b: 0.0),
        ],
        hints=["Multiply matching entries, then add all those products.",
               "Start a total at 0 and loop over the pairs with `zip(a, b)`.",
               "Inside the loop, add one product to the total with `+=`; return the total once the loop "
               "has finished, not inside it. No `sum`, `np.dot` or `@`: the loop is the point."]),
    Exercise(
        "predict_linear", "04_dot_product", linear.predict_linear,
        cases=lambda: [(np.array([[1500.0, 3.0], [800.0, 2.0]]), np.array([100.0, 5000.0]), 20_000.0),
                       (_rng().normal(size=(6, 3)), np.array([0.5, -1.0, 2.0]), -0.5)],
        shapes="X has shape (n, d) and w (d,): `X @ w` gives one number per house, shape (n,).",
        mistakes=[
            Mistake("forgot the bias b", "Add `b` to every prediction.", lambda X, w, b: X @ w),
            Mistake("returned a column of shape (n, 1) instead of (n,)", "Use `w` as it is, shape (d,).",
                    lambda X, w, b: X @ w.reshape(-1, 1) + b),
            Mistake("multiplied the bias in instead of adding it", "The bias is added to each prediction.",
                    lambda X, w, b: (X @ w) * b),
            Mistake("multiplied `w @ X`: the order matters",
                    "Each row of X is a house: `X @ w` takes the dot product of every row with `w`.",
                    lambda X, w, b: w @ X + b),
            Mistake("transposed X", "X is already one row per house: use it as it is.",
                    lambda X, w, b: X.T @ w + b),
            Mistake("multiplied entry by entry (`X * w`) without adding up each row",
                    "A dot product also adds up the products: `X @ w` does both, for every row.",
                    lambda X, w, b: X * w + b),
            Mistake("added up each column (over the houses) instead of each row",
                    "Each house's prediction adds up its own row: `X @ w` does that.",
                    lambda X, w, b: np.sum(X * w, axis=0) + b),
            Mistake("one prediction per feature instead of one per house",
                    "Loop over the houses, the rows of X: there are `len(X)` of them.",
                    lambda X, w, b: np.array([X[i] @ w + b for i in range(len(w))])),
            Mistake("added up every product into one number", "One prediction per house: add up each row "
                    "on its own, which `X @ w` does.", lambda X, w, b: np.sum(X * w) + b),
        ],
        hints=["Each house's prediction is its features times the weights, summed, plus the bias.",
               "A matrix times a vector does that for every row at once: `X @ w` is one dot product per house.",
               "Say the shapes: `X @ w` is (n,), one number per house, and `b` is one number. What is left "
               "to do to every prediction?"]),
    Exercise(
        "mse_gradient", "04_dot_product", linear.mse_gradient, show=[linear.predict_linear],
        cases=lambda: [(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), np.array([1.0, 2.0, 2.0]),
                        np.array([0.5, -0.5]), 0.25),
                       (_rng().normal(size=(8, 3)), _rng().normal(size=8), np.array([1.0, 0.0, -1.0]), 2.0)],
        shapes="X.T has shape (d, n) and the errors (n,): their product has one number per weight, like w.",
        mistakes=[
            Mistake("sign flipped (y - prediction)", "Use prediction - y, the error from 01.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, sign=-1)),
            Mistake("missing the factor 2", "The slope of e² is 2e: multiply the errors by 2.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, factor=1)),
            Mistake("summed instead of averaged", "E is a mean, so divide by n.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, average=False)),
            Mistake("left the bias out of the prediction", "Each error is prediction - y, with b in the "
                    "prediction.", lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, bias=False)),
            Mistake("multiplied X by the errors without transposing it",
                    "X is (n, d) and the errors (n,): `X.T`, shape (d, n), lines up with them.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, transpose=False)),
            Mistake("returned only dw", "Return the pair: dw first, then db.",
                    lambda X, y, w, b: linear.mse_gradient(X, y, w, b)[0]),
            Mistake("summed db but averaged dw", "`db` is a mean too: divide its sum by n, or use `np.mean`.",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, db_average=False)),
            Mistake("divided by n twice", "Divide by n once (`np.mean` already does).",
                    lambda X, y, w, b: _mse_gradient_variant(X, y, w, b, again=len(y))),
            Mistake("averaged over every entry at once: dw should have one number per weight",
                    "`X.T @` the errors adds up each feature's products over the houses, one number per "
                    "weight.", lambda X, y, w, b: (2 * np.mean(X.T * (X @ w + b - y)), 2 * np.mean(X @ w + b - y))),
            Mistake("one number per house instead of one per weight",
                    "Average over the houses, not over the features: `X.T @` the errors, divided by n.",
                    lambda X, y, w, b: (2 * np.mean(X * (X @ w + b - y)[:, None], axis=1),
                                        2 * np.mean(X @ w + b - y))),
            Mistake("divided by the number of features instead of the number of houses",
                    "The mean is over the houses: divide by `len(y)`.",
                    lambda X, y, w, b: (2 * X.T @ (X @ w + b - y) / X.shape[1], 2 * np.mean(X @ w + b - y))),
            Mistake("returned (db, dw), the wrong way round", "Return dw first, then db.",
                    lambda X, y, w, b: linear.mse_gradient(X, y, w, b)[::-1]),
        ],
        hints=["Start from the errors, prediction − actual, one per house: `error = X @ w + b - y`.",
               "∂E/∂b is the mean of `2 * error`. ∂E/∂w_i is the mean of `2 * error` times feature i (column "
               "i of X); `X.T @ error` adds up error times feature for every i at once.",
               "`X.T @ error` adds up over the houses: divide it by `len(y)` to make it a mean, and keep the "
               "factor 2. Return the two as a pair, dw first."]),
    Exercise(
        "sigmoid_derivative", "05_backpropagation", network.sigmoid_derivative, show=[network.sigmoid],
        cases=lambda: [(0.0,), (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),), (np.array([[-30.0, 0.5], [3.0, 30.0]]),)],
        module=network,
        mistakes=[
            Mistake("used z where σ(z) belongs: z * (1 - z)", "Apply the sigmoid first: `s = network.sigmoid(z)`.",
                    lambda z: _sigmoid_slope_of(z)),
            Mistake("returned σ(z) itself", "Return its slope, σ(z)(1 - σ(z)), as the exercise says.",
                    network.sigmoid),
            Mistake("applied the sigmoid twice: the slope formula got σ(z) where z belongs",
                    "Apply the sigmoid once, `s = network.sigmoid(z)`, and use s in the slope.",
                    lambda z: _sigmoid_slope_of(network.sigmoid(network.sigmoid(z)))),
            Mistake("1 - σ(z)²: tanh's pattern for the slope, written with the sigmoid",
                    "tanh's slope is 1 minus its square; the sigmoid's is σ(z) times one minus σ(z).",
                    lambda z: 1 - network.sigmoid(z) ** 2),
            Mistake("the slope of tanh, 1 - tanh², not of the sigmoid",
                    "The sigmoid is `network.sigmoid`, 1 / (1 + e^-z); tanh is another curve.",
                    lambda z: 1 - np.tanh(z) ** 2),
            Mistake("1 - σ(z): the square of the denominator is missing",
                    "The slope is e^-z / (1 + e^-z)², with the denominator squared.",
                    lambda z: 1 - network.sigmoid(z)),
            Mistake("s * (1 + s): a plus where the minus belongs", "The second factor is 1 - s.",
                    lambda z: network.sigmoid(z) * (1 + network.sigmoid(z))),
            Mistake("`1 / 1 + np.exp(-z)` is 1 + e^-z: the denominator needs parentheses",
                    "Write the sigmoid as `1 / (1 + np.exp(-z))`, or use `network.sigmoid(z)`.",
                    lambda z: _sigmoid_slope_of(1 + np.exp(-z))),
            Mistake("s * 1 - s is s - s, which is 0: the parentheses around 1 - s are missing",
                    "Multiply s by the whole factor, (1 - s), in parentheses.", lambda z: 0 * network.sigmoid(z)),
            Mistake("squared the sigmoid: σ(z)²",
                    "The slope is σ(z) times one minus σ(z), not σ(z) times itself.",
                    lambda z: network.sigmoid(z) ** 2),
            Mistake("squared e^-z instead of the whole denominator",
                    "The slope is e^-z / (1 + e^-z)²: square the whole denominator.",
                    lambda z: np.exp(-z) / (1 + np.exp(-z) ** 2)),
        ],
        hints=["The sigmoid's slope can be written with the sigmoid itself.",
               "Compute the sigmoid first, `s = network.sigmoid(z)` (or `1 / (1 + np.exp(-z))`); the slope "
               "is then s times one more factor.",
               "Test your formula at z = 0, where s is 0.5: the slope there should be 0.25, the steepest it "
               "gets. Far out, at z = 30, s is almost 1 and the slope almost 0."]),
    Exercise(
        "forward", "05_backpropagation", network.forward, show=[network.sigmoid],
        cases=lambda: [_network_case(_rng())[:1] + _network_case(_rng())[2:],
                       _network_case(_rng(), n=1, d=2, h=3)[:1] + _network_case(_rng(), n=1, d=2, h=3)[2:]],
        module=network,
        shapes="X (n, d) @ W1 (d, h) gives the hidden layer, shape (n, h); hidden (n, h) @ W2 (h, 1) gives "
               "the prediction, shape (n, 1).",
        mistakes=[
            Mistake("forgot the sigmoid on the hidden layer", "Squash the hidden sums with `network.sigmoid`.",
                    lambda X, W1, b1, W2, b2: _forward_variant(X, W1, b1, W2, b2, activation=lambda z: z)),
            Mistake("put a sigmoid on the output too", "The output is a plain weighted sum: `hidden @ W2 + b2`.",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.sigmoid(network.forward(X, W1, b1, W2, b2)[1]))),
            Mistake("forgot the biases", "Add `b1` before the sigmoid and `b2` at the output.",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1, 0 * b1, W2, 0 * b2)),
            Mistake("forgot b1", "Add `b1` to the weighted sums, before the sigmoid.",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1, 0 * b1, W2, b2)),
            Mistake("forgot b2", "Add `b2` at the output.",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1, b1, W2, 0 * b2)),
            Mistake("added b1 after the sigmoid", "The bias belongs inside: squash `X @ W1 + b1`.",
                    lambda X, W1, b1, W2, b2: _forward_variant(X, W1, b1, W2, b2, b1_after=True)),
            Mistake("returned a flat prediction of shape (n,) instead of (n, 1)", "Use `hidden @ W2` as it is.",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.forward(X, W1, b1, W2, b2)[1][:, 0])),
            Mistake("returned only the prediction",
                    "Return the pair `hidden, prediction`: backward needs the hidden values too.",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1, b1, W2, b2)[1]),
            Mistake("returned the pair the wrong way round", "The hidden values come first, then the prediction.",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1, b1, W2, b2)[::-1]),
            Mistake("multiplied `W1 @ X`: the order matters",
                    "Each row of X is a house: `X @ W1` gives every house's hidden sums, shape (n, h).",
                    lambda X, W1, b1, W2, b2: network.forward(W1, X, b1, W2, b2)),  # W1 @ X + b1
            Mistake("tanh instead of the sigmoid",
                    "Use `network.sigmoid`: tanh squashes into (-1, 1), the sigmoid into (0, 1).",
                    lambda X, W1, b1, W2, b2: _forward_variant(X, W1, b1, W2, b2, activation=np.tanh)),
            Mistake("`1 / 1 + np.exp(...)` is 1 + e^-z: the sigmoid's denominator needs parentheses",
                    "Use `network.sigmoid`, or put the whole denominator in parentheses.",
                    lambda X, W1, b1, W2, b2: _forward_variant(X, W1, b1, W2, b2,
                                                               activation=lambda z: 1 + np.exp(-z))),
            Mistake("squashed the hidden values a second time before the output",
                    "The hidden values are squashed once; the output is `hidden @ W2 + b2`.",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.sigmoid(network.forward(X, W1, b1, W2, b2)[0]) @ W2 + b2)),
            Mistake("multiplied by W1.T: W1 is already (inputs, hidden units)",
                    "Here W1 is (d, h), one row per input, as the shapes say: `X @ W1` fits as it is. (Some "
                    "books and PyTorch store it the other way round, (h, d).)",
                    lambda X, W1, b1, W2, b2: network.forward(X, W1.T, b1, W2, b2)),
            Mistake("transposed W2 at the output",
                    "hidden (n, h) @ W2 (h, 1) fits as it is and gives one prediction per house, (n, 1).",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.forward(X, W1, b1, W2, b2)[0] @ W2.T + b2)),
            Mistake("ReLU (`np.maximum(0, ...)`) instead of the sigmoid",
                    "05's hidden units squash with the sigmoid, `network.sigmoid`, into (0, 1).",
                    lambda X, W1, b1, W2, b2: _forward_variant(X, W1, b1, W2, b2,
                                                               activation=lambda z: np.maximum(0, z))),
            Mistake("`np.exp(z)` where the sigmoid has `np.exp(-z)`: that is σ(−z)",
                    "The sigmoid is 1 / (1 + e^−z), with a minus in the exponent; `network.sigmoid` has it.",
                    lambda X, W1, b1, W2, b2: _forward_variant(X, W1, b1, W2, b2,
                                                               activation=lambda z: 1 / (1 + np.exp(z)))),
            Mistake("returned the sums before the sigmoid as the hidden values",
                    "Return the squashed values, the ones the prediction is made from.",
                    lambda X, W1, b1, W2, b2: (X @ W1 + b1, network.forward(X, W1, b1, W2, b2)[1])),
            Mistake("added b1 at the output, where b2 belongs", "The output's bias is `b2`.",
                    lambda X, W1, b1, W2, b2: (network.forward(X, W1, b1, W2, b2)[0],
                                               network.forward(X, W1, b1, W2, b2)[0] @ W2 + b1)),
        ],
        hints=["Two layers, two lines: first the hidden layer, then the output.",
               "The hidden layer squashes every house's weighted sums plus bias, `X @ W1 + b1`, with "
               "`network.sigmoid`; its shape is (n, h).",
               "The output is a weighted sum of the hidden values plus b2, with no sigmoid: the same "
               "pattern with `W2` and `b2`, shape (n, 1). Return both, the hidden values first."]),
    Exercise(
        "backward", "05_backpropagation", network.backward,
        show=[network.sigmoid, network.forward, network.loss_and_gradients],
        cases=lambda: [_network_case(_rng()), _network_case(_rng(), n=8, d=2, h=3)],
        module=network,
        shapes="Say each shape out loud: the error signal is (n, 1); `hidden.T @` it is (h, 1), like W2; "
               "sent back with `@ W2.T` it is (n, h), like hidden; `X.T @ d_z` is (d, h), like W1.",
        mistakes=_backward_mistakes(),
        hints=["Go backwards one step at a time, each step using the one before. First the forward pass, "
               "because you need the hidden values and the prediction: "
               "`hidden, prediction = network.forward(X, W1, b1, W2, b2)` (or your own forward).",
               "Step 1, the error signal at the output: the slope of the mean of `(prediction - y) ** 2` "
               "with respect to each prediction. Section 4.1 derives it; mind the 2 and the n.",
               "Step 2, the gradients of W2 and b2: a weight's gradient is what came into it times the error "
               "signal where it leads. For W2 that is the hidden values, transposed so that the shape comes "
               "out (h, 1); for b2, add up the error signal over the houses.",
               "Step 3, back to the hidden layer: the error signal goes back through the weights it came "
               "through, transposed (`@ W2.T`), one column per hidden unit, shape (n, h).",
               "Step 4, through the sigmoid: multiply entry by entry by its slope, which the hidden values "
               "give without a new exponential: `hidden * (1 - hidden)`.",
               "Step 5, the gradients of W1 and b1: the same pattern as step 2, with X coming in where hidden "
               "did. Return the four in a dict with the keys \"W1\", \"b1\", \"W2\", \"b2\", each shaped "
               "like its parameter."]),
    Exercise(
        "backward_tanh", "05_backpropagation", network.backward_tanh,
        cases=lambda: [_network_case(_rng()), _network_case(_rng(), n=8, d=2, h=3)],
        module=network,
        shapes="The same shapes as in backward: each gradient is shaped like its parameter.",
        mistakes=[
            _tanh_slope_mistake("used the sigmoid's slope, hidden * (1 - hidden)",
                                "That is the slope of the sigmoid; tanh's slope is `1 - np.tanh(z) ** 2`.",
                                lambda z, hidden: hidden * (1 - hidden)),
            _tanh_slope_mistake("used the sigmoid's slope, network.sigmoid_derivative(z)",
                                "That is the slope of the sigmoid; tanh's slope is `1 - np.tanh(z) ** 2`.",
                                lambda z, hidden: network.sigmoid_derivative(z)),
            _tanh_slope_mistake("forgot tanh's slope on the way back",
                                "Going back through tanh multiplies the error signal by tanh's slope, entry by "
                                "entry.", lambda z, hidden: 1.0),
            _tanh_slope_mistake("applied the slope to z instead of to tanh's output: 1 - z²",
                                "tanh's slope is written with its output, `1 - hidden ** 2`: `hidden` already "
                                "holds it.", lambda z, hidden: 1 - z ** 2),
            _tanh_slope_mistake("took tanh of the hidden values again: `1 - np.tanh(hidden) ** 2`",
                                "`hidden` is `np.tanh(z)` already: square it as it is, without a second "
                                "`np.tanh`.", lambda z, hidden: 1 - np.tanh(hidden) ** 2),
            _tanh_slope_mistake("forgot the square: `1 - hidden` instead of `1 - hidden ** 2`",
                                "Square tanh's output in the slope.", lambda z, hidden: 1 - hidden),
            _tanh_slope_mistake("a plus where the minus belongs: 1 + tanh² as the slope",
                                "tanh's slope is 1 at z = 0 and falls towards 0 far out, never above 1: the square "
                                "is taken away from 1.", lambda z, hidden: 1 + hidden ** 2),
            _tanh_slope_mistake("tanh² alone as the slope, without the 1 it is taken from",
                                "At z = 0, where tanh is 0, its slope is 1, its steepest: the slope is 1 minus the "
                                "square of tanh.", lambda z, hidden: hidden ** 2),
            _tanh_slope_mistake("`1 / np.cosh(z)`: sech, without its square",
                                "tanh's slope is sech², `1 / np.cosh(z) ** 2`, the same as 1 - tanh²: the square "
                                "is missing.", lambda z, hidden: 1 / np.cosh(z)),
            _tanh_slope_mistake("squared the whole `(1 - hidden)` instead of hidden alone",
                                "Only tanh's output is squared, and then taken away from 1: mind the parentheses.",
                                lambda z, hidden: (1 - hidden) ** 2),
            _tanh_slope_mistake("doubled tanh's output (`* 2`) instead of squaring it (`** 2`)",
                                "Squaring is `** 2`: the output times itself.", lambda z, hidden: 1 - hidden * 2),
            Mistake("kept the sigmoid in the forward pass: only the slope changed to tanh's",
                    "The forward pass squashes with `np.tanh` too: hidden, the prediction and so every gradient "
                    "change with it.", lambda X, y, W1, b1, W2, b2: _backward_variant(
                        X, y, W1, b1, W2, b2, "sigmoid", slope=lambda z, hidden: 1 - hidden ** 2)),
            Mistake("kept the sigmoid: these are the sigmoid network's gradients",
                    "Both the forward pass (`np.tanh`) and the slope on the way back change for tanh.",
                    network.backward),
            *_network_mistakes("tanh"),
        ],
        hints=["Start from your `backward` (or `solution(\"backward\")`): the same steps, in the same order. "
               "Which of them are about the sigmoid?",
               "Two lines change: the forward pass squashes with `np.tanh` instead of `network.sigmoid`, and "
               "the step back through the activation multiplies by tanh's slope instead of the sigmoid's. "
               "The error signal, the W2, b2, W1 and b1 lines stay as they were.",
               "tanh's slope is 1 minus the square of tanh, and `hidden` already holds `np.tanh(z)`: no new "
               "`np.tanh` is needed on the way back. A check you can do by hand: at z = 0 the slope is 1, "
               "four times the sigmoid's."]),
    Exercise(
        "backward_mae", "05_backpropagation", network.backward_mae, show=[network.sigmoid, network.forward],
        cases=lambda: [_network_case(_rng()), _network_case(_rng(), n=8, d=2, h=3)],
        module=network,
        shapes="The same shapes as in backward: each gradient is shaped like its parameter.",
        mistakes=[
            Mistake("kept the squared error's signal, 2 (prediction - y) / n",
                    "For E = (1/n) Σ|prediction − y| each house's slope is the slope of |e|: +1 or −1, "
                    "`np.sign(prediction - y)`, divided by n.", network.backward),
            Mistake("sent the loss itself back, |prediction - y| / n, instead of its slope",
                    "The error signal is the loss's slope: |e| rises by 1 per unit of e where e > 0 and falls by "
                    "1 where e < 0, so each house sends ±1 / n, `np.sign(prediction - y) / len(y)`.",
                    _mae(loss_slope=np.abs)),
            Mistake("kept the squared error's factor 2: twice the sign of each miss, over n",
                    "The 2 came from the square in e²; |e| has slope ±1: `np.sign(prediction - y) / len(y)`.",
                    _mae(loss_slope=lambda e: 2 * np.sign(e))),
            Mistake("sent (prediction - y) / n, the squared error's signal without its 2",
                    "That is the slope of e² / 2. The slope of |e| is only its sign, ±1, whatever the size of "
                    "the miss: `np.sign(prediction - y) / len(y)`.", _mae(loss_slope=lambda e: e)),
            Mistake("averaged the error signal into a single number",
                    "The error signal has one entry per house, `np.sign(prediction - y) / len(y)`, shape (n, 1): `@` "
                    "and the sums add up the houses later.", _mae(one_signal=True)),
            Mistake("gave every house the same slope, 1 / n, whichever side of its price the prediction is",
                    "The slope of |e| is +1 where the prediction is too high and −1 where it is too low: "
                    "`np.sign(prediction - y)`, one per house.", _mae(loss_slope=np.ones_like)),
            Mistake("gave a prediction that is too low no slope (0) instead of −1",
                    "Left of 0, |e| = −e falls as e grows: its slope is −1, not 0. `np.sign(prediction - y)` "
                    "gives +1, −1 (and 0 at a perfect prediction).", _mae(loss_slope=lambda e: (e > 0) * 1.0)),
            Mistake("kept the squared error's signal and multiplied it by the sign: 2 |prediction - y| / n",
                    "The absolute error's slope is the sign alone, ±1 per house, whatever the size of the miss: "
                    "`np.sign(prediction - y) / len(y)`.", _mae(loss_slope=lambda e: 2 * np.abs(e))),
            Mistake("sent the value of the loss, E, back for every house",
                    "What goes back is each house's slope of E, `np.sign(prediction - y) / len(y)`, not E itself.",
                    _mae(signal=lambda prediction, y: np.full_like(prediction, np.mean(np.abs(prediction - y))))),
            Mistake("divided y alone by n: `np.sign(prediction - y / len(y))`",
                    "Mind the brackets: take the sign of `prediction - y`, then divide the result by `len(y)`.",
                    _mae(signal=lambda prediction, y: np.sign(prediction - y / len(y)))),
            Mistake("divided with //, which rounds down: each house's signal came out 0 or −1",
                    "`//` is division rounded down to a whole number: divide with `/`, "
                    "`np.sign(prediction - y) / len(y)`.", _mae(signal=lambda prediction, y: np.sign(prediction - y)
                                                               // len(y))),
            Mistake("divided by the total absolute error: e / sum(|e|)",
                    "Each house's slope of |e| is its own sign, e / |e|, ±1, divided by n: "
                    "`np.sign(prediction - y) / len(y)`.",
                    _mae(signal=lambda prediction, y: (prediction - y) / np.sum(np.abs(prediction - y)))),
            Mistake("forgot the sigmoid's slope on the way back",
                    "Only the error signal changes with the loss: the way back through W2 and the sigmoid, "
                    "`hidden * (1 - hidden)`, stays as in backward.", _mae(slope=lambda z, hidden: 1.0)),
            Mistake("took the sigmoid's slope of the hidden values (`network.sigmoid_derivative(hidden)`)",
                    "`hidden` is the sigmoid's output already: its slope is `hidden * (1 - hidden)`, or "
                    "`network.sigmoid_derivative(z)` of the input z.",
                    _mae(slope=lambda z, hidden: network.sigmoid_derivative(hidden))),
            Mistake("used tanh, as in backward_tanh: this network's hidden units are sigmoids",
                    "Start from backward (sigmoid), not backward_tanh: only the error signal changes.",
                    _mae(activation="tanh")),
            Mistake("took tanh's slope, 1 - hidden², on the way back: these hidden units are sigmoids",
                    "The sigmoid's slope is `hidden * (1 - hidden)`, as in backward: only the error signal changes.",
                    _mae(slope=lambda z, hidden: 1 - hidden ** 2)),
            *[Mistake("multiplied the error signal by a sigmoid's slope at the output: the output has no sigmoid",
                      "The prediction is `hidden @ W2 + b2`, a plain weighted sum (some texts squash the output "
                      "too; this network does not): the error signal is `np.sign(prediction - y) / len(y)` alone.",
                      _mae(signal=lambda prediction, y, squash=squash: np.sign(prediction - y) / len(y)
                           * squash(prediction) * (1 - squash(prediction))))
              for squash in (network.sigmoid, lambda prediction: prediction)],
            Mistake("took the sign of each squared-error gradient",
                    "The sign belongs to each house's miss, at the start: `np.sign(prediction - y) / len(y)`; "
                    "then send that back as backward does.",
                    lambda X, y, W1, b1, W2, b2: {name: np.sign(gradient) / len(y) for name, gradient
                                                  in network.backward(X, y, W1, b1, W2, b2).items()}),
            *_network_mistakes("sigmoid", loss_slope=np.sign),
        ],
        hints=["Only the first step of `backward` changes: the error signal dE/dprediction. Every line after it "
               "stays as it was: the signal goes back through W2 and the sigmoid exactly as before.",
               "With e = prediction − y, each house adds |e| / n to E. How much does |e| change when e grows by "
               "a little? Look at the two sides of 0: where e > 0, |e| = e; where e < 0, |e| = −e.",
               "The slope of |e| is +1 where e > 0 and −1 where e < 0: `np.sign(prediction - y)` gives both at "
               "once, one per house. Divide by n, `len(y)`, since E is a mean."]),
    Exercise(
        "train_step", "05_backpropagation", network.train_step, show=[network.sigmoid, network.forward],
        cases=lambda: [_network_case(_rng()) + (0.1,), _network_case(_rng(), n=8, d=2, h=3) + (0.5,)],
        module=network,
        shapes="Return the new parameters in the order (W1, b1, W2, b2), each shaped like the old one.",
        mistakes=[
            Mistake("updated W2 before computing the hidden layer's gradient",
                    "d_hidden = d_prediction @ W2.T needs the W2 that made the prediction: send the signal back "
                    "through W2 before W2 moves (simplest: every gradient first, then every update).",
                    lambda X, y, W1, b1, W2, b2, alpha: (  # W2 moved as soon as its gradient was known
                        (hidden := network.sigmoid(X @ W1 + b1)),
                        (d_prediction := 2 * (hidden @ W2 + b2 - y) / len(y)),
                        (W2_new := W2 - alpha * hidden.T @ d_prediction),
                        (d_z := (d_prediction @ W2_new.T) * hidden * (1 - hidden)),
                        (W1 - alpha * X.T @ d_z, b1 - alpha * d_z.sum(axis=0), W2_new,
                         b2 - alpha * d_prediction.sum(axis=0)))[-1]),
            Mistake("sign flipped: the step goes uphill",
                    "Move against the gradient: `W1 - alpha * d_W1`, and so on.",
                    lambda X, y, W1, b1, W2, b2, alpha: network.train_step(X, y, W1, b1, W2, b2, -alpha)),
            Mistake("ignored alpha",
                    "Scale every gradient by the learning rate: `W1 - alpha * d_W1`, and so on.",
                    lambda X, y, W1, b1, W2, b2, alpha: network.train_step(X, y, W1, b1, W2, b2, 1.0)),
            Mistake("returned the gradients, not the new parameters",
                    "The gradients say which way to move; return each parameter minus alpha times its gradient.",
                    lambda X, y, W1, b1, W2, b2, alpha: tuple(network.backward(X, y, W1, b1, W2, b2).values())),
            Mistake("left the biases where they were", "b1 and b2 take a step too, against their own gradients.",
                    lambda X, y, W1, b1, W2, b2, alpha: (
                        (new := network.train_step(X, y, W1, b1, W2, b2, alpha)), (new[0], b1, new[2], b2))[-1]),
            Mistake("returned the steps, not the new parameters",
                    "A step says how far each parameter moves: take it from the parameter, `W1 - alpha * ...`.",
                    lambda X, y, W1, b1, W2, b2, alpha: tuple(
                        old - new for old, new in zip((W1, b1, W2, b2), network.train_step(X, y, W1, b1, W2, b2,
                                                                                          alpha)))),
            *[Mistake("returned the new parameters in another order", "Return them as they come in: W1, b1, W2, b2.",
                      lambda X, y, W1, b1, W2, b2, alpha, order=order: tuple(
                          network.train_step(X, y, W1, b1, W2, b2, alpha)[k] for k in order))
              for order in [(0, 2, 1, 3), (2, 3, 0, 1)]],  # weights first; or as backward makes them
            *[_stepped(mistake) for mistake in _backward_mistakes() if mistake.name not in _NOT_IN_A_STEP],
        ],
        hints=["The simplest safe order is two phases. First every gradient, from the network that made the "
               "prediction: the forward pass and the seven backward lines. Only then move every parameter.",
               "Why the order matters: the backward line `d_hidden = d_prediction @ W2.T` uses W2. If W2 has "
               "already moved, W1's gradient mixes the old network's error signal with the new network's "
               "weights. After that line W2 may move: what matters is that the signal goes back first.",
               "Each update makes a new array, `W1 - alpha * d_W1` (not `W1 -= ...`, which changes the "
               "caller's W1). Return the four in the order W1, b1, W2, b2."]),
    Exercise(
        "backward_two_hidden", "05_backpropagation", network.backward_two_hidden, show=[network.sigmoid],
        cases=lambda: [_two_hidden_case(_rng()), _two_hidden_case(_rng(), n=6, d=3, h1=3, h2=3)],
        module=network,
        shapes="Each gradient is shaped like its parameter: W1 (inputs, units of layer 1), W2 (units of layer 1, "
               "units of layer 2), W3 (units of layer 2, 1).",
        mistakes=[
            Mistake("sign flipped (y - prediction)", "Start from `prediction - y`.", _two_hidden(factor=-2)),
            Mistake("missing the factor 2", "dE/dprediction = 2 (prediction - y) / n.", _two_hidden(factor=1)),
            Mistake("summed instead of averaged", "E is a mean over the n houses: divide by n.",
                    _two_hidden(average=False)),
            Mistake("forgot the sigmoid's slope at the second hidden layer",
                    "Going back through layer 2 multiplies the signal by its slope, hidden2 * (1 - hidden2), "
                    "before W2's gradient and before the next step back.", _two_hidden(slope2=False)),
            Mistake("forgot the sigmoid's slope at the first hidden layer",
                    "After `@ W2.T` the signal goes through layer 1's sigmoid: multiply by "
                    "hidden1 * (1 - hidden1).", _two_hidden(slope1=False)),
            Mistake("sent layer 2's signal back through W2 before multiplying by layer 2's slope",
                    "Each layer: first its slope, then back through the weights below it. The signal that goes "
                    "`@ W2.T` is d_z2, which has layer 2's slope in it.", _two_hidden(slope_between=False)),
            Mistake("made W2's gradient with X: W2's input is the first hidden layer",
                    "A weight's gradient is its input, transposed, times its error signal: hidden1.T @ d_z2.",
                    _two_hidden(W2_input="X")),
            Mistake("made W1's gradient with the first hidden layer: W1's input is X",
                    "A weight's gradient is its input, transposed, times its error signal: X.T @ d_z1.",
                    _two_hidden(W1_input="hidden1")),
            Mistake("W3's gradient came out transposed", "hidden2.T @ d_prediction has W3's shape.",
                    _two_hidden(transposed=("W3",))),
            Mistake("wrote the weights' gradients as signal.T @ input: they come out transposed",
                    "A weight's gradient is its input, transposed, times its error signal: input.T @ signal, "
                    "shaped like the weight.", _two_hidden(transposed=("W1", "W2", "W3"))),
            Mistake("took the slopes with network.sigmoid_derivative of the layers' outputs",
                    "`network.sigmoid_derivative` takes z, the weighted sum; with a layer's output, the slope is "
                    "output * (1 - output).", _two_hidden(slopes="of_outputs")),
            Mistake("used tanh's slope, 1 - hidden ** 2, for sigmoid layers",
                    "These layers are sigmoids: each one's slope is output * (1 - output).",
                    _two_hidden(slopes="tanh")),
            Mistake("swapped the layers' slopes: each layer got the other layer's",
                    "Each layer's signal is multiplied by its own slope: layer 2's by hidden2's, layer 1's by "
                    "hidden1's.", _two_hidden(slopes="swapped")),
            Mistake("multiplied by layer 2's slope twice on the way back to layer 1",
                    "d_z2 has layer 2's slope in it already: send it `@ W2.T`, then multiply by layer 1's slope.",
                    lambda X, y, W1, b1, W2, b2, W3, b3: {**_two_hidden_variant(X, y, W1, b1, W2, b2, W3, b3),
                                                          **_slope_twice(X, y, W1, b1, W2, b2, W3, b3)}),
            Mistake("made W3's gradient with the first hidden layer and W2's with the second",
                    "Each weight's input is the layer just below it: W3's is hidden2, W2's is hidden1.",
                    _two_hidden(W3_input="hidden1", W2_input="hidden2")),
            Mistake("made W3's gradient with layer 2's weighted sum instead of its output",
                    "W3 multiplies hidden2, the sigmoid's output: its gradient is hidden2.T @ d_prediction.",
                    _two_hidden(W3_input="z2")),
            Mistake("sent the signal back through W2 without transposing it",
                    "Going back through W2 takes it transposed, `@ W2.T`, so that the signal comes out one column "
                    "per unit of layer 1.", _two_hidden(transpose_W2=False)),
            Mistake("skipped layer 2: the signal went from W3 straight to layer 1",
                    "Layer 1 gets its signal through layer 2 and W2: (d_z2 @ W2.T) * hidden1 * (1 - hidden1).",
                    _two_hidden(skip_layer2=True)),
            Mistake("kept one `hidden` for both layers: the forward pass overwrote hidden1 with hidden2",
                    "Keep each layer's output under a name of its own (hidden1, then hidden2): W2's gradient "
                    "and layer 1's slope need hidden1.", _one_hidden_name),
            Mistake("made W2's and b2's gradients with the signal before layer 2's slope",
                    "W2 and b2 get layer 2's signal after its slope, d_z2 = (d_prediction @ W3.T) * hidden2 * "
                    "(1 - hidden2).", _two_hidden(W2_signal="d_hidden2")),
            Mistake("averaged the biases' gradients over the houses (mean) instead of adding them up",
                    "The error signal has its / n already: add it up over the houses (a sum down each column).",
                    _two_hidden(bias="mean")),
            Mistake("did not add up the biases' gradients over the houses",
                    "A bias is used by every house: its gradient adds up the error signal over the houses "
                    "(`axis=0`), one number per unit.", _two_hidden(bias="none")),
            Mistake("left the sigmoid off the second hidden layer: hidden2 = hidden1 @ W2 + b2",
                    "Both hidden layers squash their sums: layer 2's output is `network.sigmoid` of its sum, and "
                    "the way back through layer 2 multiplies the signal by its slope, hidden2 * (1 - hidden2).",
                    _two_hidden(layer2="linear")),
            Mistake("started from the absolute error's signal, `np.sign(prediction - y) / len(y)`",
                    "This exercise's loss is the squared error, as in backward: the signal at the output is "
                    "`2 * (prediction - y) / len(y)`.", _two_hidden(loss="absolute")),
            Mistake("added up b1's gradient over the units (axis=1) instead of over the houses",
                    "Add up layer 1's error signal over the houses, the first axis: one number per unit of layer 1.",
                    _two_hidden(b1_axis=1)),
            Mistake("reused backward for layers 1 and 2, with their own prediction and y, not the signal from W3",
                    "backward starts from a prediction of its own: here layer 2's error signal comes from above, "
                    "`d_prediction @ W3.T` times layer 2's slope, and goes on back through W2 to layer 1.",
                    lambda X, y, W1, b1, W2, b2, W3, b3: {**_two_hidden_variant(X, y, W1, b1, W2, b2, W3, b3),
                                                          **network.backward(X, y, W1, b1, W2, b2)}),
        ],
        hints=["Write the forward pass first, keeping every layer's output: hidden1, hidden2 and prediction. "
               "The backward pass needs them all.",
               "Backward is `backward` with one more turn of its two moves: from the output, back through W3 "
               "and layer 2's slope (that gives d_z2), then back through W2 and layer 1's slope (d_z1).",
               "Each weight's gradient is its input, transposed, times the error signal where it leads: W3 gets "
               "hidden2.T @ d_prediction, W2 gets hidden1.T times layer 2's signal, W1 gets X.T times layer "
               "1's. Each bias adds up its layer's signal over the houses."]),
    Exercise(
        "backward_layers", "06_deeper", deep.backward_layers, explain_raised=_layers_key_error,
        show=[network.sigmoid, deep.Activation, deep.squash, deep.slope, deep.forward_layers],
        # First a layer of one unit, where weights left untransposed still fit and go wrong one layer down.
        cases=lambda: [_layers_case(_rng(), (3, 2, 1, 1), 5), _layers_case(_rng(), (2, 3, 1), 4),
                       _layers_case(_rng(), (3, 4, 5, 1), 5), _layers_case(_rng(), (2, 4, 4, 4, 1), 6)],
        module=deep,
        shapes="Each gradient is shaped like its parameter: a layer's weights are (its inputs, its units) and "
               "its biases (its units,); the signal at a layer is (n, its units).",
        mistakes=[
            Mistake("sign flipped (y - prediction)", "Start from `prediction - y`, as in 05.",
                    lambda *args: _backward_layers_variant(*args, sign=-1)),
            Mistake("missing the factor 2", "The output's error signal is 2 (prediction − y) / n, as in 05.",
                    lambda *args: _backward_layers_variant(*args, factor=1)),
            Mistake("summed instead of averaged", "E is a mean over the n houses: divide the output's error "
                    "signal by n.", lambda *args: _backward_layers_variant(*args, average=False)),
            Mistake("forgot the activation's slope on the way down",
                    "After going back through the weights, multiply entry by entry by the slope of the layer "
                    "below, written with its output as in 05: `deep.slope(outputs[layer - 1])`.",
                    lambda *args: _backward_layers_variant(*args, slope="none")),
            *_also_past_layer_1(
                "took the slope of the layer the signal left (`outputs[layer]`), not of the layer below",
                "The signal is on its way to layer `layer - 1`: the slope is that layer's, written with its "
                "output `outputs[layer - 1]`.", slope="above"),
            Mistake("multiplied by the layer's own slope before going back through its weights",
                    "Going down, the signal first goes back through this layer's weights; the slope it meets "
                    "then is the one of the layer below, the layer it arrives at, `deep.slope(outputs[layer - 1])`.",
                    lambda *args: _backward_layers_variant(*args, slope="before weights")),
            Mistake("applied sigmoid_derivative to the hidden values",
                    "`network.sigmoid_derivative` takes z, not the output; written with the output h the slope "
                    "is h (1 − h): `deep.slope(outputs[layer - 1])`.",
                    lambda *args: _backward_layers_variant(*args, slope="sigmoid of h")),
            *_also_past_layer_1(
                "sent the signal down through the weights of the layer below",
                "The signal goes back through the weights it came forward through: this layer's own, "
                "`params[f\"W{layer}\"]`, transposed.", weights="below"),
            *_also_past_layer_1(
                "sent the signal down through the weights without transposing them",
                "Going back through a layer multiplies by its weights transposed (`.T`), as 05 did: shape (n, "
                "units) becomes (n, inputs).", transpose=False),
            Mistake("passed the signal down before making the layer's own gradients",
                    "A layer's gradients use the signal that reached that layer: make them first, then pass "
                    "the signal down.", lambda *args: _backward_layers_variant(*args, down_first=True)),
            Mistake("used the layer's own output, not what came into it, for the weights' gradient",
                    "What came into layer l is outputs[l - 1] (the inputs X for layer 1): the weights' "
                    "gradient is `outputs[layer - 1].T @ d_z`, shaped like the weights.",
                    lambda *args: _backward_layers_variant(*args, came_in="own")),
            Mistake("the weights' gradient came out transposed",
                    "What came in, transposed, times the error signal: shape (inputs, units), like the weights.",
                    lambda *args: _backward_layers_variant(*args, W_transposed=True)),
            Mistake("added up the bias's gradient over everything",
                    "Add up over the houses only, `d_z.sum(axis=0)`: one number per unit.",
                    lambda *args: _backward_layers_variant(*args, b_axis=None)),
            Mistake("averaged the bias's gradient over the houses (mean) instead of adding it up",
                    "The output's error signal has its / n already: add the signal up over the houses, as `@` "
                    "does for the weights.", lambda *args: _backward_layers_variant(*args, bias_mean=True)),
            Mistake("stopped one layer early: no gradients for W1 and b1",
                    "The loop runs down to the first layer, layer 1, included.",
                    lambda *args: _backward_layers_variant(*args, last=2)),
            Mistake("divided by n again on the way down",
                    "The output's error signal has its / n already; each layer passes it on without "
                    "averaging again.", lambda *args: _backward_layers_variant(*args, again=True)),
            Mistake("applied the sigmoid's slope at the output too",
                    "The last layer is a plain weighted sum, the price: its error signal is 2 (prediction − y) "
                    "/ n, with no slope.", lambda *args: _backward_layers_variant(*args, output_slope=True)),
        ],
        hints=["Run the forward pass first and keep every layer's output: "
               "`outputs = deep.forward_layers(X, params)`. Then `outputs[layer - 1]` is what came into layer "
               "`layer`, and `outputs[-1]` is the prediction.",
               "Start at the output with 05's error signal, the slope of the mean squared error for each "
               "prediction (mind the 2 and the n). Then count the layers down, from L (half the number of "
               "entries in `params`) to 1.",
               "Each time round, the layer's gradients first, as in 05: what came into the layer, transposed, "
               "times its error signal for the weights; the signal added up over the houses for the biases. "
               "Build the keys with f-strings, such as `f\"W{layer}\"`.",
               "Then, if there is a layer below, pass the signal down with 05's two moves: back through this "
               "layer's weights (transposed), then times the slope of the layer below, "
               "`deep.slope(outputs[layer - 1])`. Return the dict of every gradient."]),
    Exercise(
        "multiply_backward", "06_deeper", autodiff.multiply_backward,
        cases=lambda: [(3.0, -2.0, 0.5), (-0.69, 1.5, 0.2),
                       (np.array([1.0, 2.0, -3.0]), np.array([4.0, -1.0, 0.5]), np.array([0.1, -2.0, 3.0]))],
        mistakes=[
            Mistake("did not swap: each input got itself times the signal",
                    "Nudging a moves a * b by b per unit of a: a's gradient is b times d_out (multiply swaps "
                    "its inputs).", lambda a, b, d_out: (a * d_out, b * d_out)),
            Mistake("forgot the arriving signal d_out",
                    "The other input is only the local slope, one link of the chain: multiply it by `d_out`, "
                    "the gradient arriving from above.", lambda a, b, d_out: (b, a)),
            Mistake("passed the signal on unchanged, as add does",
                    "That is add's rule. For a * b each input's local slope is the other input: multiply "
                    "`d_out` by it.", lambda a, b, d_out: (d_out, d_out)),
            Mistake("gave both inputs the whole product times the signal",
                    "Each input gets the other input times `d_out`, not the product a * b.",
                    lambda a, b, d_out: (a * b * d_out, a * b * d_out)),
            Mistake("returned one number, the two gradients added",
                    "Return a pair, one gradient per input, a's first.",
                    lambda a, b, d_out: b * d_out + a * d_out),
            Mistake("gave both inputs the same gradient",
                    "Each input gets the other input times `d_out`: a's gradient is made with b, b's with a.",
                    lambda a, b, d_out: (b * d_out, b * d_out)),
            Mistake("gave both inputs the same gradient",
                    "Each input gets the other input times `d_out`: a's gradient is made with b, b's with a.",
                    lambda a, b, d_out: (a * d_out, a * d_out)),
            Mistake("multiplied the pair `(b, a)` by d_out in one go",
                    "A tuple does not multiply entry by entry (and numpy makes one array of it): multiply each "
                    "gradient by `d_out` on its own, then return the pair.", lambda a, b, d_out: (b, a) * d_out),
            *[Mistake("used a matrix product (`@`, np.matmul) where multiply works entry by entry",
                      "a * b multiplies entry by entry (numbers, or arrays of one shape), and so does its rule: "
                      "`*`.", make) for make in (lambda a, b, d_out: (b @ d_out, a @ d_out),
                                                  lambda a, b, d_out: (np.matmul(b, d_out), np.matmul(a, d_out)))],
            Mistake("added up each gradient over the entries: one number per input",
                    "Each entry of a gets its own gradient, the entry of b at the same place times d_out's: the "
                    "gradient is shaped like its input.", lambda a, b, d_out: (np.sum(b * d_out), np.sum(a * d_out))),
            Mistake("doubled the gradients, as for a square (e · e)",
                    "E = e · e uses e twice, and its two signals add up to 2e · d_out; a * b with two different "
                    "inputs sends each one only the other input times d_out.",
                    lambda a, b, d_out: (2 * b * d_out, 2 * a * d_out)),
            Mistake("divided the signal by each input",
                    "Multiply instead, by the other input: nudging a moves a * b by b per unit of a.",
                    lambda a, b, d_out: (d_out / a, d_out / b)),
        ],
        hints=["Nudge a by a little while b stays put: by how much does a * b move, per unit of a?",
               "That slope is the rule's local factor. The chain rule multiplies it by the gradient arriving "
               "at the output, `d_out`.",
               "So each input's gradient is the other input times `d_out`: multiply swaps its inputs. Return "
               "the two as a pair, a's first."]),
    Exercise(
        "backward_tape", "06_deeper", autodiff.backward_tape,
        cases=_tape_cases, explain_raised=_tape_key_error, judged_as=_gradients_of_this_tape,
        mistakes=[
            Mistake("overwrote the gradient where paths meet: `=` where `+=` belongs",
                    "A value used twice (e in E = e · e, a weight shared by two houses, a unit feeding two "
                    "outputs) gets a signal along each path: add each one to what it has already, do not "
                    "replace it.", lambda tape, values: _tape_variant(tape, values, meet="overwrite")),
            Mistake("kept only the first signal to reach a value",
                    "Every signal that reaches a value counts: add each one to what it has already.",
                    lambda tape, values: _tape_variant(tape, values, meet="first")),
            Mistake("walked the tape forwards, from the first operation",
                    "Backprop starts at E: walk the tape from its end (`reversed(tape)`), so that each output's "
                    "gradient is complete before its rule sends it on.",
                    lambda tape, values: _tape_variant(tape, values, forwards=True)),
            Mistake("started E's gradient at 0: nothing to send back",
                    "dE/dE = 1: start the last output's gradient at 1, every other at 0.",
                    lambda tape, values: _tape_variant(tape, values, start=0.0)),
            Mistake("started E's gradient at E's value instead of 1", "dE/dE = 1, whatever E is.",
                    lambda tape, values: _tape_variant(tape, values, start="E")),
            Mistake("gave only E a gradient before the walk, then added to gradients that did not exist yet",
                    "Adding to a value's gradient needs one to be there: start every value's gradient at 0 "
                    "(and E's at 1) before the walk, or start each one the first time a signal reaches it.",
                    lambda tape, values: _tape_variant(tape, values, started="only E")),
            Mistake("gave no value a gradient before the walk, not even E",
                    "The walk reads E's gradient first: start it at 1 (dE/dE = 1), and every other value's at 0.",
                    lambda tape, values: _tape_variant(tape, values, started="nothing")),
            Mistake("started every value's gradient at 1, not only E's",
                    "Only E's gradient starts at 1 (dE/dE = 1); every other value's starts at 0 and is made of "
                    "the signals that reach it.", lambda tape, values: _tape_variant(tape, values,
                                                                                     started="every value at 1")),
            Mistake("started each gradient at the value itself, not at 0",
                    "A gradient is made of the signals that reach a value, and before the walk none has: every "
                    "value's gradient starts at 0 (E's at 1), whatever the value is.",
                    lambda tape, values: _tape_variant(tape, values, started="values")),
            Mistake("every value's gradient is one and the same array, changed in place",
                    "`dict.fromkeys` with an array puts the very same array under every name, and `+=` changes "
                    "it in place, for all of them: give each name its own 0.",
                    lambda tape, values: _tape_variant(tape, values, started="one shared array",
                                                       meet="add in place")),
            Mistake("gathered an operation's signals in a dict by input name: e in e · e gets one of its two",
                    "An operation can use a value twice (E = e · e): it sends a signal along each use, and both "
                    "count. Add each signal as it comes, going through the inputs and the signals in pairs.",
                    lambda tape, values: _tape_variant(tape, values, meet="dict")),
            Mistake("the walk stopped before the first operation on the tape",
                    "Walk every operation, the first one included: `reversed(tape)` goes through them all, from "
                    "the last to the first.", lambda tape, values: _tape_variant(tape, values, skip_first=True)),
            Mistake("gave the rule d_out first",
                    "A rule takes its inputs' values first, in the order of the tape, and the gradient arriving "
                    "at its output, d_out, last.", lambda tape, values: _tape_variant(tape, values,
                                                                                      d_out_first=True)),
            Mistake("looked the inputs up with the whole tuple of names, `values[inputs]`",
                    "`inputs` is a tuple of names, one per input: look each one up in `values` on its own.",
                    lambda tape, values: _tape_variant(tape, values, looked_up="tuple")),
            Mistake("took every rule to have two inputs: sigmoid's has one",
                    "A rule returns one gradient per input, in a tuple (sigmoid's holds one): pair them with the "
                    "inputs' names, which `zip` does for any number.",
                    lambda tape, values: _tape_variant(tape, values, two_inputs=True)),
            Mistake("gave each rule the inputs' names instead of their values",
                    "The tape holds names; a rule calculates with numbers: look each input's value up in "
                    "`values` by its name.", lambda tape, values: _tape_variant(tape, values, rule_gets="names")),
            Mistake("sent each output's gradient to its inputs unchanged, without the local rule",
                    "Each operation has its own rule: call it with the inputs' values and the output's "
                    "gradient, and it returns one gradient per input.",
                    lambda tape, values: _tape_variant(tape, values, rule=False)),
            Mistake("gave each rule the output's value instead of its gradient",
                    "A rule's last argument is the gradient arriving at its output, the slope of E with "
                    "respect to the output, not the output's value.",
                    lambda tape, values: _tape_variant(tape, values, d_out="value")),
        ],
        hints=["Begin with a gradient of 0 for every value in `values`, and 1 for E, the output of the last "
               "operation on the tape: dE/dE = 1.",
               "Walk the tape from its last operation to its first (`reversed(tape)`). Each entry is a triple: "
               "the output's name, the operation's rule, and the tuple of its inputs' names.",
               "For each operation, call its rule with the values of its inputs and then the gradient of its "
               "output; it returns one gradient per input, in the order of the inputs.",
               "A value used twice (e in E = e · e) receives one gradient from each use: add each to what it "
               "has so far. Return the dict of every value's gradient."]),
    Exercise(
        "matmul_backward", "06_deeper", autodiff.matmul_backward,
        cases=lambda: [tuple(_rng().normal(size=shape) for shape in ((3, 2), (2, 4), (3, 4))),
                       tuple(_rng().normal(size=shape) for shape in ((1, 3), (3, 1), (1, 1))),
                       tuple(_rng().normal(size=shape) for shape in ((4, 3), (3, 3), (4, 3)))],
        shapes="A's gradient is shaped like A, (n, k), and B's like B, (k, m); d_out is shaped like A @ B, "
               "(n, m).",
        mistakes=_matmul_mistakes(),
        hints=["It is multiply's swap in matrix form: A's gradient is made from B and `d_out`, B's from A and "
               "`d_out`.",
               "Let the shapes decide. `d_out` is (n, m) and B is (k, m); A's gradient must be (n, k), like A. "
               "Which product of the two, with one of them transposed, is (n, k)?",
               "The same for B's gradient, (k, m), made from A, (n, k), and `d_out`, (n, m). Return the pair, "
               "A's first."]),
    Exercise(
        "topological_order", "06_deeper", autodiff.topological_order,
        cases=_graph_cases, judged_as=_gradients_in_order,
        what="walked backwards in your order, grads",
        mistakes=[
            Mistake("listed the root before the tensors it was computed from",
                    "E.backward() walks your order from its end, so the root must come last, after everything it "
                    "was computed from. If you reversed the order, as micrograd's backward does, leave that to "
                    "E.backward(): return it inputs first.",
                    lambda root: _order_variant(root, before_parents=True)),
            Mistake("listed a tensor used twice two times",
                    "Keep a set of the tensors already listed (their `id`) and skip those: backward would "
                    "apply their rule twice.", lambda root: _order_variant(root, once=False)),
            Mistake("listed only the root and its parents, not their parents",
                    "Visit the parents' parents too, all the way down to the inputs: a function that calls "
                    "itself on each parent does it.", lambda root: [*root.parents, root]),
            Mistake("walked breadth first from the root and reversed the list",
                    "Breadth first lists a tensor when the shortest path reaches it, so a tensor also reached by "
                    "a longer path (a skip connection) can come before its parents. Go depth first: list a "
                    "tensor's parents, all the way down, before the tensor.", _breadth_first_reversed),
            Mistake("walked depth first with a stack, listing each tensor when first met, and reversed the list",
                    "A tensor met early along one path can still be an input of one met later along another (a "
                    "skip connection). List a tensor only after all its parents: a function that calls itself on "
                    "each parent, then appends, does it.", _depth_first_reversed),
            Mistake("walked depth first with a stack, listing each tensor when first met, and reversed the list",
                    "A tensor met early along one path can still be an input of one met later along another (a "
                    "skip connection). List a tensor only after all its parents: a function that calls itself on "
                    "each parent, then appends, does it.", lambda root: _depth_first_reversed(root, flip=True)),
            *[Mistake("appended the tensor inside the loop over its parents: once per parent",
                      "Append a tensor once, after the loop over its parents has run (one indent less), so that "
                      "it comes after all of them, and the inputs, which have none, are listed too.",
                      lambda root, inputs=inputs: _appended_per_parent(root, inputs)) for inputs in (False, True)],
            Mistake("left out the root itself", "The root, E, belongs in the list too, last.",
                    lambda root: _order_variant(root, with_root=False)),
            Mistake("remembered the visited tensors by their name",
                    "Most tensors have no name (a tensor made by `+` or `@` has none unless it is given one), "
                    "and two can share one: after the first unnamed tensor, every other looks visited. Remember "
                    "the tensors themselves, by their `id`.", _by_name),
            Mistake("kept the visited tensors from one call to the next: a default argument such as "
                    "`seen=set()`", FROM_AN_EARLIER_CALL,
                    lambda root: [tensor for tensor in autodiff.topological_order(root)
                                  if all(tensor is not seen for seen in _remembered(root))]),
            Mistake("kept the list from one call to the next: a default argument such as `order=[]`",
                    FROM_AN_EARLIER_CALL,
                    lambda root: _remembered(root) + autodiff.topological_order(root)),
            Mistake("left out the inputs, the tensors with no parents",
                    "List every tensor, the inputs too: E.backward() gives a .grad only to the tensors in the "
                    "order, and the inputs' gradients are the ones training needs.",
                    lambda root: [tensor for tensor in _order_variant(root) if tensor.parents]),
        ],
        hints=["Every tensor has `.parents`, the tensors it was computed from (none for an input). Before you "
               "list a tensor, list its parents, and their parents, and so on: a small function that calls "
               "itself on each parent does it.",
               "A tensor used twice (e in E = e · e) must be listed once: keep a set of the ones already "
               "visited. Keep their `id` in it, a number that names each object.",
               "Append a tensor only after the loop over its parents has run. Then every tensor comes after "
               "everything it was computed from, and the root comes last.",
               "To see your order, try it on the stepper's house: `E = widgets_deeper.one_house_graph()`, then "
               "`[tensor.name for tensor in topological_order(E)]`."]),
]
