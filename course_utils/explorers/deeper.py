"""The explorers of 06_deeper: a computation as a graph of gates, walked backwards one gate at a time; the
numerical gradient timed against backprop as the network grows; and the gradient of every layer of a deep
network, at the start and after training. Introduced in 06_deeper.

    graph = GraphStepper()                    graph.update(step=3, paths_meet="add")
    speed = SpeedExplorer(split)              speed.update(width=8, depth=2)
    depth = DepthExplorer(split)              depth.update(depth=6, activation="tanh", scale=1.0)
"""
import functools
import hashlib
import time

import ipywidgets as widgets
import numpy as np

from course_utils import autodiff, deep, gradcheck
from course_utils.explorers.ahead import Ahead
from course_utils.explorers.explorer import Explorer, choice_slider, slider
from course_utils.explorers.guessing import GuessBox, GuessFirst
from course_utils.figures.common import (BACKWARD_COLOUR, BLUE, FRESH, GREY, ORANGE, RED, dollar_axis, ink, new_figure,
                                         num, powers_of_ten, usd)
from course_utils.figures.deeper import LINE_STYLES, draw_edge, draw_gate, edge_labels, layer_axis
from course_utils.linear import best_weights


# --- The graph stepper ---------------------------------------------------------------------------------------

# Where each value of one_house_graph sits: the inputs on the left and below, each gate to the right of
# the values it combines, E last.
POSITIONS = {"x": (0.0, 1.0), "w1": (0.0, 0.25), "a": (1.2, 0.62), "b1": (1.75, 0.05), "z": (2.35, 0.62),
             "h": (3.45, 0.62), "w2": (4.05, 0.05), "q": (4.65, 0.62), "b2": (5.25, 0.05), "p": (5.85, 0.62),
             "y": (6.45, 0.05), "e": (7.05, 0.62), "E": (8.35, 0.62)}
INPUT_NAMES = {"x": "x (living area)", "w1": "w1", "b1": "b1", "w2": "w2", "b2": "b2", "y": "y (price)"}


def one_house_graph(x=-0.69, y=-0.48, w1=1.5, b1=0.5, w2=2.0, b2=-1.0):
    """One house through a network with one input and one hidden unit, built from autodiff Tensors, so
    that the graph records itself: a = x·w1, z = a + b1, h = σ(z), q = h·w2, p = q + b2, e = p − y and
    E = e·e, which uses e twice. Returns E. The default house is 05's first training house, standardised.
    Introduced in 06_deeper."""
    x, y, w1, b1, w2, b2 = (autodiff.Tensor(value, name=name) for name, value in
                            dict(x=x, y=y, w1=w1, b1=b1, w2=w2, b2=b2).items())
    a = (x * w1).named("a")
    z = (a + b1).named("z")
    h = z.sigmoid().named("h")
    q = (h * w2).named("q")
    p = (q + b2).named("p")
    e = (p - y).named("e")
    return (e * e).named("E")


def walk_back(tape, values, gates, paths_meet="add"):
    """The first `gates` gates of the tape walked backwards, as autodiff.backward_tape walks it, also keeping
    what each gate sent along each of its input edges, {(gate, input position): gradient}. With
    paths_meet="overwrite" a value keeps only the last signal to reach it (a usual bug), to show what that
    costs. Returns (gradients by name, signals sent)."""
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    sent = {}
    for index in range(len(tape) - 1, len(tape) - 1 - gates, -1):
        output, grad_fn, inputs = tape[index]
        signals = grad_fn(*[values[name] for name in inputs], grads[output])
        for position, (name, signal) in enumerate(zip(inputs, signals)):
            sent[(index, position)] = float(signal)
            grads[name] = grads[name] + float(signal) if paths_meet == "add" else float(signal)
    return grads, sent


