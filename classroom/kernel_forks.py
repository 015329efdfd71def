"""A learner's kernels forked from a process of their own that has already imported what a kernel imports
(IPython's kernel, numpy, matplotlib, ipywidgets: about 1.4 CPU-seconds as a new Python, and the first time
matplotlib also builds its font list in the learner's home).

The hub's preloaded process imports them once (preloaded.py). Each learner's server, a fork of it, forks one
more process as soon as it is the learner's and before it starts a thread: the kernel forker. The server's
kernels are started by ForkedProvisioner (Jupyter's LocalProvisioner, registered as a provisioner in
pyproject.toml), which asks the kernel forker for a child instead of starting `python -m ipykernel_launcher`;
the child runs the same kernel with the same arguments, environment and folder. Anything else (another
kernel, a server started as a new Python, a kernel forker that has ended) starts as Jupyter starts it.

What a forked kernel shares with its learner's other kernels and every learner's: the imported modules'
state as the preloaded process left it, its memory layout, its string-hash key and C library guards.
Random generators and keys are drawn anew in each fork (fork_server.fresh_secrets), matplotlib's settings
are the course's defaults (a matplotlibrc in the learner's home is not read), and numpy's BLAS runs one
thread (ONE_THREAD: a class shares the machine's cores; a kernel's own threads would only wait for each
other). On a hub run as root, a forked kernel also tells cell_priority.py when each cell starts and ends."""
import asyncio
import atexit
import contextlib
import os
import socket
import sys
import threading

from jupyter_client.provisioning import LocalProvisioner

from classroom import cell_priority, fork_server

ANSWER_TIME = 30  # seconds a server waits for its kernel forker to fork
# Imported by the hub's preloaded process, so that a kernel forker has them (order matters: matplotlib's
# backend is chosen when it is first imported, from MPLBACKEND in IMPORT_SETTINGS). Not the backend itself:
# imported in a kernel, it registers how IPython shows a figure, which without a kernel it cannot.
KERNEL_MODULES = ("numpy", "matplotlib", "matplotlib.pyplot", "matplotlib.contour",
                  "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "ipywidgets",
                  "tornado.platform.asyncio")
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
# The environment those imports need: one BLAS thread (a process with threads cannot be forked safely), the
# kernel's own matplotlib backend, which ipykernel would otherwise choose at its start, and no note from the
# debugger that it may miss breakpoints in Python's frozen modules (true of new kernels too; not for the hub's log).
IMPORT_SETTINGS = {**ONE_THREAD, "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                   "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
LAUNCHER = ["-m", "ipykernel_launcher"]  # the command Jupyter's python3 kernel runs, after the Python

_forker = None  # in a learner's server: its kernel forker (KernelForker), or None


def preload():
    """In the hub's preloaded process, with IMPORT_SETTINGS in its environment: what a kernel imports."""
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]  # this process's folder, which a kernel's path lacks (ipykernel_launcher takes it out too)
    for name in KERNEL_MODULES:
        __import__(name)


def start_forker():
    """In a learner's server that has just become the learner's, before it starts any thread: fork the
    process that will fork its kernels."""
    global _forker
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            fork_server.serve(theirs, _run_kernel)  # until the server ends
        finally:
            os._exit(0)
    theirs.close()
    _forker = KernelForker(ours, pid)


class KernelForker:
    """The server's side of its kernel forker: one request at a time (Jupyter starts kernels from threads)."""

    def __init__(self, connection, pid):
        self.connection, self.pid, self.lock = connection, pid, threading.Lock()
        self.connection.settimeout(ANSWER_TIME)
        self.answers = connection.makefile("rb")
        self.failed = None

    def start(self, command, environment, folder):
        """A kernel forked to run `command` (Jupyter's, for ipykernel) in `folder`: its Forked handle. After a
        failure (the forker ended, or answered late or wrongly) it is asked no more: OSError, each time."""
        with self.lock:
            if self.failed:
                raise OSError(self.failed)
            try:
                return fork_server.ask(self.connection, self.answers,
                                       {"command": command, "environment": environment, "folder": str(folder)})
            except Exception as problem:
                self.failed = f"the kernel forker failed ({type(problem).__name__}: {problem})"
                with contextlib.suppress(OSError):
                    os.waitpid(self.pid, os.WNOHANG)  # if it has ended: gone, not left a zombie
                raise OSError(self.failed) from problem


def _run_kernel(request):
    """In the kernel forker's child: become the kernel `request` asks for, and end when it ends."""
    code = 1
    try:
        settings = fork_server.read_settings(request)
        os.setsid()  # as Jupyter starts a kernel: its own process group, which an interrupt or shutdown signals
        os.chdir(settings["folder"])
        os.environ.clear()
        # The kernel ends when its parent does: this forker (which ends with its server), not the server.
        parent = os.getppid()
        os.environ.update(settings["environment"], JPY_PARENT_PID=str(parent))
        _as_a_new_kernel()
        sys.argv = settings["command"]
        from ipykernel import kernelapp
        # As launch_new_instance, with the parent given outright: ipykernel reads JPY_PARENT_PID when it is
        # imported, which was in the preloaded process.
        kernel = kernelapp.IPKernelApp.instance(parent_handle=parent)
        kernel.initialize(settings["command"][len(LAUNCHER) + 1:])
        cell_priority.report_cells(kernel.shell)  # on the hub as root: its cells yield to others' sliders
        kernel.start()
        code = 0
    except SystemExit as ending:
        code = ending.code if isinstance(ending.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()  # as a Python ending normally: IPython saves its history, check stops its worker
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def _as_a_new_kernel():
    """What a new kernel's Python would have found at its start, where the preloaded process found root's."""
    import multiprocessing.process
    import site
    multiprocessing.process.ORIGINAL_DIR = os.getcwd()
    site.USER_BASE = site.USER_SITE = None  # found again from this HOME when asked
    import ipykernel.debugger
    # No debugger in a class's kernel: it listens on a port of 127.0.0.1 that every account may connect to,
    # without a key, and another learner attached there runs code as this one (helper-59 did).
    ipykernel.debugger._is_debugpy_available = False
    with contextlib.suppress(AttributeError, OSError):  # Linux only
        import ctypes
        # Becoming the learner left this process unreadable to their own tools (ps, py-spy, /proc/self), as the
        # server is; a new kernel is not, and this one holds nothing but theirs.
        ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE


def is_ipykernel(command):
    return (len(command) > len(LAUNCHER) and command[1:len(LAUNCHER) + 1] == LAUNCHER
            and os.path.realpath(command[0]) == os.path.realpath(sys.executable))


class ForkedProvisioner(LocalProvisioner):
    """Jupyter's LocalProvisioner, but the python3 kernel is forked by the server's kernel forker."""

    async def launch_kernel(self, command, **settings):
        if _forker is None or not is_ipykernel(command):
            return await super().launch_kernel(command, **settings)
        environment = settings.get("env") or dict(os.environ)
        folder = settings.get("cwd") or os.getcwd()
        try:
            forked = await asyncio.to_thread(_forker.start, command, environment, folder)
        except OSError as problem:  # the forker has ended (its learner can end it): a new Python, as Jupyter's
            self.log.warning("This kernel starts as a new Python, not a fork: %s", problem)
            return await super().launch_kernel(command, **settings)
        self.process, self.pid, self.pgid = forked, forked.pid, forked.pid  # its own group (setsid)
        self.cwd = folder
        return self.connection_info
