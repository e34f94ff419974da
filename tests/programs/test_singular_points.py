"""A derivative at a pole: numpy's inf for numpy numbers; for a Python float, whose
division by zero raises, a located SingularPointError (a ZeroDivisionError too); the
function's own ZeroDivisionError stays Python's.  The where guard of the README."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad.errors import SingularPointError
import singular_points as sp


@pytest.mark.parametrize("call", [
    lambda: s2sad.grad(sp.log_of)(0.0),
    lambda: s2sad.value_and_grad(sp.log_sum, wrt=(0, 1))(0.0, 2.0),
    lambda: s2sad.jvp(sp.log_of)(0.0, 1.0),
    lambda: s2sad.hvp(sp.log_of)(0.0, 1.0),
    lambda: s2sad.hessian(sp.log_of)(0.0)])
def test_a_python_float_at_a_pole_of_the_derivative_is_a_located_error(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # (np.log(0.0): -inf, as numpy says)
        with pytest.raises(SingularPointError) as info:
            call()
    assert isinstance(info.value, ZeroDivisionError)
    where = info.value.location
    assert where.filename.endswith("singular_points.py") and "np.log(x)" in where.code
    assert "np.float64" in str(info.value)


def test_numpy_numbers_get_numpys_inf():
    with np.errstate(divide="ignore"):
        assert s2sad.grad(sp.log_of)(np.float64(0.0)) == np.inf
        assert s2sad.grad(sp.log_of)(0.5) == 2.0   # by hand: 1 / x
        # (a pullback's cotangent is a numpy number: numpy's inf)
        assert s2sad.vjp(sp.log_of)(0.0)[1](1.0) == np.inf


@pytest.mark.parametrize("call", [
    lambda: s2sad.grad(sp.reciprocal_of)(0.0),
    lambda: s2sad.jvp(sp.reciprocal_of)(0.0, 1.0),
    lambda: s2sad.vjp(sp.reciprocal_of)(0.0),
    lambda: s2sad.hvp(sp.reciprocal_of)(0.0, 1.0),
    # (a user's name like an adjoint's, in the function's own statement)
    lambda: s2sad.grad(sp.named_like_an_adjoint)(np.ones(2), 0.0),
    lambda: s2sad.jvp(sp.named_like_an_adjoint)(np.ones(2), 0.0, np.ones(2))])
def test_the_functions_own_division_by_zero_stays_pythons(call):
    with pytest.raises(ZeroDivisionError) as info:
        call()
    assert not isinstance(info.value, SingularPointError)


def test_a_where_guard_and_its_safe_form():
    x = np.array([-1.0, 4.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        reverse = s2sad.grad(sp.guarded_root)(x)
        forward = s2sad.jacobian(sp.guarded_root, mode="forward")(x)
        safe = s2sad.grad(sp.safely_guarded_root)(x)
        safe_forward = s2sad.jacobian(sp.safely_guarded_root, mode="forward")(x)
    # by hand: 0 where x < 0, 1 / (2 sqrt(4)) at 4; reverse mode gets nan at -1 (README)
    assert np.isnan(reverse[0]) and reverse[1] == 0.25
    np.testing.assert_array_equal(forward, [0.0, 0.25])
    np.testing.assert_array_equal(safe, [0.0, 0.25])
    np.testing.assert_array_equal(safe_forward, [0.0, 0.25])
