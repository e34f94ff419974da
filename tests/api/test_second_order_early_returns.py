"""Second order through a helper that returns another helper's result after an early
return (``if n == 0: return ...; return inner(x)``): the result was taken for an unused
one and dropped (the output None: "NoneOutputError: the output of g is None", g(x) being
a number); it is differentiated, against finite differences.  Through a recursive helper
the documented refusal is given ("rec calls itself": write the recursion as a loop)."""

import numpy as np
import pytest

import early_return_helpers as fx
import s2sad
from s2sad.errors import UnsupportedSyntaxError

X = np.array([0.3, 0.5, -0.7])
V = np.array([0.4, -0.2, 0.9])


def central_hessian(f, x, h=1e-4):
    grad = s2sad.grad(f)   # (first order: checked against finite differences below)
    return np.stack([(grad(x + h * e) - grad(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def central_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("f", [fx.through_helper, fx.through_helper_plus],
                         ids=lambda f: f.__name__)
def test_hessian_through_an_early_return(f):
    np.testing.assert_allclose(s2sad.grad(f)(X), central_gradient(f, X), rtol=1e-6)
    expected = central_hessian(f, X)
    np.testing.assert_allclose(s2sad.hessian(f)(X), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.hvp(f)(X, V), expected @ V, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.jacobian(s2sad.grad(f))(X), expected, rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("how", ["hessian", "hvp", "jacobian_of_grad", "grad_of_grad_call"])
def test_second_order_through_a_recursive_helper_is_refused_as_such(how):
    run = {"hessian": lambda: s2sad.hessian(fx.through_recursion)(X),
           "hvp": lambda: s2sad.hvp(fx.through_recursion)(X, V),
           "jacobian_of_grad": lambda: s2sad.jacobian(s2sad.grad(fx.through_recursion))(X),
           "grad_of_grad_call": lambda: s2sad.grad(fx.of_its_gradient)(X)}[how]
    with pytest.raises(UnsupportedSyntaxError, match="rec calls itself") as caught:
        run()
    assert "write the recursion as a loop" in caught.value.hint
    assert "early_return_helpers.py:" in str(caught.value)
    # (first order through it is differentiated)
    np.testing.assert_allclose(s2sad.grad(fx.through_recursion)(X),
                               central_gradient(fx.through_recursion, X), rtol=1e-6)
