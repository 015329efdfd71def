"""The explorers of 06_deeper: the graph stepper, the speed explorer and the depth explorer. Every number
they show is checked against what the numerics compute (or, for timings, against what was measured), and
each control is moved across its range."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import autodiff, data, deep, descent, gradcheck, linear
from course_utils.explorers import deeper as explorers
from course_utils.explorers.deeper import DepthExplorer, GraphStepper, SpeedExplorer
from course_utils.figures.common import num
from explorer_state import check_there_and_back


@pytest.fixture(scope="module")
def split():
    return data.house_split(["Gr_Liv_Area", "Year_Built"])


@pytest.fixture(scope="module")
def graph():
    return GraphStepper()


@pytest.fixture(scope="module")
def speed(split):
    return SpeedExplorer(split)


@pytest.fixture(scope="module")
def depth(split):
    return DepthExplorer(split)


def said_in_06(words):
    """Whether 06's text says these words (line breaks and indents count as one space)."""
    notebook = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "06_deeper.ipynb").read_text("utf-8"))
    text = " ".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    return " ".join(words.split()) in " ".join(text.split())


def shown(text):
    """A number as the explorers write it back to a float ('−0.141' -> -0.141)."""
    return float(text.replace("−", "-"))


# --- the graph stepper ------------------------------------------------------------------------------------

def test_the_graph_is_the_one_house_tape(graph):
    tape, values = autodiff.tape_of(explorers.one_house_graph())
    assert [(o, g, i) for o, g, i in graph.tape] == tape and graph.value_of == values
    assert values["a"] == pytest.approx(-0.69 * 1.5) and values["e"] == pytest.approx(values["p"] - values["y"])
    assert values["E"] == pytest.approx(values["e"] ** 2) and values["e"] > 0  # priced too high


def test_the_last_step_shows_every_gradient_backprop_sends(graph):
    graph.update(step=len(graph.tape) + 1, paths_meet="add")
    grads = autodiff.backward_tape(graph.tape, graph.value_of)
    for (index, position), text in graph.gradient_texts.items():
        output, grad_fn, inputs = graph.tape[index]
        sent = grad_fn(*[graph.value_of[name] for name in inputs], grads[output])[position]
        assert shown(text.get_text()) == pytest.approx(float(sent), rel=5e-3), (output, position)
    assert "0.219 + 0.219 = 0.437" in graph.meeting.get_text()
    assert f"∂E/∂w1 = <b>{num(grads['w1'])}</b>" in graph.status_text and "too" in graph.status_text


@pytest.mark.parametrize("name", ["x", "w1", "b1", "w2", "b2", "y"])
def test_backprops_gradients_are_what_nudging_says(graph, name):
    grads = autodiff.backward_tape(graph.tape, graph.value_of)
    assert float(grads[name]) == pytest.approx(graph.numerical_gradient(name), rel=1e-6)


def test_each_step_shows_the_gates_walked_so_far_and_nothing_ahead(graph):
    for step in range(len(graph.tape) + 2):
        graph.update(step=step, paths_meet="add")
        written = [key for key, text in graph.gradient_texts.items() if text.get_text()]
        gates = max(0, step - 1)
        walked = {index for index in range(len(graph.tape) - gates, len(graph.tape))}
        assert {index for index, _ in written} == walked
        assert sum(highlight.get_visible() for highlight in graph.highlights.values()) == (
            len(graph.tape[len(graph.tape) - gates][2]) if gates else 0)
        assert (graph.start_label.get_text() == "∂E/∂E = 1") == (step >= 1)


def test_overwriting_where_paths_meet_halves_every_gradient_before_e(graph):
    last = len(graph.tape) + 1
    graph.update(step=last, paths_meet="add")
    added = {key: shown(text.get_text()) for key, text in graph.gradient_texts.items()}
    graph.update(step=last, paths_meet="overwrite")
    overwritten = {key: shown(text.get_text()) for key, text in graph.gradient_texts.items()}
    final = len(graph.tape) - 1  # E's own gate sends the same either way
    for key in added:
        expected = added[key] if key[0] == final else added[key] / 2
        assert overwritten[key] == pytest.approx(expected, rel=1e-2), key
    assert "e overwritten: ∂E/∂e = 0.219, not 0.437" in graph.meeting.get_text()
    assert "Done, but wrong" in graph.status_text and "twice as much" in graph.status_text


