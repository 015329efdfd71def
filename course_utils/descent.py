"""Gradient descent: step against the gradient, keep the whole history, and name what kind of run it was.
Introduced in 02_learning_rate."""
from dataclasses import dataclass

import numpy as np

REGIMES = ("too slow", "converging", "oscillating", "diverging")

# A loss this many times its starting value has blown up: stop before floats overflow.
BLOW_UP = 1e8


def gradient_step(w, grad, alpha):
    """One step downhill: w - alpha * grad, as a new value (w itself is not changed).
    Introduced in 02_learning_rate."""
    return w - alpha * grad


def gradient_descent(grad_fn, w0, alpha, steps):
    """The steps + 1 weights visited from w0, w0 first, as an array. Introduced in 02_learning_rate."""
    weights = [np.asarray(w0, dtype=float)]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run turns into inf quietly
        for _ in range(steps):
            weights.append(gradient_step(weights[-1], grad_fn(weights[-1]), alpha))
    return np.array(weights)


@dataclass
class DescentRun:
    """The history of one run of gradient descent. `losses[k]` is the loss at `weights[k]`.
    Introduced in 02_learning_rate."""
    weights: np.ndarray
    losses: np.ndarray
    regime: str
    diverged_at: int | None  # the step at which the loss blew up, or None

    def __repr__(self):
        where = f", diverged at step {self.diverged_at}" if self.diverged_at is not None else ""
        return f"DescentRun({len(self.losses) - 1} steps, final loss {self.losses[-1]:.4g}, {self.regime}{where})"


def run_descent(loss_fn, grad_fn, w0, alpha, steps, best=None):
    """Gradient descent that records weights and losses and stops cleanly if the loss blows up.
    `best`, if known, is the lowest point (it lets classify_run tell 'too slow' reliably).
    Introduced in 02_learning_rate."""
    weights, losses = [np.asarray(w0, dtype=float)], [float(loss_fn(w0))]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            w = gradient_step(weights[-1], grad_fn(weights[-1]), alpha)
            loss = float(loss_fn(w))
            if not np.isfinite(loss) or loss > BLOW_UP * max(losses[0], 1e-12):
                diverged_at = step
                break
            weights.append(w)
            losses.append(loss)
    weights, losses = np.array(weights), np.array(losses)
    regime = classify_run(losses, weights, diverged_at is not None, best)
    return DescentRun(weights, losses, regime, diverged_at)


def classify_run(losses, weights=None, diverged=False, best=None):
    """Name a run: 'diverging', 'oscillating', 'too slow' or 'converging'. Introduced in 02_learning_rate.

    diverging:   the loss blew up, or ended higher than it started
    oscillating: most steps reverse the previous one (the weight jumps across the valley)
    too slow:    the weights are still more than 1% of the way from the best weights (when `best` is
                 known), or else the last step still removed more than 1% of the total drop
    converging:  otherwise
    """
    losses = np.asarray(losses, dtype=float)
    if diverged or not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverging"
    if weights is not None and len(weights) > 2:
        moves = np.diff(np.asarray(weights, dtype=float).reshape(len(weights), -1), axis=0)
        reversals = np.sum(moves[1:] * moves[:-1], axis=1) < 0
        if reversals.mean() > 0.5:
            return "oscillating"
    elif weights is None and len(losses) > 2 and np.mean(np.diff(losses) > 0) > 0.25:
        return "oscillating"  # without weights, a loss that often goes up is the sign
    if best is not None and weights is not None:
        start_gap = np.linalg.norm(np.asarray(weights[0], dtype=float) - best)
        end_gap = np.linalg.norm(np.asarray(weights[-1], dtype=float) - best)
        return "too slow" if end_gap > 0.01 * start_gap else "converging"
    total_drop = losses[0] - losses[-1]
    last_drop = losses[-2] - losses[-1] if len(losses) > 1 else 0.0
    if len(losses) < 2 or (total_drop > 0 and last_drop > 0.01 * total_drop):
        return "too slow"
    return "converging"
