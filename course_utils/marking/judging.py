"""The tools check() judges with: call a learner's function safely, compare its answer with the
reference, and say in one sentence what is wrong. check itself is in checking.py, the judgement of an
answer that uses these tools in judgement.py, the exercises in exercises.py."""
import ast
import copy
import dis
import html
import re
import sys
import time
import warnings

import numpy as np


class CheckResult:
    """The outcome of check(): `.passed` (bool) and `.message` (str), shown in colour in a notebook."""

    def __init__(self, passed, message):
        self.passed, self.message = passed, message

    def __repr__(self):
        return self.message

    def _repr_html_(self):
        colour = "#1b7a35" if self.passed else "#9a5b00" if "not attempted" in self.message else "#b3261e"
        text = html.escape(self.message).replace("\n", "<br>")
        # On white whatever the theme: each colour is 4.5:1 on white, and less than that on a dark page.
        style = f"border-left:4px solid {colour};padding:4px 10px;color:{colour};background:#fff"
        return f'<div style="{style}">{text}</div>'


# A dollar sign in Markdown that JupyterLab 4.6 shows as $ and not as the start of maths (the notebooks
# write it the same way).
DOLLAR = r"\\$"


class Note:
    """A hint or a solution: Markdown in a notebook, plain text elsewhere."""

    def __init__(self, markdown):
        self.markdown = markdown

    def __repr__(self):
        return self.markdown.replace(DOLLAR, "$")  # plain text: no maths to avoid

    def _repr_markdown_(self):
        return self.markdown


class TimeUp(BaseException):
    """Raised inside a learner's function that runs past its time (a BaseException, so that a learner's
    `except Exception:` cannot swallow it)."""


def call_with_deadline(fn, args, deadline):
    """fn(*args), stopped with TimeUp once time.monotonic() passes deadline.

    A trace function runs before every line of Python, so even `while True: pass` is stopped, on any
    operating system, without threads or signals; the kernel carries on afterwards. (A learner's code
    can switch the trace off, so check() prefers a separate process: see sandbox.py.)"""
    def tracer(frame, event, arg):
        frame.f_trace_opcodes = True  # also wake on every opcode: `while True: pass` has no new lines
        if time.monotonic() > deadline:
            raise TimeUp
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return call_quietly(fn, args)
    finally:
        sys.settrace(previous)


def call_quietly(fn, args):
    """fn(*args) with numpy's warnings off: the learner gets a clear sentence from check instead."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


class Raised:
    """An exception as an outcome of a call: two are equal when their type and message are, or when both say
    that a product's sizes did not fit, the same sizes, whether `@` or np.dot said it (one mistake, spelled
    two ways)."""

    def __init__(self, problem):
        self.kind, self.text = type(problem).__name__, exception_text(problem)
        self.said = product_sizes(self.text) or (self.kind, self.text)

    def __eq__(self, other):
        return isinstance(other, Raised) and self.said == other.said


def product_sizes(text):
    """(A's last size, B's first) from the message of a product A @ B (or np.dot) whose sizes did not fit,
    else None."""
    found = re.search(r"matmul: .*\(size (\d+) is different from (\d+)\)", text)
    if found:
        return int(found.group(2)), int(found.group(1))
    found = re.search(r"shapes \(.*?\) and \(.*?\) not aligned: (\d+) \(dim \d+\) != (\d+)", text)
    return (int(found.group(1)), int(found.group(2))) if found else None


def outcome(fn, args, judged_as=None):
    """fn(*args) on a copy of args, with numpy's warnings off; a Raised if it raises (used to replay the
    usual mistakes). judged_as(the copy, the answer), if given, turns the answer into what check compares."""
    try:
        given = copy.deepcopy(args)
        answer = call_quietly(fn, given)
        return judged_as(given, answer) if judged_as is not None and answer is not None else answer
    except Exception as problem:
        return Raised(problem)


def did_not_finish(call_text, time_limit):
    """The sentence for a call that ran past the time limit."""
    return (f"{call_text} did not finish within {time_limit:g} second{'' if time_limit == 1 else 's'}. "
            "Look for a loop that never ends (a `try/except` that catches everything can hide one), "
            "a sleep, or `input()`.")


def exception_text(problem):
    """'KeyError: 'b2'' for a message; never raises, even if the exception's own __str__ does."""
    try:
        text = str(problem)
    except BaseException:  # a learner's exception class can break anything, even its message
        text = "(its message cannot be shown)"
    return f"{type(problem).__name__}: {text}" if text else type(problem).__name__


