"""The learning-rate explorer of 02_learning_rate. Its numbers are checked against facts worked out here
without its code (gradient descent run by hand, the curvature by nudging, the least-squares best) and
against the lesson's own numbers; its strip against the runs it describes."""
import re

import numpy as np
import pytest

from course_utils.data import Scaler, load_houses
from course_utils.descent import run_descent
from course_utils.explorers.learning_rate import LearningRateExplorer, alpha_ladder

HOUSES = load_houses()
AREA, PRICE = HOUSES["Gr_Liv_Area"], HOUSES["Sale_Price"]
X, Y = Scaler.fit(AREA).scale(AREA), Scaler.fit(PRICE).scale(PRICE)
(BEST,), *_ = np.linalg.lstsq(X.reshape(-1, 1), Y, rcond=None)  # the best w for standardised houses


def mse(w):
    """The loss of the one-weight explorer, computed here: MSE of y = w · x on standardised houses."""
    return np.mean((w * X - Y) ** 2)


def slope(w):
    """dE/dw by nudging w by 1 either way: exact on a parabola."""
    return (mse(w + 1) - mse(w - 1)) / 2


def descend(alpha, steps, w=-1.5):
    """Gradient descent by hand, from the explorer's start: the weight after `steps` steps."""
    for _ in range(steps):
        w -= alpha * slope(w)
    return w


@pytest.fixture(scope="module")
def explorer():
    return LearningRateExplorer(X, Y, start=[-1.5], alpha=0.1, alpha_range=(1e-3, 4))


def test_the_boundary_is_two_over_the_curvature(explorer):
    curvature = mse(1.0) - 2 * mse(0.0) + mse(-1.0)  # the second difference: exact on a parabola
    assert curvature == pytest.approx(2.0)  # 2 · mean(x²), and a standardised x has mean(x²) = 1
    assert explorer.problem.stable_below() == pytest.approx(2 / curvature)
    explorer.controls["alpha"].value = 0.2  # what dragging does
    assert explorer.status.value.endswith("; stable below α = 1")
    # Just below 2 / curvature the gap to the best w shrinks; just above, it grows.
    assert abs(descend(0.99, 100) - BEST) < abs(-1.5 - BEST) < abs(descend(1.01, 100) - BEST)


@pytest.mark.parametrize("alpha, regime", [(0.001, "too slow"), (0.01, "too slow"), (0.3, "converging"),
                                           (0.8, "oscillating"), (0.95, "oscillating"), (1.05, "diverging"),
                                           (4, "diverging")])  # 0.001 and 4 are the slider's ends
def test_each_regime_is_labelled_without_warning_or_nan(explorer, alpha, regime):
    status = explorer.update(alpha=alpha, steps=30)  # pytest turns any warning into an error
    assert explorer.regime == regime and f"<b>{regime}</b>" in status
    curve_x, curve_y = explorer.curve.get_data()
    assert np.all(np.isfinite(curve_y)) and np.all(np.isfinite(explorer.path.get_xdata()))
    assert "nan" not in status.lower() and "inf" not in status.lower()


def test_a_diverging_run_says_where_it_stopped(explorer):
    status = explorer.update(alpha=4.0, steps=100)
    # Each step multiplies the gap to the best w by 1 − 4 · 2 = −7, and the loss above its lowest by 49. A run
    # counts as blown up once its loss passes 10⁸ times its start: by hand, that is step 5.
    w, start = -1.5, mse(-1.5)
    for step in range(1, 101):
        w -= 4.0 * slope(w)
        if mse(w) > 1e8 * start:
            break
    assert step == 5 and mse(descend(4.0, 4)) < 1e8 * start
    assert "diverged at step 5;" in status and len(explorer.curve.get_xdata()) == 5  # steps 0 to 4 are drawn


@pytest.mark.parametrize("steps", [1, 100])  # the step slider's ends
def test_the_step_slider_ends(explorer, steps):
    explorer.update(alpha=0.3, steps=steps)
    assert len(explorer.curve.get_xdata()) == steps + 1
    assert explorer.regime == ("too slow" if steps == 1 else "converging")


def too_slow_ends(explorer):
    (low, high, regime, _), *_ = explorer.strip.segments
    assert regime == "too slow"
    return high


def test_more_steps_shrink_the_too_slow_band(explorer):
    explorer.update(steps=10)
    wide = too_slow_ends(explorer)
    explorer.update(steps=100)
    edge = too_slow_ends(explorer)
    assert edge < wide
    # The band ends where 100 steps leave 1% of the start's gap to the best w: run by hand just below the
    # edge, they leave more; just above it, less.
    gap = abs(-1.5 - BEST)
    assert abs(descend(edge * 0.999, 100) - BEST) > 0.01 * gap > abs(descend(edge * 1.001, 100) - BEST)


