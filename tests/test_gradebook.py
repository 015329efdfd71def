"""The teacher's gradebook (classroom/gradebook.py): a class of learners' notebooks, built from the course's
own, with right, wrong and untouched answers and with hostile cells (endless loops, a flood of prints, a
kernel that exits, input(), a broken file, a learner folder named like a script), graded in one run.
Each learner's results must be their own, the grader's memory must stay small, no process may outlive
the run, and the HTML page and the CSV must be safe to open."""
import csv
import html
import inspect
import json
import os
import re
import secrets
import subprocess
import stat
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from classroom import gradebook  # noqa: E402
from course_utils.marking import checking  # noqa: E402
from learner_answers import ANSWERS  # noqa: E402

TIME_LIMIT = 20  # seconds per notebook in these tests; a cell gets 5
SCRIPT = "<img src=x onerror=alert(1)>"  # a folder name cannot hold a slash, so no </script>
FORMULA = "=1+2*3"
HTML_MESSAGE = "<b>not bold</b> & <i>friends</i>"


# --- Building learners' notebooks ------------------------------------------------------------------------

def course_notebook(name):
    return json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))


def right(exercise_id):
    """The reference solution, as solution() shows it, and the check call of the exercise cell."""
    shown = repr(checking.solution(exercise_id))
    code = shown.split("```python\n", 1)[1].rsplit("```", 1)[0]
    return f"import numpy as np\n\n{code}\n\ncheck({exercise_id!r}, {exercise_id})"


def wrong(exercise_id):
    """The first wrong answer of tests/learner_answers.py for the exercise, renamed as the notebook names it."""
    answer = next(answer for answer in ANSWERS if answer.exercise_id == exercise_id)
    lines = [line for line in inspect.getsource(answer.fn).splitlines() if not line.startswith("@")]
    code = re.sub(r"def \w+\(", f"def {exercise_id}(", "\n".join(lines), count=1)
    return f"import numpy as np\n\n{code}\n\ncheck({exercise_id!r}, {exercise_id})"


def with_answers(name, answers):
    """A course notebook whose exercise cells hold the given code, {exercise id: code}."""
    notebook = course_notebook(name)
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        for exercise_id, code in answers.items():
            if cell["cell_type"] == "code" and gradebook.defines(source, exercise_id):
                cell["source"] = code
    return notebook


def short_01(*cells):
    """01_error cut down to its set-up cell and the given cells, as a learner who deleted the rest."""
    notebook = course_notebook("01_error")
    setup = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    notebook["cells"] = [setup] + [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                    "id": f"c{number}", "source": code} for number, code in enumerate(cells)]
    return notebook


def hand_in(folder, learner, name, notebook, where="my-work"):
    path = folder / learner / where / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, bytes):
        path.write_bytes(notebook)
    else:
        path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


LOOP_SWALLOWING_INTERRUPTS = """import time
while True:
    try:
        time.sleep(0.01)
    except:
        pass"""
RAISES_HTML = f"def error(prediction, actual):\n    raise ValueError({HTML_MESSAGE!r})\n\ncheck('error', error)"


