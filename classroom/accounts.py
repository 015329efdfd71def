"""Stopping an account's every process, and removing what it left where every account may write. For the
grader's throwaway accounts (contained.py) and the class hub's learners' accounts (hub_accounts.py); root only."""
import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil

SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue", "/run/lock")  # where every account may leave files
SYSTEM_V = {"shm": "shmctl", "sem": "semctl", "msg": "msgctl"}  # /proc/sysvipc/<kind>, and what removes one
IPC_RMID = 0
LEFTOVERS_TIME = 300  # seconds a removal may take before it is given up
WALKS = 3  # tries at each shared folder: a walk fails when another account moves a folder it is in


def account_processes(uid):
    """The live processes (not zombies) of a throwaway account, by any of their user ids."""
    found = []
    for process in psutil.process_iter(["uids", "status"]):
        uids = process.info["uids"]
        if uids and uid in uids and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(process)
    return found


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


def remove_leftovers(uid):
    """Remove what a stopped account left where every account may write: its files and folders in the
    shared folders, and its System V shared memory, semaphores and message queues, which outlive every
    process. Root removes each of the account's entries whole, whatever it holds (another account of the
    same learner's included), with find and rm, which walk folders of any depth; -execdir runs rm from
    inside the folder holding the entry, so a folder higher up swapped for a link meanwhile leads it
    nowhere. Raises OSError saying what is left when a walk fails (another account moved a folder find
    was in: each folder is tried again, then the next one is walked all the same), TimeoutError when the
    whole removal takes longer than LEFTOVERS_TIME."""
    deadline, problems = time.monotonic() + LEFTOVERS_TIME, []
    try:
        for top in (top for top in SHARED_FOLDERS if os.path.isdir(top)):
            problem = next((found for _ in range(WALKS) if (found := _remove_from(top, uid, deadline))), None)
            if isinstance(problem, TimeoutError):
                raise problem
            if problem:
                problems.append(problem)
    finally:
        _remove_system_v(uid)
    if problems:
        raise OSError(f"some of what account {uid} left is still there: " + "; ".join(problems))


def _remove_from(top, uid, deadline):
    """One walk of a shared folder: None if it went through, else what stopped it."""
    # Its own entries are removed whole; other folders are entered only where anyone may write.
    find = ["find", top, "-xdev", "-mindepth", "1", "(", "-user", str(uid), "-prune",
            "-execdir", "rm", "-rf", "--one-file-system", "--", "{}", "+", ")",
            "-o", "(", "!", "-perm", "-0002", "-prune", ")"]
    # find refuses -execdir with a relative folder on the PATH (rm could be found in the folder it is in).
    path = os.pathsep.join(part for part in os.environ.get("PATH", "").split(os.pathsep) if os.path.isabs(part))
    with subprocess.Popen(find, cwd="/", env=dict(os.environ, PATH=path or "/usr/bin:/bin"), text=True,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          start_new_session=True) as walk:  # a group of its own: its rm goes with it on a timeout
        try:
            _, errors = walk.communicate(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(walk.pid, signal.SIGKILL)
            walk.communicate()
            return TimeoutError(f"removing what account {uid} left took longer than {LEFTOVERS_TIME} s: "
                                f"some of it is left in {top}")
    lines = errors.strip().splitlines()
    return None if walk.returncode == 0 else (lines[-1] if lines else f"find ended with {walk.returncode} in {top}")


def _remove_system_v(uid):
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, remove in SYSTEM_V.items():
        with contextlib.suppress(OSError, ValueError, IndexError):
            header, *lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
            owner, maker = header.split().index("uid"), header.split().index("cuid")
            for fields in (line.split() for line in lines):
                if uid in (int(fields[owner]), int(fields[maker])):  # one it made and gave away too
                    number = int(fields[1])
                    getattr(libc, remove)(*((number, 0, IPC_RMID) if kind == "sem" else (number, IPC_RMID, None)))


def remove_folder(folder):
    """A folder and everything in it, however deep, never following a link nor leaving its file system,
    within LEFTOVERS_TIME. Returns True if it is gone."""
    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(folder)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=LEFTOVERS_TIME)
    except subprocess.TimeoutExpired:
        return not os.path.lexists(folder)  # given up: no slower walk after it, which would have no limit
    except OSError:
        pass  # no rm at all
    if os.path.lexists(folder):  # no GNU rm here: Python's own, for folders of an ordinary depth
        with contextlib.suppress(RecursionError):
            shutil.rmtree(folder, ignore_errors=True)
    return not os.path.lexists(folder)
