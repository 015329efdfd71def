"""Figures of 01_error: houses and a line through them with each house's error as a thin vertical line, and
the error landscape (the MSE for every weight). Plain matplotlib; explorers/error.py moves what these return.
"""
import numpy as np

from course_utils.figures.common import BLUE, GREY, ORANGE, RED, dollar_axis, padded


def plot_fit(ax, x, y, weight, x_label="living area (sq ft)", y_label="sale price ($)"):
    """Houses as dots, the line price = weight * x, and each house's residual as a thin vertical line.
    Returns the (line, residuals) artists so they can be moved later. Used by WeightExplorer."""
    ax.scatter(x, y, s=6, color=BLUE, alpha=0.35, linewidths=0, label="houses")
    grid = np.array([0.0, x.max() * 1.05])
    (line,) = ax.plot(grid, weight * grid, color=ORANGE, lw=2, label="prediction")
    # All the bars as one line broken by gaps (NaN), house k at points 3k and 3k + 1: one path to move and
    # draw, much quicker than thousands of separate segments.
    (residuals,) = ax.plot(_residual_points(x, x), _residual_points(y, weight * x), color=RED, lw=0.6,
                           alpha=0.75, label="errors")
    ax.set(xlabel=x_label, ylabel=y_label, xlim=(0, grid[1]), ylim=(0, y.max() * 1.05))
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    return line, residuals


def _residual_points(start, end):
    """start[0], end[0], NaN, start[1], end[1], NaN, ...: one bar per house, with a gap after each."""
    return np.column_stack([start, end, np.full(len(start), np.nan)]).ravel()


def move_fit(line, residuals, x, y, weight):
    """Move the line and residual bars drawn by plot_fit to a new weight."""
    line.set_ydata(weight * line.get_xdata())
    residuals.set_ydata(_residual_points(y, weight * x))


def plot_error_landscape(ax, weights, losses, x_label="w", y_label="MSE"):
    """The loss as a function of one weight, with a marker for the current weight.
    Returns the marker. Used by WeightExplorer and LearningRateExplorer."""
    ax.plot(weights, losses, color=GREY, lw=1.5)
    (marker,) = ax.plot([weights[0]], [losses[0]], "o", color=ORANGE, ms=8, zorder=3)
    ax.set(xlabel=x_label, ylabel=y_label, xlim=padded(weights[0], weights[-1]))  # the marker whole at the ends
    return marker
