"""Second order of soft-DTW (tests/fixtures/soft_dtw.py: a DP table filled by two loops,
a soft-min of three neighbours): the gradient, ``hvp`` and ``hessian`` against central
finite differences, in x and in y, for a helper soft-min, an array soft-min, a scalar
stabilized one and a multivariate series; the numba backend's hvp and hessian of the
scalar form (which fell back to numpy: an index preset to None, typed optional)."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient
from soft_dtw import (soft_dtw_array, soft_dtw_helper, soft_dtw_multivariate,
                      soft_dtw_scalar)

X = np.array([0.3, 0.9, -0.4, 0.5])
Y = np.array([0.1, 0.7, 0.2])


def _fd_hessian(f, args, argnum, h=1e-4):
    x = np.asarray(args[argnum], dtype=float)
    rows = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        plus, minus = list(args), list(args)
        plus[argnum], minus[argnum] = x + e.reshape(x.shape), x - e.reshape(x.shape)
        rows.append(np.ravel(finite_difference_gradient(f, tuple(plus), argnum=argnum)
                             - finite_difference_gradient(f, tuple(minus), argnum=argnum))
                    / (2 * h))
    return np.array(rows)


@pytest.mark.parametrize("func", [soft_dtw_helper, soft_dtw_array, soft_dtw_scalar],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("argnum", [0, 1])
def test_soft_dtw_second_order_matches_finite_differences(func, argnum):
    args = (X, Y)
    v = np.linspace(-0.8, 1.0, args[argnum].size)
    grad = s2sad.grad(func, wrt=argnum)(*args)
    np.testing.assert_allclose(grad, finite_difference_gradient(func, args, argnum=argnum),
                               atol=1e-7)
    hess = _fd_hessian(func, args, argnum)
    np.testing.assert_allclose(s2sad.hessian(func, wrt=argnum)(*args), hess, atol=1e-4)
    np.testing.assert_allclose(s2sad.hvp(func, wrt=argnum)(*args, v), hess @ v, atol=1e-4)


def test_multivariate_soft_dtw_hvp():
    A = np.array([[0.3, 0.1], [0.9, -0.2], [-0.4, 0.5]])
    B = np.array([[0.1, 0.2], [0.7, 0.0]])
    V = np.array([[0.5, -0.2], [0.1, 0.3], [-0.6, 0.4]])
    hess = _fd_hessian(soft_dtw_multivariate, (A, B), 0)
    np.testing.assert_allclose(np.ravel(s2sad.hvp(soft_dtw_multivariate)(A, B, V)),
                               hess @ np.ravel(V), atol=1e-4)


def test_numba_hvp_and_hessian_of_soft_dtw_compile():
    # (fell back to numpy: the index i - 1, computed in the inner loop, saved after it
    # and preset to None before the outer one, which numba types as optional; an int
    # placeholder now, see backends.numba_presets)
    pytest.importorskip("numba", reason="the numba backend needs numba")
    v = np.array([1.0, -0.5, 0.3, 0.8])
    hess = _fd_hessian(soft_dtw_scalar, (X, Y), 0)
    product = s2sad.hvp(soft_dtw_scalar, backend="numba")
    full = s2sad.hessian(soft_dtw_scalar, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        np.testing.assert_allclose(product(X, Y, v), hess @ v, atol=1e-4)
        np.testing.assert_allclose(full(X, Y), hess, atol=1e-4)