def missing_key(problem):
    """The key a KeyError says is missing ('e', 'W6', ...), read from its message, so that it is found also in
    an exception that stands in for one raised in another process; None for any other exception."""
    if type(problem).__name__ != "KeyError":
        return None
    try:
        return ast.literal_eval(exception_text(problem).split(": ", 1)[-1])
    except (ValueError, SyntaxError, MemoryError, RecursionError):  # a message that is not a key written out
        return None


def sentence(text):
    """text ending in a full stop (an exception's message often has none)."""
    text = text.rstrip()  # numpy ends some messages with a space
    return text if text.endswith((".", "!", "?")) else text + "."


def describe(value):
    """A short text for a value in a message: small things in full, arrays by shape. Never raises."""
    try:
        return _describe(value)
    except Exception:  # a learner's object whose repr() fails
        return f"a {type(value).__name__} that cannot be shown"


SHOWN_IN_FULL = 6  # arrays of up to this many numbers are shown in full, so the learner can rerun the case


def _describe(value):
    if callable(value):  # a test case's function shows as code the learner can paste (see exercises.py)
        return getattr(value, "shown_as", None) or getattr(value, "__name__", "f")
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return repr(value)
        if value.size <= SHOWN_IN_FULL and value.dtype.kind in "iuf":
            return f"np.array({np.round(value, 4).tolist()})"
        return f"<array of shape {value.shape}>"
    if isinstance(value, dict):
        if len(value) > SHOWN_IN_FULL * 3:
            return f"<a dict of {len(value)} entries>"
        return "{" + ", ".join(f"{key!r}: {_describe_item(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)) and not _is_number_list(value):
        if len(value) > SHOWN_IN_FULL * 3:
            return f"<a {type(value).__name__} of {len(value)} items>"
        inside = ", ".join(_describe_item(item) for item in value)
        return f"[{inside}]" if isinstance(value, list) else f"({inside}{',' if len(value) == 1 else ''})"
    if isinstance(value, (float, complex)):
        return f"{value:.6g}"
    if isinstance(value, int) and abs(value) > 10 ** 15:
        return f"<int of about {round(value.bit_length() * 0.30103)} digits>"  # repr() fails past 4300
    return repr(value)


CALL_SHOWN_IN_FULL = 140  # characters: a longer call is shown with its arguments in brief
SHOWN_IN_A_SENTENCE = 80  # characters: a longer answer is shown in brief


def describe_call(name, args):
    """'mse(np.array([1.0]), np.array([2.0]))': a test case as a call the learner can paste; with its
    arguments in brief (arrays by shape, dicts by their keys) when that is too long to read."""
    full = f"{name}({', '.join(describe(arg) for arg in args)})"
    return full if len(full) <= CALL_SHOWN_IN_FULL else f"{name}({', '.join(map(brief, args))})"


def shown(value):
    """A learner's answer as a sentence shows it: in full if that is short, else in brief."""
    full = describe(value)
    return full if len(full) <= SHOWN_IN_A_SENTENCE else brief(value)


def brief(value):
    """A shorter text for a value than describe's: '<array (5, 3)>', "{'W1': …, 'b1': …}", '<a list of 7
    items>'. Never raises."""
    try:
        return _brief(value)
    except Exception:  # a learner's object whose repr() fails
        return f"a {type(value).__name__} that cannot be shown"


def _brief(value):
    if isinstance(value, np.ndarray) and (value.ndim > 1 or value.size > 3):
        return f"<array {value.shape}>"
    if isinstance(value, dict) and value:
        keys = [f"{key!r}: …" for key in list(value)[:SHOWN_IN_FULL]]
        return "{" + ", ".join(keys) + (", …" if len(value) > SHOWN_IN_FULL else "") + "}"
    if isinstance(value, (list, tuple)) and len(value) > 3 and not _is_number_list(value):
        return f"<a {type(value).__name__} of {len(value)} items>"
    return _describe(value)


def _describe_item(value):
    """An entry of a list or dict, as _describe shows it; a course helper (a rule on 06's tape) by the name
    the notebook gives it, autodiff.add_backward."""
    module = getattr(value, "__module__", None) or ""
    if callable(value) and module.startswith("course_utils.") and not hasattr(value, "shown_as"):
        return f"{module.split('.')[-1]}.{value.__name__}"
    return _describe(value)


def unchanged(before, after, _compared=None):
    """True when a learner's call left an argument exactly as it was: a number, an array, a dict or list of
    them, or an object (a Tensor and the graph behind it) whose attributes are all as they were."""
    compared = set() if _compared is None else _compared  # pairs already compared: a graph shares parts
    if (id(before), id(after)) in compared:
        return True
    compared.add((id(before), id(after)))
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and \
            np.array_equal(before, after, equal_nan=True)
    if isinstance(before, dict):
        return isinstance(after, dict) and list(before) == list(after) and \
            all(unchanged(before[key], after[key], compared) for key in before)
    if isinstance(before, (list, tuple)):
        return type(after) is type(before) and len(after) == len(before) and \
            all(unchanged(b, a, compared) for b, a in zip(before, after))
    if callable(before):
        return True
    if hasattr(before, "__dict__"):
        return type(after) is type(before) and unchanged(vars(before), vars(after), compared)
    try:
        return bool(before == after)
    except ValueError:
        return False


def _is_number_list(value):
    """True for a list or tuple of plain numbers, such as [1.0, 2.0], which describe shows as it is."""
    return all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value)


