"""Shared test set-up: a non-interactive matplotlib backend, so no test ever opens a window, and
property tests that are repeatable (the same examples on every run) and never fail on a slow machine
for slowness alone, and Ctrl+C that works in the programs the tests start."""
import os
import signal

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")
settings.register_profile("course", deadline=None, derandomize=True, database=None)
settings.load_profile("course")
os.environ.pop("COURSE_QUIZ_ANSWERS", None)  # run on a class hub, the tests' clicks stay out of a learner's record
# Started in the background by a script (`pytest &`), the run inherits SIGINT ignored and passes that on to every
# program it starts, where Ctrl+C then does nothing; a learner's terminal never ignores it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
