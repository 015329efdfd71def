"""Wrong answers that learners really write (learner_answers.py): every one fails, and check() names the
mistake for nearly all of them, not only "the result is X, but it should be Y". The same for a fresh set for
05's and 06's exercises (learner_answers_fresh.py), written by a reviewer who had not read the mistake tables:
there, at least 90 % of each exercise's answers are named."""
import re

import pytest

from course_utils import check, exercise_ids
from course_utils.marking.exercises import EXERCISES
from course_utils.marking.judging import EXPLANATIONS, SHAPES_DO_NOT_FIT
from learner_answers import ANSWERS
from learner_answers_blind import BLIND
from learner_answers_fresh import FRESH

# What a message says when it cannot say more than that the answer differs (an exercise's sentence on
# how its shapes fit does not count as naming the mistake).
GENERIC = [
    r"For .*: the result\S* is [^,]*, but it should be \S+\.$",
    r"For .*: the result\S* has the right shape but different values: at index [\d, ]+ it is \S+ "
    r"where it should be \S+\.$",
    r"For .*: the result\S* has shape \(.*\), but it should have shape \([^)]*\)\.$",
    r"For .*: the result\S* (is|contains) NaN",
    r"For .*: walked backwards in your order, grads\S* is [^,]*, but it should be \S+\.$",  # topological_order
    r"not attempted yet",
]
# The start of each sentence of judging.EXPLANATIONS that names a cause (a function for single numbers given
# an array, an `if` on an array, ...). Saying that the shapes do not fit only repeats numpy's message.
CAUSES = [sentence.split("{")[0][:40] for _, sentence in EXPLANATIONS if not sentence.startswith(SHAPES_DO_NOT_FIT)]


def is_generic(message):
    first_line = message.split("\n")[0]
    for exercise in EXERCISES:
        if exercise.shapes:
            first_line = first_line.replace(" " + exercise.shapes, "")
    return any(re.search(pattern, first_line) for pattern in GENERIC) or only_raised(first_line)


def only_raised(line):
    """A call that raised, with its exception's message, and neither a usual mistake nor a cause named."""
    return bool(re.search(r"raised \w+(: |\.?$)", line)) and "usual mistake" not in line and \
        not any(cause in line for cause in CAUSES)


@pytest.fixture(scope="module")
def results():
    return {answer.fn.__name__: check(answer.exercise_id, answer.fn) for answer in ANSWERS}


def test_there_are_many_wrong_answers_for_every_exercise():
    assert len(ANSWERS) >= 60
    assert len({answer.fn.__name__ for answer in ANSWERS}) == len(ANSWERS)
    for exercise_id in [exercise_id for exercise_id in exercise_ids() if exercise_id not in BLIND_IDS][:12]:
        # the course's first twelve; newer ones have their own tests
        assert sum(answer.exercise_id == exercise_id for answer in ANSWERS) >= 4, exercise_id


@pytest.mark.parametrize("answer", ANSWERS, ids=[answer.fn.__name__ for answer in ANSWERS])
def test_every_wrong_answer_fails(answer, results):
    assert not results[answer.fn.__name__].passed


def test_nearly_every_wrong_answer_gets_its_mistake_named(results):
    unnamed = [f"{answer.exercise_id} / {answer.description}: {results[answer.fn.__name__].message}"
               for answer in ANSWERS if is_generic(results[answer.fn.__name__].message)]
    named = len(ANSWERS) - len(unnamed)
    assert named >= 0.9 * len(ANSWERS), "\n".join(unnamed)


