"""Adjoint rules (and the missing tangent rules) of the core runtime helpers of scans,
differences, statistics, creation and elementwise slopes: the ``*_bar`` helpers the
rules of ``np.cumsum``, ``np.diff``, ``np.trace``, ``np.linspace``, ``a ** b``... call,
and the ``*_dot`` helpers their tangent rules call (reverse over forward).

A helper linear in its adjoint (or tangent) gets its transpose, often the helper of
the other mode (``cumsum_bar`` transposes to ``np.cumsum``, ``diff_dot`` to
``diff_bar``, ``linspace_bar`` to ``np.linspace``); a ``*_bar`` helper of a nonlinear
op is differentiated in the primal too, with the second derivative of the op
(``cumprod_bar_dot``, ``power_cross``).  ``np.cumprod``'s third derivative is refused
(``beyond_order``).  See :mod:`.runtime_adjoints_core` for the most used helpers.
"""

import numpy as np

from ..runtime import (arange_bar, arange_dot, average_weights, average_weights_bar,
                       beyond_order, bessel_i, cumprod_bar, cumprod_bar_dot, cumprod_bar_dot2,
                       cumprod_dot, cumprod_dot2, cumprod_dot3, cumsum_bar, deviations, diff_bar, diff_dot,
                       diff_slot, drop_initial, ediff1d_bar, ediff1d_dot, ediff1d_slot,
                       float_only, linspace_bar, linspace_of, nan_extremum_bar, nonzero_checked, power_cross,
                       power_cross_da, power_cross_db, power_log, power_log_cross,
                       power_log_cross_da, power_slope, quotient_slope, sinc_derivative, sinc_slope,
                       sum_bar_bar, trace_bar, trapezoid_dot, trapezoid_dx_bar, trapezoid_x_bar,
                       trapezoid_y_bar, trapezoid_y_bar_dot, unbroadcast, unbroadcast_to, with_initial,
                       xlogy,
                       zeros_like)
from ..runtime.elementwise_more import sinc_curve
from ..runtime.spread import deviations_from, deviations_from_dot, given_mean_bar, selected_or_nan
from ..runtime_forward import broadcast_like, xdivy
from .registry import adjoint, tangent

# ------------------------------------------------------------------ statistics


@adjoint(nan_extremum_bar, nondiff=("y", "x", "axis", "keepdims", "initial", "where"))
def nan_extremum_bar_adjoint(out, out_bar, g, y, x, axis=None, keepdims=False, initial=None,
                             where=True):
    return sum_bar_bar(out_bar * nan_extremum_bar(np.ones(np.shape(g)), y, x, axis, keepdims,
                                                  initial, where),
                       np.shape(g), axis, keepdims)


# (a projection: its own transpose)
@adjoint(deviations, nondiff=("axis", "where"))
def deviations_adjoint(y, y_bar, a, axis=None, where=True):
    return deviations(y_bar, axis, where)


# (a - mean, masked: the transpose spreads g back to a and, less, to mean's shape)
@adjoint(deviations_from, nondiff=("axis", "where"))
def deviations_from_adjoint(y, y_bar, a, mean=None, axis=None, where=True):
    a_bar = deviations_from_dot(y_bar, 0.0, mean, axis, where)
    return a_bar, given_mean_bar(a_bar, mean)


@adjoint(deviations_from_dot, nondiff=("mean", "axis", "where"))
def deviations_from_dot_adjoint(y, y_bar, a_dot, mean_dot, mean=None, axis=None, where=True):
    a_bar = deviations_from_dot(y_bar, 0.0, mean, axis, where)
    return a_bar, given_mean_bar(a_bar, mean)


# (-g summed to mean's shape: its transpose spreads back, as unbroadcast's)
@adjoint(given_mean_bar, nondiff=("mean",))
def given_mean_bar_adjoint(y, y_bar, g, mean=None):
    return -unbroadcast_to(y_bar, np.shape(g))


@adjoint(selected_or_nan, nondiff=("where",))
def selected_or_nan_adjoint(y, y_bar, a, where=True):
    return np.where(where, y_bar, 0.0)


