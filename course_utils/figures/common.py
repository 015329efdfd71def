"""What the course's figures share: new_figure, the colours, dollar axes, PNGs, predicted-vs-actual
dots. Matplotlib and nothing else (no widgets here); each lesson's own figures are beside it, in
figures/<lesson>.py.

Figures are plain `matplotlib.figure.Figure` objects, not pyplot ones: nothing global, nothing shown
twice, and an explorer can keep one figure for its whole life and only move its artists.
Introduced in 01_error (the demo of 00_start_here already draws with it).
"""
import io
import math
import struct
import zlib

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
import numpy as np

DPI = 80          # pixels per inch of the PNGs the explorers send to the browser
# The Okabe–Ito colours, which stay apart for readers with any common colour blindness (red and green,
# which matplotlib's default blue/orange/green/red makes alike for 1 man in 12, are vermillion and bluish
# green here); grey as dark as text on white may be (4.5:1). tests/test_figures_seen.py checks both.
BLUE, ORANGE, GREEN, RED, GREY, PURPLE = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#767676", "#CC79A7"
SKY = "#56B4E9"
CYCLE = [BLUE, ORANGE, GREEN, RED, PURPLE, SKY, GREY]  # lines drawn without a colour take these in turn
# 05's backprop stepper and 06's graph: values going forward in dark blue, gradients going backward in dark
# red, and a value just computed on a yellow ground.
FORWARD_COLOUR, BACKWARD_COLOUR, FRESH = "#1f4e9c", "#b22222", "#ffe08a"
# Room around the axes, in inches, whatever the figure's size: tick labels and axis labels on the left and
# at the bottom, a title on top, and the same between axes side by side.
MARGINS = dict(left=0.9, right=0.2, bottom=0.58, top=0.43, between=0.9)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def new_figure(ncols=1, width=9.5, height=3.6):
    """A figure with ncols axes side by side, with fixed margins in inches (faster to redraw than a layout
    engine, and right for small figures and large ones alike). Introduced in 01_error."""
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)  # a canvas of its own: saving then skips a backend switch on every frame
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.set_prop_cycle(color=CYCLE)
    m = MARGINS
    axis_width = (width - m["left"] - m["right"] - (ncols - 1) * m["between"]) / ncols
    figure.subplots_adjust(left=m["left"] / width, right=1 - m["right"] / width, bottom=m["bottom"] / height,
                           top=1 - m["top"] / height, wspace=m["between"] / axis_width)
    return figure, list(axes)


def ink(colour):
    """The colour darkened just enough to be read as text on white (WCAG's 4.5:1), keeping its hue:
    ink(ORANGE) is a dark amber. Introduced in 03_derivatives."""
    rgb = to_rgb(colour)
    for step in range(100):
        darker = [part * (1 - step / 100) for part in rgb]
        if contrast(darker, "white") >= 4.5:
            return to_hex(darker)
    return "#000000"


