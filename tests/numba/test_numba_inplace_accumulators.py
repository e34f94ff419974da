"""backend="numba" runs the code made for float64 arrays, whose backward loops add a
parameter's adjoint in place (``w_bar += g``, as a hand-written numba gradient does);
other dtypes get the general code.  Expected values are central finite differences."""

import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.analysis.dtypes import FLOAT64  # noqa: E402
from s2sad.api.entries import reverse_entry  # noqa: E402
from s2sad.backends.numba_target import to_numba  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

import inplace_accumulators as ia  # noqa: E402

RNG = np.random.default_rng(1617)


def test_the_numba_module_of_the_float64_code_adds_in_place():
    entry = reverse_entry(ia.two_loops, ("w",), "value_and_grad", ranks=((FLOAT64, ("w",)),))
    text = to_numba(entry.text, entry.emitted.function_name, list(entry.emitted.user_names))
    assert text.count("w_bar += unbroadcast(") == 2, text
    assert "w_bar = w_bar +" not in text


def _run(g, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        return g(*args)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_numba_gradients_agree_with_finite_differences(dtype):
    g = s2sad.value_and_grad(ia.two_loops, backend="numba")
    w, xs = RNG.uniform(-1.0, 1.0, 3).astype(dtype), RNG.standard_normal((5, 3))
    if dtype is np.float64:
        value, grad = _run(g, w, xs)
        assert g.backend_used == "numba"
    else:   # the general code: its float32 w_bar becomes float64 at the first addition,
        # which numba cannot type (a fallback, as before in-place additions)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", s2sad.NumbaFallbackWarning)
            value, grad = g(w, xs)
    expected = fd(ia.two_loops, (w.astype(np.float64), xs))
    tol = 2e-3 if dtype is np.float32 else 1e-6
    np.testing.assert_allclose(grad, expected, rtol=tol, atol=tol)
    assert value == pytest.approx(ia.two_loops(w, xs), rel=1e-5)


def test_numba_one_array_as_two_parameters():
    W = 0.5 * RNG.standard_normal((3, 3))
    xs = RNG.standard_normal((4, 3))
    before = W.copy()
    A_bar, B_bar = _run(s2sad.grad(ia.pair, wrt=(0, 1), backend="numba"), W, W, xs)
    np.testing.assert_allclose(A_bar, fd(ia.pair, (W, W.copy(), xs), argnum=0), rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_allclose(B_bar, fd(ia.pair, (W.copy(), W, xs), argnum=1), rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_array_equal(W, before)
