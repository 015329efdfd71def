"""A third batch of wrong answers to 03's squared_error_backward and 05's backward_mae and backward_two_hidden,
written by a reviewer who had read neither the mistake tables nor the earlier batches, after the tables had
grown for the second batch (learner_answers_blind2.py). Before the tables grew again, check named 12 of 12 for
squared_error_backward, 11 of 12 for backward_mae and 10 of 12 for backward_two_hidden (33 of 36, 92 %);
after, all 36."""
import numpy as np
from course_utils import network
from learner_answers import registrar

BLIND3 = []
wrong = registrar(BLIND3)


# ---------------------------------------------------------------------------------------------
# 1. squared_error_backward(w, x, y) -> {"e": dE/de, "p": dE/dp, "w": dE/dw}, entry by entry
# ---------------------------------------------------------------------------------------------

@wrong("squared_error_backward", "takes the slope of one input of the gate E = e*e only: dE/de = e, not e + e")
def b3_sebw_one_path_only(w, x, y):
    p = w * x
    e = p - y
    d_E = 1.0
    d_e = d_E * e          # nudge one input, E moves by the other input
    d_p = d_e * 1
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "defines the error as actual minus prediction, so every gradient has the wrong sign")
def b3_sebw_error_backwards(w, x, y):
    p = w * x
    e = y - p
    d_e = e + e
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "averages dE/dw over the houses (section 2's 2·mean(e·x)) instead of one per house")
def b3_sebw_mean_over_houses(w, x, y):
    p = w * x
    e = p - y
    d_e = 2 * e
    d_p = d_e
    d_w = 2 * np.mean(e * x)
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "multiplies by the weight w instead of the input x for the last link dp/dw")
def b3_sebw_times_weight(w, x, y):
    p = w * x
    e = p - y
    d_e = e + e
    d_p = d_e * 1
    d_w = d_p * w
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "puts the x of dp/dw already into dE/dp, then multiplies by x again for dE/dw")
def b3_sebw_x_one_link_early(w, x, y):
    p = w * x
    e = p - y
    d_e = 2 * e
    d_p = d_e * x
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "returns only the weight's gradient, not the whole walk")
def b3_sebw_only_w(w, x, y):
    e = w * x - y
    return {"w": 2 * e * x}


@wrong("squared_error_backward", "divides every gradient by the number of houses, as for the mean in notebook 05")
def b3_sebw_divides_by_n(w, x, y):
    n = np.size(x)
    p = w * x
    e = p - y
    d_e = 2 * e / n
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "gives the link e = p - y a slope of -1, so dE/dp and dE/dw flip sign")
def b3_sebw_minus_one_link(w, x, y):
    p = w * x
    e = p - y
    d_e = e + e
    d_p = d_e * -1
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "builds p by scaling x in place, so x is overwritten and dE/dw is multiplied by p")
def b3_sebw_inplace_alias(w, x, y):
    x = np.asarray(x, dtype=float)
    p = x
    p *= w                 # p and x are the same array now
    e = p - y
    d_e = 2 * e
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "uses the prediction in place of the error: forgets to subtract y")
def b3_sebw_forgets_y(w, x, y):
    p = w * x
    d_e = 2 * p
    d_p = d_e
    d_w = d_p * x
    return {"e": d_e, "p": d_p, "w": d_w}


@wrong("squared_error_backward", "returns a tuple (dE/de, dE/dp, dE/dw) instead of the dict")
def b3_sebw_returns_tuple(w, x, y):
    p = w * x
    e = p - y
    d_e = e + e
    d_p = d_e
    d_w = d_p * x
    return d_e, d_p, d_w


@wrong("squared_error_backward", "adds the local slopes along the chain instead of multiplying them")
def b3_sebw_adds_chain(w, x, y):
    p = w * x
    e = p - y
    d_e = e + e            # paths meet: add
    d_p = d_e + 1
    d_w = d_p + x
    return {"e": d_e, "p": d_p, "w": d_w}


# ---------------------------------------------------------------------------------------------
# 2. backward_mae(X, y, W1, b1, W2, b2): E = mean(|prediction - y|)
# ---------------------------------------------------------------------------------------------

