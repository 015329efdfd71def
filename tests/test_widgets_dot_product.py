"""The explorers of 04_dot_product: update() called directly, at the ends of every slider."""
import re

import numpy as np
import pytest

from course_utils.linear import best_weights, predict_linear
from course_utils.losses import rmse
from course_utils.data import standardised_houses
from course_utils.widgets_dot_product import FEATURES, FeatureExplorer, TimingExplorer, time_loop_and_matmul

X, Y, _ = standardised_houses()


def dollars(status):
    """The dollar amounts in a status line, in order."""
    return [float(text.replace(",", "")) for text in re.findall(r"\$([0-9][0-9,]*)", status)]


@pytest.fixture(scope="module")
def features():
    return FeatureExplorer()


@pytest.fixture(scope="module")
def timing():
    return TimingExplorer()


def test_zero_weights_predict_the_average_price_for_every_house(features):
    status = features.update(**{name: 0.0 for name in FEATURES})
    predictions = features.dots.get_offsets()[:, 1]
    assert np.allclose(predictions, np.mean(Y))
    assert f"<b>${rmse(np.full_like(Y, np.mean(Y)), Y):,.0f}</b>" in status  # the spread of the prices


@pytest.mark.parametrize("end", [-20.0, 80.0])
@pytest.mark.parametrize("name", list(FEATURES))
def test_each_slider_at_its_ends(features, name, end):
    weights = {other: 10.0 for other in FEATURES}
    weights[name] = end
    status = features.update(**weights)
    w = np.array([weights[other] for other in FEATURES]) * 1000
    predictions = predict_linear(X, w, np.mean(Y))
    assert np.allclose(features.dots.get_offsets(), np.column_stack([Y, predictions]))
    assert f"<b>${rmse(predictions, Y):,.0f}</b>" in status
    bar = features.bars[list(FEATURES).index(name)]
    assert bar.get_width() == end


def test_the_best_weights_reach_the_best_error(features):
    best_w, best_b = best_weights(X, Y)
    assert best_b == pytest.approx(np.mean(Y))  # standardised features: the best bias is the mean price
    status = features.update(**{name: round(value / 1000) for name, value in zip(FEATURES, best_w)})
    mine, best = dollars(status)[-2:]
    assert best == pytest.approx(44_584, abs=1) and best <= mine < best + 200


def test_the_slider_calls_update_and_the_picture_changes(features):
    features.update(**{name: 0.0 for name in FEATURES})
    before = features.image.value
    features.controls["Gr_Liv_Area"].value = 40.0  # what a browser drag does
    assert features.values["Gr_Liv_Area"] == 40.0 and features.image.value != before
    assert "+ 40k × living area" in features.status.value
    features.update(Year_Built=-20.0)
    assert "− 20k × year built" in features.status.value


def test_weights_off_the_slider_are_refused(features):
    with pytest.raises(ValueError, match="must be between"):
        features.update(Year_Built=81.0)


def test_the_timings_are_real_and_the_loop_is_slower():
    loop, matmul = time_loop_and_matmul(X, np.ones(X.shape[1]), 0.0)
    assert 0 < matmul < loop


@pytest.mark.parametrize("houses", [10, 2930])
def test_timing_at_the_ends_of_the_slider(timing, houses):
    status = timing.update(houses=houses)
    assert f"{houses:,} predictions" in status and timing.speedup > 1
    widths = [bar.get_width() for bar in timing.bars]
    assert widths[0] > widths[1] > 0  # the loop's bar is the longer one
    low, high = timing.figure.axes[0].get_xlim()
    assert all(low < width < high for width in widths)


def test_the_stored_text_of_the_timing_holds_no_measured_number(timing):
    timing.update(houses=2930)
    text = timing._repr_mimebundle_()["text/plain"]
    assert "ms" not in text and "×" not in text and "2,930 houses" in text
