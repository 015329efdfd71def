"""The network nudge, the backprop stepper and the training dashboard of 05_backpropagation, and the network
helpers they use (trace, train with snapshots). Every value the widgets show is checked against what the
network computes."""
import functools
import re
import subprocess
import time

import numpy as np
import pytest

from course_utils import data, gradcheck, network
from course_utils.explorers import tracing
from course_utils.explorers.ahead import Ahead
from course_utils.explorers.backprop import (GUESSED, SLOTS, BackpropStepper, NetworkNudge, TrainingDashboard,
                                             weight_index, weight_names)
from course_utils.explorers.guessing import parse_number
from course_utils.figures.common import num, usd

OURS = slice(data.OUR_HOUSE, data.OUR_HOUSE + 1)  # 05's house, as rows of the training set

NAMES = ["W1", "b1", "W2", "b2"]


@pytest.fixture(scope="module")
def split():
    return data.house_split(["Gr_Liv_Area", "Year_Built"])


@pytest.fixture(scope="module")
def params():
    return network.init_params(2, 3, seed=0)


@pytest.fixture(scope="module")
def stepper(split, params):
    return BackpropStepper(split, params)


@pytest.fixture(scope="module")
def dashboard(split):
    return TrainingDashboard(split, line_rmse=53_344)


@pytest.fixture(scope="module")
def nudge(split, params):
    return NetworkNudge(split, params)


def expected_values(X, y, params):
    """What the stepper should show, computed without trace: forward() and backward() for the gradients of
    the parameters, and numerical gradients for the error signals in between."""
    W1, b1, W2, b2 = (params[name] for name in NAMES)
    hidden, prediction = network.forward(X, **params)
    z = X @ W1 + b1
    grads = network.backward(X, y, **params)

    def loss_from_prediction(p):
        return np.mean((p - y) ** 2)

    def loss_from_hidden(h):
        return loss_from_prediction(h @ W2 + b2)

    def loss_from_z(zz):
        return loss_from_hidden(network.sigmoid(zz))

    return {
        "z": z, "hidden": hidden, "prediction": prediction, "E": np.mean((prediction - y) ** 2),
        "d_prediction": gradcheck.numerical_gradient(loss_from_prediction, prediction),
        "d_W2": grads["W2"], "d_b2": grads["b2"],
        "d_hidden": gradcheck.numerical_gradient(loss_from_hidden, hidden),
        "d_z": gradcheck.numerical_gradient(loss_from_z, z),
        "d_W1": grads["W1"], "d_b1": grads["b1"],
    }


# --- trace ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 5])
def test_trace_computes_what_forward_and_backward_compute(n):
    rng = np.random.default_rng(n)
    X, y = rng.normal(size=(n, 2)), rng.normal(size=(n, 1))
    params = {"W1": rng.normal(size=(2, 3)), "b1": rng.normal(size=3), "W2": rng.normal(size=(3, 1)),
              "b2": rng.normal(size=1)}
    steps = tracing.trace(X, y, **params)
    assert [step.name for step in steps] == list(SLOTS)
    assert [step.is_gradient for step in steps] == [False] * 4 + [True] * 7
    expected = expected_values(X, y, params)
    for step in steps:
        assert np.shape(step.value) == np.shape(expected[step.name]), step.name
        assert np.allclose(step.value, expected[step.name], atol=1e-7), step.name
    for name in NAMES:  # the parameter gradients are exactly backward's
        assert np.array_equal(next(s.value for s in steps if s.name == f"d_{name}"),
                              network.backward(X, y, **params)[name])


def test_trace_shows_every_line_loss_and_gradients_runs_in_order():
    import inspect
    source = [line.split("  #")[0].strip() for line in inspect.getsource(network.loss_and_gradients).splitlines()]
    assigned = [line for line in source if re.match(r"^\w+ = ", line)]
    steps = tracing.trace(np.ones((1, 2)), np.ones((1, 1)), **network.init_params(2, 3))
    assert [step.code for step in steps] == assigned  # the function's own lines, none left out, in order


