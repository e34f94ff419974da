"""Adjoint rules of the core runtime helpers that generated gradient code calls
(shapes, sums, products, subscripts): reverse mode over gradient code, so a
derivative inside a differentiated function is differentiated through.

The helpers are linear in their adjoint argument (``g``), and the products'
``*_bar`` helpers bilinear in ``g`` and the other factor: each adjoint is the
transpose of the helper, written with helpers whose own adjoints close the
circle (``unbroadcast_to`` is its own transpose between two shapes; ``sum_bar``
and ``sum_bar_bar`` transpose each other, as do ``add_at``/``getitem_bar`` and
``read_at``, ``index_set`` and ``zero_at``/``written_bar``).  Their tangent rules
are derived from their ``linear`` facts (:mod:`.runtime_rules`) or written beside
them.  Arguments read for their shape, axes and indices carry no derivative.
"""

import numpy as np

from ..runtime import (add_at, add_at_key, add_into, beyond_order, cast_bar, cast_dot,
                       kept_or_cast_dot,
                       concatenate_bar, concatenate_parts, dot_lhs_bar, dot_rhs_bar,
                       expand_summed, extremum_bar, float_only,
                       getitem_bar, item_bar, matmul_lhs_bar, matmul_rhs_bar, matmul_shape,
                       mean_bar, mean_bar_bar, outer_lhs_bar, outer_rhs_bar, overwritten,
                       prod_bar, prod_bar_x_dot2, read_at, sequence_bar, snapshot, stack_bar,
                       stack_parts, stored_part, unpacked_bar, unpacked_parts, sum_bar, sum_bar_bar, transpose_bar,
                       unbroadcast, unbroadcast_to, written_bar, zero_at, zeros_like)
from ..runtime.checks import check_in_place, check_real_result
from ..runtime.guards import (ensure_own_dicts, ensure_real_target, ensure_same_kind,
                              kept_argument,
                              unshared)
from ..runtime.indexing import container_add_at
from ..runtime_forward import broadcast_like, index_set, prod_bar_x_dot, writable_copy
from .registry import adjoint, nondifferentiable, tangent

# which shape a product has, which dicts an argument holds: no derivative
nondifferentiable(matmul_shape, ensure_own_dicts, beyond_order)
# a helper's 'p *= c' updates the caller's array (refused for a number): no derivative
nondifferentiable(check_in_place)
# a complex value out of a user's rule (refused): no derivative
nondifferentiable(check_real_result)

# ------------------------------------------------------------------ shapes


# (unbroadcast_to(g, s) spreads g to the broadcast of both shapes, then sums it down
# to s: its transpose is the same between the shapes the other way round)
@adjoint(unbroadcast, nondiff=("like",))
def unbroadcast_adjoint(y, y_bar, g, like):
    return unbroadcast_to(y_bar, np.shape(g))


@adjoint(unbroadcast_to, nondiff=("target",))
def unbroadcast_to_adjoint(y, y_bar, g, target):
    return unbroadcast_to(y_bar, np.shape(g))


# (the summed axes of length 1 taken out again: y_bar has y's shape, g's size)
@adjoint(expand_summed, nondiff=("axis",))
def expand_summed_adjoint(y, y_bar, g, axis):
    return np.reshape(y_bar, np.shape(g))


@adjoint(broadcast_like, nondiff=("like",))
def broadcast_like_adjoint(y, y_bar, t, like):
    return unbroadcast_to(y_bar, np.shape(t))


# copies and checks that return their argument: the adjoint passes through
@adjoint(writable_copy)
def writable_copy_adjoint(y, y_bar, t):
    return y_bar


@adjoint(snapshot)
def snapshot_adjoint(y, y_bar, x):
    return y_bar


@adjoint(unshared, nondiff=("others",))
def unshared_adjoint(y, y_bar, g, others):
    return y_bar


@adjoint(ensure_real_target, nondiff=("filename", "line", "column", "tangent"))
def ensure_real_target_adjoint(y, y_bar, array, filename, line, column, tangent=0.0):
    return y_bar


