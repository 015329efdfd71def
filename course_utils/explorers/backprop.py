"""The explorers of 05_backpropagation: the network nudge, which nudges one weight and compares the change
in the error with the gradient backprop computes; the backprop stepper, which walks one house through the
network one line of code at a time (forward, then backward); and the training dashboard. Introduced in
05_backpropagation.

    nudge = NetworkNudge(split, params)         nudge.update(eps=0.01)
    stepper = BackpropStepper(split, params)    stepper.update(step=7)
    dashboard = TrainingDashboard(split)        dashboard.update(alpha=1.0, hidden=8, epochs=300)
"""
import functools
import hashlib

import ipywidgets as widgets
import numpy as np

from course_utils import network
from course_utils.data import FEATURE_NAMES, OUR_HOUSE, UNITS
from course_utils.descent import classify_run
from course_utils.explorers.ahead import Ahead
from course_utils.explorers.explorer import Explorer, choice_slider, slider
from course_utils.explorers.guessing import GuessBox, GuessFirst
from course_utils.explorers.tracing import trace
from course_utils.figures.common import (BACKWARD_COLOUR, BLUE, FORWARD_COLOUR, FRESH, GREEN, GREY, ORANGE, PURPLE, RED,
                                         dollar_axis, ink, new_figure, num, padded, plot_predicted_vs_actual,
                                         powers_of_ten, signed_dollars, usd)
from course_utils.figures.network_diagram import NetworkDiagram

COLUMNS = (0.0, 1.45, 2.2)  # the stepper's hidden layer stands right of the middle: room for the long W1 labels

# Where the stepper writes each operation's values: beside a node ("h", "out") or under an edge's label
# ("W1", "W2"); how many lines above (+) or below (-) it; the label; and whether it goes to the node's right.
SLOTS = {
    "z": ("h", 2, "z = {}", False),
    "hidden": ("h", 1, "h = {}", False),
    "prediction": ("out", 0.5, "ŷ = {}", True),
    "E": ("out", -0.5, "E = (ŷ − y)² = {}", True),
    "d_prediction": ("out", -1, "∂E/∂ŷ = {}", False),
    "d_W2": ("W2", -1, "∂E/∂w = {}", False),
    "d_b2": ("out", -2, "∂E/∂b2 = {}", False),
    "d_hidden": ("h", -1, "∂E/∂h = {}", False),
    "d_z": ("h", -2, "∂E/∂z = {}", False),
    "d_W1": ("W1", -1, "∂E/∂w = {}", False),
    "d_b1": ("h", -3, "∂E/∂b1 = {}", False),
}
# What the guess box asks for before each step: the first entry of the operation's value, the one its
# status line works out.
GUESSED = {"z": "z₀", "hidden": "h₀", "prediction": "ŷ", "E": "E", "d_prediction": "∂E/∂ŷ", "d_W2": "∂E/∂w2₀₀",
           "d_b2": "∂E/∂b2", "d_hidden": "∂E/∂h₀", "d_z": "∂E/∂z₀", "d_W1": "∂E/∂w1₀₀", "d_b1": "∂E/∂b1₀"}
# The edges an operation sends values along, drawn thick while it is the current step.
EDGES_USED = {"z": "W1", "prediction": "W2", "d_W2": "W2", "d_hidden": "W2", "d_W1": "W1"}


def raw_text(value, unit):
    """A feature in its own units: '1,392 sq ft', 'built 1915'."""
    return f"built {value:.0f}" if unit == "year" else f"{value:,.0f} {unit}"


def _diagram_key(kind, index):
    """Where on the diagram the value at `index` of an operation's array belongs."""
    if kind == "out":
        return ("out", 0)
    if kind == "h":
        return ("h", index[-1])
    return (kind, *index)


def weight_names(n_inputs, n_hidden):
    """The network's weights as the diagram names them, "w1_00" ... "w2_20", W1's first."""
    return ([f"w1_{i}{j}" for i in range(n_inputs) for j in range(n_hidden)]
            + [f"w2_{j}0" for j in range(n_hidden)])


