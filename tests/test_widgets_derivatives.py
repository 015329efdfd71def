"""The explorers of 03_derivatives, at the ends of every slider, checked against facts worked out here
without their code: slopes by nudging an error computed here, the secant's known gap on a parabola, and
the lesson's own numbers."""
import re

import numpy as np
import pytest

from course_utils.data import area_and_price
from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.linear import two_weight_gradient, two_weight_losses
from course_utils.explorers.derivatives import GradientExplorer, NudgeExplorer

X, Y = area_and_price()


def error(w, b=0.0):
    """E(w, b) in ($1,000)²: the MSE of price = w · area + b (b in $1,000), computed here."""
    return np.mean((w * X + 1000.0 * b - Y) ** 2) / 1e6


def nudged_slope(f, at, nudge=1.0):
    """(f(at + nudge) − f(at − nudge)) / 2·nudge: exact for a parabola, whatever the nudge."""
    return (f(at + nudge) - f(at - nudge)) / (2 * nudge)


def numbers(status):
    """The bold numbers of a status line, as floats."""
    return [float(text.replace(",", "")) for text in re.findall(r"<b>([-+0-9.,]+)</b>", status)]


@pytest.fixture(scope="module")
def nudge():
    return NudgeExplorer()


@pytest.fixture(scope="module")
def gradient():
    return GradientExplorer()


@pytest.mark.parametrize("w", [20.0, 80.0, 160.0])
@pytest.mark.parametrize("h", [1e-4, 1.0, 100.0])
def test_nudge_reports_the_ratio_and_the_true_slope(nudge, w, h):
    ratio, slope = numbers(nudge.update(w=w, h=h))
    true_slope = nudged_slope(error, w)
    assert slope == pytest.approx(true_slope, abs=5e-4)  # shown to 3 decimals, as in the lesson
    # On a parabola the secant's slope is off by exactly curvature * h / 2; the curvature, 2 · mean(area²) in
    # ($1,000)² per ($/sq ft)², is 5.0 here, so the gap is 2.5 * h.
    curvature = nudged_slope(lambda v: nudged_slope(error, v), w)
    assert curvature == pytest.approx(5.0, rel=0.01)
    assert ratio == pytest.approx(true_slope + curvature * h / 2, abs=5e-4)
    assert ratio - slope == pytest.approx(2.5 * h, rel=0.01, abs=1e-3)
    # The picture shows the same: the marker at (h, ratio), the two points on the error curve.
    assert nudge.marker.get_xdata()[0] == h and nudge.marker.get_ydata()[0] == pytest.approx(ratio, abs=5e-4)
    points_w, points_e = nudge.secant["points"].get_data()
    assert list(points_w) == [w, w + h] and list(points_e) == pytest.approx([error(w), error(w + h)], rel=1e-12)


def test_the_secant_becomes_the_tangent(nudge):
    nudge.update(w=80.0, h=1e-4)
    secant, tangent = nudge.secant["secant"].get_ydata(), nudge.secant["tangent"].get_ydata()
    assert np.allclose(secant, tangent, rtol=1e-5)
    nudge.update(h=100.0)
    assert not np.allclose(nudge.secant["secant"].get_ydata(), nudge.secant["tangent"].get_ydata(), rtol=0.01)


@pytest.mark.parametrize("w, h", [(20.0, 1e-4), (20.0, 100.0), (160.0, 1e-4), (160.0, 100.0)])
def test_the_ratio_marker_and_both_points_stay_on_screen(nudge, w, h):
    nudge.update(w=w, h=h)
    low, high = nudge.right.get_ylim()
    ratio = nudge.marker.get_ydata()[0]
    assert low < ratio < high and low < nudge.slope_line.get_ydata()[0] < high
    left = nudge.figure.axes[0]
    points_w, points_e = nudge.secant["points"].get_data()
    assert left.get_xlim()[0] <= min(points_w) and max(points_w) <= left.get_xlim()[1]
    assert max(points_e) <= left.get_ylim()[1]


def test_nudge_picture_changes_and_the_slider_calls_update(nudge):
    nudge.update(w=80.0, h=20.0)
    before = nudge.image.value
    nudge.controls["h"].value = 0.01  # what a browser drag does
    assert "0.01" in nudge.status.value and nudge.image.value != before
    assert bytes(nudge.image.value).startswith(b"\x89PNG")


def test_nudge_rejects_values_off_the_slider(nudge):
    with pytest.raises(ValueError, match="h must be between"):
        nudge.update(h=1e-6)
    with pytest.raises(ValueError, match="w must be between"):
        nudge.update(w=300.0)
    with pytest.raises(ValueError, match=r"one of the slider's values: 0\.0001, 0\.0002, .*, 10, 20, 50, 100;"):
        nudge.update(h=19.95)  # between two stops


def nudged(status):
    """The weight before and after the nudge, as the status line writes them."""
    before, after = re.search(r"from \$([0-9.,]+) to \$([0-9.,]+)/sq ft", status).groups()
    return float(before.replace(",", "")), float(after.replace(",", ""))


