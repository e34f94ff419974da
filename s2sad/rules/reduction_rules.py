"""Rules for numpy's statistics, scans and differences (issue 14): ``np.var``,
``np.std``, ``np.average``, ``np.ptp``, ``np.cumsum``, ``np.cumprod``, ``np.diff``,
``np.ediff1d``, ``np.trapezoid`` (``np.trapz``), ``np.trace``, the norms of
``np.linalg`` and ``np.median``, ``np.quantile`` and ``np.percentile`` (and their
NaN-ignoring forms), with their ndarray method spellings (the other NaN-ignoring
reductions: :mod:`.nan_reduction_rules`).

The conventions of ``numpy_rules``: one adjoint and one tangent per function, side by
side.  The adjoints are made of ops that have rules and of runtime helpers (in
:mod:`s2sad.runtime.scans`, ``spread``, ``norms``, ``quantiles``) that declare their own
tangents, so second order needs nothing more.  Where a derivative does not exist the
helpers raise ``NotDifferentiableError`` (a standard deviation of equal values; a
quantile in ``q``).  Ties of ``np.ptp`` share the adjoint equally, as ``np.max``'s rule
does.
"""

import inspect

import numpy as np

from ..runtime import extremum_bar, prod_bar, sum_bar
from ..runtime.norms import norm_bar, norm_dot
from ..runtime.quantiles import constant_q, constant_q_dot, quantile_bar, quantile_dot
from ..runtime.scans import (average_weights, average_weights_bar, cumprod_bar, cumprod_dot,
                             cumsum_bar, deviations, deviations_from, diff_bar, diff_dot,
                             drop_initial, ediff1d_bar, ediff1d_dot, given_mean_bar,
                             nonzero_checked, notnan_count, reduced_count, singular_at_zero,
                             trace_bar, trapezoid_dot, trapezoid_dx_bar, trapezoid_x_bar,
                             trapezoid_y_bar, with_initial)
from .registry import adjoint, nondifferentiable, tangent

# ---------------------------------------------------------------- statistics

#: numpy >= 2.0 also names ddof "correction" (the Array API's name)
CORRECTION = {"correction": "ddof"}



# where= (a mask that broadcasts to a's shape) takes the deviations of the elements it
# selects from their mean, divided by their count (less ddof); numpy >= 2.0's mean= is
# the mean the deviations are taken from (differentiated: the var reads a - mean)
if "mean" in inspect.signature(np.var).parameters:
    @adjoint(np.var, nondiff=("axis", "dtype", "ddof", "keepdims", "where"), allocates=True,
             spellings=CORRECTION, methods=("var",), float_dtype="dtype")
    def var_adjoint(y, y_bar, a, axis=None, dtype=None, ddof=0, keepdims=False, where=True,
                    mean=None):
        a_bar = (2.0 * sum_bar(y_bar, a, axis, keepdims, where)
                 * deviations_from(a, mean, axis, where) / reduced_count(a, axis, ddof, where))
        return a_bar, given_mean_bar(a_bar, mean)

    @tangent(np.var)
    def var_tangent(y, a, axis, dtype, ddof, keepdims, where, mean, a_dot, mean_dot):
        return 2.0 * np.sum(deviations_from(a, mean, axis, where) * (a_dot - mean_dot)
                            / reduced_count(a, axis, ddof, where),
                            axis=axis, dtype=dtype, keepdims=keepdims)
else:  # pragma: no cover - numpy < 2.0
    @adjoint(np.var, nondiff=("axis", "dtype", "ddof", "keepdims", "where"), allocates=True,
             spellings=CORRECTION, methods=("var",), float_dtype="dtype")
    def var_adjoint(y, y_bar, a, axis=None, dtype=None, ddof=0, keepdims=False, where=True):
        return (2.0 * sum_bar(y_bar, a, axis, keepdims, where) * deviations(a, axis, where)
                / reduced_count(a, axis, ddof, where))

    @tangent(np.var)
    def var_tangent(y, a, axis, dtype, ddof, keepdims, where, a_dot):
        return 2.0 * np.sum(deviations(a, axis, where) * a_dot
                            / reduced_count(a, axis, ddof, where),
                            axis=axis, dtype=dtype, keepdims=keepdims)


