"""A helper with the ``out=None`` idiom called through a wrapper forwarding its own
``ob`` (``def w(x, ob=None): return h(x, ob)``), given None, its default or an array:
the caller-side write-back of the helper's writes crashed with a TypeError on None
(``ob[...] = ob_1``), and ``ob += ...`` in the helper was refused as "a number"
(fixcrash17).  The write-back now runs only ``if ob is not None``.  References: central
finite differences of the function itself, in every mode and to second order."""

import numpy as np
import pytest

import none_forwarded as nf
import s2sad

X = np.array([0.3, -1.2, 2.0])
FUNCTIONS = [nf.none_given, nf.default_used, nf.none_by_name, nf.default_by_name,
             nf.array_by_name, nf.array_by_position, nf.grow_none_given,
             nf.grow_default_by_name, nf.grow_array_by_name, nf.grow_array_by_position,
             nf.both_calls, nf.maybe_none]


def _fd_grad(f, x, *rest, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d, *rest) - f(x - d, *rest)) / (2 * eps)
    return g


def _fd_hessian(f, x, eps=1e-4):
    h = np.zeros((x.size, x.size))
    for i in range(x.size):
        d = np.zeros_like(x)
        d[i] = eps
        h[i] = (_fd_grad(f, x + d) - _fd_grad(f, x - d)) / (2 * eps)
    return h


@pytest.mark.parametrize("x", [X, -X])
@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_reverse_and_forward_agree_with_finite_differences(f, x):
    ref = _fd_grad(f, x)
    np.testing.assert_allclose(s2sad.grad(f)(x), ref, atol=1e-6)
    value, grad = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(x))
    np.testing.assert_allclose(grad, ref, atol=1e-6)
    tangents = [s2sad.jvp(f)(x, e)[1] for e in np.eye(3)]
    np.testing.assert_allclose(tangents, ref, atol=1e-6)


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_second_order_agrees_with_finite_differences(f):
    ref = _fd_hessian(f, X)
    np.testing.assert_allclose(s2sad.hessian(f)(X), ref, rtol=1e-5, atol=1e-5)
    v = np.array([0.5, -1.0, 0.25])
    np.testing.assert_allclose(s2sad.hvp(f)(X, v), ref @ v, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("ob", [None, np.array([1.0, 2.0, -1.0])], ids=["None", "array"])
def test_the_entry_s_own_parameter_passed_on(ob):
    given = None if ob is None else ob.copy()
    ref = _fd_grad(lambda x: nf.passed_on(x, None if ob is None else ob.copy()), X)
    np.testing.assert_allclose(s2sad.grad(nf.passed_on)(X, given), ref, atol=1e-6)
    tangents = [s2sad.jvp(nf.passed_on)(X, None if ob is None else ob.copy(), e)[1]
                for e in np.eye(3)]
    np.testing.assert_allclose(tangents, ref, atol=1e-6)
