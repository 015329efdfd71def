"""The course's figures, drawn with matplotlib and nothing else (no widgets here).

Figures are plain `matplotlib.figure.Figure` objects, not pyplot ones: nothing global, nothing shown
twice, and an explorer can keep one figure for its whole life and only move its artists.
Introduced in 00_start_here.
"""
import base64
import io

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Ellipse
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

DPI = 80          # pixels per inch of the PNGs the explorers send to the browser
BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"


def new_figure(ncols=1, width=9.5, height=3.6):
    """A figure with ncols axes side by side, with fixed margins (faster to redraw than a layout engine).
    Introduced in 00_start_here."""
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)  # a canvas of its own: saving then skips a backend switch on every frame
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.88, wspace=0.3)
    return figure, list(axes)


def to_png(figure, dpi=DPI):
    """The figure as PNG bytes (light compression: speed matters more than size here)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def png_base64(figure):
    """The figure as base64 PNG text, the form notebooks store images in."""
    return base64.b64encode(to_png(figure)).decode("ascii")


def show(figure, dpi=100):
    """Display a figure in the notebook as a PNG image. Introduced in 00_start_here."""
    from IPython.display import Image, display
    display(Image(data=to_png(figure, dpi)))


def _dollars(value, _position):
    return f"${value / 1000:,.0f}k" if abs(value) >= 1000 or value == 0 else f"${value:,.0f}"


def signed_dollars(value):
    """-10000 -> '−$10,000', 50000 -> '+$50,000'. Introduced in 01_error."""
    return f"{'−' if value < 0 else '+'}${abs(value):,.0f}"


def dollar_axis(axis):
    """Label an axis's ticks in dollars: $150k. Introduced in 01_error."""
    axis.set_major_formatter(FuncFormatter(_dollars))


def plot_fit(ax, x, y, weight, x_label="living area (sq ft)", y_label="sale price ($)"):
    """Houses as dots, the line price = weight * x, and each house's residual as a red bar.
    Returns the (line, residuals) artists so they can be moved later. Introduced in 01_error."""
    ax.scatter(x, y, s=6, color=BLUE, alpha=0.35, linewidths=0, label="houses")
    grid = np.array([0.0, x.max() * 1.05])
    (line,) = ax.plot(grid, weight * grid, color=ORANGE, lw=2, label="prediction")
    residuals = LineCollection(_residual_segments(x, y, weight), colors=RED, linewidths=0.6, alpha=0.5,
                               label="errors")
    ax.add_collection(residuals)
    ax.set(xlabel=x_label, ylabel=y_label, xlim=(0, grid[1]), ylim=(0, y.max() * 1.05))
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    return line, residuals


def _residual_segments(x, y, weight):
    return np.stack([np.column_stack([x, y]), np.column_stack([x, weight * x])], axis=1)


def move_fit(line, residuals, x, y, weight):
    """Move the line and residual bars drawn by plot_fit to a new weight. Introduced in 01_error."""
    line.set_ydata(weight * line.get_xdata())
    residuals.set_segments(_residual_segments(x, y, weight))


def plot_error_landscape(ax, weights, losses, x_label="w", y_label="MSE"):
    """The loss as a function of one weight, with a marker for the current weight.
    Returns the marker. Introduced in 01_error."""
    ax.plot(weights, losses, color=GREY, lw=1.5)
    (marker,) = ax.plot([weights[0]], [losses[0]], "o", color=ORANGE, ms=8, zorder=3)
    ax.set(xlabel=x_label, ylabel=y_label, xlim=(weights[0], weights[-1]))
    return marker


def plot_loss_curve(ax, losses, label="training loss", color=BLUE):
    """Loss against step, on a log scale (so both the big early drops and late small ones show).
    Returns the line. Introduced in 02_learning_rate."""
    (line,) = ax.semilogy(np.arange(len(losses)), losses, color=color, lw=2, label=label)
    ax.set(xlabel="step", ylabel="loss (MSE, log scale)")
    return line


def plot_predicted_vs_actual(ax, actual, predicted):
    """Each test house as a dot, predicted price against actual; perfect predictions lie on the diagonal.
    Returns the scatter. Introduced in 05_backpropagation."""
    top = max(actual.max(), predicted.max()) * 1.05
    ax.plot([0, top], [0, top], color=GREY, lw=1, ls="--", label="perfect prediction")
    dots = ax.scatter(actual, predicted, s=8, color=GREEN, alpha=0.5, linewidths=0, label="test houses")
    ax.set(xlabel="actual price ($)", ylabel="predicted price ($)", xlim=(0, top), ylim=(0, top))
    dollar_axis(ax.xaxis)
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    return dots


class NetworkDiagram:
    """Inputs -> hidden -> output, every edge labelled w1_ij or w2_ij, the same i and j as W1[i, j] and
    W2[i, j] in the code. `nodes` and `edges` hold the artists so values can be written on them later.
    Introduced in 05_backpropagation."""

    def __init__(self, ax, input_names, n_hidden, output_name="price"):
        self.ax = ax
        self.positions = {}
        for i, name in enumerate(input_names):
            self.positions[("x", i)] = (0.0, _spread(i, len(input_names)))
        for j in range(n_hidden):
            self.positions[("h", j)] = (1.0, _spread(j, n_hidden))
        self.positions[("out", 0)] = (2.0, 0.5)
        self.edges, self.edge_labels, self.nodes, self.node_labels = {}, {}, {}, {}
        for i in range(len(input_names)):
            for j in range(n_hidden):
                self._edge(("W1", i, j), ("x", i), ("h", j), f"$w1_{{{i}{j}}}$")
        for j in range(n_hidden):
            self._edge(("W2", j, 0), ("h", j), ("out", 0), f"$w2_{{{j}0}}$")
        names = {("x", i): name for i, name in enumerate(input_names)}
        names.update({("h", j): f"hidden {j}" for j in range(n_hidden)})
        names[("out", 0)] = output_name
        for key, (px, py) in self.positions.items():
            self.nodes[key] = ax.add_patch(_circle(px, py))
            self.node_labels[key] = ax.text(px, py - 0.085, names[key], ha="center", va="top", fontsize=8)
        ax.set(xlim=(-0.35, 2.35), ylim=(-0.12, 1.08), aspect="auto")
        ax.axis("off")

    def _edge(self, key, start, end, label):
        (x0, y0), (x1, y1) = self.positions[start], self.positions[end]
        (self.edges[key],) = self.ax.plot([x0, x1], [y0, y1], color=GREY, lw=1.2, zorder=1)
        t = 0.28 if key[0] == "W1" else 0.5  # labels near the start, so labels of one fan do not collide
        self.edge_labels[key] = self.ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), label, fontsize=8,
                                             ha="center", va="center", zorder=4,
                                             bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))


def _spread(index, count):
    return 0.5 if count == 1 else 0.9 - 0.8 * index / (count - 1)


def _circle(x, y):
    return Ellipse((x, y), 0.16, 0.11, facecolor="white", edgecolor="black", lw=1.2, zorder=3)
