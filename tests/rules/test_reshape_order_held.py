"""``np.reshape(x, shape, order=o)`` and ``x.reshape(shape, order=o)`` with ``o`` a name (a
parameter with a default, a module constant): refused before with a message naming only
'C' and 'F'; now the order is read when the code runs ('C', 'F', or 'A' by ``x``'s
layout), in the derivative too.  Checked for every order on C and Fortran arguments, in
reverse and forward mode and to second order, against central finite differences; an
order numpy refuses raises numpy's own error."""

import numpy as np
import pytest

import s2sad

WEIGHTS = np.arange(6.0).reshape(3, 2)
ORDER = 'F'


def parameter_order(x, o='C'):
    return np.sum(np.sin(np.reshape(x * x, (3, 2), order=o)) * WEIGHTS)


def method_order(x, o='C'):
    return np.sum(np.cos(x.reshape((3, 2), order=o)) * WEIGHTS)


def module_order(x):
    return np.sum(np.sin(x.reshape((3, 2), order=ORDER)) * WEIGHTS)


def _fd(f, x, *rest, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(order='K'), x.copy(order='K')
        up[i] += h
        down[i] -= h
        g[i] = (f(up, *rest) - f(down, *rest)) / (2 * h)
    return g


def _fd_hessian(f, x, *rest, h=1e-4):
    rows = []
    for i in np.ndindex(x.shape):
        up, down = x.copy(order='K'), x.copy(order='K')
        up[i] += h
        down[i] -= h
        rows.append(((_fd(f, up, *rest, h=1e-5) - _fd(f, down, *rest, h=1e-5)) / (2 * h))
                    .ravel())
    return np.array(rows)


BASE = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])
LAYOUTS = {"C": BASE, "F": np.asfortranarray(BASE)}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("order", ["C", "F", "A", None])
@pytest.mark.parametrize("func", [parameter_order, method_order])
def test_an_order_a_name_holds_is_read_when_the_code_runs(func, order, layout):
    x = LAYOUTS[layout]
    rest = () if order is None else (order,)   # (None: the parameter's default, 'C')
    want = _fd(func, x, *rest)
    np.testing.assert_allclose(s2sad.grad(func)(x.copy(order='K'), *rest), want, atol=1e-6)
    direction = np.cos(np.arange(6.0)).reshape(2, 3)
    assert np.isclose(s2sad.jvp(func)(x.copy(order='K'), *rest, direction)[1],
                      np.sum(want * direction), atol=1e-6)
    hess = np.asarray(s2sad.hessian(func)(x.copy(order='K'), *rest)).reshape(6, 6)
    np.testing.assert_allclose(hess, _fd_hessian(func, x, *rest), atol=1e-4)


def test_a_module_constant_order():
    by_hand = (np.cos(BASE.reshape((3, 2), order='F')) * WEIGHTS).reshape((2, 3), order='F')
    for x in LAYOUTS.values():
        np.testing.assert_allclose(s2sad.grad(module_order)(x.copy(order='K')), by_hand)
        np.testing.assert_allclose(_fd(module_order, x), by_hand, atol=1e-6)
        direction = np.cos(np.arange(6.0)).reshape(2, 3)
        assert np.isclose(s2sad.jvp(module_order)(x.copy(order='K'), direction)[1],
                          np.sum(by_hand * direction))


def test_an_order_numpy_refuses_raises_numpy_s_error():
    with pytest.raises(ValueError) as python:
        parameter_order(BASE, 'K')
    with pytest.raises(ValueError) as derivative:
        s2sad.grad(parameter_order)(BASE.copy(), 'K')
    assert str(derivative.value) == str(python.value)
