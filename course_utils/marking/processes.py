"""Finding and stopping the processes of a check: by ancestry (on Linux the checking process is their
"subreaper", so orphans come back to it), by the mark in their environment, and the files they wrote in
/dev/shm (memory); and the Linux switches that keep other processes out (not "dumpable", killed with
the parent). Used by the kernel's side (sandbox.py) and the checking process (worker.py)."""
import contextlib
import functools
import os
import pathlib
import shutil
import stat
import signal
import sys
import time

LINUX = sys.platform.startswith("linux")
STOP_LIMIT = 5.0  # seconds the checking process gets to stop a check's processes
NOBODY = 65534  # the unprivileged user (and group) a runner started by root becomes (macOS: -2, see _nobody)
MARK = "COURSE_CHECKING_PROCESS"  # in the environment of every process of a checking process: its token
SHM = pathlib.Path("/dev/shm")  # files here are memory
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # on Windows os.kill ends a process whatever the signal


def kill_marked(token, mark=MARK):
    """Kill every process whose environment carries this checking process's mark (or the gradebook's run
    mark): what its checks started, found even when it has left their ancestry (a double fork, its checking
    process killed)."""
    import psutil
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if process.pid != os.getpid() and process.environ().get(mark) == token:
                process.kill()


def kill_tree(pid):
    """Kill a process and every process descended from it (that has not left it already)."""
    import psutil
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                process.kill()


def end_descendants():
    """Kill every process descended from this one, and wait for each, until none is left: also one
    that started a session of its own, and one whose parent has ended (on Linux it comes back to us)."""
    deadline = time.monotonic() + STOP_LIMIT
    while (family := _descendants()) and time.monotonic() < deadline:
        for pid in family:
            with contextlib.suppress(OSError):
                os.kill(pid, KILL)
        with contextlib.suppress(ChildProcessError, AttributeError):  # Windows has no zombies, nor WNOHANG
            while os.waitpid(-1, os.WNOHANG)[0]:  # collect the ended: a zombie still counts as a child
                pass
        time.sleep(0.001)


_orphans_come_to_us = False  # True once we are a subreaper (Linux)


def _descendants():
    """The processes below us. As a subreaper our children are enough, generation by generation, and
    /proc lists them at once; otherwise psutil walks the whole tree (it reads every process's parent)."""
    if _orphans_come_to_us:
        with contextlib.suppress(OSError):
            return [int(pid) for task in os.listdir("/proc/self/task")
                    for pid in pathlib.Path(f"/proc/self/task/{task}/children").read_text().split()]
    import psutil
    return [process.pid for process in psutil.Process().children(recursive=True)]


def become_subreaper():
    """Linux: processes orphaned below us become our children, so that end_descendants finds them."""
    global _orphans_come_to_us
    if LINUX:
        _orphans_come_to_us = _prctl(36, 1) == 0  # PR_SET_CHILD_SUBREAPER


def set_dumpable(dumpable):
    """Linux: whether other processes of our user may open our /proc files (pipes, memory) and trace us."""
    if LINUX:
        _prctl(4, int(dumpable))  # PR_SET_DUMPABLE


def die_with_parent():
    """Linux: this process is killed when its parent ends, however the parent ends."""
    if LINUX:
        parent = os.getppid()
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it ended before we asked
            os._exit(1)


def _prctl(option, value):
    import ctypes
    return ctypes.CDLL(None).prctl(option, value, 0, 0, 0)


@functools.lru_cache(maxsize=None)
def runner_user():
    """The user the runner runs as: ours, or nobody when we are root and nobody can read Python and the
    course (a Python installed under /root cannot be: then root, without root's powers)."""
    user = getattr(os, "getuid", lambda: None)()
    return _nobody() if user == 0 and all(map(_readable_by_all, [sys.prefix, sys.base_prefix, *sys.path])) else user


def group_of(user):
    """The group of user (the user's own id where there is no such user)."""
    try:
        import pwd
        return pwd.getpwuid(user).pw_gid
    except (ImportError, KeyError):
        return user


def _nobody():
    try:
        import pwd
        return pwd.getpwnam("nobody").pw_uid
    except (ImportError, KeyError):
        return NOBODY


def _readable_by_all(path):
    """True if every user can read path (if it exists) and pass through each folder above it."""
    path = pathlib.Path(os.path.abspath(path or "."))
    if not path.exists():
        return True
    needed = 0o005 if path.is_dir() else 0o004
    return all(folder.stat().st_mode & 0o001 for folder in path.parents) and path.stat().st_mode & needed == needed


def shm_files():
    """{path: size in bytes} of the files and folders in /dev/shm, subfolders too, that the runner's user
    owns (a folder counts 0: its files count)."""
    files, owner = {}, runner_user()
    for folder, folders, names in os.walk(SHM, onerror=lambda error: None):  # links are not followed
        for name in folders + names:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                status = os.lstat(path)
                if status.st_uid == owner:
                    files[path] = 0 if stat.S_ISDIR(status.st_mode) else status.st_blocks * 512
    return files


def shm_in_use():
    """The paths in /dev/shm that a running process holds open or mapped (on Linux; elsewhere none)."""
    held = set()
    for pid in os.listdir("/proc") if LINUX else ():
        if not pid.isdigit():
            continue
        with contextlib.suppress(OSError), open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
            held.update(line.split(None, 5)[5].strip().removesuffix(" (deleted)") for line in maps
                        if f" {SHM}/" in line)
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    held.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
    return {path for path in held if path.startswith(f"{SHM}/")}


def remove_new_shm_files(before):
    """Remove the files and folders a check's processes wrote in /dev/shm: they are memory, and nothing else
    frees it. Called once the check's processes are gone, so a new file that a process still holds open or
    mapped is another program's (a second check running meanwhile, say, or the kernel's own thread), and
    stays, with the folder it is in. (A new file of the same user that nobody holds goes, whoever made it:
    /dev/shm says not who made it.)"""
    new = sorted(set(shm_files()) - set(before))  # a folder before what is in it
    held = shm_in_use() if new else set()  # reading every process's files takes milliseconds: only if needed
    for path in new:
        if path in held or any(other.startswith(path + os.sep) for other in held):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def check_processes(runner):
    """The runner and every process of this check besides the judge: the runner's descendants, and on
    Linux the orphans that came back to the checking process."""
    import psutil
    family = [psutil.Process(runner)]
    with contextlib.suppress(psutil.Error):
        family += family[0].children(recursive=True)
    if _orphans_come_to_us:
        with contextlib.suppress(psutil.Error):
            judge = os.getpid()
            for child in psutil.Process(os.getppid()).children():
                if child.pid != judge:
                    family += [child, *child.children(recursive=True)]
    return family


def memory_used(runner, shm_before):
    """Bytes held by the check's processes (resident), and by the files they wrote in /dev/shm."""
    import psutil
    total = sum(max(size - shm_before.get(path, 0), 0) for path, size in shm_files().items())
    for process in check_processes(runner):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            total += process.memory_info().rss
    return total
