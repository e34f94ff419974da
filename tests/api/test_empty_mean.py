"""``np.mean`` of an empty product (``np.mean(e[:, None] * x)``, ``e`` empty) beside other
terms raised SingularPointError ("divides a Python float by zero", hint "pass the number
as np.float64", untrue: the arguments were arrays; stranger22a r1): the mean's adjoint
divided by the element count with Python's division.  numpy's division is used now: the
share of each element is inf, spread over no element, so in reverse mode (grad, vjp,
Hessians) no element gets an adjoint and the derivative is the other terms' (as for
``axis=0``, which was given already); forward mode's tangent is numpy's mean of no
tangent, nan, as the value is.  References are derivatives written by hand."""

import warnings

import numpy as np
import pytest

import s2sad
from tests.fixtures import empty_means as fx

E = np.zeros(0)
X = np.array([1.0, 2.0])
EMPTY_MEANS = [fx.whole_mean, fx.mean_over_the_empty_axis, fx.method_mean]
SQUARES = [fx.whole_mean, fx.mean_over_the_empty_axis, fx.means_of_no_row,
           fx.whole_mean_of_an_argument]


@pytest.fixture(autouse=True)
def _numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # (numpy's: mean of empty slice)
        yield


def _other_terms(f, x):
    """The hand derivative of the terms beside the mean."""
    return np.cos(x) if f is fx.method_mean else 2 * x


@pytest.mark.parametrize("f", EMPTY_MEANS + [fx.means_of_no_row, fx.whole_mean_of_an_argument],
                         ids=lambda f: f.__name__)
def test_reverse_modes_give_the_other_terms_derivative(f):
    expected = _other_terms(f, X)
    value, g = s2sad.value_and_grad(f, wrt=1)(E, X)
    assert np.isnan(value) == np.isnan(f(E, X))
    np.testing.assert_allclose(g, expected)
    ge, gx = s2sad.grad(f, wrt=(0, 1))(E, X)
    assert ge.shape == (0,)
    np.testing.assert_allclose(gx, expected)
    np.testing.assert_allclose(s2sad.vjp(f, wrt=1)(E, X)[1](1.0), expected)


@pytest.mark.parametrize("f", SQUARES, ids=lambda f: f.__name__)
def test_second_order(f):
    np.testing.assert_allclose(s2sad.hessian(f, wrt=1)(E, X), 2 * np.eye(2))
    np.testing.assert_allclose(s2sad.hvp(f, wrt=1)(E, X, np.array([1.0, -3.0])), [2.0, -6.0])


def test_forward_mode_gives_numpy_mean_of_no_tangent():
    t = np.array([1.0, -1.0])
    value, tangent = s2sad.jvp(fx.whole_mean, wrt=1)(E, X, t)
    assert np.isnan(value) and np.isnan(tangent)   # numpy's np.mean(empty) of the tangent
    value, tangent = s2sad.jvp(fx.means_of_no_row, wrt=1)(E, X, t)
    assert value == 5.0 and tangent == pytest.approx(np.sum(2 * X * t))


def test_no_singular_point_error_where_the_arguments_are_arrays():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(RuntimeWarning):   # numpy's own warning, of f's mean, reaches
            s2sad.grad(fx.whole_mean, wrt=1)(E, X)
