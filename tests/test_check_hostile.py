"""check() never raises and always returns within a few seconds, whatever the learner's function does
(the cases are in hostile.py); every verdict is about the function it was given and nothing else: the
processes behind a check are stopped before it answers, and nothing a function does to the process it
runs in changes a later verdict (marking/sandbox.py explains how)."""
import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

import hostile
from course_utils import check, hint, losses, solution
from course_utils.marking import checking, messages, plain, processes, sandbox
from course_utils.marking.judging import CheckResult
from hostile import HOSTILE

ROOT = Path(__file__).resolve().parents[1]
MARGIN = 10  # seconds on top of the time limit: a loaded machine is slow, but not that slow


@pytest.fixture
def short_time_limit(monkeypatch):
    monkeypatch.setattr(checking, "TIME_LIMIT", 1.0)
    return 1.0


def timed_check(exercise_id, fn):
    start = time.monotonic()
    result = check(exercise_id, fn)
    return result, time.monotonic() - start


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_check_answers_every_hostile_function_in_time(case, short_time_limit):
    result, seconds = timed_check(case.exercise_id, case.fn)
    assert isinstance(result, CheckResult)
    assert seconds < short_time_limit + MARGIN
    assert result.passed is case.passes, result.message
    for text in case.says:
        assert text in result.message


def test_after_a_timeout_the_check_s_processes_are_killed_and_the_next_check_passes(short_time_limit):
    assert check("mse", losses.mse).passed
    worker = psutil.Process(sandbox._checking.worker.process.pid)
    assert "did not finish" in check("mse", HOSTILE[0].fn).message
    assert worker.children(recursive=True) == []  # killed and waited for: nothing is left burning CPU
    assert check("mse", losses.mse).passed  # by the same checking process
    assert sandbox._checking.worker.process.pid == worker.pid


def test_start_up_does_not_count_against_the_time_limit(monkeypatch):
    sandbox._checking.stop()
    slow_start = ("import time, runpy; time.sleep(2); "
                  "runpy.run_module('course_utils.marking.worker', run_name='__main__')")
    monkeypatch.setattr(sandbox, "COMMAND", [sys.executable, "-c", slow_start])
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.5)
    assert check("mse", losses.mse).passed
    sandbox._checking.stop()


