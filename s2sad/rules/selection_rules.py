"""Rules for joining, splitting, selecting and sorting (issue 14): ``np.hstack``,
``np.vstack`` (``np.row_stack``), ``np.dstack``, ``np.column_stack``, ``np.append``,
``np.block``; ``np.split``, ``np.array_split``, ``np.hsplit``, ``np.vsplit``, ``np.dsplit``
(several outputs: a list); ``np.take``, ``np.take_along_axis``, ``np.choose``,
``np.select``, ``np.extract``, ``np.compress``; ``np.sort`` and ``np.partition`` (the
values); the ``np.add.at``/``np.subtract.at`` writes and ``np.bincount``'s weights; and
the methods ``x.take()``, ``x.choose()``, ``x.clip()``, ``x.round()``, ``x.item()``.

Indices, index arrays, conditions and ``kth`` are constants.  Each adjoint is a runtime
helper of :mod:`s2sad.runtime.selection` (or numpy itself) linear in the adjoint, so
second order needs nothing more.  ``np.msort`` is gone from numpy 2 (``np.sort(a,
axis=0)``); ``x.sort()`` and ``x.partition()`` sort in place and are refused
(``syntax.normalize.views``), as are ``np.put_along_axis`` and the other ufuncs' ``.at``.
"""

import inspect

import numpy as np

from ..runtime.selection import (append_bar, block_bar, choose_bar, column_stack_bar,
                                 dsplit_bar, dstack_bar, extract_bar, hsplit_bar, hstack_bar,
                                 hstack_of, take_along_of,
                                 item_of, item_value_bar, item_value_dot, reorder_bar,
                                 reorder_dot,
                                 scatter_add, scatter_add_bar, select_bar, select_of,
                                 sort_order,
                                 split_bar, take_along_axis_bar, take_bar, vsplit_bar,
                                 vstack_bar)
from ..runtime.index_tricks import c_joined, c_joined_bar, r_joined, r_joined_bar
from . import identity, registry
from .item_calls import declare_item_call
from .records import declare
from .registry import adjoint, nondifferentiable, tangent

# ------------------------------------------------------------------- joining


#: numpy >= 1.24: np.hstack and np.vstack take a dtype (a float one computes in that dtype:
#: the derivative is the same, as a ufunc's)
_JOIN_DTYPE = "dtype" in inspect.signature(np.vstack).parameters

if _JOIN_DTYPE:
    @adjoint(np.hstack, nondiff=("dtype",), allocates=True, float_dtype="dtype")
    def hstack_adjoint(y, y_bar, tup, dtype=None):
        return hstack_bar(y_bar, tup)

    @tangent(np.hstack)   # (linear: np.hstack of the tangents, 0-d Dask ones too)
    def hstack_tangent(y, tup, dtype, tup_dot):
        return hstack_of(tup_dot)
else:  # pragma: no cover - numpy < 1.24
    @adjoint(np.hstack, allocates=True)
    def hstack_adjoint(y, y_bar, tup):
        return hstack_bar(y_bar, tup)

    @tangent(np.hstack)
    def hstack_tangent(y, tup, tup_dot):
        return hstack_of(tup_dot)


# np.row_stack is vstack under its old name (deprecated in numpy 2.0, gone later)
_ROW_STACK = tuple(f for f in (getattr(np, "row_stack", None),) if f is not None
                   and ("dtype" in inspect.signature(f).parameters) == _JOIN_DTYPE)

if _JOIN_DTYPE:
    @adjoint(np.vstack, nondiff=("dtype",), linear=True, allocates=True, aliases=_ROW_STACK,
             float_dtype="dtype")
    def vstack_adjoint(y, y_bar, tup, dtype=None):
        return vstack_bar(y_bar, tup)
else:  # pragma: no cover - numpy < 1.24
    @adjoint(np.vstack, linear=True, allocates=True, aliases=_ROW_STACK)
    def vstack_adjoint(y, y_bar, tup):
        return vstack_bar(y_bar, tup)


@adjoint(np.dstack, linear=True, allocates=True)
def dstack_adjoint(y, y_bar, tup):
    return dstack_bar(y_bar, tup)


