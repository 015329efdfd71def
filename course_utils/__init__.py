"""Helpers for the course "Backpropagation, by hand".

Each module holds one idea, and each helper's docstring names the notebook that introduces it:

    data          the Ames house sales: load (checksum verified), choose features, standardise, split
    losses        error, squared error, mean squared error                      (01_error)
    descent       gradient steps, gradient descent, naming a run's regime       (02_learning_rate)
    gradcheck     numerical derivatives and gradients, relative error           (03_derivatives)
    linear        dot product, linear predictions, the MSE gradient             (04_dot_product)
    network       the two-layer network: forward, backward, training            (05_backpropagation)
    exercises     the exercises: check / hint / solution (checking.py does the checking)
    sandbox       check's worker process: a learner's function runs there, with a time limit
    quiz          the "check your understanding" questions
    environment   the environment check of every setup cell
    plots         the figures (matplotlib, no widgets); plots_calculus: those of 03 and 04
    widgets       the explorer pattern (ipywidgets on top of plots); widgets_<lesson>: a lesson's explorers

`import course_utils` loads only the numerical parts (numpy); plots, widgets and quiz load matplotlib
and ipywidgets, so import them by name where they are needed.
"""
from course_utils.losses import error, squared_error, mse
from course_utils.descent import gradient_step, gradient_descent, run_descent, classify_run
from course_utils.gradcheck import numerical_derivative, numerical_gradient, relative_error
from course_utils.linear import dot, predict_linear, mse_gradient
from course_utils.network import sigmoid, sigmoid_derivative, forward, backward, init_params, train
from course_utils.exercises import check, hint, solution, exercise_ids
from course_utils.environment import check_environment

__all__ = [
    "error", "squared_error", "mse",
    "gradient_step", "gradient_descent", "run_descent", "classify_run",
    "numerical_derivative", "numerical_gradient", "relative_error",
    "dot", "predict_linear", "mse_gradient",
    "sigmoid", "sigmoid_derivative", "forward", "backward", "init_params", "train",
    "check", "hint", "solution", "exercise_ids", "check_environment",
]
