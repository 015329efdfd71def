"""The machinery behind check(): call a learner's function safely, compare its answer with ours, and
say in one sentence what is wrong. The exercises themselves live in exercises.py."""
import copy
import html
import sys
import time
import warnings

import numpy as np


class CheckResult:
    """The outcome of check(): `.passed` (bool) and `.message` (str), shown in colour in a notebook.
    Introduced in 00_start_here (behind check)."""

    def __init__(self, passed, message):
        self.passed, self.message = passed, message

    def __repr__(self):
        return self.message

    def _repr_html_(self):
        colour = "#1b7a35" if self.passed else "#9a5b00" if "not attempted" in self.message else "#b3261e"
        text = html.escape(self.message).replace("\n", "<br>")
        return f'<div style="border-left:4px solid {colour};padding:4px 10px;color:{colour}">{text}</div>'


class Note:
    """A hint or a solution: Markdown in a notebook, plain text elsewhere.
    Introduced in 00_start_here (behind check)."""

    def __init__(self, markdown):
        self.markdown = markdown

    def __repr__(self):
        return self.markdown

    def _repr_markdown_(self):
        return self.markdown


class TimeUp(BaseException):
    """Raised inside a learner's function that runs past its time (a BaseException, so that a learner's
    `except Exception:` cannot swallow it). Introduced in 00_start_here (behind check)."""


def call_with_deadline(fn, args, deadline):
    """fn(*args), stopped with TimeUp once time.monotonic() passes deadline.

    A trace function runs before every line of Python, so even `while True: pass` is stopped, on any
    operating system, without threads or signals; the kernel carries on afterwards.
    Introduced in 00_start_here (behind check)."""
    def tracer(frame, event, arg):
        frame.f_trace_opcodes = True  # also wake on every opcode: `while True: pass` has no new lines
        if time.monotonic() > deadline:
            raise TimeUp
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the learner sees a clear message from us instead
            return fn(*args)
    finally:
        sys.settrace(previous)


def quietly(fn, args):
    """fn(*args) with numpy's warnings off, or None if it raises (used to replay the usual mistakes).
    Introduced in 00_start_here (behind check)."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*copy.deepcopy(args))
    except Exception:
        return None


def describe(value):
    """A short text for a value in a message: small things in full, arrays by shape.
    Introduced in 00_start_here (behind check)."""
    if callable(value):
        return getattr(value, "__name__", "f")
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size <= 3:
            return f"np.array({np.round(value, 6).tolist()})"
        return f"<array of shape {value.shape}>"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def unchanged(before, after):
    """True when a learner's call left an argument exactly as it was.
    Introduced in 00_start_here (behind check)."""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and \
            np.array_equal(before, after, equal_nan=True)
    if callable(before):
        return True
    try:
        return bool(before == after)
    except ValueError:
        return False


def _is_number(value):
    if isinstance(value, np.ndarray):
        return value.ndim == 0
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _shape_advice(expected_shape, got_shape):
    if len(expected_shape) == 1 and got_shape == expected_shape + (1,):
        return " That is a column (n, 1) where a flat (n,) is wanted: index it with [:, 0] or build it flat."
    if len(got_shape) == 1 and expected_shape == got_shape + (1,):
        return " That is flat (n,) where a column (n, 1) is wanted: keep the matrix product's shape."
    return ""


def difference(expected, got, what="the result", rtol=1e-6, atol=1e-9):
    """None when got matches expected (any correct way of computing it), else a sentence saying how not.
    Introduced in 00_start_here (behind check)."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{what} should be a dict with keys {sorted(expected)}, but it is a {type(got).__name__}."
        missing = sorted(set(expected) - set(got))
        if missing:
            return f"{what} has no key {missing[0]!r} (it needs {sorted(expected)})."
        for key in expected:
            reason = difference(expected[key], got[key], f'{what}["{key}"]', rtol, atol)
            if reason:
                return reason
        return None
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{what} should be a pair of {len(expected)} values, but it is {describe(got)}."
        for position, (want, have) in enumerate(zip(expected, got)):
            reason = difference(want, have, f"{what}[{position}]", rtol, atol)
            if reason:
                return reason
        return None
    expected = np.asarray(expected, dtype=float)
    if expected.ndim == 0:
        if not _is_number(got):
            return f"{what} should be a single number, but it is {describe(got)} ({type(got).__name__})."
        got = float(got)
        if np.isnan(got) and not np.isnan(expected):
            return f"{what} is NaN (not a number): look for 0/0, inf - inf or a log of a negative."
        if not np.isclose(got, expected, rtol=rtol, atol=atol):
            return f"{what} is {got:.6g}, but it should be {float(expected):.6g}."
        return None
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{what} should be an array of numbers, but it is a {type(got).__name__}."
    if got.shape != expected.shape:
        return (f"{what} has shape {got.shape}, but it should have shape {expected.shape}."
                + _shape_advice(expected.shape, got.shape))
    if np.isnan(got).any() and not np.isnan(expected).any():
        return f"{what} contains NaN (not a number): look for 0/0, inf - inf or an overflow."
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        return (f"{what} has the right shape but different values: at index {worst} it is "
                f"{got[worst]:.6g} where it should be {expected[worst]:.6g}.")
    return None
