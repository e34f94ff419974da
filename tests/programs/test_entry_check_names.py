"""A name the entry check reads is never given to a temporary: the hessian of a function
with a module logger ``log`` (left out of second order's code) and an ``np.log`` in its
gradient raised UnboundLocalError (fuzz seed 1070).  Checked against central
differences of the function."""

import numpy as np
import pytest

pytest.importorskip("scipy", reason="scipy is an optional extra (scipy.special.entr)")

import entry_check_names as M  # noqa: E402
import s2sad  # noqa: E402

X = np.array([0.244, -0.032, -1.142])
PRM = {"vel": np.ones(3)}


def _value(x):
    return M.entropy_weighted(x, PRM, 1)


def _hessian_by_differences(x, h=1e-4):
    n = x.size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[i, j] = (_value(x + ei + ej) - _value(x + ei - ej) - _value(x - ei + ej)
                         + _value(x - ei - ej)) / (4 * h * h)
    return out


def test_hessian_and_hvp_with_a_logger_named_log():
    expected = _hessian_by_differences(X)
    np.testing.assert_allclose(s2sad.hessian(M.entropy_weighted)(X, PRM, 1), expected,
                               rtol=1e-5, atol=1e-6)
    v = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(s2sad.hvp(M.entropy_weighted)(X, PRM, 1, v), expected @ v,
                               rtol=1e-5, atol=1e-6)
