"""A partial holding a parameter by keyword makes every later parameter keyword-only
(``inspect.signature(partial(q, A=A, b=b))`` of ``q(x, A, b, c=0.0)`` is ``(x, *, A=..,
b=.., c=0.0)``), so ``obj(x, 5.0)`` raises TypeError.  Every derivative of such a partial
raises Python's own error too (it computed with ``c=5.0``); ``c`` given by name still
differentiates, checked against central finite differences."""

import functools

import numpy as np
import pytest

import s2sad

A = np.array([[2.0, 0.3], [0.3, 1.0]])
B = np.array([1.0, -1.0])
X = np.array([0.2, 0.4])
V = np.array([1.0, 2.0])


def q(x, A, b, c=0.0):
    return 0.5 * x @ A @ x - b @ x + c * (x @ x)


def own_keyword_only(x, A, *, c=1.0):
    return np.sum(np.sin(A @ x)) * c


def vector(x, A, c=1.0):
    return A @ x * c + x ** 2


def _python_error(obj, *args, **kwargs):
    with pytest.raises(TypeError) as caught:
        obj(*args, **kwargs)
    return str(caught.value)


def _fd_grad(f, x, h=1e-6):
    out = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        out.append((f(x + e) - f(x - e)) / (2 * h))
    return np.array(out).T


CALLS = {
    "grad": lambda obj, *a, **k: s2sad.grad(obj)(*a, **k),
    "value_and_grad": lambda obj, *a, **k: s2sad.value_and_grad(obj)(*a, **k),
    "vjp": lambda obj, *a, **k: s2sad.vjp(obj)(*a, **k),
    "hvp": lambda obj, *a, **k: s2sad.hvp(obj)(*a, V, **k),
    "jvp": lambda obj, *a, **k: s2sad.jvp(obj)(*a, V, **k),
    "hessian": lambda obj, *a, **k: s2sad.hessian(obj)(*a, **k),
    "jacobian": lambda obj, *a, **k: s2sad.jacobian(obj)(*a, **k),
    "jacobian_forward": lambda obj, *a, **k: s2sad.jacobian(obj, mode="forward")(*a, **k),
    "jacobian_reverse": lambda obj, *a, **k: s2sad.jacobian(obj, mode="reverse")(*a, **k),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_position_on_a_keyword_only_parameter_raises_pythons_error(name):
    obj = functools.partial(q, A=A, b=B)
    expected = _python_error(obj, X, 5.0)
    assert expected == "q() got multiple values for argument 'A'"
    with pytest.raises(TypeError) as caught:
        CALLS[name](obj, X, 5.0)
    assert str(caught.value) == expected


@pytest.mark.parametrize("name", ["grad", "vjp", "jvp", "hessian"])
def test_the_functions_own_keyword_only_parameter_stays_keyword_only(name):
    obj = functools.partial(own_keyword_only, A=A)
    expected = _python_error(obj, X, 2.0)
    with pytest.raises(TypeError) as caught:
        CALLS[name](obj, X, 2.0)
    assert str(caught.value) == expected


@pytest.mark.parametrize("given", [{}, {"c": 5.0}])
def test_the_later_parameter_by_name_differentiates(given):
    obj = functools.partial(q, A=A, b=B)
    fd = _fd_grad(lambda x: obj(x, **given), X)
    np.testing.assert_allclose(s2sad.grad(obj)(X, **given), fd, rtol=1e-7, atol=1e-9)
    value, grads = s2sad.value_and_grad(obj)(X, **given)
    assert value == pytest.approx(obj(X, **given), rel=1e-12)
    np.testing.assert_allclose(grads, fd, rtol=1e-7, atol=1e-9)
    value, pullback = s2sad.vjp(obj)(X, **given)
    np.testing.assert_allclose(pullback(1.0), fd, rtol=1e-7, atol=1e-9)
    value, tangent = s2sad.jvp(obj)(X, V, **given)
    assert tangent == pytest.approx(fd @ V, rel=1e-7)
    hess = _fd_grad(lambda x: s2sad.grad(obj)(x, **given), X)   # (grad checked above)
    np.testing.assert_allclose(s2sad.hessian(obj)(X, **given), hess, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.hvp(obj)(X, V, **given), hess @ V, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_a_jacobian_of_such_a_partial_differentiates(mode):
    obj = functools.partial(vector, A=A)
    for given in ({}, {"c": 2.0}):
        fd = _fd_grad(lambda x: obj(x, **given), X)
        np.testing.assert_allclose(s2sad.jacobian(obj, mode=mode)(X, **given), fd,
                                   rtol=1e-7, atol=1e-9)
