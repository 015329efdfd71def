"""Run a learner's function in separate processes, with a time limit and a memory limit, so that each
verdict is about the function it was given and nothing else.

On Linux and macOS three kinds of process take part:

- The kernel, where check() is called. It sends each request, numbered, to the checking process and
  takes only the answer with that number. A lock lets one check through at a time, so two threads never
  get each other's verdicts. After the time limit it asks for the check to be stopped.
- The checking process, started at the first check and then kept. It imports numpy and the course and
  never runs a learner's code, so it stays as it started: pristine. For each request it forks a judge,
  passes the judge's messages on, and once the judge has answered (or the kernel asks) it kills the
  judge's whole family: its process group and every process descended from it, even one that started
  a session of its own (on Linux orphans come back to the checking process, their "subreaper").
- The judge, a fresh copy of the pristine process, forks a runner. The runner loads the learner's
  function and calls it on each test case, with a memory limit, and sends back each answer and the
  arguments as the call left them; the judge compares them with the reference. Whatever the function
  does to its own process (replace np.allclose, lower the recursion limit, fork, start threads or
  processes), it does to the runner, which dies with the check; the judge and every later check start
  from the pristine copy.

Windows has no fork: there the checking process judges one request itself and exits, and the kernel
starts the next one ahead, as a spare. A function there can change how its own answer is judged but
never a later one; what it starts is stopped as far as psutil can find it; memory is watched, not capped.

What this does not promise: a learner who sets out to cheat can forge what the runner sends back (the
judge loads those pickles), or kill the checking process from outside. If the checking process itself
is killed outright, Linux ends its judge and runner with it, but a process the learner detached may live
on (for at most CPU_LIMIT seconds of CPU). A fork bomb is stopped only at the time limit. The course's
own files are trusted (the checking process imports them); it is the learner's function that is not.

Messages are pickles, each preceded by its length. The checking process sends ("ready",) once; for
request number n the kernel then gets ("calling", n, "mse(...)") before each test case, ("done", n,
status, sentence, printed) or ("unreadable", n, why), and ("stopped", n) once every process of that
check has ended.
"""
import atexit
import builtins
import contextlib
import io
import itertools
import marshal
import os
import pathlib
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import warnings

from course_utils.judging import describe, did_not_finish, exception_text

COMMAND = [sys.executable, "-m", "course_utils.sandbox"]
FORKS = hasattr(os, "fork")  # Linux and macOS; on Windows every check gets a fresh process instead
STARTUP_LIMIT = 60.0  # seconds a new checking process gets to import numpy and the course (not the time limit)
STOP_LIMIT = 5.0  # seconds the checking process gets to stop a check's processes
MEMORY_LIMIT_GB = 2  # ample for any test case, and leaves room on an 8 GB laptop
MEMORY_LIMIT = MEMORY_LIMIT_GB * 2 ** 30
CPU_LIMIT = 120  # seconds of CPU for a learner's function and all it starts: far past any time limit
PRINTED_LIMIT = 2000  # characters of the learner's printed text shown above the result
BREAKPOINT_NOTE = " breakpoint() is skipped inside check(): call your function yourself to debug it."
NO_INPUT = ("input() waits for someone to type, and check() cannot type: "
            "give your function its values as arguments")
ENDED = "{} ended the Python process it ran in (os._exit(), or a crash)."
TOO_MUCH_MEMORY = ("{} used more than " + str(MEMORY_LIMIT_GB) + " GB of memory, and was stopped. The test "
                   "cases are small: look for an array far bigger than its inputs, or a list that grows without end.")
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # on Windows os.kill ends a process whatever the signal
# One thread for numpy's maths: the checking process must stay single-threaded to fork safely.
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS")}

_worker = None  # the kernel's checking process, started at the first check
_one_at_a_time = threading.Lock()  # a check from a second thread waits for the first one's answer
_numbers = itertools.count(1)  # each request's number, which its answer carries


class NoWorker(Exception):
    """The function cannot be judged in a separate process: it cannot be sent there, or none starts.
    The message says why."""


# --- In the kernel ---------------------------------------------------------------------------------

