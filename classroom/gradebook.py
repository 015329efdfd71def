"""The teacher's gradebook: every learner's notebooks run, and every exercise marked by check's own judge.

    python3 course.py grade [FOLDER] [--out DIR] [--before TIME] [--time-limit SECONDS] [--jobs N]
                            [--no-feedback]

FOLDER (default .hub/homes) holds one folder per learner, e.g. one `python3 course.py collect` made.
Their notebooks are found anywhere inside it by the course's file names (01_error.ipynb ...), leaving
out old/, .ipynb_checkpoints/ and hidden folders; with --before, each is graded as last saved before the
deadline (choose_version). One row per learner and exercise goes to DIR/gradebook.csv and
DIR/gradebook.html (DIR: gradebook/ for the hub's homes, gradebook/<FOLDER's name>/ otherwise; never
another folder's), and each learner gets feedback.html in their folder (feedback.py): for a folder
`collect` made, in their home it was collected from, where they can open it (feedback_homes).

Marks nobody can forge: each learner's notebooks run in a contained kernel (contained.py: as root, a
throwaway account of its own, no network, stopped whole), cell by cell; the kernel then only hands back
each exercise's function, pickled as check sends it, and check's judge marks it in a checking process no
learner code has run in, as a second throwaway account (contained.Judge; sandbox.judge_sent). Nothing the
kernel prints counts.
Hostile files (links, FIFOs, endless or deeply nested ones) are read by handins.py: that learner's rows
say why, and the class is graded.

A learner's code may loop forever, print gigabytes, wait for input() or end its Python, so:
- Only the shell channel is listened to: outputs are never received (the kernel drops them, as no one
  subscribes), so a flood of prints costs the grader nothing. A cell's error is kept as one short line.
- A cell gets a quarter of the notebook's time limit. Past it the kernel is interrupted; if it does not
  answer within seconds (a bare `except:` swallows the interrupt) it is killed whole, started again,
  and the cells that had finished are replayed, the bad one skipped.
- A kernel that dies (os._exit, exit(), a crash) is noticed at once and treated the same way.
- An exercise whose function was lost with a skipped cell is "could not grade", saying why, never
  "not attempted".
For speed, learners are graded in parallel, each learner's notebooks share one kernel (emptied between
them), and cells left as the course has them that only show an explorer or a quiz are not run.
"""
import argparse
import ast
import base64
import csv
import datetime
import functools
import json
import os
import queue
import re
import secrets
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from classroom import accounts, contained, feedback, handins
from classroom.rows import CLASSES, COULD_NOT_GRADE, NOT_ATTEMPTED, PASSED, RIGHT, STATUSES, STYLE, SYMBOLS, \
    WRONG, WRONG_CHOICE, Row, chip, choice_letter, esc, is_exercise, question_of, quiz_message
from classroom.hub import TEACHER  # the hub's admin account: has copies too, but is not a learner
from course_utils.marking import sandbox
from course_utils.marking.checking import TIME_LIMIT
from course_utils.marking.exercises import EXERCISES
from course_utils.marking.questions import QUESTIONS

HERE = Path(__file__).resolve().parent.parent
COURSE = HERE / "notebooks"
DEFAULT_FOLDER = Path(os.environ.get("COURSE_HUB_STATE", HERE / ".hub")) / "homes"  # the hub's homes
DEFAULT_OUT = HERE / "gradebook"
SKIPPED_FOLDERS = {"old", ".ipynb_checkpoints"}  # plus every hidden folder
MAX_FOLDERS_DEEP = 32  # a learner's notebooks are found this many folders down their home at most
SHOWING = {"explorers", "widgets_deeper", "quiz"}  # what the course's notebooks call to show an explorer
VERSIONS = "versions"  # <learner>/versions/<notebook>.<time saved>.ipynb: earlier versions `collect` kept
UNRELATED = 10  # messages a kernel may send that answer nothing, per request (an interrupted one's reply is one)
EXCERPT = 300  # characters of a cell's error kept for the message

@dataclass
class Limits:
    """How long things may take, in seconds."""
    notebook: float = 300.0   # all the cells of one notebook, replays included
    cell: float = 75.0        # one cell, or marking one exercise
    interrupt: float = 3.0    # after an interrupt, before the kernel is killed
    start: float = 60.0       # a kernel starting and answering
    memory: int = 2 * 2**30   # bytes a kernel may hold (a loop of prints grows it by about 0.5 GB a second)
    restarts: int = 3         # kernels started again for one notebook, at most

    @classmethod
    def for_notebook(cls, seconds):
        """The limits for a notebook time limit: a cell gets a quarter of it."""
        return cls(notebook=seconds, cell=seconds / 4)


@dataclass
class Reply:
    """How a request to the kernel ended: 'ok', 'error' (the cell raised; the kernel lives on),
    'interrupted' (too slow, stopped by an interrupt), or 'lost' (killed or died: the kernel is gone)."""
    kind: str
    why: str = ""
    content: dict = None


class KernelGone(Exception):
    """The kernel could not be started or brought back; the message says why."""


# --- Finding the notebooks -----------------------------------------------------------------------------

def course_notebooks():
    """The course's notebook names, in order, e.g. ['00_start_here', '01_error', ...]."""
    return [path.stem for path in sorted(COURSE.glob("*.ipynb"))]


def exercises_of(notebook):
    """The ids of a notebook's exercises, in course order; each is also the name of the learner's function."""
    return [exercise.id for exercise in EXERCISES if exercise.notebook == notebook]


