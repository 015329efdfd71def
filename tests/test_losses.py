import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import losses

prices = arrays(np.float64, st.integers(1, 50), elements=st.floats(0, 1e6, allow_nan=False))


def test_the_house_example():
    assert losses.error(150_000, 100_000) == 50_000
    assert losses.squared_error(150_000, 100_000) == 2_500_000_000
    assert losses.mse([150_000], [100_000]) == 2_500_000_000


def test_error_works_elementwise_on_arrays():
    assert np.array_equal(losses.error(np.array([1.0, 5.0]), np.array([3.0, 5.0])), [-2.0, 0.0])


def test_mse_matches_a_plain_python_mean():
    predictions, actuals = [150_000, 90_000, 200_000], [100_000, 120_000, 200_000]
    plain = sum((p - a) ** 2 for p, a in zip(predictions, actuals)) / 3
    result = losses.mse(predictions, actuals)
    assert isinstance(result, float) and result == pytest.approx(plain)


def test_mse_refuses_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"\(3, 1\).*\(3,\)"):
        losses.mse(np.zeros((3, 1)), np.zeros(3))


@given(prices, st.floats(-1e5, 1e5))
def test_mse_is_zero_only_for_perfect_predictions_and_grows_with_a_shift(actuals, shift):
    assert losses.mse(actuals, actuals) == 0
    assert losses.mse(actuals + shift, actuals) == pytest.approx(shift ** 2, rel=1e-6, abs=1e-6)


def test_rmse_is_back_in_dollars():
    assert losses.rmse([150_000, 50_000], [100_000, 100_000]) == 50_000
