"""A literal None for a parameter whose default is None (``np.sum(x, dtype=None)``,
``np.sum(x, 0, None)``) is the call without it: differentiated in every mode and
compared with central finite differences.  Other values stay refused at their line."""

import inspect

import numpy as np
import pytest

import none_defaults as nd
import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

X = np.array([0.5, 2.0, -1.0])


@pytest.mark.parametrize("f", [nd.sum_dtype_none, nd.sum_dtype_none_by_position,
                               nd.mean_axis_and_dtype_none, nd.cumsum_dtype_none,
                               nd.prod_dtype_none, nd.method_dtype_none,
                               nd.sum_dtype_a_name_holding_none])
def test_dtype_none_is_the_default(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))


def test_sum_dtype_none_by_hand():
    # sum(x) * x[0]: the gradient is x[0] + sum(x) in place 0, x[0] elsewhere
    grad = s2sad.grad(nd.sum_dtype_none_by_position)(X.copy())
    np.testing.assert_allclose(grad, [X[0] + X.sum(), X[0], X[0]])


def test_sum_dtype_none_second_order():
    np.testing.assert_allclose(s2sad.hessian(nd.sum_dtype_none)(X.copy()), 2.0 * np.eye(3))


def test_a_literal_float_dtype_is_differentiated():
    # sum(x * x) in float32: the gradient 2x, in x's float64
    grad = s2sad.grad(nd.sum_dtype_float32)(X.copy())
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, 2.0 * X)
