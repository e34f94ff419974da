"""Forward mode takes a builtin max(x) or min(x) of an array that is only compared, as
reverse mode does: no tangent is read, so none is needed (refusals3).  Tangents against
derivatives written by hand and central finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import fixtures.refusals3 as r3

X = np.array([0.3, -0.7, 1.1])
T = np.array([0.5, -1.0, 2.0])


@pytest.mark.parametrize("x, tangent", [
    (X, 2 * np.dot(X, T)),                 # max > 0: sum(x * x)
    (-np.abs(X), np.dot(np.cos(-np.abs(X)), T)),   # max <= 0: sum(sin x)
])
def test_max_in_a_branch_test(x, tangent):
    value, dot = s2sad.jvp(r3.max_in_a_branch_test)(x, T)
    assert value == pytest.approx(r3.max_in_a_branch_test(x))
    assert dot == pytest.approx(tangent)
    check_grads(r3.max_in_a_branch_test, (x,), modes=("forward", "reverse"))


@pytest.mark.parametrize("x, scale", [(X, 2.0), (np.abs(X), 1.0)])
def test_min_bound_to_a_name_then_compared(x, scale):
    value, dot = s2sad.jvp(r3.min_bound_then_compared)(x, T)
    assert value == pytest.approx(r3.min_bound_then_compared(x))
    assert dot == pytest.approx(scale * np.sum(T))
    check_grads(r3.min_bound_then_compared, (x,), modes=("forward", "reverse"))


@pytest.mark.parametrize("x, big", [(np.array([1.0, 2.0, 3.0]), True), (X, False)])
def test_max_compared_after_arithmetic(x, big):
    """fixfwd2: `if max(x) - 1.0 > 1.5:` was refused by jvp and hvp (no tangent rule for max)."""
    value, dot = s2sad.jvp(r3.max_minus_one_compared)(x, T)
    assert value == pytest.approx(r3.max_minus_one_compared(x))
    assert dot == pytest.approx(2 * np.dot(x, T) if big else np.sum(T))
    hvp = s2sad.hvp(r3.max_minus_one_compared)(x, T)
    assert np.allclose(hvp, 2 * T if big else 0 * T)
    check_grads(r3.max_minus_one_compared, (x,), modes=("forward", "reverse"))


@pytest.mark.parametrize("x", [X, np.array([2.0, 1.0, 0.5])])
def test_extremes_compared_through_products_and_quotients(x):
    scale = 3.0 if 2.0 * max(x) > -(max(x) / min(x)) else 1.0
    value, dot = s2sad.jvp(r3.scaled_extremes_compared)(x, T)
    assert value == pytest.approx(r3.scaled_extremes_compared(x))
    assert dot == pytest.approx(scale * np.dot(np.cos(x), T))
    check_grads(r3.scaled_extremes_compared, (x,), modes=("forward", "reverse"))


def test_max_after_arithmetic_returned_is_differentiated():
    # max(x) of an array's items is differentiated since fixleft16 (the item Python keeps):
    # by hand, t = x[2] - 1 = 2 > 1.5 is returned, its tangent T[2]
    x = np.array([1.0, 2.0, 3.0])
    value, dot = s2sad.jvp(r3.max_minus_one_returned)(x, T)
    assert value == r3.max_minus_one_returned(x) == 2.0
    assert dot == T[2]
    check_grads(r3.max_minus_one_returned, (x,), modes=("forward", "reverse"))
