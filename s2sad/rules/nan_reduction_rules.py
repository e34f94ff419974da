"""Rules for numpy's NaN-ignoring reductions (issue 14): ``np.nansum``, ``np.nanmean``,
``np.nanvar``, ``np.nanstd``, ``np.nanmax``/``np.nanmin``, ``np.nanprod``,
``np.nancumsum`` and ``np.nancumprod``, with ``where=`` (elements left out as a NaN
would be).  NaN entries get a zero derivative; the conventions of
:mod:`.reduction_rules`, whose helpers (:mod:`s2sad.runtime.spread`, ``scans``) these use.
"""

import numpy as np

from ..runtime import prod_bar, sum_bar
from ..runtime.scans import (cumprod_bar, cumprod_dot, cumsum_bar, nan_extremum_bar,
                             nonzero_checked, notnan_count, selected_or_nan)
from .reduction_rules import CORRECTION
from .registry import adjoint, tangent

# ------------------------------------------------------- ignoring NaN entries


# (initial= a constant added to each sum, as np.sum's; where= selects the elements)
@adjoint(np.nansum, nondiff=("axis", "dtype", "keepdims", "where"), allocates=True,
         float_dtype="dtype",
         no_derivative={"initial": "the initial value of np.nansum is taken as a constant: "
                                   "write np.nansum(x) + v to differentiate in v too"})
def nansum_adjoint(y, y_bar, a, axis=None, dtype=None, keepdims=False, initial=None,
                   where=True):
    return np.where(np.isnan(a), 0.0, sum_bar(y_bar, a, axis, keepdims, where))


@tangent(np.nansum)
def nansum_tangent(y, a, axis, dtype, keepdims, initial, where, a_dot):
    return np.sum(np.where(np.isnan(a), 0.0, a_dot), axis=axis, dtype=dtype,
                  keepdims=keepdims, where=where)


# where= (a mask) leaves elements out as a NaN would: each rule reads a with NaN at them
# (selected_or_nan: a itself without where=)
@adjoint(np.nanmean, nondiff=("axis", "dtype", "keepdims", "where"), allocates=True,
         float_dtype="dtype")
def nanmean_adjoint(y, y_bar, a, axis=None, dtype=None, keepdims=False, where=True):
    b = selected_or_nan(a, where)
    return (np.where(np.isnan(b), 0.0, sum_bar(y_bar, a, axis, keepdims))
            / notnan_count(b, axis, 0, True))


@tangent(np.nanmean)
def nanmean_tangent(y, a, axis, dtype, keepdims, where, a_dot):
    b = selected_or_nan(a, where)
    return (np.sum(np.where(np.isnan(b), 0.0, a_dot), axis=axis, dtype=dtype,
                   keepdims=keepdims)
            / notnan_count(b, axis, 0, keepdims))


@adjoint(np.nanvar, nondiff=("axis", "dtype", "ddof", "keepdims", "where"), allocates=True,
         spellings=CORRECTION, float_dtype="dtype")
def nanvar_adjoint(y, y_bar, a, axis=None, dtype=None, ddof=0, keepdims=False, where=True):
    # (the deviations are 0 where b is NaN, never NaN: no NaN reaches the derivatives of
    # this code either, reverse over reverse included)
    b = selected_or_nan(a, where)
    return (2.0 * sum_bar(y_bar, a, axis, keepdims)
            * np.where(np.isnan(b), 0.0, b - np.nanmean(b, axis=axis, keepdims=True))
            / notnan_count(b, axis, ddof, True))


@tangent(np.nanvar)
def nanvar_tangent(y, a, axis, dtype, ddof, keepdims, where, a_dot):
    b = selected_or_nan(a, where)
    return (2.0 * np.sum(np.where(np.isnan(b), 0.0, b - np.nanmean(b, axis=axis, keepdims=True))
                         * np.where(np.isnan(b), 0.0, a_dot), axis=axis, dtype=dtype,
                         keepdims=keepdims)
            / notnan_count(b, axis, ddof, keepdims))


@adjoint(np.nanstd, nondiff=("axis", "dtype", "ddof", "keepdims", "where"), allocates=True,
         spellings=CORRECTION, float_dtype="dtype")
