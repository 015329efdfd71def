"""The judgement of one answer: the first problem found with a learner's function, as (status, sentence),
and the usual mistake it matches. check (checking.py) judges with it in the kernel, the checking process
(worker.py) in a judge; neither imports the other. The tools it uses (calling, comparing, explaining an
error) are in judging.py; the exercises in exercises.py.

    find("mse")                          -> the exercise, or None
    judge_safely(exercise, fn, call)     -> ("pass", "correct on all 4 test cases."); never raises
"""
import copy
import inspect
import marshal

import numpy as np

from course_utils.marking.exercises import EXERCISES
from course_utils.marking.judging import SHAPES_DO_NOT_FIT, Raised, TimeUp, brief, describe_call, \
    did_not_finish, difference, exception_text, explain, is_stub, names_in_code, outcome, sentence, unchanged

_BY_ID = {exercise.id: exercise for exercise in EXERCISES}


def find(exercise_id):
    """The exercise with this id, or None (also for an id that is not a string, such as ["mse"])."""
    return _BY_ID.get(exercise_id) if isinstance(exercise_id, str) else None



def parameter_names(exercise):
    """The names of the exercise's parameters, as its reference has them: ["predictions", "actuals"]."""
    return list(inspect.signature(exercise.reference).parameters)


def call_text(exercise, args):
    """A test case's call as the messages show it: mse(np.array([1.0]), np.array([2.0]))."""
    return describe_call(exercise.id, args)


def judge(exercise, fn, call, time_limit=None):
    """The first problem found with fn, as (status, sentence); status is 'pass', 'todo' or 'fail'.
    call(text, fn, args) makes each call of the learner's function and returns its answer and the
    arguments as the call left them; text names the call, for messages. time_limit: the seconds the calls
    had, for the message when one runs out (TimeUp, raised only by calls made in the kernel)."""
    shortcut = _shortcut_used(exercise, fn)
    if shortcut:
        return "fail", shortcut
    answers = []
    for args in exercise.cases():
        given, text = copy.deepcopy(args), call_text(exercise, args)
        try:
            got, given = call(text, fn, given)
        except NotImplementedError:
            return "todo", "it still raises NotImplementedError"
        except TimeUp:
            return "fail", did_not_finish(text, time_limit)
        except Exception as problem:
            return "fail", _raised(exercise, answers + [(args, Raised(problem))], text, problem)
        except BaseException as problem:  # SystemExit, KeyboardInterrupt...: the learner's code raised them
            return "fail", f"{text} raised {exception_text(problem)}"
        for name, before, after in zip(parameter_names(exercise), args, given):
            if not unchanged(before, after):
                return "fail", (f"{text} changed its input `{name}`. Leave the inputs "
                                f"as they were: build a new value or work on a copy (`{name}.copy()`) "
                                "instead of changing it in place.")
        if exercise.judged_as is not None and got is not None:
            try:
                got = exercise.judged_as(given, got)
            except Exception as problem:  # an answer of the wrong kind: the exercise says what it should be
                return "fail", f"{text} returned {brief(got)}, but {exception_text(problem).split(': ', 1)[-1]}"
        answers.append((args, got))
    if all(got is None for _, got in answers):
        if "print" in names_in_code(fn):
            return "fail", ("Your function prints its answer but returns None: `print` only shows a value, "
                            "`return` hands it back.")
        if not is_stub(fn):
            return "fail", "Your function returns None. Is a `return` missing?"
        return "todo", "it returns None"
    for args, got in answers:
        if got is None:
            return "fail", f"{call_text(exercise, args)} returned None. Is a `return` missing?"
        reason = difference(_expected(exercise, args), got, what=exercise.what, rtol=exercise.rtol)
        if reason:
            mistake = _matching_mistake(exercise, answers)
            if mistake:  # what to change first; the test case after it
                return "fail", (f"Your answer matches a usual mistake: {mistake.name}. {mistake.advice} "
                                f"(It shows on the test case {call_text(exercise, args)}.)")
            shapes = f" {exercise.shapes}" if " has shape " in reason and exercise.shapes else ""
            return "fail", f"For {call_text(exercise, args)}: {reason}{shapes}"
    return "pass", f"correct on all {len(answers)} test cases."


def _expected(exercise, args):
    """The reference's answer to a test case, as check compares it."""
    given = copy.deepcopy(args)
    answer = exercise.reference(*given)
    return answer if exercise.judged_as is None else exercise.judged_as(given, answer)


def _shortcut_used(exercise, fn):
    """The sentence for a function that uses what the exercise rules out (np.dot in dot), or "". fn is what
    the judge reads of the learner's function (sandbox.function_to_read): the names in the code that runs
    when it is called (for a callable object, its __call__'s). The rule is a nudge towards the exercise,
    not a proctor: a name built while the function runs (getattr(np, "d" + "ot")) is not caught."""
    names = names_in_code(fn) if hasattr(fn, "__code__") else {getattr(fn, "__name__", "")}  # np.dot itself
    used = [shown for name, shown in exercise.shortcuts.items() if name in names]
    if not used:
        return ""
    return (f"The exercise asks for a plain loop; your function uses {' and '.join(used)}. Right after this "
            "exercise the notebook switches to `@` (the same as `np.dot`); here, build the sum yourself, one "
            "product at a time.")


