"""While a learner's kernel runs a cell, it yields the CPU to kernels that answer a slider. A class logging
in at once runs its first notebooks on the same 2 cores as the sliders learners move meanwhile; a slider's
answer is a few milliseconds of work that waited behind everyone's cells (30 learners on 2 cores, in turns:
round trip p90 165-183 ms with every kernel equal, 84-91 ms with running cells lowered; README.md).

On the hub in isolated mode, root runs `python -P -m classroom.cell_priority SOCKET HUB` (a hub service,
HUB the hub's process id: it ends with the hub, even one killed outright). Each
forked kernel (kernel_forks.py) connects to SOCKET at its start and sends b"1" as a cell starts and b"0"
as it ends. The service lowers that kernel's session (its autogroup: Linux shares the CPU between sessions,
and a kernel is a session of its own) to nice IN_A_CELL while the cell runs, and puts it back after.

What a learner can do with it: change their own session only (one that their process at the other end of
the socket leads, as Linux names it, never one they name), never to more than it had before (nice is only
raised, and put back to what was there); a session whose leader ends during a cell stays lowered, with
only that learner's processes in it. Root does it because an account may change autogroups at most ten
times a second for the whole machine.
Where the hub runs in a CPU control group of its own (a systemd service with CPU accounting), Linux uses no
autogroup, and the hub does not start this service (in a container the group may look like the top one: there
it does nothing)."""
import asyncio
import collections
import contextlib
import os
import signal
import socket
import struct
import sys
import time
from pathlib import Path

IN_A_CELL = 5  # a session's nice while it runs a cell (0 is every session's own)
ENVIRONMENT = "COURSE_CELL_PRIORITY"  # the socket's path, in the environment of learners' servers and kernels
PAUSE = 0.02  # seconds between two changes for one account: a learner's flood of messages costs root little
PER_ACCOUNT = 32  # connections an account may hold (one a kernel)
CONNECT_TIME = 1  # seconds a kernel waits to connect
ACCEPTED = 64  # connections accepted before the service's other work has its turn
AUTOGROUPS = Path("/proc/sys/kernel/sched_autogroup_enabled")


def available():
    """Whether this process is root and Linux shares the CPU between its sessions: autogroups on, and this
    process in the top CPU control group (Linux uses autogroups only there)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # Windows, macOS (no /proc), or an odd /proc
        return os.geteuid() == 0 and AUTOGROUPS.read_text().strip() == "1" and _cpu_group() == "/"
    return False


def _cpu_group():
    """This process's CPU control group, as /proc/self/cgroup names it: v1's cpu hierarchy, else v2's."""
    groups = dict(line.split(":", 2)[1:] for line in Path("/proc/self/cgroup").read_text().splitlines())
    cpu = [path for kinds, path in groups.items() if "cpu" in kinds.split(",")]
    return cpu[0] if cpu else groups.get("", "/")


# In a kernel

def report_cells(shell, path=None):
    """In a learner's kernel: tell the service at `path` (else $COURSE_CELL_PRIORITY) when a cell starts and
    ends. Without a service, nothing."""
    path = path or os.environ.get(ENVIRONMENT)
    if not path:
        return None
    connection = _connect(path, time.monotonic() + CONNECT_TIME)
    if connection is None:
        return None
    connection.setblocking(False)  # a cell never waits for the service
    shell.events.register("pre_run_cell", lambda *_: _say(connection, b"1"))
    shell.events.register("post_run_cell", lambda *_: _say(connection, b"0"))
    return connection


def _connect(path, end):
    """A connection to the service, tried until `end` (time.monotonic()); None if it did not answer by then. A
    service that does not answer holds a kernel's start up that long at most."""
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(max(end - time.monotonic(), 0.01))
        try:
            connection.connect(path)
            return connection
        except BlockingIOError:  # its queue is full (another's flood, say): a Unix socket says so at once
            connection.close()
            if time.monotonic() >= end:
                return None
            time.sleep(0.01)
        except OSError:
            connection.close()
            return None


def _say(connection, message):
    with contextlib.suppress(OSError):  # the service has ended, or is behind: the cell runs as it would
        connection.send(message)


# In the service (root)