class GraphStepper(GuessFirst, Explorer):
    """One house through a network with one hidden unit, drawn as a graph of gates, as CS231n draws it:
    each edge carries its value forward (blue, above) and its gradient backward (red, below). Each step
    sends the gradient back through one gate by that gate's local rule. E = e·e uses e twice, so two
    signals reach e: with paths_meet="add" they add up, as backprop does; with "overwrite" e keeps only the
    last one, a usual bug, and every gradient before it comes out half as big as nudging says.
    Introduced in 06_deeper."""

    remember_pictures = True  # 2 × 9 pictures, each drawn once

    def __init__(self, step=0, paths_meet="add", **house):
        self.tape, self.value_of = autodiff.tape_of(one_house_graph(**house))  # every value, by name
        self.house = {name: value for name, value in self.value_of.items() if name in INPUT_NAMES}
        figure, (ax,) = new_figure(width=9.5, height=3.3)
        ax.set_position([0.0, 0.0, 1.0, 0.92])
        ax.set(xlim=(-0.7, 9.45), ylim=(-0.12, 1.12))
        ax.axis("off")
        ax.set_title("One house, one hidden unit, as a graph of gates: values forward (blue, above each edge), "
                     "gradients back (red, below)", fontsize=10)
        self._draw(ax)
        controls = {"step": slider("step", 0, len(self.tape) + 1, 1, whole=True, width="300px"),
                    "paths_meet": widgets.ToggleButtons(options=["add", "overwrite"], description="where paths meet",
                                                        style={"button_width": "80px", "description_width": "initial"})}
        back, forward = widgets.Button(description="◀ back"), widgets.Button(description="next ▶")
        last = len(self.tape) + 1
        back.on_click(lambda _: self._control_moved("step", max(0, self.values["step"] - 1)))
        forward.on_click(lambda _: self.next())
        self.guess = GuessBox()
        self.every_moving = [*self.gradient_texts.values(), *self.highlights.values(), *self.gate_rings.values(),
                             self.meeting, self.start_label, self.mode]
        super().__init__(figure, controls, self.every_moving, start={"step": 0, "paths_meet": "add"},
                         rows=[[back, forward, controls["step"]], [self.guess.text, controls["paths_meet"]]])
        for meet in ("add", "overwrite"):  # every picture drawn now, so that none waits when visited
            for every in range(last + 1):
                self.update(step=every, paths_meet=meet)
        self.update(step=step, paths_meet=paths_meet)

    def _draw(self, ax):
        """The gates, the inputs, every edge with its value written above; empty texts for the gradients."""
        self.gradient_texts, self.highlights, self.gate_rings = {}, {}, {}
        for name, label in INPUT_NAMES.items():
            ax.text(*POSITIONS[name], label, ha="center", va="center", fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.25", fc="#f2f2f2", ec=GREY))
        for index, (output, grad_fn, inputs) in enumerate(self.tape):
            draw_gate(ax, POSITIONS[output], autodiff.operation_of(grad_fn).symbol)
            (self.gate_rings[index],) = ax.plot(*POSITIONS[output], "o", ms=21, mfc="none", mec=BACKWARD_COLOUR,
                                                mew=2.5, zorder=4)
            twice = len(set(inputs)) < len(inputs)  # e · e: two edges from one value, bent apart
            for position, name in enumerate(inputs):
                bend = (0.3 if position == 0 else -0.3) if twice else 0.0
                _, middle = draw_edge(ax, POSITIONS[name], POSITIONS[output], bend)
                highlight, _ = draw_edge(ax, POSITIONS[name], POSITIONS[output], bend, colour=BACKWARD_COLOUR)
                highlight.set_linewidth(2.6)
                self.highlights[(index, position)] = highlight
                value, gradient = edge_labels(ax, middle, above=0.05, below=0.05)
                if name in INPUT_NAMES:  # a slanted edge from an input: value on its left, gradient on its right
                    value.set(x=middle[0] - 0.1, y=middle[1], ha="right", va="center")
                    gradient.set(x=middle[0] + 0.1, y=middle[1], ha="left", va="center")
                elif twice:  # the two arcs: one value between them, each gradient outside its own arc
                    lower = middle[1] < POSITIONS[output][1]
                    gradient.set(y=middle[1] + (-0.04 if lower else 0.04), va="top" if lower else "bottom")
                    value.set(y=POSITIONS[output][1], va="center", x=middle[0] - 0.05)
                text = num(self.value_of[name]) if name in INPUT_NAMES else f"{name} = {num(self.value_of[name])}"
                value.set_text(text if not (twice and position == 1) else "")
                self.gradient_texts[(index, position)] = gradient
        E = POSITIONS["E"]
        draw_edge(ax, E, (E[0] + 0.85, E[1]))
        ax.text(E[0] + 0.5, E[1] + 0.05, f"E = {num(self.value_of['E'])}", ha="center", va="bottom", fontsize=8.5,
                color=BLUE)
        self.start_label = ax.text(E[0] + 0.5, E[1] - 0.05, "", ha="center", va="top", fontsize=8.5,
                                   color=BACKWARD_COLOUR, bbox=dict(boxstyle="round,pad=0.12", fc=FRESH, ec="none"))
        e = POSITIONS["e"]
        self.meeting = ax.text((e[0] + E[0]) / 2, e[1] + 0.27, "", ha="center", va="bottom", fontsize=8.5,
                               color=BACKWARD_COLOUR, bbox=dict(boxstyle="round,pad=0.2", fc=FRESH, ec="none"))
        self.mode = ax.text(9.4, -0.1, "", ha="right", va="bottom", fontsize=8.5)  # which way paths meet, always

    def asked(self, step, paths_meet=None):
        """The value step `step` shows and the guess box asks for: ∂E/∂E, then, once a gate has sent its
        signals, the gradient of its weight if it has one, else of its first input (e's, after E = e · e,
        is the sum of two). Returns (its name, its value), or None past the last step. paths_meet: the
        explorer's own unless given."""
        paths_meet = paths_meet or self.values["paths_meet"]
        if step == 1:
            return "∂E/∂E", 1.0
        if not 1 < step <= len(self.tape) + 1:
            return None
        grads, _ = walk_back(self.tape, self.value_of, step - 1, paths_meet)
        inputs = self.tape[len(self.tape) - (step - 1)][2]
        name = next((name for name in inputs if name.startswith("w")), inputs[0])
        return f"∂E/∂{name}" + (" with the bug" if paths_meet == "overwrite" else ""), grads[name]

    def draw(self, step, paths_meet):
        asked = self.asked(step + 1, paths_meet)
        self.guess.ask(asked[0] if asked else None)
        gates = max(0, step - 1)
        grads, sent = walk_back(self.tape, self.value_of, gates, paths_meet)
        current = len(self.tape) - gates  # the gate this step went through, if any
        for (index, position), text in self.gradient_texts.items():
            done = (index, position) in sent
            text.set_text(num(sent[(index, position)]) if done else "")
            text.get_bbox_patch().set_facecolor(FRESH if done and index == current else "none")
            self.highlights[(index, position)].set_visible(done and index == current)
        for index, ring in self.gate_rings.items():
            ring.set_visible(gates > 0 and index == current)
        self.start_label.set_text("∂E/∂E = 1" if step >= 1 else "")
        self.start_label.get_bbox_patch().set_facecolor(FRESH if step == 1 else "none")
        self._write_meeting(sent, grads, paths_meet)
        self.mode.set_text("where paths meet, the signals add" if paths_meet == "add" else
                           "where paths meet, the last signal overwrites the others (a bug)")
        self.mode.set_color(GREY if paths_meet == "add" else BACKWARD_COLOUR)
        # Only what shows this time is drawn over the background: most arrows are hidden, most texts empty.
        self.moving = [artist for artist in sorted(self.every_moving, key=lambda a: a.get_zorder())
                       if artist.get_visible() and getattr(artist, "get_text", lambda: "x")()]
        return self._describe(step, gates, current, grads, sent, paths_meet)

    def _write_meeting(self, sent, grads, paths_meet):
        """Above e, once E's gate has sent its two signals: what e makes of them."""
        last = len(self.tape) - 1
        if (last, 0) not in sent:
            self.meeting.set_text("")
            self.meeting.get_bbox_patch().set_facecolor("none")
            return
        first, second = sent[(last, 0)], sent[(last, 1)]
        if paths_meet == "add":
            self.meeting.set_text(f"two paths meet at e: ∂E/∂e = {num(first)} + {num(second)} = {num(grads['e'])}")
        else:
            self.meeting.set_text(f"e overwritten: ∂E/∂e = {num(grads['e'])}, not {num(first + second)}")
        self.meeting.get_bbox_patch().set_facecolor(FRESH)

    def _describe(self, step, gates, current, grads, sent, paths_meet):
        total = len(self.tape) + 1
        if step == 0:
            return (f"Step 0 of {total}: the forward pass has run, and every edge carries its value. This house "
                    f"is priced too high: e = {num(self.value_of['e'])}, so E = e · e = {num(self.value_of['E'])}. "
                    "Press next ▶ to send the gradient back.")
        if step == 1:
            return f"Step 1 of {total}: start at the end. E changes one for one with itself: <b>∂E/∂E = 1</b>."
        output, grad_fn, inputs = self.tape[current]
        d_out = num(grads[output])  # what arrived at this gate's output
        operation = autodiff.operation_of(grad_fn)
        rule = self._rule(operation, inputs, d_out, [sent[(current, k)] for k in range(len(inputs))])
        text = f"Step {step} of {total}: <b>{output}</b>, its gate {operation.symbol}. {rule}"
        if step == total:
            text += " " + self._verdict(grads)
        return text

    def _rule(self, operation, inputs, d_out, signals):
        """The gate's local rule, in words and numbers."""
        a = inputs[0]
        if operation is autodiff.MULTIPLY:
            b = inputs[1]
            if a == b:
                return (f"Multiply swaps its inputs: each gets the other times the signal, {num(self.value_of[a])} "
                        f"× {d_out} = {num(signals[0])}, and both inputs are {a}.")
            return (f"Multiply swaps its inputs: {a} gets {b} × {d_out} = {num(signals[0])}, and {b} gets "
                    f"{a} × {d_out} = {num(signals[1])}.")
        if operation is autodiff.ADD:
            return f"Add passes the signal on unchanged to both inputs: {a} and {inputs[1]} get {d_out}."
        if operation is autodiff.SUBTRACT:
            return (f"Subtract passes the signal on unchanged to {a}, {d_out}, and with its sign flipped to "
                    f"{inputs[1]}, {num(signals[1])}.")
        h = self.value_of["h"]
        return (f"The sigmoid multiplies the signal by its slope, h (1 − h) = {num(h * (1 - h))}: {a} gets "
                f"{d_out} × {num(h * (1 - h))} = {num(signals[0])}.")

    def _verdict(self, grads):
        """At the last step: backprop's gradient of w1 against nudging w1."""
        numerical = self.numerical_gradient("w1")
        if np.isclose(grads["w1"], numerical, rtol=1e-6):
            return (f"Done: backprop's ∂E/∂w1 = <b>{num(grads['w1'])}</b>, and nudging w1 gives "
                    f"{num(numerical)} too.")
        return (f"Done, but wrong: backprop's ∂E/∂w1 = <b>{num(grads['w1'])}</b>, while nudging w1 gives "
                f"<b>{num(numerical)}</b>, twice as much: e kept one of its two signals.")

    def numerical_gradient(self, name, h=1e-6):
        """dE/d(an input of the graph), by nudging it both ways (03's central difference)."""
        def E(value):
            return float(one_house_graph(**{**self.house, name: value}).data)
        return gradcheck.numerical_derivative(E, self.house[name], h)



# --- Why backprop is fast: the numerical gradient timed against it -------------------------------------------

def typical_time(task, rounds=3, round_seconds=0.005, enough=0.05):
    """Seconds one run of task() takes: in each round as many runs as fill round_seconds (at least one), and
    the round least disturbed by other work on the machine counts. A slow task, one that has taken `enough`
    seconds, gets fewer rounds: one long run already averages over whatever else the machine is doing."""
    best, spent = float("inf"), 0.0
    for _ in range(rounds):
        runs, start = 0, time.perf_counter()
        while runs == 0 or time.perf_counter() - start < round_seconds:
            task()
            runs += 1
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed / runs), spent + elapsed
        if spent > enough:
            break
    return best