def test_the_h_slider_stops_at_round_numbers(nudge):
    stops = nudge.controls["h"].options
    assert all(f"{stop:g}".strip("0.") in {"1", "2", "5"} for stop in stops)  # 1, 2 or 5 followed or led by 0s
    assert {0.0001, 0.01, 1, 20, 100} <= set(stops) and min(stops) == 0.0001 and max(stops) == 100
    assert all(2 <= b / a <= 2.5 for a, b in zip(stops, stops[1:]))  # about evenly spaced on a log scale
    nudge.update(h=20)
    assert nudge.controls["h"].label == "20"  # the slider reads 20, not 20.0 or 19.95


def test_the_smallest_nudge_shows_in_the_status_line(nudge):
    assert nudged(nudge.update(w=160.0, h=0.0001)) == (160, 160.0001)


@pytest.mark.parametrize("w", [20.0, 80.0, 160.0])
def test_the_status_line_shows_every_nudge(nudge, w):
    nudge.update(w=w)
    for index, stop in enumerate(nudge.controls["h"].options):
        nudge.controls["h"].index = index  # what the browser sends as the h slider moves
        before, after = nudged(nudge.status.value)
        assert before == w and after - before == pytest.approx(stop, rel=1e-9), nudge.status.value


def test_the_default_nudge_says_what_the_lesson_says():
    status = NudgeExplorer().status.value  # w = 80, h = 20, as 03_derivatives shows it
    assert nudged(status) == (80, 100)
    ratio, slope = numbers(status)
    assert (ratio, slope) == (-148.527, -198.617)  # the lesson's table: h = 20, ΔE/h = -148.527, slope -198.617
    assert round(ratio, 1) == -148.5  # and its first print-out
    assert "gap +50.1" in status


def test_the_two_weight_gradient_matches_nudging_both_weights():
    def loss(weights):
        return two_weight_losses(X, Y, np.array([weights[0]]), np.array([weights[1]]))[0, 0]

    for w, b in [(60.0, 50.0), (150.0, -40.0), (112.0, 13.0)]:
        exact = np.array(two_weight_gradient(X, Y, w, b))
        assert relative_error(exact, numerical_gradient(loss, np.array([w, b]), h=1e-3)) < 1e-7


@pytest.mark.parametrize("w", [40.0, 190.0])
@pytest.mark.parametrize("b", [-50.0, 80.0])
def test_the_arrow_points_downhill_at_every_corner(gradient, w, b):
    gradient.controls["w"].value = w  # what dragging the sliders does
    gradient.controls["b"].value = b
    status = gradient.status.value
    d_w, d_b = nudged_slope(lambda v: error(v, b), w), nudged_slope(lambda v: error(w, v), b)
    assert numbers(status) == pytest.approx([d_w, d_b], abs=0.006)  # shown to 2 decimals
    assert tuple(gradient.marker.get_xydata()[0]) == (w, b) == (gradient.values["w"], gradient.values["b"])
    (w0, b0), (w1, b1) = gradient.arrows["downhill"]._posA_posB  # where the arrow starts and ends
    assert (w0, b0) == (w, b)
    step = np.array([w1 - w0, b1 - b0])
    assert np.hypot(*step) == pytest.approx(GradientExplorer.ARROW)
    assert np.dot(step, [d_w, d_b]) < 0  # against the gradient: downhill
    assert error(w + 1e-3 * step[0], b + 1e-3 * step[1]) < error(w, b)  # a small step along the arrow goes down
    assert ("lower w" in status) == (d_w > 0) and ("raise w" in status) == (d_w < 0)
    assert ("lower b" in status) == (d_b > 0) and ("raise b" in status) == (d_b < 0)


def test_the_parts_of_the_arrow_are_the_partial_derivatives(gradient):
    gradient.update(w=60.0, b=50.0)
    (w0, b0), (w1, b1) = gradient.arrows["downhill"]._posA_posB
    (_, _), (wx, bx) = gradient.arrows["w"]._posA_posB
    (_, _), (wy, by) = gradient.arrows["b"]._posA_posB
    assert (wx, bx) == pytest.approx((w1, b0)) and (wy, by) == pytest.approx((w0, b1))


def test_the_line_on_the_right_is_the_model(gradient):
    gradient.update(w=100.0, b=20.0)
    xs, ys = gradient.line.get_data()
    assert np.allclose(ys, 100.0 * np.asarray(xs) + 20_000.0)


def test_gradient_picture_changes_and_the_slider_calls_update(gradient):
    gradient.update(w=60.0, b=50.0)
    before = gradient.image.value
    gradient.controls["w"].value = 120.0
    assert gradient.values["w"] == 120.0 and gradient.image.value != before


def test_static_viewers_get_the_status_as_text(nudge, gradient):
    for explorer in (nudge, gradient):
        bundle = explorer._repr_mimebundle_()
        assert "<b>" not in bundle["text/plain"] and len(bundle["image/png"]) > 1000