def loss_and_gradients_source():
    """network.loss_and_gradients as written, and the number of its first line."""
    import inspect
    source, first = inspect.getsourcelines(network.loss_and_gradients)
    return "".join(source), first


def test_every_line_the_stepper_shows_explains_itself_and_a_gradient_says_which_derivative():
    source, first = loss_and_gradients_source()
    found = tracing.explanations(source, first)
    assert [name for name, _, _ in found.values()] == list(SLOTS)
    meanings = {name: meaning for name, _, meaning in found.values()}
    assert meanings["z"] == "each hidden unit's weighted sum" and meanings["E"] == "the error E (the MSE, written out)"
    assert meanings["d_z"] == "dE/dz: times the sigmoid's slope" and meanings["d_W1"] == "dE/dW1"


def line_of(source, first, start):
    """The number of the line of source that starts (after its indent) with start."""
    return first + next(k for k, line in enumerate(source.splitlines()) if line.strip().startswith(start))


@pytest.mark.parametrize("edit, says", [
    (("#: dE/dz: times", "# dE/dz: times"), "it has no `#:` comment to explain it"),  # an editor's plain `#`
    (("#: dE/dz: times the sigmoid's slope, (n, h)", ""), "it has no `#:` comment to explain it"),
    ((", (n, h)\n    d_W1", "\n    d_W1"), "does not end in its shape"),
    (("#: dE/dz: times the sigmoid's slope", "#: times the sigmoid's slope"),
     "a gradient's comment should start with the derivative it holds, `dE/dz`"),
    (("d_z = d_hidden * hidden * (1 - hidden)", "d_z = (d_hidden * hidden\n           * (1 - hidden))"),
     "it spans several lines"),
])
def test_an_edit_that_loses_an_explanation_fails_loudly_naming_the_line(edit, says):
    source, first = loss_and_gradients_source()
    assert edit[0] in source
    edited = source.replace(*edit)
    number = line_of(edited, first, "d_z =")
    with pytest.raises(ValueError) as raised:
        tracing.explanations(edited, first, "network.loss_and_gradients")
    message = str(raised.value)
    assert message.startswith(f"network.loss_and_gradients, line {number}, `d_z = ")
    assert says in message and "`#:` comment" in message


def test_a_stray_explanation_fails_loudly_too():
    source, first = loss_and_gradients_source()
    edited = source.replace('"b2": d_b2}', '"b2": d_b2}  #: the gradients, one number')
    with pytest.raises(ValueError, match=rf"line {line_of(edited, first, 'return')}, `return E, .*"
                                         "a `#:` comment on a line that computes no value"):
        tracing.explanations(edited, first)


def test_one_space_fewer_before_the_comment_loses_nothing():
    source, first = loss_and_gradients_source()
    edited = re.sub(r"\s+#: dE/dz", " #: dE/dz", source)
    assert edited != source
    assert tracing.explanations(edited, first) == tracing.explanations(source, first)


def test_a_debugger_s_trace_function_survives_the_trace():
    import sys
    seen = []

    def debugger(frame, event, arg):
        seen.append(event)
        return None

    previous = sys.gettrace()
    sys.settrace(debugger)
    try:
        tracing.trace(np.ones((1, 2)), np.ones((1, 1)), **network.init_params(2, 3))
        assert sys.gettrace() is debugger
    finally:
        sys.settrace(previous)


# --- training with snapshots ----------------------------------------------------------------------------

def test_snapshots_are_the_parameters_train_reaches(split):
    run = network.train(split.X_train, split.y_train, 3, 0.3, 100, X_test=split.X_test, y_test=split.y_test,
                        keep_snapshots=True)
    same = network.train(split.X_train, split.y_train, 3, 0.3, 100, X_test=split.X_test, y_test=split.y_test)
    assert np.array_equal(run.train_losses, same.train_losses) and np.array_equal(run.test_losses, same.test_losses)
    assert run.regime == same.regime and len(run.snapshots) == 101
    shorter = network.train(split.X_train, split.y_train, 3, 0.3, 40)
    for name in NAMES:
        assert np.array_equal(run.snapshots[40][name], shorter.params[name])
        assert np.array_equal(run.params[name], same.params[name])


