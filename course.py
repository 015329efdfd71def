"""The course's two commands (and a few more). Needs only Python 3.11+.

    python3 course.py lab            install the course into .venv (first time only) and open JupyterLab
    python3 course.py test           install the course and its test tools (first time only), run every test
    python3 course.py fresh NAME     put your copy of one notebook aside and start it again, e.g. 01_error
    python3 course.py update         take the course's corrected notebooks, keeping the cells you wrote
    python3 course.py bench          run the speed benchmarks and print their figures
    python3 course.py execute        re-run the stored notebooks top to bottom (for authors)

For teachers (docs/teaching.md):
    python3 course.py hub            start a class hub on this machine for many learners
    python3 course.py hub update     bring every learner's copies up to the course, keeping their cells
    python3 course.py loadtest       measure a hub under a class logging in at once (--learners 10 20)
    python3 course.py collect        copy each learner's notebooks and quiz answers, with their saved times
    python3 course.py grade [FOLDER] run every learner's notebooks and write gradebook/gradebook.html and .csv

Your work lives in my-work/: `lab` copies each notebook there once and never overwrites it. The
notebooks in notebooks/ are the course as shipped; the tests run those.

Extra words after `test` go to pytest, e.g. `python3 course.py test notebooks/01_error.ipynb`; after
`lab` they go to JupyterLab, e.g. `python3 course.py lab --port=9999`.
"""
import os
import sys

from launcher.copies import COURSE, MY_WORK, fresh_copy, update_copies
from launcher.environment import HERE, PYTHON, ensure_environment, run
from launcher.lab import lab


def test(extra):
    ensure_environment(["test", "hub"])  # the tests cover the class hub too
    run([PYTHON, "-m", "pytest", *extra])


def fresh(extra):
    if len(extra) != 1:
        usage(2)
    print("\n".join(fresh_copy(extra[0], COURSE, MY_WORK)))


def update(extra):
    print("\n".join(update_copies(COURSE, MY_WORK)))


def bench(extra):
    ensure_environment(["test"])
    run([PYTHON, HERE / "benchmarks" / "run_all.py", *extra])


def execute(extra):
    ensure_environment(["test"])
    run([PYTHON, HERE / "tests" / "store_notebooks.py", *extra])


def hub(extra):
    if extra[:1] == ["update"]:  # while learners work: never reinstall .venv under their servers
        from classroom.hub import update_learners
        print("\n".join(update_learners()))
    else:
        teachers_tool("classroom.hub", extra)


def teachers_tool(module, extra):
    """Hand over to one of classroom/'s tools in the course's Python, in the folder the command was typed
    in (paths given to it are relative to that). They need Linux or macOS, as JupyterHub does."""
    if os.name == "nt":
        sys.exit("The teacher's tools need Linux or macOS (JupyterHub does not run on Windows): use a "
                 "server, or WSL, or see deploy/README.md. A single learner on Windows runs `py course.py lab`.")
    ensure_environment(["hub"])
    os.execv(PYTHON, [str(PYTHON), "-m", module, *extra])


def usage(code=0):
    print(__doc__)
    sys.exit(code)


COMMANDS = {
    "lab": lab,
    "test": test,
    "fresh": fresh,
    "update": update,
    "bench": bench,
    "execute": execute,
    "hub": hub,
    "loadtest": lambda extra: teachers_tool("classroom.loadtest", extra),
    "grade": lambda extra: teachers_tool("classroom.gradebook", extra),
    "collect": lambda extra: teachers_tool("classroom.collect", extra),
}


def main(command="help", *extra):
    if command not in COMMANDS:
        usage(0 if command in ("help", "-h", "--help") else 2)
    COMMANDS[command](list(extra))


if __name__ == "__main__":
    main(*sys.argv[1:])
