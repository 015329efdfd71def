import html
import json

import ipywidgets as widgets
import numpy as np
import pytest

from course_utils import data, network
from course_utils.explorers.quiz import Quiz
from course_utils.marking.questions import QUESTIONS, answer

ALL = [question for questions in QUESTIONS.values() for question in questions]
COURSE = ["00_start_here", "01_error", "02_learning_rate", "03_derivatives", "04_dot_product",
          "05_backpropagation", "06_deeper"]


def test_every_notebook_has_a_few_questions_with_unique_ids():
    assert set(COURSE) <= set(QUESTIONS)
    for notebook in COURSE[1:]:  # 00_start_here only shows how the quiz works
        assert 3 <= len(QUESTIONS[notebook]) <= (6 if notebook == "05_backpropagation" else 5), notebook
    ids = [question.id for question in ALL]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("question", ALL, ids=[q.id for q in ALL])
def test_every_choice_has_its_own_feedback(question):
    assert 0 <= question.answer < len(question.choices)
    assert all(len(pair) == 2 and all(isinstance(text, str) and text.strip() for text in pair)
               for pair in question.choices)
    choices = [text for text, _ in question.choices]
    feedback = [text for _, text in question.choices]
    assert len(set(choices)) == len(choices)
    assert len(set(feedback)) == len(feedback)  # wrong ones differ from each other and from the right one
    for choice, text in enumerate(feedback):
        verdict = "✓ Right." if choice == question.answer else "✗ Not quite."
        assert answer(question.id, choice) == f"{verdict} {text}"


def test_clicking_a_choice_shows_the_feedback_on_that_choice():
    quiz = Quiz("02_learning_rate")
    for question in quiz.questions:
        assert quiz.feedback[question.id].value == ""
        for choice in range(len(question.choices)):
            quiz.buttons[question.id].value = choice  # what a click does
            assert quiz.feedback[question.id].value == html.escape(answer(question.id, choice), quote=False)
    assert "0 &lt; α &lt; 2 / c" in quiz.feedback["lr-alpha-range"].value  # shown as "0 < α < 2 / c"


