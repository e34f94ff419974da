"""Issue 17: CuPy arrays (on a GPU) take the same path as Dask arrays: generated code
calls numpy, numpy dispatches to CuPy, the runtime keeps CuPy arrays as they are
(``s2sad.runtime.duck``).  Runs where CuPy and a GPU are present."""

import numpy as np
import pytest

cp = pytest.importorskip("cupy", reason="the CuPy tests need cupy and a GPU")
try:
    _GPUS = cp.cuda.runtime.getDeviceCount()
except Exception:   # noqa: BLE001 (no driver, no device: cupy raises its own errors)
    _GPUS = 0
if not _GPUS:
    pytest.skip("the CuPy tests need a GPU (none found)", allow_module_level=True)

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

import dask_programs as P  # noqa: E402


@pytest.mark.parametrize("func", [P.least_squares, P.logistic])
def test_gradients_stay_on_the_gpu_and_are_right(func):
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(24, 3)), np.sign(rng.normal(size=24)), rng.normal(size=3)
    gX, gy, gw = cp.asarray(X), cp.asarray(y), cp.asarray(w)
    value, g = s2sad.value_and_grad(func)(gw, gX, gy)
    assert isinstance(g, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(g), finite_difference_gradient(func, (w, X, y)),
                               rtol=1e-6, atol=1e-9)
    _, jt = s2sad.jvp(func)(gw, gX, gy, cp.ones(3))
    assert float(jt) == pytest.approx(float(np.sum(cp.asnumpy(g))), rel=1e-6)
