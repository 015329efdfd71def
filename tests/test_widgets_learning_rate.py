import numpy as np
import pytest

from course_utils.data import Scaler, load_houses
from course_utils.linear import LineProblem, line_curvature
from course_utils.widgets_learning_rate import LearningRateExplorer

HOUSES = load_houses()
AREA, PRICE = HOUSES["Gr_Liv_Area"], HOUSES["Sale_Price"]
X, Y = Scaler.fit(AREA).scale(AREA), Scaler.fit(PRICE).scale(PRICE)


@pytest.fixture(scope="module")
def explorer():
    return LearningRateExplorer(X, Y, start=[-1.5], alpha=0.1, alpha_range=(1e-3, 4))


def test_the_boundary_is_two_over_the_curvature(explorer):
    assert explorer.problem.stable_below() == pytest.approx(2 / line_curvature(X)) == pytest.approx(1.0)
    assert "stable below α = 1" in explorer.update(alpha=0.1)


@pytest.mark.parametrize("alpha, regime", [(0.001, "too slow"), (0.01, "too slow"), (0.3, "converging"),
                                           (0.8, "oscillating"), (0.99, "oscillating"), (1.01, "diverging"),
                                           (4.0, "diverging")])  # 0.001 and 4 are the slider's ends
def test_each_regime_is_labelled_without_warning_or_nan(explorer, alpha, regime):
    status = explorer.update(alpha=alpha, steps=30)  # pytest turns any warning into an error
    assert explorer.regime == regime and f"<b>{regime}</b>" in status
    curve_x, curve_y = explorer.curve.get_data()
    assert np.all(np.isfinite(curve_y)) and np.all(np.isfinite(explorer.path.get_xdata()))
    assert "nan" not in status.lower() and "inf" not in status.lower()


def test_a_diverging_run_says_where_it_stopped(explorer):
    status = explorer.update(alpha=4.0, steps=100)
    assert "diverged at step" in status and explorer.run.diverged_at < 100


@pytest.mark.parametrize("steps", [1, 100])  # the step slider's ends
def test_the_step_slider_ends(explorer, steps):
    explorer.update(alpha=0.3, steps=steps)
    assert len(explorer.curve.get_xdata()) == steps + 1
    assert explorer.regime == ("too slow" if steps == 1 else "converging")


def test_more_steps_shrink_the_too_slow_band(explorer):
    explorer.update(steps=10)
    narrow = explorer.slow_band.get_width()
    explorer.update(steps=100)
    assert explorer.slow_band.get_width() < narrow


def test_the_slider_is_a_log_slider_over_the_given_range(explorer):
    alpha = explorer.controls["alpha"]
    assert 10 ** alpha.min == pytest.approx(1e-3) and 10 ** alpha.max == pytest.approx(4)
    alpha.value = 0.8  # what dragging does
    assert explorer.regime == "oscillating"
    with pytest.raises(ValueError, match="alpha must be between"):
        explorer.update(alpha=10.0)


def test_raw_units_leave_no_good_learning_rate():
    raw = LearningRateExplorer(AREA, PRICE, start=[0, 0], alpha=1e-7, alpha_range=(1e-9, 1e-5), intercept=True)
    problem = LineProblem(AREA, PRICE, intercept=True)
    assert problem.too_slow_below(100) > problem.stable_below()  # "too slow" covers every stable α
    regimes = {raw.update(alpha=alpha, steps=100) and raw.regime for alpha in np.logspace(-9, -5, 17)}
    assert regimes <= {"too slow", "oscillating", "diverging"} and "converging" not in regimes
