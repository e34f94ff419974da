"""An array unpacked into names (``a, b = np.exp(p)``; ``x, v = s`` after a loop) gets an
array adjoint: its rows' adjoints stacked (a tuple of them reached the rules of the ops
that made it: a crash in reverse mode, and second derivatives of 0).  References are
central finite differences in float64, or derivatives by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient


def exp_unpacked(p):
    a, b = np.exp(p)
    return a + b


def scaled_unpacked(p):
    a, b = p * 2.0
    return a * b


def shifted_unpacked(p, q):
    a, b = np.exp(p) - q
    return a * b


def three_names(p):
    ell, sf, sn = p
    return np.exp(ell) * np.exp(sf) + np.exp(sn) ** 2


def gp_like(log_params):
    ell, sf = np.exp(log_params)
    return ell * sf


def rows_unpacked(X):
    a, b = np.tanh(X)
    return np.sum(a * a) + np.sum(b * a * 0.5)


def _rhs(s, k):
    return np.array([s[1], -k * s[0]])


def euler_then_unpacked(s0, k, dt=0.1, n=5):
    s = s0
    for _ in range(n):
        s = s + dt * _rhs(s, k)
    x, v = s
    return x ** 2 + v ** 2


def _made(p):
    return p * 3.0


def helper_result_unpacked(p):
    a, b = _made(p)
    return np.sin(a) * b


def _pair(p):
    return p[0] * 2.0, p[1] + 1.0


def helper_tuple_unpacked(p):
    a, b = _pair(p)
    return a * b


def builtin_sum_of_an_array(p):
    return sum(np.exp(p) * 0.5)


def builtin_sum_of_rows(X):
    return np.sum(sum(np.tanh(X)) ** 2)


P = np.array([0.3, 0.2])
CASES = [
    (exp_unpacked, (P,), 0),
    (scaled_unpacked, (P,), 0),
    (shifted_unpacked, (P, np.array([0.1, 0.5])), 1),
    (shifted_unpacked, (P, np.array([0.1, 0.5])), 0),
    (three_names, (np.array([0.1, 0.2, -1.0]),), 0),
    (gp_like, (np.array([0.25, 0.25]),), 0),
    (rows_unpacked, (np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]),), 0),
    (euler_then_unpacked, (np.array([1.0, 0.2]), 2.0), 0),
    (euler_then_unpacked, (np.array([1.0, 0.2]), 2.0), 1),
    (helper_result_unpacked, (P,), 0),
    (helper_tuple_unpacked, (P,), 0),
    (builtin_sum_of_an_array, (P,), 0),
    (builtin_sum_of_rows, (np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]),), 0),
]
IDS = [f"{f.__name__}-wrt{w}" for f, _, w in CASES]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=IDS)
def test_gradient_and_vjp(f, args, wrt):
    expected = finite_difference_gradient(f, args, wrt)
    np.testing.assert_allclose(s2sad.grad(f, wrt=wrt)(*args), expected, rtol=1e-6, atol=1e-9)
    value, pullback = s2sad.vjp(f, wrt=wrt)(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f, args, wrt", CASES, ids=IDS)
def test_jvp(f, args, wrt):
    direction = np.linspace(0.5, -0.7, np.size(args[wrt])).reshape(np.shape(args[wrt]))
    _, tangent = s2sad.jvp(f, wrt=wrt)(*args, direction)
    expected = np.sum(finite_difference_gradient(f, args, wrt) * direction)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-9)


def _fd_hessian_vector(f, args, wrt, v, eps=1e-3):
    def moved(t):
        a = list(args)
        a[wrt] = np.asarray(args[wrt], dtype=float) + t * v
        return finite_difference_gradient(f, tuple(a), wrt)
    return (moved(eps) - moved(-eps)) / (2 * eps)


@pytest.mark.parametrize("f, args, wrt", CASES, ids=IDS)
def test_hvp_and_hessian(f, args, wrt):
    v = np.linspace(0.5, -0.7, np.size(args[wrt])).reshape(np.shape(args[wrt]))
    if np.ndim(args[wrt]) == 0:
        v = 0.5
    expected = _fd_hessian_vector(f, args, wrt, v)
    got = s2sad.hvp(f, wrt=wrt)(*args, v)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_the_exp_hessian_by_hand():
    p = np.array([0.3, 0.2])
    np.testing.assert_allclose(s2sad.hessian(exp_unpacked)(p), np.diag(np.exp(p)), rtol=1e-12)
    e = np.exp(0.5)   # ell * sf = exp(p0 + p1): every second derivative is exp(p0 + p1)
    np.testing.assert_allclose(s2sad.hessian(gp_like)(np.array([0.25, 0.25])),
                               np.full((2, 2), e), rtol=1e-12)
