"""The explorers of 04_dot_product: set a weight per feature and see every house's prediction at once;
time a Python loop against numpy's @. Introduced in 04_dot_product."""
import time

import numpy as np

from course_utils.data import EXPLORED, FEATURE_NAMES, load_houses, standardised_houses
from course_utils.explorers.explorer import Explorer, slider
from course_utils.figures.common import new_figure
from course_utils.figures.dot_product import plot_predicted_scatter, plot_timings, plot_weight_bars
from course_utils.linear import best_weights, dot, predict_linear
from course_utils.losses import rmse

FEATURES = {name: FEATURE_NAMES[name] for name in EXPLORED}  # one slider per feature


class FeatureExplorer(Explorer):
    """Price = w · x + b for three standardised features, one slider per weight (in $1,000 per standard
    deviation of the feature; b is fixed at the average price). Left: every house's prediction against
    its price. Right: your weights against the best ones. Introduced in 04_dot_product."""

    WEIGHT_RANGE = (-20.0, 80.0)  # $1,000 per standard deviation
    TOP = 600_000                 # dollars: the plotted price range

    def __init__(self, **weights):
        self.X, self.y, _ = standardised_houses()
        self.b = float(np.mean(self.y))  # with standardised features, the best bias is the average price
        best_w, _ = best_weights(self.X, self.y)
        self.best_rmse = rmse(predict_linear(self.X, best_w, self.b), self.y)
        names = list(FEATURES.values())
        figure, (left, right) = new_figure(2)
        figure.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.87, wspace=0.38)
        self.dots = plot_predicted_scatter(left, self.y, self.TOP)
        self.bars, best_ticks = plot_weight_bars(right, names, best_w / 1000, self.WEIGHT_RANGE,
                                                 "weight ($1,000 per standard deviation)")
        # Titles say what is drawn; the numbers go to the status line (a title is slow to redraw).
        left.set_title("Every house: predicted against actual price", fontsize=10)
        right.set_title("Your weights (bars) and the best ones (ticks)", fontsize=10)
        controls = {name: slider(label, *self.WEIGHT_RANGE, 1.0, width="250px")
                    for name, label in zip(FEATURES, names)}
        super().__init__(figure, controls, [self.dots, *self.bars],
                         start={**dict.fromkeys(FEATURES, 0.0), **weights})  # a weight not given starts at 0

    def draw(self, **weights):
        w = np.array([weights[name] for name in FEATURES]) * 1000  # dollars per standard deviation
        predictions = predict_linear(self.X, w, self.b)
        self.dots.set_offsets(np.column_stack([self.y, predictions]))
        for bar, value in zip(self.bars, w / 1000):
            bar.set_width(value)
        error = rmse(predictions, self.y)
        terms = " ".join(f"{'−' if value < 0 else '+'} {abs(value):g}k × {name}"
                         for name, value in zip(FEATURES.values(), w / 1000))
        return (f"price = ${self.b:,.0f} {terms} (features standardised). RMSE <b>${error:,.0f}</b>; "
                f"the best weights get ${self.best_rmse:,.0f}.")


def time_loop_and_matmul(X, w, b):
    """Seconds to predict every row of X with a Python loop over dot(), and with X @ w, each the best of
    as many runs as fit in a few milliseconds (at least one). Used by TimingExplorer."""
    loop = _best_time(lambda: [dot(row, w) + b for row in X])
    matmul = _best_time(lambda: predict_linear(X, w, b))
    return loop, matmul


def _best_time(predict, budget=0.004, most=20):
    """The shortest of several runs: the others were slowed by something else on the machine. A long run
    is measured once, so a slider never waits for many of them."""
    times, spent = [], 0.0
    while not times or (spent < budget and len(times) < most):
        start = time.perf_counter()
        predict()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return min(times)


class TimingExplorer(Explorer):
    """Predict the first n houses from the seven feature columns of the data file (every column but the
    price), with made-up weights, once with a Python loop and once with @, and compare the two times,
    measured live on this machine. Introduced in 04_dot_product."""

    def __init__(self, houses=2930):
        names = [name for name in load_houses() if name != "Sale_Price"]
        self.X, _, _ = standardised_houses(names)
        self.w = np.random.default_rng(0).normal(size=len(names)) * 10_000
        figure, (ax,) = new_figure(1, height=2.6)
        figure.subplots_adjust(left=0.2, right=0.96, bottom=0.22, top=0.84)
        self.bars = plot_timings(ax)
        self.labels = [ax.text(1, y, "", va="center", fontsize=9) for y in (0, 1)]
        # The title says what is drawn; the numbers are beside the bars (a title is slow to redraw).
        ax.set_title(f"Predicting houses from {self.X.shape[1]} features: a Python loop against X @ w, "
                     "measured just now", fontsize=10)
        control = slider("houses", 10, len(self.X), 10, whole=True, follow=False, width="420px")
        super().__init__(figure, {"houses": control}, [*self.bars, *self.labels],
                         start={"houses": houses})

    def draw(self, houses):
        houses = int(houses)
        loop, matmul = time_loop_and_matmul(self.X[:houses], self.w, 180_000.0)
        self.speedup = loop / matmul
        texts = (f"{loop * 1000:.3g} ms", f"{matmul * 1000:.3g} ms: {self.speedup:,.0f}× faster")
        for bar, label, seconds, text in zip(self.bars, self.labels, (loop, matmul), texts):
            bar.set_width(seconds * 1000)
            label.set_position((seconds * 1000 * 1.15, label.get_position()[1]))
            label.set_text(text)
        return (f"{houses:,} predictions: the loop took {loop * 1000:.3g} ms, X @ w took {matmul * 1000:.3g} ms, "
                f"so @ was <b>{self.speedup:,.0f}× faster</b> on this machine, this time.")

    def __repr__(self):
        # Timings differ on every run, so the text stored in the notebook says what is measured, not the numbers.
        return (f"TimingExplorer: a Python loop against X @ w for {self.values['houses']:,} houses; "
                "run the cell to measure on your machine.")
