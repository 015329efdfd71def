"""A learner's notebook kernel that can reach nothing but its own scratch folder, and is stopped whole.

Run as root (a class machine's grading account, CI), each kernel gets an account of its own: a throwaway
user id no file and no other process has (no /etc/passwd entry is needed). So:
- the course, Python and the class folder are read-only to it (it is in no group, owns nothing there),
  and other learners' scratch folders (0700, other accounts) are closed to it;
- its HOME, IPython's settings and the sockets to the grader (Unix sockets, not TCP ports) are in its
  own folder, so no other kernel can put a startup file there or talk to it;
- stopping it is exact: every process of that account is frozen (SIGSTOP, so it cannot fork again),
  then killed, also one that started a session of its own or left its parent.
Not root, the kernel runs as the grader's user: its process tree is killed, and every process carrying
the run's mark in its environment at the end of the run; its files are the grader's user's to reach.
Either way the grader trusts nothing the kernel says: it only takes functions back, as bytes, and has
them judged elsewhere (gradebook.py).
"""
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import zmq
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from course_utils.marking import processes

HERE = Path(__file__).resolve().parent.parent
FIRST_ACCOUNT, ACCOUNTS = 1_500_000_000, 500_000_000  # throwaway user ids: far above any real user's
MARK = "COURSE_GRADEBOOK_RUN"  # in every kernel's environment: the run's token (the grader's own, if set)
MAX_MESSAGE_BYTES = 64 * 2**20  # a reply bigger than this from a kernel is dropped by ZeroMQ
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "TZ", MARK)  # of the grader's environment; no secrets pass


def as_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def account_processes(uid):
    """The live processes (not zombies) of a throwaway account, by any of their user ids."""
    found = []
    for process in psutil.process_iter(["uids", "status"]):
        uids = process.info["uids"]
        if uids and uid in uids and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(process)
    return found


def new_account():
    """A user id that no process has now (None when we are not root: then there is no other account)."""
    if not as_root():
        return None
    taken = {uid for process in psutil.process_iter(["uids"]) for uid in (process.info["uids"] or ())}
    while (uid := FIRST_ACCOUNT + secrets.randbelow(ACCOUNTS)) in taken:
        pass
    return uid


def stop_account(uid, limit=10.0):
    """Freeze every process of the account (a frozen process cannot fork), until no new one shows up,
    then kill them all. A fork bomb is caught because each pass freezes the children of the last."""
    deadline = time.monotonic() + limit
    while (found := account_processes(uid)) and time.monotonic() < deadline:
        for process in found:
            with contextlib.suppress(psutil.Error):
                process.suspend()
        if {process.pid for process in account_processes(uid)} <= {process.pid for process in found}:
            for process in found:
                with contextlib.suppress(psutil.Error):
                    process.kill()
        time.sleep(0.01)


def stop_marked(token):
    """Not root: kill every process carrying the run's mark (a kernel's escaped processes keep it unless
    they clear their environment)."""
    processes.kill_marked(token, mark=MARK)


def memory_of(uid, pid):
    """Bytes held by the account's processes (root), or by the kernel's process tree."""
    with contextlib.suppress(psutil.Error):
        family = account_processes(uid) if uid is not None else \
            [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        return sum(process.memory_info().rss for process in family)
    return 0


class Scratch:
    """Where one notebook runs: <run folder>/<random>/ holding my-work/ (the kernel's folder), home/ (its
    HOME and IPython's), and course_utils, a link to the course's (read-only to the account), since the
    notebooks' first cell runs ../course_utils/setup_check.py."""

    def __init__(self, run_folder, uid):
        self.uid = uid
        self.root = Path(run_folder) / secrets.token_hex(16)  # the run folder is 0711: names cannot be listed
        self.root.mkdir(mode=0o711)
        self.work, self.home = self.root / "my-work", self.root / "home"
        for folder in (self.work, self.home):
            folder.mkdir(mode=0o700)
            self.give(folder)
        (self.root / "course_utils").symlink_to(HERE / "course_utils", target_is_directory=True)

    def give(self, path):
        """Make path the account's own (root only)."""
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def run_folder():
    """A folder for one grading run's scratch folders: others may pass through it, not list it."""
    folder = Path(tempfile.mkdtemp(prefix="gradebook-"))
    folder.chmod(0o711)
    return folder


def environment(scratch, token):
    """The kernel's environment: a few of the grader's variables, and HOME and IPython's settings in its
    own folder (a teacher's startup files, history and secrets are left out)."""
    kept = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    home = str(scratch.home)
    return dict(kept, HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"), MPLCONFIGDIR=os.path.join(home, ".mpl"),
                JUPYTER_RUNTIME_DIR=os.path.join(home, ".runtime"), TMPDIR=home, PYDEVD_DISABLE_FILE_VALIDATION="1",
                OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", **{MARK: token})


class ContainedKernel:
    """An IPython kernel started in the scratch folder as its account, in a session of its own. The
    grader talks to it with jupyter_client's blocking client on the shell channel only (outputs are never
    received, so a flood of prints costs nothing), over Unix sockets in the account's folder, with a
    random key. (It is started here, not by jupyter_client's KernelManager: the connection file must be
    the account's before the kernel starts, and the kernel must start as that account.)"""

    def __init__(self, scratch, token):
        self.scratch, self.uid = scratch, scratch.uid
        key = secrets.token_hex(32).encode()
        self.connection = scratch.home / "kernel.json"
        write_connection_file(str(self.connection), ip=str(scratch.home / "kernel"), key=key,
                              transport="ipc")
        scratch.give(self.connection)
        account = {} if self.uid is None else dict(user=self.uid, group=self.uid, extra_groups=[])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ipykernel_launcher", "-f", str(self.connection),
             "--HistoryManager.enabled=False"],
            cwd=scratch.work, env=environment(scratch, token), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, umask=0o077, **account)
        self.context = zmq.Context()
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)  # for every socket the client makes
        self.client = BlockingKernelClient(connection_file=str(self.connection), context=self.context)
        self.client.load_connection_file()
        self.client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)

    def memory(self):
        return memory_of(self.uid, self.process.pid)

    def interrupt(self):
        with contextlib.suppress(OSError):
            os.kill(self.process.pid, 2)  # SIGINT: the kernel turns it into KeyboardInterrupt

    def stop(self):
        """Kill the kernel and everything of its account (root) or its tree; safe to call twice."""
        if self.uid is not None:
            stop_account(self.uid)
        else:
            processes.kill_tree(self.process.pid)
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()
        self.client.stop_channels()
        self.context.term()


def remove_run_folder(folder):
    shutil.rmtree(folder, ignore_errors=True)