def make_class(folder):
    """Every kind of learner; returns the files handed in, to check that none changes."""
    hand_in(folder, "ada", "01_error", with_answers("01_error", {"error": right("error"), "mse": right("mse")}))
    hand_in(folder, "ada", "02_learning_rate", with_answers(
        "02_learning_rate", {"gradient_step": right("gradient_step"), "gradient_descent": right("gradient_descent")}))
    hand_in(folder, "ada", "01_error", short_01("error = 1"), where="my-work/old")  # put aside: ignored
    hand_in(folder, "ada", "01_error", short_01("error = 1"), where="my-work/.ipynb_checkpoints")
    hand_in(folder, "bob", "01_error", short_01(wrong("error"), wrong("mse")))
    hand_in(folder, "cy", "01_error", course_notebook("01_error"))  # untouched
    hand_in(folder, "dee-loops", "01_error", short_01(right("error") + "\n" + LOOP_SWALLOWING_INTERRUPTS, right("mse")))
    hand_in(folder, "eve-spins", "01_error", short_01(right("error"), right("mse") + "\nwhile True:\n    pass"))
    hand_in(folder, "fay-prints", "01_error", short_01(right("error"), "while True:\n    print('x' * 10**6)",
                                                       right("mse")))
    hand_in(folder, "gus-exits", "01_error", short_01(right("error"), "import os\nos._exit(0)", "exit()",
                                                      right("mse")))
    hand_in(folder, "hal-raises", "01_error", short_01(
        "import sys\nsys.exit()", right("error"), "raise SystemExit", "name = input('Your name? ')", right("mse")))
    hand_in(folder, "ivy-broken", "01_error", b'{"cells": [ {"cell_type": "code", "source": "def error(')
    hand_in(folder, "jo-empty", "01_error", b"")
    hand_in(folder, "jo-empty", "02_learning_rate", dict(course_notebook("02_learning_rate"), cells=[]))
    hand_in(folder, SCRIPT, "01_error", short_01(RAISES_HTML))
    hand_in(folder, FORMULA, "01_error", short_01(right("error")))
    hand_in(folder, ".hidden", "01_error", short_01(right("error")))
    hand_in(folder, "teacher", "01_error", short_01(right("error")))  # the hub's admin: not a learner
    # Quiz choices as the class hub records them (course_utils/marking/questions.py): ada changed her mind, bob kept
    # one choice and changed his mind to +$30,000 on another.
    (folder / "ada" / "quiz-answers.jsonl").write_text(
        '{"question": "error-sign", "choice": 0, "time": "t"}\nnot json\n{"question": "error-sign", "choice": 1}\n',
        encoding="utf-8")
    (folder / "bob" / "quiz-answers.jsonl").write_text(
        '{"question": "error-units", "choice": 2}\n{"question": "error-sign", "choice": 1}\n'
        '{"question": "error-sign", "choice": 0}\n', encoding="utf-8")
    return {path: path.read_bytes() for path in folder.rglob("*.ipynb")}


# --- One run of the grader, in its own process -----------------------------------------------------------

RUN = """import json, resource, sys
from classroom import gradebook
gradebook.main(sys.argv[1:])
print(json.dumps({"grader_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "kernels_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def processes_with(token):
    """The ids of running processes whose environment holds token (the grader marks every kernel with it)."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            if token.encode() in (folder / "environ").read_bytes():
                found.append(int(folder.name))
        except OSError:  # ended meanwhile, or not ours
            pass
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("homes")
    out = tmp_path_factory.mktemp("out") / "gradebook"
    handed_in = make_class(folder)
    outside = tmp_path_factory.mktemp("outside") / "not-theirs.txt"
    outside.write_text("the teacher's file")
    (folder / "cy" / "feedback.html").symlink_to(outside)  # a link where cy's page will go
    token = f"GRADEBOOK_TEST_{secrets.token_hex(8)}"
    started = time.monotonic()
    command = [sys.executable, "-c", RUN, str(folder), "--out", str(out), "--time-limit", str(TIME_LIMIT),
               "--jobs", "2"]
    done = subprocess.run(command,
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), COURSE_GRADEBOOK_RUN=token))
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return dict(folder=folder, out=out, handed_in=handed_in, token=token, stdout=done.stdout, seconds=seconds,
                outside=outside,
                rows=rows, memory=json.loads(done.stdout.strip().splitlines()[-1]),
                results={(row["learner"], row["exercise"]): (row["status"], row["message"]) for row in rows})


def result(graded, learner, exercise):
    return graded["results"][(learner, exercise)]


# --- The tests --------------------------------------------------------------------------------------------

def test_right_wrong_and_untouched_answers_are_marked_by_checks_own_judge(graded):
    for exercise in ("error", "mse", "gradient_step", "gradient_descent"):
        assert result(graded, "ada", exercise)[0] == "passed", result(graded, "ada", exercise)
    assert result(graded, "ada", "error")[1] == "correct on all 3 test cases."
    status, message = result(graded, "bob", "error")
    first_wrong = next(answer for answer in ANSWERS if answer.exercise_id == "error")
    assert (status, message) == ("wrong", checking.verdict("error", first_wrong.fn)[1])  # check's own sentence
    assert result(graded, "bob", "mse")[0] == "wrong"
    assert result(graded, "cy", "error") == ("not attempted", "it returns None")
    assert result(graded, "cy", "mse")[0] == "not attempted"
    assert result(graded, "bob", "gradient_step") == ("not attempted", "no 02_learning_rate.ipynb found")


def test_every_learner_gets_a_row_per_exercise_and_copies_put_aside_or_hidden_are_left_out(graded):
    learners = {row["learner"] for row in graded["rows"]}
    assert learners == {"ada", "bob", "cy", "dee-loops", "eve-spins", "fay-prints", "gus-exits", "hal-raises",
                        "ivy-broken", "jo-empty", SCRIPT, "'" + FORMULA}
    exercises = [exercise.id for exercise in gradebook.EXERCISES]
    for learner in learners:
        marked = [row["exercise"] for row in graded["rows"] if row["learner"] == learner]
        assert [exercise for exercise in marked if not exercise.startswith("quiz:")] == exercises


