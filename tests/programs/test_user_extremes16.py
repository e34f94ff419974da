"""Regression tests: max and min of one iterable (a map, a generator, a comprehension,
an array, a list argument) are differentiated, in every transform, against central
finite differences; the item kept is Python's (the first of equal ones)."""

import numpy as np
import pytest

import s2sad
import user_extremes16 as ue
from every_transform import every_transform
from s2sad.errors import NoDerivativeRuleError

A = np.array([0.7, -1.3, 0.4, 1.9])


@pytest.mark.parametrize("f", [ue.max_of_a_map, ue.min_of_a_map_of_a_helper,
                               ue.max_of_a_generator, ue.min_of_a_list_comprehension,
                               ue.max_of_an_array, ue.extremes_in_a_loop])
def test_max_and_min_of_an_iterable_in_every_transform(f):
    every_transform(f, (A.copy(),))


@pytest.mark.parametrize("container", [list, tuple])
def test_max_of_a_list_or_tuple_argument(container):
    xs = container([0.5, -2.5, 1.5])
    every_transform(ue.max_of_a_list_argument, (xs,), second_order=False)
    grads = s2sad.grad(ue.max_of_a_list_argument)(xs)
    np.testing.assert_allclose(list(grads), [0.0, 0.0, 3.0])


def test_the_first_of_equal_values_gets_the_derivative():
    # a[0] = a[1]: Python's max keeps the first, and its derivative follows it
    a = np.array([1.0, 1.0, 0.25])
    assert ue.max_of_ties(a) == 1.0
    np.testing.assert_allclose(s2sad.grad(ue.max_of_ties)(a), [1.0, 0.0, 0.0])
    _, tangent = s2sad.jvp(ue.max_of_ties)(a, np.array([0.0, 1.0, 0.0]))
    assert tangent == 0.0


def test_a_nan_is_kept_where_python_keeps_it():
    a = np.array([np.nan, 1.0, 0.25])
    value, _ = s2sad.value_and_grad(ue.max_of_ties)(a)
    assert np.isnan(value) and np.isnan(ue.max_of_ties(a))
    b = np.array([1.0, np.nan, 3.0])
    value, _ = s2sad.value_and_grad(ue.max_of_ties)(b)
    assert value == ue.max_of_ties(b) == 6.0


def test_no_items_raise_pythons_error():
    with pytest.raises(ValueError, match="empty"):
        s2sad.grad(ue.max_of_an_array)(np.zeros(0))


def test_a_key_stays_refused_with_a_true_hint():
    with pytest.raises(NoDerivativeRuleError, match="max") as info:
        s2sad.grad(ue.max_with_a_key)(A.copy())
    assert "max(xs) of one iterable, without key= or default=" in info.value.hint
