"""``s2sad.testing``'s finite differences perturb a copy of the argument that keeps its
memory layout: a function that reads the layout (``ravel('K')``, ``np.copy`` keeping a
Fortran order) has another derivative at a C-ordered copy of the same values.  They
copied to C order before, so ``check_grads`` of such a function compared s2sad's right
gradient with the derivative at another point.  References here are written by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient

WEIGHTS = np.arange(6.0)


def raveled_in_memory_order(x):
    return np.sum(x.ravel('K') * WEIGHTS)


def _fortran():
    return np.asfortranarray(np.arange(1.0, 7.0).reshape(2, 3))


def test_a_fortran_argument_is_perturbed_in_fortran_order():
    # ravel('K') of a Fortran (2, 3) array reads it column by column: x[i, j] meets
    # the weight 2 j + i
    expected = np.array([[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])
    gradient = finite_difference_gradient(raveled_in_memory_order, [_fortran()])
    np.testing.assert_allclose(gradient, expected, atol=1e-8)
    np.testing.assert_allclose(s2sad.grad(raveled_in_memory_order)(_fortran()), expected)


def test_a_c_ordered_argument_keeps_c_order():
    x = np.ascontiguousarray(_fortran())
    gradient = finite_difference_gradient(raveled_in_memory_order, [x])
    np.testing.assert_allclose(gradient, WEIGHTS.reshape(2, 3), atol=1e-8)


def test_a_transposed_view_keeps_its_axes_order():
    # a (3, 2, 2) view whose memory runs over axis 1, then 2, then 0
    x = np.arange(12.0).reshape(2, 2, 3).transpose(2, 0, 1)
    weights = np.arange(12.0)
    f = lambda a: np.sum(a.ravel('K') * weights)
    expected = weights.reshape(2, 2, 3).transpose(2, 0, 1)
    np.testing.assert_allclose(finite_difference_gradient(f, [x]), expected, atol=1e-8)


@pytest.mark.parametrize("make", [_fortran, lambda: np.ascontiguousarray(_fortran())])
def test_check_grads_passes_at_either_layout(make):
    check_grads(raveled_in_memory_order, [make()], modes=s2sad.testing.MODES)


def test_zero_dimensional_and_empty_arguments_keep_their_shapes():
    f = lambda a: 3.0 * np.sum(a)
    assert finite_difference_gradient(f, [np.array(2.0)]) == pytest.approx(3.0)
    assert finite_difference_gradient(f, [np.zeros((0, 3))]).shape == (0, 3)
