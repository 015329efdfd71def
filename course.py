"""The course's two commands (and a few more). Needs only Python 3.11+.

    python3 course.py lab            install everything into .venv (first time only) and open JupyterLab
    python3 course.py test           install everything into .venv (first time only) and run every test
    python3 course.py fresh NAME     put your copy of one notebook aside and start it again, e.g. 01_error
    python3 course.py update         take the course's corrected notebooks, keeping the cells you wrote
    python3 course.py bench          run the speed benchmarks and print their figures
    python3 course.py execute        re-run the stored notebooks top to bottom (for authors)

For teachers (docs/teaching.md):
    python3 course.py hub            start a class hub on this machine for many learners
    python3 course.py loadtest       measure a hub under a class logging in at once (--learners 10 20)
    python3 course.py grade [FOLDER] run every learner's notebooks and write gradebook/gradebook.html and .csv

Your work lives in my-work/: `lab` copies each notebook there once and never overwrites it. The
notebooks in notebooks/ are the course as shipped; the tests run those.

Extra words after `test` go to pytest, e.g. `python3 course.py test notebooks/01_error.ipynb`; after
`lab` they go to JupyterLab, e.g. `python3 course.py lab --ServerApp.port=9999`.
"""
import contextlib
import hashlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / "installed-from.sha256"  # which pyproject.toml the environment was built from
SETUP_LOCK = HERE / ".venv.lock"  # outside .venv, which a set-up may delete and build again
COURSE = HERE / "notebooks"
MY_WORK = Path(os.environ.get("COURSE_WORK_DIR", HERE / "my-work"))  # a class hub may choose another
# JupyterLab's settings for every learner of this .venv: never ask about news, never check for updates.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


# --- The environment -------------------------------------------------------------------------------

def ensure_environment():
    """Create .venv and install the pinned packages, unless it already matches pyproject.toml."""
    wanted = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if _environment_is(wanted):
        write_lab_settings(VENV)  # also for a .venv made before these settings existed
        return
    if sys.version_info < (3, 11):
        sys.exit(f"The course needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    with setup_lock(SETUP_LOCK):
        if _environment_is(wanted):
            return  # another course.py finished the set-up while this one waited
        print("Setting up the course environment in .venv (once; a few minutes)...", flush=True)
        venv.create(VENV, with_pip=True, clear=PYTHON.exists() and not STAMP.exists())
        run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{HERE}[test,hub]"])
        write_lab_settings(VENV)
        STAMP.write_text(wanted, encoding="utf-8")


def _environment_is(wanted):
    return PYTHON.exists() and STAMP.exists() and STAMP.read_text(encoding="utf-8").strip() == wanted


@contextlib.contextmanager
def setup_lock(path):
    """Hold a lock file while setting up, so that `lab` and `test` started together take turns."""
    with open(path, "a+b") as handle:
        if not _try_lock(handle):
            print("Another course.py is setting up .venv; waiting for it to finish...", flush=True)
            while not _try_lock(handle):
                time.sleep(0.5)
        yield


def _try_lock(handle):
    """Take the lock without waiting; False when another process holds it."""
    try:
        if os.name == "nt":
            import msvcrt
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def write_lab_settings(prefix):
    """JupyterLab's overrides for this environment (read from <prefix>/share/jupyter/lab/settings)."""
    folder = Path(prefix) / "share" / "jupyter" / "lab" / "settings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "overrides.json").write_text(json.dumps(LAB_SETTINGS, indent=2) + "\n", encoding="utf-8")


def run(command, **kwargs):
    """Run a command, stopping with its exit code if it fails."""
    result = subprocess.run([str(part) for part in command], cwd=HERE, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


# --- JupyterLab ------------------------------------------------------------------------------------

def lab_arguments(port, open_browser=True, root_dir=HERE, start="my-work/00_start_here.ipynb"):
    """JupyterLab on this machine only, on the given port, with nothing reaching out to the network.
    Its token comes from the JUPYTER_TOKEN environment variable, which other users cannot read
    (a command-line argument would show in everyone's `ps`)."""
    return ["-m", "jupyterlab", f"--ServerApp.root_dir={root_dir}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", f"--LabApp.default_url=/lab/tree/{start}",
            *([] if open_browser else ["--ServerApp.open_browser=False"]),
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]  # containers, CI


def free_port(first=8888, count=100):
    """A port between `first` and `first + count` that nobody on this machine listens on, picked at
    random, so that two JupyterLabs started at the same moment rarely try the same one."""
    for port in random.sample(range(first, first + count), count):
        if not _port_taken(port):
            return port
    sys.exit(f"No free port between {first} and {first + count - 1}: close another JupyterLab, or choose "
             "one with `python3 course.py lab --ServerApp.port=NUMBER`.")


def lab(extra):
    """Give the learner their copies, start JupyterLab, and print the private link once it listens.
    Each attempt has its own token, which goes nowhere but into that JupyterLab's environment: whether
    it listens is read from its own runtime file, never asked of the port (another program may hold it)."""
    ensure_environment()
    for line in give_copies(COURSE, MY_WORK) + outdated_copies(COURSE, MY_WORK):
        print(line)
    root = HERE if MY_WORK.is_relative_to(HERE) else MY_WORK  # JupyterLab shows what is under its root
    start = (MY_WORK / "00_start_here.ipynb").relative_to(root).as_posix()
    asked = _asked_port(extra)
    for attempt in range(3):
        port = asked or free_port()
        token = secrets.token_hex(24)  # a new one each time: one that leaked with a failed attempt opens nothing
        runtime = tempfile.mkdtemp(prefix="course-lab-")  # private (0700): only we and this JupyterLab write here
        server = subprocess.Popen([str(PYTHON), *lab_arguments(port, root_dir=root, start=start), *extra],
                                  env=dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=runtime))
        listening = _serving(server, runtime, token)
        if listening:
            port = listening
            break
        shutil.rmtree(runtime, ignore_errors=True)
        if not _port_taken(port):  # it stopped for another reason, which it has printed
            sys.exit(f"JupyterLab stopped (exit code {server.returncode}); see its message above.")
        if asked:
            sys.exit(f"Port {port} is taken by another program: choose another with --port=NUMBER, "
                     "or leave the option out and `lab` finds a free one.")
        print(f"Port {port} was taken a moment ago; trying another.", flush=True)
    else:
        sys.exit("JupyterLab could not start: three free ports were taken before it listened on them.")
    print("\nJupyterLab is running and opens in your browser. If it does not (a remote machine, a closed "
          "tab),\nopen this link; it holds your private token, so keep it to yourself:\n\n"
          f"    http://127.0.0.1:{port}/lab/tree/{start}?token={token}\n\n"
          "To stop JupyterLab, press Ctrl+C here (twice) or use File > Shut Down.\n", flush=True)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C goes to JupyterLab, which stops cleanly
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())  # stopped from outside: stop it too
    try:
        code = server.wait()
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    sys.exit(code)


