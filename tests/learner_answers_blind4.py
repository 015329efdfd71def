"""A fourth batch of wrong answers, to 05's backward_two_hidden only, written by a reviewer who had read neither the
mistake tables nor the earlier batches, after the tables had grown for the third batch (learner_answers_blind3.py).
check names 11 of the 12; the tables did not grow for it."""
from course_utils import network
from learner_answers import registrar

BLIND4 = []
wrong = registrar(BLIND4)


def _forward(X, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = network.sigmoid(hidden1 @ W2 + b2)
    prediction = hidden2 @ W3 + b3
    return hidden1, hidden2, prediction


@wrong("backward_two_hidden", "W3's gradient uses the first hidden layer's output instead of the second's")
def b4_two_w3_from_hidden1(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden1.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_W2 = hidden1.T @ d_z2
    d_b2 = d_z2.sum(axis=0)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    d_W1 = X.T @ d_z1
    d_b1 = d_z1.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "forgets the sigmoid's slope in the new first hidden layer")
def b4_two_no_slope_layer1(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3, d_b3 = hidden2.T @ d_prediction, d_prediction.sum(axis=0)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_W2, d_b2 = hidden1.T @ d_z2, d_z2.sum(axis=0)
    d_z1 = d_z2 @ W2.T
    d_W1, d_b1 = X.T @ d_z1, d_z1.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "applies sigmoid_derivative to the hidden outputs instead of to z (sigma'(sigma(z)))")
def b4_two_sigmoid_derivative_of_h(X, y, W1, b1, W2, b2, W3, b3):
    hidden1 = network.sigmoid(X @ W1 + b1)
    hidden2 = network.sigmoid(hidden1 @ W2 + b2)
    prediction = hidden2 @ W3 + b3
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden2.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    d_z2 = (d_prediction @ W3.T) * network.sigmoid_derivative(hidden2)
    d_W2 = hidden1.T @ d_z2
    d_b2 = d_z2.sum(axis=0)
    d_z1 = (d_z2 @ W2.T) * network.sigmoid_derivative(hidden1)
    d_W1 = X.T @ d_z1
    d_b1 = d_z1.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "sends layer 2's blame (before its sigmoid slope) back through W2 instead of d_z2")
def b4_two_send_d_hidden2_back(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_hidden2 = d_prediction @ W3.T
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_hidden1 = d_hidden2 @ W2.T
    d_z1 = d_hidden1 * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "error signal without dividing by n: the gradient of the sum, not the mean")
def b4_two_no_divide_n(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "error taken as actual minus prediction, so every gradient has the wrong sign")
def b4_two_error_sign_flipped(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    error = y - prediction
    d_prediction = 2 * error / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "bias gradients averaged over the houses (mean) instead of summed")
def b4_two_bias_mean(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.mean(axis=0),
            "W2": hidden1.T @ d_z2, "b2": d_z2.mean(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.mean(axis=0)}


@wrong("backward_two_hidden", "bias gradients summed with keepdims=True, shape (1, h) instead of (h,)")
def b4_two_bias_keepdims(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0, keepdims=True),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0, keepdims=True),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0, keepdims=True)}


@wrong("backward_two_hidden",
       "multiplies the output error signal by a sigmoid slope too (as in Nielsen), though the output is linear")
def b4_two_output_sigmoid_slope(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y) * prediction * (1 - prediction)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden",
       "W2's gradient takes layer 2's blame before the sigmoid slope (d_hidden2), though the signal sent on is right")
def b4_two_w2_grad_before_slope(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_W3 = hidden2.T @ d_prediction
    d_b3 = d_prediction.sum(axis=0)
    d_hidden2 = d_prediction @ W3.T
    d_W2 = hidden1.T @ d_hidden2
    d_b2 = d_hidden2.sum(axis=0)
    d_z2 = d_hidden2 * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    d_W1 = X.T @ d_z1
    d_b1 = d_z1.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2, "W3": d_W3, "b3": d_b3}


@wrong("backward_two_hidden", "layer 1's error signal uses layer 2's sigmoid slope (hidden2) instead of hidden1's")
def b4_two_slope_from_wrong_layer(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    slope2 = hidden2 * (1 - hidden2)
    d_z2 = (d_prediction @ W3.T) * slope2
    d_z1 = (d_z2 @ W2.T) * slope2
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
            "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


@wrong("backward_two_hidden", "middle weight gradient written signal-first, d_z2.T @ hidden1: W2's shape transposed")
def b4_two_w2_grad_transposed(X, y, W1, b1, W2, b2, W3, b3):
    hidden1, hidden2, prediction = _forward(X, W1, b1, W2, b2, W3, b3)
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
            "W2": d_z2.T @ hidden1, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}
