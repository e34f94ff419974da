"""A derivative of a function with keyword-only parameters says how it is called as Python
binds it: its positional arguments, the tangents (or direction), then the keyword-only ones
by name; the call the message shows works (checked against a derivative by hand)."""

import numpy as np
import pytest

import s2sad
from s2sad.api.arguments import call_form

X = np.array([0.1, 0.2, 0.3])


def kw(x, *, w, c=2.0):
    return np.sum(np.exp(x * w) * c)


def plain(x, w):
    return np.sum(np.exp(x * w))


def by_hand(w):   # d kw / d w at c=2
    return np.sum(X * np.exp(X * w) * 2.0)


def test_jvp_message_shows_the_call_that_works():
    g = s2sad.jvp(kw, wrt="w")
    with pytest.raises(TypeError) as info:
        g(X, 0.5, 2.0, 1.0)   # the old message's "(x, w, c) followed by 1 tangent(s)"
    message = str(info.value)
    assert "(x, <1 tangent(s) (for w)>, w=..., c=...)" in message
    assert "positional arguments (x) followed by 1 tangent(s)" in message
    with pytest.raises(TypeError, match=r"\(x, <1 tangent\(s\) \(for w\)>, w=\.\.\., c=\.\.\.\)"):
        g(w=0.5)
    value, tangent = g(X, 1.0, w=0.5)   # the call the message shows
    assert np.isclose(tangent, by_hand(0.5))


def test_hvp_message_shows_the_call_that_works():
    h = s2sad.hvp(kw, wrt="w")
    with pytest.raises(TypeError, match=r"\(x, <the direction v \(shaped like w\)>, w=\.\.\."):
        h(X, 0.5, 1.0)
    eps = 1e-6
    expected = (by_hand(0.5 + eps) - by_hand(0.5 - eps)) / (2 * eps)
    assert np.isclose(h(X, 1.0, w=0.5), expected, rtol=1e-6)


def test_grad_vjp_jacobian_take_the_functions_own_call():
    assert np.isclose(s2sad.grad(kw, wrt="w")(X, w=0.5), by_hand(0.5))
    assert np.isclose(s2sad.vjp(kw, wrt="w")(X, w=0.5)[1](1.0), by_hand(0.5))
    assert np.isclose(s2sad.jacobian(kw, wrt="w")(X, w=0.5), by_hand(0.5))


def test_jacobian_message_shows_the_functions_own_call():
    with pytest.raises(TypeError, match=r"the jacobian of kw takes kw's own arguments, "
                                        r"kw\(x, \*, w, c=2\.0\): kw\(\) takes 1 "
                                        r"positional argument but 2 were given"):
        s2sad.jacobian(kw, wrt="w")(X, 0.5)


def test_a_function_without_keyword_only_parameters_keeps_the_short_form():
    assert call_form(plain, "v") == "its arguments (x, w) followed by v"
