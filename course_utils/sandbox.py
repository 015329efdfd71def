"""Run a learner's function in separate processes, with a time limit and a memory limit, so that each
verdict is about the function it was given and nothing else.

On Linux and macOS four kinds of process take part:

- The kernel, where check() is called. It sends each request, numbered, to the checking process and
  takes only answers that carry that number and are signed with that request's key (below). A lock lets
  one check through at a time; a check waiting for another thread's counts the wait in its time limit.
  After the time limit it asks for the check to be stopped, and if that is not confirmed within a second
  it kills the checking process, and every process of its checks, outright.
- The checking process, started at the first check and then kept. It imports numpy and the course and
  never runs a learner's code, so it stays as it started: pristine. For each request it forks a judge,
  passes the judge's messages on, and once the judge has answered (or the kernel asks) it kills the
  judge's whole family: its process group and every process descended from it, even one that started
  a session of its own (on Linux orphans come back to the checking process, their "subreaper").
- The judge, a fresh copy of the pristine process, forks a runner and compares its answers with the
  reference. It loads from the runner only plain data: numbers, text, numpy arrays, lists, tuples,
  dicts and sets of these, and the course's own tensors; never a class or function of the learner's.
- The runner calls the learner's function on each test case, under a memory limit, and sends back each
  answer and the arguments as the call left them, turned into plain data (an object that is not becomes
  its description). Whatever the function does to its own process (replace np.allclose, fork, start
  threads or processes), it does to the runner, which dies with the check.

Keeping the judge and the kernel out of the runner's reach, on Linux: the checking process and the judge
are not "dumpable", so a process of the same user cannot open their pipes or memory through /proc. Run
as root (containers, CI), the runner becomes the unprivileged user nobody, which can reach no process of
root's; where nobody cannot read Python or the course (a Python installed under /root), it stays root
but without any of root's powers (capabilities), and the kernel too is made not dumpable. Every
message the kernel accepts about a request is signed (HMAC) with a key the kernel makes for it and sends
only once the judge has been forked, and before the runner starts, so neither of them ever holds it;
the checking process signs what it passes on, after checking that it is a plain message of the judge's.
Request numbers are random: a request made up by a runner cannot take the place of the next one. The
kernel loads nothing but plain data from the checking side.

What is stopped with a check: every process of it, found by ancestry; if the checking process itself is
killed, the kernel finds the rest by a mark in their environment and kills them. The memory limit
(MEMORY_LIMIT_GB) covers the runner, every process it starts and the files they write in /dev/shm
(which is memory), added up; those files are removed after the check.

Windows has no fork: there the checking process judges one request itself and exits, and the kernel
starts the next one ahead, as a spare. A function there can change how its own answer is judged but
never a later one; what it starts is stopped as far as psutil can find it; memory is watched, not capped.
macOS has fork but not prctl: there is no "dumpable" guard nor subreaper, so a runner can reach
processes of its user, and an orphan is found by psutil while its ancestry lasts.

What this does not promise: a learner's own code in the notebook can do anything the kernel can. A
function that cannot be sent to the checking process (it holds a lock or a widget) or loaded there runs
in the kernel, in a thread, with the trace function keeping time, and only its answers go to a pristine
judge; if no checking process starts at all, the function is judged in the kernel. A runner that is
not nobody can do what its user can: signal the kernel and the checking process (so stop or kill them:
the check then fails, in time), or read the user's files, Jupyter's connection file with the kernel's
key among them (then run code in the kernel). Not run as root, on a machine that lets a process read
the memory of its user's other processes (Yama's ptrace_scope 0), a runner could read the key of a
check's messages too. A process that clears its environment and also escapes its
ancestry (double fork, then its checking process is killed from outside) is not found. Files written
elsewhere than /dev/shm stay. A fork bomb is stopped only at the time limit (or the memory limit). The
course's own files are trusted (the checking process imports them); it is the learner's function that
is not.

Messages are pickles of plain data (tuples of text, numbers and bytes: loading them runs no class or
function), each preceded by its length; from the checking process each also starts with its signature.
The kernel sends ("judge", n, exercise id, name, code, pickled function, replies) and, once the
checking process says ("forked", n), ("key", n, key); it may send ("stop", n). It gets ("ready",) once,
then ("calling", n, "mse(...)") before each test case, ("done", n, status, sentence, printed) or
("unreadable", n, why), and ("stopped", n) once every process of that check has ended.
"""
import atexit
import builtins
import collections
import contextlib
import functools
import hashlib
import hmac
import io
import itertools
import marshal
import os
import pathlib
import pickle
import queue
import secrets
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import types
import warnings

from course_utils.judging import describe, did_not_finish, exception_text