def time_gradients(X, y, params):
    """Seconds to get every gradient of the network (i) numerically, nudging each parameter both ways (two
    forward passes each, 03's numerical_gradient), and (ii) by backprop, deep.backward_layers. Used by
    SpeedExplorer."""
    def numerical():
        for name, value in params.items():
            gradcheck.numerical_gradient(lambda nudged, name=name: deep.loss(X, y, {**params, name: nudged}), value)
    return typical_time(numerical), typical_time(lambda: deep.backward_layers(X, y, params))


def parameter_count(params):
    """How many numbers the network has to learn: the entries of every weight and bias."""
    return sum(np.size(value) for value in params.values())


class SpeedExplorer(Explorer):
    """Every gradient of a network of `depth` hidden layers of `width` sigmoid units, on a few training houses:
    measured numerically (two forward passes per parameter) and by backprop, for every width and depth on
    the sliders. All are timed once, live, when the explorer is made (about a second); the sliders then show
    them. Left: both times against the number of parameters, on log scales. Right: how many times faster
    backprop was. Introduced in 06_deeper."""

    remember_pictures = True  # the timings stay as measured: each picture is drawn once
    WIDTHS, DEPTHS = (1, 2, 4, 8, 16), (1, 2, 3)

    def __init__(self, split, houses=100, width=4, depth=1):
        X, y = split.X_train[:houses], split.y_train[:houses]
        self.houses = houses
        self.measured = {}  # (width, depth) -> (parameters, numerical seconds, backprop seconds)
        for d in self.DEPTHS:
            for w in self.WIDTHS:
                params = deep.init_layers([X.shape[1]] + [w] * d + [1])
                self.measured[(w, d)] = (parameter_count(params), *time_gradients(X, y, params))
        figure, (left, right) = new_figure(2, height=3.4)
        self.lines, self.dots = {}, {}
        counts = np.array([m[0] for m in self.measured.values()])
        times = np.array([m[1:] for m in self.measured.values()]) * 1000
        for ax in (left, right):
            ax.set(xscale="log", yscale="log", xlabel="parameters (weights and biases) of the network")
            ax.set_xlim(counts.min() / 1.6, counts.max() * 1.6)
            powers_of_ten(ax.xaxis)
            powers_of_ten(ax.yaxis)
        for column, (key, colour, label) in enumerate([("numerical", ORANGE, "numerical: 2 forward passes a "
                                                        "parameter"), ("backprop", BLUE, "backprop")]):
            left.plot(counts, times[:, column], "o", color=colour, alpha=0.25, ms=4)
            (self.lines[key],) = left.plot([], [], "-", color=colour, lw=2, label=label)
            (self.dots[key],) = left.plot([], [], "o", color=colour, ms=9, mec="black")
        left.set(ylim=(times.min() / 2, times.max() * 2), ylabel="time (ms)",
                 title="Time to get every gradient once")
        left.legend(loc="upper left", fontsize=8)
        ratios = times[:, 0] / times[:, 1]
        right.plot(counts, ratios, "o", color=GREY, alpha=0.35, ms=4)
        guide = np.array([counts.min(), counts.max()])
        anchor = np.median(ratios / counts)  # a line of slope 1 through the middle of the points
        right.plot(guide, anchor * guide, "--", color=GREY, lw=1, label="in proportion to the parameters")
        (self.lines["ratio"],) = right.plot([], [], "-", color=RED, lw=2, label="numerical time / backprop time")
        (self.dots["ratio"],) = right.plot([], [], "o", color=RED, ms=9, mec="black")
        right.set(ylim=(min(ratios.min(), anchor * guide[0]) / 2, max(ratios.max(), anchor * guide[1]) * 2),
                  ylabel="backprop is this many times faster", title="How many times faster backprop is")
        right.legend(loc="upper left", fontsize=8)
        controls = {"width": choice_slider("units per layer", self.WIDTHS, width=None),
                    "depth": slider("hidden layers", self.DEPTHS[0], self.DEPTHS[-1], 1, whole=True, width=None)}
        super().__init__(figure, controls, [*self.lines.values(), *self.dots.values()],
                         start={"width": width, "depth": depth})

    def draw(self, width, depth):
        row = [self.measured[(w, depth)] for w in self.WIDTHS]  # this depth, every width
        counts = [m[0] for m in row]
        for key, column in (("numerical", 1), ("backprop", 2)):
            self.lines[key].set_data(counts, [m[column] * 1000 for m in row])
        self.lines["ratio"].set_data(counts, [m[1] / m[2] for m in row])
        count, numerical, backprop = self.measured[(width, depth)]
        self.dots["numerical"].set_data([count], [numerical * 1000])
        self.dots["backprop"].set_data([count], [backprop * 1000])
        self.dots["ratio"].set_data([count], [numerical / backprop])
        return (f"{self._network(width, depth)}: {count:,} parameters. The numerical gradient made "
                f"{2 * count:,} forward passes and took {_ms(numerical)}; backprop took {_ms(backprop)}, "
                f"<b>{numerical / backprop:,.0f}× faster</b>, on this machine, this time.")

    def _network(self, width, depth):
        return f"{depth} hidden layer{'s' * (depth > 1)} of {width} unit{'s' * (width > 1)}"

    def __repr__(self):
        # Timings differ on every run, so the text stored in the notebook says what is measured, not the numbers.
        width, depth = self.values["width"], self.values["depth"]
        count = self.measured[(width, depth)][0]
        return (f"SpeedExplorer: {self._network(width, depth)}, {count:,} parameters, on {self.houses} houses: "
                f"the numerical gradient ({2 * count:,} forward passes) against backprop. Run the cell to "
                "measure on your machine.")