def test_a_diverging_run_stops_cleanly_and_keeps_the_last_finite_parameters(split):
    run = network.train(split.X_train, split.y_train, 3, 3.0, 1000, keep_snapshots=True)
    assert run.regime == "diverging" and run.diverged_at == network.train(split.X_train, split.y_train, 3, 3.0,
                                                                          1000).diverged_at
    assert len(run.snapshots) == run.diverged_at == len(run.train_losses)
    assert all(np.all(np.isfinite(value)) for value in run.params.values())


# --- the network nudge ------------------------------------------------------------------------------------

def bold_numbers(status):
    """The bold numbers of a status line: the ratio ΔE / ε, then backprop's gradient."""
    return [float(text) for text in re.findall(r"<b>([-+0-9.]+)</b>", status)]


def one_house_loss(split, params, weight, value):
    layer, index = weight_index(weight)
    changed = params[layer].copy()
    changed[index] = value
    prediction = network.forward(split.X_train[OURS], **{**params, layer: changed})[1]
    return float(np.mean((prediction - split.y_train[OURS]) ** 2))


def test_the_weights_are_named_as_on_the_diagram():
    assert weight_names(2, 3) == ["w1_00", "w1_01", "w1_02", "w1_10", "w1_11", "w1_12", "w2_00", "w2_10", "w2_20"]
    assert weight_index("w1_12") == ("W1", (1, 2)) and weight_index("w2_20") == ("W2", (2, 0))


@pytest.mark.parametrize("weight", ["w1_00", "w1_12", "w2_20"])
def test_the_ratio_tends_to_backprops_gradient_as_h_shrinks(split, params, weight):
    explorer = NetworkNudge(split, params, weight=weight)
    layer, index = weight_index(weight)
    gradient = network.backward(split.X_train[OURS], split.y_train[OURS], **params)[layer][index]
    w = params[layer][index]
    gaps = []
    for eps in sorted(explorer.controls["eps"].options, reverse=True):
        ratio, shown_gradient = bold_numbers(explorer.update(eps=eps))
        expected = (one_house_loss(split, params, weight, w + eps) - one_house_loss(split, params, weight, w)) / eps
        assert ratio == pytest.approx(expected, abs=6e-6) and shown_gradient == pytest.approx(gradient, abs=6e-6)
        assert explorer.marker.get_ydata()[0] == pytest.approx(expected)
        gaps.append(abs(expected - gradient))
    assert all(a > b for a, b in zip(gaps, gaps[1:]))  # every smaller eps is closer
    assert gaps[-1] < 1e-4 * max(abs(gradient), 1) and gaps[0] > 100 * gaps[-1]


def test_the_default_is_w1_00_of_our_house_as_section_4_computes_it(nudge):
    status = nudge.update(eps=1)  # w1_00, eps = 1, as the notebook opens it
    assert "Nudging w1_00 = 0.0889 by ε = 1 " in status
    assert bold_numbers(status)[1] == pytest.approx(-0.13728, abs=1e-5)  # section 4.4's −0.1373


def test_the_secant_and_tangent_are_drawn_through_the_nudged_points(split, params):
    explorer = NetworkNudge(split, params, weight="w2_00", eps=0.5)
    w = params["W2"][0, 0]
    (w0, w1), (e0, e1) = explorer.points.get_data()
    assert (w0, w1) == pytest.approx((w, w + 0.5))
    assert (e0, e1) == pytest.approx((one_house_loss(split, params, "w2_00", w),
                                      one_house_loss(split, params, "w2_00", w + 0.5)))
    xs, ys = explorer.secant.get_data()
    assert np.allclose(np.interp([w0, w1], xs, ys), [e0, e1])
    tangent = next(line for line in explorer.left.get_lines() if line.get_label().startswith("tangent"))
    xs, ys = tangent.get_data()
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    assert slope == pytest.approx(network.backward(split.X_train[OURS], split.y_train[OURS], **params)["W2"][0, 0])
    left, right = explorer.left.get_xlim()
    assert left < w0 < w1 < right and explorer.left.get_ylim()[1] > max(e0, e1)
    for eps in (0.0001, 2):  # the marker stays on the chart at both ends of the slider
        explorer.update(eps=eps)
        low, high = explorer.right.get_ylim()
        assert low < explorer.marker.get_ydata()[0] < high


