"""A derivative bound to a local name (``gr = s2sad.grad(energy)``) and called by it
inside a differentiated function is differentiated as ``s2sad.grad(energy)(x)`` written
there, in every mode (was refused: "calling the local value 'gr' is not supported");
checked against central finite differences."""

import numpy as np
import pytest

import local_derivatives as fx
import s2sad
from s2sad.errors import S2sadError

X = np.array([0.3, -0.8, 0.5])
FUNCTIONS = [fx.descend, fx.descend_imported, fx.with_value, fx.in_w, fx.calls_helper]


def central_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_gradient_and_jvp(f):
    expected = central_gradient(f, X)
    np.testing.assert_allclose(s2sad.grad(f)(X), expected, rtol=1e-6, atol=1e-9)
    v = np.array([0.2, 0.7, -0.4])
    np.testing.assert_allclose(s2sad.jvp(f)(X, v)[1], expected @ v, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f", [fx.descend, fx.with_value], ids=lambda f: f.__name__)
def test_hessian(f):
    expected = np.stack([central_gradient(f, X + 1e-4 * e) - central_gradient(f, X - 1e-4 * e)
                         for e in np.eye(3)]) / 2e-4
    np.testing.assert_allclose(s2sad.hessian(f)(X), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("f", [fx.passed_as_value, fx.bound_in_a_branch],
                         ids=lambda f: f.__name__)
def test_other_uses_of_the_local_name_are_refused_where_written(f):
    with pytest.raises(S2sadError) as caught:
        s2sad.grad(f)(X)
    assert "local_derivatives.py:" in str(caught.value)
    assert "calling the local value" in str(caught.value)
    assert "s2sad.grad(f)(x)" in caught.value.hint
