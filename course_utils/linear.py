"""A linear model of the price: many features combined by a dot product, and the gradient of its MSE.
Introduced in 01_error (one weight) and 04_dot_product (many)."""
import numpy as np


def dot(a, b):
    """Sum of products a[0]*b[0] + a[1]*b[1] + ..., with a plain loop. Introduced in 04_dot_product."""
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
    residual = predict_linear(X, w, b) - y  # shape (n,): how far off each house is
    dw = 2 * X.T @ residual / len(y)
    db = 2 * np.mean(residual)
    return dw, db


def line_loss(w, x, y):
    """MSE of the line price = w * x, for one weight w (a number or an array of candidates).
    Introduced in 01_error."""
    w = np.asarray(w, dtype=float)
    return np.mean((np.multiply.outer(w, x) - y) ** 2, axis=-1)


def line_gradient(w, x, y):
    """dE/dw of line_loss: mean(2 * (w*x - y) * x). Introduced in 02_learning_rate."""
    return 2 * np.mean((w * x - y) * x)


def line_curvature(x):
    """Second derivative of line_loss, the same for every w: 2 * mean(x ** 2). Introduced in 02_learning_rate."""
    return 2 * np.mean(np.asarray(x, dtype=float) ** 2)


def best_line_weight(x, y):
    """The w at the bottom of line_loss: mean(x*y) / mean(x**2). Introduced in 01_error."""
    return np.mean(x * y) / np.mean(x * x)