def weight_index(name):
    """"w1_01" -> ("W1", (0, 1)): which parameter array, and where in it."""
    layer, (row, column) = name[:2], name[3:]
    return layer.upper(), (int(row), int(column))


def _mathtext(name):
    """"w1_01" as matplotlib writes it: $w1_{01}$."""
    return f"${name[:2]}_{{{name[3:]}}}$"


class NetworkNudge(Explorer):
    """Nudge one weight of the untrained network by ε and watch one house's error E change: the ratio
    ΔE / ε against the gradient that backprop computes for that weight, network.backward's. Left: E
    against the weight, with the secant through the two points and the tangent whose slope is backprop's
    gradient. Right: the ratio for every ε, which settles on the gradient as ε shrinks. The weight is
    chosen when the explorer is made ("w1_00" ... "w2_20", as on the diagram); the slider moves ε (`eps`;
    not h, which in 05 is a hidden unit's output).
    Introduced in 05_backpropagation."""

    # Round stops, close to evenly spaced on a log scale (a log slider would turn 0.2 into 10^-0.7).
    EPS_STOPS = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2)
    SPAN = 4.0  # the error curve runs over the weight ± SPAN

    def __init__(self, split, params, house=OUR_HOUSE, weight="w1_00", eps=1):
        names = weight_names(*np.shape(params["W1"]))
        if weight not in names:
            raise ValueError(f"weight must be one of {', '.join(names)}; got {weight!r}")
        self.X, self.y = split.X_train[house:house + 1], split.y_train[house:house + 1]
        self.params = {name: np.array(value, dtype=float) for name, value in params.items()}
        self.weight, (self.layer, self.index) = weight, weight_index(weight)
        self.w = float(self.params[self.layer][self.index])
        self.gradient = float(network.backward(self.X, self.y, **self.params)[self.layer][self.index])
        self.loss_w = float(self.loss(self.w)[0])
        figure, (left, right) = new_figure(2, height=3.4)
        self.left, self.right = left, right
        self._draw_error_curve(left)
        self._draw_ratio_curve(right)
        control = choice_slider("nudge ε", self.EPS_STOPS, width="360px")
        # Only the secant, the two points and the marker move: titles and text are slow to redraw, and the
        # numbers are in the status line.
        super().__init__(figure, {"eps": control}, [self.secant, self.points, self.marker], start={"eps": eps})

    def loss(self, values):
        """E of our house with the weight set to each of `values` (the others as they are)."""
        losses = []
        for value in np.atleast_1d(values):
            nudged = self.params[self.layer].copy()
            nudged[self.index] = value
            prediction = network.forward(self.X, **{**self.params, self.layer: nudged})[1]
            losses.append(float(np.mean((prediction - self.y) ** 2)))
        return np.array(losses)

    def _draw_error_curve(self, ax):
        """E against the weight, the tangent with backprop's slope; the secant and points, to be moved."""
        values = np.linspace(self.w - self.SPAN, self.w + self.SPAN, 161)
        losses = self.loss(values)
        ax.plot(values, losses, color=GREY, lw=1.5, label="error E of our house")
        span = self._span()
        ax.plot(span, self.loss_w + self.gradient * (span - self.w), color=GREEN, lw=2, ls="--",
                label="tangent: backprop's slope")
        (self.secant,) = ax.plot([], [], color=ORANGE, lw=2, label="secant: ΔE / ε")
        (self.points,) = ax.plot([], [], "o", color=ORANGE, ms=7, zorder=3)
        ax.set(xlim=(values[0], values[-1]), ylim=(0, 1.1 * losses.max()), ylabel="E",
               xlabel=f"{_mathtext(self.weight)} (the other weights stay as they are)")
        ax.set_title(f"Nudge {_mathtext(self.weight)} by ε: secant and tangent", fontsize=10)
        ax.legend(loc="best", fontsize=8)

    def _draw_ratio_curve(self, ax):
        """ΔE / ε for every ε (log scale) and backprop's gradient; the marker at the slider's ε, to be moved."""
        epsilons = np.geomspace(self.EPS_STOPS[0], self.EPS_STOPS[-1], 81)
        ratios = (self.loss(self.w + epsilons) - self.loss_w) / epsilons
        ax.semilogx(epsilons, ratios, color=ORANGE, lw=2, label="ratio ΔE / ε")
        ax.axhline(self.gradient, color=GREEN, lw=2, ls="--", label="backprop's ∂E/∂w")
        (self.marker,) = ax.plot([], [], "o", color=ORANGE, ms=8, zorder=3, label="your ε")
        low, high = min(ratios.min(), self.gradient), max(ratios.max(), self.gradient)
        room = max(high - low, 0.05)
        ax.set(xlim=padded(epsilons[0], epsilons[-1], log=True), ylim=(low - 0.6 * room, high + 0.6 * room),
               xlabel="nudge ε (log scale)",
               ylabel="slope")
        powers_of_ten(ax.xaxis)
        ax.set_title("ΔE / ε settles on backprop's ∂E/∂w as ε shrinks", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)

    def _span(self):
        """Where the secant and the tangent are drawn: past w + ε for every ε on the slider."""
        return np.array([self.w - 0.5 * self.SPAN, self.w + max(self.EPS_STOPS[-1], 0.5 * self.SPAN)])

    def draw(self, eps):
        w, loss_w = self.w, self.loss_w
        loss_wh = float(self.loss(w + eps)[0])
        ratio = (loss_wh - loss_w) / eps
        span = self._span()
        self.secant.set_data(span, loss_w + ratio * (span - w))
        self.points.set_data([w, w + eps], [loss_w, loss_wh])
        self.marker.set_data([eps], [ratio])
        # The weight as the notebook writes it, w1_00: a subscript would read w100 in the plain-text summary.
        return (f"Nudging {self.weight} = {w:.4f} by ε = {eps:g} changes E from {loss_w:.5f} by "
                f"{loss_wh - loss_w:+.3g}: ΔE / ε = <b>{ratio:.5f}</b>. Backprop's ∂E/∂{self.weight} = "
                f"<b>{self.gradient:.5f}</b> (gap {ratio - self.gradient:+.2g}).")


