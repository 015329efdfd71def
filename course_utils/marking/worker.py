"""The checking process, the judge and the runner: the separate processes where check runs and judges
a learner's function (sandbox.py, the kernel's side, tells how they keep each verdict about the function
it was given). Run as `python -m course_utils.marking.worker`; no module imports it, so it is loaded
once, as __main__."""
import builtins
import collections
import contextlib
import io
import itertools
import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings

from course_utils.marking import judgement, messages, plain, processes
from course_utils.marking.exercises import EXERCISES
from course_utils.marking.judging import exception_text

MEMORY_LIMIT_GB = 2  # ample for any test case, and leaves room on an 8 GB laptop
MEMORY_LIMIT = MEMORY_LIMIT_GB * 2 ** 30
CPU_LIMIT = 120  # seconds of CPU for a learner's function and all it starts: far past any time limit
PRINTED_LIMIT = 2000  # characters of the learner's printed text shown above the result
BREAKPOINT_NOTE = " breakpoint() is skipped inside check(): call your function yourself to debug it."
NO_INPUT = ("input() waits for someone to type, and check() cannot type: "
            "give your function its values as arguments")
TOO_MUCH_MEMORY = ("{} used more than " + str(MEMORY_LIMIT_GB) + " GB of memory, and was stopped. The test "
                   "cases are small: look for an array far bigger than its inputs, or a list that grows without end.")


# --- The checking process: pristine, it forks a judge for each request -------------------------------

def serve(once=False):
    """The checking process: answer each request that arrives on stdin, until stdin closes (the kernel
    has gone). With once (Windows), judge one request here and exit."""
    requests, answers = _protocol_pipes()
    _guard_against_learner_code()
    import cloudpickle, psutil  # noqa: E401, F401  (loaded once now, not in every check)
    if not once:
        import ctypes, resource  # noqa: E401, F401  (POSIX only: for the judge and the runner)
    _warm_up()
    if once:
        return _serve_once(requests, answers)
    processes.become_subreaper()
    processes.runner_user()  # worked out once, here
    processes.set_dumpable(False)  # a process of our user cannot open our pipes or memory through /proc
    signal.signal(signal.SIGTERM, lambda *_: sys.exit())  # stopped from outside: end the checks first
    messages.send(answers, ("ready",))
    waiting = collections.deque()  # requests that arrived during a check: none is ever dropped
    try:
        while (message := waiting.popleft() if waiting else messages.read_plain(requests)) is not None:
            if message[:1] == ("judge",) and len(message) == 7:
                _run_check(message[1], message[2:], requests, answers, waiting)
    finally:
        processes.end_descendants()


def _warm_up():
    """Judge each exercise's reference once, so that whatever judging loads on first use (numpy.random
    for the test cases, say) is loaded here, once, and not in every judge. Course code only."""
    for exercise in EXERCISES:
        judgement.judge_safely(exercise, exercise.reference,
                               lambda text, fn, args: plain.unpack(plain.pack(fn(*args), args), args))


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
    shm_before = processes.shm_files()
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
        messages.send(answers, ("forked", number))
        key = _key(number, requests, waiting)  # only now: the judge, and so its runner, never holds it
        if key is not None:
            os.write(go, b"g")
            _pass_on(number, key, from_judge, requests, waiting, answers)
    finally:
        os.close(from_judge)
        os.close(go)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(judge, signal.SIGKILL)  # its process group: the judge, the runner and what they started
        processes.end_descendants()  # and whatever left the group, found by ancestry
        processes.remove_new_shm_files(shm_before)
    messages.send(answers, ("stopped", number), key)


def _key(number, requests, waiting):
    """This check's key, from the kernel; None if the kernel asks to stop first."""
    while True:
        message = messages.read_plain(requests)
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
            message = messages.read_plain(requests)
            if message is None:
                raise SystemExit  # the kernel has gone
            if message[:2] == ("stop", number):
                return
            waiting.append(message)  # the next request: served after this one
        if from_judge in ready:
            data = messages.read(from_judge)
            if data is None:
                return
            message = _judge_message(data, number)
            if message is not None:
                messages.send(answers, message, key)


def _judge_message(data, number):
    """The judge's message, if it is plain data of the right form for this check; else None."""
    try:
        message = messages.plain_loads(data)
    except Exception:
        return None
    forms = {"calling": (str,), "done": (str, str, str), "unreadable": (str,)}
    kind = message[0] if isinstance(message, tuple) and message else None
    if kind not in forms or message[1:2] != (number,) or len(message) != len(forms[kind]) + 2:
        return None
    if not all(type(part) is form for part, form in zip(message[2:], forms[kind])):
        return None
    return message