def find_learners(folder):
    """{learner: {notebook name: path}} for each first-level folder of `folder` (hidden ones left out).
    A learner with two copies of a notebook (say my-work/ and a hand-in folder) is graded on the newest."""
    names = set(course_notebooks())
    learners = {}
    collected = is_collection(folder)
    for home in sorted(Path(folder).iterdir(), key=lambda path: path.name.casefold()):
        if home.is_symlink() or not home.is_dir() or home.name.startswith(".") or home.name == TEACHER:
            continue
        learners[home.name] = _newest_copies(home, names, collected)
    return learners


def is_collection(folder):
    """Whether `collect` made the folder (the teacher's own, with its record)."""
    return (Path(folder) / "collected.json").is_file()


def saved_time(status, collected=False):
    """When a file was last saved, from its stat: in a folder `collect` made, its modified time, which collect
    set; in a learner's own folder, the later of its modified and changed times, as a learner can set the
    first (`touch -d`: a late notebook passed for one saved in time) and never the second."""
    return status.st_mtime if collected else max(status.st_mtime, status.st_ctime)


def _newest_copies(home, names, collected=False):
    """{notebook name: path} of the newest copy of each course notebook in a learner's folder. Walked with a
    list of folders still to read, MAX_FOLDERS_DEEP at most (os.walk recurses, and a chain of 1,100 folders
    stopped the class's grading); no link is followed, and what vanishes meanwhile is passed over."""
    found, waiting = {}, [(home, 0)]
    while waiting:
        folder, depth = waiting.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            stem = entry.name.removesuffix(".ipynb")
            try:
                if entry.is_dir(follow_symlinks=False):
                    walked = entry.name not in SKIPPED_FOLDERS and not entry.name.startswith(".")
                    if walked and depth < MAX_FOLDERS_DEEP:
                        waiting.append((entry.path, depth + 1))
                elif stem in names and entry.name.endswith(".ipynb"):
                    saved = saved_time(entry.stat(follow_symlinks=False), collected)  # a link is not followed
                    if stem not in found or saved > found[stem][0]:
                        found[stem] = (saved, Path(entry.path))
            except OSError:  # gone since the folder was read
                continue
    return {stem: path for stem, (_, path) in found.items()}


def saved_text(seconds):
    """A file's time, as the teacher reads it (local time)."""
    return datetime.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def checkpoint_of(path):
    """JupyterLab's last checkpoint of a notebook (written at File > Save), beside it."""
    return path.parent / ".ipynb_checkpoints" / f"{path.stem}-checkpoint.ipynb"


def versions_of(path, learner_folder):
    """Every saved version of a learner's notebook: itself, its checkpoint, the earlier ones `collect` kept."""
    found = [path, checkpoint_of(path), *Path(learner_folder, VERSIONS).glob(f"{path.stem}.*.ipynb")]
    return [version for version in found if version.is_file() and unlinked(version, learner_folder)]


def unlinked(path, folder):
    """Whether path lies inside folder with no link on the way: a learner's link, to a file or to any folder
    above it, could lead to another learner's files."""
    return os.path.realpath(path) == os.path.join(os.path.realpath(folder), os.path.relpath(path, folder))


def choose_version(path, learner_folder, before):
    """(the version to grade, its time saved, a note when it is late): with a deadline (seconds), the last
    version saved before it, as nbgrader does; a notebook saved after it is flagged."""
    collected = is_collection(Path(learner_folder).parent)
    saved = saved_time(path.lstat(), collected)
    if before is None or saved <= before:
        return path, saved, ""
    times = [(saved_time(version.lstat(), collected), version) for version in versions_of(path, learner_folder)]
    earlier = [(when, version) for when, version in times if when <= before]
    if not earlier:
        return path, saved, f"late: saved at {saved_text(saved)}, after the deadline, and no earlier version was kept"
    when, version = max(earlier)
    return version, when, (f"saved again at {saved_text(saved)}, after the deadline: graded as saved at "
                           f"{saved_text(when)}")


read_notebook = handins.read_notebook  # regular files only, size and depth capped, validated by nbformat


def code_cells(notebook):
    """The source of each code cell, in order (a cell with a malformed source counts as empty)."""
    sources = []
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) \
                else source if isinstance(source, str) else ""
            sources.append(source)
    return sources


def defines(source, exercise_id):
    """True when a cell defines or checks the exercise's function: losing that cell loses the answer."""
    return re.search(rf"\bdef\s+{exercise_id}\s*\(|check\(\s*['\"]{exercise_id}['\"]", source) is not None


# --- The kernel ----------------------------------------------------------------------------------------