def test_a_loop_that_swallows_interrupts_is_killed_and_the_rest_of_the_notebook_still_graded(graded):
    status, message = result(graded, "dee-loops", "error")
    assert status == "could not grade", message
    assert "did not finish within 5 s, nor stop when interrupted" in message
    assert result(graded, "dee-loops", "mse")[0] == "passed"  # after a restart, in a kernel with the set-up replayed


def test_an_endless_loop_or_a_flood_of_prints_is_interrupted_and_the_functions_defined_are_graded(graded):
    status, message = result(graded, "eve-spins", "mse")
    assert status == "passed" and "did not finish within 5 s and was interrupted" in message, message
    assert result(graded, "eve-spins", "error") == ("passed", "correct on all 3 test cases.")
    assert result(graded, "fay-prints", "error")[0] == result(graded, "fay-prints", "mse")[0] == "passed"


def test_a_kernel_that_exits_is_started_again_and_the_cells_before_replayed(graded):
    assert result(graded, "gus-exits", "error") == ("passed", "correct on all 3 test cases.")
    assert result(graded, "gus-exits", "mse") == ("passed", "correct on all 3 test cases.")


def test_sys_exit_system_exit_and_input_are_errors_of_their_cells_only(graded):
    assert result(graded, "hal-raises", "error") == ("passed", "correct on all 3 test cases.")
    assert result(graded, "hal-raises", "mse") == ("passed", "correct on all 3 test cases.")


def test_a_broken_or_empty_file_cannot_be_graded_and_says_why(graded):
    status, message = result(graded, "ivy-broken", "error")
    assert status == "could not grade" and "not valid JSON" in message
    assert result(graded, "jo-empty", "mse") == ("could not grade", "the notebook file is empty (0 bytes)")
    assert result(graded, "jo-empty", "gradient_step") == ("not attempted", "there is no function `gradient_step` "
                                                                            "in the notebook")


def test_no_handed_in_notebook_is_changed_and_no_process_is_left_behind(graded):
    assert {path: path.read_bytes() for path in graded["folder"].rglob("*.ipynb")} == graded["handed_in"]
    assert processes_with(graded["token"]) == []


def test_the_grader_keeps_little_memory_while_a_cell_prints_gigabytes(graded):
    # It never receives the outputs: the cell prints gigabytes, the grader stays far below one. (Up to 420 MB
    # was measured in a whole suite on a loaded machine, with learners graded two at a time; under 300 alone.)
    assert graded["memory"]["grader_kb"] < 700_000, graded["memory"]


def test_the_csv_cannot_start_a_formula_and_keeps_messages_as_they_are(graded):
    assert result(graded, "'" + FORMULA, "error")[0] == "passed"
    text = (graded["out"] / "gradebook.csv").read_text(encoding="utf-8")
    assert "\n=" not in text and ",=" not in text
    assert HTML_MESSAGE in result(graded, SCRIPT, "error")[1]


