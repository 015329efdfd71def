"""A second batch of wrong answers to 03's squared_error_backward and 05's backward_mae and backward_two_hidden,
written by a reviewer who had not read the mistake tables, after the tables had grown for the first batch
(learner_answers_blind.py). Before the tables grew again, check named 13 of the 15 for squared_error_backward,
12 of 15 for backward_mae and 11 of 15 for backward_two_hidden (36 of 45, 80 %); after, all 45."""
import numpy as np
from course_utils import network
from learner_answers import registrar

BLIND2 = []
wrong = registrar(BLIND2)


# ---------------------------------------------------------------- squared_error_backward

@wrong("squared_error_backward", "takes only one path through E = e·e: dE/de = e, not e + e")
def b2_sebw_one_path_only(w, x, y):
    e = w * x - y
    d_e = e                     # nudge one input of the multiply gate: E moves by the other, e
    d_p = d_e * 1
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "error written the other way round, e = y − p, so every gradient has the wrong sign")
def b2_sebw_error_backwards(w, x, y):
    p = w * x
    e = y - p
    d_e = 2 * e
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "local slope dp/dw taken as w instead of x")
def b2_sebw_slope_is_w(w, x, y):
    e = w * x - y
    d_e = 2 * e
    d_p = d_e
    d_w = d_p * w
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "averages dE/dw over the houses (section 2's 2·mean(e·x)) instead of one per house")
def b2_sebw_mean_over_houses(w, x, y):
    e = w * x - y
    d_e = 2 * e
    d_p = d_e
    d_w = 2 * np.mean(e * x)
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "adds every gradient up over the houses instead of keeping one per house")
def b2_sebw_summed(w, x, y):
    e = w * x - y
    d_e = np.sum(2 * e)
    d_p = d_e
    d_w = np.sum(2 * e * x)
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "writes the value E = e² under e instead of its slope, then chains from that")
def b2_sebw_value_not_slope(w, x, y):
    e = w * x - y
    d_e = e * e
    d_p = d_e * 1
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "divides by x instead of multiplying (uses dw/dp instead of dp/dw)")
def b2_sebw_divides_by_x(w, x, y):
    e = w * x - y
    d_e = 2 * e
    d_p = d_e
    d_w = d_p / x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "takes de/dp = −1 because of the minus sign in e = p − y")
def b2_sebw_minus_one_link(w, x, y):
    e = w * x - y
    d_e = 2 * e
    d_p = d_e * -1
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "divides by the number of houses as for the MSE, though E is one house's e²")
def b2_sebw_divides_by_n(w, x, y):
    n = np.size(x)
    e = w * x - y
    d_e = 2 * e / n
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "half finished: the walk stops at p and dE/dw is left as None")
def b2_sebw_w_missing(w, x, y):
    e = w * x - y
    d_e = e + e
    d_p = d_e * 1
    return {"e": d_e, "p": d_p, "w": None}


@wrong("squared_error_backward", "leaves out the \"p\" key, since de/dp = 1 makes it the same as dE/de")
def b2_sebw_no_p_key(w, x, y):
    e = w * x - y
    d_e = 2 * e
    return {"e": d_e, "w": d_e * x}


@wrong("squared_error_backward", "returns each link's local slope instead of multiplying them along the chain")
def b2_sebw_local_slopes(w, x, y):
    e = w * x - y
    return {"e": 2 * e, "p": np.ones_like(e), "w": x}


@wrong("squared_error_backward", "names the squared error e, so e = (wx − y)² and dE/de = 2·(wx − y)²")
def b2_sebw_e_is_squared(w, x, y):
    e = (w * x - y) ** 2
    d_e = 2 * e
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "right dE/de but multiplies x by e, not by dE/dp = 2e, for dE/dw")
def b2_sebw_w_from_e(w, x, y):
    e = w * x - y
    d_e = 2 * e
    d_p = d_e
    d_w = e * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "multiplies x in one gate too early: dE/dp is given 2e·x")
def b2_sebw_x_one_gate_early(w, x, y):
    e = w * x - y
    d_e = 2 * e
    d_p = d_e * x
    d_w = d_p
    return {"e": d_e, "p": d_p, "w": d_w}


# ---------------------------------------------------------------- backward_mae

