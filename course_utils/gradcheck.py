"""Derivatives by nudging: central differences, and how far two gradients are apart.
Introduced in 03_derivatives."""
import numpy as np


def numerical_derivative(f, x, h=1e-5):
    """Slope of f at x from a nudge h either side: (f(x+h) - f(x-h)) / 2h. Introduced in 03_derivatives."""
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, w, h=1e-5):
    """One central difference per entry of w, in an array shaped like w; w itself is not changed.
    Introduced in 04_dot_product (03_derivatives has you write it as an exercise)."""
    w = np.array(w, dtype=float)  # a private copy: nudging it never touches the caller's array
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_up = f(w)
        w[index] = saved - h
        f_down = f(w)
        w[index] = saved
        grad[index] = (f_up - f_down) / (2 * h)
    return grad


def relative_error(a, b):
    """How far apart two gradients are, on their own scale: the largest gap between matching entries,
    max_i |a_i - b_i|, divided by the largest entry of the two added, max_i (|a_i| + |b_i|). For single
    numbers that is |a - b| / (|a| + |b|). Every gap is judged against the largest entry, not its own
    entry, so an entry that should be 0 (1e-11 against 3e-11, say) does not count as 50% wrong.
    About 1e-7 or less means two gradients agree. Introduced in 03_derivatives."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.max(np.abs(a) + np.abs(b))
    return float(np.max(np.abs(a - b)) / scale) if scale > 0 else 0.0
