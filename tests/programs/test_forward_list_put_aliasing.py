"""Forward mode writes a list's item in place (``list_put``) where it knows no other name
reads the list: checked where another name or the caller holds it.  A list parameter
written through an alias in a loop, an old item read after the write, a list written
under two names in a loop, copies (``list(a)``, ``a[:]``) written, a constant list
given varied items, a ``while`` loop: ``jvp``, ``hvp`` and ``grad`` against central
finite differences (of the function run on fresh copies: Python's call changes its
argument), with respect to the array and to the list itself; the caller's list and
the tangent list the caller passes are left as they were (README: the caller's
containers never change), and a repeated call gives the same numbers.  A list also
held by another container and read later is refused at its line."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient

X = np.array([0.3, 0.7, -0.2])
T = np.array([1.0, -0.5, 0.25])


def _list():
    return [np.array([1.0, 2.0, 3.0]), np.array([0.5, -0.5, 1.5])]


def _list_tangent():
    return [np.array([0.2, 0.1, -0.3]), np.array([1.0, 0.0, 0.5])]


def param_alias_loop(xs, x):
    ys = xs
    for i in range(2):
        ys[i] = ys[i] * x
    return np.sum(xs[0] * ys[1]) + np.sum(x * x)


def param_old_item_read(xs, x):
    old = xs[0]
    xs[0] = xs[0] * x
    xs[1] = old * xs[0]
    return np.sum(xs[1]) + np.sum(old)


def saved_in_loop(x):
    a = [x, x * 2.0, x * 3.0]
    s = 0.0
    for i in range(3):
        s = s + np.sum(a[i] * a[(i + 1) % 3])
        a[i] = np.sin(a[i]) * x
    return s + np.sum(a[0] * a[2])


def two_names_loop(x):
    a = [x, x * 2.0]
    b = a
    for k in range(2):
        a[k] = a[k] * b[1 - k]
        b[1 - k] = np.tanh(b[1 - k]) + a[k]
    return np.sum(a[0] * b[1])


def copies_written(x):
    a = [x, x * 2.0]
    b = list(a)
    b[0] = b[0] * x
    c = a[:]
    c[1] = c[1] * 3.0
    return np.sum(a[0] * b[0] * c[1] * a[1])


def constant_list_given_items(x):
    a = [1.0, 2.0, 3.0]
    for i in range(2):
        a[i] = a[i] * x[i]
    return a[0] * a[1] + a[2] * x[2]


def written_in_while(x):
    a = [x * 1.0, x * 2.0]
    i = 0
    while i < 4:
        a[i % 2] = a[(i + 1) % 2] * x + a[i % 2]
        i = i + 1
    return np.sum(a[0] * a[1])


def _fd_hessian(f, x, h=1e-4):
    return np.array([(finite_difference_gradient(f, (x + h * e,))
                      - finite_difference_gradient(f, (x - h * e,))) / (2 * h)
                     for e in np.eye(x.size)])


def _same(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b)) and len(a) == len(b)


ARRAY_ONLY = [saved_in_loop, two_names_loop, copies_written, constant_list_given_items,
              written_in_while]
WITH_LIST = [param_alias_loop, param_old_item_read]


@pytest.mark.parametrize("func", ARRAY_ONLY + WITH_LIST, ids=lambda f: f.__name__)
def test_jvp_hvp_grad_with_respect_to_the_array(func):
    takes_list = func in WITH_LIST
    fresh = (lambda x: func(_list(), x)) if takes_list else func
    grad, hess = finite_difference_gradient(fresh, (X,)), _fd_hessian(fresh, X)
    held = _list()
    args = (held, X) if takes_list else (X,)
    wrt = 1 if takes_list else 0
    t = T.copy()
    for _ in range(2):   # (a second call: nothing left over from the first)
        value, tangent = s2sad.jvp(func, wrt=wrt)(*args, t)
        assert np.isclose(value, fresh(X), rtol=1e-12)
        assert np.isclose(tangent, grad @ T, atol=1e-7)
        np.testing.assert_allclose(s2sad.hvp(func, wrt=wrt)(*args, t), hess @ T, atol=1e-4)
        np.testing.assert_allclose(s2sad.grad(func, wrt=wrt)(*args), grad, atol=1e-7)
    assert _same(held, _list()) and np.array_equal(t, T)


def _flat_function(func):
    return lambda flat: func([flat[:3].copy(), flat[3:].copy()], X)


@pytest.mark.parametrize("func", WITH_LIST, ids=lambda f: f.__name__)
def test_jvp_and_hvp_with_respect_to_the_list(func):
    flat_f = _flat_function(func)
    flat, direction = np.concatenate(_list()), np.concatenate(_list_tangent())
    grad, hess = finite_difference_gradient(flat_f, (flat,)), _fd_hessian(flat_f, flat)
    held, tangent = _list(), _list_tangent()
    _, jvp = s2sad.jvp(func, wrt=0)(held, X, tangent)
    assert np.isclose(jvp, grad @ direction, atol=1e-7)
    hvp = s2sad.hvp(func, wrt=0)(held, X, tangent)
    np.testing.assert_allclose(np.concatenate(hvp), hess @ direction, atol=1e-4)
    assert _same(held, _list()) and _same(tangent, _list_tangent())


def list_also_in_a_container(x):
    a = [x, x * 2.0]
    outer = [a, x]
    a[1] = a[0] * x
    return np.sum(outer[0][1] * a[1])


def test_a_list_also_held_by_a_container_is_refused_at_its_line():
    for make in (lambda: s2sad.jvp(list_also_in_a_container)(X, T),
                 lambda: s2sad.hvp(list_also_in_a_container)(X, T)):
        with pytest.raises(s2sad.UnsupportedSyntaxError,
                           match=r"test_forward_list_put_aliasing.py:\d+:\d+: changing the "
                                 r"list 'a'[\s\S]*hint: "):
            make()
