"""The "check your understanding" quiz: a notebook's questions (marking/questions.py) as clickable choices,
with instant feedback. Introduced in 00_start_here.

    quiz("01_error")           -> the questions of a notebook, as clickable choices
"""
import html

import ipywidgets as widgets

from course_utils.marking.questions import QUESTIONS, answer, record


class Quiz:
    """A notebook's questions as radio buttons; choosing an answer shows the feedback on it at once.
    What quiz returns."""

    # The text goes only into HTML widgets and radio-button labels, which show it as written. (A Label,
    # an HTMLMath or a widget's description would typeset $150,000 … $100,000 as maths.)

    def __init__(self, notebook):
        if notebook not in QUESTIONS:
            raise KeyError(f"No questions for {notebook!r}; there are questions for {sorted(QUESTIONS)}")
        self.questions = QUESTIONS[notebook]
        self.buttons, self.feedback = {}, {}
        rows = []
        for question in self.questions:
            labels = [(text, index) for index, (text, _) in enumerate(question.choices)]
            buttons = widgets.RadioButtons(options=labels, value=None, layout=widgets.Layout(width="max-content"))
            buttons.observe(lambda change, q=question: self.choose(q.id, change.new), names="value")
            self.buttons[question.id] = buttons
            self.feedback[question.id] = widgets.HTML()
            prompt = widgets.HTML(f"<b>{html.escape(question.prompt, quote=False)}</b>")
            rows.append(widgets.VBox([prompt, buttons, self.feedback[question.id]]))
        self.widget = widgets.VBox(rows)

    def choose(self, question_id, choice):
        """What a click does: show the feedback on that choice (and, on a class hub, note it)."""
        if choice is not None:
            self.feedback[question_id].value = html.escape(answer(question_id, choice), quote=False)
            record(question_id, choice)

    def __repr__(self):
        lines = []
        for number, question in enumerate(self.questions, 1):
            lines.append(f"{number}. {question.prompt}")
            lines += [f"   ({chr(97 + k)}) {text}" for k, (text, _) in enumerate(question.choices)]
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # static viewers still see the questions
        return bundle


def quiz(notebook):
    """The "check your understanding" questions of a notebook. Introduced in 00_start_here."""
    return Quiz(notebook)