def test_the_checking_process_loads_its_module_once_and_says_nothing_on_stderr():
    """python -m runs worker.py as __main__: were it imported too (by a module it imports), it would be
    loaded twice, a second copy with globals of its own (and, imported with its package, a RuntimeWarning
    on the stderr that the kernel drops)."""
    runs = ("import runpy, sys; sys.argv[1:] = ['--once']; "
            "runpy.run_module('course_utils.marking.worker', run_name='__main__', alter_sys=True); "
            "assert 'course_utils.marking.worker' not in sys.modules, 'imported a second time'")
    done = subprocess.run([sys.executable, "-W", "error", "-c", runs], input=b"", capture_output=True,
                          timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0 and done.stderr == b"", done.stderr[-2000:]


def test_the_worker_exits_when_the_kernel_goes():
    worker = sandbox.Worker()
    assert worker.next_message(60) == ("ready",)
    worker.process.stdin.close()  # what the operating system does when the kernel ends
    assert worker.process.wait(timeout=10) == 0


def test_what_the_function_prints_is_shown_above_the_result(capsys):
    def chatty(p, a):
        print("trying", len(p))
        return losses.mse(p, a)

    assert check("mse", chatty).message == "✓ mse: correct on all 3 test cases."
    assert capsys.readouterr().out == "trying 1\ntrying 4\ntrying 10\n"
    assert check("mse", lambda p, a: print("x" * 5000) or losses.mse(p, a)).passed
    assert "more characters printed, not shown" in capsys.readouterr().out
    check("mse", losses.mse)
    assert capsys.readouterr().out == ""  # a silent function: nothing extra


def test_a_function_that_cannot_be_sent_runs_here_and_is_judged_there():
    lock = threading.Lock()  # cannot be copied to another process

    def locked_mse(p, a):
        with lock:
            return losses.mse(p, a)

    assert check("mse", locked_mse).passed


def test_a_function_that_cannot_be_sent_and_never_ends_is_left_behind(short_time_limit):
    stop = threading.Event()  # cannot be sent; lets the test end the loop afterwards

    def stubborn(p, a):
        while not stop.is_set():
            try:
                while not stop.is_set():
                    pass
            except BaseException:  # swallows check's TimeUp too
                pass

    try:
        result, seconds = timed_check("mse", stubborn)
    finally:
        stop.set()
    assert seconds < short_time_limit + MARGIN
    assert not result.passed and "did not finish" in result.message
    assert "may still be running in the background" in result.message and "cannot pickle" in result.message


def test_a_function_the_worker_cannot_load_runs_here_and_is_judged_there(tmp_path, monkeypatch):
    assert check("mse", losses.mse).passed  # the worker starts before the module below exists
    (tmp_path / "learner_helpers.py").write_text("def mse(p, a):\n    return float(((p - a) ** 2).mean())\n")
    monkeypatch.syspath_prepend(tmp_path)
    from learner_helpers import mse  # sent by name, which the worker cannot import

    assert check("mse", mse).passed


def test_without_a_worker_check_still_works_in_this_process(monkeypatch, short_time_limit):
    sandbox._checking.stop()
    monkeypatch.setattr(sandbox, "COMMAND", [sys.executable, "-c", "pass"])  # a worker that never says ready
    assert check("mse", losses.mse).passed

    def endless(p, a):
        while True:
            pass

    result, seconds = timed_check("mse", endless)
    assert seconds < short_time_limit + MARGIN and "did not finish" in result.message


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to this process, as Jupyter's interrupt does")
def test_an_interrupt_stops_the_check_and_the_worker(monkeypatch):
    monkeypatch.setattr(checking, "TIME_LIMIT", 30.0)
    assert check("mse", losses.mse).passed
    worker = sandbox._checking.worker.process
    # As in a kernel, SIGINT raises KeyboardInterrupt (earlier tests' libraries may have set another handler).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        result, seconds = timed_check("mse", HOSTILE[0].fn)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert not result.passed and "check stopped" in result.message and seconds < 10
    assert worker.poll() is not None


def test_a_failure_inside_check_itself_is_an_answer(monkeypatch):
    def broken(exercise, fn):
        raise RuntimeError("a bug in check")

    monkeypatch.setattr(checking, "_verdict", broken)
    result = check("mse", losses.mse)
    assert not result.passed and "check itself failed (RuntimeError: a bug in check)" in result.message


def test_check_without_a_function_says_what_to_pass():
    assert "pass your function itself, as in check('mse', mse)" in check("mse").message


@pytest.mark.parametrize("wrong_id", ["nope", ["mse"], None])
def test_hint_and_solution_answer_a_wrong_id(wrong_id):
    for answer in (hint(wrong_id), solution(wrong_id)):
        assert "There is no exercise" in answer.markdown and "mse" in answer.markdown


def test_a_worker_stopped_from_outside_is_waited_for():
    """A kernel shutting down stops its child processes and waits until none is left; one that ended
    but was never waited for still counts, and kept every notebook's kernel 2.3 s longer."""
    assert check("mse", losses.mse).passed  # the worker is running
    process = sandbox._checking.worker.process
    process.terminate()  # what the kernel does to its children when it shuts down
    deadline = time.monotonic() + 30
    while process.returncode is None and time.monotonic() < deadline:
        time.sleep(0.05)  # nothing here calls wait(): the course's own thread must
    assert process.returncode is not None
    assert check("mse", losses.mse).passed  # and the next check starts a new worker


# --- A verdict is about the function it was given and nothing else -----------------------------------

def constant(p, a):
    return 0.0


def test_a_stale_answer_waiting_for_the_kernel_is_dropped():
    assert check("mse", losses.mse).passed  # the worker is running
    sandbox._checking.worker.messages.put(("done", 0, "pass", "correct on all 3 test cases.", ""))  # answers no request
    result = check("mse", constant)
    assert not result.passed and "but it should be" in result.message, result.message


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")
def test_a_function_that_forks_leaves_later_verdicts_alone():
    assert check("mse", hostile.forks).passed  # a right answer, whatever else it does
    for _ in range(3):
        assert not check("mse", constant).passed
        assert check("mse", losses.mse).passed


def test_two_threads_checking_at_once_each_get_their_own_verdicts():
    verdicts = {True: [], False: []}

    def keep_checking(fn, right):
        for _ in range(30):
            verdicts[right].append(check("mse", fn).passed)

    threads = [threading.Thread(target=keep_checking, args=(losses.mse, True)),
               threading.Thread(target=keep_checking, args=(constant, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verdicts == {True: [True] * 30, False: [False] * 30}


@pytest.mark.parametrize("tamper", [hostile.replaces_numpy_comparisons, hostile.replaces_isinstance,
                                    hostile.lowers_the_recursion_limit], ids=lambda fn: fn.__name__)
def test_what_a_function_changes_in_its_process_changes_no_verdict(tamper):
    first = check("mse", tamper)
    assert first.passed is (tamper is hostile.lowers_the_recursion_limit), first.message  # judged as written
    assert "could not judge" not in first.message
    for _ in range(2):
        wrong = check("mse", constant)
        assert not wrong.passed and "but it should be" in wrong.message, wrong.message
        right = check("mse", losses.mse)
        assert right.passed, right.message


def _running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _still_ticking(path):
    size = os.path.getsize(path)
    time.sleep(0.3)
    return os.path.getsize(path) != size


@pytest.mark.skipif(os.name != "posix", reason="Windows stops what it can find, with weaker promises")
@pytest.mark.parametrize("then_loop", [False, True], ids=["after an answer", "after a timeout"])
def test_threads_and_processes_a_function_starts_end_with_its_check(tmp_path, then_loop, monkeypatch):
    monkeypatch.setattr(checking, "TIME_LIMIT", 5.0)  # time to start three Pythons on a busy machine
    record = str(tmp_path / "pids")
    result = check("mse", hostile.leaves_things_running(record, then_loop))
    assert result.passed is not then_loop, result.message
    pids = [int(pid) for pid in Path(record).read_text().split()]
    assert len(pids) == 2  # a child in a session of its own, and an orphaned grandchild
    assert not _still_ticking(record + ".tick")
    assert not [pid for pid in pids if _running(pid)]
    assert check("mse", losses.mse).passed


def test_numpy_works_under_the_memory_limit():
    def uses_128_mb_and_blas(p, a):
        big = np.ones((2 ** 12, 2 ** 12))  # 128 MB, every page touched
        return losses.mse(p, a) + float((big @ big[:, :1])[0, 0]) - 2 ** 12

    result = check("mse", uses_128_mb_and_blas)
    assert result.passed, result.message


def test_the_checking_process_has_one_thread_so_that_it_can_fork_safely():
    assert check("mse", losses.mse).passed
    assert psutil.Process(sandbox._checking.worker.process.pid).num_threads() == 1


def test_without_fork_each_check_gets_a_fresh_process(monkeypatch, short_time_limit):
    """Windows' way (no os.fork): one process per check, the next started ahead; tried here on POSIX."""
    sandbox._checking.stop()
    monkeypatch.setattr(sandbox, "FORKS", False)
    try:
        assert check("mse", losses.mse).passed
        spare = sandbox._checking.worker.process.pid  # started ahead, for the next check
        check("mse", hostile.replaces_numpy_comparisons)  # it may fool its own verdict here, never a later one
        assert sandbox._checking.worker.process.pid != spare
        assert not check("mse", constant).passed
        assert check("mse", losses.mse).passed
        assert "did not finish" in check("mse", HOSTILE[0].fn).message
        assert check("mse", losses.mse).passed
    finally:
        sandbox._checking.stop()


@pytest.mark.skipif(os.name != "posix", reason="Windows stops what it can find, with weaker promises")
def test_what_a_function_starts_ends_when_the_checking_process_is_stopped_from_outside(tmp_path, monkeypatch):
    """As when a kernel shuts down: its children get SIGTERM, and the checking process ends its checks."""
    monkeypatch.setattr(checking, "TIME_LIMIT", 30.0)
    assert check("mse", losses.mse).passed
    worker, record = sandbox._checking.worker.process, str(tmp_path / "pids")
    results = []
    checking_thread = threading.Thread(
        target=lambda: results.append(check("mse", hostile.leaves_things_running(record, then_loop=True))))
    checking_thread.start()
    deadline = time.monotonic() + 20
    while not (os.path.exists(record) and len(Path(record).read_text().split()) == 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.terminate()
    checking_thread.join(20)
    assert results and not results[0].passed
    pids = [int(pid) for pid in Path(record).read_text().split()]
    assert len(pids) == 2 and not [pid for pid in pids if _running(pid)]
    assert not _still_ticking(record + ".tick")
    assert check("mse", losses.mse).passed


# --- Attacks on the promise, each in a kernel of its own ----------------------------------------------
# Each is a learner's notebook (run as __main__ in a fresh Python, as in a kernel) that tries to break one
# of check's promises; the test asserts the promise. (Found by a hostile tester of the rebuilt check.)

def in_a_fresh_kernel(*parts, timeout=90):
    """Run code as a learner's kernel would (__main__, course_utils from this copy); the last line it
    prints must be JSON, which is returned."""
    prelude = ("import os, sys, time, json, signal, pickle, struct\nimport numpy as np\n"
               "from course_utils import check, losses\nfrom course_utils.marking import checking, sandbox\n")
    done = subprocess.run([sys.executable, "-c", prelude + "".join(textwrap.dedent(part) for part in parts)],
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# 1. A wrong answer whose pickle runs code in the judge (pickle.loads in plain.unpack): it
#    replaces the judge's comparison and passes.
def test_an_answer_unpickled_in_the_judge_cannot_make_a_wrong_function_pass():
    out = in_a_fresh_kernel("""
        class Answer:
            def __reduce__(self):
                return (eval, ("(setattr(__import__('course_utils.marking.judging', fromlist=['x']), "
                               "'difference', lambda *a, **k: None), "
                               "setattr(__import__('course_utils.marking.judgement', fromlist=['x']), "
                               "'difference', lambda *a, **k: None), 0.0)[-1]",))
        def mse(p, a):
            return Answer()          # wrong: not the mean squared error
        r = check("mse", mse)
        print(json.dumps([r.passed, r.message]))
    """)
    assert out[0] is False, out[1]


# 2. The runner opens the checking process's pipe to the kernel through /proc/<pid>/fd and writes
#    ("done", n, "pass", ...) and ("stopped", n) itself; n is read from the judge's frame (the runner is
#    a fork of the judge). No pickle trick: just the protocol. A wrong function passes.
FORGE = """
    def mse(p, a):
        frame = sys._getframe()
        while "number" not in frame.f_locals:  # the judge's, copied into the runner by fork
            frame = frame.f_back
        number = frame.f_locals["number"]
        judge = os.getppid()
        worker = int(open(f"/proc/{judge}/stat").read().rsplit(")", 1)[1].split()[1])
        for fd in os.listdir(f"/proc/{worker}/fd"):
            flags = int(open(f"/proc/{worker}/fdinfo/{fd}").read().split("flags:")[1].split()[0], 8)
            if os.readlink(f"/proc/{worker}/fd/{fd}").startswith("pipe:") and flags & 3 == os.O_WRONLY:
                out = os.open(f"/proc/{worker}/fd/{fd}", os.O_WRONLY)
                for message in (("done", number, "pass", "correct on all 3 test cases.", ""), ("stopped", number)):
                    data = pickle.dumps(message)
                    os.write(out, struct.pack(">Q", len(data)) + data)
        time.sleep(2)
        return 42.0   # wrong
"""


def test_the_runner_cannot_forge_the_kernel_s_answer_through_proc():
    out = in_a_fresh_kernel(FORGE, """
        r = check("mse", mse)
        print(json.dumps([r.passed, r.message]))
    """)
    assert out[0] is False, out[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_function_cannot_open_the_pipes_of_its_judge_the_checking_process_or_the_kernel():
    out = in_a_fresh_kernel("""
        def mse(p, a):
            opened = []
            judge = os.getppid()
            worker = int(open(f"/proc/{judge}/stat").read().rsplit(")", 1)[1].split()[1])
            kernel = int(open(f"/proc/{worker}/stat").read().rsplit(")", 1)[1].split()[1])
            for pid in (judge, worker, kernel):
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    for mode in (os.O_WRONLY, os.O_RDONLY):
                        try:
                            os.close(os.open(f"/proc/{pid}/fd/{fd}", mode))
                            opened.append(f"{pid}/fd/{fd}")
                        except OSError:
                            pass
                try:
                    open(f"/proc/{pid}/mem", "rb").close()
                    opened.append(f"{pid}/mem")
                except OSError:
                    pass
            return str(opened)
        r = check("mse", mse)
        print(json.dumps(r.message))
    """)
    assert "is '[]'" in out, out


# 3. Same forgery, seen from the next check: the kernel went on while the checking process was still
#    busy with the old check, and _pass_on threw the next ("judge", n+1, ...) request away. A right
#    function then "did not finish within 3 seconds", after 8 s.
def test_after_a_forged_answer_the_next_right_function_still_passes_in_time():
    out = in_a_fresh_kernel(FORGE, """
        check("mse", mse)
        t = time.monotonic()
        r = check("mse", losses.mse)
        print(json.dumps([r.passed, r.message, time.monotonic() - t]))
    """)
    assert out[0] is True, out[1]
    assert out[2] < 4.0, f"took {out[2]:.1f} s"


# 4. Code run in the judge (as in 1) writes a pickle to every pipe it has; the checking process passes
#    it to the kernel as it is, and the kernel's reader thread pickle.loads it: code in the kernel, which
#    here makes every LATER check pass (in the gradebook: every later learner).
JUDGE_PAYLOAD = r'''
PAYLOAD = r"""
import os, struct
code = "import course_utils.marking.checking as c\nc._verdict = lambda e, f: ('pass', 'forged', '')\n"
inner = b"cbuiltins\nexec\n(V" + code.replace("\n", "\\u000a").encode() + b"\ntR."
for fd in os.listdir('/proc/self/fd'):
    try:
        if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'):
            os.write(int(fd), struct.pack('>Q', len(inner)) + inner)
    except OSError:
        pass
"""
'''


def test_code_in_the_judge_cannot_reach_the_kernel_and_forge_later_verdicts():
    out = in_a_fresh_kernel(JUDGE_PAYLOAD, """
        class Answer:
            def __reduce__(self):
                return (exec, (PAYLOAD,))
        def mse(p, a):
            return Answer()
        check("mse", mse)
        time.sleep(0.5)
        r = check("mse", lambda p, a: 12345.0)   # a different, wrong function, checked later
        print(json.dumps([r.passed, r.message]))
    """)
    assert out[0] is False, out[1]


# 5. A function that starts a detached grandchild (setsid + double fork) and then SIGKILLs the
#    checking process: check returns, the grandchild lives on (sleeping uses no CPU, so CPU_LIMIT never
#    ends it either).
def test_a_detached_process_does_not_outlive_check_when_the_checking_process_is_killed():
    out = in_a_fresh_kernel("""
        import psutil, tempfile
        mark = tempfile.mktemp(prefix="attack-detached-")
        def mse(p, a):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    open(mark, "w").write(str(os.getpid()))
                    time.sleep(30)
                os._exit(0)
            time.sleep(0.3)
            os.kill(psutil.Process(os.getppid()).ppid(), signal.SIGKILL)   # the checking process
            return 0.0
        check("mse", mse)
        time.sleep(1)
        pid = int(open(mark).read())
        alive = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        if alive:
            os.kill(pid, signal.SIGKILL)   # clean up what check left
        os.remove(mark)
        print(json.dumps(alive))
    """)
    assert out is False, "a process the function started was still running after check returned"


# 6. The 2 GB memory limit is per process (RLIMIT_DATA, and the judge watches only the runner's RSS):
#    three processes of 1.2 GB each (3.6 GB in all) and a right answer pass. 20 children would take 38 GB.
#    (The time limit is raised only because this shared machine is slow to fill 3.6 GB.)
def test_the_memory_limit_covers_the_processes_a_function_starts():
    out = in_a_fresh_kernel("""
        checking.TIME_LIMIT = 15
        def mse(p, a):
            if not os.environ.get("BIG_DONE"):
                os.environ["BIG_DONE"] = "1"
                kids = []
                for _ in range(2):
                    pid = os.fork()
                    if pid == 0:
                        x = np.ones(1_200_000_000 // 8)   # 1.2 GB, touched
                        time.sleep(0.3)
                        os._exit(0)
                    kids.append(pid)
                x = np.ones(1_200_000_000 // 8)
                for kid in kids:
                    os.waitpid(kid, 0)
            return float(np.mean((p - a) ** 2))
        r = check("mse", mse)
        print(json.dumps([r.passed, r.message]))
    """)
    assert out[0] is False and "memory" in out[1], out[1]


# 7. Memory that no limit counts and nothing frees: a file in /dev/shm (RAM) stays after check.
def test_ram_a_function_fills_in_dev_shm_does_not_outlive_check():
    out = in_a_fresh_kernel("""
        checking.TIME_LIMIT = 15
        path = "/dev/shm/attack-check-big"
        def mse(p, a):
            with open(path, "wb") as f:
                for _ in range(22):
                    f.write(b"x" * 100_000_000)   # 2.2 GB of RAM, past the 2 GB limit
            return float(np.mean((p - a) ** 2))
        r = check("mse", mse)
        left = os.path.getsize(path) if os.path.exists(path) else 0
        if os.path.exists(path):
            os.remove(path)
        print(json.dumps([r.passed, r.message, left]))
    """)
    assert out[2] == 0 and not out[0], f"{out[2]} bytes left in /dev/shm; verdict: {out[1]}"


# The same in a folder of /dev/shm: its files count, and the folder goes.
def test_ram_a_function_fills_in_a_folder_of_dev_shm_is_counted_and_freed():
    out = in_a_fresh_kernel("""
        import shutil
        folder = "/dev/shm/attack-check-folder"
        def mse(p, a):
            os.makedirs(folder, exist_ok=True)
            handle = os.open(folder + "/big", os.O_CREAT | os.O_WRONLY, 0o600)
            os.posix_fallocate(handle, 0, 3 * 2**30)   # 3 GB of RAM, past the 2 GB limit
            os.close(handle)
            return float(np.mean((p - a) ** 2))
        r = check("mse", mse)
        left = os.path.exists(folder)
        shutil.rmtree(folder, ignore_errors=True)
        print(json.dumps([r.passed, r.message, left]))
    """)
    assert not out[0] and "memory" in out[1] and not out[2], out


# A second check running meanwhile, or the kernel's own thread, may have new files in /dev/shm of the
# same user while a check ends: the sweep leaves those some process still holds (open, or only mapped).
@pytest.mark.skipif(not processes.LINUX, reason="/proc tells who holds a file only on Linux")
def test_the_sweep_of_dev_shm_leaves_files_another_process_holds(tmp_path):
    import mmap
    before = processes.shm_files()
    base = f"/dev/shm/course-sweep-{os.getpid()}"
    held, mapped_folder, loose = f"{base}-held", f"{base}-folder", f"{base}-loose"
    os.mkdir(mapped_folder)
    for path in (held, f"{mapped_folder}/inside", loose):
        Path(path).write_bytes(b"x" * 4096)
    for path in (held, mapped_folder, f"{mapped_folder}/inside", loose):
        os.chown(path, processes.runner_user(), -1)  # the runner's, as a check's file would be
    handle = open(held, "rb")  # held open
    with open(f"{mapped_folder}/inside", "r+b") as inside:
        mapping = mmap.mmap(inside.fileno(), 4096)  # held only as a mapping once the file is closed
    try:
        processes.remove_new_shm_files(before)
        assert os.path.exists(held) and os.path.exists(f"{mapped_folder}/inside") and not os.path.exists(loose)
    finally:
        handle.close()
        mapping.close()
        for path in (held, f"{mapped_folder}/inside", loose):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        os.rmdir(mapped_folder)
    processes.remove_new_shm_files(before)  # nothing held now: nothing of them is left to find
    assert not any(path.startswith(base) for path in processes.shm_files())


# 8. A function that SIGSTOPs the checking process (and its judge): check waits TIME_LIMIT, then
#    STOP_LIMIT for a "stopped" that never comes, then 1 s more: about 9 s, not "a few seconds", and it
#    says the function "did not finish within 3 seconds" although it returned at once.
def test_stopping_the_checking_process_does_not_make_check_wait_three_times_the_limit():
    out = in_a_fresh_kernel("""
        import psutil
        def mse(p, a):
            judge = os.getppid()
            os.kill(psutil.Process(judge).ppid(), signal.SIGSTOP)
            os.kill(judge, signal.SIGSTOP)
            return 0.0
        t = time.monotonic()
        r = check("mse", mse)
        seconds = time.monotonic() - t
        t = time.monotonic()
        after = check("mse", losses.mse)
        print(json.dumps([r.passed, seconds, after.passed]))
    """)
    assert out[0] is False and out[2] is True
    assert out[1] < 3.0 + 3, f"check took {out[1]:.1f} s"


# 9. A function whose pickle loads in the kernel but not in the runner is judged IN THE KERNEL (the
#    NoWorker fallback), where it can rewrite the judge: a wrong function passes, and every later
#    fallback judgement in this kernel stays rewritten.
def test_a_function_that_will_not_load_in_the_runner_cannot_rewrite_its_judge():
    out = in_a_fresh_kernel("""
        KERNEL_PID = os.getpid()
        def _load_only_in_the_kernel():
            import os
            if os.getpid() != KERNEL_PID:
                raise ImportError("not here")
        class OnlyInTheKernel:
            def __reduce__(self):
                return (_load_only_in_the_kernel, ())
        marker = OnlyInTheKernel()
        def mse(p, a):
            marker
            import course_utils.marking.judging as j, course_utils.marking.judgement as c
            c.difference = j.difference = lambda *args, **kw: None
            return 42.0
        r = check("mse", mse)
        print(json.dumps([r.passed, r.message]))
    """)
    assert out[0] is False, out[1]


# 10. "dot" rules out np.dot by reading names in the code: the code read must be the code that runs. A
#     callable object whose __code__ is a plain loop and whose __call__ uses np.dot is caught. (A name
#     built at run time, getattr(np, "d" + "ot"), is not: the rule is a nudge, not a proctor; see
#     judgement._shortcut_used.)
def test_the_plain_loop_rule_reads_the_code_that_runs():
    out = in_a_fresh_kernel("""
        def _a_loop(a, b):
            total = 0.0
            for x, y in zip(a, b):
                total += x * y
            return total
        class Dot:
            __name__ = "dot"
            __code__ = _a_loop.__code__      # what an old judge read
            def __call__(self, a, b):        # what runs
                return np.dot(a, b)
        class Loop:
            def __call__(self, a, b):
                return _a_loop(a, b)
        print(json.dumps([check("dot", Dot()).passed, check("dot", Loop()).passed, check("dot", _a_loop).passed]))
    """)
    assert out == [False, True, True], out


# 11. One check at a time (a lock): two threads whose functions never finish; the second thread's
#     check returns after two time limits, four threads after 12 s.
def test_a_check_from_a_second_thread_returns_within_a_few_seconds():
    out = in_a_fresh_kernel("""
        import threading
        def mse(p, a):
            time.sleep(10)
        seconds = []
        def go():
            t = time.monotonic()
            check("mse", mse)
            seconds.append(time.monotonic() - t)
        threads = [threading.Thread(target=go) for _ in range(2)]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
        print(json.dumps(max(seconds)))
    """)
    assert out < 3.0 + 2, f"the second thread's check took {out:.1f} s"


# --- What the kernel and the judge load ------------------------------------------------------------------

class _RunsCodeWhenLoaded:
    def __reduce__(self):
        return exec, ("import course_utils.marking.sandbox as s; s.LOADED_CODE_RAN = True",)


def test_the_judge_loads_no_class_or_function_of_the_learner_s():
    got, _ = plain.unpack(pickle.dumps((_RunsCodeWhenLoaded(), None)), ())
    assert not hasattr(sandbox, "LOADED_CODE_RAN")
    assert "an object check cannot read" in repr(got)
    got, after = plain.unpack(plain.pack(np.float64(2.5), (np.arange(3.0), {"w": 1j})), ())
    assert got == 2.5 and after[0].tolist() == [0.0, 1.0, 2.0] and after[1] == {"w": 1j}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="writes into the pipe through /proc")
def test_the_kernel_takes_only_signed_plain_messages(monkeypatch):
    """What a runner could write into the kernel's pipe from the checking process, were it able to open it
    (a kernel not run as root can be opened by its user's processes): an answer of its own, unsigned,
    and a pickle that runs code when loaded. Neither counts; the check goes on to its own verdict."""
    monkeypatch.setattr(checking, "TIME_LIMIT", 5.0)
    assert check("mse", losses.mse).passed
    worker = sandbox._checking.worker
    into_the_kernel = os.open(f"/proc/self/fd/{worker.process.stdout.fileno()}", os.O_WRONLY)

    def forge():
        while not worker.keys:  # the check under way has its key
            time.sleep(0.01)
        number = next(iter(worker.keys))
        runs_code = pickle.dumps(_RunsCodeWhenLoaded())
        for message in (("done", number, "pass", "correct on all 3 test cases.", ""), ("stopped", number)):
            messages.write(into_the_kernel, messages.UNSIGNED + pickle.dumps(message))
            messages.write(into_the_kernel, messages.UNSIGNED + runs_code)

    def slow_and_wrong(p, a):
        time.sleep(0.5)
        return 0.0

    forger = threading.Thread(target=forge)
    forger.start()
    try:
        result = check("mse", slow_and_wrong)
    finally:
        forger.join()
        os.close(into_the_kernel)
    assert not result.passed and "but it should be" in result.message, result.message
    assert not hasattr(sandbox, "LOADED_CODE_RAN")
    assert check("mse", losses.mse).passed


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not sys.platform.startswith("linux"),
                    reason="for a kernel run as root, on Linux")
@pytest.mark.parametrize("as_nobody", [True, False], ids=["nobody", "root without its powers"])
def test_run_as_root_the_function_runs_without_root_s_powers(monkeypatch, as_nobody):
    """Where nobody can read Python and the course the runner becomes nobody; elsewhere (a Python under
    /root) it stays root without capabilities. Both are tried, whichever this machine would choose."""
    sandbox._checking.stop()
    user = "lambda: 65534" if as_nobody else "lambda: 0"
    monkeypatch.setattr(sandbox, "COMMAND", [sys.executable, "-c",
                                             "import functools, course_utils.marking.processes as p, "
                                             "course_utils.marking.worker as w; "
                                             f"p.runner_user = functools.lru_cache({user}); w.serve()"])
    def who_runs(p, a):  # defined here, so that it is sent by value (a test module would be imported)
        """The runner's user, group and capabilities, returned as the answer (a wrong one)."""
        status = Path("/proc/self/status").read_text()
        return f"user {os.getuid()} group {os.getgid()} powers {status.split('CapEff:')[1].split()[0]}"

    try:
        said = check("mse", who_runs).message
        assert ("user 65534 group 65534" if as_nobody else "user 0 group 0 powers 0000000000000000") in said, said
        assert check("mse", losses.mse).passed
    finally:
        sandbox._checking.stop()