@adjoint(trace_bar, nondiff=("a", "offset", "axis1", "axis2"))
def trace_bar_adjoint(y, y_bar, g, a, offset=0, axis1=0, axis2=1):
    return np.trace(y_bar, offset, axis1, axis2)


@adjoint(average_weights, nondiff=("a", "axis"))
def average_weights_adjoint(y, y_bar, a, weights, axis=None):
    return average_weights_bar(y_bar, weights, axis)


@adjoint(average_weights_bar, nondiff=("weights", "axis"))
def average_weights_bar_adjoint(y, y_bar, g, weights, axis=None):
    return broadcast_like(average_weights(g, y_bar, axis), g)


@adjoint(nonzero_checked, nondiff=("what", "needed"))
def nonzero_checked_adjoint(out, out_bar, y, what, needed=None):
    return out_bar


# ------------------------------------------------------------------ scans


@adjoint(cumsum_bar, nondiff=("a", "axis"))
def cumsum_bar_adjoint(y, y_bar, g, a, axis=None):
    return np.cumsum(y_bar, axis)


@adjoint(drop_initial, nondiff=("x", "axis", "include_initial"))
def drop_initial_adjoint(y, y_bar, g, x, axis=None, include_initial=False):
    return with_initial(y_bar, axis, include_initial)


@adjoint(with_initial, nondiff=("axis", "include_initial"))
def with_initial_adjoint(y, y_bar, t, axis=None, include_initial=False):
    return drop_initial(y_bar, t, axis, include_initial)


# cumprod_bar(g, a) is J(a)^T g (J the Jacobian of np.cumprod), cumprod_dot(a, v) is
# J(a) v; the higher derivatives of np.cumprod are symmetric in their steps, so each
# adjoint is a helper of one order more, in reverse form (cumprod_bar_dot, _dot2: one
# free position) or forward form (cumprod_dot2, _dot3: every step given); the fourth
# derivative is refused (beyond_order)
@adjoint(cumprod_bar, nondiff=("axis",))
def cumprod_bar_adjoint(y, y_bar, g, a, axis=None):
    return cumprod_dot(a, y_bar, axis), cumprod_bar_dot(g, a, y_bar, axis)


@adjoint(cumprod_dot, nondiff=("axis",))
def cumprod_dot_adjoint(y, y_bar, a, v, axis=None):
    return (cumprod_bar_dot(y_bar, a, v, axis),
            unbroadcast_to(cumprod_bar(y_bar, a, axis), np.shape(v)))


@tangent(cumprod_dot)
def cumprod_dot_tangent(y, a, v, axis, a_dot, v_dot):
    return cumprod_dot(a, v_dot, axis) + cumprod_dot2(a, a_dot, v, axis)


@adjoint(cumprod_bar_dot, nondiff=("axis",))
def cumprod_bar_dot_adjoint(y, y_bar, g, a, v, axis=None):
    return (cumprod_dot2(a, v, y_bar, axis), cumprod_bar_dot2(g, a, v, y_bar, axis),
            unbroadcast_to(cumprod_bar_dot(g, a, y_bar, axis), np.shape(v)))


@tangent(cumprod_bar_dot)
def cumprod_bar_dot_tangent(y, g, a, v, axis, g_dot, a_dot, v_dot):
    return (cumprod_bar_dot(g_dot, a, v, axis) + cumprod_bar_dot(g, a, v_dot, axis)
            + cumprod_bar_dot2(g, a, v, a_dot, axis))


@adjoint(cumprod_dot2, nondiff=("axis",))
def cumprod_dot2_adjoint(y, y_bar, a, u, v, axis=None):
    return (cumprod_bar_dot2(y_bar, a, u, v, axis),
            unbroadcast_to(cumprod_bar_dot(y_bar, a, v, axis), np.shape(u)),
            unbroadcast_to(cumprod_bar_dot(y_bar, a, u, axis), np.shape(v)))


