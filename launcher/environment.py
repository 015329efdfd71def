"""The course's own Python in .venv: made once, with what each command needs, and made again only when
pyproject.toml changes. A learner's `lab` installs the course alone; `test` adds the test tools (and the
hub's packages, which the tests cover); the teacher's commands add the hub's."""
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

from launcher.files import NotRead, read_file, replace_whole

HERE = Path(__file__).resolve().parent.parent  # the course's folder
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / "installed-from.json"  # which pyproject.toml, and which of its extras, the environment has
OLD_STAMP = VENV / "installed-from.sha256"  # before 2026-12-05: the pyproject's hash, every extra installed
STAMP_LIMIT = 2**16  # bytes: a stamp is a line of JSON
LAB_RUNTIME = VENV / "lab-runtime"  # the learner's own: the private folders of lab's JupyterLabs (runtime files)
SETUP_LOCK = HERE / ".venv.lock"  # outside .venv, which a set-up may delete and build again
ALL_EXTRAS = ("test", "hub")
# A notebook's arrow keys (move between cells) are not taken from a focused slider or list: Notebook 7 gives
# shortcuts the keys before the slider, so there the arrows moved the cell cursor, never the slider.
NOTEBOOK_ARROWS = {"ArrowUp": "notebook:move-cursor-up", "ArrowDown": "notebook:move-cursor-down",
                   "ArrowLeft": "notebook:move-cursor-heading-above-or-collapse",
                   "ArrowRight": "notebook:move-cursor-heading-below-or-expand"}
COMMAND_MODE_FOCUS = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"
WIDGET_SHORTCUTS = [
    shortcut for key, command in NOTEBOOK_ARROWS.items() for shortcut in (
        {"command": command, "keys": [key], "selector": COMMAND_MODE_FOCUS, "disabled": True},
        {"command": command, "keys": [key], "selector": COMMAND_MODE_FOCUS + ":not(.jupyter-widgets *)"})]
# JupyterLab's (and Notebook 7's) settings for every learner of this .venv: never ask about news, never
# check for updates, and the arrow keys left to widgets.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
                "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": WIDGET_SHORTCUTS}}


def ensure_environment(extras=()):
    """Create .venv and install the pinned packages with these extras ("test", "hub"), unless it already
    has them for this pyproject.toml; extras installed earlier stay."""
    wanted = _pyproject_hash()
    if _has(wanted, extras):
        write_lab_settings(VENV)  # also for a .venv made before these settings existed
        return
    if sys.version_info < (3, 11):
        sys.exit(f"The course needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    with setup_lock(SETUP_LOCK):
        if _has(wanted, extras):
            return  # another course.py finished the set-up while this one waited
        installed = _installed()
        extras = sorted(set(extras) | set(installed["extras"] if installed["pyproject"] == wanted else ()))
        what = f"the course{' with its ' + ' and '.join(extras) + ' packages' if extras else ''}"
        print(f"Setting up {what} in .venv (once; a few minutes)...", flush=True)
        if not PYTHON.exists():  # never over a running Python: on Linux that fails with "Text file busy"
            venv.create(VENV, with_pip=True)  # a copy: a hub's learners may not reach the original
        elif installed["pyproject"] is None:  # a set-up cut short: pip may be missing
            run([PYTHON, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL)
        run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{HERE}[{','.join(extras)}]" if extras else str(HERE)])
        write_lab_settings(VENV)
        if STAMP.is_dir() and not STAMP.is_symlink():  # not the course's stamp, and in its way
            try:
                os.rmdir(STAMP)  # empty, or a Windows junction (the junction itself goes, not what it leads to)
            except OSError:
                shutil.rmtree(STAMP)  # .venv holds no one's work
        # Written beside it, then renamed over it: a link there is replaced, never followed. Readable by every
        # account that shares the course folder, whatever the old one's permissions were.
        replace_whole(STAMP, (json.dumps({"pyproject": wanted, "extras": extras, "folder": str(HERE)}) + "\n").encode())
        os.chmod(STAMP, 0o644)


def _pyproject_hash():
    return hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()


def _has(wanted, extras):
    installed = _installed()
    # The editable install maps the course's packages to the folder it was made in: a course folder moved
    # since (the stamp names another, or none, as before 2026-12-07) is installed again.
    moved = installed.get("folder") != str(HERE)
    return (PYTHON.exists() and installed["pyproject"] == wanted and set(extras) <= set(installed["extras"])
            and not moved)


def _installed():
    """What the stamp says was installed: {"pyproject": its hash or None, "extras": [...], "folder": where}
    ("folder" only in stamps from 2026-12-07 on)."""
    # A stamp that is not a small file of our own (a link, a pipe, a device), or that json cannot take, is
    # taken as nothing installed: one set-up, which writes a good one.
    unreadable = (NotRead, OSError, ValueError, AttributeError, RecursionError)
    with contextlib.suppress(*unreadable):
        record = json.loads(read_file(STAMP, limit=STAMP_LIMIT, follow=False))
        extras = record.get("extras")
        if isinstance(record.get("pyproject"), str) and isinstance(extras, list) and all(
                isinstance(extra, str) for extra in extras):
            return record
    with contextlib.suppress(*unreadable):  # a .venv made before the extras were chosen by command: it has all
        return {"pyproject": read_file(OLD_STAMP, limit=STAMP_LIMIT, follow=False).decode().strip(),
                "extras": list(ALL_EXTRAS)}
    return {"pyproject": None, "extras": []}


@contextlib.contextmanager
def setup_lock(path):
    """Hold a lock file while setting up, so that `lab` and `test` started together take turns. The file
    is its owner's alone (0600): whoever may open it may hold the lock, and keep every set-up waiting."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if hasattr(os, "fchmod"):
        with contextlib.suppress(OSError):
            os.fchmod(descriptor, 0o600)  # a lock file made by an older course.py was 0644
    with os.fdopen(descriptor, "r+b") as handle:
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
    """JupyterLab's overrides for this environment (read from <prefix>/share/jupyter/lab/settings), written
    only when they differ: a course folder its learner may not write (a teacher's, shared) still starts."""
    file = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    wanted = json.dumps(LAB_SETTINGS, indent=2) + "\n"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if file.read_text(encoding="utf-8") == wanted:
            return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(wanted, encoding="utf-8")
    except OSError as problem:
        print(f"Note: JupyterLab's settings for the course could not be written ({problem.strerror}: "
              f"{file}), so it may offer news and updates.", file=sys.stderr)


def run(command, **kwargs):
    """Run a command in the course's folder, stopping with its exit code if it fails."""
    result = subprocess.run([str(part) for part in command], cwd=HERE, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)