# the derivative of a standard deviation of 0 (equal values) does not exist: refused, but
# where a result reduces one value (one element along the axes, or one selected by where=)
# the function is 0 near the point: its derivative is 0.  The check runs in a's shape
# (sum_bar spreads y over the elements it reduces), where where='s count lines up.
if "mean" in inspect.signature(np.std).parameters:
    @adjoint(np.std, nondiff=("axis", "dtype", "ddof", "keepdims", "where"), allocates=True,
             spellings=CORRECTION, methods=("std",), float_dtype="dtype")
    def std_adjoint(y, y_bar, a, axis=None, dtype=None, ddof=0, keepdims=False, where=True,
                    mean=None):
        g = sum_bar(y_bar, a, axis, keepdims, where)
        a_bar = (g / nonzero_checked(sum_bar(y, a, axis, keepdims, where), "np.std",
                                     g * singular_at_zero(a, axis, where, mean))
                 * deviations_from(a, mean, axis, where) / reduced_count(a, axis, ddof, where))
        return a_bar, given_mean_bar(a_bar, mean)

    @tangent(np.std)
    def std_tangent(y, a, axis, dtype, ddof, keepdims, where, mean, a_dot, mean_dot):
        return np.sum(deviations_from(a, mean, axis, where) * (a_dot - mean_dot)
                      / (reduced_count(a, axis, ddof, where)
                         * nonzero_checked(sum_bar(y, a, axis, keepdims, where), "np.std",
                                           sum_bar(np.ones_like(y), a, axis, keepdims, where)
                                           * singular_at_zero(a, axis, where, mean))),
                      axis=axis, dtype=dtype, keepdims=keepdims)
else:  # pragma: no cover - numpy < 2.0
    @adjoint(np.std, nondiff=("axis", "dtype", "ddof", "keepdims", "where"), allocates=True,
             spellings=CORRECTION, methods=("std",), float_dtype="dtype")
    def std_adjoint(y, y_bar, a, axis=None, dtype=None, ddof=0, keepdims=False, where=True):
        g = sum_bar(y_bar, a, axis, keepdims, where)
        return (g / nonzero_checked(sum_bar(y, a, axis, keepdims, where), "np.std",
                                    g * (reduced_count(a, axis, 0, where) > 1))
                * deviations(a, axis, where) / reduced_count(a, axis, ddof, where))

    @tangent(np.std)
    def std_tangent(y, a, axis, dtype, ddof, keepdims, where, a_dot):
        return np.sum(deviations(a, axis, where) * a_dot
                      / (reduced_count(a, axis, ddof, where)
                         * nonzero_checked(sum_bar(y, a, axis, keepdims, where), "np.std",
                                           sum_bar(np.ones_like(y), a, axis, keepdims, where)
                                           * (reduced_count(a, axis, 0, where) > 1))),
                      axis=axis, dtype=dtype, keepdims=keepdims)


# returned=True (the sum of the weights too) has no rule: the call is refused by name;
# numpy < 1.23 has no keepdims here (the second pair of rules)
if "keepdims" in inspect.signature(np.average).parameters:
    @adjoint(np.average, nondiff=("axis", "keepdims"), allocates=True)
    def average_adjoint(y, y_bar, a, axis=None, weights=None, keepdims=False):
        w = average_weights(a, weights, axis)
        total = np.sum(w * np.ones_like(a), axis=axis, keepdims=True)
        g = sum_bar(y_bar, a, axis, keepdims)
        return (g * w / total,
                average_weights_bar(g * (a - sum_bar(y, a, axis, keepdims)) / total, weights,
                                    axis))

    @tangent(np.average)
    def average_tangent(y, a, axis, weights, keepdims, a_dot, weights_dot):
        w = average_weights(a, weights, axis)
        return (np.sum(w * a_dot + average_weights(a, weights_dot, axis)
                       * (a - sum_bar(y, a, axis, keepdims)), axis=axis, keepdims=keepdims)
                / np.sum(w * np.ones_like(a), axis=axis, keepdims=keepdims))