def test_on_a_class_hub_each_choice_is_recorded_for_the_gradebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    quiz = Quiz("01_error")
    quiz.buttons["error-sign"].value = 0
    assert list(tmp_path.iterdir()) == []  # not on a hub: nothing written anywhere
    monkeypatch.setenv("COURSE_QUIZ_ANSWERS", str(tmp_path / "quiz-answers.jsonl"))
    quiz.buttons["error-sign"].value = 1
    quiz.buttons["error-units"].value = 2
    lines = [json.loads(line) for line in (tmp_path / "quiz-answers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["question"], line["choice"]) for line in lines] == [("error-sign", 1), ("error-units", 2)]
    monkeypatch.setenv("COURSE_QUIZ_ANSWERS", str(tmp_path / "no-such-folder" / "quiz-answers.jsonl"))
    quiz.buttons["error-square"].value = 1  # cannot be written: the learner still gets the feedback
    assert quiz.feedback["error-square"].value == html.escape(answer("error-square", 1), quote=False)


def test_static_text_lists_the_questions_and_choices_but_no_feedback():
    quiz = Quiz("01_error")
    text = repr(quiz)
    assert text.startswith("1. " + quiz.questions[0].prompt)
    assert "   (b) −$30,000" in text and "(c) no unit at all" in text
    assert not any(feedback in text for question in quiz.questions for _, feedback in question.choices)
    assert quiz._repr_mimebundle_()["text/plain"] == text


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


@pytest.mark.parametrize("notebook", COURSE)
def test_dollar_signs_stay_dollars(notebook):
    """JupyterLab typesets $…$ as maths in a Label, an HTMLMath and any widget's description, but shows an
    HTML widget's value and a radio button's label as written. So the quiz puts its text only there, and
    $150,000 … $100,000 stays money."""
    quiz = Quiz(notebook)
    for question in quiz.questions:
        quiz.buttons[question.id].value = question.answer
    for widget in _all_widgets(quiz.widget):
        assert type(widget) in (widgets.VBox, widgets.HTML, widgets.RadioButtons)
        assert getattr(widget, "description", "") == ""
    if notebook == "00_start_here":
        question = quiz.questions[0]
        prompt = quiz.widget.children[0].children[0].value
        assert "$100,000 and we predicted $150,000" in prompt and "\\$" not in prompt
        assert "−$50,000" in quiz.buttons[question.id].options[0]
        assert "$150,000 − $100,000 = +$50,000" in quiz.feedback[question.id].value


def test_bad_requests_are_explained():
    with pytest.raises(KeyError, match="No questions for '09_x'"):
        Quiz("09_x")
    with pytest.raises(ValueError, match="choice must be between"):
        answer(ALL[0].id, 7)
    with pytest.raises(KeyError, match="There is no question"):
        answer("no-such-question", 0)


def _said(question_id):
    """The prompt and every feedback of a question, with minus signs as Python prints them."""
    question = next(question for question in ALL if question.id == question_id)
    return " ".join([question.prompt, *(feedback for _, feedback in question.choices)]).replace("−", "-")


def _curvatures(*columns):
    """The curvatures of the MSE of a line with a bias: eigenvalues of its Hessian 2/n · AᵀA."""
    A = np.column_stack([*columns, np.ones(len(columns[0]))])
    return np.linalg.eigvalsh(2 / len(A) * A.T @ A)


def test_the_curvatures_quoted_in_02_are_those_of_the_data():
    houses = data.load_houses()
    standardised = data.Scaler.fit(data.select_features(houses, ["Gr_Liv_Area", "Year_Built", "Garage_Cars"]))
    three = standardised.scale(data.select_features(houses, ["Gr_Liv_Area", "Year_Built", "Garage_Cars"]))
    flattest, *_, steepest = _curvatures(*three.T)  # notebook 04's three features
    said = _said("lr-scale")
    assert f"from {flattest:.2f} to {steepest:.2f}" in said and f"below about {2 / steepest:.2f}" in said
    assert round(steepest / flattest) == 5
    assert np.allclose(_curvatures(three[:, 0]), 2)  # one standardised feature: exactly 2, so α below 1
    raw_flattest, raw_steepest = _curvatures(houses["Gr_Liv_Area"])
    assert round(raw_steepest / 1e6) == 5 and round(raw_flattest, 1) == 0.2
    assert f"{2 / raw_steepest:.0e}" == "4e-07" and "4 × 10⁻⁷" in said and "4 × 10⁻⁷" in _said("lr-alpha-range")


def test_the_numbers_quoted_in_05_are_those_of_the_network():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    params = network.init_params(2, 3, seed=0)
    house = slice(data.OUR_HOUSE, data.OUR_HOUSE + 1)  # notebook 05's house
    hidden, prediction = network.forward(split.X_train[house], **params)
    error_signal, h_2, w2_20 = 2 * (prediction[0, 0] - split.y_train[house][0, 0]), hidden[0, 2], params["W2"][2, 0]
    said = _said("bp-shared")
    assert f"∂E/∂ŷ = {error_signal:+.2f}" in said and f"h_2 = {h_2:.3f}" in said and f"w2_20 = {w2_20:.3f}" in said
    assert f"≈ {h_2 * error_signal:+.2f}" in said and f"≈ {w2_20 * error_signal:+.2f}" in said


def test_the_signs_in_the_05_sign_question_are_those_of_the_network():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    params = network.init_params(2, 3, seed=0)
    house = slice(data.OUR_HOUSE, data.OUR_HOUSE + 1)  # notebook 05's house
    X, y = split.X_train[house], split.y_train[house]
    prediction = network.forward(X, **params)[1]
    gradient = network.backward(X, y, **params)["W1"][0, 0]
    said = _said("bp-sign")
    assert f"∂E/∂ŷ = {2 * (prediction[0, 0] - y[0, 0]):+.2f}" in said and f"x_0 = {X[0, 0]:.2f}" in said
    assert f"w2_00 = {params['W2'][0, 0]:+.3f}" in said and f"finds {gradient:.3f}" in said
    question = next(question for question in ALL if question.id == "bp-sign")
    assert gradient < 0 and question.choices[question.answer][0].startswith("Negative")


def test_equal_starting_weights_keep_the_hidden_units_identical():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    zeros = {name: np.zeros_like(value) for name, value in network.init_params(2, 3).items()}
    gradients = network.backward(split.X_train, split.y_train, **zeros)
    assert all(np.abs(gradient).max() < 1e-12 for gradient in gradients.values())  # "almost exactly 0"
    params = {name: np.full_like(value, 0.1) for name, value in zeros.items()}
    for _ in range(50):
        gradients = network.backward(split.X_train, split.y_train, **params)
        params = {name: params[name] - 0.3 * gradients[name] for name in params}
    assert np.ptp(params["W1"], axis=1).max() == 0 and np.ptp(params["W2"]) == 0 and np.ptp(params["b1"]) == 0
