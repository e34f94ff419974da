"""numpy's convolution, interpolation and polynomials: what the rules refuse, and the
conventions they document (issue 14).  The derivatives themselves are checked by the
op table (tests/rules/rows_signal.py)."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads


def fit(x, y):
    return np.sum(np.polyfit(x, y, 2))


def interp_knots(xp, x):
    return np.sum(np.interp(x, xp, np.cos(xp)))


def polyval_columns(p, x):
    return np.sum(np.polyval(p, x))


def interp_x(x):
    return np.sum(np.interp(x, np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0])))


def convolve_int_mode(a, v):
    return np.sum(np.sin(np.convolve(a, v, 1)))


X = np.array([0.1, 0.5, 0.9, 1.4, 2.0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_polyfit_is_refused_with_what_to_use_instead(mode):
    y = np.sin(X)
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        if mode == "reverse":
            s2sad.grad(fit, wrt=1)(X, y)
        else:
            s2sad.jvp(fit, wrt=1)(X, y, np.ones(5))
    message = str(info.value)
    assert "np.polyfit is not differentiated" in message
    assert "np.linalg.lstsq(np.vander(x, deg + 1), y" in message


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_interp_is_refused_in_its_knots(mode):
    with pytest.raises(s2sad.NoDerivativeRuleError, match="not in the knots xp"):
        if mode == "reverse":
            s2sad.grad(interp_knots, wrt=0)(np.array([0.0, 1.0, 2.0]), np.array([0.5, 1.5]))
        else:
            s2sad.jvp(interp_knots, wrt=0)(np.array([0.0, 1.0, 2.0]), np.array([0.5, 1.5]),
                                           np.ones(3))


def test_polyval_of_arrays_of_coefficients_is_refused():
    with pytest.raises(s2sad.NoDerivativeRuleError, match="1-d array of coefficients"):
        s2sad.grad(polyval_columns)(np.ones((3, 2)), np.array([0.5, 2.0]))


def test_interp_slope_at_a_knot_is_the_right_derivative():
    # the segment that starts at a knot; the last knot takes the last segment's slope;
    # outside the knots the result is constant
    grad = s2sad.grad(interp_x)
    assert grad(np.array([1.0]))[0] == pytest.approx(0.5)    # knot 1: segment [1, 3]
    assert grad(np.array([0.0]))[0] == pytest.approx(2.0)    # first knot
    assert grad(np.array([3.0]))[0] == pytest.approx(0.5)    # last knot: last segment
    np.testing.assert_array_equal(grad(np.array([-1.0, 4.0])), [0.0, 0.0])


def test_convolve_mode_given_as_numpy_integer_code():
    check_grads(convolve_int_mode, (np.array([0.3, -1.0, 2.0, 0.5]), np.array([1.5, -0.2])),
                modes=("reverse", "forward"))


HAS_SCIPY = __import__("importlib.util").util.find_spec("scipy") is not None


@pytest.mark.skipif(not HAS_SCIPY, reason="scipy missing")
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_convolve2d_with_another_boundary_is_refused(mode):
    import signal_refusals as R
    a, b = np.ones((3, 4)), np.ones((2, 2))
    with pytest.raises(s2sad.NoDerivativeRuleError, match="boundary='fill' and fillvalue=0"):
        if mode == "reverse":
            s2sad.grad(R.convolve2d_wrap, wrt=0)(a, b)
        else:
            s2sad.jvp(R.convolve2d_wrap, wrt=0)(a, b, np.ones((3, 4)))


@pytest.mark.skipif(not HAS_SCIPY, reason="scipy missing")
def test_fftconvolve_along_some_axes_is_refused_in_reverse_mode_only():
    import signal_refusals as R
    a, b = np.arange(6.0).reshape(2, 3), np.array([[0.5, -1.0]])
    with pytest.raises(s2sad.NoDerivativeRuleError, match="over all axes"):
        s2sad.grad(R.fftconvolve_axes, wrt=0)(a, b)
    check_grads(R.fftconvolve_axes, (a, b), modes=("forward",))
