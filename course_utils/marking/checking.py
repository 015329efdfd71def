"""What a learner calls: check, hint and solution, and where check judges an answer (in separate
processes, with a time limit and a memory limit: see sandbox.py). The judgement itself is in
judgement.py, the exercises in exercises.py; judging.py holds the tools: calling safely, comparing with
the reference, explaining an error.

    check("mse", mse)     -> a CheckResult with .passed and .message; never raises
    hint("mse")           -> the next, stronger hint
    solution("mse")       -> the reference code
    exercise_ids()        -> every id, in course order
    verdict("mse", mse)   -> ("pass", "correct on all 4 test cases."): the judgement as data, for tools
"""
import copy
import inspect
import time


from course_utils.marking import judgement, plain, sandbox
from course_utils.marking.exercises import EXERCISES
from course_utils.marking.judging import CheckResult, Note, TimeUp, call_with_deadline, describe, did_not_finish, \
    exception_text

TIME_LIMIT = 3.0  # seconds a learner's function gets for all its test cases together

_hints_given = {}


def exercise_ids():
    """Every exercise id, in course order. Introduced in 00_start_here."""
    return [exercise.id for exercise in EXERCISES]



def _no_such_exercise(exercise_id):
    quotes = "" if isinstance(exercise_id, str) else " An id is a text in quotes, such as \"mse\"."
    return f"There is no exercise {describe(exercise_id)}. The exercises are: {', '.join(exercise_ids())}.{quotes}"



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
            given, text = copy.deepcopy(args), judgement.call_text(exercise, args)
            calls.append(text)
            try:
                got = call_with_deadline(fn, given, deadline)
            except TimeUp:
                return "fail", did_not_finish(text, TIME_LIMIT)
            except BaseException as problem:  # the judge says what it means, as for any function
                replies.append(plain.raised_reply(problem))
                break
            replies.append(plain.returned_reply(got, given))
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

    verdict = sandbox.run_in_thread(
        lambda: judgement.judge_safely(exercise, sandbox.function_to_read(fn), call, TIME_LIMIT), TIME_LIMIT + 1)
    if verdict is None:
        return "fail", _left_running(calls[-1], why)
    return verdict


def verdict(exercise_id, fn):
    """check's judgement of fn as data, printing nothing: (status, sentence), status 'pass', 'fail' or 'todo'
    (not attempted: no such function, still `...` or NotImplementedError). Never raises. For tools that
    mark many answers, such as the teacher's gradebook (classroom/gradebook.py)."""
    try:
        exercise = judgement.find(exercise_id)
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
    exercise = judgement.find(exercise_id)
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
    exercise = judgement.find(exercise_id)
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
    exercise = judgement.find(exercise_id)
    if exercise is None:
        return Note(_no_such_exercise(exercise_id))
    functions = exercise.show + [exercise.reference]
    module = inspect.getmodule(exercise.reference).__name__.replace(".", "/") + ".py"
    code = "\n\n".join(inspect.getsource(fn).rstrip() for fn in functions)
    helpers = ", after the functions it uses, so that the cell runs as it is" if exercise.show else ""
    return Note(f"Reference solution for `{exercise_id}`, from `{module}`{helpers}:\n\n```python\n{code}\n```")

