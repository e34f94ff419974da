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