def _mae_rest(X, hidden, d_prediction, W2):
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "keeps the 2 from the squared error: 2·sign(e)/n")
def b3_mae_keeps_two(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = 2 * np.sign(prediction - y) / len(y)
    return _mae_rest(X, hidden, d_prediction, W2)


@wrong("backward_mae", "forgets to divide the sign by n, the gradient of the sum not the mean")
def b3_mae_no_mean(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "takes the sign of actual minus prediction, so all four gradients point uphill")
def b3_mae_sign_flipped(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    n = len(y)
    d_prediction = np.sign(y - prediction) / n
    return _mae_rest(X, hidden, d_prediction, W2)


@wrong("backward_mae", "uses |e|/n, the loss itself, as its slope instead of sign(e)/n")
def b3_mae_abs_not_sign(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.abs(prediction - y) / len(y)
    return _mae_rest(X, hidden, d_prediction, W2)


@wrong("backward_mae", "takes n from the wrong axis of X: the number of features, not of houses")
def b3_mae_n_features(X, y, W1, b1, W2, b2):
    n = X.shape[1]
    z = X @ W1 + b1
    hidden = network.sigmoid(z)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / n
    return _mae_rest(X, hidden, d_prediction, W2)


@wrong("backward_mae", "copies the tanh exercise's slope 1 - h² for the sigmoid hidden layer")
def b3_mae_tanh_slope(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * (1 - hidden ** 2)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "averages the bias gradients over houses although the /n is already in the signal")
def b3_mae_bias_mean(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.mean(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_b1 = d_z.mean(axis=0)
    return {"W1": X.T @ d_z, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "applies sigmoid_derivative to the hidden outputs, σ'(h) instead of σ'(z)")
def b3_mae_sigmoid_of_hidden(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * network.sigmoid_derivative(hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0),
            "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward_mae", "flattens the error to a vector, so d_W2 comes out (h,) and d_b2 a bare number")
def b3_mae_flat_error(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    error = (prediction - y).ravel()           # one number per house
    d_prediction = np.sign(error) / len(error)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum()
    d_hidden = np.outer(d_prediction, W2)
    d_z = d_hidden * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "b1": d_z.sum(axis=0), "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "returns only the weight gradients, without b1 and b2")
def b3_mae_no_biases(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z, "W2": hidden.T @ d_prediction}


@wrong("backward_mae", "skips the sigmoid's slope: W1's gradient uses dE/dhidden instead of dE/dz")
def b3_mae_no_sigmoid_slope(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)  # noqa: F841 (computed, then not used: the mistake)
    return {"W1": X.T @ d_hidden, "b1": d_hidden.sum(axis=0),
            "W2": hidden.T @ d_prediction, "b2": d_prediction.sum(axis=0)}


@wrong("backward_mae", "divides the sign by n with integer division //, so it floors to 0 or -1")
def b3_mae_floor_division(X, y, W1, b1, W2, b2):
    hidden, prediction = network.forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) // len(y)
    return _mae_rest(X, hidden, d_prediction, W2)


# ---------------------------------------------------------------------------------------------
# 3. backward_two_hidden(X, y, W1, b1, W2, b2, W3, b3)
# ---------------------------------------------------------------------------------------------

def _two_forward(X, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = network.sigmoid(hidden1 @ W2 + b2)
    return hidden1, hidden2, hidden2 @ W3 + b3


@wrong("backward_two_hidden", "forgets the first layer's sigmoid slope: d_z1 = d_z2 @ W2.T")
def b3_two_no_slope_layer1(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = d_z2 @ W2.T
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "drops the 2 of the squared error, as texts with E = ½ mean(e²) do")
def b3_two_half_mse(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "multiplies layer 2's sigmoid slope in a second time on the way to layer 1")
def b3_two_slope_twice(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_hidden1 = (d_z2 * hidden2 * (1 - hidden2)) @ W2.T
    d_z1 = d_hidden1 * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "computes d_z1 but uses d_hidden1 for W1's and b1's gradients")
def b3_two_uses_d_hidden1(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_hidden1 = d_z2 @ W2.T
    d_z1 = d_hidden1 * hidden1 * (1 - hidden1)  # noqa: F841 (computed, then not used: the mistake)
    return {"W1": X.T @ d_hidden1, "b1": d_hidden1.sum(axis=0), "W2": hidden1.T @ d_z2,
            "b2": d_z2.sum(axis=0), "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "writes each weight gradient the wrong way round, signal.T @ input")
def b3_two_transposed_weights(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": d_z1.T @ X, "b1": d_z1.sum(axis=0), "W2": d_z2.T @ hidden1, "b2": d_z2.sum(axis=0),
            "W3": d_prediction.T @ hidden2, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "error signal as actual minus prediction: every gradient has the wrong sign")
def b3_two_sign(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (y - prediction) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "sends d_hidden2 back through W2, skipping layer 2's sigmoid slope for layer 1")
def b3_two_hidden2_signal_back(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_hidden1 = d_hidden2 @ W2.T
    d_z1 = d_hidden1 * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "extends backward's return line with W3 only and forgets b3")
def b3_two_missing_b3(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden2.T @ d_prediction
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": d_W3}


@wrong("backward_two_hidden", "reuses network.backward for layers 1-2 as if hidden2's sum were the prediction")
def b3_two_reuses_backward(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden2.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    lower = network.backward(X, y, W1, b1, W2, b2)   # the two-layer backward for the first two layers
    return {"W1": lower["W1"], "b1": lower["b1"], "W2": lower["W2"], "b2": lower["b2"],
            "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "steps W3 downhill in place before sending the signal back through it")
def b3_two_updates_on_the_way(X, y, W1, b1, W2, b2, W3, b3):
    alpha = 0.3
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden2.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    W3 -= alpha * d_W3                      # update each layer on the way back
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_W2 = hidden1.T @ d_z2
    d_b2 = d_z2.sum(axis=0)
    W2 -= alpha * d_W2
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "sums the bias gradients with keepdims=True, so b1 and b2 come out (1, h)")
def b3_two_keepdims_bias(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0, keepdims=True),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0, keepdims=True),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "reuses the name hidden for both layers, so W2's gradient takes hidden2 as its input")
def b3_two_overwritten_hidden(X, y, W1, b1, W2, b2, W3, b3):
    z1 = X @ W1 + b1
    hidden = network.sigmoid(z1)
    z2 = hidden @ W2 + b2
    hidden = network.sigmoid(z2)            # layer 2's output, under the same name
    prediction = hidden @ W3 + b3
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    d_z2 = (d_prediction @ W3.T) * network.sigmoid_derivative(z2)
    d_W2 = hidden.T @ d_z2
    d_b2 = d_z2.sum(axis=0)
    d_z1 = (d_z2 @ W2.T) * network.sigmoid_derivative(z1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}
