"""Items of Dask values written into a numpy derivative, which numpy's own item
assignment computes: forward mode through a write into a copy of Dask data with a
numpy tangent (the tangent's writable copy takes the call's Dask library), and reverse
mode's adjoint of a numpy parameter's items (the general code's add_into, not the code
made for ranks).  Expected derivatives by hand."""

import numpy as np
import pytest

import s2sad

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")
dask = pytest.importorskip("dask")

XN = np.array([1.0, 2.0, 3.0, 4.0])


def scaled_first(x):
    y = x.copy()
    y[0] = y[0] * x[-1]
    return y * x


def _forbidden(*args, **kwargs):
    raise AssertionError("computed while the derivative was built")


def test_a_numpy_tangent_written_into_stays_lazy():
    x = da.from_array(XN, chunks=2)
    t = np.array([1.0, -1.0, 0.5, 2.0])
    with dask.config.set(scheduler=_forbidden):
        _, tangent = s2sad.jvp(scaled_first)(x, t)
    assert isinstance(tangent, da.Array)
    # y = (x0 x3, x1, x2, x3); out = y * x: out0 = x0^2 x3, out_i = x_i^2
    expected = 2.0 * XN * t
    expected[0] = 2.0 * XN[0] * XN[3] * t[0] + XN[0] ** 2 * t[3]
    np.testing.assert_allclose(np.asarray(tangent), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(scaled_first)(XN, t)[1], expected, rtol=1e-12)


def items_and_a_penalty(w, X):
    s = 0.0
    for j in range(3):
        s = s + np.sum(X[:, j] * w[j])
    return s + np.sum(w ** 2)


def test_code_made_for_ranks_is_not_used_with_dask_data():
    """Code made for the ranks of numpy arguments adds w's items into w_bar in place
    (w_bar[j] += g), and the penalty's term makes w_bar numpy first: with Dask data,
    numpy's += computed g (a stranger's report); the general code's add_into is lazy."""
    XN = np.arange(1.0, 13.0).reshape(4, 3)
    w = np.array([0.3, -0.5, 0.8])
    with dask.config.set(scheduler=_forbidden):
        lazy = s2sad.grad(items_and_a_penalty)(w, da.from_array(XN, chunks=2))
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(np.asarray(lazy), XN.sum(axis=0) + 2.0 * w, rtol=1e-12)


def squares_first_row(X):
    Z = X * 2.0
    Z[0] = Z[0] ** 2
    return np.sum(Z * X)


def test_a_numpy_tangent_of_dask_data_written_into_stays_lazy():
    """``Z = X * 2.0`` of Dask X with a numpy tangent made Z's tangent numpy, and the
    write of a lazy item into it computed (a stranger's report): the API gives numpy
    tangents the library of the Dask arguments (jvp, and hvp's direction)."""
    XN = np.arange(1.0, 13.0).reshape(4, 3)
    t = np.ones((4, 3))
    gradient = 4.0 * XN   # by hand: 2 X^2 off row 0, 4 X^3 on it
    gradient[0] = 12.0 * XN[0] ** 2
    X = da.from_array(XN, chunks=2)
    with dask.config.set(scheduler=_forbidden):
        _, tangent = s2sad.jvp(squares_first_row)(X, t)
        product = s2sad.hvp(squares_first_row)(X, t)
    assert isinstance(tangent, da.Array) and isinstance(product, da.Array)
    np.testing.assert_allclose(float(np.asarray(tangent)), np.sum(gradient * t))
    hessian_row = 4.0 * np.ones_like(XN)
    hessian_row[0] = 24.0 * XN[0]
    np.testing.assert_allclose(np.asarray(product), hessian_row * t, rtol=1e-12)


def number_into_a_buffer(x, z, k=0.5):
    buf = np.zeros(1)
    buf[0] = x + k
    return np.dot(buf, buf) + np.sum(z)


def test_a_number_tangent_written_into_a_numpy_buffer_stays_numpy():
    """The tangent of a number argument, written into the tangent of a numpy buffer,
    stays numpy's where another argument is Dask data: as a Dask 0-d array numpy's write
    computed it (the fuzzer's Dask campaign, seed 19), where the function itself
    computes nothing."""
    z = da.from_array(np.array([1.0, 0.8]), chunks=1)
    with dask.config.set(scheduler=_forbidden):
        _, tangent = s2sad.jvp(number_into_a_buffer, wrt=0)(0.25, z, 0.5)
    # d/dx (x + k)^2 = 2 (x + k)
    assert float(tangent) == pytest.approx(2.0 * 0.75 * 0.5, rel=1e-12)
