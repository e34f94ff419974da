"""``np.cumsum`` (flattened, along an axis, negative axes, of a number) under
backend="numba": the numba runtime's ``cumsum_bar`` compiles, so these
gradients, tangents and Hessian-vector products no longer fall back to numpy.  Checked
against central finite differences written here."""

import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import numba_scans as M  # noqa: E402
import s2sad  # noqa: E402

CASES = [(M.flat_scan, (5,)), (M.flat_scan, (3, 4)), (M.scans_along_axes, (3, 4)),
         (M.scan_of_a_sine, (2, 3, 2)), (M.scan_of_a_number, (4,))]
IDS = [f"{f.__name__}-{len(shape)}d" for f, shape in CASES]


def central(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        out[i] = (f(x + step) - f(x - step)) / (2 * h)
    return out


def _point(shape):
    return np.linspace(-0.7, 0.9, int(np.prod(shape))).reshape(shape)


def _on_numba(transform, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        made = transform()
        result = made(*args)
    assert made.backend_used == "numba"
    return result


@pytest.mark.parametrize("f, shape", CASES, ids=IDS)
def test_gradient(f, shape):
    x = _point(shape)
    result = _on_numba(lambda: s2sad.grad(f, backend="numba"), x)
    np.testing.assert_allclose(result, central(f, x), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("f, shape", CASES, ids=IDS)
def test_jvp(f, shape):
    x, v = _point(shape), np.cos(np.arange(np.prod(shape))).reshape(shape)
    _, tangent = _on_numba(lambda: s2sad.jvp(f, backend="numba"), x, v)
    assert tangent == pytest.approx(np.sum(central(f, x) * v), rel=1e-7, abs=1e-8)


@pytest.mark.parametrize("f, shape", CASES, ids=IDS)
def test_hvp(f, shape):
    x, v = _point(shape), np.cos(np.arange(np.prod(shape))).reshape(shape)
    result = _on_numba(lambda: s2sad.hvp(f, backend="numba"), x, v)
    h = 1e-4   # differences of a gradient written by hand below
    expected = (_hand_gradient(f, x + h * v) - _hand_gradient(f, x - h * v)) / (2 * h)
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=1e-7)


def _reverse_cumsum(g, axis=None):
    if axis is None:
        return np.cumsum(g.ravel()[::-1])[::-1]
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def _hand_gradient(f, x):
    """Each function's gradient, written by hand."""
    if f is M.flat_scan:
        return _reverse_cumsum(2 * np.cumsum(x)).reshape(x.shape)
    if f is M.scans_along_axes:
        a, b, c = np.cumsum(x, 0), np.cumsum(x, 1), np.cumsum(x, -1)
        return _reverse_cumsum(b * c, 0) + _reverse_cumsum(a * c, 1) + _reverse_cumsum(a * b, -1)
    if f is M.scan_of_a_sine:
        return 0.5 * _reverse_cumsum(np.cos(np.cumsum(x * 0.5))).reshape(x.shape)
    if f is M.scan_of_a_number:
        return np.full(x.shape, 6.0 * np.sum(x))
    raise AssertionError(f)
