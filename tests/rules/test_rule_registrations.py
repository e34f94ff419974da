"""Registering rules again: whatever the order of ``s2sad.adjoint`` (with or without
``linear``, ``nondiff``), ``s2sad.tangent`` and ``s2sad.nondifferentiable`` for one
callable, the derivatives are those of the latest registrations, in every mode, for a
derivative made before the registrations and for one made after.

Each case registers a sequence of rules for a fresh ``op(a, k) = a**3 * k`` (without
source); a small model of the registry says which rules hold; the derivatives are
compared with the ones those rules give, written by hand (the correct rules' checked
against central finite differences)."""

import itertools

import numpy as np
import pytest

import rule_registrations as fixture
import s2sad
from s2sad.errors import NoDerivativeRuleError, RuleDefinitionError, S2sadError

X = np.array([0.5, -1.5])
W = np.array([1.3, 0.7])
V = np.array([0.4, -0.9])


def fresh_op():
    """A new ``op`` (without source), bound here as ``OP`` and in the fixture as ``op``: a
    derived tangent spells it ``OP`` (the fixture's ``op`` is rebound from case to case)."""
    global OP
    namespace = {}
    exec("def op(a, k):\n    return a ** 3 * k\n", namespace)   # (no source to read)
    OP = fixture.op = namespace["op"]
    return OP


OP = None


def register(op, name):
    """Register the rule ``name`` for ``op``."""
    if name == "adj":
        @s2sad.adjoint(op)
        def op_adjoint(y, y_bar, a, k):
            return 3.0 * y_bar * a * a * k, y_bar * a ** 3
    elif name == "adj2":     # (twice the derivative: tells it from "adj")
        @s2sad.adjoint(op)
        def op_adjoint_twice(y, y_bar, a, k):
            return 6.0 * y_bar * a * a * k, 2.0 * y_bar * a ** 3
    elif name == "adj_k":
        @s2sad.adjoint(op, nondiff=("k",))
        def op_adjoint_in_a(y, y_bar, a, k):
            return 3.0 * y_bar * a * a * k
    elif name == "adj_lin":  # (declared linear in a, wrongly: its tangent is op(a_dot, k))
        @s2sad.adjoint(op, nondiff=("k",), linear=True)
        def op_adjoint_linear(y, y_bar, a, k):
            return 2.0 * y_bar * k
    elif name == "tan":
        @s2sad.tangent(op)
        def op_tangent(y, a, k, a_dot, k_dot):
            return 3.0 * a * a * k * a_dot + a ** 3 * k_dot
    elif name == "tan2":
        @s2sad.tangent(op)
        def op_tangent_twice(y, a, k, a_dot, k_dot):
            return 6.0 * a * a * k * a_dot + 2.0 * a ** 3 * k_dot
    else:
        s2sad.nondifferentiable(op)


#: what each adjoint gives: (gradient in x, gradient in w or None: refused, Hessian in x)
ADJOINTS = {
    "adj": (lambda: 3 * X ** 2 * W, lambda: X ** 3, lambda: np.diag(6 * X * W)),
    "adj2": (lambda: 6 * X ** 2 * W, lambda: 2 * X ** 3, lambda: np.diag(12 * X * W)),
    "adj_k": (lambda: 3 * X ** 2 * W, None, lambda: np.diag(6 * X * W)),
    "adj_lin": (lambda: 2 * W, None, lambda: np.zeros((2, 2))),
}
#: what each tangent gives: (jvp in x along V, jvp in w along V or None: refused)
TANGENTS = {
    "tan": (lambda: np.sum(3 * X ** 2 * W * V), lambda: np.sum(X ** 3 * V)),
    "tan2": (lambda: np.sum(6 * X ** 2 * W * V), lambda: np.sum(2 * X ** 3 * V)),
    "derived": (lambda: np.sum(V ** 3 * W), None),
}
REGISTRATIONS = ("adj", "adj2", "adj_k", "adj_lin", "tan", "tan2", "nd")