@adjoint(np.column_stack, linear=True, allocates=True)
def column_stack_adjoint(y, y_bar, tup):
    return column_stack_bar(y_bar, tup)


@adjoint(np.append, nondiff=("axis",), linear=True, allocates=True)
def append_adjoint(y, y_bar, arr, values, axis=None):
    parts = append_bar(y_bar, arr, values, axis)
    return parts[0], parts[1]


# ----------------------------------------------------------------- splitting
# several outputs (a list of arrays): y_bar is a sequence, one adjoint per piece


@adjoint(np.split, nondiff=("indices_or_sections", "axis"), linear=True, view=True)
def split_adjoint(y, y_bar, ary, indices_or_sections, axis=0):
    return split_bar(y_bar, ary, indices_or_sections, axis)


@adjoint(np.array_split, nondiff=("indices_or_sections", "axis"), linear=True, view=True)
def array_split_adjoint(y, y_bar, ary, indices_or_sections, axis=0):
    return split_bar(y_bar, ary, indices_or_sections, axis)


@adjoint(np.hsplit, nondiff=("indices_or_sections",), linear=True, view=True)
def hsplit_adjoint(y, y_bar, ary, indices_or_sections):
    return hsplit_bar(y_bar, ary, indices_or_sections)


@adjoint(np.vsplit, nondiff=("indices_or_sections",), linear=True, view=True)
def vsplit_adjoint(y, y_bar, ary, indices_or_sections):
    return vsplit_bar(y_bar, ary, indices_or_sections)


@adjoint(np.dsplit, nondiff=("indices_or_sections",), linear=True, view=True)
def dsplit_adjoint(y, y_bar, ary, indices_or_sections):
    return dsplit_bar(y_bar, ary, indices_or_sections)


# ----------------------------------------------------------------- selecting
# indices, index arrays and conditions are constants (nondiff)


@adjoint(np.take, nondiff=("indices", "axis", "mode"), allocates=True, methods=("take",))
def take_adjoint(y, y_bar, a, indices, axis=None, mode="raise"):
    return take_bar(y_bar, a, indices, axis, mode)


@tangent(np.take)
def take_tangent(y, a, indices, axis, mode, a_dot):
    return np.take(a_dot, indices, axis=axis, mode=mode)


@adjoint(np.take_along_axis, nondiff=("indices", "axis"), allocates=True)
def take_along_axis_adjoint(y, y_bar, arr, indices, axis=-1):
    return take_along_axis_bar(y_bar, arr, indices, axis)


@tangent(np.take_along_axis)   # (linear; lazily on a Dask tangent, which Dask lacks it for)
def take_along_axis_tangent(y, arr, indices, axis, arr_dot):
    return take_along_of(arr_dot, indices, axis)


@adjoint(np.choose, nondiff=("a", "mode"), allocates=True, methods=("choose",))
def choose_adjoint(y, y_bar, a, choices, mode="raise"):
    return choose_bar(y_bar, a, choices, mode)


@tangent(np.choose)
def choose_tangent(y, a, choices, mode, choices_dot):
    return np.choose(a, choices_dot, mode=mode)


@adjoint(np.select, nondiff=("condlist",), allocates=True)
def select_adjoint(y, y_bar, condlist, choicelist, default=0):
    parts = select_bar(y_bar, condlist, choicelist, default)
    return parts[0], parts[1]


# (select_of, not np.select: Dask 2026.8 names every np.select result "select", so the
# value and its tangent, computed together, would be one key of the graph)
@tangent(np.select)
def select_tangent(y, condlist, choicelist, default, choicelist_dot, default_dot):
    return select_of(condlist, choicelist_dot, default_dot)


# ------------------------------------------------------------------- sorting
# the values: y is a reordering of a, each element's adjoint is y_bar at the place it
# went to; at ties equal values are matched in their order (sort_order)


@adjoint(np.sort, nondiff=("axis", "kind"), allocates=True)
def sort_adjoint(y, y_bar, a, axis=-1, kind=None):
    return reorder_bar(y_bar, a, sort_order(y, a, axis), axis)


