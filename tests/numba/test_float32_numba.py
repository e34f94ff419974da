"""``backend="numba"`` with float32 arrays compiles a float32 signature (README: "returns
float32"), and its gradient agrees with central differences in float64 and with the numpy
backend's float32 gradient to float32's precision."""

import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import s2sad  # noqa: E402


def loop_and_vector(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + np.sin(x[i]) * x[i] ** 2
    return s + np.sum(np.tanh(x) * np.exp(-x))


def test_float32_arrays_run_compiled_and_stay_float32():
    g = s2sad.grad(loop_and_vector, backend="numba")
    x32 = np.linspace(-1.0, 1.3, 7).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        got = g(x32)
    assert g.backend_used == "numba" and got.dtype == np.float32
    x64, h = x32.astype(np.float64), 1e-6
    fd = np.array([(loop_and_vector(x64 + h * e) - loop_and_vector(x64 - h * e)) / (2 * h)
                   for e in np.eye(7)])
    scale = np.abs(fd).max()
    assert np.max(np.abs(got - fd)) <= 1e-6 * scale
    numpy32 = s2sad.grad(loop_and_vector, backend="numpy")(x32)
    assert numpy32.dtype == np.float32
    assert np.max(np.abs(got - numpy32)) <= 1e-6 * scale
