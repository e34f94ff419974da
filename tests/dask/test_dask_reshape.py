"""Issue 17: ``x.reshape(-1)`` and ``x.reshape(12)`` (one integer, which the method
takes and Dask's ``np.reshape`` does not) are differentiated on Dask arrays in every
mode; compared with finite differences on numpy."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")

import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402


def flat_squares(X):
    return np.sum(X.reshape(-1) ** 2 * np.arange(12.0))


def flat_sines(X):
    return np.sum(np.sin(X.reshape(12)) * np.arange(12.0))


@pytest.mark.parametrize("func", [flat_squares, flat_sines], ids=lambda f: f.__name__)
def test_reshape_to_one_integer_on_dask(func):
    X = np.arange(12.0).reshape(3, 4) / 10
    dX = da.from_array(X, chunks=2)
    expected = finite_difference_gradient(func, (X,))
    np.testing.assert_allclose(s2sad.dask.compute(s2sad.grad(func)(dX)), expected,
                               rtol=1e-6, atol=1e-9)
    v = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    _, tangent = s2sad.dask.compute(s2sad.jvp(func)(dX, da.from_array(v, chunks=2)))
    assert tangent == pytest.approx(np.sum(expected * v), rel=1e-6)
    hv = s2sad.dask.compute(s2sad.hvp(func)(dX, da.from_array(v, chunks=2)))
    np.testing.assert_allclose(hv, s2sad.hvp(func)(X, v), rtol=1e-10)
    step = 1e-5
    fd_hv = (s2sad.grad(func)(X + step * v) - s2sad.grad(func)(X - step * v)) / (2 * step)
    np.testing.assert_allclose(hv, fd_hv, rtol=1e-5, atol=1e-7)
