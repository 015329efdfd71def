"""A learner's answers as plain data: what the runner sends (numbers, text, numpy arrays, lists, tuples,
dicts and sets of these, the course's own tensors; anything else as its description), and the loader
that takes nothing else, so that loading an answer runs none of the learner's code. Used by the runner
and the judge (worker.py), and by check for a function that ran in the kernel (checking.py)."""
import io
import pickle
import sys
import types

from course_utils.marking.judging import describe, exception_text


class Shown:
    """An answer that cannot be sent as plain data: its type's name and its description."""

    def __init__(self, kind, text):
        self.kind, self.text = kind, text

    def __repr__(self):
        return str(self.text)

    def rebuilt(self):
        return type(str(self.kind), (), {"__repr__": lambda _: str(self.text)})()


def exact_text(value):
    """value as an exact str (a str subclass of the learner's would not load in the judge)."""
    return str.__str__(value) if isinstance(value, str) else ""


def _tensor_classes():
    from course_utils import autodiff
    from course_utils.marking import exercises
    return autodiff.Tensor, exercises._SharedTensor


def _is_course_function(value):
    """A function of the course's that the answer loader accepts (a grad_fn, a test case's function)."""
    module = sys.modules.get(getattr(value, "__module__", None) or "")
    name = getattr(value, "__name__", "")
    return (module is not None and _course_function_allowed(module.__name__, name)
            and getattr(module, name, None) is value)


def _course_function_allowed(module, name):
    if "." in name:
        return False
    if module == "course_utils.autodiff":
        return name.endswith("_backward")
    if module == "course_utils.marking.exercises":
        return hasattr(getattr(sys.modules.get(module), name, None), "shown_as")  # a test case's function
    return False


_PLAIN_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def _plain(value, memo):
    """value as plain data (see _AnswerUnpickler): containers copied, what cannot be sent as a Shown.
    Runs in the runner (or in the kernel, for a function that cannot go there)."""
    import numpy as np
    if type(value) in _PLAIN_SCALARS:
        return value
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" and not value.dtype.hasobject:
        return value
    if isinstance(value, np.ndarray):
        array = np.asarray(value)
        array = array if type(array) is np.ndarray else np.array(array)
        if not array.dtype.hasobject:
            return array
        copy = memo[id(value)] = np.empty(array.shape, dtype=object)
        for index, item in enumerate(array.flat):
            copy.flat[index] = _plain(item, memo)
        return copy
    if isinstance(value, (list, dict, set, frozenset, tuple)):
        return _plain_container(value, memo)
    if type(value) in _tensor_classes():
        copy = memo[id(value)] = object.__new__(type(value))
        copy.__dict__.update({exact_text(key): _plain(item, memo) for key, item in vars(value).items()})
        return copy
    if isinstance(value, types.FunctionType) and _is_course_function(value):
        return value
    return Shown(exact_text(type(value).__name__), exact_text(describe(value)))


def _plain_container(value, memo):
    if isinstance(value, list):
        copy = memo[id(value)] = []
        copy.extend(_plain(item, memo) for item in list.__iter__(value))
        return copy
    if isinstance(value, dict):
        copy = memo[id(value)] = {}
        for key, item in dict.items(value):
            copy[_plain(key, memo)] = _plain(item, memo)
        return copy
    kind = tuple if isinstance(value, tuple) else frozenset if isinstance(value, frozenset) else set
    copy = memo[id(value)] = kind(_plain(item, memo) for item in kind.__iter__(value))
    return copy


def pack(got, args):
    """The pickle of (answer, arguments) as plain data, which the judge can load; an answer that does not
    go (too deep, say) is sent as its description, and arguments that do not as None."""
    for value in ((got, args), (got, None)):
        try:
            data = pickle.dumps(_plain(value, {}), protocol=pickle.HIGHEST_PROTOCOL)
            _answer_loads(data)  # as the judge will
            return data
        except Exception:
            pass
    return pickle.dumps((Shown(exact_text(type(got).__name__), exact_text(describe(got))), None))


class _AnswerUnpickler(pickle.Unpickler):
    """Loads plain data and nothing else: numpy's arrays and scalars, sets, complex numbers, the course's
    tensors and the course functions they refer to. Any other class or function is refused, so loading
    an answer runs none of the learner's code."""

    ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"),
               ("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
               ("numpy.core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
               ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
               ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"), ("builtins", "slice"),
               ("builtins", "range"), ("builtins", "bytearray"), ("builtins", "object"),
               ("copyreg", "_reconstructor"), ("course_utils.autodiff", "Tensor"),
               ("course_utils.marking.exercises", "_SharedTensor"), ("course_utils.marking.exercises", "_shared"),
               ("course_utils.marking.plain", "Shown")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED or _course_function_allowed(module, name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _answer_loads(data):
    return _AnswerUnpickler(io.BytesIO(data)).load()


def returned_reply(got, args):
    """The reply for a call that returned got and left its arguments as args."""
    return "returned", pack(got, args)


def raised_reply(problem):
    """The reply for a call that raised problem: its base, type name, message and name, as text."""
    base = next(kind for kind in (NotImplementedError, NameError, Exception, BaseException)
                if isinstance(problem, kind))
    kind = exact_text(type(problem).__name__)
    text = exact_text(exception_text(problem))[len(kind) + 2:]
    name = getattr(problem, "name", None) if isinstance(problem, NameError) else None
    return "raised", (base.__name__, kind, text, exact_text(name) if isinstance(name, str) else None)


def unpack(packed, args):
    """(answer, the arguments as the call left them) from the runner's reply."""
    try:
        got, after = _answer_loads(packed)
    except Exception as problem:
        why = exception_text(problem)
        return Shown("object", f"an object check cannot read ({why}): return numbers or arrays").rebuilt(), args
    return got.rebuilt() if isinstance(got, Shown) else got, args if after is None else after
