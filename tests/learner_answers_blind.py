"""Wrong answers to the exercises added after the first sets (03's squared_error_backward, 05's
backward_mae and backward_two_hidden), written by reviewers who had not read the course's mistake tables,
as a learner would write them in the notebook. Before the tables grew for them, check named 13 of
squared_error_backward's first batch of 20, 11 of its second batch of 15 (written after the table had
grown for the first), 9 of backward_mae's 19 and 9 of backward_two_hidden's 21."""
import numpy as np
from course_utils import network
from learner_answers import registrar

BLIND = []
wrong = registrar(BLIND)


@wrong("squared_error_backward", "takes only one path through E = e*e: dE/de = e (the other input), paths not added")
def blind_sebw_one_path_only(w, x, y):
    e = w * x - y
    dE_de = e
    dE_dp = dE_de * 1
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "multiplies the two meeting paths instead of adding them: dE/de = e * e")
def blind_sebw_paths_multiply(w, x, y):
    e = w * x - y
    dE_de = e * e
    dE_dp = dE_de
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward",
       "error defined backwards as e = y - p (actual - prediction), so every gradient has the wrong sign")
def blind_sebw_error_flipped(w, x, y):
    e = y - w * x
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "forgets the last chain step: dE/dw left as dE/dp, never multiplied by dp/dw = x")
def blind_sebw_no_final_chain(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "writes each gate's local slope instead of the chained gradient (2e, 1, x)")
def blind_sebw_local_slopes_only(w, x, y):
    e = w * x - y
    return {"e": 2 * e, "p": 1.0, "w": x}


@wrong("squared_error_backward", "returns the forward values (e, p, w) instead of the gradients written under them")
def blind_sebw_values_not_gradients(w, x, y):
    p = w * x
    e = p - y
    return {"e": e, "p": p, "w": w}


@wrong("squared_error_backward", "puts E = e**2 where dE/de should go, then chains from it")
def blind_sebw_value_E_as_grad(w, x, y):
    e = w * x - y
    E = e ** 2
    dE_dp = E
    dE_dw = dE_dp * x
    return {"e": E, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "uses the wrong factor for p = w*x: multiplies by w instead of x")
def blind_sebw_times_w_not_x(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp * w
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "averages dE/dw over the houses instead of keeping it entry by entry")
def blind_sebw_mean_over_houses(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = np.mean(dE_dp * x)
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "sums dE/dw over houses (one shared w) although the exercise asks entry by entry")
def blind_sebw_sum_over_houses(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = np.dot(dE_dp, x)
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "wrong dictionary keys: names them after the derivatives ('dE/de', ...)")
def blind_sebw_wrong_keys(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    return {"dE/de": dE_de, "dE/dp": dE_de, "dE/dw": dE_de * x}


@wrong("squared_error_backward", "returns a tuple (dE/de, dE/dp, dE/dw) instead of a dict")
def blind_sebw_returns_tuple(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    return dE_de, dE_dp, dE_dp * x


@wrong("squared_error_backward", "thinks the subtraction gate e = p - y flips the sign: de/dp = -1")
def blind_sebw_minus_gate_flips(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de * -1
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "applies 'where paths meet, gradients add' again at every gate, doubling at each step")
def blind_sebw_adds_at_every_gate(w, x, y):
    e = w * x - y
    dE_de = e + e
    dE_dp = dE_de + dE_de
    dE_dw = dE_dp * x + dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "adds the local slopes along the chain instead of multiplying them")
def blind_sebw_chain_by_adding(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de + 1
    dE_dw = dE_dp + x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "keeps the 2 at the e step but forgets it further left: dE/dp = e, dE/dw = e*x")
def blind_sebw_drops_two_after_e(w, x, y):
    e = w * x - y
    return {"e": 2 * e, "p": e, "w": e * x}


@wrong("squared_error_backward", "uses the size of the error, e = |p - y|, so the gradient never goes negative")
def blind_sebw_abs_error(w, x, y):
    e = np.abs(w * x - y)
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "slope of e**2 taken at the prediction: dE/de = 2p instead of 2e")
def blind_sebw_two_p(w, x, y):
    p = w * x
    dE_de = 2 * p
    dE_dp = dE_de
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "multiplies by the actual price y instead of the input x in the last step")
def blind_sebw_times_y(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp * y
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "divides by x instead of multiplying (reads dp/dw as 1/x, 'w = p/x')")
def blind_sebw_divide_by_x(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp / x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


# --- The second batch ---

@wrong("squared_error_backward", "counts only one path through E = e*e: dE/de = e, not e + e")
def blind2_sebw_one_path_only(w, x, y):
    p = w * x
    e = p - y
    dE_de = e
    dE_dp = dE_de * 1
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "returns the value E = e*e in place of the gradient dE/de")
def blind2_sebw_value_not_gradient(w, x, y):
    e = w * x - y
    E = e * e
    return {"e": E, "p": E, "w": E * x}


