"""The learning-rate explorer of 02_learning_rate: run gradient descent on a line through the houses and
watch the loss curve, the path of the weights, and the regime (too slow / converging / oscillating /
diverging) change with α and the number of steps. Introduced in 02_learning_rate."""
import numpy as np
import ipywidgets as widgets

from course_utils.descent import run_descent
from course_utils.linear import LineProblem
from course_utils.plots import ORANGE, REGIME_COLOURS, new_figure, plot_error_contours, \
    plot_error_landscape, plot_loss_curve, plot_regime_strip, move_too_slow_band
from course_utils.widgets import Explorer, slider


def _around(start, best):
    """A range holding both the start and the best value, with room on each side."""
    gap = abs(best - start)
    return min(start, best) - 0.2 * gap, max(start, best) + 0.6 * gap


class LearningRateExplorer(Explorer):
    """Sliders for α (log scale) and the number of steps; the loss curve, the path on the error landscape
    and the regime follow live. Introduced in 02_learning_rate."""

    def __init__(self, x, y, start, alpha, alpha_range, intercept=False, steps=30, max_steps=100,
                 units=("w", "b", "loss")):
        self.problem = LineProblem(x, y, intercept)
        self.start = np.asarray(start, float)
        figure = new_figure(width=9.5, height=4.6)[0]
        figure.clear()
        grid = figure.add_gridspec(2, 2, height_ratios=[4, 1], hspace=0.75, wspace=0.3)
        figure.subplots_adjust(left=0.09, right=0.98, bottom=0.1, top=0.92)
        loss_ax, landscape_ax, strip_ax = (figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1]),
                                           figure.add_subplot(grid[1, :]))
        self.curve = plot_loss_curve(loss_ax, [1.0, 1.0])
        start_gap = self.problem.loss(self.start) - self.problem.lowest_loss
        # Fixed limits, so runs can be compared; a diverging run leaves through the top.
        loss_ax.set(ylabel=f"{units[2]} above its lowest (log)", title="loss curve",
                    ylim=(start_gap * 1e-9, start_gap * 1e3), xlim=(0, max_steps))
        self.loss_ax = loss_ax
        self._draw_landscape(landscape_ax, units)
        boundary = self.problem.stable_below()
        self.alpha_range = alpha_range
        self.strip_marker, self.slow_band, self.slow_text = plot_regime_strip(strip_ax, *alpha_range,
                                                                             boundary / 2, boundary)
        controls = {"alpha": slider("learning rate α", *alpha_range, step=0.01, log=True),
                    "steps": widgets.IntSlider(min=1, max=max_steps, description="steps",
                                               continuous_update=True, layout=widgets.Layout(width="300px"))}
        super().__init__(figure, controls, moving=[self.slow_band, self.slow_text, self.curve, self.path, self.strip_marker])
        self.update(alpha=alpha, steps=steps)

    def _draw_landscape(self, ax, units):
        problem = self.problem
        if problem.intercept:  # two weights: contour lines, path drawn in (w, b)
            w_grid, b_grid = (np.linspace(*_around(self.start[k], problem.best[k]), 120) for k in (0, 1))
            W, B = np.meshgrid(w_grid, b_grid)
            losses = np.mean((W[..., None] * problem.x + B[..., None] - problem.y) ** 2, axis=-1)
            plot_error_contours(ax, w_grid, b_grid, losses, units[0], units[1])
            ax.plot(*problem.best, "*", color="black", ms=10, label="lowest loss")
        else:  # one weight: the parabola itself, path drawn on it
            spread = 1.6 * abs(self.start[0] - problem.best[0])
            w_grid = np.linspace(problem.best[0] - spread, problem.best[0] + spread, 200)
            marker = plot_error_landscape(ax, w_grid, [problem.loss(np.array([w])) for w in w_grid],
                                          units[0], units[2])
            marker.remove()  # the path below marks every weight visited instead
        (self.path,) = ax.plot([], [], "o-", color=ORANGE, ms=3, lw=1, label="path of gradient descent")
        ax.legend(loc="upper center", fontsize=8)
        ax.set_title("error landscape")

    def draw(self, alpha, steps):
        problem = self.problem
        run = run_descent(problem.loss, problem.gradient, self.start, alpha, steps, best=problem.best)
        excess = np.maximum(run.losses - problem.lowest_loss, 1e-300)  # a log axis needs > 0
        self.curve.set_data(np.arange(len(excess)), excess)
        if self.problem.intercept:
            self.path.set_data(run.weights[:, 0], run.weights[:, 1])
        else:
            self.path.set_data(run.weights[:, 0], run.losses)
        self.strip_marker.set_xdata([alpha])
        move_too_slow_band(self.slow_band, self.slow_text, *self.alpha_range, problem.too_slow_below(steps))
        self.regime, self.run = run.regime, run
        where = f", diverged at step {run.diverged_at}" if run.diverged_at else ""
        colour = REGIME_COLOURS[run.regime]
        return (f"α = {alpha:.3g}, {steps} steps: <span style='background:{colour};padding:0 4px'>"
                f"<b>{run.regime}</b></span>{where}; stable below α = {self.problem.stable_below():.3g}")

    def __repr__(self):
        return f"LearningRateExplorer(alpha={self.values['alpha']:.3g}, steps={self.values['steps']}): " \
               f"{self.regime}"
