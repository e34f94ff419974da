"""Writes through integer lists on Dask data: the part of the adjoint a stored value
gets (``runtime.stored_part``), positions written twice included (a stranger's report:
``Z[[0, 5], :] = w`` crashed in reverse mode with Dask's IndexError).  Expected values
are derived by hand."""

import numpy as np
import pytest

import s2sad

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")

W = np.array([0.5, -0.3, 0.8])
XN = np.random.default_rng(0).normal(size=(100, 3))


def rows_write(w, X):
    Z = X * 1.0
    Z[[0, 5], :] = w
    return np.sum(Z ** 2)


def rows_written_twice(w, X):
    Z = X * 1.0
    Z[[0, 5, 0], :] = np.stack([w, 2.0 * w, 3.0 * w])   # row 0 keeps the last: 3 w
    return np.sum(Z ** 2)


def columns_out_of_order(w, X):
    Z = X * 1.0
    Z[:, [2, 0]] = np.outer(X[:, 1], w[:2])
    return np.sum(Z * X)


@pytest.mark.parametrize("f, expected", [
    (rows_write, lambda w, X: 4.0 * w),                       # (w.w) twice: 2 * 2 w
    (rows_written_twice, lambda w, X: (2 * 9 + 2 * 4) * w),   # (3w)^2 + (2w)^2
    (columns_out_of_order, lambda w, X: np.array(
        [np.sum(X[:, 1] * X[:, 2]), np.sum(X[:, 1] * X[:, 0]), 0.0])),
])
def test_a_write_through_an_integer_list_on_dask_data(f, expected):
    X = da.from_array(XN, chunks=(40, 3))
    lazy = s2sad.grad(f)(W, X)
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(np.asarray(lazy), expected(W, XN), rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(f)(W, XN), expected(W, XN), rtol=1e-12)