@wrong("squared_error_backward", "stops the walk at p: dE/dw = 2e, forgets the local slope x")
def blind2_sebw_forgot_times_x(w, x, y):
    e = w * x - y
    g = 2 * e
    return {"e": g, "p": g, "w": g}


@wrong("squared_error_backward", "error defined as actual - prediction, so every gradient has the wrong sign")
def blind2_sebw_flipped_error(w, x, y):
    p = w * x
    e = y - p
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "local slope dp/dw taken as w instead of x")
def blind2_sebw_times_w(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    return {"e": dE_de, "p": dE_de, "w": dE_de * w}


@wrong("squared_error_backward", "sums dE/dw over the houses (like a total weight gradient) instead of entry by entry")
def blind2_sebw_summed_w(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    return {"e": dE_de, "p": dE_de, "w": np.sum(dE_de * x)}


@wrong("squared_error_backward", "mixes in mse: divides every gradient by the number of houses")
def blind2_sebw_divided_by_n(w, x, y):
    e = w * x - y
    n = np.size(e)
    dE_de = 2 * e / n
    return {"e": dE_de, "p": dE_de, "w": dE_de * x}


@wrong("squared_error_backward", "applies the slope x one gate too early, at p, and again at w")
def blind2_sebw_x_too_early(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de * x
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "swaps the \"p\" and \"w\" entries of the dictionary")
def blind2_sebw_swapped_keys(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de
    dE_dw = dE_dp * x
    return {"e": dE_de, "p": dE_dw, "w": dE_dp}


@wrong("squared_error_backward", "uses the prediction p where the error e belongs: 2p")
def blind2_sebw_used_p(w, x, y):
    p = w * x
    e = p - y  # noqa: F841 (computed, then not used: the mistake)
    dE_de = 2 * p
    return {"e": dE_de, "p": dE_de, "w": dE_de * x}


@wrong("squared_error_backward", "divides by the local slope instead of multiplying: dE/dw = dE/dp / x")
def blind2_sebw_divided_by_x(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    dE_dp = dE_de / 1
    dE_dw = dE_dp / x
    return {"e": dE_de, "p": dE_dp, "w": dE_dw}


@wrong("squared_error_backward", "derivative of e^2 half-remembered as just 2 (drops the e)")
def blind2_sebw_slope_is_two(w, x, y):
    e = w * x - y
    dE_de = 2 * np.ones_like(e, dtype=float)
    return {"e": dE_de, "p": dE_de, "w": dE_de * x}


@wrong("squared_error_backward", "writes the local slopes under each value instead of the accumulated gradients")
def blind2_sebw_local_slopes(w, x, y):
    e = w * x - y
    return {"e": 2 * e, "p": 1.0, "w": x}


@wrong("squared_error_backward", "loop over houses that overwrites its result, returning only the last house")
def blind2_sebw_loop_last_only(w, x, y):
    xs = np.atleast_1d(x)
    ys = np.atleast_1d(y)
    for i in range(len(xs)):
        e = w * xs[i] - ys[i]
        grads = {"e": 2 * e, "p": 2 * e, "w": 2 * e * xs[i]}
    return grads


@wrong("squared_error_backward", "multiplies by y instead of x for dE/dw (mixed up which input goes with w)")
def blind2_sebw_times_y(w, x, y):
    e = w * x - y
    dE_de = 2 * e
    return {"e": dE_de, "p": dE_de, "w": dE_de * y}


# --- 05 backward_mae ---

@wrong("backward_mae", "uses |prediction - y| as the slope instead of its sign")
def blind_mae_abs_not_sign(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.abs(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "sign of the error but forgets the 1/n from the mean")
def blind_mae_no_divide_n(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "keeps the factor 2 from the squared error's derivative")
def blind_mae_kept_two(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "sign of y - prediction: the slope points the wrong way")
def blind_mae_sign_flipped(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(y - prediction) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "drops the 2 but keeps the error itself: (prediction - y) / n, a halved MSE gradient")
def blind_mae_linear_error(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "slope of |e| taken as 1 everywhere (ones / n), ignoring which side of y the prediction is")
def blind_mae_slope_one(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.ones_like(prediction) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "loop over samples: slope 1/n when over, 0 when under (ReLU-like, forgets the -1 side)")
def blind_mae_loop_relu_slope(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    n = len(y)
    d_prediction = np.zeros_like(prediction)
    for k in range(n):
        if prediction[k, 0] > y[k, 0]:
            d_prediction[k, 0] = 1 / n
        else:
            d_prediction[k, 0] = 0
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "MSE chain rule kept and multiplied by the sign: 2|e|/n")
def blind_mae_mse_times_sign(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y) * np.sign(prediction - y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "sends the loss value E = mean|e| back as the gradient of every prediction")
def blind_mae_loss_value(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    E = np.mean(np.abs(prediction - y))
    d_prediction = np.full_like(prediction, E)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "precedence slip: np.sign(prediction - y / n), so nothing is divided by n")
def blind_mae_precedence(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y / len(y))
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "divides by the number of input features X.shape[1] instead of the number of samples")
def blind_mae_divide_by_features(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / X.shape[1]
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "right first step, but forgets the sigmoid's slope going back to W1 and b1")
def blind_mae_no_sigmoid_slope(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_W1 = X.T @ d_hidden
    d_b1 = d_hidden.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "applies network.sigmoid_derivative to the hidden output instead of to z")
def blind_mae_sigmoid_derivative_of_output(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * network.sigmoid_derivative(hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "only W2 and b2 use the new slope; W1 and b1 are taken from the MSE backward")
def blind_mae_only_output_layer(X, y, W1, b1, W2, b2):
    grads = network.backward(X, y, W1, b1, W2, b2)
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    grads["W2"] = hidden.T @ d_prediction
    grads["b2"] = d_prediction.sum(axis=0)
    return grads


@wrong("backward_mae", "copied backward_tanh: tanh hidden units and tanh's slope instead of the sigmoid")
def blind_mae_copied_tanh(X, y, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden ** 2)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "d_W2 written as d_prediction.T @ hidden, shape (1, h) instead of (h, 1)")
def blind_mae_transposed_dW2(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = d_prediction.T @ hidden
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "averages the bias gradients (mean over samples) on top of the 1/n already in d_prediction")
def blind_mae_mean_biases(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    d_prediction = np.sign(prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.mean(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.mean(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "slope of |e| written as e / sum|e| (divides by the total absolute error, not each |e_k|)")
def blind_mae_normalised_by_total(X, y, W1, b1, W2, b2):
    hidden = network.sigmoid(X @ W1 + b1)
    prediction = hidden @ W2 + b2
    error = prediction - y
    d_prediction = error / np.sum(np.abs(error))
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


@wrong("backward_mae", "takes the sign of every MSE gradient and divides by n, instead of the sign of the error")
def blind_mae_sign_of_mse_grads(X, y, W1, b1, W2, b2):
    grads = network.backward(X, y, W1, b1, W2, b2)
    return {name: np.sign(g) / len(y) for name, g in grads.items()}


# --- 05 backward_two_hidden ---

def _two_forward(X, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = network.sigmoid(hidden1 @ W2 + b2)
    return hidden1, hidden2, hidden2 @ W3 + b3


def _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1):
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "forgets the sigmoid slope of the second hidden layer")
def blind_two_no_slope_layer2(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = d_prediction @ W3.T
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "forgets the sigmoid slope of the first hidden layer")
def blind_two_no_slope_layer1(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = d_z2 @ W2.T
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "sends the error back through W2 before multiplying by layer 2's slope")
def blind_two_back_through_w2_before_slope(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_hidden1 = d_hidden2 @ W2.T          # should be d_z2 @ W2.T
    d_z1 = d_hidden1 * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "swaps hidden1 and hidden2 in the slopes: layer 1's slope in layer 2 and vice versa")
def blind_two_swapped_slopes(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden1 * (1 - hidden1)
    d_z1 = (d_z2 @ W2.T) * hidden2 * (1 - hidden2)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "takes the slope as sigmoid_derivative of the outputs instead of the weighted sums")
def blind_two_slope_of_outputs(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * network.sigmoid_derivative(hidden2)
    d_z1 = (d_z2 @ W2.T) * network.sigmoid_derivative(hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "uses the tanh slope 1 - hidden**2 for the sigmoid layers")
def blind_two_tanh_slope(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * (1 - hidden2 ** 2)
    d_z1 = (d_z2 @ W2.T) * (1 - hidden1 ** 2)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "multiplies by layer 2's slope twice on the way back to layer 1")
def blind_two_slope_twice(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = ((d_z2 * hidden2 * (1 - hidden2)) @ W2.T) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "the gradient of W2 uses X as its input instead of hidden1")
def blind_two_w2_input_is_x(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    grads = _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)
    grads["W2"] = X.T @ d_z2
    return grads


@wrong("backward_two_hidden", "the gradient of W3 uses hidden1 and that of W2 uses hidden2 (inputs mixed up)")
def blind_two_inputs_swapped(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden2, hidden1, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "overwrites a single `hidden` variable in the forward pass, so hidden1 is lost")
def blind_two_overwrote_hidden(X, y, W1, b1, W2, b2, W3, b3):
    hidden = network.sigmoid(X @ W1 + b1)
    hidden = network.sigmoid(hidden @ W2 + b2)
    prediction = hidden @ W3 + b3
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    d_z2 = (d_prediction @ W3.T) * hidden * (1 - hidden)
    d_W2 = hidden.T @ d_z2
    d_b2 = d_z2.sum(axis=0)
    d_z1 = (d_z2 @ W2.T) * hidden * (1 - hidden)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "sends the error back with W2 instead of W2.T")
def blind_two_no_transpose_w2(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "weight gradients written as signal.T @ input, so they come out transposed")
def blind_two_transposed_weight_grads(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": d_z1.T @ X, "b1": d_z1.sum(axis=0), "W2": d_z2.T @ hidden1, "b2": d_z2.sum(axis=0),
            "W3": d_prediction.T @ hidden2, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "bias gradients averaged over the examples instead of summed")
def blind_two_bias_mean(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    grads = _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)
    grads["b1"], grads["b2"], grads["b3"] = d_z1.mean(axis=0), d_z2.mean(axis=0), d_prediction.mean(axis=0)
    return grads


@wrong("backward_two_hidden", "new layer's bias gradient is the error signal itself, not summed over examples")
def blind_two_bias_not_summed(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    grads = _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)
    grads["b2"] = d_z2
    return grads


@wrong("backward_two_hidden", "drops the 1/n of the mean from dE/dprediction")
def blind_two_no_divide_by_n(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "error signal written as (y - prediction), so every gradient has the wrong sign")
def blind_two_sign_flipped(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (y - prediction) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "reuses network.backward on each pair of layers as if each pair were the whole network")
def blind_two_reuse_backward_per_pair(X, y, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    top = network.backward(hidden1, y, W2, b2, W3, b3)
    bottom = network.backward(X, y, W1, b1, W2, b2)
    return {"W1": bottom["W1"], "b1": bottom["b1"], "W2": top["W1"], "b2": top["b1"],
            "W3": top["W2"], "b3": top["b2"]}


@wrong("backward_two_hidden", "reuses network.backward for the last two layers, then W1 from the wrong signal")
def blind_two_reuse_backward_then_guess(X, y, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    top = network.backward(hidden1, y, W2, b2, W3, b3)
    d_z1 = (top["b1"] @ W2.T) * hidden1 * (1 - hidden1)   # uses the bias gradient as if it were the signal
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": top["W1"], "b2": top["b1"],
            "W3": top["W2"], "b3": top["b2"]}


@wrong("backward_two_hidden", "skips layer 2: sends the error from the output straight back through W3 to layer 1")
def blind_two_skip_layer2(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_prediction @ W3.T) * hidden1 * (1 - hidden1)
    return _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)


@wrong("backward_two_hidden", "the W2 gradient uses the signal before layer 2's slope (dE/dhidden2 not dE/dz2)")
def blind_two_w2_from_dhidden2(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    grads = _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)
    grads["W2"], grads["b2"] = hidden1.T @ d_hidden2, d_hidden2.sum(axis=0)
    return grads


@wrong("backward_two_hidden", "the W3 gradient uses layer 2's weighted sum instead of its sigmoid output")
def blind_two_w3_from_weighted_sum(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _two_forward(X, W1, b1, W2, b2, W3, b3)
    z2 = hidden1 @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    grads = _two_grads(X, hidden1, hidden2, d_prediction, d_z2, d_z1)
    grads["W3"] = z2.T @ d_prediction
    return grads


# The second batch, written after the tables had grown for this one, counts with it.
from learner_answers_blind2 import BLIND2  # noqa: E402 (the first batch is complete above)

BLIND += BLIND2
from learner_answers_blind3 import BLIND3  # noqa: E402 (the third, written after the tables grew for the second)

BLIND += BLIND3
from learner_answers_blind4 import BLIND4  # noqa: E402 (the fourth, backward_two_hidden's only)

BLIND += BLIND4