class Session:
    """The session of the process that connected, held by its /proc folder: a pid used again by another
    process later is never changed (its folder fd then answers nothing)."""

    def __init__(self, pid, uid):
        self.folder = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)
        self.before = None  # its nice before the cell, while it runs one
        try:
            owners = self._read("status").split("\nUid:")[1].split()
            session = int(self._read("stat").rsplit(")", 1)[1].split()[3])  # after "pid (name)": state, ppid, group
        except Exception:
            os.close(self.folder)
            raise
        # Real and effective: else that pid is another account's process already. And the session's leader, as a
        # kernel is: a process of theirs that found its way into a session of root's (one running their code)
        # could otherwise lower root's.
        if owners[:2] != [str(uid)] * 2 or session != pid:
            os.close(self.folder)
            raise PermissionError(f"process {pid} is not uid {uid}'s, or not its session's leader")

    def running(self, busy):
        """Lower the session while a cell runs; put it back to what it was after (if nobody changed it since)."""
        with contextlib.suppress(OSError, ValueError, IndexError):  # the process has ended
            if busy and self.before is None:
                now = self.nice()
                if now < IN_A_CELL:
                    self._write(IN_A_CELL)
                    self.before = now
            elif not busy and self.before is not None:
                before, self.before = self.before, None
                if self.nice() == IN_A_CELL:
                    self._write(before)

    def nice(self):
        return int(self._read("autogroup").split("nice")[1])  # "/autogroup-42 nice 0"

    def _read(self, name):
        file = os.open(name, os.O_RDONLY, dir_fd=self.folder)
        with os.fdopen(file, "r") as opened:
            return opened.read()

    def _write(self, nice):
        file = os.open("autogroup", os.O_WRONLY, dir_fd=self.folder)
        try:
            os.write(file, str(nice).encode())  # an error says so (a Python file object may drop EAGAIN)
        finally:
            os.close(file)

    def close(self):
        self.running(False)
        os.close(self.folder)


class Service:
    """Root's side: accepts kernels on a listening Unix socket, and follows each one's cells."""

    def __init__(self, listening):
        self.listening, self.loop = listening, asyncio.get_running_loop()
        self.turns = collections.defaultdict(asyncio.Lock)  # one change at a time for each account
        self.held = collections.Counter()  # connections per account
        self.following = set()  # the tasks that follow a kernel (asyncio keeps only weak references)

    def accept(self):
        """The connections waiting, at most ACCEPTED at a time (then the other kernels' turn: a flood of them
        would keep this loop going for ever); one past its account's cap is closed at once, for about what
        connecting cost the learner."""
        for _ in range(ACCEPTED):
            try:
                connection, _ = self.listening.accept()
            except OSError:  # none waiting (or no file left: the next wake tries again)
                return
            try:
                pid, uid, _ = struct.unpack("3i", connection.getsockopt(
                    socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
            except OSError:
                connection.close()
                continue
            if self.held[uid] >= PER_ACCOUNT:
                connection.close()
                continue
            self.held[uid] += 1
            task = self.loop.create_task(self.follow(connection, pid, uid))
            self.following.add(task)
            task.add_done_callback(self.following.discard)

    async def follow(self, connection, pid, uid):
        """One kernel's connection: its messages until it ends."""
        session = None
        try:
            connection.setblocking(False)
            async with self.turns[uid]:  # connecting again and again costs root little too
                session = Session(pid, uid)
                await asyncio.sleep(PAUSE)
            # All that waits at once (only the latest counts): a kernel's messages never fill the socket's buffer,
            # where one more would be lost.
            while said := await self.loop.sock_recv(connection, 2**16):
                async with self.turns[uid]:
                    session.running(said[-1:] == b"1")
                    await asyncio.sleep(PAUSE)
        except (OSError, ValueError, IndexError):  # it ended before it was seen, or is not a kernel of theirs
            pass
        finally:
            connection.close()
            if session is not None:
                async with self.turns[uid]:  # its last change waits its turn too (many closed at once: a burst)
                    session.close()
                    await asyncio.sleep(PAUSE)
            self.held[uid] -= 1


async def serve(path, hub=None):
    """Answer kernels on the Unix socket `path` until ended, or until the process `hub` (its parent) has."""
    hub = hub or os.getppid()
    import resource
    _, most = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (most, most))  # two files a kernel: a class's kernels all fit
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(path)
    os.chmod(path, 0o666)  # every learner's kernel may connect: each changes its own session only
    listening.listen(socket.SOMAXCONN)
    listening.setblocking(False)
    asyncio.get_running_loop().add_reader(listening, Service(listening).accept)
    # Ended by a signal, it puts back every session it lowered (asyncio ends each connection's task first).
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    while os.getppid() == hub:  # until the hub ends this process, or ends itself without a word (killed)
        await asyncio.sleep(1)


if __name__ == "__main__":
    with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
        asyncio.run(serve(sys.argv[1], *map(int, sys.argv[2:])))