class Kernel:
    """A contained kernel (contained.py) and the requests we make to it, on the shell channel only."""

    def __init__(self, scratch, token, limits):
        self.limits = limits
        self.contained = contained.ContainedKernel(scratch, token)
        self.next_memory_check = 0.0
        if self._reply(self.contained.client.kernel_info(), limits.start).kind != "ok":
            self.stop()
            raise KernelGone("the kernel did not start")

    def run(self, code, timeout, expressions=None):
        """Run code as a cell (no input(): it raises at once) and say how it ended. With expressions
        (a dict, maybe empty) it runs silently and the reply holds their values."""
        msg_id = self.contained.client.execute(code, silent=expressions is not None, store_history=False,
                                               user_expressions=expressions or {}, allow_stdin=False,
                                               stop_on_error=False)
        reply = self._reply(msg_id, timeout)
        if reply.kind == "interrupted":
            self.contained.interrupt()
            if self._reply(reply.content, self.limits.interrupt).kind in ("ok", "error"):
                return Reply("interrupted", f"did not finish within {timeout:.0f} s and was interrupted")
            return Reply("lost", f"did not finish within {timeout:.0f} s, nor stop when interrupted")
        return reply

    def _too_big(self):
        """True when the kernel's processes hold more than the memory limit (looked at twice a second)."""
        if time.monotonic() < self.next_memory_check:
            return False
        self.next_memory_check = time.monotonic() + 0.5
        return self.contained.memory() > self.limits.memory

    def _reply(self, msg_id, timeout):
        """Wait for the reply to msg_id; 'interrupted' (holding msg_id) when it is late, 'lost' when the kernel
        sends more than UNRELATED messages that answer nothing (each is read in the grader, which every
        learner shares: a kernel that keeps sending them would slow the whole class)."""
        shell, process = self.contained.client.shell_channel, self.contained.process
        deadline, unrelated = time.monotonic() + timeout, 0
        while (left := deadline - time.monotonic()) > 0:
            if process.poll() is not None:
                return Reply("lost", "ended the Python kernel (os._exit, a crash, or the memory ran out)")
            if self._too_big():
                self.stop()
                return Reply("lost", f"used more than {self.limits.memory / 2**30:.1f} GB of memory and was stopped")
            try:
                message = shell.get_msg(timeout=min(left, 0.1))
            except queue.Empty:
                continue
            except Exception:  # a malformed message (the kernel is the learner's): not a reply
                message = None
            if not message or message["parent_header"].get("msg_id") != msg_id:  # or a reply to an earlier,
                unrelated += 1                                                      # interrupted request
                if unrelated > UNRELATED:
                    self.stop()
                    return Reply("lost", "sent the grader messages that answer nothing, again and again")
                continue
            content = message["content"]
            if any(item.get("source") == "ask_exit" for item in content.get("payload", [])):
                return Reply("lost", "ended the Python kernel (exit() or quit())")
            if content.get("status") == "error":
                return Reply("error", _excerpt(f"{content.get('ename')}: {content.get('evalue')}"), content)
            return Reply("ok", content=content)
        return Reply("interrupted" if process.poll() is None else "lost", content=msg_id)

    def stop(self):
        self.contained.stop()


