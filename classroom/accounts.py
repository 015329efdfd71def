"""Stopping an account's every process, and removing what it left where every account may write. For the
grader's throwaway accounts (contained.py) and the class hub's learners' accounts (hub_accounts.py); root only."""
import contextlib
import ctypes
import os
import shutil
import stat
import time
from pathlib import Path

import psutil

SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue", "/run/lock")  # where every account may leave files
SYSTEM_V = {"shm": "shmctl", "sem": "semctl", "msg": "msgctl"}  # /proc/sysvipc/<kind>, and what removes one
IPC_RMID = 0


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
    process. Walked by folder descriptors, never by paths: another account that swaps a folder for a link
    while we walk cannot lead root's removals outside (a link is removed, never followed)."""
    for top in SHARED_FOLDERS:
        if not os.path.isdir(top):
            continue
        for _, folders, names, folder in os.fwalk(top):  # fwalk opens each folder it enters without following links
            for name in [*folders, *names]:
                with contextlib.suppress(OSError):
                    _remove_if_owned(name, folder, uid)
            # Look inside only the folders where the account could write: those anyone may write to.
            folders[:] = [name for name in folders if _anyone_may_write(name, folder)]
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, remove in SYSTEM_V.items():
        with contextlib.suppress(OSError, ValueError, IndexError):
            header, *lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
            owner, maker = header.split().index("uid"), header.split().index("cuid")
            for fields in (line.split() for line in lines):
                if uid in (int(fields[owner]), int(fields[maker])):  # one it made and gave away too
                    number = int(fields[1])
                    getattr(libc, remove)(*((number, 0, IPC_RMID) if kind == "sem" else (number, IPC_RMID, None)))


def _remove_if_owned(name, folder, uid):
    status = os.stat(name, dir_fd=folder, follow_symlinks=False)
    if status.st_uid == uid:
        if stat.S_ISDIR(status.st_mode):
            shutil.rmtree(name, dir_fd=folder)  # by descriptors too, and never through a link
        else:
            os.unlink(name, dir_fd=folder)


def _anyone_may_write(name, folder):
    with contextlib.suppress(OSError):
        status = os.stat(name, dir_fd=folder, follow_symlinks=False)
        return stat.S_ISDIR(status.st_mode) and bool(status.st_mode & 0o002)
    return False