def model(sequence):
    """``(adjoint, tangent, nondifferentiable, refused registrations)`` after
    ``sequence``: the latest registrations hold."""
    adjoint = tangent = written = None
    constant, refused = False, []
    for name in sequence:
        if name == "nd":
            adjoint = tangent = written = None
            constant = True
        elif name.startswith("adj"):
            if tangent == "derived":
                tangent = written
            adjoint, constant = name, False
            if name == "adj_lin":
                tangent = "derived"
        elif tangent == "derived":
            refused.append(name)     # (a linear op's tangent is derived: refused)
        else:
            tangent = written = name
            constant = False
    return adjoint, tangent, constant, refused


def expected(sequence, mode):
    """The value ``mode`` gives after ``sequence``, or the error it raises."""
    adjoint, tangent, constant, _ = model(sequence)
    if constant:
        return np.zeros((2, 2)) if mode == "hessian" else 0.0 if mode.startswith("jvp") \
            else np.zeros(2)
    if mode.startswith("grad") or mode == "hessian":
        if adjoint is None or (mode == "hessian" and tangent is None):
            return NoDerivativeRuleError
        found = ADJOINTS[adjoint][("grad0", "grad1", "hessian").index(mode)]
    else:
        if tangent is None:
            return NoDerivativeRuleError
        found = TANGENTS[tangent][int(mode == "jvp1")]
        if adjoint in ("adj_k", "adj_lin"):   # (k declared nondiff by the latest adjoint)
            found = None if mode == "jvp1" else found
    return NoDerivativeRuleError if found is None else found()


def derivative(mode):
    if mode == "grad0":
        return s2sad.grad(fixture.f)(X, W)
    if mode == "grad1":
        return s2sad.grad(fixture.f, wrt=1)(X, W)
    if mode == "jvp0":
        return s2sad.jvp(fixture.f)(X, W, V)[1]
    if mode == "jvp1":
        return s2sad.jvp(fixture.f, wrt=1)(X, W, V)[1]
    return s2sad.hessian(fixture.f)(X, W)


MODES = ("grad0", "grad1", "jvp0", "jvp1", "hessian")
SEQUENCES = [(a,) for a in REGISTRATIONS] + list(itertools.permutations(REGISTRATIONS, 2)) + [
    ("adj", "nd", "adj2"), ("tan", "adj_lin", "adj"), ("adj_lin", "adj", "tan"),
    ("adj_lin", "nd", "tan"), ("adj", "tan", "nd", "adj"), ("nd", "adj_k", "tan2", "adj"),
    ("adj_lin", "adj_k", "adj_lin", "adj2"), ("tan", "nd", "tan2", "adj_lin", "adj_k"),
    ("adj", "tan", "adj_lin", "adj2"), ("adj", "adj", "adj2", "tan", "tan2", "tan")]


@pytest.mark.parametrize("sequence", SEQUENCES, ids=" ".join)
def test_the_latest_registrations_hold(sequence):
    op = fresh_op()
    register(op, "adj")
    s2sad.grad(fixture.f)(X, W)       # (a derivative made before: it must see the changes)
    s2sad.nondifferentiable(op)       # (a fresh start: the cases' own registrations)
    refused = []
    for name in sequence:
        try:
            register(op, name)
        except RuleDefinitionError:
            refused.append(name)
    assert refused == model(("nd",) + sequence)[3]
    for mode in MODES:
        want = expected(sequence, mode)
        if want is NoDerivativeRuleError:
            with pytest.raises(S2sadError):
                derivative(mode)
        else:
            np.testing.assert_allclose(derivative(mode), want, rtol=1e-12, atol=1e-12,
                                       err_msg=f"{mode} after {sequence}")


def test_a_caller_made_after_the_registrations_sees_them():
    op = fresh_op()
    s2sad.nondifferentiable(op)
    assert np.all(s2sad.grad(fixture.g)(X, W) == 0.0)
    op = fresh_op()
    s2sad.nondifferentiable(op)
    register(op, "adj")
    register(op, "tan")
    np.testing.assert_allclose(s2sad.grad(fixture.g)(X, W), 6 * X ** 2 * W, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(fixture.g)(X, W, V)[1], np.sum(6 * X ** 2 * W * V),
                               rtol=1e-12)


