"""Each learner's own page: every exercise's verdict with check's message and the hint to try next,
their quiz answers beside the right ones, and what was late. `grade` writes one per learner into the
gradebook's feedback/ folder (the teacher's page links each) and gives each learner theirs as
feedback.html in their own folder of the graded folder: their home on the hub, or beside their notebooks
in a collection. It is written as the folder's owner, readable by them (and root) only, never through a
link a learner may have put in its place.
"""
import contextlib
import os
import re
import secrets
import time

from classroom.rows import CLASSES, COULD_NOT_GRADE, NOT_ATTEMPTED, PASSED, RIGHT, STATUSES, STYLE, WRONG, chip, \
    esc, is_exercise, question_of, quiz_choice
from classroom import contained
from course_utils.marking.exercises import EXERCISES

HINTS = {exercise.id: exercise.hints for exercise in EXERCISES}
PAGE = "feedback.html"
FEEDBACK_STYLE = STYLE + """
body { max-width: 60em; }
ul.messages li { margin: 6px 0; }
.hint { display: block; color: #444; font-weight: 400; margin-top: 2px; }
"""


def page_name(index, learner):
    """A file name for a learner's page in feedback/: any folder name becomes a short, safe one."""
    return f"{index:03d}-{re.sub(r'[^A-Za-z0-9_-]', '_', learner)[:40]}.html"


def learner_page(learner, rows):
    """The HTML page of one learner's rows: what passed, what to fix (with the hint to try), what is left."""
    exercises = [row for row in rows if is_exercise(row)]
    counts = {status: sum(row.status == status for row in exercises) for status in STATUSES}
    parts = ["<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>Feedback for {esc(learner)}</title><style>{FEEDBACK_STYLE}</style></head><body>",
             f"<h1>Feedback for {esc(learner)}</h1>",
             f"<p class='summary'>{counts[PASSED]} of {len(exercises)} exercises passed. Each line is what "
             "<code>check</code> says about your function, run on fresh test cases.</p>"]
    parts += _late(rows)
    parts += _section("To fix", [row for row in exercises if row.status == WRONG], with_hint=True)
    parts += _section("Could not be graded", [row for row in exercises if row.status == COULD_NOT_GRADE]
                      + [row for row in rows if not row.notebook])
    parts += _section("Passed", [row for row in exercises if row.status == PASSED])
    todo = [row for row in exercises if row.status == NOT_ATTEMPTED]
    if todo:
        parts.append(f"<h2>Not attempted yet ({len(todo)})</h2><p>{chip(NOT_ATTEMPTED)} "
                     + ", ".join(f"<code>{esc(row.exercise)}</code>" for row in todo) + "</p>")
    parts += _quiz([row for row in rows if row.exercise.startswith("quiz:")])
    parts.append(f"<p class='note'>Made {esc(time.strftime('%Y-%m-%d %H:%M'))} by your teacher's "
                 "<code>python3 course.py grade</code>.</p></body></html>\n")
    return "\n".join(parts)


def _late(rows):
    late = {row.notebook: row.late for row in rows if row.late}
    return [f"<p class='late'>{esc(notebook)}: {esc(note)}</p>" for notebook, note in late.items()]


def _section(title, rows, with_hint=False):
    """A heading and one line per row; wrong answers also get the first hint, to try in the notebook."""
    if not rows:
        return []
    items = []
    for row in rows:
        hint = HINTS.get(row.exercise, [""])[0] if with_hint else ""
        hint_line = (f"<span class='hint'>Try <code>hint({esc(repr(row.exercise))})</code>: {esc(hint)}</span>"
                     if hint else "")
        name = f"<code>{esc(row.exercise)}</code> ({esc(row.notebook)})" if row.notebook else "quiz answers"
        items.append(f"<li class='{CLASSES[row.status]}'>{chip(row.status)} {name}: "
                     f"{esc(row.message)}{hint_line}</li>")
    return [f"<h2>{esc(title)} ({len(rows)})</h2><ul class='messages'>", *items, "</ul>"]


def _quiz(rows):
    """Each answered question: the learner's last choice and the right one, with why."""
    if not rows:
        return []
    parts = ["<h2>Quiz answers</h2><ul class='messages'>"]
    for row in rows:
        question = question_of(row)
        if question is None:
            continue
        right_text, why = question.choices[question.answer]
        verdict = "right" if row.status == RIGHT else "not right"
        chosen, tries = quiz_choice(row.message)
        after = f" (the last of {tries} choices)" if tries > 1 else ""
        parts.append(f"<li>{chip(row.status)} {esc(question.prompt)}<br>Your answer{after}: "
                     f"<b>{esc(chosen)}</b> ({verdict}).<br>The right answer: <b>{esc(right_text)}</b>. "
                     f"{esc(why)}</li>")
    return parts + ["</ul>"]


def pages(rows):
    """{learner: their page}, in the order of the rows."""
    learners = dict.fromkeys(row.learner for row in rows)
    return {learner: learner_page(learner, [row for row in rows if row.learner == learner]) for learner in learners}


def write_pages(pages_of, out):
    """Every learner's page in out/feedback/; {learner: file name} for the teacher's page to link."""
    folder = out / "feedback"
    folder.mkdir(mode=0o700, exist_ok=True)
    names = {}
    for index, (learner, page) in enumerate(pages_of.items()):
        names[learner] = page_name(index, learner)
        (folder / names[learner]).write_text(page, encoding="utf-8", errors="backslashreplace")
    return names


def give(page, learner_folder):
    """Write page as feedback.html in the learner's folder: as the folder's owner, mode 0600, replacing
    the file by a rename (never writing through a link put in its place)."""
    folder = os.open(learner_folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    temporary = f".feedback-{secrets.token_hex(8)}.html"
    try:
        owner = os.fstat(folder)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(page)
            if contained.as_root():
                os.fchown(file.fileno(), owner.st_uid, owner.st_gid)
        os.rename(temporary, PAGE, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise
    finally:
        os.close(folder)


def give_all(pages_of, graded_folder):
    """Each learner's page into their folder of the graded folder; a line for each that could not be."""
    problems = []
    for learner, page in pages_of.items():
        try:
            give(page, graded_folder / learner)
        except OSError as why:
            problems.append(f"{learner}: no feedback page given ({why.strerror or why})")
    return problems
