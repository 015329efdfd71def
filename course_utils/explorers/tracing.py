"""The backprop stepper's tracing: network.loss_and_gradients run once, line by line, with the value
each line computed, so that the stepper of 05_backpropagation can walk through the forward and backward
pass one line at a time. It runs the network's own code, so the stepper and the maths cannot disagree.

    ops = trace(X, y, **params)     # [Operation("z", "z = X @ W1 + b1", "each hidden unit's ...", value), ...]
"""
import ast
import inspect
import sys
import textwrap
from dataclasses import dataclass

import numpy as np

from course_utils.network import loss_and_gradients


@dataclass
class Operation:
    """One line of the forward or backward pass and the value it computed (trace returns a list of them)."""
    name: str         # the variable the line computes, e.g. "d_z"
    code: str         # the line itself, as written in loss_and_gradients
    meaning: str      # what the value is; for a gradient, which derivative it holds
    value: np.ndarray

    @property
    def is_gradient(self):
        return self.name.startswith("d_")

    def __repr__(self):
        return f"{self.code:<44} # {self.meaning}: {np.round(self.value, 4).tolist()}"


def trace(X, y, W1, b1, W2, b2):
    """loss_and_gradients run once, line by line: an Operation for every line it ran that names a value,
    in the order it ran them, with the value that line computed (what the backprop stepper walks through).
    Meant for one house, X of shape (1, d) and y of shape (1, 1), but any n works. Used by the stepper."""
    lines, values = _run_and_watch(loss_and_gradients, X, y, W1, b1, W2, b2)
    assignments = _assignments(loss_and_gradients)
    return [Operation(*assignments[line], np.asarray(values[assignments[line][0]])) for line in lines
            if line in assignments]


def _assignments(function):
    """{line number: (name, code, meaning)} for each line of the function that assigns one name; the
    meaning is the line's comment without the shape."""
    source, first = inspect.getsourcelines(function)
    found = {}
    for node in ast.walk(ast.parse(textwrap.dedent("".join(source)))):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            text = source[node.lineno - 1]
            code, _, comment = text.strip().partition("  # ")
            meaning = comment.rsplit(", (", 1)[0].rsplit(", one number", 1)[0]
            found[first + node.lineno - 1] = (node.targets[0].id, code.strip(), meaning)
    return found


def _run_and_watch(function, *args):
    """Call function(*args) and return the line numbers it ran, in order, and its local variables as
    they were when it returned. A trace function sees both; the one already set (a debugger's) is put
    back afterwards."""
    lines, values = [], {}

    def watch(frame, event, arg):
        if event == "line":
            lines.append(frame.f_lineno)
        elif event == "return":
            values.update(frame.f_locals)
        return watch

    def start(frame, event, arg):  # a trace function for our call only, not for what it calls
        return watch if frame.f_code is function.__code__ else None

    previous = sys.gettrace()
    sys.settrace(start)
    try:
        function(*args)
    finally:
        sys.settrace(previous)
    # A line is reported when it starts: each assignment's value exists once the next line starts.
    return lines, values
