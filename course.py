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
import difflib
import errno
import hashlib
import html
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import venv
import webbrowser
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

LAB_RUNTIME = VENV / "lab-runtime"  # the learner's own: the private folders of lab's JupyterLabs (runtime files)
START_LIMIT = 120  # seconds for JupyterLab to listen: far more than it needs, even the first time
# Options after `lab` that lab sets itself and cannot leave to the learner (Jupyter's names for them), and why.
LABS_OWN = {
    "ip": "it listens on 127.0.0.1 only, so that no other machine can reach your JupyterLab",
    "token": "it makes a new private token at each start and prints it in its link",
    "root_dir": "it opens the course's folder, which holds your copies (my-work/)",
    "port_retries": "it finds a free port itself, or takes yours: --port=NUMBER",
    "sock": "its link leads to a port on 127.0.0.1",
    "config_file": "it gives JupyterLab a settings file of its own, which holds the token; yours can go in "
                   "~/.jupyter/jupyter_lab_config.py",
}
ALIASES = {"notebook-dir": "root_dir", "notebook_dir": "root_dir", "port-retries": "port_retries",
           "config": "config_file"}


def lab_options(extra):
    """The words after `lab`, as (port, open a browser?, which browser, the words for JupyterLab). lab takes
    out the port (None: it finds a free one) and the browser options, as it opens the browser itself once
    the server is known to be its own; the last of each counts, as in Jupyter. An option lab sets itself,
    or a port that is not one, stops it with a sentence."""
    port, open_browser, browser, rest, words = None, True, None, [], iter(extra)
    for word in words:
        name, value = _option(word)
        if name in LABS_OWN:
            sys.exit(f"`lab` sets {word.split('=')[0]} itself: {LABS_OWN[name]}.")
        if name in ("port", "open_browser", "browser") and value is None:
            value = next(words, "")  # --port 9999
        if name == "port":
            port = _port(value)
        elif name in ("open_browser", "no-browser"):
            open_browser = name == "open_browser" and value.lower() not in ("false", "0")
        elif name == "browser":
            browser = value
        else:
            rest.append(word)
    return port, open_browser, browser, rest


def _option(word):
    """('port', '9999') for --port=9999 or --ServerApp.port=9999 (value None without '='); (None, None) for
    a word that is none of the server's options."""
    option = re.fullmatch(r"--(?:(?:ServerApp|NotebookApp|LabApp|LabServerApp|ExtensionApp|JupyterApp|"
                          r"IdentityProvider)\.)?([\w-]+)(?:=(.*))?", word, re.DOTALL)
    return (ALIASES.get(option[1], option[1]), option[2]) if option else (None, None)


def _port(value):
    """The port the learner chose, None for 0 (any free one); anything but 0 to 65535 gets a sentence."""
    if not re.fullmatch(r"[0-9]{1,5}", value) or int(value) > 65535:  # not isdigit(), which takes '²'
        sys.exit(f"--port takes a whole number from 1 to 65535, e.g. --port=9999 (0, or no --port: any free "
                 f"port); {value!r} is not one.")
    return int(value) or None


def lab_arguments(port, config=None, root_dir=HERE, start="my-work/00_start_here.ipynb", extra=()):
    """JupyterLab on this machine only, on the given port, with nothing reaching out to the network, never
    opening a browser itself (lab does, once the server is known to be its own), then the learner's
    options `extra`, which win over lab's others. Its token is in the `config` file, in a folder other
    users cannot read: on the command line, everyone's `ps` would show it; in the environment, every
    notebook's kernel and terminal would have it."""
    given = {_option(word)[0] for word in extra}
    ours = {"ServerApp.root_dir": root_dir, "ServerApp.ip": "127.0.0.1", "ServerApp.port": port,
            "ServerApp.port_retries": 0, "ServerApp.open_browser": False, "LabApp.news_url": None,
            "LabApp.check_for_updates_class": "jupyterlab.NeverCheckForUpdate", "LabApp.extension_manager": "readonly",
            "LabApp.default_url": f"/lab/tree/{start}", **({"JupyterApp.config_file": config} if config else {})}
    options = [f"--{name}={value}" for name, value in ours.items() if name.split(".")[1] not in given]
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers, CI
    return ["-m", "jupyterlab", *options, *root, *extra]


def free_port(first=8888, count=100):
    """A port between `first` and `first + count` that nobody on this machine listens on, picked at
    random, so that two JupyterLabs started at the same moment rarely try the same one."""
    for port in random.sample(range(first, first + count), count):
        if not _port_taken(port):
            return port
    sys.exit(f"No free port between {first} and {first + count - 1}: close another JupyterLab, or choose "
             "one with `python3 course.py lab --port=NUMBER`.")


