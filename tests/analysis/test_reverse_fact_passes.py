"""The reverse facts read what the activity analysis found for each statement
(``ReverseFacts.flow_reads``), and the two shape facts share one pass over the
assignments (``shapes.definitions``): each checked here against the answers worked out
statement by statement (``ops``) or pass by pass, and the gradient against finite
differences."""

import numpy as np

import s2sad
from s2sad.analysis import activity, ops, shapes
from s2sad.analysis.reverse_facts import primal_facts
from s2sad.frontend import front_end
from s2sad.pipeline import load_builtin_rules


def mixed(x, y):
    a = np.sum(x * y, 0) + 2.0
    b = np.maximum(a, y) - np.floor(y)
    c = np.where(a > 0, b, y)
    n = x.shape[0]
    total = 0.0
    for i in range(n):
        total = total + np.tanh(c[i]) * b[i] / (1.0 + a[i] ** 2)
    d = -np.exp(b) * 0.5
    return np.sum(d) * total + np.mean(c)


def _normal():
    load_builtin_rules()
    parsed, normal = front_end(mixed)
    body = normal.node.body
    return parsed, normal, body[:-1], [body[-1].value.id]


def _reference_activity(primal, wrt, outputs):
    """Activity worked out from ops.flows of every statement, to a fixed point."""
    flows = [f for s in ops.flatten(primal) if ops.carries_derivative(s) for f in ops.flows(s)]
    varied, useful = set(wrt), set(outputs)
    for _ in range(len(flows) + 1):
        for targets, reads, _ in flows:
            if reads & varied:
                varied |= targets
        for targets, _, reads in flows:
            if targets & useful:
                useful |= reads
    return varied, useful


def test_the_activity_and_the_reads_each_statement_keeps_match_ops():
    parsed, normal, primal, outputs = _normal()
    facts = primal_facts(normal.node, primal, normal.params, ("x", "y"), outputs,
                         "value_and_grad", {}, parsed)
    varied, useful = _reference_activity(primal, ("x", "y"), outputs)
    assert set(facts.activity.varied) == varied and set(facts.activity.useful) == useful
    noted = 0
    for stmt in ops.flatten(primal):
        held = facts.flow_reads.get(id(stmt), "missing")
        if held == "missing":
            continue
        noted += 1
        if not ops.carries_derivative(stmt):
            assert held is None, stmt
        else:
            assert held == ops.differentiable_reads(stmt), stmt
    assert noted >= 10   # (the statements of the body are noted, not skipped)


def test_nondifferentiable_positions_are_no_reads_of_a_call_of_atoms():
    _, _, primal, outputs = _normal()
    reads = {}
    activity.analyze(primal, ("x", "y"), outputs, reads)
    calls = [s for s in ops.flatten(primal) if isinstance(s, ops.gast.Assign)
             and isinstance(s.value, ops.gast.Call) and ops.carries_derivative(s)]
    # (np.where(cond, b, y): the condition carries no derivative; np.floor none at all)
    assert any(s.targets[0].id == "c" for s in calls)
    for stmt in calls:
        assert reads.get(id(stmt)) == ops.differentiable_reads(stmt), stmt


def test_the_shape_facts_read_the_shared_pass_as_their_own():
    _, _, primal, _ = _normal()
    with_loops, simple = list(ops.with_loops(primal)), list(ops.flatten(primal))
    found = shapes.definitions(simple)
    alone = shapes.known_scalars(with_loops)
    assert shapes.known_scalars(with_loops, found=found) == alone
    assert {"n", "i", "sum_d", "mean"} <= alone   # (a size, a counter, reductions)
    names = sorted({t for s in simple for t in ops.targets(s)})
    same_alone = shapes.shape_classes(simple, alone)
    same_shared = shapes.shape_classes(simple, alone, found)
    assert [(a, b) for a in names for b in names if same_alone(a, b)] == \
        [(a, b) for a in names for b in names if same_shared(a, b)]


def test_the_gradient_against_finite_differences():
    x, y = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([0.2, -0.4])
    gx, gy = s2sad.grad(mixed, wrt=(0, 1))(x, y)
    eps = 1e-6
    for arg, got in ((0, gx), (1, gy)):
        base = [x, y]
        want = np.zeros_like(base[arg])
        for index in np.ndindex(*base[arg].shape):
            up = [v.copy() for v in base]
            down = [v.copy() for v in base]
            up[arg][index] += eps
            down[arg][index] -= eps
            want[index] = (mixed(*up) - mixed(*down)) / (2 * eps)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