@tangent(cumprod_dot2)
def cumprod_dot2_tangent(y, a, u, v, axis, a_dot, u_dot, v_dot):
    return (cumprod_dot2(a, u_dot, v, axis) + cumprod_dot2(a, u, v_dot, axis)
            + cumprod_dot3(a, u, v, a_dot, axis))


@adjoint(cumprod_bar_dot2, nondiff=("axis",))
def cumprod_bar_dot2_adjoint(y, y_bar, g, a, v, w, axis=None):
    return (cumprod_dot3(a, v, w, y_bar, axis), beyond_order(y_bar, a, "np.cumprod", 3),
            unbroadcast_to(cumprod_bar_dot2(g, a, y_bar, w, axis), np.shape(v)),
            unbroadcast_to(cumprod_bar_dot2(g, a, v, y_bar, axis), np.shape(w)))


@tangent(cumprod_bar_dot2)
def cumprod_bar_dot2_tangent(y, g, a, v, w, axis, g_dot, a_dot, v_dot, w_dot):
    return (cumprod_bar_dot2(g_dot, a, v, w, axis) + cumprod_bar_dot2(g, a, v_dot, w, axis)
            + cumprod_bar_dot2(g, a, v, w_dot, axis) + beyond_order(a_dot, a, "np.cumprod", 3))


@adjoint(cumprod_dot3, nondiff=("axis",))
def cumprod_dot3_adjoint(y, y_bar, a, u, v, w, axis=None):
    return (beyond_order(y_bar, a, "np.cumprod", 3),
            unbroadcast_to(cumprod_bar_dot2(y_bar, a, v, w, axis), np.shape(u)),
            unbroadcast_to(cumprod_bar_dot2(y_bar, a, u, w, axis), np.shape(v)),
            unbroadcast_to(cumprod_bar_dot2(y_bar, a, u, v, axis), np.shape(w)))


@tangent(cumprod_dot3)
def cumprod_dot3_tangent(y, a, u, v, w, axis, a_dot, u_dot, v_dot, w_dot):
    return (cumprod_dot3(a, u_dot, v, w, axis) + cumprod_dot3(a, u, v_dot, w, axis)
            + cumprod_dot3(a, u, v, w_dot, axis) + beyond_order(a_dot, a, "np.cumprod", 3))


# ------------------------------------------------------------------ differences

# diff_bar(g, ..., part) is the transpose of np.diff restricted to one of its slots
# (a, prepend, append); diff_slot puts a value in that slot and differences it


@adjoint(diff_bar, nondiff=("a", "n", "axis", "prepend", "append", "part"))
def diff_bar_adjoint(y, y_bar, g, a, n=1, axis=-1, prepend=None, append=None, part="a"):
    return diff_slot(y_bar, a, n, axis, prepend, append, part)


@adjoint(diff_slot, nondiff=("a", "n", "axis", "prepend", "append", "part"))
def diff_slot_adjoint(y, y_bar, t, a, n=1, axis=-1, prepend=None, append=None, part="a"):
    return unbroadcast_to(diff_bar(y_bar, a, n, axis, prepend, append, part), np.shape(t))


@adjoint(diff_dot, nondiff=("a", "n", "axis", "prepend", "append"), linear=True)
def diff_dot_adjoint(y, y_bar, a_dot, a, n=1, axis=-1, prepend=None, append=None,
                     prepend_dot=0.0, append_dot=0.0):
    return (unbroadcast_to(diff_bar(y_bar, a, n, axis, prepend, append, "a"), np.shape(a_dot)),
            unbroadcast_to(diff_bar(y_bar, a, n, axis, prepend, append, "prepend"),
                           np.shape(prepend_dot)),
            unbroadcast_to(diff_bar(y_bar, a, n, axis, prepend, append, "append"),
                           np.shape(append_dot)))


@adjoint(ediff1d_bar, nondiff=("ary", "to_end", "to_begin", "part"))
def ediff1d_bar_adjoint(y, y_bar, g, ary, to_end=None, to_begin=None, part="ary"):
    return ediff1d_slot(y_bar, ary, to_end, to_begin, part)


