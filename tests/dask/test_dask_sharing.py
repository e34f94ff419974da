"""Writes through a name that holds the same Dask array as another name (a stranger's
report: the run-time sharing checks compared memory, which a Dask array has none of, so
a write Python makes both names see was taken for a write into one: gradients of 0 and
values off).  A Dask array written into changes the object itself: the same object is
shared, as a numpy array's memory is; the checks refuse it as they do on numpy."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedArgumentsError, UnsupportedSyntaxError

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")

W = np.array([0.3, -0.5, 0.8])
XN = np.arange(1.0, 13.0).reshape(4, 3)


def through_a_branch(w, X, flag):
    Z = X * 1.0
    u = Z if flag else X * 2.0
    u[0] = u[0] * w
    return np.sum(Z * Z)


def writes_first(A, B):
    A[0] = A[0] * 2.0
    return np.sum(A * B)


@pytest.mark.parametrize("data", [lambda: XN.copy(), lambda: da.from_array(XN, chunks=2)])
def test_a_write_through_a_name_holding_the_same_array_is_refused(data):
    with pytest.raises(UnsupportedSyntaxError, match="may also change 'Z'"):
        s2sad.grad(through_a_branch)(W, data(), True)
    # the other branch: u is an array of its own, and w does not reach Z
    np.testing.assert_allclose(np.asarray(s2sad.grad(through_a_branch)(W, data(), False)),
                               0.0)


@pytest.mark.parametrize("data", [lambda: XN.copy(), lambda: da.from_array(XN, chunks=2)])
def test_one_array_given_for_a_written_argument_and_another_is_refused(data):
    X = data()
    with pytest.raises(SharedArgumentsError):
        s2sad.value_and_grad(writes_first, wrt=(0, 1))(X, X)
    Y = data()
    value, (a_bar, b_bar) = s2sad.value_and_grad(writes_first, wrt=(0, 1))(X, Y)
    scale = np.ones_like(XN)
    scale[0] = 2.0
    np.testing.assert_allclose(float(value), np.sum(scale * XN * XN))
    np.testing.assert_allclose(np.asarray(a_bar), scale * XN)   # by hand
    np.testing.assert_allclose(np.asarray(b_bar), scale * XN)
