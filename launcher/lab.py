"""`python3 course.py lab`: the learner's copies, then JupyterLab on this machine only, with a private link
that opens it. The token never appears where another user or a notebook could read it."""
import contextlib
import html
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import webbrowser
from pathlib import Path

from launcher.copies import COURSE, MY_WORK, give_copies, outdated_copies
from launcher.environment import HERE, LAB_RUNTIME, PYTHON, ensure_environment
from launcher.ports import free_port, held_by, port_taken

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
# The kernel's websocket with each message sent at once, so a slider's picture never waits for a delayed
# acknowledgement (its module says why, and when it leaves Jupyter's own connection in place).
PROMPT = "--ServerApp.jpserver_extensions=classroom.prompt_websocket=True"
NO_FREE_PORT = ("No free port between 8888 and 8987: close another JupyterLab, or choose one with "
                "`python3 course.py lab --port=NUMBER`.")
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
    # -P: the folder lab was typed in is not searched for modules, so a learner's folder there named like
    # one of the course's packages is not taken for it.
    return ["-P", "-m", "jupyterlab", *options, PROMPT, *root, *extra]


def lab(extra):
    """Give the learner their copies, start JupyterLab, and print its private link once it listens, then
    open it in the browser. Each attempt has its own token and private folder; whether the server listens
    is read from its own runtime file and (on Linux) from who holds the port, never asked of the port."""
    asked, open_browser, browser, extra = lab_options(extra)
    signal.signal(signal.SIGTERM, _as_ctrl_c)  # stopped from outside: JupyterLab is stopped too
    try:
        ensure_environment()  # the course alone: a learner needs no test or hub packages
        for line in give_copies(COURSE, MY_WORK) + outdated_copies(COURSE, MY_WORK):
            print(line)
        root = HERE if MY_WORK.is_relative_to(HERE) else MY_WORK  # JupyterLab shows what is under its root
        start = (MY_WORK / "00_start_here.ipynb").relative_to(root).as_posix()
        for attempt in range(3):
            port = asked or free_port(8888) or sys.exit(NO_FREE_PORT)
            if asked and port_taken(port):
                sys.exit(_taken(port))
            with _jupyterlab(port, root, start, extra) as (server, runtime, link):
                if link:
                    _announce(link, runtime, open_browser, browser)
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches JupyterLab, which stops cleanly
                    sys.exit(server.wait())
            if not port_taken(port):  # it stopped for another reason, which it has printed
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
    as in Jupyter; None: the system's), or say that none was found. The browser is given a page in the
    private folder that leads on to the link, so that the token is not on its command line, which `ps` shows."""
    opener = _browser(browser) if open_browser else None
    if opener:
        start = "JupyterLab is running and opens in your browser. If it does not (a closed tab), open this link"
    elif open_browser:
        start = ("JupyterLab is running. No web browser was found on this machine (a remote machine, or one "
                 "without a desktop), so open this link in yours")
    else:
        start = "JupyterLab is running. Open this link in your browser"
    print(f"\n{start}; it holds your private token, so keep it to yourself:\n\n    {link}\n\n"
          "To stop JupyterLab, press Ctrl+C here (twice) or use File > Shut Down.\n", flush=True)
    if opener:
        page = runtime / "open.html"
        page.write_text(f'<!DOCTYPE html>\n<meta http-equiv="refresh" content="0; url={html.escape(link)}">\n',
                        encoding="utf-8")
        # in a thread of its own, as a console browser holds on until it is closed
        threading.Thread(target=opener.open, args=(page.as_uri(),), kwargs={"new": 2}, daemon=True).start()


def _browser(name):
    """The learner's browser (a command, as in Jupyter; None: the system's), or None when there is none."""
    try:
        return webbrowser.get(name)
    except webbrowser.Error:
        return None


def _serving(server, runtime, token, limit=START_LIMIT):
    """Wait until the JupyterLab we started listens, and return what its runtime file says (port, base_url);
    None once it has stopped, or when another program holds its port. Nothing is sent to the port: the
    server names it in its runtime file, jpserver-<pid>.json in the private folder `runtime`, a moment
    before it binds it, and stops if it cannot (or lingers: its port is then another program's)."""
    deadline = time.monotonic() + limit
    while server.poll() is None:
        info = _runtime_file(runtime, token)
        ours = info and held_by(server, info["port"])
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