def _is_number(value):
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"  # not array(None, dtype=object)
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _is_complex(value):
    try:
        return bool(np.iscomplexobj(value))
    except Exception:  # not array-like at all: difference() says so later
        return False


def _shape_advice(expected_shape, got_shape):
    if len(expected_shape) == 1 and got_shape == expected_shape + (1,):
        return " That is a column (n, 1) where a flat (n,) is wanted: index it with [:, 0] or build it flat."
    if len(got_shape) == 1 and expected_shape == got_shape + (1,):
        return " That is flat (n,) where a column (n, 1) is wanted: keep the matrix product's shape."
    if got_shape == (1,) + tuple(expected_shape):
        return (" That is a row (1, …) where a flat array is wanted: a sum with `keepdims=True` keeps the axis it "
                "adds up; leave keepdims out.")
    return ""


def _two_numbers(got, expected):
    """got and expected as texts with enough digits to tell them apart (6 unless they need more)."""
    for digits in (6, 9, 12, 17):
        got_text, expected_text = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if got_text != expected_text:
            break
    return got_text, expected_text


def _likely_slip(got, expected, rtol, atol):
    """A sentence when got is the right answer with its sign flipped, or (for arrays) the right answer
    times one factor: the usual signs of a slip in a formula. Else ""."""
    if np.any(np.abs(expected) > atol) and np.allclose(got, -expected, rtol=rtol, atol=atol):
        return " That is the right answer with its sign flipped: look for a subtraction the wrong way round."
    if np.sum(np.abs(expected) > atol) < 2:
        return ""
    with np.errstate(all="ignore"):  # an inf in got: no factor, and no warning
        factor = float(np.sum(got * expected) / np.sum(expected * expected))  # the best single factor
    if np.isfinite(factor) and abs(factor) > 1e-9 and np.allclose(got, factor * expected, rtol=rtol, atol=atol):
        return f" Every entry is {factor:.4g} times the right one: a factor is missing or extra."
    return ""


def difference(expected, got, what="the result", rtol=1e-6, atol=1e-9):
    """None when got matches expected (any correct way of computing it), else a sentence saying how not."""
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
            return f"{what} should be a pair of {len(expected)} values, but it is {shown(got)}."
        for position, (want, have) in enumerate(zip(expected, got)):
            reason = difference(want, have, f"{what}[{position}]", rtol, atol)
            if reason:
                return reason
        return None
    if got is None and "[" in what:  # an entry of a dict or a pair left empty: an answer not finished yet
        return f"{what} is None: that entry is not computed yet (its line is still to write, or not returned)."
    expected = np.asarray(expected, dtype=float)
    wanted = "a single number" if expected.ndim == 0 else "an array of numbers"
    if _is_complex(got):
        return (f"{what} is complex ({shown(got)}), but it should be real. Complex numbers usually come "
                "from a power of a negative number, such as `x ** 0.5` with x < 0.")
    if expected.ndim == 0 and not _is_number(got):
        return f"{what} should be a single number, but it is {shown(got)} ({type(got).__name__})."
    try:
        got = np.asarray(got, dtype=float)
    except OverflowError:
        return f"{what} is {shown(got)}, too large to be a float: it should be {wanted}."
    except Exception:  # a learner's object can fail in any way here
        return f"{what} should be {wanted}, but it is {shown(got)} ({type(got).__name__})."
    if expected.ndim == 0:
        got = float(got)
        if np.isnan(got) and not np.isnan(expected):
            return f"{what} is NaN (not a number): look for 0/0, inf - inf or a log of a negative."
        if not np.isclose(got, expected, rtol=rtol, atol=atol):
            return ("{} is {}, but it should be {}.".format(what, *_two_numbers(got, float(expected)))
                    + _likely_slip(np.asarray(got), expected, rtol, atol))
        return None
    if got.shape != expected.shape:
        return (f"{what} has shape {got.shape}, but it should have shape {expected.shape}."
                + _shape_advice(expected.shape, got.shape))
    if np.isnan(got).any() and not np.isnan(expected).any():
        return f"{what} contains NaN (not a number): look for 0/0, inf - inf or an overflow."
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)), got.shape))
        return ("{} has the right shape but different values: at index {} it is {} where it should be {}."
                .format(what, ", ".join(map(str, worst)), *_two_numbers(got[worst], expected[worst]))
                + _likely_slip(got, expected, rtol, atol))
    return None