def test_the_nudge_does_not_change_the_networks_parameters(split):
    params = network.init_params(2, 3, seed=0)
    before = {name: value.copy() for name, value in params.items()}
    explorer = NetworkNudge(split, params, weight="w1_10", eps=2)
    explorer.update(eps=0.001)
    assert all(np.array_equal(params[name], before[name]) for name in params)


def test_the_constructor_checks_its_values(split, params):
    with pytest.raises(ValueError, match="weight must be one of w1_00, w1_01, .*, w2_20; got 'w3_00'"):
        NetworkNudge(split, params, weight="w3_00")
    with pytest.raises(ValueError, match="eps must be between 0.0001 and 2"):
        NetworkNudge(split, params, eps=5)


@pytest.mark.parametrize("bad, error, says", [
    (dict(eps=0.3), ValueError, "one of the slider's values"),
    (dict(eps=5), ValueError, "eps must be between 0.0001 and 2"),
    (dict(eps="1"), TypeError, "eps must be"),
    (dict(eps=0.01, weight="w2_00"), TypeError, "has no control 'weight'"),  # a good eps with a bad name: neither
])
def test_a_bad_value_changes_nothing(nudge, bad, error, says):
    nudge.update(eps=0.1)
    values, picture, status = dict(nudge.values), bytes(nudge.image.value), nudge.status.value
    points = nudge.points.get_data()
    with pytest.raises(error, match=re.escape(says)):
        nudge.update(**bad)
    assert nudge.values == values and bytes(nudge.image.value) == picture and nudge.status.value == status
    assert np.array_equal(nudge.points.get_data(), points) and nudge.controls["eps"].value == 0.1


def test_the_h_slider_stops_at_round_numbers_and_a_drag_calls_update(nudge):
    stops = nudge.controls["eps"].options
    assert all(f"{stop:g}".strip("0.") in {"1", "2", "5"} for stop in stops)
    assert all(2 <= b / a <= 2.5 for a, b in zip(stops, stops[1:]))
    nudge.update(eps=1)
    assert nudge.controls["eps"].label == "1"
    before = bytes(nudge.image.value)
    nudge.controls["eps"].value = 0.01  # what a browser drag does
    assert "by ε = 0.01 " in nudge.status.value and bytes(nudge.image.value) != before
    assert nudge.values == {"eps": 0.01}


def test_a_nudge_update_is_fast(nudge):
    """The eps slider follows the mouse: an update redraws only the moving artists (median under 30 ms on
    a quiet machine; the bound here leaves room for a busy test run)."""
    times = []
    for eps in list(nudge.controls["eps"].options) * 2:
        start = time.perf_counter()
        nudge.update(eps=eps)
        times.append(time.perf_counter() - start)
    assert np.median(times) < 0.06


def test_static_viewers_get_the_nudge_in_words(nudge):
    nudge.update(eps=0.001)
    bundle = nudge._repr_mimebundle_()
    assert "<b>" not in bundle["text/plain"] and "ΔE / ε = -0.13728" in bundle["text/plain"]
    assert len(bundle["image/png"]) > 1000


# --- the stepper ------------------------------------------------------------------------------------------

