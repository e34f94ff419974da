"""``reshape(..., order='A')`` of a Dask array with an int shape (``x.reshape(-1,
order='A')``): Dask's reshape takes no int for a shape, and the runtime's
``reshape_laid_out`` passed it on (fuzz seed 17 of the dask mode, a TypeError).  The
values and derivatives match numpy's, checked against central finite differences."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="dask is an optional extra: pip install "
                                              "'s2sad[dask]'")

import s2sad  # noqa: E402
from s2sad.runtime.structure import reshape_laid_out  # noqa: E402


def flat_a(x):
    return np.sum(np.sin(x.reshape(-1, order='A')) * np.arange(6.0))


def test_an_int_shape_reshapes_a_dask_array():
    x = np.arange(6.0).reshape(2, 3)
    lazy = reshape_laid_out(da.from_array(x, chunks=(1, 3)), -1, x)
    np.testing.assert_array_equal(lazy.compute(), x.reshape(-1))


def test_derivatives_on_dask_match_finite_differences():
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    h = 1e-6
    expected = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        expected[i] = (flat_a(x + step) - flat_a(x - step)) / (2 * h)
    lazy = da.from_array(x, chunks=(1, 3))
    grad = s2sad.grad(flat_a)(lazy)
    np.testing.assert_allclose(np.asarray(grad), expected, rtol=1e-7, atol=1e-9)
    v = np.full((2, 3), 0.5)
    _, tangent = s2sad.jvp(flat_a)(lazy, da.from_array(v, chunks=(1, 3)))
    assert float(tangent) == pytest.approx(np.sum(expected * v), rel=1e-7)


def flat_held(x, o='C'):
    return np.sum(np.sin(x.reshape(-1, order=o)) * np.arange(6.0))


@pytest.mark.parametrize("order", ["C", "A"])
def test_an_order_a_name_holds_on_dask_matches_finite_differences(order):
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    h = 1e-6
    expected = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        expected[i] = (flat_held(x + step, order) - flat_held(x - step, order)) / (2 * h)
    lazy = da.from_array(x, chunks=(1, 3))
    grad = s2sad.grad(flat_held)(lazy, order)
    np.testing.assert_allclose(np.asarray(grad), expected, rtol=1e-7, atol=1e-9)
