"""Wrong answers to 05's and 06's exercises, written independently of the course's mistake tables (by a
reviewer who had not read them), as a learner would write them in the notebook."""
import numpy as np
from course_utils import network, deep, autodiff  # only what the notebooks themselves import
from learner_answers import registrar

FRESH = []
wrong = registrar(FRESH)


# =====================================================================================================
# 05 · sigmoid_derivative(z)
# =====================================================================================================

@wrong("sigmoid_derivative", "plugged z itself into h(1 - h), as if z were already the sigmoid's output")
def fresh_sigmoid_derivative_z_not_sigma(z):
    return z * (1 - z)


@wrong("sigmoid_derivative", "quotient form with the square of the denominator forgotten: e^-z / (1 + e^-z)")
def fresh_sigmoid_derivative_no_square(z):
    return np.exp(-z) / (1 + np.exp(-z))


@wrong("sigmoid_derivative", "lost the minus of the inner derivative of e^-z: -e^-z / (1 + e^-z)^2")
def fresh_sigmoid_derivative_sign(z):
    return -np.exp(-z) / (1 + np.exp(-z)) ** 2


@wrong("sigmoid_derivative", "wrote tanh's slope 1 - s^2 for the sigmoid")
def fresh_sigmoid_derivative_tanh_formula(z):
    s = network.sigmoid(z)
    return 1 - s ** 2


@wrong("sigmoid_derivative", "squashed twice: took h = sigmoid(z) and then used sigmoid(h)(1 - sigmoid(h))")
def fresh_sigmoid_derivative_squashed_twice(z):
    h = network.sigmoid(z)
    return network.sigmoid(h) * (1 - network.sigmoid(h))


@wrong("sigmoid_derivative", "math.exp, which works for one number but not for an array")
def fresh_sigmoid_derivative_math_exp(z):
    import math
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


@wrong("sigmoid_derivative", "s * (s - 1): the two factors the wrong way round, so the sign is flipped")
def fresh_sigmoid_derivative_flipped_factor(z):
    s = network.sigmoid(z)
    return s * (s - 1)


# =====================================================================================================
# 05 · forward(X, W1, b1, W2, b2) -> (hidden, prediction)
# =====================================================================================================

@wrong("forward", "forgot the sigmoid: hidden = X @ W1 + b1")
def fresh_forward_no_sigmoid(X, W1, b1, W2, b2):
    hidden = X @ W1 + b1
    prediction = hidden @ W2 + b2
    return hidden, prediction