else:  # pragma: no cover - numpy < 1.23
    @adjoint(np.average, nondiff=("axis",), allocates=True)
    def average_adjoint(y, y_bar, a, axis=None, weights=None):
        w = average_weights(a, weights, axis)
        total = np.sum(w * np.ones_like(a), axis=axis, keepdims=True)
        g = sum_bar(y_bar, a, axis)
        return (g * w / total,
                average_weights_bar(g * (a - sum_bar(y, a, axis)) / total, weights, axis))

    @tangent(np.average)
    def average_tangent(y, a, axis, weights, a_dot, weights_dot):
        w = average_weights(a, weights, axis)
        return (np.sum(w * a_dot + average_weights(a, weights_dot, axis)
                       * (a - sum_bar(y, a, axis)), axis=axis)
                / np.sum(w * np.ones_like(a), axis=axis))


# ties share the adjoint equally, as np.max's and np.min's rules have it (numpy 2 has no
# x.ptp(): the method is read only where it exists)
@adjoint(np.ptp, nondiff=("axis", "keepdims"), allocates=True,
         methods=("ptp",) if hasattr(np.ndarray, "ptp") else ())
def ptp_adjoint(y, y_bar, a, axis=None, keepdims=False):
    return (extremum_bar(y_bar, np.max(a, axis=axis, keepdims=keepdims), a, axis, keepdims)
            - extremum_bar(y_bar, np.min(a, axis=axis, keepdims=keepdims), a, axis, keepdims))


@tangent(np.ptp)
def ptp_tangent(y, a, axis, keepdims, a_dot):
    return np.sum(a_dot * (
        extremum_bar(np.ones_like(y), np.max(a, axis=axis, keepdims=keepdims), a, axis,
                     keepdims)
        - extremum_bar(np.ones_like(y), np.min(a, axis=axis, keepdims=keepdims), a, axis,
                       keepdims)), axis=axis, keepdims=keepdims)


# ------------------------------------------------------------------- scans


@adjoint(np.cumsum, nondiff=("axis", "dtype"), linear=True, allocates=True,
         methods=("cumsum",), float_dtype="dtype")
def cumsum_adjoint(y, y_bar, a, axis=None, dtype=None):
    return cumsum_bar(y_bar, a, axis)


# exact where elements are 0 (products of the other elements, never a division)
@adjoint(np.cumprod, nondiff=("axis", "dtype"), allocates=True, methods=("cumprod",),
         float_dtype="dtype")
def cumprod_adjoint(y, y_bar, a, axis=None, dtype=None):
    return cumprod_bar(y_bar, a, axis)


@tangent(np.cumprod)
def cumprod_tangent(y, a, axis, dtype, a_dot):
    return cumprod_dot(a, a_dot, axis)


# numpy >= 2.1: the Array API's scans, which may start with the initial value (0 or 1)
if hasattr(np, "cumulative_sum"):
    @adjoint(np.cumulative_sum, nondiff=("axis", "include_initial"), allocates=True)
    def cumulative_sum_adjoint(y, y_bar, x, axis=None, include_initial=False):
        return cumsum_bar(drop_initial(y_bar, x, axis, include_initial), x, axis)

    @tangent(np.cumulative_sum)
    def cumulative_sum_tangent(y, x, axis, include_initial, x_dot):
        return np.cumulative_sum(x_dot, axis=axis, include_initial=include_initial)

    @adjoint(np.cumulative_prod, nondiff=("axis", "include_initial"), allocates=True)
    def cumulative_prod_adjoint(y, y_bar, x, axis=None, include_initial=False):
        return cumprod_bar(drop_initial(y_bar, x, axis, include_initial), x, axis)

    @tangent(np.cumulative_prod)
    def cumulative_prod_tangent(y, x, axis, include_initial, x_dot):
        return with_initial(cumprod_dot(x, x_dot, axis), axis, include_initial)


