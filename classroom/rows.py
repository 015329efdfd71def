"""What a gradebook row is, and the page parts the teacher's gradebook (gradebook.py) and each learner's
feedback page (feedback.py) share: statuses, their symbols and colours, the style, escaping."""
import html
import re
from dataclasses import dataclass

from course_utils.marking.questions import QUESTIONS

PASSED, WRONG, NOT_ATTEMPTED, COULD_NOT_GRADE = "passed", "wrong", "not attempted", "could not grade"
RIGHT, WRONG_CHOICE = "right", "wrong"  # a recorded quiz answer
STATUSES = (PASSED, WRONG, NOT_ATTEMPTED, COULD_NOT_GRADE)


@dataclass
class Row:
    """One line of the gradebook: a learner's result on one exercise (or one quiz question)."""
    learner: str
    notebook: str
    exercise: str
    status: str
    message: str = ""
    saved: str = ""  # when the graded notebook was last saved
    late: str = ""   # when it was saved after the deadline (--before), what was graded instead


def is_exercise(row):
    """A row about one exercise (not a quiz answer, nor a learner's unreadable quiz-answers file)."""
    return bool(row.notebook) and not row.exercise.startswith("quiz:")


def question_of(row):
    """The Question a quiz row answers (None if the course no longer has it)."""
    question_id = row.exercise.removeprefix("quiz:")
    return next((q for q in QUESTIONS.get(row.notebook, []) if q.id == question_id), None)


TRIES = re.compile(r"the last of (\d+) choices: ")


def quiz_message(chosen, tries):
    """A quiz row's message: the text of the learner's last choice, after how many they made if more than one
    (said first: a choice such as +$30,000 first in a CSV cell reads as a formula)."""
    return f"the last of {tries} choices: {chosen}" if tries and tries > 1 else chosen


def quiz_choice(message):
    """The text of the choice and how many choices the learner made, from quiz_message's text."""
    found = TRIES.match(message)
    return (message[found.end():], int(found.group(1))) if found else (message, 1)


def choice_letter(row):
    """A, B, C... for the choice a quiz row records (its message is that choice's text, as quiz_message writes it)."""
    question = question_of(row)
    chosen = quiz_choice(row.message)[0]
    for index, (text, _) in enumerate(question.choices if question else []):
        if chosen == text:  # whole: "dollars" is the start of another choice, "dollars squared"
            return "ABCDEFGH"[index] if index < 8 else str(index + 1)
    return "?"


SYMBOLS = {PASSED: "✓", WRONG: "✗", NOT_ATTEMPTED: "–", COULD_NOT_GRADE: "⚠", RIGHT: "✓", WRONG_CHOICE: "✗"}
CLASSES = {PASSED: "passed", WRONG: "wrong", NOT_ATTEMPTED: "todo", COULD_NOT_GRADE: "ungraded",
           RIGHT: "passed", WRONG_CHOICE: "wrong"}

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 24px 32px;
       background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.summary { max-width: 80em; color: #444; margin: 4px 0 12px; }
.legend span { display: inline-block; margin-right: 14px; }
.grid { overflow-x: auto; background: white; border: 1px solid #d0d7de; border-radius: 6px;
        width: fit-content; max-width: 100%; }
table { border-collapse: collapse; }
th, td { border: 1px solid #e1e4e8; padding: 4px 6px; text-align: center; }
thead th { background: #f3f4f6; font-weight: 600; font-size: 12px; }
thead tr.exercises th, thead tr.questions th:not(.learner) {
                        font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 500; font-size: 11px;
                        writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                        text-align: left; padding: 6px 2px; }  /* upright names would widen every column */
th.learner { text-align: left; position: sticky; left: 0; background: white; min-width: 8em; max-width: 12em;
             overflow-wrap: anywhere; font-weight: 600; z-index: 1; }
th.learner a { color: inherit; }
.late { color: #9a3412; font-weight: 400; font-size: 12px; }
ol.choices { margin: 2px 0 8px; } ol.choices li.answer { font-weight: 600; }
thead th.learner, tfoot th.learner { background: #f3f4f6; }
td.cell { width: 1.8em; font-size: 15px; font-weight: 700; cursor: help; }
td.choice { font-size: 13px; white-space: nowrap; padding: 4px 3px; }
td.total, tfoot td { font-variant-numeric: tabular-nums; font-size: 12px; color: #333; }
tfoot td, tfoot th { background: #f3f4f6; }
.passed { background: #d8f3dc; color: #1b5e20; }
.wrong { background: #fde2e1; color: #b71c1c; }
.todo { background: #f1f1f1; color: #6b6b6b; }
.ungraded { background: #fff1c2; color: #7a4f00; }
.chip { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px; padding: 0 4px;
        font-weight: 700; }
details { background: white; border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; padding: 6px 12px; }
summary { cursor: pointer; font-weight: 600; overflow-wrap: anywhere; }
ul.messages { list-style: none; padding: 0; margin: 6px 0; }
ul.messages li { margin: 4px 0; padding: 4px 8px; border-radius: 4px; white-space: pre-wrap;
                 overflow-wrap: anywhere; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.note { color: #555; }
"""


def esc(text):
    return html.escape(str(text), quote=True)


def chip(status):
    return f"<span class='chip {CLASSES[status]}' aria-hidden='true'>{SYMBOLS[status]}</span>"