class Worker:
    """The checking process, and a thread that puts each message it sends into a queue (so that waiting
    for one can time out on every operating system)."""

    def __init__(self):
        self.forks, self.ready = FORKS, False
        self.process = subprocess.Popen(
            COMMAND + ([] if self.forks else ["--once"]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, sys.path)), **ONE_THREAD),
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        self.messages = queue.Queue()
        threading.Thread(target=self._read_until_it_ends, daemon=True).start()

    def _read_until_it_ends(self):
        _read_messages(self.process.stdout, self.messages)
        # Collect its exit status, whoever stopped it: a kernel shutting down waits for every child
        # process it can see, and one that ended but was never waited for still counts.
        self.process.wait()

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

    def stop(self):
        """Close its stdin, which tells it to stop its checks' processes and exit; kill what remains."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=1 if self.forks else 0)
        except subprocess.TimeoutExpired:
            _kill_tree(self.process.pid)
            self.process.wait()


def _read_messages(stream, messages):
    with stream:
        while (data := _read(stream.fileno())) is not None:
            try:
                messages.put(pickle.loads(data))
            except Exception:
                break  # not one of our messages: treat the process as gone
    messages.put(("ended",))


def judge_in_worker(exercise_id, fn, time_limit):
    """(status, sentence, printed) for fn, judged in separate processes; after time_limit seconds they
    are stopped and the answer is that it did not finish. Raises NoWorker when fn cannot go there."""
    request = _request(exercise_id, fn)
    with _one_at_a_time:
        try:
            return _ask(_ready_worker(), request, time_limit)
        except OSError as problem:  # it could not start, or its pipe broke
            _stop_worker()
            raise NoWorker(f"the checking process could not be reached ({exception_text(problem)})") from None
        except NoWorker:  # the checking process is fine: it could not load this function
            raise
        except BaseException:  # an interrupt, say: start afresh next time
            _stop_worker()
            raise


def _request(exercise_id, fn):
    """What the checking process needs: the id, fn's name and code (to read), fn itself (to run)."""
    try:
        import cloudpickle  # here, so that `import course_utils` stays light
        pickled = cloudpickle.dumps(fn)
    except Exception as problem:  # e.g. fn uses a widget, which cannot be copied to another process
        raise NoWorker(f"it could not be sent to a separate process: {exception_text(problem)}") from None
    name, code = getattr(fn, "__name__", ""), getattr(fn, "__code__", None)
    try:
        code = None if code is None else marshal.dumps(code)  # marshal: the judge loads it without running it
    except ValueError:  # a __code__ that is not code
        code = None
    return exercise_id, name if isinstance(name, str) else "", code, pickled


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


def _ask(worker, request, time_limit):
    """(status, sentence, printed) from the messages that carry this request's number, once the
    checking process says that every process of the check has ended."""
    number = next(_numbers)
    worker.send("judge", number, *request)
    deadline = time.monotonic() + time_limit  # from now: the checking process has already started
    running, answer, unreadable = "Your function", None, None
    while True:
        message = worker.next_message(deadline - time.monotonic())
        if message is None:
            _stop_check(worker, number)
            return answer or ("fail", did_not_finish(running, time_limit), "")
        kind, *details = message
        if kind == "ended":
            _stop_worker()
            return "fail", ENDED.format(running), ""
        if not details or details[0] != number:
            continue  # not about this request: from one that was stopped, say
        if kind == "calling":
            running = details[1]
        elif kind == "done":
            answer = tuple(details[1:])
        elif kind == "unreadable":
            unreadable = details[1]
        elif kind == "stopped":  # every process of the check has ended
            if not worker.forks:
                _start_a_spare()
            if unreadable:
                raise NoWorker(f"the separate checking process could not load it: {unreadable}")
            return answer or ("fail", "check could not judge the answer (its process ended).", "")


def _stop_check(worker, number):
    """Ask the checking process to stop this check's processes; if it does not confirm, stop it whole."""
    if worker.forks:
        with contextlib.suppress(OSError):
            worker.send("stop", number)
        deadline = time.monotonic() + STOP_LIMIT
        while (message := worker.next_message(deadline - time.monotonic())) not in (None, ("ended",)):
            if message[:2] == ("stopped", number):
                return
    _stop_worker()


def _start_a_spare():
    """Windows: each checking process judges once; the next one starts now, while the learner reads."""
    global _worker
    _stop_worker()
    _worker = Worker()


@atexit.register  # and when the kernel exits
def _stop_worker():
    global _worker
    if _worker is not None:
        _worker.stop()
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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit())  # stopped from outside: end the checks first
    _write(answers, pickle.dumps(("ready",)))
    try:
        while (message := _read(requests)) is not None:
            kind, number, *request = pickle.loads(message)
            if kind == "judge":
                _run_check(number, request, requests, answers)
    finally:
        _end_descendants()


def _warm_up(checking):
    """Judge each exercise's reference once, so that whatever judging loads on first use (numpy.random
    for the test cases, say) is loaded here, once, and not in every judge. Course code only."""
    for exercise_id in checking.exercise_ids():
        exercise = checking._find(exercise_id)
        checking._judge_safely(exercise, exercise.reference, lambda text, fn, args: (fn(*args), args))


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


