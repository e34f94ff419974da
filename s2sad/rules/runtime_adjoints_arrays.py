"""Adjoint rules of the array helpers of the structure area that generated gradient code
calls (diagonals, tiles, repeats, rolls, pads, flattening; np.kron's and np.cross's
products; joining, splitting and selecting; quantiles), so that gradient code can be
differentiated in reverse mode again, and the rules of the tangent helpers of
:mod:`s2sad.runtime_forward`'s kin that forward code calls (``pad_dot``, ``flatten_dot``).

Each helper is linear in its adjoint argument: its adjoint is its transpose, most often
the numpy function it is the adjoint of (``tile_bar``'s is ``np.tile``), which has rules.
"""

import numpy as np

from ..runtime.adjoints_structure import tree_part
from ..runtime.contractions import (cross_lhs_bar, cross_of, cross_rhs_bar, kron_lhs_bar,
                                    kron_rhs_bar)
from ..runtime.index_tricks import c_joined, c_joined_bar, r_joined, r_joined_bar
from ..runtime.quantiles import constant_q, constant_q_dot, quantile_bar, quantile_dot
from ..runtime.selection import (append_bar, block_bar, choose_bar, choose_of, column_stack_bar,
                                 dsplit_bar, select_of,
                                 dstack_bar, extract_bar, hsplit_bar, hstack_bar, item_value_bar,
                                 item_value_dot, reorder_bar, reorder_dot, scatter_add,
                                 scatter_add_bar, select_bar, split_bar, take_along_axis_bar,
                                 take_bar, vsplit_bar, vstack_bar, hstack_of, split_of,
                                 take_along_of, take_of)
from ..runtime.shapes import zeros_like
from ..runtime.structure import (diag_bar, diagonal_bar, flatten_bar, flatten_dot, pad_bar,
                                 pad_constant_bar, pad_dot, repeat_array_bar, roll_bar,
                                 rollaxis_bar, tile_bar)
from .registry import adjoint, tangent

# -------------------------------------------------------------------- structure


@adjoint(diag_bar, nondiff=("v", "k"))
def diag_bar_adjoint(y, y_bar, g, v, k=0):
    return np.diag(y_bar, k)


@adjoint(diagonal_bar, nondiff=("a", "offset", "axis1", "axis2"))
def diagonal_bar_adjoint(y, y_bar, g, a, offset=0, axis1=0, axis2=1):
    return np.diagonal(y_bar, offset, axis1, axis2)


@adjoint(tile_bar, nondiff=("A", "reps"))
def tile_bar_adjoint(y, y_bar, g, A, reps):
    return np.tile(y_bar, reps)


@adjoint(repeat_array_bar, nondiff=("a", "repeats", "axis"))
def repeat_array_bar_adjoint(y, y_bar, g, a, repeats, axis=None):
    return np.repeat(y_bar, repeats, axis)


@adjoint(roll_bar, nondiff=("shift", "axis"))
def roll_bar_adjoint(y, y_bar, g, shift, axis=None):
    return np.roll(y_bar, shift, axis)


@adjoint(rollaxis_bar, nondiff=("a", "axis", "start"))
def rollaxis_bar_adjoint(y, y_bar, g, a, axis, start=0):
    return np.rollaxis(y_bar, axis, start)


@adjoint(pad_bar, nondiff=("array", "pad_width", "mode"))
def pad_bar_adjoint(y, y_bar, g, array, pad_width, mode="constant"):
    return pad_dot(y_bar, pad_width, mode)


@adjoint(pad_constant_bar, nondiff=("array", "pad_width", "mode", "constant_values"))
def pad_constant_bar_adjoint(y, y_bar, g, array, pad_width, mode="constant",
                             constant_values=0):
    return pad_dot(zeros_like(array), pad_width, mode, y_bar)


@adjoint(pad_dot, nondiff=("pad_width", "mode"), linear=True)
def pad_dot_adjoint(y, y_bar, array_dot, pad_width, mode="constant", constant_values_dot=0.0):
    return (pad_bar(y_bar, array_dot, pad_width, mode),
            pad_constant_bar(y_bar, array_dot, pad_width, mode, constant_values_dot))


@adjoint(flatten_bar, nondiff=("a", "order"))
def flatten_bar_adjoint(y, y_bar, g, a, order="C"):
    return flatten_dot(a, y_bar, order)


@adjoint(flatten_dot, nondiff=("a", "order"), linear=True)
def flatten_dot_adjoint(y, y_bar, a, a_dot, order="C"):
    return flatten_bar(y_bar, a, order)


# ------------------------------------------------------------ np.kron, np.cross
# <y_bar, kron_lhs_bar(g, a, b)> = <g, np.kron(y_bar, b)>: the transpose in g is that
# product, and the derivative in b the adjoint of its second factor (cross alike)