def nanstd_adjoint(y, y_bar, a, axis=None, dtype=None, ddof=0, keepdims=False, where=True):
    b = selected_or_nan(a, where)
    return (sum_bar(y_bar / nonzero_checked(
                y, "np.nanstd", y_bar * (notnan_count(b, axis, 0, keepdims) > 1)),
                    a, axis, keepdims)
            * np.where(np.isnan(b), 0.0, b - np.nanmean(b, axis=axis, keepdims=True))
            / notnan_count(b, axis, ddof, True))


@tangent(np.nanstd)
def nanstd_tangent(y, a, axis, dtype, ddof, keepdims, where, a_dot):
    b = selected_or_nan(a, where)
    return (np.sum(np.where(np.isnan(b), 0.0, b - np.nanmean(b, axis=axis, keepdims=True))
                   * np.where(np.isnan(b), 0.0, a_dot), axis=axis, dtype=dtype,
                   keepdims=keepdims)
            / (notnan_count(b, axis, ddof, keepdims)
               * nonzero_checked(y, "np.nanstd", notnan_count(b, axis, 0, keepdims) > 1)))


# (np.nanmin's rule is the same: nan_extremum_bar finds the places equal to y; initial= is
# one more candidate, a constant, as np.max's; where= selects the candidates)
@adjoint(np.nanmax, nondiff=("axis", "keepdims", "where"), allocates=True,
         aliases=(np.nanmin,),
         no_derivative={"initial": "the initial value of np.nanmax and np.nanmin is taken as "
                                   "a constant: write np.maximum(np.nanmax(x), v) "
                                   "(np.minimum(np.nanmin(x), v)) to differentiate in v too"})
def nanmax_adjoint(y, y_bar, a, axis=None, keepdims=False, initial=None, where=True):
    return nan_extremum_bar(y_bar, y, a, axis, keepdims, initial, where)


@tangent(np.nanmax, aliases=(np.nanmin,))
def nanmax_tangent(y, a, axis, keepdims, initial, where, a_dot):
    return np.sum(np.where(np.isnan(a), 0.0, a_dot)
                  * nan_extremum_bar(np.ones_like(y), y, a, axis, keepdims, initial, where),
                  axis=axis, keepdims=keepdims)


@adjoint(np.nanprod, nondiff=("axis", "dtype", "keepdims", "where"), allocates=True,
         float_dtype="dtype")
def nanprod_adjoint(y, y_bar, a, axis=None, dtype=None, keepdims=False, where=True):
    b = selected_or_nan(a, where)
    return np.where(np.isnan(b), 0.0,
                    prod_bar(y_bar, np.where(np.isnan(b), 1.0, b), axis, keepdims))


@tangent(np.nanprod)
def nanprod_tangent(y, a, axis, dtype, keepdims, where, a_dot):
    b = selected_or_nan(a, where)
    return np.sum(np.where(np.isnan(b), 0.0, a_dot)
                  * prod_bar(np.ones_like(y), np.where(np.isnan(b), 1.0, b), axis, keepdims),
                  axis=axis, dtype=dtype, keepdims=keepdims)


@adjoint(np.nancumsum, nondiff=("axis", "dtype"), allocates=True, float_dtype="dtype")
def nancumsum_adjoint(y, y_bar, a, axis=None, dtype=None):
    return np.where(np.isnan(a), 0.0, cumsum_bar(y_bar, a, axis))


@tangent(np.nancumsum)
def nancumsum_tangent(y, a, axis, dtype, a_dot):
    return np.cumsum(np.where(np.isnan(a), 0.0, a_dot), axis=axis, dtype=dtype)


@adjoint(np.nancumprod, nondiff=("axis", "dtype"), allocates=True, float_dtype="dtype")
def nancumprod_adjoint(y, y_bar, a, axis=None, dtype=None):
    return np.where(np.isnan(a), 0.0, cumprod_bar(y_bar, np.where(np.isnan(a), 1.0, a), axis))


@tangent(np.nancumprod)
def nancumprod_tangent(y, a, axis, dtype, a_dot):
    return cumprod_dot(np.where(np.isnan(a), 1.0, a), np.where(np.isnan(a), 0.0, a_dot), axis)
