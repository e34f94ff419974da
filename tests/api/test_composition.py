"""Derivatives of derivatives (issue 15): an s2sad.grad, value_and_grad, jvp or hvp
called inside a function being differentiated is differentiated through, in reverse
and forward mode and to second order, at any depth; a derivative transformed again
(jvp(grad(f)), hessian(jvp(f))...) likewise.  Every value is checked against central
finite differences of the plain functions."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient
from tests.fixtures import composition as fx

X = np.array([0.3, -0.2, 0.5])
W = np.array([0.5, 0.7, -0.4])

CALLERS = [fx.through_grad, fx.through_grad_of_both, fx.through_value_and_grad,
           fx.through_jvp, fx.through_hvp, fx.descend, fx.descend_forward, fx.newton_like,
           fx.both_directions]


@pytest.mark.parametrize("func", CALLERS, ids=lambda f: f.__name__)
def test_a_function_calling_a_derivative_in_both_modes(func):
    check_grads(func, (X, W), modes=("reverse", "forward"))


@pytest.mark.parametrize("func", CALLERS, ids=lambda f: f.__name__)
def test_a_function_calling_a_derivative_to_second_order(func):
    """hvp and hessian of the caller (forward over reverse over the inner derivative)
    against differences of its gradient."""
    grad = s2sad.grad(func)
    v = np.array([0.4, -1.0, 0.6])
    expected = (grad(X + 1e-6 * v, W) - grad(X - 1e-6 * v, W)) / 2e-6
    np.testing.assert_allclose(s2sad.hvp(func)(X, W, v), expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(s2sad.hessian(func)(X, W) @ v, expected, rtol=1e-5, atol=1e-7)


def test_three_levels_deep():
    check_grads(fx.through_three, (X,), modes=("reverse", "forward"))


def _fd_jacobian(f, x):
    return np.array([finite_difference_gradient(lambda x: f(x)[i], (x,), 0)
                     for i in range(len(x))])


def test_derivatives_of_derivative_objects():
    """jvp, jacobian, hessian, hvp, vjp and grad applied to a derivative s2sad made."""
    g = s2sad.grad(fx.second)
    J = _fd_jacobian(g, X)
    v = np.array([1.0, -2.0, 0.5])
    value, tangent = s2sad.jvp(g)(X, v)
    np.testing.assert_allclose(value, g(X))
    np.testing.assert_allclose(tangent, J @ v, rtol=1e-6)
    np.testing.assert_allclose(s2sad.jacobian(g)(X), J, rtol=1e-6)
    _, pullback = s2sad.vjp(g)(X)
    np.testing.assert_allclose(pullback(v), J.T @ v, rtol=1e-6)
    # hessian of a function calling grad: against differences of its gradient
    np.testing.assert_allclose(s2sad.hessian(fx.through_two)(X),
                               _fd_jacobian(s2sad.grad(fx.through_two), X), rtol=1e-5,
                               atol=1e-7)


def test_hvp_hands_back_the_gradient_it_computes():
    v = np.array([0.4, -1.0, 0.6])
    grad, product = s2sad.hvp(fx.energy, with_grad=True)(X, W, v)
    np.testing.assert_allclose(grad, finite_difference_gradient(fx.energy, (X, W), 0),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(product, s2sad.hvp(fx.energy)(X, W, v))
    grads, products = s2sad.hvp(fx.energy, wrt=(0,), with_grad=True)(X, W, (v,))
    assert isinstance(grads, tuple) and isinstance(products, tuple)
    np.testing.assert_allclose(grads[0], grad)
    np.testing.assert_allclose(products[0], product)


def test_the_inner_function_read_as_it_is_now(monkeypatch):
    """A module global the inner function reads is read when the caller's derivative
    runs, not when it was made."""
    before = s2sad.grad(fx.through_grad)(X, W)
    check_grads(fx.through_grad, (X, W))
    monkeypatch.setattr(fx, "SCALE", 2.0)
    after = s2sad.grad(fx.through_grad)(X, W)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, finite_difference_gradient(fx.through_grad, (X, W), 0),
                               rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("func", [fx.through_grad_of_grad, fx.through_value_and_grad_of_grad],
                         ids=lambda f: f.__name__)
def test_grad_of_grad_objects_called_inside(func):
    check_grads(func, (0.7, 1.3), modes=("reverse", "forward"))
