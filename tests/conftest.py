"""Shared test set-up: a non-interactive matplotlib backend, so no test ever opens a window, and
property tests that are repeatable (the same examples on every run) and never fail on a slow machine
for slowness alone."""
import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")
settings.register_profile("course", deadline=None, derandomize=True, database=None)
settings.load_profile("course")
os.environ.pop("COURSE_QUIZ_ANSWERS", None)  # run on a class hub, the tests' clicks stay out of a learner's record
