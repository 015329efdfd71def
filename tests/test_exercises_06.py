"""The exercises of 06_deeper: backward_layers, multiply_backward, backward_tape, matmul_backward and
topological_order. check() must pass the references and correct answers written other ways
(learner_answers.RIGHT), and catch and name each usual mistake, each checked to be really wrong against
an independent truth (autograd, nudging, the definition of a topological order), never against the
reference."""
import re

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from course_utils import autodiff, check, deep, gradcheck, hint, solution
from course_utils.marking.exercises import EXERCISES
from course_utils.marking.judging import describe
from learner_answers import ANSWERS, RIGHT

IDS = ["backward_layers", "multiply_backward", "backward_tape", "matmul_backward", "topological_order"]
NEW = {exercise.id: exercise for exercise in EXERCISES if exercise.id in IDS}
MISTAKES = [(exercise_id, mistake) for exercise_id, exercise in NEW.items() for mistake in exercise.mistakes]


def test_the_five_exercises_come_after_05s_in_notebook_06():
    ids = [exercise.id for exercise in EXERCISES]
    assert ids[-5:] == IDS and all(NEW[exercise_id].notebook == "06_deeper" for exercise_id in IDS)


# --- the truth each answer is held to, computed without the references -------------------------------------

def layers_truth(X, y, params):
    def E(p):
        L = len(p) // 2
        h = X
        for layer in range(1, L + 1):
            h = anp.dot(h, p[f"W{layer}"]) + p[f"b{layer}"]
            h = h if layer == L else 1 / (1 + anp.exp(-h))
        return anp.mean((h - y) ** 2)
    return grad(E)(params)


def multiply_truth(a, b, d_out):
    """Each input's gradient, by nudging it: d(sum(a * b * d_out)) / da, entry by entry."""
    a, b, d_out = (np.asarray(v, dtype=float) for v in (a, b, d_out))
    return (gradcheck.numerical_gradient(lambda v: np.sum(v * b * d_out), a),
            gradcheck.numerical_gradient(lambda v: np.sum(a * v * d_out), b))


def matmul_truth(A, B, d_out):
    return (gradcheck.numerical_gradient(lambda v: np.sum((v @ B) * d_out), A),
            gradcheck.numerical_gradient(lambda v: np.sum((A @ v) * d_out), B))


# What each rule on the tapes is the rule of, written here rather than read from autodiff's records.
FORWARD = {autodiff.add_backward: lambda a, b: a + b, autodiff.subtract_backward: lambda a, b: a - b,
           autodiff.multiply_backward: lambda a, b: a * b, autodiff.sigmoid_backward: lambda a: 1 / (1 + np.exp(-a))}


def tape_truth(tape, values):
    """dE/d(every value), by nudging each value and running the rest of the tape forwards again."""
    def E(changed):
        current = dict(values, **changed)
        for output, grad_fn, inputs in tape:
            if output not in changed:
                current[output] = FORWARD[grad_fn](*[current[name] for name in inputs])
        return float(current[tape[-1][0]])
    return {name: gradcheck.numerical_derivative(lambda v, name=name: E({name: v}), value, 1e-6)
            for name, value in values.items()}


def is_topological_order(root, order):
    """The definition: every tensor the root was made from, and the root, each once, after its parents."""
    if not isinstance(order, (list, tuple)) or not all(isinstance(t, autodiff.Tensor) for t in order):
        return False
    everything, stack = set(), [root]
    while stack:
        tensor = stack.pop()
        if id(tensor) not in everything:
            everything.add(id(tensor))
            stack.extend(tensor.parents)
    position = {id(t): k for k, t in enumerate(order)}
    return (len(order) == len(position) == len(everything) and set(position) == everything
            and all(position[id(p)] < position[id(t)] for t in order for p in t.parents))


def is_right(exercise_id, args, got):
    """Whether an answer is right, judged by the truth above."""
    if exercise_id == "topological_order":
        return is_topological_order(args[0], got)
    truth = {"backward_layers": layers_truth, "multiply_backward": multiply_truth, "backward_tape": tape_truth,
             "matmul_backward": matmul_truth}[exercise_id](*args)
    if isinstance(truth, dict):
        return isinstance(got, dict) and set(got) == set(truth) and all(
            np.shape(got[k]) == np.shape(truth[k]) and np.allclose(got[k], truth[k], atol=1e-6) for k in truth)
    return isinstance(got, (tuple, list)) and len(got) == 2 and all(
        np.shape(g) == np.shape(t) and np.allclose(g, t, atol=1e-6) for g, t in zip(got, truth))