def test_every_picture_is_drawn_once_and_shown_again(graph):
    assert len(graph._pictures) == 2 * (len(graph.tape) + 2)
    graph.update(step=3, paths_meet="add")
    first = graph.png
    graph.update(step=4)
    graph.update(step=3)
    assert graph.png is first


def test_the_buttons_step_and_stop_at_the_ends(split):
    stepper = GraphStepper()
    back, forward = stepper.widget.children[0].children[:2]
    back.click()
    assert stepper.values["step"] == 0
    for _ in range(12):
        forward.click()
    assert stepper.values["step"] == stepper.controls["step"].value == len(stepper.tape) + 1
    back.click()
    assert stepper.values["step"] == len(stepper.tape)


def test_the_step_texts_name_each_gates_rule(graph):
    texts = [graph.update(step=step, paths_meet="add") for step in range(len(graph.tape) + 2)]
    assert "∂E/∂E = 1" in texts[1]
    assert "both inputs are e" in texts[2] and "Subtract passes" in texts[3] and "Add passes" in texts[4]
    assert "Multiply swaps its inputs: h gets w2 × 0.437 = 0.875, and w2 gets h × 0.437 = 0.162" in texts[5]
    assert "slope, h (1 − h) = 0.233" in texts[6]


@pytest.mark.parametrize("bad, error, says", [
    (dict(step=10), ValueError, "step must be between 0 and 8, got 10"),
    (dict(paths_meet="sum"), ValueError, "paths_meet must be one of 'add', 'overwrite'; got 'sum'"),
])
def test_a_bad_value_is_refused_and_changes_nothing(graph, bad, error, says):
    before = (dict(graph.values), graph.png)
    with pytest.raises(error, match=re.escape(says)):
        graph.update(**bad)
    assert (graph.values, graph.png) == before


def test_static_viewers_get_the_step_in_words(graph):
    graph.update(step=0, paths_meet="add")
    assert repr(graph).startswith("GraphStepper(step=0, paths_meet='add'): Step 0 of 8: the forward pass has run")
    assert "<b>" not in repr(graph)


# --- the speed explorer -------------------------------------------------------------------------------------

def test_every_network_on_the_sliders_was_measured(speed):
    assert set(speed.measured) == {(w, d) for w in SpeedExplorer.WIDTHS for d in SpeedExplorer.DEPTHS}
    for (width, depth), (count, numerical, backprop) in speed.measured.items():
        params = deep.init_layers([2] + [width] * depth + [1])
        assert count == explorers.parameter_count(params) == sum(v.size for v in params.values())
        assert numerical > 0 and backprop > 0
    largest = speed.measured[(16, 3)]
    assert largest[0] == 609 and largest[1] > largest[2]  # 1,218 forward passes against one of each: safe


def test_the_numerical_gradient_makes_two_forward_passes_a_parameter(split, monkeypatch):
    calls = []
    real_loss = deep.loss
    monkeypatch.setattr(deep, "loss", lambda *args: calls.append(1) or real_loss(*args))
    monkeypatch.setattr(explorers, "typical_time", lambda task, **kwargs: task() or 1.0)  # one run each
    params = deep.init_layers([2, 4, 4, 1])
    explorers.time_gradients(split.X_train[:10], split.y_train[:10], params)
    assert len(calls) == 2 * explorers.parameter_count(params)


def test_typical_time_is_the_least_disturbed_round(monkeypatch):
    clock = iter([0.0, 0.0, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.9])  # three rounds of one run: 0.5, 0.1, 0.3 s
    monkeypatch.setattr(explorers.time, "perf_counter", lambda: next(clock))
    assert explorers.typical_time(lambda: None, rounds=3, round_seconds=0.0, enough=10) == pytest.approx(0.1)