@adjoint(kron_lhs_bar, nondiff=("a",))
def kron_lhs_bar_adjoint(y, y_bar, g, a, b):
    return np.kron(y_bar, b), kron_rhs_bar(g, y_bar, b)


@adjoint(kron_rhs_bar, nondiff=("b",))
def kron_rhs_bar_adjoint(y, y_bar, g, a, b):
    return np.kron(a, y_bar), kron_lhs_bar(g, a, y_bar)


@adjoint(cross_lhs_bar, nondiff=("a", "axisa", "axisb", "axisc", "axis"))
def cross_lhs_bar_adjoint(y, y_bar, g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return (cross_of(y_bar, b, axisa, axisb, axisc, axis),
            cross_rhs_bar(g, y_bar, b, axisa, axisb, axisc, axis))


@adjoint(cross_rhs_bar, nondiff=("b", "axisa", "axisb", "axisc", "axis"))
def cross_rhs_bar_adjoint(y, y_bar, g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return (cross_of(a, y_bar, axisa, axisb, axisc, axis),
            cross_lhs_bar(g, a, y_bar, axisa, axisb, axisc, axis))


@adjoint(cross_of, nondiff=("axisa", "axisb", "axisc", "axis"), allocates=True)
def cross_of_adjoint(y, y_bar, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return (cross_lhs_bar(y_bar, a, b, axisa, axisb, axisc, axis),
            cross_rhs_bar(y_bar, a, b, axisa, axisb, axisc, axis))


@tangent(cross_of)
def cross_of_tangent(y, a, b, axisa, axisb, axisc, axis, a_dot, b_dot):
    return (cross_of(a_dot, b, axisa, axisb, axisc, axis)
            + cross_of(a, b_dot, axisa, axisb, axisc, axis))


# -------------------------------------------------------------------- quantiles
# linear in g (in a_dot): the ranks a quantile reads are constant where it has a
# derivative; q must be a constant, refused (constant_q) where it carries a derivative


@adjoint(quantile_bar, nondiff=("a", "axis", "method", "keepdims", "scale", "skipnan"))
def quantile_bar_adjoint(y, y_bar, g, a, q, axis=None, method="linear", keepdims=False,
                         scale=1.0, skipnan=False):
    return (tree_part(quantile_dot(a, y_bar, q, axis, method, keepdims, scale, skipnan), g),
            constant_q("np.quantile"))


@tangent(quantile_bar)
def quantile_bar_tangent(y, g, a, q, axis, method, keepdims, scale, skipnan, g_dot, q_dot):
    return (quantile_bar(g_dot, a, q, axis, method, keepdims, scale, skipnan)
            + constant_q_dot(q_dot, "np.quantile"))


@adjoint(quantile_dot, nondiff=("a", "axis", "method", "keepdims", "scale", "skipnan"))
def quantile_dot_adjoint(y, y_bar, a, a_dot, q, axis=None, method="linear", keepdims=False,
                         scale=1.0, skipnan=False):
    return (tree_part(quantile_bar(y_bar, a, q, axis, method, keepdims, scale, skipnan), a_dot),
            constant_q("np.quantile"))


@tangent(quantile_dot)
def quantile_dot_tangent(y, a, a_dot, q, axis, method, keepdims, scale, skipnan, a_dot_dot,
                         q_dot):
    return (quantile_dot(a, a_dot_dot, q, axis, method, keepdims, scale, skipnan)
            + constant_q_dot(q_dot, "np.quantile"))


# -------------------------------------------------------------------- selection
# each the numpy function it is the adjoint of, of the cotangent in the structure of
# the adjoint it transposes (tree_part: zeros where an item has none)


@adjoint(hstack_bar, nondiff=("tup",))
def hstack_bar_adjoint(y, y_bar, g, tup):
    return hstack_of(tree_part(y_bar, y))


@adjoint(vstack_bar, nondiff=("tup",))
def vstack_bar_adjoint(y, y_bar, g, tup):
    return np.vstack(tree_part(y_bar, y))


@adjoint(dstack_bar, nondiff=("tup",))
def dstack_bar_adjoint(y, y_bar, g, tup):
    return np.dstack(tree_part(y_bar, y))


@adjoint(r_joined_bar, nondiff=("pieces",))
def r_joined_bar_adjoint(y, y_bar, g, pieces):
    return r_joined(tree_part(y_bar, y))


@adjoint(c_joined_bar, nondiff=("pieces",))
def c_joined_bar_adjoint(y, y_bar, g, pieces):
    return c_joined(tree_part(y_bar, y))


@adjoint(column_stack_bar, nondiff=("tup",))
def column_stack_bar_adjoint(y, y_bar, g, tup):
    return np.column_stack(tree_part(y_bar, y))


@adjoint(append_bar, nondiff=("arr", "values", "axis"), tuple_output=True)
def append_bar_adjoint(y, y_bar, g, arr, values, axis=None):
    parts = tree_part(y_bar, y)
    return np.reshape(np.append(parts[0], parts[1], axis), np.shape(g))


@adjoint(block_bar, nondiff=("arrays",))
def block_bar_adjoint(y, y_bar, g, arrays):
    return np.reshape(np.block(tree_part(y_bar, y)), np.shape(g))


@adjoint(split_bar, nondiff=("ary", "indices_or_sections", "axis"))
def split_bar_adjoint(y, y_bar, g, ary, indices_or_sections, axis=0):
    return tree_part(split_of(y_bar, indices_or_sections, axis), g)


@adjoint(hsplit_bar, nondiff=("ary", "indices_or_sections"))
def hsplit_bar_adjoint(y, y_bar, g, ary, indices_or_sections):
    return tree_part(split_of(y_bar, indices_or_sections, 1 if np.ndim(y_bar) > 1 else 0), g)


@adjoint(vsplit_bar, nondiff=("ary", "indices_or_sections"))
def vsplit_bar_adjoint(y, y_bar, g, ary, indices_or_sections):
    return tree_part(split_of(y_bar, indices_or_sections, 0), g)


@adjoint(dsplit_bar, nondiff=("ary", "indices_or_sections"))
def dsplit_bar_adjoint(y, y_bar, g, ary, indices_or_sections):
    return tree_part(split_of(y_bar, indices_or_sections, 2), g)


@adjoint(take_bar, nondiff=("a", "indices", "axis", "mode"))
def take_bar_adjoint(y, y_bar, g, a, indices, axis=None, mode="raise"):
    return tree_part(take_of(y_bar, indices, axis, mode), g)


@adjoint(take_along_axis_bar, nondiff=("arr", "indices", "axis"))
def take_along_axis_bar_adjoint(y, y_bar, g, arr, indices, axis=-1):
    return tree_part(take_along_of(y_bar, indices, axis), g)


@adjoint(hstack_of, linear=True, allocates=True)
def hstack_of_adjoint(y, y_bar, tup):
    return hstack_bar(y_bar, tup)


@adjoint(split_of, nondiff=("indices_or_sections", "axis"), linear=True, view=True)
def split_of_adjoint(y, y_bar, ary, indices_or_sections, axis=0):
    return split_bar(y_bar, ary, indices_or_sections, axis)


@adjoint(take_of, nondiff=("indices", "axis", "mode"), linear=True, allocates=True)
def take_of_adjoint(y, y_bar, a, indices, axis=None, mode="raise"):
    return take_bar(y_bar, a, indices, axis, mode)


@adjoint(take_along_of, nondiff=("indices", "axis"), linear=True, allocates=True)
def take_along_of_adjoint(y, y_bar, arr, indices, axis=-1):
    return take_along_axis_bar(y_bar, arr, indices, axis)


@adjoint(choose_bar, nondiff=("a", "choices", "mode"))
def choose_bar_adjoint(y, y_bar, g, a, choices, mode="raise"):
    return tree_part(choose_of(a, tree_part(y_bar, y), mode), g)


@adjoint(select_bar, nondiff=("condlist", "choicelist", "default"), tuple_output=True)
def select_bar_adjoint(y, y_bar, g, condlist, choicelist, default=0):
    parts = tree_part(y_bar, y)
    return tree_part(select_of(condlist, parts[0], parts[1]), g)


@adjoint(choose_of, nondiff=("a", "mode"))
def choose_of_adjoint(y, y_bar, a, choices, mode="raise"):
    return choose_bar(y_bar, a, choices, mode)


@adjoint(select_of, nondiff=("condlist",))
def select_of_adjoint(y, y_bar, condlist, choicelist, default=0):
    parts = select_bar(y_bar, condlist, choicelist, default)
    return parts[0], parts[1]


@adjoint(reorder_bar, nondiff=("a", "order", "axis"))
def reorder_bar_adjoint(y, y_bar, g, a, order, axis):
    return tree_part(reorder_dot(y_bar, order, axis), g)


@adjoint(reorder_dot, nondiff=("order", "axis"))
def reorder_dot_adjoint(y, y_bar, t, order, axis):
    return reorder_bar(y_bar, t, order, axis)


@adjoint(item_value_bar, nondiff=("a", "index"))
def item_value_bar_adjoint(y, y_bar, g, a, index=None):
    return item_value_dot(y_bar, index)


@adjoint(item_value_dot, nondiff=("index",))
def item_value_dot_adjoint(y, y_bar, t, index=None):
    return item_value_bar(y_bar, t, index)


@adjoint(extract_bar, nondiff=("condition", "arr"))
def extract_bar_adjoint(y, y_bar, g, condition, arr):
    return tree_part(np.extract(condition, y_bar), g)


@adjoint(scatter_add_bar, nondiff=("indices", "values"))
def scatter_add_bar_adjoint(y, y_bar, g, indices, values):
    return scatter_add(g, indices, y_bar)
