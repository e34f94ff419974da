"""Array predicates and inspectors called on differentiated arrays (np.isfortran,
np.iscomplexobj, np.shares_memory, np.result_type...): their results are bools, dtypes
and integers, constants in every mode (forward mode and hvp refused them for want of a
tangent rule before).  Each one decides a branch here, so a wrong constant would change
the numbers; checked against central finite differences in reverse and forward mode and
to second order."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads


def layout_scaled(x):
    y = np.sin(x) * x
    if np.isfortran(x):
        return np.sum(y * 3.0)
    return np.sum(y * 2.0)


def dtype_scaled(x):
    y = x * x
    s = np.sum(np.cos(y))
    if np.iscomplexobj(y) or not np.isrealobj(x) or np.isscalar(x):
        s = s * 10.0
    if np.result_type(x, y) == np.float64 and np.issubdtype(y.dtype, np.floating):
        s = s * np.float64(2.0)
    if np.can_cast(x, np.float32) and np.min_scalar_type(x) == np.float64:
        s = s * 0.5
    return s


def memory_scaled(x):
    y = x[::-1]
    z = x * 2.0
    s = np.sum(y * z * x)
    if np.shares_memory(x, y) and not np.may_share_memory(x, z):
        s = s * 3.0
    return s


def elementwise_tests(x):
    mask = np.iscomplex(x) | np.signbit(x)
    real = np.isreal(x)
    s = np.sum(np.where(mask, x * x, np.sin(x)) * real)
    if np.array_equiv(x, x[0]) or not np.iterable(x):
        s = s * 4.0
    return s


FUNCS = [layout_scaled, dtype_scaled, memory_scaled, elementwise_tests]
X = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])


def _fd_hessian(f, x, h=1e-4):
    def grad(z):
        g = np.zeros_like(z)
        for i in np.ndindex(z.shape):
            up, down = z.copy(order='K'), z.copy(order='K')
            up[i] += 1e-5
            down[i] -= 1e-5
            g[i] = (f(up) - f(down)) / 2e-5
        return g
    rows = []
    for i in np.ndindex(x.shape):
        up, down = x.copy(order='K'), x.copy(order='K')
        up[i] += h
        down[i] -= h
        rows.append(((grad(up) - grad(down)) / (2 * h)).ravel())
    return np.array(rows)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_predicates_are_constants_in_every_mode(func):
    for x in (X, np.asfortranarray(X)):
        check_grads(func, (x,), modes=("reverse", "forward"))
        hess = np.asarray(s2sad.hessian(func)(x.copy(order='K'))).reshape(6, 6)
        np.testing.assert_allclose(hess, _fd_hessian(func, x), atol=1e-4)
        direction = np.cos(np.arange(6.0)).reshape(2, 3)
        hvp = s2sad.hvp(func)(x.copy(order='K'), direction)
        np.testing.assert_allclose(np.ravel(hvp), hess @ direction.ravel(), atol=1e-8)


def test_the_layout_branch_is_taken_as_python_takes_it():
    fortran = np.asfortranarray(X)
    want = 3.0 * (np.cos(X) * X + np.sin(X))
    np.testing.assert_allclose(s2sad.grad(layout_scaled)(fortran), want)
    np.testing.assert_allclose(s2sad.grad(layout_scaled)(X), want * 2.0 / 3.0)
