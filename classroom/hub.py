"""A class hub on one machine: JupyterHub with its proxy, every learner's server running the course's
.venv, and each learner's own copies of the notebooks in their home folder.

    python3 course.py hub                  start it (Ctrl+C stops it and every learner's server)
    python3 course.py hub --network        serve the classroom's network, not only this machine
    python3 course.py hub update           bring every learner's copies up to the course, keeping their cells

Started as root, each learner is a system account of their own (jupyter-<name>, made at their first login),
sets their own password at first login, and their server runs as that account with limits: no learner can
read another's work or the hub's secrets. Started as an ordinary account (or as root with --shared), every
server runs as that one account: a workshop of people who trust each other (the hub says so at start).

What it installs (once, into the project's own folders): JupyterHub, with the course's pinned packages in
.venv, and configurable-http-proxy from npm in .hub/proxy. Everything it keeps is in .hub/: the hub's
database, the passwords, and the learners' homes (.hub/homes/<name>/)."""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from launcher import copies, files
from launcher.environment import HERE, setup_lock
from launcher.ports import free_port, port_taken
from launcher.servers import runtime_dirs

STATE = Path(os.environ.get("COURSE_HUB_STATE", HERE / ".hub"))
PROXY_VERSION = "5.3.0"  # configurable-http-proxy, from npm
PROXY_DIR = HERE / ".hub" / "proxy"  # one install for every hub of this project (tests start their own)
LOCKED_PROXY = Path(__file__).resolve().parent / "proxy"  # its package.json and package-lock.json
CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"
ACCOUNT_PREFIX = "jupyter-"  # a learner's system account when the hub runs as root (classroom/hub_accounts.py)
TEACHER = "teacher"  # the one admin: sees every learner's server in the hub's admin page
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")  # a learner's name becomes their folder's name: nothing else
NAME_RULE = "lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 32"
IDLE_TIMEOUT = 3600  # seconds: a learner's server nobody has used for an hour is stopped (their work is kept)
SHARED_WARNING = """Shared mode: every learner's server runs as this one account ({account}), so any learner can
read and change every other learner's work, the passwords and the hub's files, from a notebook cell. Use it
for a workshop of people who trust each other. For a class, start the hub as root (e.g. `sudo python3
course.py hub`): each learner then gets an account and a password of their own."""
ROOT_SHARED = """Shared mode as root: every learner can run any command as root (a notebook cell can), so they
own this machine. Only in a throwaway container; otherwise leave out --shared."""

TLS_WARNING = """Warning: the hub now answers other machines on this network, over plain HTTP. Anyone on the
network can read the class password and learners' work as they travel. On a network you do not control,
give the hub a certificate: python3 course.py hub --network --ssl-cert CERT.pem --ssl-key KEY.pem"""


def proxy_command():
    """The proxy's executable in the project's folder (npm puts it under node_modules/.bin)."""
    return PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"


def ensure_proxy():
    """Install configurable-http-proxy from npm into .hub/proxy, once, saying so."""
    command = proxy_command()
    if command.exists():
        return command
    PROXY_DIR.mkdir(parents=True, exist_ok=True)
    with setup_lock(PROXY_DIR.parent / "proxy.lock"):
        return command if command.exists() else _install_proxy(command)


def _install_proxy(command):
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("The class hub needs Node.js and npm for its proxy (configurable-http-proxy). Install them "
                 "(e.g. `sudo apt install nodejs npm`, or from nodejs.org), then run this again.")
    print(f"Installing configurable-http-proxy {PROXY_VERSION} from npm into {PROXY_DIR} (once)...", flush=True)
    for name in ("package.json", "package-lock.json"):  # the versions the course was tested with, locked
        shutil.copy(LOCKED_PROXY / name, PROXY_DIR / name)
    subprocess.run([npm, "ci", "--prefix", str(PROXY_DIR), "--ignore-scripts", "--no-audit", "--no-fund",
                    "--loglevel=error"], check=True)
    return command


