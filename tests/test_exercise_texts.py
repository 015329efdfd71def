"""What check, hint and solution say works as written in the notebook where it appears: every name their
code uses exists there, their Markdown shows dollars as dollars, and the hints lead without handing
over the answer (only solution() does that)."""
import ast
import builtins
import json
import keyword
import re
from pathlib import Path

import pytest

from course_utils import check, hint, solution
from course_utils.marking import checking
from course_utils.marking.exercises import EXERCISES
from course_utils.marking.judgement import parameter_names
from course_utils.marking.judging import DOLLAR
from learner_answers import ANSWERS
from learner_answers_fresh import FRESH

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [exercise.id for exercise in EXERCISES]


# --- The names a notebook has defined by the time its exercise cell has run --------------------------

class Bindings(ast.NodeVisitor):
    """The names a piece of code binds at its top level (not inside its functions)."""

    def __init__(self):
        self.names = set()

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def visit_FunctionDef(self, node):
        self.names.add(node.name)

    visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):  # its arguments, like a comprehension's variables, stay inside it
        pass

    visit_GeneratorExp = visit_ListComp = visit_SetComp = visit_DictComp = visit_Lambda

    def visit_alias(self, node):
        self.names.add(node.asname or node.name.split(".")[0])

    def visit_ExceptHandler(self, node):
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)


def bound(code):
    visitor = Bindings()
    visitor.visit(ast.parse(code))
    return visitor.names


def python_of(cell_source):
    """A code cell's Python, with IPython's magics left out; `%run file` brings in the file's names."""
    lines, extra = [], set()
    for line in cell_source.splitlines():
        if line.startswith("%run "):
            extra |= bound((ROOT / "notebooks" / line.split()[1]).read_text(encoding="utf-8"))
        elif not line.startswith(("%", "!")):
            lines.append(line)
    return "\n".join(lines), extra


def notebook_names(path, exercise_id):
    """The names defined by the code cells up to and including the cell that checks exercise_id, or
    None if the notebook has no such cell."""
    names = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        code, extra = python_of("".join(cell["source"]))
        names |= bound(code) | extra
        if f'check("{exercise_id}"' in code:
            return names
    return None


def notebooks_of(exercise):
    """{notebook name: the names defined there} for every notebook that has the exercise."""
    found = {path.stem: notebook_names(path, exercise.id) for path in NOTEBOOKS}
    return {name: names for name, names in found.items() if names is not None}


# --- The code in a text: inline spans, code blocks, and calls written in plain words -----------------

BLOCK = re.compile(r"```python\n(.*?)```", re.S)
SPAN = re.compile(r"`([^`]+)`")
CALL_IN_WORDS = re.compile(r"(?<![.\w])([A-Za-z_]\w*)\(")
SHAPE = re.compile(r"^\((\s*\w+\s*,?)*\)$")  # (n,) or (n, 1): notation for a shape, not code
PATH = re.compile(r"^[\w/]+\.py$")


def loads_and_stores(code):
    """(names the code reads, names it binds), for a fragment such as `w - alpha * grad` or `for i in x:`."""
    for attempt in (code, code + " pass"):
        try:
            tree = ast.parse(attempt)
        except SyntaxError:
            continue
        loads = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        stores = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
        stores |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
        stores |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        return loads, stores
    words = set(re.findall(r"(?<![.\w])[A-Za-z_]\w*", code)) - set(keyword.kwlist)  # `@ W2.T`, `try/except`
    return words, set()


def code_in(text):
    """(the code spans and blocks of a Markdown text, the text left without them)."""
    blocks = BLOCK.findall(text)
    words = BLOCK.sub(" ", text)
    spans = [span for span in SPAN.findall(words) if not SHAPE.match(span) and not PATH.match(span)]
    return blocks + spans, SPAN.sub(" ", words)


def undefined(text, known):
    """The names text's code uses that are not in known (nor bound by the text's own code)."""
    pieces, words = code_in(text)
    loads, stores = set(), set()
    for piece in pieces:
        piece_loads, piece_stores = loads_and_stores(piece)
        loads |= piece_loads
        stores |= piece_stores
    loads |= set(CALL_IN_WORDS.findall(words))
    return sorted(loads - stores - known - set(dir(builtins)))


def messages_of(exercise):
    """What check says to the usual mistakes, to the learner answers (both sets), to a stub and to a crash."""
    def stub(*args):
        ...

    def crashes(*args):
        return {}["missing"]

    functions = [mistake.make for mistake in exercise.mistakes] + [stub, crashes]
    functions += [answer.fn for answer in ANSWERS + FRESH if answer.exercise_id == exercise.id]
    return [check(exercise.id, fn).message for fn in functions]