def test_the_correct_rules_are_the_finite_differences():
    """The hand-written values of the correct rules, checked against the function."""
    def plain(x, w):
        return np.sum(x ** 3 * w)
    h = 1e-6
    fd_x = [(plain(X + h * e, W) - plain(X - h * e, W)) / (2 * h) for e in np.eye(2)]
    fd_w = [(plain(X, W + h * e) - plain(X, W - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(ADJOINTS["adj"][0](), fd_x, rtol=1e-7)
    np.testing.assert_allclose(ADJOINTS["adj"][1](), fd_w, rtol=1e-7)
    np.testing.assert_allclose(TANGENTS["tan"][0](), np.dot(fd_x, V), rtol=1e-7)
    np.testing.assert_allclose(TANGENTS["tan"][1](), np.dot(fd_w, V), rtol=1e-7)
    hess = [(3 * (X + h * e) ** 2 * W - 3 * (X - h * e) ** 2 * W) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(ADJOINTS["adj"][2](), np.array(hess).T, rtol=1e-7)


def test_a_stale_linear_tangent_is_gone():
    """The stranger's case: ``linear=True`` by mistake, then the adjoint again without it
    and no tangent: forward mode has no tangent rule (the derived one was op(a_dot))."""
    op = fresh_op()
    register(op, "adj_lin")
    np.testing.assert_allclose(s2sad.jvp(fixture.f)(X, W, V)[1], np.sum(V ** 3 * W))
    register(op, "adj")
    with pytest.raises(NoDerivativeRuleError, match="no tangent"):
        s2sad.jvp(fixture.f)(X, W, V)
    register(op, "tan")                # (now allowed: op is no longer declared linear)
    np.testing.assert_allclose(s2sad.jvp(fixture.f)(X, W, V)[1], np.sum(3 * X ** 2 * W * V))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "hvp", "grad_k"])
def test_a_nondiff_parameter_given_a_derivative_is_refused(mode):
    """A user's ``nondiff=("k",)``: an argument there carrying a derivative is refused
    where it is written (its derivative would be dropped), as s2sad's own rules refuse
    one (``np.quantile``'s ``q``); a constant one is differentiated."""
    op = fresh_op()
    register(op, "adj_k")
    register(op, "tan")
    run = {"grad": lambda f: s2sad.grad(f)(X, 2.0),
           "jvp": lambda f: s2sad.jvp(f)(X, 2.0, V),
           "hessian": lambda f: s2sad.hessian(f)(X, 2.0),
           "hvp": lambda f: s2sad.hvp(f)(X, 2.0, V),
           "grad_k": lambda f: s2sad.grad(f, wrt=1)(X, 2.0)}[mode]
    with pytest.raises(NoDerivativeRuleError, match=r"'k'.*nondiff") as caught:
        run(fixture.scaled_by_first)
    assert "rule_registrations.py:" in str(caught.value)
    if mode == "grad":
        np.testing.assert_allclose(run(fixture.scaled_by_constant), 3 * X ** 2 * 3.0)
    elif mode == "grad_k":
        with pytest.raises(NoDerivativeRuleError, match=r"'k'"):
            run(fixture.scaled_by_constant)    # (k + 1.0 carries the derivative in k)


def test_a_lambda_rule_is_refused_as_a_lambda():
    """Not "the source changed on disk": the lambda's line holds another lambda."""
    with pytest.raises(RuleDefinitionError, match="rule <lambda> must be defined with 'def'"):
        fixture.register_on_one_line(s2sad, fresh_op())


@pytest.mark.parametrize("mode", ["grad", "hessian"])
def test_reverse_mode_of_a_tangent_only_rule_names_the_missing_adjoint(mode):
    op = fresh_op()
    register(op, "tan")
    np.testing.assert_allclose(s2sad.jvp(fixture.f)(X, W, V)[1], np.sum(3 * X ** 2 * W * V))
    run = s2sad.grad if mode == "grad" else s2sad.hessian
    with pytest.raises(NoDerivativeRuleError,
                       match=r"no adjoint \(reverse-mode\) rule for op, which has a tangent"
                             r" rule") as caught:
        run(fixture.f)(X, W)
    assert "@s2sad.adjoint(op)" in caught.value.hint
