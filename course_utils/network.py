"""The two-layer network: inputs -> sigmoid hidden layer -> one linear output (the price).

Shapes: X (n, d), W1 (d, h), b1 (h,), W2 (h, 1), b2 (1,), y and prediction (n, 1).
W1[i, j] is w1_ij, the weight from input i to hidden unit j; W2[j, 0] is w2_j0, from hidden unit j to
the output. Introduced in 05_backpropagation.
"""
from dataclasses import dataclass

import numpy as np

from course_utils.descent import BLOW_UP, classify_run
from course_utils.losses import mse


def sigmoid(z):
    """1 / (1 + e^-z). Introduced in 05_backpropagation."""
    with np.errstate(over="ignore"):  # for z below about -709, e^-z is inf and the result is exactly 0
        return 1 / (1 + np.exp(-z))


def sigmoid_derivative(z):
    """d sigmoid / dz = sigmoid(z) * (1 - sigmoid(z)). Introduced in 05_backpropagation."""
    s = sigmoid(z)
    return s * (1 - s)


def init_params(n_inputs, n_hidden, seed=0):
    """Small random weights (scaled by 1/sqrt(fan-in)) and zero biases. Introduced in 05_backpropagation."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, 1 / np.sqrt(n_inputs), (n_inputs, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0.0, 1 / np.sqrt(n_hidden), (n_hidden, 1)),
        "b2": np.zeros(1),
    }


def forward(X, W1, b1, W2, b2):
    """(hidden, prediction): hidden = sigmoid(X @ W1 + b1), prediction = hidden @ W2 + b2.
    Introduced in 05_backpropagation."""
    hidden = sigmoid(X @ W1 + b1)
    return hidden, hidden @ W2 + b2


def loss_and_gradients(X, y, W1, b1, W2, b2):
    """E = mean((prediction - y) ** 2) and its gradients {"W1", "b1", "W2", "b2"}, from one forward and
    one backward pass. This is the course's one backward pass: backward, train and the backprop stepper
    all run it. The stepper shows learners each line that computes a value with its `#:` comment, "what it
    holds, (its shape)", a gradient's saying which derivative it holds: a line without one, or with one it
    cannot read, stops the stepper with an error that names the line (explorers/tracing.py reads them)."""
    # Forward: keep every intermediate, the backward pass needs them.
    z = X @ W1 + b1                                #: each hidden unit's weighted sum, (n, h)
    hidden = sigmoid(z)                            #: each hidden unit's output, (n, h)
    prediction = hidden @ W2 + b2                  #: the predicted price, (n, 1)
    E = np.mean((prediction - y) ** 2)             #: the error E (the MSE, written out), one number
    # Backward: from the error back to every weight, each line one step of the chain rule.
    d_prediction = 2 * (prediction - y) / len(y)   #: dE/dprediction, (n, 1)
    d_W2 = hidden.T @ d_prediction                 #: dE/dW2, (h, 1)
    d_b2 = d_prediction.sum(axis=0)                #: dE/db2, (1,)
    d_hidden = d_prediction @ W2.T                 #: dE/dhidden: the error shared back through W2, (n, h)
    d_z = d_hidden * hidden * (1 - hidden)         #: dE/dz: times the sigmoid's slope, (n, h)
    d_W1 = X.T @ d_z                               #: dE/dW1, (d, h)
    d_b1 = d_z.sum(axis=0)                         #: dE/db1, (h,)
    return E, {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


def backward(X, y, W1, b1, W2, b2):
    """Gradients {"W1", "b1", "W2", "b2"} of E = mean((prediction - y) ** 2), each shaped like its
    parameter; y has shape (n, 1). Introduced in 05_backpropagation."""
    return loss_and_gradients(X, y, W1, b1, W2, b2)[1]


def backward_tanh(X, y, W1, b1, W2, b2):
    """backward for the same network with tanh hidden units, hidden = tanh(X @ W1 + b1). Only the step
    back through the activation changes: tanh's slope, 1 - tanh(z)², is written with its output, as the
    sigmoid's is. 05_backpropagation has you write it."""
    hidden = np.tanh(X @ W1 + b1)                      # tanh instead of the sigmoid, (n, h)
    prediction = hidden @ W2 + b2
    d_prediction = 2 * (prediction - y) / len(y)      # from here on as in backward...
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T
    d_z = d_hidden * (1 - hidden ** 2)                 # ...except tanh's slope: 1 - tanh(z)²
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


def backward_mae(X, y, W1, b1, W2, b2):
    """backward for the mean absolute error, E = mean(|prediction - y|), which counts every dollar of a miss
    the same. Only the error signal changes: the slope of |e| is +1 where e > 0 and -1 where e < 0 (at
    e = 0 it has none; np.sign gives 0 there, one of the values between). 05_backpropagation has you write it."""
    hidden, prediction = forward(X, W1, b1, W2, b2)
    d_prediction = np.sign(prediction - y) / len(y)   # dE/dprediction: ±1/n, not 2 (prediction - y)/n
    d_W2 = hidden.T @ d_prediction                     # from here on exactly as in backward
    d_b2 = d_prediction.sum(axis=0)
    d_z = (d_prediction @ W2.T) * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


