"""A linear model of the price: many features combined by a dot product, and the gradient of its MSE.
Introduced in 01_error (one weight) and 04_dot_product (many)."""
import numpy as np

MILLION = 1e6  # one ($1,000)² is a million $²


def dot(a, b):
    """Sum of products a[0]*b[0] + a[1]*b[1] + ..., with a plain loop. 04_dot_product has you write it;
    the timing explorer's Python loop calls it."""
    if len(a) != len(b):
        raise ValueError(f"dot needs two sequences of the same length, got {len(a)} and {len(b)}")
    total = 0.0
    for a_i, b_i in zip(a, b):
        total += a_i * b_i
    return total


def predict_linear(X, w, b):
    """One prediction per row of X: X @ w + b, shape (n,). Introduced in 04_dot_product."""
    return X @ w + b


def mse_gradient(X, y, w, b):
    """(dE/dw, dE/db) for E = mean((X @ w + b - y) ** 2). Introduced in 04_dot_product."""
    error = predict_linear(X, w, b) - y  # shape (n,): how far off each house is, prediction − actual
    dw = 2 * X.T @ error / len(y)
    db = 2 * np.mean(error)
    return dw, db


def best_weights(X, y):
    """The weights and bias with the lowest MSE (least squares). Introduced in 04_dot_product."""
    solution, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    return solution[:-1], solution[-1]


def line_loss(w, x, y):
    """MSE of the line price = w * x, for one weight w (a number or an array of candidates).
    Introduced in 01_error."""
    w = np.asarray(w, dtype=float)
    return np.mean((np.multiply.outer(w, x) - y) ** 2, axis=-1)


def line_gradient(w, x, y):
    """dE/dw of line_loss: mean(2 * (w*x - y) * x). Introduced in 02_learning_rate."""
    return 2 * np.mean((w * x - y) * x)


def squared_error_backward(w, x, y):
    """One house's squared error walked back gate by gate, from E to w: p = w · x, e = p − y, E = e · e.
    Returns {"e": dE/de, "p": dE/dp, "w": dE/dw}. The last gate multiplies e by itself, so e reaches E
    along two paths, and where paths meet their gradients add. Works for arrays of houses too, entry by
    entry. 03_derivatives has you write it."""
    e = w * x - y                    # forward: the prediction p = w · x, then the error e = p − y
    d_E = 1.0                        # where the walk back starts: dE/dE
    d_e = e * d_E + e * d_E          # E = e · e gives each input the other one: e, twice, and they add
    d_p = d_e * 1.0                  # e = p − y: raising p by 1 raises e by 1
    d_w = d_p * x                    # p = w · x: raising w by 1 raises p by x
    return {"e": d_e, "p": d_p, "w": d_w}


def line_curvature(x):
    """Second derivative of line_loss, the same for every w: 2 * mean(x ** 2).
    Introduced in 02_learning_rate."""
    return 2 * np.mean(np.asarray(x, dtype=float) ** 2)


def best_line_weight(x, y):
    """The w at the bottom of line_loss: mean(x*y) / mean(x**2). Introduced in 01_error."""
    return np.mean(x * y) / np.mean(x * x)


class LineProblem:
    """Fitting y ≈ w · x (+ b, if intercept): the loss, its gradient, its curvature in every direction (the
    Hessian) and its lowest point. Introduced in 02_learning_rate."""

    def __init__(self, x, y, intercept):
        self.x, self.y, self.intercept = np.asarray(x, float), np.asarray(y, float), intercept
        columns = [self.x, np.ones_like(self.x)] if intercept else [self.x]
        self.design = np.column_stack(columns)
        self.hessian = 2 * self.design.T @ self.design / len(self.x)   # the curvature in every direction
        self.best = np.linalg.lstsq(self.design, self.y, rcond=None)[0]
        self.lowest_loss = self.loss(self.best)

    def loss(self, weights):
        return float(np.mean((self.design @ weights - self.y) ** 2))

    def gradient(self, weights):
        return 2 * self.design.T @ (self.design @ weights - self.y) / len(self.x)

    def stable_below(self):
        """Steps shrink the error in every direction only for α < 2 / (largest curvature)."""
        return 2 / np.linalg.eigvalsh(self.hessian).max()


def two_weight_gradient(x, y, w, b_thousands):
    """(∂E/∂w, ∂E/∂b) for price = w · x + b with E in ($1,000)² and b in $1,000.
    Introduced in 03_derivatives."""
    dw, db = mse_gradient(x.reshape(-1, 1), y, np.array([w]), 1000.0 * b_thousands)
    return dw[0] / MILLION, db * 1000.0 / MILLION  # per $1,000 of b: a thousand times per dollar


def two_weight_losses(x, y, ws, bs_thousands):
    """E(w, b) in ($1,000)² on a grid: rows follow b (in $1,000), columns follow w.
    Introduced in 03_derivatives."""
    return np.array([line_loss(ws, x, y - 1000.0 * b) for b in bs_thousands]) / MILLION
