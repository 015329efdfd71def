"""The docstrings of course_utils point to the right lesson: a helper that a notebook uses says
"Introduced in" the first notebook (in course order) whose code uses it, and a helper that no notebook
uses says what it does instead, without claiming a lesson. A module that claims a lesson names the first
notebook that imports it, and the module table in course_utils/__init__.py names exactly the modules
that exist.

The tests know the right lesson for every docstring, so they can also write it:

    python tests/test_docstrings.py          # print the corrections
    python tests/test_docstrings.py --fix    # write them into course_utils
"""
import ast
import importlib
import inspect
import json
import pkgutil
import re
import sys
from pathlib import Path

import course_utils

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))  # 00_start_here ... 06_deeper
# Every module, named from the package down: "losses", "figures.common", "explorers.deeper" (the rooms'
# own __init__ holds no helper).
MODULES = sorted(info.name.removeprefix("course_utils.") for info in
                 pkgutil.walk_packages(course_utils.__path__, "course_utils.") if not info.ispkg)
CLAIM = re.compile(r"Introduced\s+in\s+(\S+?)(?=[\s.,;:]|$)")  # "Introduced in 01_error." -> 01_error


def public_names():
    """{(module, name): docstring} for every function and class a course_utils module defines, except
    those whose names start with "_". The docstring is the one written in the source (a dataclass
    without one would otherwise get a made-up one)."""
    found = {}
    for module_name in MODULES:
        module = importlib.import_module(f"course_utils.{module_name}")
        tree = ast.parse(inspect.getsource(module))
        written = {node.name: ast.get_docstring(node) for node in tree.body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        for name, thing in vars(module).items():
            if name.startswith("_") or getattr(thing, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(thing) or inspect.isclass(thing):
                found[(module_name, name)] = written.get(name, thing.__doc__)
    return found


def cells_of(notebook):
    """The source of each code cell of a notebook."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def code_of(notebook):
    """The Python of a notebook's code cells, one string per cell, IPython's magics left out."""
    return ["\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
            for source in cells_of(notebook)]


def imported(node):
    """{name bound: object} for an import from course_utils (a module or a helper), else {}."""
    bound = {}
    if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "course_utils":
        source = importlib.import_module(node.module)
        for alias in node.names:
            if alias.name == "*":
                bound.update({name: getattr(source, name) for name in getattr(source, "__all__", [])})
                continue
            thing = getattr(source, alias.name, None)
            if thing is None:  # a submodule not imported yet
                thing = importlib.import_module(f"{node.module}.{alias.name}")
            bound[alias.asname or alias.name] = thing
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == "course_utils":
                if alias.asname:
                    bound[alias.asname] = importlib.import_module(alias.name)
                else:
                    bound["course_utils"] = course_utils
    return bound


def course_utils_names(trees):
    """{name: module or helper} for every name a notebook imports from course_utils."""
    names = {}
    for tree in trees:
        for node in ast.walk(tree):
            names.update(imported(node))
    return names


def helpers_used(notebook):
    """The course_utils functions and classes a notebook's code cells name: imported by name
    (`from course_utils import check`, `from course_utils.explorers.quiz import quiz`), or as `module.name` after
    `from course_utils import module` (`plots.show`). Calling a method of something a helper returned
    does not count, nor does a helper that only other helpers use."""
    trees = [ast.parse(code) for code in code_of(notebook)]
    names = course_utils_names(trees)
    used = [thing for thing in names.values() if not inspect.ismodule(thing)]
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                chain = []  # plots.show, or course_utils.plots.show: follow it while it names modules
                while isinstance(node, ast.Attribute):
                    chain.insert(0, node.attr)
                    node = node.value
                thing = names.get(node.id) if isinstance(node, ast.Name) else None
                for attr in chain:
                    if not inspect.ismodule(thing):
                        break
                    thing = getattr(thing, attr, None)
                    used.append(thing)
    return {(thing.__module__.removeprefix("course_utils."), thing.__name__) for thing in used
            if (inspect.isfunction(thing) or inspect.isclass(thing))
            and thing.__module__.startswith("course_utils.")}


def first_use():
    """{(module, name): the first notebook (its stem) that uses that helper}."""
    first = {}
    for notebook in NOTEBOOKS:
        for key in helpers_used(notebook):
            first.setdefault(key, notebook.stem)
    return first


def modules_used(notebook):
    """The course_utils modules a notebook imports, or imports a helper from, or runs with
    `%run ../course_utils/setup_check.py`."""
    names = course_utils_names(ast.parse(code) for code in code_of(notebook))
    used = {thing.__name__ if inspect.ismodule(thing) else thing.__module__ for thing in names.values()}
    ran = {f"course_utils.{name}" for source in cells_of(notebook)
           for name in re.findall(r"^\s*%run\s+\S*course_utils/(\w+)\.py", source, flags=re.MULTILINE)}
    return {name.removeprefix("course_utils.") for name in used | ran if name.startswith("course_utils.")}


def helper_claims():
    """[(module, name, what its docstring claims, what it should claim)] for every public helper: a list of
    lessons, or None for a helper with no docstring at all."""
    first = first_use()
    return [(module, name, CLAIM.findall(doc) if (doc or "").strip() else None,
             [first[(module, name)]] if (module, name) in first else [])
            for (module, name), doc in public_names().items()]


def module_claims():
    """[(module, what its docstring claims, what it may claim)]: a module that claims a lesson claims the
    first notebook that imports it (a module may also claim nothing)."""
    first = {}
    for notebook in NOTEBOOKS:
        for module in modules_used(notebook):
            first.setdefault(module, notebook.stem)
    found = []
    for module in MODULES:
        claims = CLAIM.findall(importlib.import_module(f"course_utils.{module}").__doc__ or "")
        found.append((module, claims, [first[module]] if module in first else []))
    return found


def test_every_public_helper_names_the_notebook_that_introduces_it_and_no_other():
    wrong = []
    for module, name, claims, right in helper_claims():
        if claims is None:
            wrong.append(f"{module}.{name}: no docstring")
        elif claims != right and right:
            wrong.append(f"{module}.{name}: first used in {right[0]}, but the docstring says {claims or 'nothing'}")
        elif claims != right:
            wrong.append(f"{module}.{name}: no notebook uses it, but the docstring says Introduced in {claims}")
    assert not wrong, "\n".join(wrong) + FIX_IT


def test_the_notebooks_use_no_helper_that_does_not_exist():
    # A misspelt `plots.shwo` would otherwise just not count as a use.
    missing = []
    for notebook in NOTEBOOKS:
        trees = [ast.parse(code) for code in code_of(notebook)]
        names = course_utils_names(trees)
        for tree in trees:
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and inspect.ismodule(names.get(node.value.id))
                        and not hasattr(names[node.value.id], node.attr)):
                    missing.append(f"{notebook.stem}: {node.value.id}.{node.attr}")
    assert not missing, "\n".join(missing)


def test_a_module_that_names_its_lesson_names_the_first_notebook_that_imports_it():
    wrong = [f"{module}: first imported in {right[0] if right else None}, but its docstring says {claims}"
             for module, claims, right in module_claims() if claims and claims != right]
    assert not wrong, "\n".join(wrong) + FIX_IT


def test_the_module_table_in_course_utils_names_exactly_the_modules_that_exist():
    # The table is the paragraph that starts "The maths". A row starts four spaces in with the module's
    # name ("figures.common"); a longer indent continues the row above; a line with none heads a room.
    table = next(part for part in course_utils.__doc__.split("\n\n") if part.startswith("The maths"))
    named = re.findall(r"^    (\S+)", table, flags=re.MULTILINE)
    assert sorted(named) == MODULES



def test_the_fix_rewrites_adds_and_removes_a_claim():
    source = ('def a():\n    """Does a. Introduced in 03_derivatives."""\n\n\n'
              'def b():\n    """Does b."""\n\n\n'
              'def c():\n    """Does c. Introduced in 02_learning_rate."""\n')
    lines = source.splitlines(keepends=True)
    a, b, c = (node.body[0].value for node in ast.parse(source).body)
    for docstring, claims, right in [(c, ["02_learning_rate"], []), (b, [], ["01_error"]),
                                     (a, ["03_derivatives"], ["01_error"])]:  # bottom up, as main does
        lines = corrected(lines, docstring, claims, right)
    assert "".join(lines) == ('def a():\n    """Does a. Introduced in 01_error."""\n\n\n'
                              'def b():\n    """Does b. Introduced in 01_error."""\n\n\n'
                              'def c():\n    """Does c."""\n')

# --- Writing the corrections -----------------------------------------------------------------------------

FIX_IT = "\n(python tests/test_docstrings.py prints the corrections; with --fix it writes them)"


def corrections():
    """[(path, docstring node, what it claims, what it should claim)] for every docstring the tests above
    would fail on and that a rewrite of its "Introduced in" can fix."""
    wanted = {}  # (module, name or None) -> (claims, right)
    for module, name, claims, right in helper_claims():
        if claims is not None and claims != right:
            wanted[(module, name)] = (claims, right)
    for module, claims, right in module_claims():
        if claims and claims != right:
            wanted[(module, None)] = (claims, right)
    found = []
    for (module, name), (claims, right) in wanted.items():
        path = Path(importlib.import_module(f"course_utils.{module}").__file__)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        node = tree if name is None else next(node for node in tree.body if getattr(node, "name", None) == name)
        found.append((path, node.body[0].value, claims, right))
    return sorted(found, key=lambda fix: (str(fix[0]), fix[1].lineno))


def corrected(lines, docstring, claims, right):
    """The lines of a file with one docstring's "Introduced in" made right: the wrong lesson replaced,
    a claim no notebook backs taken out, or a missing claim added at the end."""
    first, last = docstring.lineno - 1, docstring.end_lineno - 1
    text = "".join(lines[first:last + 1])
    if claims and right:
        text = CLAIM.sub(f"Introduced in {right[0]}", text, count=1)
    elif claims:
        text = re.sub(r"\s*Introduced\s+in\s+\S+?(?:[.,;:](?=\s|\"|$)|(?=\s|\"|$))", "", text, count=1)
    else:
        closing = text.rstrip().rfind('"""')
        body, end = text[:closing].rstrip(), text[closing:]
        sentence = f"Introduced in {right[0]}."
        last_line = body.rsplit("\n", 1)[-1]
        if len(last_line) + 1 + len(sentence) + len('"""') <= 120 and "\n" not in end.strip():
            text = f"{body} {sentence}{end}"
        else:  # a line of its own, indented as the docstring's other lines
            indent = " " * (docstring.col_offset if docstring.col_offset else 0)
            text = f"{body}\n{indent}{sentence}{end}"
    return lines[:first] + text.splitlines(keepends=True) + lines[last + 1:]


def main(fix):
    todo = corrections()
    by_file = {}
    for path, docstring, claims, right in todo:
        by_file.setdefault(path, []).append((docstring, claims, right))
        where = f"{path.relative_to(ROOT)}:{docstring.lineno}"
        said = ", ".join(f"Introduced in {claim}" for claim in claims) or "nothing"
        should = f"Introduced in {right[0]}" if right else "no lesson (no notebook uses it)"
        print(f"{where}: says {said}; should say {should}")
    if fix:
        for path, fixes in by_file.items():
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            for docstring, claims, right in sorted(fixes, key=lambda fix: -fix[0].lineno):  # bottom up
                lines = corrected(lines, docstring, claims, right)
            path.write_text("".join(lines), encoding="utf-8")
        print(f"wrote {len(todo)} corrections into {len(by_file)} files" if todo else "nothing to correct")
    elif not todo:
        print("nothing to correct")


if __name__ == "__main__":
    main(fix="--fix" in sys.argv[1:])
