"""The explorer of 01_error, checked against facts worked out here without its code: the MSE as a
quadratic in w from three averages, the best weight by least squares, a known house from the data file,
and the median miss by counting houses."""
import re

import numpy as np
import pytest

from course_utils.data import load_houses
from course_utils.explorers.error import WeightExplorer

HOUSES = load_houses()
AREA, PRICE = HOUSES["Gr_Liv_Area"], HOUSES["Sale_Price"]

# MSE(w) = mean((w·x − y)²) = w²·mean(x²) − 2w·mean(x·y) + mean(y²): the parabola from three averages.
X2, XY, Y2 = np.mean(AREA ** 2), np.mean(AREA * PRICE), np.mean(PRICE ** 2)


def mse(weight):
    return weight ** 2 * X2 - 2 * weight * XY + Y2


def shown(status):
    """(MSE in billions, RMSE, median miss) as the status line writes them."""
    match = re.search(r"MSE = <b>([0-9.]+) billion \$²</b>; RMSE \(its square root\) <b>\$([0-9,]+)</b>; "
                      r"median miss <b>\$([0-9,]+)</b>", status)
    return tuple(float(text.replace(",", "")) for text in match.groups())


@pytest.fixture(scope="module")
def explorer():
    return WeightExplorer(AREA, PRICE, weight=60)


def move(explorer, weight):
    """Drag the slider, as a browser does; the status line the learner then reads."""
    explorer.controls["weight"].value = weight
    return explorer.status.value


@pytest.mark.parametrize("weight", [0, 60, 120, 250])  # the slider's ends and two points between
def test_the_status_reports_the_true_mse(explorer, weight):
    mse_billions, rmse, median = shown(move(explorer, weight))
    assert explorer.values["weight"] == weight
    assert abs(mse_billions - mse(weight) / 1e9) <= 0.005 + 1e-9   # shown to 2 decimals
    assert abs(rmse - np.sqrt(mse(weight))) <= 50                 # shown to the nearest $100
    # The median miss, as the line says: half the houses are off by less. Counted here, not sorted.
    misses = np.abs(weight * AREA - PRICE)
    assert np.mean(misses < median - 50) <= 0.5 <= np.mean(misses <= median + 50)


def test_with_no_weight_every_miss_is_the_whole_price(explorer):
    """At w = 0 every prediction is $0: the MSE is mean(price)² + variance, the median miss the median price."""
    mse_billions, rmse, median = shown(move(explorer, 0))
    assert mse_billions == round((np.mean(PRICE) ** 2 + np.var(PRICE)) / 1e9, 2) == 39.07
    assert median == 160_000 == np.median(PRICE)
    assert rmse == 197_700


def test_the_best_line_has_the_lesson_s_rmse(explorer):
    """01_error: the best line's RMSE is $56,664, about twice its median miss of $26,915. Those are at
    w = 119.65; the slider stops at 120, where the median miss has grown by about $200 (it moves some $200
    per dollar of w here)."""
    mse_billions, rmse, median = shown(move(explorer, 120))
    assert rmse == 56_700 and 26_900 <= median <= 27_200


@pytest.mark.parametrize("weight", [60, 120, 200])
def test_the_rmse_weighs_big_misses_more_than_the_median_miss(explorer, weight):
    _, rmse, median = shown(move(explorer, weight))  # the square root of a mean of squares is pulled up by
    mean_miss = np.mean(np.abs(weight * AREA - PRICE))  # the big misses
    assert rmse > mean_miss > median


def test_the_line_residuals_and_marker_move_to_the_weight(explorer):
    move(explorer, 60)
    before = bytes(explorer.image.value)
    status = move(explorer, 150)
    assert bytes(explorer.image.value) != before
    xs, ys = explorer.line.get_data()
    assert xs[0] == ys[0] == 0 and ys[-1] / xs[-1] == pytest.approx(150)  # through the origin, $150 per sq ft
    xs, ys = explorer.residuals.get_data()  # house k's bar runs from point 3k to 3k + 1; then a gap
    assert len(xs) == 3 * len(PRICE) and np.isnan(ys[2::3]).all()
    # House 7 of the data file: 1,280 sq ft, sold for $191,500; at $150 per sq ft it is predicted $192,000.
    assert [xs[21], ys[21], xs[22], ys[22]] == [1280, 191_500, 1280, 192_000]
    (marker_w,), (marker_mse,) = explorer.landscape.get_data()
    assert marker_w == explorer.controls["weight"].value == 150
    assert marker_mse == pytest.approx(mse(150) / 1e9) and round(marker_mse, 2) == shown(status)[0]


def test_moving_the_slider_there_and_back_shows_the_same_picture(explorer):
    move(explorer, 60)
    picture = bytes(explorer.image.value)
    move(explorer, 200)
    assert bytes(explorer.image.value) != picture
    move(explorer, 60)
    assert bytes(explorer.image.value) == picture


def test_the_landscape_is_lowest_where_least_squares_says(explorer):
    (best,), *_ = np.linalg.lstsq(AREA.reshape(-1, 1), PRICE, rcond=None)
    assert round(best) == 120
    landscape_ax = explorer.figure.axes[1]
    (dotted,) = [line for line in landscape_ax.get_lines() if line.get_linestyle() == ":"]
    assert dotted.get_xdata()[0] == pytest.approx(best)
    assert "lowest MSE at w = 120" in [text.get_text() for text in landscape_ax.get_legend().get_texts()]
    weights, losses = landscape_ax.get_lines()[0].get_data()  # the grey curve, drawn once
    assert weights[np.argmin(losses)] == 120
    marker = {}
    for weight in (119, 120, 121):
        move(explorer, weight)
        marker[weight] = explorer.landscape.get_ydata()[0]
    assert marker[120] < marker[119] and marker[120] < marker[121]


def test_outside_the_slider_is_refused(explorer):
    with pytest.raises(ValueError, match="between 0 and 250"):
        explorer.update(weight=251)