# What usually causes an exception in a learner's numpy code: (pattern of the exception text, sentence).
# A sentence can use the pattern's groups, as {0}, {1}.
SHAPES_DO_NOT_FIT = "The shapes do not fit together"
EXPLANATIONS = [
    (r"matmul: Input operand 1 has a mismatch .*\(size (\d+) is different from (\d+)\)",
     SHAPES_DO_NOT_FIT + ": in a product A @ B, A's last size must equal B's first; they are {1} and {0}."),
    (r"shapes (\(.*?\)) and (\(.*?\)) not aligned",
     SHAPES_DO_NOT_FIT + ": a product of shapes {0} and {1} needs A's last size to equal B's first."),
    (r"operands could not be broadcast together with shapes (\(.*?\)) (\(.*?\))",
     SHAPES_DO_NOT_FIT + ": arrays of shapes {0} and {1} cannot be combined entry by entry "
     "(numpy stretches only sizes of 1)."),
    (r"only (0-dimensional|length-1) arrays can be converted",
     "A function for single numbers got an array: `float()` and the math module take one number. "
     "numpy's functions, such as `np.exp`, work on both."),
    (r"can't multiply sequence",
     "One side of a `*` is a sequence (a list, a tuple or a text): Python only repeats a sequence, a whole "
     "number of times; it does not calculate with its entries, as numpy does with an array. Check what each "
     "side holds: for a list, take its entries one at a time."),
    (r"unsupported operand type\(s\) for .*'list'",
     "Plain Python lists do not calculate entry by entry (numpy arrays do): take the entries one at a time."),
    (r"unsupported operand type\(s\) for .*'str'",
     "A text (str) is in a calculation: check that each name there holds a number, not a text such as a "
     "name."),
    (r"'(?:float|int)' object is not (?:subscriptable|iterable)|object of type '(?:float|int)' has no len",
     "This test case passes single numbers, not arrays: write it so that it works for both, as numpy's "
     "operators do."),
    (r"truth value of an array with more than one element is ambiguous",
     "An `if` (or `and`, `or`, `max`) on a whole array cannot decide, as it needs one True or False. "
     "numpy's operators work on every entry at once, with no `if`."),
    (r"index (-?\d+) is out of bounds for axis \d+ with size (\d+)",
     "An index ran past the end of an array (index {0} where there are {1}): check the loop's range "
     "against the array's shape; a 2-D array has rows and columns."),
    (r"list index out of range",
     "An index ran past the end of a list: a list of n items has the indices 0 to n - 1 (and -1 for the last). "
     "Check the loop's range against the list's length."),
    (r"NameError: name '(\w+)' is not defined",
     "Your function uses {0}, which does not exist where it runs: define it (and run that cell) first, "
     "or check its spelling."),
]


def explain(problem):
    """A sentence on what usually causes this exception in a learner's code, or ""."""
    text = exception_text(problem)
    for pattern, sentence in EXPLANATIONS:
        found = re.search(pattern, text)
        if found:
            return sentence.format(*(re.sub(r",(?=\d)", ", ", group) for group in found.groups()))  # (5, 1)
    return ""


_DOING_NOTHING = {"RESUME", "NOP", "LOAD_CONST", "POP_TOP", "RETURN_CONST", "RETURN_VALUE"}


def is_stub(fn):
    """True for a function whose body does nothing (`...`, `pass`, a docstring): not attempted yet."""
    code = getattr(fn, "__code__", None)
    return code is None or all(step.opname in _DOING_NOTHING for step in dis.get_instructions(code))


def names_in_code(fn):
    """The global and attribute names fn's code uses (in nested functions too), plus "@" if it
    multiplies matrices: what tells `np.dot(a, b)` or `print(x)` from a loop. Empty for a function
    without Python code."""
    names, codes = set(), [getattr(fn, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is None:
            continue
        names.update(code.co_names)
        names.update("@" for step in dis.get_instructions(code) if step.opname == "BINARY_OP" and "@" in step.argrepr)
        codes.extend(const for const in code.co_consts if hasattr(const, "co_names"))
    return names
