"""An adjoint never has an integer or bool dtype.  The adjoint of ``np.sum(y * w)``
with the output's cotangent ``1.0`` is ``1.0 * w``: folded to ``w`` (a copy of an
integer ``w``), a loop reading ``y`` item by item then added its float contributions
into that integer array in place, truncating them (a zero gradient for logistic
regression with 0/1 integer labels).

Every expected derivative is a central finite difference (``s2sad.testing``) or a
derivative written by hand, never a value s2sad produced.
"""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient

import integer_adjoints as ia

X = np.array([0.3, -0.7, 1.1])
X2 = np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.4]])
FEATURES = np.random.default_rng(16).normal(size=(6, 3))
LABELS = np.array([0, 1, 1, 0, 1, 0])

CASES = [
    (ia.int_weights, (X,)),
    (ia.bool_mask, (X,)),
    (ia.ones_int, (X,)),
    (ia.global_counts, (X,)),
    (ia.mask_2d, (X2,)),
    (ia.items_written, (X,)),
    (ia.logistic, (X, FEATURES, LABELS)),
]
IDS = [case[0].__name__ for case in CASES]


def _fresh(args):
    return tuple(np.copy(a) for a in args)


@pytest.mark.parametrize("func,args", CASES, ids=IDS)
def test_grad_and_value_and_grad_agree_with_finite_differences(func, args):
    expected = finite_difference_gradient(func, _fresh(args))
    np.testing.assert_allclose(s2sad.grad(func)(*_fresh(args)), expected,
                               rtol=1e-6, atol=1e-8)
    value, gradient = s2sad.value_and_grad(func)(*_fresh(args))
    np.testing.assert_allclose(value, func(*_fresh(args)))
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-8)
    check_grads(func, _fresh(args), wrt=0, modes=("reverse", "forward"))


def test_hand_derivatives():
    np.testing.assert_allclose(s2sad.grad(ia.int_weights)(X), ia.hand_int_weights(X),
                               rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(ia.logistic)(X, FEATURES, LABELS),
                               ia.hand_logistic(X, FEATURES, LABELS), rtol=1e-12)


def test_logistic_regression_with_integer_labels_has_a_nonzero_gradient():
    gradient = s2sad.grad(ia.logistic)(X, FEATURES, LABELS)
    assert np.all(np.abs(gradient) > 1e-3)


@pytest.mark.parametrize("func,args", CASES, ids=IDS)
def test_hessian_agrees_with_differences_of_the_gradient(func, args):
    hessian = s2sad.hessian(func)(*_fresh(args))
    x = args[0]
    for k in range(x.size):
        def component(v, k=k):
            return finite_difference_gradient(func, (v,) + _fresh(args[1:])).reshape(-1)[k]
        row = finite_difference_gradient(component, (np.copy(x),), eps=1e-4)
        np.testing.assert_allclose(np.reshape(hessian, (x.size, x.size))[k],
                                   row.reshape(-1), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("func", [ia.int_weights, ia.bool_mask, ia.global_counts])
def test_float32_argument_keeps_float32_gradient(func):
    x = X.astype(np.float32)
    gradient = s2sad.grad(func)(x)
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(gradient, finite_difference_gradient(func, (X,)),
                               rtol=1e-4, atol=1e-5)


def test_the_adjoint_of_integer_weights_is_a_float_product():
    source = s2sad.source(ia.int_weights)
    assert "1.0 * array" in source
    assert "np.copy(array)" not in source and "copy_of(array)" not in source
