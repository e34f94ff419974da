"""Builtins and partials s2sad differentiates, reached under another name or passed to
``map``.

``max``/``min``/``pow`` spelled ``bmax`` (``from builtins import max as bmax``),
``builtins.min`` or ``B.pow`` (``import builtins as B``) were refused "no derivative rule
for max" while ``max(a, b)`` worked: they are recognized by their value now, as ``sum``
and ``abs`` were.  ``sum(map(p, xs))`` of a partial ``p`` made in the function (bound to a
name, or made in place: ``map(ft.partial(sq, s=w), xs)``) was refused "calling the local
value 'p'": it is the comprehension ``[p(v) for v in xs]`` now.  Checked against central
finite differences in reverse and forward mode and to second order (hessian, hvp)."""

import builtins
import builtins as B
import functools as ft
from builtins import map as bmap, max as bmax, min as bmin, pow as bpow, sum as bsum
from functools import partial as P

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient


def sq(a, s=1.0):
    return s * a * a


def scaled(a, b, s=1.0):
    return s * np.sin(a) * b


def aliased_max_min(x):
    hi = bmax(x[0] * x[1], x[2] - x[0], x[1])
    lo = builtins.min(x[0] * x[2], x[1] + 2.0)
    mid = B.max(x[2] * x[2], x[0])
    return hi * lo + mid * x[1]


def aliased_max_min_of_iterables(x):
    return bmax([x[0] * x[1], x[2], x[1] - x[0]]) * B.min((x[2] * x[0], x[1] + 3.0)) \
        + builtins.max(bmap(np.sin, x)) * x[0]


def aliased_pow(x):
    return bpow(x[2], 3) * x[0] + builtins.pow(x[2], x[0]) + B.pow(x[0] * x[1], 2.0, None)


def map_of_bound_partial(x):
    w = x[0] * 0.5 + 1.0
    p = ft.partial(sq, s=w)
    return sum(map(p, x)) + bsum(B.map(p, x[1:])) * x[2]


def map_of_partial_made_in_place(x):
    w = np.cos(x[1])
    return sum(map(ft.partial(sq, s=w), x)) + sum(map(P(sq, s=2.0), x))


def map_of_partial_two_sequences(x):
    w = x[2] * x[2]
    p = P(scaled, s=w)
    q = P(p, s=0.5)   # (a partial of a partial: its keyword replaced)
    return sum(map(p, x, x[::-1])) + max(map(q, x, x)) + list(map(p, x[1:], x[:2]))[0]


X = np.array([0.7, 1.3, 1.9])
FUNCS = [aliased_max_min, aliased_max_min_of_iterables, aliased_pow, map_of_bound_partial,
         map_of_partial_made_in_place, map_of_partial_two_sequences]


def _fd_hessian(f, x, h=1e-4):
    rows = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        rows.append((finite_difference_gradient(f, (x + e,))
                     - finite_difference_gradient(f, (x - e,))) / (2 * h))
    return np.array(rows)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_match_finite_differences_to_second_order(func):
    check_grads(func, (X,), modes=("reverse", "forward"))
    fd = _fd_hessian(func, X)
    np.testing.assert_allclose(s2sad.hessian(func)(X), fd, atol=1e-4)
    v = np.array([0.3, -1.1, 0.6])
    np.testing.assert_allclose(s2sad.hvp(func)(X, v), fd @ v, atol=1e-4)


def test_aliased_max_min_pow_by_hand():
    a, b = 0.7, 1.3

    def g(a, b):
        return bmax(a * b, b - a) + builtins.min(a * b, b - a) * a + bpow(a, 3) * b
    # max is a*b (0.91 > 0.6), min is b - a: d/da = b + (b - 2a) + 3a^2 b
    assert s2sad.grad(g)(a, b) == pytest.approx(b + (b - 2 * a) + 3 * a * a * b, rel=1e-12)
    _, tangent = s2sad.jvp(g)(a, b, 1.0)
    assert tangent == pytest.approx(b + (b - 2 * a) + 3 * a * a * b, rel=1e-12)
    # second derivative in a: -2 + 6ab
    assert s2sad.hvp(g)(a, b, 1.0) == pytest.approx(-2 + 6 * a * b, rel=1e-12)


def test_map_of_local_partial_by_hand():
    # sum(map(partial(sq, s=w), x)) with w = x0/2 + 1 held: d/dx_i of w * sum x^2
    def by_hand(x):
        w = x[0] * 0.5 + 1.0
        g = 2 * w * x
        g[0] += 0.5 * np.sum(x * x)
        return g

    def f(x):
        w = x[0] * 0.5 + 1.0
        p = ft.partial(sq, s=w)
        return sum(map(p, x))
    np.testing.assert_allclose(s2sad.grad(f)(X), by_hand(X), rtol=1e-12)


def test_modular_pow_under_another_name_is_refused():
    def f(a):
        return B.pow(a, 2, 5)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=r"three-argument pow"):
        s2sad.grad(f)(3.0)


def test_a_local_named_like_a_builtin_is_not_the_builtin():
    def f(a):
        bmax = lambda u, v: u * v   # noqa: E731 (a local lambda, called: not max)
        return bmax(a, a + 1.0)
    assert s2sad.grad(f)(0.7) == pytest.approx(2 * 0.7 + 1.0, rel=1e-12)


def test_map_of_partial_made_in_place_of_arithmetic_by_hand():
    # sum(map(partial(sq, s=2w), x)): d/dw = 2 sum x^2
    def f(x, w):
        return sum(map(ft.partial(sq, s=w * 2.0), x))
    assert s2sad.grad(f, wrt=1)(X, 0.7) == pytest.approx(2 * np.sum(X * X), rel=1e-12)


def test_map_of_partial_made_in_place_of_a_call_hints_a_name_in_the_function():
    def made_in_place(x, w):
        return sum(map(ft.partial(sq, s=np.tanh(w)), x))

    def as_hinted(x, w):
        p = ft.partial(sq, s=np.tanh(w))
        return sum(map(p, x))
    with pytest.raises(s2sad.UnsupportedSyntaxError,
                       match=r"hint: bind it to a name in the function \(p = ft\.partial\("):
        s2sad.grad(made_in_place, wrt=1)(X, 0.7)
    # d/dw tanh(w) sum x^2
    assert s2sad.grad(as_hinted, wrt=1)(X, 0.7) \
        == pytest.approx((1 - np.tanh(0.7) ** 2) * np.sum(X * X), rel=1e-12)