def lab(extra):
    """Give the learner their copies, start JupyterLab, and print its private link once it listens, then
    open it in the browser. Each attempt has its own token and private folder; whether the server listens
    is read from its own runtime file and (on Linux) from who holds the port, never asked of the port."""
    asked, open_browser, browser, extra = lab_options(extra)
    signal.signal(signal.SIGTERM, _as_ctrl_c)  # stopped from outside: JupyterLab is stopped too
    try:
        ensure_environment()
        for line in give_copies(COURSE, MY_WORK) + outdated_copies(COURSE, MY_WORK):
            print(line)
        root = HERE if MY_WORK.is_relative_to(HERE) else MY_WORK  # JupyterLab shows what is under its root
        start = (MY_WORK / "00_start_here.ipynb").relative_to(root).as_posix()
        for attempt in range(3):
            port = asked or free_port()
            if asked and _port_taken(port):
                sys.exit(_taken(port))
            with _jupyterlab(port, root, start, extra) as (server, runtime, link):
                if link:
                    _announce(link, runtime, open_browser, browser)
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches JupyterLab, which stops cleanly
                    sys.exit(server.wait())
            if not _port_taken(port):  # it stopped for another reason, which it has printed
                sys.exit(f"JupyterLab stopped (exit code {server.returncode}); see its message above.")
            if asked:
                sys.exit(_taken(port))
            print(f"Port {port} was taken a moment ago; trying another.", flush=True)
        sys.exit("JupyterLab could not start: three free ports were taken before it listened on them.")
    except KeyboardInterrupt:
        print("\nStopped: JupyterLab is not running.", flush=True)  # the `with` above saw to it
        sys.exit(130)


def _as_ctrl_c(signum, frame):
    raise KeyboardInterrupt


def _taken(port):
    return (f"Port {port} is taken by another program: choose another with --port=NUMBER, or leave the option "
            "out and `lab` finds a free one.")


@contextlib.contextmanager
def _jupyterlab(port, root, start, extra):
    """Start JupyterLab on the port with a new token and private folder, and yield it, the folder and its
    link (None if it stopped, or another program holds the port). However the block ends (JupyterLab's
    own exit, Ctrl+C, SIGTERM, an error), JupyterLab is stopped and the folder removed."""
    token = secrets.token_hex(24)  # a new one each time: one that leaked with a failed attempt opens nothing
    runtime, server = _private_folder(), None
    try:
        config = runtime / "settings.json"
        config.touch(mode=0o600)  # the learner's alone, in a folder that is too
        config.write_text(json.dumps({"IdentityProvider": {"token": token}}), encoding="utf-8")
        server = subprocess.Popen([str(PYTHON), *lab_arguments(port, config, root, start, extra)],
                                  env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime)))
        info = _serving(server, runtime, token)
        link = info and (f"{info['scheme']}://127.0.0.1:{info['port']}{info['base_url']}lab/tree/"
                         f"{urllib.parse.quote(start)}?token={token}")
        yield server, runtime, link
    finally:  # a second Ctrl+C or SIGTERM must not cut this short
        handlers = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        if server:
            _stop(server)
        shutil.rmtree(runtime, ignore_errors=True)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _private_folder(parent=LAB_RUNTIME):
    """A new folder for one JupyterLab's runtime files and token. It is made in the course's .venv, not in a
    shared temporary folder, and its parent must be the learner's alone: whoever can write the parent can
    swap the folder. (On Windows the course folder's permissions, the learner's, are inherited.)"""
    parent.mkdir(mode=0o700, exist_ok=True)
    if os.name != "nt":
        status = parent.stat()
        if status.st_uid != os.getuid() or status.st_mode & 0o077:
            sys.exit(f"{parent} must be yours alone, as lab keeps JupyterLab's private token there: "
                     f"run `chmod 700 {parent}` (or delete it), then start lab again.")
    return Path(tempfile.mkdtemp(dir=parent))