@pytest.mark.parametrize("width", SpeedExplorer.WIDTHS)
@pytest.mark.parametrize("depth_", SpeedExplorer.DEPTHS)
def test_the_lines_and_points_show_the_measurements(speed, width, depth_):
    status = speed.update(width=width, depth=depth_)
    count, numerical, backprop = speed.measured[(width, depth_)]
    assert np.allclose(speed.dots["numerical"].get_data(), [[count], [numerical * 1000]])
    assert np.allclose(speed.dots["ratio"].get_data(), [[count], [numerical / backprop]])
    row = [speed.measured[(w, depth_)] for w in SpeedExplorer.WIDTHS]
    assert np.allclose(speed.lines["backprop"].get_ydata(), [m[2] * 1000 for m in row])
    assert f"{count:,} parameters" in status and f"made {2 * count:,} forward passes" in status
    assert f"<b>{numerical / backprop:,.0f}× faster</b>" in status


def test_the_stored_text_holds_no_measured_number(speed):
    speed.update(width=16, depth=3)
    text = speed._repr_mimebundle_()["text/plain"]
    assert "ms" not in text and "×" not in text and "faster" not in text
    assert "3 hidden layers of 16 units, 609 parameters, on 100 houses" in text and "1,218 forward passes" in text


def test_the_axes_hold_every_measurement(speed):
    left, right = speed.figure.axes
    counts = [m[0] for m in speed.measured.values()]
    times = [t * 1000 for m in speed.measured.values() for t in m[1:]]
    assert left.get_xlim()[0] < min(counts) and max(counts) < left.get_xlim()[1]
    assert left.get_ylim()[0] < min(times) and max(times) < left.get_ylim()[1]
    ratios = [m[1] / m[2] for m in speed.measured.values()]
    assert right.get_ylim()[0] < min(ratios) and max(ratios) < right.get_ylim()[1]


# --- the depth explorer -------------------------------------------------------------------------------------

@pytest.mark.parametrize("setting", [(4, "sigmoid", 1.0), (8, "relu", 1.41), (1, "tanh", 0.5), (8, "tanh", 2.0)])
def test_the_explorer_shows_the_study_of_its_setting(depth, setting):
    layers, activation, scale = setting
    depth.update(depth=layers, activation=activation, scale=scale)
    here = deep.study_depth(depth.X, depth.y, setting)
    study = depth.study(*setting)  # worked out ahead in the second process, or here
    for field in ("sizes", "trained_sizes", "through_weights", "through_slopes", "losses"):
        assert np.allclose(getattr(study, field), getattr(here, field), equal_nan=True), field
    assert study.diverged_at == here.diverged_at
    assert np.allclose(depth.start_line.get_ydata(), here.sizes)
    assert list(depth.weights_line.get_xdata()) == list(range(layers, 0, -1))
    assert np.allclose(depth.both_line.get_ydata(), here.through_weights * here.through_slopes)
    assert np.allclose(depth.loss_line.get_ydata(), np.minimum(np.sqrt(here.losses) * depth.std, 1e9))


def test_the_default_says_what_the_notebook_says(depth):
    status = depth.update(depth=4, activation="sigmoid", scale=1.0)
    assert "layer 1, <b>1/510 of</b> the output layer's" in status
    assert "0.21 through the slopes" in status and "from $87,400 to <b>$72,400</b>" in status
    assert "$45,200" in status


def losses_until_blow_up(X, y, params, activation, alpha=0.2, steps=100):
    """The loss before each gradient step, written out here apart from deep.train_layers: stops before the
    first loss that is not finite or passed descent.BLOW_UP (10⁸) times the first."""
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps + 1):
            loss = deep.loss(X, y, params, activation)
            if not np.isfinite(loss) or (losses and loss > descent.BLOW_UP * losses[0]):
                break
            losses.append(loss)
            grads = deep.backward_layers(X, y, params, activation)
            params = {name: value - alpha * grads[name] for name, value in params.items()}
    return np.array(losses)


