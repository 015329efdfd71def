"""The "check your understanding" questions, with instant feedback. Introduced in 00_start_here.

    quiz("01_error")           -> the questions of a notebook, as clickable choices
    answer("error-sign", 1)    -> the feedback for one choice, as text (for scripts and tests)
"""
from dataclasses import dataclass

import ipywidgets as widgets


@dataclass
class Question:
    id: str
    prompt: str
    choices: list
    answer: int          # index of the right choice
    explanation: str     # why it is right, shown after any choice


QUESTIONS = {
    "00_start_here": [
        Question("start-error", "A house sold for $100,000 and we predicted $150,000. What is the error?",
                 ["−$50,000", "+$50,000", "$150,000"], 1,
                 "error = prediction − actual = $150,000 − $100,000 = +$50,000: positive means we guessed too high."),
    ],
    "01_error": [
        Question("error-sign", "We predicted $90,000 for a house that sold for $120,000. The error is…",
                 ["+$30,000", "−$30,000", "$900,000,000"], 1,
                 "prediction − actual = −$30,000. Negative: we guessed too low."),
        Question("error-square", "Why do we square the errors before averaging them?",
                 ["To make the numbers smaller",
                  "So that errors of opposite sign cannot cancel, and big misses count more",
                  "Because the average of errors is always zero"], 1,
                 "+$50,000 and −$50,000 average to $0, a perfect score for a bad model. Squares are never "
                 "negative, and a miss twice as big costs four times as much."),
        Question("error-units", "The MSE of price predictions is measured in…",
                 ["dollars", "dollars squared", "no unit at all"], 1,
                 "Each squared error is in dollars², so their mean is too. Its square root (the RMSE) is back "
                 "in dollars."),
    ],
    "02_learning_rate": [
        Question("lr-sign", "The derivative dE/dw is positive at our current w. To lower the error we should…",
                 ["increase w", "decrease w", "leave w alone"], 1,
                 "A positive slope means the error grows as w grows, so we move w down: w ← w − α·dE/dw."),
        Question("lr-same-step", "Is w + α·(−dE/dw) the same step as w − α·dE/dw?",
                 ["Yes, it is the same number", "No, one of them goes uphill"], 0,
                 "Adding the negative gradient and subtracting the gradient are the same arithmetic."),
        Question("lr-diverge", "The loss is a parabola with curvature c. Which learning rates diverge?",
                 ["α > 2 / c", "α < 2 / c", "α > c / 2"], 0,
                 "Each step multiplies the distance to the minimum by (1 − α·c); beyond α = 2 / c that factor "
                 "is below −1, so every step overshoots by more than the last."),
        Question("lr-scale", "Why do we standardise square feet and prices before gradient descent?",
                 ["It makes the data more accurate",
                  "Raw numbers make the curvature huge, so only a tiny α is stable and it crawls",
                  "numpy cannot handle large numbers"], 1,
                 "With raw square feet the curvature is in the millions: a stable α is so small that "
                 "progress stalls. Standardised data puts the curvature near 1."),
    ],
}


def _find(question_id):
    for questions in QUESTIONS.values():
        for question in questions:
            if question.id == question_id:
                return question
    raise KeyError(f"There is no question {question_id!r}.")


def answer(question_id, choice):
    """Feedback on one choice (an index into the question's choices). Introduced in 00_start_here."""
    question = _find(question_id)
    if not 0 <= choice < len(question.choices):
        raise ValueError(f"choice must be between 0 and {len(question.choices) - 1}, got {choice}")
    verdict = "✓ Right." if choice == question.answer else "✗ Not quite."
    return f"{verdict} {question.explanation}"


class Quiz:
    """A notebook's questions as radio buttons; choosing an answer shows its feedback at once."""

    def __init__(self, notebook):
        if notebook not in QUESTIONS:
            raise KeyError(f"No questions for {notebook!r}; there are questions for {sorted(QUESTIONS)}")
        self.questions = QUESTIONS[notebook]
        self.feedback = {}
        rows = []
        for question in self.questions:
            buttons = widgets.RadioButtons(options=[(text, index) for index, text in enumerate(question.choices)],
                                           value=None, layout=widgets.Layout(width="max-content"))
            self.feedback[question.id] = widgets.HTML()
            buttons.observe(lambda change, q=question: self.choose(q.id, change.new), names="value")
            rows.append(widgets.VBox([widgets.HTML(f"<b>{question.prompt}</b>"), buttons,
                                      self.feedback[question.id]]))
        self.widget = widgets.VBox(rows)

    def choose(self, question_id, choice):
        """What a click does: show the feedback for that choice."""
        if choice is not None:
            self.feedback[question_id].value = answer(question_id, choice)

    def __repr__(self):
        lines = []
        for number, question in enumerate(self.questions, 1):
            lines.append(f"{number}. {question.prompt}")
            lines += [f"   ({chr(97 + k)}) {choice}" for k, choice in enumerate(question.choices)]
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # static viewers still see the questions
        return bundle


def quiz(notebook):
    """The "check your understanding" questions of a notebook. Introduced in 00_start_here."""
    return Quiz(notebook)
