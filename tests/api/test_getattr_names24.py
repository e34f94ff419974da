"""``getattr(p, name)`` of a name that is not a constant string, differentiated through
``p``, is refused saying so (it was refused as "no derivative rule for getattr", a call
without a rule, whose hint offered to declare it constant: zeros); the spellings it
points to, and getattr of a constant, are differentiated (references: central
differences in float64)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError
from tests.fixtures import getattr_names24 as fx

P = fx.Pair(np.array([0.3, -0.7, 1.1]), np.array([0.5, 0.2, -0.4]))
X = np.array([0.9, -0.3, 0.6])


def _central(f, p, x, eps=1e-6):
    """d f / d p (a Pair) by central differences."""
    leaves = []
    for k in range(2):
        g = np.zeros(3)
        for i in range(3):
            up, down = [a.copy() for a in p], [a.copy() for a in p]
            up[k][i] += eps
            down[k][i] -= eps
            g[i] = (f(fx.Pair(*up), x) - f(fx.Pair(*down), x)) / (2 * eps)
        leaves.append(g)
    return fx.Pair(*leaves)


@pytest.mark.parametrize("transform", ["grad", "jvp", "hvp"])
def test_a_name_not_constant_is_refused_saying_what_and_what_to_do(transform):
    with pytest.raises(NoDerivativeRuleError) as info:
        if transform == "grad":
            s2sad.grad(fx.by_name)(P, X)
        elif transform == "jvp":
            s2sad.jvp(fx.by_name)(P, X, P, X)
        else:
            s2sad.hvp(fx.by_name)(P, X, P)
    text = str(info.value)
    assert "getattr_names24.py:11:" in text
    assert "an attribute whose name is not a constant string" in text
    assert "p.W if name" not in text and "obj.W if name == 'W' else obj.b" in text
    assert "nondifferentiable" not in text and "register" not in text


def test_a_default_is_refused_saying_so():
    with pytest.raises(NoDerivativeRuleError, match="an attribute read with a default"):
        s2sad.grad(fx.with_default)(P, X)


@pytest.mark.parametrize("f", [fx.by_constant, fx.by_branch])
def test_the_spellings_offered_are_differentiated(f):
    expected = _central(f, P, X)
    got = s2sad.grad(f)(P, X)
    assert type(got) is fx.Pair
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-9)
    direction = fx.Pair(np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -1.0]))
    _, tangent = s2sad.jvp(f, wrt=0)(P, X, direction)
    assert tangent == pytest.approx(sum(np.sum(e * d) for e, d in zip(expected, direction)),
                                    rel=1e-6)


def test_the_branch_on_the_name_reads_the_other_field_too():
    f = fx.by_branch
    got = s2sad.grad(f)(P, X, "b")
    expected = _central(lambda p, x: f(p, x, "b"), P, X)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-9)


def test_a_name_not_constant_of_an_object_outside_wrt_is_a_constant():
    """Differentiated in x only, p's attribute is a constant: nothing refused."""
    f = fx.by_name
    eps = 1e-6
    expected = np.array([(f(P, X + eps * e) - f(P, X - eps * e)) / (2 * eps)
                         for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.grad(f, wrt=1)(P, X), expected, rtol=1e-6)
    np.testing.assert_allclose(s2sad.grad(f, wrt=1)(P, X, "b"),
                               np.cos(P.b * X) * P.b, rtol=1e-12)