# --- The judge: a fresh copy of the pristine process --------------------------------------------------

def _be_judge(number, exercise_id, name, code, pickled, replies, to_parent, go, shm_before, close):
    """Judge one request: the runner calls the function (or replies holds what it did in the kernel), we
    compare; then wait to be killed, so that the checking process finds the runner, and all it started,
    below us."""
    try:
        for fd in close:
            os.close(fd)  # the kernel's pipes: only the checking process talks to the kernel
        os.setsid()  # a process group of our own, which the runner shares: one kill stops both
        processes.die_with_parent()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if processes.LINUX:
            _cap(_resource().RLIMIT_DATA, MEMORY_LIMIT)  # what we load from the runner is limited too
        if os.read(go, 1):  # the checking process has this check's key: the runner may start
            os.close(go)
            runner = _Replayed(replies) if pickled is None else Runner(pickled, to_parent, shm_before)
            verdict = _judgement(number, exercise_id, name, code, runner,
                                 lambda *m: messages.write(to_parent, pickle.dumps(m)))
            messages.write(to_parent, pickle.dumps(verdict))
        os.close(to_parent)
        time.sleep(processes.STOP_LIMIT)
    finally:
        os._exit(0)


def _resource():
    import resource
    return resource


def _judgement(number, exercise_id, name, code, runner, tell):
    """("done", number, status, sentence, printed), or ("unreadable", number, why)."""
    loaded = runner.next_reply()
    if loaded[0] == "unreadable":
        return "unreadable", number, plain.exact_text(loaded[1])
    stopped = []  # why the runner stopped early, when it did

    def call(text, fn, args):
        tell("calling", number, text)
        reply = runner.call(args)
        if reply[0] == "returned" and isinstance(reply[1], bytes):
            return plain.unpack(reply[1], args)
        if reply[0] == "raised" and isinstance(reply[1], tuple) and len(reply[1]) == 4:
            raise _stand_in_exception(*reply[1])
        stopped.append((TOO_MUCH_MEMORY if reply[0] == "memory" else messages.ENDED).format(text))
        raise _RunnerStopped

    status, sentence = judgement.judge_safely(judgement.find(exercise_id), judgement.FunctionToRead(name, code), call)
    if stopped:
        status, sentence = "fail", stopped[0]
    if runner.skipped_breakpoints:
        sentence += BREAKPOINT_NOTE
    return "done", number, status, sentence, _shortened(runner.printed)


class _RunnerStopped(BaseException):
    """The runner has gone (or ran out of memory): judging stops here."""


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
        self.shm_before = shm_before
        threading.Thread(target=self._watch_memory, args=(shm_before,), daemon=True).start()

    def call(self, args):
        import cloudpickle
        number = next(self.numbers)
        with contextlib.suppress(OSError):  # a runner that has gone says so in next_reply
            messages.write(self.calls, cloudpickle.dumps((number, args)))
        while (reply := self.next_reply())[0] not in ("ended", "memory") and reply[-1] != number:
            pass  # a reply to an earlier call: the learner's function forked, and its copy answered too
        if reply[0] == "returned" and self._over_memory_now():
            return ("memory",)  # the watcher samples: on a busy machine a quick answer can come first
        return reply

    def _over_memory_now(self):
        import psutil
        try:
            over = processes.memory_used(self.pid, self.shm_before) >= MEMORY_LIMIT
        except psutil.Error:
            return False
        if over:
            self.over_memory.set()
            self._kill_all()
        return over

    def next_reply(self):
        """The next reply, loaded as plain data, as (kind, detail, number)."""
        try:
            kind, detail, printed, skipped, number = messages.plain_loads(messages.read(self.replies))
            self.printed, self.skipped_breakpoints = plain.exact_text(printed), bool(skipped)
        except Exception:  # gone, or sent something that is not a reply
            return ("memory",) if self.over_memory.is_set() else ("ended",)
        return kind, detail, number

    def _watch_memory(self, shm_before):
        """Kill the runner and all it started once they hold more than MEMORY_LIMIT together, counting the
        files they wrote in /dev/shm (Linux also caps each process: _limit_resources)."""
        import psutil
        with contextlib.suppress(psutil.Error):
            while processes.memory_used(self.pid, shm_before) < MEMORY_LIMIT:
                time.sleep(0.05)
            self.over_memory.set()
            self._kill_all()

    def _kill_all(self):
        import psutil
        for process in processes.check_processes(self.pid):
            with contextlib.suppress(psutil.Error):
                process.kill()