def _stop(server):
    """Stop JupyterLab as Ctrl+C twice would (its kernels too), or kill it if it takes over 10 seconds."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _announce(link, runtime, open_browser, browser):
    """Print the link and, unless the learner said not to, open it in their browser (`browser`: a command,
    as in Jupyter; None: the system's). The browser is given a page in the private folder that leads on to
    the link, so that the token is not on its command line, which `ps` shows."""
    print("\nJupyterLab is running" + (" and opens in your browser. If it does not (a remote machine, a closed "
          "tab),\nopen this link" if open_browser else ". Open this link in your browser") + "; it holds your "
          f"private token, so keep it to yourself:\n\n    {link}\n\n"
          "To stop JupyterLab, press Ctrl+C here (twice) or use File > Shut Down.\n", flush=True)
    if open_browser:
        page = runtime / "open.html"
        page.write_text(f'<!DOCTYPE html>\n<meta http-equiv="refresh" content="0; url={html.escape(link)}">\n',
                        encoding="utf-8")
        # in a thread of its own, as a console browser holds on until it is closed
        threading.Thread(target=_open_page, args=(page.as_uri(), browser), daemon=True).start()


def _open_page(url, browser):
    with contextlib.suppress(webbrowser.Error):  # no browser here (a remote machine): the link is printed
        webbrowser.get(browser).open(url, new=2)


def _serving(server, runtime, token, limit=START_LIMIT):
    """Wait until the JupyterLab we started listens, and return what its runtime file says (port, base_url);
    None once it has stopped, or when another program holds its port. Nothing is sent to the port: the
    server names it in its runtime file, jpserver-<pid>.json in the private folder `runtime`, a moment
    before it binds it, and stops if it cannot (or lingers: its port is then another program's)."""
    deadline = time.monotonic() + limit
    while server.poll() is None:
        info = _runtime_file(runtime, token)
        ours = info and _held_by(server, info["port"])
        if ours:
            return info
        if ours is False:
            return None
        if time.monotonic() > deadline:
            sys.exit(f"JupyterLab did not start within {limit} seconds, so lab has stopped it; see its messages above.")
        time.sleep(0.2)
    return None


def _runtime_file(runtime, token):
    """Port, base_url and scheme from the jpserver-<pid>.json of our JupyterLab, or None until it is written. The
    folder is new and private, so any such file in it is our server's: with another token (a setting that
    beats lab's) its link would not work, and lab stops with a sentence."""
    for info_file in Path(runtime).glob("jpserver-*.json"):
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # still being written
            continue
        if info.get("token") != token:
            sys.exit("JupyterLab runs with a token other than the one lab gave it (from a Jupyter setting of yours?), "
                     "so its link would not work: lab has stopped it. Remove that token setting and start lab again.")
        port, base_url = info.get("port"), info.get("base_url")
        if isinstance(port, int) and isinstance(base_url, str) and base_url.startswith("/") and base_url.endswith("/"):
            return {"port": port, "base_url": base_url, "scheme": "https" if info.get("secure") else "http"}
    return None


def _held_by(server, port):
    """Is the socket listening on 127.0.0.1:port the server's: True, False (another program's) or None
    (nothing listens yet)? On Linux, every socket that takes connections to 127.0.0.1:port must be among
    the server's open files (the venv's python is the server itself there, not a launcher). Nothing is
    sent to the port, and on Linux it is connected to only when its table does not show the socket."""
    listening = _listening(port)
    if not listening and not _accepts(port):
        return None  # nothing listens yet
    listening = listening or _listening(port)  # something does: Linux's table names it, unless it is blind
    if listening:
        return listening <= _open_files(server.pid)
    # macOS, Windows (and WSL 1, whose table is empty): the standard library cannot tell who holds a port.
    # JupyterLab stops when it cannot bind, so a port that accepts a bare connection while it still runs
    # a second later is taken for its. Not guaranteed: a program that binds the port between JupyterLab's
    # check and its bind, while JupyterLab is slow to exit (a loaded machine), is taken for it.
    time.sleep(1)
    return (server.poll() is None and _accepts(port)) or None


def _proc_address(family, address):
    """An address as /proc/net/tcp writes it: 32-bit words in hexadecimal, in this machine's byte order."""
    packed = socket.inet_pton(family, address)
    return "".join(f"{int.from_bytes(packed[i:i + 4], sys.byteorder):08X}" for i in range(0, len(packed), 4))


# The addresses a listening socket may be bound to and take connections to 127.0.0.1.
TAKES_LOOPBACK = {_proc_address(socket.AF_INET, address) for address in ("127.0.0.1", "0.0.0.0")} | {
    _proc_address(socket.AF_INET6, address) for address in ("::", "::ffff:127.0.0.1")}


def _listening(port):
    """The sockets listening on the port that take connections to 127.0.0.1, as 'socket:[inode]', from
    Linux's /proc/net/tcp and tcp6; none where there are no such tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):  # not Linux; or tcp6 on a machine without IPv6
            for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
                fields = line.split()  # sl, local address:port, remote, state (0A: listening), ..., inode
                address, _, hex_port = fields[1].partition(":")
                if fields[3] == "0A" and int(hex_port, 16) == port and address in TAKES_LOOPBACK:
                    found.add(f"socket:[{fields[9]}]")
    return found


def _open_files(pid):
    """What the process's open files are, e.g. socket:[123] (Linux; our own child's, so we may read them)."""
    found = set()
    with contextlib.suppress(OSError):  # it has exited
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):  # closed meanwhile
                found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
    return found


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


TEACHERS_TOOLS = {"hub": "classroom.hub", "loadtest": "classroom.loadtest", "grade": "classroom.gradebook",
                  "collect": "classroom.collect"}


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
# Nothing a learner writes is ever lost. A copy is only ever replaced whole: the new one is written to a
# temporary file beside it and renamed over it, after the old one was copied into my-work/old/ under a
# name no file has yet. A copy that cannot be read is named and left as it is, a notebook open in
# JupyterLab is not changed, and a folder that cannot be written gets a sentence, not a traceback.

def give_copies(course, work, command="lab"):
    """Copy each course notebook into the learner's folder, once; never overwrite one that is there."""
    report = []
    try:
        work.mkdir(parents=True, exist_ok=True)
        for source in sorted(course.glob("*.ipynb")):
            target = work / source.name
            if target.exists() or target.is_symlink():
                continue  # the learner's, whatever it holds
            with contextlib.suppress(FileExistsError):  # made a moment ago by another course.py: theirs
                _create(target, _as_bytes(_copy_of(_read(source))))
                report.append(f"Your own copy of {source.name} is in {work.name}/.")
    except OSError as error:
        report.append(_not_written(error, work, "the missing copies", command))
    return report


def outdated_copies(course, work):
    """Sentences naming the learner's copies made from an older version of the course, and those that
    cannot be read; `lab` prints them before it starts, so this never stops it."""
    older, lines = [], []
    for source in sorted(course.glob("*.ipynb")):
        path = work / source.name
        if not path.exists():
            continue
        try:
            mine = _parse(_read_file(path))
        except NotRead as error:
            lines.append(_not_read(path, error, "update"))
            continue
        except OSError:
            mine = None
        if mine is None:
            lines.append(_broken(path))
        elif _origin(mine).get("sha256") != _sha256(_read(source)):
            older.append(source.stem)
    if older:
        lines.insert(0, f"The course has changed since these copies of yours were made: {', '.join(older)}. To "
                        "take the corrections and keep your own cells, close those notebooks and run (JupyterLab "
                        "may keep running): python3 course.py update")
    return lines


def fresh_copy(name, course, work, runtimes=None):
    """Put the learner's copy of one notebook aside and give them the course's version again."""
    name = Path(name).stem
    source, path = course / f"{name}.ipynb", work / f"{name}.ipynb"
    if not source.exists():
        names = ", ".join(path.stem for path in sorted(course.glob("*.ipynb")))
        return [f"There is no notebook {name!r}; the notebooks are: {names}."]
    if _linked_old(work):
        return [_linked_old(work, "fresh " + name)]
    opened, unasked = open_in_jupyter(work, runtimes)
    if unasked or _key(path) in opened:
        return [_not_asked(unasked, "fresh " + name)] if unasked else [_is_open(name, "fresh " + name)]
    try:
        work.mkdir(parents=True, exist_ok=True)  # `fresh` before the first `lab`
        kept = put_aside(path, work) if path.exists() else None
        replace_whole(path, _as_bytes(_copy_of(_read(source))))
    except NotRead as error:
        return [_not_read(path, error, "fresh " + name)]
    except OSError as error:
        return [_not_written(error, work, f"your copy of {name}", "fresh " + name)]
    return [f"A fresh copy of {name} is in {work.name}/."] + ([f"Your old copy is {kept}."] if kept else [])


def update_copies(course, work, runtimes=None, command="update"):
    """Bring every copy up to the course's current notebooks, keeping the cells the learner changed
    or added and their notebook's metadata; the old copy is copied aside first, so nothing is lost.
    `runtimes`: the folders where the learner's Jupyter servers say what they have open."""
    report = give_copies(course, work, command)
    if not work.is_dir():
        return report
    if _linked_old(work):
        return report + [_linked_old(work, command)]
    opened, unasked = open_in_jupyter(work, runtimes)
    if unasked:
        return report + [_not_asked(unasked, command)]
    for source in sorted(course.glob("*.ipynb")):
        try:
            line = _update_one(source, work / source.name, work, opened, command)
        except NotRead as error:
            line = _not_read(work / source.name, error, command)
        except OSError as error:
            report.append(_not_written(error, work, f"your copy of {source.stem}", command))
            if error.errno in FOLDER_ERRORS:
                break  # the next copies would fail the same way: one sentence says it
            continue
        report += [line] if line else []
    return report or ["Your copies are up to date."]


def _update_one(source, path, work, opened, command):
    """Update one copy, or say why it is left as it is; None when it is up to date."""
    data = _read_file(path)
    mine, theirs = _parse(data), _read(source)
    if mine is None:
        return _broken(path)
    if _origin(mine).get("sha256") == _sha256(theirs):
        return None  # already made from this version of the course
    if _key(path) in opened:
        return _is_open(source.stem, command)
    cells, kept = _merge(mine, theirs)
    try:
        updated = _as_bytes(dict(theirs, cells=cells, metadata=_merged_metadata(mine, theirs)))
    except RecursionError:  # nested just too deeply to be written out again
        return _broken(path)
    aside = put_aside(path, work, data)
    if _read_file(path) != data:  # saved meanwhile (by a program that keeps no session)
        return f"{source.stem} changed while it was being updated, so it was left as it is: run {command} again."
    replace_whole(path, updated)
    return (f"{source.stem}: updated, keeping your {kept} changed or added cell(s); "
            f"the copy before the update is {aside}.")


def _merge(mine, theirs):
    """The course's new cells, with the learner's version of each course cell they edited (its text or its
    type), and every other cell of theirs (added, duplicated, or one whose course cell is gone) placed after
    the cell it followed. Returns the cells, each with an id of its own, and how many are the learner's."""
    origin = _origin(mine)
    started_as = _started_as(mine["cells"], origin, theirs)
    course_ids = {cell.get("id") for cell in theirs["cells"]} - {None}
    edited = {cid: cell for cell, cid in zip(mine["cells"], started_as)
              if cid in course_ids and not _unchanged(cell, cid, origin, theirs)}
    merged = [edited.get(cell.get("id"), cell) for cell in theirs["cells"]]
    slot = {course.get("id"): cell for course, cell in zip(theirs["cells"], merged)}  # before added cells
    anchor = None  # the cell of `merged` the next added cell goes after (None: the top)
    for cell, cid in zip(mine["cells"], started_as):
        if cid in course_ids:
            anchor = slot[cid]
        elif cid is None or not _unchanged(cell, cid, origin, theirs):  # the learner's: never dropped
            at = next((i + 1 for i, c in enumerate(merged) if c is anchor), 0)
            merged.insert(at, cell)
            anchor = cell
    learners = {id(cell) for cell in mine["cells"]}
    return _unique_ids(merged), sum(id(cell) in learners for cell in merged)


def _started_as(cells, origin, theirs):
    """For each of the learner's cells, the id of the course cell it started as, or None for one they
    added. A duplicated id belongs to one cell only (an unchanged one if there is); cells saved without
    ids (nbformat 4.4: older Jupyter, Colab) are matched to the course's by lining up their texts."""
    hashes = origin.get("cells", {})
    ids = [cell.get("id") if cell.get("id") in hashes else None for cell in cells]
    for cid in set(ids) - {None}:
        where = [i for i, x in enumerate(ids) if x == cid]
        keep = next((i for i in where if _unchanged(cells[i], cid, origin, theirs)), where[0])
        ids = [None if i in where and i != keep else x for i, x in enumerate(ids)]
    bare = [i for i, cell in enumerate(cells) if "id" not in cell]
    free = [cid for cid in hashes if cid not in ids]
    lined_up = difflib.SequenceMatcher(None, [_cell_hash(cells[i]) for i in bare], [hashes[c] for c in free],
                                       autojunk=False)
    for kind, i1, i2, j1, j2 in lined_up.get_opcodes():
        if kind in ("equal", "replace"):  # in a changed stretch, the first cells are taken as edited course cells
            for i, j in zip(range(i1, i2), range(j1, j2)):
                ids[bare[i]] = free[j]
    return ids


def _unchanged(cell, cid, origin, theirs):
    """Whether the learner's cell is still the course cell `cid` as their copy got it: same text, same
    type (copies made before types were recorded: the course's current type)."""
    now = next((c["cell_type"] for c in theirs["cells"] if c.get("id") == cid), cell["cell_type"])
    return (_cell_hash(cell) == origin.get("cells", {}).get(cid)
            and cell["cell_type"] == origin.get("types", {}).get(cid, now))


def _unique_ids(cells):
    """Every cell with an id no other cell has (nbformat 4.5 asks for it), keeping the ids there are."""
    seen = set()
    for cell in cells:
        while not isinstance(cell.get("id"), str) or cell["id"] in seen:
            cell["id"] = secrets.token_hex(4)
        seen.add(cell["id"])
    return cells


def _merged_metadata(mine, theirs):
    """The learner's notebook metadata (their widgets' saved state, their own keys), with the keys only the
    course has, the course's kernel, and the record of the course version the copy now comes from."""
    metadata = dict(theirs.get("metadata", {}), **mine.get("metadata", {}))
    if "kernelspec" in theirs.get("metadata", {}):
        metadata["kernelspec"] = theirs["metadata"]["kernelspec"]
    metadata["course"] = _provenance(theirs)
    return metadata


def _copy_of(notebook):
    """A course notebook as the learner's copy, remembering which course version and cells it started from."""
    return dict(notebook, metadata=dict(notebook.get("metadata", {}), course=_provenance(notebook)))


def _provenance(notebook):
    cells = [cell for cell in notebook["cells"] if "id" in cell]
    return {"sha256": _sha256(notebook), "cells": {cell["id"]: _cell_hash(cell) for cell in cells},
            "types": {cell["id"]: cell["cell_type"] for cell in cells}}


# --- Writing without losing anything -----------------------------------------------------------------

FOLDER_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def put_aside(path, work, data=None):
    """Copy a learner's file (or the bytes read from it) into work/old/ under a name no file has (the time,
    and a number if that is taken), so that no set-aside copy ever replaces another; return where it went."""
    data = _read_file(path) if data is None else data
    folder = work / "old"
    folder.mkdir(exist_ok=True)
    if folder.is_symlink():  # made a link since the command checked: never write where it leads
        raise OSError(errno.ELOOP, f"{folder} is a link")
    temporary = _temporary(work, path.stem, data)  # in work/, so that old/ never holds a half-written file
    try:
        stamp = time.strftime("%Y-%m-%d %H%M%S")
        for number in itertools.count(1):
            target = folder / f"{path.stem} {stamp}{f' ({number})' if number > 1 else ''}{path.suffix}"
            try:
                _link(temporary, target)
            except FileExistsError:
                continue
            return target.relative_to(work.parent).as_posix()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _create(path, data):
    """Write a file that must not exist yet, whole or not at all: a temporary file beside it takes its name
    only once it is all on the disk, and never replaces a file (FileExistsError)."""
    temporary = _temporary(path.parent, path.stem, data)
    try:
        _link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _temporary(folder, stem, data):
    """A new hidden file in `folder` holding `data`, on the disk; removed again if it cannot be written whole."""
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _write_all(handle, data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _link(temporary, path):
    """Give the whole temporary file the name `path`, which must be free (FileExistsError if it is not)."""
    try:
        os.link(temporary, path)  # a hard link never replaces a file
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network drives)
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        # On Windows a rename refuses a name that is taken; elsewhere a file made between the check above
        # and the rename would be replaced (a small race, on file systems without hard links only).
        os.rename(temporary, path)


def replace_whole(path, data):
    """Replace a file whole: write a temporary file beside it, then rename it over the old one, so that a
    full disk or a crash at any moment leaves either the old file or the new one, never half of one."""
    temporary = _temporary(path.parent, path.stem, data)
    try:
        with contextlib.suppress(OSError):
            shutil.copymode(path, temporary)  # the learner's file's permissions, where it has some
        _rename_over(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_all(handle, data):
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())  # on the disk before the rename makes it the learner's copy


def _rename_over(temporary, path):
    """os.replace; on Windows a file another program holds open a moment (a virus scanner) refuses it."""
    for attempt in range(10):
        try:
            return os.replace(temporary, path)
        except PermissionError:
            if os.name != "nt" or attempt == 9:
                raise
            time.sleep(0.3)


def _not_written(error, work, what, command):
    """What to do when a folder cannot be written, in a sentence (nothing was changed)."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"The disk is full, so {what} was left as it is: free some space, then run {command} again."
    if error.errno in FOLDER_ERRORS:
        return (f"{work} cannot be written ({error.strerror}), so {what} was left as it is: make that folder "
                f"writable (on Linux or macOS: chmod -R u+w \"{work}\"; or close the program that holds the "
                f"file open), then run {command} again.")
    return f"{what[0].upper()}{what[1:]} was left as it is: {error}. Run {command} again once that is put right."


def _broken(path):
    return (f"Your copy {path.name} cannot be read (it is empty, cut short or not a notebook), so it was left "
            f"as it is. To start that notebook again, run: python3 course.py fresh {path.stem}")


def _not_read(path, error, command):
    return (f"Your copy {path.name} {error}, so it was left as it is: move it out of {path.parent.name}/ (`update` "
            f"then gives you a new copy), then run {command} again.")


def _linked_old(work, command=None):
    """A sentence if work/old is a link (set-aside copies would land where it leads), else None."""
    old = work / "old"
    if old.is_symlink():
        return (f"{work.name}/old is a link (to {os.readlink(old)}), so nothing was changed: make it a folder again "
                f"(move the link away), then run {command} again.")
    return None


def _not_asked(servers, command):
    return (f"{' and '.join(servers)} could not be asked which notebooks it has open, so none of the copies "
            f"was changed: close the notebooks (File > Close and Shut Down Notebook) or stop that JupyterLab, "
            f"then run {command} again.")


def _is_open(name, command):
    return (f"{name} is open in JupyterLab, so it was left as it is: close it (File > Close and Shut Down "
            f"Notebook), then run {command} again.")


# --- Reading ------------------------------------------------------------------------------------------

def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


FILE_LIMIT = 50 * 2**20  # bytes read of any learner's file: a notebook is far smaller, an endless file never ends


class NotRead(Exception):
    """A learner's file that is not read: one that is not a regular file or is over FILE_LIMIT."""


def _read_file(path, limit=None):
    """The bytes of a regular file of at most `limit` bytes (FILE_LIMIT); NotRead for anything else. A pipe
    or a device is never read (it may block for ever or never end), nor opened where that could block."""
    limit = limit or FILE_LIMIT
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRead("is not a file (a pipe, a device or a folder)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for a pipe since the check
            raise NotRead("is not a file (a pipe, a device or a folder)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotRead(f"is over {limit // 2**20} MB")
    return data


def _parse(data):
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError, MemoryError):  # nested too deeply for Python's parser: as broken
        return None
    if not (isinstance(notebook, dict) and isinstance(notebook.get("metadata", {}), dict)
            and isinstance(notebook.get("cells"), list) and all(map(_is_cell, notebook["cells"]))):
        return None
    return notebook


def _is_cell(cell):
    source = cell.get("source", "") if isinstance(cell, dict) else None
    return (isinstance(cell, dict) and isinstance(cell.get("cell_type"), str) and isinstance(cell.get("id", ""), str)
            and (isinstance(source, str) or isinstance(source, list) and all(isinstance(s, str) for s in source)))


def _origin(notebook):
    origin = notebook.get("metadata", {}).get("course", {})
    tables = [origin.get(key, {}) for key in ("cells", "types")] if isinstance(origin, dict) else [None]
    fine = all(isinstance(table, dict) and all(isinstance(v, str) for v in table.values()) for table in tables)
    return origin if fine else {}  # a record the learner's tools mangled: every cell counts as theirs


def _as_bytes(notebook):
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _sha256(notebook):
    cells = [[cell["cell_type"], "".join(cell.get("source", ""))] for cell in notebook["cells"]]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def _cell_hash(cell):
    return hashlib.sha256("".join(cell.get("source", "")).encode()).hexdigest()


# --- Notebooks open in JupyterLab ----------------------------------------------------------------------

def runtime_dirs(home=None, environ=None):
    """The folders where a user's Jupyter servers write their jpserver-*.json (url, token, root folder),
    worked out as jupyter_core does, without it (this file runs in bare Python). For a hub's learner:
    their home, and no environment (the hub passes none of these variables to their server)."""
    environ = os.environ if environ is None else environ
    own = sorted(LAB_RUNTIME.glob("*")) if home is None and LAB_RUNTIME.is_dir() else []  # `lab`'s private ones
    home = Path(home or Path.home())
    found = [Path(environ[name]) / tail for name, tail in (("JUPYTER_RUNTIME_DIR", ""), ("JUPYTER_DATA_DIR", "runtime"))
             if environ.get(name)]
    data = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "jupyter"
    if sys.platform == "darwin":
        data = home / "Library" / "Jupyter"
    elif os.name == "nt":
        data = Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "jupyter"
    return found + [data / "runtime"] + own


def open_in_jupyter(work, runtimes=None):
    """The notebooks that a running Jupyter server has open (a session), as resolved paths, and a sentence for
    each server that could not be asked: then no copy is changed, as any might be open. Every server is
    asked, whatever its root: a notebook may be open there through a link into `work`."""
    opened, unasked = set(), []
    for name, info in _servers(runtime_dirs() if runtimes is None else runtimes):
        try:
            if isinstance(info, Exception):
                raise info
            root = Path(info.get("root_dir") or info.get("notebook_dir") or "/")
            sessions = _within(ASK_LIMIT, _sessions, info)
            opened |= {_key(root / session["path"]) for session in sessions if isinstance(session.get("path"), str)}
        except Exception as error:  # noqa: BLE001 (a file or an answer that makes no sense: any copy may be open)
            if isinstance(getattr(error, "reason", error), ConnectionRefusedError):
                continue  # a server that stopped without tidying up its file: nothing listens there
            unasked.append(f"The JupyterLab of {name} ({type(error).__name__}: {str(error)[:200]})")
    return opened, unasked


def _servers(runtimes):
    """(file name, what it says: url, token, root folder) for the jpserver-*.json of servers that may be
    running; what a file says is an error when it is nested too deeply to be read."""
    found = []
    for path in sorted(path for folder in runtimes for path in Path(folder).glob("jpserver-*.json")):
        try:
            info = json.loads(_read_file(path, limit=2**20).decode("utf-8"))
        except (OSError, ValueError, NotRead):
            continue  # being written, or no server's (a pipe, a device): no server to ask
        except (RecursionError, MemoryError) as error:
            info = error  # no server writes that: whoever did may have a copy open
        if isinstance(info, Exception) or isinstance(info, dict) and _may_be_running(info.get("pid")):
            found.append((path.name, info))
    return found


def _may_be_running(pid):
    if os.name == "nt" or not isinstance(pid, int):
        return True  # os.kill on Windows stops the process: only asking its port tells
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:
        pass  # another user's: running
    return True


ASK_LIMIT = 10  # seconds for a server's whole answer: one that drips it (a byte at a time) is not waited for


def _within(seconds, function, *args):
    """function(*args), or TimeoutError when it has not returned within `seconds`: it goes on in a thread of
    its own, which ends with this process."""
    result = []

    def call():
        try:
            result.append((True, function(*args)))
        except BaseException as error:  # noqa: BLE001 (passed on to the caller below)
            result.append((False, error))
    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(seconds)
    if not result:
        raise TimeoutError(f"it gave no whole answer within {seconds} seconds")
    fine, value = result.pop()  # the list no longer holds an error, which holds this frame: no cycle
    if not fine:
        raise value
    return value


LOOPBACK = {"localhost": "127.0.0.1", "127.0.0.1": "127.0.0.1", "::1": "[::1]", "0.0.0.0": "127.0.0.1", "::": "[::1]"}


def _sessions(info):
    """The server's sessions, asked with its own token, on this machine only: a server listening on
    another address is not asked (it counts as having every notebook open)."""
    host = LOOPBACK.get(info.get("hostname", "localhost"))
    if host is None or info.get("sock") or not isinstance(info.get("port"), int):
        raise ValueError(f"it listens on {info.get('sock') or info.get('hostname')}, not on this machine only")
    scheme = "https" if info.get("secure") else "http"
    where = "/".join(filter(None, [str(info.get("base_url") or "").strip("/"), "api/sessions"]))
    request = urllib.request.Request(f"{scheme}://{host}:{info['port']}/{where}",
                                     headers={"Authorization": f"token {info.get('token', '')}"})
    unchecked = ssl._create_unverified_context() if scheme == "https" else None  # our own machine
    try:
        with urllib.request.urlopen(request, timeout=5, context=unchecked) as answer:
            body = answer.read(FILE_LIMIT + 1)
    except urllib.error.HTTPError as refused:
        refused.close()  # its connection: the error outlives this thread
        raise
    if len(body) > FILE_LIMIT:
        raise OSError(f"its answer is over {FILE_LIMIT // 2**20} MB")
    sessions = json.loads(body.decode("utf-8"))
    if not isinstance(sessions, list):
        raise OSError("it gave no list of sessions")
    return [session for session in sessions if isinstance(session, dict)]


def _key(path):
    """A path to compare: absolute, links resolved, in the case the file system compares in."""
    return os.path.normcase(str(Path(path).resolve()))


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
