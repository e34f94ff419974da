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
