"""Run a learner's function in separate processes, with a time limit and a memory limit, so that each
verdict is about the function it was given and nothing else. This module is the kernel's side;
the checking process, the judge and the runner are in worker.py (run as `python -m
course_utils.marking.worker`, and imported by nothing); the messages between them in messages.py,
the answers as plain data in plain.py, finding and stopping a check's processes in processes.py.

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
but without any of root's powers (capabilities), and the kernel too is made not dumpable. (The
gradebook starts each learner's checking process, a Checking of its own, as a throwaway account: there
the whole check runs as that account, which owns nothing and can signal no one else's process.) Every
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
import contextlib
import functools
import hmac
import marshal
import os
import pickle
import queue
import secrets
import subprocess
import sys
import threading
import time
import types

from course_utils.marking import messages, plain, processes
from course_utils.marking.judgement import FunctionToRead
from course_utils.marking.judging import did_not_finish, exception_text

COMMAND = [sys.executable, "-m", "course_utils.marking.worker"]
FORKS = hasattr(os, "fork")  # Linux and macOS; on Windows every check gets a fresh process instead
STARTUP_LIMIT = 60.0  # seconds a new checking process gets to import numpy and the course (not the time limit)
CONFIRM_LIMIT = 1.0  # seconds the kernel waits, past the time limit, for a check's processes to be stopped
BUSY = ("check was busy with a check from another thread for the whole time limit ({} seconds), so this "
        "function was not run. Check one function at a time.")
NOT_CONFIRMED = (" (check's own process did not answer either, as if something had stopped it: it was "
                 "replaced.)")
WAITED = " (It first waited {:.1f} seconds for a check from another thread.)"
# One thread for numpy's maths: the checking process must stay single-threaded to fork safely.
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS")}



class NoWorker(Exception):
    """The function cannot be judged in a separate process: no checking process starts. The message
    says why."""


class CannotRunThere(NoWorker):
    """The function cannot be sent to the checking process, or not loaded there: it can run in the
    kernel and be judged there all the same (judge_in_worker with replies). The message says why."""


class Worker:
    """The checking process, and a thread that puts each message it sends into a queue (so that waiting
    for one can time out on every operating system). Only messages signed with their request's key pass,
    besides ("ready",) and ("forked", n).
    The kernel's is started with its environment and its sys.path. The gradebook's (`environment` given)
    gets only that environment and Python's own path (-I), in `folder`, after `prefix` (a command that
    runs it as another account)."""

    def __init__(self, prefix=(), environment=None, folder=None):
        self.forks, self.ready, self.keys = FORKS, False, {}
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            processes.set_dumpable(False)  # a runner that stays root (without its powers) cannot open our /proc files
        self.token = secrets.token_hex(16)  # marks the environment of every process it starts
        if environment is None:
            command, environment = COMMAND, dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, sys.path)))
        else:
            command = [sys.executable, "-I", *COMMAND[1:]]
        self.process = subprocess.Popen(
            [*prefix, *command, *([] if self.forks else ["--once"])], cwd=folder,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=dict(environment, **ONE_THREAD, **{processes.MARK: self.token}),
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        self.messages = queue.Queue()
        threading.Thread(target=self._read_until_it_ends, daemon=True).start()

    def _read_until_it_ends(self):
        with self.process.stdout:
            while (data := messages.read(self.process.stdout.fileno())) is not None:
                message = self._verified(data)
                if message is not None:
                    self.messages.put(message)
        self.messages.put(("ended",))
        # Collect its exit status, whoever stopped it: a kernel shutting down waits for every child
        # process it can see, and one that ended but was never waited for still counts.
        self.process.wait()

    def _verified(self, data):
        """The message, if it is plain data and signed with its request's key; else None (dropped)."""
        signature, body = data[:len(messages.UNSIGNED)], data[len(messages.UNSIGNED):]
        try:
            message = messages.plain_loads(body)
            kind, number = message[0], (message[1:] or [None])[0]
        except Exception:
            return None
        if message == ("ready",) or (kind == "forked" and len(message) == 2):
            return message
        key = self.keys.get(number) if isinstance(number, int) else None
        if key is not None and hmac.compare_digest(signature, messages.signature(key, body)):
            return message
        # A check stopped before it got its key can only say that it stopped.
        return message if key is None and message == ("stopped", number) else None

    def send(self, *message):
        messages.write(self.process.stdin.fileno(), pickle.dumps(message))

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
            processes.kill_tree(self.process.pid)
            self.process.wait()
        if self.process.returncode != 0:  # it did not end its checks itself: find what they left
            processes.kill_marked(self.token)


def judge_in_worker(exercise_id, fn, time_limit, replies=None):
    """(status, sentence, printed) for fn, judged in separate processes; after time_limit seconds they
    are stopped and the answer is that it did not finish. Raises NoWorker when no checking process
    starts, CannotRunThere when fn cannot go there. With replies (what fn did, run in the kernel: see
    returned_reply and raised_reply), fn is not sent: a judge there takes these instead."""
    called = time.monotonic()
    return _checking.judge(_request(exercise_id, fn, replies), time_limit, called)


