"""What a learner calls: check, hint and solution, and how check judges an answer (in separate
processes, with a time limit and a memory limit: see sandbox.py). The exercises themselves are in
exercises.py; judging.py holds the tools: calling safely, comparing with the reference, explaining an error.

    check("mse", mse)     -> a CheckResult with .passed and .message; never raises
    hint("mse")           -> the next, stronger hint
    solution("mse")       -> the reference code
    exercise_ids()        -> every id, in course order
    verdict("mse", mse)   -> ("pass", "correct on all 4 test cases."): the judgement as data, for tools
"""
import copy
import inspect
import time

import numpy as np

from course_utils import sandbox
from course_utils.exercises import EXERCISES
from course_utils.judging import SHAPES_DO_NOT_FIT, CheckResult, Note, Raised, TimeUp, brief, call_with_deadline, \
    describe, describe_call, did_not_finish, difference, exception_text, explain, is_stub, names_in_code, outcome, \
    sentence, unchanged

TIME_LIMIT = 3.0  # seconds a learner's function gets for all its test cases together

_BY_ID = {exercise.id: exercise for exercise in EXERCISES}
_hints_given = {}


def exercise_ids():
    """Every exercise id, in course order. Introduced in 00_start_here."""
    return [exercise.id for exercise in EXERCISES]


def _find(exercise_id):
    """The exercise with this id, or None (also for an id that is not a string, such as ["mse"])."""
    return _BY_ID.get(exercise_id) if isinstance(exercise_id, str) else None


def _no_such_exercise(exercise_id):
    quotes = "" if isinstance(exercise_id, str) else " An id is a text in quotes, such as \"mse\"."
    return f"There is no exercise {describe(exercise_id)}. The exercises are: {', '.join(exercise_ids())}.{quotes}"


def _parameter_names(exercise):
    return list(inspect.signature(exercise.reference).parameters)


def _call_text(exercise, args):
    return describe_call(exercise.id, args)


def _judge(exercise, fn, call):
    """The first problem found with fn, as (status, sentence); status is 'pass', 'todo' or 'fail'.
    call(text, fn, args) makes each call of the learner's function and returns its answer and the
    arguments as the call left them; text names the call, for messages."""
    shortcut = _shortcut_used(exercise, fn)
    if shortcut:
        return "fail", shortcut
    answers = []
    for args in exercise.cases():
        given, text = copy.deepcopy(args), _call_text(exercise, args)
        try:
            got, given = call(text, fn, given)
        except NotImplementedError:
            return "todo", "it still raises NotImplementedError"
        except TimeUp:
            return "fail", did_not_finish(text, TIME_LIMIT)
        except Exception as problem:
            return "fail", _raised(exercise, answers + [(args, Raised(problem))], text, problem)
        except BaseException as problem:  # SystemExit, KeyboardInterrupt...: the learner's code raised them
            return "fail", f"{text} raised {exception_text(problem)}"
        for name, before, after in zip(_parameter_names(exercise), args, given):
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
            return "fail", f"{_call_text(exercise, args)} returned None. Is a `return` missing?"
        reason = difference(_expected(exercise, args), got, what=exercise.what, rtol=exercise.rtol)
        if reason:
            mistake = _matching_mistake(exercise, answers)
            if mistake:  # what to change first; the test case after it
                return "fail", (f"Your answer matches a usual mistake: {mistake.name}. {mistake.advice} "
                                f"(It shows on the test case {_call_text(exercise, args)}.)")
            shapes = f" {exercise.shapes}" if " has shape " in reason and exercise.shapes else ""
            return "fail", f"For {_call_text(exercise, args)}: {reason}{shapes}"
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
    named = list(zip(_parameter_names(exercise), args))
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


def _judge_safely(exercise, fn, call):
    """_judge, with a sentence instead of an exception should judging itself fail (say, on a learner's
    object that breaks when compared)."""
    try:
        return _judge(exercise, fn, call)
    except BaseException as problem:
        return "fail", f"check could not judge the answer ({exception_text(problem)})."


def _verdict(exercise, fn):
    """(status, sentence, printed): judged in separate processes; when fn cannot go there, run here and
    judged there; judged here only when no checking process starts."""
    try:
        return sandbox.judge_in_worker(exercise.id, fn, TIME_LIMIT)
    except sandbox.CannotRunThere as why:
        return _run_here_judge_there(exercise, fn, why)
    except sandbox.NoWorker as why:
        return *_judge_here(exercise, fn, why), ""


def _run_here_judge_there(exercise, fn, why):
    """Run fn on the test cases in a thread of this process, the trace function keeping time, and send
    what it did to a pristine judge: a function run here could change a judge that ran here too."""
    deadline, calls = time.monotonic() + TIME_LIMIT, [f"{exercise.id}(...)"]

    def run():
        replies = []
        for args in exercise.cases():
            given, text = copy.deepcopy(args), _call_text(exercise, args)
            calls.append(text)
            try:
                got = call_with_deadline(fn, given, deadline)
            except TimeUp:
                return "fail", did_not_finish(text, TIME_LIMIT)
            except BaseException as problem:  # the judge says what it means, as for any function
                replies.append(sandbox.raised_reply(problem))
                break
            replies.append(sandbox.returned_reply(got, given))
        return replies

    ran = sandbox.run_in_thread(run, TIME_LIMIT + 1)
    if ran is None:
        return "fail", _left_running(calls[-1], why), ""
    if isinstance(ran, tuple):
        return *ran, ""
    try:
        return sandbox.judge_in_worker(exercise.id, fn, TIME_LIMIT, replies=ran)
    except sandbox.NoWorker as problem:
        return "fail", f"check could not judge it: {why}, and then {problem}.", ""


