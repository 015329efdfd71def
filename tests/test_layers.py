"""course_utils keeps its rooms: the maths, then the figures, then the explorers, each importing only from
the rooms before it; the marking apart from figures and explorers; the launcher apart from both, on the
standard library alone; no import cycles. The contracts are import-linter's, in pyproject.toml
([tool.importlinter]); these tests run them, and make sure they would catch a module that breaks them."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# lint-imports, with this Python, without the cache it would otherwise leave in the folder it runs in.
LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
        "--no-cache"]


def lint(root):
    """Run the contracts of root/pyproject.toml on the packages in root (a copy of them is not installed)."""
    return subprocess.run(LINT, cwd=root, env=dict(os.environ, PYTHONPATH=str(root)), capture_output=True,
                          text=True)


def copy_of_the_package(tmp_path):
    for package in ("course_utils", "classroom", "launcher"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "proxy"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_catch_maths_that_draws(tmp_path):
    root = copy_of_the_package(tmp_path)
    losses = root / "course_utils" / "losses.py"
    losses.write_text("import matplotlib.pyplot\n" + losses.read_text(encoding="utf-8"), encoding="utf-8")
    result = lint(root)
    assert result.returncode == 1
    assert "The maths draw nothing" in result.stdout and "course_utils.losses -> matplotlib" in result.stdout


def test_the_contracts_catch_a_figure_that_imports_an_explorer_and_a_cycle(tmp_path):
    root = copy_of_the_package(tmp_path)
    common = root / "course_utils" / "figures" / "common.py"
    common.write_text(common.read_text(encoding="utf-8") + "\nfrom course_utils.explorers import explorer\n",
                      encoding="utf-8")
    result = lint(root)
    assert result.returncode == 1
    assert "Maths < figures < explorers" in result.stdout and "No import cycles" in result.stdout


def test_the_contracts_catch_a_module_outside_the_rooms(tmp_path):
    root = copy_of_the_package(tmp_path)
    (root / "course_utils" / "stray.py").write_text('"""A module in no room."""\n', encoding="utf-8")
    result = lint(root)
    assert result.returncode == 1 and "course_utils.stray" in result.stdout


def test_the_contracts_catch_a_launcher_that_needs_the_course(tmp_path):
    root = copy_of_the_package(tmp_path)
    copies = root / "launcher" / "copies.py"
    copies.write_text(copies.read_text(encoding="utf-8") + "\nimport numpy\n", encoding="utf-8")
    result = lint(root)
    assert result.returncode == 1 and "launcher.copies -> numpy" in result.stdout


def test_the_launcher_and_hub_update_run_in_a_bare_python(tmp_path):
    """course.py's own imports, in a Python that sees no site-packages (-S: .venv's packages are not there),
    no user's packages (-s) and no PYTHON* variable (-E): what a learner's first `python3 course.py lab` has,
    and what a teacher's `hub update` runs in."""
    bare = [sys.executable, "-E", "-s", "-S", str(ROOT / "course.py")]
    helped = subprocess.run([*bare, "help"], cwd=tmp_path, capture_output=True, text=True)
    assert helped.returncode == 0, helped.stderr
    assert "python3 course.py lab" in helped.stdout
    updated = subprocess.run([*bare, "hub", "update"], cwd=tmp_path, capture_output=True, text=True,
                             env=dict(os.environ, COURSE_HUB_STATE=str(tmp_path)))
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.startswith("No learner has logged in yet")