def _run_check(number, request, requests, answers):
    """Fork a judge for one request and pass its messages on, until it has answered or the kernel asks
    us to stop; then end every process of the check, and say so."""
    from_judge, to_us = os.pipe()
    judge = os.fork()
    if judge == 0:
        os.close(from_judge)
        _be_judge(number, *request, to_us, close=(requests, answers))
    os.close(to_us)
    try:
        _pass_on(number, from_judge, requests, answers)
    finally:
        os.close(from_judge)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(judge, signal.SIGKILL)  # its process group: the judge, the runner and what they started
        _end_descendants()  # and whatever left the group, found by ancestry
    _write(answers, pickle.dumps(("stopped", number)))


def _pass_on(number, from_judge, requests, answers):
    """Copy the judge's messages to the kernel as they are (we never load them: they may come from the
    learner's code), until the judge closes its end or the kernel asks to stop this check."""
    while True:
        ready, _, _ = select.select([from_judge, requests], [], [])
        if requests in ready:
            message = _read(requests)
            if message is None:
                raise SystemExit  # the kernel has gone
            if pickle.loads(message)[:2] == ("stop", number):
                return
        if from_judge in ready:
            message = _read(from_judge)
            if message is None:
                return
            _write(answers, message)


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
    if sys.platform.startswith("linux"):
        _orphans_come_to_us = _prctl(36, 1) == 0  # PR_SET_CHILD_SUBREAPER


def _die_with_parent():
    """Linux: this process is killed when its parent ends, however the parent ends."""
    if sys.platform.startswith("linux"):
        parent = os.getppid()
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it ended before we asked
            os._exit(1)


def _prctl(option, value):
    import ctypes
    return ctypes.CDLL(None).prctl(option, value, 0, 0, 0)


# --- The judge: a fresh copy of the pristine process --------------------------------------------------

def _be_judge(number, exercise_id, name, code, pickled, to_parent, close):
    """Judge one request: the runner calls the function, we compare; then wait to be killed, so that
    the checking process finds the runner, and all it started, below us."""
    try:
        for fd in close:
            os.close(fd)  # the kernel's pipes: only the checking process talks to the kernel
        os.setsid()  # a process group of our own, which the runner shares: one kill stops both
        _die_with_parent()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _write(to_parent, pickle.dumps(_judgement(number, exercise_id, name, code, pickled, to_parent)))
        os.close(to_parent)
        time.sleep(STOP_LIMIT)
    finally:
        os._exit(0)


def _judgement(number, exercise_id, name, code, pickled, to_parent):
    """("done", number, status, sentence, printed), or ("unreadable", number, why)."""
    from course_utils import checking

    def tell(*message):
        _write(to_parent, pickle.dumps(message))

    runner = Runner(pickled, close=to_parent)
    loaded = runner.next_reply()
    if loaded[0] == "unreadable":
        return "unreadable", number, loaded[1]
    stopped = []  # why the runner stopped early, when it did

    def call(text, fn, args):
        tell("calling", number, text)
        reply = runner.call(args)
        if reply[0] == "returned":
            return _unpacked(reply[1], args)
        if reply[0] == "raised":
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
    problem = type(kind, (bases.get(base, BaseException),), {"__str__": lambda self: text})()
    if name is not None:
        problem.name = name  # NameError's name: check says where the name lives
    return problem


class _Shown:
    """An answer that cannot be copied back to the judge, as its type's name and its description."""

    def __init__(self, kind, text):
        self.kind, self.text = kind, text

    def rebuilt(self):
        return type(self.kind, (), {"__repr__": lambda _: self.text})()


def _unpacked(packed, args):
    """(answer, the arguments as the call left them) from the runner's reply."""
    try:
        got, after = pickle.loads(packed)
    except Exception:  # say, a class that only the runner has
        return _Shown("object", "an answer that check could not read").rebuilt(), args
    return got.rebuilt() if isinstance(got, _Shown) else got, args if after is None else after


class Runner:
    """The process the learner's function runs in, forked by the judge. It sends ("loaded",) or
    ("unreadable", why), then one reply per call: ("returned", pickled answer and arguments),
    ("raised", what), or ("memory",); ("ended",) here means it has gone."""

    def __init__(self, pickled, close):
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
        threading.Thread(target=self._watch_memory, daemon=True).start()

    def call(self, args):
        import cloudpickle
        number = next(self.numbers)
        with contextlib.suppress(OSError):  # a runner that has gone says so in next_reply
            _write(self.calls, cloudpickle.dumps((number, args)))
        while (reply := self.next_reply())[0] not in ("ended", "memory") and reply[-1] != number:
            pass  # a reply to an earlier call: the learner's function forked, and its copy answered too
        return reply

    def next_reply(self):
        data = _read(self.replies)
        try:
            kind, detail, self.printed, self.skipped_breakpoints, number = pickle.loads(data)
        except Exception:  # gone, or sent something that is not a reply
            return ("memory",) if self.over_memory.is_set() else ("ended",)
        return kind, detail, number

    def _watch_memory(self):
        """Kill the runner once it holds more than MEMORY_LIMIT (Linux also caps it: _limit_resources)."""
        import psutil
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(self.pid)
            while process.memory_info().rss < MEMORY_LIMIT:
                time.sleep(0.05)
            self.over_memory.set()
            process.kill()


