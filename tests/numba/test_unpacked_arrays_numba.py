"""An array unpacked into names compiles under numba: its adjoint (``unpacked_bar``, the
rows' adjoints stacked) and ``add_items`` have numba ports.  References: finite
differences."""

import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402


def unpacked_rows(X):
    a, b = np.tanh(X)
    return np.sum(a * b)


def unpacked_numbers_in_a_loop(p):
    s = 0.0
    for i in range(3):
        a, b = np.exp(p) * (i + 1.0)
        s = s + a * b
    return s


@pytest.mark.parametrize("f, arg", [
    (unpacked_rows, np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]])),
    (unpacked_numbers_in_a_loop, np.array([0.3, -0.2])),
])
def test_compiled_without_falling_back(f, arg):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        got = s2sad.grad(f, backend="numba")(arg)
    np.testing.assert_allclose(got, fd(f, (arg,), 0), rtol=1e-6)
