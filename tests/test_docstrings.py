"""The docstrings of course_utils point to the right lesson: a helper that a notebook uses says
"Introduced in" the first notebook (in course order) whose code uses it, and a helper that no notebook
uses says what it does instead, without claiming a lesson. A module that claims a lesson names the first
notebook that imports it, and the module table in course_utils/__init__.py names exactly the modules
that exist."""
import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import course_utils

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))  # 00_start_here ... 06_deeper
MODULES = sorted(info.name for info in pkgutil.iter_modules(course_utils.__path__))
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
    (`from course_utils import check`, `from course_utils.quiz import quiz`), or as `module.name` after
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


def test_every_public_helper_names_the_notebook_that_introduces_it_and_no_other():
    first = first_use()
    wrong = []
    for (module, name), doc in public_names().items():
        claims = CLAIM.findall(doc or "")
        if not (doc or "").strip():
            wrong.append(f"{module}.{name}: no docstring")
        elif (module, name) in first:
            if claims != [first[(module, name)]]:
                wrong.append(f"{module}.{name}: first used in {first[(module, name)]}, "
                             f"but the docstring says {claims or 'nothing'}")
        elif claims:
            wrong.append(f"{module}.{name}: no notebook uses it, but the docstring says Introduced in {claims}")
    assert not wrong, "\n".join(wrong)


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
    first = {}
    for notebook in NOTEBOOKS:
        for module in modules_used(notebook):
            first.setdefault(module, notebook.stem)
    wrong = []
    for module in MODULES:
        claims = CLAIM.findall(importlib.import_module(f"course_utils.{module}").__doc__ or "")
        if claims and claims != [first.get(module)]:
            wrong.append(f"{module}: first imported in {first.get(module)}, but its docstring says {claims}")
    assert not wrong, "\n".join(wrong)


def test_the_module_table_in_course_utils_names_exactly_the_modules_that_exist():
    # A row starts four spaces in with the module's name; a longer indent continues the row above.
    table = re.findall(r"^    (\S+)", course_utils.__doc__, flags=re.MULTILINE)
    named = set()
    for entry in table:
        if entry.endswith("_<lesson>"):  # plots_<lesson>: every module plots_..., at least one
            matching = {module for module in MODULES if module.startswith(entry.removesuffix("<lesson>"))}
            assert matching, entry
            named |= matching
        else:
            assert entry in MODULES, entry
            named.add(entry)
    assert named == set(MODULES)
    # The lesson modules the table spells out exist too.
    spelt_out = set(re.findall(r"\b((?:plots|widgets)_[a-z_]+[a-z])\b", course_utils.__doc__))
    assert spelt_out <= set(MODULES), spelt_out - set(MODULES)
