"""Gradient descent: step against the gradient, keep the whole history, and name what kind of run it was.
Introduced in 02_learning_rate."""
from dataclasses import dataclass

import numpy as np

REGIMES = ("too slow", "converging", "oscillating", "diverging")

# A loss this many times its starting value has blown up: stop before floats overflow. Every explorer that names
# a blow-up takes it from here, 02's to 06's (α = 4 on 02's line: step 5, counted by hand in
# tests/test_widgets_learning_rate.py).
BLOW_UP = 1e8

# A move this many times shorter than a run's longest is rounding noise: it cannot count as a reversal.
NOISE = 1e-9

# "Close enough": a run has arrived when less than this share of its start's gap to the best weights is left.
CLOSE = 0.01


def count(n, word):
    """1 -> '1 step', 30 -> '30 steps'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def gradient_step(w, grad, alpha):
    """One step downhill: w - alpha * grad, as a new value (w itself is not changed).
    gradient_descent and run_descent take their steps with it; 02_learning_rate has you write it."""
    return w - alpha * grad


def gradient_descent(grad_fn, w0, alpha, steps):
    """The steps + 1 weights visited from w0, w0 first, as an array.
    Introduced in 04_dot_product (02_learning_rate has you write it as an exercise)."""
    weights = [np.asarray(w0, dtype=float)]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run turns into inf quietly
        for _ in range(steps):
            weights.append(gradient_step(weights[-1], grad_fn(weights[-1]), alpha))
    return np.array(weights)


@dataclass
class DescentRun:
    """The history of one run of gradient descent. `losses[k]` is the loss at `weights[k]`.
    What run_descent returns."""
    weights: np.ndarray
    losses: np.ndarray
    regime: str
    diverged_at: int | None  # the step at which the loss blew up, or None

    def __repr__(self):
        where = f", diverged at step {self.diverged_at}" if self.diverged_at is not None else ""
        steps = count(len(self.losses) - 1, "step")
        return f"DescentRun({steps}, final loss {self.losses[-1]:.4g}, {self.regime}{where})"


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
    """Name a run: 'diverging', 'oscillating', 'too slow' or 'converging' (run_descent, train and the
    training dashboard name their runs with it).

    diverging:   the loss blew up, or ended higher than it started
    oscillating: with the weights (and at least two steps): some step reverses the one before it, the
                 weights jumping back across the valley (moves a billion times shorter than the run's
                 longest are rounding noise and do not count); without them: the loss often goes up
    too slow:    the weights are still more than 1% of the way from the best weights (when `best` is
                 known), or else the last step still removed more than 1% of the total drop
    converging:  otherwise
    """
    losses = np.asarray(losses, dtype=float)
    if diverged or not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverging"
    if weights is not None and len(weights) > 2:
        moves = np.diff(np.asarray(weights, dtype=float).reshape(len(weights), -1), axis=0)
        lengths = np.linalg.norm(moves, axis=1)
        real = lengths > NOISE * lengths.max()
        reversals = (np.sum(moves[1:] * moves[:-1], axis=1) < 0) & real[1:] & real[:-1]
        if reversals.any():
            return "oscillating"
    elif weights is None and len(losses) > 2 and np.mean(np.diff(losses) > 0) > 0.25:
        return "oscillating"  # without weights, a loss that often goes up is the sign
    if best is not None and weights is not None:
        start_gap = np.linalg.norm(np.asarray(weights[0], dtype=float) - best)
        end_gap = np.linalg.norm(np.asarray(weights[-1], dtype=float) - best)
        return "too slow" if end_gap > CLOSE * start_gap else "converging"
    total_drop = losses[0] - losses[-1]
    last_drop = losses[-2] - losses[-1] if len(losses) > 1 else 0.0
    if len(losses) < 2 or (total_drop > 0 and last_drop > 0.01 * total_drop):
        return "too slow"
    return "converging"


def quadratic_regime(curvatures, start_gaps, alpha, steps):
    """What gradient descent does on a quadratic loss (a parabola; with several weights, a bowl), worked out
    from the factors alone, without running it (for the strip of the learning-rate explorer).

    `curvatures`: the curvature along each of the bowl's principal directions (for one weight, just c);
    `start_gaps`: the start's gap to the bottom along each of them. Each step multiplies the gap along a
    direction of curvature c by the factor 1 − α·c. Returns (regime, crawling): the regime as classify_run
    names it, and for each direction whether it crawls (a factor between 0 and 1 that, after `steps`
    steps, still leaves more than 1% of that direction's own gap). For an array of α, an array of regimes
    and one row of `crawling` per α.
    """
    curvatures, gaps = np.atleast_1d(np.asarray(curvatures, float)), np.atleast_1d(np.asarray(start_gaps, float))
    alphas = np.asarray(alpha, float)
    factors = 1 - alphas.reshape(-1, 1) * curvatures
    moving = np.abs(gaps) > NOISE * np.linalg.norm(gaps)  # a direction with no gap never moves
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        kept = np.abs(factors) ** steps  # the share of its own gap each direction keeps
        left = np.linalg.norm(np.where(moving, kept * gaps, 0), axis=1) / max(np.linalg.norm(gaps), 1e-300)
    crawling = moving & (factors > 0) & (kept > CLOSE)
    regimes = np.where(np.any(moving & (np.abs(factors) > 1), axis=1), "diverging",
                       np.where(np.any(moving & (factors < 0), axis=1), "oscillating",
                                np.where(left > CLOSE, "too slow", "converging")))
    if alphas.ndim == 0:
        return str(regimes[0]), crawling[0]
    return regimes, crawling
