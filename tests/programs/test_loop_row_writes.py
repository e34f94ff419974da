"""A loop over an array's rows that writes into the row (found by a stranger test in
issue 14): the pullback works on its own copy of the array (a second call gave other
numbers), and second order, which would write into a copy, is refused."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads


SOURCE = """
    import numpy as np

    def f(X):
        acc = 0.0
        for row in X * 1.0:
            row[0] = row[1] * 2.0
            acc = acc + np.sum(row ** 2)
        return acc
    """


def test_a_pullback_of_row_writes_gives_the_same_gradient_every_call(load):
    module = load("row_writes", SOURCE)
    X = np.array([[0.3, 0.7], [1.0, -0.5]])
    expected = np.array([[0.0, 10 * 0.7], [0.0, 10 * -0.5]])   # f = 5 * sum(X[:, 1] ** 2)
    value, pullback = s2sad.vjp(module.f)(X)
    for _ in range(3):
        np.testing.assert_allclose(pullback(1.0), expected)
    np.testing.assert_allclose(s2sad.jacobian(module.f)(X), expected)
    check_grads(module.f, (X,), modes=("reverse", "forward"))


def test_second_order_of_row_writes_is_refused_not_wrong(load):
    module = load("row_writes_second", SOURCE)
    X = np.array([[0.3, 0.7]])
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="writes into 'row'"):
        s2sad.hessian(module.f)(X)
