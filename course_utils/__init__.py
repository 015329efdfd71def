"""Helpers for the course "Backpropagation, by hand".

Each module holds one idea. A helper that a notebook uses says "Introduced in" the first notebook that
uses it; a helper that only other helpers use says what it does, and often what uses it.

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
    ahead         work done ahead in a second process (the training dashboard's runs)
    checking      check / hint / solution: what a learner calls to mark an exercise
    exercises     the exercises themselves: test cases, usual mistakes, hints (content only)
    judging       the tools check judges with: calling safely, comparing, explaining an error
    sandbox       check's processes: a learner's function runs in a fresh one and is judged in
                  another, with a time limit and a memory limit
    quiz          the "check your understanding" questions
    setup_check   the check of the kernel's packages that opens every notebook
    plots         what every figure shares: new_figure, colours, dollar axes, PNGs
    plots_<lesson>    the figures of one lesson (matplotlib, no widgets): plots_error (01),
                      plots_learning_rate (02), plots_derivatives (03), plots_dot_product (04),
                      plots_deeper (06)
    network_diagram   the network drawn as dots and labelled edges (04 and 05)
    widgets       the explorer pattern (ipywidgets on top of plots)
    widgets_<lesson>  the explorers of one lesson: widgets_start_here (00) ... widgets_backprop (05),
                      widgets_deeper (06)

`import course_utils` loads only the numerical parts (numpy); plots, widgets and quiz load matplotlib
and ipywidgets, so import them by name where they are needed.
"""
from course_utils.losses import error, squared_error, mse
from course_utils.descent import gradient_step, gradient_descent, run_descent, classify_run
from course_utils.gradcheck import numerical_derivative, numerical_gradient, relative_error
from course_utils.linear import dot, predict_linear, mse_gradient
from course_utils.network import sigmoid, sigmoid_derivative, forward, backward, init_params, train
from course_utils.checking import check, hint, solution, exercise_ids
from course_utils.setup_check import check_environment

__all__ = [
    "error", "squared_error", "mse",
    "gradient_step", "gradient_descent", "run_descent", "classify_run",
    "numerical_derivative", "numerical_gradient", "relative_error",
    "dot", "predict_linear", "mse_gradient",
    "sigmoid", "sigmoid_derivative", "forward", "backward", "init_params", "train",
    "check", "hint", "solution", "exercise_ids", "check_environment",
]