def test_a_blow_up_is_said_and_drawn(depth):
    """8 tanh layers at scale 2 blow up, but the step depends on the last bits of tanh, exp and the BLAS,
    which differ between CPUs (38 with AVX-512, 32 with OpenBLAS's Haswell kernels, 31 with its Prescott
    ones): the step said is the one this process's own run first passes the threshold at."""
    status = depth.update(depth=8, activation="tanh", scale=2.0)
    losses = losses_until_blow_up(depth.X, depth.y, deep.init_layers([2] + [8] * 8 + [1], 2.0, seed=0), "tanh")
    step = len(losses)
    assert said_in_06("blows up only with 8, within a few dozen steps") and 10 < step < 100
    assert f"<b>blew up at step {step}</b>" in status and depth.warning.get_text() == f"blew up at step {step}"
    assert descent.BLOW_UP == 1e8 and "the loss passed a hundred million times its starting value" in status
    assert np.allclose(depth.loss_line.get_ydata(), np.sqrt(losses) * depth.std)  # drawn up to the blow-up
    for layers in (1, 7):  # 06: "blows up only with 8"
        assert depth.update(depth=layers, activation="tanh", scale=2.0) and depth.warning.get_text() == ""


def test_what_06_says_of_training_past_the_plateau_holds(depth):
    """06 quotes 4 sigmoid layers trained on past the plateau. Leaving a plateau magnifies the last digits
    of the arithmetic (at 500 steps $45,000 to $47,800 as the starting weights move by a part in 10¹⁶), so
    06 says what holds on every CPU."""
    assert said_in_06("the network gets below \\\\$48,000 by 500 steps and to about \\\\$38,000 by 3,000")
    start = deep.init_layers([2, 8, 8, 8, 8, 1], 1.0, seed=0)
    rmse = np.sqrt(deep.train_layers(depth.X, depth.y, start, "sigmoid", alpha=0.2, epochs=3000)[1]) * depth.std
    assert rmse[100] > 72_000 and rmse[500] < 48_000 and round(rmse[3000], -3) == 38_000


def test_the_plane_is_the_best_one_through_the_same_houses(depth):
    w, b = linear.best_weights(depth.X, depth.y[:, 0])
    assert depth.plane_rmse == pytest.approx(np.sqrt(np.mean((depth.X @ w + b - depth.y[:, 0]) ** 2)) * depth.std)
    for nudge in (np.array([0.01, 0.0]), np.array([0.0, -0.01])):  # no plane nearby does better
        worse = np.sqrt(np.mean((depth.X @ (w + nudge) + b - depth.y[:, 0]) ** 2)) * depth.std
        assert worse > depth.plane_rmse


def test_every_setting_draws_without_a_warning(depth):
    for activation in deep.ACTIVATIONS:
        for scale in DepthExplorer.SCALES:
            for layers in (1, 2, 8):
                status = depth.update(depth=layers, activation=activation, scale=scale)
                assert f"{layers} hidden layer" in status and f"{activation} units" in status


@pytest.mark.parametrize("bad, error, says", [
    (dict(depth=9), ValueError, "depth must be between 1 and 8, got 9"),
    (dict(scale=1.5), ValueError, "scale must be between 0.5 and 2 and one of the slider's values: 0.5, 1, 1.41, 2"),
    (dict(activation="softmax"), ValueError, "activation must be one of 'sigmoid', 'tanh', 'relu'"),
])
def test_a_bad_value_is_refused(depth, bad, error, says):
    with pytest.raises(error, match=re.escape(says)):
        depth.update(**bad)