def secret_file(path, make):
    """A secret kept in a file only this user can read: made once, the same at every start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(make() + "\n")
    return path.read_text(encoding="utf-8").strip()


def new_class_password():
    """Three groups of four lower-case letters and digits, easy to write on a board: 'k3vq-8rtm-x2pa'."""
    alphabet = "".join(ch for ch in string.ascii_lowercase + string.digits if ch not in "l1o0")
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def passwords(state=STATE):
    """(the class password for learners, the teacher's password), made on the first start."""
    learners = os.environ.get("COURSE_HUB_PASSWORD") or secret_file(state / "class-password", new_class_password)
    teacher = secret_file(state / "teacher-password", lambda: secrets.token_urlsafe(32))
    return learners, teacher


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0  # contained.as_root too: hub loads no grading code


def hub_environment(state, homes, ip, port, roster=None, isolated=False, login="class"):
    """The settings jupyterhub_config.py reads; secrets stay in files and environment, not in `ps`."""
    learners, teacher = passwords(state)
    return dict(os.environ, COURSE_HUB_STATE=str(state), COURSE_HUB_HOMES=str(homes), COURSE_HUB_IP=ip,
                COURSE_HUB_PORT=str(port), COURSE_HUB_INTERNAL_PORT=str(free_port()),
                COURSE_HUB_PROXY_API_PORT=str(free_port()), COURSE_HUB_PROXY=str(ensure_proxy()),
                COURSE_HUB_PASSWORD=learners, COURSE_HUB_TEACHER_PASSWORD=teacher,
                COURSE_HUB_ROSTER=str(roster or ""), CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(32),
                COURSE_HUB_ISOLATED="1" if isolated else "", COURSE_HUB_LOGIN=login,
                # JupyterHub 5.5's event schemas give their version as a number, and jupyter_events warns
                # about it at every start: harmless, and nothing a teacher can act on.
                PYTHONWARNINGS="ignore:The `version` property of an event schema")


def roster_names(path):
    """(the names in a roster file, one per line (blank lines and # comments left out), lower-cased; the
    lines that cannot be a learner's name). utf-8-sig: Notepad and Excel begin their UTF-8 with a BOM."""
    names, wrong = [], []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        name = line.split("#", 1)[0].strip().lower()
        if name and NAME.fullmatch(name):
            names.append(name)
        elif name:
            wrong.append(f"line {number}: {line.strip()!r}")
    return names, wrong


def read_roster(path):
    """The names in a roster file; a name that cannot be a learner's name stops with the line that holds it."""
    names, wrong = roster_names(path)
    if wrong:
        sys.exit(f"These names in {path} cannot be learners' names ({NAME_RULE}):\n  " + "\n  ".join(wrong))
    return names


def give_the_course(home):
    """A learner's own copies of the notebooks (never overwritten), the data, and the course's package beside
    them, so that each notebook's first cell finds ../course_utils. Run as the learner (isolated mode) or in
    the hub's thread (shared mode)."""
    home = Path(home)
    copies.give_copies(copies.COURSE, home / "my-work")
    if not (home / "data").exists():
        shutil.copytree(HERE / "data", home / "data")
    if not (home / "course_utils").exists():
        (home / "course_utils").symlink_to(HERE / "course_utils", target_is_directory=True)


def start(state=STATE, homes=None, ip="127.0.0.1", port=8000, roster=None, extra=(), isolated=False, login=None,
          **popen):
    """Start JupyterHub in the background; returns its process (see `wait_until_answering`). `isolated` (as
    root): an account per learner; `login`: "own" (each learner's password, the default when isolated) or
    "class" (the class password)."""
    homes = Path(homes or state / "homes")
    homes.mkdir(parents=True, exist_ok=True)
    # Shared: for this account only. Isolated: others may pass through to their own home, list nothing.
    for private in (state, homes):
        private.chmod(0o711 if isolated else 0o700)
    login = login or ("own" if isolated else "class")
    environment = hub_environment(state, homes, ip, port, roster, isolated, login)
    command = [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG), *extra]
    hub = subprocess.Popen(command, cwd=state, env=environment, **popen)
    hub.internal_url = f"http://127.0.0.1:{environment['COURSE_HUB_INTERNAL_PORT']}"  # the hub behind its proxy
    return hub


def wait_until_answering(hub, url, limit=60):
    """Wait until the hub answers through its proxy at `url` (True), or it has exited or `limit` seconds
    passed (False). It asks the hub itself first: the proxy complains loudly about a hub not yet there."""
    deadline = time.monotonic() + limit
    for address in (f"{hub.internal_url}/hub/api", f"{url}/hub/login"):
        while not _answers(address):
            if hub.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.3)
    return True


def _answers(address):
    # Asked on this machine: a certificate made for the hub's name never matches 127.0.0.1, so unchecked.
    unchecked = ssl._create_unverified_context() if address.startswith("https") else None
    try:
        with urllib.request.urlopen(address, timeout=2, context=unchecked):
            return True
    except OSError:
        return False


def stop(hub, limit=30):
    """Stop the hub as Ctrl+C would, so that it stops every learner's server too; kill it if it hangs."""
    if hub.poll() is None:
        hub.send_signal(signal.SIGINT)
        try:
            hub.wait(limit)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()