def _asked_port(extra):
    """The port the learner chose after `lab`: --port or --ServerApp.port, with = or a space before the
    number (the last one counts, as for JupyterLab); None if none."""
    port = None
    for word, following in zip(extra, [*extra[1:], ""]):
        option = re.fullmatch(r"--(?:ServerApp\.)?port(?:=(.*))?", word)
        value = option and (following if option[1] is None else option[1])
        if value and value.isdigit():
            port = int(value)
    return port


def _serving(server, runtime, token):
    """Wait until the JupyterLab we started listens and return its port, or None once it has exited.
    Nothing is sent to the port (another program may hold it): the server names its port in its own
    runtime file, jpserver-<pid>.json in the private folder `runtime`, with our token. It writes that
    file a moment before it binds the port, and stops if it cannot: so the port must accept a bare
    connection (no request) and the server still run a second later."""
    while server.poll() is None:
        port = _port_in_runtime_file(runtime, token)
        if port and _accepts(port):
            time.sleep(1)
            if server.poll() is None and _accepts(port):
                return port
        time.sleep(0.2)
    return None


def _port_in_runtime_file(runtime, token):
    """The port in the jpserver-<pid>.json file of the JupyterLab started with this token, or None. The
    pid is the Popen's, or on Windows that of the python that a venv's python.exe starts; the folder is
    new and private, so any such file in it is our server's."""
    for info_file in Path(runtime).glob("jpserver-*.json"):
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # still being written
            continue
        port = info.get("port")
        if info.get("token") == token and isinstance(port, int) and f":{port}/" in str(info.get("url")):
            return port
    return None


def _accepts(port):
    """Does something on this machine accept connections on the port? Connects and sends nothing."""
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _port_taken(port):
    """Is another program listening on the port (it cannot be bound)?"""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return False
        except OSError:
            return True


TEACHERS_TOOLS = {"hub": "classroom.hub", "loadtest": "classroom.loadtest", "grade": "classroom.gradebook"}


def teachers_tool(module, extra):
    """Hand over to one of classroom/'s tools in the course's Python, in the folder the command was typed
    in (paths given to it are relative to that). They need Linux or macOS, as JupyterHub does."""
    if os.name == "nt":
        sys.exit("The teacher's tools need Linux or macOS (JupyterHub does not run on Windows): use a "
                 "server, or WSL, or see deploy/README.md. A single learner on Windows runs `py course.py lab`.")
    ensure_environment()
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))  # finds classroom/, course.py
    os.execve(PYTHON, [str(PYTHON), "-m", module, *extra], dict(os.environ, PYTHONPATH=path))


# --- The learner's copies ----------------------------------------------------------------------------

def give_copies(course, work):
    """Copy each course notebook into the learner's folder, once; never overwrite one that is there."""
    work.mkdir(parents=True, exist_ok=True)
    made = [source.name for source in sorted(course.glob("*.ipynb")) if not (work / source.name).exists()]
    for name in made:
        _write_copy(_read(course / name), work / name)
    return [f"Your own copy of {name} is in {work.name}/." for name in made]