def outcome(fn, args):
    try:
        return fn(*args)
    except Exception as problem:  # a mistake that raises is wrong too
        return problem


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_references_are_right_by_the_truth(exercise_id):
    for args in NEW[exercise_id].cases():
        assert is_right(exercise_id, args, NEW[exercise_id].reference(*args))


@pytest.mark.parametrize("exercise_id, mistake", MISTAKES, ids=[f"{e}: {m.name}" for e, m in MISTAKES])
def test_each_usual_mistake_is_really_wrong(exercise_id, mistake):
    """Wrong on at least one case (so that check can tell it), and never an exception check cannot name."""
    cases = NEW[exercise_id].cases()
    assert any(not is_right(exercise_id, args, outcome(mistake.make, args)) for args in cases)


# --- check() -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", IDS)
def test_the_reference_passes(exercise_id):
    result = check(exercise_id, NEW[exercise_id].reference)
    assert result.passed and result.message.startswith("✓"), result.message


@pytest.mark.parametrize("answer", RIGHT, ids=[answer.fn.__name__ for answer in RIGHT])
def test_a_correct_answer_written_another_way_passes(answer):
    for args in NEW[answer.exercise_id].cases():  # right by the truth, not only by check
        assert is_right(answer.exercise_id, args, answer.fn(*args)), answer.description
    result = check(answer.exercise_id, answer.fn)
    assert result.passed, result.message


def test_every_exercise_has_a_right_answer_written_another_way():
    assert {answer.exercise_id for answer in RIGHT} == set(IDS)


@pytest.mark.parametrize("exercise_id, mistake", MISTAKES, ids=[f"{e}: {m.name}" for e, m in MISTAKES])
def test_each_usual_mistake_is_caught_and_named(exercise_id, mistake):
    result = check(exercise_id, mistake.make)
    assert not result.passed
    assert f"usual mistake: {mistake.name}" in result.message and mistake.advice in result.message


LEARNERS = [answer for answer in ANSWERS if answer.exercise_id in IDS]


@pytest.mark.parametrize("answer", LEARNERS, ids=[answer.fn.__name__ for answer in LEARNERS])
def test_a_learners_wrong_answer_is_wrong_and_nearly_always_named(answer):
    cases = NEW[answer.exercise_id].cases()
    assert any(not is_right(answer.exercise_id, args, outcome(answer.fn, args)) for args in cases)
    result = check(answer.exercise_id, answer.fn)
    assert not result.passed
    assert "usual mistake" in result.message, result.message  # np.dot's shape error too, said as @'s is


def test_overwriting_where_paths_meet_is_caught_and_told_so():
    """The issue's demand: a learner who overwrites instead of adding is told that, in those words."""
    for name in ("tape_overwrite", "tape_fresh_dict"):
        answer = next(a for a in LEARNERS if a.fn.__name__ == name)
        message = check("backward_tape", answer.fn).message
        assert "overwrote the gradient where paths meet" in message and "add each one" in message


def test_the_overwrite_bug_gives_half_the_gradient_on_the_house():
    tape, values = NEW["backward_tape"].cases()[0]
    overwrite = next(m for m in NEW["backward_tape"].mistakes if m.name.startswith("overwrote")).make
    right, wrong = autodiff.backward_tape(tape, values), overwrite(tape, values)
    assert right["e"] == pytest.approx(2 * values["e"]) and wrong["e"] == pytest.approx(values["e"])
    assert wrong["w1"] == pytest.approx(right["w1"] / 2)


def test_a_wrong_kind_of_answer_is_reported():
    assert "should be a pair" in check("multiply_backward", lambda a, b, d_out: (1.0, 2.0, 3.0)).message
    assert "has no key 'W1'" in check("backward_layers", lambda X, y, params: {"W2": 0}).message
    message = check("topological_order", lambda root: "E").message
    assert "returned 'E', but the answer should be a list of the graph's tensors" in message
    assert "should be a list" in check("topological_order", lambda root: [root, root.data]).message
    shape = check("matmul_backward", lambda A, B, d_out: (d_out @ B.T, (A.T @ d_out).ravel())).message
    assert "has shape (8,), but it should have shape (2, 4)" in shape and "B's like B" in shape