def serve(network=False, port=8000, roster=None, ssl_cert=None, ssl_key=None, shared=False, login=None):
    """`python3 course.py hub`: start the hub in the foreground and tell the teacher how to use it."""
    isolated = is_root() and not shared
    login = login or ("own" if isolated else "class")
    if not isolated:
        print((ROOT_SHARED if is_root() else SHARED_WARNING.format(account=_account())) + "\n", flush=True)
    if port_taken(port, "0.0.0.0"):  # connections in TIME_WAIT from the last class do not count
        sys.exit(f"Port {port} is taken (another hub, or another program). Choose another: --port=8001")
    if roster:
        print(f"{len(read_roster(roster))} names in the roster {roster}.", flush=True)
    ip = "0.0.0.0" if network else "127.0.0.1"
    extra = [f"--JupyterHub.ssl_cert={ssl_cert}", f"--JupyterHub.ssl_key={ssl_key}"] if ssl_cert else []
    scheme = "https" if ssl_cert else "http"
    hub = start(ip=ip, port=port, roster=roster, extra=extra, isolated=isolated, login=login, start_new_session=True)
    # Ctrl+C, a stop from outside, or the terminal closed (SIGHUP): JupyterHub hears it once and stops every
    # learner's server; its own session keeps it from the terminal's signals, so none is left orphaned.
    for stopping in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stopping, lambda *_: hub.send_signal(signal.SIGINT))
    if not wait_until_answering(hub, f"{scheme}://127.0.0.1:{port}", limit=120):
        stop(hub)  # never leave a half-started hub behind
        sys.exit("The hub did not start: its messages above say why.")
    learners, _ = passwords()
    address = f"{scheme}://{socket.gethostname() if network else '127.0.0.1'}:{port}"
    if network:
        address += " (or this machine's address on the network in place of its name)"
    who = f"a name listed in {roster} (read again at each login)" if roster else f"a name they choose ({NAME_RULE})"
    how = (f"the class password:  {learners}\n(It is kept in {STATE / 'class-password'}; delete that file and start "
           "again for a new one.)" if login == "class" else
           "a password they choose at their first login (at least 8 characters).")
    mode = (f"Each learner's server runs as an account of their own ({ACCOUNT_PREFIX}<name>), stopped after "
            f"{IDLE_TIMEOUT // 60} minutes unused." if isolated else "Every learner's server runs as this account.")
    print(f"\nThe class hub is running at {address}\n"
          f"Learners log in with {who}, and {how}\n{mode}\n"
          f"You can log in as '{TEACHER}' with the password in {STATE / 'teacher-password'} (the admin page).\n"
          f"Learners' work is kept in {STATE / 'homes'}. Press Ctrl+C here to stop the hub and every server.\n",
          flush=True)
    if network and not ssl_cert:
        print(TLS_WARNING + "\n", flush=True)
    sys.exit(hub.wait())


def _account():
    import getpass
    return getpass.getuser()


def update_learners(homes=None):
    """`python3 course.py hub update`: every learner's copies brought up to the course's notebooks; the
    cells they changed are kept and each old copy is copied to their my-work/old/ first (as a learner's own
    update, launcher.copies). A notebook a learner has open is left alone, and one learner's problem (a broken copy, a
    link where a folder should be, a home that cannot be read) is a line of the report: the rest of the
    class is updated."""
    homes = Path(homes or STATE / "homes")
    lines = []
    for home in sorted(homes.glob("*")):
        lines += [f"{home.name}: {line}" for line in _update_home(home)]
    return lines or [f"No learner has logged in yet ({homes} has no my-work folders)."]


def as_learner(home, code, *arguments):
    """Run Python `code` (with `arguments` in sys.argv[1:]) as the account that owns `home`, in it; returns
    what it printed. Root hands a learner's files to their own account's process rather than write them
    itself: a link the learner made in their home then leads no write anywhere they could not write."""
    owner = home.stat()
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
                   "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(HERE)]))}
    # A session of its own and no terminal: the learner may take this process over (it is theirs), and from
    # the teacher's session and terminal it could type a command into root's shell (TIOCSTI: helper-65 did).
    done = subprocess.run([sys.executable, "-P", "-c", code, *map(str, arguments)], user=owner.st_uid,
                          group=owner.st_gid, extra_groups=[], cwd=home, env=environment, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL, start_new_session=True)
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    return done.stdout


