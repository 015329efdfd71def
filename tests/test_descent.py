import numpy as np
import pytest

from course_utils import descent


def parabola(w):
    return (w - 3.0) ** 2  # curvature 2, lowest at w = 3


def slope(w):
    return 2 * (w - 3.0)


def test_a_step_goes_downhill_and_leaves_its_input_alone():
    w = np.array([1.0, 5.0])
    new = descent.gradient_step(w, np.array([2.0, -2.0]), 0.25)
    assert np.array_equal(new, [0.5, 5.5]) and np.array_equal(w, [1.0, 5.0])


def test_gradient_descent_returns_every_weight_w0_first():
    weights = descent.gradient_descent(slope, 0.0, 0.25, 3)
    assert np.allclose(weights, [0.0, 1.5, 2.25, 2.625])  # the gap to 3 halves each step


def test_gradient_descent_on_vectors_keeps_their_shape():
    weights = descent.gradient_descent(lambda w: 2 * w, np.array([1.0, -1.0]), 0.1, 4)
    assert weights.shape == (5, 2) and np.allclose(weights[-1], 0.8 ** 4 * np.array([1.0, -1.0]))


# For this parabola each step multiplies the gap to the minimum by (1 - 2 alpha).
@pytest.mark.parametrize("alpha, steps, regime", [
    (0.001, 50, "too slow"),     # factor 0.998: barely moving
    (0.3, 50, "converging"),     # factor 0.4
    (0.85, 50, "oscillating"),   # factor -0.7: jumps across the valley, but settles
    (1.1, 50, "diverging"),      # factor -1.2: every jump is longer
    (50.0, 200, "diverging"),    # blows up far beyond float range
])
def test_runs_are_named_by_their_regime(alpha, steps, regime):
    run = descent.run_descent(parabola, slope, 0.0, alpha, steps)
    assert run.regime == regime
    assert np.all(np.isfinite(run.losses))


def test_a_blown_up_run_stops_and_says_where_without_warnings():
    run = descent.run_descent(parabola, slope, 0.0, 50.0, 1000)  # pytest turns any warning into an error
    assert run.regime == "diverging" and run.diverged_at is not None and run.diverged_at < 20
    assert len(run.losses) == run.diverged_at and "diverged at step" in repr(run)


def test_classify_without_weights_uses_the_loss_alone():
    assert descent.classify_run([4, 3, 5, 2, 6, 1, 7, 9]) == "diverging"
    assert descent.classify_run([8, 3, 5, 2, 3, 1, 2, 0.5]) == "oscillating"
    assert descent.classify_run([8, 4, 2, 1, 1, 1, 1, 1]) == "converging"
    assert descent.classify_run([8, 7.9, 7.8, 7.7]) == "too slow"


def test_counts_are_in_good_english():
    assert descent.count(1, "step") == "1 step" and descent.count(0, "step") == "0 steps"
    assert repr(descent.run_descent(parabola, slope, 0.0, 0.3, 1)).startswith("DescentRun(1 step,")


def test_rounding_noise_after_arriving_is_no_oscillation():
    # factor 0.02: the gap is at rounding level after ten steps; the last ninety moves are noise
    run = descent.run_descent(parabola, slope, 0.0, 0.49, 100, best=3.0)
    assert run.regime == "converging"
    # factor -0.2: arrives just as fast, but each early step jumps across the bottom
    assert descent.run_descent(parabola, slope, 0.0, 0.6, 100, best=3.0).regime == "oscillating"


@pytest.mark.parametrize("steps", [2, 5, 30, 100])
def test_the_factors_predict_the_run(steps):
    """quadratic_regime works the regime out from 1 − α·c alone; it agrees with running the steps."""
    for alpha in np.geomspace(1e-3, 2, 120):
        run = descent.run_descent(parabola, slope, 0.0, alpha, steps, best=3.0)
        regime, crawling = descent.quadratic_regime([2.0], [0.0 - 3.0], alpha, steps)
        assert run.regime == regime, (alpha, steps)


def test_in_a_long_thin_bowl_the_flat_direction_crawls_while_the_steep_one_oscillates():
    # curvatures 1000 and 0.1: stable below α = 0.002; at α = 0.0015 the steep factor is −0.5
    regime, crawling = descent.quadratic_regime([1000.0, 0.1], [1.0, 1.0], 0.0015, 30)
    assert regime == "oscillating" and list(crawling) == [False, True]
    regimes, crawling = descent.quadratic_regime([1000.0, 0.1], [1.0, 1.0], np.array([1e-4, 0.0015, 0.0021]), 30)
    assert list(regimes) == ["too slow", "oscillating", "diverging"] and crawling.shape == (3, 2)
