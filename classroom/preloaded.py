"""Learners' servers forked from a process that has already imported them. A class logging in at once is
bound by the machine's cores, and a new server's Python imports (JupyterLab, Jupyter Server, JupyterHub's
own) cost it about 1.2 CPU-seconds; a fork of a process that holds them costs a few milliseconds.

The hub starts one such process (`python -m classroom.preloaded FD`) with nothing of its own: no secret in
its environment or its memory, only the imports. For each server the hub passes it a socket of the
server's own over their socket pair; it forks, and answers with the child's process id. Only the child
reads the server's settings (arguments, environment, whose it is) from that socket, then starts a session
of its own, takes the learner's limits and account (become), and runs classroom.singleuser as a new Python
would. When the hub ends, the pair closes and this process ends with it; the servers are the hub's to
stop, as before.

What a fork shares that a new Python would not: every server has the same memory layout and the same
string-hash key as this process (and so as each other). A learner who reads their own server's memory
learns them; both only matter to an attack on another learner's server through a flaw in its code."""
import json
import os
import resource
import signal
import socket
import sys
import threading
import traceback

ANSWER_TIME = 120  # seconds the hub waits for the preloaded process (its imports, on a loaded machine)
NOBODY = 65534  # an account with no files of its own: it sees Python's files as a learner's account does
# Imported before any fork: what a learner's server imports by the time their first notebook runs.
PRELOAD = ("jupyterhub.singleuser", "jupyterlab.labapp", "jupyter_server.serverapp",
           "jupyter_server.services.kernels.kernelmanager", "jupyter_server.services.kernels.websocket",
           "jupyter_server.services.kernels.connection.channels", "jupyter_server.services.sessions.sessionmanager",
           "jupyter_server.services.contents.largefilemanager", "jupyter_server.gateway.managers",
           "jupyter_server_terminals", "jupyterlab_server", "jupyter_client.ioloop", "jupyter_client.provisioning",
           "nbformat", "nbformat.v4", "send2trash")


def preload():
    from classroom import singleuser
    singleuser.prepare()
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:  # an optional part not installed: the server does without it too
            pass


def serve(connection):
    """Fork a server for each of the hub's requests until it closes its end. A request is a socket of its
    own, passed with the word "fork": the child reads what the server is to be from it, so that this process
    never holds one learner's settings (their server's token) for its later forks to carry to another."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended servers are reaped by the system: no zombies
    while True:
        word, handed, _, _ = socket.recv_fds(connection, 16, 2)
        if not word:
            return  # the hub has ended
        try:
            if word != b"fork" or len(handed) != 2:
                raise ValueError(f"not a request: {word!r}")
            answer = {"pid": fork(*handed, connection)}
        except Exception as problem:  # told to the hub, which then starts that server as a new Python
            answer = {"error": f"{type(problem).__name__}: {problem}"}
        finally:
            for number in handed:
                os.close(number)
        connection.sendall(json.dumps(answer).encode() + b"\n")


def fork(request, output, connection):
    if _threads() != 1:  # a fork copies only this thread: another's locks would stay held
        raise RuntimeError("the preloaded process has threads; it cannot fork safely")
    pid = os.fork()
    if pid == 0:
        _run_server(request, output, connection)  # never returns
    return pid


def _threads():
    """This process's threads, the system's own among them (a library's pool, which Python does not list)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc (macOS)
        return threading.active_count()


def _run_server(request, output, connection):
    """In the child: become the learner's server, then end with its exit code, never returning to serve()."""
    code = 1
    try:
        _let_go(connection)
        take_output(output)
        with open(request, "rb") as settings:  # until the hub closes its end
            request = json.loads(settings.read())
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server waits for its kernels
        os.setsid()  # as the hub's own spawner does: a session of its own, away from the hub's signals
        from classroom import singleuser
        become(**request["who"])
        os.environ.clear()
        os.environ.update(request["environment"])
        sys.argv = ["jupyterhub-singleuser", *request["arguments"]]
        code = singleuser.main(request["arguments"])
    except SystemExit as ending:
        code = ending.code
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code if isinstance(code, int) else 1)


def _let_go(connection):
    """The hub's socket is not the learner's: its number is made to lead to /dev/null (closed outright, the
    number could be reused and then closed again by the objects that still hold it)."""
    nothing = os.open(os.devnull, os.O_RDWR)
    os.dup2(nothing, connection.fileno(), inheritable=False)
    os.close(nothing)


def take_output(output):
    """A learner's server reads nothing and writes its messages to `output`, the pipe the hub relays: never
    to the hub's own output, which may be the teacher's terminal (a learner could read its keystrokes, or
    stop its output and with it the hub) or its log file (which they could empty)."""
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    for standard in (1, 2):
        os.dup2(output, standard)
    os.close(output)


def limit_resources(memory, processes):
    """In a learner's process before it becomes theirs: limits they cannot raise again. Memory is the address
    space of each process, so a cell that asks for more gets MemoryError (a message), not the kernel killed
    without a word; the processes (threads count) are the learner's account's, all their processes together."""
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def become(home, memory, processes, uid=None, gid=None, groups=()):
    """In a learner's server before it runs (after Popen's fork, or classroom.preloaded's): their limits, set
    while still root so that they cannot raise them, then their account (none in shared mode) and home."""
    limit_resources(memory, processes)
    if uid is not None:
        os.setgid(gid)
        os.setgroups(groups)  # the account's own groups only: none of root's
        os.setuid(uid)
        if os.getuid() != uid or os.geteuid() != uid or 0 in os.getgroups():
            raise PermissionError(f"could not become uid {uid}")
    os.chdir(home)