def contrast(one, other):
    """WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour):
    linear = [part / 12.92 if part <= 0.04045 else ((part + 0.055) / 1.055) ** 2.4 for part in to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def padded(low, high, fraction=0.04, log=False):
    """Axis limits a little wider than low to high, so that a marker at either end is drawn whole."""
    if log:
        low, high = math.log10(low), math.log10(high)
    room = (high - low) * fraction
    low, high = low - room, high + room
    return (10 ** low, 10 ** high) if log else (low, high)


def to_png(figure, dpi=DPI):
    """The figure as PNG bytes (light compression: speed matters more than size here).
    Used by show."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def canvas_png(canvas):
    """What the canvas holds right now, as PNG bytes (no redraw: for explorers that blit). Packed here, not by
    Pillow, which tries four filters on every row to keep the best: a figure's flat colours pack as small
    without them (34 KiB for 02's first explorer either way), in well under half the time."""
    pixels = np.asarray(canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    rows = np.empty((height, 1 + 3 * width), np.uint8)
    rows[:, 0] = 0  # each row starts with its filter: none
    for channel in range(3):  # red, green, blue; explorers' figures are opaque, so alpha is left out, as before
        rows[:, 1 + channel::3] = pixels[:, :, channel]  # a channel at a time: 0.3 ms, where all three took 2.5
    # 8 bits a colour, RGB, PNG's one compression and filter method, not interlaced
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    packed = zlib.compress(rows, 1)  # straight from the array: a copy of its bytes first took another 0.9 ms
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", packed) + _chunk(b"IEND", b"")


def _chunk(kind, data):
    """A PNG chunk: its length, kind, data, and a checksum of kind and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def show(figure, dpi=100):
    """Display a figure in the notebook as a PNG image. Introduced in 01_error."""
    from IPython.display import Image, display
    display(Image(data=to_png(figure, dpi)))


def plain(text):
    """Text with its dollar signs shown as dollars (matplotlib reads a pair of $ as the start and end
    of a formula). Introduced in 03_derivatives."""
    return text.replace("$", r"\$")


def num(value):
    """A value as the steppers write it: 3 significant digits, a real minus sign (−0.141)."""
    return f"{float(value):.3g}".replace("-", "−")


def usd(value):
    """Dollars to the nearest $100 (a model's price is no more precise): 123456 -> '$123,500'."""
    return f"${round(float(value), -2):,.0f}"


def _dollars(value, _position):
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value) / 1000:,.0f}k" if abs(value) >= 1000 else f"{sign}${abs(value):,.0f}"


def signed_dollars(value):
    """-10000 -> '−$10,000', 50000 -> '+$50,000', 0 -> '$0' (no miss has no sign)."""
    if round(value) == 0:
        return "$0"
    return f"{'−' if value < 0 else '+'}${abs(value):,.0f}"


def dollar_axis(axis):
    """Label an axis's ticks in dollars: $150k. Introduced in 01_error."""
    axis.set_major_formatter(FuncFormatter(_dollars))


def plot_predicted_vs_actual(ax, actual, predicted, top=None, label="test houses", size=8):
    """Each house as a dot, predicted price against actual; perfect predictions lie on the diagonal.
    Returns the scatter (move it with set_offsets).
    Introduced in 05_backpropagation (04_dot_product draws it through plot_predicted_scatter)."""
    top = max(actual.max(), predicted.max()) * 1.05 if top is None else top
    ax.plot([0, top], [0, top], color=GREY, lw=1, ls="--", label="perfect prediction")
    dots = ax.scatter(actual, predicted, s=size, color=GREEN, alpha=0.4, linewidths=0, label=label)
    ax.set(xlabel="actual price ($)", ylabel="predicted price ($)", xlim=(0, top), ylim=(0, top))
    dollar_axis(ax.xaxis)
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    return dots


def thousands_axis(axis):
    """Ticks with thousands separators: 40,000 rather than 40000. Introduced in 03_derivatives."""
    axis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:,.0f}"))


def powers_of_ten(axis, every=1):
    """Label a log axis (ax.xaxis or ax.yaxis, once its scale is set) at every `every`-th power of ten, in plain
    text: 0.01, 1, 1,000 or 1e-8. As clear as matplotlib's typeset labels, and cheaper: each of those is a
    formula to parse, and with plain ones 02's cells took 1.63 CPU-s instead of 1.88.
    Used by the log axes of the course's figures and explorers (not by 03's colour bar, labelled by hand)."""
    axis.set_major_locator(LogLocator(base=10.0 ** every))
    axis.set_major_formatter(FuncFormatter(lambda value, _: _power_of_ten(value)))
    axis.set_minor_formatter(NullFormatter())


def _power_of_ten(value):
    """0.01, 1, 10,000 as decimals; 1e-8 and 1e6 in scientific notation."""
    if value <= 0:
        return ""
    if 1e-3 <= value < 1e5:
        return f"{value:,g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"