@tangent(np.sort)
def sort_tangent(y, a, axis, kind, a_dot):
    return reorder_dot(a_dot, sort_order(y, a, axis), axis)


@adjoint(np.partition, nondiff=("kth", "axis", "kind"), allocates=True)
def partition_adjoint(y, y_bar, a, kth, axis=-1, kind="introselect"):
    return reorder_bar(y_bar, a, sort_order(y, a, axis), axis)


@tangent(np.partition)
def partition_tangent(y, a, kth, axis, kind, a_dot):
    return reorder_dot(a_dot, sort_order(y, a, axis), axis)


nondifferentiable(sort_order)


# ------------------------------------------------------------ array methods
# x.clip(...) is np.clip(x, ...) (its rule is numpy_rules'); x.round() is constant as
# np.round is (nondifferentiable there); x.item(index) reads one element as a number.

declare(np.clip, methods=("clip",))
registry.METHODS["clip"] = (np.clip, "np.clip")
registry.METHOD_POSITIONS["clip"] = ("min", "max")   # (np.clip's are a_min, a_max)
nondifferentiable(np.round, methods=("round",), spelling="np.round")
nondifferentiable(np.around)


# (x.item(...) is normalized as item_of(x, index): np.ndarray.item would refuse numpy's
# numbers, which np.sum(x) gives, see syntax.normalize.flatten)
@adjoint(item_of, nondiff=("index",), label="ndarray.item")
def item_adjoint(y, y_bar, a, index=None):
    return item_value_bar(y_bar, a, index)


@tangent(item_of)
def item_tangent(y, a, index, a_dot):
    return item_value_dot(a_dot, index)


# ------------------------------------------------------------ np.add.at writes
# np.add.at(a, i, v) (np.subtract.at) is normalized as a write of the whole array,
# a[...] = a + scatter_add(a, i, v) (syntax.normalize.scatter): a's adjoint passes
# through, v's gathers y_bar at each index (repeats too).  Other ufuncs' .at writes are
# refused (syntax.normalize.views) with the loop of item writes to write instead.


@adjoint(scatter_add, nondiff=("like", "indices"), linear=True, allocates=True)
def scatter_add_adjoint(y, y_bar, like, indices, values):
    return scatter_add_bar(y_bar, indices, values)


registry.UFUNC_WRITES[identity.key(np.add.at)] = (np.add.at, scatter_add, "add")
registry.UFUNC_WRITES[identity.key(np.subtract.at)] = (np.subtract.at, scatter_add, "subtract")


# np.bincount(i, weights=v, minlength=n): the same scatter as a value, differentiable in
# the weights: each weight reaches the bin its index names


@adjoint(np.bincount, nondiff=("x", "minlength"), linear=True, allocates=True)
def bincount_adjoint(y, y_bar, x, weights=None, minlength=0):
    return np.asarray(y_bar)[x]


# np.extract and np.compress: take the elements where a constant condition holds


@adjoint(np.extract, nondiff=("condition",), linear=True, allocates=True)
def extract_adjoint(y, y_bar, condition, arr):
    return extract_bar(y_bar, condition, arr)


@adjoint(np.compress, nondiff=("condition", "axis"), allocates=True)
def compress_adjoint(y, y_bar, condition, a, axis=None):
    return take_bar(y_bar, a, np.flatnonzero(condition), axis)


@tangent(np.compress)
def compress_tangent(y, condition, a, axis, a_dot):
    return np.compress(condition, a_dot, axis=axis)


@adjoint(np.block, linear=True, allocates=True)
def block_adjoint(y, y_bar, arrays):
    return block_bar(y_bar, arrays)


# np.r_[a, u, b] and np.c_[u, v]: the normalizer calls these helpers with the pieces
# (syntax.item_calls); the tangent is the join of the pieces' tangents (linear)
declare_item_call(np.r_, r_joined)
declare_item_call(np.c_, c_joined)


@adjoint(r_joined, linear=True, allocates=True)
def r_joined_adjoint(y, y_bar, pieces):
    return r_joined_bar(y_bar, pieces)


@adjoint(c_joined, linear=True, allocates=True)
def c_joined_adjoint(y, y_bar, pieces):
    return c_joined_bar(y_bar, pieces)
