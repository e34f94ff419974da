"""A write through a lazy boolean mask, ``v[v < 0] = 0.0``, on Dask data: forward mode
differentiates it lazily; reverse mode would have to put back a part of unknown length
(Dask cannot), and says so with what to write instead (a stranger's report: Dask's raw
``ValueError``).  The hint's rewrite is checked to be right and lazy."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import LazyShapeError

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")
dask = pytest.importorskip("dask")

XN = np.random.default_rng(0).normal(size=(100, 3))
W = np.array([0.5, -0.3, 0.8])


def relu_write(w, X):
    v = X @ w
    v[v < 0] = 0.0
    return np.sum(v ** 2)


def column_write(w, X):
    Z = X * w
    Z[X[:, 0] > 0, 1] = 0.0
    return np.sum(Z ** 2)


def relu_where(w, X):
    v = X @ w
    v = np.where(v < 0, 0.0, v)
    return np.sum(v ** 2)


@pytest.mark.parametrize("f", [relu_write, column_write])
def test_reverse_mode_refuses_a_write_through_a_lazy_mask_with_a_true_hint(f):
    X = da.from_array(XN, chunks=(40, 3))
    with pytest.raises(LazyShapeError, match="np.where") as caught:
        s2sad.grad(f)(W, X)
    assert f"{__file__}:" in str(caught.value)


def _forbidden(*args, **kwargs):
    raise AssertionError("computed while the derivative was built")


def test_the_hinted_rewrite_is_lazy_and_right():
    X = da.from_array(XN, chunks=(40, 3))
    with dask.config.set(scheduler=_forbidden):
        lazy = s2sad.grad(relu_where)(W, X)
    assert isinstance(lazy, da.Array)
    v = XN @ W
    expected = 2.0 * XN.T @ np.where(v < 0, 0.0, v)   # by hand
    np.testing.assert_allclose(np.asarray(lazy), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(relu_write)(W, XN), expected, rtol=1e-12)


def test_forward_mode_differentiates_the_write_through_a_lazy_mask():
    X = da.from_array(XN, chunks=(40, 3))
    t = np.array([1.0, 0.5, -2.0])
    v = XN @ W
    expected = np.sum(2.0 * np.where(v < 0, 0.0, v) * (XN @ t))   # by hand
    _, tangent = s2sad.jvp(relu_write, wrt="w")(W, X, t)
    np.testing.assert_allclose(float(np.asarray(tangent)), expected, rtol=1e-12)
