"""A vjp's pullback restores what the forward sweep's writes overwrote in its own copies
of the written arrays; a value the tape holds that is a view of such an array (``x[i]``
pushed in a loop before ``x[1, 0] = 0.0``, a view of a view, a column, views in a list)
must see the values put back, as ``value_and_grad`` sees them in the arrays themselves.
It kept pointing into the forward sweep's array and read the written value: vjp and the
reverse jacobian gave 1.0 where the derivative is cos(0.876).  References: central
finite differences of the function (``s2sad.testing``) or derivatives by hand."""

import threading

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient

X = np.array([[1.091, 0.771, 0.889], [0.876, -0.002, 0.041]])


def loop_views(x):
    for i in range(2):
        s = np.sum(np.sin(x[i]))
    x[1, 0] = 0.0
    return s


def straight_views(x):
    r = x[1]
    s = np.sum(np.sin(r)) * np.sum(r * r)
    x[1, 0] = 0.0
    return s


def views_of_views(x):
    t = 0.0
    for i in range(2):
        r = x[i]
        c = r[1:]
        t = t + np.sum(np.sin(c) * c)
    x[1, 1] = 3.0
    x[0, 2] = 1.0
    return t + np.sum(x)


def list_of_views(x):
    rows = []
    s = 0.0
    for i in range(2):
        rows.append(x[i])
        s = s + np.sum(np.sin(rows[i]) * rows[0])
    x[1, 0] = 0.0
    x[0, 2] = 0.5
    return s


def columns(x):
    s = 0.0
    for i in range(3):
        c = x[:, i]
        s = s + np.sum(np.sin(c) * c)
    x[1, 0] = 0.0
    x[0, 2] = 2.0
    return s


def reversed_rows(x):
    s = 0.0
    for i in range(2):
        r = x[i, ::-1]
        s = s + np.sum(np.sin(r) * r[0])
    x[1, 2] = 0.0
    return s


def rows_out(x):
    out = []
    for i in range(2):
        out.append(np.sin(x[i]) * x[i])
    x[1, 0] = 0.0
    x[0, 1] = 0.0
    return out[0] + out[1] * x[1]


def written_helper(x):
    for i in range(2):
        s = np.sum(np.sin(x[i]))
    x[1, 0] = 0.0
    return s


def calls_a_helper(x):
    y = x * 1.5
    return written_helper(y) * 2.0


SCALAR = [loop_views, straight_views, views_of_views, list_of_views, columns,
          reversed_rows, calls_a_helper]


def _fd_jacobian(f, x, h=1e-6):
    out = np.asarray(f(x.copy()))
    jac = np.zeros(out.shape + x.shape)
    for index in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        jac[(...,) + index] = (np.asarray(f(up)) - np.asarray(f(down))) / (2 * h)
    return jac


def test_the_reproducer_by_hand():
    # s = sum(sin(x[1])) of the values before the write: ds/dx[1, j] = cos(x[1, j])
    _, pullback = s2sad.vjp(loop_views)(X.copy())
    expected = np.zeros_like(X)
    expected[1] = np.cos(X[1])
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-12)


@pytest.mark.parametrize("f", SCALAR, ids=lambda f: f.__name__)
def test_vjp_grad_and_jacobians_match_finite_differences(f):
    reference = finite_difference_gradient(f, (X.copy(),))
    value, pullback = s2sad.vjp(f)(X.copy())
    np.testing.assert_allclose(value, f(X.copy()), rtol=1e-12)
    np.testing.assert_allclose(pullback(1.0), reference, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.grad(f)(X.copy()), reference, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.jacobian(f)(X.copy()), reference, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.jacobian(f, mode="forward")(X.copy()), reference,
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", [loop_views, columns, list_of_views],
                         ids=lambda f: f.__name__)
def test_hvp_matches_finite_differences_of_the_gradient(f):
    v = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    hessian = _fd_jacobian(lambda a: s2sad.grad(f)(a), X)
    np.testing.assert_allclose(s2sad.hvp(f)(X.copy(), v), np.tensordot(hessian, v, axes=2),
                               rtol=1e-5, atol=1e-6)


def test_a_vector_output_through_the_reverse_jacobian():
    reference = _fd_jacobian(rows_out, X)
    np.testing.assert_allclose(s2sad.jacobian(rows_out)(X.copy()), reference,
                               rtol=1e-6, atol=1e-8)
    value, pullback = s2sad.vjp(rows_out)(X.copy())
    cotangent = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(pullback(cotangent), np.tensordot(cotangent, reference, axes=1),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", [loop_views, views_of_views, columns],
                         ids=lambda f: f.__name__)
def test_a_pullback_called_again_and_in_two_threads(f):
    reference = finite_difference_gradient(f, (X.copy(),))
    _, pullback = s2sad.vjp(f)(X.copy())
    first, second = pullback(1.0), pullback(1.0)
    results = {}
    threads = [threading.Thread(target=lambda k=k: results.__setitem__(k, pullback(1.0)))
               for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got in (first, second, results[0], results[1]):
        np.testing.assert_allclose(got, reference, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", [loop_views, columns], ids=lambda f: f.__name__)
def test_an_argument_that_views_a_callers_array(f):
    big = np.zeros((4, 3))
    big[1:3] = X
    before = big.copy()
    value, pullback = s2sad.vjp(f)(big[1:3])
    np.testing.assert_allclose(pullback(1.0), finite_difference_gradient(f, (X.copy(),)),
                               rtol=1e-6, atol=1e-8)
    pullback(1.0)
    assert np.array_equal(big, before)   # the caller's array is as it was


def test_a_vjp_writing_into_nothing_keeps_its_code():
    def reads(x):
        s = 0.0
        for i in range(2):
            s = s + np.sum(np.sin(x[i]))
        return s

    assert "pullback_copies" not in s2sad.source(reads, flavor="vjp")
    assert "pullback_copies" in s2sad.source(loop_views, flavor="vjp")


def test_a_users_local_named_like_the_helpers():
    def named(x):
        for i in range(2):
            repointed = x[i]
            own_copy = np.sum(np.sin(repointed))
        x[1, 0] = 0.0
        copies = own_copy * 2.0
        pullback_copies = copies
        return pullback_copies

    _, pullback = s2sad.vjp(named)(X.copy())
    np.testing.assert_allclose(pullback(1.0), finite_difference_gradient(named, (X.copy(),)),
                               rtol=1e-6, atol=1e-8)
