"""A gradient whose output is complex names the user's line that first made a complex
value (``z = x ** 0.5`` of a negative Python float), found by running the call again,
traced, once it failed (as ``vjp`` does); it named the line returning the value.  The
hint of a fractional power says how to keep the value real."""

import inspect

import numpy as np
import pytest

import s2sad
from s2sad.errors import ValueTypeError


def root_then_scaled(x):
    z = x ** 0.5
    r = z * 2.0
    return r


def root_in_loop(x, n=3):
    s = 0.0
    for i in range(n):
        s = s + (x - i) ** 1.5
    t = s * 3.0
    return t


def _line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("transform", [s2sad.grad, s2sad.value_and_grad])
def test_power_line_named(transform):
    with pytest.raises(ValueTypeError) as info:
        transform(root_then_scaled)(-1.0)
    error = info.value
    assert error.location.line == _line_of(root_then_scaled, "z = x ** 0.5")
    assert "first complex value is made on this line" in str(error)
    assert "np.cbrt" in error.hint


def test_loop_and_default_and_keyword():
    g = s2sad.grad(root_in_loop)
    line = _line_of(root_in_loop, "s = s + (x - i) ** 1.5")
    for call in (lambda: g(1.5), lambda: g(1.5, 3), lambda: g(x=1.5), lambda: g(1.5, n=3)):
        with pytest.raises(ValueTypeError) as info:
            call()
        assert info.value.location.line == line, str(info.value)
    # a real output is still differentiated (central finite differences)
    h = 1e-6
    expected = (root_in_loop(5.0 + h) - root_in_loop(5.0 - h)) / (2 * h)
    assert g(5.0) == pytest.approx(expected, rel=1e-6)



def keyword_only_power(x, *, k=0.5):
    z = x ** k
    return z * 2.0


def test_general_wrapper_keyword_only():
    # (a keyword-only parameter: the gradient takes *args and **kwargs)
    line = _line_of(keyword_only_power, "z = x ** k")
    for call in (lambda: s2sad.grad(keyword_only_power)(-1.0, k=0.5),
                 lambda: s2sad.value_and_grad(keyword_only_power)(-1.0)):
        with pytest.raises(ValueTypeError) as info:
            call()
        assert info.value.location.line == line