def _update_home(home):
    """The report's lines for one home (none for one that is no learner's); never an error."""
    try:
        if home.is_symlink():  # learners run as the hub's account: one could make homes/<name> lead anywhere
            return [f"is a link (to {os.readlink(home)}), so nothing was updated."]
        if is_root() and home.stat().st_uid != 0:  # an isolated hub's learner: updated by their own account
            return _update_as_learner(home)
        (home / "my-work").stat()  # a home that cannot be read says so here
        if home.stat().st_uid != os.getuid():
            return ["belongs to another account, so nothing was updated: run hub update as the account that runs "
                    "the hub (files it writes would be another's)."]
    except (FileNotFoundError, NotADirectoryError):
        return []  # not logged in yet, or a stray file
    except OSError as error:
        return [f"cannot be read ({error.strerror or error}), so nothing was updated."]
    try:
        return _update_learner(home)
    except Exception as error:  # noqa: BLE001 (whatever it is, it is this learner's only)
        return [f"the update stopped ({type(error).__name__}: {error}); a copy it changed before that has its "
                "old version in my-work/old/."]


def _update_as_learner(home):
    """A learner's update run by their own account; its lines, or one line saying why it could not run."""
    try:
        printed = as_learner(home, "import sys, json, pathlib; from classroom import hub; "
                                   "print(json.dumps(hub._update_home(pathlib.Path(sys.argv[1]))))", home)
        return json.loads(printed)
    except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as error:
        return [f"the update could not run as the learner's account ({error}), so nothing was updated."]


def _update_learner(home):
    """One learner's copies, then their data. Their server asks nothing of course.py, so their open notebooks
    are found as their own `update` finds them: in the jpserver-*.json their server writes in their home."""
    work = home / "my-work"
    for folder in (work, work / "old"):
        if folder.is_symlink():  # never follow a learner's link to write outside their home
            return [f"{folder.relative_to(home)} is a link (to {os.readlink(folder)}), so nothing was updated: "
                    "make it a folder again."]
    lines = copies.update_copies(copies.COURSE, work, runtimes=runtime_dirs(home, environ={}), command="hub update")
    return lines + _update_data(home)  # which reports its own errors, after the copies' lines


def _update_data(home):
    """The learner's data/ as the course ships it: files written whole, a file the learner changed copied to
    their my-work/old/ first, and nothing written through a link. A file that cannot be written is a line,
    and the others are written."""
    data = home / "data"
    if data.is_symlink():
        return [f"data is a link (to {os.readlink(data)}): no data is copied through it."]
    if data.exists() and not data.is_dir():
        return ["data is not a folder, so the course's data files were not copied: rename it, then run hub update "
                "again."]
    lines = []
    for shipped in sorted(path for path in (HERE / "data").rglob("*") if path.is_file()):
        target = data / shipped.relative_to(HERE / "data")
        try:
            lines += _update_data_file(home, shipped, target, lines)
        except (OSError, files.NotRead) as error:
            lines.append(f"{target.relative_to(home)} was left as it is ({error}).")
    return lines


def _update_data_file(home, shipped, target, lines):
    """One data file as the course ships it; the report's lines so far (`lines`) say each link once."""
    linked = next((p for p in [target, *target.parents] if p.is_symlink() and p.is_relative_to(home / "data")), None)
    if linked:
        note = f"{linked.relative_to(home)} is a link (to {os.readlink(linked)}): no data is copied through it."
        return [] if note in lines else [note]
    if target.is_file() and files.read_file(target) == shipped.read_bytes():
        return []
    if target.exists() and not target.is_file():
        return [f"{target.relative_to(home)} is not a file, so it was left as it is."]
    aside = files.put_aside(target, home / "my-work") if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    files.replace_whole(target, shipped.read_bytes())
    return [f"{target.relative_to(home)}: your changed file is {aside}."] if aside else []


def main(arguments=None):
    import argparse
    parser = argparse.ArgumentParser(prog="python3 course.py hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", choices=["start", "update"], default="start",
                        help="start the hub (the default), or update every learner's copies")
    parser.add_argument("--network", action="store_true", help="answer other machines, not only this one")
    parser.add_argument("--port", type=int, default=8000, help="the port learners connect to (8000)")
    parser.add_argument("--roster", type=Path, help="a file of learners' names: only they may log in")
    parser.add_argument("--ssl-cert", type=Path, help="a TLS certificate (with --ssl-key): serve https")
    parser.add_argument("--ssl-key", type=Path, help="the certificate's private key")
    parser.add_argument("--shared", action="store_true",
                        help="as root: every learner's server as root too (a throwaway container only)")
    parser.add_argument("--class-password", action="store_const", const="class", dest="login",
                        help="learners log in with one class password (shown at start), not their own")
    options = parser.parse_args(arguments)
    if options.action == "update":
        print("\n".join(update_learners()))
    elif bool(options.ssl_cert) != bool(options.ssl_key):
        parser.error("--ssl-cert and --ssl-key go together")
    else:
        serve(options.network, options.port, options.roster and options.roster.resolve(),
              options.ssl_cert and options.ssl_cert.resolve(), options.ssl_key and options.ssl_key.resolve(),
              options.shared, options.login)


if __name__ == "__main__":
    main()
