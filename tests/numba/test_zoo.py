"""The control-flow zoo (tests/transform/test_control_flow.py's CASES) under
backend="numba": each case compiles and agrees with the numpy backend and finite
differences, or runs on numpy with a NumbaFallbackWarning.  ``MUST_COMPILE`` lists
the cases numba compiles today: one falling back is a regression."""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402


def _zoo_cases():
    """The CASES of tests/transform/test_control_flow.py (read by path: that directory
    is not a package)."""
    path = Path(__file__).resolve().parents[1] / "transform" / "test_control_flow.py"
    spec = importlib.util.spec_from_file_location("numba_zoo_control_flow", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


CASES = _zoo_cases()

MUST_COMPILE = {
    "scalar_loop", "scalar_loop_zero_trips", "loop_over_rows", "branch_pos", "branch_mid",
    "branch_neg", "while_loop", "branch_in_loop", "conditional_expressions_a",
    "conditional_expressions_b", "conditional_expressions_c", "euler_k", "euler_y0",
    "while_with_break", "swap_in_loop_x", "swap_in_loop_z", "same_value_on_both_sides",
    "constant_attribute_in_a_tuple", "constant_method_in_a_branch_taken",
    "constant_method_in_a_branch_not_taken",
    # (early_return_taken compiles too, but once early_return_not_taken has fallen
    # back, its numpy code serves both: not listed, the order of tests would matter)
}


@pytest.mark.parametrize("label, func, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_zoo_under_numba(label, func, args, wrt):
    g = s2sad.value_and_grad(func, wrt=wrt, backend="numba")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, grad = g(*args)
    fell_back = [w for w in caught if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    if label in MUST_COMPILE:
        assert not fell_back, fell_back[0].message
        assert g.backend_used == "numba"
    else:
        assert g.backend_used in ("numba", "numpy")
        if fell_back:
            assert "cf_functions.py" in str(fell_back[0].message)
    ref_value, ref_grad = s2sad.value_and_grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(value, ref_value, rtol=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-12)
    assert np.shape(grad) == np.shape(ref_grad)
    np.testing.assert_allclose(grad, fd(func, args, wrt), rtol=1e-5, atol=1e-7)
