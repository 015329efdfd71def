"""The check of the kernel's packages that opens every notebook. It needs nothing but Python itself, so that the
first cell can run it in any kernel, even one without the course or numpy, and say what to do:

    %run ../course_utils/setup_check.py

Introduced in 00_start_here."""
import importlib.util
import sys
from importlib import metadata

# The oldest release of each package the course is known to work with.
MINIMUM_VERSIONS = {
    "numpy": "2.0",
    "matplotlib": "3.9",
    "ipywidgets": "8.1",
    "anywidget": "0.9",
    "ipykernel": "6.29",
    "cloudpickle": "3.0",
}

FIX = "From the course folder run `python3 course.py lab` (it installs the tested versions)."

WRONG_KERNEL = """This notebook runs in the Python at {python}, which does not have the course installed.
The course installs everything it needs into the .venv folder beside its notebooks. Either:
  - in a terminal, in the course folder, run `python3 course.py lab` and open the notebook in the
    JupyterLab that it starts; or
  - in VS Code (or another editor), choose the course's own kernel: Select Kernel -> Python Environments
    -> the .venv of the course folder (.venv/bin/python; on Windows .venv\\Scripts\\python.exe).
    Run `python3 course.py test` once first if there is no .venv yet."""


def _as_tuple(version):
    """'3.11.2' -> (3, 11, 2), ignoring suffixes such as 'rc1'."""
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def environment_problems():
    """A list of sentences, one per missing or too-old package (empty when all is well)."""
    problems = []
    for package, oldest in MINIMUM_VERSIONS.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            problems.append(f"{package} is missing (need {oldest} or newer).")
            continue
        if _as_tuple(found) < _as_tuple(oldest):
            problems.append(f"{package} {found} is too old (need {oldest} or newer).")
    return problems


def check_environment():
    """Print one line saying the environment is ready, or what to fix and how. The first cell of every
    notebook runs it, with %run ../course_utils/setup_check.py."""
    if importlib.util.find_spec("course_utils") is None:
        print(WRONG_KERNEL.format(python=sys.executable))
        return False
    problems = environment_problems()
    if not problems:
        print("Environment ready: " + ", ".join(MINIMUM_VERSIONS) + " are installed and recent enough.")
        return True
    for problem in problems:
        print("Problem: " + problem)
    print(FIX)
    return False


if __name__ == "__main__":  # as `%run ../course_utils/setup_check.py` in a notebook's first cell
    check_environment()