# --- The runner: where the learner's function runs ----------------------------------------------------

def _be_runner(pickled, calls, replies):
    try:
        _die_with_parent()
        _limit_resources()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            _run_calls(pickled, calls, replies, printed)
    finally:
        os._exit(0)


def _limit_resources():
    """Limits for the runner and every process it starts. CPU time: even a process that outlives the
    checking process (killed from outside) stops by itself. Memory, on Linux: allocations past
    MEMORY_LIMIT fail with MemoryError (RLIMIT_DATA, unlike RLIMIT_AS, leaves room for numpy's
    libraries); elsewhere the judge watches the runner's memory instead."""
    import resource
    _cap(resource.RLIMIT_CPU, CPU_LIMIT)
    if sys.platform.startswith("linux"):
        _cap(resource.RLIMIT_DATA, MEMORY_LIMIT)


def _cap(kind, limit):
    """Lower a resource limit to limit (never raise one the system has set lower)."""
    import resource
    hard = resource.getrlimit(kind)[1]
    limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(kind, (limit, limit))


def _run_calls(pickled, calls, replies, printed):
    import cloudpickle

    def reply(kind, detail=None, number=None):
        _write(replies, pickle.dumps((kind, detail, printed.getvalue(), bool(_skipped_breakpoints), number)))

    try:
        fn = pickle.loads(pickled)
    except BaseException as problem:  # e.g. a module that only the kernel has
        return reply("unreadable", exception_text(problem))
    reply("loaded")
    limit, runner = sys.getrecursionlimit(), os.getpid()
    while (data := _read(calls)) is not None:
        number, args = pickle.loads(data)
        try:
            got = fn(*args)
        except MemoryError:
            return reply("memory", number=number)
        except BaseException as problem:  # SystemExit, KeyboardInterrupt...: check names them
            reply("raised", _exception_summary(problem), number)
            continue
        finally:
            if os.getpid() != runner:
                os._exit(0)  # a copy made by os.fork() in the function: only the runner answers
            sys.setrecursionlimit(limit)  # one the function lowered must not stop the reply
        try:
            reply("returned", cloudpickle.dumps((got, args)), number)
        except Exception:  # an answer that cannot be copied, such as a generator
            shown = _Shown(type(got).__name__, describe(got))
            reply("returned", cloudpickle.dumps((shown, None)), number)


def _exception_summary(problem):
    """What the judge needs to make a stand-in for problem: its base, type name, message, and name."""
    base = next(kind for kind in (NotImplementedError, NameError, Exception, BaseException)
                if isinstance(problem, kind))
    kind = type(problem).__name__
    text = exception_text(problem)[len(kind) + 2:]
    name = getattr(problem, "name", None) if isinstance(problem, NameError) else None
    return base.__name__, kind, text, name if isinstance(name, str) else None


# --- Windows: one request, judged here --------------------------------------------------------------

def _serve_once(requests, answers, checking):
    """Judge one request in this process, which then exits; the kernel has a spare ready for the next."""
    _write(answers, pickle.dumps(("ready",)))
    message = _read(requests)
    if message is None:
        return
    _, number, exercise_id, _, _, pickled = pickle.loads(message)
    threading.Thread(target=_exit_when_asked, args=(requests,), daemon=True).start()

    def tell(*message):
        _write(answers, pickle.dumps(message))

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
            return tell("unreadable", number, exception_text(problem))
        status, sentence = checking._judge_safely(checking._find(exercise_id), fn, call)
    sentence += BREAKPOINT_NOTE if _skipped_breakpoints else ""
    tell("done", number, status, sentence, _shortened(printed.getvalue()))
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


# --- Everywhere: length-prefixed messages on file descriptors ---------------------------------------

def _write(fd, data):
    data = struct.pack(">Q", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _read(fd):
    """The next message's bytes, or None once the other side has gone."""
    header = _read_exactly(fd, 8)
    if header is None:
        return None
    size, = struct.unpack(">Q", header)
    return _read_exactly(fd, size)


def _read_exactly(fd, size):
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


if __name__ == "__main__":
    serve(once="--once" in sys.argv)
