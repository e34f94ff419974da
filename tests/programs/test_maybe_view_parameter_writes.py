"""A write into a maybe-view of a parameter (``v = np.asarray(x, order='F'); v[1] *= 2``,
``v = np.reshape(x, -1); v[0] = 0.0``, ``x.astype(t, copy=False)``...) was refused as a
write into the caller's array; it is a write into the argument, which s2sad copies (the
README's rule for writes into parameters, as for ``x[i] = v`` or a view's ``x.T[i] =
v``): differentiated in reverse and forward mode and to second order, against central
finite differences, the caller's array left as it is."""

import numpy as np
import pytest

import s2sad


def asarray_fortran_update(x):
    v = np.asarray(x, order='F')
    v[1] *= 2.0
    return np.sum(v ** 2)


def asfortranarray_write_then_parameter_read(x):
    v = np.asfortranarray(x)
    v[0, 1] = 3.0 * v[1, 0]
    return np.sum(v ** 2) * x[0, 0]


def astype_no_copy_update(x):
    v = x.astype(np.float64, copy=False)
    v[0] += np.sin(v[1])
    return np.sum(v ** 3)


def reshape_function_write(x):
    v = np.reshape(x, (-1,))
    v[0] = v[1] * v[2]
    return np.sum(v ** 2)


def transpose_function_write(x):
    v = np.transpose(x)
    v[0, 1] = 0.0
    return np.sum(np.cos(v))


def _fd(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _fd_hessian(f, x, h=1e-4):
    rows = []
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        rows.append(((_fd(f, up, 1e-5) - _fd(f, down, 1e-5)) / (2 * h)).ravel())
    return np.array(rows)


X = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])


@pytest.mark.parametrize("func", [asarray_fortran_update, asfortranarray_write_then_parameter_read,
                                  astype_no_copy_update, reshape_function_write,
                                  transpose_function_write])
def test_a_write_into_a_maybe_view_of_a_parameter_is_differentiated(func):
    x = X.copy()
    want = _fd(func, X)
    np.testing.assert_allclose(s2sad.grad(func)(x), want, atol=1e-6)
    np.testing.assert_array_equal(x, X)   # (the caller's array as it was)
    direction = np.cos(np.arange(6.0)).reshape(2, 3)
    assert np.isclose(s2sad.jvp(func)(x, direction)[1], np.sum(want * direction), atol=1e-6)
    np.testing.assert_array_equal(x, X)
    hess = np.asarray(s2sad.hessian(func)(x)).reshape(6, 6)
    np.testing.assert_allclose(hess, _fd_hessian(func, X), atol=1e-4)
