"""Helpers for the course "Backpropagation, by hand".

The package has rooms, by kind: the maths at the top, the figures drawn from it in figures/, the
explorers that move those figures in explorers/, and the marking of exercises in marking/. Each room
imports only from the rooms before it (the maths no matplotlib or ipywidgets, the figures no widgets), and
the marking keeps apart from figures and explorers (only the quiz widget shows the marking's questions):
pyproject.toml's import-linter contracts hold them to it. Each module holds one idea. A helper
that a notebook uses says "Introduced in" the first notebook that uses it; a helper that only other
helpers use says what it does, and often what uses it.

The maths (numpy only):
    data          the Ames house sales: load (checksum verified), choose features, standardise, split
    losses        error, squared error, mean squared error                      (01_error)
    descent       gradient steps, gradient descent, naming a run's regime       (02_learning_rate)
    gradcheck     numerical derivatives and gradients, relative error           (03_derivatives)
    linear        the line through the houses (from 01_error); dot product, linear predictions, the
                  MSE gradient                                                  (04_dot_product)
    network       the two-layer network: forward, backward, training            (05_backpropagation)
    deep          networks of any depth: the layers as a loop, forward and backward (06_deeper)
    autodiff      a tiny reverse-mode automatic differentiation: local rules, a Tensor that records
                  its graph, the tape walked backwards                           (06_deeper)
The marking (numpy only, no figures nor widgets), course_utils/marking/:
    marking.checking     check / hint / solution / verdict: what a learner calls to mark an exercise
    marking.exercises    the exercises themselves: test cases, usual mistakes, hints (content only)
    marking.judgement    the judgement of one answer: its first problem, the usual mistake it matches
    marking.judging      the tools it judges with: calling safely, comparing, explaining an error
    marking.sandbox      check's processes, from the kernel: a learner's function runs in a fresh one and
                         is judged in another, with a time limit and a memory limit
    marking.worker       those processes: the checking process, the judge and the runner
                         (python -m course_utils.marking.worker)
    marking.messages     the messages between them: length-prefixed, signed pickles of plain data
    marking.plain        a learner's answers as plain data, and the loader that takes nothing else
    marking.processes    finding and stopping a check's processes, and what they left in /dev/shm
    marking.questions    the "check your understanding" questions (content only)
The check that opens every notebook, and an old name:
    setup_check   the check of the kernel's packages
    quiz          the quiz's old home (now explorers.quiz), kept for copies made before 2026-12-05
The figures (matplotlib, no widgets), course_utils/figures/:
    figures.common           what every figure shares: new_figure, the colours, dollar and log axes, PNGs,
                             numbers and dollars as the explorers write them
    figures.error            01's: the houses and a line through them, the error landscape
    figures.learning_rate    02's: the loss curve, the contour map, the strip of learning rates
    figures.derivatives      03's: secants and tangents, the downhill arrow, the chain rule
    figures.dot_product      04's: a prediction as a waterfall, weights as a matrix, the timings
    figures.network_diagram  the network drawn as dots and labelled edges (04 and 05)
    figures.deeper           06's: the layers as a loop, a computation as a graph of gates
The explorers (ipywidgets over one reused figure), course_utils/explorers/:
    explorers.explorer       the explorer pattern, and the sliders every explorer is made with
    explorers.screen_reader  what a screen reader says of an explorer: sliders' names, the status line
    explorers.start_here     00's prediction demo
    explorers.error          01's weight explorer
    explorers.learning_rate  02's learning-rate explorer
    explorers.derivatives    03's nudge and gradient explorers
    explorers.dot_product    04's feature and timing explorers
    explorers.backprop       05's network nudge, backprop stepper and training dashboard
    explorers.deeper         06's graph stepper, speed and depth explorers
    explorers.ahead          work done ahead in a second process (the dashboard's and the depth explorer's)
    explorers.tracing        the backprop stepper's tracing: network's backward pass run line by line
    explorers.guessing       the steppers' guess box: type the next value, then see it
    explorers.quiz           the "check your understanding" quiz: the questions as clickable choices

`import course_utils` loads only the maths named above it (losses, descent, gradcheck, linear, network:
numpy only); check, hint, solution, exercise_ids and verdict load the marking when first asked for. The
figures and explorers load matplotlib and ipywidgets, so a notebook imports its own by name:

    from course_utils.figures import common as plots, learning_rate as figures
    from course_utils.explorers import learning_rate as explorers
    from course_utils.explorers.quiz import quiz
"""
import importlib

from course_utils.losses import error, squared_error, mse
from course_utils.descent import gradient_step, gradient_descent, run_descent, classify_run
from course_utils.gradcheck import numerical_derivative, numerical_gradient, relative_error
from course_utils.linear import dot, predict_linear, mse_gradient
from course_utils.network import sigmoid, sigmoid_derivative, forward, backward, init_params, train

__all__ = [
    "error", "squared_error", "mse",
    "gradient_step", "gradient_descent", "run_descent", "classify_run",
    "numerical_derivative", "numerical_gradient", "relative_error",
    "dot", "predict_linear", "mse_gradient",
    "sigmoid", "sigmoid_derivative", "forward", "backward", "init_params", "train",
    "check", "hint", "solution", "exercise_ids", "verdict", "check_environment",
]

# Loaded when first asked for: the marking needs neither at `import course_utils`.
_LATER = {"check": "marking.checking", "hint": "marking.checking", "solution": "marking.checking",
          "exercise_ids": "marking.checking", "verdict": "marking.checking", "check_environment": "setup_check"}
# The flat names the modules had before the rooms: kept for copies of the notebooks made before
# 2026-12-05; remove after one release.
_OLD_NAMES = {
    "plots": "figures.common", "plots_error": "figures.error", "plots_learning_rate": "figures.learning_rate",
    "plots_derivatives": "figures.derivatives", "plots_dot_product": "figures.dot_product",
    "plots_deeper": "figures.deeper", "network_diagram": "figures.network_diagram",
    "widgets": "explorers.explorer", "widgets_start_here": "explorers.start_here",
    "widgets_error": "explorers.error", "widgets_learning_rate": "explorers.learning_rate",
    "widgets_derivatives": "explorers.derivatives", "widgets_dot_product": "explorers.dot_product",
    "widgets_backprop": "explorers.backprop", "widgets_deeper": "explorers.deeper", "ahead": "explorers.ahead",
}


def __getattr__(name):
    """`from course_utils import check` (the marking, loaded now), and the modules' old flat names."""
    if name in _LATER:
        value = getattr(importlib.import_module(f"course_utils.{_LATER[name]}"), name)
    elif name in _OLD_NAMES:
        value = importlib.import_module(f"course_utils.{_OLD_NAMES[name]}")
    else:
        raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
    globals()[name] = value  # asked for once
    return value
