"""A derivative composed with another transform makes its code for the kinds of each
call's arguments, as the plain transform does (fixcomp24): a function given for a
parameter (with a function default: it was the default's code, a WRONG VALUE; without:
a refusal), an object whose method the function calls, namedtuples read by field.
jvp(grad(f)), jacobian(grad(f)), vjp(grad(f)), grad(grad(f)) and grad(f) called inside
a differentiated function, with functions changing from call to call.  Every value is
checked against derivatives written by hand, or central differences of gradients written
by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.syntax.function_args import CalledParameterError
from s2sad.errors import UnsupportedSyntaxError
from tests.fixtures import composed_argument_kinds as fx

W = np.array([0.3, -0.8])
X = np.array([1.5, 0.7])
V = fx.V

#: an activation -> (its first, its second derivative), by hand
DERIVATIVES = {
    np.tanh: (lambda z: 1 - np.tanh(z) ** 2,
              lambda z: -2 * np.tanh(z) * (1 - np.tanh(z) ** 2)),
    np.sin: (np.cos, lambda z: -np.sin(z)),
    fx.cube: (lambda z: 3 * z ** 2 + np.cos(z), lambda z: 6 * z - np.sin(z)),
}
#: functions given one call after the other to the same derivatives
SEQUENCE = (np.tanh, np.sin, np.tanh, fx.cube, np.sin)


def loss_grad(w, act):
    """The gradient of ``fx.loss`` with respect to w, by hand."""
    z = w * X
    return 2 * act(z) * DERIVATIVES[act][0](z) * X


def loss_hessian(w, act):
    """Its Hessian (diagonal), by hand."""
    z = w * X
    d1, d2 = DERIVATIVES[act]
    return np.diag(2 * X ** 2 * (d1(z) ** 2 + act(z) * d2(z)))


def central(fun, at, h=1e-6):
    """The Jacobian of ``fun`` at ``at`` by central differences (columns: ``at``'s items)."""
    at = np.asarray(at, dtype=float)
    cols = []
    for i in range(at.size):
        e = np.zeros_like(at)
        e.flat[i] = h
        cols.append((np.ravel(fun(at + e)) - np.ravel(fun(at - e))) / (2 * h))
    return np.array(cols).T


def close(got, want, tol=1e-7):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_a_gradient_transformed_again_is_made_for_each_function_given():
    """jvp, jacobian and vjp of grad(loss) given tanh, then sin, tanh, cube, sin (the
    first three used the default tanh whatever was given)."""
    jvp_grad = s2sad.jvp(s2sad.grad(fx.loss))
    jac_grad = s2sad.jacobian(s2sad.grad(fx.loss))
    vjp_grad = s2sad.vjp(s2sad.grad(fx.loss))
    for act in SEQUENCE:
        H = loss_hessian(W, act)
        g, hv = jvp_grad(W, X, act, V)
        close(g, loss_grad(W, act))
        close(hv, H @ V)
        close(jac_grad(W, X, act), H)
        value, pullback = vjp_grad(W, X, act)
        close(value, loss_grad(W, act))
        close(pullback(V), H.T @ V)
        close(s2sad.hessian(fx.loss)(W, X, act), H)
        close(s2sad.hvp(fx.loss)(W, X, act, V), H @ V)


def test_a_function_parameter_without_default_is_no_longer_refused():
    """jvp(grad) and jacobian(grad) of a function calling its parameter (a
    CalledParameterError whose hint said to do what the call did)."""
    for act in SEQUENCE:
        H = loss_hessian(W, act)
        close(s2sad.jvp(s2sad.grad(fx.loss_bare))(W, X, act, V)[1], H @ V)
        close(s2sad.jacobian(s2sad.grad(fx.loss_bare))(W, X, act), H)


def test_a_gradient_of_gradient_transformed_again_follows_the_function():
    a, k = 0.7, 1.3
    for act in SEQUENCE:
        d1, d2 = DERIVATIVES[act]
        z = a * k
        second = 2 * k ** 2 * (d1(z) ** 2 + act(z) * d2(z))
        close(s2sad.grad(s2sad.grad(fx.scalar_loss))(a, k, act), second)
        close(s2sad.jvp(s2sad.grad(s2sad.grad(fx.scalar_loss)))(a, k, act, 1.0)[0], second)


@pytest.mark.parametrize("func", [fx.through_grad, fx.through_global],
                         ids=lambda f: f.__name__)
def test_a_gradient_called_inside_follows_each_function_given(func):
    """grad(f) called in a differentiated function, given the function's own parameter:
    the caller's code is made per function, and so is the derivative's inside."""
    for act in SEQUENCE:
        expected = loss_hessian(W, act).T @ V   # (the gradient of sum(grad * V))
        close(s2sad.grad(func)(W, X, act), expected)
        close(s2sad.jvp(func)(W, X, act, V)[1], expected @ V)
        hand = central(lambda w: np.diag(loss_hessian(w, act)) * V, W)
        close(s2sad.hessian(func)(W, X, act), hand, 1e-6)


def test_an_hvp_called_inside_follows_the_function_given():
    for act in SEQUENCE:
        hand = central(lambda w: np.sum(loss_hessian(w, act) @ V * w), W)[0]
        close(s2sad.grad(fx.through_hvp)(W, X, act), hand, 1e-6)


def test_a_helper_passing_its_function_parameter_on():
    """gradient_of(w, x, np.sin) calls grad(loss)(w, x, f): read once per function."""
    expected = loss_hessian(W, np.sin).T @ V
    close(s2sad.grad(fx.through_helper)(W, X), expected)
    hand = central(lambda w: np.diag(loss_hessian(w, np.sin)) * V, W)
    close(s2sad.hvp(fx.through_helper)(W, X, V), hand @ V, 1e-6)


def test_a_function_named_in_the_call_or_left_to_the_default(monkeypatch):
    grad = s2sad.grad(fx.through_named)
    for act in (np.sin, np.tanh, fx.cube):
        monkeypatch.setattr(fx, "ACT", act)   # (rebound: the code is made again)
        close(grad(W, X), loss_hessian(W, act).T @ V)
    close(s2sad.grad(fx.through_default)(W, X), loss_hessian(W, np.tanh).T @ V)


def layer_gradient(layer, x):
    """The gradient of ``fx.layer_loss`` with respect to x, by hand."""
    z = layer.W @ x + layer.b
    if type(layer) is fx.Sine:
        return layer.W.T @ (2 * np.sin(z) * np.cos(z))
    return layer.W.T @ (2 * np.tanh(z) * (1 - np.tanh(z) ** 2))


LAYER_W = np.array([[0.5, -0.3], [0.2, 0.8]])
LAYER_B = np.array([0.1, -0.2])
LAYER_X = np.array([0.4, -0.6])


def test_an_object_argument_of_a_gradient_transformed_again():
    """A method called through an object parameter: jvp, jacobian and vjp of its
    gradient, and the gradient called inside (ObjectClassError before), for objects of a
    class and of a subclass overriding the method, one after the other."""
    for cls in (fx.Dense, fx.Sine, fx.Dense):
        layer = cls(LAYER_W, LAYER_B)
        H = central(lambda x: layer_gradient(layer, x), LAYER_X)
        grad = s2sad.grad(fx.layer_loss, wrt=1)
        close(s2sad.jvp(grad, wrt=1)(layer, LAYER_X, V)[1], H @ V, 1e-6)
        close(s2sad.jacobian(grad, wrt=1)(layer, LAYER_X), H, 1e-6)
        close(s2sad.vjp(grad, wrt=1)(layer, LAYER_X)[1](V), H.T @ V, 1e-6)
        close(s2sad.grad(fx.through_object, wrt=1)(layer, LAYER_X), H.T @ V, 1e-6)


def stack_gradients(ps, x):
    """(the gradients of ``fx.stack_loss`` with respect to each layer's W and b, with
    respect to x), by hand: backpropagation through the tanh layers."""
    hs = [x]
    for p in ps:
        hs.append(np.tanh(p.W @ hs[-1] + p.b))
    h_bar = 2 * hs[-1]
    layers = []
    for p, h_in, h_out in zip(ps[::-1], hs[-2::-1], hs[:0:-1]):
        z_bar = h_bar * (1 - h_out ** 2)
        layers.append((np.outer(z_bar, h_in), z_bar))
        h_bar = p.W.T @ z_bar
    return layers[::-1], h_bar


PS = [fx.P(LAYER_W, LAYER_B), fx.P(LAYER_W.T, -LAYER_B)]


def test_namedtuple_arguments_of_a_gradient_transformed_again():
    """Fields read through a list of namedtuples: with respect to x, and with respect to
    the namedtuples themselves (FieldReadError before)."""
    H = central(lambda x: stack_gradients(PS, x)[1], LAYER_X)
    grad = s2sad.grad(fx.stack_loss, wrt=1)
    close(s2sad.jvp(grad, wrt=1)(PS, LAYER_X, V)[1], H @ V, 1e-6)
    close(s2sad.jacobian(grad, wrt=1)(PS, LAYER_X), H, 1e-6)
    close(s2sad.grad(fx.through_namedtuples, wrt=1)(PS, LAYER_X), H.T @ V, 1e-6)
    directions = [fx.P(np.ones((2, 2)), np.ones(2)), fx.P(np.eye(2), np.array([0.5, -1.0]))]

    def flat_gradient(t):   # (the gradient along the directions, flattened)
        moved = [fx.P(p.W + t * d.W, p.b + t * d.b) for p, d in zip(PS, directions)]
        return np.concatenate([np.ravel(a) for pair in stack_gradients(moved, LAYER_X)[0]
                               for a in pair])

    expected = central(lambda t: flat_gradient(t[0]), [0.0])[:, 0]
    _, products = s2sad.jvp(s2sad.grad(fx.stack_loss))(PS, LAYER_X, directions)
    close(np.concatenate([np.ravel(a) for p in products for a in p]), expected, 1e-6)


def test_a_function_no_name_tells_is_refused_at_the_call():
    """A local holding the function (the derivative's code would be the default's)."""
    with pytest.raises(UnsupportedSyntaxError, match=r"composed_argument_kinds\.py:\d+:\d+: the "
                       r"call of s2sad\.grad\(loss, wrt=w\) gives loss's parameter 'act'"):
        s2sad.grad(fx.through_local)(W, X, np.sin)


def test_code_made_without_a_call_refuses_a_function_parameter_passed_on():
    """s2sad.source (no call gives the function): refused, not the default's code."""
    with pytest.raises(CalledParameterError, match=r"through_grad's parameter 'act'"):
        s2sad.source(fx.through_grad)


def test_a_call_no_derivative_goes_through_is_written_as_written():
    """The generated code calls the derivative as the function spells it (a written
    module imports it), and its value is the program's."""
    text = s2sad.source(fx.inactive_call)
    assert "s2sad.grad(loss)(x, x, np.sin)" in text
    assert "_made" not in text
    value, gradient = s2sad.value_and_grad(fx.inactive_call)(W, X)
    close(value, np.sum(W ** 2) + np.sum(loss_grad(X, np.sin)))   # (w = x = X)
    close(gradient, 2 * W)
