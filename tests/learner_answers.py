"""Wrong answers a learner really writes, one function each, written as a learner would write them in
the notebook (with the names that notebook has), and independently of the exercises' mistake tables.
test_learner_answers.py checks that each one fails and that check() names the mistake for nearly all."""
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from course_utils import network


@dataclass
class WrongAnswer:
    exercise_id: str
    description: str
    fn: Callable


def registrar(answers):
    """A decorator, wrong(exercise_id, description), that adds the function below to the list answers."""
    def wrong(exercise_id, description):
        def register(fn):
            answers.append(WrongAnswer(exercise_id, description, fn))
            return fn
        return register
    return wrong


ANSWERS = []  # both batches
LATER = []    # the second batch, written after the mistake tables had grown for the first


def wrong(exercise_id, description, later=False):
    """Register the function below as a wrong answer to exercise_id."""
    def register(fn):
        ANSWERS.append(WrongAnswer(exercise_id, description, fn))
        if later:
            LATER.append(ANSWERS[-1])
        return fn
    return register


# --- 01 error ----------------------------------------------------------------------------------------

@wrong("error", "actual minus prediction")
def error_backwards(prediction, actual):
    return actual - prediction


@wrong("error", "absolute value")
def error_abs(prediction, actual):
    return abs(prediction - actual)


@wrong("error", "square root of the square (an absolute value in disguise)")
def error_root_of_square(prediction, actual):
    return np.sqrt((prediction - actual) ** 2)


@wrong("error", "squared")
def error_squared(prediction, actual):
    difference = prediction - actual
    return difference * difference


@wrong("error", "relative error, as a fraction of the price")
def error_relative(prediction, actual):
    return (prediction - actual) / actual


@wrong("error", "averaged over the houses")
def error_mean(prediction, actual):
    return np.mean(prediction - actual)


@wrong("error", "printed instead of returned")
def error_printed(prediction, actual):
    print(prediction - actual)


# --- 01 mse ------------------------------------------------------------------------------------------

@wrong("mse", "square of the mean error")
def mse_square_of_mean(predictions, actuals):
    return np.mean(predictions - actuals) ** 2


@wrong("mse", "sum of squares, not divided")
def mse_sum(predictions, actuals):
    total = 0
    for p, a in zip(predictions, actuals):
        total += (p - a) ** 2
    return total


@wrong("mse", "mean of the errors, not squared")
def mse_not_squared(predictions, actuals):
    return float(np.mean(predictions - actuals))


@wrong("mse", "mean absolute error")
def mse_abs(predictions, actuals):
    return np.mean(np.abs(predictions - actuals))


@wrong("mse", "root mean squared error")
def mse_root(predictions, actuals):
    return np.sqrt(np.mean((predictions - actuals) ** 2))


@wrong("mse", "divided by n - 1")
def mse_n_minus_1(predictions, actuals):
    return np.sum((predictions - actuals) ** 2) / (len(predictions) - 1)


@wrong("mse", "the squared errors, not their mean")
def mse_no_mean(predictions, actuals):
    return (predictions - actuals) ** 2


@wrong("mse", "* 2 for ** 2")
def mse_times_two(predictions, actuals):
    return np.mean((predictions - actuals) * 2)


@wrong("mse", "difference of squares")
def mse_difference_of_squares(predictions, actuals):
    return np.mean(predictions ** 2 - actuals ** 2)


@wrong("mse", "missing parentheses: p - a ** 2")
def mse_precedence(predictions, actuals):
    return np.mean(predictions - actuals ** 2)


@wrong("mse", "halved")
def mse_half(predictions, actuals):
    return np.mean((predictions - actuals) ** 2) / 2


# --- 02 gradient_step --------------------------------------------------------------------------------

@wrong("gradient_step", "update sign flipped")
def step_uphill(w, grad, alpha):
    return w + alpha * grad


@wrong("gradient_step", "alpha ignored")
def step_no_alpha(w, grad, alpha):
    return w - grad


@wrong("gradient_step", "divided by alpha")
def step_divided(w, grad, alpha):
    return w - grad / alpha


@wrong("gradient_step", "returned only the step")
def step_only(w, grad, alpha):
    return alpha * grad


@wrong("gradient_step", "returned the negative step, without w")
def step_only_negative(w, grad, alpha):
    step = -alpha * grad
    return step


