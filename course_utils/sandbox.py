"""Run a learner's function in a separate Python process, with a time limit.

check() sends (exercise_id, fn) to one worker process, started at the first check and reused after
that, and waits for its answer. Whatever the function does there (loop forever inside a `try/except`
that catches everything, sleep, wait for input(), end the process, loop inside C code), the kernel
stops waiting after the time limit and kills the worker; the next check starts a new one. The worker
exits by itself when the kernel goes (its stdin closes), so none is left behind.

Messages are pickles, each preceded by its length. The worker sends ("ready",) once, then for each
request ("calling", "mse(...)") before each test case and finally ("done", status, sentence, printed).
"""
import atexit
import builtins
import contextlib
import io
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
import warnings

from course_utils.judging import did_not_finish, exception_text

COMMAND = [sys.executable, "-m", "course_utils.sandbox"]
STARTUP_LIMIT = 60.0  # seconds a new worker gets to import numpy and the course (not part of the time limit)
PRINTED_LIMIT = 2000  # characters of the learner's printed text shown above the result
BREAKPOINT_NOTE = " breakpoint() is skipped inside check(): call your function yourself to debug it."
NO_INPUT = ("input() waits for someone to type, and check() cannot type: "
            "give your function its values as arguments")

_worker = None  # the kernel's worker, started at the first check


class NoWorker(Exception):
    """The function cannot be judged in a worker: it cannot be sent there, or no worker starts. The
    message says why."""


# --- In the kernel ---------------------------------------------------------------------------------

class Worker:
    """One worker process, and a thread that puts each message it sends into a queue (so that waiting
    for one can time out on every operating system)."""

    def __init__(self):
        self.process = subprocess.Popen(
            COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, sys.path))),  # it imports what the kernel can
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        self.messages = queue.Queue()
        threading.Thread(target=self._read_until_it_ends, daemon=True).start()

    def _read_until_it_ends(self):
        _read_messages(self.process.stdout, self.messages)
        # Collect its exit status, whoever stopped it: a kernel shutting down waits for every child
        # process it can see, and one that ended but was never waited for still counts.
        self.process.wait()

    def send(self, data):
        _write(self.process.stdin, data)

    def next_message(self, timeout):
        """The next message, ("ended",) once the process has gone, or None if none came in time."""
        deadline = time.monotonic() + timeout
        while True:
            try:  # in short waits: an interrupt may reach another thread, and shows here between them
                return self.messages.get(timeout=min(max(deadline - time.monotonic(), 0), 0.1))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    return None

    def stop(self):
        self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):
            self.process.stdin.close()


def _read_messages(stream, messages):
    with stream:
        while (data := _read(stream)) is not None:
            try:
                messages.put(pickle.loads(data))
            except Exception:
                break  # not one of our messages: treat the worker as gone
    messages.put(("ended",))


def judge_in_worker(exercise_id, fn, time_limit):
    """(status, sentence, printed) for fn, judged in the worker; after time_limit seconds the worker
    is killed and the answer is that it did not finish. Raises NoWorker when fn cannot go there."""
    request = _request(exercise_id, fn)
    try:
        return _ask(_ready_worker(), request, time_limit)
    except OSError as problem:  # it could not start, or its pipe broke
        _stop_worker()
        raise NoWorker(f"the checking process could not be reached ({exception_text(problem)})") from None
    except BaseException:  # an interrupt, no "ready", a function it cannot load: start afresh next time
        _stop_worker()
        raise


def _request(exercise_id, fn):
    try:
        import cloudpickle  # here, so that `import course_utils` stays light
        return cloudpickle.dumps((exercise_id, fn))
    except Exception as problem:  # e.g. fn uses a widget, which cannot be copied to another process
        raise NoWorker(f"it could not be sent to a separate process: {exception_text(problem)}") from None


def _ready_worker():
    global _worker
    if _worker is None or _worker.process.poll() is not None:
        _stop_worker()
        _worker = Worker()
        if _worker.next_message(STARTUP_LIMIT) != ("ready",):
            raise NoWorker("the separate checking process did not start")
    return _worker


def _ask(worker, request, time_limit):
    worker.send(request)
    deadline = time.monotonic() + time_limit  # from now: the worker has already started
    running = "Your function"
    while True:
        message = worker.next_message(deadline - time.monotonic())
        if message is None:
            _stop_worker()
            return "fail", did_not_finish(running, time_limit), ""
        kind, *details = message
        if kind == "calling":
            running = details[0]
        elif kind == "done":
            return tuple(details)
        elif kind == "unreadable":
            raise NoWorker(f"the separate checking process could not load it: {details[0]}")
        elif kind == "ended":
            _stop_worker()
            return "fail", f"{running} ended the Python process it ran in (os._exit(), or a crash).", ""


@atexit.register  # and when the kernel exits
def _stop_worker():
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def run_in_thread(task, timeout):
    """task() in a daemon thread: its result, or None if it has not finished after timeout seconds.
    For a function that cannot go to a worker."""
    results = []
    thread = threading.Thread(target=lambda: results.append(task()), daemon=True)
    thread.start()
    thread.join(timeout)
    return results[0] if results else None


# --- In the worker ---------------------------------------------------------------------------------

_skipped_breakpoints = []


def serve():
    """The worker: judge each request that arrives on stdin, until stdin closes (the kernel has gone)."""
    requests, answers = _protocol_pipes()
    _guard_against_learner_code()
    import cloudpickle  # noqa: F401  (loaded now, so the first request does not wait for it)
    from course_utils import checking  # here: checking imports this module

    def tell(*message):
        _write(answers, pickle.dumps(message))

    incoming = queue.Queue()
    threading.Thread(target=_read_requests, args=(requests, incoming), daemon=True).start()
    tell("ready")
    while True:
        tell(*_answer(incoming.get(), checking, tell))


def _read_requests(stream, incoming):
    """Queue each request; once stdin closes (the kernel has gone), end the worker at once, even in the
    middle of a learner's endless loop."""
    while (request := _read(stream)) is not None:
        incoming.put(request)
    os._exit(0)


def _protocol_pipes():
    """The pipes to the kernel on new descriptors; 0 and 1 then lead nowhere, so nothing the learner's
    code reads or writes (print, C code, input) can mix with the messages."""
    requests, answers = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
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


def _skip_breakpoint(*args, **kwargs):
    _skipped_breakpoints.append(True)


def _answer(request, checking, tell):
    """The final message for one request: ("done", status, sentence, printed) or ("unreadable", why)."""
    def call(text, fn, args):
        tell("calling", text)
        return fn(*args)

    printed = io.StringIO()
    _skipped_breakpoints.clear()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            exercise_id, fn = pickle.loads(request)
        except BaseException as problem:  # e.g. a module that only the kernel has
            return "unreadable", exception_text(problem)
        status, sentence = checking._judge_safely(checking._find(exercise_id), fn, call)
    if _skipped_breakpoints:
        sentence += BREAKPOINT_NOTE
    return "done", status, sentence, _shortened(printed.getvalue())


def _shortened(text):
    if len(text) <= PRINTED_LIMIT:
        return text
    return text[:PRINTED_LIMIT] + f"\n… ({len(text) - PRINTED_LIMIT} more characters printed, not shown)\n"


# --- Both sides: length-prefixed messages ----------------------------------------------------------

def _write(stream, data):
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _read(stream):
    """The next message's bytes, or None once the other side has gone."""
    header = stream.read(8)
    if len(header) < 8:
        return None
    size, = struct.unpack(">Q", header)
    data = stream.read(size)
    return data if len(data) == size else None


if __name__ == "__main__":
    serve()