def test_every_step_shows_what_the_network_computes_and_nothing_ahead(stepper, split, params):
    X, y = split.X_train[OURS], split.y_train[OURS]
    expected = expected_values(X, y, params)
    pictures = set()
    for step in range(len(stepper.ops) + 1):
        status = stepper.update(step=step)
        pictures.add(bytes(stepper.image.value))
        assert f"Step {step} of 11" in status
        for k, op in enumerate(stepper.ops):
            for index in np.ndindex(np.shape(op.value)):
                text = stepper.texts[(op.name, *index)]
                if k < step:
                    assert text.get_visible() and num(expected[op.name][index]) in text.get_text(), (step, op.name)
                    assert (text.get_weight() == "bold") == (k == step - 1)  # only the newest value is bold
                else:
                    assert not text.get_visible() and text.get_text() == "", (step, op.name)
        if step:
            assert stepper.ops[step - 1].code in status and stepper.ops[step - 1].code in stepper.code_cursor.get_text()
    assert len(pictures) == len(stepper.ops) + 1  # every step looks different


def test_the_prediction_is_also_shown_in_dollars(stepper, split, params):
    stepper.update(step=3)
    prediction = network.forward(split.X_train[OURS], **params)[1]
    assert usd(split.dollars(prediction)[0, 0]) in stepper.texts[("prediction", 0, 0)].get_text()


def test_the_edges_a_step_uses_are_highlighted(stepper):
    stepper.update(step=1)  # z = X @ W1 + b1 uses W1
    assert all(line.get_visible() == (key[0] == "W1") for key, line in stepper.highlights.items())
    stepper.update(step=8)  # d_hidden = d_prediction @ W2.T goes back through W2
    assert all(line.get_visible() == (key[0] == "W2") for key, line in stepper.highlights.items())
    stepper.update(step=9)
    assert not any(line.get_visible() for line in stepper.highlights.values())


def test_next_and_back_buttons_stop_at_the_ends(stepper):
    back, forward = stepper.widget.children[0].children[:2]
    stepper.update(step=0)
    back.click()
    assert stepper.values["step"] == 0
    forward.click()
    forward.click()
    assert stepper.values["step"] == 2 and stepper.controls["step"].value == 2
    stepper.update(step=11)
    forward.click()
    assert stepper.values["step"] == 11
    back.click()
    assert stepper.values["step"] == 10
    with pytest.raises(ValueError, match="step must be between 0 and 11"):
        stepper.update(step=12)


def test_static_viewers_get_the_step_in_words(split, params):
    bundle = BackpropStepper(split, params, step=5)._repr_mimebundle_()
    assert "Step 5 of 11, backward" in bundle["text/plain"] and len(bundle["image/png"]) > 1000


# --- where the edge labels sit ------------------------------------------------------------------------------

def clearance(diagram, key, boxes):
    """The smallest gap, in points, between the given text boxes (display units) and any edge but `key`."""
    ax = diagram.ax
    gap = np.inf
    for other, line in diagram.edges.items():
        if other != key:
            start, end = ax.transData.transform(line.get_xydata())
            dots = start + np.linspace(0, 1, 2000)[:, None] * (end - start)
            for box in boxes:
                dx = np.maximum(np.maximum(box.x0 - dots[:, 0], dots[:, 0] - box.x1), 0)
                dy = np.maximum(np.maximum(box.y0 - dots[:, 1], dots[:, 1] - box.y1), 0)
                gap = min(gap, np.hypot(dx, dy).min() * 72 / ax.figure.dpi)
    return gap


def check_labels(diagram, under=lambda key: [], clear=4.0):
    """Each label sits on its own edge, clear of every other edge (so never on a crossing) and of the
    other labels; `under(key)` gives the texts written under a label, which must keep clear too."""
    renderer = diagram.ax.figure.canvas.get_renderer()
    boxes = {key: [text.get_window_extent(renderer) for text in [label, *under(key)]]
             for key, label in diagram.edge_labels.items()}
    for key, label in diagram.edge_labels.items():
        (x0, y0), (x1, y1) = diagram.edges[key].get_xydata()
        x, y = label.get_position()
        assert 0.1 < (x - x0) / (x1 - x0) < 0.9 and y == pytest.approx(y0 + (x - x0) / (x1 - x0) * (y1 - y0)), key
        assert clearance(diagram, key, boxes[key]) >= clear, key
        for other in boxes:
            if other != key:
                assert not any(a.overlaps(b) for a in boxes[key] for b in boxes[other]), (key, other)


