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


def mixed(x, y):
    a = -x
    b = a
    c = np.sum(b * y)
    d = np.tanh(x) * 2.0
    e = np.dot(d, y)
    m = np.max(e)
    f = m - 1.0
    g = x[0]
    h = np.where(m > 0, x, y)
    return c + g + np.sum(h) + (f > 0) + np.exp(d)


def test_the_straight_scan_finds_what_the_general_functions_find():
    """The scan of straight-line code (its commonest statements read off their atoms)
    gives the whole-read names and the compared-only names the general functions give:
    on a user's function and on gradient code (second order's input)."""
    load_builtin_rules()
    from s2sad.api.entries import compiled_gradient, reverse_entry
    from s2sad.transform.second_order import prepare_gradient_code
    rev = reverse_entry(mixed, ("x", "y"), "value_and_grad", inline_helpers=True)
    gradient = front_end(compiled_gradient(mixed, rev), None, prepare_gradient_code)[1]
    bodies = [front_end(calls)[1], front_end(mixed)[1], gradient]
    for normal in bodies:
        primal = normal.node.body[:-1]
        assert facts_.is_straight(primal)
        scan = facts_._StraightScan(primal)
        outputs = sorted(n.id for n in primal[-1].targets if hasattr(n, "id"))
        assert scan.sensitive == facts_.shape_sensitive(primal, [], straight=True)
        assert scan.compared_only(outputs) == facts_.compared_only(primal, outputs)
        assert scan.writes == bool(facts_.store_bases(primal))
