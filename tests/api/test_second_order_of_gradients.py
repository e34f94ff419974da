"""Second order of a function whose output is an array (a gradient): the Hessian and
its products refuse it (NonScalarOutputError, "use s2sad.jacobian") before numpy fails in
the backward sweep's products seeded with 1.0 (``A @ 1.0``), whatever the function's ops;
its Jacobian is the Hessian, checked against finite differences."""

import numpy as np
import pytest

import gradient_outputs as fx
import s2sad
from s2sad.errors import NonScalarOutputError

X = np.array([0.3, 0.4])
FUNCTIONS = [fx.with_matmul, fx.with_dot, fx.with_kron, fx.elementwise]


def central_jacobian(f, x, h=1e-6):
    return np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)],
                    axis=-1)


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("how", ["hessian", "hvp", "hvp_with_grad"])
def test_second_order_of_a_gradient_is_refused(f, how):
    g = s2sad.grad(f)
    run = {"hessian": lambda: s2sad.hessian(g)(X),
           "hvp": lambda: s2sad.hvp(g)(X, X),
           "hvp_with_grad": lambda: s2sad.hvp(g, with_grad=True)(X, X)}[how]
    with pytest.raises(NonScalarOutputError, match=rf"the Hessian of {f.__name__}_grad needs "
                                                   rf"a scalar output") as caught:
        run()
    assert "an array of shape (2,)" in str(caught.value)
    assert "s2sad.jacobian" in caught.value.hint


def test_a_function_returning_an_inner_gradient_is_refused():
    for run in (lambda: s2sad.hessian(fx.returns_a_gradient)(X),
                lambda: s2sad.hvp(fx.returns_a_gradient)(X, X)):
        with pytest.raises(NonScalarOutputError, match="the Hessian of returns_a_gradient "
                                                       "needs a scalar output"):
            run()


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_the_jacobian_of_a_gradient_is_the_hessian(f):
    expected = central_jacobian(s2sad.grad(f), X)
    np.testing.assert_allclose(s2sad.jacobian(s2sad.grad(f))(X), expected, rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_allclose(s2sad.hessian(f)(X), expected, rtol=1e-6, atol=1e-8)


def test_a_scalar_of_a_gradient_still_has_its_hessian():
    expected = central_jacobian(s2sad.grad(fx.scalar_of_a_gradient), X)
    np.testing.assert_allclose(s2sad.hessian(fx.scalar_of_a_gradient)(X), expected,
                               rtol=1e-5, atol=1e-7)