def test_the_diagrams_labels_keep_off_the_crossings():
    from course_utils.figures.network_diagram import NetworkDiagram
    from course_utils.figures.common import new_figure
    figure, (ax,) = new_figure(width=9.5, height=3.2)  # as in 05_backpropagation
    figure.subplots_adjust(left=0, right=1, bottom=0, top=0.9)
    check_labels(NetworkDiagram(ax, ["living area", "year built"], n_hidden=3))
    figure, (left, right) = new_figure(2, height=3.4)  # as in 04_dot_product
    left.set_position([0.0, 0.04, 0.56, 0.84])
    check_labels(NetworkDiagram(left, ["living area", "year built", "garage"], n_hidden=2))


def test_the_steppers_labels_and_gradients_keep_off_the_crossings(stepper):
    stepper.update(step=len(stepper.ops))  # every value written, the W1 and W2 gradients under their labels
    names = {"W1": "d_W1", "W2": "d_W2"}
    check_labels(stepper.diagram, under=lambda key: [stepper.texts[(names[key[0]], *key[1:])]], clear=4.0)
    for key, copy in stepper.label_copies.items():  # the copies drawn over a highlighted edge sit on the label
        assert copy.get_position() == stepper.diagram.edge_labels[key].get_position()


# --- the dashboard ----------------------------------------------------------------------------------------

def rmse_dollars(split, params):
    prediction = split.dollars(network.forward(split.X_test, **params)[1])
    return float(np.sqrt(np.mean((prediction - split.dollars(split.y_test)) ** 2)))


@pytest.mark.parametrize("epochs", [0, 10, 1000])
def test_the_dashboard_shows_the_network_train_gives(dashboard, split, epochs):
    status = dashboard.update(alpha=0.3, hidden=3, epochs=epochs, edges="weights")
    reference = network.train(split.X_train, split.y_train, 3, 0.3, epochs)
    rmse = rmse_dollars(split, reference.params)
    assert usd(rmse) in status
    predicted = dashboard.dots.get_offsets()[:, 1]
    assert np.allclose(predicted, split.dollars(network.forward(split.X_test, **reference.params)[1])[:, 0])
    assert len(dashboard.train_line.get_xdata()) == epochs + 1


def test_the_baselines_are_drawn_across_the_error_chart(split):
    dashboard = TrainingDashboard(split, epochs=0, line_rmse=53_344, plane_rmse=43_617)
    loss_ax = dashboard.figure.axes[0]
    drawn = {line.get_label(): line.get_ydata()[0] for line in loss_ax.get_lines()}
    assert drawn["best single-feature line, test"] == 53_344 and drawn["best plane, same inputs, test"] == 43_617
    legend = [text.get_text() for text in loss_ax.get_legend().get_texts()]
    assert "best plane, same inputs, test" in legend


def test_the_default_network_beats_the_best_single_feature_line(dashboard, split):
    status = dashboard.update(alpha=0.3, hidden=3, epochs=1000)
    assert "converging" in status
    assert rmse_dollars(split, dashboard.run(0.3, 3).snapshots[1000]) < 53_344 * 0.8


@pytest.mark.parametrize("alpha, says", [(0.01, "converging"), (0.8, "oscillating"), (1.0, "diverging"),
                                         (3.0, "diverged at epoch 6")])
def test_the_ends_of_the_learning_rate_slider_are_labelled(dashboard, alpha, says):
    status = dashboard.update(alpha=alpha, hidden=3, epochs=1000)
    assert says in status
    if alpha >= 1:
        assert "Try a smaller α" in status and dashboard.warning.get_text()
        assert "blew up" in dashboard.warning.get_text() or "off the chart" in dashboard.warning.get_text()
        assert np.all(np.isfinite(dashboard.train_line.get_ydata()))  # no NaN reaches the figure
    else:
        assert dashboard.warning.get_text() == ""