# --- The runner: where the learner's function runs ----------------------------------------------------

def _be_runner(pickled, calls, replies):
    try:
        _become_unprivileged()
        processes.die_with_parent()  # after: a change of user clears it
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
    nobody = processes.runner_user()
    if nobody != os.getuid():
        with contextlib.suppress(OSError):  # e.g. a container without the rights to: drop powers instead
            os.setgroups([])
            os.setgid(processes.group_of(nobody))
            os.setuid(nobody)
            return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        _drop_capabilities()
    else:
        processes.set_dumpable(True)


def _drop_capabilities():
    """Linux, as root: keep the user id, lose every capability, for good (nor can a program the function
    starts get them back: the bounding set is emptied, and no_new_privs set)."""
    if not processes.LINUX:
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
    if processes.LINUX:
        _cap(resource.RLIMIT_DATA, MEMORY_LIMIT)


def _cap(kind, limit):
    """Lower a resource limit to limit (never raise one the system has set lower)."""
    resource = _resource()
    hard = resource.getrlimit(kind)[1]
    limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(kind, (limit, limit))


def _run_calls(pickled, calls, replies, printed):
    def reply(kind, detail=None, number=None):
        messages.write(replies, pickle.dumps((kind, detail, printed.getvalue(), bool(_skipped_breakpoints), number)))

    try:
        fn = pickle.loads(pickled)
    except BaseException as problem:  # e.g. a module that only the kernel has
        return reply("unreadable", plain.exact_text(exception_text(problem)))
    reply("loaded")
    limit, runner = sys.getrecursionlimit(), os.getpid()
    while (data := messages.read(calls)) is not None:
        number, args = pickle.loads(data)
        try:
            got = fn(*args)
        except MemoryError:
            return reply("memory", number=number)
        except BaseException as problem:  # SystemExit, KeyboardInterrupt...: check names them
            reply(*plain.raised_reply(problem), number)
            continue
        finally:
            if os.getpid() != runner:
                os._exit(0)  # a copy made by os.fork() in the function: only the runner answers
            sys.setrecursionlimit(limit)  # one the function lowered must not stop the reply
        reply(*plain.returned_reply(got, args), number)


# --- Windows: one request, judged here --------------------------------------------------------------

def _serve_once(requests, answers):
    """Judge one request in this process, which then exits; the kernel has a spare ready for the next."""
    messages.send(answers, ("ready",))
    message = messages.read_plain(requests)
    if message is None or message[:1] != ("judge",) or len(message) != 7:
        return
    _, number, exercise_id, name, code, pickled, replies = message
    messages.send(answers, ("forked", number))
    key = _key(number, requests, collections.deque())
    threading.Thread(target=_exit_when_asked, args=(requests,), daemon=True).start()

    def tell(*message):
        messages.send(answers, message, key)

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
            tell("unreadable", number, plain.exact_text(exception_text(problem)))
            return tell("stopped", number)
        status, sentence = judgement.judge_safely(judgement.find(exercise_id), fn, call)
    sentence += BREAKPOINT_NOTE if _skipped_breakpoints else ""
    tell("done", number, plain.exact_text(status), plain.exact_text(sentence), _shortened(printed.getvalue()))
    processes.end_descendants()
    tell("stopped", number)


def _exit_when_asked(requests):
    """Once the kernel has gone, or asks to stop, end at once, even in the middle of an endless loop."""
    messages.read(requests)
    os._exit(0)


def _exit_past_memory_limit(tell, number, running):
    import psutil
    process = psutil.Process()
    while process.memory_info().rss < MEMORY_LIMIT:
        time.sleep(0.05)
    tell("done", number, "fail", TOO_MUCH_MEMORY.format(running[0]), "")
    processes.end_descendants()
    tell("stopped", number)
    os._exit(1)


def _shortened(text):
    if len(text) <= PRINTED_LIMIT:
        return text
    return text[:PRINTED_LIMIT] + f"\n… ({len(text) - PRINTED_LIMIT} more characters printed, not shown)\n"


if __name__ == "__main__":
    serve(once="--once" in sys.argv)
