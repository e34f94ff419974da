"""Regression tests (fixknown22b): a helper with the out=None idiom whose ``if ob is
None:`` has an ``else`` (or ``elif``) branch writing into the array the caller passed was
refused in every mode as one that "writes into its argument ... which s2sad does not
follow into the caller" (the idiom was recognized only without an else branch, so ``ob``
counted as rebound and its writes as unfollowed).  Now its writes are followed as the
idiom's are: forward mode and second order agree with derivatives by hand; reverse mode
refuses, located, the write after the join (the helper's pullback would restore two
names that may share memory: the aliasing refusal of "Trust and speed", by design)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

import none_buffer_else as nb

X = np.array([0.3, -0.7, 1.1])
V = np.array([1.0, -0.5, 0.25])


def _cleared(x):   # sum(x cos x): value, gradient, Hessian (diagonal)
    return np.sum(x * np.cos(x)), np.cos(x) - x * np.sin(x), -2 * np.sin(x) - x * np.cos(x)


def _first_zeroed(x, b0):
    """first_zeroed(x, b) with b given (b[0] = 0) or None (zeros): the same sum over
    x[1:] of x cos x, plus, where b is given, sum(b * sin(x)) of its new values."""
    mask = np.array([0.0, 1.0, 1.0])
    _, grad, hess = (mask * t for t in _cleared(x))
    value = np.sum(mask * x * np.cos(x))
    if b0 is not None:
        b = np.array([0.0, np.cos(x[1]), np.cos(x[2])])
        value += np.sum(b * np.sin(x))
        # d/dx of cos(x_i) sin(x_i) for i >= 1: cos(2 x_i); second: -2 sin(2 x_i)
        grad = grad + mask * np.cos(2 * x)
        hess = hess + mask * -2 * np.sin(2 * x)
    return value, grad, hess


EXPECTED = {
    "none_given": _cleared, "default_left": _cleared,
    "array_given": lambda x: tuple(2 * t for t in _cleared(x)),
    "elif_none_given": lambda x: _first_zeroed(x, None),
    "elif_array_given": lambda x: _first_zeroed(x, 2.0),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_forward_mode_follows_the_else_branchs_write(name):
    f = getattr(nb, name)
    value, grad, _ = EXPECTED[name](X)
    assert f(X.copy()) == pytest.approx(value)
    out, slope = s2sad.jvp(f)(X.copy(), V)
    assert out == pytest.approx(value)
    assert slope == pytest.approx(grad @ V, rel=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(f, mode="forward")(X.copy()), grad, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_second_order_follows_the_else_branchs_write(name):
    f = getattr(nb, name)
    _, _, hess = EXPECTED[name](X)
    np.testing.assert_allclose(s2sad.hvp(f)(X.copy(), V), hess * V, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(f)(X.copy()), np.diag(hess), rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reverse_mode_refuses_where_the_write_stands(name):
    f = getattr(nb, name)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(X.copy())
    where = info.value.location
    assert where is not None and where.filename == nb.__file__
    assert "ob[" in where.code and "may share its memory" in str(info.value)


def test_the_helper_itself_is_differentiated_in_reverse_mode():
    # (differentiated at top level, the idiom with its else branch: gradient by hand)
    for ob in (None, np.ones(3)):
        g = s2sad.grad(nb.cleared)(X.copy(), ob)
        np.testing.assert_allclose(g, _cleared(X)[1], rtol=1e-12)