def texts_of(exercise):
    """Every text of an exercise apart from its hints: mistakes, shapes, solution, check's messages."""
    mistakes = [part for mistake in exercise.mistakes for part in (mistake.name, mistake.advice)]
    return mistakes + [exercise.shapes, solution(exercise.id).markdown] + messages_of(exercise)


# --- The tests ---------------------------------------------------------------------------------------

def test_the_name_finder_finds_what_the_old_hints_got_wrong():
    known = {"np", "network", "X", "W1", "b1"}
    assert undefined("`hidden = sigmoid(X @ W1 + b1)`", known) == ["sigmoid"]
    assert undefined("hidden = sigmoid(X @ W1 + b1).", known) == ["sigmoid"]
    assert undefined("`s = network.sigmoid(z)`; `return s * (1 - s)`", known | {"z"}) == []
    assert undefined("`for index in np.ndindex(w.shape):` then `grad[index] = 0`", known | {"w", "grad"}) == []
    assert undefined("shape `(n, 1)`, from `course_utils/network.py`, `@ W2.T`", known | {"W2"}) == []


def test_the_course_exercises_are_found_in_their_notebooks():
    for exercise in EXERCISES:  # 00 to 06: every exercise has its cell, so the tests below judge every one
        assert exercise.notebook in notebooks_of(exercise), exercise.id


def shown_in(exercise):
    """notebooks_of(exercise), skipping the test for an exercise no notebook checks yet."""
    notebooks = notebooks_of(exercise)
    if not notebooks:
        pytest.skip(f"no notebook has check(\"{exercise.id}\") yet")
    return notebooks


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_name_in_the_hints_exists_where_they_are_shown(exercise):
    for notebook, names in shown_in(exercise).items():
        known = names | set(parameter_names(exercise))
        for number, text in enumerate(exercise.hints, 1):
            missing = undefined(text, known)
            assert not missing, f"{notebook}: hint {number} of {exercise.id} uses {missing}: {text}"
            # later hints build on the names an earlier one introduced
            known |= {name for piece in code_in(text)[0] for name in loads_and_stores(piece)[1]}


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_name_in_the_messages_and_the_solution_exists_where_they_are_shown(exercise):
    for notebook, names in shown_in(exercise).items():
        known = names | set(parameter_names(exercise))
        for text in texts_of(exercise):
            missing = undefined(text, known)
            assert not missing, f"{notebook}, {exercise.id}: {missing} in: {text}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_dollars_show_as_dollars_not_as_maths(exercise):
    for text in exercise.hints + texts_of(exercise):
        assert "$" not in text.replace(DOLLAR, ""), f"an unescaped $ in: {text}"


def test_the_dollar_hint_is_escaped_in_markdown_and_plain_in_text(monkeypatch):
    monkeypatch.setattr(checking, "_hints_given", {})  # from the first hint on
    error = next(exercise for exercise in EXERCISES if exercise.id == "error")
    assert DOLLAR + "150,000" in error.hints[1]
    for _ in range(2):
        note = hint("error")
    assert DOLLAR + "150,000" in note._repr_markdown_() and "$150,000 for a $100,000 house" in repr(note)


def solution_lines(exercise):
    """The lines of an exercise's solution, without spaces and comments."""
    code = BLOCK.findall(solution(exercise.id).markdown)[0]
    return {re.sub(r"\s+", "", line.split("#")[0]) for line in code.splitlines()}


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_hints_lead_but_do_not_hand_over_the_answer(exercise):
    earlier = EXERCISES[:EXERCISES.index(exercise)]
    lines = solution_lines(exercise) - set().union(*map(solution_lines, earlier))  # the earlier answers are known
    for text in exercise.hints:
        for piece in code_in(text)[0]:
            assert not piece.startswith("return"), f"{exercise.id}: a hint gives the return line: {text}"
            assert re.sub(r"\s+", "", piece) not in lines, f"{exercise.id}: a hint gives a line of the solution: {text}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_hints_lead_and_the_last_points_to_the_solution(exercise, monkeypatch):
    monkeypatch.setattr(checking, "_hints_given", {})  # as in a fresh kernel, whatever other tests asked
    assert len(exercise.hints) >= 3
    texts = [hint(exercise.id).markdown for _ in exercise.hints]
    assert f"Hint {len(exercise.hints)} of {len(exercise.hints)}" in texts[-1]
    assert f"solution('{exercise.id}')" in texts[-1]


def test_backward_has_a_hint_for_each_step():
    backward = next(exercise for exercise in EXERCISES if exercise.id == "backward")
    steps = ["forward", "error signal", "W2", "hidden layer", "sigmoid", "W1"]
    assert len(backward.hints) == len(steps)
    for text, step in zip(backward.hints, steps):
        assert step in text
