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

from ..runtime import (add_at, add_at_key, dot_lhs_bar, dot_rhs_bar, getitem_bar, item_bar,
                       matmul_lhs_bar, matmul_rhs_bar, mean_bar, mean_bar_bar, overwritten,
                       read_at, stored_part, sum_bar, sum_bar_bar, unbroadcast,
                       unbroadcast_to, written_bar, zero_at, zeros_like)
from ..runtime_forward import broadcast_like, index_set
from .registry import adjoint

# ------------------------------------------------------------------ shapes


# (unbroadcast_to(g, s) spreads g to the broadcast of both shapes, then sums it down
# to s: its transpose is the same between the shapes the other way round)
@adjoint(unbroadcast, nondiff=("like",))
def unbroadcast_adjoint(y, y_bar, g, like):
    return unbroadcast_to(y_bar, np.shape(g))


@adjoint(unbroadcast_to, nondiff=("target",))
def unbroadcast_to_adjoint(y, y_bar, g, target):
    return unbroadcast_to(y_bar, np.shape(g))


@adjoint(broadcast_like, nondiff=("like",))
def broadcast_like_adjoint(y, y_bar, t, like):
    return unbroadcast_to(y_bar, np.shape(t))


# ------------------------------------------------------------------ reductions


@adjoint(sum_bar, nondiff=("x", "axis", "keepdims"))
def sum_bar_adjoint(y, y_bar, g, x, axis=None, keepdims=False):
    return sum_bar_bar(y_bar, np.shape(g), axis, keepdims)


@adjoint(sum_bar_bar, nondiff=("g_shape", "axis", "keepdims"))
def sum_bar_bar_adjoint(y, y_bar, t, g_shape, axis=None, keepdims=False):
    return sum_bar(y_bar, t, axis, keepdims)


@adjoint(mean_bar, nondiff=("x", "axis", "keepdims"))
def mean_bar_adjoint(y, y_bar, g, x, axis=None, keepdims=False):
    return mean_bar_bar(y_bar, np.shape(g), axis, keepdims)


@adjoint(mean_bar_bar, nondiff=("g_shape", "axis", "keepdims"))
def mean_bar_bar_adjoint(y, y_bar, t, g_shape, axis=None, keepdims=False):
    return mean_bar(y_bar, t, axis, keepdims)


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