def _mae_rest(X, W2, hidden, d_prediction):
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "keeps backward's squared-error first step 2(ŷ − y)/n")
def b2_mae_mse_signal(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * (prediction - y) / len(y)
    return _mae_rest(X, W2, hidden, d_prediction)


@wrong("backward_mae", "forgets the /n of the mean: the signal is sign(ŷ − y)")
def b2_mae_no_n(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "sign of y − ŷ instead of ŷ − y: every gradient points the wrong way")
def b2_mae_sign_flipped(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(y - prediction) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "keeps the 2 from the squared error: 2·sign(ŷ − y)/n")
def b2_mae_extra_two(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "uses |ŷ − y|/n, the loss itself, as its slope")
def b2_mae_abs_not_sign(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.abs(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "takes n from X.shape[1], the number of features, instead of the number of houses")
def b2_mae_n_is_features(X, y, W1, b1, W2, b2):
    n = X.shape[1]
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / n
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "applies the sigmoid's slope to hidden (σ'(h)) instead of to z")
def b2_mae_slope_of_hidden(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    s = network.sigmoid(hidden)
    d_z = (d_prediction @ W2.T) * s * (1 - s)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "forgets the sigmoid's slope: passes d_hidden straight on as d_z")
def b2_mae_no_sigmoid_slope(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = d_prediction @ W2.T
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "W2's gradient multiplied the wrong way round: d_prediction.T @ hidden, shape (1, h)")
def b2_mae_w2_transposed(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = d_prediction.T @ hidden
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "sums b1's gradient over the hidden units (axis=1) instead of over the houses")
def b2_mae_b1_wrong_axis(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=1), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "takes the mean, not the sum, for b2's gradient, dividing by n twice")
def b2_mae_b2_mean(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.mean(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "copied from backward_tanh: slope 1 − h² instead of h(1 − h)")
def b2_mae_tanh_slope(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * (1 - hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "half finished: b1's gradient left as None")
def b2_mae_b1_none(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": None, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "own forward pass leaves out b1: hidden = σ(X @ W1)")
def b2_mae_forward_without_b1(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "adds a sigmoid slope at the output too, as in Nielsen's network, though the output is linear")
def b2_mae_output_sigmoid_slope(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    out = network.sigmoid(prediction)
    d_prediction = np.sign(prediction - y) / len(y) * out * (1 - out)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


# ---------------------------------------------------------------- backward_two_hidden

def _forward2(X, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = network.sigmoid(hidden1 @ W2 + b2)
    return hidden1, hidden2, hidden2 @ W3 + b3


@wrong("backward_two_hidden", "uses layer 2's sigmoid slope h2(1 − h2) again on the way into layer 1")
def b2_two_layer1_uses_h2_slope(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden2 * (1 - hidden2)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "W2's gradient from hidden2 (the layer's own output) instead of hidden1 (its input)")
def b2_two_w2_from_own_output(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden2.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "does not send the signal back through W2: d_z1 = d_z2 · h1(1 − h1)")
def b2_two_skips_w2(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = d_z2 * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "off by one link: layer 1's signal starts from d_hidden2, before layer 2's sigmoid slope")
def b2_two_layer1_from_d_hidden2(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_z1 = (d_hidden2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "forgets the sigmoid on the second hidden layer (forward and backward)")
def b2_two_second_layer_linear(X, y, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = hidden1 @ W2 + b2
    prediction = hidden2 @ W3 + b3
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = d_prediction @ W3.T
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "sends layer 1's signal back through W3 instead of W2")
def b2_two_wrong_weights_back(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_prediction @ W3.T @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "starts from the mean absolute error's signal sign(ŷ − y)/n, not the squared error's")
def b2_two_mae_signal(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = np.sign(prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "forgets the /n: the signal is 2(ŷ − y), the gradient of the sum")
def b2_two_no_n(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "sums b1's gradient over the units (axis=1) instead of over the houses")
def b2_two_b1_wrong_axis(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=1), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "W1's gradient multiplied the wrong way round: d_z1.T @ X, W1's shape transposed")
def b2_two_w1_transposed(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": d_z1.T @ X, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "calls network.sigmoid_derivative on the hidden outputs, so takes σ'(h) instead of σ'(z)")
def b2_two_sigmoid_derivative_of_h(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * network.sigmoid_derivative(hidden2)
    d_z1 = (d_z2 @ W2.T) * network.sigmoid_derivative(hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "mixes up the hidden layers: W1's gradient from hidden1.T, W2's from X.T")
def b2_two_inputs_swapped(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": hidden1.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": X.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "half finished: stops after layer 2, W1 and b1 left as None")
def b2_two_layer1_unfinished(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    return {"W1": None, "b1": None, "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "signal written as 2(y − ŷ)/n: every gradient has the wrong sign")
def b2_two_sign_slip(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (y - prediction) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "b2's gradient summed from d_hidden2, before the sigmoid's slope")
def b2_two_b2_before_slope(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward2(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_hidden2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}