COMMAND = [sys.executable, "-m", "course_utils.sandbox"]
FORKS = hasattr(os, "fork")  # Linux and macOS; on Windows every check gets a fresh process instead
LINUX = sys.platform.startswith("linux")
STARTUP_LIMIT = 60.0  # seconds a new checking process gets to import numpy and the course (not the time limit)
STOP_LIMIT = 5.0  # seconds the checking process gets to stop a check's processes
CONFIRM_LIMIT = 1.0  # seconds the kernel waits, past the time limit, for a check's processes to be stopped
MEMORY_LIMIT_GB = 2  # ample for any test case, and leaves room on an 8 GB laptop
MEMORY_LIMIT = MEMORY_LIMIT_GB * 2 ** 30
MESSAGE_LIMIT = 256 * 2 ** 20  # bytes: a longer "message" is not one of ours
CPU_LIMIT = 120  # seconds of CPU for a learner's function and all it starts: far past any time limit
NOBODY = 65534  # the unprivileged user (and group) a runner started by root becomes (macOS: -2, see _nobody)
MARK = "COURSE_CHECKING_PROCESS"  # in the environment of every process of a checking process: its token
SHM = pathlib.Path("/dev/shm")  # files here are memory
PRINTED_LIMIT = 2000  # characters of the learner's printed text shown above the result
BREAKPOINT_NOTE = " breakpoint() is skipped inside check(): call your function yourself to debug it."
NO_INPUT = ("input() waits for someone to type, and check() cannot type: "
            "give your function its values as arguments")
ENDED = "{} ended the Python process it ran in (os._exit(), or a crash)."
TOO_MUCH_MEMORY = ("{} used more than " + str(MEMORY_LIMIT_GB) + " GB of memory, and was stopped. The test "
                   "cases are small: look for an array far bigger than its inputs, or a list that grows without end.")
BUSY = ("check was busy with a check from another thread for the whole time limit ({} seconds), so this "
        "function was not run. Check one function at a time.")
NOT_CONFIRMED = (" (check's own process did not answer either, as if something had stopped it: it was "
                 "replaced.)")
WAITED = " (It first waited {:.1f} seconds for a check from another thread.)"
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # on Windows os.kill ends a process whatever the signal
# One thread for numpy's maths: the checking process must stay single-threaded to fork safely.
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS")}

_worker = None  # the kernel's checking process, started at the first check
_one_at_a_time = threading.Lock()  # a check from a second thread waits for the first one's answer


class NoWorker(Exception):
    """The function cannot be judged in a separate process: no checking process starts. The message
    says why."""


class CannotRunThere(NoWorker):
    """The function cannot be sent to the checking process, or not loaded there: it can run in the
    kernel and be judged there all the same (judge_in_worker with replies). The message says why."""


# --- Messages: length-prefixed pickles of plain data -------------------------------------------------

class _PlainUnpickler(pickle.Unpickler):
    """Loads tuples, lists, text, numbers and bytes, and refuses every class and function."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def _plain_loads(data):
    return _PlainUnpickler(io.BytesIO(data)).load()


def _signature(key, body):
    return hmac.new(key, body, hashlib.sha256).digest()


UNSIGNED = bytes(32)  # the place of a signature, in the messages sent before a request has its key


def _send(fd, message, key=None):
    """Write message, signed with key (the checking process to the kernel)."""
    body = pickle.dumps(message)
    _write(fd, (UNSIGNED if key is None else _signature(key, body)) + body)


def _write(fd, data):
    data = struct.pack(">Q", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _read(fd):
    """The next message's bytes, or None once the other side has gone (or sent what is not a message)."""
    header = _read_exactly(fd, 8)
    if header is None:
        return None
    size, = struct.unpack(">Q", header)
    return _read_exactly(fd, size) if size <= MESSAGE_LIMIT else None


def _read_exactly(fd, size):
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _read_plain(fd):
    """The next message, a tuple of plain data (() for anything else); None once the other side has gone."""
    data = _read(fd)
    if data is None:
        return None
    try:
        message = _plain_loads(data)
    except Exception:
        return ()
    return message if isinstance(message, tuple) else ()


# --- Answers: plain data from the runner --------------------------------------------------------------

class _Shown:
    """An answer that cannot be sent as plain data: its type's name and its description."""

    def __init__(self, kind, text):
        self.kind, self.text = kind, text

    def __repr__(self):
        return str(self.text)

    def rebuilt(self):
        return type(str(self.kind), (), {"__repr__": lambda _: str(self.text)})()


def _text(value):
    """value as an exact str (a str subclass of the learner's would not load in the judge)."""
    return str.__str__(value) if isinstance(value, str) else ""


def _tensor_classes():
    from course_utils import autodiff, exercises
    return autodiff.Tensor, exercises._SharedTensor


def _is_course_function(value):
    """A function of the course's that the answer loader accepts (a grad_fn, a test case's function)."""
    module = sys.modules.get(getattr(value, "__module__", None) or "")
    name = getattr(value, "__name__", "")
    return (module is not None and _course_function_allowed(module.__name__, name)
            and getattr(module, name, None) is value)


def _course_function_allowed(module, name):
    if "." in name:
        return False
    if module == "course_utils.autodiff":
        return name.endswith("_backward")
    if module == "course_utils.exercises":
        return hasattr(getattr(sys.modules.get(module), name, None), "shown_as")  # a test case's function
    return False


