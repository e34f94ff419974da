"""Adjoint rules of the helpers of the convolution, interpolation and polynomial rules
(:mod:`s2sad.runtime.signal`, plain numpy), for reverse mode over generated gradient
code (issue 15), and the rules of the transposes they call
(:mod:`s2sad.runtime.adjoints_linalg`).  The tangent rules of the helpers are beside
them, except those written here.

``np.interp`` is piecewise linear in ``x``: the slopes and the adjoint of ``fp``
(:func:`interp_fp_bar`'s pieces) change only where ``x`` crosses a knot, so their
derivative in ``x`` is 0 (``x`` is ``nondiff`` for them), as ``interp_slope``'s derived
tangent says already.  ``interp_fp_bar(g, x, ...)`` is ``<g, interp(x, xp, .)>``'s
gradient: its adjoint in ``g`` interpolates ``y_bar``, in ``x`` it is ``g`` times the
slope of that interpolation.
"""

import numpy as np

from ..runtime.adjoints_linalg import (full_length_part, poly_derivative_bar,
                                       poly_derivative_of, signal_full_part)
from ..runtime.shapes import unbroadcast
from ..runtime.signal import (full_length_bar, interp_bound_bar, interp_bound_dot,
                              interp_fp_bar, interp_fp_bar_x, interp_side, interp_slope,
                              poly_derivative, poly_derivative_increasing, signal_full_bar,
                              vander_derivative)
from .registry import adjoint, tangent

_WINDOW = ("a", "v", "mode", "kind")


@adjoint(full_length_bar, nondiff=_WINDOW)
def full_length_bar_adjoint(y, y_bar, g, a, v, mode="full", kind="convolve"):
    return full_length_part(y_bar, g, a, v, mode, kind)


@adjoint(full_length_part, nondiff=("g",) + _WINDOW)
def full_length_part_adjoint(y, y_bar, t, g, a, v, mode="full", kind="convolve"):
    return unbroadcast(full_length_bar(y_bar, a, v, mode, kind), t)


_SIGNAL = ("in1", "in2", "mode", "axes", "kind")


@adjoint(signal_full_bar, nondiff=_SIGNAL)
def signal_full_bar_adjoint(y, y_bar, g, in1, in2, mode="full", axes=None, kind="convolve"):
    return signal_full_part(y_bar, g, in1, in2, mode, axes, kind)


@adjoint(signal_full_part, nondiff=("g",) + _SIGNAL)
def signal_full_part_adjoint(y, y_bar, t, g, in1, in2, mode="full", axes=None,
                             kind="convolve"):
    return unbroadcast(signal_full_bar(y_bar, in1, in2, mode, axes, kind), t)


# ----------------------------------------------------------------- interp

_KNOTS = ("xp", "left", "right", "period")


@adjoint(interp_slope, nondiff=("x",) + _KNOTS)
def interp_slope_adjoint(y, y_bar, x, xp, fp, left=None, right=None, period=None):
    return interp_fp_bar_x(y_bar, x, xp, fp, 1.0, left, right, period)


@adjoint(interp_fp_bar, nondiff=("xp", "fp", "left", "right", "period"))
def interp_fp_bar_adjoint(y, y_bar, g, x, xp, fp, left=None, right=None, period=None):
    return (unbroadcast(np.interp(x, xp, y_bar, interp_bound_dot(left),
                                  interp_bound_dot(right), period), g),
            unbroadcast(g * interp_slope(x, xp, y_bar, left, right, period), x))


# (bilinear in g and x_dot; constant in fp, piecewise constant in x)
@adjoint(interp_fp_bar_x, nondiff=("x", "fp") + _KNOTS)
def interp_fp_bar_x_adjoint(y, y_bar, g, x, xp, fp, x_dot, left=None, right=None,
                            period=None):
    slope = interp_slope(x, xp, y_bar, left, right, period)
    return unbroadcast(x_dot * slope, g), unbroadcast(g * slope, x_dot)


@tangent(interp_fp_bar_x)
def interp_fp_bar_x_tangent(out, g, x, xp, fp, x_dot, left, right, period, g_dot,
                            x_dot_dot):
    return (interp_fp_bar_x(g_dot, x, xp, fp, x_dot, left, right, period)
            + interp_fp_bar_x(g, x, xp, fp, x_dot_dot, left, right, period))


@adjoint(interp_bound_bar, nondiff=("x",) + _KNOTS + ("side",))
def interp_bound_bar_adjoint(y, y_bar, g, x, xp, left, right, period, side):
    return unbroadcast(y_bar * interp_side(x, xp, left, right, period, side), g)


# ------------------------------------------------------------ polynomials


@adjoint(poly_derivative)
def poly_derivative_adjoint(y, y_bar, p):
    return poly_derivative_bar(y_bar, p, False)


@adjoint(poly_derivative_increasing)
def poly_derivative_increasing_adjoint(y, y_bar, c):
    return poly_derivative_bar(y_bar, c, True)


@adjoint(poly_derivative_bar, nondiff=("p", "increasing"))
def poly_derivative_bar_adjoint(y, y_bar, t, p, increasing=False):
    return unbroadcast(poly_derivative_of(y_bar, increasing), t)


@adjoint(poly_derivative_of, nondiff=("increasing",))
def poly_derivative_of_adjoint(y, y_bar, p, increasing=False):
    return poly_derivative_bar(y_bar, p, increasing)


@adjoint(vander_derivative, nondiff=("N", "increasing", "order"))
def vander_derivative_adjoint(y, y_bar, x, N=None, increasing=False, order=1):
    return np.sum(y_bar * vander_derivative(x, N, increasing, order + 1), axis=1)
