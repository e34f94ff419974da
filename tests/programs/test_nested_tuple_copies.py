"""Copies of containers whose tuples nest arrays (``runtime.copy_of``): a tuple is kept
as it is only where it holds no array, list or dict at any depth.  A tuple of tuples
holding a view of an argument was kept, so a recursive helper's pullback read the
argument as a later in-place write left it: vjp (and jacobian, through it) gave a wrong
gradient where value_and_grad was right (fuzz seed 23000341).  Expected derivatives are
central finite differences (``s2sad.testing``)."""

import numpy as np
import pytest

import s2sad
from s2sad.runtime import copy_of
from s2sad.testing import check_grads, finite_difference_gradient

import nested_tuple_views as ntv

X = np.array([[-0.795, 1.294, -0.429], [0.149, 1.029, -0.042]])
Y = np.array([-1.375, 0.845])


def test_a_nested_tuple_holding_an_array_is_copied_and_one_of_numbers_kept():
    y = np.arange(3.0)
    copied = copy_of({"b": ((1.0, y[1:]), 1.0)})
    assert not np.shares_memory(copied["b"][0][1], y)
    np.testing.assert_array_equal(copied["b"][0][1], y[1:])
    numbers = ((1.0, (2, "a")), None)
    assert copy_of(numbers) is numbers


@pytest.mark.parametrize("func", [ntv.dict_of_nested_tuples, ntv.tuple_of_tuples],
                         ids=lambda f: f.__name__)
def test_the_pullback_reads_the_values_of_the_call(func):
    expected = [finite_difference_gradient(func, (X.copy(), Y.copy()), k) for k in (0, 1)]
    _, pullback = s2sad.vjp(func, wrt=(0, 1))(X.copy(), Y.copy())
    for _ in range(2):   # (called twice: the same numbers)
        for got, want in zip(pullback(1.0), expected):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    jac = s2sad.jacobian(func, wrt=(0, 1), mode="reverse")(X.copy(), Y.copy())
    for got, want in zip(jac, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    check_grads(func, (X.copy(), Y.copy()), wrt=(0, 1), modes=("reverse", "forward"))
