"""A derivative made above the helpers and globals it reads (``@s2sad.grad`` on a
function calling a helper the module defines lower down; ``g = s2sad.grad(loss)`` before
``W = ...``) was refused when made: "name 'model' is not defined", with the hint to
define it at module level, where it is (stranger21b r7).  Python looks names up when the
code runs: the derivative is made again when it is called, and refuses only a name still
not defined then.  References: central differences in float64 and derivatives by hand."""

import numpy as np
import pytest

import defined_below as m
import s2sad

X = np.array([0.3, -1.2, 0.7])
V = np.array([0.5, 1.0, -2.0])
H = 1e-6


def fd(f, x):
    return np.array([(f(x + H * e) - f(x - H * e)) / (2 * H) for e in np.eye(len(x))])


def loss(x):
    return m.loss.__wrapped__(x) if hasattr(m.loss, "__wrapped__") else m.loss(x)


def test_decorators_above_their_helpers():
    f = lambda x: np.sum((np.tanh(x) * 1.5) ** 2) * 1.5
    np.testing.assert_allclose(m.decorated(X), fd(f, X), rtol=1e-6)
    value, grad = m.decorated_value(X)
    assert value == pytest.approx(np.sum(m.W * X ** 2))
    np.testing.assert_allclose(grad, 2.0 * m.W * X, rtol=1e-12)   # by hand


def test_every_transform_made_above_its_globals():
    np.testing.assert_allclose(m.GRAD(X), fd(m.loss, X), rtol=1e-6)
    value, tangent = m.JVP(X, V)
    assert value == pytest.approx(m.loss(X))
    assert tangent == pytest.approx((m.loss(X + H * V) - m.loss(X - H * V)) / (2 * H), rel=1e-6)
    hessian = np.array([(fd(m.loss, X + 1e-4 * e) - fd(m.loss, X - 1e-4 * e)) / 2e-4
                        for e in np.eye(3)])
    np.testing.assert_allclose(m.HESSIAN(X), hessian, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(m.HVP(X, V), hessian @ V, rtol=1e-4, atol=1e-6)
    jac = m.JACOBIAN(X)
    np.testing.assert_allclose(jac, np.diag(1.5 * (1 - np.tanh(X) ** 2) * m.W), rtol=1e-10)
    value, pullback = m.VJP(X)
    np.testing.assert_allclose(pullback(2.0), 2.0 * fd(m.loss, X), rtol=1e-6)


def test_a_name_still_not_defined_when_called_is_refused_then():
    for _ in range(2):   # (and again at the next call: not made from a stale refusal)
        with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
            m.NEVER(X)
        text = str(caught.value)
        assert "name 'NEVER_DEFINED' is not defined" in text, text
        assert "defined_below.py:" in text, text


def test_defined_after_a_refused_call_it_works():
    m.NEVER_DEFINED = 2.0
    try:
        np.testing.assert_allclose(m.NEVER(X), np.full(3, 2.0))
    finally:
        del m.NEVER_DEFINED
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError):   # (and deleted again)
        m.NEVER(X)
