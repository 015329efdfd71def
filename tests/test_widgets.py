import re

import pytest

from course_utils import data, network
from course_utils.figures.common import RED, ink
from course_utils.explorers.start_here import PredictionDemo
from course_utils.explorers.backprop import BackpropStepper, TrainingDashboard
from course_utils.explorers.derivatives import GradientExplorer, NudgeExplorer
from course_utils.explorers.dot_product import FeatureExplorer, TimingExplorer
from course_utils.explorers.error import WeightExplorer
from course_utils.explorers.learning_rate import LearningRateExplorer
from explorer_state import check_there_and_back, state


def test_update_moves_the_picture_and_the_slider_and_says_the_error():
    demo = PredictionDemo()
    first_picture = demo.image.value
    status = demo.update(prediction=60_000)
    assert "−$40,000" in status and demo.controls["prediction"].value == 60_000
    assert demo.image.value != first_picture and bytes(demo.image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize("end, error", [(0, "−$100,000"), (200_000, "+$100,000")])
def test_the_ends_of_the_slider(end, error):
    assert error in PredictionDemo().update(prediction=end)


def test_moving_the_slider_calls_update():
    demo = PredictionDemo()
    demo.controls["prediction"].value = 125_000  # what a browser drag does
    assert "+$25,000" in demo.status.value and "+$25,000" in repr(demo)


def test_bad_values_get_clear_errors():
    demo = PredictionDemo()
    with pytest.raises(ValueError, match="prediction must be between 0 and 200000"):
        demo.update(prediction=-1)
    with pytest.raises(TypeError, match="no control 'alpha'"):
        demo.update(alpha=0.1)


def test_static_viewers_get_a_picture_and_a_fixed_text():
    bundle = PredictionDemo()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("PredictionDemo(prediction=150000): Predicted $150,000")
    assert "application/vnd.jupyter.widget-view+json" in bundle and len(bundle["image/png"]) > 1000


# --- a bad value, or a draw() that fails, changes nothing -------------------------------------------------


@pytest.fixture(scope="module")
def split():
    return data.house_split(["Gr_Liv_Area", "Year_Built"])


@pytest.fixture(scope="module")
def explorers(split):
    houses = data.load_houses()
    area, price = houses["Gr_Liv_Area"], houses["Sale_Price"]
    x, y = data.Scaler.fit(area).scale(area), data.Scaler.fit(price).scale(price)
    return {"demo": PredictionDemo(),
            "dashboard": TrainingDashboard(split, epochs=100, max_epochs=100),
            "stepper": BackpropStepper(split, network.init_params(2, 3, seed=0)),
            "rates": LearningRateExplorer(x, y, start=[-1.5], alpha=0.1, alpha_range=(1e-3, 4)),
            "nudge": NudgeExplorer()}


ALPHAS = "0.01, 0.03, 0.1, 0.3, 0.8, 1, 3"
BAD_UPDATES = [  # explorer, bad values, the error and what its message says, then a good update and what it says
    ("dashboard", dict(hidden=2.5), TypeError, "hidden must be a whole number between 1 and 8, got 2.5",
     dict(hidden=2), "2 hidden units"),
    ("dashboard", dict(alpha=0.5), ValueError, f"alpha must be between 0.01 and 3 and one of the slider's "
     f"values: {ALPHAS}; got 0.5", dict(alpha=0.8), "α = 0.8"),
    ("dashboard", dict(epochs=50, alpha=0.5), ValueError, "got 0.5", dict(epochs=50), "50 epochs"),
    ("dashboard", dict(edges="bogus"), ValueError, "edges must be one of 'weights', 'gradients'; got 'bogus'",
     dict(alpha=0.3, hidden=3, epochs=100, edges="gradients"), "α = 0.3, 3 hidden units, 100 epochs"),
    ("dashboard", dict(epochs=101), ValueError, "epochs must be between 0 and 100, got 101", dict(epochs=0),
     "untrained"),
    ("stepper", dict(step=2.5), TypeError, "step must be a whole number between 0 and 11, got 2.5", dict(step=2),
     "Step 2 of 11"),
    ("rates", dict(steps=2.5), TypeError, "steps must be a whole number between 1 and 100, got 2.5",
     dict(steps=3), "3 steps"),
    ("rates", dict(alpha="0.1"), TypeError, "alpha must be between 0.001 and 4 and one of the slider's values: "
     "0.001, 0.002, 0.003, 0.005, 0.008, 0.01,",
     dict(alpha=0.2), "α = 0.2"),
    ("demo", dict(prediction="100"), TypeError,
     "prediction must be a whole number between 0 and 200000, got '100'", dict(prediction=100),
     "Predicted <b>$100</b>"),
    ("demo", dict(prediction=True), TypeError, "got True", dict(prediction=1), "Predicted <b>$1</b>"),
    ("demo", dict(prediction=2.5), TypeError, "got 2.5", dict(prediction=0), "Predicted <b>$0</b>"),
    ("demo", dict(alpha=0.1), TypeError, "no control 'alpha'", dict(prediction=5), "Predicted <b>$5</b>"),
    ("rates", dict(alpha=float("nan")), ValueError, "alpha must be between 0.001 and 4 and one of the slider's "
     "values: 0.001,",
     dict(alpha=0.3), "α = 0.3"),
    ("nudge", dict(h=19.95), ValueError, "h must be between 0.0001 and 100 and one of the slider's values: "
     "0.0001, 0.0002, 0.0005, 0.001,", dict(w=80.0, h=10), "$90/sq ft"),
    ("nudge", dict(w=90.0, h="20"), TypeError, "got '20'", dict(w=90.0), "from $90"),
]


@pytest.mark.parametrize("name, bad, error, message, good, says", BAD_UPDATES)
def test_a_bad_update_changes_nothing_and_the_next_one_works(explorers, name, bad, error, message, good, says):
    explorer = explorers[name]
    before = state(explorer)
    with pytest.raises(error, match=re.escape(message)):
        explorer.update(**bad)
    assert state(explorer) == before
    assert says in explorer.update(**good) and says in explorer.status.value
    assert all(explorer.values[key] == value == explorer.controls[key].value for key, value in good.items())
    assert bytes(explorer.image.value) != before[3]


def test_a_draw_that_fails_midway_is_undone(explorers, monkeypatch):
    dashboard = explorers["dashboard"]
    dashboard.update(alpha=0.3, hidden=3, epochs=100, edges="weights")
    before = state(dashboard)

    def backward(*args, **kwargs):  # the gradient picture comes last in draw(): everything else has moved
        raise RuntimeError("no gradients today")

    monkeypatch.setattr(network, "backward", backward)
    with pytest.raises(RuntimeError, match="no gradients today"):
        dashboard.update(hidden=5, epochs=40, edges="gradients")
    assert state(dashboard) == before
    # The figure is back at the values shown: 3 hidden units, 100 epochs.
    assert all(node.get_visible() == (h == 3) for h, diagram in dashboard.diagrams.items()
               for node in diagram.nodes.values())
    assert len(dashboard.train_line.get_xdata()) == 101
    monkeypatch.undo()
    dashboard.update(epochs=100)
    assert state(dashboard) == before  # the same values draw the same picture
    assert "5 hidden units, 40 epochs" in dashboard.update(hidden=5, epochs=40, edges="gradients")


def failing_at(explorer, bad_prediction, message):
    """A PredictionDemo draw() that moves the artists, then fails for one prediction."""
    real_draw = explorer.draw

    def draw(prediction):
        status = real_draw(prediction)
        if prediction == bad_prediction:
            raise RuntimeError(message)
        return status
    return draw


def test_an_error_while_the_slider_moves_shows_in_red_and_the_slider_goes_back(monkeypatch):
    demo = PredictionDemo()
    monkeypatch.setattr(demo, "draw", failing_at(demo, 60_000, "no picture below <$100,000>"))
    (values, controls, _, picture) = before = state(demo)
    demo.controls["prediction"].set_state({"value": 60_000})  # what the browser sends; raises nothing
    assert "RuntimeError: no picture below &lt;$100,000&gt;" in demo.status.value
    assert f"color:{ink(RED)}" in demo.status.value  # red, dark enough to read (4.5:1 on white)
    assert state(demo) == (values, controls, demo.status.value, picture)  # all but the status line as before
    assert demo.marker.get_xdata()[0] == 150_000  # the figure too
    demo.controls["prediction"].set_state({"value": 125_000})
    assert "+$25,000" in demo.status.value and "RuntimeError" not in demo.status.value
    assert demo.values["prediction"] == 125_000 and demo.image.value != before[3]


def test_an_error_from_the_steppers_buttons_shows_too(monkeypatch, split):
    stepper = BackpropStepper(split, network.init_params(2, 3, seed=0))
    real_draw = stepper.draw
    monkeypatch.setattr(stepper, "draw", lambda step: real_draw(step) if step != 1 else 1 / 0)
    forward = stepper.widget.children[0].children[1]
    forward.click()
    assert "ZeroDivisionError" in stepper.status.value
    assert stepper.values["step"] == stepper.controls["step"].value == 0


@pytest.mark.parametrize("build, error, message", [
    (lambda split: TrainingDashboard(split, alpha=0.5), ValueError,
     f"alpha must be between 0.01 and 3 and one of the slider's values: {ALPHAS}; got 0.5"),
    (lambda split: TrainingDashboard(split, edges="bogus"), ValueError,
     "edges must be one of 'weights', 'gradients'"),
    (lambda split: TrainingDashboard(split, hidden=2.5), TypeError,
     "hidden must be a whole number between 1 and 8"),
    (lambda split: BackpropStepper(split, network.init_params(2, 3), step=12), ValueError,
     "step must be between 0 and 11, got 12"),
    (lambda split: PredictionDemo(prediction=-5), ValueError, "prediction must be between 0 and 200000, got -5"),
    (lambda split: PredictionDemo(prediction="5"), TypeError, "prediction must be a whole number"),
    (lambda split: NudgeExplorer(h=19.95), ValueError, "h must be between 0.0001 and 100 and one of"),
    (lambda split: NudgeExplorer(w=200), ValueError, "w must be between 20 and 160, got 200"),
    (lambda split: GradientExplorer(b="50"), TypeError, "b must be a number between -50 and 80"),
    (lambda split: FeatureExplorer(garage=1.0), TypeError, "no control 'garage'"),
    (lambda split: TimingExplorer(houses=5), ValueError, "houses must be between 10 and 2930, got 5"),
    (lambda split: WeightExplorer([1.0], [1.0], weight=300), ValueError, "weight must be between 0 and 250"),
])
def test_constructors_check_their_values_as_update_does(split, build, error, message):
    with pytest.raises(error, match=re.escape(message)):
        build(split)


# --- moving a control there and back shows the very same picture --------------------------------------------

THERE_AND_BACK = [  # explorer, control, two values to move it to (whichever it is not at already)
    ("demo", "prediction", (60_000, 190_000)), ("dashboard", "hidden", (2, 7)),
    ("dashboard", "edges", ("weights", "gradients")), ("dashboard", "epochs", (10, 90)),
    ("stepper", "step", (4, 9)), ("rates", "alpha", (0.05, 2.0)), ("rates", "steps", (20, 80)),
    ("nudge", "h", (0.01, 50)), ("nudge", "w", (40.0, 160.0)), ("weight", "weight", (100, 200)),
    ("gradient", "w", (100.0, 150.0)), ("gradient", "b", (-30.0, 30.0)), ("features", "Year_Built", (30.0, 60.0)),
]


@pytest.fixture(scope="module")
def more_explorers(explorers):
    houses = data.load_houses()
    return {**explorers, "weight": WeightExplorer(houses["Gr_Liv_Area"], houses["Sale_Price"]),
            "gradient": GradientExplorer(), "features": FeatureExplorer()}


@pytest.mark.parametrize("name, control, values", THERE_AND_BACK)
def test_moving_a_control_there_and_back_shows_the_same_picture(more_explorers, name, control, values):
    check_there_and_back(more_explorers[name], control, values)


def test_the_marker_is_where_the_slider_is():
    demo = PredictionDemo()
    for prediction in (0, 60_000, 200_000):
        demo.controls["prediction"].value = prediction
        assert demo.marker.get_xdata()[0] == prediction == demo.arrow.xy[0]
        assert demo.arrow.xyann == (PredictionDemo.ACTUAL, 0)  # the arrow runs from the actual price
