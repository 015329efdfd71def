"""check(): a right answer checked through the checking process, against judging in the kernel, and the
checking process's start-up.

Goals: a check of a right answer under 0.1 s (it feels instant), and the checking process's start-up
(once per kernel, at its first check; not counted in the time limit) under 2 s.

Every check forks a fresh judge and runner from the pristine checking process and kills them before it
answers, so each check pays for that in full: there is nothing warm to reuse. check("mse", a right mse) is
timed 30 times right after another right answer, and 30 times right after a wrong one; 30 times for a
right answer that cannot be sent (it holds a lock): run here, in a thread with the trace function keeping
time, and judged there; then 30 times judged in this process (check's last resort, when no checking
process starts). The start-up is timed from starting the process to its "ready", 5 times. Figures
are medians.

    python3 benchmarks/bench_check.py [--against DIR]

--against DIR measures the same figures on another copy of the course, in a process of its own, and
prints the two side by side; e.g. main's, from `git archive main | tar -x -C /tmp/course-main`.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

from benchlib import median, report

from course_utils import check
from course_utils.marking import checking, judgement, sandbox

RUNS, STARTS = 30, 5
CHECK_GOAL, STARTUP_GOAL = 0.1, 2.0  # seconds


def right_mse(predictions, actuals):
    """A learner's right answer, written as the hint suggests."""
    return float(((predictions - actuals) ** 2).mean())


def wrong_mse(predictions, actuals):
    """A usual mistake: summed instead of averaged."""
    return float(((predictions - actuals) ** 2).sum())


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def start_up():
    """Seconds from starting a checking process to its "ready" message."""
    start = time.perf_counter()
    worker = sandbox.Worker()
    assert worker.next_message(sandbox.STARTUP_LIMIT) == ("ready",)
    seconds = time.perf_counter() - start
    worker.stop()
    return seconds


def right_check():
    assert check("mse", right_mse).passed


def after_a_wrong_answer():
    assert not check("mse", wrong_mse).passed
    return timed(right_check)


def measure():
    """The medians, in seconds."""
    starts = [start_up() for _ in range(STARTS)]
    right_check()  # the kernel's checking process is running from here on
    after_right = [timed(right_check) for _ in range(RUNS)]
    after_wrong = [after_a_wrong_answer() for _ in range(RUNS)]
    lock = threading.Lock()  # cannot be sent to another process

    def locked_mse(predictions, actuals):
        with lock:
            return right_mse(predictions, actuals)

    run_here = [timed(lambda: check("mse", locked_mse)) for _ in range(RUNS)]
    exercise = judgement.find("mse")
    in_process = [timed(lambda: checking._judge_here(exercise, right_mse, "benchmark")) for _ in range(RUNS)]
    return {"start-up": median(starts), "after a right answer": median(after_right),
            "after a wrong answer": median(after_wrong), "run here, judged there": median(run_here),
            "judged in the kernel": median(in_process)}


def measure_elsewhere(course):
    """measure(), on the copy of the course in the folder course, in a process of its own."""
    env = dict(os.environ, PYTHONPATH=os.path.abspath(course))
    done = subprocess.run([sys.executable, __file__, "--json"], env=env, capture_output=True, text=True,
                          check=True, cwd=course)
    return json.loads(done.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="DIR", help="another copy of the course, to compare with")
    parser.add_argument("--json", action="store_true", help="print the medians as JSON, and nothing else")
    options = parser.parse_args()
    figures = measure()
    if options.json:
        print(json.dumps(figures))
        return
    theirs = measure_elsewhere(options.against) if options.against else {}
    against = f"   this copy | {options.against}" if theirs else ""
    print(f"medians ({RUNS} checks each; start-up of {STARTS}){against}")
    for name, seconds in figures.items():
        other = f" | {theirs[name] * 1000:8.1f} ms" if name in theirs else ""
        print(f"  {name:<22} {seconds * 1000:8.1f} ms{other}")
    slowest = max(figures["after a right answer"], figures["after a wrong answer"])
    report("check", "checking process start-up, once per kernel (median of 5)", f"{figures['start-up']:.3f} s",
           f"< {STARTUP_GOAL} s", figures["start-up"] < STARTUP_GOAL)
    report("check", 'check("mse", right), after a right or a wrong answer (the slower median of 30)',
           f"{slowest * 1000:.1f} ms", f"< {CHECK_GOAL * 1000:.0f} ms", slowest < CHECK_GOAL)
    report("check", "the same check judged in this process, for comparison (median of 30)",
           f"{figures['judged in the kernel'] * 1000:.1f} ms", "none", None)


if __name__ == "__main__":
    main()
