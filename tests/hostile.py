"""Learner functions that try check()'s promise "never raises, always returns within a few seconds":
each entry is what a learner might hand to check, and what check must answer."""
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils import losses, network

TIMED_OUT = ("did not finish within", "mse(np.array([150000.0]), np.array([100000.0]))")


@dataclass
class Hostile:
    name: str
    exercise_id: object   # check's first argument (not always a valid id)
    fn: object            # check's second argument (not always a function)
    says: tuple           # texts the message must contain
    passes: bool = False


def loop_with_bare_except(p, a):
    """The reported hang: `i` never grows, and the bare except swallows whatever would stop the loop."""
    i = 0
    total = 0
    while i < len(p):
        try:
            total += (p[i] - a[i]) ** 2
        except:  # noqa: E722
            pass
    return total / len(p)


def switches_tracing_off(p, a):
    sys.settrace(None)
    while True:
        pass


def sleeps(p, a):
    time.sleep(10)
    return losses.mse(p, a)


def asks_for_input(p, a):
    return float(input("prediction? "))


def loops_in_c(p, a):
    return sum(range(10 ** 11))  # one C call that holds the GIL for minutes


def correct_with_breakpoint(p, a):
    breakpoint()
    return losses.mse(p, a)


def correct_with_pdb(p, a):
    import pdb
    pdb.set_trace()
    return losses.mse(p, a)


def ends_the_process(p, a):
    os._exit(3)


def exits(p, a):
    sys.exit("bye")


def raises_keyboard_interrupt(p, a):
    raise KeyboardInterrupt


def raises_generator_exit(p, a):
    raise GeneratorExit


class Meltdown(BaseException):
    """A learner's own BaseException subclass."""


def raises_meltdown(p, a):
    raise Meltdown("core too hot")


class Unprintable(Exception):
    def __str__(self):
        raise ValueError("no message for you")


def raises_unprintable(p, a):
    raise Unprintable


def returns_object_array(p, a):
    return np.array(None, dtype=object)


def returns_huge_int(p, a):
    return 10 ** 400


class Unconvertible:
    def __float__(self):
        raise RuntimeError("no float")

    def __repr__(self):
        raise RuntimeError("no repr")


def returns_unconvertible(p, a):
    return Unconvertible()


def returns_complex(p, a):
    return np.mean((p - a) ** 2) + 1e6j  # np.complex128, which an old check took for a number


def takes_root_of_negative(p, a):
    return losses.mse(p, a) + (-1.0) ** 0.5


# --- Functions that change the process they run in: check must judge every later answer as if they
# had never run (tests/test_check_hostile.py) ---------------------------------------------------------

def forks(p, a):
    """A right answer that forks: the copy carries on as a second worker would, answering too."""
    os.fork()
    return losses.mse(p, a)


def replaces_numpy_comparisons(p, a):
    """Makes every comparison say "close": a judge that ran here would pass anything after it."""
    np.isclose = np.allclose = lambda *args, **kwargs: True
    return 0.0


def replaces_isinstance(p, a):
    """Breaks a builtin the judge leans on everywhere."""
    import builtins
    builtins.isinstance = lambda value, kinds: True
    return 0.0


def lowers_the_recursion_limit(p, a):
    sys.setrecursionlimit(40)
    return losses.mse(p, a)