@wrong("gradient_step", "w -= in place")
def step_in_place(w, grad, alpha):
    w -= alpha * grad
    return w


@wrong("gradient_step", "float() around an array")
def step_float(w, grad, alpha):
    return float(w - alpha * grad)


# --- 02 gradient_descent -----------------------------------------------------------------------------

@wrong("gradient_descent", "gradient taken at the start point every step")
def descent_gradient_at_start(grad_fn, w0, alpha, steps):
    weights = [w0]
    w = w0
    for _ in range(steps):
        w = w - alpha * grad_fn(w0)
        weights.append(w)
    return np.array(weights)


@wrong("gradient_descent", "steps weights instead of steps + 1 (w0 left out)")
def descent_without_w0(grad_fn, w0, alpha, steps):
    weights = []
    w = w0
    for _ in range(steps):
        w = w - alpha * grad_fn(w)
        weights.append(w)
    return np.array(weights)


@wrong("gradient_descent", "steps weights instead of steps + 1 (one step short)")
def descent_one_short(grad_fn, w0, alpha, steps):
    weights = [w0]
    for _ in range(steps - 1):
        weights.append(weights[-1] - alpha * grad_fn(weights[-1]))
    return np.array(weights)


@wrong("gradient_descent", "one step too many")
def descent_one_more(grad_fn, w0, alpha, steps):
    weights = [w0]
    for _ in range(steps + 1):
        weights.append(weights[-1] - alpha * grad_fn(weights[-1]))
    return np.array(weights)


@wrong("gradient_descent", "update sign flipped")
def descent_uphill(grad_fn, w0, alpha, steps):
    weights = [w0]
    for _ in range(steps):
        weights.append(weights[-1] + alpha * grad_fn(weights[-1]))
    return np.array(weights)


@wrong("gradient_descent", "alpha ignored")
def descent_no_alpha(grad_fn, w0, alpha, steps):
    weights = [w0]
    for _ in range(steps):
        weights.append(weights[-1] - grad_fn(weights[-1]))
    return np.array(weights)


@wrong("gradient_descent", "returned the last weight")
def descent_last_only(grad_fn, w0, alpha, steps):
    w = w0
    for _ in range(steps):
        w = w - alpha * grad_fn(w)
    return w


@wrong("gradient_descent", "one array changed in place and appended every step")
def descent_aliased(grad_fn, w0, alpha, steps):
    w = np.array(w0, dtype=float)
    weights = [w]
    for _ in range(steps):
        w -= alpha * grad_fn(w)
        weights.append(w)
    return np.array(weights)


# --- 03 numerical_derivative -------------------------------------------------------------------------

