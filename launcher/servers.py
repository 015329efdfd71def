"""Which notebooks a running Jupyter server has open, asked of every server the learner runs (its runtime
file says where it listens and its token), so that no copy is changed under the learner's eyes."""
import json
import os
import ssl
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from launcher.environment import LAB_RUNTIME
from launcher.files import FILE_LIMIT, NotRead, read_file

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
            opened |= {path_key(root / session["path"]) for session in sessions if isinstance(session.get("path"), str)}
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
            info = json.loads(read_file(path, limit=2**20).decode("utf-8"))
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


def path_key(path):
    """A path to compare: absolute, links resolved, in the case the file system compares in."""
    return os.path.normcase(str(Path(path).resolve()))
