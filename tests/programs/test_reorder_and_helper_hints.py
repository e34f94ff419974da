"""Refusals whose hints must be followable, and a user global named like numpy's helper.

``xs.reverse()`` on a list was refused with "assign the result to a name", which led to
another refusal: it now names the list and hints ``xs = xs[::-1]``; ``xs.sort()`` on a
list said "the array" and hinted ``np.sort``: it names the list and hints ``xs =
sorted(xs)``.  Each hint is followed here and differentiated against central finite
differences.  A module global ``np = 3.0`` read by the function was refused in forward
mode (jvp, hvp) with the hint "from ... import np as my_np", which cannot be followed
for a float: the rules' ``np`` is told apart from the user's now, and it works; the
hint left for a clash s2sad cannot resolve names how to rename the object it is."""

import math

import numpy as onp
import pytest

import s2sad
from s2sad.emit_shadowed import rename_hint as _rename_hint
from s2sad.testing import check_grads, finite_difference_gradient

import float_named_np as fnp


def reversed_in_place(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs.reverse()
    return xs[0] * xs[1]


def sorted_in_place(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs.sort()
    return xs[0] * xs[1]


def sorted_largest_first_in_place(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs.sort(reverse=True)
    return xs[0] * xs[1]


def reversed_parameter_in_place(xs):
    xs.reverse()
    return xs[0] * xs[1]


def reversed_as_hinted(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs = xs[::-1]
    return xs[0] * xs[1]


def sorted_as_hinted(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs = sorted(xs)
    return xs[0] * xs[1]


def sorted_largest_first_as_hinted(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs = sorted(xs, reverse=True)
    return xs[0] * xs[1]


X = onp.array([0.3, -0.8, 1.1])


@pytest.mark.parametrize("func, message, hint", [
    (reversed_in_place, r"'xs.reverse\(\)' changes the list 'xs' in place",
     r"xs = xs\[::-1\]"),
    (sorted_in_place, r"'xs.sort\(\)' changes the list 'xs' in place", r"xs = sorted\(xs\)"),
    (sorted_largest_first_in_place, r"'xs.sort\(\)' changes the list 'xs' in place",
     r"xs = sorted\(xs, reverse=True\)"),
], ids=["reverse", "sort", "sort_reverse"])
def test_list_reordered_in_place_is_refused_with_a_hint_that_works(func, message, hint):
    with pytest.raises(s2sad.UnsupportedSyntaxError,
                       match=r"test_reorder_and_helper_hints.py:\d+:\d+: " + message
                             + r"[\s\S]*hint: write " + hint):
        s2sad.grad(func)(X)


def test_reverse_of_a_parameter_hints_the_slice():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=r"hint: write xs = xs\[::-1\]"):
        s2sad.grad(reversed_parameter_in_place)([0.3, -0.8, 1.1])


@pytest.mark.parametrize("func", [reversed_as_hinted, sorted_as_hinted,
                                  sorted_largest_first_as_hinted], ids=lambda f: f.__name__)
def test_the_hinted_spellings_match_finite_differences(func):
    check_grads(func, (X,), modes=("reverse", "forward"))


def test_the_hinted_spellings_by_hand():
    # reversed: [x2, 2 x1, x0] -> 2 x1 x2; sorted: [2 x1, x0, x2] -> 2 x1 x0
    x0, x1, x2 = X
    onp.testing.assert_allclose(s2sad.grad(reversed_as_hinted)(X), [0.0, 2 * x2, 2 * x1])
    onp.testing.assert_allclose(s2sad.grad(sorted_as_hinted)(X), [2 * x1, 2 * x0, 0.0])
    # largest first: [x2, x0, 2 x1] -> x2 x0
    onp.testing.assert_allclose(s2sad.grad(sorted_largest_first_as_hinted)(X), [x2, 0.0, x0])


W = onp.array([0.9, 1.4, -0.3])


def _fd_hvp(f, args, v, h=1e-5):
    plus = finite_difference_gradient(f, (args[0] + h * v,) + args[1:])
    minus = finite_difference_gradient(f, (args[0] - h * v,) + args[1:])
    return (plus - minus) / (2 * h)


@pytest.mark.parametrize("func, args", [(fnp.scaled_by_np, (X, W)), (fnp.np_in_a_loop, (X,))],
                         ids=["scaled_by_np", "np_in_a_loop"])
def test_a_float_global_named_np_in_every_mode(func, args):
    check_grads(func, args, wrt=0, modes=("reverse", "forward"))
    v = onp.array([0.4, -1.0, 0.3])
    onp.testing.assert_allclose(s2sad.hvp(func)(*args, v), _fd_hvp(func, args, v),
                                rtol=1e-4, atol=1e-6)


def test_np_in_a_loop_by_hand():
    # d/dx_i sin(3 x_i) x_i = 3 cos(3 x_i) x_i + sin(3 x_i); second: -9 sin x + 6 cos
    by_hand = [3 * math.cos(3 * x) * x + math.sin(3 * x) for x in X]
    _, tangent = s2sad.jvp(fnp.np_in_a_loop)(X, onp.array([1.0, 0.0, 0.0]))
    assert tangent == pytest.approx(by_hand[0], rel=1e-12)
    second = -9 * math.sin(3 * X[1]) * X[1] + 6 * math.cos(3 * X[1])
    assert s2sad.hvp(fnp.np_in_a_loop)(X, onp.array([0.0, 1.0, 0.0]))[1] \
        == pytest.approx(second, rel=1e-12)


def test_the_rename_hint_names_what_the_object_is():
    assert "`import math as my_np`" in _rename_hint("np", math)
    assert "`from numpy import sum as my_np`" in _rename_hint("np", onp.sum)
    assert "`np` another name where it is bound" in _rename_hint("np", 3.0)
