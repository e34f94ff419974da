"""``x.copy()`` copies to C order, where ``np.copy(x)`` keeps a Fortran ``x``'s layout
(numpy's defaults differ).  s2sad made ``x.copy()`` its ``copy_of(x)``, which keeps the
layout, so ``x.copy().ravel('K')`` of a Fortran array read its elements in another order:
55.0 where Python gives 50.0, silently (found by fixrules14's probe).  The method now
passes ``order='C'``.  References: central differences that keep the argument's layout, and
derivatives by hand."""

import warnings

import numpy as np
import pytest

import s2sad

WEIGHTS = np.arange(6.0)


def copied_then_raveled(x):
    y = x.copy().ravel('K')
    return np.sum(y * WEIGHTS)


def copied_written_raveled(x):
    y = x.copy()
    y[0, 0] = 1.0
    return np.sum(y.ravel('K') * WEIGHTS) + np.sum(np.copy(x).ravel('K') * WEIGHTS ** 2)


def _fortran():
    return np.asfortranarray(np.arange(1.0, 7.0).reshape(2, 3))


def _differences(f, x, eps=1e-6):
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        up, down = np.copy(x, order='K'), np.copy(x, order='K')
        up[index] += eps
        down[index] -= eps
        out[index] = (f(up) - f(down)) / (2 * eps)
    return out


@pytest.mark.parametrize("f", [copied_then_raveled, copied_written_raveled])
def test_a_copied_fortran_array_is_read_in_c_order(f):
    x = _fortran()
    value, gradient = s2sad.value_and_grad(f)(x)
    assert value == f(x)
    np.testing.assert_allclose(gradient, _differences(f, x), rtol=1e-6, atol=1e-8)
    direction = np.asfortranarray(np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]))
    _, tangent = s2sad.jvp(f)(x, direction)
    assert tangent == pytest.approx(np.sum(_differences(f, x) * direction), rel=1e-6)


def test_by_hand():
    # x.copy().ravel('K') is x in C order: the weights, row by row
    gradient = s2sad.grad(copied_then_raveled)(_fortran())
    np.testing.assert_array_equal(gradient, WEIGHTS.reshape(2, 3))


def test_the_numba_backend_takes_the_method_copy():
    pytest.importorskip("numba", reason="numba is an optional extra")

    def h(x):
        y = x.copy()
        y[0] = 2.0 * y[1]
        return np.sum(y * y)

    with warnings.catch_warnings():
        warnings.simplefilter("error")   # (no fallback to numpy)
        gradient = s2sad.grad(h, backend="numba")(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(gradient, [0.0, 10.0 * 2.0, 6.0])   # by hand