_PLAIN_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def _plain(value, memo):
    """value as plain data (see _AnswerUnpickler): containers copied, what cannot be sent as a _Shown.
    Runs in the runner (or in the kernel, for a function that cannot go there)."""
    import numpy as np
    if type(value) in _PLAIN_SCALARS:
        return value
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" and not value.dtype.hasobject:
        return value
    if isinstance(value, np.ndarray):
        array = np.asarray(value)
        array = array if type(array) is np.ndarray else np.array(array)
        if not array.dtype.hasobject:
            return array
        copy = memo[id(value)] = np.empty(array.shape, dtype=object)
        for index, item in enumerate(array.flat):
            copy.flat[index] = _plain(item, memo)
        return copy
    if isinstance(value, (list, dict, set, frozenset, tuple)):
        return _plain_container(value, memo)
    if type(value) in _tensor_classes():
        copy = memo[id(value)] = object.__new__(type(value))
        copy.__dict__.update({_text(key): _plain(item, memo) for key, item in vars(value).items()})
        return copy
    if isinstance(value, types.FunctionType) and _is_course_function(value):
        return value
    return _Shown(_text(type(value).__name__), _text(describe(value)))


def _plain_container(value, memo):
    if isinstance(value, list):
        copy = memo[id(value)] = []
        copy.extend(_plain(item, memo) for item in list.__iter__(value))
        return copy
    if isinstance(value, dict):
        copy = memo[id(value)] = {}
        for key, item in dict.items(value):
            copy[_plain(key, memo)] = _plain(item, memo)
        return copy
    kind = tuple if isinstance(value, tuple) else frozenset if isinstance(value, frozenset) else set
    copy = memo[id(value)] = kind(_plain(item, memo) for item in kind.__iter__(value))
    return copy


def _packed(got, args):
    """The pickle of (answer, arguments) as plain data, which the judge can load; an answer that does not
    go (too deep, say) is sent as its description, and arguments that do not as None."""
    for value in ((got, args), (got, None)):
        try:
            data = pickle.dumps(_plain(value, {}), protocol=pickle.HIGHEST_PROTOCOL)
            _answer_loads(data)  # as the judge will
            return data
        except Exception:
            pass
    return pickle.dumps((_Shown(_text(type(got).__name__), _text(describe(got))), None))


