"""Forward mode through a write into a copy of Dask data, with a numpy tangent: the
tangent's writable copy takes the call's Dask library, so the items written into it
stay lazy (numpy's own item assignment computed them).  Expected tangents by hand."""

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