# ------------------------------------------------------------- differences

# np.diff(a, 0) is a itself (a view)
@adjoint(np.diff, nondiff=("n", "axis"), view=True)
def diff_adjoint(y, y_bar, a, n=1, axis=-1, prepend=None, append=None):
    return (diff_bar(y_bar, a, n, axis, prepend, append, "a"),
            diff_bar(y_bar, a, n, axis, prepend, append, "prepend"),
            diff_bar(y_bar, a, n, axis, prepend, append, "append"))


@tangent(np.diff)
def diff_tangent(y, a, n, axis, prepend, append, a_dot, prepend_dot, append_dot):
    return diff_dot(a_dot, a, n, axis, prepend, append, prepend_dot, append_dot)


@adjoint(np.ediff1d, allocates=True)
def ediff1d_adjoint(y, y_bar, ary, to_end=None, to_begin=None):
    return (ediff1d_bar(y_bar, ary, to_end, to_begin, "ary"),
            ediff1d_bar(y_bar, ary, to_end, to_begin, "to_end"),
            ediff1d_bar(y_bar, ary, to_end, to_begin, "to_begin"))


@tangent(np.ediff1d)
def ediff1d_tangent(y, ary, to_end, to_begin, ary_dot, to_end_dot, to_begin_dot):
    return ediff1d_dot(ary_dot, ary, to_end, to_begin, to_end_dot, to_begin_dot)


# np.trapezoid (numpy >= 2.0) and np.trapz (numpy < 2.4): one rule, in y, x and dx
_TRAPEZOIDS = tuple(getattr(np, name) for name in ("trapezoid", "trapz") if hasattr(np, name))


@adjoint(_TRAPEZOIDS[0], nondiff=("axis",), allocates=True, aliases=_TRAPEZOIDS[1:])
def trapezoid_adjoint(out, out_bar, y, x=None, dx=1.0, axis=-1):
    return (trapezoid_y_bar(out_bar, y, x, dx, axis), trapezoid_x_bar(out_bar, y, x, dx, axis),
            trapezoid_dx_bar(out_bar, y, x, dx, axis))


@tangent(_TRAPEZOIDS[0], aliases=_TRAPEZOIDS[1:])
def trapezoid_tangent(out, y, x, dx, axis, y_dot, x_dot, dx_dot):
    return trapezoid_dot(y, x, dx, axis, y_dot, x_dot, dx_dot)


# ------------------------------------------------------------------- trace


@adjoint(np.trace, nondiff=("offset", "axis1", "axis2", "dtype"), linear=True,
         allocates=True, methods=("trace",), float_dtype="dtype")
def trace_adjoint(y, y_bar, a, offset=0, axis1=0, axis2=1, dtype=None):
    return trace_bar(y_bar, a, offset, axis1, axis2)


# ------------------------------------------------------------------- norms
# (conventions and refusals: s2sad.runtime.norms; "how" tells which function's reading
# of ord and axis applies)


@adjoint(np.linalg.norm, nondiff=("ord", "axis", "keepdims"), allocates=True)
def norm_adjoint(y, y_bar, x, ord=None, axis=None, keepdims=False):
    return norm_bar(y_bar, x, ord, axis, keepdims, "norm")


@tangent(np.linalg.norm)
def norm_tangent(y, x, ord, axis, keepdims, x_dot):
    return norm_dot(x, x_dot, ord, axis, keepdims, "norm")


if hasattr(np.linalg, "vector_norm"):   # numpy >= 2.0
    @adjoint(np.linalg.vector_norm, nondiff=("axis", "keepdims", "ord"), allocates=True)
    def vector_norm_adjoint(y, y_bar, x, axis=None, keepdims=False, ord=2):
        return norm_bar(y_bar, x, ord, axis, keepdims, "vector")

    @tangent(np.linalg.vector_norm)
    def vector_norm_tangent(y, x, axis, keepdims, ord, x_dot):
        return norm_dot(x, x_dot, ord, axis, keepdims, "vector")

    @adjoint(np.linalg.matrix_norm, nondiff=("keepdims", "ord"), allocates=True)
    def matrix_norm_adjoint(y, y_bar, x, keepdims=False, ord="fro"):
        return norm_bar(y_bar, x, ord, None, keepdims, "matrix")

    @tangent(np.linalg.matrix_norm)
    def matrix_norm_tangent(y, x, keepdims, ord, x_dot):
        return norm_dot(x, x_dot, ord, None, keepdims, "matrix")