@wrong("forward", "squashed the output too: prediction = sigmoid(hidden @ W2 + b2)")
def fresh_forward_sigmoid_on_output(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = network.sigmoid(hidden @ W2 + b2)
    return hidden, prediction


@wrong("forward", "returned (prediction, hidden), the pair the wrong way round")
def fresh_forward_swapped_pair(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    return prediction, hidden


@wrong("forward", "forgot the hidden bias b1")
def fresh_forward_no_b1(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1)
    return hidden, hidden @ W2 + b2


@wrong("forward", "returned z (before the sigmoid) as `hidden`")
def fresh_forward_returns_z(X, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = network.sigmoid(z)
    prediction = hidden @ W2 + b2
    return z, prediction


@wrong("forward", "used W1.T, Nielsen's/PyTorch's convention (weights shaped (h, d))")
def fresh_forward_transposed_W1(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1.T + b1)
    return hidden, hidden @ W2 + b2


@wrong("forward", "prediction of shape (n,): used W2[:, 0] to 'get a vector of prices'")
def fresh_forward_flat_prediction(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2[:, 0] + b2
    return hidden, prediction


@wrong("forward", "forgot the output bias b2")
def fresh_forward_no_b2(X, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    return hidden, hidden @ W2


# =====================================================================================================
# 05 · backward(X, y, W1, b1, W2, b2) -> {"W1", "b1", "W2", "b2"}
# =====================================================================================================

@wrong("backward", "forgot to divide by n: the gradient of the sum of squares, not of the mean")
def fresh_backward_no_mean(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "forgot the factor 2 (the ½ convention of other texts)")
def fresh_backward_no_two(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "error the other way round, y - prediction: every gradient's sign flipped")
def fresh_backward_sign(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (y - prediction) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "forgot the sigmoid's slope: d_z = d_hidden")
def fresh_backward_no_slope(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "slope taken at the hidden output: sigmoid_derivative(hidden) instead of at z")
def fresh_backward_slope_of_hidden(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * network.sigmoid_derivative(hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "bias gradients with mean over the houses instead of sum (divides by n twice)")
def fresh_backward_bias_mean(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.mean(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.mean(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "d_W2 = d_prediction.T @ hidden: the transpose on the wrong side, shape (1, h)")
def fresh_backward_W2_transposed(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = d_prediction.T @ hidden
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward", "lower-case keys w1, b1, w2, b2 (the notation's w1_ij)")
def fresh_backward_lowercase_keys(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"w1": X.T @ d_z, "b1": d_z.sum(axis=0), "w2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward", "d_b1 = d_z.sum() over every entry: one number for all hidden units")
def fresh_backward_b1_total_sum(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(), "W2": hidden.T @ d_prediction, "b2": d_prediction.sum()}


# =====================================================================================================
# 05 · backward_tanh(X, y, W1, b1, W2, b2)
# =====================================================================================================

@wrong("backward_tanh", "changed the forward line to tanh but kept the sigmoid's slope h(1 - h)")
def fresh_backward_tanh_sigmoid_slope(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_tanh", "tanh's slope at z taken as network.sigmoid_derivative(z)")
def fresh_backward_tanh_sigmoid_derivative_of_z(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = np.tanh(z)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * network.sigmoid_derivative(z)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "slope 1 - h: forgot the square")
def fresh_backward_tanh_no_square(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "slope 1 - z**2: used z where the formula wants tanh(z)")
def fresh_backward_tanh_slope_of_z(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = np.tanh(z)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - z ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "slope 1 + h**2: sign slip in the derivative")
def fresh_backward_tanh_plus_square(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 + hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "slope (1 - h)**2 instead of 1 - h**2 (bracket in the wrong place)")
def fresh_backward_tanh_bracket(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden) ** 2
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "reused the sigmoid network.backward as is ('the same dict as backward')")
def fresh_backward_tanh_reused_sigmoid_backward(X, y, W1, b1, W2, b2):
    return network.backward(X, y, W1, b1, W2, b2)


@wrong("backward_tanh", "applied tanh twice: slope 1 - tanh(h)**2 with h already tanh(z)")
def fresh_backward_tanh_tanh_twice(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - np.tanh(hidden) ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "slope sech(z) = 1 / cosh(z): forgot to square it")
def fresh_backward_tanh_sech_not_squared(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = np.tanh(z)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden / np.cosh(z)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "the right slope, but the tanh written out by hand with a typo (e^z + e^z below)")
def fresh_backward_tanh_typo_in_tanh(X, y, W1, b1, W2, b2):
    z = X @ W1 + b1
    hidden = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(z))
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "kept the sigmoid in the forward pass and only changed the slope to 1 - h**2")
def fresh_backward_tanh_only_slope_changed(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "b1's gradient from d_hidden, before the slope (copied the wrong variable)")
def fresh_backward_tanh_b1_before_slope(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_hidden.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "forgot to divide by n (sum of squares)")
def fresh_backward_tanh_no_mean(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
            "b2": d_prediction.sum(axis=0)}


@wrong("backward_tanh", "slope applied after the matrix product: X.T @ d_hidden * (1 - h**2)")
def fresh_backward_tanh_slope_after_matmul(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_W1 = X.T @ d_hidden * (1 - hidden ** 2)
    d_b1 = d_hidden.sum(axis=0) * (1 - hidden ** 2).sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


# =====================================================================================================
# 05 · train_step(X, y, W1, b1, W2, b2, alpha) -> (W1, b1, W2, b2)
# =====================================================================================================

@wrong("train_step", "updated W2 (and b2) as soon as its gradient was known, then went on back with it")
def fresh_train_step_w2_early(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    W2 = W2 - alpha * (hidden.T @ d_prediction)
    b2 = b2 - alpha * d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    W1 = W1 - alpha * (X.T @ d_z)
    b1 = b1 - alpha * d_z.sum(axis=0)
    return W1, b1, W2, b2


@wrong("train_step", "updated in place with -=, changing the caller's arrays")
def fresh_train_step_in_place(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    W1 -= alpha * d_W1
    b1 -= alpha * d_b1
    W2 -= alpha * d_W2
    b2 -= alpha * d_b2
    return W1, b1, W2, b2


@wrong("train_step", "moved with the gradient (+) instead of against it")
def fresh_train_step_plus(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return W1 + alpha * d_W1, b1 + alpha * d_b1, W2 + alpha * d_W2, b2 + alpha * d_b2


@wrong("train_step", "returned in the order the backward pass computed them: (W2, b2, W1, b1)")
def fresh_train_step_backward_order(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return W2 - alpha * d_W2, b2 - alpha * d_b2, W1 - alpha * d_W1, b1 - alpha * d_b1


@wrong("train_step", "returned the gradients, not the new parameters")
def fresh_train_step_returns_gradients(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return d_W1, d_b1, d_W2, d_b2


@wrong("train_step", "forgot the learning rate: W - dW")
def fresh_train_step_no_alpha(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return W1 - d_W1, b1 - d_b1, W2 - d_W2, b2 - d_b2


@wrong("train_step", "returned a dict like backward's instead of the tuple (W1, b1, W2, b2)")
def fresh_train_step_returns_dict(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": W1 - alpha * d_W1, "b1": b1 - alpha * d_b1, "W2": W2 - alpha * d_W2,
            "b2": b2 - alpha * d_b2}


@wrong("train_step", "divided by n again in the update: alpha * dW / n")
def fresh_train_step_divides_twice(X, y, W1, b1, W2, b2, alpha):
    n = len(y)
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / n
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return (W1 - alpha * d_W1 / n, b1 - alpha * d_b1 / n, W2 - alpha * d_W2 / n,
            b2 - alpha * d_b2 / n)


@wrong("train_step", "looped over a dict of the parameters with -=: the dict holds the caller's arrays")
def fresh_train_step_dict_loop_in_place(X, y, W1, b1, W2, b2, alpha):
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    hidden, prediction = network.forward(X, **params)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    grads = {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": hidden.T @ d_prediction,
             "b2": d_prediction.sum(axis=0)}
    for name in params:
        params[name] -= alpha * grads[name]
    return params["W1"], params["b1"], params["W2"], params["b2"]


@wrong("train_step", "updated the weights only; the biases come back unchanged")
def fresh_train_step_forgot_biases(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    return W1 - alpha * d_W1, b1, W2 - alpha * d_W2, b2


@wrong("train_step", "forgot the sigmoid's slope in the backward lines")
def fresh_train_step_no_slope(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = d_prediction @ W2.T
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return W1 - alpha * d_W1, b1 - alpha * d_b1, W2 - alpha * d_W2, b2 - alpha * d_b2


@wrong("train_step", "updated W2 in place early (W2 -= ...) and then used it for d_hidden")
def fresh_train_step_w2_early_in_place(X, y, W1, b1, W2, b2, alpha):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    W2 -= alpha * (hidden.T @ d_prediction)
    b2 -= alpha * d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    W1 -= alpha * (X.T @ d_z)
    b1 -= alpha * d_z.sum(axis=0)
    return W1, b1, W2, b2


# =====================================================================================================
# 06 · backward_layers(X, y, params) -> {"W1": ..., "b1": ..., ...}
# =====================================================================================================

@wrong("backward_layers", "weight gradient from the layer's own output, outputs[layer], not its input")
def fresh_backward_layers_own_output(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "multiplied the output's signal by a sigmoid slope too (the price is not squashed)")
def fresh_backward_layers_slope_at_output(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y) * deep.slope(outputs[L])
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "range(L, 1, -1): the loop stops before layer 1, so W1 and b1 are missing")
def fresh_backward_layers_stops_early(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 1, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "L = len(outputs): forgot that outputs[0] is X, so it asks for a layer too many")
def fresh_backward_layers_L_too_big(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs)
    grads = {}
    d_z = 2 * (outputs[-1] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "no activation slope on the way down")
def fresh_backward_layers_no_slope(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        d_z = d_z @ params[f"W{layer}"].T
    return grads


@wrong("backward_layers", "slope of the wrong layer: took the slope of the current layer before going back")
def fresh_backward_layers_slope_shifted(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            # "times the slope, then back through the weights"
            slope_here = 1 if layer == L else deep.slope(outputs[layer])
            d_z = (d_z * slope_here) @ params[f"W{layer}"].T
    return grads


@wrong("backward_layers", "forgot the factor 2 in the output's signal")
def fresh_backward_layers_no_two(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "keys off by one: a 0-based loop stored W0 ... W{L-1}")
def fresh_backward_layers_zero_based_keys(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[-1] - y) / len(y)
    for i in reversed(range(L)):           # i = L-1 ... 0, layer i+1
        grads[f"W{i}"] = outputs[i].T @ d_z
        grads[f"b{i}"] = d_z.sum(axis=0)
        if i > 0:
            d_z = (d_z @ params[f"W{i + 1}"].T) * deep.slope(outputs[i])
    return grads


@wrong("backward_layers", "wrote 05's backward again: only works with one hidden layer")
def fresh_backward_layers_only_one_hidden(X, y, params):
    return network.backward(X, y, params["W1"], params["b1"], params["W2"], params["b2"])


@wrong("backward_layers", "slope as network.sigmoid_derivative(h), the sigmoid's slope at the output h")
def fresh_backward_layers_sigmoid_derivative_of_h(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * network.sigmoid_derivative(outputs[layer - 1])
    return grads


@wrong("backward_layers", "bias gradients with mean over houses instead of sum")
def fresh_backward_layers_bias_mean(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.mean(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "passed the signal down through the weights of the layer below, W{layer-1}")
def fresh_backward_layers_weights_below(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer - 1}"].T) * deep.slope(outputs[layer - 1])
    return grads


@wrong("backward_layers", "sign flipped: y - prediction")
def fresh_backward_layers_sign(X, y, params):
    outputs = deep.forward_layers(X, params)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (y - outputs[L]) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer - 1])
    return grads


# =====================================================================================================
# 06 · multiply_backward(a, b, d_out) -> (grad for a, grad for b)
# =====================================================================================================

@wrong("multiply_backward", "no swap: each input gets itself times d_out")
def fresh_multiply_backward_no_swap(a, b, d_out):
    return a * d_out, b * d_out


@wrong("multiply_backward", "forgot d_out: returned (b, a), the local slopes only")
def fresh_multiply_backward_no_d_out(a, b, d_out):
    return b, a


@wrong("multiply_backward", "passed d_out on unchanged, like the add gate")
def fresh_multiply_backward_like_add(a, b, d_out):
    return d_out, d_out


@wrong("multiply_backward", "sent the output a*b*d_out to both inputs")
def fresh_multiply_backward_product_to_both(a, b, d_out):
    return a * b * d_out, a * b * d_out


@wrong("multiply_backward", "divided instead of multiplied: d_out / a and d_out / b")
def fresh_multiply_backward_divided(a, b, d_out):
    return d_out / a, d_out / b


@wrong("multiply_backward", "returned one number, the sum of the two gradients")
def fresh_multiply_backward_summed(a, b, d_out):
    return b * d_out + a * d_out


@wrong("multiply_backward", "matrix product @ instead of entry by entry")
def fresh_multiply_backward_matmul(a, b, d_out):
    return np.matmul(b, d_out), np.matmul(a, d_out)


@wrong("multiply_backward", "summed over the entries (thinking 'gradients add'): two numbers for arrays")
def fresh_multiply_backward_sum_entries(a, b, d_out):
    return np.sum(b * d_out), np.sum(a * d_out)


@wrong("multiply_backward", "aliasing: grad_a = d_out; grad_a *= b changes d_out before grad_b uses it")
def fresh_multiply_backward_aliasing(a, b, d_out):
    grad_a = d_out
    grad_a *= b
    grad_b = d_out * a
    return grad_a, grad_b


@wrong("multiply_backward", "2 * a * d_out: took the rule of e * e (the squared error) for every multiply")
def fresh_multiply_backward_factor_two(a, b, d_out):
    return 2 * b * d_out, 2 * a * d_out


@wrong("multiply_backward", "sign flipped on the second input (mixed up with subtract)")
def fresh_multiply_backward_sign_second(a, b, d_out):
    return b * d_out, -a * d_out


@wrong("multiply_backward", "returned only the gradient for a")
def fresh_multiply_backward_only_a(a, b, d_out):
    return b * d_out


# =====================================================================================================
# 06 · backward_tape(tape, values) -> {name: dE/dname}
# =====================================================================================================

@wrong("backward_tape", "overwrote instead of adding where paths meet")
def fresh_backward_tape_overwrite(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = g
    return grads


@wrong("backward_tape", "walked the tape forwards, from the first operation to the last")
def fresh_backward_tape_forwards(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in tape:
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "never seeded dE/dE = 1: every gradient starts, and stays, 0")
def fresh_backward_tape_no_seed(tape, values):
    grads = {name: 0.0 for name in values}
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "seeded the last output with its value E instead of 1")
def fresh_backward_tape_seed_with_E(tape, values):
    grads = {name: 0.0 for name in values}
    last = tape[-1][0]
    grads[last] = values[last]
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "called the rules with the names instead of the values")
def fresh_backward_tape_names_not_values(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*inputs, grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "passed the output's value as d_out instead of its gradient")
def fresh_backward_tape_value_as_d_out(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], values[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "started the gradients from a copy of the values instead of zeros")
def fresh_backward_tape_grads_from_values(tape, values):
    grads = dict(values)
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "grads = values (no copy): the gradients overwrite the values the rules read")
def fresh_backward_tape_alias_values(tape, values):
    grads = values
    for name in grads:
        grads[name] = 0.0
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "dict(zip(inputs, sent)): an input used twice by one operation counted once")
def fresh_backward_tape_dict_zip(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in dict(zip(inputs, sent)).items():
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "range(len(tape) - 1, 0, -1): the first operation on the tape is never run")
def fresh_backward_tape_skips_first(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for i in range(len(tape) - 1, 0, -1):
        output, grad_fn, inputs = tape[i]
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "returned only the inputs' gradients (names no operation made)")
def fresh_backward_tape_only_leaves(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    made = [output for output, _, _ in tape]
    return {name: grads[name] for name in values if name not in made}


@wrong("backward_tape", "kept the gradients in a mutable default argument: a second call adds to the first")
def fresh_backward_tape_mutable_default(tape, values, grads={}):
    for name in values:
        grads.setdefault(name, 0.0)
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


@wrong("backward_tape", "one zero array shared by every name (dict.fromkeys), updated in place with +=")
def fresh_backward_tape_shared_zero(tape, values):
    last = tape[-1][0]
    grads = dict.fromkeys(values, np.zeros_like(values[last], dtype=float))
    grads[last] = np.ones_like(values[last], dtype=float)
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, g in zip(inputs, sent):
            grads[name] += g
    return grads


@wrong("backward_tape", "d_out passed first: grad_fn(d_out, *inputs)")
def fresh_backward_tape_d_out_first(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(grads[output], *[values[name] for name in inputs])
        for name, g in zip(inputs, sent):
            grads[name] = grads[name] + g
    return grads


# =====================================================================================================
# 06 · matmul_backward(A, B, d_out) -> (grad for A, grad for B)
# =====================================================================================================

@wrong("matmul_backward", "multiply's swap with @ but no transposes: d_out @ B, A @ d_out")
def fresh_matmul_backward_no_transposes(A, B, d_out):
    return d_out @ B, A @ d_out


@wrong("matmul_backward", "entry by entry, as the multiply gate: B * d_out, A * d_out")
def fresh_matmul_backward_elementwise(A, B, d_out):
    return B * d_out, A * d_out


@wrong("matmul_backward", "the right products, returned in the wrong order (B's first)")
def fresh_matmul_backward_pair_swapped(A, B, d_out):
    return A.T @ d_out, d_out @ B.T


@wrong("matmul_backward", "products the wrong way round: B.T @ d_out and d_out @ A.T")
def fresh_matmul_backward_wrong_side(A, B, d_out):
    return B.T @ d_out, d_out @ A.T


@wrong("matmul_backward", "fixed the shapes with reshape instead of transposing")
def fresh_matmul_backward_reshape(A, B, d_out):
    grad_A = (B @ d_out.T).reshape(A.shape)
    grad_B = (d_out.T @ A).reshape(B.shape)
    return grad_A, grad_B


@wrong("matmul_backward", "divided by the number of rows, 'to average over the houses'")
def fresh_matmul_backward_divided_by_n(A, B, d_out):
    n = A.shape[0]
    return d_out @ B.T / n, A.T @ d_out / n


@wrong("matmul_backward", "forgot d_out, as if the output's gradient were all ones")
def fresh_matmul_backward_ones(A, B, d_out):
    ones = np.ones((A.shape[0], B.shape[1]))
    return ones @ B.T, A.T @ ones


@wrong("matmul_backward", "a loop over the rows with = instead of +=: only the last row's share of B's gradient")
def fresh_matmul_backward_loop_overwrite(A, B, d_out):
    grad_A = np.zeros(A.shape)
    grad_B = np.zeros(B.shape)
    for i in range(A.shape[0]):
        grad_A[i] = d_out[i] @ B.T
        grad_B = np.outer(A[i], d_out[i])
    return grad_A, grad_B


@wrong("matmul_backward", "transposed the results too: (d_out @ B.T).T, (A.T @ d_out).T")
def fresh_matmul_backward_results_transposed(A, B, d_out):
    return (d_out @ B.T).T, (A.T @ d_out).T


@wrong("matmul_backward", "sign flipped on both gradients")
def fresh_matmul_backward_sign(A, B, d_out):
    return -(d_out @ B.T), -(A.T @ d_out)


@wrong("matmul_backward", "B's gradient from the column sums of A and d_out (an outer product of sums)")
def fresh_matmul_backward_outer_of_sums(A, B, d_out):
    return d_out @ B.T, np.outer(A.sum(axis=0), d_out.sum(axis=0))


@wrong("matmul_backward", "no swap, with transposes: A's own transpose for A (d_out @ A.T), B's for B (B.T @ d_out)")
def fresh_matmul_backward_no_swap(A, B, d_out):
    return d_out @ A.T, B.T @ d_out


# =====================================================================================================
# 06 · topological_order(root) -> [tensors, each after its parents, root last]
# =====================================================================================================

@wrong("topological_order", "remembered visited tensors by their name (unnamed intermediates all share '')")
def fresh_topological_order_by_name(root):
    order = []
    visited = set()

    def visit(t):
        if t.name in visited:
            return
        visited.add(t.name)
        for p in t.parents:
            visit(p)
        order.append(t)

    visit(root)
    return order


@wrong("topological_order", "visited set and order in mutable default arguments: a second call returns the "
       "first graph's tensors too")
def fresh_topological_order_mutable_default(root, visited=set(), order=[]):
    if id(root) in visited:
        return order
    visited.add(id(root))
    for parent in root.parents:
        fresh_topological_order_mutable_default(parent, visited, order)
    order.append(root)
    return order


@wrong("topological_order", "appended the tensor before its parents (root first)")
def fresh_topological_order_preorder(root):
    order = []
    seen = set()

    def visit(t):
        if id(t) in seen:
            return
        seen.add(id(t))
        order.append(t)
        for p in t.parents:
            visit(p)

    visit(root)
    return order


@wrong("topological_order", "the right order, then reversed 'because backward goes from E back'")
def fresh_topological_order_reversed(root):
    order = []
    seen = set()

    def visit(t):
        if id(t) in seen:
            return
        seen.add(id(t))
        for p in t.parents:
            visit(p)
        order.append(t)

    visit(root)
    return order[::-1]


@wrong("topological_order", "no visited set: a tensor used twice is listed twice")
def fresh_topological_order_no_visited(root):
    order = []

    def visit(t):
        for p in t.parents:
            visit(p)
        order.append(t)

    visit(root)
    return order


@wrong("topological_order", "only the root's direct parents, no recursion")
def fresh_topological_order_one_level(root):
    return list(root.parents) + [root]


@wrong("topological_order", "breadth-first from the root, then reversed")
def fresh_topological_order_bfs_reversed(root):
    order = [root]
    seen = {id(root)}
    i = 0
    while i < len(order):
        for p in order[i].parents:
            if id(p) not in seen:
                seen.add(id(p))
                order.append(p)
        i += 1
    return order[::-1]


@wrong("topological_order", "left out the inputs: only tensors that have parents (like the tape)")
def fresh_topological_order_no_leaves(root):
    order = []
    seen = set()

    def visit(t):
        if id(t) in seen:
            return
        seen.add(id(t))
        for p in t.parents:
            visit(p)
        if t.parents:
            order.append(t)

    visit(root)
    return order


@wrong("topological_order", "appended the tensor inside the loop over its parents (once per parent)")
def fresh_topological_order_append_in_loop(root):
    order = []
    seen = set()

    def visit(t):
        if id(t) in seen:
            return
        seen.add(id(t))
        if not t.parents:
            order.append(t)
        for p in t.parents:
            visit(p)
            order.append(t)

    visit(root)
    return order


@wrong("topological_order", "returned the names, not the tensors")
def fresh_topological_order_names(root):
    order = []
    seen = set()

    def visit(t):
        if id(t) in seen:
            return
        seen.add(id(t))
        for p in t.parents:
            visit(p)
        order.append(t)

    visit(root)
    return [t.name for t in order]


@wrong("topological_order", "collected every tensor, then sorted by number of parents ('inputs first')")
def fresh_topological_order_sorted_by_parents(root):
    found = []
    stack = [root]
    while stack:
        t = stack.pop()
        if any(t is f for f in found):
            continue
        found.append(t)
        stack.extend(t.parents)
    return sorted(found, key=lambda t: len(t.parents))


@wrong("topological_order", "depth-first with a stack, listed as popped, then reversed")
def fresh_topological_order_stack_reversed(root):
    order = []
    seen = set()
    stack = [root]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        order.append(t)
        stack.extend(t.parents)
    return order[::-1]


@wrong("topological_order", "left the root out (only what it was computed from)")
def fresh_topological_order_no_root(root):
    order = []
    seen = set()

    def visit(t):
        for p in t.parents:
            if id(p) not in seen:
                seen.add(id(p))
                visit(p)
                order.append(p)

    visit(root)
    return order