@adjoint(ediff1d_slot, nondiff=("ary", "to_end", "to_begin", "part"))
def ediff1d_slot_adjoint(y, y_bar, t, ary, to_end=None, to_begin=None, part="ary"):
    return unbroadcast_to(ediff1d_bar(y_bar, ary, to_end, to_begin, part), np.shape(t))


@adjoint(ediff1d_dot, nondiff=("ary", "to_end", "to_begin"), linear=True)
def ediff1d_dot_adjoint(y, y_bar, ary_dot, ary, to_end=None, to_begin=None, to_end_dot=0.0,
                        to_begin_dot=0.0):
    return (unbroadcast_to(ediff1d_bar(y_bar, ary, to_end, to_begin, "ary"), np.shape(ary_dot)),
            unbroadcast_to(ediff1d_bar(y_bar, ary, to_end, to_begin, "to_end"),
                           np.shape(to_end_dot)),
            unbroadcast_to(ediff1d_bar(y_bar, ary, to_end, to_begin, "to_begin"),
                           np.shape(to_begin_dot)))


# ------------------------------------------------------------------ trapezoids

# np.trapezoid(y, x, dx) is bilinear in y and the spacing (x when given, else dx), so
# each helper's adjoint is another helper, trapezoid_dot giving the integral itself:
# trapezoid_dot(y, x, dx, axis, t, 0, 0) integrates t, trapezoid_dot(y, x, dx, axis,
# 0, tx, tdx) integrates y over the spacing tx or tdx (zeros_like(x): none from x)


@adjoint(trapezoid_y_bar, nondiff=("y", "axis"))
def trapezoid_y_bar_adjoint(out, out_bar, g, y, x=None, dx=1.0, axis=-1):
    return (unbroadcast_to(trapezoid_dot(y, x, dx, axis, out_bar, zeros_like(x), 0.0),
                           np.shape(g)),
            trapezoid_x_bar(g, out_bar, x, dx, axis), trapezoid_dx_bar(g, out_bar, x, dx, axis))


@adjoint(trapezoid_x_bar, nondiff=("x", "dx", "axis"))
def trapezoid_x_bar_adjoint(out, out_bar, g, y, x=None, dx=1.0, axis=-1):
    return (unbroadcast_to(trapezoid_dot(y, x, dx, axis, 0.0, out_bar, 0.0), np.shape(g)),
            trapezoid_y_bar(g, y, out_bar, dx, axis))


@adjoint(trapezoid_dx_bar, nondiff=("x", "dx", "axis"))
def trapezoid_dx_bar_adjoint(out, out_bar, g, y, x=None, dx=1.0, axis=-1):
    return (unbroadcast_to(trapezoid_dot(y, x, dx, axis, 0.0, zeros_like(x), out_bar),
                           np.shape(g)),
            trapezoid_y_bar_dot(g, y, x, dx, axis, zeros_like(x), out_bar))


@adjoint(trapezoid_dot, nondiff=("axis",))
def trapezoid_dot_adjoint(out, out_bar, y, x, dx, axis, ty, tx, tdx):
    return (trapezoid_y_bar_dot(out_bar, y, x, dx, axis, tx, tdx),
            trapezoid_x_bar(out_bar, broadcast_like(ty, y), x, dx, axis),
            trapezoid_dx_bar(out_bar, broadcast_like(ty, y), x, dx, axis),
            unbroadcast_to(trapezoid_y_bar(out_bar, y, x, dx, axis), np.shape(ty)),
            unbroadcast_to(trapezoid_x_bar(out_bar, y, x, dx, axis), np.shape(tx)),
            unbroadcast_to(trapezoid_dx_bar(out_bar, y, x, dx, axis), np.shape(tdx)))


@tangent(trapezoid_dot)
def trapezoid_dot_tangent(out, y, x, dx, axis, ty, tx, tdx, y_dot, x_dot, dx_dot, ty_dot,
                          tx_dot, tdx_dot):
    return (trapezoid_dot(broadcast_like(ty, y), x, dx, axis, ty_dot, x_dot, dx_dot)
            + trapezoid_dot(broadcast_like(y_dot, y), x, dx, axis, 0.0, tx, tdx)
            + trapezoid_dot(y, x, dx, axis, 0.0, tx_dot, tdx_dot))