def backward_two_hidden(X, y, W1, b1, W2, b2, W3, b3):
    """Gradients {"W1", "b1", "W2", "b2", "W3", "b3"} of E = mean((prediction - y) ** 2) for the network
    with a second sigmoid hidden layer: hidden1 = sigmoid(X @ W1 + b1), hidden2 = sigmoid(hidden1 @ W2 + b2),
    prediction = hidden2 @ W3 + b3. backward with one more turn of its two moves. 05_backpropagation has
    you write it."""
    hidden1 = sigmoid(X @ W1 + b1)
    hidden2 = sigmoid(hidden1 @ W2 + b2)
    prediction = hidden2 @ W3 + b3
    d_prediction = 2 * (prediction - y) / len(y)
    d_z2 = (d_prediction @ W3.T) * hidden2 * (1 - hidden2)    # back through W3, then the sigmoid's slope
    d_z1 = (d_z2 @ W2.T) * hidden1 * (1 - hidden1)            # the same two moves, one layer further
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": hidden1.T @ d_z2, "b2": d_z2.sum(axis=0),
            "W3": hidden2.T @ d_prediction, "b3": d_prediction.sum(axis=0)}


def train_step(X, y, W1, b1, W2, b2, alpha):
    """One step of gradient descent: the new (W1, b1, W2, b2). Every gradient is computed first, from
    the network that made the prediction, and only then is every parameter moved; new arrays are
    returned and the inputs are left as they were. Introduced in 05_backpropagation, which has you write
    it and shows that updating layer by layer, each layer after the signal has gone back through it, gives
    the same step to the bit."""
    hidden, prediction = forward(X, W1, b1, W2, b2)
    # 1. Every gradient, with the parameters that made the prediction...
    d_prediction = 2 * (prediction - y) / len(y)
    d_W2 = hidden.T @ d_prediction
    d_b2 = d_prediction.sum(axis=0)
    d_hidden = d_prediction @ W2.T                     # needs the old W2: do not update it before this line
    d_z = d_hidden * hidden * (1 - hidden)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    # 2. ...then every update, each a new array (W1 - ..., not W1 -= ..., which changes the caller's W1).
    return W1 - alpha * d_W1, b1 - alpha * d_b1, W2 - alpha * d_W2, b2 - alpha * d_b2


@dataclass
class TrainingRun:
    """What training left behind: the parameters, the loss after every epoch, and (if asked for) the
    parameters of every epoch, snapshots[k] after k updates. What train returns."""
    params: dict
    train_losses: np.ndarray
    test_losses: np.ndarray
    regime: str
    diverged_at: int | None
    snapshots: list

    def __repr__(self):
        where = f", diverged at epoch {self.diverged_at}" if self.diverged_at is not None else ""
        return (f"TrainingRun({len(self.train_losses) - 1} epochs, train loss {self.train_losses[-1]:.4g}, "
                f"{self.regime}{where})")


def train(X, y, n_hidden=4, alpha=0.1, epochs=500, seed=0, X_test=None, y_test=None, keep_snapshots=False,
          start=None):
    """Full-batch gradient descent on the network; stops cleanly if the loss blows up.
    train_losses[k] is the loss after k updates, and `params` the last parameters before any blow-up.
    keep_snapshots=True keeps the parameters of every epoch too (a dashboard can then show any epoch
    without training again). Training starts from init_params(..., seed), or from the parameters
    `start` if given (they are not changed). Introduced in 05_backpropagation."""
    params = init_params(X.shape[1], n_hidden, seed) if start is None else dict(start)
    snapshots, train_losses, test_losses, diverged_at = [], [], [], None
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs + 1):
            loss, grads = loss_and_gradients(X, y, **params)
            if not np.isfinite(loss) or (train_losses and loss > BLOW_UP * train_losses[0]):
                diverged_at = epoch
                break
            snapshots.append(params)
            train_losses.append(loss)
            if X_test is not None:
                test_losses.append(mse(forward(X_test, **params)[1], y_test))
            if epoch < epochs:
                params = {name: value - alpha * grads[name] for name, value in params.items()}
    regime = classify_run(train_losses, diverged=diverged_at is not None)
    last_good = snapshots[-1] if snapshots else params
    return TrainingRun(last_good, np.array(train_losses), np.array(test_losses), regime, diverged_at,
                       snapshots if keep_snapshots else [])


def train_setting(split, max_epochs, setting):
    """train for one setting of the training dashboard, setting = (α, hidden units), on a HouseSplit,
    with every epoch kept. Used by the dashboard to train its runs ahead."""
    alpha, hidden = setting
    return train(split.X_train, split.y_train, hidden, alpha, max_epochs, X_test=split.X_test,
                 y_test=split.y_test, keep_snapshots=True)
