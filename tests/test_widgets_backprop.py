"""The backprop stepper and the training dashboard of 05_backpropagation, and the network helpers they use
(trace, train_with_snapshots). Every value the widgets show is checked against what the network computes."""
import numpy as np
import pytest

from course_utils import data, gradcheck, network
from course_utils.widgets_backprop import SLOTS, BackpropStepper, TrainingDashboard, num, usd

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
    steps = network.trace(X, y, **params)
    assert [step.name for step in steps] == list(SLOTS)
    assert [step.is_gradient for step in steps] == [False] * 4 + [True] * 7
    expected = expected_values(X, y, params)
    for step in steps:
        assert np.shape(step.value) == np.shape(expected[step.name]), step.name
        assert np.allclose(step.value, expected[step.name], atol=1e-7), step.name
    for name in NAMES:  # the parameter gradients are exactly backward's
        assert np.array_equal(next(s.value for s in steps if s.name == f"d_{name}"),
                              network.backward(X, y, **params)[name])


def test_trace_lines_are_the_lines_of_loss_and_gradients():
    import inspect
    source = inspect.getsource(network.loss_and_gradients)
    for step in network.trace(np.ones((1, 2)), np.ones((1, 1)), **network.init_params(2, 3)):
        if step.is_gradient:
            assert step.code in source, step.code


# --- train_with_snapshots -------------------------------------------------------------------------------

def test_snapshots_are_the_parameters_train_reaches(split):
    run = network.train_with_snapshots(split.X_train, split.y_train, 3, 0.3, 100,
                                       X_test=split.X_test, y_test=split.y_test)
    same = network.train(split.X_train, split.y_train, 3, 0.3, 100, X_test=split.X_test, y_test=split.y_test)
    assert np.array_equal(run.train_losses, same.train_losses) and np.array_equal(run.test_losses, same.test_losses)
    assert run.regime == same.regime and len(run.snapshots) == 101
    shorter = network.train(split.X_train, split.y_train, 3, 0.3, 40)
    for name in NAMES:
        assert np.array_equal(run.snapshots[40][name], shorter.params[name])
        assert np.array_equal(run.params[name], same.params[name])


def test_a_diverging_run_stops_cleanly_and_keeps_the_last_finite_parameters(split):
    run = network.train_with_snapshots(split.X_train, split.y_train, 3, 3.0, 1000)
    assert run.regime == "diverging" and run.diverged_at == network.train(split.X_train, split.y_train, 3, 3.0,
                                                                          1000).diverged_at
    assert len(run.snapshots) == run.diverged_at == len(run.train_losses)
    assert all(np.all(np.isfinite(value)) for value in run.params.values())


# --- the stepper ------------------------------------------------------------------------------------------

def test_every_step_shows_what_the_network_computes_and_nothing_ahead(stepper, split, params):
    X, y = split.X_train[:1], split.y_train[:1]
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
    prediction = network.forward(split.X_train[:1], **params)[1]
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
    from course_utils.plots import NetworkDiagram, new_figure
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
        assert "off the chart" in dashboard.price_title.get_text()
        assert np.all(np.isfinite(dashboard.train_line.get_ydata()))  # no NaN reaches the figure
    else:
        assert dashboard.warning.get_text() == ""


@pytest.mark.parametrize("hidden", [1, 8])
def test_the_ends_of_the_hidden_units_slider_show_that_many_units(dashboard, hidden):
    dashboard.update(alpha=0.3, hidden=hidden, epochs=500)
    for h, diagram in dashboard.diagrams.items():
        assert all(node.get_visible() == (h == hidden) for node in diagram.nodes.values())
    assert sum(key[0] == "h" for key in dashboard.diagrams[hidden].nodes) == hidden


def test_the_epochs_slider_only_redraws_and_starts_untrained(dashboard):
    dashboard.update(alpha=0.3, hidden=3, epochs=1000)
    runs = len(dashboard.runs)
    assert "untrained" in dashboard.update(epochs=0)
    assert len(dashboard.runs) == runs  # no training for a new epoch count


def test_edges_can_show_weights_or_gradient_sizes(dashboard, split):
    dashboard.update(alpha=0.3, hidden=3, epochs=0, edges="weights")
    weights_picture = bytes(dashboard.image.value)
    dashboard.update(edges="gradients")
    assert bytes(dashboard.image.value) != weights_picture
    grads = network.backward(split.X_train, split.y_train, **network.init_params(2, 3))
    biggest = max(np.abs(grads["W1"]).max(), np.abs(grads["W2"]).max())
    assert f"{biggest:.2g}" in dashboard.net_title.get_text()
    widths = {key: line.get_linewidth() for key, line in dashboard.diagrams[3].edges.items()}
    assert max(widths, key=widths.get) == ("W2", *np.unravel_index(np.abs(grads["W2"]).argmax(), (3, 1)))


def test_a_slider_drag_calls_update(dashboard):
    dashboard.update(alpha=0.3, hidden=3, epochs=1000)
    dashboard.controls["epochs"].value = 200  # what a browser drag does
    assert "200 epochs" in dashboard.status.value and "200 epochs" in repr(dashboard)