@pytest.mark.parametrize("hidden", [1, 8])
def test_the_ends_of_the_hidden_units_slider_show_that_many_units(dashboard, hidden):
    dashboard.update(alpha=0.3, hidden=hidden, epochs=500)
    for h, diagram in dashboard.diagrams.items():
        assert all(node.get_visible() == (h == hidden) for node in diagram.nodes.values())
    assert sum(key[0] == "h" for key in dashboard.diagrams[hidden].nodes) == hidden


def test_the_epochs_slider_only_redraws_and_starts_untrained(dashboard, monkeypatch):
    dashboard.update(alpha=0.3, hidden=3, epochs=1000)
    monkeypatch.setattr(network, "train", lambda *args, **kwargs: pytest.fail("trained again for new epochs"))
    assert "untrained" in dashboard.update(epochs=0)


def same_run(one, other):
    return (np.array_equal(one.train_losses, other.train_losses) and np.array_equal(one.test_losses, other.test_losses)
            and all(np.array_equal(a[name], b[name]) for a, b in zip(one.snapshots, other.snapshots) for name in a))


def test_runs_trained_ahead_in_a_second_process_are_the_runs_trained_here(split):
    settings = [(0.3, 2), (3.0, 1)]  # the second diverges: it stops early, there as here
    ahead = Ahead(functools.partial(network.train_setting, split, 60), settings)
    deadline = time.monotonic() + 120  # the second process starts Python and numpy first
    while ahead.ready() < len(settings) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ahead.ready() == len(settings)  # nothing asked for them here: both came from the second process
    for setting in settings:
        assert same_run(ahead.get(setting), network.train_setting(split, 60, setting))


