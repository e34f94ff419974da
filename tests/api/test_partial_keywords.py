"""A derivative of ``functools.partial(quad, A=A, b=b)`` reads the partial's keywords
as they are at each call, as any function's current defaults: a keyword set anew
(``p.keywords["A"] = 2 * A``) was not seen (the derivative kept the keywords of its
first call, silently: fixrefuse15).  References: the gradient and Hessian by hand."""

import functools

import numpy as np
import pytest

import s2sad


def quad(x, A, b):
    return 0.5 * x @ A @ x - b @ x


A = np.array([[2.0, 0.5], [0.5, 1.0]])
B = np.array([1.0, -1.0])
X = np.array([0.3, 0.7])


def test_a_keyword_set_anew_is_read_at_the_next_call():
    p = functools.partial(quad, A=A.copy(), b=B.copy())
    g = s2sad.grad(p)
    np.testing.assert_allclose(g(X), A @ X - B)
    p.keywords["A"] = 2.0 * A
    np.testing.assert_allclose(g(X), 2.0 * A @ X - B)
    p.keywords["A"][0, 0] = 7.0   # (in place, the new array)
    np.testing.assert_allclose(g(X), p.keywords["A"] @ X - B)
    p.keywords["b"] = np.zeros(2)
    np.testing.assert_allclose(g(X), p.keywords["A"] @ X)


@pytest.mark.parametrize("transform", ["hessian", "value_and_grad"])
def test_other_derivatives_follow_too(transform):
    p = functools.partial(quad, A=A.copy(), b=B.copy())
    d = getattr(s2sad, transform)(p)
    d(X)
    p.keywords["A"] = 3.0 * A
    got = d(X)
    if transform == "hessian":
        np.testing.assert_allclose(got, 3.0 * A)   # (A symmetric)
    else:
        assert got[0] == pytest.approx(quad(X, 3.0 * A, B))
        np.testing.assert_allclose(got[1], 3.0 * A @ X - B)


# A partial holding a keyword of a function with another optional parameter
# (``g(x, y=1.0, *, kq=0.5)``): the parameter given by position or by its name was
# dropped from the derivative's signature, a TypeError "takes 1 positional argument"
# (fixfz13b).  Reference: the gradient by hand.

def scaled(x, y=1.0, *, kq=0.5):
    return np.sum(np.sin(x)) * y * kq


def mixed(x, a=1.0, b=0.5):
    return np.sum(np.sin(x)) * a + b * np.sum(x * x)


@pytest.mark.parametrize("args, kwargs, y", [((2.0,), {}, 2.0), ((), {}, 1.0),
                                             ((), {"y": 3.0}, 3.0)])
def test_an_optional_parameter_beside_the_partials_keyword_is_taken(args, kwargs, y):
    p = functools.partial(scaled, kq=0.5)
    np.testing.assert_allclose(s2sad.grad(p)(X, *args, **kwargs), np.cos(X) * y * 0.5)
    np.testing.assert_allclose(s2sad.grad(p, wrt=1)(X, *args, **kwargs),
                               np.sum(np.sin(X)) * 0.5)


@pytest.mark.parametrize("args, kwargs", [((3.0,), {}), ((), {"a": 3.0})])
def test_an_optional_parameter_before_the_partials_keyword_is_taken(args, kwargs):
    p = functools.partial(mixed, b=0.25)
    np.testing.assert_allclose(s2sad.grad(p)(X, *args, **kwargs), np.cos(X) * 3.0 + 0.5 * X)
    np.testing.assert_allclose(s2sad.hessian(p)(X, *args, **kwargs),
                               np.diag(-3.0 * np.sin(X) + 0.5))


# A partial holding a keyword, called with a LATER parameter by name
# (``partial(q, a=2.0)(x, b=3.0)``): the parameters after a held keyword are keyword-only
# in the partial's signature, and were dropped from the derivative's, a TypeError
# "unexpected keyword argument 'b'" in every transform and a false WrtError for
# ``wrt="b"`` (fixcrash17).  Reference: central finite differences of the partial.

def later(x, a=1.0, b=2.0):
    return np.sum(np.sin(x) * a + x * x * b)


def first_scale(a, x, b=2.0):
    return np.sum(np.sin(x) * a + x * x * b)


def _fd(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = eps
        g.flat[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


X3 = np.array([0.3, -1.2, 2.0])
LATER_CALLS = [(functools.partial(later, a=2.0), {"b": 3.0}),
               (functools.partial(later, a=2.0), {}),
               (functools.partial(later, a=2.0), {"a": 5.0}),
               (functools.partial(later, a=2.0), {"a": 5.0, "b": 0.5}),
               (functools.partial(later, b=4.0), {"a": 3.0}),
               (functools.partial(first_scale, 2.0), {"b": 3.0}),
               (functools.partial(first_scale, 2.0, b=0.5), {})]


@pytest.mark.parametrize("p, kwargs", LATER_CALLS)
def test_a_later_parameter_given_by_name_is_taken(p, kwargs):
    ref = _fd(lambda x: p(x, **kwargs), X3)
    np.testing.assert_allclose(s2sad.grad(p)(X3, **kwargs), ref, atol=1e-6)
    value, grad = s2sad.value_and_grad(p)(X3, **kwargs)
    assert value == pytest.approx(p(X3, **kwargs))
    np.testing.assert_allclose(grad, ref, atol=1e-6)
    np.testing.assert_allclose([s2sad.jvp(p)(X3, e, **kwargs)[1] for e in np.eye(3)], ref,
                               atol=1e-6)
    np.testing.assert_allclose(s2sad.vjp(p)(X3, **kwargs)[1](1.0), ref, atol=1e-6)
    hess = np.array([_fd(lambda x: _fd(lambda y: p(y, **kwargs), x)[i], X3, eps=1e-4)
                     for i in range(3)])
    np.testing.assert_allclose(s2sad.hessian(p)(X3, **kwargs), hess, rtol=1e-5, atol=1e-4)
    v = np.array([0.5, -1.0, 0.25])
    np.testing.assert_allclose(s2sad.hvp(p)(X3, v, **kwargs), hess @ v, rtol=1e-5, atol=1e-4)


def test_the_later_parameter_is_differentiated_by_name():
    p = functools.partial(later, a=2.0)
    ref = _fd(lambda b: p(X3, b=float(b[0])), np.array([3.0]))[0]
    assert s2sad.grad(p, wrt="b")(X3, b=3.0) == pytest.approx(ref, abs=1e-6)
    gx, gb = s2sad.grad(p, wrt=(0, "b"))(X3, b=3.0)
    np.testing.assert_allclose(gx, _fd(lambda x: p(x, b=3.0), X3), atol=1e-6)
    assert gb == pytest.approx(ref, abs=1e-6)


def test_a_held_keyword_set_anew_is_still_read_with_a_later_parameter():
    p = functools.partial(later, a=2.0)
    g = s2sad.grad(p)
    np.testing.assert_allclose(g(X3, b=3.0), 2.0 * np.cos(X3) + 6.0 * X3)
    p.keywords["a"] = -1.0
    np.testing.assert_allclose(g(X3, b=3.0), -np.cos(X3) + 6.0 * X3)
