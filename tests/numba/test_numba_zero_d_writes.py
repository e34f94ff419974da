"""backend="numba" on writes into 0-d arrays (``y[...] = v``, ``y[()] = v``, whose adjoint
is a folded number, once subscripted as ``(3.0)[...]`` in the numpy text every backend
starts from): compiled, no fallback, against central finite differences.  numba takes no
bare ``...`` index: the numba target writes through ``()`` instead (the same elements at
every rank); a read ``y[...]`` (of ``y[...] += v``) stays, and falls back to numpy with its
warning."""

import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.api.entries import reverse_entry  # noqa: E402
from s2sad.backends.numba_target import to_numba  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

import zero_d_write_functions as zd  # noqa: E402


@pytest.mark.parametrize("func", [zd.ellipsis_write, zd.empty_tuple_write, zd.product_written,
                                  zd.returned_as_it_is, zd.adjoint_a_product],
                         ids=lambda f: f.__name__)
def test_numba_gradients_of_zero_d_writes_agree_with_finite_differences(func):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = s2sad.value_and_grad(func, backend="numba")(0.7)
    assert np.isclose(value, func(0.7))
    assert np.isclose(grad, fd(func, [0.7], 0), rtol=1e-6, atol=1e-8)


def test_the_numba_module_writes_through_an_empty_tuple():
    entry = reverse_entry(zd.ellipsis_write, ("x",), "value_and_grad")
    text = to_numba(entry.text, entry.emitted.function_name, list(entry.emitted.user_names))
    assert "y[()] = power" in text and "overwritten(y, ())" in text, text
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not any("..." in line for line in code), text   # (the comments quote the source)


def test_a_read_through_an_ellipsis_falls_back_with_the_right_gradient():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", s2sad.NumbaFallbackWarning)
        grad = s2sad.grad(zd.write_then_add, backend="numba")(1.5)
    assert np.isclose(grad, 3 * (2 * 1.5 + 1))   # y = x**2 + x, times 3
