"""The course's figures, drawn with matplotlib and nothing else (no widgets here).

Figures are plain `matplotlib.figure.Figure` objects, not pyplot ones: nothing global, nothing shown
twice, and an explorer can keep one figure for its whole life and only move its artists.
Introduced in 00_start_here.
"""
import io
import textwrap

import numpy as np
import PIL.Image
from matplotlib.collections import PolyCollection
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
    """The figure as PNG bytes (light compression: speed matters more than size here).
    Introduced in 00_start_here."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def canvas_png(canvas):
    """What the canvas holds right now, as PNG bytes (no redraw: for explorers that blit).
    Introduced in 00_start_here."""
    width, height = canvas.get_width_height(physical=True)
    picture = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    picture.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def show(figure, dpi=100):
    """Display a figure in the notebook as a PNG image. Introduced in 00_start_here."""
    from IPython.display import Image, display
    display(Image(data=to_png(figure, dpi)))


def plain(text):
    """Text with its dollar signs shown as dollars (matplotlib reads a pair of $ as the start and end
    of a formula). Introduced in 03_derivatives."""
    return text.replace("$", r"\$")


def moving_title(ax, fontsize=10):
    """An empty title for an explorer to change on every update (list it among the explorer's moving
    artists). Introduced in 03_derivatives."""
    return ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def _dollars(value, _position):
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value) / 1000:,.0f}k" if abs(value) >= 1000 else f"{sign}${abs(value):,.0f}"


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
    """Move the line and residual bars drawn by plot_fit to a new weight. Introduced in 01_error."""
    line.set_ydata(weight * line.get_xdata())
    residuals.set_ydata(_residual_points(y, weight * x))


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


def plot_predicted_vs_actual(ax, actual, predicted, top=None, label="test houses", size=8):
    """Each house as a dot, predicted price against actual; perfect predictions lie on the diagonal.
    Returns the scatter (move it with set_offsets). Introduced in 04_dot_product."""
    top = max(actual.max(), predicted.max()) * 1.05 if top is None else top
    ax.plot([0, top], [0, top], color=GREY, lw=1, ls="--", label="perfect prediction")
    dots = ax.scatter(actual, predicted, s=size, color=GREEN, alpha=0.4, linewidths=0, label=label)
    ax.set(xlabel="actual price ($)", ylabel="predicted price ($)", xlim=(0, top), ylim=(0, top))
    dollar_axis(ax.xaxis)
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    return dots


class NetworkDiagram:
    """Inputs -> hidden -> output, every edge labelled with its weight's name, w1_ij or w2_j0: the same
    indices as W1[i, j] and W2[j, 0] in the code. The artists are kept so values can be written on them
    and edges coloured later: `nodes` keyed ("x", i), ("h", j), ("out", 0); `edges` and `edge_labels`
    keyed ("W1", i, j), ("W2", j, 0).
    Introduced in 05_backpropagation."""

    LINE = 9.5  # points between two lines of text written beside a node
    HALO = 10   # points: place_labels keeps a label this far from other edges and labels where it can

    def __init__(self, ax, input_names, n_hidden, output_name="price", edge_labels=True, columns=(0.0, 1.0, 2.0)):
        """columns: the x of the inputs, the hidden layer and the output (a wider gap from the inputs to the
        hidden layer leaves more room for long W1 labels). The axes' limits fit the default columns."""
        self.ax = ax
        self.positions = {}
        for i, name in enumerate(input_names):
            self.positions[("x", i)] = (columns[0], _spread(i, len(input_names)))
        for j in range(n_hidden):
            self.positions[("h", j)] = (columns[1], _spread(j, n_hidden))
        self.positions[("out", 0)] = (columns[2], 0.5)
        self.edges, self.edge_labels, self.nodes, self.node_labels, self.names = {}, {}, {}, {}, {}
        for i in range(len(input_names)):
            for j in range(n_hidden):
                self._edge(("W1", i, j), ("x", i), ("h", j), f"$w1_{{{i}{j}}}$" if edge_labels else None)
        for j in range(n_hidden):
            self._edge(("W2", j, 0), ("h", j), ("out", 0), f"$w2_{{{j}0}}$" if edge_labels else None)
        # Nodes are round markers, sized in points: round on any axes, and smaller when there are many.
        self.radius = 11 * min(1.0, 5 / max(len(input_names), n_hidden))
        symbols = {("x", i): f"$x_{i}$" for i in range(len(input_names))}
        symbols.update({("h", j): f"$h_{j}$" for j in range(n_hidden)})
        symbols[("out", 0)] = r"$\hat{y}$"
        for key, (px, py) in self.positions.items():
            (self.nodes[key],) = ax.plot([px], [py], "o", ms=2 * self.radius, mfc="white", mec="black", mew=1.2,
                                         zorder=3)
            self.node_labels[key] = ax.text(px, py, symbols[key], ha="center", va="center", zorder=4,
                                            fontsize=9 if self.radius > 8 else 7)
        for i, name in enumerate(input_names):  # names outside: inputs on the left, the output on the right
            self.names[("x", i)] = self._text(("x", i), name, dx=-self.radius - 3, ha="right")
        self.names[("out", 0)] = self._text(("out", 0), output_name, dx=self.radius + 3, ha="left")
        ax.set(xlim=(-0.55, 2.45), ylim=(-0.12, 1.08), aspect="auto")
        ax.axis("off")
        if edge_labels:
            self.place_labels()

    def _edge(self, key, start, end, label):
        (x0, y0), (x1, y1) = self.positions[start], self.positions[end]
        (self.edges[key],) = self.ax.plot([x0, x1], [y0, y1], color=GREY, lw=1.2, zorder=1)
        if label is None:
            return
        # Halfway for now: place_labels moves the W1 labels to where they are clear of the other edges.
        self.edge_labels[key] = self.ax.text((x0 + x1) / 2, (y0 + y1) / 2, label, fontsize=8,
                                             ha="center", va="center", zorder=4,
                                             bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))

    def place_labels(self, lines_below=0, node_text=None):
        """Slide each W1 label along its own edge to where its box covers none of the other edges, the nodes
        and the other labels, and keeps clear of them where it can: off the crossings, so that each label
        plainly belongs to the edge it sits on. (W2 labels stay halfway: those edges never cross.) Called by
        __init__; call it again after making the labels longer (the stepper writes values into them), with
        room for `lines_below` lines of text under each label and, in node_text, the text around each kind of
        node: {"x" / "h" / "out": (width in points, lines above, lines below)}."""
        ax = self.ax
        canvas = ax.figure.canvas
        renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else ax.figure._get_renderer()
        scale, origin = self._points_per_unit()
        ends = {key: ((line.get_xydata()[0] - origin) * scale, (line.get_xydata()[-1] - origin) * scale)
                for key, line in self.edges.items()}
        # Everything to keep clear of, as dots 1-2 points apart, so that "how much of it lies under a label"
        # is a count: the edges, and the nodes with the text written above and below them.
        edge_dots = {key: a + np.linspace(0, 1, int(np.hypot(*(b - a))) + 2)[:, None] * (b - a)
                     for key, (a, b) in ends.items()}
        node_dots = []
        for key, xy in self.positions.items():
            width, above, below = (node_text or {}).get(key[0], (0, 0, 0))
            half_width = max(self.radius, width / 2)
            u, v = np.meshgrid(np.arange(-half_width, half_width + 1, 2.0),
                               np.arange(-self.radius - below * self.LINE, self.radius + above * self.LINE + 1, 2.0))
            node_dots.append((np.asarray(xy) - origin) * scale + np.column_stack([u.ravel(), v.ravel()]))
        node_dots = np.concatenate(node_dots)
        sizes = {}  # half width, height above the centre, depth below it (points), with a margin all round
        for key, label in self.edge_labels.items():
            extent = label.get_window_extent(renderer)
            half_height = extent.height * 72 / ax.figure.dpi / 2 + 3
            sizes[key] = (extent.width * 72 / ax.figure.dpi / 2 + 4, half_height, half_height + lines_below * self.LINE)

        def footprint(key, centre):
            """Dots covering a label's box, to count how much of it another label would cover."""
            half_width, up, down = sizes[key]
            u, v = np.meshgrid(np.linspace(-half_width, half_width, 11), np.linspace(-down, up, 5))
            return centre + np.column_stack([u.ravel(), v.ravel()])

        def count(key, centres, cloud, margin):
            """For each candidate centre, how many dots of cloud lie under the label's box grown by margin."""
            half_width, up, down = sizes[key]
            dx = np.abs(cloud[None, :, 0] - centres[:, None, 0])
            dy = cloud[None, :, 1] - centres[:, None, 1]
            return np.sum((dx < half_width + margin) & (dy < up + margin) & (dy > -down - margin), axis=1)

        label_halo = self.HALO + lines_below * self.LINE
        placed = {key: (a + b) / 2 for key, (a, b) in ends.items() if key in self.edge_labels and key[0] == "W2"}
        fractions = np.linspace(0.12, 0.88, 39)
        w1 = [key for key in self.edge_labels if key[0] == "W1"]
        for _ in range(3):  # settle each label in turn, given the others, a few times round
            for key in w1:
                a, b = ends[key]
                centres = a + fractions[:, None] * (b - a)
                edges = np.concatenate([dots for other, dots in edge_dots.items() if other != key])
                score = (50 * count(key, centres, edges, 0) + 0.2 * count(key, centres, edges, self.HALO)
                         + 20 * count(key, centres, node_dots, 0) + count(key, centres, node_dots, self.HALO)
                         + 0.01 * np.abs(fractions - 0.5))  # all else equal, nearer the middle
                for other, centre in placed.items():
                    if other != key:
                        dots = footprint(other, centre)
                        score += 50 * count(key, centres, dots, 0) + 4 * count(key, centres, dots, label_halo)
                placed[key] = centres[int(np.argmin(score))]
        for key in w1:
            self.edge_labels[key].set_position(tuple(placed[key] / scale + origin))

    def _points_per_unit(self):
        """(points per data unit along x and y, the data point at the axes' lower left corner)."""
        ax, box = self.ax, self.ax.get_position()
        (left, right), (bottom, top) = ax.get_xlim(), ax.get_ylim()
        size = np.array([box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()]) * 72
        return size / [right - left, top - bottom], np.array([left, bottom])

    def _text(self, key, text, dx=0.0, dy=0.0, **style):
        """A text at a node or an edge's label, moved by (dx, dy) points."""
        from matplotlib.transforms import offset_copy
        px, py = self.positions[key] if key in self.positions else self.edge_labels[key].get_position()
        shifted = offset_copy(self.ax.transData, fig=self.ax.figure, x=dx, y=dy, units="points")
        return self.ax.text(px, py, text, transform=shifted, **dict(dict(va="center", fontsize=8), **style))

    def write(self, key, row, text="", beside=False, **style):
        """A text `row` lines above (row > 0) or below (row < 0) a node or an edge's label, for writing a
        value there (beside=True: to the right of the node instead, row 0 level with its centre); returns
        the artist, so it can be changed later with set_text."""
        style = dict(dict(ha="left" if beside else "center", zorder=5,
                          bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none")), **style)
        if beside:
            return self._text(key, text, dx=self.radius + 16, dy=row * self.LINE, **style)
        if key in self.nodes:
            return self._text(key, text, dy=np.sign(row) * (self.radius + (abs(row) - 0.5) * self.LINE), **style)
        return self._text(key, text, dy=row * self.LINE, **style)

    def color_edges(self, values, scale, signed=True, cmap="RdBu_r"):
        """Colour each edge by its entry of values["W1"] or values["W2"] and thicken it with |value| / scale
        (values beyond ±scale get the full colour). signed: blue negative, red positive (weights); else
        darker = bigger (gradient sizes), with a faint colour at 0 so that every edge stays in sight."""
        from matplotlib import colormaps
        colormap = colormaps[cmap]
        for (name, i, j), line in self.edges.items():
            share = float(np.clip(values[name][i, j] / scale, -1, 1)) if scale > 0 else 0.0
            line.set_color(colormap(0.5 + 0.5 * share if signed else 0.15 + 0.85 * abs(share)))
            line.set_linewidth(0.4 + 3.6 * abs(share))

    def set_visible(self, visible):
        """Show or hide the whole diagram (an explorer can keep several on one axes and show one)."""
        for group in (self.edges, self.edge_labels, self.nodes, self.node_labels, self.names):
            for artist in group.values():
                artist.set_visible(visible)


def _spread(index, count):
    return 0.5 if count == 1 else 0.9 - 0.8 * index / (count - 1)


def plot_error_contours(ax, w_grid, b_grid, losses, x_label="w", y_label="b"):
    """Contour lines of a loss over two weights (losses[i, j] at b_grid[i], w_grid[j]), on a log
    spacing so both the valley floor and its walls show. Introduced in 02_learning_rate."""
    low, high = losses.min(), losses.max()
    levels = low + (high - low) * np.logspace(-4, 0, 14)
    ax.contour(w_grid, b_grid, losses, levels=levels, colors=GREY, linewidths=0.8)
    ax.set(xlabel=x_label, ylabel=y_label)


REGIME_COLOURS = {"too slow": "#c7d9ee", "converging": "#bfe3c0", "oscillating": "#fde2b3",
                  "diverging": "#f4c0bd"}


class RegimeStrip:
    """A log-scale α axis cut into bands that never overlap: one per stretch of α over which gradient
    descent does the same thing, coloured by its regime and named. `move(segments)` redraws the bands (they
    change with the number of steps) and `point_at(alpha)` moves the marker. Introduced in 02_learning_rate."""

    MAX_BANDS = 8
    FONTSIZE = 8

    def __init__(self, ax, alpha_min, alpha_max, alpha_diverging, boundary="α = 2 / curvature"):
        self.ax, self.alpha_min, self.alpha_max, self.segments = ax, alpha_min, alpha_max, []
        self._widths = {}  # label -> its width in pixels (measuring takes a while)
        self.bands = PolyCollection([], edgecolors="white", linewidths=1.5)
        ax.add_collection(self.bands)
        self.texts = [ax.text(alpha_min, 0.42, "", ha="center", va="center", fontsize=self.FONTSIZE,
                              linespacing=1.0, visible=False) for _ in range(self.MAX_BANDS)]
        if alpha_min < alpha_diverging < alpha_max:
            ax.axvline(alpha_diverging, color=RED, lw=1.5)
            ax.text(alpha_diverging, 1.08, f"{boundary} = {alpha_diverging:.3g}", color=RED,
                    ha="center", va="bottom", fontsize=8, transform=ax.get_xaxis_transform())
        (self.marker,) = ax.plot([alpha_min], [0.9], "v", color="black", ms=10, clip_on=False)
        ax.text(0, 1.08, "what each α does in the chosen number of steps:", ha="left", va="bottom", fontsize=8,
                transform=ax.transAxes)
        ax.set(xscale="log", xlim=(alpha_min, alpha_max), ylim=(0, 1), yticks=[], xlabel="learning rate α")

    @property
    def layer(self):
        """What changes with the bands (not with α): the bands and their names."""
        return [self.bands, *self.texts]

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
        renderer = self.ax.figure.canvas.get_renderer()
        for k, text in enumerate(self.texts):
            if k >= len(segments):
                text.set_visible(False)
                continue
            low, high, _, label = segments[k]
            text.set_x(np.sqrt(low * high))
            (left, _), (right, _) = self.ax.transData.transform([(low, 0.5), (high, 0.5)])
            for candidate in (label, _wrapped(label)):  # on fewer lines, or on more if the band is narrow
                text.set_text(candidate)
                if candidate not in self._widths:
                    text.set_visible(True)  # an invisible text measures as nothing
                    self._widths[candidate] = text.get_window_extent(renderer).width
                text.set_visible(self._widths[candidate] < right - left - 4)
                if text.get_visible():
                    break

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
