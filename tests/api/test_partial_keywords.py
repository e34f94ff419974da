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
