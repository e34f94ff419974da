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


# ---------------------------------------------------------------- found by a stranger test

def _d(n, a):
    """The n-th derivative of a**2 * sin(a), written by hand."""
    s, c = np.sin(a), np.cos(a)
    return {1: 2 * a * s + a * a * c, 2: 2 * s + 4 * a * c - a * a * s,
            3: 6 * c - 6 * a * s - a * a * c, 4: -12 * s - 8 * a * c + a * a * s,
            5: -20 * c + 10 * a * s + a * a * c, 6: 30 * s + 12 * a * c - a * a * s}[n]


def test_derivatives_of_derivatives_to_the_sixth_order():
    G = s2sad.grad
    a = 0.5
    np.testing.assert_allclose(s2sad.jacobian(G(G(fx.sine_square)))(a), _d(3, a))
    np.testing.assert_allclose(s2sad.hvp(G(G(G(fx.sine_square))))(a, 1.0), _d(5, a))
    np.testing.assert_allclose(s2sad.hessian(G(G(G(fx.sine_square))))(a), _d(5, a))
    np.testing.assert_allclose(s2sad.hessian(s2sad.hvp(fx.sine_square))(a, 1.0), _d(4, a))
    hvp3 = s2sad.hvp(s2sad.hvp(s2sad.hvp(fx.sine_square)))
    np.testing.assert_allclose(hvp3(a, 1.0, 1.0, 1.0), _d(6, a))


def test_transforms_of_value_and_grad_of_a_function_of_one_parameter():
    """(the generated jvp of the function calling value_and_grad(g), itself named
    g_value_and_grad, once called itself)"""
    a = 0.7
    (value, grad), (value_dot, grad_dot) = s2sad.jvp(s2sad.value_and_grad(fx.sine_square))(a, 1.0)
    np.testing.assert_allclose((value, grad, value_dot, grad_dot),
                               (a * a * np.sin(a), _d(1, a), _d(1, a), _d(2, a)))
    np.testing.assert_allclose(s2sad.jacobian(s2sad.value_and_grad(fx.sine_square))(a),
                               (_d(1, a), _d(2, a)))


def test_a_derivative_of_a_local_function_is_refused(load):
    module = load("local_inner", """
        import numpy as np
        import s2sad

        def inner(z):
            return np.sum(z ** 2)

        def shadowing(x):
            def inner(z):
                return np.sum(z ** 3)
            return np.sum(s2sad.grad(inner)(x) * x)
        """)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="'inner' is defined in the function"):
        s2sad.grad(module.shadowing)(X)


def test_a_helper_rebound_or_defaults_changed_are_followed(load):
    module = load("rebound_inner", """
        import numpy as np
        import s2sad

        def helper(z):
            return np.sin(z)

        def energy(x, k=1.0):
            return np.sum(helper(k * x) ** 2)

        energy_grad = s2sad.grad(energy)

        def outer(x):
            return np.sum(s2sad.grad(energy)(x) * x)

        def outer_named(x):
            return np.sum(energy_grad(x) * x)

        def cube(z):
            return z ** 3
        """)
    grads = [s2sad.grad(module.outer), s2sad.grad(module.outer_named)]
    for change in (None, "helper", "defaults"):
        if change == "helper":
            module.helper = module.cube
        elif change == "defaults":
            module.energy.__defaults__ = (2.0,)
        for func, grad in zip((module.outer, module.outer_named), grads):
            np.testing.assert_allclose(grad(X), finite_difference_gradient(func, (X,), 0),
                                       rtol=1e-5, atol=1e-7, err_msg=f"{change}")


@pytest.mark.parametrize("func, second", [(fx.spring_constant_slope, 1.3),
                                          (fx.weights_slope, np.array([0.4, -0.7]))],
                         ids=["scalar-factor", "item-factors"])
def test_the_derivative_in_a_factor_of_a_reduction_differentiated_again(func, second):
    """(the factor's adjoint was read as linear in the cotangent alone: 0, silently)"""
    for wrt in (0, 1):
        check_grads(func, (X, second), wrt=wrt, modes=("reverse", "forward"))


def test_writing_into_a_gradient_an_inner_grad_returned():
    """(refused: the gradient was read as maybe holding the argument)"""
    check_grads(fx.gradient_written_into, (X,), modes=("reverse", "forward"))


def test_containers_written_from_the_gradients_an_inner_grad_returned():
    """(refused: the gradient containers were read as maybe holding the parameters)"""
    check_grads(fx.dict_steps, ({"w": np.array([0.3, -0.4]), "c": 1.5},),
                modes=("reverse", "forward"))
    check_grads(fx.list_step, ([np.array([0.3, -0.4]), 1.5],), modes=("reverse", "forward"))


def test_forward_over_a_jvp_adding_list_tangents():
    """(fuzz seed 20141)"""
    check_grads(fx.through_a_list_tangent, (X, np.ones((2, 3))), wrt=0,
                modes=("reverse", "forward"))


@pytest.mark.parametrize("func", [fx.through_dict_items, fx.through_appended_once],
                         ids=lambda f: f.__name__)
def test_reverse_over_the_gradient_code_of_containers(func):
    check_grads(func, (X,), modes=("reverse", "forward"))
    hessian = s2sad.jacobian(s2sad.grad(func), mode="reverse")(X)
    np.testing.assert_allclose(hessian, _fd_jacobian(s2sad.grad(func), X), rtol=1e-5,
                               atol=1e-7)
