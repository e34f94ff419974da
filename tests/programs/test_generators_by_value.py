"""A generator expression given to a builtin that reads it whole, called by value
(``builtins.min(e for v in x)``, ``MX(...)`` of ``from builtins import min as MX``, ``L``
of ``list``, ``D`` of ``dict``) was refused as if it were given to anything else (fuzz
seed 20261499: a false refusal; the builtins' own names worked).  Against central
differences in float64; a local ``min`` that is not the builtin stays refused."""

import numpy as np
import pytest

import generators_by_value as m
import s2sad

H = 1e-6
X = np.array([0.954, -0.44, 0.507])
V = np.array([1.0, -1.0, 0.5])


def fd(f, x):
    return np.array([(f(x + H * e) - f(x - H * e)) / (2 * H) for e in np.eye(len(x))])


def test_gradient_tangent_and_hessian_vector_product():
    value, grad = s2sad.value_and_grad(m.f)(X)
    np.testing.assert_allclose(value, m.f(X), rtol=1e-13)
    np.testing.assert_allclose(grad, fd(m.f, X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.jvp(m.f)(X, V)[1], fd(m.f, X) @ V, rtol=1e-6)
    by_differences = (fd(m.f, X + 1e-4 * V) - fd(m.f, X - 1e-4 * V)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(m.f)(X, V), by_differences, rtol=1e-5, atol=1e-5)


def test_a_local_min_is_not_the_builtin():
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError, match="generator expression"):
        s2sad.grad(m.g)(X)