# --------------------------------------------------------------- quantiles
# (in a, not in q: a q that carries a derivative is refused; the methods 'linear',
# 'lower', 'higher', 'midpoint'; ties by the order of a stable sort: see
# s2sad.runtime.quantiles)


@adjoint(np.quantile, nondiff=("axis", "method", "keepdims"), allocates=True)
def quantile_adjoint(y, y_bar, a, q, axis=None, method="linear", keepdims=False):
    return quantile_bar(y_bar, a, q, axis, method, keepdims), constant_q("np.quantile")


@tangent(np.quantile)
def quantile_tangent(y, a, q, axis, method, keepdims, a_dot, q_dot):
    return (quantile_dot(a, a_dot, q, axis, method, keepdims)
            + constant_q_dot(q_dot, "np.quantile"))


@adjoint(np.percentile, nondiff=("axis", "method", "keepdims"), allocates=True)
def percentile_adjoint(y, y_bar, a, q, axis=None, method="linear", keepdims=False):
    return (quantile_bar(y_bar, a, q, axis, method, keepdims, 100.0),
            constant_q("np.percentile"))


@tangent(np.percentile)
def percentile_tangent(y, a, q, axis, method, keepdims, a_dot, q_dot):
    return (quantile_dot(a, a_dot, q, axis, method, keepdims, 100.0)
            + constant_q_dot(q_dot, "np.percentile"))


# the mean of the middle two values of an even count
# (overwrite_input=True would sort a in place: refused where it is written)
@adjoint(np.median, nondiff=("axis", "overwrite_input", "keepdims"), allocates=True,
         choices={"overwrite_input": (False,)})
def median_adjoint(y, y_bar, a, axis=None, overwrite_input=False, keepdims=False):
    return quantile_bar(y_bar, a, 0.5, axis, "linear", keepdims)


@tangent(np.median)
def median_tangent(y, a, axis, overwrite_input, keepdims, a_dot):
    return quantile_dot(a, a_dot, 0.5, axis, "linear", keepdims)


# the same, ignoring NaN entries (their derivative is 0)
@adjoint(np.nanquantile, nondiff=("axis", "method", "keepdims"), allocates=True)
def nanquantile_adjoint(y, y_bar, a, q, axis=None, method="linear", keepdims=False):
    return (quantile_bar(y_bar, a, q, axis, method, keepdims, 1.0, True),
            constant_q("np.nanquantile"))


@tangent(np.nanquantile)
def nanquantile_tangent(y, a, q, axis, method, keepdims, a_dot, q_dot):
    return (quantile_dot(a, a_dot, q, axis, method, keepdims, 1.0, True)
            + constant_q_dot(q_dot, "np.nanquantile"))


@adjoint(np.nanpercentile, nondiff=("axis", "method", "keepdims"), allocates=True)
def nanpercentile_adjoint(y, y_bar, a, q, axis=None, method="linear", keepdims=False):
    return (quantile_bar(y_bar, a, q, axis, method, keepdims, 100.0, True),
            constant_q("np.nanpercentile"))


@tangent(np.nanpercentile)
def nanpercentile_tangent(y, a, q, axis, method, keepdims, a_dot, q_dot):
    return (quantile_dot(a, a_dot, q, axis, method, keepdims, 100.0, True)
            + constant_q_dot(q_dot, "np.nanpercentile"))


@adjoint(np.nanmedian, nondiff=("axis", "keepdims"), allocates=True)
def nanmedian_adjoint(y, y_bar, a, axis=None, keepdims=False):
    return quantile_bar(y_bar, a, 0.5, axis, "linear", keepdims, 1.0, True)