def _left_running(text, why):
    return (did_not_finish(text, TIME_LIMIT) + f" It ran inside this notebook ({why}), so it may still be "
            "running in the background: restart the kernel if the notebook feels slow.")


def _judge_here(exercise, fn, why):
    """Judge fn in a thread of this process, the trace function keeping time. A learner's code can
    defeat that, so after the time limit we stop waiting and leave the thread behind."""
    deadline, calls = time.monotonic() + TIME_LIMIT, [f"{exercise.id}(...)"]

    def call(text, _, args):  # fn itself, not what the judge reads of it
        calls.append(text)
        return call_with_deadline(fn, args, deadline), args

    verdict = sandbox.run_in_thread(lambda: _judge_safely(exercise, sandbox.function_to_read(fn), call),
                                    TIME_LIMIT + 1)
    if verdict is None:
        return "fail", _left_running(calls[-1], why)
    return verdict


def verdict(exercise_id, fn):
    """check's judgement of fn as data, printing nothing: (status, sentence), status 'pass', 'fail' or 'todo'
    (not attempted: no such function, still `...` or NotImplementedError). Never raises. For tools that
    mark many answers, such as the teacher's gradebook (classroom/gradebook.py)."""
    try:
        exercise = _find(exercise_id)
        if exercise is None:
            return "fail", _no_such_exercise(exercise_id)
        if fn is None:
            return "todo", f"there is no function `{exercise_id}` in the notebook"
        if not callable(fn):
            return "fail", f"`{exercise_id}` is {describe(fn)}, not a function"
        status, sentence, _ = _verdict(exercise, fn)
        return status, sentence
    except BaseException as problem:  # as in check: a failure of judging must not look like the learner's
        return "fail", f"check itself failed ({exception_text(problem)})"


def check(exercise_id, fn=None):
    """Run your function on the exercise's test cases and say whether it is right, and if not, why.
    Never raises. One check runs at a time: a check from a second thread waits for the first, and the
    wait counts in its time limit. Introduced in 00_start_here."""
    try:
        return _check(exercise_id, fn)
    except KeyboardInterrupt:
        return CheckResult(False, "✗ check stopped: you interrupted it. Run the cell again to check your function.")
    except BaseException as problem:  # a bug of check's own must not look like the learner's
        return CheckResult(False, f"✗ check itself failed ({exception_text(problem)}). Call your function "
                                  "yourself to test it, and please tell the course's authors.")


def _check(exercise_id, fn):
    if callable(exercise_id) and isinstance(fn, str):
        return CheckResult(False, f"✗ The exercise id comes first, then your function: "
                                  f"check(\"{fn}\", {describe(exercise_id)}).")
    exercise = _find(exercise_id)
    if exercise is None:
        return CheckResult(False, f"✗ {_no_such_exercise(exercise_id)}")
    if not callable(fn):
        return CheckResult(False, f"✗ {exercise_id}: pass your function itself, as in "
                                  f"check({exercise_id!r}, {exercise_id}); got {describe(fn)}.")
    status, sentence, printed = _verdict(exercise, fn)
    if printed:
        print(printed, end="" if printed.endswith("\n") else "\n")  # what the function printed, above the result
    if status == "pass":
        return CheckResult(True, f"✓ {exercise_id}: {sentence}")
    if status == "todo":
        return CheckResult(False, f"… {exercise_id}: not attempted yet ({sentence}). Replace the `...` with "
                                  f"your code and run the cell again. Stuck? hint({exercise_id!r})")
    return CheckResult(False, f"✗ {exercise_id}: not yet. {sentence}\nStuck? hint({exercise_id!r})")


def hint(exercise_id):
    """The next hint for an exercise, each stronger than the last. Introduced in 00_start_here."""
    exercise = _find(exercise_id)
    if exercise is None:
        return Note(_no_such_exercise(exercise_id))
    shown = _hints_given.get(exercise_id, 0)
    number = min(shown, len(exercise.hints) - 1)
    _hints_given[exercise_id] = shown + 1
    last = ""
    if number == len(exercise.hints) - 1:
        last = f" That was the last hint: `solution({exercise_id!r})` shows the code."
    return Note(f"**Hint {number + 1} of {len(exercise.hints)} for `{exercise_id}`:** {exercise.hints[number]}{last}")


def solution(exercise_id):
    """The reference solution: the course_utils code itself, so it always agrees with the library.
    Introduced in 00_start_here."""
    exercise = _find(exercise_id)
    if exercise is None:
        return Note(_no_such_exercise(exercise_id))
    functions = exercise.show + [exercise.reference]
    module = inspect.getmodule(exercise.reference).__name__.replace(".", "/") + ".py"
    code = "\n\n".join(inspect.getsource(fn).rstrip() for fn in functions)
    helpers = ", after the functions it uses, so that the cell runs as it is" if exercise.show else ""
    return Note(f"Reference solution for `{exercise_id}`, from `{module}`{helpers}:\n\n```python\n{code}\n```")
