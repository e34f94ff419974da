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
from ..runtime.contractions import cross_lhs_bar, cross_rhs_bar, kron_lhs_bar, kron_rhs_bar
from ..runtime.quantiles import quantile_bar, quantile_dot
from ..runtime.shapes import zeros_like
from ..runtime.structure import (diag_bar, diagonal_bar, flatten_bar, flatten_dot, pad_bar,
                                 pad_constant_bar, pad_dot, repeat_array_bar, roll_bar,
                                 rollaxis_bar, tile_bar)
from .registry import adjoint

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
    return (np.cross(y_bar, b, axisa, axisb, axisc, axis),
            cross_rhs_bar(g, y_bar, b, axisa, axisb, axisc, axis))


@adjoint(cross_rhs_bar, nondiff=("b", "axisa", "axisb", "axisc", "axis"))
def cross_rhs_bar_adjoint(y, y_bar, g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return (np.cross(a, y_bar, axisa, axisb, axisc, axis),
            cross_lhs_bar(g, a, y_bar, axisa, axisb, axisc, axis))


# -------------------------------------------------------------------- quantiles
# linear in g (in a_dot): the ranks a quantile reads are constant where it has a
# derivative, and q is a constant (the rules of np.quantile refuse one that is not)


@adjoint(quantile_bar, nondiff=("a", "q", "axis", "method", "keepdims", "scale", "skipnan"))
def quantile_bar_adjoint(y, y_bar, g, a, q, axis=None, method="linear", keepdims=False,
                         scale=1.0, skipnan=False):
    return tree_part(quantile_dot(a, y_bar, q, axis, method, keepdims, scale, skipnan), g)


@adjoint(quantile_dot, nondiff=("a", "q", "axis", "method", "keepdims", "scale", "skipnan"),
         linear=True)
def quantile_dot_adjoint(y, y_bar, a, a_dot, q, axis=None, method="linear", keepdims=False,
                         scale=1.0, skipnan=False):
    return tree_part(quantile_bar(y_bar, a, q, axis, method, keepdims, scale, skipnan), a_dot)