@tangent(np.nanmedian)
def nanmedian_tangent(y, a, axis, keepdims, a_dot):
    return quantile_dot(a, a_dot, 0.5, axis, "linear", keepdims, 1.0, True)


# ------------------------------------------------------------ no derivative

nondifferentiable(reduced_count, notnan_count, singular_at_zero, constant_q, constant_q_dot)


# ------------------------------------------------------------- ufunc methods
# np.add.reduce is np.sum along axis 0 (axis=None: every axis), np.multiply.reduce
# np.prod's, np.maximum.reduce (np.minimum.reduce) np.max's (initial= a constant, where= its
# candidates), np.add.accumulate np.cumsum's, np.multiply.accumulate np.cumprod's.  (out=,
# which writes, is refused where it is written: by keyword in the fence, by position here,
# where the parameter binds, out=None the only choice)

_NO_OUT = {"out": (None,)}


@adjoint(np.add.reduce, nondiff=("axis", "dtype", "out", "keepdims", "where"),
         label="np.add.reduce", allocates=True, float_dtype="dtype", choices=_NO_OUT,
         no_derivative={"initial": "the initial value of np.add.reduce is taken as a "
                                   "constant: write np.add.reduce(x) + v to differentiate "
                                   "in v too"})
def add_reduce_adjoint(y, y_bar, array, axis=0, dtype=None, out=None, keepdims=False,
                       initial=None, where=True):
    return sum_bar(y_bar, array, axis, keepdims, where)