def outdated_copies(course, work):
    """A sentence naming the learner's copies made from an older version of the course, or nothing."""
    older = [source.stem for source in sorted(course.glob("*.ipynb")) if (work / source.name).exists()
             and _origin(_read(work / source.name)).get("sha256") != _sha256(_read(source))]
    if not older:
        return []
    return [f"The course has changed since these copies of yours were made: {', '.join(older)}. To take the "
            "corrections and keep your own cells, stop JupyterLab and run: python3 course.py update"]


def fresh_copy(name, course, work):
    """Put the learner's copy of one notebook aside and give them the course's version again."""
    name = Path(name).stem
    if not (course / f"{name}.ipynb").exists():
        names = ", ".join(path.stem for path in sorted(course.glob("*.ipynb")))
        return [f"There is no notebook {name!r}; the notebooks are: {names}."]
    kept = _put_aside(work / f"{name}.ipynb", work)
    _write_copy(_read(course / f"{name}.ipynb"), work / f"{name}.ipynb")
    return [f"A fresh copy of {name} is in {work.name}/."] + ([f"Your old copy is {kept}."] if kept else [])


def update_copies(course, work):
    """Bring every copy up to the course's current notebooks, keeping the cells the learner changed
    or added; the old copy is put aside first, so nothing is lost."""
    report = give_copies(course, work)
    for source in sorted(course.glob("*.ipynb")):
        mine, theirs = _read(work / source.name), _read(source)
        if _origin(mine).get("sha256") == _sha256(theirs):
            continue  # already made from this version of the course
        merged, kept = _merge(mine, theirs)
        aside = _put_aside(work / source.name, work)
        _write_copy(theirs, work / source.name, cells=merged)
        report.append(f"{source.stem}: updated, keeping your {kept} changed or added cell(s); "
                      f"the copy before the update is {aside}.")
    return report or ["Your copies are up to date."]


def _merge(mine, theirs):
    """The course's new cells, with the learner's version of each cell they edited, and the cells they
    added placed after the cell they followed."""
    original = _origin(mine).get("cells", {})
    edited = {cell["id"]: cell for cell in mine["cells"] if original.get(cell.get("id")) != _cell_hash(cell)}
    merged, kept = [], 0
    for cell in theirs["cells"]:
        if cell["id"] in edited and cell["id"] in original:
            cell, kept = edited.pop(cell["id"]), kept + 1
        merged.append(cell)
    ids = [cell["id"] for cell in merged]
    previous = None
    for cell in mine["cells"]:  # what is left of `edited`: cells the learner added
        if cell.get("id") in edited:
            merged.insert(ids.index(previous) + 1 if previous in ids else len(merged), cell)
            ids = [c.get("id") for c in merged]
            kept += 1
        previous = cell.get("id")
    return merged, kept


def _put_aside(path, work):
    """Move a learner's notebook into work/old/ with the time in its name; return where it went."""
    if not path.exists():
        return None
    target = work / "old" / f"{path.stem} {time.strftime('%Y-%m-%d %H%M%S')}.ipynb"
    target.parent.mkdir(exist_ok=True)
    shutil.move(path, target)
    return target.relative_to(work.parent).as_posix()


def _write_copy(notebook, path, cells=None):
    """A learner's copy, remembering which course version and which cells it started from."""
    copy = dict(notebook, cells=cells if cells is not None else notebook["cells"])
    copy["metadata"] = dict(notebook["metadata"], course={
        "sha256": _sha256(notebook), "cells": {cell["id"]: _cell_hash(cell) for cell in notebook["cells"]}})
    path.write_text(json.dumps(copy, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _origin(notebook):
    return notebook.get("metadata", {}).get("course", {})


def _sha256(notebook):
    cells = [[cell["cell_type"], "".join(cell["source"])] for cell in notebook["cells"]]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def _cell_hash(cell):
    return hashlib.sha256("".join(cell.get("source", "")).encode()).hexdigest()


# --- The commands ------------------------------------------------------------------------------------

def main(command="help", *extra):
    if command == "lab":
        lab(extra)
    elif command == "test":
        ensure_environment()
        run([PYTHON, "-m", "pytest", *extra])
    elif command == "fresh" and len(extra) == 1:
        print("\n".join(fresh_copy(extra[0], COURSE, MY_WORK)))
    elif command == "update":
        print("\n".join(update_copies(COURSE, MY_WORK)))
    elif command == "bench":
        ensure_environment()
        run([PYTHON, HERE / "benchmarks" / "run_all.py", *extra])
    elif command == "hub" and extra[:1] == ("update",):  # while learners work: never reinstall .venv
        from classroom import hub
        print("\n".join(hub.update_learners()))
    elif command in TEACHERS_TOOLS:
        teachers_tool(TEACHERS_TOOLS[command], extra)
    elif command == "execute":
        ensure_environment()
        run([PYTHON, HERE / "tests" / "store_notebooks.py", *extra])
    else:
        print(__doc__)
        sys.exit(0 if command in ("help", "-h", "--help") else 2)


if __name__ == "__main__":
    main(*sys.argv[1:])