@adjoint(trapezoid_y_bar_dot, nondiff=("y", "x", "dx", "axis"))
def trapezoid_y_bar_dot_adjoint(out, out_bar, g, y, x, dx, axis, tx, tdx):
    return (unbroadcast_to(trapezoid_dot(out_bar, x, dx, axis, 0.0, tx, tdx), np.shape(g)),
            unbroadcast_to(trapezoid_x_bar(g, out_bar, x, dx, axis), np.shape(tx)),
            unbroadcast_to(trapezoid_dx_bar(g, out_bar, x, dx, axis), np.shape(tdx)))


@tangent(trapezoid_y_bar_dot)
def trapezoid_y_bar_dot_tangent(out, g, y, x, dx, axis, tx, tdx, g_dot, tx_dot, tdx_dot):
    return (trapezoid_y_bar_dot(g_dot, y, x, dx, axis, tx, tdx)
            + trapezoid_y_bar_dot(g, y, x, dx, axis, tx_dot, tdx_dot))


# ------------------------------------------------------------------ creation

# linspace_bar gives (start_bar, stop_bar): g weighted by 1 - t and t and summed; its
# transpose spreads the pair back over the samples, which is np.linspace itself
@adjoint(linspace_bar, nondiff=("start", "stop", "num", "endpoint", "axis"), tuple_output=True)
def linspace_bar_adjoint(y, y_bar, g, start, stop, num=50, endpoint=True, axis=0):
    return linspace_of(y_bar[0], y_bar[1], num, endpoint, axis)


@adjoint(linspace_of, nondiff=("num", "endpoint", "axis"))
def linspace_of_adjoint(y, y_bar, start, stop, num=50, endpoint=True, axis=0):
    parts = linspace_bar(y_bar, start, stop, num, endpoint, axis)
    return unbroadcast(parts[0], start), unbroadcast(parts[1], stop)


@adjoint(arange_bar, nondiff=("start_or_stop", "stop", "step"), tuple_output=True)
def arange_bar_adjoint(y, y_bar, g, start_or_stop, stop=None, step=1):
    return arange_dot(g, stop, y_bar[0], y_bar[1])


@adjoint(arange_dot, nondiff=("y", "stop"), linear=True)
def arange_dot_adjoint(out, out_bar, y, stop, start_dot, step_dot):
    parts = arange_bar(float_only(out_bar, y), 0.0, stop)
    return parts[0], parts[1]


# ------------------------------------------------------------------ elementwise

# (elementwise: broadcast=True reduces each adjoint to its argument's shape)


@adjoint(xlogy, broadcast=True)
def xlogy_adjoint(out, out_bar, x, y):
    return xlogy(out_bar, y), xdivy(x * out_bar, y)


@adjoint(xdivy, broadcast=True)
def xdivy_adjoint(out, out_bar, x, y):
    return xdivy(out_bar, y), -xdivy(out * out_bar, y)


# (the mask, where an infinite quotient y does not move with b, is piecewise constant)
@adjoint(quotient_slope, nondiff=("y",), broadcast=True)
def quotient_slope_adjoint(out, out_bar, v, y, b):
    return quotient_slope(out_bar, y, b), -quotient_slope(out * out_bar, y, b)


@adjoint(power_slope, broadcast=True)
def power_slope_adjoint(out, out_bar, a, b, c=1.0):
    return (power_slope(a, b - 1, c * b) * out_bar, power_cross(a, b, c * out_bar),
            power_slope(a, b) * out_bar)


@adjoint(power_log, nondiff=("b",), broadcast=True)
def power_log_adjoint(out, out_bar, y, a, b=None):
    return power_log(out_bar, a, b), power_log_cross(y, a, out_bar, b)


@adjoint(sinc_slope, broadcast=True)
def sinc_slope_adjoint(y, y_bar, x):
    return y_bar * sinc_curve(x)


