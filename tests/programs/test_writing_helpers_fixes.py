"""Regression tests for helpers that write into their arguments (issue 15, the cases a
stranger test found): reverse (grad, vjp), forward (jvp) and second order (hessian,
hvp) against central finite differences, or a located refusal."""

import numpy as np
import pytest

import s2sad
import writing_helpers_fixes as wf
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([1.0, 2.0, 3.0])
RNG = np.random.default_rng(1515)


def _hessian_fd(f, x):
    """The Hessian: central differences of finite-difference gradients."""
    eps = 1e-4
    rows = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        up = finite_difference_gradient(f, (x + step,), 0)
        down = finite_difference_gradient(f, (x - step,), 0)
        rows.append((up - down) / (2 * eps))
    return np.array(rows)


def _every_mode(f, x=X):
    check_grads(f, (x.copy(),), modes=("reverse", "forward"))
    hessian = _hessian_fd(f, x)
    np.testing.assert_allclose(s2sad.hessian(f)(x.copy()), hessian, rtol=1e-4, atol=1e-4)
    v = RNG.normal(size=x.shape)
    np.testing.assert_allclose(s2sad.hvp(f)(x.copy(), v), hessian @ v, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("f", [wf.add_at_into_zeros, wf.subtract_at_into_zeros,
                               wf.set_then_add_at_into_zeros, wf.add_at_then_set_into_zeros,
                               wf.add_at_two_helpers_deep])
def test_a_ufunc_write_in_a_helper_carries_the_values_derivative(f):
    _every_mode(f)


def test_add_at_into_zeros_by_hand():
    # r = [x0 + x1, 0, x2]: d sum(r ** 2) = [2 (x0 + x1), 2 (x0 + x1), 2 x2]
    np.testing.assert_allclose(s2sad.grad(wf.add_at_into_zeros)(X.copy()), [6.0, 6.0, 6.0])
