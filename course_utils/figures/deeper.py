"""The figures of 06_deeper: a deeper network as a loop over layers, and a computation drawn as a graph of
small operations (gates), with values and gradients on its edges. Matplotlib only; the explorers that
move these pictures are in explorers/deeper.py. Introduced in 06_deeper."""
import numpy as np
from matplotlib.patches import FancyArrowPatch

from course_utils.figures.common import BACKWARD_COLOUR, BLUE, FORWARD_COLOUR, GREY, RED


def plot_layer_loop(ax, sizes=(2, 4, 4, 4, 1)):
    """A network of these layer sizes as columns of units, each layer's weights named between its columns,
    with the forward loop running right along the top and the backward loop left along the bottom.
    Introduced in 06_deeper."""
    L = len(sizes) - 1
    columns = np.arange(len(sizes)) * 1.6
    for layer, (left, right) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        for i in range(left):
            for j in range(right):
                ax.plot(columns[layer - 1:layer + 1], [_spread(i, left), _spread(j, right)], color=GREY, lw=0.6,
                        zorder=1)
        ax.text(columns[layer] - 0.8, 1.13, f"W{layer}, b{layer}", ha="center", fontsize=9)
        ax.text(columns[layer] - 0.8, 1.04, f"({left}, {right})", ha="center", fontsize=8, color=GREY)
    names = ["outputs[0]\n= X"] + [f"outputs[{layer}]\n= h{layer}" for layer in range(1, L)]
    names.append(f"outputs[{L}]\n= prediction")
    for column, size, name in zip(columns, sizes, names):
        ax.plot([column] * size, [_spread(k, size) for k in range(size)], "o", ms=11, mfc="white", mec="black",
                zorder=3)
        ax.text(column, -0.13, name, ha="center", va="top", fontsize=8)
    top, bottom = 1.32, -0.5
    ax.annotate("", (columns[-1], top), (columns[0], top),
                arrowprops=dict(arrowstyle="-|>", color=FORWARD_COLOUR, lw=2))
    ax.text(columns.mean(), top + 0.05, r"forward, layer 1 to L: outputs[l] = squash(outputs[l − 1] @ W$_l$ + "
            r"b$_l$), the last layer not squashed", ha="center", va="bottom", color=FORWARD_COLOUR, fontsize=9)
    ax.annotate("", (columns[0], bottom), (columns[-1], bottom),
                arrowprops=dict(arrowstyle="-|>", color=BACKWARD_COLOUR, lw=2))
    ax.text(columns.mean(), bottom - 0.06, r"backward, layer L to 1: the gradients of W$_l$ and b$_l$ from the "
            r"signal d_z at layer l;" "\n" r"then the signal for layer l − 1: d_z @ W$_l$.T, times the slope of "
            r"layer l − 1", ha="center", va="top", color=BACKWARD_COLOUR, fontsize=9)
    ax.set(xlim=(columns[0] - 0.7, columns[-1] + 0.7), ylim=(bottom - 0.42, top + 0.2))
    ax.axis("off")


def _spread(k, count):
    """Where unit k of a column of `count` units sits, between 0 and 1 (centred for a single unit)."""
    return 0.5 if count == 1 else 0.92 - 0.84 * k / (count - 1)


# --- A computation as a graph of gates -------------------------------------------------------------------

def draw_gate(ax, xy, symbol, size=17):
    """An operation: a circle with its symbol (×, +, −, σ). Returns the circle. Used by 06's graph stepper."""
    (circle,) = ax.plot(*xy, "o", ms=size, mfc="white", mec="black", mew=1.3, zorder=3)
    ax.text(*xy, symbol, ha="center", va="center", fontsize=11, zorder=4)
    return circle


def draw_edge(ax, start, end, bend=0.0, colour=GREY):
    """An arrow from start to end, bent sideways by `bend` (0: straight); it stops short of a gate's circle.
    Returns the arrow and the point halfway along it, where its labels go. Used by 06's graph stepper."""
    arrow = FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>", mutation_scale=10,
                            color=colour, lw=1.3, shrinkA=9, shrinkB=11, zorder=2)
    ax.add_patch(arrow)
    # arc3's control point sits `bend` times the distance out, square to the line, on the screen (so set the
    # axes' position and limits first); the curve's middle is halfway between the line's middle and it.
    (x0, y0), (x1, y1) = ax.transData.transform([start, end])
    middle = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    control = middle + bend * np.array([y1 - y0, -(x1 - x0)])
    return arrow, tuple(ax.transData.inverted().transform((middle + control) / 2))


def edge_labels(ax, point, above=0.09, below=0.09, fontsize=8.5):
    """Two empty texts at an edge's middle: its value above (blue) and its gradient below (red), to be
    filled in."""
    x, y = point
    value = ax.text(x, y + above, "", ha="center", va="bottom", fontsize=fontsize, color=FORWARD_COLOUR,
                    zorder=5)
    gradient = ax.text(x, y - below, "", ha="center", va="top", fontsize=fontsize, color=BACKWARD_COLOUR,
                       zorder=5, bbox=dict(boxstyle="round,pad=0.12", fc="none", ec="none"))
    return value, gradient


# --- Lines of several layers, on log scales ---------------------------------------------------------------------

def layer_axis(ax, layers, label="layer"):
    """x ticks at 1 ... layers, for a chart with one point per layer (06's depth explorer)."""
    ax.set_xticks(range(1, layers + 1))
    ax.set_xlim(0.5, layers + 0.5)
    ax.set_xlabel(label)


LINE_STYLES = {"start": dict(color=BLUE, lw=2, marker="o", ms=5), "trained": dict(color=RED, lw=1.5, ls="--",
                                                                                        marker="x", ms=6)}
