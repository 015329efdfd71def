import pytest

from course_utils.widgets import PredictionDemo


def test_update_moves_the_picture_and_the_slider_and_says_the_error():
    demo = PredictionDemo()
    first_picture = demo.image.value
    status = demo.update(prediction=60_000)
    assert "−$40,000" in status and demo.controls["prediction"].value == 60_000
    assert demo.image.value != first_picture and bytes(demo.image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize("end, error", [(0, "−$100,000"), (200_000, "+$100,000")])
def test_the_ends_of_the_slider(end, error):
    assert error in PredictionDemo().update(prediction=end)


def test_moving_the_slider_calls_update():
    demo = PredictionDemo()
    demo.controls["prediction"].value = 125_000  # what a browser drag does
    assert "+$25,000" in demo.status.value and "+$25,000" in repr(demo)


def test_bad_values_get_clear_errors():
    demo = PredictionDemo()
    with pytest.raises(ValueError, match="prediction must be between 0 and 200000"):
        demo.update(prediction=-1)
    with pytest.raises(TypeError, match="no control 'alpha'"):
        demo.update(alpha=0.1)


def test_static_viewers_get_a_picture_and_a_fixed_text():
    bundle = PredictionDemo()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("PredictionDemo(prediction=150000): Predicted $150,000")
    assert "application/vnd.jupyter.widget-view+json" in bundle and len(bundle["image/png"]) > 1000
