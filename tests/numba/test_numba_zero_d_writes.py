"""backend="numba" on writes into 0-d arrays with ``y[()] = v`` (whose adjoint is a
folded number, once subscripted as ``(3.0)[()]`` in the numpy text every backend starts
from): compiled, no fallback, against central finite differences.  (numba itself takes no
bare ``...`` index of an array: ``y[...] = v`` falls back to numpy with its warning.)"""

import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

import zero_d_write_functions as zd  # noqa: E402


@pytest.mark.parametrize("func", [zd.empty_tuple_write, zd.product_written],
                         ids=lambda f: f.__name__)
def test_numba_gradients_of_zero_d_writes_agree_with_finite_differences(func):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = s2sad.value_and_grad(func, backend="numba")(0.7)
    assert np.isclose(value, func(0.7))
    assert np.isclose(grad, fd(func, [0.7], 0), rtol=1e-6, atol=1e-8)


def test_the_ellipsis_write_falls_back_with_the_right_gradient():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", s2sad.NumbaFallbackWarning)
        grad = s2sad.grad(zd.ellipsis_write, backend="numba")(1.5)
    assert np.isclose(grad, 9.0)   # d(3 x**2)/dx = 6 x
