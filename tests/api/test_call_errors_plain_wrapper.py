"""A wrong call of ``grad(k)``/``value_and_grad(k)`` of a plain function, of the
gradient of ``partial(f, x)`` and of ``grad(grad(s))`` raises the ``TypeError`` Python
raises calling the user's own object, in Python's words: it named s2sad's wrapper
(``k_grad() takes from 0 to 2 positional arguments``: untrue, ``k`` has no defaults) or
no function at all ("too many positional arguments").  The expected message is the one
Python gives for the user's object itself; right calls still agree with finite
differences."""

import functools
import inspect

import numpy as np
import pytest

import s2sad


def k(x, w):
    return np.sum(np.sin(x) * w)


def f(x, w):
    return np.sum(np.sin(x * w))


def s(t, c=1.0):
    return np.sin(t * c) * t


X = np.array([0.3, 0.7])
W = np.array([1.1, -0.4])

WRONG = [((X, W, X), {}), ((X, W), {"zz": 1.0}), ((X, W), {"x": X}), ((X,), {"zz": 1.0})]


def _python_message(obj, *args, **kwargs):
    with pytest.raises(TypeError) as caught:
        obj(*args, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("transform", [s2sad.grad, s2sad.value_and_grad])
@pytest.mark.parametrize("call", range(len(WRONG)))
def test_a_wrong_call_says_what_calling_the_function_says(transform, call):
    args, kwargs = WRONG[call]
    derivative = transform(k)
    derivative(X, W)   # (the fast path made first: the wrong call after it)
    with pytest.raises(TypeError) as caught:
        derivative(*args, **kwargs)
    assert str(caught.value) == _python_message(k, *args, **kwargs)
    assert "k()" in str(caught.value)


def test_a_keyword_the_partial_holds_by_position_given_again():
    made = functools.partial(f, X)
    expected = _python_message(made, W, x=1.0)
    assert expected == "f() got multiple values for argument 'x'"
    for transform in (s2sad.grad, s2sad.value_and_grad):
        with pytest.raises(TypeError) as caught:
            transform(made)(W, x=1.0)
        assert str(caught.value) == expected
        with pytest.raises(TypeError) as caught:
            transform(made)(W, W)
        assert str(caught.value) == _python_message(made, W, W)


@pytest.mark.parametrize("args, kwargs", [((0.7, 1.0, 2.0), {}), ((0.7,), {"q": 1.0}),
                                          ((0.7,), {"t": 1.0})])
def test_a_wrong_call_of_a_gradient_of_a_gradient_names_the_function(args, kwargs):
    for transform in (s2sad.grad, s2sad.value_and_grad):
        with pytest.raises(TypeError) as caught:
            transform(s2sad.grad(s))(*args, **kwargs)
        assert str(caught.value) == _python_message(s, *args, **kwargs)


def test_right_calls_agree_with_finite_differences():
    h = 1e-6
    fd = np.array([(k(X + e, W) - k(X - e, W)) / (2 * h) for e in np.eye(2) * h])
    g = s2sad.grad(k)
    for got in (g(X, W), g(X, w=W), g(w=W, x=X), s2sad.value_and_grad(k)(X, W)[1]):
        np.testing.assert_allclose(got, fd, rtol=1e-7)
    made = functools.partial(f, X)
    fd = np.array([(made(W + e) - made(W - e)) / (2 * h) for e in np.eye(2) * h])
    np.testing.assert_allclose(s2sad.grad(made)(W), fd, rtol=1e-7)
    np.testing.assert_allclose(s2sad.grad(made)(w=W), fd, rtol=1e-7)
    t = 0.7
    second = (s(t + h) - 2 * s(t) + s(t - h)) / h ** 2
    assert s2sad.grad(s2sad.grad(s))(t) == pytest.approx(second, rel=1e-4)
    assert s2sad.grad(s2sad.grad(s))(t) == pytest.approx(2 * np.cos(t) - t * np.sin(t),
                                                         rel=1e-12)


def test_the_signature_shown_is_the_users():
    assert inspect.signature(s2sad.grad(k)) == inspect.signature(k)
    assert inspect.signature(s2sad.value_and_grad(s)) == inspect.signature(s)
    made = functools.partial(f, X)
    assert inspect.signature(s2sad.grad(made)) == inspect.signature(made)


def e2(x, w, c=2.0):
    return np.sum(np.tanh(x * w) ** 2) * c


def test_a_direction_by_keyword_is_named_not_a_given_argument_called_missing():
    """(the jvp and hvp take their directions by position; the message said ``w``, which
    was given, was missing)"""
    for call, keyword in ((lambda: s2sad.jvp(e2)(X, W, x_dot=X), "x_dot"),
                          (lambda: s2sad.hvp(e2)(X, W, v=X), "v")):
        with pytest.raises(TypeError) as caught:
            call()
        assert f"e2() got an unexpected keyword argument '{keyword}'" in str(caught.value)
        assert "missing" not in str(caught.value)