def test_an_input_changed_in_place_is_named():
    def changes_params(X, y, params):
        params["W1"] = params["W1"] * 0
        return {}
    assert "changed its input `params`" in check("backward_layers", changes_params).message

    def changes_a_tensor(root):
        root.name = "changed"
        return autodiff.topological_order(root)
    assert "changed its input `root`" in check("topological_order", changes_a_tensor).message

    def grows_the_tape(tape, values):
        tape.append(tape[-1])
        return autodiff.backward_tape(tape[:-1], values)
    assert "changed its input `tape`" in check("backward_tape", grows_the_tape).message


def test_the_messages_show_the_cases_in_the_notebooks_names():
    message = check("backward_tape", lambda tape, values: {name: 0.0 for name in values}).message
    assert "backward_tape(<a list of 7 items>, {'x': …, 'w1': …," in message and "<function" not in message
    tape = describe(NEW["backward_tape"].cases()[0][0])  # where a tape is shown in full
    assert tape.startswith("[('a', autodiff.multiply_backward, ('x', 'w1'))")
    message = check("topological_order", h_before_z).message
    assert "topological_order(<tensor e: 0.2187, made by subtract_backward>)" in message
    assert re.search(r'walked backwards in your order, grads\["\w+"\] is', message)
    message = check("topological_order", lambda root: [t for t in autodiff.topological_order(root) if t.parents])
    assert "usual mistake: left out the inputs" in message.message


def layers_slope_above_all_the_way(X, y, params):
    """A newcomer's: the slope at outputs[layer], and the signal passed down at layer 1 too."""
    outputs = deep.forward_layers(X, params)
    L = len(params) // 2
    grads = {}
    d_z = 2 * (outputs[L] - y) / len(y)
    for layer in range(L, 0, -1):
        grads[f"W{layer}"] = outputs[layer - 1].T @ d_z
        grads[f"b{layer}"] = d_z.sum(axis=0)
        d_z = (d_z @ params[f"W{layer}"].T) * deep.slope(outputs[layer])
    return grads


def test_an_exception_is_said_in_numpys_words_first_and_a_mistake_only_offered():
    message = check("backward_layers", layers_slope_above_all_the_way).message
    raised = "raised ValueError: operands could not be broadcast together with shapes (5,3) (5,2)."
    assert raised in message and message.index(raised) < message.index("This may be a usual mistake: took the slope "
                                                                        "of the layer the signal left")
    assert "matches a usual mistake" not in message  # a possibility, not a verdict: other code raises it too


def tape_never_started(tape, values):
    grads = {}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        sent = grad_fn(*[values[name] for name in inputs], grads[output])
        for name, gradient in zip(inputs, sent):
            grads[name] += gradient
    return grads


def tape_rules_get_names(tape, values):
    grads = {name: 0.0 for name in values}
    grads[tape[-1][0]] = 1.0
    for output, grad_fn, inputs in reversed(tape):
        for name, gradient in zip(inputs, grad_fn(*inputs, grads[output])):
            grads[name] += gradient
    return grads


def test_a_key_error_of_backward_tape_is_said_in_its_terms():
    message = check("backward_tape", tape_never_started).message
    assert "raised KeyError: 'e'. That is a usual mistake: read a gradient before storing one." in message
    assert "'e' is a name on the tape" in message and "had nothing for 'e'" in message
    assert "usual mistake: gave only E a gradient before the walk" in message


def layers_counted_from_params(X, y, params):
    outputs = deep.forward_layers(X, params)
    grads, d_z = {}, 2 * (outputs[-1] - y) / len(y)
    for layer in range(len(params), 0, -1):  # two entries per layer: W6 for a network of 3 layers
        W = params[f"W{layer}"]
        grads[f"W{layer}"], grads[f"b{layer}"] = outputs[layer - 1].T @ d_z, d_z.sum(axis=0)
        if layer > 1:
            d_z = (d_z @ W.T) * deep.slope(outputs[layer - 1])
    return grads


def test_a_key_error_of_backward_layers_says_how_many_layers_there_are():
    message = check("backward_layers", layers_counted_from_params).message
    assert "raised KeyError: 'W6'. That is a usual mistake: counted the layers wrong." in message
    assert "This network has 3 layers, so params holds W1 to W3 and b1 to b3, not 'W6'" in message


