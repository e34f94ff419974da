"""Writes through the result of a function with a user rule (``@s2sad.adjoint``): followed
when the rule declares the result fresh (``allocates=True``) or the function's source shows
a new value, refused with their location when the result may be the argument or a view of
it (declared ``view=True``, or not declared at all).  Before, an undeclared rule's result
was taken for a new array: a write through it was dropped (wrong value and gradient)."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient as fd

X = np.array([1.0, 2.0, 3.0, 4.0])


def reversed_view(a):
    return a[::-1]


@s2sad.adjoint(reversed_view, linear=True, view=True)
def reversed_view_adjoint(y, y_bar, a):
    return y_bar[::-1]


def reversed_undeclared(a):
    return a[::-1]


@s2sad.adjoint(reversed_undeclared, linear=True)
def reversed_undeclared_adjoint(y, y_bar, a):
    return y_bar[::-1]


def copied(a):
    return np.flip(a).copy()


def reversed_fresh(a):
    return copied(a)   # a new array, which only the declaration tells


@s2sad.adjoint(reversed_fresh, linear=True, allocates=True)
def reversed_fresh_adjoint(y, y_bar, a):
    return np.flip(y_bar)


def doubled(a):
    return 2.0 * a     # its source shows a new array


@s2sad.adjoint(doubled, linear=True)
def doubled_adjoint(y, y_bar, a):
    return 2.0 * y_bar


def write_through_view(x):
    y = x * 1.0
    r = reversed_view(y)
    r[0] = 5.0
    return np.sum(y * y)


def update_through_undeclared(x):
    y = x * 2.0
    r = reversed_undeclared(y)
    r += 1.0
    return np.sum(y ** 3)


def write_through_undeclared(x):
    y = x * 1.0
    r = reversed_undeclared(y)
    r[0] = 5.0
    return np.sum(y * y)


def write_through_fresh(x):
    y = x * 1.0
    r = reversed_fresh(y)
    r[0] = 5.0
    return np.sum(y * y) + np.sum(r * r * x)


def update_through_new_value(x):
    y = x * 1.0
    r = doubled(y)
    r += y
    return np.sum(y * r)


@pytest.mark.parametrize("func, line", [
    (write_through_view, "r[0] = 5.0"),
    (update_through_undeclared, "r += 1.0"),
    (write_through_undeclared, "r[0] = 5.0"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_write_through_a_result_that_may_be_the_argument_is_refused_where_it_is(
        func, line, mode):
    transform = s2sad.grad(func) if mode == "grad" else s2sad.jvp(func)
    args = (X,) if mode == "grad" else (X, np.ones(4))
    with pytest.raises(s2sad.S2sadError) as info:
        transform(*args)
    text = str(info.value)
    assert "test_user_rule_views.py" in text and line in text and "'y'" in text


def test_a_declared_fresh_result_is_written_into_as_python_does():
    # r = flip(x) with r[0] = 5: f = sum(x^2) + 25 x[0] + sum_{i>0} x[n-1-i]^2 x[i]
    value, gradient = s2sad.value_and_grad(write_through_fresh)(X)
    assert value == pytest.approx(write_through_fresh(X.copy()))
    assert np.allclose(gradient, fd(write_through_fresh, (X,)), rtol=1e-6)
    _, tangent = s2sad.jvp(write_through_fresh)(X, np.ones(4))
    assert tangent == pytest.approx(np.sum(fd(write_through_fresh, (X,))))


def test_a_result_the_source_shows_new_is_updated_in_place_as_python_does():
    # r = 2y + y = 3x: f = 3 sum(x^2), gradient 6x, written by hand
    value, gradient = s2sad.value_and_grad(update_through_new_value)(X)
    assert value == pytest.approx(3.0 * np.sum(X * X))
    assert np.allclose(gradient, 6.0 * X)
    _, tangent = s2sad.jvp(update_through_new_value)(X, np.ones(4))
    assert tangent == pytest.approx(np.sum(6.0 * X))