class BackpropStepper(GuessFirst, Explorer):
    """One house through the network, one line of code at a time: forward, then backward. Each step writes
    the values its line computes on their nodes or edges (highlighted) and leaves everything else as it
    was. The lines and values are those of network.loss_and_gradients, run once (tracing.trace).
    Introduced in 05_backpropagation."""

    remember_pictures = True  # a dozen steps, each drawn once

    def __init__(self, split, params, house=OUR_HOUSE, step=0):
        self.X, self.y = split.X_train[house:house + 1], split.y_train[house:house + 1]
        self.params, self.split = params, split
        self.ops = trace(self.X, self.y, **params)
        figure, (ax,) = new_figure(width=9.5, height=6.0)
        ax.set_position([0.0, 0.25, 1.0, 0.71])
        code_ax = figure.add_axes([0.03, 0.0, 0.95, 0.24])
        code_ax.axis("off")
        names = [FEATURE_NAMES.get(feature, feature) for feature in split.features]
        self.diagram = diagram = NetworkDiagram(ax, names, params["W1"].shape[1], columns=COLUMNS)
        ax.set(xlim=(-0.42, 3.0), ylim=(-0.14, 1.12))
        ax.set_title("One house through the network: forward values in blue, gradients in red", fontsize=10)
        self._write_what_is_known(split)
        # The W1 labels now hold their values and get a gradient written under them; the nodes get a column
        # of values above and below: slide the labels to where all that stays clear of the crossings.
        diagram.place_labels(lines_below=1, node_text={"x": (60, 0, 2), "h": (75, 3, 3), "out": (75, 1, 2)})
        self.texts = {}  # (operation name, *index) -> the text that shows that entry of its value
        for op in self.ops:
            kind, row, _, beside = SLOTS[op.name]
            for index in np.ndindex(np.shape(op.value)):
                self.texts[(op.name, *index)] = diagram.write(_diagram_key(kind, index), row, "", beside=beside)
        # While a step sends values along some edges, those edges are drawn thick, with their labels on top.
        self.highlights, self.label_copies = {}, {}
        for key, edge in diagram.edges.items():
            (x0, x1), (y0, y1) = edge.get_xdata(), edge.get_ydata()
            (self.highlights[key],) = ax.plot([x0 + 0.2 * (x1 - x0), x1 - 0.09 * (x1 - x0)],
                                              [y0 + 0.2 * (y1 - y0), y1 - 0.09 * (y1 - y0)], lw=2.6, zorder=2)
            label = diagram.edge_labels[key]
            self.label_copies[key] = ax.text(*label.get_position(), label.get_text(), fontsize=8, ha="center",
                                             va="center", zorder=4,
                                             bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
        self.code_cursor = self._draw_code(code_ax)
        moving = [*self.highlights.values(), *self.label_copies.values(), *self.texts.values(), self.code_cursor]
        control = slider("step", 0, len(self.ops), 1, whole=True, width="300px")
        back, forward = widgets.Button(description="◀ back"), widgets.Button(description="next ▶")
        back.on_click(lambda _: self._control_moved("step", max(0, self.values["step"] - 1)))
        forward.on_click(lambda _: self.next())
        self.guess = GuessBox()
        super().__init__(figure, {"step": control}, moving, start={"step": 0},
                         rows=[[back, forward, control], [self.guess.text]])
        for every in range(1, len(self.ops) + 1):  # each step drawn now, so that none waits when visited
            self.update(step=every)
        self.update(step=step)

    def asked(self, step):
        """What step `step` shows and the guess box asks for: the first entry of its line's value, the one the
        status line works out, named with its line; None past the last step."""
        if not 1 <= step <= len(self.ops):
            return None
        op = self.ops[step - 1]
        return f"{GUESSED[op.name]} (line {step})", float(np.ravel(op.value)[0])

    def _write_what_is_known(self, split):
        """Before step 1: the house's inputs, its actual price, and the network's weights and biases."""
        d, p = self.diagram, self.params
        raw = split.x_scaler.unscale(self.X)[0]
        for i, feature in enumerate(split.features):
            d.write(("x", i), -1, f"x{i} = {num(self.X[0, i])}", color=FORWARD_COLOUR)
            d.write(("x", i), -2, raw_text(raw[i], UNITS.get(feature, "")), color=GREY)
        for (name, i, j), label in d.edge_labels.items():
            label.set_text(f"{label.get_text()} = {num(p[name][i, j])}")
        for j in range(len(p["b1"])):
            d.write(("h", j), 3, f"b1 = {num(p['b1'][j])}", color=GREY)
        d.write(("out", 0), 1, f"b2 = {num(p['b2'][0])}", color=GREY)
        d.names[("out", 0)].set_text("")
        d.write(("out", 0), 2.5, "price", beside=True, weight="bold")
        price = split.dollars(self.y)[0, 0]
        d.write(("out", 0), 1.5, f"actual y = {num(self.y[0, 0])} (${price:,.0f})", beside=True, color=GREY)

    def _draw_code(self, ax):
        """The lines of code in two columns; returns the cursor, a copy of the current line drawn over it."""
        self.code_places = []
        for k, op in enumerate(self.ops):
            column, row = (0.5, k - 4) if op.is_gradient else (0.0, k)
            if row == 0:
                ax.text(column, 0.97, "backward" if op.is_gradient else "forward", fontsize=9, weight="bold",
                        color=BACKWARD_COLOUR if op.is_gradient else FORWARD_COLOUR, va="center")
            self.code_places.append((column, 0.84 - 0.12 * row))
            ax.text(column, 0.84 - 0.12 * row, self._code(k), family="monospace", fontsize=8, va="center")
        ax.set(xlim=(0, 1), ylim=(0, 1))
        return ax.text(0, 0, "", family="monospace", fontsize=8, va="center", weight="bold",
                       bbox=dict(boxstyle="round,pad=0.2", fc=FRESH, ec="none"))

    def _code(self, k):
        return f"{k + 1:>2}  {self.ops[k].code}"

    def draw(self, step):
        for k, op in enumerate(self.ops):
            done, current = k < step, k == step - 1
            colour = BACKWARD_COLOUR if op.is_gradient else FORWARD_COLOUR
            for index in np.ndindex(np.shape(op.value)):
                text = self.texts[(op.name, *index)]
                text.set_text(SLOTS[op.name][2].format(self._value_text(op, index)) if done else "")
                text.set_visible(done)
                text.set(color=colour, weight="bold" if current else "normal")
                text.get_bbox_patch().set_facecolor(FRESH if current else "white")
        self.guess.ask((self.asked(step + 1) or (None,))[0])
        self.code_cursor.set_text(self._code(step - 1) if step else "")
        self.code_cursor.set_position(self.code_places[step - 1] if step else (0, 0))
        current = self.ops[step - 1] if step else None
        used = EDGES_USED.get(current.name) if current else None
        for key, highlight in self.highlights.items():
            highlight.set_visible(key[0] == used)
            self.label_copies[key].set_visible(key[0] == used)
            highlight.set_color(BACKWARD_COLOUR if current is not None and current.is_gradient else FORWARD_COLOUR)
        return self._explain(step)

    def _value_text(self, op, index):
        value = op.value[index]
        if op.name == "prediction":
            return f"{num(value)} ({usd(self.split.dollars(op.value)[index])})"
        return num(value)

    def _explain(self, step):
        price = self.split.dollars(self.y)[0, 0]
        if step == 0:
            raw = self.split.x_scaler.unscale(self.X)[0]
            house = " and ".join(raw_text(value, UNITS.get(feature, ""))
                                 for value, feature in zip(raw, self.split.features))
            return (f"<b>Step 0 of {len(self.ops)}:</b> a house of {house} sold for ${price:,.0f}. "
                    "Its inputs (standardised) and the network's weights are on the diagram. Press next ▶.")
        op = self.ops[step - 1]
        v = {o.name: o.value for o in self.ops}
        x, p, y = self.X[0], self.params, self.y[0, 0]
        h, dp = v["hidden"][0], v["d_prediction"][0, 0]
        words = {
            "z": "Each hidden unit adds up its weighted inputs and its bias: z<sub>0</sub> = "
                 + " + ".join(f"({num(x[i])})({num(p['W1'][i, 0])})" for i in range(len(x)))
                 + f" + {num(p['b1'][0])} = {num(v['z'][0, 0])}.",
            "hidden": f"The sigmoid squashes each sum into (0, 1): h<sub>0</sub> = σ({num(v['z'][0, 0])}) "
                      f"= {num(h[0])}.",
            "prediction": "The output adds up the hidden outputs times their weights, plus b2: ŷ = "
                          + " + ".join(f"({num(h[j])})({num(p['W2'][j, 0])})" for j in range(len(h)))
                          + f" + {num(p['b2'][0])} = {num(v['prediction'][0, 0])}, "
                          f"that is {usd(self.split.dollars(v['prediction'])[0, 0])}.",
            "E": f"The error of this house: E = (ŷ − y)² = ({num(v['prediction'][0, 0])} − ({num(y)}))² = "
                 f"{num(v['E'])}. In dollars the prediction is off by "
                 f"{signed_dollars(round(float(self.split.dollars(v['prediction'])[0, 0] - price), -2))}.",
            "d_prediction": f"Backward starts at the error: ∂E/∂ŷ = 2(ŷ − y) = {num(dp)}. "
                            + ("Positive: ŷ is too high, so whatever raised it shares the blame."
                               if dp > 0 else "Negative: ŷ is too low, so whatever lowered it shares the blame."),
            "d_W2": "w2<sub>j0</sub> multiplied h<sub>j</sub> on its way to ŷ, so ∂E/∂w2<sub>j0</sub> = "
                    f"h<sub>j</sub> · ∂E/∂ŷ: ∂E/∂w2<sub>00</sub> = {num(h[0])} × {num(dp)} = "
                    f"{num(v['d_W2'][0, 0])}.",
            "d_b2": f"b2 is added straight to ŷ, so ∂E/∂b2 = ∂E/∂ŷ = {num(v['d_b2'][0])}.",
            "d_hidden": "The error signal is shared back through the same weights: "
                        f"∂E/∂h<sub>j</sub> = ∂E/∂ŷ · w2<sub>j0</sub>, so ∂E/∂h<sub>0</sub> = {num(dp)} × "
                        f"{num(p['W2'][0, 0])} = {num(v['d_hidden'][0, 0])}. "
                        "A negative w2 flips the sign of the blame.",
            "d_z": "Back through the sigmoid: multiply by its slope h(1 − h): ∂E/∂z<sub>0</sub> = "
                   f"{num(v['d_hidden'][0, 0])} × {num(h[0])} × (1 − {num(h[0])}) = {num(v['d_z'][0, 0])}.",
            "d_W1": "w1<sub>ij</sub> multiplied x<sub>i</sub> on its way into z<sub>j</sub>, so "
                    "∂E/∂w1<sub>ij</sub> = x<sub>i</sub> · ∂E/∂z<sub>j</sub>: "
                    f"∂E/∂w1<sub>00</sub> = ({num(x[0])}) × ({num(v['d_z'][0, 0])}) = {num(v['d_W1'][0, 0])}.",
            "d_b1": "b1<sub>j</sub> is added straight to z<sub>j</sub>, so ∂E/∂b1<sub>j</sub> = ∂E/∂z<sub>j</sub>. "
                    "Every weight now has its gradient; one training step moves each against it: "
                    "w ← w − α · ∂E/∂w.",
        }
        part = "backward" if op.is_gradient else "forward"
        return f"<b>Step {step} of {len(self.ops)}, {part}:</b> <code>{op.code}</code>. {words[op.name]}"


def largest_weight_gradient(grads):
    """The largest size of any entry of the W1 and W2 gradients (the dashboard colours its gradient edges
    on this scale)."""
    return float(max(np.abs(grads["W1"]).max(), np.abs(grads["W2"]).max()))


_AHEAD = {}  # (the data, max_epochs) -> its runs, shared by every dashboard on the same houses


def _runs_ahead(split, max_epochs, alpha, hidden, max_hidden):
    """Every (α, hidden units) run, trained ahead in a second process: the hidden units shown first, the
    nearest α first, then the other numbers of hidden units outwards."""
    data = hashlib.sha256(np.ascontiguousarray(split.X_train).tobytes() + split.y_train.tobytes()).hexdigest()
    if (data, max_epochs) not in _AHEAD:
        alphas = sorted(TrainingDashboard.ALPHAS, key=lambda a: abs(np.log(a / alpha)))
        hiddens = sorted(range(1, max_hidden + 1), key=lambda h: abs(h - hidden))
        settings = [(a, h) for h in hiddens for a in alphas][1:]  # the first is trained here, for the first picture
        _AHEAD[(data, max_epochs)] = Ahead(functools.partial(network.train_setting, split, max_epochs), settings)
    return _AHEAD[(data, max_epochs)]


class TrainingDashboard(Explorer):
    """Train the network on the Ames houses: pick α, the number of hidden units and the epochs, and see the
    training and test error, the test houses' predicted and actual prices, and the weights on the diagram.
    Each (α, hidden units) run is trained once for `max_epochs` and kept with every epoch's parameters, so
    moving the epochs slider only redraws. line_rmse and plane_rmse, if given, are the test errors of the best
    single-feature line and of the best plane on the same inputs, drawn across the error chart for comparison.
    Introduced in 05_backpropagation."""

    ALPHAS = (0.01, 0.03, 0.1, 0.3, 0.8, 1.0, 3.0)
    TOP = 160_000  # dollars: the top of the error and price axes

    def __init__(self, split, alpha=0.3, hidden=3, epochs=1000, max_epochs=1000, max_hidden=8, edges="weights",
                 line_rmse=None, plane_rmse=None):
        self.split, self.max_epochs = split, max_epochs
        self.ahead = _runs_ahead(split, max_epochs, alpha, hidden, max_hidden)
        self.std = float(split.y_scaler.std[0])  # a loss (MSE of standardised prices) L is sqrt(L) * std dollars
        figure, (loss_ax, price_ax, net_ax) = new_figure(ncols=3, width=9.5, height=3.6)
        loss_ax.set_position([0.085, 0.15, 0.25, 0.72])
        price_ax.set_position([0.425, 0.15, 0.22, 0.72])
        net_ax.set_position([0.655, 0.0, 0.345, 0.87])
        now = dict(marker="o", markevery=[-1], ms=4)  # a dot at the epoch shown
        (self.train_line,) = loss_ax.plot([0], [0], color=BLUE, lw=2, label="training houses", **now)
        (self.test_line,) = loss_ax.plot([0], [0], color=ORANGE, lw=2, label="test houses", **now)
        if line_rmse is not None:
            loss_ax.axhline(line_rmse, color=GREY, ls="--", lw=1, label="best single-feature line, test")
        if plane_rmse is not None:  # the best model without a hidden layer, on the same inputs
            loss_ax.axhline(plane_rmse, color=PURPLE, ls="-.", lw=1.5, label="best plane, same inputs, test")
        loss_ax.set(xlim=padded(0, max_epochs),  # the dot at epoch 0 drawn whole
                    ylim=(0, self.TOP), xlabel="epoch", ylabel="RMSE ($)",
                    title="Error while training")
        dollar_axis(loss_ax.yaxis)
        loss_ax.legend(loc="upper right", fontsize=7)
        self.warning = loss_ax.text(0.5, 0.5, "", transform=loss_ax.transAxes, color=ink(RED), fontsize=9,
                                    weight="bold", ha="center", va="center")
        self.actual = split.dollars(split.y_test)[:, 0]
        self.dots = plot_predicted_vs_actual(price_ax, self.actual, self.actual)
        top = self.actual.max() * 1.05
        price_ax.set(xlim=(0, top), ylim=(0, top))
        price_ax.set(xticks=np.arange(0, top, 200_000), yticks=np.arange(0, top, 200_000))
        price_ax.set_title("Test houses: predicted and actual price", fontsize=10)
        names = [FEATURE_NAMES.get(feature, feature) for feature in split.features]
        self.diagrams = {h: NetworkDiagram(net_ax, names, h, edge_labels=False) for h in range(1, max_hidden + 1)}
        net_ax.set_xlim(-1.05, 2.6)
        self.net_title = net_ax.set_title("", fontsize=9)  # says what the edges show: see _show
        # What changes with α and the epochs; the diagram of the hidden units shown is in the background.
        self.common = [self.train_line, self.test_line, self.dots, self.warning]
        moving = self.common + [artist for diagram in self.diagrams.values() for artist in self._over_edges(diagram)]
        self.shown = None  # (hidden units, edges) of the diagram shown: each has a background of its own
        controls = {
            "alpha": choice_slider("α", self.ALPHAS, follow=False, width=None),
            "hidden": slider("hidden units", 1, max_hidden, 1, whole=True, follow=False, width=None),
            "epochs": slider("epochs", 0, max_epochs, 10, whole=True),
            "edges": widgets.ToggleButtons(options=["weights", "gradients"], description="edges",
                                           style={"button_width": "90px", "description_width": "50px"}),
        }
        c = controls  # two rows of controls, so they fit a narrow notebook too
        super().__init__(figure, controls, moving, start=dict(alpha=alpha, hidden=hidden, epochs=epochs, edges=edges),
                         rows=[[c["alpha"], c["hidden"]], [c["epochs"], c["edges"]]])
        self._draw_every_background()

    @staticmethod
    def _over_edges(diagram):
        """The diagram's edges, which move, and its nodes and their labels, drawn again over the edges so that
        a thick edge never covers them."""
        return [*diagram.edges.values(), *diagram.nodes.values(), *diagram.node_labels.values()]

    def _show(self, hidden, edges):
        """Show the diagram with this many hidden units, and say what its edges show."""
        if (hidden, edges) != self.shown:
            for h, diagram in self.diagrams.items():
                diagram.set_visible(h == hidden)
            self.net_title.set_text("Weights: red +, blue −, thicker = bigger" if edges == "weights" else
                                    "Gradient sizes, one colour scale\nfor all epochs (numbers below)")
            self.shown = (hidden, edges)

    def background_key(self):
        return self.shown

    def _draw_every_background(self):
        """Draw every background now (each diagram, each kind of edge), so no first visit waits for one."""
        shown = self.shown
        for hidden in self.diagrams:
            for edges in self.controls["edges"].options:
                self._show(hidden, edges)
                self._render()
        self._show(*shown)

    def run(self, alpha, hidden):
        """The training run for these settings: trained ahead in a second process, or here if not ready."""
        return self.ahead.get((alpha, hidden))

    def gradient_scale(self, alpha, hidden):
        """The colour scale of the gradient edges: the largest weight gradient of the untrained network
        (epoch 0), the same for every epoch of a run, so that the edges fade as the gradients shrink.
        (Larger gradients later, as when α is too large, get the full colour too.)"""
        first = self.run(alpha, hidden).snapshots[0]
        return largest_weight_gradient(network.backward(self.split.X_train, self.split.y_train, **first))

    def draw(self, alpha, hidden, epochs, edges):
        run = self.run(alpha, hidden)
        last = min(epochs, len(run.train_losses) - 1)  # a diverged run stopped early
        params = run.snapshots[last]
        for line, losses in ((self.train_line, run.train_losses), (self.test_line, run.test_losses)):
            in_dollars = np.sqrt(losses[:last + 1]) * self.std
            line.set_data(np.arange(last + 1), np.minimum(in_dollars, 1e9))  # capped: still drawable
        predicted = self.split.dollars(network.forward(self.split.X_test, **params)[1])[:, 0]
        self.dots.set_offsets(np.column_stack([self.actual, np.clip(predicted, -1e9, 1e9)]))
        rmse = float(np.sqrt(run.test_losses[last])) * self.std
        off_chart = rmse > self.TOP
        self._show(hidden, edges)
        self.moving = sorted(self.common + self._over_edges(self.diagrams[hidden]), key=lambda a: a.zorder)
        status = self._describe(run, epochs, last, rmse, alpha, hidden, off_chart)
        if edges == "weights":
            self.diagrams[hidden].color_edges(params, scale=3.0)
            return status
        grads = network.backward(self.split.X_train, self.split.y_train, **params)
        scale = self.gradient_scale(alpha, hidden)
        self.diagrams[hidden].color_edges(grads, scale=scale, signed=False, cmap="Reds")
        return (f"{status} Edges: full colour is {scale:.2g}, the largest weight gradient at epoch 0; now the "
                f"largest is {largest_weight_gradient(grads):.2g}.")

    def _describe(self, run, epochs, last, rmse, alpha, hidden, off_chart):
        diverged = run.diverged_at is not None and run.diverged_at <= epochs
        regime = classify_run(run.train_losses[:last + 1]) if last > 0 else "untrained"
        settings = f"α = {alpha:g}, {hidden} hidden unit{'s' * (hidden > 1)}, {epochs} epochs"
        error = "off the chart" if off_chart else usd(rmse)
        if diverged:
            self.warning.set_text(f"diverged at epoch {run.diverged_at}:\nthe error blew up")
            return (f"{settings}: <b>diverged at epoch {run.diverged_at}</b>: the loss blew up, so training "
                    f"stopped there (showing epoch {last}). Try a smaller α.")
        self.warning.set_text("" if regime != "diverging" else
                              "diverging: the error went up" + ("\nand off the chart" if off_chart else ""))
        if regime == "diverging":
            return f"{settings}: <b>diverging</b>: the loss ended higher than it started. Try a smaller α."
        if regime == "untrained":
            return f"{settings}: the untrained network. Test error <b>{error}</b>. Move the epochs slider."
        return f"{settings}: <b>{regime}</b>. Test error (RMSE) <b>{error}</b>."