class _AnswerUnpickler(pickle.Unpickler):
    """Loads plain data and nothing else: numpy's arrays and scalars, sets, complex numbers, the course's
    tensors and the course functions they refer to. Any other class or function is refused, so loading
    an answer runs none of the learner's code."""

    ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"),
               ("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
               ("numpy.core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
               ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
               ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"), ("builtins", "slice"),
               ("builtins", "range"), ("builtins", "bytearray"), ("builtins", "object"),
               ("copyreg", "_reconstructor"), ("course_utils.autodiff", "Tensor"),
               ("course_utils.exercises", "_SharedTensor"), ("course_utils.exercises", "_shared"),
               ("course_utils.sandbox", "_Shown")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED or _course_function_allowed(module, name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _answer_loads(data):
    return _AnswerUnpickler(io.BytesIO(data)).load()


def returned_reply(got, args):
    """The reply for a call that returned got and left its arguments as args."""
    return "returned", _packed(got, args)


def raised_reply(problem):
    """The reply for a call that raised problem: its base, type name, message and name, as text."""
    base = next(kind for kind in (NotImplementedError, NameError, Exception, BaseException)
                if isinstance(problem, kind))
    kind = _text(type(problem).__name__)
    text = _text(exception_text(problem))[len(kind) + 2:]
    name = getattr(problem, "name", None) if isinstance(problem, NameError) else None
    return "raised", (base.__name__, kind, text, _text(name) if isinstance(name, str) else None)


def _unpacked(packed, args):
    """(answer, the arguments as the call left them) from the runner's reply."""
    try:
        got, after = _answer_loads(packed)
    except Exception as problem:
        why = exception_text(problem)
        return _Shown("object", f"an object check cannot read ({why}): return numbers or arrays").rebuilt(), args
    return got.rebuilt() if isinstance(got, _Shown) else got, args if after is None else after


# --- In the kernel ---------------------------------------------------------------------------------

class Worker:
    """The checking process, and a thread that puts each message it sends into a queue (so that waiting
    for one can time out on every operating system). Only messages signed with their request's key pass,
    besides ("ready",) and ("forked", n)."""

    def __init__(self):
        self.forks, self.ready, self.keys = FORKS, False, {}
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            _set_dumpable(False)  # a runner that stays root (without its powers) cannot open our /proc files
        self.token = secrets.token_hex(16)  # marks the environment of every process it starts
        self.process = subprocess.Popen(
            COMMAND + ([] if self.forks else ["--once"]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, sys.path)), **ONE_THREAD,
                     **{MARK: self.token}),
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        self.messages = queue.Queue()
        threading.Thread(target=self._read_until_it_ends, daemon=True).start()

    def _read_until_it_ends(self):
        with self.process.stdout:
            while (data := _read(self.process.stdout.fileno())) is not None:
                message = self._verified(data)
                if message is not None:
                    self.messages.put(message)
        self.messages.put(("ended",))
        # Collect its exit status, whoever stopped it: a kernel shutting down waits for every child
        # process it can see, and one that ended but was never waited for still counts.
        self.process.wait()

    def _verified(self, data):
        """The message, if it is plain data and signed with its request's key; else None (dropped)."""
        signature, body = data[:len(UNSIGNED)], data[len(UNSIGNED):]
        try:
            message = _plain_loads(body)
            kind, number = message[0], (message[1:] or [None])[0]
        except Exception:
            return None
        if message == ("ready",) or (kind == "forked" and len(message) == 2):
            return message
        key = self.keys.get(number) if isinstance(number, int) else None
        if key is not None and hmac.compare_digest(signature, _signature(key, body)):
            return message
        # A check stopped before it got its key can only say that it stopped.
        return message if key is None and message == ("stopped", number) else None

    def send(self, *message):
        _write(self.process.stdin.fileno(), pickle.dumps(message))

    def next_message(self, timeout):
        """The next message, ("ended",) once the process has gone, or None if none came in time."""
        deadline = time.monotonic() + timeout
        while True:
            try:  # in short waits: an interrupt may reach another thread, and shows here between them
                return self.messages.get(timeout=min(max(deadline - time.monotonic(), 0), 0.1))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    return None

    def stop(self, at_once=False):
        """Close its stdin, which tells it to stop its checks' processes and exit; kill what remains.
        at_once: kill it and its checks' processes without asking (it may be stopped, or lost)."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=0 if at_once or not self.forks else 1)
        except subprocess.TimeoutExpired:
            _kill_tree(self.process.pid)
            self.process.wait()
        if self.process.returncode != 0:  # it did not end its checks itself: find what they left
            _kill_marked(self.token)


def _kill_marked(token):
    """Kill every process whose environment carries this checking process's mark: what its checks
    started, found even when it has left their ancestry (a double fork, its checking process killed)."""
    import psutil
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if process.pid != os.getpid() and process.environ().get(MARK) == token:
                process.kill()


def judge_in_worker(exercise_id, fn, time_limit, replies=None):
    """(status, sentence, printed) for fn, judged in separate processes; after time_limit seconds they
    are stopped and the answer is that it did not finish. Raises NoWorker when no checking process
    starts, CannotRunThere when fn cannot go there. With replies (what fn did, run in the kernel: see
    returned_reply and raised_reply), fn is not sent: a judge there takes these instead."""
    called = time.monotonic()
    request = _request(exercise_id, fn, replies)
    if not _one_at_a_time.acquire(timeout=time_limit):  # the wait counts: check returns in time
        return "fail", BUSY.format(f"{time_limit:g}"), ""
    try:
        waited = time.monotonic() - called
        worker = _ready_worker()
        return _ask(worker, request, time_limit, waited)
    except OSError as problem:  # it could not start, or its pipe broke
        _stop_worker()
        raise NoWorker(f"the checking process could not be reached ({exception_text(problem)})") from None
    except NoWorker:  # the checking process is fine: it could not load this function
        raise
    except BaseException:  # an interrupt, say: start afresh next time
        _stop_worker()
        raise
    finally:
        _one_at_a_time.release()


def _request(exercise_id, fn, replies):
    """What the checking process needs: the id, the name and code of what runs (to read), fn itself
    (to run), or the replies of fn run here."""
    name, code = _name_and_code(fn)
    try:
        code = None if code is None else marshal.dumps(code)  # marshal: the judge loads it without running it
    except ValueError:
        code = None
    if replies is not None:
        return exercise_id, name, code, None, replies
    try:
        import cloudpickle  # here, so that `import course_utils` stays light
        pickled = cloudpickle.dumps(fn)
    except Exception as problem:  # e.g. fn uses a widget, which cannot be copied to another process
        raise CannotRunThere(f"it could not be sent to a separate process: {exception_text(problem)}") from None
    return exercise_id, name, code, pickled, None


def _name_and_code(fn):
    """fn's name, and the code that runs when fn is called: a function's own, a method's or a partial's
    function's, a callable object's __call__ (never a __code__ the object merely carries). None for
    code that is not Python (np.dot itself): the judge then goes by the name of what runs."""
    name = getattr(fn, "__name__", "")
    runs = fn
    while isinstance(runs, (types.MethodType, functools.partial)):
        runs = runs.__func__ if isinstance(runs, types.MethodType) else runs.func
    call = getattr(type(runs), "__call__", None)
    if not isinstance(runs, (types.FunctionType, type)) and isinstance(call, types.FunctionType):
        runs = call  # a callable object of a class written in Python
    code = runs.__code__ if isinstance(runs, types.FunctionType) else None
    return _text(name) if isinstance(name, str) else "", code if isinstance(code, types.CodeType) else None


def function_to_read(fn):
    """What the judge reads of fn (never runs): its name and the code that runs when it is called."""
    name, code = _name_and_code(fn)
    return _FunctionToRead(name, None if code is None else marshal.dumps(code))


def _ready_worker():
    global _worker
    if _worker is None or _worker.process.poll() is not None:
        _stop_worker()
        _worker = Worker()
    if not _worker.ready:
        if _worker.next_message(STARTUP_LIMIT) != ("ready",):
            _stop_worker()
            raise NoWorker("the separate checking process did not start")
        _worker.ready = True
    return _worker


def _ask(worker, request, time_limit, waited=0.0):
    """(status, sentence, printed) from the messages that carry this request's number, once the
    checking process says that every process of the check has ended."""
    number = secrets.randbits(62)  # which its answers carry; unguessable, so no request is made up for it
    worker.send("judge", number, *request)
    deadline = time.monotonic() + time_limit - waited  # from now: the checking process has already started
    running, answer, unreadable = "Your function", None, None
    while True:
        message = worker.next_message(deadline - time.monotonic())
        if message is None:
            confirmed = _stop_check(worker, number)
            late = did_not_finish(running, time_limit) + (WAITED.format(waited) if waited > 0.1 else "")
            late += "" if confirmed else NOT_CONFIRMED
            return answer or ("fail", late, "")
        kind, *details = message
        if kind == "ended":
            _stop_worker()
            return "fail", ENDED.format(running), ""
        if not details or details[0] != number:
            continue  # not about this request: from one that was stopped, say
        if kind == "forked" and number not in worker.keys:  # the judge exists, its runner not yet
            worker.keys[number] = secrets.token_bytes(32)
            worker.send("key", number, worker.keys[number])
        elif kind == "calling" and isinstance(details[-1], str):
            running = details[-1]
        elif kind == "done" and len(details) == 4:
            answer = tuple(details[1:])
        elif kind == "unreadable":
            unreadable = details[-1]
        elif kind == "stopped":  # every process of the check has ended
            worker.keys.pop(number, None)
            if not worker.forks:
                _start_a_spare()
            if unreadable:
                raise CannotRunThere(f"the separate checking process could not load it: {unreadable}")
            return answer or ("fail", "check could not judge the answer (its process ended).", "")


def _stop_check(worker, number):
    """Ask the checking process to stop this check's processes; if it does not confirm within
    CONFIRM_LIMIT (it may have been stopped itself), kill it and them. True if it confirmed."""
    if worker.forks:
        with contextlib.suppress(OSError):
            worker.send("stop", number)
        deadline = time.monotonic() + CONFIRM_LIMIT
        while (message := worker.next_message(deadline - time.monotonic())) not in (None, ("ended",)):
            if message[:2] == ("stopped", number):
                worker.keys.pop(number, None)
                return True
    _stop_worker(at_once=True)
    return not worker.forks


def _start_a_spare():
    """Windows: each checking process judges once; the next one starts now, while the learner reads."""
    global _worker
    _stop_worker()
    _worker = Worker()


@atexit.register  # and when the kernel exits
def _stop_worker(at_once=False):
    global _worker
    if _worker is not None:
        _worker.stop(at_once)
        _worker = None


def run_in_thread(task, timeout):
    """task() in a daemon thread: its result, or None if it has not finished after timeout seconds.
    For a function that cannot go to a checking process."""
    results = []
    thread = threading.Thread(target=lambda: results.append(task()), daemon=True)
    thread.start()
    thread.join(timeout)
    return results[0] if results else None


def _kill_tree(pid):
    """Kill a process and every process descended from it (that has not left it already)."""
    import psutil
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                process.kill()


# --- The checking process: pristine, it forks a judge for each request -------------------------------

def serve(once=False):
    """The checking process: answer each request that arrives on stdin, until stdin closes (the kernel
    has gone). With once (Windows), judge one request here and exit."""
    requests, answers = _protocol_pipes()
    _guard_against_learner_code()
    import cloudpickle, psutil  # noqa: E401, F401  (loaded once now, not in every check)
    if not once:
        import ctypes, resource  # noqa: E401, F401  (POSIX only: for the judge and the runner)
    from course_utils import checking  # here: checking imports this module
    _warm_up(checking)
    if once:
        return _serve_once(requests, answers, checking)
    _become_subreaper()
    _runner_user()  # worked out once, here
    _set_dumpable(False)  # a process of our user cannot open our pipes or memory through /proc
    signal.signal(signal.SIGTERM, lambda *_: sys.exit())  # stopped from outside: end the checks first
    _send(answers, ("ready",))
    waiting = collections.deque()  # requests that arrived during a check: none is ever dropped
    try:
        while (message := waiting.popleft() if waiting else _read_plain(requests)) is not None:
            if message[:1] == ("judge",) and len(message) == 7:
                _run_check(message[1], message[2:], requests, answers, waiting)
    finally:
        _end_descendants()


def _warm_up(checking):
    """Judge each exercise's reference once, so that whatever judging loads on first use (numpy.random
    for the test cases, say) is loaded here, once, and not in every judge. Course code only."""
    for exercise_id in checking.exercise_ids():
        exercise = checking._find(exercise_id)
        checking._judge_safely(exercise, exercise.reference,
                               lambda text, fn, args: _unpacked(_packed(fn(*args), args), args))


def _protocol_pipes():
    """The pipes to the kernel on new descriptors; 0 and 1 then lead nowhere, so nothing the learner's
    code reads or writes (print, C code, input) can mix with the messages."""
    requests, answers = os.dup(0), os.dup(1)
    nowhere = os.open(os.devnull, os.O_RDWR)
    os.dup2(nowhere, 0)
    os.dup2(nowhere, 1)
    return requests, answers


def _guard_against_learner_code():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Jupyter interrupt reaches us too; the kernel decides
    builtins.input = _no_input
    sys.breakpointhook = _skip_breakpoint
    warnings.simplefilter("ignore")  # the learner gets check's sentence instead


def _no_input(prompt=""):
    raise RuntimeError(NO_INPUT)


_skipped_breakpoints = []


def _skip_breakpoint(*args, **kwargs):
    _skipped_breakpoints.append(True)


def _run_check(number, request, requests, answers, waiting):
    """Fork a judge for one request, get its key from the kernel, let the judge start, and pass its
    messages on, signed, until it has answered or the kernel asks us to stop; then end every process
    of the check, remove what it left in /dev/shm, and say so."""
    shm_before = _shm_files()
    from_judge, to_us = os.pipe()
    go_read, go = os.pipe()
    judge = os.fork()
    if judge == 0:
        os.close(from_judge)
        os.close(go)
        _be_judge(number, *request, to_us, go_read, shm_before, close=(requests, answers))
    os.close(to_us)
    os.close(go_read)
    key = None
    try:
        _send(answers, ("forked", number))
        key = _key(number, requests, waiting)  # only now: the judge, and so its runner, never holds it
        if key is not None:
            os.write(go, b"g")
            _pass_on(number, key, from_judge, requests, waiting, answers)
    finally:
        os.close(from_judge)
        os.close(go)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(judge, signal.SIGKILL)  # its process group: the judge, the runner and what they started
        _end_descendants()  # and whatever left the group, found by ancestry
        _remove_new_shm_files(shm_before)
    _send(answers, ("stopped", number), key)


def _key(number, requests, waiting):
    """This check's key, from the kernel; None if the kernel asks to stop first."""
    while True:
        message = _read_plain(requests)
        if message is None:
            raise SystemExit  # the kernel has gone
        if message[:2] == ("key", number) and len(message) == 3 and isinstance(message[2], bytes):
            return message[2]
        if message[:2] == ("stop", number):
            return None
        waiting.append(message)


def _pass_on(number, key, from_judge, requests, waiting, answers):
    """Pass the judge's messages on, signed, until the judge closes its end or the kernel asks to stop
    this check. Each must be plain data, one of a judge's messages about this check: anything else (it
    may come from the learner's code) is dropped."""
    while True:
        ready, _, _ = select.select([from_judge, requests], [], [])
        if requests in ready:
            message = _read_plain(requests)
            if message is None:
                raise SystemExit  # the kernel has gone
            if message[:2] == ("stop", number):
                return
            waiting.append(message)  # the next request: served after this one
        if from_judge in ready:
            data = _read(from_judge)
            if data is None:
                return
            message = _judge_message(data, number)
            if message is not None:
                _send(answers, message, key)


def _judge_message(data, number):
    """The judge's message, if it is plain data of the right form for this check; else None."""
    try:
        message = _plain_loads(data)
    except Exception:
        return None
    forms = {"calling": (str,), "done": (str, str, str), "unreadable": (str,)}
    kind = message[0] if isinstance(message, tuple) and message else None
    if kind not in forms or message[1:2] != (number,) or len(message) != len(forms[kind]) + 2:
        return None
    if not all(type(part) is form for part, form in zip(message[2:], forms[kind])):
        return None
    return message


def _end_descendants():
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


def _become_subreaper():
    """Linux: processes orphaned below us become our children, so that _end_descendants finds them."""
    global _orphans_come_to_us
    if LINUX:
        _orphans_come_to_us = _prctl(36, 1) == 0  # PR_SET_CHILD_SUBREAPER


def _set_dumpable(dumpable):
    """Linux: whether other processes of our user may open our /proc files (pipes, memory) and trace us."""
    if LINUX:
        _prctl(4, int(dumpable))  # PR_SET_DUMPABLE


def _die_with_parent():
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
def _runner_user():
    """The user the runner runs as: ours, or nobody when we are root and nobody can read Python and the
    course (a Python installed under /root cannot be: then root, without root's powers)."""
    user = getattr(os, "getuid", lambda: None)()
    return _nobody() if user == 0 and all(map(_readable_by_all, [sys.prefix, sys.base_prefix, *sys.path])) else user


def _group_of(user):
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


def _shm_files():
    """{path: size in bytes} of the files in /dev/shm that the runner's user owns."""
    files, owner = {}, _runner_user()
    with contextlib.suppress(OSError):
        with os.scandir(SHM) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    status = entry.stat(follow_symlinks=False)
                    if status.st_uid == owner:
                        files[entry.path] = status.st_blocks * 512
    return files


def _remove_new_shm_files(before):
    """Remove the files a check's processes wrote in /dev/shm: they are memory, and nothing else frees it.
    (Files of the same user made meanwhile by another program go too: /dev/shm says not who made them.)"""
    for path in set(_shm_files()) - set(before):
        with contextlib.suppress(OSError):
            os.unlink(path)


# --- The judge: a fresh copy of the pristine process --------------------------------------------------

def _be_judge(number, exercise_id, name, code, pickled, replies, to_parent, go, shm_before, close):
    """Judge one request: the runner calls the function (or replies holds what it did in the kernel), we
    compare; then wait to be killed, so that the checking process finds the runner, and all it started,
    below us."""
    try:
        for fd in close:
            os.close(fd)  # the kernel's pipes: only the checking process talks to the kernel
        os.setsid()  # a process group of our own, which the runner shares: one kill stops both
        _die_with_parent()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if LINUX:
            _cap(_resource().RLIMIT_DATA, MEMORY_LIMIT)  # what we load from the runner is limited too
        if os.read(go, 1):  # the checking process has this check's key: the runner may start
            os.close(go)
            runner = _Replayed(replies) if pickled is None else Runner(pickled, to_parent, shm_before)
            verdict = _judgement(number, exercise_id, name, code, runner, lambda *m: _write(to_parent, pickle.dumps(m)))
            _write(to_parent, pickle.dumps(verdict))
        os.close(to_parent)
        time.sleep(STOP_LIMIT)
    finally:
        os._exit(0)


def _resource():
    import resource
    return resource


def _judgement(number, exercise_id, name, code, runner, tell):
    """("done", number, status, sentence, printed), or ("unreadable", number, why)."""
    from course_utils import checking

    loaded = runner.next_reply()
    if loaded[0] == "unreadable":
        return "unreadable", number, _text(loaded[1])
    stopped = []  # why the runner stopped early, when it did

    def call(text, fn, args):
        tell("calling", number, text)
        reply = runner.call(args)
        if reply[0] == "returned" and isinstance(reply[1], bytes):
            return _unpacked(reply[1], args)
        if reply[0] == "raised" and isinstance(reply[1], tuple) and len(reply[1]) == 4:
            raise _stand_in_exception(*reply[1])
        stopped.append((TOO_MUCH_MEMORY if reply[0] == "memory" else ENDED).format(text))
        raise _RunnerStopped

    status, sentence = checking._judge_safely(checking._find(exercise_id), _FunctionToRead(name, code), call)
    if stopped:
        status, sentence = "fail", stopped[0]
    if runner.skipped_breakpoints:
        sentence += BREAKPOINT_NOTE
    return "done", number, status, sentence, _shortened(runner.printed)


class _RunnerStopped(BaseException):
    """The runner has gone (or ran out of memory): judging stops here."""


class _FunctionToRead:
    """The learner's function as the judge sees it: its name and code, to read and never to run (the
    runner runs it). The judge looks for `...`, `print` and ruled-out shortcuts such as np.dot."""

    def __init__(self, name, code):
        self.__name__ = name
        if code is not None:
            self.__code__ = marshal.loads(code)


def _stand_in_exception(base, kind, text, name):
    """An exception like the one the learner's function raised in the runner: the same type name and
    message, and the same base for check's `except` clauses; made here, without the learner's class."""
    bases = {"NotImplementedError": NotImplementedError, "NameError": NameError, "Exception": Exception}
    problem = type(str(kind), (bases.get(base, BaseException),), {"__str__": lambda self: str(text)})()
    if isinstance(name, str):
        problem.name = name  # NameError's name: check says where the name lives
    return problem


class _Replayed:
    """What the learner's function did when run in the kernel (it could not come here), reply by reply,
    in the place of a runner."""

    printed, skipped_breakpoints = "", False

    def __init__(self, replies):
        self.replies = list(replies or [])

    def next_reply(self):
        return ("loaded",)

    def call(self, args):
        return self.replies.pop(0) if self.replies else ("ended",)


class Runner:
    """The process the learner's function runs in, forked by the judge. It sends ("loaded",) or
    ("unreadable", why), then one reply per call: ("returned", packed answer and arguments),
    ("raised", what), or ("memory",); ("ended",) here means it has gone."""

    def __init__(self, pickled, close, shm_before):
        calls_read, self.calls = os.pipe()
        self.replies, replies_written = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            for fd in (self.calls, self.replies, close):
                os.close(fd)  # the judge's ends, and its pipe to the checking process
            _be_runner(pickled, calls_read, replies_written)
        os.close(calls_read)
        os.close(replies_written)
        self.printed, self.skipped_breakpoints, self.over_memory = "", False, threading.Event()
        self.numbers = itertools.count()
        threading.Thread(target=self._watch_memory, args=(shm_before,), daemon=True).start()

    def call(self, args):
        import cloudpickle
        number = next(self.numbers)
        with contextlib.suppress(OSError):  # a runner that has gone says so in next_reply
            _write(self.calls, cloudpickle.dumps((number, args)))
        while (reply := self.next_reply())[0] not in ("ended", "memory") and reply[-1] != number:
            pass  # a reply to an earlier call: the learner's function forked, and its copy answered too
        return reply

    def next_reply(self):
        """The next reply, loaded as plain data, as (kind, detail, number)."""
        try:
            kind, detail, printed, skipped, number = _plain_loads(_read(self.replies))
            self.printed, self.skipped_breakpoints = _text(printed), bool(skipped)
        except Exception:  # gone, or sent something that is not a reply
            return ("memory",) if self.over_memory.is_set() else ("ended",)
        return kind, detail, number

    def _watch_memory(self, shm_before):
        """Kill the runner and all it started once they hold more than MEMORY_LIMIT together, counting the
        files they wrote in /dev/shm (Linux also caps each process: _limit_resources)."""
        import psutil
        with contextlib.suppress(psutil.Error):
            while _memory_used(self.pid, shm_before) < MEMORY_LIMIT:
                time.sleep(0.05)
            self.over_memory.set()
            for process in _check_processes(self.pid):
                with contextlib.suppress(psutil.Error):
                    process.kill()


def _check_processes(runner):
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


def _memory_used(runner, shm_before):
    """Bytes held by the check's processes (resident), and by the files they wrote in /dev/shm."""
    import psutil
    total = sum(max(size - shm_before.get(path, 0), 0) for path, size in _shm_files().items())
    for process in _check_processes(runner):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            total += process.memory_info().rss
    return total


# --- The runner: where the learner's function runs ----------------------------------------------------

def _be_runner(pickled, calls, replies):
    try:
        _become_unprivileged()
        _die_with_parent()  # after: a change of user clears it
        _limit_resources()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            _run_calls(pickled, calls, replies, printed)
    finally:
        os._exit(0)


def _become_unprivileged():
    """Run as root, become nobody, or else drop every power of root's (capabilities): then the runner
    cannot open the /proc files of the kernel, the checking process or the judge (none of them is
    dumpable), which a root process could whatever they do. Not root: become dumpable again, so that the
    kernel can find what the runner starts by its mark (/proc/PID/environ)."""
    nobody = _runner_user()
    if nobody != os.getuid():
        with contextlib.suppress(OSError):  # e.g. a container without the rights to: drop powers instead
            os.setgroups([])
            os.setgid(_group_of(nobody))
            os.setuid(nobody)
            return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        _drop_capabilities()
    else:
        _set_dumpable(True)


def _drop_capabilities():
    """Linux, as root: keep the user id, lose every capability, for good (nor can a program the function
    starts get them back: the bounding set is emptied, and no_new_privs set)."""
    if not LINUX:
        return
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(28, 0x3, 0, 0, 0)  # PR_SET_SECUREBITS: SECBIT_NOROOT, locked: uid 0 alone gives no powers
    for capability in range(64):
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    libc.capset(header, (ctypes.c_uint32 * 6)())  # effective, permitted, inheritable: none
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS


def _limit_resources():
    """Limits for the runner and every process it starts. CPU time: even a process that outlives the
    checking process (killed from outside) stops by itself. Memory, on Linux: allocations past
    MEMORY_LIMIT fail with MemoryError (RLIMIT_DATA, unlike RLIMIT_AS, leaves room for numpy's
    libraries); the judge also watches the memory of the runner and all it starts, added up."""
    resource = _resource()
    _cap(resource.RLIMIT_CPU, CPU_LIMIT)
    if LINUX:
        _cap(resource.RLIMIT_DATA, MEMORY_LIMIT)


def _cap(kind, limit):
    """Lower a resource limit to limit (never raise one the system has set lower)."""
    resource = _resource()
    hard = resource.getrlimit(kind)[1]
    limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(kind, (limit, limit))


def _run_calls(pickled, calls, replies, printed):
    def reply(kind, detail=None, number=None):
        _write(replies, pickle.dumps((kind, detail, printed.getvalue(), bool(_skipped_breakpoints), number)))

    try:
        fn = pickle.loads(pickled)
    except BaseException as problem:  # e.g. a module that only the kernel has
        return reply("unreadable", _text(exception_text(problem)))
    reply("loaded")
    limit, runner = sys.getrecursionlimit(), os.getpid()
    while (data := _read(calls)) is not None:
        number, args = pickle.loads(data)
        try:
            got = fn(*args)
        except MemoryError:
            return reply("memory", number=number)
        except BaseException as problem:  # SystemExit, KeyboardInterrupt...: check names them
            reply(*raised_reply(problem), number)
            continue
        finally:
            if os.getpid() != runner:
                os._exit(0)  # a copy made by os.fork() in the function: only the runner answers
            sys.setrecursionlimit(limit)  # one the function lowered must not stop the reply
        reply(*returned_reply(got, args), number)


# --- Windows: one request, judged here --------------------------------------------------------------

def _serve_once(requests, answers, checking):
    """Judge one request in this process, which then exits; the kernel has a spare ready for the next."""
    _send(answers, ("ready",))
    message = _read_plain(requests)
    if message is None or message[:1] != ("judge",) or len(message) != 7:
        return
    _, number, exercise_id, name, code, pickled, replies = message
    _send(answers, ("forked", number))
    key = _key(number, requests, collections.deque())
    threading.Thread(target=_exit_when_asked, args=(requests,), daemon=True).start()

    def tell(*message):
        _send(answers, message, key)

    if pickled is None:  # the function ran in the kernel: judge what it did
        tell(*_judgement(number, exercise_id, name, code, _Replayed(replies), tell))
        return tell("stopped", number)
    running = ["Your function"]
    threading.Thread(target=_exit_past_memory_limit, args=(tell, number, running), daemon=True).start()

    def call(text, fn, args):
        running[0] = text
        tell("calling", number, text)
        return fn(*args), args

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            fn = pickle.loads(pickled)
        except BaseException as problem:
            tell("unreadable", number, _text(exception_text(problem)))
            return tell("stopped", number)
        status, sentence = checking._judge_safely(checking._find(exercise_id), fn, call)
    sentence += BREAKPOINT_NOTE if _skipped_breakpoints else ""
    tell("done", number, _text(status), _text(sentence), _shortened(printed.getvalue()))
    _end_descendants()
    tell("stopped", number)


def _exit_when_asked(requests):
    """Once the kernel has gone, or asks to stop, end at once, even in the middle of an endless loop."""
    _read(requests)
    os._exit(0)


def _exit_past_memory_limit(tell, number, running):
    import psutil
    process = psutil.Process()
    while process.memory_info().rss < MEMORY_LIMIT:
        time.sleep(0.05)
    tell("done", number, "fail", TOO_MUCH_MEMORY.format(running[0]), "")
    _end_descendants()
    tell("stopped", number)
    os._exit(1)


def _shortened(text):
    if len(text) <= PRINTED_LIMIT:
        return text
    return text[:PRINTED_LIMIT] + f"\n… ({len(text) - PRINTED_LIMIT} more characters printed, not shown)\n"


if __name__ == "__main__":
    from course_utils import sandbox  # one module, course_utils.sandbox: the runner's answers name its classes
    sandbox.serve(once="--once" in sys.argv)
