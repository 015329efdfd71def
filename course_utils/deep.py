"""Networks of any depth: the layers as a loop. The forward pass runs the layers from the inputs up and
keeps every layer's output; backpropagation runs the same loop in reverse, each layer taking the error
signal from the layer above, making its own weight gradients and passing the signal down.

Parameters are a dict {"W1", "b1", ..., "WL", "bL"}: layer l has weights W{l} (inputs, units) and biases
b{l} (units,). The hidden layers squash with an activation; the last layer is a plain weighted sum, the
price. With one hidden layer (L = 2) and the sigmoid this is 05's network: W1, b1, W2, b2 mean the same.
Introduced in 06_deeper.
"""
from dataclasses import dataclass

import numpy as np

from course_utils.descent import BLOW_UP  # one threshold for every notebook: 10⁸ times the first loss
from course_utils.network import sigmoid




class Activation:
    """A hidden layer's activation, h = squash(z), beside its slope dh/dz: one row of ROWS each.
    Activation("tanh") is tanh's, Activation("tanh").slope(h) its slope. The slope is written with the
    output h, not with z, as 05 wrote the sigmoid's, h (1 - h): the backward pass keeps h, not z. (The rows
    are inside the class, not beside it: solution("backward_layers") prints it, and then runs as it is.)"""
    ROWS = {  # name: (squash, z in and h out; slope, h in and dh/dz out)
        "sigmoid": (sigmoid, lambda h: h * (1 - h)),                              # 05's: slope at most 0.25
        "tanh": (np.tanh, lambda h: 1 - h ** 2),                                  # slope at most 1
        "relu": (lambda z: np.maximum(z, 0.0), lambda h: (h > 0).astype(float)),  # slope 1 if on, 0 if off
    }

    def __init__(self, name):
        if not isinstance(name, str) or name not in Activation.ROWS:
            *others, last = (repr(known) for known in Activation.ROWS)
            raise ValueError(f"activation must be {', '.join(others)} or {last}; got {name!r}")
        self.name = name
        self.squash, self.slope = Activation.ROWS[name]  # z -> h, and h -> dh/dz

    def __repr__(self):
        return f"<activation {self.name}>"


ACTIVATIONS = tuple(Activation.ROWS)  # every activation's name: "sigmoid", "tanh", "relu"


def squash(z, activation="sigmoid"):
    """A hidden layer's activation: the sigmoid (05's), tanh, or ReLU, max(0, z). forward_layers squashes with
    it."""
    return Activation(activation).squash(z)


def slope(h, activation="sigmoid"):
    """The activation's slope, written with its output h = squash(z), as 05 wrote the sigmoid's: h (1 - h),
    at most 0.25; tanh's 1 - h², at most 1; ReLU's 1 where the unit is on, 0 where it is off.
    Introduced in 06_deeper."""
    return Activation(activation).slope(h)


def init_layers(sizes, scale=1.0, seed=0):
    """Parameters for layers of these sizes, inputs first and the output last, e.g. [2, 8, 8, 1]: each
    weight drawn from a normal distribution with standard deviation scale / sqrt(the layer's inputs),
    each bias 0. init_layers([d, h, 1]) gives exactly network.init_params(d, h). Introduced in 06_deeper."""
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.normal(0.0, scale / np.sqrt(fan_in), (fan_in, units))
        params[f"b{layer}"] = np.zeros(units)
    return params


def forward_layers(X, params, activation="sigmoid"):
    """Every layer's output, the inputs first and the prediction last: [X, h1, ..., prediction]. The
    backward pass needs all of them. Introduced in 06_deeper."""
    L = len(params) // 2                                 # layers of weights: W1 ... WL
    outputs = [X]
    for layer in range(1, L + 1):
        z = outputs[-1] @ params[f"W{layer}"] + params[f"b{layer}"]
        outputs.append(z if layer == L else squash(z, activation))  # the last layer: the price, unsquashed
    return outputs


def backward_layers(X, y, params, activation="sigmoid"):
    """The gradients of E = mean((prediction - y) ** 2), one per parameter, keyed and shaped like params:
    the forward loop, then the same loop in reverse. Introduced in 06_deeper."""
    outputs = forward_layers(X, params, activation)
    L = len(outputs) - 1
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)                  # the output's error signal, dE/dprediction
    for layer in range(L, 0, -1):                        # from the last layer down to the first
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z  # what came in, times the error signal
        grads[f"b{layer}"] = d_z.sum(axis=0)
        if layer > 1:                                    # pass the signal down to the layer below:
            d_hidden = d_z @ params[f"W{layer}"].T       # back through this layer's weights...
            d_z = d_hidden * slope(outputs[layer - 1], activation)  # ...and the slope of the layer below
    return grads