@wrong("numerical_derivative", "operator precedence: / 2 * h")
def derivative_precedence(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2 * h


@wrong("numerical_derivative", "one-sided forward difference")
def derivative_forward(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


@wrong("numerical_derivative", "one-sided backward difference")
def derivative_backward(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h


@wrong("numerical_derivative", "divided by h, not 2h")
def derivative_over_h(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h


@wrong("numerical_derivative", "h hard-coded")
def derivative_fixed_h(f, x, h=1e-5):
    step = 0.00001
    return (f(x + step) - f(x - step)) / (2 * step)


@wrong("numerical_derivative", "missing parentheses around the difference")
def derivative_no_parentheses(f, x, h=1e-5):
    return f(x + h) - f(x - h) / (2 * h)


@wrong("numerical_derivative", "forgot to divide by h")
def derivative_no_h(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2


@wrong("numerical_derivative", "subtracted the wrong way round")
def derivative_backwards(f, x, h=1e-5):
    return (f(x - h) - f(x + h)) / (2 * h)


# --- 03 numerical_gradient ---------------------------------------------------------------------------

@wrong("numerical_gradient", "entry not restored, on a copy")
def gradient_not_restored(f, w, h=1e-5):
    w = w.astype(float)
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        w[i] += h
        f_up = f(w)
        w[i] -= 2 * h
        f_down = f(w)
        grad[i] = (f_up - f_down) / (2 * h)
    return grad


@wrong("numerical_gradient", "entry not restored, on the caller's array")
def gradient_changes_input(f, w, h=1e-5):
    grad = np.zeros(w.shape)
    for i in np.ndindex(w.shape):
        w[i] += h
        f_up = f(w)
        w[i] -= 2 * h
        f_down = f(w)
        grad[i] = (f_up - f_down) / (2 * h)
    return grad


@wrong("numerical_gradient", "one-sided differences")
def gradient_one_sided(f, w, h=1e-5):
    grad = np.zeros(w.shape)
    for i in np.ndindex(w.shape):
        up = w.copy()
        up[i] += h
        grad[i] = (f(up) - f(w)) / h
    return grad


@wrong("numerical_gradient", "divided by h, not 2h")
def gradient_over_h(f, w, h=1e-5):
    grad = np.zeros(w.shape)
    for i in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / h
    return grad


@wrong("numerical_gradient", "nudged every entry at once")
def gradient_all_at_once(f, w, h=1e-5):
    return (f(w + h) - f(w - h)) / (2 * h)


@wrong("numerical_gradient", "looped over rows with range(len(w))")
def gradient_rows(f, w, h=1e-5):
    grad = np.zeros(w.shape)
    for i in range(len(w)):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


@wrong("numerical_gradient", "h hard-coded")
def gradient_fixed_h(f, w, h=1e-5):
    grad = np.zeros(w.shape)
    for i in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[i] += 1e-5
        down[i] -= 1e-5
        grad[i] = (f(up) - f(down)) / 2e-5
    return grad


# --- 04 dot ------------------------------------------------------------------------------------------

@wrong("dot", "sum(a * b) shortcut")
def dot_sum_shortcut(a, b):
    return sum(np.array(a) * np.array(b))


@wrong("dot", "np.dot")
def dot_np_dot(a, b):
    return np.dot(a, b)


@wrong("dot", "@ on arrays")
def dot_matmul(a, b):
    return np.array(a) @ np.array(b)


@wrong("dot", "sum over a generator")
def dot_generator_sum(a, b):
    return sum(x * y for x, y in zip(a, b))


@wrong("dot", "product of the sums")
def dot_product_of_sums(a, b):
    total_a, total_b = 0, 0
    for i in range(len(a)):
        total_a += a[i]
        total_b += b[i]
    return total_a * total_b


@wrong("dot", "the products, not added up")
def dot_products(a, b):
    products = []
    for x, y in zip(a, b):
        products.append(x * y)
    return products


@wrong("dot", "added the pairs")
def dot_added(a, b):
    total = 0
    for x, y in zip(a, b):
        total += x + y
    return total


@wrong("dot", "return inside the loop")
def dot_return_in_loop(a, b):
    total = 0
    for i in range(len(a)):
        total += a[i] * b[i]
        return total


@wrong("dot", "= for +=")
def dot_last_product(a, b):
    total = 0
    for x, y in zip(a, b):
        total = x * y
    return total


@wrong("dot", "range(1, len(a)) skips the first pair")
def dot_from_one(a, b):
    total = 0
    for i in range(1, len(a)):
        total += a[i] * b[i]
    return total


@wrong("dot", "range(len(a) - 1) skips the last pair")
def dot_short(a, b):
    total = 0
    for i in range(len(a) - 1):
        total += a[i] * b[i]
    return total


# --- 04 predict_linear -------------------------------------------------------------------------------

@wrong("predict_linear", "X @ w without + b")
def predict_no_bias(X, w, b):
    return X @ w


@wrong("predict_linear", "w @ X")
def predict_w_at_X(X, w, b):
    return w @ X + b


@wrong("predict_linear", "X.T @ w")
def predict_transposed(X, w, b):
    return X.T @ w + b


@wrong("predict_linear", "X * w, entry by entry")
def predict_elementwise(X, w, b):
    return X * w + b


@wrong("predict_linear", "sum(X * w) adds up the columns")
def predict_column_sums(X, w, b):
    return sum(X * w) + b


@wrong("predict_linear", "a column (n, 1)")
def predict_column(X, w, b):
    return X @ w.reshape(-1, 1) + b


@wrong("predict_linear", "times b")
def predict_times_b(X, w, b):
    return X @ w * b


@wrong("predict_linear", "a loop over the features instead of the houses")
def predict_loop_features(X, w, b):
    predictions = []
    for i in range(len(w)):
        predictions.append(X[i] @ w + b)
    return np.array(predictions)


# --- 04 mse_gradient ---------------------------------------------------------------------------------

@wrong("mse_gradient", "without the 2")
def gradient_no_two(X, y, w, b):
    r = X @ w + b - y
    return X.T @ r / len(y), np.mean(r)


@wrong("mse_gradient", "without / n")
def gradient_no_mean(X, y, w, b):
    r = X @ w + b - y
    return 2 * X.T @ r, 2 * np.sum(r)


@wrong("mse_gradient", "sign flipped")
def gradient_sign(X, y, w, b):
    r = y - (X @ w + b)
    return 2 * X.T @ r / len(y), 2 * np.mean(r)


@wrong("mse_gradient", "forgot b in the residual")
def gradient_no_bias(X, y, w, b):
    r = X @ w - y
    return 2 * X.T @ r / len(y), 2 * np.mean(r)


@wrong("mse_gradient", "X @ r instead of X.T @ r")
def gradient_X_at_r(X, y, w, b):
    r = X @ w + b - y
    return 2 * X @ r / len(y), 2 * np.mean(r)


@wrong("mse_gradient", "returned only dw")
def gradient_only_dw(X, y, w, b):
    r = X @ w + b - y
    return 2 * X.T @ r / len(y)


@wrong("mse_gradient", "db summed, dw averaged")
def gradient_db_summed(X, y, w, b):
    r = X @ w + b - y
    return 2 * X.T @ r / len(y), 2 * np.sum(r)


@wrong("mse_gradient", "averaged twice")
def gradient_averaged_twice(X, y, w, b):
    n = len(y)
    r = X @ w + b - y
    return 2 * X.T @ r / n / n, 2 * np.mean(r) / n


@wrong("mse_gradient", "mean over every entry of X.T * r")
def gradient_mean_everything(X, y, w, b):
    r = X @ w + b - y
    return 2 * np.mean(X.T * r), 2 * np.mean(r)


# --- 05 sigmoid_derivative ---------------------------------------------------------------------------

@wrong("sigmoid_derivative", "the formula applied to z instead of sigma(z)")
def slope_of_z(z):
    return z * (1 - z)


@wrong("sigmoid_derivative", "the sigmoid applied twice (the slope formula fed sigma(z) as if it were z)")
def slope_sigmoid_twice(z):
    s = network.sigmoid(z)
    t = network.sigmoid(s)
    return t * (1 - t)


@wrong("sigmoid_derivative", "tanh's slope")
def slope_tanh(z):
    return 1 - np.tanh(z) ** 2


@wrong("sigmoid_derivative", "returned the sigmoid")
def slope_sigmoid_itself(z):
    return 1 / (1 + np.exp(-z))


@wrong("sigmoid_derivative", "e^-z / (1 + e^-z), the square forgotten")
def slope_no_square(z):
    return np.exp(-z) / (1 + np.exp(-z))


@wrong("sigmoid_derivative", "s * (1 + s)")
def slope_plus(z):
    s = network.sigmoid(z)
    return s * (1 + s)


@wrong("sigmoid_derivative", "1 / 1 + np.exp(-z): missing parentheses")
def slope_precedence(z):
    s = 1 / 1 + np.exp(-z)
    return s * (1 - s)


@wrong("sigmoid_derivative", "math.exp on an array")
def slope_math_exp(z):
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


# --- 05 forward --------------------------------------------------------------------------------------

@wrong("forward", "no sigmoid")
def forward_no_sigmoid(X, W1, b1, W2, b2):
    hidden = X @ W1 + b1
    return hidden, hidden @ W2 + b2


@wrong("forward", "a sigmoid on the output too")
def forward_sigmoid_output(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, network.sigmoid(hidden @ W2 + b2)


@wrong("forward", "forgot b1")
def forward_no_b1(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1)
    return hidden, hidden @ W2 + b2


@wrong("forward", "forgot b2")
def forward_no_b2(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, hidden @ W2


@wrong("forward", "b1 added after the sigmoid")
def forward_bias_after(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1) + b1
    return hidden, hidden @ W2 + b2


@wrong("forward", "returned only the prediction")
def forward_prediction_only(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden @ W2 + b2


@wrong("forward", "the pair in the wrong order")
def forward_swapped(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden @ W2 + b2, hidden


@wrong("forward", "W1 @ X")
def forward_W1_at_X(X, W1, b1, W2, b2):
    hidden = network.sigmoid(W1 @ X + b1)
    return hidden, hidden @ W2 + b2


@wrong("forward", "tanh for sigmoid")
def forward_tanh(X, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    return hidden, hidden @ W2 + b2


@wrong("forward", "flat prediction (n,)")
def forward_flat(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, (hidden @ W2 + b2).ravel()


@wrong("forward", "own sigmoid with missing parentheses")
def forward_precedence(X, W1, b1, W2, b2):
    hidden = 1 / 1 + np.exp(-(X @ W1 + b1))
    return hidden, hidden @ W2 + b2


# --- 05 backward -------------------------------------------------------------------------------------

def _forward(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, hidden @ W2 + b2


@wrong("backward", "forgot the activation slope")
def backward_no_slope(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = d_prediction @ W2.T
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "d_prediction * W2, broadcasting instead of @ W2.T")
def backward_broadcast(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction * W2
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "averaged twice")
def backward_averaged_twice(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z / len(y), "b1": d_z.mean(axis=0),
            "W2": hidden.T @ d_prediction / len(y), "b2": d_prediction.mean(axis=0)}


@wrong("backward", "sign flipped")
def backward_sign(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (y - prediction) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "no factor 2")
def backward_no_two(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "not averaged")
def backward_not_averaged(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "the sigmoid's slope taken of the hidden values")
def backward_slope_of_hidden(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * network.sigmoid_derivative(hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "z * (1 - z) for the slope")
def backward_slope_z(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = network.sigmoid(z)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * z * (1 - z)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "b1's gradient summed over everything")
def backward_b1_total(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": np.sum(d_z), "W2": hidden.T @ d_prediction, "b2": np.sum(d_prediction)}


@wrong("backward", "b1's gradient summed over the wrong axis")
def backward_b1_axis(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=1), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "W2's gradient transposed")
def backward_W2_transposed(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_prediction.T @ hidden, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "a list instead of a dict")
def backward_list(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return [X.T @ d_z, d_z.sum(axis=0), hidden.T @ d_prediction, d_prediction.sum(axis=0)]


@wrong("backward", "keys named dW1, db1, ...")
def backward_keys(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"dW1": X.T @ d_z, "db1": d_z.sum(axis=0), "dW2": hidden.T @ d_prediction,
            "db2": d_prediction.sum(axis=0)}


@wrong("backward", "(n,) against (n, 1): the prediction flattened")
def backward_flat_prediction(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction.ravel() - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "X @ d_z for W1's gradient")
def backward_X_at_dz(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


# --- The second batch: written after the mistake tables had grown for the answers above ----------------

@wrong("error", "an if that picks the larger number first", later=True)
def error_larger_first(prediction, actual):
    if prediction > actual:
        return prediction - actual
    return actual - prediction


@wrong("error", "int() around the error", later=True)
def error_int(prediction, actual):
    return int(prediction - actual)


@wrong("mse", "the variance of the errors", later=True)
def mse_variance(predictions, actuals):
    return np.var(predictions - actuals)


@wrong("mse", "the length of the error vector", later=True)
def mse_norm(predictions, actuals):
    return np.linalg.norm(predictions - actuals)


@wrong("mse", "mean times n", later=True)
def mse_mean_times_n(predictions, actuals):
    return ((predictions - actuals) ** 2).mean() * len(predictions)


@wrong("gradient_step", "the step minus w", later=True)
def step_reversed(w, grad, alpha):
    return alpha * grad - w


@wrong("gradient_step", "assigned, never returned", later=True)
def step_no_return(w, grad, alpha):
    new_w = w - alpha * grad  # noqa: F841


@wrong("gradient_descent", "appended the slope instead of the weight", later=True)
def descent_appends_slope(grad_fn, w0, alpha, steps):
    weights = [w0]
    w = w0
    for _ in range(steps):
        slope = grad_fn(w)
        w = w - alpha * slope
        weights.append(slope)
    return np.array(weights)


@wrong("gradient_descent", "w -= on the caller's w0", later=True)
def descent_changes_w0(grad_fn, w0, alpha, steps):
    w = w0
    weights = [w0 * 1.0]
    for _ in range(steps):
        w -= alpha * grad_fn(w)
        weights.append(w * 1.0)
    return np.array(weights)


@wrong("numerical_derivative", "plus instead of minus", later=True)
def derivative_plus(f, x, h=1e-5):
    return (f(x + h) + f(x - h)) / (2 * h)


@wrong("numerical_derivative", "two slips: no parentheses anywhere", later=True)
def derivative_no_parentheses_at_all(f, x, h=1e-5):
    return f(x + h) - f(x - h) / 2 * h


@wrong("numerical_gradient", "range(w.size) indexing a 2-D w", later=True)
def gradient_size_loop(f, w, h=1e-5):
    grad = np.zeros(w.shape)
    for i in range(w.size):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


@wrong("dot", "nested loops", later=True)
def dot_nested(a, b):
    total = 0
    for x in a:
        for y in b:
            total += x * y
    return total


@wrong("dot", "*= from 0", later=True)
def dot_times_equals(a, b):
    total = 0
    for x, y in zip(a, b):
        total *= x * y
    return total


@wrong("predict_linear", "np.dot(w, X)", later=True)
def predict_np_dot_w_X(X, w, b):
    return np.dot(w, X) + b


@wrong("predict_linear", "(X * w).sum() over everything", later=True)
def predict_total(X, w, b):
    return (X * w).sum() + b


@wrong("mse_gradient", "one number per house instead of per weight", later=True)
def gradient_per_house(X, y, w, b):
    r = X @ w + b - y
    return 2 * np.mean(X * r[:, None], axis=1), 2 * np.mean(r)


@wrong("mse_gradient", "divided by the number of features", later=True)
def gradient_over_d(X, y, w, b):
    r = X @ w + b - y
    return 2 * X.T @ r / len(X[0]), 2 * np.mean(r)


@wrong("mse_gradient", "the pair the wrong way round", later=True)
def gradient_swapped(X, y, w, b):
    r = X @ w + b - y
    return 2 * np.mean(r), 2 * X.T @ r / len(y)


@wrong("sigmoid_derivative", "s * 1 - s", later=True)
def slope_precedence_times(z):
    s = network.sigmoid(z)
    return s * 1 - s


@wrong("sigmoid_derivative", "the square in the wrong place", later=True)
def slope_square_misplaced(z):
    return np.exp(-z) / (1 + np.exp(-z) ** 2)


@wrong("forward", "a sigmoid on the hidden values again for the output", later=True)
def forward_sigmoid_twice(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, network.sigmoid(hidden) @ W2 + b2


@wrong("forward", "W2.T", later=True)
def forward_W2_transposed(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, hidden @ W2.T + b2


@wrong("forward", "b1 at the output", later=True)
def forward_b1_at_output(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, hidden @ W2 + b1


@wrong("forward", "sigmoid, as in the old hint (not defined in 05)", later=True)
def forward_undefined_sigmoid(X, W1, b1, W2, b2):
    hidden = sigmoid(X @ W1 + b1)  # noqa: F821
    return hidden, hidden @ W2 + b2


@wrong("backward", "W1's gradient from d_hidden, not d_z", later=True)
def backward_W1_from_d_hidden(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_hidden, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "averaged only W2 and b2", later=True)
def backward_half_averaged(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction / len(y),
            "b2": d_prediction.mean(axis=0)}


@wrong("backward", "W2.T @ d_prediction", later=True)
def backward_wrong_order(X, y, W1, b1, W2, b2):
    hidden, prediction = _forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = W2.T @ d_prediction
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward", "its own forward pass without b1", later=True)
def backward_forward_without_b1(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


# --- 06: wrong answers, in 06's names (deep, network, autodiff) -------------------------------------------

from course_utils import deep  # noqa: E402  (06's answers use it; the ones above need only network)


@wrong("backward_layers", "forgot the slope on the way down")
def layers_no_slope(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        d_z = d_z @ params[f"W{layer}"].T
    return grads


@wrong("backward_layers", "the weights of the layer below")
def layers_weights_below(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            h = outputs[layer - 1]
            d_z = d_z @ params[f"W{layer - 1}"].T * h * (1 - h)
    return grads


@wrong("backward_layers", "passed the signal down first")
def layers_down_first(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        if layer > 1:
            h = outputs[layer - 1]
            d_z = (d_z @ params[f"W{layer}"].T) * h * (1 - h)
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
    return grads


@wrong("backward_layers", "range(L, 1, -1): no layer 1")
def layers_stop_early(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 1, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "the slope of the output squashed in too")
def layers_output_slope(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    prediction = outputs[-1]
    d_z = 2 * (prediction - y) / len(y) * prediction * (1 - prediction)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "network.sigmoid_derivative of the outputs")
def layers_sigmoid_derivative_of_h(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in reversed(range(1, L + 1)):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * network.sigmoid_derivative(outputs[layer - 1])
    return grads


@wrong("multiply_backward", "no swap")
def multiply_no_swap(a, b, d_out):
    return a * d_out, b * d_out


@wrong("multiply_backward", "the local slopes only")
def multiply_no_d_out(a, b, d_out):
    return b, a


@wrong("multiply_backward", "the product to both")
def multiply_product(a, b, d_out):
    product = a * b
    return product * d_out, product * d_out


@wrong("multiply_backward", "add's rule")
def multiply_like_add(a, b, d_out):
    return d_out, d_out


@wrong("backward_tape", "= instead of +=")
def tape_overwrite(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, gradient in zip(inputs, sent):
            grads[name] = gradient
    return grads


@wrong("backward_tape", "a dict filled as it goes, overwriting")
def tape_fresh_dict(tape, values):
    grads = {tape[-1][0]: 1.0}
    for output, grad_fn, inputs in tape[::-1]:
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        grads.update(zip(inputs, sent))
    return {name: grads.get(name, 0.0) for name in values}


@wrong("backward_tape", "walked forwards")
def tape_forwards(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in tape:
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, gradient in zip(inputs, sent):
            grads[name] += gradient
    return grads


@wrong("backward_tape", "forgot dE/dE = 1")
def tape_no_seed(tape, values):
    grads = dict.fromkeys(values, 0.0)
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, gradient in zip(inputs, sent):
            grads[name] += gradient
    return grads


@wrong("matmul_backward", "no transposes")
def matmul_no_transpose(A, B, d_out):
    return d_out @ B, A @ d_out


@wrong("matmul_backward", "multiply's rule, entry by entry")
def matmul_entrywise(A, B, d_out):
    return B * d_out, A * d_out


@wrong("matmul_backward", "the pair swapped")
def matmul_swapped(A, B, d_out):
    d_B = A.T @ d_out
    d_A = d_out @ B.T
    return d_B, d_A


@wrong("matmul_backward", "np.dot without the transposes")
def matmul_np_dot(A, B, d_out):
    return np.dot(d_out, B), np.dot(A, d_out)


@wrong("topological_order", "appended before the parents")
def topo_preorder(root):
    order, seen = [], set()

    def visit(tensor):
        if id(tensor) not in seen:
            seen.add(id(tensor))
            order.append(tensor)
            for parent in tensor.parents:
                visit(parent)
    visit(root)
    return order


@wrong("topological_order", "no set of the visited ones")
def topo_no_seen(root):
    order = []

    def visit(tensor):
        for parent in tensor.parents:
            visit(parent)
        order.append(tensor)
    visit(root)
    return order


@wrong("topological_order", "the root's parents, then the root")
def topo_one_level(root):
    return [*root.parents, root]


@wrong("topological_order", "breadth first from the root, reversed")
def topo_breadth_first(root):
    order, queue, seen = [], [root], {id(root)}
    while queue:
        tensor = queue.pop(0)
        order.append(tensor)
        for parent in tensor.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)
    return order[::-1]


@wrong("topological_order", "remembers the visited tensors by their name")
def topo_by_name(root):
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


@wrong("topological_order", "the visited set as a default argument, kept from call to call")
def topo_default_seen(root, seen=set()):  # noqa: B006  (the mistake itself)
    order = []

    def visit(tensor):
        if tensor in seen:
            return
        seen.add(tensor)
        for parent in tensor.parents:
            visit(parent)
        order.append(tensor)
    visit(root)
    return order


@wrong("topological_order", "the list and the visited ids as default arguments of a recursive function")
def topo_default_order(root, order=[], seen=set()):  # noqa: B006  (the mistake itself)
    if id(root) not in seen:
        seen.add(id(root))
        for parent in root.parents:
            topo_default_order(parent, order, seen)
        order.append(root)
    return order


# --- 06: right answers written another way than the course's ------------------------------------------------

RIGHT = []


def right(exercise_id, description):
    """Register the function below as a correct answer to exercise_id, written unlike the reference."""
    def register(fn):
        RIGHT.append(WrongAnswer(exercise_id, description, fn))
        return fn
    return register


@right("backward_layers", "keeps z and uses sigmoid_derivative(z), collecting in a list first")
def layers_with_z(X, y, params):
    L = len(params) // 2
    hs, zs = [X], []
    for layer in range(1, L + 1):
        zs.append(hs[-1] @ params[f"W{layer}"] + params[f"b{layer}"])
        hs.append(zs[-1] if layer == L else network.sigmoid(zs[-1]))
    deltas = [2 * (hs[-1] - y) / len(y)]
    for layer in range(L, 1, -1):
        deltas.insert(0, (deltas[0] @ params[f"W{layer}"].T) * network.sigmoid_derivative(zs[layer - 2]))
    grads = {}
    for layer in range(1, L + 1):
        grads[f"W{layer}"] = hs[layer - 1].T @ deltas[layer - 1]
        grads[f"b{layer}"] = np.sum(deltas[layer - 1], axis=0)
    return grads


@right("backward_layers", "recursion, one house at a time")
def layers_by_recursion(X, y, params):
    L = len(params) // 2
    grads = {name: np.zeros_like(value) for name, value in params.items()}

    def down(layer, h_below, signal):  # h_below: what came into `layer`; signal: dE/dz there
        grads[f"W{layer}"] += np.outer(h_below[layer - 1], signal)
        grads[f"b{layer}"] += signal
        if layer > 1:
            h = h_below[layer - 1]
            down(layer - 1, h_below, (params[f"W{layer}"] @ signal) * h * (1 - h))

    for x, target in zip(X, y):
        h = [x]
        for layer in range(1, L + 1):
            z = h[-1] @ params[f"W{layer}"] + params[f"b{layer}"]
            h.append(z if layer == L else 1 / (1 + np.exp(-z)))
        down(L, h, 2 * (h[-1] - target) / len(y))
    return grads


@right("multiply_backward", "a list, d_out first")
def multiply_list(a, b, d_out):
    return [d_out * b, d_out * a]


@right("backward_tape", "collects every signal, then adds them")
def tape_collect(tape, values):
    arrived = {name: [] for name in values}
    arrived[tape[-1][0]].append(1.0)
    for output, grad_fn, inputs in reversed(tape):
        total = sum(arrived[output])
        for name, gradient in zip(inputs, grad_fn(*(values[name] for name in inputs), total)):
            arrived[name].append(gradient)
    return {name: float(sum(signals)) for name, signals in arrived.items()}


@right("matmul_backward", "np.dot, and B's gradient transposed twice")
def matmul_dot(A, B, d_out):
    return np.dot(d_out, B.T), (d_out.T @ A).T


@right("topological_order", "Kahn's algorithm: inputs first, a tensor once all its parents are listed")
def topo_kahn(root):
    everything, stack = {}, [root]
    while stack:
        tensor = stack.pop()
        if id(tensor) not in everything:
            everything[id(tensor)] = tensor
            stack.extend(tensor.parents)
    waiting = {key: len({id(p) for p in tensor.parents}) for key, tensor in everything.items()}
    children = {key: [] for key in everything}
    for key, tensor in everything.items():
        for parent_id in {id(p) for p in tensor.parents}:
            children[parent_id].append(key)
    ready = [key for key, count in waiting.items() if count == 0]
    order = []
    while ready:
        key = ready.pop()
        order.append(everything[key])
        for child in children[key]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return order


@right("topological_order", "a depth-first walk with a stack instead of recursion")
def topo_stack(root):
    order, done, stack = [], set(), [(root, False)]
    while stack:
        tensor, parents_listed = stack.pop()
        if id(tensor) in done:
            continue
        if parents_listed:
            done.add(id(tensor))
            order.append(tensor)
        else:
            stack.append((tensor, True))
            stack.extend((parent, False) for parent in tensor.parents if id(parent) not in done)
    return order