@adjoint(kept_argument, nondiff=("message", "hint", "filename", "line", "column"))
def kept_argument_adjoint(y, y_bar, a, message, hint, filename, line, column):
    return y_bar


@adjoint(ensure_same_kind, nondiff=("value", "filename", "line", "column"))
def ensure_same_kind_adjoint(y, y_bar, array, value, filename, line, column):
    return y_bar


# (a cast to an integer or bool dtype is constant: cast_dot and cast_bar give zeros for it;
# each is the other's transpose, between y's shape and x's: np.array(x, ndmin=2))
@adjoint(cast_bar, nondiff=("y", "x"))
def cast_bar_adjoint(out, out_bar, g, y, x):
    return cast_dot(out_bar, y)


@adjoint(cast_dot, nondiff=("y",), linear=True, allocates=True)   # (fresh, or zeros)
def cast_dot_adjoint(out, out_bar, t, y):
    return cast_bar(out_bar, y, t)


# (t itself, or a new array of its values in y's dtype: the same adjoint either way)
@adjoint(kept_or_cast_dot, nondiff=("y", "a"), linear=True)
def kept_or_cast_dot_adjoint(out, out_bar, t, y, a):
    return float_only(out_bar, y)


@adjoint(float_only, nondiff=("y",))
def float_only_adjoint(out, out_bar, g, y):
    return float_only(out_bar, y)


# ------------------------------------------------------------------ reductions


# (where: the mask of np.sum(x, where=m), a constant)
@adjoint(sum_bar, nondiff=("x", "axis", "keepdims", "where"))
def sum_bar_adjoint(y, y_bar, g, x, axis=None, keepdims=False, where=True):
    return sum_bar_bar(y_bar, np.shape(g), axis, keepdims, where)


@adjoint(sum_bar_bar, nondiff=("g_shape", "axis", "keepdims", "where"))
def sum_bar_bar_adjoint(y, y_bar, t, g_shape, axis=None, keepdims=False, where=True):
    return sum_bar(y_bar, t, axis, keepdims, where)


@adjoint(mean_bar, nondiff=("x", "axis", "keepdims", "where"))
def mean_bar_adjoint(y, y_bar, g, x, axis=None, keepdims=False, where=True):
    return mean_bar_bar(y_bar, np.shape(g), axis, keepdims, where)


@adjoint(mean_bar_bar, nondiff=("g_shape", "axis", "keepdims", "where"))
def mean_bar_bar_adjoint(y, y_bar, t, g_shape, axis=None, keepdims=False, where=True):
    return mean_bar(y_bar, t, axis, keepdims, where)


# which elements are extremal is piecewise constant in y and x: the adjoint in g is the
# sum of y_bar over the extrema, shared as extremum_bar shares g among ties
@adjoint(extremum_bar, nondiff=("y", "x", "axis", "keepdims", "initial", "where"))
def extremum_bar_adjoint(out, out_bar, g, y, x, axis=None, keepdims=False, initial=None,
                         where=True):
    return sum_bar_bar(out_bar * extremum_bar(np.ones(np.shape(g)), y, x, axis, keepdims,
                                              initial, where),
                       np.shape(g), axis, keepdims)


# prod_bar(g, x) is g times the products of the other elements: its derivative in x is
# the symmetric second derivative of the product, prod_bar_x_dot along y_bar (where, the
# mask of np.prod(x, where=m), and initial, its constant factor, passed on as they are)
@adjoint(prod_bar, nondiff=("axis", "keepdims", "where", "initial"))
def prod_bar_adjoint(y, y_bar, g, x, axis=None, keepdims=False, where=True, initial=None):
    return (sum_bar_bar(y_bar * prod_bar(np.ones(np.shape(g)), x, axis, keepdims, where,
                                         initial),
                        np.shape(g), axis, keepdims),
            prod_bar_x_dot(g, x, y_bar, axis, keepdims, where, initial))


