"""Second derivatives of the spectral norms on Dask matrices: their tangent solves a
small singular system, which numpy solves with ``lstsq(..., rcond=None)`` and Dask's
``lstsq`` cannot (no ``rcond``, QR only: a fuzz campaign's crash).  The reference is
central differences of the gradient written by hand (``u_k v_k^T``)."""

import numpy as np
import pytest

import s2sad

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")

Y = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])
V = np.array([[0.2, -0.4, 1.0], [0.7, 0.1, -0.3]])


def spectral(y):
    return np.linalg.norm(y, 2)


def smallest(y):
    return np.linalg.norm(y, -2)


def _gradient(y, k):
    u, _, vt = np.linalg.svd(y)
    return np.outer(u[:, k], vt[k])


@pytest.mark.parametrize("f, k", [(spectral, 0), (smallest, 1)])
@pytest.mark.parametrize("y", [Y, Y.T])
def test_hvp_of_a_spectral_norm_on_a_dask_matrix(f, k, y):
    v = V if y.shape == V.shape else V.T
    h = 1e-6
    expected = (_gradient(y + h * v, k) - _gradient(y - h * v, k)) / (2 * h)
    lazy = s2sad.hvp(f)(da.from_array(y, chunks=(1, y.shape[1])), v)   # (rows: as Dask's SVD wants)
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(np.asarray(lazy), expected, atol=1e-7)
    np.testing.assert_allclose(s2sad.hvp(f)(y, v), expected, atol=1e-7)
