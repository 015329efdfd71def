"""A control group per throwaway account (root only): its processes share one CPU, a memory limit that
counts everything they hold (files in a tmpfs and memfd files too, which no process's resident memory
shows), and a process cap. Linux's cgroup v2, or v1 where a machine still mounts it (this one, under
gVisor); where neither may be written (an unprivileged container), nothing is capped and available() says so.

    prefix = join_command(uid)   # put before a command: it enters the account's group, then runs
    remove(uid)                  # once the account's processes are stopped
"""
import contextlib
import os
import sys
import time
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup")
NAME = "course-accounts"  # the folder, in each hierarchy, that holds one group per account
CPUS = 1.0  # CPUs an account may use at once: a learner's 100 busy processes leave the other cores alone
MEMORY = 3 * 2**30  # bytes: above the grader's 2 GB of resident memory, so that limit speaks first
PROCESSES = 256  # as prlimit's cap on the account (contained.PROCESSES)
PERIOD = 100_000  # microseconds of the CPU quota's period


def available():
    """"v2", "v1" or "": which cgroups root may make groups in here."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return ""
    if "memory" in _read(CGROUPS / "cgroup.controllers").split() and os.access(CGROUPS, os.W_OK):
        return "v2"
    if all((CGROUPS / kind / "cgroup.procs").exists() and os.access(CGROUPS / kind, os.W_OK)
           for kind in ("cpu", "memory", "pids")):
        return "v1"
    return ""


def folders(uid):
    """The account's group: one folder in v2, one per controller (cpu, memory, pids) in v1."""
    version = available()
    if version == "v2":
        return [CGROUPS / NAME / str(uid)]
    return [CGROUPS / kind / NAME / str(uid) for kind in ("cpu", "memory", "pids")] if version else []


def make(uid, cpus=CPUS, memory=MEMORY, processes=PROCESSES):
    """The account's group with its limits; returns its folders ([] where there are no cgroups, or where
    its memory and process limits did not take: a group without them would only look like a cap)."""
    made = folders(uid)
    if available() == "v2":
        _write(CGROUPS / "cgroup.subtree_control", "+cpu +memory +pids")  # let the groups below use them
        (CGROUPS / NAME).mkdir(exist_ok=True)
        _write(CGROUPS / NAME / "cgroup.subtree_control", "+cpu +memory +pids")
    limits = {"cpu.max": f"{int(cpus * PERIOD)} {PERIOD}", "memory.max": memory, "memory.swap.max": 0,
              "pids.max": processes,  # v2's names; v1's:
              "cpu.cfs_period_us": PERIOD, "cpu.cfs_quota_us": int(cpus * PERIOD),
              "memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory}
    for folder in made:
        folder.mkdir(parents=True, exist_ok=True)
        for name, value in limits.items():
            if (folder / name).exists():
                _write(folder / name, str(value))
    if made and not _limited(made, memory, processes):
        remove(uid)
        _warn_once(f"Control groups: the limits of {made[0].parent} did not take (a container that keeps "
                  "their controllers?), so learners' kernels run without a memory cap that counts all they hold.")
        return []
    return made


def _limited(made, memory, processes):
    """Whether the group's memory and process limits read back as written (v2's names, or v1's)."""
    found = {name: "".join(_read(folder / name).strip() for folder in made)  # each is in one folder
             for name in ("memory.max", "memory.limit_in_bytes", "pids.max")}
    return str(memory) in (found["memory.max"], found["memory.limit_in_bytes"]) and found["pids.max"] == str(processes)


_warned = set()


def _warn_once(message):
    """Say it on the teacher's terminal, once per run of the grader."""
    if message not in _warned:
        _warned.add(message)
        print(message, file=sys.stderr, flush=True)


def join_command(uid, **limits):
    """What goes before a command to run it in the account's group (made now, with `limits`): a shell
    that moves itself into the group, then becomes the command. [] where there are no cgroups."""
    made = make(uid, **limits)
    if not made:
        return []
    enter = 'set -e; for procs; do [ "$procs" = -- ] && break; echo $$ > "$procs"; done; ' \
            'while [ "$1" != -- ]; do shift; done; shift; exec "$@"'
    return ["/bin/sh", "-c", enter, "cgroup", *(str(folder / "cgroup.procs") for folder in made), "--"]


def remove(uid, limit=5.0):
    """Remove the account's group once its processes have been stopped (a group goes only when empty: a
    dying process may take a moment to leave it)."""
    deadline = time.monotonic() + limit
    for folder in folders(uid):
        while folder.exists():
            with contextlib.suppress(OSError):
                folder.rmdir()
            if folder.exists():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)


def _read(path):
    with contextlib.suppress(OSError):
        return path.read_text()
    return ""


def _write(path, text):
    with contextlib.suppress(OSError):  # a limit this machine does not have (swap, say) is left as it is
        path.write_text(text)