def test_the_constructors_check_their_values_as_update_does(split):
    with pytest.raises(ValueError, match="scale must be between 0.5 and 2"):
        DepthExplorer(split, scale=3.0)
    with pytest.raises(ValueError, match="step must be between 0 and 8"):
        GraphStepper(step=9)
    class Small(SpeedExplorer):  # two tiny networks, quick to time
        WIDTHS, DEPTHS = (1, 16), (1,)
    with pytest.raises(ValueError, match="width must be between 1 and 16 and one of the slider's values: 1, 16"):
        Small(split, houses=5, width=3, depth=1)


def test_a_slider_drag_calls_update(depth, graph, speed):
    depth.controls["depth"].value = 2
    assert depth.values["depth"] == 2 and "2 hidden layers" in depth.status_text
    graph.controls["paths_meet"].value = "overwrite"
    assert graph.values["paths_meet"] == "overwrite"
    speed.controls["width"].value = 8
    assert speed.values["width"] == 8 and "of 8 units" in speed.status_text


def test_the_gradient_check_of_the_graph_uses_central_differences(graph):
    E = lambda value: float(explorers.one_house_graph(w2=value).data)  # noqa: E731
    assert graph.numerical_gradient("w2") == pytest.approx(gradcheck.numerical_derivative(E, 2.0, 1e-6))


THERE_AND_BACK = [  # explorer, control, two values to move it to (whichever it is not at already)
    ("graph", "step", (3, 8)), ("graph", "paths_meet", ("add", "overwrite")), ("speed", "width", (2, 16)),
    ("speed", "depth", (1, 3)), ("depth", "depth", (2, 8)), ("depth", "activation", ("tanh", "relu")),
    ("depth", "scale", (0.5, 2.0)),
]


@pytest.mark.parametrize("name, control, values", THERE_AND_BACK)
def test_moving_a_control_there_and_back_shows_the_same_picture(graph, speed, depth, name, control, values):
    explorer = {"graph": graph, "speed": speed, "depth": depth}[name]
    if explorer is graph:
        graph.update(step=8)  # before e's gate the two ways of meeting look the same: nothing has met yet
    check_there_and_back(explorer, control, values)


# --- guess first: the graph stepper's guess box ------------------------------------------------------------

@pytest.mark.parametrize("paths_meet", ["add", "overwrite"])
def test_the_graph_stepper_asks_for_each_value_it_then_shows(paths_meet):
    """Each step asks for ∂E/∂E, then for the gradient of the gate's weight or first input; the value asked
    for is the one the step writes, checked against autodiff (with add) or half of it (overwrite: e keeps
    one of its two signals, and every gradient before it halves)."""
    stepper = GraphStepper(paths_meet=paths_meet)
    E = explorers.one_house_graph()
    E.backward()
    exact = {tensor.name: float(tensor.grad) for tensor in autodiff.topological_order(E)}
    share = 1.0 if paths_meet == "add" else 0.5
    asked = []
    for step in range(1, len(stepper.tape) + 2):
        name = stepper.guess.text.description.removeprefix("your guess of ").removesuffix(" with the bug")
        assert stepper.guess.text.description.endswith(" with the bug") == (paths_meet == "overwrite" and step > 1)
        value = exact[name.removeprefix("∂E/∂")] * (share if step > 1 else 1.0) if name != "∂E/∂E" else 1.0
        stepper.guess.text.value = f"{value:.4g}"
        status = stepper.next()
        assert f"Step {step} of" in status and ": right (" in status, (step, name, status)
        asked.append(name)
    assert asked == ["∂E/∂E", "∂E/∂e", "∂E/∂p", "∂E/∂q", "∂E/∂w2", "∂E/∂z", "∂E/∂a", "∂E/∂w1"]
    assert stepper.next() is None and stepper.guess.text.placeholder == "the last step is shown"


def test_a_wrong_guess_of_where_paths_meet_is_told_the_sum():
    stepper = GraphStepper(step=1)  # next: E's multiply gate sends e to both of its inputs, which are e
    stepper.guess.text.value = num(stepper.value_of["e"])  # one path only: the usual mistake
    status = stepper.next()
    assert status.startswith(f"You said {num(stepper.value_of['e'])}; it is {num(2 * stepper.value_of['e'])}.")