@adjoint(prod_bar_x_dot, nondiff=("axis", "keepdims", "where", "initial"))
def prod_bar_x_dot_adjoint(y, y_bar, g, x, v, axis=None, keepdims=False, where=True,
                           initial=None):
    return (sum_bar_bar(y_bar * prod_bar_x_dot(np.ones(np.shape(g)), x, v, axis, keepdims,
                                               where, initial),
                        np.shape(g), axis, keepdims),
            prod_bar_x_dot2(g, x, v, y_bar, axis, keepdims, where, initial),
            unbroadcast_to(prod_bar_x_dot(g, x, y_bar, axis, keepdims, where, initial),
                           np.shape(v)))


@tangent(prod_bar_x_dot)
def prod_bar_x_dot_tangent(y, g, x, v, axis, keepdims, where, initial, g_dot, x_dot, v_dot):
    return (prod_bar_x_dot(g_dot, x, v, axis, keepdims, where, initial)
            + prod_bar_x_dot2(g, x, v, x_dot, axis, keepdims, where, initial)
            + prod_bar_x_dot(g, x, v_dot, axis, keepdims, where, initial))


# (np.prod's fourth derivative, in x here, is refused by beyond_order)
@adjoint(prod_bar_x_dot2, nondiff=("axis", "keepdims", "where", "initial"))
def prod_bar_x_dot2_adjoint(y, y_bar, g, x, u, v, axis=None, keepdims=False, where=True,
                            initial=None):
    return (sum_bar_bar(y_bar * prod_bar_x_dot2(np.ones(np.shape(g)), x, u, v, axis, keepdims,
                                                where, initial),
                        np.shape(g), axis, keepdims),
            beyond_order(y_bar, x, "np.prod", 3),
            unbroadcast_to(prod_bar_x_dot2(g, x, y_bar, v, axis, keepdims, where, initial),
                           np.shape(u)),
            unbroadcast_to(prod_bar_x_dot2(g, x, u, y_bar, axis, keepdims, where, initial),
                           np.shape(v)))


@tangent(prod_bar_x_dot2)
def prod_bar_x_dot2_tangent(y, g, x, u, v, axis, keepdims, where, initial, g_dot, x_dot,
                            u_dot, v_dot):
    return (prod_bar_x_dot2(g_dot, x, u, v, axis, keepdims, where, initial)
            + prod_bar_x_dot2(g, x, u_dot, v, axis, keepdims, where, initial)
            + prod_bar_x_dot2(g, x, u, v_dot, axis, keepdims, where, initial)
            + beyond_order(x_dot, x, "np.prod", 3))


# ------------------------------------------------------------------ products

# dot_lhs_bar(g, a, b) is the transpose of a -> np.dot(a, b) applied to g (a is read
# for its shape): its transpose in g is that map again, and in b the adjoint of the
# other factor of np.dot(y_bar, b) against g


@adjoint(dot_lhs_bar, nondiff=("a",))
def dot_lhs_bar_adjoint(y, y_bar, g, a, b):
    return np.dot(y_bar, b), dot_rhs_bar(g, y_bar, b)


@adjoint(dot_rhs_bar, nondiff=("b",))
def dot_rhs_bar_adjoint(y, y_bar, g, a, b):
    return np.dot(a, y_bar), dot_lhs_bar(g, a, y_bar)


# (g may be larger than the product, which the helpers first sum down: its adjoint
# spreads back)
@adjoint(matmul_lhs_bar, nondiff=("a",))
def matmul_lhs_bar_adjoint(y, y_bar, g, a, b):
    return unbroadcast_to(np.matmul(y_bar, b), np.shape(g)), matmul_rhs_bar(g, y_bar, b)


@adjoint(matmul_rhs_bar, nondiff=("b",))
def matmul_rhs_bar_adjoint(y, y_bar, g, a, b):
    return unbroadcast_to(np.matmul(a, y_bar), np.shape(g)), matmul_lhs_bar(g, a, y_bar)