def test_the_generic_messages_are_recognised_as_generic():
    assert is_generic("✗ mse: not yet. For mse(np.array([1.0])): the result is 1, but it should be 2.5e+09.\nStuck?")
    assert is_generic('✗ backward: not yet. For backward(...): the result["W1"] has the right shape but different '
                      "values: at index 0, 1 it is 1.5 where it should be 2.5.\nStuck? hint('backward')")
    assert is_generic("✗ dot: not yet. dot([1.0], [2.0]) raised TypeError: unsupported operand\nStuck?")
    assert is_generic("✗ backward_tape: not yet. backward_tape(<a list of 7 items>, {'x': …}) raised KeyError: 'e'.")
    assert is_generic("✗ forward: not yet. forward(<array (5, 3)>) raised ValueError: matmul: (size 1 is different "
                      "from 4). The shapes do not fit together: in a product A @ B, A's last size must equal B's "
                      "first; they are 4 and 1. Here X is (5, 3).\nStuck?")
    assert not is_generic("✗ forward: not yet. forward(<array (5, 3)>) raised ValueError: matmul: (size 1 is "
                          "different from 4). This may be a usual mistake: multiplied `W1 @ X`.\nStuck?")
    assert not is_generic("✗ error: not yet. error(1.0, 2.0) raised ValueError: The truth value of an array with "
                          "more than one element is ambiguous. An `if` (or `and`, `or`, `max`) on a whole array")
    assert not is_generic("✗ step: not yet. For step(5, 2, 0.1): the result is -4.8, but it should be 4.8. That is "
                          "the right answer with its sign flipped: look for a subtraction the wrong way round.")
    assert not is_generic("✗ mse: not yet. For mse(...) your answer matches a usual mistake: summed.")


@pytest.fixture(scope="module")
def fresh_results():
    return {answer.fn.__name__: check(answer.exercise_id, answer.fn) for answer in FRESH}


def test_the_fresh_set_covers_every_exercise_of_05_and_06():
    ids = exercise_ids()
    assert {answer.exercise_id for answer in FRESH} == set(ids[ids.index("sigmoid_derivative"):]) - BLIND_IDS
    assert len({answer.fn.__name__ for answer in FRESH}) == len(FRESH) >= 100


@pytest.mark.parametrize("answer", FRESH, ids=[answer.fn.__name__ for answer in FRESH])
def test_every_fresh_wrong_answer_fails(answer, fresh_results):
    assert not fresh_results[answer.fn.__name__].passed


@pytest.mark.parametrize("exercise_id", sorted({answer.exercise_id for answer in FRESH}))
def test_in_every_exercise_nearly_every_fresh_answer_gets_its_mistake_named(exercise_id, fresh_results):
    theirs = [answer for answer in FRESH if answer.exercise_id == exercise_id]
    unnamed = [f"{answer.description}: {fresh_results[answer.fn.__name__].message}" for answer in theirs
               if is_generic(fresh_results[answer.fn.__name__].message)]
    assert len(theirs) - len(unnamed) >= 0.9 * len(theirs), "\n".join(unnamed)


# --- Written blind for the exercises added later (learner_answers_blind.py) -------------------------------

BLIND_IDS = {answer.exercise_id for answer in BLIND}


@pytest.fixture(scope="module")
def blind_results():
    return {answer.fn.__name__: check(answer.exercise_id, answer.fn) for answer in BLIND}


def test_the_blind_set_has_many_answers_for_each_of_its_exercises():
    assert len({answer.fn.__name__ for answer in BLIND}) == len(BLIND)
    for exercise_id in BLIND_IDS:
        assert sum(answer.exercise_id == exercise_id for answer in BLIND) >= 12, exercise_id


@pytest.mark.parametrize("answer", BLIND, ids=[answer.fn.__name__ for answer in BLIND])
def test_every_blind_wrong_answer_fails(answer, blind_results):
    assert not blind_results[answer.fn.__name__].passed


@pytest.mark.parametrize("exercise_id", sorted(BLIND_IDS))
def test_in_every_exercise_nearly_every_blind_answer_gets_its_mistake_named(exercise_id, blind_results):
    theirs = [answer for answer in BLIND if answer.exercise_id == exercise_id]
    unnamed = [f"{answer.description}: {blind_results[answer.fn.__name__].message}" for answer in theirs
               if is_generic(blind_results[answer.fn.__name__].message)]
    assert len(theirs) - len(unnamed) >= 0.9 * len(theirs), "\n".join(unnamed)
