"""x.reshape(shape, order='A') and np.reshape(x, shape, order='A') (refused before): the
order is Fortran's where x is Fortran- and not C-contiguous, C's otherwise, decided when
the code runs; the derivative reads x's layout.  Checked for C, Fortran and transposed
arguments, in reverse and forward mode and to second order, against central finite
differences computed on arguments of the same layout."""

import numpy as np
import pytest

import s2sad

WEIGHTS = np.arange(6.0).reshape(3, 2)


def method_form(x):
    return np.sum(np.sin(x.reshape(3, 2, order='A')) * WEIGHTS)


def function_form(x):
    return np.sum(np.reshape(x * x, (3, 2), order='A') * WEIGHTS)


def _fd(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(order='K'), x.copy(order='K')
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _fd_hessian(f, x, h=1e-4):
    rows = []
    for i in np.ndindex(x.shape):
        up, down = x.copy(order='K'), x.copy(order='K')
        up[i] += h
        down[i] -= h
        rows.append(((_fd(f, up, 1e-5) - _fd(f, down, 1e-5)) / (2 * h)).ravel())
    return np.array(rows)


BASE = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])
LAYOUTS = {"C": BASE, "F": np.asfortranarray(BASE), "transposed": BASE.T.copy().T}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("func", [method_form, function_form])
def test_order_a_follows_the_layout_in_every_mode(func, layout):
    x = LAYOUTS[layout]
    assert np.isfortran(x) == (layout != "C")
    want = _fd(func, x)
    np.testing.assert_allclose(s2sad.grad(func)(x.copy(order='K')), want, atol=1e-6)
    direction = np.cos(np.arange(6.0)).reshape(2, 3)
    assert np.isclose(s2sad.jvp(func)(x.copy(order='K'), direction)[1],
                      np.sum(want * direction), atol=1e-6)
    hess = np.asarray(s2sad.hessian(func)(x.copy(order='K'))).reshape(6, 6)
    np.testing.assert_allclose(hess, _fd_hessian(func, x), atol=1e-4)


def test_the_two_layouts_give_different_numbers():
    """(else the test above could not tell a layout read wrong)"""
    c, f = (s2sad.grad(method_form)(LAYOUTS[k].copy(order='K')) for k in ("C", "F"))
    assert not np.allclose(c, f)
