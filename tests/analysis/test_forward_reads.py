"""The forward facts keep each statement's differentiable reads as the activity analysis
found them (``ForwardFacts.reads``), which the sweep's test of an operation constant
where it stands reads instead of working them out again."""

import numpy as np

import s2sad
from s2sad.analysis import forward_facts as facts_, ops
from s2sad.frontend import front_end
from s2sad.pipeline import load_builtin_rules


def calls(x, y):
    a = np.sum(x * y, axis=0)
    b = np.maximum(a, y)
    c = np.where(a > 0, b, y)
    return np.sum(c) + np.sum(b)


def test_the_forward_facts_keep_each_statements_differentiable_reads():
    load_builtin_rules()
    _, normal = front_end(calls)
    primal = normal.node.body[:-1]
    out = normal.node.body[-1].value
    facts = facts_.forward_facts(primal, ("x", "y"), [out], {}, normal.params)
    for stmt in ops.flatten(primal):
        held = facts.reads.get(id(stmt), "missing")
        if not ops.carries_derivative(stmt):
            assert held is None
        else:
            assert held == ops.differentiable_reads(stmt), stmt


def test_a_jvp_through_calls_against_finite_differences():
    x, y = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([0.2, -0.4])
    dx, dy = np.array([[1.0, 0.5], [-0.3, 2.0]]), np.array([0.7, 0.1])
    _, tangent = s2sad.jvp(calls, wrt=(0, 1))(x, y, dx, dy)
    eps = 1e-6
    fd = (calls(x + eps * dx, y + eps * dy) - calls(x - eps * dx, y - eps * dy)) / (2 * eps)
    np.testing.assert_allclose(tangent, fd, rtol=1e-6, atol=1e-8)