PYTHONS_VIEW = """import json, sys
try:
    library = [line.split()[-1] for line in open("/proc/self/maps") if "/libpython" in line][:1]
except OSError:  # no /proc (macOS): the loader's choice is not known, and not needed there
    library = []
print(json.dumps({"library": library[0] if library else "", "home": f"{sys.base_prefix}:{sys.base_exec_prefix}",
                  "path": sys.path[1:], "version": sys.version}))"""


def pythons_view(environment, account=None):
    """The Python `account` runs when it starts sys.executable (None: this process's account): its library, its
    PYTHONHOME, its search path. A Python in a folder only root may enter (pyenv's, in /root) is not the one a
    learner's account runs: the system's loader and Python then find another of the same version instead."""
    import subprocess
    ids = {} if account is None else {"user": account, "group": account, "extra_groups": []}
    probe = subprocess.run([sys.executable, "-c", PYTHONS_VIEW], env=environment, cwd="/", capture_output=True,
                           text=True, timeout=60, **ids)
    return json.loads(probe.stdout) if probe.returncode == 0 else None


class Forked:
    """A server forked by the preloaded process. It is not the hub's child, so once it ends the system may give
    its number to any process: it is held by a handle on the process itself (a pidfd, or its start time
    where there is none), taken before it could end, and only that process is ever taken for it or signalled."""

    def __init__(self, pid):
        self.pid = pid
        try:
            self.handle = os.pidfd_open(pid)
        except (AttributeError, OSError):  # macOS, or an older Linux
            self.handle = None
        self.started = _start_time(pid)

    def running(self):
        if self.handle is not None:
            import select
            ended = select.poll()  # not select.select, which fails on a number past 1023 (a busy hub has them)
            ended.register(self.handle, select.POLLIN)
            return not ended.poll(0)  # readable once it has ended
        return self.started is not None and _start_time(self.pid) == self.started

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


class Starter:
    """The hub's side: the preloaded process, started at the first request and asked for each server. When it
    cannot answer, `start` returns None, the caller starts the server as a new Python, and this hub asks the
    preloaded process no more (the hub's log says why, once)."""

    def __init__(self, log):
        self.log, self.refused = log, None
        self.process = self.connection = self.answers = None
        self.lock = threading.Lock()  # one request at a time on the socket

    def start(self, arguments, environment, who, output):
        """A new server forked for `who` (become's arguments), writing to the file number `output` (Forked), or
        None."""
        with self.lock:
            if self.refused:
                return None
            try:
                if self.process is None:
                    self._launch()
                return self._fork({"arguments": arguments, "environment": environment, "who": who}, output)
            except Exception as problem:  # whatever it is, the server starts as a new Python
                self._refuse(f"{type(problem).__name__}: {problem}")
                return None

    def _fork(self, request, output):
        ours, theirs = socket.socketpair()
        with ours:
            with theirs:
                socket.send_fds(self.connection, [b"fork"], [theirs.fileno(), output])
            answer = self._receive()
            if "pid" not in answer:
                raise OSError(answer["error"])
            # Held now, while the child waits for its settings and so cannot have ended: its number alone
            # could later be another process's.
            forked = Forked(answer["pid"])
            ours.sendall(json.dumps(request).encode())  # the new child alone reads it: only it and the hub hold it
        return forked

    def _launch(self):
        import subprocess
        # A bare environment: nothing of the hub's (its passwords) is copied into learners' servers.
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": "/"}
        learners = pythons_view(environment, NOBODY if os.getuid() == 0 else None)
        if learners is None:
            raise OSError("a learner's account cannot start this Python")
        if learners != pythons_view(environment):  # the Python a learner's account runs, not root's
            environment["PYTHONHOME"] = learners["home"]
            if learners["library"]:
                environment["LD_LIBRARY_PATH"] = os.path.dirname(learners["library"])
        self.connection, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen([sys.executable, "-m", "classroom.preloaded", str(theirs.fileno())],
                                            pass_fds=[theirs.fileno()], env=environment, cwd="/",
                                            stdin=subprocess.DEVNULL)
        self.connection.settimeout(ANSWER_TIME)  # a preloaded process that stopped answering holds no login up
        self.answers = self.connection.makefile("rb")
        ready = self._receive()
        if ready != learners:  # its modules must be the ones a learner's account can read
            raise OSError(f"the preloaded process runs another Python than a learner's account: {ready}")

    def _receive(self):
        return json.loads(self.answers.readline() or b'{"error": "the preloaded process ended"}')

    def _refuse(self, reason):
        self.log.warning("Learners' servers start as new Pythons, not forks of a preloaded one: %s", reason)
        self.refused = reason
        self.close()

    def close(self):
        if self.connection is not None:
            self.answers.close()
            self.connection.close()  # the preloaded process reads the end of its requests, and ends
        if self.process is not None:
            try:
                self.process.wait(10)
            except Exception:
                self.process.kill()
                self.process.wait()
        self.process = self.connection = self.answers = None


def main(arguments):
    connection = socket.socket(fileno=int(arguments[0]))
    preload()
    view = {}
    exec(PYTHONS_VIEW, {"print": lambda text: view.update(json.loads(text))})
    connection.sendall(json.dumps(view).encode() + b"\n")  # ready, with the Python it runs
    serve(connection)


if __name__ == "__main__":
    main(sys.argv[1:])