def test_a_rule_given_names_is_not_told_about_lists():
    message = check("backward_tape", tape_rules_get_names).message
    assert "usual mistake: gave each rule the inputs' names instead of their values" in message
    assert "Plain Python lists" not in message


def test_the_cases_are_shown_in_brief():
    message = check("backward_tape", tape_never_started).message
    assert message.index("backward_tape(<a list of 7 items>, {'x': …") < 60
    message = check("backward_layers", lambda X, y, params: {}).message
    assert "backward_layers(<array (5, 3)>, <array (5, 1)>, {'W1': …, 'b1': …, 'W2': …" in message


def notebook_graph():
    """06's graph of the network on 05's houses, as the notebook builds it: only the inputs have names."""
    rng = np.random.default_rng(0)
    X, W1, b1, W2, b2, y = (autodiff.Tensor(rng.normal(size=shape), name=name) for name, shape in
                            [("X", (4, 2)), ("W1", (2, 3)), ("b1", (3,)), ("W2", (3, 1)), ("b2", (1,)), ("y", (4, 1))])
    e = (X @ W1 + b1).sigmoid() @ W2 + b2 - y
    return (e * e).mean()


def test_remembering_visited_tensors_by_name_fails_on_unnamed_tensors_and_is_named():
    from learner_answers import topo_by_name
    E = notebook_graph()
    assert len(autodiff.topological_order(E)) == 14 and len(topo_by_name(E)) == 1  # what the notebook showed
    message = check("topological_order", topo_by_name).message
    assert "usual mistake: remembered the visited tensors by their name" in message, message


@pytest.mark.parametrize("name", ["topo_default_seen", "topo_default_order"])
def test_remembering_tensors_from_one_call_to_the_next_is_caught_and_named(name):
    """A default argument, such as `seen=set()`, is made once: a second call finds the first one's tensors."""
    import learner_answers
    fn = getattr(learner_answers, name)
    first, second = notebook_graph(), notebook_graph()
    graphs = [first, first, second]  # the same graph twice, then another
    orders = [list(fn(graph)) for graph in graphs]
    assert not all(is_topological_order(graph, order) for graph, order in zip(graphs, orders))
    result = check("topological_order", fn)
    assert not result.passed
    assert "default argument" in result.message and "one call to the next" in result.message, result.message


def test_the_second_graph_is_built_on_the_very_first_one_however_it_is_handed_over():
    """Copied (check's own copy of a case) it stays itself; pickled for another process, as a sandbox may send
    each call's arguments, the second case arrives built on the very tensors the first one brought there."""
    import copy

    import cloudpickle
    (e,), (E,) = NEW["topological_order"].cases()[:2]
    assert E.parents == (e, e) and copy.deepcopy((E,))[0] is E
    e_there = cloudpickle.loads(cloudpickle.dumps((e,)))[0]
    E_there = cloudpickle.loads(cloudpickle.dumps((E,)))[0]
    assert e_there is not e and E_there.parents[0] is e_there and E_there.parents[1] is e_there
    inputs = [t for t in autodiff.topological_order(e_there) if not t.parents]
    assert all(any(t is u for u in inputs) for t in autodiff.topological_order(E_there) if not t.parents)


def h_before_z(root):
    """A right order with h moved before z, which it is made from: no usual mistake, a wrong gradient."""
    order = autodiff.topological_order(root)
    names = [tensor.name for tensor in order]
    if "h" in names and "z" in names:
        h = order.pop(names.index("h"))
        order.insert(names.index("z"), h)
    return order


# --- hints and solutions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id, module", [("backward_layers", "deep"), ("multiply_backward", "autodiff"),
                                                 ("backward_tape", "autodiff"), ("matmul_backward", "autodiff"),
                                                 ("topological_order", "autodiff")])
def test_the_solution_is_the_library_code(exercise_id, module):
    text = solution(exercise_id).markdown
    assert f"def {exercise_id}(" in text and f"course_utils/{module}.py" in text


def test_backward_layers_solution_runs_as_written():
    code = re.search(r"```python\n(.*?)```", solution("backward_layers").markdown, re.S).group(1)
    names = {"np": np}
    exec(code, names)  # the functions it shows, after the ones they use
    for args in NEW["backward_layers"].cases():
        assert is_right("backward_layers", args, names["backward_layers"](*args))