@adjoint(outer_lhs_bar, nondiff=("a",))
def outer_lhs_bar_adjoint(y, y_bar, g, a, b):
    return np.outer(y_bar, b), outer_rhs_bar(g, y_bar, b)


@adjoint(outer_rhs_bar, nondiff=("b",))
def outer_rhs_bar_adjoint(y, y_bar, g, a, b):
    return np.outer(a, y_bar), outer_lhs_bar(g, a, y_bar)


# ------------------------------------------------------------------ subscripts


@adjoint(getitem_bar, nondiff=("x", "index"))
def getitem_bar_adjoint(y, y_bar, g, x, index):
    return read_at(y_bar, index, g)


@adjoint(add_at, nondiff=("index",))
def add_at_adjoint(y, y_bar, x_bar, index, g):
    return y_bar, read_at(y_bar, index, g)


@adjoint(add_at_key, nondiff=("index",))
def add_at_key_adjoint(y, y_bar, x_bar, index, g):
    return y_bar, read_at(y_bar, index, g)


@adjoint(add_into, nondiff=("index",))
def add_into_adjoint(y, y_bar, x_bar, index, g):
    return y_bar, read_at(y_bar, index, g)


@adjoint(read_at, nondiff=("index", "like"))
def read_at_adjoint(y, y_bar, g, index, like):
    return item_bar(g, index, y_bar)


@adjoint(index_set, nondiff=("index",))
def index_set_adjoint(y, y_bar, x, index, value):
    return zero_at(y_bar, index), written_bar(y_bar, index, value)


@adjoint(written_bar, nondiff=("index", "value"))
def written_bar_adjoint(y, y_bar, g, index, value):
    return index_set(zeros_like(g), index, y_bar)


@adjoint(zero_at, nondiff=("index",))
def zero_at_adjoint(y, y_bar, g, index):
    return zero_at(y_bar, index)


@adjoint(stored_part, nondiff=("index",))
def stored_part_adjoint(y, y_bar, g, index):
    return index_set(zeros_like(g), index, y_bar)


@adjoint(overwritten, nondiff=("index",))
def overwritten_adjoint(y, y_bar, x, index):
    return item_bar(x, index, y_bar)


@adjoint(container_add_at, nondiff=("index",), linear=True)
def container_add_at_adjoint(y, y_bar, x, index, value):
    return y_bar, read_at(y_bar, index, value)


# ------------------------------------------------------------------ joining

# concatenate_bar and stack_bar split an adjoint into a list of parts; concatenate_parts
# and stack_parts join the parts back: each pair transposes the other


@adjoint(transpose_bar, nondiff=("axes",))
def transpose_bar_adjoint(y, y_bar, g, axes=None):
    return np.transpose(y_bar, axes)


@adjoint(concatenate_bar, nondiff=("arrays", "axis"))
def concatenate_bar_adjoint(y, y_bar, g, arrays, axis=0):
    return concatenate_parts(y_bar, arrays, axis)


@adjoint(concatenate_parts, nondiff=("arrays", "axis"))
def concatenate_parts_adjoint(y, y_bar, parts, arrays, axis=0):
    return concatenate_bar(y_bar, arrays, axis)


@adjoint(stack_bar, nondiff=("arrays", "axis"))
def stack_bar_adjoint(y, y_bar, g, arrays, axis=0):
    return stack_parts(y_bar, arrays, axis)


@adjoint(stack_parts, nondiff=("arrays", "axis"))
def stack_parts_adjoint(y, y_bar, parts, arrays, axis=0):
    return stack_bar(y_bar, arrays, axis)


@adjoint(unpacked_bar, nondiff=("source",))
def unpacked_bar_adjoint(y, y_bar, parts, source):
    return unpacked_parts(y_bar, parts)


@adjoint(unpacked_parts, nondiff=("parts",))
def unpacked_parts_adjoint(y, y_bar, g, parts):
    return unpacked_bar(y_bar, g)


@adjoint(sequence_bar)
def sequence_bar_adjoint(y, y_bar, items):
    return y_bar