def _ms(seconds):
    """A time in milliseconds, to 2 significant digits: 0.12 ms, 17 ms, 1,200 ms."""
    return f"{float(f'{seconds * 1000:.2g}'):,g} ms"


# --- Depth and the vanishing gradient ------------------------------------------------------------------------

_AHEAD = {}  # (the houses, width, epochs) -> the studies, shared by every depth explorer on the same houses


def _studies_ahead(X, y, first, settings):
    """Every setting's DepthStudy, worked out ahead in a second process, the first setting's neighbours first."""
    data = hashlib.sha256(np.ascontiguousarray(X).tobytes() + y.tobytes()).hexdigest()
    if data not in _AHEAD:
        depth, activation, scale = first
        order = sorted(settings, key=lambda s: (s[1] != activation, s[2] != scale, abs(s[0] - depth)))
        _AHEAD[data] = Ahead(functools.partial(deep.study_depth, X, y), order[1:])  # the first: made here
    return _AHEAD[data]


class DepthExplorer(Explorer):
    """A network of 1 to 8 hidden layers of 8 units, on 128 training houses: pick the depth, the activation
    and the scale of the starting weights (each drawn with standard deviation scale / √(the layer's
    inputs)). Left: each layer's gradient size at the start and after 100 steps of training. Middle: what
    each step down the layers multiplies the error signal by, through the weights and through the
    activation's slopes. Right: the training error. Every setting is worked out ahead in a second process.
    Introduced in 06_deeper."""

    DEPTHS, SCALES = range(1, 9), (0.5, 1.0, 1.41, 2.0)
    TOP = 150_000  # dollars: the top of the error chart

    def __init__(self, split, houses=128, depth=4, activation="sigmoid", scale=1.0):
        self.X, self.y = split.X_train[:houses], split.y_train[:houses]
        self.std, self.houses = float(split.y_scaler.std[0]), houses
        w, b = best_weights(self.X, self.y[:, 0])  # the best model without a hidden layer, for comparison
        self.plane_rmse = float(np.sqrt(np.mean((self.X @ w + b - self.y[:, 0]) ** 2))) * self.std
        settings = [(d, a, s) for d in self.DEPTHS for a in deep.ACTIVATIONS for s in self.SCALES]
        self.ahead = _studies_ahead(self.X, self.y, (depth, activation, scale), settings)
        figure, (sizes_ax, factors_ax, loss_ax) = new_figure(3, width=9.5, height=3.6)
        figure.subplots_adjust(left=0.075, right=0.985, wspace=0.42, bottom=0.15, top=0.86)
        top = len(self.DEPTHS) + 1
        layer_axis(sizes_ax, top, "layer (the last: the output)")
        sizes_ax.set(yscale="log", ylim=(1e-10, 1e3), ylabel="rms of dE/dW in the layer",
                     title="Each layer's gradient size")
        powers_of_ten(sizes_ax.yaxis, every=2)
        (self.start_line,) = sizes_ax.plot([], [], label="at the start", **LINE_STYLES["start"])
        (self.trained_line,) = sizes_ax.plot([], [], label="after 100 steps", **LINE_STYLES["trained"])
        sizes_ax.legend(loc="upper left", fontsize=8)
        layer_axis(factors_ax, top - 1, "the layer the signal goes down to")
        factors_ax.axhline(1, color=GREY, lw=1)
        factors_ax.set(yscale="log", ylim=(0.01, 30), ylabel="factor on the error signal",
                       title="Each step down: factors on the signal")
        powers_of_ten(factors_ax.yaxis)
        (self.weights_line,) = factors_ax.plot([], [], "o-", color=BLUE, ms=4, label="through the weights")
        (self.slopes_line,) = factors_ax.plot([], [], "s-", color=ORANGE, ms=4, label="through the slopes")
        (self.both_line,) = factors_ax.plot([], [], "D", color="black", ms=4, label="both")
        factors_ax.legend(loc="lower left", fontsize=7)
        loss_ax.axhline(self.plane_rmse, color=GREY, ls="--", lw=1, label="best plane, no hidden layer")
        (self.loss_line,) = loss_ax.plot([], [], color=RED, lw=2, label="the network")
        loss_ax.legend(loc="upper right", fontsize=7)
        loss_ax.set(xlim=(0, 100), ylim=(0, self.TOP), xlabel="training step (epoch)", ylabel="RMSE ($)",
                    title="Training error")
        dollar_axis(loss_ax.yaxis)
        self.warning = loss_ax.text(0.5, 0.5, "", transform=loss_ax.transAxes, ha="center", va="center",
                                    color=ink(RED), fontsize=9, weight="bold")
        controls = {
            "depth": slider("hidden layers", 1, len(self.DEPTHS), 1, whole=True, width=None),
            "activation": widgets.ToggleButtons(options=list(deep.ACTIVATIONS), description="activation",
                                                style={"button_width": "70px", "description_width": "initial"}),
            "scale": choice_slider("weight scale", self.SCALES, width=None),
        }
        moving = [self.start_line, self.trained_line, self.weights_line, self.slopes_line, self.both_line,
                  self.loss_line, self.warning]
        c = controls
        super().__init__(figure, controls, moving, start=dict(depth=depth, activation=activation, scale=scale),
                         rows=[[c["depth"], c["scale"]], [c["activation"]]])

    def study(self, depth, activation, scale):
        """The DepthStudy of this setting: worked out ahead in a second process, or here if not ready yet."""
        return self.ahead.get((depth, activation, scale))

    def draw(self, depth, activation, scale):
        study = self.study(depth, activation, scale)
        layers = np.arange(1, depth + 2)
        self.start_line.set_data(layers, study.sizes)
        self.trained_line.set_data(layers, study.trained_sizes)
        steps = np.arange(depth, 0, -1)  # the signal goes down to layer L - 1, then L - 2, ..., 1
        self.weights_line.set_data(steps, study.through_weights)
        self.slopes_line.set_data(steps, study.through_slopes)
        self.both_line.set_data(steps, study.through_weights * study.through_slopes)
        rmse = np.sqrt(study.losses) * self.std
        self.loss_line.set_data(np.arange(len(rmse)), np.minimum(rmse, 1e9))
        self.warning.set_text(f"blew up at step {study.diverged_at}" if study.diverged_at is not None else "")
        return self._describe(depth, activation, scale, study, rmse)

    def _describe(self, depth, activation, scale, study, rmse):
        setting = f"{depth} hidden layer{'s' * (depth > 1)} of 8 {activation} units, weights × {scale:g}"
        first, last = study.sizes[0], study.sizes[-1]
        text = (f"{setting}: at the start a weight's gradient is typically {last:.2g} in the output layer and "
                f"{first:.2g} in layer 1, <b>{_times(first / last)}</b> the output layer's. Each step down "
                f"multiplies the signal by {_spread(study.through_weights)} through the weights and "
                f"{_spread(study.through_slopes)} through the slopes.")
        if study.diverged_at is not None:
            return text + (f" Training <b>blew up at step {study.diverged_at}</b>: the loss passed a hundred "
                           "million times its starting value (or overflowed).")
        return (text + f" After 100 steps the RMSE went from {usd(rmse[0])} to <b>{usd(rmse[-1])}</b> (the best "
                f"plane through these houses, no hidden layer: {usd(self.plane_rmse)}).")


def _spread(values):
    """'0.23' for values alike, '0.2 to 0.9' for a spread."""
    low, high = np.min(values), np.max(values)
    return f"{low:.2g}" if high < 1.15 * low else f"{low:.2g} to {high:.2g}"


def _times(ratio):
    """A ratio in words, before "the other's": '0.23 times', '3.1 times', or '1/930,000 of' for a tiny one
    (two significant digits)."""
    if not np.isfinite(ratio) or ratio >= 0.05:
        return f"{ratio:.2g} times"
    return f"1/{float(f'{1 / ratio:.2g}'):,.0f} of"
