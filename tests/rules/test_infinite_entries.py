"""An infinite entry of the data divided by a differentiated value (soft-DTW's inf
boundary, ``-g * logsumexp(-r / g)`` with ``r = [1, inf]``): the quotient is infinite for
every divisor near the one given, a constant, so its slope in the divisor is 0.  The
formula's slope there, ``-y / b``, is infinite, and a zero weight meeting it (``exp(-inf)``'s
slope, logsumexp's weight of the entry) made the derivative ``nan`` in every mode.  Checked
against derivatives written by hand and central finite differences: grad, jvp, hessian
and the numba backend; a pole (``1 / x`` at 0) stays a pole."""

import math

import numpy as np
import pytest

pytest.importorskip("scipy")

import s2sad
from s2sad.runtime import quotient_slope
from s2sad.testing import check_grads

import infinite_entries as F

G = 0.7
R = np.array([[1.0, np.inf, 2.0], [np.inf, 0.5, 3.0]])
GS = np.array([0.7, 1.1, 0.9])


def test_a_soft_minimum_over_an_infinite_entry_is_constant():
    assert s2sad.grad(F.softmin_constant)(G) == 0.0
    value, dot = s2sad.jvp(F.softmin_constant)(G, 1.0)
    assert value == pytest.approx(1.0) and dot == 0.0
    assert s2sad.hessian(F.softmin_constant)(G) == 0.0


def test_the_finite_entries_keep_their_derivative():
    e = math.exp(-1.0 / G)
    first, second = e / G ** 2, e * (1.0 / G ** 4 - 2.0 / G ** 3)
    assert s2sad.grad(F.exp_sum)(G) == pytest.approx(first, rel=1e-12)
    assert s2sad.jvp(F.exp_sum)(G, 1.0)[1] == pytest.approx(first, rel=1e-12)
    assert s2sad.hessian(F.exp_sum)(G) == pytest.approx(second, rel=1e-12)
    assert s2sad.grad(F.python_floats)(G) == pytest.approx(e / G + e, rel=1e-12)


def _exp_columns_by_hand(g):
    finite = np.where(np.isinf(R), 0.0, R)
    weights = np.exp(-R / g) * np.arange(1.0, 4.0)
    return np.sum(weights * finite, axis=0) / g ** 2


def test_columns_with_infinite_entries_by_hand_and_finite_differences():
    np.testing.assert_allclose(s2sad.grad(F.exp_columns)(GS, R), _exp_columns_by_hand(GS),
                               rtol=1e-12)
    check_grads(F.exp_columns, (GS, R), wrt=0, modes=("reverse", "forward"))
    step = 1e-4
    fd = np.array([(_exp_columns_by_hand(GS + step * e) - _exp_columns_by_hand(GS - step * e))
                   / (2 * step) for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.hessian(F.exp_columns)(GS, R), fd, rtol=1e-6, atol=1e-9)


def test_soft_dtw_through_its_infinite_boundary():
    x, y = np.array([0.3, -0.5, 1.2]), np.array([0.1, 0.8, -0.4, 0.6])
    check_grads(F.soft_dtw, (x, y, G), modes=("reverse", "forward"))
    grads = s2sad.grad(F.soft_dtw, wrt=(0, 1, 2))(x, y, G)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_a_pole_stays_a_pole():
    x = np.array([0.0, 2.0])
    np.testing.assert_array_equal(s2sad.grad(F.reciprocal_sum)(x), [-np.inf, -0.25])
    assert s2sad.jvp(F.reciprocal_sum)(x, np.array([1.0, 0.0]))[1] == -np.inf


def test_the_slope_helper():
    y = np.array([np.inf, -np.inf, np.inf, 2.0, np.nan])
    b = np.array([2.0, -3.0, 0.0, 4.0, 1.0])
    np.testing.assert_array_equal(quotient_slope(y, y, b), [0.0, 0.0, np.inf, 0.5, np.nan])
    assert quotient_slope(3.0, 6.0, 2.0) == 1.5
    assert quotient_slope(1.0, math.inf, 2.0) == 0.0
    with pytest.raises(ZeroDivisionError):   # (a Python float's pole: SingularPointError)
        quotient_slope(1.0, 1.0, 0.0)


def test_the_numba_backend_agrees():
    pytest.importorskip("numba")
    want = _exp_columns_by_hand(GS)
    np.testing.assert_allclose(s2sad.grad(F.exp_columns, backend="numba")(GS, R), want,
                               rtol=1e-12)
    assert s2sad.grad(F.exp_sum, backend="numba")(G) == pytest.approx(
        math.exp(-1.0 / G) / G ** 2, rel=1e-12)
