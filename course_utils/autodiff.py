"""A tiny reverse-mode automatic differentiation: what a framework's `loss.backward()` does, in a few dozen
lines. (The course's tests check gradients against the `autograd` package; this module is the one you
read, not that one.)

    W = Tensor(W1, name="W1")          # a number or an array that remembers how it was computed
    E = ((X @ W + b1).sigmoid() @ W2 + b2 - y) ...
    E.backward()                       # dE/d(every tensor E was computed from), into each one's .grad
    W.grad

Three ideas make it work:
1. Each operation has a local rule (add_backward, multiply_backward, ...): given its inputs and the
   gradient arriving at its output, d_out, the gradient it sends back to each input. It knows nothing
   of the rest of the network. An Operation record keeps the rule with what it is the rule of: what the
   operation computes, and how it is written (MULTIPLY: a * b, a × b, multiply_backward).
2. Every Tensor an operation makes remembers its inputs (`parents`) and its operation's rule
   (`grad_fn`), so the forward pass leaves the graph of the computation behind.
3. backward puts the graph in order (each tensor after the tensors it was computed from), walks that
   order from E back to the inputs, applies each rule, and adds up what reaches each tensor: where
   paths meet, gradients add.
Introduced in 06_deeper.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_utils.network import sigmoid


# --- The local rules: inputs and d_out in, one gradient per input out ----------------------------------

def add_backward(a, b, d_out):
    """a + b: the signal passes on unchanged to both inputs. (An input numpy added to every row, such as a
    bias added to every house, was used once per row: its gradient is the sum over the rows.)"""
    return sum_to_shape(d_out, np.shape(a)), sum_to_shape(d_out, np.shape(b))


def subtract_backward(a, b, d_out):
    """a - b: the signal passes on unchanged to a, and with its sign flipped to b."""
    return sum_to_shape(d_out, np.shape(a)), sum_to_shape(-d_out, np.shape(b))


def multiply_backward(a, b, d_out):
    """a * b, entry by entry: each input gets the other input times the signal (multiply swaps them).
    06_deeper has you write it."""
    return b * d_out, a * d_out


def matmul_backward(A, B, d_out):
    """A @ B: the matrix form of multiply's swap, each other input transposed so that the shapes fit:
    A (n, k) gets d_out (n, m) @ B.T (m, k), B (k, m) gets A.T (k, n) @ d_out (n, m).
    06_deeper has you write it."""
    return d_out @ B.T, A.T @ d_out


def sigmoid_backward(a, d_out):
    """sigmoid(a): the signal times the sigmoid's slope there, s (1 - s)."""
    s = sigmoid(a)
    return (d_out * s * (1 - s),)


def mean_backward(a, d_out):
    """The mean of a's n entries: each entry moves the mean by 1/n, so each gets d_out / n."""
    return (np.full(np.shape(a), d_out / np.size(a)),)


def sum_to_shape(gradient, shape):
    """A gradient added up to the shape of the value it belongs to. numpy stretches a value across the rows
    (a bias (h,) added to (n, h) is used once per house): such a value gets the sum of the rows' gradients."""
    gradient = np.asarray(gradient, dtype=float)
    while gradient.ndim > len(shape):
        gradient = gradient.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = gradient.sum(axis=axis, keepdims=True)
    return gradient


# --- Each operation, one record: what it computes, its local rule, how it is written -----------------

@dataclass(frozen=True)
class Operation:
    """One operation of the engine, all of it in one place. A Tensor it made remembers its local rule
    (tensor.grad_fn); operation_of(tensor.grad_fn) finds the rest."""
    name: str                    # "multiply": its local rule is multiply_backward
    forward: Callable            # the inputs' values in, the output's value out: a * b
    backward: Callable           # the local rule: inputs and d_out = dE/d(output) in, dE/d(each input) out
    symbol: str                  # as maths and the graph's gates write it: "×", "−", "σ"
    operator: str | None = None  # as Python writes it between two inputs: "*", "-"; None for a function, σ(a)

    def __repr__(self):
        written = f"a {self.symbol} b" if self.operator else f"{self.symbol}(a)"
        return f"<operation {self.name}: {written}, local rule {self.backward.__name__}>"


ADD = Operation("add",           lambda a, b: a + b, add_backward,      "+", "+")
SUBTRACT = Operation("subtract", lambda a, b: a - b, subtract_backward, "−", "-")
MULTIPLY = Operation("multiply", lambda a, b: a * b, multiply_backward, "×", "*")
MATMUL = Operation("matmul",     lambda A, B: A @ B, matmul_backward,   "@", "@")
SIGMOID = Operation("sigmoid",   sigmoid,            sigmoid_backward,  "σ")
MEAN = Operation("mean",         np.mean,            mean_backward,     "mean")
# Every operation, by its local rule: what a tensor's grad_fn and a tape's rules are looked up in.
OPERATIONS = {operation.backward: operation for operation in (ADD, SUBTRACT, MULTIPLY, MATMUL, SIGMOID, MEAN)}