def test_without_a_second_process_each_run_is_trained_when_asked_for(split, monkeypatch):
    def no_processes(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(subprocess, "Popen", no_processes)
    ahead = Ahead(functools.partial(network.train_setting, split, 20), [(0.3, 2)])
    assert same_run(ahead.get((0.3, 2)), network.train_setting(split, 20, (0.3, 2)))
    ahead.get((0.3, 1))  # a setting it was not asked to work out ahead: not counted as ready ahead
    assert (ahead.ready(), ahead.total) == (1, 1)


def test_edges_can_show_weights_or_gradient_sizes(dashboard, split):
    dashboard.update(alpha=0.3, hidden=3, epochs=0, edges="weights")
    weights_picture = bytes(dashboard.image.value)
    dashboard.update(edges="gradients")
    assert bytes(dashboard.image.value) != weights_picture
    grads = network.backward(split.X_train, split.y_train, **network.init_params(2, 3))
    biggest = max(np.abs(grads["W1"]).max(), np.abs(grads["W2"]).max())
    assert f"full colour is {biggest:.2g}, the largest weight gradient at epoch 0" in dashboard.status.value
    widths = {key: line.get_linewidth() for key, line in dashboard.diagrams[3].edges.items()}
    assert max(widths, key=widths.get) == ("W2", *np.unravel_index(np.abs(grads["W2"]).argmax(), (3, 1)))


def edge_looks(dashboard, hidden=3):
    """Each edge's (width, lightness): lightness 1 is white."""
    return {key: (line.get_linewidth(), float(np.mean(line.get_color()[:3])))
            for key, line in dashboard.diagrams[hidden].edges.items()}


def test_the_gradient_edges_keep_one_scale_so_they_fade_as_training_settles(dashboard, split):
    """Not each epoch's own largest gradient in full colour: the untrained network's largest, every epoch."""
    looks, scales = {}, set()
    for epochs in (0, 10, 100, 1000):
        dashboard.update(alpha=0.3, hidden=3, epochs=epochs, edges="gradients")
        looks[epochs] = edge_looks(dashboard)
        scales.add(re.search(r"full colour is ([0-9.]+)", dashboard.status.value).group(1))
        grads = network.backward(split.X_train, split.y_train, **dashboard.run(0.3, 3).snapshots[epochs])
        assert f"now the largest is {max(np.abs(grads['W1']).max(), np.abs(grads['W2']).max()):.2g}" in \
            dashboard.status.value
    assert scales == {"0.6"}
    boldest = {epochs: max(width for width, _ in edges.values()) for epochs, edges in looks.items()}
    assert boldest[0] > boldest[10] > boldest[100] > boldest[1000]  # they fade...
    palest = {epochs: max(light for _, light in edges.values()) for epochs, edges in looks.items()}
    assert palest[1000] < 0.99  # ...but stay in sight
    assert min(light for _, light in looks[0].values()) < min(light for _, light in looks[1000].values())


def test_the_gradient_scale_is_the_same_for_every_alpha(dashboard):
    """Every run starts from the same untrained network, so the scale compares runs too."""
    assert dashboard.gradient_scale(0.3, 3) == dashboard.gradient_scale(0.8, 3) == dashboard.gradient_scale(0.01, 3)
    dashboard.update(alpha=0.8, hidden=3, epochs=3, edges="gradients")  # larger than at the start: full colour
    assert max(width for width, _ in edge_looks(dashboard).values()) == pytest.approx(4.0)


def test_a_slider_drag_calls_update(dashboard):
    dashboard.update(alpha=0.3, hidden=3, epochs=1000)
    dashboard.controls["epochs"].value = 200  # what a browser drag does
    assert "200 epochs" in dashboard.status.value and "200 epochs" in repr(dashboard)


# --- guess first: the stepper's guess box ------------------------------------------------------------------

def test_each_step_asks_for_the_value_it_then_shows(split, params):
    stepper = BackpropStepper(split, params)
    expected = expected_values(split.X_train[OURS], split.y_train[OURS], params)
    for step, op in enumerate(stepper.ops, start=1):
        assert stepper.guess.text.description == f"your guess of {GUESSED[op.name]} (line {step})"
        value = float(np.ravel(expected[op.name])[0])
        stepper.guess.text.value = f"{value * 1.01:.6g}"  # worked out by hand, 1% off
        status = stepper.next()
        assert stepper.values["step"] == step and status.startswith("You said") and ": right (" in status
        assert stepper.guess.text.value == ""  # emptied for the next guess
    assert stepper.guess.text.placeholder == "the last step is shown"
    assert stepper.next() is None and stepper.values["step"] == len(stepper.ops)  # no step past the end


@pytest.mark.parametrize("typed, said", [
    ("", None),  # no guess: the step is just shown
    ("3.5", "You said 3.5; it is 3.19."),
    ("-3.19", "You said -3.19: the size is right, the sign is not (3.19)."),
    ("3,19", "You said 3,19: right (3.19)."),  # a decimal comma
    ("about 3", "“about 3” is not a number"),
    ("<b>3</b>", "“&lt;b&gt;3&lt;/b&gt;” is not a number"),  # shown as typed, not as HTML
])
def test_the_verdict_on_a_guess_of_the_error_signal(split, params, typed, said):
    stepper = BackpropStepper(split, params, step=4)  # next: ∂E/∂ŷ = 3.19 for our house
    stepper.guess.text.value = typed
    status = stepper.next()
    assert "Step 5 of 11" in status and (said in status if said else not status.startswith(("You", "“")))
    assert repr(stepper).split(": ", 1)[1].startswith(re.sub("<[^>]+>", "", status)[:20])  # static viewers too


@pytest.mark.parametrize("typed, number", [("−0.23", -0.23), ("0,5", 0.5), ("1.5e-3", 0.0015), ("1 000", 1000.0),
                                           ("1,000.5", None), ("x", None), ("", None)])
def test_guesses_are_read_as_learners_type_them(typed, number):
    assert parse_number(typed) == number
