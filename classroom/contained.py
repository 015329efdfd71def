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
them judged by check's judge (Judge): as root in another throwaway account, so that what a function
does while it is judged (it runs when it is unpickled) reaches neither the grader, nor another learner,
nor the learner's own kernel. Where the machine lets root give a program namespaces of its own
(util-linux's unshare; see namespaces()), kernels and judges have a network with nothing in it, see no
process but their own (not the grader's command line, which names the class folder), find the class
folder empty and closed, have a /dev/shm (capped at 512 MB: it is memory), /tmp, /var/tmp and /run/lock
(64 MB each) and System V and POSIX shared memory of their own; when such a kernel or checking process
ends, every process it started, and those folders and that memory, end with it. (So the run folder is not
in /tmp but in RUNS.) They get only a few of the grader's variables: no secret of the teacher's. As root,
what an account leaves where anyone may write (/tmp, /dev/shm, System V shared memory: reachable where
the machine allows fewer namespaces) is removed once it is stopped.
"""
import contextlib
import functools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import zmq
from jupyter_client import KernelManager

from classroom import cgroups
from classroom.accounts import account_processes, remove_folder, remove_leftovers, stop_account
from course_utils.marking import processes, sandbox

HERE = Path(__file__).resolve().parent.parent
FIRST_ACCOUNT, ACCOUNTS = 1_500_000_000, 500_000_000  # throwaway user ids: far above any real user's
MARK = "COURSE_GRADEBOOK_RUN"  # in every kernel's environment: the run's token (the grader's own, if set)
MAX_MESSAGE_BYTES = 8 * 2**20  # a reply bigger than this from a kernel is dropped by ZeroMQ (the grader reads
# every message the kernel sends: a bigger one would hold it, and every learner it grades, for seconds)
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "TZ", MARK)  # of the grader's environment; no secrets pass
PROCESSES = 256  # processes and threads per account (a kernel has about 10): a fork bomb stops here


def as_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def new_account():
    """A user id that no process has now (None when we are not root: then there is no other account)."""
    if not as_root():
        return None
    taken = {uid for process in psutil.process_iter(["uids"]) for uid in (process.info["uids"] or ())}
    while (uid := FIRST_ACCOUNT + secrets.randbelow(ACCOUNTS)) in taken:
        pass
    return uid


# Run as root in the new namespaces, before the account is taken, with the hidden folders, --, the kept
# folders, -- and the command: each hidden folder (the class's) covered by an empty one that no account may
# enter, and every folder where all accounts may write (/dev/shm, /tmp, /var/tmp, /run/lock; /dev/mqueue
# for the new IPC namespace) a new one of its own, capped, in memory, gone when the kernel ends: nothing it
# writes there reaches another account or outlives it. A kept folder (the course, or Python, in a checkout
# under /tmp) is set aside first and put back in the new /tmp where it was.
JAIL = """set -e
each() {  # each PART COMMAND ARGS...: COMMAND for every argument of part PART (0 hidden, 1 kept) of the jail's
    part=0; n=0; want=$1; shift; run=$1; shift
    for arg in "$@"; do
        if [ "$arg" = -- ]; then part=$((part + 1)); if [ $part = 2 ]; then break; fi; continue; fi
        if [ $part = "$want" ]; then "$run" "$arg" $n; n=$((n + 1)); fi
    done
}
hide() { mount -t tmpfs -o size=4k,mode=0 hidden "$1"; }
aside() { mkdir "/dev/shm/.kept$2"; mount --rbind "$1" "/dev/shm/.kept$2"; }
# umask 022: the folders made on the way must let the account through (a kernel is started under 077).
back() { (umask 022; mkdir -p "$1"); mount --move "/dev/shm/.kept$2" "$1"; rmdir "/dev/shm/.kept$2"; }
each 0 hide "$@"
mount -t tmpfs -o size=512m,nr_inodes=2000,mode=1777 shm /dev/shm
each 1 aside "$@"
for shared in /tmp /var/tmp /run/lock; do
    if [ -d "$shared" ]; then mount -t tmpfs -o size=64m,nr_inodes=2000,mode=1777 "private$shared" "$shared"; fi
done
each 1 back "$@"
if [ -d /dev/mqueue ]; then mount -t mqueue mqueue /dev/mqueue 2>/dev/null || true; fi  # else: remove_leftovers
while [ "$1" != -- ]; do shift; done; shift
while [ "$1" != -- ]; do shift; done; shift
exec "$@"
"""

# As root, each grading run's scratch folders are made here, out of /tmp (which a kernel no longer sees).
RUNS = Path("/var/lib/course-gradebook")
# As root, a learner's scratch folder and a judge's home are each a file system of their own, in memory and
# capped: a kernel can fill neither the machine's disk nor its files (inodes), and removing one is instant.
SCRATCH_ROOM, JUDGE_ROOM = "256m", "64m"
SCRATCH_FILES, JUDGE_FILES = 20_000, 2_000


# A network, processes (with /proc), mounts and System V and POSIX memory, semaphores and queues of its own.
ALL = ["--net", "--pid", "--fork", "--mount-proc", "--ipc"]


@functools.cache
def namespaces():
    """What root may give a program of its own here (util-linux's unshare; a container may allow less):
    "all" (ALL: a network with nothing in it, its own processes, mounts and shared memory), "network", or ""."""
    unshare = shutil.which("unshare")
    if not as_root() or unshare is None:
        return ""
    for kind, flags in (("all", [*ALL, "/bin/sh", "-c", JAIL, "jail", "--", "--"]),
                        ("network", ["--net"])):
        if subprocess.run([unshare, *flags, "true"], capture_output=True).returncode == 0:
            return kind
    return ""


def network_cut():
    return namespaces() != ""


def account_command(uid, hidden=(), kept=()):
    """What goes before a command to run it as the account uid: in no group, never to gain powers again (no
    set-user-id program works), with at most PROCESSES processes, and where cgroups are available in a
    control group of its own (cgroups.py: one CPU, a memory limit that counts tmpfs and memfd files, the
    same process cap; removed once the account is stopped). Where namespaces() allows, with no network,
    seeing no process but its own (not the grader's command line), /dev/shm, /tmp, /var/tmp and /run/lock its
    own and capped, and the `hidden` folders empty and closed; the kernel of such a namespace takes every
    process in it down with it. Root only (setpriv)."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise OSError("grading as root needs setpriv, from util-linux, to run each learner's code as an account "
                      "of its own: install util-linux")
    account = [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--"]
    prlimit = shutil.which("prlimit")  # util-linux's too; the account, no longer root, cannot raise it
    if prlimit:
        account = [prlimit, f"--nproc={PROCESSES}:{PROCESSES}", "--", *account]
    unshare, group = shutil.which("unshare"), cgroups.join_command(uid, processes=PROCESSES)
    if namespaces() == "all":
        return [*group, unshare, *ALL, "/bin/sh", "-c", JAIL, "jail", *hidden, "--", *kept, "--", *account]
    return [*group, *([unshare, "--net", "--"] if namespaces() == "network" else []), *account]


def _needed(run_folder):
    """What every kernel needs to see: the run folder, the course and Python, as real paths."""
    return {Path(os.path.realpath(path)) for path in (run_folder, HERE, sys.prefix, sys.base_prefix)}


def kept_folders(run_folder):
    """What a kernel needs that lies in a folder the jail gives a new, empty one of its own (/tmp, /var/tmp,
    /run/lock, as in JAIL): it is put back there (a course cloned into /tmp)."""
    shared = [Path(folder) for folder in ("/tmp", "/var/tmp", "/run/lock") if os.path.isdir(folder)]
    inside = [path for path in _needed(run_folder) if any(top in path.parents for top in shared)]
    # A folder inside another that is kept comes with it.
    return tuple(str(path) for path in sorted(inside) if not any(other in path.parents for other in inside))


def hideable(folder, run_folder):
    """(folder,) to hide from kernels, or () when it holds what they need: the run folder, the course, Python."""
    folder = Path(os.path.realpath(folder))
    return () if any(path == folder or folder in path.parents for path in _needed(run_folder)) else (folder,)


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

    def __init__(self, run_folder, uid, hidden=()):
        self.uid, self.hidden = uid, hidden
        self.root = Path(run_folder) / secrets.token_hex(16)  # the run folder is 0711: names cannot be listed
        self.root.mkdir(mode=0o711)
        own_file_system(self.root, SCRATCH_ROOM, SCRATCH_FILES, 0o711)
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
        remove_own_folder(self.root)


def own_file_system(folder, room, files, mode):
    """As root, make the empty folder a tmpfs of its own with this much room and at most this many files;
    where mounting is refused (a container may refuse it), the folder stays on the disk it is on."""
    if as_root() and shutil.which("mount"):
        options = f"size={room},nr_inodes={files},mode={mode:o}"
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "scratch", str(folder)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def remove_own_folder(folder):
    """A folder made by own_file_system, and all in it: unmounted first (all at once), then removed."""
    if os.path.ismount(folder):
        subprocess.run(["umount", "--lazy", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    remove_folder(folder)


def run_folder():
    """A folder for one grading run's scratch folders: others may pass through it, not list it. As root, in
    RUNS (root's, 0711), since the kernels get a /tmp of their own; else in the temporary folder."""
    parent = None
    if as_root():
        RUNS.mkdir(mode=0o711, parents=True, exist_ok=True)
        os.chown(RUNS, 0, 0, follow_symlinks=False)
        RUNS.chmod(0o711)  # a folder left by an older run, or made under another umask
        parent = RUNS
    folder = Path(tempfile.mkdtemp(prefix="gradebook-", dir=parent))
    folder.chmod(0o711)
    return folder


def environment(home, token):
    """A kernel's or a judge's environment: a few of the grader's variables, and HOME and the settings
    of IPython and matplotlib in its own folder (a teacher's startup files, history and secrets are left out)."""
    kept = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    home = str(home)
    return dict(kept, HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"), MPLCONFIGDIR=os.path.join(home, ".mpl"),
                JUPYTER_RUNTIME_DIR=os.path.join(home, ".runtime"), TMPDIR=home, PYDEVD_DISABLE_FILE_VALIDATION="1",
                OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", **{MARK: token})


class Judge:
    """check's checking process (sandbox.Checking) for one learner's functions. As root it runs as a
    throwaway account of its own, not the kernel's: a function runs when it is unpickled and when it is
    judged, and as that account it can reach no file of the grader's or another learner's, signal no
    process of theirs, nor reach the learner's kernel. The learner's result is all it can change."""

    def __init__(self, run_folder, token, hidden=()):
        self.uid = new_account()
        self.home = Path(run_folder) / secrets.token_hex(16)
        self.home.mkdir(mode=0o700)
        if self.uid is not None:
            own_file_system(self.home, JUDGE_ROOM, JUDGE_FILES, 0o700)
            os.chown(self.home, self.uid, self.uid)
        prefix = [] if self.uid is None else account_command(self.uid, hidden, kept_folders(run_folder))
        # In the run folder, which the account cannot write to, with Python's own path (-I) only.
        after_stop = None if self.uid is None else functools.partial(stop_account, self.uid)
        self.checking = sandbox.Checking(prefix=prefix, environment=environment(self.home, token), folder=run_folder,
                                         after_stop=after_stop)

    def stop(self):
        self.checking.stop()
        if self.uid is not None:
            stop_account(self.uid)  # also when no checking process was ever started
            cgroups.remove(self.uid)
            remove_leftovers(self.uid)
        remove_own_folder(self.home)


class AccountKernelManager(KernelManager):
    """jupyter_client's KernelManager, starting the kernel as a throwaway account (`prefix`: see
    account_command), over Unix sockets in the account's folder. Its connection file (written by
    jupyter_client, which never writes through a link) is given to the account before the kernel starts."""

    def __init__(self, prefix, uid, **settings):
        super().__init__(transport="ipc", **settings)
        self.prefix, self.uid = prefix, uid

    def write_connection_file(self, **details):
        super().write_connection_file(**details)
        if self.uid is not None:
            os.chown(self.connection_file, self.uid, self.uid, follow_symlinks=False)

    def format_kernel_cmd(self, extra_arguments=None):
        return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]


class ContainedKernel:
    """An IPython kernel started in the scratch folder as its account, in a session of its own, by
    jupyter_client's KernelManager. The grader talks to it with the manager's blocking client on the shell
    channel only (outputs are never received, so a flood of prints costs nothing), over Unix sockets in the
    account's folder, with a random key."""

    def __init__(self, scratch, token):
        self.scratch, self.uid = scratch, scratch.uid
        self.context = zmq.Context()
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)  # for every socket the client makes
        prefix = [] if self.uid is None else account_command(self.uid, scratch.hidden,
                                                             kept_folders(scratch.root.parent))
        self.manager = AccountKernelManager(prefix, self.uid,
                                            ip=str(scratch.home / "kernel"), context=self.context,
                                            connection_file=str(scratch.home / "kernel.json"))
        self.manager.start_kernel(cwd=str(scratch.work), env=environment(scratch.home, token),
                                  extra_arguments=["--HistoryManager.enabled=False"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, umask=0o077)
        self.process = self.manager.provisioner.process
        self.client = self.manager.client(context=self.context)
        self.client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)

    def memory(self):
        return memory_of(self.uid, self.process.pid)

    def interrupt(self):
        with contextlib.suppress(Exception):
            self.manager.interrupt_kernel()  # SIGINT to its process group: KeyboardInterrupt in the kernel

    def stop(self):
        """Kill the kernel and everything of its account (root) or its tree; safe to call twice."""
        if self.uid is not None:
            stop_account(self.uid)
        else:
            processes.kill_tree(self.process.pid)
        with contextlib.suppress(Exception):
            self.manager.shutdown_kernel(now=True)  # waits for it, removes its sockets and connection file
        if self.uid is not None:
            cgroups.remove(self.uid)  # once the kernel's first process, the grader's child, is waited for
        self.client.stop_channels()
        self.context.term()


def remove_run_folder(folder):
    remove_folder(folder)