def operation_of(rule):
    """The Operation whose local rule this is: operation_of(tensor.grad_fn), or of a rule on a tape. Used
    by 06's graph stepper to draw and explain each gate, and by the exercises to run their tapes."""
    if rule not in OPERATIONS:
        raise ValueError(f"{getattr(rule, '__name__', rule)!r} is not the local rule of any operation")
    return OPERATIONS[rule]


# --- The engine --------------------------------------------------------------------------------------

def backward_tape(tape, values):
    """dE/d(every value), from a tape: the operations in the order the forward pass ran them, each as
    (output, grad_fn, inputs), with E the output of the last. values holds every value by its key (a name,
    or a Tensor). Returns {key: dE/dkey}. Tensor.backward runs it; 06_deeper has you write it."""
    grads = {key: np.zeros_like(value, dtype=float) for key, value in values.items()}
    last = tape[-1][0]
    grads[last] = np.ones_like(values[last], dtype=float)           # dE/dE = 1
    for output, grad_fn, inputs in reversed(tape):                  # from E back towards the inputs
        sent = grad_fn(*[values[key] for key in inputs], grads[output])
        for key, gradient in zip(inputs, sent):
            grads[key] = grads[key] + gradient                      # where paths meet, gradients add
    return grads


def topological_order(root):
    """Every tensor root was computed from, and root itself, each listed after the tensors it was computed
    from (its parents), each once. Introduced in 06_deeper."""
    order, seen = [], set()

    def visit(tensor):
        if id(tensor) in seen:                                      # used twice: listed once
            return
        seen.add(id(tensor))
        for parent in tensor.parents:                               # its parents first...
            visit(parent)
        order.append(tensor)                                        # ...then the tensor itself

    visit(root)
    return order


def tape_of(root):
    """The graph behind root written out with names: (tape, values), each operation on the tape as (its
    output's name, its rule, its inputs' names) in an order the forward pass could have run them, and every
    value by name (a plain number where it is one). For a small graph whose tensors all have names.
    Introduced in 06_deeper."""
    order = topological_order(root)
    tape = [(tensor.name, tensor.grad_fn, tuple(parent.name for parent in tensor.parents))
            for tensor in order if tensor.parents]
    return tape, {tensor.name: tensor.data.item() if tensor.data.size == 1 else tensor.data for tensor in order}


class Tensor:
    """A number or an array, with what made it: the tensors it was computed from (parents) and the local
    rule of the operation that computed it (grad_fn; None for an input; operation_of(grad_fn) is the whole
    Operation). After E.backward(), .grad holds dE/d(this tensor), shaped like .data. Introduced in 06_deeper."""

    def __init__(self, data, parents=(), grad_fn=None, name=""):
        self.data = np.asarray(data, dtype=float)
        self.parents, self.grad_fn, self.name = parents, grad_fn, name
        self.grad = None   # dE/d(this tensor), filled in by E.backward()

    def _apply(self, operation, *others):
        """The tensor an operation makes of this one (and others): it remembers its parents and rule."""
        parents = (self, *others)
        return Tensor(operation.forward(*[parent.data for parent in parents]), parents, operation.backward)

    def __add__(self, other):
        return self._apply(ADD, as_tensor(other))

    def __sub__(self, other):
        return self._apply(SUBTRACT, as_tensor(other))

    def __mul__(self, other):
        other = as_tensor(other)
        if self.data.shape != other.data.shape:  # multiply_backward sums nothing back to a stretched shape
            raise ValueError(f"multiply takes two tensors of one shape; got {self.data.shape} and "
                             f"{other.data.shape}")
        return self._apply(MULTIPLY, other)

    def __matmul__(self, other):
        return self._apply(MATMUL, other)

    def sigmoid(self):
        return self._apply(SIGMOID)

    def mean(self):
        return self._apply(MEAN)

    def named(self, name):
        """This tensor, with a name to show: `(x * w).named("a")`."""
        self.name = name
        return self

    def backward(self):
        """dE/d(every tensor this one, E, was computed from), into each one's .grad: the graph put in order,
        then walked backwards as a tape. E is a single number, as for PyTorch's loss.backward()."""
        order = topological_order(self)
        tape = [(tensor, tensor.grad_fn, tensor.parents) for tensor in order if tensor.parents]
        if not tape:  # an input on its own: dE/dE = 1
            self.grad = np.ones_like(self.data)
            return
        grads = backward_tape(tape, {tensor: tensor.data for tensor in order})
        for tensor in order:
            tensor.grad = grads[tensor]

    def __repr__(self):
        made = f", made by {self.grad_fn.__name__}" if self.grad_fn else ""
        value = f"{self.data.item():.4g}" if self.data.size == 1 else f"an array of shape {self.data.shape}"
        return f"<tensor {self.name or '(unnamed)'}: {value}{made}>"


def as_tensor(value):
    """value as a Tensor: a plain number or array becomes an input (it has no parents)."""
    return value if isinstance(value, Tensor) else Tensor(value)
