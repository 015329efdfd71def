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
