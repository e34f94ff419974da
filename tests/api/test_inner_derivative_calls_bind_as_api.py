"""A derivative called inside a function being differentiated binds its arguments as
the API does at top level: ``s2sad.hvp(e2)(x, w, v)`` of ``e2(x, w, c=2.0)`` leaves ``c``
to its default (it was refused, asking for every parameter by position), likewise
``jvp``; a wrong call is refused in Python's words (``grad(energy)(x, w, w)``: "energy()
takes 2 positional arguments but 3 were given", not a hint about defaults).  Values are
checked against central finite differences of closed forms written by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

X = np.array([0.3, 0.5])
W = np.array([1.0, 2.0])


def e2(x, w, c=2.0):
    return np.sum(np.tanh(x * w) ** 2) * c


def energy(x, w):
    return np.sum(np.tanh(x * w) ** 2)


def hvp_inside(x, w):
    return np.sum(s2sad.hvp(e2)(x, w, x))


def hvp_at_x_x(x, w):
    return np.sum(s2sad.hvp(e2)(x, x, w))


def jvp_inside(x, w):
    return s2sad.jvp(e2)(x, w, w)[1]


def grad_too_many(x, w):
    return np.sum(s2sad.grad(energy)(x, w, w))


def hvp_without_direction(x, w):
    return np.sum(s2sad.hvp(e2)(x, w))


def _grad_by_hand(x, w, c=2.0):
    u = x * w
    return 2.0 * c * np.tanh(u) / np.cosh(u) ** 2 * w


def _hessian_diagonal_by_hand(x, w, c=2.0):
    u = x * w
    sech2 = 1.0 / np.cosh(u) ** 2
    return 2.0 * c * w ** 2 * (sech2 ** 2 - 2.0 * np.tanh(u) ** 2 * sech2)


def _fd(f, x, h=1e-6):
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in np.eye(x.size) * h])


def test_an_inner_hvp_leaves_the_default_as_at_top_level():
    np.testing.assert_allclose(s2sad.hvp(e2)(X, W, X), _hessian_diagonal_by_hand(X, W) * X,
                               rtol=1e-10)
    ref = lambda x, w: np.sum(_hessian_diagonal_by_hand(x, w) * x)   # noqa: E731
    value, grads = s2sad.value_and_grad(hvp_inside, wrt=(0, 1))(X, W)
    assert value == pytest.approx(ref(X, W), rel=1e-10)
    np.testing.assert_allclose(grads[0], _fd(lambda x: ref(x, W), X), rtol=1e-6)
    np.testing.assert_allclose(grads[1], _fd(lambda w: ref(X, w), W), rtol=1e-6)


def test_an_inner_hvp_with_the_point_as_direction():
    ref = lambda x, w: np.sum(_hessian_diagonal_by_hand(x, x) * w)   # noqa: E731
    np.testing.assert_allclose(s2sad.grad(hvp_at_x_x)(X, W),
                               _fd(lambda x: ref(x, W), X), rtol=1e-6)


def test_an_inner_jvp_leaves_the_default_as_at_top_level():
    ref = lambda x, w: np.sum(_grad_by_hand(x, w) * w)   # noqa: E731
    assert jvp_inside(X, W) == pytest.approx(ref(X, W), rel=1e-10)
    np.testing.assert_allclose(s2sad.grad(jvp_inside)(X, W), _fd(lambda x: ref(x, W), X),
                               rtol=1e-6)
    np.testing.assert_allclose(s2sad.grad(jvp_inside, wrt=1)(X, W),
                               _fd(lambda w: ref(X, w), W), rtol=1e-6)


def test_an_inner_call_with_one_argument_too_many_says_so_in_pythons_words():
    with pytest.raises(TypeError) as python:
        energy(X, W, W)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(grad_too_many)(X, W)
    message = str(caught.value)
    assert str(python.value) in message
    assert "pass the parameters that have defaults" not in message


def test_an_inner_call_without_its_direction_is_refused_truly():
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(hvp_without_direction)(X, W)
    assert "1 direction(s)" in str(caught.value)


def jvp_keyword_default_after_direction(x, w):
    value, tangent = s2sad.jvp(e2, wrt=1)(x, w, x, c=np.sum(w))
    return value + tangent


def jvp_default_left_out(x, w):
    return s2sad.jvp(e2)(x, w, w)[1] * 1.5


@pytest.mark.parametrize("f", [jvp_keyword_default_after_direction, jvp_default_left_out])
def test_second_order_of_a_derivative_called_inside_binds_as_the_api(f):
    """hvp inlines the derivative's code (fuzz seed 524: refused "the call does not match
    h1_jvp(a, b, c, b_dot)" where grad and jvp worked): against differences of grad."""
    v = np.array([0.7, -0.4])
    grad = s2sad.grad(f)
    h = 1e-5
    by_differences = (grad(X + h * v, W) - grad(X - h * v, W)) / (2 * h)
    np.testing.assert_allclose(s2sad.hvp(f)(X, W, v), by_differences, rtol=1e-6, atol=1e-9)
    eps = 1e-6   # and grad itself against differences of f
    fd = np.array([(f(X + eps * e, W) - f(X - eps * e, W)) / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(grad(X, W), fd, rtol=1e-6, atol=1e-9)