def judge_sent(exercise_id, name, code, pickled, time_limit, checking=None):
    """(status, sentence, printed) for a function another process prepared as check does (`name`, `code`
    marshalled, `pickled` by cloudpickle: see sent_function), judged in separate processes: the
    checking process of `checking` (a Checking), or the kernel's. For the gradebook: a learner's kernel
    hands back only these bytes, and nothing it ran can reach the judge. Raises NoWorker when no
    checking process starts, CannotRunThere when the bytes cannot be loaded."""
    name = plain.exact_text(name) if isinstance(name, str) else ""
    code = code if isinstance(code, bytes) else None
    return (checking or _checking).judge((exercise_id, name, code, pickled, None), time_limit, time.monotonic())


def sent_function(fn):
    """(name, marshalled code or None, cloudpickled fn) as check sends fn to its checking process; raises
    CannotRunThere when fn cannot be pickled. Run in a learner's kernel by the gradebook."""
    _, name, code, pickled, _ = _request("", fn, None)
    return name, code, pickled


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
    return plain.exact_text(name) if isinstance(name, str) else "", code if isinstance(code, types.CodeType) else None


def function_to_read(fn):
    """What the judge reads of fn (never runs): its name and the code that runs when it is called."""
    name, code = _name_and_code(fn)
    return FunctionToRead(name, None if code is None else marshal.dumps(code))


class Checking:
    """A checking process to judge with (started at the first check, kept, replaced when it breaks) and
    the lock that lets one check through at a time. The kernel has one, _checking; the gradebook makes
    one for each learner, started as an account of its own (`start`: Worker's keywords), and `after_stop`
    stops whatever of that account is left whenever a checking process is stopped or replaced."""

    def __init__(self, after_stop=None, **start):
        self.start, self.after_stop, self.worker, self.lock = start, after_stop, None, threading.Lock()

    def judge(self, request, time_limit, called):
        if not self.lock.acquire(timeout=time_limit):  # the wait counts: check returns in time
            return "fail", BUSY.format(f"{time_limit:g}"), ""
        try:
            waited = time.monotonic() - called
            return self.ask(self.ready_worker(), request, time_limit, waited)
        except OSError as problem:  # it could not start, or its pipe broke
            self.stop()
            raise NoWorker(f"the checking process could not be reached ({exception_text(problem)})") from None
        except NoWorker:  # the checking process is fine: it could not load this function
            raise
        except BaseException:  # an interrupt, say: start afresh next time
            self.stop()
            raise
        finally:
            self.lock.release()

    def ready_worker(self):
        if self.worker is None or self.worker.process.poll() is not None:
            self.stop()
            self.worker = Worker(**self.start)
        if not self.worker.ready:
            if self.worker.next_message(STARTUP_LIMIT) != ("ready",):
                self.stop()
                raise NoWorker("the separate checking process did not start")
            self.worker.ready = True
        return self.worker

    def ask(self, worker, request, time_limit, waited=0.0):
        """(status, sentence, printed) from the messages that carry this request's number, once the
        checking process says that every process of the check has ended."""
        number = secrets.randbits(62)  # which its answers carry; unguessable, so no request is made up for it
        worker.send("judge", number, *request)
        deadline = time.monotonic() + time_limit - waited  # from now: the checking process has already started
        running, answer, unreadable = "Your function", None, None
        while True:
            message = worker.next_message(deadline - time.monotonic())
            if message is None:
                confirmed = self.stop_check(worker, number)
                late = did_not_finish(running, time_limit) + (WAITED.format(waited) if waited > 0.1 else "")
                late += "" if confirmed else NOT_CONFIRMED
                return answer or ("fail", late, "")
            kind, *details = message
            if kind == "ended":
                self.stop()
                return "fail", messages.ENDED.format(running), ""
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
                    self.start_a_spare()
                if unreadable:
                    raise CannotRunThere(f"the separate checking process could not load it: {unreadable}")
                return answer or ("fail", "check could not judge the answer (its process ended).", "")

    def stop_check(self, worker, number):
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
        self.stop(at_once=True)
        return not worker.forks

    def start_a_spare(self):
        """Windows: each checking process judges once; the next one starts now, while the learner reads."""
        self.stop()
        self.worker = Worker(**self.start)

    def stop(self, at_once=False):
        if self.worker is not None:
            self.worker.stop(at_once)
            self.worker = None
            if self.after_stop:  # e.g. what a learner's function left running after killing its checking process
                self.after_stop()


_checking = Checking()  # the kernel's: its checking process starts at the first check
atexit.register(_checking.stop)  # and when the kernel exits


def run_in_thread(task, timeout):
    """task() in a daemon thread: its result, or None if it has not finished after timeout seconds.
    For a function that cannot go to a checking process."""
    results = []
    thread = threading.Thread(target=lambda: results.append(task()), daemon=True)
    thread.start()
    thread.join(timeout)
    return results[0] if results else None
