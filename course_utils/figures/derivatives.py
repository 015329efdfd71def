"""Figures of 03_derivatives: secants and tangents, the contour map with its downhill arrow, one
weight's slice of the error, and the chain rule. Plain matplotlib, no widgets: the explorers in
explorers/derivatives.py draw with these and then only move the artists they return.
"""
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


from course_utils.figures.common import BLUE, GREEN, GREY, ORANGE, RED, dollar_axis, ink, padded, plain, powers_of_ten



# ---------------------------------------------------------------- 03_derivatives

def plot_secant(ax, weights, losses, x_label, y_label):
    """The error curve E(w) with the two nudged points, the secant through them and the tangent at the
    first. Returns a dict of the moving artists for move_secant. Introduced in 03_derivatives."""
    ax.plot(weights, losses, color=GREY, lw=1.5, label="error E(w)")
    (tangent,) = ax.plot([], [], color=GREEN, lw=2, ls="--", label="tangent: the true slope")
    (secant,) = ax.plot([], [], color=ORANGE, lw=2, label="secant: ΔE / h")
    (points,) = ax.plot([], [], "o", color=ORANGE, ms=7, zorder=3)
    ax.set(xlabel=plain(x_label), ylabel=plain(y_label), xlim=(weights[0], weights[-1]), ylim=(0, losses.max()))
    ax.legend(loc="upper center", fontsize=8)
    return {"tangent": tangent, "secant": secant, "points": points}


def move_secant(artists, w, h, loss_w, loss_wh, slope, half_width):
    """Put the points at (w, E(w)) and (w+h, E(w+h)); draw both lines across w ± half_width and past w+h.
    Introduced in 03_derivatives."""
    span = np.array([w - half_width, max(w + h, w + half_width)])
    artists["tangent"].set_data(span, loss_w + slope * (span - w))
    artists["secant"].set_data(span, loss_w + (loss_wh - loss_w) / h * (span - w))
    artists["points"].set_data([w, w + h], [loss_w, loss_wh])


def plot_ratio_vs_h(ax, hs, x_label, y_label):
    """The ratio ΔE/h against the nudge h (log scale), the true slope as a dashed line, a marker at the
    current h. Returns (curve, slope_line, marker). Used by NudgeExplorer."""
    (curve,) = ax.semilogx(hs, np.zeros_like(hs), color=ORANGE, lw=2, label="ratio ΔE / h")
    slope_line = ax.axhline(0, color=GREEN, lw=2, ls="--", label="true slope dE/dw")
    (marker,) = ax.plot([hs[0]], [0], "o", color=ORANGE, ms=8, zorder=3, label="your h")
    ax.set(xlabel=plain(x_label), ylabel=plain(y_label), xlim=padded(hs[0], hs[-1], log=True))
    powers_of_ten(ax.xaxis)
    ax.legend(loc="upper left", fontsize=8)
    return curve, slope_line, marker


def plot_contour_map(ax, ws, bs, losses, x_label, y_label, colorbar_label):
    """Filled contours of the error over a grid of two weights (log-spaced levels, lowest in dark), the
    lowest point as a star, and a marker with three arrows (the downhill direction and its two
    components) for move_downhill. Returns (marker, arrows, colourbar).
    Used by GradientExplorer."""
    levels = losses.min() * np.geomspace(1.0, losses.max() / losses.min(), 14)
    filled = ax.contourf(ws, bs, losses, levels=levels, norm=LogNorm(), cmap="viridis")
    ax.contour(ws, bs, losses, levels=levels, colors="white", linewidths=0.5, alpha=0.6)
    low = np.unravel_index(np.argmin(losses), losses.shape)
    ax.plot(ws[low[1]], bs[low[0]], "*", color="white", ms=12, mec="black", label="lowest error")
    (marker,) = ax.plot([], [], "o", color=ORANGE, mec="black", ms=8, zorder=4, label="you are here")
    styles = {"downhill": dict(color=RED, lw=2.5, label="−gradient (downhill)"),
              "w": dict(color="white", lw=1.5, ls="--", label="−∂E/∂w part"),
              "b": dict(color="white", lw=1.5, ls=":", label="−∂E/∂b part")}
    arrows = {}
    for name, style in styles.items():
        label = style.pop("label")
        arrows[name] = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=14, zorder=5, **style)
        ax.add_patch(arrows[name])
        ax.plot([], [], color=style["color"], ls=style.get("ls", "-"), lw=style["lw"], label=label)
    ax.set(xlabel=plain(x_label), ylabel=plain(y_label), xlim=(ws[0], ws[-1]), ylim=(bs[0], bs[-1]), aspect="equal")
    # Below the map, not on it: grey, as two of its lines are white.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=7, facecolor="#dddddd", framealpha=1,
              columnspacing=1.0, handlelength=2.2)
    colourbar = ax.figure.colorbar(filled, ax=ax, shrink=0.9, pad=0.03, ticks=levels[::3])
    colourbar.ax.set_yticklabels([f"{level:,.0f}" for level in levels[::3]])
    colourbar.set_label(plain(colorbar_label), fontsize=8)
    colourbar.ax.tick_params(labelsize=7)
    return marker, arrows, colourbar