def _excerpt(text):
    text = " ".join(str(text).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


# --- One notebook --------------------------------------------------------------------------------------

class NotebookRun:
    """One learner's notebook running in a contained kernel: its cells, then its functions handed back."""

    def __init__(self, cells, scratch, token, limits, kernel=None):
        self.cells, self.scratch, self.token, self.limits = cells, scratch, token, limits
        self.deadline = time.monotonic() + limits.notebook
        self.finished = []   # cells that ran to their end (an error included): replayed after a restart
        self.problems = {}   # cell number (from 1) -> what went wrong with it
        self.lost = ""       # why the kernel is gone for good, if it is
        self.restarts = 0
        self.kernel = kernel  # one the learner's previous notebook left, emptied (see Learner)

    def run_cells(self):
        self.kernel = self.kernel or Kernel(self.scratch, self.token, self.limits)
        for number, code in enumerate(self.cells, 1):
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.problems[number] = f"never ran: the notebook's time limit ({self.limits.notebook:.0f} s) ran out"
                continue
            reply = self.kernel.run(code, min(self.limits.cell, left))
            if reply.kind in ("ok", "error"):
                self.finished.append(code)
                continue
            self.problems[number] = reply.why
            if reply.kind == "lost" and not self._revive():
                for later in range(number + 1, len(self.cells) + 1):
                    self.problems[later] = f"never ran: {self.lost}"
                return

    def _revive(self):
        """Start a new kernel and replay the finished cells; False (with self.lost) when that fails."""
        self.kernel.stop()
        self.kernel = None
        if self.restarts == self.limits.restarts:
            self.lost = f"the kernel was lost {self.restarts + 1} times"
            return False
        self.restarts += 1
        try:
            self.kernel = Kernel(self.scratch, self.token, self.limits)
        except KernelGone as why:
            self.lost = str(why)
            return False
        for code in self.finished:
            left = self.deadline - time.monotonic()
            reply = self.kernel.run(code, min(self.limits.cell, left)) if left > 0 else Reply("lost")
            if reply.kind not in ("ok", "error"):
                self.lost = "the kernel could not be brought back (the time limit ran out while replaying)"
                self.kernel.stop()
                self.kernel = None
                return False
        return True

    def hand_back(self, exercise_ids):
        """{exercise id: what the kernel holds under that name} (see HAND_BACK), or {} when it is lost.
        Only bytes and a few words come back: nothing the kernel says is a verdict."""
        if self.kernel is None:
            return {}
        reply = self.kernel.run(HAND_BACK, self.limits.cell, {"found": f"__gradebook_hand_back({exercise_ids!r})"})
        value = (reply.content or {}).get("user_expressions", {}).get("found", {})
        if reply.kind != "ok" or value.get("status") != "ok":
            self.lost = "its functions could not be taken out of the kernel: " + (
                reply.why or _excerpt(f"{value.get('ename')}: {value.get('evalue')}"))
            return {}
        found = read_hand_back((value.get("data") or {}).get("text/plain"))
        if not isinstance(found, dict):
            self.lost = "the kernel's answer about its functions was not readable"
            return {}
        return found


# The kernel's answer is the repr of one JSON string: one quoted string literal, nothing else. Checked before
# it is read, so that a kernel that answers with something else (a list literal of millions of entries, say,
# whose reading would hold the grader for a minute and take gigabytes) is refused at once.
ONE_STRING = re.compile(r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'" + "|" + r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
HAND_BACK_CHARS = contained.MAX_MESSAGE_BYTES  # the functions come back pickled, a few kilobytes each


def read_hand_back(text):
    """What the kernel handed back, from the repr of its JSON string; None if it is anything else."""
    if not isinstance(text, str) or len(text) > HAND_BACK_CHARS or not ONE_STRING.fullmatch(text):
        return None
    try:
        return json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return None


# Run in the learner's kernel once its cells have run: each exercise's function, pickled as check sends it
# to its checking process.
HAND_BACK = """def __gradebook_hand_back(names):
    import base64, json
    from course_utils.marking import sandbox
    from course_utils.marking.judging import describe
    send = sandbox.sent_function
    found = {}
    for name in names:
        try:
            if name not in globals():
                found[name] = ["missing"]
            elif not callable(globals()[name]):
                found[name] = ["not a function", describe(globals()[name])]
            else:
                fn_name, code, pickled = send(globals()[name])
                found[name] = ["function", fn_name, None if code is None else base64.b64encode(code).decode(),
                               base64.b64encode(pickled).decode()]
        except Exception as problem:
            found[name] = ["not sent", f"{type(problem).__name__}: {problem}"]
    return json.dumps(found)"""

def judge(exercise_id, found, checking):
    """(status, sentence) for what the kernel handed back, judged by check's own judge in `checking`'s
    worker, which no learner code has run in (contained.Judge); the kernel's word is never taken."""
    kind = found[0] if isinstance(found, list) and found else None
    if kind == "missing":
        return NOT_ATTEMPTED, f"there is no function `{exercise_id}` in the notebook"
    if kind == "not a function" and len(found) == 2:
        return WRONG, f"`{exercise_id}` is {_excerpt(found[1])}, not a function"
    if kind == "not sent" and len(found) == 2:  # the kernel's own word, which a learner's cell can make up
        return WRONG, f"it could not be sent to be judged apart (its kernel said: {_excerpt(found[1])})"
    try:
        _, name, code, pickled = found
        code = None if code is None else base64.b64decode(code, validate=True)
        pickled = base64.b64decode(pickled, validate=True)
    except (ValueError, TypeError):
        return COULD_NOT_GRADE, "the kernel handed back something that is not a function"
    try:
        status, sentence, _ = sandbox.judge_sent(exercise_id, name, code, pickled, TIME_LIMIT, checking)
    except sandbox.NoWorker as why:
        return COULD_NOT_GRADE, f"check could not judge it: {why}"
    return {"pass": PASSED, "todo": NOT_ATTEMPTED}.get(status, WRONG), sentence


def mark(run, exercise_id, found, checking):
    """(status, message) for one exercise, saying which cell problems may have cost it."""
    lost_with = [f"code cell {n} {why}" for n, why in run.problems.items() if defines(run.cells[n - 1], exercise_id)]
    if exercise_id not in found:
        return COULD_NOT_GRADE, "; ".join(lost_with) or run.lost or "its function was not handed back"
    status, sentence = judge(exercise_id, found[exercise_id], checking)
    if found[exercise_id][:1] == ["missing"] and lost_with:
        return COULD_NOT_GRADE, f"its function was lost: {'; '.join(lost_with)}, so it was skipped"
    note = f" (Note: {'; '.join(lost_with)}.)" if lost_with else ""
    return status, sentence + note


# Between two notebooks of one learner: their names gone, the folder as it was; modules stay imported.
EMPTY = "get_ipython().run_line_magic('reset', '-f')\nimport os\nos.chdir({work!r})\ndel os"


class Learner:
    """One learner's account and scratch folder (contained.py), and the kernel their notebooks use in turn:
    started once, emptied between notebooks, so the imports and set-up are paid once a learner. Only their
    own notebooks share it; it is stopped whole (every process of the account) when they are done."""

    def __init__(self, run_folder, token, limits, hidden=()):
        self.judge = contained.Judge(run_folder, token, hidden)  # another account: the kernel cannot reach it
        self.scratch = contained.Scratch(run_folder, contained.new_account(), hidden)
        self.token, self.limits, self.kernel = token, limits, None

    def grade_notebook(self, cells, exercise_ids):
        """{exercise id: (status, message)} for one notebook's code cells."""
        run = NotebookRun(cells, self.scratch, self.token, self.limits, self._emptied_kernel())
        try:
            run.run_cells()
            found = run.hand_back(exercise_ids)
        except KernelGone as why:
            return {exercise_id: (COULD_NOT_GRADE, str(why)) for exercise_id in exercise_ids}
        finally:
            self.kernel, run.kernel = run.kernel, None
        return {exercise_id: mark(run, exercise_id, found, self.judge.checking) for exercise_id in exercise_ids}

    def _emptied_kernel(self):
        """The kernel of the previous notebook with its names removed, or None (a new one is started)."""
        if self.kernel is not None and \
                self.kernel.run(EMPTY.format(work=str(self.scratch.work)), self.limits.cell, {}).kind != "ok":
            self.kernel.stop()
            self.kernel = None
        return self.kernel

    def stop(self):
        """Every step taken, even when one before it fails; what failed is returned, in words."""
        problems = []
        for step in (self._stop_kernel, self._remove_leftovers, self.scratch.remove, self.judge.stop):
            try:
                step()
            except Exception as problem:  # one learner's leftovers must not end the class's grading
                problems.append(_excerpt(f"{type(problem).__name__}: {problem}"))
        return problems

    def _stop_kernel(self):
        if self.kernel is not None:
            self.kernel.stop()  # its whole account (root), or its tree
            self.kernel = None
        elif self.scratch.uid is not None:
            accounts.stop_account(self.scratch.uid)  # no kernel left: the account may still run something

    def _remove_leftovers(self):
        if self.scratch.uid is not None:
            accounts.remove_leftovers(self.scratch.uid)


def shows_only(source):
    """True for a cell that only shows an explorer or a quiz (every statement a call of one): nothing a
    learner's function uses comes from it, and drawing is most of a notebook's time."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return bool(body) and all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                              and _root_name(node.value.func) in SHOWING for node in body)


def _root_name(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


@functools.lru_cache(maxsize=None)
def course_cells(notebook):
    """The code cells of the course's own notebook, as a set."""
    return frozenset(code_cells(handins.read_notebook(COURSE / f"{notebook}.ipynb")))


def cells_to_run(cells, notebook):
    """The cells, those left as the course has them that only show something emptied (not run)."""
    try:
        course = course_cells(notebook)
    except (OSError, ValueError):
        course = frozenset()
    return ["" if cell in course and shows_only(cell) else cell for cell in cells]


def recorded_answers(home, before=None):
    """{question id: (last choice, number of choices made)} from quiz-answers.jsonl in a learner's home,
    where the class hub has each quiz click written (course_utils/marking/questions.py's record); with a
    deadline (seconds), only the choices made before it. ValueError when the file is hostile (handins.py)."""
    answers = {}
    for entry in handins.read_answer_lines(Path(home) / "quiz-answers.jsonl", beneath=home):
        question, choice = entry.get("question"), entry.get("choice")
        if isinstance(question, str) and type(choice) is int and not _after(entry.get("time"), before):
            answers[question] = (choice, answers.get(question, (None, 0))[1] + 1)
    return answers


def _after(when, before):
    """True when a recorded time (the hub's local ISO time) is past the deadline; an unreadable one is not."""
    try:
        return before is not None and datetime.datetime.fromisoformat(when).timestamp() > before
    except (TypeError, ValueError, OverflowError, OSError):
        return False


def quiz_answers(notebook, name, recorded=None):
    """[(question id, choice index, how many choices were made or None)] for a notebook's questions: from
    what the hub recorded, else from the quiz choices saved in the notebook's widget state (JupyterLab saves
    that state only with Settings > Save Widget State Automatically on, off by default)."""
    recorded = {question.id: recorded[question.id] for question in QUESTIONS.get(name, [])
                if recorded and question.id in recorded}
    if recorded:
        return [(question_id, choice, tries) for question_id, (choice, tries) in recorded.items()]
    try:
        state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        models = [model["state"] for model in state.values() if model.get("model_name") == "RadioButtonsModel"]
    except (KeyError, TypeError, AttributeError):
        return []
    answers = []
    for question in QUESTIONS.get(name, []):
        labels = [text for text, _ in question.choices]
        for model in models:
            if isinstance(model, dict) and model.get("_options_labels") == labels and type(model.get("index")) is int:
                answers.append((question.id, model["index"], None))
                break
    return answers


# --- The class -----------------------------------------------------------------------------------------

def grade(folder=DEFAULT_FOLDER, limits=None, jobs=1, echo=print, before=None):
    """Every learner's rows, one per exercise of the course (and one per recorded quiz answer). `jobs`
    learners are graded at a time, each in a contained kernel of their own. A learner whose files cannot be read gets
    rows saying why; the others are graded all the same. `before`: the deadline, in seconds (see
    choose_version)."""
    limits = limits or Limits()
    token = os.environ.get(contained.MARK) or secrets.token_hex(16)  # marks every kernel of this run
    scratch = contained.run_folder()
    tasks = [(learner, found, Path(folder) / learner) for learner, found in find_learners(folder).items()]
    hidden = contained.hideable(folder, scratch)  # the kernels see no other learner's files
    try:
        with ThreadPoolExecutor(jobs) as pool:
            results = pool.map(lambda task: _grade_learner(*task, scratch, token, limits, echo, before, hidden), tasks)
            rows = [row for found in results for row in found]
    finally:
        if not contained.as_root():
            contained.stop_marked(token)  # the processes that left their kernel's tree
        contained.remove_run_folder(scratch)
    return rows + _answer_file_problems(tasks)


def _grade_learner(learner, found, home, scratch, token, limits, echo, before, hidden=()):
    """One learner's rows, notebook by notebook, in one contained kernel (see Learner)."""
    session = None
    try:
        session = Learner(scratch, token, limits, hidden)
        return [row for notebook in course_notebooks()
                for row in _graded_safely(learner, notebook, found.get(notebook), home, session, echo, before)]
    except Exception as problem:  # the account or the scratch folder could not be made
        why = _excerpt(f"grading failed: {type(problem).__name__}: {problem}")
        return [Row(learner, exercise.notebook, exercise.id, COULD_NOT_GRADE, why) for exercise in EXERCISES]
    finally:
        for problem in session.stop() if session is not None else ():
            echo(f"{_printable(learner)}: cleaning up after grading: {problem}")


def _answer_file_problems(tasks):
    """A row for each learner whose quiz-answers.jsonl could not be read, saying why."""
    rows = []
    for home in dict.fromkeys(task[2] for task in tasks):
        try:
            recorded_answers(home)
        except ValueError as why:
            rows.append(Row(home.name, "", "quiz-answers", COULD_NOT_GRADE, f"quiz-answers.jsonl: {why}"))
    return rows


def _graded_safely(learner, notebook, path, home, session, echo, before):
    """One learner's notebook graded; whatever goes wrong with it is that learner's rows, not the class's."""
    try:
        return _grade_learners_notebook(learner, notebook, path, home, session, echo, before)
    except Exception as problem:
        why = _excerpt(f"grading it failed: {type(problem).__name__}: {problem}")
        return [Row(learner, notebook, exercise_id, COULD_NOT_GRADE, why) for exercise_id in exercises_of(notebook)]


def _grade_learners_notebook(learner, notebook, path, home, session, echo, before):
    exercise_ids = exercises_of(notebook)
    if path is None:
        return [Row(learner, notebook, exercise_id, NOT_ATTEMPTED, f"no {notebook}.ipynb found")
                for exercise_id in exercise_ids]
    started = time.monotonic()
    path, saved, late = choose_version(path, home, before)
    stamp = dict(saved=saved_text(saved), late=late)
    try:
        contents = read_notebook(path, beneath=home)  # no link on the way: it may lead to another's
    except ValueError as why:
        return [Row(learner, notebook, exercise_id, COULD_NOT_GRADE, str(why), **stamp) for exercise_id in exercise_ids]
    cells = cells_to_run(code_cells(contents), notebook)
    results = session.grade_notebook(cells, exercise_ids) if exercise_ids else {}
    rows = [Row(learner, notebook, exercise_id, *results[exercise_id], **stamp) for exercise_id in exercise_ids]
    try:
        recorded = recorded_answers(home, before)
    except ValueError:
        recorded = {}  # said once for the learner (_answer_file_problems)
    for question_id, choice, tries in quiz_answers(contents, notebook, recorded):
        question = next(q for q in QUESTIONS[notebook] if q.id == question_id)
        chosen = question.choices[choice][0] if 0 <= choice < len(question.choices) else f"choice {choice}"
        rows.append(Row(learner, notebook, f"quiz:{question_id}", RIGHT if choice == question.answer
                        else WRONG_CHOICE, quiz_message(chosen, tries)))
    if exercise_ids:
        counts = Counter(row.status for row in rows if not row.exercise.startswith("quiz:"))
        echo(f"{_printable(learner)}  {notebook}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
             + f" ({time.monotonic() - started:.1f} s)", flush=True)
    return rows


def _printable(text):
    """A learner's folder name, safe to print in a terminal (no escape sequences)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def summary(rows, seconds):
    """One paragraph for the teacher (the page shows the quiz note below the grid instead)."""
    marked = [row for row in rows if is_exercise(row)]
    counts = Counter(row.status for row in marked)
    learners = len({row.learner for row in rows})
    quiz = [row for row in rows if row.exercise.startswith("quiz:")]
    quiz_text = (f" {len(quiz)} quiz answers were recorded, {sum(row.status == RIGHT for row in quiz)} right."
                 if quiz else " No quiz answers were recorded (the class hub records every choice; elsewhere "
                 "JupyterLab saves them only with Settings > Save Widget State Automatically).")
    counted = (f"Graded {learners} learner(s), {len(marked)} exercise results in {seconds:.0f} s: "
               + ", ".join(f"{counts[status]} {status}" for status in STATUSES) + ".")
    return counted, counted + quiz_text


# --- Writing it down -----------------------------------------------------------------------------------

PLAIN_NUMBER = re.compile(r"[+-]\s*[$€£¥]?\s*\d[\d,]*(\.\d+)?%?")  # +$30,000, -1.5: data, not a formula


def spreadsheet_safe(text):
    """Text a spreadsheet shows as it is: a cell that would start a formula (=, @, a tab or a return, or + or -
    not followed by a plain number) gets a leading apostrophe, which spreadsheets take as "text" and hide."""
    starts_formula = text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not PLAIN_NUMBER.fullmatch(text))
    return "'" + text if starts_formula else text


def write_csv(rows, path):
    with open(path, "w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "notebook", "exercise", "status", "message", "saved", "late"])
        for row in rows:
            writer.writerow([spreadsheet_safe(value) for value in
                             (row.learner, row.notebook, row.exercise, row.status, row.message, row.saved, row.late)])


def write_html(rows, path, summary_text, pages=None):
    """A page a teacher can open anywhere: no scripts, no outside files; every text escaped. pages:
    {learner: the file name of their feedback page in feedback/}, linked from their name."""
    pages = pages or {}
    exercises = [(row.notebook, row.exercise) for row in rows if is_exercise(row)]
    columns = list(dict.fromkeys(exercises))
    learners = list(dict.fromkeys(row.learner for row in rows))
    by_key = {(row.learner, row.exercise): row for row in rows}
    parts = ["<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>Gradebook</title><style>{STYLE}</style></head><body>",
             "<h1>Gradebook</h1>", f"<p class='summary'>{esc(summary_text)}</p>", _legend(),
             _grid(columns, learners, by_key, pages), _quiz_table(rows, learners), _details(rows, learners),
             f"<p class='note'>Made {esc(time.strftime('%Y-%m-%d %H:%M'))} by <code>python3 course.py grade</code>."
             " Hover over a cell for check's message, or open a learner's messages below; a learner's name"
             " opens the page they were given.</p></body></html>\n"]
    Path(path).write_text("\n".join(parts), encoding="utf-8", errors="backslashreplace")


def _legend():
    return "<p class='legend'>" + "".join(f"<span>{chip(status)} {status}</span>" for status in STATUSES) + "</p>"


def _learner_cell(learner, rows, pages):
    """The learner's name (a link to their feedback page, if any) and which notebooks were late."""
    late = sorted({row.notebook for row in rows if row.learner == learner and row.late})
    name = (f"<a href='feedback/{esc(pages[learner])}'>{esc(learner)}</a>" if learner in pages else esc(learner))
    return name + (f"<br><span class='late'>late: {esc(', '.join(late))}</span>" if late else "")


def _grid(columns, learners, by_key, pages):
    """The learner × exercise table, with each learner's total and each exercise's."""
    if not columns:
        return "<p>No learners' notebooks were found.</p>"
    groups = list(dict.fromkeys(notebook for notebook, _ in columns))
    head = ["<thead><tr><th class='learner' rowspan='2'>learner</th>"]
    head += [f"<th colspan='{sum(n == notebook for n, _ in columns)}'>{esc(notebook)}</th>" for notebook in groups]
    head += ["<th rowspan='2'>passed</th></tr><tr class='exercises'>"]
    head += [f"<th>{esc(exercise).replace('_', '_<wbr>')}</th>" for _, exercise in columns]
    head += ["</tr></thead>"]
    body = ["<tbody>"]
    for learner in learners:
        cells = [by_key.get((learner, exercise)) for _, exercise in columns]
        passed = sum(row is not None and row.status == PASSED for row in cells)
        mine = [row for row in cells if row is not None]
        body.append(f"<tr><th class='learner' scope='row'>{_learner_cell(learner, mine, pages)}</th>")
        for (notebook, exercise), row in zip(columns, cells):
            status, message = (row.status, row.message) if row else (NOT_ATTEMPTED, "")
            tip = f"{exercise} ({notebook}): {status}" + (f"\n{message}" if message else "")
            body.append(f"<td class='cell {CLASSES[status]}' title='{esc(tip)}' aria-label='{esc(status)}'>"
                        f"{SYMBOLS[status]}</td>")
        body.append(f"<td class='total'>{passed} / {len(columns)}</td></tr>")
    body.append("</tbody>")
    totals = [sum(by_key.get((learner, exercise)) is not None and by_key[(learner, exercise)].status == PASSED
                  for learner in learners) for _, exercise in columns]
    foot = ["<tfoot><tr><th class='learner'>passed</th>", *(f"<td>{t}/{len(learners)}</td>" for t in totals),
            "<td></td></tr></tfoot>"]
    return "<div class='grid'><table>" + "".join(head + body + foot) + "</table></div>"


def _quiz_table(rows, learners):
    """Each learner's last choice per question, as its letter (no hovering needed), and the questions below."""
    quiz = [row for row in rows if row.exercise.startswith("quiz:")]
    if not quiz:
        return ("<p class='note'>No quiz answers were recorded: the class hub records every choice; elsewhere "
                "JupyterLab keeps a learner's choices in the notebook only with <i>Settings › Save Widget State "
                "Automatically</i> on.</p>")
    questions = list(dict.fromkeys(row.exercise for row in quiz))
    by_key = {(row.learner, row.exercise): row for row in quiz}
    parts = ["<h2>Quiz answers (each learner's last choice)</h2><div class='grid'><table><thead><tr class='questions'>",
             "<th class='learner'>learner</th>", *(f"<th>{esc(q.removeprefix('quiz:'))}</th>" for q in questions),
             "</tr></thead><tbody>"]
    for learner in learners:
        parts.append(f"<tr><th class='learner'>{esc(learner)}</th>")
        for question in questions:
            row = by_key.get((learner, question))
            parts.append(f"<td class='choice {CLASSES[row.status]}' title='{esc(row.message)}'>{SYMBOLS[row.status]} "
                         f"{choice_letter(row)}</td>" if row else "<td class='choice todo'>–</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts) + _question_key([next(row for row in quiz if row.exercise == q) for q in questions])


def _question_key(rows):
    """Each question's prompt and its choices, lettered, the right one marked."""
    parts = ["<details><summary>The questions and their choices</summary>"]
    for row in rows:
        question = question_of(row)
        if question is None:
            continue
        parts.append(f"<p><code>{esc(question.id)}</code> {esc(question.prompt)}</p><ol class='choices' type='A'>")
        parts += [f"<li class='answer'>{esc(text)} (right)</li>" if index == question.answer
                  else f"<li>{esc(text)}</li>" for index, (text, _) in enumerate(question.choices)]
        parts.append("</ol>")
    return "".join(parts) + "</details>"


def _details(rows, learners):
    """Each learner's messages: wrong and ungraded first, then passed; what was not attempted in one line;
    their quiz choices written out. Open where something needs the teacher's eye."""
    order = {WRONG: 0, COULD_NOT_GRADE: 1, PASSED: 2}
    parts = ["<h2>Messages, learner by learner</h2>"]
    for learner in learners:
        rows_of = [row for row in rows if row.learner == learner]
        mine = sorted((row for row in rows_of if is_exercise(row) and row.status != NOT_ATTEMPTED),
                      key=lambda row: order[row.status])
        counts = Counter(row.status for row in rows_of if is_exercise(row))
        opened = " open" if counts[WRONG] or counts[COULD_NOT_GRADE] else ""
        parts.append(f"<details{opened}><summary>{esc(learner)}: "
                     + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]) + "</summary><ul class='messages'>")
        parts += [f"<li class='{CLASSES[row.status]}'>{chip(row.status)} <code>{esc(row.exercise)}</code> "
                  f"({esc(row.status)}): {esc(row.message)}</li>" for row in mine]
        parts += [f"<li class='ungraded'>{chip(COULD_NOT_GRADE)} {esc(row.message)}</li>"
                  for row in rows_of if not row.notebook]
        todo = [row.exercise for row in rows_of if is_exercise(row) and row.status == NOT_ATTEMPTED]
        if todo:
            parts.append(f"<li class='todo'>{chip(NOT_ATTEMPTED)} not attempted: {esc(', '.join(todo))}</li>")
        parts += [f"<li class='{CLASSES[row.status]}'>{chip(row.status)} quiz <code>{esc(row.exercise[5:])}</code>: "
                  f"{choice_letter(row)}. {esc(row.message)}</li>"
                  for row in rows_of if row.exercise.startswith("quiz:")]
        parts += [f"<li class='late'>{esc(row.notebook)}: {esc(row.late)}</li>"
                  for row in {row.notebook: row for row in rows_of if row.late}.values()]
        parts.append("</ul></details>")
    return "".join(parts)


# --- The command ---------------------------------------------------------------------------------------

def default_out(folder):
    """gradebook/ for the hub's homes; gradebook/<folder's name>/ for any other folder (a collection)."""
    return DEFAULT_OUT if Path(folder).resolve() == DEFAULT_FOLDER.resolve() else DEFAULT_OUT / Path(folder).name


def claim_out(out, folder):
    """Make out the gradebook folder of `folder`; exit, saying why, if it holds another folder's gradebook."""
    marker, source = out / ".graded-folder", str(Path(folder).resolve())
    owner = marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
    if (out / "gradebook.csv").exists() and owner != source:
        sys.exit(f"{out} holds the gradebook of {owner or 'another folder'}: give another --out, so that it is "
                 "not overwritten.")
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out, 0o700)  # learners' marks and messages: the teacher's alone, even in a folder learners can read
    marker.write_text(source + "\n", encoding="utf-8")
    os.chmod(marker, 0o600)


