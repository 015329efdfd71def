"""autodiff.py: the tiny reverse-mode engine. Each local rule against numerical derivatives; the Tensor's
backward against 05's network.backward, the layer loop and the autograd package; the topological order
by its definition."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from course_utils import autodiff, data, deep, gradcheck, network
from course_utils.autodiff import Tensor

RULES = [  # (rule, the operation it is the rule of, the inputs' shapes)
    (autodiff.add_backward, lambda a, b: a + b, [(3, 2), (3, 2)]),
    (autodiff.add_backward, lambda a, b: a + b, [(4, 3), (3,)]),      # a bias added to every row
    (autodiff.add_backward, lambda a, b: a + b, [(4, 1), (1,)]),
    (autodiff.subtract_backward, lambda a, b: a - b, [(4, 1), (4, 1)]),
    (autodiff.subtract_backward, lambda a, b: a - b, [(2, 3), (3,)]),
    (autodiff.multiply_backward, lambda a, b: a * b, [(3, 2), (3, 2)]),
    (autodiff.matmul_backward, lambda a, b: a @ b, [(4, 3), (3, 2)]),
    (autodiff.matmul_backward, lambda a, b: a @ b, [(1, 3), (3, 1)]),
    (autodiff.sigmoid_backward, network.sigmoid, [(3, 4)]),
    (autodiff.mean_backward, np.mean, [(5, 1)]),
]


@pytest.mark.parametrize("rule, operation, shapes", RULES, ids=lambda x: getattr(x, "__name__", str(x)))
def test_each_rule_sends_back_what_nudging_each_input_says(rule, operation, shapes):
    rng = np.random.default_rng(len(shapes[0]))
    inputs = [rng.normal(size=shape) for shape in shapes]
    d_out = rng.normal(size=np.shape(operation(*inputs)))
    sent = rule(*inputs, d_out)
    assert len(sent) == len(inputs)
    for position, (value, gradient) in enumerate(zip(inputs, sent)):
        def E(nudged, position=position):  # the output's change weighed by d_out: its gradient is the rule's
            changed = [nudged if k == position else v for k, v in enumerate(inputs)]
            return float(np.sum(operation(*changed) * d_out))
        assert np.shape(gradient) == value.shape
        assert gradcheck.relative_error(gradient, gradcheck.numerical_gradient(E, value)) < 1e-7


@pytest.mark.parametrize("rule, operation, shapes", RULES, ids=lambda x: getattr(x, "__name__", str(x)))
def test_each_operation_is_one_record_of_what_it_computes_and_its_rule(rule, operation, shapes):
    record = autodiff.operation_of(rule)
    assert record.backward is rule and rule.__name__ == f"{record.name}_backward"
    rng = np.random.default_rng(len(shapes[0]))
    inputs = [rng.normal(size=shape) for shape in shapes]
    assert np.allclose(record.forward(*inputs), operation(*inputs), rtol=0, atol=1e-15)
    tensors = [Tensor(value) for value in inputs]
    if record.operator:  # Python's operator, run on tensors
        made = eval(f"a {record.operator} b", {"a": tensors[0], "b": tensors[1]})
    else:  # a method: a.sigmoid(), a.mean()
        made = getattr(tensors[0], record.name)()
    assert made.grad_fn is rule and made.parents == tuple(tensors)  # the tensor it makes remembers its rule
    assert np.array_equal(made.data, record.forward(*inputs))


def test_an_operation_shows_how_it_is_written_and_its_rule():
    assert repr(autodiff.MULTIPLY) == "<operation multiply: a × b, local rule multiply_backward>"
    assert repr(autodiff.SIGMOID) == "<operation sigmoid: σ(a), local rule sigmoid_backward>"
    assert (autodiff.SUBTRACT.symbol, autodiff.SUBTRACT.operator) == ("−", "-")  # maths' minus, Python's
    with pytest.raises(ValueError, match="'relu_backward' is not the local rule of any operation"):
        autodiff.operation_of(relu_backward)


def relu_backward(a, d_out):
    return (d_out * (a > 0),)


def test_sum_to_shape_adds_up_the_rows_a_value_was_stretched_over():
    g = np.arange(12.0).reshape(4, 3)
    assert np.array_equal(autodiff.sum_to_shape(g, (3,)), g.sum(axis=0))
    assert np.array_equal(autodiff.sum_to_shape(g, (4, 1)), g.sum(axis=1, keepdims=True))
    assert np.array_equal(autodiff.sum_to_shape(g, (1,)), [g.sum()])
    assert np.array_equal(autodiff.sum_to_shape(g, (4, 3)), g)
    assert autodiff.sum_to_shape(2.5, ()) == 2.5


def house_tensors(params, X, y):
    tensors = {name: Tensor(value, name=name) for name, value in params.items()}
    return tensors, Tensor(X, name="X"), Tensor(y, name="y")


def test_the_house_network_gets_05s_gradients():
    split = data.house_split(["Gr_Liv_Area", "Year_Built"])
    start = network.init_params(2, 3, seed=0)
    t, X, y = house_tensors(start, split.X_train, split.y_train)
    e = (X @ t["W1"] + t["b1"]).sigmoid() @ t["W2"] + t["b2"] - y
    E = (e * e).mean()
    E.backward()
    by_hand = network.backward(split.X_train, split.y_train, **start)
    assert float(E.data) == pytest.approx(network.loss_and_gradients(split.X_train, split.y_train, **start)[0])
    for name in start:
        assert t[name].grad.shape == start[name].shape
        assert np.allclose(t[name].grad, by_hand[name], rtol=1e-12, atol=1e-15), name


@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 4, 4, 1), (2, 5, 3, 4, 1)])
def test_a_deeper_network_gets_the_layer_loops_gradients_and_autograds(sizes):
    rng = np.random.default_rng(len(sizes))
    X, y = rng.normal(size=(9, sizes[0])), rng.normal(size=(9, 1))
    params = deep.init_layers(sizes, seed=2)
    t, Xt, yt = house_tensors(params, X, y)
    h = Xt
    L = len(sizes) - 1
    for layer in range(1, L + 1):
        z = h @ t[f"W{layer}"] + t[f"b{layer}"]
        h = z if layer == L else z.sigmoid()
    e = h - yt
    (e * e).mean().backward()

    def reference(p):
        a = X
        for layer in range(1, L + 1):
            a = anp.dot(a, p[f"W{layer}"]) + p[f"b{layer}"]
            a = a if layer == L else 1 / (1 + anp.exp(-a))
        return anp.mean((a - y) ** 2)

    theirs = grad(reference)(params)
    loop = deep.backward_layers(X, y, params)
    for name in params:
        assert np.allclose(t[name].grad, theirs[name], rtol=1e-10, atol=1e-13), name
        assert np.allclose(t[name].grad, loop[name], rtol=1e-10, atol=1e-13), name


def test_a_value_used_twice_gets_both_signals():
    x = Tensor(3.0, name="x")
    E = x * x  # dE/dx = 2x, from two paths of x each
    E.backward()
    assert x.grad == 6.0
    w = Tensor(0.5, name="w")
    E = (w * Tensor(2.0) - Tensor(1.0)) * (w * Tensor(-1.0) + Tensor(4.0))  # w on two paths that meet
    E.backward()
    assert float(w.grad) == pytest.approx(gradcheck.numerical_derivative(
        lambda v: (v * 2 - 1) * (-v + 4), 0.5))


def graph():
    """A diamond and a value used twice: a feeds b and c, which meet in d; E = d * d."""
    a = Tensor(0.3, name="a")
    b = (a * Tensor(2.0, name="two")).named("b")
    c = b.sigmoid().named("c")
    d = (b + c + a).named("d")
    return (d * d).named("E")


def test_the_topological_order_lists_each_tensor_once_after_its_parents():
    E = graph()
    order = autodiff.topological_order(E)
    assert order[-1] is E
    assert len(order) == len({id(t) for t in order})
    position = {id(t): k for k, t in enumerate(order)}
    for tensor in order:
        assert all(position[id(parent)] < position[id(tensor)] for parent in tensor.parents)
    reachable, stack = set(), [E]
    while stack:
        tensor = stack.pop()
        if id(tensor) not in reachable:
            reachable.add(id(tensor))
            stack.extend(tensor.parents)
    assert set(position) == reachable


def test_backward_on_the_diamond_matches_nudging():
    E = graph()
    E.backward()
    a = next(t for t in autodiff.topological_order(E) if t.name == "a")

    def E_of(value):
        b = value * 2
        d = b + network.sigmoid(b) + value
        return d * d
    assert float(a.grad) == pytest.approx(gradcheck.numerical_derivative(E_of, 0.3), rel=1e-7)


def test_backward_tape_on_names_is_what_the_tensors_get():
    E = graph()
    tape, values = autodiff.tape_of(E)
    grads = autodiff.backward_tape(tape, values)
    E.backward()
    for tensor in autodiff.topological_order(E):
        if tensor.name:
            assert grads[tensor.name] == pytest.approx(float(tensor.grad)), tensor.name


def test_the_tape_of_a_graph_runs_forwards_to_its_values():
    from course_utils.explorers.deeper import one_house_graph
    tape, values = autodiff.tape_of(one_house_graph())
    forward = {autodiff.multiply_backward: lambda a, b: a * b, autodiff.add_backward: lambda a, b: a + b,
               autodiff.subtract_backward: lambda a, b: a - b, autodiff.sigmoid_backward: network.sigmoid}
    assert [output for output, _, _ in tape] == ["a", "z", "h", "q", "p", "e", "E"]
    for output, grad_fn, inputs in tape:
        assert values[output] == pytest.approx(float(forward[grad_fn](*[values[name] for name in inputs])))
    assert isinstance(values["E"], float)


def test_an_input_on_its_own_has_gradient_one_and_backward_starts_afresh():
    x = Tensor([[2.0]], name="x")
    x.backward()
    assert np.array_equal(x.grad, [[1.0]])
    y = x * Tensor([[3.0]])
    y.backward()
    y.backward()  # twice: our engine starts .grad afresh (PyTorch would add the two)
    assert np.array_equal(x.grad, [[3.0]])


def test_multiply_refuses_two_shapes_rather_than_give_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"multiply takes two tensors of one shape; got \(2, 1\) and \(\)"):
        Tensor(np.ones((2, 1))) * 3.0


def test_a_tensor_shows_its_name_value_and_rule():
    assert repr(Tensor(0.25, name="w")) == "<tensor w: 0.25>"
    product = Tensor(2.0, name="a") * Tensor(3.0)
    assert repr(product) == "<tensor (unnamed): 6, made by multiply_backward>"
    assert repr(Tensor(np.zeros((2, 3)), name="W1")) == "<tensor W1: an array of shape (2, 3)>"
