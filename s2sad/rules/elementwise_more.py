"""Rules for the last numpy elementwise functions of issue 14: ``np.sinc``, ``np.i0``,
``np.float_power``, ``np.nan_to_num``, and the constants ``np.heaviside`` and
``np.around`` (``np.sign`` and ``np.round`` are constants in ``numpy_rules``;
``np.true_divide``, ``np.positive`` and ``np.negative`` are aliases of the operators'
rules in ``operators``).

The slopes that need care at a point (``np.sinc``'s at 0) or a function numpy lacks
(``I_1`` for ``np.i0``) are runtime helpers of ``runtime.elementwise_more``, each with its
own tangent, so second order needs nothing more.
"""

import numpy as np

from ..runtime import power_log, power_slope
from ..runtime.elementwise_more import bessel_i, finite_mask, sinc_slope
from .registry import adjoint, declare, nondifferentiable, tangent


@adjoint(np.sinc)
def sinc_adjoint(y, y_bar, x):
    return y_bar * sinc_slope(x)


@tangent(np.sinc)
def sinc_tangent(y, x, x_dot):
    return x_dot * sinc_slope(x)


# I_0' = I_1 (numpy has no i1: bessel_i computes I_n for integer n)
@adjoint(np.i0)
def i0_adjoint(y, y_bar, x):
    return y_bar * bessel_i(1, x)


@tangent(np.i0)
def i0_tangent(y, x, x_dot):
    return x_dot * bessel_i(1, x)


# x1 ** x2 computed in float64 (or complex): the slopes of ``**``
@adjoint(np.float_power, broadcast=True)
def float_power_adjoint(y, y_bar, a, b):
    return y_bar * power_slope(a, b), y_bar * power_log(y, a, b)


@tangent(np.float_power)
def float_power_tangent(y, a, b, a_dot, b_dot):
    return a_dot * power_slope(a, b) + b_dot * power_log(y, a, b)


# x where it is finite, else the replacement nan, posinf or neginf (numbers): the slope
# in x is 1 where x is finite and 0 where it was replaced, and each replacement takes the
# adjoint of the elements it replaced.  copy=False is refused (see finite_mask).
@adjoint(np.nan_to_num, nondiff=("copy",), broadcast=True, allocates=True)
def nan_to_num_adjoint(y, y_bar, x, copy=True, nan=0.0, posinf=None, neginf=None):
    return (y_bar * finite_mask(x, copy), y_bar * np.isnan(x), y_bar * np.isposinf(x),
            y_bar * np.isneginf(x))


# (copy=False returns x itself, changed in place: a write through the result is followed)
declare(np.nan_to_num, view_unless=(("copy", True),))


@tangent(np.nan_to_num)
def nan_to_num_tangent(y, x, copy, nan, posinf, neginf, x_dot, nan_dot, posinf_dot,
                       neginf_dot):
    return (x_dot * finite_mask(x, copy) + nan_dot * np.isnan(x)
            + posinf_dot * np.isposinf(x) + neginf_dot * np.isneginf(x))


# piecewise constant: no derivative (np.heaviside's step at 0 has none; its value there
# is its second argument, a constant too)
nondifferentiable(np.heaviside, np.around, np.isposinf, np.isneginf)
nondifferentiable(finite_mask)

# array predicates and inspectors: bool, dtype and integer results about an array (its
# layout, its dtype, whether two arrays share memory), no derivative in either mode
nondifferentiable(np.isfortran, np.iscomplexobj, np.isrealobj, np.isscalar, np.iscomplex,
                  np.isreal, np.signbit, np.may_share_memory, np.shares_memory, np.can_cast,
                  np.array_equiv, np.iterable, np.result_type, np.min_scalar_type,
                  np.issubdtype)
if hasattr(np, "isdtype"):   # numpy >= 2.0
    nondifferentiable(np.isdtype)

# integer and bool results: positions (argpartition, lexsort, the nan-skipping argmax and
# argmin, the index tuples of a matrix's diagonal and triangles, of an n-d grid, to and
# from flat positions), membership and exclusive-or tests, a rank; and np.fix (rounding
# toward zero, as np.trunc) and np.spacing (the gap to the next float): piecewise
# constant.  Constants in every mode (forward mode refused them for want of a tangent)
nondifferentiable(np.lexsort, np.nanargmax, np.nanargmin, np.diag_indices,
                  np.diag_indices_from, np.tril_indices, np.tril_indices_from, np.triu_indices,
                  np.triu_indices_from, np.mask_indices, np.indices, np.unravel_index,
                  np.ravel_multi_index, np.isin, np.logical_xor, np.fix, np.spacing,
                  np.linalg.matrix_rank)
nondifferentiable(np.argpartition, methods=("argpartition",), spelling="np.argpartition")
