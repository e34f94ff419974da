"""Rules for numpy's convolution, interpolation and polynomial functions: ``np.convolve``,
``np.correlate`` (modes full/same/valid, both arguments), ``np.interp`` (in ``x``,
``fp``, ``left`` and ``right``; the knots ``xp`` constant), ``np.polyval`` (coefficients
and points), ``np.vander``; ``np.polyfit`` refused with what to use instead.

The adjoint of a convolution is one correlation per argument (and the other way round),
of the adjoint brought to the length of the 'full' output (``full_length_bar``).
"""

import numpy as np
import numpy.polynomial.polynomial as npp

from ..runtime import (full_length_bar, interp_bound_bar, interp_bound_dot, interp_fp_bar,
                       interp_knots_refused, interp_side, interp_slope, poly_derivative, poly_derivative_increasing,
                       poly_order, polyfit_refusal, polyfit_refusal_tangent,
                       polyfit_refused, vander_derivative)
from .registry import adjoint, nondifferentiable, tangent

# ------------------------------------------------------- convolve, correlate


@adjoint(np.convolve, nondiff=("mode",), allocates=True)
def convolve_adjoint(y, y_bar, a, v, mode="full"):
    g = full_length_bar(y_bar, a, v, mode, "convolve")
    return (np.reshape(np.correlate(g, np.ravel(v), "valid"), np.shape(a)),
            np.reshape(np.correlate(g, np.ravel(a), "valid"), np.shape(v)))


@tangent(np.convolve)
def convolve_tangent(y, a, v, mode, a_dot, v_dot):
    return np.convolve(a_dot, v, mode) + np.convolve(a, v_dot, mode)


@adjoint(np.correlate, nondiff=("mode",), allocates=True)
def correlate_adjoint(y, y_bar, a, v, mode="valid"):
    g = full_length_bar(y_bar, a, v, mode, "correlate")
    return np.convolve(g, v, "valid"), np.correlate(g, a, "valid")[::-1]


@tangent(np.correlate)
def correlate_tangent(y, a, v, mode, a_dot, v_dot):
    return np.correlate(a_dot, v, mode) + np.correlate(a, v_dot, mode)


# ------------------------------------------------------------------- interp
# The derivative in x is the slope of the segment holding x: at a knot, the segment
# that starts there (the right derivative), at the last knot the last segment's;
# 0 left and right of the knots.  The knots xp are constant (refused when they are not).


@adjoint(np.interp, nondiff=("period",), allocates=True)
def interp_adjoint(y, y_bar, x, xp, fp, left=None, right=None, period=None):
    return (y_bar * interp_slope(x, xp, fp, left, right, period),
            interp_knots_refused(y_bar),
            interp_fp_bar(y_bar, x, xp, fp, left, right, period),
            interp_bound_bar(y_bar, x, xp, left, right, period, "left"),
            interp_bound_bar(y_bar, x, xp, left, right, period, "right"))


@tangent(np.interp)
def interp_tangent(y, x, xp, fp, left, right, period, x_dot, xp_dot, fp_dot, left_dot,
                   right_dot):
    return (x_dot * interp_slope(x, xp, fp, left, right, period)
            + interp_knots_refused(xp_dot)
            + np.interp(x, xp, fp_dot, interp_bound_dot(left), interp_bound_dot(right),
                        period)
            + left_dot * interp_side(x, xp, left, right, period, "left")
            + right_dot * interp_side(x, xp, left, right, period, "right"))


# ------------------------------------------------------------------ polynomials


@adjoint(np.polyval, allocates=True)
def polyval_adjoint(y, y_bar, p, x):
    return (np.ravel(y_bar) @ np.vander(np.ravel(x), poly_order(p)),
            y_bar * np.polyval(poly_derivative(p), x))


@tangent(np.polyval)
def polyval_tangent(y, p, x, p_dot, x_dot):
    return np.polyval(p_dot, x) + x_dot * np.polyval(poly_derivative(p), x)


@adjoint(npp.polyval, nondiff=("tensor",), allocates=True,
         label="numpy.polynomial.polynomial.polyval")
def npp_polyval_adjoint(y, y_bar, x, c, tensor=True):
    return (y_bar * npp.polyval(x, poly_derivative_increasing(c), tensor),
            np.ravel(y_bar) @ np.vander(np.ravel(x), poly_order(c), True))


@tangent(npp.polyval)
def npp_polyval_tangent(y, x, c, tensor, x_dot, c_dot):
    return npp.polyval(x, c_dot, tensor) + x_dot * npp.polyval(
        x, poly_derivative_increasing(c), tensor)


@adjoint(np.vander, nondiff=("N", "increasing"), allocates=True)
def vander_adjoint(y, y_bar, x, N=None, increasing=False):
    return np.sum(y_bar * vander_derivative(x, N, increasing), axis=1)


@tangent(np.vander)
def vander_tangent(y, x, N, increasing, x_dot):
    return np.reshape(x_dot, (-1, 1)) * vander_derivative(x, N, increasing)


# np.polyfit: refused when a differentiated value reaches it (at run time, with what
# to write instead); the templates live beside the helper that raises
adjoint(np.polyfit, nondiff=("deg", "rcond", "full", "cov"))(polyfit_refusal)
tangent(np.polyfit)(polyfit_refusal_tangent)
nondifferentiable(interp_side, interp_bound_dot,
                  interp_knots_refused, poly_order, polyfit_refused)