def test_the_html_page_escapes_learners_names_and_messages_and_needs_nothing_outside(graded):
    page = (graded["out"] / "gradebook.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and HTML_MESSAGE not in page and "<img" not in page and "<script" not in page
    assert html.escape(SCRIPT) in page and html.escape(HTML_MESSAGE) in page
    assert not re.search(r"<[^>]*\bsrc\s*=|@import|url\(", page)  # nothing fetched from outside
    assert all(re.fullmatch(r"feedback/[\w-]+\.html", link) for link in re.findall(r"href='([^']*)'", page))
    ada = page.split(">ada</a></th>", 1)[1].split("</tr>", 1)[0]  # her row of the grid
    assert ada.count("class='cell passed'") == 4 and f"4 / {len(checking.exercise_ids())}" in ada
    assert "1/12" in page.split("<tfoot>", 1)[1]  # only ada passed gradient_step


def test_the_gradebook_is_readable_by_the_teacher_only(graded):
    assert stat.S_IMODE(graded["out"].stat().st_mode) == 0o700
    for path in graded["out"].rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_the_command_prints_a_summary_and_where_the_files_are(graded):
    assert "Graded 12 learner(s)" in graded["stdout"]
    assert str(graded["out"] / "gradebook.html") in graded["stdout"]
    assert "3 quiz answers were recorded, 1 right." in graded["stdout"]


def test_the_quiz_choices_the_hub_recorded_are_shown_with_the_last_choice_of_each(graded):
    assert result(graded, "ada", "quiz:error-sign") == ("right", "the last of 2 choices: −$30,000")
    assert result(graded, "bob", "quiz:error-units") == ("wrong", "no unit at all")
    assert result(graded, "bob", "quiz:error-sign") == ("wrong", "the last of 2 choices: +$30,000")
    assert ("cy", "quiz:error-sign") not in graded["results"]  # nothing recorded, nothing shown
    assert "teacher" not in {row["learner"] for row in graded["rows"]}


def test_each_learner_gets_a_page_of_their_own_linked_from_the_teachers(graded):
    page = (graded["out"] / "gradebook.html").read_text(encoding="utf-8")
    links = re.findall(r"href='(feedback/[^']*)'", page)
    assert len(links) == 12 and all((graded["out"] / link).is_file() for link in links)
    bob = (graded["folder"] / "bob" / "feedback.html").read_text(encoding="utf-8")
    first_wrong = next(answer for answer in ANSWERS if answer.exercise_id == "error")
    assert html.escape(checking.verdict("error", first_wrong.fn)[1]) in bob  # check's message
    assert "Try <code>hint(&#x27;error&#x27;)</code>" in bob and "ada" not in bob  # the hint; no one else's rows
    assert "The right answer: <b>" in bob  # bob's quiz answer, beside the right one
    mode = (graded["folder"] / "bob" / "feedback.html").stat()
    assert mode.st_mode & 0o777 == 0o600 and mode.st_uid == (graded["folder"] / "bob").stat().st_uid


def test_a_link_where_the_feedback_goes_is_replaced_not_written_through(graded):
    assert graded["outside"].read_text() == "the teacher's file"
    given = graded["folder"] / "cy" / "feedback.html"
    assert not given.is_symlink() and "Feedback for cy" in given.read_text(encoding="utf-8")


def test_a_learners_passed_exercises_come_before_what_they_have_not_attempted(graded):
    page = (graded["out"] / "gradebook.html").read_text(encoding="utf-8")
    ada = page.split("<summary>ada:", 1)[1].split("</details>", 1)[0]
    assert ada.index("(passed)") < ada.index("not attempted: ") and ada.count("not attempted") == 2  # count + line
    her_own = (graded["folder"] / "ada" / "feedback.html").read_text(encoding="utf-8")  # the learner's own page
    assert her_own.index("<h2>Passed (4)</h2>") < her_own.index("<h2>Not attempted yet")
    assert "Your answer (the last of 2 choices): <b>−$30,000</b> (right)" in her_own


def test_no_quiz_answer_in_the_csv_is_taken_for_a_formula_nor_guarded(graded):
    """+$30,000 as bob's last choice of two is data a spreadsheet shows as it is: no apostrophe in front."""
    quiz = [row["message"] for row in graded["rows"] if row["exercise"].startswith("quiz:")]
    assert len(quiz) == 3 and [message for message in quiz if message[:1] in "'=+-@"] == []


def test_a_quiz_choice_is_lettered_by_its_whole_text_whatever_the_number_of_tries():
    from classroom.rows import RIGHT, Row, choice_letter, quiz_message
    letters = [choice_letter(Row("ada", "01_error", "quiz:error-units", RIGHT, quiz_message(text, tries)))
               for text, tries in [("dollars", 1), ("dollars squared", None), ("dollars squared", 3), ("gone", 2)]]
    assert letters == ["A", "B", "B", "?"]  # "dollars" begins "dollars squared", which is B


def test_the_csv_guards_only_cells_that_start_a_formula():
    safe = gradebook.spreadsheet_safe
    assert [safe(text) for text in ("+$30,000", "-1.5", "−$30,000", "fine", "")] == ["+$30,000", "-1.5", "−$30,000",
                                                                                     "fine", ""]
    for formula in ("=1+2", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3", "\t=1", "\r=1"):
        assert safe(formula) == "'" + formula


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium")
def test_the_teachers_page_fits_a_1400_pixel_window_and_shows_quiz_choices_without_hovering(graded):
    from playwright.sync_api import sync_playwright
    from browser import CHROMIUM, CHROMIUM_ARGS
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            page.goto((graded["out"] / "gradebook.html").as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 1400
            right_edge = page.evaluate("Math.max(...[...document.querySelectorAll('table')]"
                                       ".map(t => t.getBoundingClientRect().right))")
            assert right_edge <= 1400
            ada_quiz = page.evaluate("[...document.querySelectorAll('tr')].find(row => row.querySelector('th')"
                                     "?.textContent === 'ada' && row.querySelector('td.choice'))"
                                     ".querySelector('td.choice').innerText")
            assert ada_quiz.strip() == "✓ B"  # ada's last choice for error-sign, readable as it is
        finally:
            chromium.close()


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium")
def test_a_whole_class_with_every_exercise_and_quiz_question_fits_a_1400_pixel_window(tmp_path):
    """30 learners with long names, each with a row for every exercise and every quiz question of the course
    (the graded fixture has only two questions: upright question names made a class's quiz grid 1,800 px wide)."""
    from playwright.sync_api import sync_playwright
    from browser import CHROMIUM, CHROMIUM_ARGS
    from classroom.rows import PASSED, RIGHT, WRONG, WRONG_CHOICE, Row
    from course_utils.marking.questions import QUESTIONS
    rows = []
    for number in range(30):
        learner = f"a-learner-with-a-long-name-{number:02d}"
        rows += [Row(learner, exercise.notebook, exercise.id, (PASSED, WRONG)[number % 2]) for exercise in
                 gradebook.EXERCISES]
        rows += [Row(learner, notebook, f"quiz:{question.id}", (RIGHT, WRONG_CHOICE)[number % 2],
                     question.choices[-1][0]) for notebook, questions in QUESTIONS.items() for question in questions]
    gradebook.write_html(rows, tmp_path / "gradebook.html", "A whole class.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            page.goto((tmp_path / "gradebook.html").as_uri())
            right_edges = page.evaluate("[...document.querySelectorAll('table')]"
                                        ".map(t => t.getBoundingClientRect().right)")
            assert len(right_edges) == 2 and max(right_edges) <= 1400, right_edges
        finally:
            chromium.close()


def test_text_that_is_not_valid_unicode_is_written_and_voids_no_one_elses_row(tmp_path):
    """A lone surrogate in a message (raise ValueError('\udc80')) or a learner folder named in invalid UTF-8
    once stopped the CSV after its header and left no page: found by a cold attack."""
    rows = [gradebook.Row("bad\udcffname", "01_error", "error", "wrong", "raised ValueError: bad \udc80 text"),
            gradebook.Row("ada", "01_error", "error", "passed", "")]
    gradebook.write_csv(rows, tmp_path / "gradebook.csv")
    gradebook.write_html(rows, tmp_path / "gradebook.html", "2 results")
    table = (tmp_path / "gradebook.csv").read_text(encoding="utf-8")
    assert "bad \\udc80 text" in table and "ada,01_error,error,passed" in table
    assert "\\udc80" in (tmp_path / "gradebook.html").read_text(encoding="utf-8")


# --- What a kernel sends the grader, which every learner shares ----------------------------------------------

def test_the_hand_back_is_read_only_when_it_is_one_string():
    """A kernel answered with a list literal of millions of entries (its own repr): reading it held the
    grader for about a minute and took gigabytes, so a classmate's function timed out. Only one quoted
    string is read now, at once; anything else is refused."""
    right = repr(json.dumps({"error": ["function", "error", None, "AAA="], "mse": ["not sent", "it's \"odd\""]}))
    assert gradebook.read_hand_back(right) == {"error": ["function", "error", None, "AAA="],
                                               "mse": ["not sent", "it's \"odd\""]}
    start = time.monotonic()
    for answer in ("[" + "0," * 2_000_000 + "0]", "'{}', '{}'", "'{}' + '{}'", None, "'" + "x" * 9 * 2**20 + "'"):
        assert gradebook.read_hand_back(answer) is None
    assert time.monotonic() - start < 5  # refused, not read (reading the list alone took seconds)


class Chatty:
    """A shell channel on which a kernel sends messages that answer nothing, without end."""

    def get_msg(self, timeout):
        return {"parent_header": {"msg_id": "not yours"}, "content": {}}


def test_a_kernel_that_keeps_sending_messages_that_answer_nothing_is_given_up():
    kernel = gradebook.Kernel.__new__(gradebook.Kernel)  # its waiting alone, with no kernel behind it
    kernel.limits, kernel.next_memory_check, stopped = gradebook.Limits(), float("inf"), []
    kernel.contained = type("Contained", (), {"client": type("Client", (), {"shell_channel": Chatty()})(),
                                              "process": type("Process", (), {"poll": lambda self: None})(),
                                              "stop": lambda self: stopped.append(True)})()
    reply = kernel._reply("mine", timeout=60)
    assert reply.kind == "lost" and "answer nothing" in reply.why and stopped == [True]
