"""A process that forks copies of itself on request, and the asking side's handle on each copy. The class hub
uses two: the preloaded process, root's, which forks each learner's server (preloaded.py), and in each
learner's server a process of the learner's that forks their kernels (kernel_forks.py). A fork of a process
that has imported what the new one needs costs milliseconds; a new Python importing it costs a second or two.

The protocol, over a socket pair: the asker sends the word "fork" and, with SCM_RIGHTS, a socket of the new
process's own (and any other files it is to hold); the fork server forks and answers with the child's
process id as a line of JSON. The asker takes a handle on that process (Forked) while the child still waits,
then sends the child its settings on its own socket and closes it. So the fork server never holds one
request's settings (a learner's token) for its later forks to carry to another."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time


def serve(connection, run):
    """Fork a child for each request until the asker closes its end; the child calls run(*handed files), which
    never returns. Ended children are reaped by the system."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies: nobody here waits for them
    while True:
        word, handed, _, _ = socket.recv_fds(connection, 16, 2)
        if not word:
            return  # the asker has ended
        try:
            if word != b"fork" or not handed:
                raise ValueError(f"not a request: {word!r}")
            answer = {"pid": fork(run, handed, connection)}
        except Exception as problem:  # told to the asker, which then starts the process another way
            answer = {"error": f"{type(problem).__name__}: {problem}"}
        finally:
            for number in handed:
                os.close(number)
        connection.sendall(json.dumps(answer).encode() + b"\n")


def fork(run, handed, connection):
    if threads() != 1:  # a fork copies only this thread: another's locks would stay held
        raise RuntimeError("the fork server has threads; it cannot fork safely")
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the child waits for its own children
            let_go(connection)
            fresh_secrets()
            run(*handed)
        finally:
            os._exit(1)  # run ends the child itself: this is only reached if it failed to
    return pid


def threads():
    """This process's threads, the system's own among them (a library's pool, which Python does not list)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc (macOS)
        return threading.active_count()


def fresh_secrets():
    """In a child: what a fork copies but each process must have of its own, drawn anew. Python's and numpy's
    random generators (else every learner's unseeded random numbers would be the same), and multiprocessing's
    authentication key, drawn once at its import (else a learner's code could pass another learner's
    multiprocessing listener's check, and have it run code as them). The string-hash key, the memory
    layout and the C library's stack canary and pointer guard cannot change after a process starts (the
    pointers it has guarded would no longer read): every fork shares them (docs/teaching.md)."""
    import random
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "multiprocessing.process" in sys.modules:
        sys.modules["multiprocessing.process"].current_process().authkey = os.urandom(32)


def let_go(connection):
    """The fork server's socket is not the child's: its number is made to lead to /dev/null (closed outright,
    the number could be reused and then closed again by the objects that still hold it)."""
    nothing = os.open(os.devnull, os.O_RDWR)
    os.dup2(nothing, connection.fileno(), inheritable=False)
    os.close(nothing)


def read_settings(request):
    """In the child: the settings the asker sent on the child's own socket (file number `request`)."""
    with open(request, "rb") as settings:  # until the asker closes its end
        return json.loads(settings.read())


def ask(connection, answers, settings, handed=()):
    """A new child of the fork server at `connection` (its answers read from `answers`), given `settings` and
    the files `handed`: its Forked handle. Raises OSError if the fork server could not fork."""
    ours, theirs = socket.socketpair()
    with ours:
        with theirs:
            socket.send_fds(connection, [b"fork"], [theirs.fileno(), *handed])
        answer = json.loads(answers.readline() or b'{"error": "the fork server ended"}')
        if "pid" not in answer:
            raise OSError(answer["error"])
        # Held now, while the child waits for its settings and so cannot have ended: its number alone could
        # later be another process's.
        forked = Forked(answer["pid"])
        ours.sendall(json.dumps(settings).encode())  # the new child alone reads it: only it and the asker hold it
    return forked


class Forked:
    """A process forked by a fork server, held like subprocess.Popen's. It is not the asker's child, so once it
    ends the system may give its number to any process: it is held by a handle on the process itself (a pidfd,
    or its start time where there is none), and only that process is ever taken for it or signalled. Its exit
    code is not known (only a parent learns it): an ended one's returncode is 0."""

    stdin = stdout = stderr = None  # as a Popen without pipes

    def __init__(self, pid):
        self.pid, self.returncode = pid, None
        try:
            self.handle = os.pidfd_open(pid)
        except (AttributeError, OSError):  # macOS, or an older Linux
            self.handle = None
        self.started = _start_time(pid)

    def running(self):
        if self.returncode is not None:
            return False
        if self.handle is not None:
            import select
            ended = select.poll()  # not select.select, which fails on a number past 1023 (a busy hub has them)
            ended.register(self.handle, select.POLLIN)
            return not ended.poll(0)  # readable once it has ended
        return self.started is not None and _start_time(self.pid) == self.started

    def poll(self):
        if self.returncode is None and not self.running():
            self.returncode = 0
            self.close()  # its handle is not needed any more: a server restarting kernels all day keeps none
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, number):
        """Signal it; False if it had ended (nothing was signalled)."""
        try:
            if self.handle is not None:
                signal.pidfd_send_signal(self.handle, number)
            elif self.running():
                os.kill(self.pid, number)
            else:
                return False
        except ProcessLookupError:
            return False
        return True

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def close(self):
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


def _start_time(pid):
    import psutil
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None