def _raised(exercise, answers, text, problem):
    """The sentence for a call that raised problem: the exception's own message first (numpy's says which
    shapes did not fit), then what usually causes it (in the shapes of this exercise's inputs, for a shape
    error), then a usual mistake that raises the same, offered as a possibility: other code can raise it too."""
    said = sentence(f"{text} raised {exception_text(problem)}")
    why = explain(problem) or exercise.explain_raised(answers[-1][0], problem)
    maybe = _possible_mistakes(exercise, answers)
    if why.startswith(SHAPES_DO_NOT_FIT):
        shapes = _shapes(exercise, answers[-1][0])
        how = f" {exercise.shapes}" if exercise.shapes and not maybe else ""  # else the mistake's advice says
        why += (f" Here {shapes}." if shapes else "") + how
    if isinstance(problem, NameError) and hasattr(exercise.module, getattr(problem, "name", None) or ""):
        why += f" In this notebook it is `{exercise.module.__name__.split('.')[-1]}.{problem.name}`."
    return f"{said}{' ' + why if why else ''}{maybe}"


def _possible_mistakes(exercise, answers):
    """' This may be a usual mistake: …' for the usual mistakes that raise the same exception (two at
    most: several mistakes can break the same line)."""
    mistakes = _matching_mistakes(exercise, answers)[:2]
    said = [f"{mistake.name}. {mistake.advice}" for mistake in mistakes]
    if len(said) == 2:
        return f" This may be a usual mistake: {said[0]} Or another usual mistake: {said[1]}"
    return f" This may be a usual mistake: {said[0]}" if said else ""


def _shapes(exercise, args):
    """'X is (6, 3) and w is (3,)': the shapes of the array inputs, by name; a dict's matrices by key (the
    weights in backward_layers' params)."""
    named = list(zip(parameter_names(exercise), args))
    named += [(key, value) for _, arg in named if isinstance(arg, dict) for key, value in arg.items()
              if isinstance(value, np.ndarray) and value.ndim == 2]
    shapes = [f"{name} is {arg.shape}" for name, arg in named if isinstance(arg, np.ndarray) and arg.ndim]
    return ", ".join(shapes[:-1]) + " and " + shapes[-1] if len(shapes) > 1 else "".join(shapes)


_MISSING = object()  # a part (key, item) that an answer does not have


def _part(value, key):
    """value[key] for a dict's key or a pair's position, or _MISSING."""
    if isinstance(value, dict):
        return value.get(key, _MISSING)
    if isinstance(key, int) and isinstance(value, (tuple, list)) and key < len(value):
        return value[key]
    return _MISSING


def _same(exercise, mistaken, got):
    """True when a usual mistake's outcome equals the learner's: the same value, or the same exception."""
    if isinstance(mistaken, Raised) or isinstance(got, Raised):
        return isinstance(mistaken, Raised) and mistaken == got  # not array == Raised: numpy compares entries
    if mistaken is None or mistaken is _MISSING or got is _MISSING:
        return False
    if isinstance(mistaken, dict) and isinstance(got, dict) and set(mistaken) != set(got):
        return False  # difference() looks only at the keys it expects: extra or missing keys differ too
    return difference(mistaken, got, rtol=exercise.rtol) is None


def _first_wrong_part(exercise, answers):
    """The first key of a dict answer (or position of a pair) where the learner's values are wrong."""
    expected = [_expected(exercise, args) for args, _ in answers]
    keys = list(expected[0]) if isinstance(expected[0], dict) else \
        range(len(expected[0])) if isinstance(expected[0], tuple) else []
    for key in keys:
        for want, (_, got) in zip(expected, answers):
            theirs = _part(got, key)
            if theirs is not _MISSING and difference(want[key], theirs, rtol=exercise.rtol):
                return key
    return None


def _matching_mistake(exercise, answers):
    """The first usual mistake that gives the learner's outcomes (see _matching_mistakes), or None."""
    return next(iter(_matching_mistakes(exercise, answers)), None)


def _matching_mistakes(exercise, answers):
    """The usual mistakes that give the learner's outcome on every test case so far (the same value, or
    the same exception); failing those, the ones that give the same values in the first part (a key of a
    dict, an item of a pair) that the learner got wrong, so that one of two slips is still named. Not for an
    exercise that judges its answers as something else (the gradients an order gives): the parts of those
    come from one computation, not from separate slips, and a part such as a 0 is the same for many."""
    replays = [(mistake, [outcome(mistake.make, args, exercise.judged_as) for args, _ in answers])
               for mistake in exercise.mistakes]
    matching = [mistake for mistake, outcomes in replays
                if all(_same(exercise, theirs, got) for theirs, (_, got) in zip(outcomes, answers))]
    key = None if matching or exercise.judged_as else _first_wrong_part(exercise, answers)
    if key is not None:
        matching = [mistake for mistake, outcomes in replays
                    if all(_same(exercise, _part(theirs, key), _part(got, key))
                           for theirs, (_, got) in zip(outcomes, answers))]
    named = {}
    for mistake in matching:  # twins (one mistake made in two ways) share a name: say it once
        named.setdefault(mistake.name, mistake)
    return list(named.values())


def judge_safely(exercise, fn, call, time_limit=None):
    """judge, with a sentence instead of an exception should judging itself fail (say, on a learner's
    object that breaks when compared)."""
    try:
        return judge(exercise, fn, call, time_limit)
    except BaseException as problem:
        return "fail", f"check could not judge the answer ({exception_text(problem)})."


class FunctionToRead:
    """The learner's function as the judge sees it: its name and code, to read and never to run (the
    runner runs it). The judge looks for `...`, `print` and ruled-out shortcuts such as np.dot."""

    def __init__(self, name, code):
        self.__name__ = name
        if code is not None:
            self.__code__ = marshal.loads(code)
