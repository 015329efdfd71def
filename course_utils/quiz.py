"""The quiz's old home: `from course_utils.quiz import quiz` in a notebook's first cell. The quiz is now
explorers/quiz.py, its questions marking/questions.py.
Kept for copies made before 2026-12-05; remove after one release."""
from course_utils.explorers.quiz import Quiz, quiz
from course_utils.marking.questions import QUESTIONS, Question, answer, record

__all__ = ["QUESTIONS", "Question", "Quiz", "answer", "quiz", "record"]
