"""The explorers of 03_derivatives: nudge one weight and watch the secant become the tangent; move two
weights over a contour map of the error and see which way is downhill. Introduced in 03_derivatives.

Both fit the Ames houses with living area in square feet and prices in dollars. The error (MSE) is
shown in ($1,000)², millions of dollars², so that its numbers stay readable: 4,178 rather than 4.178e9.
"""
import numpy as np

from course_utils.data import area_and_price
from course_utils.explorers.explorer import Explorer, choice_slider, slider
from course_utils.figures.common import new_figure, thousands_axis
from course_utils.figures.derivatives import (move_downhill, move_secant, plot_contour_map, plot_line_fit,
                                              plot_ratio_vs_h, plot_secant)
from course_utils.linear import MILLION, line_gradient, line_loss, two_weight_gradient, two_weight_losses

SLOPE_UNIT = "($1,000)² per $/sq ft"


class NudgeExplorer(Explorer):
    """Price = w · living area. Nudge w by h: the secant through (w, E(w)) and (w+h, E(w+h)) has slope
    ΔE/h, and as h shrinks it turns into the tangent, whose slope is dE/dw. Introduced in 03_derivatives."""

    W_RANGE = (20.0, 160.0)       # $ per sq ft
    H_RANGE = (1e-4, 1e2)         # $ per sq ft
    # The h slider's stops: round numbers, close to evenly spaced on a log scale, so that h = 20 stays 20
    # (a log slider snaps it to 10^1.3 = 19.95). Whole ones are ints, so that the slider reads 20, not 20.0.
    H_STOPS = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
               1, 2, 5, 10, 20, 50, 100)

    def __init__(self, w=80.0, h=20):
        self.x, self.y = area_and_price()
        weights = np.linspace(0.0, 260.0, 131)  # wide enough for the largest w + h
        self.hs = np.geomspace(*self.H_RANGE, 61)
        figure, (left, right) = new_figure(2)
        self.secant = plot_secant(left, weights, line_loss(weights, self.x, self.y) / MILLION,
                                  "w: price per square foot ($/sq ft)", "error E(w): MSE in ($1,000)²")
        self.curve, self.slope_line, self.marker = plot_ratio_vs_h(
            right, self.hs, "nudge h ($/sq ft, log scale)", f"slope, {SLOPE_UNIT}")
        thousands_axis(left.yaxis)
        # Titles say what is drawn; the numbers go to the status line (a title is slow to redraw).
        left.set_title("Nudge w by h: the secant and the tangent", fontsize=10)
        right.set_title("ΔE / h for every h, against dE/dw", fontsize=10)
        right.set_ylim(*self._ratio_limits())  # fixed: the saved background never has to change
        self.right = right
        controls = {"w": slider("w ($/sq ft)", *self.W_RANGE, 1.0),
                    "h": choice_slider("nudge h ($/sq ft)", self.H_STOPS)}
        super().__init__(figure, controls, [*self.secant.values(), self.curve, self.slope_line, self.marker],
                         start=dict(w=w, h=h))

    def _ratio_limits(self):
        """Room for the ratio curve and the slope at every w on the slider."""
        ws = np.linspace(*self.W_RANGE, 25)
        ratios = np.array([(self.loss(w + self.hs) - self.loss(w)) / self.hs for w in ws])
        slopes = np.array([line_gradient(w, self.x, self.y) / MILLION for w in ws])
        low, high = min(ratios.min(), slopes.min()), max(ratios.max(), slopes.max())
        return low - 0.05 * (high - low), high + 0.05 * (high - low)

    def loss(self, w):
        """E(w) in ($1,000)²."""
        return line_loss(w, self.x, self.y) / MILLION

    def draw(self, w, h):
        loss_w, loss_wh = self.loss(w), self.loss(w + h)
        ratio = (loss_wh - loss_w) / h
        slope = line_gradient(w, self.x, self.y) / MILLION
        move_secant(self.secant, w, h, loss_w, loss_wh, slope, half_width=60.0)
        ratios = (self.loss(w + self.hs) - loss_w) / self.hs
        self.curve.set_ydata(ratios)
        self.slope_line.set_ydata([slope, slope])
        self.marker.set_data([h], [ratio])
        change = f"{loss_wh - loss_w:+,.5g}"  # 5 significant digits: -2,970.5 at h = 20, -1.9859 at h = 0.01
        # 10 significant digits keep even the smallest nudge in sight: 160 + 0.0001 is $160.0001. The slopes
        # have 3 decimals, as in the lesson's table; the gap has 3 significant digits, so it never reads 0.
        return (f"Nudging w from ${w:.10g} to ${w + h:.10g}/sq ft changes the error by {change} "
                f"($1,000)². Ratio ΔE/h = <b>{ratio:,.3f}</b>; true slope dE/dw = <b>{slope:,.3f}</b> "
                f"{SLOPE_UNIT} (gap {ratio - slope:+.3g}).")