def move_downhill(marker, arrows, w, b, step_w, step_b):
    """Marker at (w, b); the red arrow to (w + step_w, b + step_b), the dashed ones along each axis.
    Used by GradientExplorer."""
    marker.set_data([w], [b])
    arrows["downhill"].set_positions((w, b), (w + step_w, b + step_b))
    arrows["w"].set_positions((w, b), (w + step_w, b))
    arrows["b"].set_positions((w, b), (w, b + step_b))


def plot_slice(ax, values, losses, at, slope, x_label, y_label, colour=BLUE):
    """One slice through the error landscape (one weight moves, the others are held still), with the
    tangent at `at`: its slope is that weight's partial derivative. Introduced in 03_derivatives."""
    loss_at = np.interp(at, values, losses)
    ax.plot(values, losses, color=colour, lw=2, label="error along the slice")
    span = np.array([at - 0.25 * (values[-1] - values[0]), at + 0.25 * (values[-1] - values[0])])
    ax.plot(span, loss_at + slope * (span - at), color=GREEN, lw=2, ls="--", label=f"tangent, slope {slope:+,.1f}")
    ax.plot([at], [loss_at], "o", color=ORANGE, ms=8, zorder=3)
    ax.set(xlabel=plain(x_label), ylabel=plain(y_label), xlim=(values[0], values[-1]), ylim=(0, losses.max()))
    ax.legend(loc="upper center", fontsize=8)


def plot_line_fit(ax, x, y, w, b, x_label="living area (sq ft)", y_label="sale price ($)"):
    """Houses as dots and the line price = w * x + b. Returns the line. Introduced in 03_derivatives."""
    ax.scatter(x, y, s=5, color=BLUE, alpha=0.3, linewidths=0, label="houses")
    grid = np.array([0.0, x.max() * 1.02])
    (line,) = ax.plot(grid, w * grid + b, color=ORANGE, lw=2, label="price = w · area + b")
    ax.set(xlabel=plain(x_label), ylabel=plain(y_label), xlim=(0, grid[1]), ylim=(0, y.max() * 1.02))
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    return line


def plot_difference_errors(ax, hs, one_sided, central, h_default=1e-5):
    """How far each nudge estimate is from the true slope, against h, log-log.
    Introduced in 03_derivatives."""
    ax.loglog(hs, one_sided, "o-", color=ORANGE, ms=3, lw=1.5, label="one-sided (f(w+h) − f(w)) / h")
    ax.loglog(hs, central, "o-", color=BLUE, ms=3, lw=1.5, label="central (f(w+h) − f(w−h)) / 2h")
    ax.axvline(h_default, color=GREY, lw=1, ls=":", label=f"h = {h_default:g} (the course's default)")
    powers_of_ten(ax.xaxis)
    powers_of_ten(ax.yaxis)
    ax.legend(loc="upper center", fontsize=8)


def plot_chain(ax, nodes, links, result):
    """A chain of computations left to right: boxed values joined by arrows labelled with each local
    derivative, and the product of those (the chain rule) written underneath; $ signs print as dollars.
    Introduced in 03_derivatives."""
    xs = np.linspace(0.1, 0.9, len(nodes))
    for x, text in zip(xs, nodes):
        ax.add_patch(FancyBboxPatch((x - 0.08, 0.52), 0.16, 0.24, boxstyle="round,pad=0.01",
                                    fc="#eef4fb", ec=BLUE, lw=1.5, transform=ax.transAxes))
        ax.text(x, 0.64, plain(text), ha="center", va="center", fontsize=9, transform=ax.transAxes)
    for x0, x1, text in zip(xs[:-1], xs[1:], links):
        ax.add_patch(FancyArrowPatch((x0 + 0.09, 0.64), (x1 - 0.09, 0.64), arrowstyle="-|>", mutation_scale=14,
                                     color=GREY, transform=ax.transAxes))
        ax.text((x0 + x1) / 2, 0.84, plain(text), ha="center", va="bottom", fontsize=8.5, color=ink(GREEN),
                transform=ax.transAxes)
    ax.text(0.5, 0.2, plain(result), ha="center", va="center", fontsize=10, color=ink(RED), transform=ax.transAxes)
    ax.axis("off")


# ---------------------------------------------------------------- 04_dot_product