def loss(X, y, params, activation="sigmoid"):
    """E = mean((prediction - y) ** 2) for the network with these parameters. Introduced in 06_deeper."""
    return float(np.mean((forward_layers(X, params, activation)[-1] - y) ** 2))


def error_signals(X, y, params, activation="sigmoid"):
    """The error signal at every layer, as backward_layers passes it down: for each hidden layer l, from the
    top down, (dE/dh{l}, the signal that came back through the weights above, and dE/dz{l}, after the
    slope). Used by 06's depth explorer to see which of the two shrinks the signal."""
    outputs = forward_layers(X, params, activation)
    L = len(outputs) - 1
    d_z = 2 * (outputs[L] - y) / len(y)
    signals = [(d_z, d_z)]                               # the output layer: no slope, the price is unsquashed
    for layer in range(L, 1, -1):
        d_hidden = d_z @ params[f"W{layer}"].T
        d_z = d_hidden * slope(outputs[layer - 1], activation)
        signals.append((d_hidden, d_z))
    return signals


def rms(values):
    """The root mean square of the entries: the typical size of one entry, whatever the array's shape.
    Introduced in 06_deeper."""
    return float(np.sqrt(np.mean(np.square(values))))


def train_layers(X, y, params, activation="sigmoid", alpha=0.1, epochs=100):
    """Full-batch gradient descent, as 05's train: (the parameters after the last update that kept the loss
    finite, the loss before each update and after the last, the epoch the loss blew up at or None).
    The parameters passed in are not changed. Used by 06's depth explorer."""
    losses, diverged_at = [], None
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported, not warned about
        for epoch in range(epochs + 1):
            loss_now = loss(X, y, params, activation)
            if not np.isfinite(loss_now) or (losses and loss_now > BLOW_UP * losses[0]):
                diverged_at = epoch
                break
            losses.append(loss_now)
            if epoch < epochs:
                grads = backward_layers(X, y, params, activation)
                new = {name: value - alpha * grads[name] for name, value in params.items()}
                if not all(np.all(np.isfinite(value)) for value in new.values()):
                    diverged_at = epoch + 1
                    break
                params = new
    return params, np.array(losses), diverged_at


@dataclass
class DepthStudy:
    """What 06's depth explorer shows for one network: each layer's gradient size before and after training,
    and what each step down the layers multiplies the error signal by. What study_depth returns."""
    sizes: np.ndarray            # rms of dE/dW1 ... dE/dWL at the start, layer 1 first
    trained_sizes: np.ndarray    # the same after training (NaN where training blew up)
    through_weights: np.ndarray  # for each step down, from layer L to layer 1: rms(d_hidden) / rms(d_z above)
    through_slopes: np.ndarray   # ...and rms(d_z) / rms(d_hidden), the activation's share
    losses: np.ndarray           # the loss before each update and after the last
    diverged_at: int | None


def study_depth(X, y, setting, width=8, alpha=0.2, epochs=100, seed=0):
    """A DepthStudy of the network of `depth` hidden layers of `width` units, setting = (depth, activation,
    scale), weights drawn as init_layers draws them: its gradients at the start, then trained for `epochs`
    full-batch steps of size alpha. Used by 06's depth explorer, ahead in a second process."""
    depth, activation, scale = setting
    params = init_layers([X.shape[1]] + [width] * depth + [1], scale, seed)
    grads = backward_layers(X, y, params, activation)
    L = depth + 1
    sizes = np.array([rms(grads[f"W{layer}"]) for layer in range(1, L + 1)])
    signals = error_signals(X, y, params, activation)
    through_weights = np.array([rms(d_hidden) / rms(above[1]) for above, (d_hidden, _) in
                                zip(signals[:-1], signals[1:])])
    through_slopes = np.array([rms(d_z) / rms(d_hidden) for d_hidden, d_z in signals[1:]])
    trained, losses, diverged_at = train_layers(X, y, params, activation, alpha, epochs)
    if diverged_at is None:
        trained_grads = backward_layers(X, y, trained, activation)
        trained_sizes = np.array([rms(trained_grads[f"W{layer}"]) for layer in range(1, L + 1)])
    else:
        trained_sizes = np.full(L, np.nan)
    return DepthStudy(sizes, trained_sizes, through_weights, through_slopes, losses, diverged_at)
