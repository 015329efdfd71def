"""check() never raises and always returns within a few seconds, whatever the learner's function does
(the cases are in hostile.py); every verdict is about the function it was given and nothing else: the
processes behind a check are stopped before it answers, and nothing a function does to the process it
runs in changes a later verdict (sandbox.py explains how)."""
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

import hostile
from course_utils import check, checking, hint, losses, sandbox, solution
from course_utils.judging import CheckResult
from hostile import HOSTILE

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
    worker = psutil.Process(sandbox._worker.process.pid)
    assert "did not finish" in check("mse", HOSTILE[0].fn).message
    assert worker.children(recursive=True) == []  # killed and waited for: nothing is left burning CPU
    assert check("mse", losses.mse).passed  # by the same checking process
    assert sandbox._worker.process.pid == worker.pid


def test_start_up_does_not_count_against_the_time_limit(monkeypatch):
    sandbox._stop_worker()
    slow_start = "import time, runpy; time.sleep(2); runpy.run_module('course_utils.sandbox', run_name='__main__')"
    monkeypatch.setattr(sandbox, "COMMAND", [sys.executable, "-c", slow_start])
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.5)
    assert check("mse", losses.mse).passed
    sandbox._stop_worker()


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


def test_a_function_that_cannot_be_sent_is_judged_here():
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


def test_a_function_the_worker_cannot_load_is_judged_here(tmp_path, monkeypatch):
    assert check("mse", losses.mse).passed  # the worker starts before the module below exists
    (tmp_path / "learner_helpers.py").write_text("def mse(p, a):\n    return float(((p - a) ** 2).mean())\n")
    monkeypatch.syspath_prepend(tmp_path)
    from learner_helpers import mse  # sent by name, which the worker cannot import

    assert check("mse", mse).passed


def test_without_a_worker_check_still_works_in_this_process(monkeypatch, short_time_limit):
    sandbox._stop_worker()
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
    worker = sandbox._worker.process
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
    process = sandbox._worker.process
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
    sandbox._worker.messages.put(("done", 0, "pass", "correct on all 3 test cases.", ""))  # answers no request
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
    assert psutil.Process(sandbox._worker.process.pid).num_threads() == 1


def test_without_fork_each_check_gets_a_fresh_process(monkeypatch, short_time_limit):
    """Windows' way (no os.fork): one process per check, the next started ahead; tried here on POSIX."""
    sandbox._stop_worker()
    monkeypatch.setattr(sandbox, "FORKS", False)
    try:
        assert check("mse", losses.mse).passed
        spare = sandbox._worker.process.pid  # started ahead, for the next check
        check("mse", hostile.replaces_numpy_comparisons)  # it may fool its own verdict here, never a later one
        assert sandbox._worker.process.pid != spare
        assert not check("mse", constant).passed
        assert check("mse", losses.mse).passed
        assert "did not finish" in check("mse", HOSTILE[0].fn).message
        assert check("mse", losses.mse).passed
    finally:
        sandbox._stop_worker()


@pytest.mark.skipif(os.name != "posix", reason="Windows stops what it can find, with weaker promises")
def test_what_a_function_starts_ends_when_the_checking_process_is_stopped_from_outside(tmp_path, monkeypatch):
    """As when a kernel shuts down: its children get SIGTERM, and the checking process ends its checks."""
    monkeypatch.setattr(checking, "TIME_LIMIT", 30.0)
    assert check("mse", losses.mse).passed
    worker, record = sandbox._worker.process, str(tmp_path / "pids")
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
