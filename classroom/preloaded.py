"""Learners' servers forked from a process that has already imported them. A class logging in at once is
bound by the machine's cores, and a new server's Python imports (JupyterLab, Jupyter Server, JupyterHub's
own) cost it about 1.2 CPU-seconds; a fork of a process that holds them costs a few milliseconds.

The hub starts one such process (`python -m classroom.preloaded FD`) with nothing of its own: no secret in
its environment or its memory, only the imports (a server's, and a kernel's for kernel_forks.py). It is a
fork server (fork_server.py): only the child reads the server's settings (arguments, environment, whose it
is), then starts a session of its own, takes the learner's limits and account (become), forks the learner's
kernel forker, and runs classroom.singleuser as a new Python would. When the hub ends, the pair closes and
this process ends with it; the servers are the hub's to stop, as before.

What a fork shares that a new Python would not: every server has the same memory layout, string-hash key
and C library guards (stack canary, pointer guard) as this process (and so as each other). A learner who
reads their own server's memory learns them; they only matter to an attack on another learner's server
through a flaw in its code."""
import atexit
import gc
import json
import os
import resource
import shutil
import socket
import sys
import tempfile
import threading
import traceback

from classroom import fork_server, kernel_forks

ANSWER_TIME = 120  # seconds the hub waits for the preloaded process (its imports, on a loaded machine)
NOBODY = 65534  # an account with no files of its own: it sees Python's files as a learner's account does
# Imported before any fork: what a learner's server imports by the time their first notebook runs.
PRELOAD = ("jupyterhub.singleuser", "jupyterlab.labapp", "jupyter_server.serverapp",
           "jupyter_server.services.kernels.kernelmanager", "jupyter_server.services.kernels.websocket",
           "jupyter_server.services.kernels.connection.channels", "jupyter_server.services.sessions.sessionmanager",
           "jupyter_server.services.contents.largefilemanager", "jupyter_server.gateway.managers",
           "jupyter_server_terminals", "jupyterlab_server", "jupyter_client.ioloop", "jupyter_client.provisioning",
           "nbformat", "nbformat.v4", "send2trash",
           # and what a server imported only on its first requests (seen with py-spy: 0.1 CPU-s a learner)
           "anyio._backends._asyncio", "jinja2.ext", "jupyter_core.migrate",
           "jupyter_server.services.sessions.handlers", "psutil", "classroom.prompt_websocket")
# (tornado's asyncio loop is imported by kernel_forks.preload())


def preload():
    from classroom import singleuser
    singleuser.prepare()
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:  # an optional part not installed: the server does without it too
            pass
    import nbformat.validator
    for relaxed in (False, True):  # the checks a server makes of the notebooks it reads and saves, made once here
        nbformat.validator.get_validator(relax_add_props=relaxed)
    kernel_forks.preload()


def _run_server(request, output):
    """In the child: become the learner's server, then end with its exit code, never returning to serve()."""
    code = 1
    try:
        take_output(output)
        request = fork_server.read_settings(request)
        os.setsid()  # as the hub's own spawner does: a session of its own, away from the hub's signals
        from classroom import singleuser
        become(**request["who"])
        if request["forked_kernels"]:
            kernel_forks.start_forker()  # the learner's now, and without threads yet (it holds their settings too)
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
    # As nobody, which any process of that account may take over: no terminal and a session of its own.
    probe = subprocess.run([sys.executable, "-c", PYTHONS_VIEW], env=environment, cwd="/", capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL, start_new_session=True, **ids)
    return json.loads(probe.stdout) if probe.returncode == 0 else None


class Starter:
    """The hub's side: the preloaded process, started at the first request and asked for each server. When it
    cannot answer, `start` returns None, the caller starts the server as a new Python, and this hub asks the
    preloaded process no more (the hub's log says why, once)."""

    def __init__(self, log):
        self.log, self.refused = log, None
        self.process = self.connection = self.answers = self.matplotlib = None
        self.lock = threading.Lock()  # one request at a time on the socket

    def start(self, arguments, environment, who, output, forked_kernels=True):
        """A new server forked for `who` (become's arguments), writing to the file number `output`, its kernels
        forked too if `forked_kernels` (kernel_forks.py): its Forked handle, or None."""
        with self.lock:
            if self.refused:
                return None
            try:
                if self.process is None:
                    self._launch()
                return fork_server.ask(self.connection, self.answers,
                                       {"arguments": arguments, "environment": environment, "who": who,
                                        "forked_kernels": forked_kernels}, [output])
            except Exception as problem:  # whatever it is, the server starts as a new Python
                self._refuse(f"{type(problem).__name__}: {problem}")
                return None

    def _launch(self):
        import subprocess
        # A bare environment: nothing of the hub's (its passwords) is copied into learners' servers.
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": "/"}
        # What a kernel's imports need, and a folder of its own for matplotlib's font list (built once here).
        self.matplotlib = tempfile.mkdtemp(prefix="course-hub-matplotlib-")
        atexit.register(shutil.rmtree, self.matplotlib, True)  # the hub's end need not close this first
        environment.update(kernel_forks.IMPORT_SETTINGS, MPLCONFIGDIR=self.matplotlib)
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
        if self.matplotlib is not None:
            shutil.rmtree(self.matplotlib, ignore_errors=True)
        self.process = self.connection = self.answers = self.matplotlib = None


def main(arguments):
    connection = socket.socket(fileno=int(arguments[0]))
    view = {}  # as it started: the preloading takes this process's own folder off its path
    exec(PYTHONS_VIEW, {"print": lambda text: view.update(json.loads(text))})
    preload()
    # Python's garbage collector leaves what is here now alone from here on: else, walking every object in
    # each fork, it would touch every page the forks share and so give each fork copies of its own.
    gc.freeze()
    connection.sendall(json.dumps(view).encode() + b"\n")  # ready, with the Python it runs
    fork_server.serve(connection, _run_server)


if __name__ == "__main__":
    main(sys.argv[1:])