# (sinc_derivative(n, x) is the n-th derivative of np.sinc: any order)
@adjoint(sinc_curve, broadcast=True)
def sinc_curve_adjoint(y, y_bar, x):
    return y_bar * sinc_derivative(3, x)


@tangent(sinc_curve)
def sinc_curve_tangent(y, x, x_dot):
    return x_dot * sinc_derivative(3, x)


@adjoint(sinc_derivative, nondiff=("n",), broadcast=True)
def sinc_derivative_adjoint(y, y_bar, n, x):
    return y_bar * sinc_derivative(n + 1, x)


@tangent(sinc_derivative)
def sinc_derivative_tangent(y, n, x, x_dot):
    return x_dot * sinc_derivative(n + 1, x)


@adjoint(bessel_i, nondiff=("n",), broadcast=True)
def bessel_i_adjoint(y, y_bar, n, x):
    return y_bar * 0.5 * (bessel_i(n - 1, x) + bessel_i(n + 1, x))


# the mixed second derivatives of a ** b, differentiated once more (their own
# derivatives, a fourth of a ** b, are refused by beyond_order)
@adjoint(power_cross, broadcast=True)
def power_cross_adjoint(out, out_bar, a, b, w):
    return (power_cross_da(a, b, w * out_bar), power_cross_db(a, b, w * out_bar),
            power_cross(a, b, out_bar))


@tangent(power_cross)
def power_cross_tangent(out, a, b, w, a_dot, b_dot, w_dot):
    return (power_cross_da(a, b, w * a_dot) + power_cross_db(a, b, w * b_dot)
            + power_cross(a, b, w_dot))


@adjoint(power_log_cross, nondiff=("b",), broadcast=True)
def power_log_cross_adjoint(out, out_bar, y, a, v, b=None):
    return (power_log_cross(out_bar, a, v, b), power_log_cross_da(y, a, v * out_bar, b),
            power_log_cross(y, a, out_bar, b))


@tangent(power_log_cross)
def power_log_cross_tangent(out, y, a, v, b, y_dot, a_dot, v_dot):
    return (power_log_cross(y_dot, a, v, b) + power_log_cross_da(y, a, v * a_dot, b)
            + power_log_cross(y, a, v_dot, b))


@adjoint(power_cross_da, broadcast=True)
def power_cross_da_adjoint(out, out_bar, a, b, w):
    return (beyond_order(out_bar, a, "a ** b", 3), beyond_order(out_bar, b, "a ** b", 3),
            power_cross_da(a, b, out_bar))


@tangent(power_cross_da)
def power_cross_da_tangent(out, a, b, w, a_dot, b_dot, w_dot):
    return (power_cross_da(a, b, w_dot) + beyond_order(a_dot, a, "a ** b", 3)
            + beyond_order(b_dot, b, "a ** b", 3))


@adjoint(power_cross_db, broadcast=True)
def power_cross_db_adjoint(out, out_bar, a, b, w):
    return (beyond_order(out_bar, a, "a ** b", 3), beyond_order(out_bar, b, "a ** b", 3),
            power_cross_db(a, b, out_bar))


@tangent(power_cross_db)
def power_cross_db_tangent(out, a, b, w, a_dot, b_dot, w_dot):
    return (power_cross_db(a, b, w_dot) + beyond_order(a_dot, a, "a ** b", 3)
            + beyond_order(b_dot, b, "a ** b", 3))


@adjoint(power_log_cross_da, nondiff=("b",), broadcast=True)
def power_log_cross_da_adjoint(out, out_bar, y, a, w, b=None):
    return (power_log_cross_da(out_bar, a, w, b), beyond_order(out_bar, a, "a ** b", 3),
            power_log_cross_da(y, a, out_bar, b))


@tangent(power_log_cross_da)
def power_log_cross_da_tangent(out, y, a, w, b, y_dot, a_dot, w_dot):
    return (power_log_cross_da(y_dot, a, w, b) + power_log_cross_da(y, a, w_dot, b)
            + beyond_order(a_dot, a, "a ** b", 3))