class GradientExplorer(Explorer):
    """Price = w · living area + b. Left: the error over (w, b) as a contour map, with the downhill
    direction −gradient and its two parts, one per partial derivative. Right: the line itself.
    Introduced in 03_derivatives."""

    W_RANGE = (40.0, 190.0)       # $ per sq ft
    B_RANGE = (-50.0, 80.0)       # $1,000
    ARROW = 28.0                  # length of the red arrow, in axis units: it shows a direction, not a size

    def __init__(self, w=60.0, b=50.0):
        self.x, self.y = area_and_price()
        # The map reaches an arrow's length past the sliders' ends: the dot and its arrows stay on it.
        (w_low, w_high), (b_low, b_high) = self.W_RANGE, self.B_RANGE
        ws = np.linspace(w_low - self.ARROW, w_high + self.ARROW, 161)
        bs = np.linspace(b_low - self.ARROW, b_high + self.ARROW, 161)
        figure, (left, right) = new_figure(2, height=4.2)
        figure.subplots_adjust(wspace=0.5, bottom=1.2 / 4.2)  # room for the colour bar, and the legend below
        self.marker, self.arrows, _ = plot_contour_map(
            left, ws, bs, two_weight_losses(self.x, self.y, ws, bs),
            "w: price per square foot ($/sq ft)", "b: base price ($1,000)", "MSE, ($1,000)²")
        self.line = plot_line_fit(right, self.x, self.y, 0.0, 0.0)  # draw() moves it to (w, b)
        # Titles say what is drawn; the numbers go to the status line (a title is slow to redraw).
        left.set_title("The error E(w, b), and the way downhill from (w, b)", fontsize=10)
        right.set_title("The line price = w · area + b", fontsize=10)
        controls = {"w": slider("w ($/sq ft)", *self.W_RANGE, 1.0), "b": slider("b ($1,000)", *self.B_RANGE, 1.0)}
        super().__init__(figure, controls, [self.marker, *self.arrows.values(), self.line], start=dict(w=w, b=b))

    def draw(self, w, b):
        d_w, d_b = two_weight_gradient(self.x, self.y, w, b)
        size = np.hypot(d_w, d_b)
        scale = self.ARROW / size if size > 0 else 0.0
        move_downhill(self.marker, self.arrows, w, b, -d_w * scale, -d_b * scale)
        self.line.set_ydata(w * self.line.get_xdata() + 1000.0 * b)
        loss = float(line_loss(w, self.x, self.y - 1000.0 * b)) / MILLION
        moves = [f"{'lower' if d > 0 else 'raise'} {name}" for name, d in (("w", d_w), ("b", d_b)) if d != 0]
        line = f"price = ${w:.0f}/sq ft · area {'−' if b < 0 else '+'} ${abs(b):,.0f}k"
        return (f"{line}: E = {loss:,.0f} ($1,000)². ∂E/∂w = <b>{d_w:+,.2f}</b> ($1,000)² per $/sq ft, "
                f"∂E/∂b = <b>{d_b:+,.2f}</b> ($1,000)² per "
                f"$1,000. The gradient is the pair of them; downhill is the opposite way: {' and '.join(moves)}.")
