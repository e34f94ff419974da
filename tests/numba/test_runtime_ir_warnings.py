"""numba's pedantic ``NumbaIRAssumptionWarning`` about the closures of s2sad's numba
runtime (``tie_mask``'s lambda, inlined for ``np.max`` in a loop) does not reach the user;
the gradient is checked against finite differences."""

import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import s2sad  # noqa: E402


def maxima_in_a_loop(x):
    s = 0.0
    for i in range(3):
        s = s + np.max(x) * (i + 0.5) + np.maximum(x[0], x[1]) * x[2]
    return s


def test_no_ir_assumption_warning_about_the_runtime_reaches_the_user():
    g = s2sad.grad(maxima_in_a_loop, backend="numba")
    x = np.array([0.3, 0.9, 0.2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = g(x)
    ir_warnings = [w for w in caught if type(w.message).__name__ == "NumbaIRAssumptionWarning"]
    assert ir_warnings == [], str(ir_warnings[0].message)
    assert g.backend_used == "numba"
    h = 1e-6
    fd = [(maxima_in_a_loop(x + h * e) - maxima_in_a_loop(x - h * e)) / (2 * h)
          for e in np.eye(3)]
    np.testing.assert_allclose(got, fd, rtol=1e-6)


def test_the_filter_is_about_the_runtimes_closures_only():
    from s2sad.api.numba_messages import runtime_ir_filter
    from numba.core.errors import NumbaIRAssumptionWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runtime_ir_filter()
        warnings.warn(NumbaIRAssumptionWarning(
            "variable '_tie_mask__locals___lambda__v46__vphi40_1_2.1' is not in scope."))
        warnings.warn(NumbaIRAssumptionWarning(
            "variable '_my_own__locals___lambda__v1' is not in scope."))
    assert len(caught) == 1 and "'_my_own__locals___lambda__v1'" in str(caught[0].message)
