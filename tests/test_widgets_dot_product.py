"""The explorers of 04_dot_product, driven through their sliders and checked against facts worked out
here without their code: the features standardised by hand from the data file, the best weights by least
squares, the spread of the prices."""
import re

import numpy as np
import pytest

from course_utils.data import load_houses
from course_utils.explorers.dot_product import FEATURES, FeatureExplorer, TimingExplorer, time_loop_and_matmul

HOUSES = load_houses()
Y = HOUSES["Sale_Price"]
# Each explored feature in standard deviations from its mean, one column per slider.
Z = np.column_stack([(HOUSES[name] - HOUSES[name].mean()) / HOUSES[name].std() for name in FEATURES])


def dollars(status):
    """The dollar amounts in a status line, in order."""
    return [float(text.replace(",", "")) for text in re.findall(r"\$([0-9][0-9,]*)", status)]


def shown_rmse(status):
    """The bold RMSE of the status line."""
    return float(re.search(r"RMSE <b>\$([0-9,]+)</b>", status).group(1).replace(",", ""))


def slide(explorer, **weights):
    """Drag each slider, as a browser does; the status line the learner then reads."""
    for name, value in weights.items():
        explorer.controls[name].value = value
    return explorer.status.value


@pytest.fixture(scope="module")
def features():
    return FeatureExplorer()


@pytest.fixture(scope="module")
def timing():
    return TimingExplorer()


def test_zero_weights_predict_the_average_price_for_every_house(features):
    status = slide(features, **{name: 0.0 for name in FEATURES})
    predictions = features.dots.get_offsets()[:, 1]
    assert np.allclose(predictions, 180_796.06) and "price = $180,796 " in status  # the average sale price
    # Predicting the average misses by the prices' standard deviation, on average in the RMSE's sense.
    assert shown_rmse(status) == round(np.std(Y)) == 79_873


@pytest.mark.parametrize("end", [-20.0, 80.0])
@pytest.mark.parametrize("name", list(FEATURES))
def test_each_slider_at_its_ends(features, name, end):
    weights = {other: 10.0 for other in FEATURES}
    weights[name] = end
    status = slide(features, **weights)
    assert features.values == weights
    # Every house: the average price plus, per feature, the weight in dollars times its standard deviations.
    mine = np.mean(Y) + sum(1000 * weights[other] * Z[:, k] for k, other in enumerate(FEATURES))
    actual, predicted = features.dots.get_offsets().T
    assert np.array_equal(actual, Y) and np.allclose(predicted, mine)
    assert np.mean(predicted) == pytest.approx(np.mean(Y))  # standardised features average 0: so do their terms
    assert abs(shown_rmse(status) - np.sqrt(np.mean((mine - Y) ** 2))) <= 0.5 + 1e-6  # shown to the dollar
    bar = features.bars[list(FEATURES).index(name)]
    assert bar.get_width() == end == features.controls[name].value


def test_the_best_weights_reach_the_best_error(features):
    solution, *_ = np.linalg.lstsq(np.column_stack([Z, np.ones(len(Y))]), Y, rcond=None)
    best_w, best_b = solution[:-1], solution[-1]
    assert best_b == pytest.approx(np.mean(Y))  # standardised features: the best bias is the mean price
    ticks = [line for line in features.figure.axes[1].get_lines() if line.get_marker() == "|"]
    assert np.allclose(ticks[0].get_xdata(), best_w / 1000)  # the black ticks mark the best weights
    best_rmse = np.sqrt(np.mean((Z @ best_w + best_b - Y) ** 2))
    rounded = {name: float(round(value / 1000)) for name, value in zip(FEATURES, best_w)}  # the sliders' steps
    mine, best = dollars(slide(features, **rounded))[-2:]
    assert best == round(best_rmse) == 44_584 and best <= mine < best + 200  # as 04_dot_product says
    # One step of any slider away from the best weights only makes the error worse.
    for name in FEATURES:
        for step in (-1.0, 1.0):
            assert shown_rmse(slide(features, **{**rounded, name: rounded[name] + step})) > mine, (name, step)


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
    loop, matmul = time_loop_and_matmul(Z, np.ones(Z.shape[1]), 0.0)
    assert 0 < matmul < loop


@pytest.mark.parametrize("houses, says", [(10, "10 predictions:"), (2930, "2,930 predictions:")])
def test_timing_at_the_ends_of_the_slider(timing, houses, says):
    timing.controls["houses"].value = houses  # what releasing the slider does
    status = timing.status.value
    assert status.startswith(says) and timing.speedup > 1
    loop_ms, matmul_ms = (float(text) for text in re.findall(r"took ([0-9.e+-]+) ms", status))
    speedup = float(re.search(r"<b>([0-9,]+)× faster</b>", status).group(1).replace(",", ""))
    # The times are shown to 3 digits (each off by up to 0.5%), the speed-up to the nearest whole number.
    assert abs(speedup - loop_ms / matmul_ms) <= 0.5 + 0.011 * loop_ms / matmul_ms
    widths = [bar.get_width() for bar in timing.bars]
    assert widths == pytest.approx([loop_ms, matmul_ms], rel=6e-3)  # the bars are the times shown, in ms
    assert widths[0] > widths[1] > 0  # the loop's bar is the longer one
    low, high = timing.figure.axes[0].get_xlim()
    assert all(low < width < high for width in widths)


def test_the_stored_text_of_the_timing_holds_no_measured_number(timing):
    timing.update(houses=2930)
    text = timing._repr_mimebundle_()["text/plain"]
    assert "ms" not in text and "×" not in text and "2,930 houses" in text