def deadline(text):
    """--before's time (local time unless it says otherwise) in seconds."""
    try:
        return datetime.datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time such as '2026-12-05 17:00'") from None


def feedback_homes(folder):
    """Where the learners' folders that get their feedback pages are: the homes a collected folder was taken
    from (its collected.json, the teacher's own file, names them) while they are there; else the folder."""
    try:
        homes = Path(json.loads((folder / "collected.json").read_text(encoding="utf-8"))["from"])
    except (OSError, ValueError, KeyError, TypeError):
        return folder  # not a collected folder (or a record from before `collect` noted where from)
    return homes if homes.is_dir() else folder


def main(arguments=None):
    parser = argparse.ArgumentParser(prog="python3 course.py grade", description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER),
                        help="one folder per learner (default: .hub/homes), e.g. one `collect` made")
    parser.add_argument("--out", help="where gradebook.csv and gradebook.html go (default: gradebook/ for the "
                                      "hub's homes, gradebook/<folder's name>/ for another folder)")
    parser.add_argument("--before", type=deadline, metavar="TIME",
                        help="a deadline ('2026-12-05 17:00'): grade the last version saved before it")
    parser.add_argument("--time-limit", type=float, default=Limits.notebook, metavar="SECONDS",
                        help="the most one notebook may take (default: 300); one cell gets a quarter of it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, metavar="N",
                        help="learners graded at a time (default: one per processor)")
    parser.add_argument("--no-feedback", action="store_true",
                        help="do not give each learner feedback.html in their folder, or for a collected folder "
                             "in their home it was collected from (the teacher's copies are written all the same, "
                             "in the gradebook's feedback/)")
    options = parser.parse_args(arguments)
    folder = Path(options.folder)
    out = Path(options.out) if options.out else default_out(folder)
    if not folder.is_dir():
        sys.exit(f"There is no folder {folder}: give the folder that holds one folder per learner.")
    claim_out(out, folder)
    started = time.monotonic()
    rows = grade(folder, Limits.for_notebook(options.time_limit), max(1, options.jobs), before=options.before)
    counted, text = summary(rows, time.monotonic() - started)
    os.umask(0o077)  # every file the gradebook writes is the teacher's alone (not before: scratch folders are passed)
    write_csv(rows, out / "gradebook.csv")
    pages = feedback.pages(rows)
    write_html(rows, out / "gradebook.html", counted, feedback.write_pages(pages, out))
    homes = feedback_homes(folder)
    problems = [] if options.no_feedback else feedback.give_all(pages, homes)
    given = "" if options.no_feedback else (f" Each learner was given {feedback.PAGE} in their folder of {homes}"
                                            + (f", except: {'; '.join(problems)}" if problems else "") + ".")
    print(f"\n{text} The gradebook is {out / 'gradebook.html'} (open it in a browser), the same as a table "
          f"in {out / 'gradebook.csv'}.{given}")


if __name__ == "__main__":
    main()
