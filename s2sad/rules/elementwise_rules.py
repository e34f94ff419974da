"""Rules for more numpy elementwise functions (issue 14): inverse trigonometric and
hyperbolic functions, logarithms and exponentials in other bases, angle conversions,
and the NaN-ignoring maximum and minimum and the sign-copying copysign (np.fabs is an alias
of the np.abs rule, in ``numpy_rules``).

Kept apart from ``numpy_rules`` only for its length; the conventions are the same:
one adjoint and one tangent per function, side by side, ``broadcast`` for the
functions of two arrays, ``linear`` for those linear in their argument.  Every
adjoint is made of ops that have rules, so second order needs nothing more.
"""

import math

import numpy as np

from ..runtime import tie_mask
from .registry import adjoint, tangent

LN2 = math.log(2.0)
LN10 = math.log(10.0)

# ------------------------------------------------------------ two arguments


@adjoint(np.arctan2, broadcast=True)
def arctan2_adjoint(y, y_bar, x1, x2):
    # d atan2(x1, x2) = (x2 dx1 - x1 dx2) / (x1^2 + x2^2)
    r2 = x1 * x1 + x2 * x2
    return y_bar * x2 / r2, -y_bar * x1 / r2


@tangent(np.arctan2)
def arctan2_tangent(y, x1, x2, x1_dot, x2_dot):
    return (x1_dot * x2 - x2_dot * x1) / (x1 * x1 + x2 * x2)


@adjoint(np.logaddexp, broadcast=True)
def logaddexp_adjoint(y, y_bar, x1, x2):
    # d/dx1 log(e^x1 + e^x2) = e^x1 / (e^x1 + e^x2) = e^(x1 - y): never overflows
    return y_bar * np.exp(x1 - y), y_bar * np.exp(x2 - y)


@tangent(np.logaddexp)
def logaddexp_tangent(y, x1, x2, x1_dot, x2_dot):
    return x1_dot * np.exp(x1 - y) + x2_dot * np.exp(x2 - y)


@adjoint(np.logaddexp2, broadcast=True)
def logaddexp2_adjoint(y, y_bar, x1, x2):
    # d/dx1 log2(2^x1 + 2^x2) = 2^x1 / (2^x1 + 2^x2) = 2^(x1 - y)
    return y_bar * np.exp2(x1 - y), y_bar * np.exp2(x2 - y)


@tangent(np.logaddexp2)
def logaddexp2_tangent(y, x1, x2, x1_dot, x2_dot):
    return x1_dot * np.exp2(x1 - y) + x2_dot * np.exp2(x2 - y)


# fmax and fmin are maximum and minimum that return the other argument where one is
# NaN: that argument takes the whole adjoint there.  At a tie each takes half, as for
# np.maximum and np.minimum.

@adjoint(np.fmax, broadcast=True)
def fmax_adjoint(y, y_bar, x1, x2):
    return (y_bar * (tie_mask(x1, x2) + np.isnan(x2)),
            y_bar * (tie_mask(x2, x1) + np.isnan(x1)))


@tangent(np.fmax)
def fmax_tangent(y, x1, x2, x1_dot, x2_dot):
    return (x1_dot * (tie_mask(x1, x2) + np.isnan(x2))
            + x2_dot * (tie_mask(x2, x1) + np.isnan(x1)))


@adjoint(np.fmin, broadcast=True)
def fmin_adjoint(y, y_bar, x1, x2):
    return (y_bar * (tie_mask(x2, x1) + np.isnan(x2)),
            y_bar * (tie_mask(x1, x2) + np.isnan(x1)))


@tangent(np.fmin)
def fmin_tangent(y, x1, x2, x1_dot, x2_dot):
    return (x1_dot * (tie_mask(x2, x1) + np.isnan(x2))
            + x2_dot * (tie_mask(x1, x2) + np.isnan(x1)))


# copysign(x1, x2) = |x1| with the sign of x2: x2 only picks a sign (no derivative);
# in x1 the slope is sign(x1) sign(y), 0 at x1 = 0 as np.abs's rule has it
@adjoint(np.copysign, nondiff=("x2",), broadcast=True)
def copysign_adjoint(y, y_bar, x1, x2):
    return y_bar * np.sign(x1 * y)


@tangent(np.copysign)
def copysign_tangent(y, x1, x2, x1_dot):
    return x1_dot * np.sign(x1 * y)


# ------------------------------------------------------------- one argument


@adjoint(np.log2)
def log2_adjoint(y, y_bar, x):
    return y_bar / (x * LN2)


@tangent(np.log2)
def log2_tangent(y, x, x_dot):
    return x_dot / (x * LN2)


@adjoint(np.log10)
def log10_adjoint(y, y_bar, x):
    return y_bar / (x * LN10)


@tangent(np.log10)
def log10_tangent(y, x, x_dot):
    return x_dot / (x * LN10)


@adjoint(np.exp2)
def exp2_adjoint(y, y_bar, x):
    return y_bar * y * LN2


@tangent(np.exp2)
def exp2_tangent(y, x, x_dot):
    return x_dot * y * LN2


# d x^(1/3) = dx / (3 x^(2/3)) = dx / (3 y^2): infinite at 0
@adjoint(np.cbrt)
def cbrt_adjoint(y, y_bar, x):
    return y_bar / (3.0 * y * y)


@tangent(np.cbrt)
def cbrt_tangent(y, x, x_dot):
    return x_dot / (3.0 * y * y)


@adjoint(np.arcsinh)
def arcsinh_adjoint(y, y_bar, x):
    return y_bar / np.sqrt(x * x + 1.0)


@tangent(np.arcsinh)
def arcsinh_tangent(y, x, x_dot):
    return x_dot / np.sqrt(x * x + 1.0)


# defined for x >= 1, infinite slope at 1
@adjoint(np.arccosh)
def arccosh_adjoint(y, y_bar, x):
    return y_bar / np.sqrt(x * x - 1.0)


@tangent(np.arccosh)
def arccosh_tangent(y, x, x_dot):
    return x_dot / np.sqrt(x * x - 1.0)


# defined for |x| < 1
@adjoint(np.arctanh)
def arctanh_adjoint(y, y_bar, x):
    return y_bar / (1.0 - x * x)


@tangent(np.arctanh)
def arctanh_tangent(y, x, x_dot):
    return x_dot / (1.0 - x * x)


# angle conversions: multiplications by a constant.  np.degrees and np.radians are
# other ufuncs computing the same as np.rad2deg and np.deg2rad.

@adjoint(np.deg2rad, linear=True)
def deg2rad_adjoint(y, y_bar, x):
    return np.deg2rad(y_bar)


@adjoint(np.radians, linear=True)
def radians_adjoint(y, y_bar, x):
    return np.radians(y_bar)


@adjoint(np.rad2deg, linear=True)
def rad2deg_adjoint(y, y_bar, x):
    return np.rad2deg(y_bar)


@adjoint(np.degrees, linear=True)
def degrees_adjoint(y, y_bar, x):
    return np.degrees(y_bar)


# np.fmod(x1, x2) is x1 - x2 * q with q = trunc(x1 / x2), the integer quotient (piecewise
# constant; read back from the value as rint((x1 - y) / x2), exactly the q numpy used)
@adjoint(np.fmod, broadcast=True)
def fmod_adjoint(y, y_bar, x1, x2):
    return y_bar, -y_bar * np.rint((x1 - y) / x2)


@tangent(np.fmod)
def fmod_tangent(y, x1, x2, x1_dot, x2_dot):
    return x1_dot - x2_dot * np.rint((x1 - y) / x2)
