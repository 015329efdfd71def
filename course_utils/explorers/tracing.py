"""The backprop stepper's tracing: network.loss_and_gradients run once, line by line, with the value
each line computed, so that the stepper of 05_backpropagation can walk through the forward and backward
pass one line at a time. It runs the network's own code, so the stepper and the maths cannot disagree.

    lines = trace(X, y, **params)   # [TracedLine("z", "z = X @ W1 + b1", "each hidden unit's ...", value), ...]

Each line that computes a value explains itself in a `#:` comment, "what it holds, (its shape)" or "...,
one number"; a gradient's starts with the derivative it holds, "dE/dz: ...". explanations() reads them and
raises, naming the line, where one is missing or cannot be read: an edit never silently loses one.
"""
import ast
import inspect
import io
import re
import sys
import textwrap
import tokenize
from dataclasses import dataclass

import numpy as np

from course_utils.network import loss_and_gradients


@dataclass
class TracedLine:
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
    """loss_and_gradients run once, line by line: a TracedLine for every line it ran that names a value,
    in the order it ran them, with the value that line computed (what the backprop stepper walks through).
    Meant for one house, X of shape (1, d) and y of shape (1, 1), but any n works. Used by the stepper."""
    lines, values = _run_and_watch(loss_and_gradients, X, y, W1, b1, W2, b2)
    source, first = inspect.getsourcelines(loss_and_gradients)
    found = explanations("".join(source), first, "network.loss_and_gradients")
    return [TracedLine(*found[line], np.asarray(values[found[line][0]])) for line in lines if line in found]


# A `#:` comment: what the line's value holds, then its shape, "(n, h)", or "one number".
EXPLANATION = re.compile(r"#:\s*(?P<meaning>\S.*?),\s*(?:\([^()]*\)|one number)\s*$")


def explanations(source, first=1, where="the source"):
    """{line number: (name, code, meaning)} for each line of a function's source that assigns one name,
    read from its `#:` comment (the meaning is the comment without the shape); first is the number of the
    source's first line. Raises ValueError, naming the line, for a line that assigns a name without such a
    comment, a gradient's (d_...) that does not start with its derivative, or a `#:` comment elsewhere."""
    source = textwrap.dedent(source)
    lines = source.splitlines()
    comments = {token.start[0]: token for token in tokenize.generate_tokens(io.StringIO(source).readline)
                if token.type == tokenize.COMMENT}
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name, number = node.targets[0].id, node.lineno
            line = f"{where}, line {first + number - 1}, `{lines[number - 1].strip()}`"
            comment = comments.get(number)
            if node.end_lineno != number:
                raise _unexplained(line, "it spans several lines, and the stepper shows one")
            if comment is None or not comment.string.startswith("#:"):
                raise _unexplained(line, "it has no `#:` comment to explain it")
            explained = EXPLANATION.match(comment.string)
            if explained is None:
                raise _unexplained(line, "its `#:` comment does not end in its shape, `, (n, h)` or `, one number`")
            meaning = explained["meaning"]
            if name.startswith("d_") and not meaning.startswith(f"dE/d{name[2:]}"):
                raise _unexplained(line, f"a gradient's comment should start with the derivative it holds, "
                                         f"`dE/d{name[2:]}`")
            found[first + number - 1] = (name, lines[number - 1][:comment.start[1]].strip(), meaning)
    for number, comment in comments.items():
        if comment.string.startswith("#:") and first + number - 1 not in found:
            raise _unexplained(f"{where}, line {first + number - 1}, `{lines[number - 1].strip()}`",
                               "a `#:` comment on a line that computes no value, which the stepper does not show")
    return found


def _unexplained(line, problem):
    """The error explanations() raises: the line, what is wrong with it, and what the stepper expects."""
    return ValueError(f"{line}: {problem}. The backprop stepper shows each line that computes a value with its "
                      "`#:` comment, such as `#: dE/dz: times the sigmoid's slope, (n, h)`.")


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
