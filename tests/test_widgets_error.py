import numpy as np
import pytest

from course_utils.data import load_houses
from course_utils.linear import best_line_weight, line_loss
from course_utils.widgets_error import WeightExplorer

HOUSES = load_houses()
AREA, PRICE = HOUSES["Gr_Liv_Area"], HOUSES["Sale_Price"]


@pytest.fixture(scope="module")
def explorer():
    return WeightExplorer(AREA, PRICE, weight=60)


@pytest.mark.parametrize("weight", [0, 60, 120, 250])  # the slider's ends and two points between
def test_the_status_reports_the_true_mse(explorer, weight):
    status = explorer.update(weight=weight)
    mse = float(line_loss(weight, AREA, PRICE))
    assert f"MSE = <b>{mse / 1e9:.2f} billion $²</b>" in status
    assert f"RMSE (its square root) <b>${round(np.sqrt(mse), -2):,.0f}</b>" in status
    median = np.median(np.abs(weight * AREA - PRICE))
    assert f"median miss <b>${round(median, -2):,.0f}</b>" in status
    assert np.mean(np.abs(weight * AREA - PRICE) < median) <= 0.5 <= np.mean(np.abs(weight * AREA - PRICE) <= median)


def test_the_rmse_weighs_big_misses_more_than_the_median_miss(explorer):
    for weight in (60, 120, 200):  # the square root of a mean of squares is pulled up by the big misses
        misses = np.abs(weight * AREA - PRICE)
        assert np.sqrt(np.mean(misses ** 2)) > np.mean(misses) > np.median(misses)


def test_the_line_residuals_and_marker_move_to_the_weight(explorer):
    before = bytes(explorer.png)
    explorer.update(weight=150)
    assert bytes(explorer.png) != before
    assert np.allclose(explorer.line.get_ydata(), 150 * explorer.line.get_xdata())
    xs, ys = explorer.residuals.get_data()  # house k's bar runs from point 3k to 3k + 1; then a gap
    assert len(xs) == 3 * len(PRICE) and np.isnan(ys[2::3]).all()
    assert np.allclose([xs[21], ys[21], xs[22], ys[22]], [AREA[7], PRICE[7], AREA[7], 150 * AREA[7]])
    assert np.allclose(explorer.landscape.get_ydata(), float(line_loss(150, AREA, PRICE)) / 1e9)


def test_the_landscape_is_lowest_where_the_formula_says():
    assert round(best_line_weight(AREA, PRICE)) == 120


def test_outside_the_slider_is_refused(explorer):
    with pytest.raises(ValueError, match="between 0 and 250"):
        explorer.update(weight=251)