@pytest.mark.parametrize("steps, says", [(1, "α = 0.3, 1 step:"), (2, "α = 0.3, 2 steps:"),
                                         (30, "α = 0.3, 30 steps:")])
def test_the_status_counts_its_steps_in_good_english(explorer, steps, says):
    explorer.update(alpha=0.3)
    explorer.controls["steps"].value = steps  # what dragging does
    assert explorer.status.value.startswith(says) and explorer.values["steps"] == steps


def test_a_key_press_steps_to_the_next_value_the_text_names(explorer):
    """02 names α = 0.01, 0.3, 0.8 and 1.05: each is a notch of the slider, so the arrow keys reach it. The
    notches run from end to end, at most 2.5 times apart, and the labels read as the status line does."""
    alpha = explorer.controls["alpha"]
    notches = list(alpha.options)
    assert notches[0] == 1e-3 and notches[-1] == 4 and {0.01, 0.3, 0.8, 1.05} <= set(notches)
    assert max(b / a for a, b in zip(notches, notches[1:])) <= 2.5 and len(notches) <= 25
    assert [label for label in alpha._options_labels] == [f"{value:.3g}" for value in notches]
    alpha.index = notches.index(0.8)  # what a key press or a drag does
    assert explorer.regime == "oscillating" and explorer.status.value.startswith("α = 0.8, ")
    alpha.index += 1
    assert explorer.values["alpha"] == 0.95
    with pytest.raises(ValueError, match="alpha must be between 0.001 and 4 and one of the slider's values"):
        explorer.update(alpha=0.25)
    with pytest.raises(ValueError, match="alpha must be between"):
        explorer.update(alpha=10.0)


@pytest.mark.parametrize("low, high, edges", [(1e-3, 4, [0.5, 1]), (1e-8, 1e-6, [1.995e-7, 3.99e-7]),
                                              (0.1, 20, [0.49, 0.55, 9.3])])
def test_no_notch_sits_on_an_edge_and_each_edge_has_a_notch_on_either_side(low, high, edges):
    """A value right on an edge between regimes would be named by rounding noise (1 − α·c is −1 or 0 give or
    take the last bit), so the ladder keeps 4% away and offers a notch 5% below and above instead."""
    notches = alpha_ladder(low, high, edges)
    assert notches[0] == low and notches[-1] == high and notches == sorted(set(notches))
    for edge in edges:
        assert all(abs(value / edge - 1) > 0.04 for value in notches)
        assert {float(f"{0.95 * edge:.3g}"), float(f"{1.05 * edge:.3g}")} <= set(notches)


# The three explorers of 02_learning_rate, built as the notebook builds them.
BUILDS = {
    "one weight": lambda: LearningRateExplorer(X, Y, start=[-1.5], alpha=0.1, alpha_range=(1e-3, 4)),
    "raw units": lambda: LearningRateExplorer(AREA, PRICE, start=[0, 0], alpha=1e-7, alpha_range=(1e-8, 1e-6),
                                              intercept=True, units=("w ($ per sq ft)", "b ($)", "loss ($²)")),
    "standardised": lambda: LearningRateExplorer(X, Y, start=[-1.5, 1.0], alpha=0.3, alpha_range=(1e-3, 4),
                                                 intercept=True),
}


@pytest.fixture(scope="module", params=list(BUILDS))
def any_explorer(request):
    return BUILDS[request.param]()


def said(status):
    """The status line's verdict, as plain text: 'oscillating (and the bias crawls)'."""
    return re.search(r"<b>(.*?)</b></span>([^;,]*)", status).expand(r"\1\2").strip()


@pytest.mark.parametrize("steps", [1, 2, 5, 30, 100])
def test_the_band_under_the_marker_says_what_the_status_says(any_explorer, steps):
    for alpha in any_explorer.controls["alpha"].options:  # every notch of the slider
        status = any_explorer.update(alpha=alpha, steps=steps)
        regime, label = any_explorer.strip.regime_at(alpha)
        assert regime == any_explorer.regime and label.replace("\n", " ") == said(status), (alpha, steps)


@pytest.mark.parametrize("steps", [2, 5, 30, 100])  # one step is too few to see a reversal
def test_the_regime_worked_out_from_the_curvatures_is_the_run_s_own(any_explorer, steps):
    problem, low, high = any_explorer.problem, *any_explorer.alpha_range
    for alpha in np.geomspace(low, high, 201):
        run = run_descent(problem.loss, problem.gradient, any_explorer.start, alpha, steps, best=problem.best)
        assert run.regime == any_explorer.describe(alpha, steps)[0], (alpha, steps)


