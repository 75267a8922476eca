"""The compiled replay against eager mode, example by example: outputs, gradients in the inputs and
in the parameters, for graphs that use every kind of group of the plan (elementwise and matmul,
uniform, on floats, repeated parents, column blocks); and its errors. No torch: quick enough for
each mutant of `make mutation`.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import autodiff as ad
from autodiff import Value
from autodiff.testing import assert_close

RTOL = 1e-12


def _layer(ws, bs, xs, act):
    return [act(ad.dot(w, xs) + b) for w, b in zip(ws, bs)]


def _parameters(rng, *shape):
    if len(shape) == 1:
        return [Value(rng.uniform(-1, 1)) for _ in range(shape[0])]
    return [_parameters(rng, *shape[1:]) for _ in range(shape[0])]


def _mlp(rng):
    """Two layers (dot nodes that share their inputs: matmul groups), an L2 penalty (uniform)."""
    w1, b1, w2, b2 = _parameters(rng, 4, 3), _parameters(rng, 4), _parameters(rng, 2, 4), _parameters(rng, 2)
    scale = Value(0.3)

    def f(x, y, z):
        h = _layer(w1, b1, [x, y, z], lambda v: v.tanh())
        out = _layer(w2, b2, h, lambda v: v.sigmoid())
        penalty = ad.sum([w * w for row in w1 for w in row]) * (scale * scale)  # on floats, then uniform
        return [out[0] * out[1] + penalty, (out[0] - x).relu() + ad.logsumexp(out)]

    return f, [scale, *[w for row in w1 + w2 for w in row], *b1, *b2]


def _mixed(rng):
    """Every op, shared subexpressions, constants, an input used many times, parameters read only
    in column 0 (narrow) and across the batch (wide)."""
    a, c = Value(rng.uniform(0.5, 1.5)), Value(rng.uniform(-1, 1))

    def f(x, y):
        s = x * y + c
        t = (s.tanh() + s.sin() * 2.0 - (x - y).abs() + (-s).exp() / 3.0) ** 2
        u = (x * x + 1.0).log() + (y * y + 0.5).sqrt() + (x * a).cos() + (y**2 + 1.0) ** a + (x * x).log1p()
        v = ad.dot([x, y, s], [a, a * a, 2.0]) + ad.sum([t, u, a]) - ad.logsumexp([x, y, s, 1.0])
        return v * t / (u + 1.0) + 2.0**x - x / a

    return f, [a, c]


def _wide(rng):
    """One group of many nodes: a batch then runs in several blocks of columns."""
    cs = [rng.uniform(-2, 2) for _ in range(150)]

    def f(x):
        return ad.sum([(x * c).tanh() * (x + c) for c in cs])

    return f, []


def _shapes(rng):
    """Groups of unusual shapes: a parameter among a layer's shared inputs, several nodes of one
    op without inputs, a derivative that gives a plain number, a group of one node."""
    ws, vs, b, c = _parameters(rng, 3, 3), _parameters(rng, 2, 2), Value(rng.uniform(-1, 1)), Value(rng.uniform(-1, 1))
    first = ad.Op("first", lambda m, a, b: a * 1.0, lambda m, g, out, a, b: (g, 0.0))

    def f(x, y):
        layer = [ad.dot(w, [x, b, y]) for w in ws]  # b: a parameter read example by example, here only
        crossed = ad.dot(vs[0], [x, y]) * ad.dot(vs[1], [y, x])  # dots of one depth, other inputs
        constant_terms = ad.sum([c * c, c * c, c * c])  # three nodes of one op, on no input
        return ad.sum(layer) * constant_terms + crossed + first(x * c, y) + first(c, x) + (y - x).exp()

    return f, [b, c, *[w for row in ws + vs for w in row]]


def _terms(rng):
    """The first group: three nodes of one op on no input (rows 2 to 5)."""
    p = Value(rng.uniform(-1, 1))
    return (lambda x: ad.sum([p * p, p * p, p * p]) + x * p), [p]


PROGRAMS = {"mlp": (_mlp, 3), "mixed": (_mixed, 2), "wide": (_wide, 1), "shapes": (_shapes, 2), "terms": (_terms, 1)}


def _eager(fn, params, row):
    """Outputs, input gradients and parameter gradients (of the summed outputs) for one example."""
    xs = [Value(x) for x in row]
    out = fn(*xs)
    outs = out if isinstance(out, list) else [out]
    grads = ad.grad(ad.sum(outs), xs + params)
    return [o.data for o in outs], grads[: len(xs)], grads[len(xs) :]


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_the_replay_is_eager_mode_example_by_example(name, reduction):
    make, n_inputs = PROGRAMS[name]
    rng = random.Random(name)
    fn, params = make(rng)
    batch = np.array([[rng.uniform(-2, 2) for _ in range(n_inputs)] for _ in range(130 if name == "wide" else 7)])
    f = ad.compile(fn, n_inputs=n_inputs)
    for p in params:
        p.grad = 0.5  # backward() adds into what is there
    got = f(batch)
    got_inputs = f.backward(reduction=reduction)
    wanted = [_eager(fn, params, row) for row in batch.tolist()]
    weight = 1.0 if reduction == "sum" else 1.0 / len(batch)
    assert_close(got, [w[0] if len(w[0]) > 1 else w[0][0] for w in wanted], rtol=RTOL, what="outputs")
    assert_close(got_inputs, [[g * weight for g in w[1]] for w in wanted], rtol=1e-10, atol=1e-13, what="inputs")
    totals = [0.5 + weight * math.fsum(w[2][i] for w in wanted) for i in range(len(params))]
    assert_close([p.grad for p in params], totals, rtol=1e-10, atol=1e-13, what="parameters")
    assert f.parameters() == [p for p in f.parameters() if p in params] and len(f.parameters()) == len(params)
    # Again, on other examples: every gradient starts afresh, and the parameters' add up.
    f(batch[::-1])
    assert_close(f.backward(reduction=reduction), got_inputs[::-1], rtol=1e-10, atol=1e-13, what="inputs, again")
    assert_close([p.grad for p in params], [2 * t - 0.5 for t in totals], rtol=1e-10, atol=1e-13, what="again")


def test_a_parameter_update_is_seen_without_tracing_again():
    w = Value(2.0)
    f = ad.compile(lambda x: (w * x).tanh() + w * w, n_inputs=1)
    x = np.array([[0.5], [-1.0]])
    f(x)
    w.data = -0.7
    assert_close(f(x), [math.tanh(-0.7 * 0.5) + 0.49, math.tanh(0.7) + 0.49], rtol=RTOL)
    assert_close(
        f.backward(reduction="sum")[:, 0], [-0.7 * (1 - math.tanh(-0.35) ** 2), -0.7 * (1 - math.tanh(0.7) ** 2)]
    )


def test_batches_of_other_sizes_and_a_single_example():
    f = ad.compile(lambda x, y: x * y.exp(), n_inputs=2)
    for rows in ([[1.0, 0.5]], [[1.0, 0.5], [2.0, -1.0], [0.0, 0.0]], [[3.0, 1.0]] * 5):
        assert_close(f(np.array(rows)), [x * math.exp(y) for x, y in rows], rtol=RTOL)
        assert_close(f.backward(reduction="sum"), [[math.exp(y), x * math.exp(y)] for x, y in rows], rtol=RTOL)


def test_a_domain_error_names_the_first_row_of_the_inputs_that_has_it():
    f = ad.compile(lambda x, y: (x * y).log(), n_inputs=2)
    rows = np.array([[1.0, 2.0], [3.0, 1.0], [1.0, -1.0], [2.0, -3.0], [1.0, 1.0]])
    with pytest.raises(ValueError) as error:
        f(rows)
    assert str(error.value) == "log: undefined for negative input -1.0, in row 2 of the inputs"
    with pytest.raises(RuntimeError, match=r"^backward: call the compiled graph on a batch before backward\(\)$"):
        f.backward()
    assert_close(f(rows[:2]), [math.log(2.0), math.log(3.0)], rtol=RTOL)  # and it goes on working


@pytest.mark.parametrize("first", [0, 1, 37, 64, 98, 99])
def test_the_first_failing_row_of_many_is_found(first):
    f = ad.compile(lambda x, y: x.sqrt() + y, n_inputs=2)
    rows = np.ones((100, 2))
    rows[first:, 0] = [-1.0 - i for i in range(100 - first)]
    with pytest.raises(ValueError) as error:
        f(rows)
    assert str(error.value) == f"sqrt: undefined for negative input -1.0, in row {first} of the inputs"


def test_a_domain_error_in_a_term_without_inputs_says_no_row():
    w = Value(2.0)
    f = ad.compile(lambda x: x + w.log(), n_inputs=1)
    w.data = -1.0
    with pytest.raises(ValueError) as error:
        f(np.array([[1.0], [2.0]]))
    assert str(error.value) == "log: undefined for negative input -1.0"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda f: f(np.array([1.0, 2.0])), ValueError, r"expected inputs of shape \(batch, 2\) with batch >= 1"),
        (lambda f: f(np.zeros((3, 3))), ValueError, r"got \(3, 3\)"),
        (lambda f: f(np.zeros((0, 2))), ValueError, r"got \(0, 2\)"),
        (lambda f: f([["a", 1.0]]), TypeError, "inputs must be an array of numbers"),
        (lambda f: f([[Value(1.0), 2.0]]), TypeError, "got a Value"),
        (lambda f: f.backward(reduction="avg"), ValueError, "reduction must be 'sum' or 'mean', got 'avg'"),
        (lambda f: f.backward(), RuntimeError, "call the compiled graph on a batch before backward"),
    ],
)
def test_wrong_inputs_are_refused_with_a_clear_error(call, error, message):
    f = ad.compile(lambda x, y: x * y, n_inputs=2)
    with pytest.raises(error, match=message):
        call(f)


def test_repr_counts_inputs_outputs_parameters_nodes_and_groups():
    w = Value(1.0)
    assert repr(ad.compile(lambda x: w * x, n_inputs=1)) == (
        "CompiledGraph(1 input, 1 output, 1 parameter, 3 nodes in 1 group)"
    )
    assert repr(ad.compile(lambda x, y: [x + y, x * y], n_inputs=2)) == (
        "CompiledGraph(2 inputs, 2 outputs, 0 parameters, 4 nodes in 2 groups)"
    )


def test_a_group_wider_than_a_block_of_columns():
    # More nodes in one group than numbers in a block (16384): one column at a time.
    n = 16385
    f = ad.compile(lambda x: ad.sum([x * float(i % 7) for i in range(n)]), n_inputs=1)
    total = sum(i % 7 for i in range(n))
    assert_close(f(np.array([[1.0], [-2.0]])), [total, -2.0 * total], rtol=RTOL)
    assert_close(f.backward(reduction="sum"), [[total], [total]], rtol=RTOL)
