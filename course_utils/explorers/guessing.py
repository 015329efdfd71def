"""Guess first, then look: a box where the learner types the value a stepper will show next, and the
verdict once it is shown. Working a number out before seeing it is what makes it stick. Used by the
steppers of 05_backpropagation and 06_deeper (GuessFirst: what their next ▶ does).

    guess = GuessBox()
    guess.ask("∂E/∂ŷ (line 5)")  # before the step: what to work out
    guess.verdict(3.1934)         # after it: "You said 3.2: right, ..." (and the box is emptied)
"""
import html

import ipywidgets as widgets

from course_utils.figures.common import num

CLOSE = 0.02  # a guess within 2% counts as right: the diagram shows 4 digits, so hand sums drift a little


class GuessBox:
    """A text box for a guess of the next value, and the verdict on it once that value is shown."""

    def __init__(self):
        # Sent when the box loses focus, not per key: JupyterLab holds back a key's update while the one
        # before is unanswered, and a click on next ▶ is not held back, so it could overtake the last keys.
        self.text = widgets.Text(description="your guess", placeholder="", continuous_update=False,
                                 style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))

    def ask(self, what):
        """Name the value the next step shows beside the box (it stays in view while the learner types), or
        say that the stepper is at its end (what=None)."""
        self.text.description = f"your guess of {what}" if what else "your guess"
        self.text.placeholder = "type it, then press next ▶" if what else "the last step is shown"

    def verdict(self, value):
        """The learner's guess judged against `value`, in one sentence ('' if the box was left empty); the
        box is emptied for the next guess."""
        typed, self.text.value = self.text.value.strip(), ""
        if not typed:
            return ""
        shown = html.escape(typed)
        guess = parse_number(typed)
        if guess is None:
            return f"“{shown}” is not a number: type one such as −0.23 or 1.5e-3. "
        if close(guess, value):
            return f"You said {shown}: right ({num(value)}). "
        if close(-guess, value):
            return f"You said {shown}: the size is right, the sign is not ({num(value)}). "
        return f"You said {shown}; it is {num(value)}. "


class GuessFirst:
    """What next ▶ does in a stepper with a guess box: one step on, with the verdict on the learner's guess
    of the value that step shows first in the status line. The stepper has `guess`, a GuessBox, and
    `asked(step)`: the name and the value that step shows (None past the last step)."""

    def next(self):
        """One step on; returns the status line (None at the last step)."""
        step = self.values["step"] + 1
        asked = self.asked(step)
        if asked is None:
            return None
        said = self.guess.verdict(asked[1])
        self._control_moved("step", step)
        if self.values["step"] == step:  # not when the step failed: its error stays in the status line
            self.status_text = self.status.value = said + self.status_text
        return self.status_text


def parse_number(typed):
    """The number in what the learner typed, or None: '−0.23' (a typographic minus), '0,5' (a decimal
    comma) and '1.5e-3' all count."""
    text = typed.replace("−", "-").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def close(guess, value):
    """Within CLOSE of the value (or 0.0005 of it, for values near zero)."""
    return abs(guess - value) <= max(CLOSE * abs(value), 5e-4)
