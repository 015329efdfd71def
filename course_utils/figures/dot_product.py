"""Figures of 04_dot_product: a prediction as a waterfall of weighted features, a layer's weights as
a matrix, the error against one feature, predicted against actual prices, and the loop-against-@ timings.
Plain matplotlib; explorers/dot_product.py moves what these return.
"""
import numpy as np

from course_utils.figures.common import (BLUE, GREEN, GREY, ORANGE, RED, dollar_axis, plain, plot_predicted_vs_actual,
                                         powers_of_ten, signed_dollars)


BASE = "#bbbbbb"  # the base price's bar: a light grey, apart from bluish green for colour-blind readers too


def plot_contributions(ax, names, contributions, bias, actual=None):
    """A waterfall: each feature's weight × value stacked on the base price b (the bias), ending at the
    prediction. Introduced in 04_dot_product."""
    labels, starts, sizes = ["base price b"], [0.0], [bias]
    total = bias
    for name, amount in zip(names, contributions):
        labels.append(name)
        starts.append(total)
        sizes.append(amount)
        total += amount
    positions = np.arange(len(labels) + 1)
    # A term that lowers the price is vermillion and hatched, and its label starts with −: never colour alone.
    colours = [BASE] + [GREEN if amount >= 0 else RED for amount in contributions]
    hatches = [""] + ["" if amount >= 0 else "//" for amount in contributions]
    ax.bar(positions[:-1], sizes, bottom=starts, color=colours, hatch=hatches, edgecolor="white", width=0.6)
    ax.bar(positions[-1], total, color=ORANGE, width=0.6, label=f"prediction ${total:,.0f}")
    for x, start, size in zip(positions, starts + [0.0], sizes + [total]):
        text = f"${size:,.0f}" if x in (0, positions[-1]) else signed_dollars(size)
        ax.text(x, max(start, start + size), text, ha="center", va="bottom", fontsize=8)
    if actual is not None:
        ax.axhline(actual, color=BLUE, lw=1.5, ls="--", label=f"actual price ${actual:,.0f}")
    ax.set_xticks(positions, labels + ["prediction"], fontsize=8)
    highest = max(*(start + size for start, size in zip(starts, sizes)), total, actual or 0)
    # Room above the highest bar for its label and, above that, the legend in one row.
    ax.set(xlabel="the terms of the sum: value × weight", ylabel="price ($)", ylim=(0, highest * 1.32))
    dollar_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8, ncols=2)


def plot_weight_matrix(ax, input_names, n_hidden, layer=1):
    """W1 as a grid: row i is input i, column j is hidden unit j, cell (i, j) holds w1_ij, the weight of the
    edge from input i to hidden unit j. Introduced in 04_dot_product."""
    d = len(input_names)
    ax.imshow(np.zeros((d, n_hidden)), cmap="Greys", vmin=0, vmax=1, aspect="auto")
    for i in range(d):
        for j in range(n_hidden):
            ax.text(j, i, f"$w{layer}_{{{i}{j}}}$", ha="center", va="center", fontsize=11)
    ax.set_xticks(range(n_hidden), [f"hidden {j}\n(column j = {j})" for j in range(n_hidden)], fontsize=8)
    ax.set_yticks(range(d), [f"{name}\n(row i = {i})" for i, name in enumerate(input_names)], fontsize=8)
    ax.set_xticks(np.arange(n_hidden + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(d + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="black", lw=1)
    ax.tick_params(which="minor", length=0)
    ax.set(xlabel="hidden unit j (to)", ylabel="input i (from)")


def plot_error_vs_feature(ax, feature, error, feature_label, gradient, weight_name="w", unit="$1,000"):
    """Each house's error (prediction − actual) against one standardised feature. The title shows that
    feature's weight's partial derivative, `gradient`, which is 2 · mean(error · feature): the caller computes
    it (with linear.mse_gradient in 04) and can print it too. Introduced in 04_dot_product."""
    ax.scatter(feature, error, s=5, color=BLUE, alpha=0.3, linewidths=0, label="houses")
    ax.axhline(0, color=GREY, lw=1)
    ax.axvline(0, color=GREY, lw=1)
    ax.set(xlabel=f"{feature_label} (standardised)", ylabel=plain(f"error: prediction − actual ({unit})"),
           title=f"{feature_label}: ∂E/∂{weight_name} = 2 · mean(error · feature) = "
                 + f"{gradient:+,.1f}".replace("-", "−"))
    ax.legend(loc="upper right", fontsize=8)


def plot_predicted_scatter(ax, actual, top, predicted=None):
    """plot_predicted_vs_actual for every house on fixed axes up to `top`; without `predicted` the dots
    start at zero. Introduced in 04_dot_product."""
    predicted = np.zeros_like(actual) if predicted is None else predicted
    return plot_predicted_vs_actual(ax, actual, predicted, top=top, label="houses", size=5)


def plot_weight_bars(ax, names, best, limits, x_label):
    """Horizontal bars for the current weights (start at zero) with the best weights as black ticks.
    Returns (bars, ticks); change the bars' widths with bar.set_width. Used by FeatureExplorer."""
    positions = np.arange(len(names))
    bars = ax.barh(positions, np.zeros(len(names)), color=ORANGE, height=0.5, label="your weight")
    (ticks,) = ax.plot(best, positions, "|", color="black", ms=22, mew=2.5, label="best weight")
    ax.axvline(0, color=GREY, lw=1)
    ax.set_yticks(positions, names, fontsize=8)
    ax.set(xlabel=x_label, xlim=limits, ylim=(len(names) - 0.4, -0.9))
    ax.legend(loc="upper right", fontsize=8, ncols=2)
    return list(bars), ticks


def plot_timings(ax):
    """Two horizontal bars, the Python loop and @, on a log time axis. Returns the bars.
    Used by TimingExplorer."""
    bars = ax.barh([0, 1], [1.0, 1.0], color=[RED, GREEN], height=0.5)
    ax.set_yticks([0, 1], ["Python loop\n(dot per house)", "X @ w\n(numpy)"], fontsize=9)
    # Up to a second: the loop's label, beside its bar, still fits for a loop of 250 ms (a busy or slow machine).
    ax.set(xscale="log", xlabel="time to predict the houses (ms, log scale)", xlim=(1e-4, 1e3), ylim=(1.6, -0.6))
    powers_of_ten(ax.xaxis)
    return list(bars)
