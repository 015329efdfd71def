import pytest

from course_utils.quiz import QUESTIONS, Quiz, answer

ALL = [question for questions in QUESTIONS.values() for question in questions]


def test_every_notebook_has_questions_with_unique_ids():
    assert {"00_start_here", "01_error", "02_learning_rate", "03_derivatives", "04_dot_product",
            "05_backpropagation"} <= set(QUESTIONS)
    ids = [question.id for question in ALL]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("question", ALL, ids=[q.id for q in ALL])
def test_each_choice_gets_the_right_verdict_and_the_explanation(question):
    assert 0 <= question.answer < len(question.choices)
    for choice in range(len(question.choices)):
        feedback = answer(question.id, choice)
        assert feedback.startswith("✓" if choice == question.answer else "✗")
        assert question.explanation in feedback


def test_clicking_shows_feedback_and_static_text_lists_the_questions():
    quiz = Quiz("01_error")
    first = quiz.questions[0]
    quiz.choose(first.id, first.answer)
    assert quiz.feedback[first.id].value.startswith("✓")
    assert first.prompt in repr(quiz) and "(a)" in repr(quiz)


def test_bad_requests_are_explained():
    with pytest.raises(KeyError, match="No questions for '09_x'"):
        Quiz("09_x")
    with pytest.raises(ValueError, match="choice must be between"):
        answer(ALL[0].id, 7)