def allocates_20_gb(p, a):
    """np.empty does not touch the memory, so trying this is safe for the machine running the tests."""
    return float(np.empty(20 * 2 ** 30 // 8)[:1].size) * losses.mse(p, a)


def grows_a_list_of_arrays(p, a):
    """Asks for 800 MB more at a time, until something stops it (touching each page too would take
    seconds; on Linux the limit stops the asking, elsewhere the judge watches what is touched)."""
    arrays = []
    while True:
        arrays.append(np.empty(10 ** 8))


# A process that writes its pid to the file named by its first argument, then sleeps for a minute.
SLEEPER = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); time.sleep(60)"
# A process that starts a SLEEPER in a session of its own and ends: the sleeper is left an orphan.
ORPHAN_MAKER = ("import subprocess, sys; subprocess.Popen([sys.executable, '-c', sys.argv[2], sys.argv[1]], "
                "start_new_session=True)")


def leaves_things_running(record, then_loop=False):
    """A right mse that, at its first call, starts what must not outlive check: a thread that keeps
    writing to record + ".tick", a child process in a session of its own and an orphaned grandchild
    (their pids go to record); then_loop: after that it never returns."""
    def mse(p, a):
        if not os.path.exists(record + ".tick"):
            subprocess.Popen([sys.executable, "-c", SLEEPER, record], start_new_session=True)
            subprocess.Popen([sys.executable, "-c", ORPHAN_MAKER, record, SLEEPER]).wait()
            threading.Thread(target=_tick, args=(record + ".tick",), daemon=True).start()
            while not os.path.exists(record) or len(Path(record).read_text().split()) < 2:
                time.sleep(0.01)  # both sleepers are running
        while then_loop:
            pass
        return losses.mse(p, a)
    return mse


def _tick(path):
    while True:
        with open(path, "a") as file:
            file.write(".")
        time.sleep(0.01)


HOSTILE = [
    Hostile("bare except in an endless loop", "mse", loop_with_bare_except, TIMED_OUT + ("try/except",)),
    Hostile("sys.settrace(None), then loops", "mse", switches_tracing_off, TIMED_OUT),
    Hostile("time.sleep(10)", "mse", sleeps, TIMED_OUT + ("sleep",)),
    Hostile("sum(range(10**11)) in C", "mse", loops_in_c, TIMED_OUT),
    Hostile("input()", "mse", asks_for_input, ("input() waits for someone to type", "as arguments")),
    Hostile("breakpoint() in a correct function", "mse", correct_with_breakpoint,
            ("✓ mse: correct on all 3 test cases.", "breakpoint() is skipped inside check()"), passes=True),
    Hostile("pdb.set_trace()", "mse", correct_with_pdb, ("input() waits for someone to type",)),
    Hostile("os._exit()", "mse", ends_the_process, ("ended the Python process it ran in", "mse(")),
    Hostile("sys.exit()", "mse", exits, ("raised SystemExit: bye",)),
    Hostile("raise KeyboardInterrupt", "mse", raises_keyboard_interrupt, ("raised KeyboardInterrupt",)),
    Hostile("raise GeneratorExit", "mse", raises_generator_exit, ("raised GeneratorExit",)),
    Hostile("a custom BaseException", "mse", raises_meltdown, ("raised Meltdown: core too hot",)),
    Hostile("an exception whose __str__ raises", "mse", raises_unprintable,
            ("raised Unprintable: (its message cannot be shown)",)),
    Hostile("np.array(None, dtype=object)", "mse", returns_object_array,
            ("should be a single number", "array(None, dtype=object)")),
    Hostile("10**400", "mse", returns_huge_int, ("too large to be a float", "about 400 digits")),
    Hostile("an object that converts to nothing", "mse", returns_unconvertible,
            ("should be a single number", "Unconvertible that cannot be shown")),
    Hostile("mse + 1e6j", "mse", returns_complex, ("is complex", "should be real", "x ** 0.5")),
    Hostile("(-1.0) ** 0.5", "mse", takes_root_of_negative, ("is complex", "power of a negative number")),
    Hostile("sigmoid_derivative + 3j", "sigmoid_derivative", lambda z: network.sigmoid_derivative(z) + 3j,
            ("is complex", "0.25+3j")),
    Hostile("arguments swapped", losses.mse, "mse", ('comes first', 'check("mse", mse)')),
    Hostile("id in a list", ["mse"], losses.mse, ("There is no exercise ['mse']", "text in quotes")),
    Hostile("None instead of a function", "mse", None, ("pass your function itself",)),
    Hostile("np.empty for 20 GB", "mse", allocates_20_gb, ("used more than 2 GB of memory",)),
    Hostile("a list of arrays that grows without end", "mse", grows_a_list_of_arrays,
            ("used more than 2 GB of memory",)),
]
