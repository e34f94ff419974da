"""``np.float64(x[i] * x[j])`` of a Dask ``x`` (fuzz seed 409, dask mode: AxisError): the
primal is a numpy number (``np.float64`` of a 0-d Dask array computes it), whose
``.sum(axis=0)`` numpy takes; its tangent was a 0-d Dask array, which refuses any axis.
The tangent of a cast to a numpy number is now a number of the same type (``cast_dot``),
as the primal is.  Checked against central finite differences on numpy inputs."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")

import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402


def cast_then_reduced(x):
    z = np.float64(x[1, 2] * x[1, 2])
    w = np.float64(np.sin(x[0, 1]))
    return 0.25 * np.sum(np.tanh(z.sum(axis=0))) + np.sum(w, axis=-1) * x[0, 0]


X = np.array([[0.403, -0.2, 1.384], [0.887, -0.904, -1.225]])
T = np.array([[0.3, -1.0, 0.5], [0.2, 0.7, -0.4]])


def _fd_hessian(f, x, h=1e-4):
    rows = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        rows.append(np.ravel(finite_difference_gradient(f, (x + e.reshape(x.shape),))
                             - finite_difference_gradient(f, (x - e.reshape(x.shape),)))
                    / (2 * h))
    return np.array(rows)


def test_jvp_of_a_cast_to_a_number_on_dask():
    value, tangent = s2sad.jvp(cast_then_reduced)(da.from_array(X, chunks=2),
                                                    da.from_array(T, chunks=2))
    grad = finite_difference_gradient(cast_then_reduced, (X,))
    assert np.isclose(float(np.asarray(value)), cast_then_reduced(X), rtol=1e-12)
    assert np.isclose(float(np.asarray(tangent)), np.sum(grad * T), atol=1e-7)


def test_gradient_and_hvp_of_a_cast_to_a_number_on_dask():
    xd, td = da.from_array(X, chunks=2), da.from_array(T, chunks=2)
    grad = np.asarray(s2sad.grad(cast_then_reduced)(xd))
    np.testing.assert_allclose(grad, finite_difference_gradient(cast_then_reduced, (X,)),
                               atol=1e-7)
    hvp = np.asarray(s2sad.hvp(cast_then_reduced)(xd, td))
    np.testing.assert_allclose(np.ravel(hvp), _fd_hessian(cast_then_reduced, X) @ np.ravel(T),
                               atol=1e-5)
