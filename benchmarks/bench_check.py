"""check(): one check through the worker process vs judged in the kernel, and the worker's start-up.

Goals: a check of a correct answer under 0.1 s (it feels instant), and the worker's start-up (once per
kernel, at its first check; not counted in the time limit) under 2 s.

check("mse", a correct mse) is timed 30 times through the worker (already started), and 30 times judged in
this process, in a thread with the trace function keeping time: the way check() falls back for a function
that cannot be sent, and close to how every check ran before the worker. The worker's start-up is timed
from starting the process to its "ready", 5 times. Figures are medians.
"""
import time

from benchlib import median, report

from course_utils import check, checking, sandbox

RUNS, STARTS = 30, 5
CHECK_GOAL, STARTUP_GOAL = 0.1, 2.0  # seconds


def correct_mse(predictions, actuals):
    """A learner's correct answer, written as the hint suggests."""
    return float(((predictions - actuals) ** 2).mean())


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def worker_start_up():
    """Seconds from starting a worker to its "ready" message."""
    start = time.perf_counter()
    worker = sandbox.Worker()
    assert worker.next_message(sandbox.STARTUP_LIMIT) == ("ready",)
    seconds = time.perf_counter() - start
    worker.stop()
    return seconds


def main():
    starts = [worker_start_up() for _ in range(STARTS)]
    assert check("mse", correct_mse).passed  # the kernel's worker is running from here on
    via_worker = [timed(lambda: check("mse", correct_mse)) for _ in range(RUNS)]
    exercise = checking._find("mse")
    in_process = [timed(lambda: checking._judge_here(exercise, correct_mse, "benchmark")) for _ in range(RUNS)]
    print(f"worker start-up, {STARTS} runs: " + ", ".join(f"{s:.3f}" for s in starts) + " s")
    print(f"check via the worker: median {median(via_worker) * 1000:.1f} ms; judged in this process: "
          f"median {median(in_process) * 1000:.1f} ms ({RUNS} runs each)")
    report("check", "worker start-up, once per kernel (median of 5)", f"{median(starts):.3f} s",
           f"< {STARTUP_GOAL} s", median(starts) < STARTUP_GOAL)
    report("check", 'check("mse", correct) via the worker (median of 30)', f"{median(via_worker) * 1000:.1f} ms",
           f"< {CHECK_GOAL * 1000:.0f} ms", median(via_worker) < CHECK_GOAL)
    report("check", 'the same check judged in this process, for comparison (median of 30)',
           f"{median(in_process) * 1000:.1f} ms", "none", None)


if __name__ == "__main__":
    main()
