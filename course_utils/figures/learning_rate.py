"""Figures of 02_learning_rate: the loss curve, the error's contour map, and the strip of learning
rates coloured by what they do (too slow, converging, oscillating, diverging).
"""
import textwrap

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from course_utils.figures.common import BLUE, GREY, RED, ink, powers_of_ten


def plot_loss_curve(ax, losses, label="training loss", color=BLUE):
    """Loss against step, on a log scale (so both the big early drops and late small ones show).
    Returns the line. Introduced in 02_learning_rate."""
    (line,) = ax.semilogy(np.arange(len(losses)), losses, color=color, lw=2, label=label)
    ax.set(xlabel="step", ylabel="loss (MSE, log scale)")
    powers_of_ten(ax.yaxis)
    return line


def plot_error_contours(ax, w_grid, b_grid, losses, x_label="w", y_label="b"):
    """Contour lines of a loss over two weights (losses[i, j] at b_grid[i], w_grid[j]), on a log
    spacing so both the valley floor and its walls show. Used by LearningRateExplorer."""
    low, high = losses.min(), losses.max()
    levels = low + (high - low) * np.logspace(-4, 0, 14)
    ax.contour(w_grid, b_grid, losses, levels=levels, colors=GREY, linewidths=0.8)
    ax.set(xlabel=x_label, ylabel=y_label)


# Pale Okabe–Ito sky blue, bluish green, orange and vermillion: apart for colour-blind readers too, and
# each band is named as well.
REGIME_COLOURS = {"too slow": "#cde4f5", "converging": "#a8dcc8", "oscillating": "#f7dd9c",
                  "diverging": "#f2b8a0"}


class RegimeStrip:
    """A log-scale α axis cut into bands that never overlap: one per stretch of α over which gradient
    descent does the same thing, coloured by its regime and named. `move(segments)` redraws the bands (they
    change with the number of steps) and `point_at(alpha)` moves the marker.
    Used by LearningRateExplorer."""

    MAX_BANDS = 8
    FONTSIZE = 8

    def __init__(self, ax, alpha_min, alpha_max, alpha_diverging, boundary="α = 2 / curvature"):
        self.ax, self.alpha_min, self.alpha_max, self.segments = ax, alpha_min, alpha_max, []
        self._pictures = {}  # label -> its picture, drawn once (drawing a text is slow; pasting is not)
        self.bands = PolyCollection([], edgecolors="white", linewidths=1.5)
        ax.add_collection(self.bands)
        # The names: each text says what its band is called, and an image of it is what is drawn.
        self.texts = [ax.text(alpha_min, 0.42, "", visible=False, animated=True) for _ in range(self.MAX_BANDS)]
        self.names = [ax.figure.figimage(np.zeros((1, 1, 4)), visible=False) for _ in range(self.MAX_BANDS)]
        if alpha_min < alpha_diverging < alpha_max:
            ax.axvline(alpha_diverging, color=RED, lw=1.5)
            ax.text(alpha_diverging, 1.08, f"{boundary} = {alpha_diverging:.3g}", color=ink(RED),
                    ha="center", va="bottom", fontsize=8, transform=ax.get_xaxis_transform())
        (self.marker,) = ax.plot([alpha_min], [0.9], "v", color="black", ms=10, clip_on=False)
        ax.text(0, 1.08, "what each α does in the chosen number of steps:", ha="left", va="bottom", fontsize=8,
                transform=ax.transAxes)
        ax.set(xscale="log", xlim=(alpha_min, alpha_max), ylim=(0, 1), yticks=[], xlabel="learning rate α")
        powers_of_ten(ax.xaxis)

    @property
    def layer(self):
        """What changes with the bands (not with α): the bands and their names."""
        return [self.bands, *self.names]

    @property
    def artists(self):
        """What moves: list them among an explorer's moving artists."""
        return [*self.layer, self.marker]

    def point_at(self, alpha):
        self.marker.set_xdata([alpha])

    def move(self, segments):
        """segments: (low, high, regime, label) from left to right, label naming the band (a newline may
        break it in two). A label too wide for its band is left out."""
        if list(segments) == self.segments:
            return
        if len(segments) > self.MAX_BANDS:
            raise ValueError(f"a regime strip shows at most {self.MAX_BANDS} bands, got {len(segments)}")
        self.segments = list(segments)
        self.bands.set_verts([[(low, 0), (high, 0), (high, 1), (low, 1)] for low, high, _, _ in segments])
        self.bands.set_facecolor([REGIME_COLOURS[regime] for _, _, regime, _ in segments])
        for k, (text, name) in enumerate(zip(self.texts, self.names)):
            text.set_visible(False)
            name.set_visible(False)
            if k >= len(segments):
                continue
            low, high, _, label = segments[k]
            (left, _), (right, centre_y) = self.ax.transData.transform([(low, 0.5), (high, 0.42)])
            for candidate in (label, _wrapped(label)):  # on fewer lines, or on more if the band is narrow
                picture = self._picture(candidate)
                if picture.shape[1] < right - left - 4:
                    text.set(text=candidate, x=np.sqrt(low * high), visible=True)
                    name.set_data(picture)
                    name.ox = round((left + right) / 2 - picture.shape[1] / 2)
                    name.oy = round(centre_y - picture.shape[0] / 2)
                    name.set_visible(True)
                    break

    def _picture(self, label):
        """The label as an RGBA picture with a clear background, drawn the first time it is asked for."""
        if label not in self._pictures:
            figure = Figure(dpi=self.ax.figure.dpi, facecolor="none")
            canvas = FigureCanvasAgg(figure)
            text = figure.text(0.5, 0.5, label, ha="center", va="center", fontsize=self.FONTSIZE, linespacing=1.0)
            canvas.draw()
            box = text.get_window_extent()
            pixels = np.asarray(canvas.buffer_rgba())
            top = pixels.shape[0] - int(np.ceil(box.y1)) - 1  # rows count from the top
            self._pictures[label] = pixels[max(top, 0):pixels.shape[0] - int(box.y0) + 1,
                                           int(box.x0) - 1:int(np.ceil(box.x1)) + 1].copy()
        return self._pictures[label]

    def regime_at(self, alpha):
        """The (regime, label) of the band holding alpha, or None outside the strip."""
        for low, high, regime, label in self.segments:
            if low <= alpha <= high:
                return regime, label
        return None


def _wrapped(label):
    """The label with its long lines broken near their middle, for a narrow band."""
    lines = []
    for line in label.split("\n"):
        lines += textwrap.wrap(line, max(len(line) // 2 + 2, 12))
    return "\n".join(lines)