@tangent(np.add.reduce)
def add_reduce_tangent(y, array, axis, dtype, out, keepdims, initial, where, array_dot):
    return np.add.reduce(array_dot, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


@adjoint(np.multiply.reduce, nondiff=("axis", "dtype", "out", "keepdims", "where"),
         label="np.multiply.reduce", allocates=True, float_dtype="dtype", choices=_NO_OUT,
         no_derivative={"initial": "the initial value of np.multiply.reduce is taken as a "
                                   "constant: write np.multiply.reduce(x) * v to "
                                   "differentiate in v too"})
def multiply_reduce_adjoint(y, y_bar, array, axis=0, dtype=None, out=None, keepdims=False,
                            initial=None, where=True):
    return prod_bar(y_bar, array, axis, keepdims, where, initial)


@tangent(np.multiply.reduce)
def multiply_reduce_tangent(y, array, axis, dtype, out, keepdims, initial, where, array_dot):
    return np.add.reduce(array_dot * prod_bar(np.ones_like(y), array, axis, keepdims, where,
                                              initial),
                         axis=axis, dtype=dtype, keepdims=keepdims)


# np.logaddexp.reduce is log(sum(exp(x))) along the axis: each entry's weight is exp(x - y)
@adjoint(np.logaddexp.reduce, nondiff=("axis", "dtype", "out", "keepdims", "where"),
         label="np.logaddexp.reduce", allocates=True, float_dtype="dtype", choices=_NO_OUT,
         no_derivative={"initial": "the initial value of np.logaddexp.reduce is taken as a "
                                   "constant: write np.logaddexp(np.logaddexp.reduce(x), v) "
                                   "to differentiate in v too"})
def logaddexp_reduce_adjoint(y, y_bar, array, axis=0, dtype=None, out=None, keepdims=False,
                             initial=None, where=True):
    return sum_bar(y_bar, array, axis, keepdims, where) * np.exp(
        array - sum_bar(y, array, axis, keepdims, True))


@tangent(np.logaddexp.reduce)
def logaddexp_reduce_tangent(y, array, axis, dtype, out, keepdims, initial, where, array_dot):
    return np.add.reduce(array_dot * np.exp(array - sum_bar(y, array, axis, keepdims, True)),
                         axis=axis, keepdims=keepdims, where=where)


_REDUCE_INITIAL = {"initial": "the initial value of np.maximum.reduce and np.minimum.reduce "
                              "is taken as a constant: write np.maximum(np.maximum.reduce(x), "
                              "v) to differentiate in v too"}


# (ties share the adjoint equally, as np.max's do)
@adjoint(np.maximum.reduce, nondiff=("axis", "dtype", "out", "keepdims", "where"),
         label="np.maximum.reduce", allocates=True, float_dtype="dtype", choices=_NO_OUT,
         no_derivative=_REDUCE_INITIAL)
def maximum_reduce_adjoint(y, y_bar, array, axis=0, dtype=None, out=None, keepdims=False,
                           initial=None, where=True):
    return extremum_bar(y_bar, y, array, axis, keepdims, initial, where)


@tangent(np.maximum.reduce)
def maximum_reduce_tangent(y, array, axis, dtype, out, keepdims, initial, where, array_dot):
    return np.add.reduce(array_dot * extremum_bar(np.ones_like(y), y, array, axis, keepdims,
                                                  initial, where),
                         axis=axis, keepdims=keepdims)


@adjoint(np.minimum.reduce, nondiff=("axis", "dtype", "out", "keepdims", "where"),
         label="np.minimum.reduce", allocates=True, float_dtype="dtype", choices=_NO_OUT,
         no_derivative=_REDUCE_INITIAL)
def minimum_reduce_adjoint(y, y_bar, array, axis=0, dtype=None, out=None, keepdims=False,
                           initial=None, where=True):
    return extremum_bar(y_bar, y, array, axis, keepdims, initial, where)


@tangent(np.minimum.reduce)
def minimum_reduce_tangent(y, array, axis, dtype, out, keepdims, initial, where, array_dot):
    return np.add.reduce(array_dot * extremum_bar(np.ones_like(y), y, array, axis, keepdims,
                                                  initial, where),
                         axis=axis, keepdims=keepdims)


@adjoint(np.add.accumulate, nondiff=("axis", "dtype", "out"), label="np.add.accumulate",
         allocates=True, float_dtype="dtype", choices=_NO_OUT)
def add_accumulate_adjoint(y, y_bar, array, axis=0, dtype=None, out=None):
    return cumsum_bar(y_bar, array, axis)


@tangent(np.add.accumulate)
def add_accumulate_tangent(y, array, axis, dtype, out, array_dot):
    return np.add.accumulate(array_dot, axis=axis, dtype=dtype)


@adjoint(np.multiply.accumulate, nondiff=("axis", "dtype", "out"),
         label="np.multiply.accumulate", allocates=True, float_dtype="dtype", choices=_NO_OUT)
def multiply_accumulate_adjoint(y, y_bar, array, axis=0, dtype=None, out=None):
    return cumprod_bar(y_bar, array, axis)


@tangent(np.multiply.accumulate)
def multiply_accumulate_tangent(y, array, axis, dtype, out, array_dot):
    return cumprod_dot(array, array_dot, axis)


# np.multiply.outer(A, B) (np.add.outer): every element of A with every element of B, of
# shape A's + B's: the adjoints contract the cotangent over the other's axes
@adjoint(np.multiply.outer, label="np.multiply.outer", allocates=True)
def multiply_outer_adjoint(y, y_bar, A, B):
    return np.tensordot(y_bar, B, np.ndim(B)), np.tensordot(A, y_bar, np.ndim(A))


@tangent(np.multiply.outer)
def multiply_outer_tangent(y, A, B, A_dot, B_dot):
    return np.multiply.outer(A_dot, B) + np.multiply.outer(A, B_dot)


@adjoint(np.add.outer, label="np.add.outer", allocates=True)
def add_outer_adjoint(y, y_bar, A, B):
    return (np.tensordot(y_bar, np.ones_like(B), np.ndim(B)),
            np.tensordot(np.ones_like(A), y_bar, np.ndim(A)))


@tangent(np.add.outer)
def add_outer_tangent(y, A, B, A_dot, B_dot):
    return np.add.outer(A_dot, np.zeros_like(B)) + np.add.outer(np.zeros_like(A), B_dot)
