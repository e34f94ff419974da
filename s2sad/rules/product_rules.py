"""Rules for numpy's products of arrays beyond ``np.dot``: ``np.einsum`` (any
subscripts, any number of operands up to eight), ``np.tensordot``, ``np.inner``,
``np.vdot``, ``np.kron`` and ``np.cross``.

Each is multilinear: the tangent is the sum over the operands of the product with
that operand's tangent, and the adjoint of an operand is a product of the
adjoint with the other operands (one ``np.einsum`` call, see
:mod:`s2sad.runtime.contractions`).
"""

import numpy as np

from ..runtime.contractions import (cross_lhs_bar, cross_of, cross_rhs_bar, einsum_bar,
                                    einsum_check, einsum_of, einsum_refused, inner_subscripts,
                                    kron_lhs_bar, kron_rhs_bar, tensordot_subscripts)
from .registry import adjoint, nondifferentiable, tangent

# subscripts helpers carry no derivative (strings)
nondifferentiable(einsum_check, einsum_refused, tensordot_subscripts, inner_subscripts)


# np.einsum(subscripts, *operands): the operands bind to op0...op7 by position; a
# call with more than eight operands, or in the interleaved form np.einsum(a, [0, 1],
# b, [1]), is refused at run time (einsum_check, einsum_bar); out= is refused (no
# such parameter); optimize= is passed on
# (subscripts is differentiable only to refuse the interleaved form whose first
# argument is an array: einsum_refused raises)
# (the result may be a view of an operand: 'ii->i' and 'ij->ji' of one operand are)
# (a float dtype= computes in that dtype: the derivative is the same, as a ufunc's)
@adjoint(np.einsum, nondiff=("optimize", "dtype"), view="any", float_dtype="dtype")
def einsum_adjoint(y, y_bar, subscripts, op0=None, op1=None, op2=None, op3=None, op4=None,
                   op5=None, op6=None, op7=None, optimize=False, dtype=None):
    s = einsum_check(subscripts)
    return (einsum_refused(subscripts),
            einsum_bar(y_bar, s, 0, np.shape(op0), op1, op2, op3, op4, op5, op6, op7,
                       optimize),
            einsum_bar(y_bar, s, 1, op0, np.shape(op1), op2, op3, op4, op5, op6, op7,
                       optimize),
            einsum_bar(y_bar, s, 2, op0, op1, np.shape(op2), op3, op4, op5, op6, op7,
                       optimize),
            einsum_bar(y_bar, s, 3, op0, op1, op2, np.shape(op3), op4, op5, op6, op7,
                       optimize),
            einsum_bar(y_bar, s, 4, op0, op1, op2, op3, np.shape(op4), op5, op6, op7,
                       optimize),
            einsum_bar(y_bar, s, 5, op0, op1, op2, op3, op4, np.shape(op5), op6, op7,
                       optimize),
            einsum_bar(y_bar, s, 6, op0, op1, op2, op3, op4, op5, np.shape(op6), op7,
                       optimize),
            einsum_bar(y_bar, s, 7, op0, op1, op2, op3, op4, op5, op6, np.shape(op7),
                       optimize))


@tangent(np.einsum)
def einsum_tangent(y, subscripts, op0, op1, op2, op3, op4, op5, op6, op7, optimize, dtype,
                   subscripts_dot, op0_dot, op1_dot, op2_dot, op3_dot, op4_dot, op5_dot,
                   op6_dot, op7_dot):
    s = einsum_check(subscripts)
    return (einsum_refused(subscripts_dot)
            + einsum_of(s, op0_dot, op1, op2, op3, op4, op5, op6, op7, optimize)
            + einsum_of(s, op0, op1_dot, op2, op3, op4, op5, op6, op7, optimize)
            + einsum_of(s, op0, op1, op2_dot, op3, op4, op5, op6, op7, optimize)
            + einsum_of(s, op0, op1, op2, op3_dot, op4, op5, op6, op7, optimize)
            + einsum_of(s, op0, op1, op2, op3, op4_dot, op5, op6, op7, optimize)
            + einsum_of(s, op0, op1, op2, op3, op4, op5_dot, op6, op7, optimize)
            + einsum_of(s, op0, op1, op2, op3, op4, op5, op6_dot, op7, optimize)
            + einsum_of(s, op0, op1, op2, op3, op4, op5, op6, op7_dot, optimize))


@adjoint(np.tensordot, nondiff=("axes",), allocates=True)
def tensordot_adjoint(y, y_bar, a, b, axes=2):
    s = tensordot_subscripts(np.ndim(a), np.ndim(b), axes)
    return einsum_bar(y_bar, s, 0, np.shape(a), b), einsum_bar(y_bar, s, 1, a, np.shape(b))


@tangent(np.tensordot)
def tensordot_tangent(y, a, b, axes, a_dot, b_dot):
    return np.tensordot(a_dot, b, axes) + np.tensordot(a, b_dot, axes)


@adjoint(np.inner, allocates=True)
def inner_adjoint(y, y_bar, a, b):
    s = inner_subscripts(np.ndim(a), np.ndim(b))
    return einsum_bar(y_bar, s, 0, np.shape(a), b), einsum_bar(y_bar, s, 1, a, np.shape(b))


@tangent(np.inner)
def inner_tangent(y, a, b, a_dot, b_dot):
    return np.inner(a_dot, b) + np.inner(a, b_dot)


# np.vdot flattens both arguments (real values: no conjugate)
@adjoint(np.vdot, allocates=True)
def vdot_adjoint(y, y_bar, a, b):
    return np.reshape(y_bar * np.ravel(b), np.shape(a)), np.reshape(y_bar * np.ravel(a),
                                                                      np.shape(b))


@tangent(np.vdot)
def vdot_tangent(y, a, b, a_dot, b_dot):
    return np.vdot(a_dot, b) + np.vdot(a, b_dot)


@adjoint(np.kron, allocates=True)
def kron_adjoint(y, y_bar, a, b):
    return kron_lhs_bar(y_bar, a, b), kron_rhs_bar(y_bar, a, b)


@tangent(np.kron)
def kron_tangent(y, a, b, a_dot, b_dot):
    return np.kron(a_dot, b) + np.kron(a, b_dot)


# 3-vectors along axisa/axisb/axisc (or axis), broadcast over the other axes;
# 2-vectors (deprecated by numpy 2) are 3-vectors of z component 0
@adjoint(np.cross, nondiff=("axisa", "axisb", "axisc", "axis"), allocates=True)
def cross_adjoint(y, y_bar, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return (cross_lhs_bar(y_bar, a, b, axisa, axisb, axisc, axis),
            cross_rhs_bar(y_bar, a, b, axisa, axisb, axisc, axis))


@tangent(np.cross)
def cross_tangent(y, a, b, axisa, axisb, axisc, axis, a_dot, b_dot):
    return (cross_of(a_dot, b, axisa, axisb, axisc, axis)   # (lazily on Dask tangents)
            + cross_of(a, b_dot, axisa, axisb, axisc, axis))
