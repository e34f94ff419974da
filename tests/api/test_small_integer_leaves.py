"""The derivative at an integer or bool argument is computed as numpy computes ``f`` there
(README, "Integer and bool leaves"): at ``np.int8(3)`` numpy's ``np.exp`` is a float16, so
the gradient of ``2 * exp(x)`` carries float16's precision (40.15625 for 40.1711), while an
int64 argument gets float64's.  The reference is the derivative by hand, ``2 * exp(x)``."""

import numpy as np
import pytest

import s2sad
from tests.fixtures.small_integer_leaves import doubled_exp

#: (argument, the relative precision numpy's float functions of it have)
CASES = [(np.int8(3), 2e-3), (np.uint8(3), 2e-3), (True, 2e-3), (np.bool_(True), 2e-3),
         (np.array([3], np.int16), 2e-7), (np.array([3, 1], np.uint16), 2e-7),
         (np.array([3, 1], np.int8), 2e-3), (np.int64(3), 1e-14), (3, 1e-14),
         (np.array([3, -2], np.int32), 1e-14)]


@pytest.mark.parametrize("x, precision", CASES, ids=lambda v: repr(v))
def test_the_derivative_has_numpy_precision_of_f_there(x, precision):
    exact = 2 * np.exp(np.asarray(x, dtype=np.float64))
    value, g = s2sad.value_and_grad(doubled_exp)(x)
    assert value == doubled_exp(x)   # f's own value
    np.testing.assert_allclose(g, exact, rtol=precision)
    assert np.shape(g) == np.shape(x)
    _, tangent = s2sad.jvp(doubled_exp)(x, np.ones(np.shape(x)) if np.ndim(x) else 1.0)
    np.testing.assert_allclose(tangent, np.sum(exact), rtol=precision)


def test_int8_is_float16_precise_only():
    """Not vacuous: the int8 gradient is not float64's (README's example value)."""
    assert s2sad.grad(doubled_exp)(np.int8(3)) == 40.15625
