"""check() never raises and always returns within a few seconds, whatever the learner's function does
(the cases are in hostile.py); the worker process behind it is killed after a timeout and replaced."""
import os
import signal
import sys
import threading
import time

import pytest

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


def test_after_a_timeout_the_worker_is_killed_and_the_next_check_passes(short_time_limit):
    assert check("mse", losses.mse).passed
    worker = sandbox._worker.process
    assert "did not finish" in check("mse", HOSTILE[0].fn).message
    assert worker.poll() is not None  # killed and reaped: nothing is left burning CPU
    if os.name == "posix":
        with pytest.raises(ProcessLookupError):
            os.kill(worker.pid, 0)
    assert check("mse", losses.mse).passed  # a new worker
    assert sandbox._worker.process.pid != worker.pid


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