@pytest.mark.parametrize("steps", [1, 7, 100])
def test_the_bands_tile_the_axis_without_overlapping(any_explorer, steps):
    any_explorer.update(steps=steps)
    segments = any_explorer.strip.segments
    low, high = any_explorer.alpha_range
    assert segments[0][0] == low and segments[-1][1] == high
    for (_, end, _, label), (start, _, _, next_label) in zip(segments, segments[1:]):
        assert end == start and label != next_label
    assert all(start < end for start, end, _, _ in segments)
    # Diverging exactly beyond 2 / (largest curvature), and nothing else there.
    stable = any_explorer.problem.stable_below()
    assert [segment[2] for segment in segments if segment[0] >= stable * (1 - 1e-6)] == ["diverging"]
    assert any(segment[0] == pytest.approx(stable, rel=1e-6) for segment in segments)


def raw_descent(alpha, steps):
    """Gradient descent by hand on price = w · area + b in dollars, from w = b = 0: (w, b) at the end."""
    w = b = 0.0
    for _ in range(steps):
        error = w * AREA + b - PRICE
        w, b = w - alpha * 2 * np.mean(error * AREA), b - alpha * 2 * np.mean(error)
    return w, b


def test_raw_units_leave_no_good_learning_rate():
    raw = BUILDS["raw units"]()
    stable = raw.problem.stable_below()
    assert stable == pytest.approx(3.99e-7, rel=2e-3)  # as 02_learning_rate says
    # The best line by least squares: w = $111.69 per sq ft, b = $13,290.
    (best_w, best_b), *_ = np.linalg.lstsq(np.column_stack([AREA, np.ones_like(AREA)]), PRICE, rcond=None)
    assert round(best_b) == 13_290
    # By hand: just below that α, w's gap to its best shrinks; just above, it grows (by 2% a step).
    assert abs(raw_descent(0.99 * stable, 500)[0] - best_w) < best_w < abs(raw_descent(1.01 * stable, 500)[0] - best_w)
    # Even with the largest stable α (the smaller ones move the flat valley floor more slowly still), 100 steps
    # cover under a dollar of the $13,290: the bias crawls.
    assert 0 < raw_descent(0.999 * stable, 100)[1] < 1
    for steps in range(1, 101):  # the bands the strip would show for every position of the step slider
        assert "converging" not in [segment[2] for segment in raw.segments(steps)]
    # What the notebook says: up to 1 / (largest curvature) the bias crawls; above it the path zigzags
    # across the valley as well, up to the red line; beyond it, it diverges.
    assert said(raw.update(alpha=1e-7, steps=30)) == "too slow (the bias crawls)"
    assert said(raw.update(alpha=3e-7, steps=30)) == "oscillating (and the bias crawls)"
    assert said(raw.update(alpha=3e-7, steps=100)) == "oscillating (and the bias crawls)"
    # 02_learning_rate: "after 100 steps b has covered 15 cents of the $13,290 it has to go". The path is
    # drawn in (w, b): its last point.
    assert raw.path.get_ydata()[-1] == pytest.approx(0.15, abs=0.005)
    assert raw.path.get_ydata()[-1] == pytest.approx(raw_descent(3e-7, 100)[1], rel=1e-6)
    assert said(raw.update(alpha=5e-7, steps=30)) == "diverging"
    # The oscillating band runs from 1 / c_w, about 2 × 10⁻⁷, to the red line at 2 / c_w = 3.99 × 10⁻⁷.
    assert raw.strip.segments[-2][:3] == (pytest.approx(3.99e-7 / 2, rel=2e-3), pytest.approx(stable, rel=1e-6),
                                          "oscillating")


def test_a_round_valley_has_no_crawling_direction():
    scaled = BUILDS["standardised"]()
    for alpha in (0.01, 0.3, 0.8):
        assert "crawls" not in scaled.update(alpha=alpha, steps=30)


def test_every_band_is_named_where_the_notebook_opens(any_explorer):
    """As stored in 02_learning_rate (30 steps), each band is wide enough to show its name."""
    any_explorer.update(steps=30)
    shown = [text.get_text().replace("\n", " ") for text in any_explorer.strip.texts if text.get_visible()]
    assert len(shown) == len(any_explorer.strip.segments)


def test_a_strip_drawn_before_is_the_strip_drawn_afresh(any_explorer):
    """The explorer keeps a picture of the strip for each number of steps: coming back to one shows the
    very same pixels as drawing everything again."""
    notches = any_explorer.controls["alpha"].options
    alpha = notches[len(notches) // 2]
    any_explorer.update(alpha=alpha, steps=10)
    any_explorer.update(steps=40)
    kept = bytes(any_explorer.update(steps=10) and any_explorer.png)
    any_explorer.redraw_everything()
    any_explorer.update(alpha=alpha, steps=10)
    assert bytes(any_explorer.png) == kept
