import autograd.numpy as anp
import numpy as np
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import gradcheck


def wiggly(w):
    return anp.sum(anp.sin(w) * w ** 2) + anp.prod(anp.cos(w))


def test_central_difference_finds_a_known_slope():
    assert abs(gradcheck.numerical_derivative(lambda x: x ** 3, 2.0) - 12.0) < 1e-8


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 3)), elements=st.floats(-2, 2)))
def test_numerical_gradient_agrees_with_autograd_and_leaves_w_alone(w):
    before = w.copy()
    numeric = gradcheck.numerical_gradient(wiggly, w)
    assert np.array_equal(w, before)
    assert numeric.shape == w.shape
    assert np.allclose(numeric, grad(wiggly)(w), atol=1e-7)


def test_relative_error():
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert gradcheck.relative_error([0.0], [0.0]) == 0.0
    assert abs(gradcheck.relative_error([1.0], [1.1]) - 0.1 / 2.1) < 1e-12


def test_relative_error_judges_every_gap_against_the_largest_entry():
    # the largest gap over the largest |a_i| + |b_i|, as 03_derivatives writes it
    assert abs(gradcheck.relative_error([1.0, 2.0], [1.0, 2.2]) - 0.2 / 4.2) < 1e-12
    assert abs(gradcheck.relative_error([[3.0, -1.0]], [[3.0, -1.5]]) - 0.5 / 6.0) < 1e-12
    # an entry that should be 0, off by rounding: tiny on the gradient's scale, not 50% wrong
    assert gradcheck.relative_error([1e-11, 100.0], [3e-11, 100.0]) < 1e-12
    assert gradcheck.relative_error([1.0, -2.0], [1.1, -2.0]) == gradcheck.relative_error([1.1, -2.0], [1.0, -2.0])
