"""Generated jvps of the user's helpers keep each parameter's kind and default: a call
that leaves out a defaulted parameter, or passes a keyword-only one by name, gets the
helper's own values (a default used to land on another parameter, or go missing)."""

import numpy as np
import pytest

import s2sad


def helper_with_defaults(x, d1=5.0, *, kw1=0.5):
    return x * d1 + kw1 * x * x


def calls_with_and_without_defaults(x):
    # 5x + 0.5x^2 + 2x + 0.5x^2 + 5x + 3x^2 = 12x + 4x^2
    return (helper_with_defaults(x) + helper_with_defaults(x, 2.0)
            + helper_with_defaults(x, kw1=3.0))


@pytest.mark.parametrize("x", [1.5, -0.25])
def test_helper_defaults_in_forward_and_reverse_mode(x):
    value, tangent = s2sad.jvp(calls_with_and_without_defaults)(x, 1.0)
    assert value == pytest.approx(12 * x + 4 * x * x)
    assert tangent == pytest.approx(12 + 8 * x)
    assert s2sad.grad(calls_with_and_without_defaults)(x) == pytest.approx(12 + 8 * x)


def array_helper(a, scale=2.0, *, shift=0.25):
    return np.sin(a) * scale + shift * a


def calls_array_helper(x):
    return np.sum(array_helper(x) * array_helper(x, 3.0, shift=1.0))


def test_array_helper_defaults_against_hand_derivative():
    x = np.array([0.3, -1.2, 0.7])
    u, v = 2.0 * np.sin(x) + 0.25 * x, 3.0 * np.sin(x) + x
    du, dv = 2.0 * np.cos(x) + 0.25, 3.0 * np.cos(x) + 1.0
    expected = du * v + u * dv
    direction = np.array([1.0, -0.5, 2.0])
    value, tangent = s2sad.jvp(calls_array_helper)(x, direction)
    assert value == pytest.approx(np.sum(u * v))
    assert tangent == pytest.approx(np.dot(expected, direction))
    np.testing.assert_allclose(s2sad.grad(calls_array_helper)(x), expected)
