"""The network diagram: inputs, hidden units and the output as dots, every edge labelled with its
weight's name. Drawn first in 04_dot_product (a layer of weights as a matrix), then in 05_backpropagation,
where the explorers write values on it and colour its edges.
"""
import numpy as np

from course_utils.figures.common import GREY


class NetworkDiagram:
    """Inputs -> hidden -> output, every edge labelled with its weight's name, w1_ij or w2_j0: the same
    indices as W1[i, j] and W2[j, 0] in the code. The artists are kept so values can be written on them
    and edges coloured later: `nodes` keyed ("x", i), ("h", j), ("out", 0); `edges` and `edge_labels`
    keyed ("W1", i, j), ("W2", j, 0).
    Introduced in 04_dot_product."""

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
