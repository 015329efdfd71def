"""The explorer of 01_error: one weight (dollars per square foot) moves a line through the houses, and
the error landscape beside it shows where that weight sits. Introduced in 01_error."""
import numpy as np

from course_utils.explorers.explorer import Explorer, slider
from course_utils.figures.common import BLUE, new_figure
from course_utils.figures.error import move_fit, plot_error_landscape, plot_fit
from course_utils.linear import best_line_weight, line_loss

BILLION = 1e9  # the MSE of prices is in dollars squared: billions of them


class WeightExplorer(Explorer):
    """Slide w, the price per square foot; see the line, every house's error, and MSE(w).
    Introduced in 01_error."""

    def __init__(self, area, price, weight=60, max_weight=250):
        self.area, self.price = np.asarray(area, float), np.asarray(price, float)
        figure, (fit_ax, landscape_ax) = new_figure(ncols=2)
        self.line, self.residuals = plot_fit(fit_ax, self.area, self.price, 0)  # draw() moves it to the weight
        fit_ax.set_title("price = w × living area")
        grid = np.linspace(0, max_weight, 251)
        self.landscape = plot_error_landscape(landscape_ax, grid, line_loss(grid, self.area, self.price) / BILLION,
                                              x_label="w (dollars per sq ft)", y_label="MSE (billion $²)")
        best = best_line_weight(self.area, self.price)
        landscape_ax.axvline(best, color=BLUE, lw=1, ls=":", label=f"lowest MSE at w = {best:.0f}")
        landscape_ax.legend(loc="upper center", fontsize=8)
        landscape_ax.set_title("error landscape MSE(w)")
        control = slider("w ($ per sq ft)", 0, max_weight, 1, whole=True, width="420px")
        super().__init__(figure, {"weight": control}, [self.line, self.residuals, self.landscape],
                         start={"weight": weight})

    def draw(self, weight):
        move_fit(self.line, self.residuals, self.area, self.price, weight)
        loss = float(line_loss(weight, self.area, self.price))
        self.landscape.set_data([weight], [loss / BILLION])
        median_miss = np.median(np.abs(weight * self.area - self.price))
        return (f"w = <b>${weight}</b> per sq ft: MSE = <b>{loss / BILLION:.2f} billion $²</b>; "
                f"RMSE (its square root) <b>${round(np.sqrt(loss), -2):,.0f}</b>; "
                f"median miss <b>${round(median_miss, -2):,.0f}</b> (half the houses are off by less)")
