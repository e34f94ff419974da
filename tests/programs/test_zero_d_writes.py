"""Writes into 0-d arrays and whole reads of 0-d values: the adjoint of such a value may
be a number (a folded constant, ``3.0``, or a Python float at run time), which once
reached generated code as ``(3.0)[...]`` (a TypeError and a SyntaxWarning).  Derivatives
in every mode against central finite differences; the Hessian against second
differences of the function."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import zero_d_write_functions as zd

SCALAR_CASES = [zd.ellipsis_write, zd.empty_tuple_write, zd.write_then_add, zd.added_in_a_loop,
                zd.product_written, zd.returned_as_it_is, zd.adjoint_a_product, zd.whole_reads,
                zd.numpy_number_read, zd.ellipsis_with_other_indices, zd.newaxis_write,
                zd.ellipsis_and_newaxis_writes]


def _second_difference(f, x, h=1e-4):
    return (float(f(x + h)) - 2 * float(f(x)) + float(f(x - h))) / (h * h)


@pytest.mark.parametrize("func", SCALAR_CASES, ids=lambda f: f.__name__)
def test_zero_d_writes_match_finite_differences(func):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)
        check_grads(func, (0.7,), modes=("reverse", "forward"))
        assert np.isclose(s2sad.hvp(func)(0.7, 1.0), _second_difference(func, 0.7),
                          rtol=1e-4, atol=1e-5)


def test_the_generated_gradient_subscripts_no_number():
    text = s2sad.source(zd.ellipsis_write)
    assert "(3.0)[" not in text
    value, grad = s2sad.value_and_grad(zd.ellipsis_write)(1.5)
    assert np.isclose(value, 6.75) and np.isclose(grad, 9.0)   # d(3 x**2)/dx = 6 x


def test_a_written_zero_d_parameter_matches_finite_differences():
    check_grads(zd.written_parameter, (np.zeros(()), 0.7), wrt=1, modes=("reverse", "forward"))
    x = 0.7
    by_hand = 6 * x + 3 * np.cos(x)   # y = x**2 + sin(x), times 3
    assert np.isclose(s2sad.grad(zd.written_parameter, wrt=1)(np.zeros(()), x), by_hand)
